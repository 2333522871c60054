#!/bin/bash
# Disk prints (lib/disk) of real file systems and swap on loop devices:
# which actions change a print (a read-write mount, a journal replay,
# fsck, mkswap) and which leave it (a second read, a read-only mount of a
# clean file system, swapon). Needs root, losetup, e2fsprogs, mkswap;
# XFS and btrfs cases run where their mkfs and the kernel have them.
. "$(dirname "$0")/lib.sh"
DP=$T_TOP/build/tests/diskprint
mnt=$t_tmp/mnt
loops=()

cleanup() {
	mountpoint -q "$mnt" && umount "$mnt"
	for l in "${loops[@]}"; do
		[ -n "$l" ] && losetup -d "$l"
	done
	rm -rf "$t_tmp"
}
trap cleanup EXIT
mkdir -p "$mnt"
cd "$t_tmp" || exit 1

setup_failed() {
	echo "FAIL disk_setup: $1"
	exit 0
}

# attach FILE: a loop device over FILE, in $dev.
attach() {
	dev=$(losetup -f --show "$1") || setup_failed "losetup $1"
	loops+=("$dev")
}

detach() {
	local i
	losetup -d "$1"
	for i in "${!loops[@]}"; do
		[ "${loops[$i]}" = "$1" ] && loops[$i]=
	done
}

# image NAME SIZE MKFS...: a file of SIZE made by MKFS, on a loop device.
image() {
	local name=$1 size=$2
	shift 2
	truncate -s "$size" "$name" && "$@" "$name" >/dev/null 2>&1 ||
		setup_failed "$* $name"
	attach "$name"
}

print() {
	"$DP" read "$1" 2>&1
}

# expect NAME same|changed BEFORE AFTER
expect() {
	t_name=$1
	if [ "$2" = same ] && [ "$3" = "$4" ]; then
		t_pass
	elif [ "$2" = changed ] && [ "$3" != "$4" ] && [ "${4%% *}" = "${3%% *}" ]; then
		t_pass
	else
		t_fail "want $2: '$3' then '$4'"
	fi
}

# after NAME same|changed DEV CMD...: the print of DEV before and after CMD.
after() {
	local name=$1 want=$2 d=$3 before
	shift 3
	before=$(print "$d")
	"$@" >/dev/null 2>&1 || { t_name=$name; t_fail "'$*' failed"; return; }
	expect "$name" "$want" "$before" "$(print "$d")"
}

# printed NAME KIND TAG DEV: DEV's print is of KIND, of its size, with the
# UUID blkid calls TAG; the print in $p.
printed() {
	local want
	t_name=$1
	p=$(print "$4")
	want="$2 $(blkid -p -s "$3" -o value "$4" | tr -d -) $(blockdev --getsize64 "$4")"
	[[ $p =~ ^$want\ [0-9a-f]{16}$ ]] && t_pass || t_fail "'$p', want '$want HASH'"
}

mount_umount() {	# DEV [OPTIONS]
	mount ${2:+-o "$2"} "$1" "$mnt" && umount "$mnt"
}

mount_write_umount() {	# DEV
	mount "$1" "$mnt" && echo data >"$mnt/new" && umount "$mnt"
}

[ "$(id -u)" = 0 ] || setup_failed "needs root (loop devices, mount)"
[ -x "$DP" ] || setup_failed "build/tests/diskprint is not built"

# ---- ext4 ----------------------------------------------------------------

image ext4.img 64M mkfs.ext4 -q -F
ext4=$dev
printed disk_ext4_print fs UUID "$ext4"
expect disk_ext4_stable_across_reads same "$p" "$(print "$ext4")"

read -r kind id size hash <<<"$p"
t_run disk_find_by_uuid 0 "$DP" find "$kind" "$id"
[ "$t_rc" = 0 ] && [ "$t_out" = "$ext4" ] && t_pass || t_fail "exit $t_rc: $t_out $t_err"
t_expect disk_find_wrong_kind_not_found 1 "diskprint: find: No such file or directory" \
	"$DP" find swap "$id"
t_run disk_check_same 0 "$DP" check $p
[ "$t_rc" = 0 ] && [ "$t_out" = same ] && t_pass || t_fail "exit $t_rc: $t_out $t_err"

# A print reads the disk, not the page cache: a change made beneath the
# loop device's cache (in its backing file) is seen. The device is held
# open meanwhile, as a mount holds it: its last close drops its cache.
bump_mount_count() {	# FILE
	printf '\x07' | dd of="$1" bs=1 seek=$((1024 + 0x34)) conv=notrunc status=none
}
exec 9<"$ext4"
after disk_read_past_the_page_cache changed "$ext4" bump_mount_count ext4.img
exec 9<&-
e2fsck -fy "$ext4" >/dev/null 2>&1
p=$(print "$ext4")
read -r kind id size hash <<<"$p"

after disk_ext4_ro_mount_of_clean_fs_unchanged same "$ext4" mount_umount "$ext4" ro
after disk_ext4_rw_mount_changes changed "$ext4" mount_umount "$ext4"
t_expect disk_check_refuses_changed 1 "diskprint: the disk: Stale file handle" \
	"$DP" check $p
