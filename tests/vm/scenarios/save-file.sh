#!/bin/bash
# save-file: B saves A's memory into a file on A's mounted ext4, through
# the file's extents (FIEMAP in A), without mounting it.
#
# Evidence: back in A, after dropping its caches, `kjump verify` of the
# file through the file system passes and A's marker page is in it with
# its hash; on the host, e2fsck -fn finds the file system clean.
. "$(dirname "$0")/../lib.sh"
vm_setup save-file
disk=$work/ext4.raw
vm_prep truncate -s 400M "$disk"
vm_prep mkfs.ext4 -q -F -b 4096 "$disk"

cat >"$work/b-workload" <<'B'
#!/bin/sh
tr ' ' '\n' </proc/cmdline | sed -n 's/^kjump_test.map=//p' | tr ',:' '\n ' >/tmp/map
kjump save --to /dev/vda --extents /tmp/map >/tmp/save.out 2>&1
echo "file-test: B: save exited $?"
sed 's/^/file-test: B: /' /tmp/save.out
kjump back >/dev/null 2>&1
B

cat >"$work/a-workload" <<'A'
#!/bin/sh
mount -t ext4 /dev/vda /mnt || { echo "file-test: A: cannot mount"; exit 1; }
dd if=/dev/zero of=/mnt/kjump.img bs=1M count=300 2>/dev/null ||
	{ echo "try: prep failed: dd of=/mnt/kjump.img"; exit 1; }
sync
kjump extents /mnt/kjump.img >/run/map || exit 1
map=$(grep -v '^#' /run/map | tr ' \n' ':,' | sed 's/,$//')
echo "file-test: A: map $map"
marker /tmp/marker.bin >/tmp/marker.out &
while [ ! -s /tmp/marker.out ]; do sleep 0.1; done
addr=$(sed -n 's/^marker: paddr=//p' /tmp/marker.out)
sha=$(sha256sum /tmp/marker.bin | cut -d' ' -f1)
kjump load --append "console=ttyS0 no_console_suspend kjump_test.map=$map" >/tmp/load.out 2>&1 ||
	{ cat /tmp/load.out; exit 1; }
kjump jump >/dev/null 2>&1 && echo "file-test: A: back"
echo 3 >/proc/sys/vm/drop_caches
kjump verify /mnt/kjump.img 2>&1 | sed 's/^/file-test: A: /'
kjump export --elf /mnt/kjump.img /tmp/export.elf >/dev/null 2>&1
got=$(kjump vmcore --file /tmp/export.elf --read "$addr" --length 4096 | sha256sum | cut -d' ' -f1)
[ "$got" = "$sha" ] && echo "file-test: A: marker page found in the image"
rm -f /tmp/export.elf
umount /mnt && echo "file-test: A: unmounted"
A

vm_b_initramfs "$work/b.cpio.gz" "$work/b-workload"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz" \
	--file "$KJ_BUILD/workload/marker:/bin/marker"
vm_boot guest "$work/a.cpio.gz" "crashkernel=160M" 600 1G 2 \
	-drive "file=$disk,format=raw,if=virtio,cache=unsafe"
[ $? -eq 124 ] && vm_fail "the guest did not finish within 600 s"
[ -n "$(vm_field guest 'file-test: A: map ')" ] || vm_fail "A could not map the file"
[ "$(vm_field guest 'file-test: B: save exited ')" = 0 ] || vm_fail "B's save failed: $(vm_field guest 'file-test: B: kjump: error: ')"
vm_count guest "^file-test: A: back$" >/dev/null || vm_fail "A did not come back"
vm_count guest "^file-test: A: kjump: '/mnt/kjump.img' is good: " >/dev/null ||
	vm_fail "A's verify of the file: $(vm_field guest 'file-test: A: kjump: ')"
vm_count guest "^file-test: A: marker page found in the image$" >/dev/null ||
	vm_fail "A's marker page is not in the image with its hash"
vm_count guest "^file-test: A: unmounted$" >/dev/null || vm_fail "A could not unmount"
e2fsck -fn "$disk" >"$work/e2fsck.out" 2>&1 ||
	vm_fail "e2fsck -fn on the host: $(tail -3 "$work/e2fsck.out" | tr '\n' ' ')"
vm_pass "$(vm_field guest 'file-test: B: kjump: saved ')"
