#!/bin/bash
# load-errors: kjump load refuses clearly, and loads nothing, when B
# cannot be loaded: no region, a region too small, damaged bzImages (not a
# bzImage, boot protocol too old, no 64-bit entry, truncated), not root,
# and a kernel without KEXEC_JUMP (Debian's stock kernel). In the same
# guest a good load then works, showing the errors left nothing behind.
. "$(dirname "$0")/../lib.sh"
vm_setup load-errors

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'WORKLOAD'
# patch FILE OFFSET OCTAL-BYTES: a damaged copy of the real bzImage.
patch() { prep cp /boot/vmlinuz "$1"; printf "$3" | prep dd of="$1" bs=1 seek=$(($2)) conv=notrunc 2>/dev/null; }
append="console=ttyS0"
case $(cat /proc/cmdline) in
*kjump_test=region*)
	patch /tmp/nohdr 0x202 'HdrX'
	patch /tmp/old 0x206 '\012\002'
	patch /tmp/no64 0x236 '\142'
	prep dd if=/boot/vmlinuz of=/tmp/short bs=2000 count=1 2>/dev/null
	try notbz kjump load --kernel /tmp/nohdr
	try old kjump load --kernel /tmp/old
	try no64 kjump load --kernel /tmp/no64
	try short kjump load --kernel /tmp/short
	try nokernel kjump load --kernel /nope
	try noinitrd kjump load --initrd /nope
	try notroot su -s /bin/sh nobody -c "kjump load"
	try dryrun kjump load --dry-run
	try good kjump load --append "$append"
	try unload kjump unload
	;;
*kjump_test=small*)
	try small kjump load
	;;
*kjump_test=noregion*)
	try noregion kjump load
	;;
*kjump_test=nojump*)
	try nojump kjump load
	;;
esac
echo "try: done"
WORKLOAD
} >"$work/workload"
vm_b_initramfs "$work/b.cpio.gz" "$work/workload"
vm_a_initramfs "$work/a.cpio.gz" "$work/workload" "$work/b.cpio.gz"

vm_boot_workload region "$work/a.cpio.gz" "crashkernel=128M kjump_test=region"
vm_expect region notbz 1 "kjump: error: '/tmp/nohdr' is not a bzImage \(no x86 boot header\)"
vm_expect region old 1 "kjump: error: '/tmp/old' uses boot protocol 2.10; kjump needs 2.12 or later \(Linux 3.8 and later\)"
vm_expect region no64 1 "kjump: error: '/tmp/no64' is not a relocatable 64-bit kernel"
vm_expect region short 1 "kjump: error: '/tmp/short' is damaged or truncated: its setup header does not add up"
vm_expect region nokernel 1 "kjump: error: cannot open '/nope': No such file or directory"
vm_expect region noinitrd 1 "kjump: error: cannot open '/nope': No such file or directory"
vm_expect region notroot 1 "kjump: error: kexec needs root \(CAP_SYS_BOOT\)"
vm_count region "^try: dryrun: segments: +[0-9]+ of 16$" >/dev/null ||
	vm_fail "--dry-run printed no segment plan"
vm_expect region dryrun 0 ""
vm_count region "^try: case good rc=0 loaded=1$" >/dev/null ||
	vm_fail "a good load after the errors did not load"
vm_expect region unload 0 "kjump: unloaded"

vm_boot_workload small "$work/a.cpio.gz" "crashkernel=16M kjump_test=small"
vm_expect small small 1 "kjump: error: the reserved region is 16 MiB; B needs at least [0-9]+ MiB"
vm_count small "^try: small: kjump: hint: boot with crashkernel=[0-9]+M$" >/dev/null ||
	vm_fail "no crashkernel= size suggested for the small region"

vm_boot_workload noregion "$work/a.cpio.gz" "kjump_test=noregion"
vm_expect noregion noregion 1 "kjump: error: no memory is reserved for kjump"

KJ_KERNEL=$("$KJ_TOP/kernel/debian-kernel" 2>"$work/debian-kernel.log") ||
	vm_fail "cannot fetch Debian's kernel, see $work/debian-kernel.log"
vm_boot_workload nojump "$work/a.cpio.gz" "crashkernel=128M kjump_test=nojump"
vm_expect nojump nojump 1 "kjump: error: this kernel cannot kexec-jump: it was built without CONFIG_KEXEC_JUMP"
vm_pass
