#!/bin/bash
# hibernate-save: the first half of hibernation, the save. The second half,
# `kjump resume` in C and the restore in R, is the hibernate scenario's
# (and hibernate-direct's, in one boot).
#   1. A disk too small: B cannot save, comes back; A reports the failure
#      and goes on; the disk holds no complete image.
#   2. A disk big enough: B saves and powers the guest off; A never prints
#      again; on the host the image verifies, complete and not consumed.
. "$(dirname "$0")/../lib.sh"
vm_setup hibernate-save

cat >"$work/a-workload" <<'A'
#!/bin/sh
echo "hibernate-test: A: hibernating"
kjump hibernate --image /dev/vda --drop-caches 2>&1 | sed 's/^/hibernate-test: A: /'
echo "hibernate-test: A: still running"
A
vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz"

vm_prep truncate -s 16M "$work/small.raw"
vm_boot small "$work/a.cpio.gz" "crashkernel=160M" 300 1G 2 \
	-drive "file=$work/small.raw,format=raw,if=virtio,cache=unsafe"
vm_count small "^hibernate-test: A: kjump: error: hibernation failed: B did not leave a complete image in '/dev/vda'; see B's messages on the console$" >/dev/null ||
	vm_fail "no clear failure when the disk is too small: $(vm_field small 'hibernate-test: A: ')"
vm_count small "^hibernate-test: A: still running$" >/dev/null ||
	vm_fail "A did not go on after the failed hibernation"
out=$("$KJ_BUILD/kjump" verify "$work/small.raw" 2>&1)
[ "$out" = "kjump: error: '$work/small.raw' is incomplete: the save did not finish" ] ||
	vm_fail "the small disk: '$out'"

vm_prep truncate -s 1200M "$work/image.raw"
vm_boot big "$work/a.cpio.gz" "crashkernel=160M" 600 1G 2 \
	-drive "file=$work/image.raw,format=raw,if=virtio,cache=unsafe"
[ $? -eq 124 ] && vm_fail "the guest did not power off within 600 s"
vm_count big "^kjump: hibernated, powering off$" >/dev/null ||
	vm_fail "B did not report the hibernation"
vm_count big "^hibernate-test: A: still running$" >/dev/null &&
	vm_fail "A went on: the guest did not power off"
"$KJ_BUILD/kjump" verify "$work/image.raw" >"$work/verify.out" 2>&1 ||
	vm_fail "the image does not verify: $(cat "$work/verify.out")"
state=$("$KJ_BUILD/kjump" info "$work/image.raw" | sed -n 's/^state: *//p')
[ "$state" = complete ] || vm_fail "the image's state is '$state'"
rm -f "$work/image.raw" "$work/small.raw"
vm_pass "$(cat "$work/verify.out")"
