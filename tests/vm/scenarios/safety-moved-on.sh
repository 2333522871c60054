#!/bin/bash
# safety-moved-on: an image is never resumed onto disks that moved on. A,
# with an ext4 mounted read-write, hibernates; B fingerprints the ext4 raw.
# Then, on copies of both disks:
#   rw      a boot without kjump's hook mounts the ext4 read-write and
#           appends a line; the resume boot refuses, naming /mnt, discards
#           the image and boots on, and the appended line is there;
#   replay  a boot mounts it read-only, which replays its journal; refused;
#   clean   nothing touched the disks: the resume boot resumes A (the
#           fingerprints refuse nothing that did not change).
# A also swaps to a swap partition: while the image waits, its signature
# is kjump's own, so that no other boot swaps over A's pages (the rw boot
# tries, and swapon refuses); a discard or a resume gives it back.
# Evidence: the guests' own lines (the refusal, the discard, the file's
# content, A's resume and membuf checksum, the refused swapon); e2fsck -fn
# on the host, clean after each case; the host's 'kjump info' shows why
# the image went; the swap signature as the host reads it.
. "$(dirname "$0")/../lib.sh"
vm_setup safety-moved-on
vm_prep truncate -s 128M "$work/data.raw"
vm_prep mkfs.ext4 -q -F -b 4096 "$work/data.raw"
vm_prep truncate -s 1200M "$work/image.raw"
vm_prep truncate -s 64M "$work/swap.raw"
vm_prep mkswap "$work/swap.raw"
cmdline="crashkernel=160M@0x30000000 nokaslr"

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'A'
case $(cat /proc/cmdline) in
*kjump_test.phase=rw*)
	mount -t ext4 /dev/vda /mnt && echo "written by another boot" >>/mnt/notes &&
		umount /mnt && echo "moved-test: another boot appended"
	swapon /dev/vdc 2>/dev/null && echo "moved-test: swapped on" || echo "moved-test: swapon refused"
	exit 0 ;;
*kjump_test.phase=replay*)
	grep -q needs_recovery /proc/fs/ext4/vda/options 2>/dev/null
	mount -t ext4 -o ro /dev/vda /mnt && umount /mnt && echo "moved-test: mounted read-only"
	exit 0 ;;
*kjump_test.phase=after*)
	mount -t ext4 -o ro /dev/vda /mnt && sed 's/^/moved-test: notes: /' /mnt/notes
	umount /mnt
	echo "moved-test: booted normally"
	exit 0 ;;
esac
mount -t ext4 /dev/vda /mnt || exit 1
prep swapon /dev/vdc
echo "written by A" >>/mnt/notes
sync
start_membuf 200
check before
kjump hibernate --image /dev/vdb 2>&1 | sed 's/^/moved-test: A: /'
check after
umount /mnt && echo "moved-test: A unmounted"
A
} >"$work/a-workload"
vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz"

# boot NAME CASE APPEND: a boot of the case's copies.
boot() {
	vm_boot "$1" "$work/a.cpio.gz" "$cmdline $3" 300 1G 2 \
		-drive "file=$work/data-$2.raw,format=raw,if=virtio,cache=unsafe" \
		-drive "file=$work/image-$2.raw,format=raw,if=virtio,cache=unsafe" \
		-drive "file=$work/swap-$2.raw,format=raw,if=virtio,cache=unsafe"
	[ $? -eq 124 ] && vm_fail "$1: the boot did not end within 300 s"
}

vm_prep cp --sparse=always "$work/data.raw" "$work/data-first.raw"
vm_prep cp --sparse=always "$work/image.raw" "$work/image-first.raw"
vm_prep cp --sparse=always "$work/swap.raw" "$work/swap-first.raw"
# signature NAME: the swap signature in the copy's header page
signature() { dd if="$work/swap-$1.raw" bs=1 skip=4086 count=10 2>/dev/null; }
boot hibernate first ""
vm_count hibernate "^kjump: hibernated, powering off$" >/dev/null ||
	vm_fail "A did not hibernate: $(vm_field hibernate 'moved-test: A: kjump: error: ')"
