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
# Before all that, /boot/grub is moved onto a device-mapper device for a
# while (GRUB could not clear next_entry there): 'kjump status' must warn
# and 'kjump setup' turn one boot off; back on the disk, setup turns it
# on again.
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

# The pre part on device-mapper: setup's and status's evidence.
dm_evidence() {
	local grub="GRUB cannot write its environment.* in /boot/grub: it lies on LVM, dm-crypt or RAID \(device [0-9]+:[0-9]+\)"
	vm_count hibernate "^kjtest: dm: mounted /dev/mapper/kjtest-grub$" >/dev/null ||
		vm_fail "hibernate: no /boot/grub on device-mapper: $(vm_log hibernate | grep -m3 '^kjtest: dm: \|dmsetup\|losetup')"
	[ "$(debian_field hibernate 'dm: before: ')" = "ONE_BOOT=yes" ] ||
		vm_fail "hibernate: ONE_BOOT was not yes before: $(debian_field hibernate 'dm: before: ')"
	vm_count hibernate "^kjtest: dm: status: on, but $grub; a resume R refused would start R again at every boot$" >/dev/null ||
		vm_fail "hibernate: status did not warn of /boot/grub on device-mapper: $(debian_field hibernate 'dm: status: ')"
	vm_count hibernate "^kjtest: dm: setup: kjump: warning: $grub;" >/dev/null ||
		vm_fail "hibernate: setup did not warn: $(vm_log hibernate | grep -m3 '^kjtest: dm: setup: ')"
	[ "$(debian_field hibernate 'dm: on-dm: ')" = "ONE_BOOT=no" ] ||
		vm_fail "hibernate: setup left ONE_BOOT '$(debian_field hibernate 'dm: on-dm: ')' with /boot/grub on device-mapper"
	[ "$(debian_field hibernate 'dm: back: ')" = "ONE_BOOT=yes" ] &&
		! vm_count hibernate "^kjtest: dm: setup-back: kjump: warning: GRUB" >/dev/null ||
		vm_fail "hibernate: setup did not turn one boot on again with /boot/grub on the disk: $(debian_field hibernate 'dm: back: ')"
}

kj_install
echo 'systemctl reboot; sleep 120' >"$work/next"
cat >"$work/pre" <<'PRE'
# /boot/grub on device-mapper, where GRUB cannot clear next_entry: status
# warns, setup turns one boot off; back on the disk, setup turns it on.
conf() { sed -n "s/^ONE_BOOT=/dm: $1: ONE_BOOT=/p" /etc/kjump/kjump.conf; }
truncate -s 64M /run/kjtest/grub.img
dev=$(losetup -f --show /run/kjtest/grub.img) &&
	dmsetup create kjtest-grub --table "0 131072 linear $dev 0" &&
	mkfs.ext4 -q /dev/mapper/kjtest-grub && mount /dev/mapper/kjtest-grub /mnt &&
	cp -a /boot/grub/. /mnt && umount /mnt &&
	mount /dev/mapper/kjtest-grub /boot/grub && echo "dm: mounted $(findmnt -n -o SOURCE /boot/grub)"
conf before
kjump status 2>&1 | sed -n 's/^one boot: */dm: status: /p'
kjump setup --no-update 2>&1 | sed 's/^/dm: setup: /'
conf on-dm
umount /boot/grub && dmsetup remove kjtest-grub && losetup -d "$dev" && rm /run/kjtest/grub.img
kjump setup --no-update 2>&1 | sed 's/^/dm: setup-back: /'
conf back
sed -i 's/^RESIDENT=no$/RESIDENT=yes/' /etc/kjump/kjump.conf
update-initramfs -u 2>&1 | sed 's/^/pre: /'
systemctl restart kjump-resident.service
journalctl -b -o cat -u kjump-resident.service | sed 's/^/pre: /'
PRE
kj_hibernate "$work/next" "$work/pre"
dm_evidence
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
