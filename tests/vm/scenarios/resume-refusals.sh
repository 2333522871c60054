#!/bin/bash
# resume-refusals: a boot with kjump.resume=/dev/vda refuses, before any
# page is written, each image it must not resume, says why on the console,
# discards a hibernation image it refused (the host's 'kjump info' shows
# the reason), and boots on normally:
#   a byte flipped in a page block; an image cut short by killing qemu in
#   the middle of the save; a guest with a different RAM size; a consumed
#   image; a device of random bytes; a boot told kjump.noresume=1; and an
#   image whose restore fails in R every time: started again by the next
#   boot, then discarded by the one after, never looping.
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
vm_cut killed "kjump: saving: "
wait $qemu 2>/dev/null
vm_count killed "^kjump: hibernated, powering off$" >/dev/null &&
	vm_fail "the save finished before qemu could be killed"

vm_prep cp --sparse=always "$work/good.raw" "$work/flipped.raw"
vm_prep "$KJ_BUILD/tests/imgcorrupt" "$work/flipped.raw" block-checksum
vm_prep cp --sparse=always "$work/good.raw" "$work/consumed.raw"
vm_prep "$KJ_BUILD/tests/imgcorrupt" "$work/consumed.raw" consumed
vm_prep dd if=/dev/urandom of="$work/random.raw" bs=1M count=16 iflag=fullblock
vm_prep cp --sparse=always "$work/good.raw" "$work/attempt.raw"

# refused NAME DISK MEM REASON [INFO]: the boot refuses with REASON and
# boots on; the image's state (kjump info on the host) is then INFO.
refused() {
	vm_boot "$1" "$work/a.cpio.gz" "$cmdline kjump.resume=/dev/vda kjump_test.phase=after" \
		300 "$3" 2 -drive "file=$work/$2,format=raw,if=virtio,cache=unsafe"
	vm_count "$1" "^kjump: error: $4\$" >/dev/null ||
		vm_fail "$1: no refusal '$4': $(vm_field "$1" 'kjump: error: ')"
	vm_count "$1" "^kjump: restore: from " >/dev/null && vm_fail "$1: R was started"
	vm_count "$1" "^refusal-test: booted normally$" >/dev/null ||
		vm_fail "$1: the machine did not boot on"
	[ -z "${5:-}" ] || state_is "$1" "$2" "$5"
}
# state_is NAME DISK STATE: the host reads the image's state.
state_is() {
	local state
	state=$("$KJ_BUILD/kjump" info "$work/$2" 2>&1 | sed -n 's/^state: *//p')
	[ "$state" = "$3" ] || vm_fail "$1: the image's state is '$state', want '$3'"
}
refused flipped flipped.raw 1G "cannot resume '/dev/vda': bad block checksum" \
	"discarded: a boot found it damaged (bad block checksum)"
vm_count flipped "^kjump: discarded '/dev/vda': a boot found it damaged$" >/dev/null ||
	vm_fail "flipped: the boot did not say it discarded the image"
refused killed killed.raw 1G "cannot resume '/dev/vda': incomplete: the save did not finish"
refused ram good.raw 1200M "'/dev/vda' is of another memory layout: .*" \
	"discarded: a boot on other memory went on without it"
# once discarded, never resumed: not even on the machine it came from
refused ram-again good.raw 1G "'/dev/vda' was discarded: a boot on other memory went on without it"
refused consumed consumed.raw 1G "'/dev/vda' was resumed once already; it is never resumed twice"
refused random random.raw 1G "cannot resume '/dev/vda': not a kjump image \\(bad magic\\)"

# kjump.noresume=1: the boot goes on, and the image is discarded first.
vm_prep cp --sparse=always "$work/attempt.raw" "$work/noresume.raw"
vm_boot noresume "$work/a.cpio.gz" \
	"$cmdline kjump.resume=/dev/vda kjump.noresume=1 kjump_test.phase=after" 300 1G 2 \
	-drive "file=$work/noresume.raw,format=raw,if=virtio,cache=unsafe"
vm_count noresume "^kjump: discarded '/dev/vda': a boot was told not to resume it \(kjump.noresume=1\)$" >/dev/null ||
	vm_fail "noresume: no discard: $(vm_field noresume 'kjump: ')"
vm_count noresume "^refusal-test: booted normally$" >/dev/null || vm_fail "noresume: no boot"
state_is noresume noresume.raw "discarded: a boot was told not to resume it (kjump.noresume=1)"

# A restore that fails after C's checks (here R has no persistent memory:
# the blacklist reaches R through the inherited command line) is started
# again by the next boot; when that fails too, the boot after discards
# the image, says why, and boots on.
attempt() {
	vm_boot "$1" "$work/a.cpio.gz" \
		"$cmdline kjump.resume=/dev/vda kjump_test.phase=after initcall_blacklist=register_e820_pmem" \
		300 1G 2 -drive "file=$work/attempt.raw,format=raw,if=virtio,cache=unsafe"
}
attempt failing
vm_count failing "^kjump: error: no persistent memory to restore into: .*" >/dev/null ||
	vm_fail "R did not fail as arranged: $(vm_field failing 'kjump: error: ')"
vm_count failing "^kjump: error: restore failed, rebooting$" >/dev/null || vm_fail "R did not give up"
state_is failing attempt.raw "complete; 1 of 2 restores started did not finish"
attempt again
vm_count again "^kjump: warning: a restore of '/dev/vda' was started and did not finish: starting it again \(2 of 2\)$" >/dev/null ||
	vm_fail "the boot after a failed restore did not start it again: $(vm_field again 'kjump: ')"
vm_count again "^kjump: error: restore failed, rebooting$" >/dev/null || vm_fail "again: R did not give up"
attempt last
vm_count last "^kjump: error: the restore of '/dev/vda' was started 2 times and did not finish$" >/dev/null ||
	vm_fail "the third boot did not give up: $(vm_field last 'kjump: ')"
vm_count last "^kjump: restore: from " >/dev/null && vm_fail "last: R was started a third time"
vm_count last "^refusal-test: booted normally$" >/dev/null || vm_fail "last: the machine did not boot on"
state_is last attempt.raw "discarded: its restore was started twice and did not finish"
rm -f "$work"/*.raw
vm_pass
