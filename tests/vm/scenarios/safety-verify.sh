#!/bin/bash
# safety-verify: nothing unverified reaches memory, and no boot loops. A
# prints its one-boot arguments and hibernates; on the host a data byte
# of the image is flipped. R, booted straight with those arguments, checks
# every block as it writes it, stops at the bad one, never jumps, and
# reboots. The next boot (kjump.resume=) refuses the image, discards it
# and boots on; the one after refuses it as discarded and boots on too.
# Evidence: the guests' lines (R's stop, no jump, the refusals, the
# normal boots); the host's 'kjump info' says why the image was not
# resumed.
#
# Under UEFI the one-boot entry starts C, not R (vm_oneboot_initrd): C
# checks every block before it loads R, so there C refuses the image,
# discards it, starts no R and reboots; the next boots refuse it as
# discarded. (R's own check as it writes is the same code under either
# firmware; hibernate-direct.uefi runs C and R through to the jump.)
. "$(dirname "$0")/../lib.sh"
vm_setup safety-verify
cmdline="crashkernel=160M@0x30000000 nokaslr"

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'A'
if grep -q kjump_test.phase=after /proc/cmdline; then
	echo "verify-test: booted normally"
	exit 0
fi
start_membuf 200
check before
echo "verify-test: boot-args: $(kjump resume --image /dev/vda --boot-args)"
kjump hibernate --image /dev/vda 2>&1 | sed 's/^/verify-test: A: /'
check after
A
} >"$work/a-workload"
vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz"
vm_prep truncate -s 1200M "$work/image.raw"
disk=(-drive "file=$work/image.raw,format=raw,if=virtio,cache=unsafe")

vm_boot hibernate "$work/a.cpio.gz" "$cmdline" 600 1G 2 "${disk[@]}"
vm_count hibernate "^kjump: hibernated, powering off$" >/dev/null ||
	vm_fail "A did not hibernate: $(vm_field hibernate 'verify-test: A: kjump: error: ')"
args=$(vm_field hibernate 'verify-test: boot-args: ')
[ -n "$args" ] || vm_fail "A printed no one-boot arguments"
vm_prep "$KJ_BUILD/tests/imgcorrupt" "$work/image.raw" block-checksum

vm_oneboot_initrd "$work/b.cpio.gz"
vm_boot direct "$vm_oneboot" "$args" 300 1G 2 "${disk[@]}"
[ $? -eq 124 ] && vm_fail "the one-boot entry's boot did not end within 300 s"
vm_count direct "^kjump: image marked consumed|^verify-test: " >/dev/null && vm_fail "R jumped"
after="kjump.resume=/dev/vda kjump_test.phase=after"
if [ -n "$(vm_firmware_suffix)" ]; then
	vm_count direct "^kjump: error: cannot resume '/dev/vda': bad block checksum$" >/dev/null ||
		vm_fail "C did not refuse the bad block: $(vm_field direct 'kjump: error: ')"
	vm_count direct "^kjump: restore: " >/dev/null && vm_fail "C started R"
	vm_count direct "^kjump: error: resume failed, rebooting$" >/dev/null || vm_fail "C did not reboot"
	vm_boot next "$work/a.cpio.gz" "$cmdline $after" 300 1G 2 "${disk[@]}"
	vm_count next "^kjump: error: '/dev/vda' was discarded: a boot found it damaged$" >/dev/null ||
		vm_fail "the next boot did not refuse the image C discarded: $(vm_field next 'kjump: ')"
else
	vm_count direct "^kjump: error: restoring '/dev/vda' failed while writing: bad block checksum$" >/dev/null ||
		vm_fail "R did not stop at the bad block: $(vm_field direct 'kjump: error: ')"
	vm_count direct "^kjump: error: restore failed, rebooting$" >/dev/null || vm_fail "R did not reboot"
	vm_boot next "$work/a.cpio.gz" "$cmdline $after" 300 1G 2 "${disk[@]}"
	vm_count next "^kjump: error: cannot resume '/dev/vda': bad block checksum$" >/dev/null ||
		vm_fail "the next boot did not refuse: $(vm_field next 'kjump: ')"
	vm_count next "^kjump: discarded '/dev/vda': a boot found it damaged$" >/dev/null ||
		vm_fail "the next boot did not discard the image"
fi
vm_count next "^kjump: restore: " >/dev/null && vm_fail "the next boot started R"
vm_count next "^verify-test: booted normally$" >/dev/null || vm_fail "the next boot did not boot on"
vm_boot last "$work/a.cpio.gz" "$cmdline $after" 300 1G 2 "${disk[@]}"
vm_count last "^kjump: error: '/dev/vda' was discarded: a boot found it damaged$" >/dev/null ||
	vm_fail "the boot after did not refuse the discarded image: $(vm_field last 'kjump: ')"
vm_count last "^verify-test: booted normally$" >/dev/null || vm_fail "the boot after did not boot on"
state=$("$KJ_BUILD/kjump" info "$work/image.raw" 2>&1 | sed -n 's/^state: *//p')
[ "$state" = "discarded: a boot found it damaged (bad block checksum)" ] ||
	vm_fail "kjump info says '$state'"
rm -f "$work"/*.raw
vm_pass "kjump info: $state"
