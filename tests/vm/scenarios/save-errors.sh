#!/bin/bash
# save-errors: a device too small for the image gives a clear error,
# leaves no complete flag (B's verify and the host's both say
# "incomplete"), and B still jumps back to A, which goes on.
. "$(dirname "$0")/../lib.sh"
vm_setup save-errors
image=$work/small.raw
vm_prep truncate -s 16M "$image"

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'B'
try save kjump save --to /dev/vda
try verify kjump verify /dev/vda
kjump back >/dev/null 2>&1
B
} >"$work/b-workload"

cat >"$work/a-workload" <<'A'
#!/bin/sh
kjump load --append "console=ttyS0 no_console_suspend" >/tmp/load.out 2>&1 ||
	{ echo "try: load failed"; cat /tmp/load.out; }
kjump jump >/dev/null 2>&1 && echo "try: A is back"
echo "try: done"
A

vm_b_initramfs "$work/b.cpio.gz" "$work/b-workload"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz"
vm_boot guest "$work/a.cpio.gz" "crashkernel=160M" 300 1G 2 \
	-drive "file=$image,format=raw,if=virtio,cache=unsafe"
[ $? -eq 124 ] && vm_fail "the guest did not finish within 300 s"
vm_expect guest save 1 "kjump: error: '/dev/vda' is too small for the image \([0-9]+ bytes written\); it is left incomplete"
vm_expect guest verify 1 "kjump: error: '/dev/vda' is incomplete: the save did not finish"
vm_count guest "^try: A is back$" >/dev/null || vm_fail "B did not jump back to A after the failed save"
out=$("$KJ_BUILD/kjump" verify "$image" 2>&1)
[ "$out" = "kjump: error: '$image' is incomplete: the save did not finish" ] ||
	vm_fail "the host's verify says '$out'"
vm_pass
