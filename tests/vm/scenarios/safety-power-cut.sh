#!/bin/bash
# safety-power-cut: the power goes at the worst moments.
#   restore  qemu is killed while R writes the image back; the next boot
#            starts the restore again (its second try) and A goes on, its
#            checksum the one from before;
#   save     over an older complete hibernation image that no boot
#            resumed, A hibernates again and qemu is killed while B saves:
#            nothing is resumable after, and the boot goes on.
# (An R that fails every time is tried twice, then discarded: see
# resume-refusals.)
. "$(dirname "$0")/../lib.sh"
vm_setup safety-power-cut
cmdline="crashkernel=160M@0x30000000 nokaslr"

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'A'
if grep -q kjump_test.phase=after /proc/cmdline; then
	echo "cut-test: booted normally"
	exit 0
fi
start_membuf 300
check before
compress=lz4
grep -q kjump_test.slow /proc/cmdline && compress=zstd:19
kjump hibernate --image /dev/vda --compress $compress 2>&1 | sed 's/^/cut-test: A: /'
check after
A
} >"$work/a-workload"
vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz"

# boot NAME DISK APPEND: in the background when NAME ends in -cut.
boot() {
	vm_boot "$1" "$work/a.cpio.gz" "$cmdline $3" 600 1G 2 \
		-drive "file=$work/$2,format=raw,if=virtio,cache=unsafe"
}
# cut NAME DISK APPEND LINE: boots, and kills qemu once LINE is on its
# console; fails if the boot ended before.
cut() {
	boot "$1" "$2" "$3" &
	local qemu=$!
	vm_cut "$1" "$4"
	wait $qemu 2>/dev/null
	vm_log "$1" | grep -qE "$4" || vm_fail "$1: never reached '$4'"
}

vm_prep truncate -s 1200M "$work/image.raw"
boot hibernate image.raw ""
vm_count hibernate "^kjump: hibernated, powering off$" >/dev/null ||
	vm_fail "A did not hibernate: $(vm_field hibernate 'cut-test: A: kjump: error: ')"
before=$(vm_field hibernate 'membuf: before checksum=')
vm_prep cp --sparse=always "$work/image.raw" "$work/older.raw"

cut restore-cut image.raw "kjump.resume=/dev/vda" "^kjump: restore: checked '/dev/vda'"
vm_count restore-cut "^kjump: restored " >/dev/null && vm_fail "restore-cut: R finished before the cut"
boot restore-again image.raw "kjump.resume=/dev/vda"
vm_count restore-again "^kjump: warning: a restore of '/dev/vda' was started and did not finish: starting it again \\(2 of 2\\)$" >/dev/null ||
	vm_fail "the boot after the cut did not start the restore again: $(vm_field restore-again 'kjump: ')"
vm_count restore-again "^cut-test: A: kjump: resumed from hibernation in '/dev/vda'$" >/dev/null ||
	vm_fail "A did not resume: $(vm_field restore-again 'kjump: error: ')"
[ "$(vm_field restore-again 'membuf: after checksum=')" = "$before" ] ||
	vm_fail "A's memory changed across the cut restore"

cut save-cut older.raw "kjump_test.slow" "^kjump: saving: "
vm_count save-cut "^kjump: hibernated, powering off$" >/dev/null && vm_fail "save-cut: the save finished before the cut"
boot save-after older.raw "kjump.resume=/dev/vda kjump_test.phase=after"
vm_count save-after "^kjump: error: " >/dev/null ||
	vm_fail "the boot after the cut save did not refuse: $(vm_field save-after 'kjump: ')"
vm_count save-after "^kjump: restore: |^cut-test: A: kjump: resumed" >/dev/null &&
	vm_fail "something was resumed after a cut save"
vm_count save-after "^cut-test: booted normally$" >/dev/null || vm_fail "save-after: no normal boot"
refusal=$(vm_field save-after 'kjump: error: ')
rm -f "$work"/*.raw
vm_pass "after the cut save: $refusal"
