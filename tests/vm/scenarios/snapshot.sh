#!/bin/bash
# snapshot: three snapshots while a counter runs, with kjump's own B
# (default kernel and initramfs; B's role comes from its command line):
# two into devices, the third into a file on an ext4 file system that A
# has mounted (B writes the file's extents, never mounting it).
#
# Evidence: each `kjump snapshot` reports its image in A; on the host, all
# three images verify, and the counter's value read out of each image (at
# the physical address the counter process reported) is higher than in the
# one before; the counter goes on printing after the last snapshot: A never
# stopped.
. "$(dirname "$0")/../lib.sh"
vm_setup snapshot
drives=()
for d in a b; do
	vm_prep truncate -s 1200M "$work/snap-$d.raw"
	drives+=(-drive "file=$work/snap-$d.raw,format=raw,if=virtio,cache=unsafe")
done
vm_prep truncate -s 400M "$work/ext4.raw"
vm_prep mkfs.ext4 -q -F -b 4096 "$work/ext4.raw"
drives+=(-drive "file=$work/ext4.raw,format=raw,if=virtio,cache=unsafe")

cat >"$work/a-workload" <<'A'
#!/bin/sh
ticker >/dev/ttyS0 &
mount -t ext4 /dev/vdc /mnt && dd if=/dev/zero of=/mnt/snap.img bs=1M count=300 2>/dev/null && sync ||
	echo "try: prep failed: mount /dev/vdc, dd of=/mnt/snap.img"
sleep 1
for image in /dev/vda /dev/vdb /mnt/snap.img; do
	kjump snapshot --image $image 2>&1 | sed 's/^/snapshot-test: A: /'
	sleep 2
done
sleep 2
umount /mnt
echo "snapshot-test: A: done"
A

# B is kjump's own initramfs: no workload, the role from the command line.
vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz" \
	--file "$KJ_BUILD/workload/ticker:/bin/ticker"
vm_boot guest "$work/a.cpio.gz" "crashkernel=160M" 900 1G 2 "${drives[@]}"
[ $? -eq 124 ] && vm_fail "the guest did not finish within 900 s"
vm_count guest "^snapshot-test: A: done$" >/dev/null || vm_fail "A did not finish its workload"
[ "$(vm_count guest '^snapshot-test: A: kjump: snapshot saved in ')" -eq 3 ] ||
	vm_fail "A reported $(vm_count guest '^snapshot-test: A: kjump: snapshot saved in ') snapshots, want 3: $(vm_field guest 'snapshot-test: A: kjump: error: ')"

paddr=$(vm_field guest 'ticker: paddr=')
[ -n "$paddr" ] || vm_fail "the counter did not report its page"
last=0 values=
debugfs -R "dump /snap.img $work/snap-c.raw" "$work/ext4.raw" >/dev/null 2>&1 ||
	vm_fail "cannot take the third snapshot out of the ext4 image"
e2fsck -fn "$work/ext4.raw" >"$work/e2fsck.out" 2>&1 ||
	vm_fail "e2fsck -fn: $(tail -3 "$work/e2fsck.out" | tr '\n' ' ')"
rm -f "$work/ext4.raw"
for d in a b c; do
	v=$(vm_counter "$work/snap-$d.raw" "$paddr") || { echo "$v"; exit 1; }
	[ -n "$v" ] && [ "$v" -gt "$last" ] ||
		vm_fail "the counter in snapshot $d is '$v', not above $last"
	last=$v values="$values $v"
done
after=$(vm_log guest | sed -n 's/^ticker: \([0-9]*\)$/\1/p' | tail -1)
[ "${after:-0}" -gt "$last" ] ||
	vm_fail "the counter stopped: last printed ${after:-none}, in the last snapshot $last"
vm_pass "counter in the snapshots:$values; printed after them: $after"
