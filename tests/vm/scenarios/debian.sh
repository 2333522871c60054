#!/bin/bash
# debian: a real Debian 12 system hibernates with `systemctl hibernate`
# and resumes at boot through the initramfs-tools hook.
#
# The disk is the cached Debian guest (tests/vm/debian/build-disk: systemd,
# udev, initramfs-tools, GRUB, the kjump kernel package), booted by
# SeaBIOS and GRUB. Four boots, each a new qemu process:
#   1. apt installs this build's package (make deb); `kjump setup`; off
#      (shared: debian-oneboot, run before, leaves its installed disk).
#   2. the boot with the region: ONE_BOOT=no in /etc/kjump/kjump.conf,
#      so the resume goes through the initramfs; kjump status says it
#      will work; logind's CanHibernate says yes; a
#      service holds 60 % of RAM and writes an SQLite row every 100 ms; a
#      system-sleep hook logs; `systemctl hibernate`: B saves, powers off.
#   3. GRUB boots normally; the initramfs (local-premount) checks the
#      image and starts R (kjump's own initramfs, once), which resumes:
#      the same boot id, the same checksum from memory, integrity_check
#      ok, row numbers continuous across the gap, the pre/post hooks and
#      the resume in the journal, the unit succeeded, the system running;
#      the stage ends and the guest shuts down cleanly.
#   Then the host's e2fsck -fn of the root file system is clean.
. "$(dirname "$0")/../lib.sh"
. "$KJ_TOP/tests/vm/debian/lib.sh"
. "$KJ_TOP/tests/vm/debian/hibernate.sh"
vm_setup debian
debian_disk "$work/disk.raw"
kj_packages

kj_install
# as a user would: edit the conf, then rebuild the initramfs that copies it
cat >"$work/pre" <<'PRE'
sed -i 's/^ONE_BOOT=yes$/ONE_BOOT=no/' /etc/kjump/kjump.conf
update-initramfs -u 2>&1 | sed 's/^/pre: /'
PRE
kj_hibernate "$work/pre"

kj_stage fresh fresh
start=$(date +%s.%N)
debian_boot resume "$work/disk.raw" "$work/fresh.raw" 1200
[ $? -eq 124 ] && vm_fail "resume: the guest did not power off within 1200 s"
vm_count resume "^kjump: resuming from '.*': starting R" >/dev/null ||
	vm_fail "resume: the initramfs did not start R: $(vm_log resume | grep '^kjump' | head -3)"
n=$(vm_count resume "^kjump-init: up, ")
[ "$n" = 1 ] || vm_fail "resume: R started $n times, not once"
kj_resumed resume "$start"
vm_count resume "^kjtest: stage: exit 0$" >/dev/null || vm_fail "resume: the stage did not end"
kj_fsck

vm_pass "hibernate $hib_s s (systemctl hibernate to power-off), resume $resume_s s (power-on to the workload running; through the initramfs, two kernels), boot $boot_up s (power-on to multi-user.target); rows across a ${gap} s gap; setup ${setup_took} (installed by $installed_by)"
