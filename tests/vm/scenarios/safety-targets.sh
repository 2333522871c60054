#!/bin/bash
# safety-targets: A refuses, before it loads or writes anything, every
# target B must not write to, and says why; B refuses a target without
# the stamp A put on it.
#
# Evidence, from A's console: for each case the first kjump error, that
# nothing is loaded after it (try: rc=1 loaded=0), and that the target's
# first MiB is unchanged (its SHA-256, taken by A, before and after):
#   an active swap partition; an active swap file; a device under
#   device-mapper; a disk whose partition is mounted; a disk mounted only
#   in another mount namespace; a symbolic link to a good device.
# An image file kjump creates is mode 0600 and as big as asked; an
# existing one readable by others is made 0600, with a warning. A B loaded
# with another stamp than its target carries writes nothing and comes back.
. "$(dirname "$0")/../lib.sh"
vm_setup safety-targets
for d in swap file dm part ns; do
	vm_prep truncate -s 64M "$work/$d.raw"
done
vm_prep mkfs.ext4 -q -F -b 4096 "$work/file.raw"
vm_prep mkfs.ext4 -q -F "$work/ns.raw"
vm_prep sfdisk -q "$work/part.raw" <<<"2048,,L"
vm_prep mkfs.ext4 -q -F -E offset=1048576 "$work/part.raw" 60M

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'A'
sum() { dd if="$1" bs=1M count=1 2>/dev/null | sha256sum | cut -c1-16; }
# refused NAME TARGET [kjump snapshot options]: tried, and the target kept.
refused() {
	name=$1 target=$2
	shift 2
	before=$(sum "$target")
	try "$name" kjump snapshot --image "$target" "$@"
	[ "$(sum "$target")" = "$before" ] && echo "targets: $name: target unchanged"
}
mkdir -p /mnt/file /mnt/part /mnt/ns
prep mkswap /dev/vda
prep swapon /dev/vda
refused swap-partition /dev/vda
swapoff /dev/vda

prep mount -t ext4 /dev/vdb /mnt/file
prep dd if=/dev/zero of=/mnt/file/swapfile bs=1M count=16
chmod 600 /mnt/file/swapfile
prep mkswap /mnt/file/swapfile
prep swapon /mnt/file/swapfile
refused swap-file /mnt/file/swapfile
swapoff /mnt/file/swapfile

prep dmsetup create kjtest --noudevsync --table "0 $(cat /sys/block/vdc/size) linear /dev/vdc 0"
refused dm-holder /dev/vdc
dmsetup remove --noudevsync kjtest

prep mount -t ext4 /dev/vdd1 /mnt/part
refused partition-mounted /dev/vdd
umount /mnt/part

unshare -m sh -c 'mount -t ext4 /dev/vde /mnt/ns && touch /run/ns-ready && exec sleep 120' &
ns=$!
while [ ! -e /run/ns-ready ] && kill -0 $ns 2>/dev/null; do sleep 0.1; done
grep -q ' /mnt/ns ' /proc/self/mountinfo && echo "targets: the mount is visible here"
refused other-namespace /dev/vde
kill $ns
wait $ns 2>/dev/null

ln -s /dev/vde /run/link
refused symlink /run/link

try create kjump snapshot --image /mnt/file/new.img --size 8M --kernel /nonexistent
echo "targets: created mode $(stat -c %a /mnt/file/new.img) size $(stat -c %s /mnt/file/new.img)"
prep dd if=/dev/zero of=/mnt/file/open.img bs=1M count=8
chmod 644 /mnt/file/open.img
try opened kjump snapshot --image /mnt/file/open.img --kernel /nonexistent
echo "targets: opened mode $(stat -c %a /mnt/file/open.img)"
umount /mnt/file

# B with a stamp its target does not carry
before=$(sum /dev/vde)
prep kjump load --append "console=ttyS0 no_console_suspend kjump.action=snapshot kjump.image=/dev/vde kjump.stamp=0123456789abcdef0123456789abcdef"
kjump jump >/dev/null 2>&1 && echo "targets: back from B"
[ "$(sum /dev/vde)" = "$before" ] && echo "targets: stamp: target unchanged"
echo "try: done"
A
} >"$work/a-workload"
vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz" \
	--binary "$(command -v dmsetup)"
drives=()
for d in swap file dm part ns; do
	drives+=(-drive "file=$work/$d.raw,format=raw,if=virtio,cache=unsafe")
done
vm_boot guest "$work/a.cpio.gz" "crashkernel=160M" 300 1G 2 "${drives[@]}"
[ $? -eq 124 ] && vm_fail "the guest did not finish within 300 s"
vm_count guest "^try: done$" >/dev/null || vm_fail "the guest did not finish its workload"

refuse="B must not write there"
vm_expect guest swap-partition 1 "kjump: error: '/dev/vda' is active swap, or a partition of it is: $refuse"
vm_expect guest swap-file 1 "kjump: error: '/mnt/file/swapfile' is an active swap file: $refuse"
vm_expect guest dm-holder 1 \
	"kjump: error: '/dev/vdc' is held by device-mapper, md, LVM or LUKS, or a partition of it is: $refuse"
vm_expect guest partition-mounted 1 \
	"kjump: error: '/dev/vdd' is mounted, or a partition of it is \\(in some mount namespace\\): $refuse"
vm_count guest "^targets: the mount is visible here$" >/dev/null &&
	vm_fail "the other namespace's mount leaked into A's: the case shows nothing"
vm_expect guest other-namespace 1 \
	"kjump: error: '/dev/vde' is mounted, or a partition of it is \\(in some mount namespace\\): $refuse"
vm_expect guest symlink 1 "kjump: error: '/run/link' is a symbolic link: give the image's own path"
for c in swap-partition swap-file dm-holder partition-mounted other-namespace symlink; do
	vm_count guest "^targets: $c: target unchanged$" >/dev/null || vm_fail "$c: the target changed"
done
vm_expect guest create 1 "kjump: error: cannot open '/nonexistent': No such file or directory"
[ "$(vm_field guest 'targets: created ')" = "mode 600 size 8388608" ] ||
	vm_fail "the created image: $(vm_field guest 'targets: created ')"
vm_count guest "^try: opened: kjump: warning: '/mnt/file/open.img' was readable by others \\(mode 0644\\): now 0600, as it will hold all of memory$" >/dev/null ||
	vm_fail "no warning for a file readable by others"
[ "$(vm_field guest 'targets: opened ')" = "mode 600" ] ||
	vm_fail "the opened image: $(vm_field guest 'targets: opened ')"
vm_count guest "^kjump: error: '/dev/vde' does not carry the stamp A put on its target \\(0123456789abcdef0123456789abcdef, 67108864 bytes\\): writing nothing$" >/dev/null ||
	vm_fail "B did not refuse a target without its stamp: $(vm_field guest 'kjump: error: ')"
vm_count guest "^targets: back from B$" >/dev/null || vm_fail "B did not come back"
vm_count guest "^targets: stamp: target unchanged$" >/dev/null || vm_fail "B wrote to a target without its stamp"
rm -f "$work"/*.raw
vm_pass
