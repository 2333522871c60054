#!/bin/bash
# debian-uefi: the Debian 12 system of the 'debian' scenario on a UEFI
# machine: OVMF on qemu's q35, a GPT disk with an EFI system partition,
# GRUB's EFI build (tests/vm/debian/build-disk with KJ_FIRMWARE=ovmf). It
# hibernates with `systemctl hibernate` and resumes in one boot of the
# firmware through GRUB's one-shot entry (kjump setup's default,
# ONE_BOOT=yes). Under UEFI that entry cannot start R straight (the
# firmware and GRUB put the kernel where they like, in A's RAM): it starts
# the kernel as C in kjump's initramfs, with the kernel and R's initramfs
# packed in by GRUB (dist/grub.d/42_kjump, newc:); C checks the image and
# loads R into the region.
#
# Four boots, each a new qemu process:
#   1. apt installs this build's package; `kjump setup`; off.
#   2. the boot with the region: kjump status says it will work, logind's
#      CanHibernate says yes, the workload runs (60 % of RAM, an SQLite row
#      every 100 ms), `systemctl hibernate`: B saves, powers off.
#   3. GRUB takes the one-shot entry ("kjump: starting C, then R"); C says
#      it was started by the boot loader and starts R; R restores what C
#      checked; kjump's init came up twice (C and R) and no other
#      initramfs ran; then the checks of 'debian': the same boot id, the
#      same checksum from memory, integrity_check ok, rows continuous, the
#      hooks and the resume in the journal, the system running. Then it
#      reboots.
#   4. a normal boot (a new boot id, running) whose `kjump info` says the
#      image was resumed; then the host's e2fsck -fn is clean.
export KJ_FIRMWARE=ovmf
. "$(dirname "$0")/../lib.sh"
. "$KJ_TOP/tests/vm/debian/lib.sh"
. "$KJ_TOP/tests/vm/debian/hibernate.sh"
vm_setup debian-uefi
debian_disk "$work/disk.raw"
kj_packages

kj_install
echo 'systemctl reboot; sleep 120' >"$work/next"
kj_hibernate "$work/next"
[ "$(debian_field hibernate 'firmware: ')" = uefi ] ||
	vm_fail "hibernate: the system did not boot through UEFI: '$(debian_field hibernate 'firmware: ')'"

kj_stage fresh fresh
start=$(date +%s.%N)
debian_boot resume "$work/disk.raw" "$work/fresh.raw" 1200
[ $? -eq 124 ] && vm_fail "resume: the guest did not end within 1200 s"
vm_count resume "^kjump: starting C, then R, to resume the hibernated system" >/dev/null ||
	vm_fail "resume: GRUB did not take the one-shot entry: $(vm_log resume | grep -m2 -i 'kjump\|error')"
vm_count resume "^kjump: resume: from '.*', started by the boot loader$" >/dev/null ||
	vm_fail "resume: C did not start from the one-shot entry: $(vm_log resume | grep -m3 '^kjump')"
vm_count resume "^kjump: restore: from '.*', which C checked$" >/dev/null ||
	vm_fail "resume: R did not restore what C checked: $(vm_log resume | grep -m3 '^kjump: error')"
n=$(vm_count resume "^kjump-init: up, ")
[ "$n" = 2 ] || vm_fail "resume: kjump's init came up $n times, not twice (C, then R)"
vm_count resume "^kjump: (trying to resume from|not resuming)" >/dev/null &&
	vm_fail "resume: the system's own initramfs ran: not one boot"
kj_resumed resume "$start"
vm_count resume "^kjtest: journal: kjump-sleep: the next boot resumes straight from GRUB" >/dev/null ||
	vm_fail "resume: the hibernation did not set the one-shot entry"

kj_normal_boot
kj_fsck

vm_pass "hibernate $hib_s s (systemctl hibernate to power-off), resume $resume_s s (power-on to the workload running; GRUB, C, then R in one boot of the firmware), boot $boot_up s (power-on to multi-user.target); rows across a ${gap} s gap"