vm_count hibernate "^kjump: error: " >/dev/null && vm_fail "B: $(vm_field hibernate 'kjump: error: ')"
before=$(vm_field hibernate 'membuf: before checksum=')
"$KJ_BUILD/kjump" info "$work/image-first.raw" >"$work/info" 2>&1
[ "$(signature first)" = KJUMPSWP01 ] || vm_fail "B left A's swap signature as '$(signature first)'"
for c in rw replay clean; do
	vm_prep cp --sparse=always "$work/data-first.raw" "$work/data-$c.raw"
	vm_prep cp --sparse=always "$work/image-first.raw" "$work/image-$c.raw"
	vm_prep cp --sparse=always "$work/swap-first.raw" "$work/swap-$c.raw"
done

# refused CASE: the resume boot refuses, names /mnt, discards, boots on.
refused() {
	boot "$1-resume" "$1" "kjump.resume=/dev/vdb kjump_test.phase=after"
	vm_count "$1-resume" "^kjump: error: '/dev/vdb': the file system at '/mnt' changed since the hibernation: resuming would undo what was written to it since$" >/dev/null ||
		vm_fail "$1: no refusal: $(vm_field "$1-resume" 'kjump: error: ')"
	vm_count "$1-resume" "^kjump: discarded '/dev/vdb': its disks changed since it was saved$" >/dev/null ||
		vm_fail "$1: the image was not discarded"
	vm_count "$1-resume" "^moved-test: booted normally$" >/dev/null || vm_fail "$1: no normal boot"
	vm_count "$1-resume" "^kjump: restore: " >/dev/null && vm_fail "$1: R was started"
	[ "$("$KJ_BUILD/kjump" info "$work/image-$1.raw" 2>&1 | sed -n 's/^state: *//p')" = \
	  "discarded: its disks changed since it was saved" ] || vm_fail "$1: the image's state"
	e2fsck -fn "$work/data-$1.raw" >"$work/fsck-$1.log" 2>&1 || vm_fail "$1: e2fsck -fn: see $work/fsck-$1.log"
	[ "$(signature "$1")" = SWAPSPACE2 ] || vm_fail "$1: the discard did not give the swap back"
}

boot rw-boot rw "kjump_test.phase=rw"
vm_count rw-boot "^moved-test: another boot appended$" >/dev/null || vm_fail "rw: the other boot did not append"
vm_count rw-boot "^moved-test: swapon refused$" >/dev/null || vm_fail "rw: the other boot swapped onto A's swap"
refused rw
vm_count rw-resume "^moved-test: notes: written by another boot$" >/dev/null ||
	vm_fail "rw: the other boot's line is gone"

boot replay-boot replay "kjump_test.phase=replay"
vm_count replay-boot "^moved-test: mounted read-only$" >/dev/null || vm_fail "replay: no read-only mount"
refused replay

boot clean-resume clean "kjump.resume=/dev/vdb"
vm_count clean-resume "^moved-test: A: kjump: resumed from hibernation in '/dev/vdb'$" >/dev/null ||
	vm_fail "clean: A did not resume: $(vm_field clean-resume 'kjump: error: ')"
[ "$(vm_field clean-resume 'membuf: after checksum=')" = "$before" ] || vm_fail "clean: A's memory changed"
vm_count clean-resume "^moved-test: A unmounted$" >/dev/null || vm_fail "clean: A could not unmount"
e2fsck -fn "$work/data-clean.raw" >"$work/fsck-clean.log" 2>&1 || vm_fail "clean: e2fsck -fn: see $work/fsck-clean.log"
[ "$(signature clean)" = SWAPSPACE2 ] || vm_fail "clean: the resume did not give the swap back"
rm -f "$work"/*.raw
vm_pass "the image recorded: $(grep -c '^disk:' "$work/info") disk(s)"
