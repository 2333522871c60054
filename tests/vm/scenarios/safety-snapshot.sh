#!/bin/bash
# safety-snapshot: a snapshot is never resumed. A, with an ext4 mounted,
# takes a snapshot into vdb, then appends to a file and powers off. A boot
# with kjump.resume=/dev/vdb refuses the snapshot (the boot hook), says
# why, keeps it (a snapshot is the user's to keep: not discarded), and
# boots on; there 'kjump resume' refuses it too, and the append is intact.
# Evidence: the guests' lines; the host's 'kjump info' (kind snapshot,
# state complete) and e2fsck -fn.
. "$(dirname "$0")/../lib.sh"
vm_setup safety-snapshot
vm_prep truncate -s 128M "$work/data.raw"
vm_prep mkfs.ext4 -q -F -b 4096 "$work/data.raw"
vm_prep truncate -s 1200M "$work/image.raw"
cmdline="crashkernel=160M@0x30000000 nokaslr"

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'A'
if grep -q kjump_test.phase=after /proc/cmdline; then
	kjump resume --image /dev/vdb 2>&1 | sed 's/^/snap-test: again: /'
	mount -t ext4 -o ro /dev/vda /mnt && sed 's/^/snap-test: notes: /' /mnt/notes
	umount /mnt
	echo "snap-test: booted normally"
	exit 0
fi
mount -t ext4 /dev/vda /mnt || exit 1
echo "before the snapshot" >>/mnt/notes
kjump snapshot --image /dev/vdb 2>&1 | sed 's/^/snap-test: A: /'
echo "after the snapshot" >>/mnt/notes
umount /mnt && echo "snap-test: unmounted"
A
} >"$work/a-workload"
vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz"
disks=(-drive "file=$work/data.raw,format=raw,if=virtio,cache=unsafe"
       -drive "file=$work/image.raw,format=raw,if=virtio,cache=unsafe")

vm_boot snapshot "$work/a.cpio.gz" "$cmdline" 300 1G 2 "${disks[@]}"
[ $? -eq 124 ] && vm_fail "the first boot did not end within 300 s"
vm_count snapshot "^snap-test: A: kjump: snapshot saved in '/dev/vdb' in " >/dev/null ||
	vm_fail "no snapshot: $(vm_field snapshot 'snap-test: A: kjump: error: ')"
vm_count snapshot "^snap-test: unmounted$" >/dev/null || vm_fail "A could not unmount"

refusal="'/dev/vdb' is a snapshot: resuming it would undo everything written since it was taken"
vm_boot resume "$work/a.cpio.gz" "$cmdline kjump.resume=/dev/vdb kjump_test.phase=after" 300 1G 2 "${disks[@]}"
[ $? -eq 124 ] && vm_fail "the resume boot did not end within 300 s"
vm_count resume "^kjump: error: $refusal$" >/dev/null ||
	vm_fail "the boot hook did not refuse the snapshot: $(vm_field resume 'kjump: ')"
vm_count resume "^snap-test: again: kjump: error: $refusal$" >/dev/null ||
	vm_fail "'kjump resume' did not refuse the snapshot: $(vm_field resume 'snap-test: again: ')"
vm_count resume "^kjump: (discarded|restore: )" >/dev/null && vm_fail "the snapshot was discarded or restored"
vm_count resume "^snap-test: booted normally$" >/dev/null || vm_fail "no normal boot"
[ "$(vm_log resume | sed -n 's/^snap-test: notes: //p' | tr '\n' '|')" = \
  "before the snapshot|after the snapshot|" ] ||
	vm_fail "the file lost what was written after the snapshot: $(vm_log resume | grep 'notes:')"
info=$("$KJ_BUILD/kjump" info "$work/image.raw" 2>&1)
grep -qx "kind:         snapshot" <<<"$info" && grep -qx "state:        complete" <<<"$info" ||
	vm_fail "the snapshot did not stay as it was: $info"
e2fsck -fn "$work/data.raw" >"$work/fsck.log" 2>&1 || vm_fail "e2fsck -fn: see $work/fsck.log"
rm -f "$work"/*.raw
vm_pass
