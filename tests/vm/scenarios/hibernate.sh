#!/bin/bash
# hibernate: with 600 MiB of its 1 GiB in use, A hibernates into vdb and
# the guest powers off; a new qemu process boots the same disks with
# kjump.resume=/dev/vdb and A goes on; a third boot does not resume again.
#
# Evidence, from the guests' logs and the disks:
#   - the qemu process of the first boot exits, A's last line before it is
#     "hibernating", and A prints nothing more there;
#   - after the resume, in the second qemu process: A's 600 MiB checksum is
#     the one from before, a tmpfs file has the same hash, the counter goes
#     on from where it was (no restart), and a file on ext4 appended every
#     second has every number once, in order;
#   - e2fsck -fn on the ext4 disk, on the host, after A's clean unmount;
#   - the third boot refuses the image (consumed) and boots normally.
# The region is at a fixed address and KASLR is off: the resume boot must
# reserve the very region the hibernated kernel left out of its image.
. "$(dirname "$0")/../lib.sh"
vm_setup hibernate
root=$work/root.raw image=$work/image.raw
vm_prep truncate -s 256M "$root"
vm_prep mkfs.ext4 -q -F -b 4096 "$root"
vm_prep truncate -s 1200M "$image"
cmdline="crashkernel=160M@0x30000000 nokaslr"
disks=(-drive "file=$root,format=raw,if=virtio,cache=unsafe"
       -drive "file=$image,format=raw,if=virtio,cache=unsafe")

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'A'
if grep -q kjump_test.phase=after /proc/cmdline; then
	echo "hib-test: booted normally"
	exit 0
fi
mount -t ext4 /dev/vda /mnt || exit 1
start_membuf 600
check before
prep dd if=/dev/urandom of=/tmp/tmpfs-file bs=1048576 count=1 2>/dev/null
echo "hib-test: tmpfs sha256 $(sha256sum </tmp/tmpfs-file | cut -d' ' -f1)"
ticker >/dev/ttyS0 &
(n=0; while true; do echo $n >>/mnt/appends; n=$((n + 1)); sleep 1; done) &
appender=$!
sleep 4
echo "hib-test: hibernating"
kjump hibernate --image /dev/vdb 2>&1 | sed 's/^/hib-test: A: /'
echo "hib-test: A goes on"
sleep 4
check after
echo "hib-test: tmpfs sha256 $(sha256sum </tmp/tmpfs-file | cut -d' ' -f1)"
kill $appender
sync
echo "hib-test: appends $(awk 'NR - 1 != $1 { bad = 1 } END { print (bad ? "broken" : "in order"), NR }' /mnt/appends)"
umount /mnt && echo "hib-test: unmounted"
A
} >"$work/a-workload"

vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz" \
	--file "$KJ_BUILD/workload/ticker:/bin/ticker"

vm_boot first "$work/a.cpio.gz" "$cmdline" 900 1G 2 "${disks[@]}"
[ $? -eq 124 ] && vm_fail "the first boot did not power off within 900 s"
vm_count first "^hib-test: hibernating$" >/dev/null || vm_fail "A did not hibernate"
vm_count first "^kjump: hibernated, powering off$" >/dev/null ||
	vm_fail "B did not power off: $(vm_field first 'hib-test: A: kjump: error: ')"
vm_count first "^hib-test: A goes on$" >/dev/null && vm_fail "A went on in the first boot"
before=$(vm_field first 'membuf: before checksum=')
tmpfs_before=$(vm_field first 'hib-test: tmpfs sha256 ')
last_tick=$(vm_log first | sed -n 's/^ticker: \([0-9]*\)$/\1/p' | tail -1)

vm_boot second "$work/a.cpio.gz" "$cmdline kjump.resume=/dev/vdb" 900 1G 2 "${disks[@]}"
[ $? -eq 124 ] && vm_fail "the resume boot did not finish within 900 s"
vm_count second "^hib-test: A: kjump: resumed from hibernation in '/dev/vdb'$" >/dev/null ||
	vm_fail "A did not resume: $(vm_field second 'kjump: error: ')"
[ "$(vm_field second 'membuf: after checksum=')" = "$before" ] ||
	vm_fail "A's 600 MiB changed: $before before, $(vm_field second 'membuf: after checksum=') after"
[ "$(vm_field second 'hib-test: tmpfs sha256 ')" = "$tmpfs_before" ] ||
	vm_fail "the tmpfs file changed"
first_tick=$(vm_log second | sed -n 's/^ticker: \([0-9]*\)$/\1/p' | head -1)
[ -n "$first_tick" ] && [ "$first_tick" -gt "${last_tick:-0}" ] ||
	vm_fail "the counter did not go on: ${last_tick:-none} before, ${first_tick:-none} after"
appends=$(vm_field second 'hib-test: appends ')
[ "${appends% *}" = "in order" ] || vm_fail "the ext4 appends are $appends"
vm_count second "^hib-test: unmounted$" >/dev/null || vm_fail "A could not unmount"
e2fsck -fn "$root" >"$work/e2fsck.out" 2>&1 ||
	vm_fail "e2fsck -fn: $(tail -3 "$work/e2fsck.out" | tr '\n' ' ')"

vm_boot third "$work/a.cpio.gz" "$cmdline kjump.resume=/dev/vdb kjump_test.phase=after" 300 1G 2 "${disks[@]}"
vm_count third "^kjump: error: '/dev/vdb' was resumed once already; it is never resumed twice$" >/dev/null ||
	vm_fail "the third boot did not refuse the consumed image"
vm_count third "^hib-test: booted normally$" >/dev/null || vm_fail "the third boot did not boot on"
rm -f "$root" "$image"
vm_pass "checksum $before kept; counter $last_tick -> $first_tick; appends: ${appends##* } numbers in order"
