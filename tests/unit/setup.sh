#!/bin/bash
# kjump setup and --undo in a chroot: the files setup writes (their
# contents as the boot, GRUB and systemd read them), what 'kjump status'
# then says, and that --undo leaves none of them, nor the image.
#
# The chroot holds the static kjump, its initramfs, and a real bzImage
# (Debian's stock kernel, for its boot header: the region is planned
# from it) with a config that says CONFIG_KEXEC_JUMP=y, as our kernel's
# does. /proc, /sys and /dev are this machine's. Needs root.
. "$(dirname "$0")/lib.sh"
root=$t_tmp/root
rel=6.1.0-kjumptest

loop=
cleanup() {
	for m in boot/grub dev sys proc var/lib; do
		mountpoint -q "$root/$m" && umount "$root/$m"
	done
	[ -n "$loop" ] && losetup -d "$loop"
	rm -rf "$t_tmp"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "FAIL setup_chroot: needs root (chroot, bind mounts)"
	exit 0
fi
vmlinuz=$("$T_TOP/kernel/debian-kernel" 2>/dev/null) ||
	{ echo "FAIL setup_chroot: kernel/debian-kernel could not fetch a bzImage"; exit 0; }
initrd=$("$KJUMP" load --help | sed -n 's/.*B.s initramfs (default: \(.*\))$/\1/p')
libdir=${initrd%/*}

mkdir -p "$root"/{boot,usr/sbin,proc,sys,dev,etc,var/lib,run,tmp} "$root$libdir/grub.d"
cp "$KJUMP" "$root/usr/sbin/kjump"
cp "$vmlinuz" "$root/boot/vmlinuz-$rel"
printf 'CONFIG_KEXEC=y\nCONFIG_KEXEC_JUMP=y\n' >"$root/boot/config-$rel"
"$T_TOP/initramfs/build" -o "$root$initrd" 2>/dev/null ||
	{ echo "FAIL setup_chroot: initramfs/build failed"; exit 0; }
cp "$T_TOP/dist/grub.d/42_kjump" "$root$libdir/grub.d/"
for m in proc sys dev; do mount --bind "/$m" "$root/$m"; done
# /var/lib on a file system of its own, on a loop device: the image's
# extents are then on a device this test may read.
truncate -s 96M "$t_tmp/var.ext4"
mkfs.ext4 -q -F -b 4096 "$t_tmp/var.ext4" && loop=$(losetup -f --show "$t_tmp/var.ext4") &&
	mount "$loop" "$root/var/lib" ||
	{ echo "FAIL setup_chroot: cannot mount an ext4 loop device on /var/lib"; exit 0; }

in_root() { chroot "$root" /usr/sbin/kjump "$@"; }

# --- setup ------------------------------------------------------------
t_run setup_writes_its_files 0 in_root setup --no-update --size 32M
first_err=$t_err
conf=$root/etc/kjump/kjump.conf
region=$(sed -n 's/^REGION=crashkernel=//p' "$conf" 2>/dev/null)
if [ $t_rc -ne 0 ]; then
	t_fail "exit $t_rc: $t_err"
elif ! grep -qx 'IMAGE=/var/lib/kjump/image' "$conf" ||
	! grep -qx "KERNEL=/boot/vmlinuz-$rel" "$conf" ||
	! grep -qx 'EXTENTS=/etc/kjump/image.extents' "$conf" ||
	! grep -qx 'ONE_BOOT=yes' "$conf" || ! grep -qx 'CREATED=yes' "$conf" ||
	! grep -qx 'RESIDENT=no' "$conf" ||
	! grep -qx 'KJUMP=/usr/sbin/kjump' "$conf"; then
	t_fail "kjump.conf: $(cat "$conf" 2>&1)"
elif [[ ! $region =~ ^[0-9]+M@0x[0-9a-f]+$ ]]; then
	t_fail "no crashkernel=SIZE@START in kjump.conf: '$region'"
elif ! grep -qx "GRUB_CMDLINE_LINUX=\"\$GRUB_CMDLINE_LINUX crashkernel=$region nokaslr\"" \
	"$root/etc/default/grub.d/kjump.cfg"; then
	t_fail "GRUB arguments: $(cat "$root/etc/default/grub.d/kjump.cfg" 2>&1)"
elif [ "$(stat -c '%a %s' "$root/var/lib/kjump/image")" != "600 33554432" ]; then
	t_fail "image: $(stat -c '%a %s' "$root/var/lib/kjump/image" 2>&1)"
elif ! grep -qx "ExecStart=$libdir/sleep hibernate" \
	"$root/etc/systemd/system/systemd-hibernate.service.d/kjump.conf" ||
	! grep -qx 'Environment=SYSTEMD_BYPASS_HIBERNATION_MEMORY_CHECK=1' \
	"$root/etc/systemd/system/systemd-logind.service.d/kjump.conf"; then
	t_fail "systemd drop-ins missing or wrong"
elif [ "$(readlink "$root/etc/grub.d/42_kjump")" != "$libdir/grub.d/42_kjump" ] ||
	[ ! -L "$root/etc/systemd/system/multi-user.target.wants/kjump-setup.service" ] ||
	! grep -qx 'ExecStart=/usr/sbin/kjump setup --finish' "$root/etc/systemd/system/kjump-setup.service" ||
	[ ! -L "$root/etc/systemd/system/multi-user.target.wants/kjump-resident.service" ] ||
	! grep -qx "ExecStart=$libdir/resident" "$root/etc/systemd/system/kjump-resident.service"; then
	t_fail "links or the finishing unit missing: $(ls -l "$root/etc/grub.d") $(cat "$root/etc/systemd/system/kjump-setup.service")"
else
	t_pass
fi

# The extent map is where the image's bytes are: reading the device at
# the first extent gives the file's first bytes.
t_name=setup_extents_match_the_image
first=$(grep -v '^#' "$root/etc/kjump/image.extents" | head -1)
dev=$(sed -n 's/^# kjump extents of .* on \([^:]*\):.*/\1/p' "$root/etc/kjump/image.extents")
printf 'kjump-setup-test' | dd of="$root/var/lib/kjump/image" conv=notrunc,fsync status=none
sync
if [ -z "$first" ] || [ "$dev" != "$loop" ]; then
	t_fail "map: $(cat "$root/etc/kjump/image.extents")"
elif [ "$(dd if="$dev" bs=4096 skip=$(( ${first%% *} / 4096 )) count=1 iflag=direct status=none | head -c 16)" \
	!= kjump-setup-test ]; then
	t_fail "the device at ${first%% *} does not hold the image's first bytes"
else
	t_pass
fi

# What kjump's systemd-sleep stand-in compares before it hibernates.
t_run setup_extents_as_kjump_extents_prints 0 in_root extents /var/lib/kjump/image
if [ $t_rc -eq 0 ] && [ "$t_out" = "$(cat "$root/etc/kjump/image.extents")" ]; then
	t_pass
else
	t_fail "exit $t_rc: '$t_out' vs '$(cat "$root/etc/kjump/image.extents")'"
fi

# status: set up, but this (the host's) kernel cannot jump.
t_run setup_status_says_why 1 in_root status
if [ $t_rc -eq 1 ] && grep -q "^hibernate: *will NOT work: .*cannot kexec-jump" <<<"$t_out" &&
	grep -q "^to do: *reboot into the kernel 'kjump setup' chose" <<<"$t_out"; then
	t_pass
else
	t_fail "exit $t_rc: $t_out"
fi

# A second setup keeps the image it made, and says it is still its own.
# With kdump-tools enabled, it warns that kjump will refuse to hibernate
# (the first setup, without it, did not).
mkdir -p "$root/etc/default"
printf '# kdump-tools\nUSE_KDUMP=1\n' >"$root/etc/default/kdump-tools"
t_run setup_again_keeps_its_image 0 in_root setup --no-update --size 32M --one-boot no
rm -r "$root/etc/default/kdump-tools"
if [ $t_rc -eq 0 ] && grep -qx 'CREATED=yes' "$conf" && grep -qx 'ONE_BOOT=no' "$conf"; then
	t_pass
else
	t_fail "exit $t_rc: $t_err $(cat "$conf")"
fi
t_name=setup_warns_of_kdump_tools
if ! grep -q "^kjump: warning: kdump-tools is enabled (USE_KDUMP=1 in /etc/default/kdump-tools): .* kjump then refuses to hibernate$" <<<"$t_err" ||
	! grep -q "^kjump: hint: set USE_KDUMP=0 there" <<<"$t_err"; then
	t_fail "no warning: $t_err"
elif grep -q kdump <<<"$first_err"; then
	t_fail "the setup without kdump-tools warned: $first_err"
else
	t_pass
fi

# /boot/grub where GRUB cannot clear its one-shot entry at boot (a
# tmpfs: no file system GRUB writes): the one-boot resume is turned off,
# with a warning, even when asked for. The first setup (no /boot/grub,
# no GRUB) kept it on.
mkdir -p "$root/boot/grub"
mount -t tmpfs -o size=1M kjtest "$root/boot/grub"
# ONE_BOOT=yes over such a /boot/grub (set up before it moved there):
# status says what it risks
sed -i 's/^ONE_BOOT=no$/ONE_BOOT=yes/' "$conf"
t_run status_one_boot_where_grub_cannot_write 1 in_root status
if ! grep -q "^one boot:    on, but GRUB cannot write its environment in /boot/grub: it lies on a file system GRUB does not write (type 0x1021994); a resume R refused would start R again at every boot$" <<<"$t_out"; then
	t_fail "exit $t_rc: $t_out"
else
	t_pass
fi
t_run setup_one_boot_off_where_grub_cannot_write 0 in_root setup --no-update --size 32M --one-boot yes
umount "$root/boot/grub" && rmdir "$root/boot/grub"
if [ $t_rc -ne 0 ] || ! grep -qx 'ONE_BOOT=no' "$conf"; then
	t_fail "exit $t_rc: $(grep ONE_BOOT "$conf") $t_err"
elif ! grep -q "^kjump: warning: GRUB cannot write its environment block in /boot/grub: it lies on a file system GRUB does not write (type 0x1021994); .*every boot would start the resume$" <<<"$t_err"; then
	t_fail "no warning: $t_err"
elif grep -q 'environment block' <<<"$first_err"; then
	t_fail "the setup without /boot/grub warned: $first_err"
else
	t_pass
fi

t_expect setup_bad_one_boot 2 "kjump: error: --one-boot takes yes or no, not 'maybe'" \
	in_root setup --one-boot maybe

# --- undo -------------------------------------------------------------
t_run setup_undo_removes_everything 0 in_root setup --undo --no-update
left=$(cd "$root" && find etc var -type f -o -type l)
if [ $t_rc -eq 0 ] && [ -z "$left" ]; then
	t_pass
else
	t_fail "exit $t_rc: left: $left $t_err"
fi
