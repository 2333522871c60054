#!/bin/bash
# dist/grub.d/42_kjump, as update-grub runs it: the one-boot entry for a
# machine booted by a BIOS (R straight, memmap= kept from GRUB's $) and
# for one booted by UEFI (C, with kjump's initramfs and the archive the
# script packs: the kernel and R's initramfs where C's 'kjump load' looks
# for them, each byte as it was). GRUB's library and grub-probe are stubs
# that print what they were asked; kjump is a stub that prints the line
# 'kjump resume --boot-args' gives on such a machine.
. "$(dirname "$0")/lib.sh"
script=$T_TOP/dist/grub.d/42_kjump
rel=$(uname -r)
boot=$t_tmp/boot lib=$t_tmp/grub stub=$t_tmp/kjump-stub
initrd=$t_tmp/lib/kjump/initrd.cpio.gz
mkdir -p "$boot" "$lib" "${initrd%/*}"
head -c 300000 /dev/urandom >"$boot/vmlinuz-$rel"
head -c 100000 /dev/urandom >"$initrd"
echo "a stale archive" >"$boot/kjump-c-0.0.0-old.cpio"
cat >"$lib/grub-mkconfig_lib" <<'LIB'
prepare_grub_to_access_device() { echo "set root='(stub $1)'"; }
make_system_path_relative_to_its_root() { echo "$1"; }
LIB
printf '#!/bin/sh\necho /dev/stub\n' >"$t_tmp/grub-probe"
chmod +x "$t_tmp/grub-probe"
cat >"$t_tmp/kjump.conf" <<CONF
IMAGE=/var/lib/kjump/image
DEVICE=/dev/vda2
INITRD=$initrd
ONE_BOOT=yes
KJUMP=$stub
CONF

# entry LINE: runs the script with kjump's stub printing LINE.
entry() {
	printf '#!/bin/sh\necho '\''%s'\''\n' "$1" >"$stub"
	chmod +x "$stub"
	KJUMP_CONF=$t_tmp/kjump.conf KJUMP_BOOT_DIR=$boot pkgdatadir=$lib \
		grub_probe=$t_tmp/grub-probe sh "$script"
}

uefi="crashkernel=0xa000000@0x10000000 nokaslr console=ttyS0 kjump.action=resume kjump.image=/dev/vda2"
t_run grub_entry_uefi_starts_c 0 entry "$uefi"
if [ $t_rc -ne 0 ]; then
	t_fail "exit $t_rc: $t_err"
elif ! grep -qx "    linux $boot/vmlinuz-$rel $uefi" <<<"$t_out" ||
	! grep -qx "    echo 'kjump: starting C, then R, to resume the hibernated system'" <<<"$t_out" ||
	! grep -qx "    set kjump_initrd_1=\"(\$root)$initrd\"" <<<"$t_out" ||
	! grep -qx "    set kjump_initrd_2=\"(\$root)$boot/kjump-c-$rel.cpio\"" <<<"$t_out" ||
	! grep -qx '    initrd ${kjump_initrd_1} ${kjump_initrd_2}' <<<"$t_out" ||
	! grep -qx "  menuentry 'Resume the hibernated system (kjump, $rel)' --id 'kjump-resume-$rel' {" <<<"$t_out"; then
	t_fail "entry: $t_out"
else
	t_pass
fi

# The archive: newc, the kernel and R's initramfs at the paths C looks at,
# unchanged; the stale one of another release is gone.
t_name=grub_entry_uefi_archive
x=$t_tmp/x
mkdir -p "$x"
list=$(cd "$x" && cpio -i -d --quiet <"$boot/kjump-c-$rel.cpio" && find . -type f | sort)
if [ ! -f "$boot/kjump-c-$rel.cpio" ]; then
	t_fail "no $boot/kjump-c-$rel.cpio"
elif [ "$(head -c 6 "$boot/kjump-c-$rel.cpio")" != 070701 ]; then
	t_fail "not a newc archive: $(head -c 6 "$boot/kjump-c-$rel.cpio" | od -c | head -1)"
elif [ "$list" != "$(printf './boot/vmlinuz-%s\n.%s' "$rel" "$initrd" | sort)" ]; then
	t_fail "files: $list"
elif ! cmp -s "$x/boot/vmlinuz-$rel" "$boot/vmlinuz-$rel" || ! cmp -s "$x$initrd" "$initrd"; then
	t_fail "the archive's files differ from the kernel or the initramfs"
elif [ -e "$boot/kjump-c-0.0.0-old.cpio" ]; then
	t_fail "the stale archive of another release is still there"
else
	t_pass
fi

# A BIOS machine: R straight, one initrd, GRUB's $ escaped in memmap=, and
# no archive left from before.
bios='memmap=0x1800000$0x30000000 memmap=0x2ff00000!0x100000 kjump.action=restore kjump.image=/dev/vda2'
t_run grub_entry_bios_starts_r 0 entry "$bios"
if [ $t_rc -ne 0 ]; then
	t_fail "exit $t_rc: $t_err"
elif ! grep -qxF "    linux $boot/vmlinuz-$rel memmap=0x1800000\\\$0x30000000 memmap=0x2ff00000!0x100000 kjump.action=restore kjump.image=/dev/vda2" <<<"$t_out" ||
	! grep -qx "    echo 'kjump: starting R to resume the hibernated system'" <<<"$t_out" ||
	! grep -qx '    initrd ${kjump_initrd_1}' <<<"$t_out"; then
	t_fail "entry: $t_out"
elif [ -e "$boot/kjump-c-$rel.cpio" ]; then
	t_fail "the UEFI archive is left on a BIOS machine"
else
	t_pass
fi

# kjump cannot say: no entry, and update-grub goes on (exit 0).
printf '#!/bin/sh\necho "kjump: error: no region" >&2\nexit 1\n' >"$stub"
t_run grub_entry_none_when_kjump_fails 0 env KJUMP_CONF="$t_tmp/kjump.conf" \
	KJUMP_BOOT_DIR="$boot" pkgdatadir="$lib" grub_probe="$t_tmp/grub-probe" sh "$script"
if [ $t_rc -eq 0 ] && [ -z "$t_out" ] && grep -q "no one-boot entry: kjump: error: no region" <<<"$t_err"; then
	t_pass
else
	t_fail "exit $t_rc: out '$t_out' err '$t_err'"
fi
