#!/bin/bash
# resume-refusals: a boot with kjump.resume=/dev/vda refuses, before any
# page is written, each image it must not resume, says why on the console,
# and boots on normally:
#   a byte flipped in a page block; an image cut short by killing qemu in
#   the middle of the save; a guest with a different RAM size; a consumed
#   image; a device of random bytes; and an image whose restore was started
#   and failed in R (it is not started again, until kjump.retry=1 resumes
#   it).
. "$(dirname "$0")/../lib.sh"
vm_setup resume-refusals
cmdline="crashkernel=160M@0x30000000 nokaslr"

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'A'
if grep -q kjump_test.phase=after /proc/cmdline; then
	echo "refusal-test: booted normally"
	exit 0
fi
start_membuf 300
check before
# The boot to be killed saves slowly, so that it is killed in the middle.
compress=lz4
grep -q kjump_test.slow /proc/cmdline && compress=zstd:19
kjump hibernate --image /dev/vda --compress $compress 2>&1 | sed 's/^/refusal-test: A: /'
check after
A
} >"$work/a-workload"
vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz"

# A good image, to damage in named ways.
vm_prep truncate -s 1200M "$work/good.raw"
vm_boot hibernate "$work/a.cpio.gz" "$cmdline" 600 1G 2 \
	-drive "file=$work/good.raw,format=raw,if=virtio,cache=unsafe"
"$KJ_BUILD/kjump" verify "$work/good.raw" >/dev/null 2>&1 || vm_fail "the hibernation left no good image"

# A save cut short: qemu killed as soon as B reports progress.
vm_prep truncate -s 1200M "$work/killed.raw"
vm_boot killed "$work/a.cpio.gz" "$cmdline kjump_test.slow" 600 1G 2 \
	-drive "file=$work/killed.raw,format=raw,if=virtio,cache=unsafe" &
qemu=$!
for _ in $(seq 600); do
	vm_log killed 2>/dev/null | grep -q "kjump: saving: " && break
	sleep 0.1
done
pkill -KILL -f "serial file:$work/killed.serial.log" 2>/dev/null
wait $qemu 2>/dev/null
vm_count killed "^kjump: hibernated, powering off$" >/dev/null &&
	vm_fail "the save finished before qemu could be killed"

vm_prep cp --sparse=always "$work/good.raw" "$work/flipped.raw"
vm_prep "$KJ_BUILD/tests/imgcorrupt" "$work/flipped.raw" block-checksum
vm_prep cp --sparse=always "$work/good.raw" "$work/consumed.raw"
vm_prep "$KJ_BUILD/tests/imgcorrupt" "$work/consumed.raw" consumed
vm_prep dd if=/dev/urandom of="$work/random.raw" bs=1M count=16 iflag=fullblock

# refused NAME DISK MEM REASON: the boot refuses with REASON and boots on.
refused() {
	vm_boot "$1" "$work/a.cpio.gz" "$cmdline kjump.resume=/dev/vda kjump_test.phase=after" \
		300 "$3" 2 -drive "file=$work/$2,format=raw,if=virtio,cache=unsafe"
	vm_count "$1" "^kjump: error: $4\$" >/dev/null ||
		vm_fail "$1: no refusal '$4': $(vm_field "$1" 'kjump: error: ')"
	vm_count "$1" "^kjump: restore: from " >/dev/null && vm_fail "$1: R was started"
	vm_count "$1" "^refusal-test: booted normally$" >/dev/null ||
		vm_fail "$1: the machine did not boot on"
}
refused flipped flipped.raw 1G "cannot resume '/dev/vda': bad block checksum"
refused killed killed.raw 1G "cannot resume '/dev/vda': incomplete: the save did not finish"
refused ram good.raw 1200M "'/dev/vda' is of another memory layout: .*"
refused consumed consumed.raw 1G "'/dev/vda' was resumed once already; it is never resumed twice"
refused random random.raw 1G "cannot resume '/dev/vda': not a kjump image \\(bad magic\\)"

# A restore that fails after C's checks (here R has no persistent memory:
# the blacklist reaches R through the inherited command line) is not
# started again by the next boot; kjump.retry=1 starts it, and the image,
# kept all along, resumes.
vm_prep cp --sparse=always "$work/good.raw" "$work/attempt.raw"
before=$(vm_field hibernate 'membuf: before checksum=')
attempt() {
	vm_boot "$1" "$work/a.cpio.gz" "$cmdline kjump.resume=/dev/vda $2" 300 1G 2 \
		-drive "file=$work/attempt.raw,format=raw,if=virtio,cache=unsafe"
}
attempt failing "kjump_test.phase=after initcall_blacklist=register_e820_pmem"
vm_count failing "^kjump: error: no persistent memory to restore into: .*" >/dev/null ||
	vm_fail "R did not fail as arranged: $(vm_field failing 'kjump: error: ')"
vm_count failing "^kjump: error: restore failed, rebooting$" >/dev/null || vm_fail "R did not give up"
attempt again "kjump_test.phase=after"
vm_count again "^kjump: error: a restore of '/dev/vda' was started and did not finish; not starting it again$" >/dev/null ||
	vm_fail "the boot after a failed restore started it again: $(vm_field again 'kjump: ')"
vm_count again "^refusal-test: booted normally$" >/dev/null || vm_fail "again: the machine did not boot on"
attempt retry "kjump.retry=1"
[ "$(vm_field retry 'membuf: after checksum=')" = "$before" ] ||
	vm_fail "kjump.retry=1 did not resume the kept image: $(vm_field retry 'kjump: error: ')"
rm -f "$work"/*.raw
vm_pass