after disk_ext4_e2fsck_n_unchanged same "$ext4" e2fsck -fn "$ext4"
after disk_ext4_e2fsck_fy_on_clean_fs_changes changed "$ext4" e2fsck -fy "$ext4"
after disk_ext4_e2fsck_p_on_clean_fs_changes changed "$ext4" e2fsck -p "$ext4"

# Two copies of one file system: a print never picks one of them.
cp --sparse=always ext4.img copy.img
attach copy.img
copy=$dev
read -r kind id size hash <<<"$(print "$ext4")"
t_expect disk_find_two_copies_ambiguous 1 "diskprint: find: File exists" \
	"$DP" find "$kind" "$id"
t_expect disk_check_two_copies_ambiguous 1 "diskprint: the disk: File exists" \
	"$DP" check "$kind" "$id" "$size" "$hash"
detach "$copy"
detach "$ext4"
t_expect disk_find_gone_not_found 1 "diskprint: find: No such file or directory" \
	"$DP" find "$kind" "$id"

# A's state: mounted read-write, written, synced; a copy of the disk then
# has a journal to replay (needs_recovery), as B finds it.
image a.img 64M mkfs.ext4 -q -F
mount "$dev" "$mnt" && mkdir "$mnt/d" && echo a >"$mnt/d/f" && sync &&
	cp --sparse=always a.img dirty.img && umount "$mnt" ||
	setup_failed "a copy of a mounted ext4"
detach "$dev"
dumpe2fs -h dirty.img 2>/dev/null | grep -q '^Filesystem features:.*needs_recovery' ||
	setup_failed "the copy of a mounted ext4 has no journal to replay"
for how in ro rw noload fsck-n fsck-p; do
	cp --sparse=always dirty.img "dirty-$how.img"
done
attach dirty-ro.img
after disk_ext4_replay_by_ro_mount_changes changed "$dev" mount_umount "$dev" ro
attach dirty-rw.img
after disk_ext4_replay_by_rw_mount_changes changed "$dev" mount_umount "$dev"
attach dirty-noload.img
after disk_ext4_ro_noload_mount_unchanged same "$dev" mount_umount "$dev" ro,noload
attach dirty-fsck-n.img
after disk_ext4_e2fsck_n_of_dirty_fs_unchanged same "$dev" e2fsck -n "$dev"
attach dirty-fsck-p.img
after disk_ext4_replay_by_e2fsck_changes changed "$dev" e2fsck -p "$dev"

# ---- swap ----------------------------------------------------------------

image swap.img 64M mkswap -q
swap=$dev
printed disk_swap_print swap UUID "$swap"
read -r kind id size hash <<<"$p"
t_run disk_find_swap_by_uuid 0 "$DP" find "$kind" "$id"
[ "$t_rc" = 0 ] && [ "$t_out" = "$swap" ] && t_pass || t_fail "exit $t_rc: $t_out $t_err"
# swapon and swapoff leave the header as it was: a boot that swaps to the
# area cannot be told from one that does not.
swapon_off() { swapon "$1" && swapoff "$1"; }
after disk_swap_swapon_swapoff_unchanged same "$swap" swapon_off "$swap"
# Held for a hibernation, no kernel swaps onto it, and it is still found
# by its UUID; given back, it swaps again.
t_run disk_swap_hold 0 "$DP" hold "$swap"
if [ "$t_rc" = 0 ] && ! swapon "$swap" 2>/dev/null && [ "$("$DP" find swap "$id")" = "$swap" ]; then
	t_pass
else
	swapoff "$swap" 2>/dev/null
	t_fail "exit $t_rc: $t_err, or swapon took a held area, or it is not found"
fi
t_run disk_swap_release 0 "$DP" release "$swap"
if [ "$t_rc" = 0 ] && swapon "$swap" && swapoff "$swap"; then t_pass; else t_fail "exit $t_rc: $t_err"; fi
after disk_swap_mkswap_changes changed "$swap" mkswap -q "$swap"
t_expect disk_check_refuses_remade_swap 1 "diskprint: the disk: No such file or directory" \
	"$DP" check $p
detach "$swap"

# ---- xfs, btrfs (where there are the tools) ------------------------------

if command -v mkfs.xfs >/dev/null && grep -qw xfs /proc/filesystems; then
	image xfs.img 320M mkfs.xfs -q -f
	expect disk_xfs_stable_across_reads same "$(print "$dev")" "$(print "$dev")"
	# XFS writes its log (and superblock) even at a read-only mount.
	after disk_xfs_ro_mount_changes changed "$dev" mount_umount "$dev" ro
	after disk_xfs_rw_mount_changes changed "$dev" mount_write_umount "$dev"
	after disk_xfs_ro_norecovery_mount_unchanged same "$dev" mount_umount "$dev" ro,norecovery
	detach "$dev"
fi
if command -v mkfs.btrfs >/dev/null && grep -qw btrfs /proc/filesystems; then
	image btrfs.img 200M mkfs.btrfs -q -f
	printed disk_btrfs_print_names_the_device fs UUID_SUB "$dev"
	after disk_btrfs_ro_mount_unchanged same "$dev" mount_umount "$dev" ro
	after disk_btrfs_rw_mount_changes changed "$dev" mount_umount "$dev"
	detach "$dev"
fi
