#!/bin/bash
# hibernate-resident: a resident B ('kjump resident') takes a snapshot,
# then a hibernation, booted once for both; the hibernation resumes, and
# A takes one more snapshot.
# A holds 300 MiB it checksums; it starts B (B boots, comes back at once),
# takes a snapshot into /dev/vda through it (B's second entry: the task in
# the target's stamp), then hibernates into /dev/vda (its third entry).
# The next qemu process starts R straight with 'kjump resume --boot-args'
# (under UEFI: C, which starts R, in the same boot of the firmware).
#
# Evidence, from the guests' logs:
#   - A: B is resident; the snapshot and the hibernation each say B is
#     resident, and the snapshot is saved;
#   - A wrote B's kernel and initrd into the region in place (a crash
#     load, unloaded at once): its jumps swap only low memory;
#   - B's init came up once in all that ("kjump-init: up" twice in the
#     log: A's and B's), and B took two tasks;
#   - after the resume A goes on: "resumed from hibernation", and its
#     300 MiB checksum is the one from before. This is what a B entered
#     more than once could not do while its jump back swapped A's control
#     page: its core showed the page of the first jump, a dead stack;
#   - R booted over the resident B, so A unloads it after the resume, and
#     the snapshot after it boots a B of its own and is saved; A's
#     checksum still holds. (While A kept the load, that snapshot jumped
#     into the dead R, which said "restore failed, rebooting": A was lost.)
. "$(dirname "$0")/../lib.sh"
vm_setup hibernate-resident
cmdline="crashkernel=160M@0x30000000 nokaslr"

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'A'
start_membuf 300
check before
echo "resident-test: boot-args: $(kjump resume --image /dev/vda --boot-args)"
for step in "resident" "snapshot" "hibernate"; do
	kjump $step --image /dev/vda 2>&1 | sed "s/^/resident-test: $step: /"
done
check after
kjump snapshot --image /dev/vda 2>&1 | sed "s/^/resident-test: again: /"
check again
A
} >"$work/a-workload"
vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz"

vm_prep truncate -s 1200M "$work/image.raw"
vm_boot hibernate "$work/a.cpio.gz" "$cmdline" 600 1G 2 \
	-drive "file=$work/image.raw,format=raw,if=virtio,cache=unsafe"
[ $? -eq 124 ] && vm_fail "hibernate: the guest did not end within 600 s"
vm_count hibernate "^resident-test: resident: kjump: B is resident: it booted and came back in " >/dev/null ||
	vm_fail "B did not become resident: $(vm_log hibernate | grep 'kjump.*error' | head -3)"
vm_count hibernate "^resident-test: snapshot: kjump: taking a snapshot into '/dev/vda' \\(B is resident\\)$" >/dev/null ||
	vm_fail "the snapshot did not go to the resident B: $(vm_field hibernate 'resident-test: snapshot: ')"
vm_count hibernate "^resident-test: snapshot: kjump: snapshot saved in '/dev/vda' " >/dev/null ||
	vm_fail "the snapshot through the resident B failed: $(vm_log hibernate | grep 'kjump.*error' | head -3)"
vm_count hibernate "^kjump: hibernated, powering off$" >/dev/null ||
	vm_fail "B did not hibernate: $(vm_log hibernate | grep 'kjump.*error' | head -3)"
vm_count hibernate "^resident-test: resident: kjump: loaded .*, written in place\\); " >/dev/null ||
	vm_fail "B's kernel and initrd were not written into the region in place: $(vm_field hibernate 'resident-test: resident: kjump: loaded ')"
ups=$(vm_count hibernate "^kjump-init: up")
[ "$ups" = 2 ] || vm_fail "init came up $ups times, want 2 (A, then B once)"
tasks=$(vm_count hibernate "^kjump: resident: task: kjump.action=")
[ "$tasks" = 2 ] || vm_fail "B took $tasks tasks, want 2"
args=$(vm_field hibernate 'resident-test: boot-args: ')
before=$(vm_field hibernate 'membuf: before checksum=')
# R straight; under UEFI C, then R (vm_oneboot_initrd)
want=restore
[ -n "$(vm_firmware_suffix)" ] && want=resume
case $args in
*kjump.action=$want*kjump.image=/dev/vda*) ;;
*) vm_fail "no one-boot arguments (kjump.action=$want) from A: '$args'" ;;
esac
vm_oneboot_initrd "$work/b.cpio.gz"

vm_boot resume "$vm_oneboot" "$args" 300 1G 2 \
	-drive "file=$work/image.raw,format=raw,if=virtio,cache=unsafe"
[ $? -eq 124 ] && vm_fail "resume: the boot did not end within 300 s"
vm_count resume "^resident-test: hibernate: kjump: resumed from hibernation in '/dev/vda'$" >/dev/null ||
	vm_fail "A did not resume: $(vm_log resume | grep 'kjump.*error' | head -3)"
# A's line before the jump comes out of its pipe once A runs again
vm_count resume "^resident-test: hibernate: kjump: hibernating into '/dev/vda' \\(B is resident\\)$" >/dev/null ||
	vm_fail "the hibernation did not go to the resident B"
after=$(vm_field resume 'membuf: after checksum=')
[ "$after" = "$before" ] || vm_fail "A's 300 MiB changed: $before before, $after after"
vm_count resume "^resident-test: hibernate: kjump: the resume booted over the resident B: it is unloaded" >/dev/null ||
	vm_fail "A did not unload the resident B after the resume"
vm_count resume "^resident-test: again: kjump: taking a snapshot into '/dev/vda'$" >/dev/null ||
	vm_fail "the snapshot after the resume did not load a B of its own: $(vm_field resume 'resident-test: again: ')"
vm_count resume "^resident-test: again: kjump: snapshot saved in '/dev/vda' " >/dev/null ||
	vm_fail "the snapshot after the resume failed: $(vm_log resume | grep -E 'again:|kjump.*error' | head -3)"
again=$(vm_field resume 'membuf: again checksum=')
[ "$again" = "$before" ] || vm_fail "A's 300 MiB changed by the snapshot after the resume: $before, then $again"
resident=$(vm_field hibernate 'resident-test: resident: kjump: B is resident: it booted and came back in ')
saved=$(vm_field hibernate 'kjump: [0-9]* bytes in ')
rm -f "$work"/*.raw
vm_pass "B booted once ($resident) for a snapshot and a hibernation; saved in $saved; resumed, checksum $before kept; a snapshot after it loaded B again"
