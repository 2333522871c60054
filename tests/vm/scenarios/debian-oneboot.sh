#!/bin/bash
# debian-oneboot: the same Debian 12 system, set up with the one-boot
# resume (kjump setup's default): the hibernation sets GRUB's one-shot
# entry (next_entry), the next boot starts R straight from GRUB, with
# no other kernel before it, and resumes; the boot after is a normal one.
# And with a resident B: before hibernating, RESIDENT=yes goes into
# kjump.conf (then update-initramfs, as after any edit of it) and
# kjump-resident.service is started, as the next boot would: B boots then,
# and 'systemctl hibernate' jumps into it without booting it. The resume
# boots R over that B: kjump unloads it, and kjump-sleep starts the
# service again once the system is back.
#
# Evidence: boot 2's journal says the next boot resumes straight from
# GRUB; boot 3's serial line shows GRUB's "kjump: starting R", R's init
# once, and no initramfs starting R (no second kernel), then the resumed system's checks as in the
# 'debian' scenario; the system then reboots, and boot 4 is a normal boot
# (a new boot id, running) whose `kjump info` says the image was resumed.
# Then the host's e2fsck -fn is clean.
. "$(dirname "$0")/../lib.sh"
. "$KJ_TOP/tests/vm/debian/lib.sh"
. "$KJ_TOP/tests/vm/debian/hibernate.sh"
vm_setup debian-oneboot
debian_disk "$work/disk.raw"
kj_packages

kj_install
echo 'systemctl reboot; sleep 120' >"$work/next"
cat >"$work/pre" <<'PRE'
sed -i 's/^RESIDENT=no$/RESIDENT=yes/' /etc/kjump/kjump.conf
update-initramfs -u 2>&1 | sed 's/^/pre: /'
systemctl restart kjump-resident.service
journalctl -b -o cat -u kjump-resident.service | sed 's/^/pre: /'
PRE
kj_hibernate "$work/next" "$work/pre"
vm_count hibernate "^kjtest: pre: kjump: B is resident: it booted and came back in " >/dev/null ||
	vm_fail "hibernate: kjump-resident.service did not start B: $(debian_field hibernate 'pre: ')"
# B's init came up once, before the hibernation was asked for
up=$(vm_log hibernate | grep -n '^kjump-init: up' | cut -d: -f1)
asked=$(vm_log hibernate | grep -n '^kjtest: hibernate: asking at ' | cut -d: -f1)
[ "$(wc -w <<<"$up")" = 1 ] && [ -n "$asked" ] && [ "$up" -lt "$asked" ] ||
	vm_fail "hibernate: B's init came up at lines '$up', the hibernation was asked at line '$asked'"

kj_stage fresh fresh
start=$(date +%s.%N)
debian_boot resume "$work/disk.raw" "$work/fresh.raw" 1200
[ $? -eq 124 ] && vm_fail "resume: the guest did not end within 1200 s"
# Under UEFI (KJ_FIRMWARE=ovmf) the entry starts C, which starts R, in
# the same boot of the firmware (see debian-uefi).
what=R ups=1 path="GRUB straight into R"
[ -n "$(vm_firmware_suffix)" ] && what="C, then R," ups=2 path="GRUB, C, then R"
vm_count resume "^kjump: starting $what to resume the hibernated system" >/dev/null ||
	vm_fail "resume: GRUB did not take the one-shot entry"
if [ $ups = 1 ] && vm_count resume "^kjump: resuming from '.*': starting R" >/dev/null; then
	vm_fail "resume: a kernel booted before R and started it: not one boot"
fi
# up to R's jump (a resident B boots again after the resume)
n=$(vm_log resume | sed -n '1,/^kjump: image marked consumed/p' | grep -c "^kjump-init: up, ")
[ "$n" = $ups ] || vm_fail "resume: kjump's init came up $n times before the jump back, not $ups"
kj_resumed resume "$start"
vm_count resume "^kjtest: journal: kjump-sleep: the next boot resumes straight from GRUB" >/dev/null ||
	vm_fail "resume: the hibernation did not set the one-shot entry"
vm_count resume "^kjtest: journal: kjump: hibernating into '.*' \(B is resident\)$" >/dev/null ||
	vm_fail "resume: the hibernation did not go to the resident B: $(vm_log resume | grep '^kjtest: journal: kjump: hibernating' | head -1)"
vm_count resume "^kjtest: journal: kjump: the resume booted over the resident B: it is unloaded" >/dev/null ||
	vm_fail "resume: kjump did not unload the resident B that R replaced"
again=$(vm_count resume "^kjtest: resident: kjump: B is resident: it booted and came back in ")
[ "$again" = 2 ] ||
	vm_fail "resume: kjump-resident.service did not start B again after the resume ($again starts in the boot): $(vm_log resume | grep '^kjtest: resident: ' | tail -2)"

kj_normal_boot
kj_fsck

vm_pass "hibernate $hib_s s (B resident; started again after the resume), resume $resume_s s (power-on to the workload running; $path), boot $boot_up s (power-on to multi-user.target)"
