#!/bin/bash
# call-errors: kjump call refuses clearly, and changes nothing, when it
# cannot work: not root, no reserved region, a file larger than the region,
# an address that is not RAM or not aligned, kexec locked down, and a real
# kernel without KEXEC_JUMP (Debian's stock kernel).
#
# Evidence from the guest: each case's exit status and first error line,
# /sys/kernel/kexec_loaded after it (must stay 0), and no payload marker
# where nothing was to run. One successful --at call in the guest without
# a region shows the same binary does run when allowed.
. "$(dirname "$0")/../lib.sh"
vm_setup call-errors

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'WORKLOAD'
hello=/payloads/hello.bin
case $(cat /proc/cmdline) in
*kjump_test=region*)
	prep truncate -s 65M /tmp/big.bin
	prep truncate -s 0 /tmp/empty.bin
	try notroot su -s /bin/sh nobody -c "kjump call $hello"
	try toobig kjump call /tmp/big.bin
	try notram kjump call --at 0x40000000 $hello
	try ioapic kjump call --at 0xfec00000 $hello
	try unaligned kjump call --at 0x1000001 $hello
	try empty kjump call /tmp/empty.bin
	try badaddr kjump call --at banana $hello
	try nofile kjump call /nope.bin
	;;
*kjump_test=noregion*)
	try noregion kjump call $hello
	try at kjump call --at 0x20000000 $hello
	;;
*kjump_test=lockdown*)
	echo "try: lockdown mode: $(cat /sys/kernel/security/lockdown)"
	try lockdown kjump call $hello
	;;
*kjump_test=nojump*)
	try nojump kjump call $hello
	;;
esac
echo "try: done"
WORKLOAD
} >"$work/workload"

vm_initramfs "$work/initrd.cpio.gz" --workload "$work/workload" \
	--file "$KJ_BUILD/payloads/hello.bin:/payloads/hello.bin"

# quiet: each case's line is the evidence, and a kernel message printed
# as it was written ("tsc: Refined TSC clocksource calibration", about
# 1.9 s after boot) was seen to cut one in two
vm_boot_workload region "$work/initrd.cpio.gz" "crashkernel=64M quiet kjump_test=region"
vm_expect region notroot 1 "kjump: error: kexec needs root \(CAP_SYS_BOOT\)"
vm_expect region toobig 1 "kjump: error: calling '/tmp/big.bin' takes 68177920 bytes \(the payload, its input, kjump's stub and stack\), more than the reserved region \(67108864 bytes at 0x[0-9a-f]+\)"
vm_expect region notram 1 "kjump: error: 0x40000000-0x4000[0-9a-f]{4} is not System RAM"
vm_expect region ioapic 1 "kjump: error: 0xfec00000-0xfec0[0-9a-f]{4} is not System RAM"
vm_expect region unaligned 1 "kjump: error: --at 0x1000001 is not page aligned \(4096 bytes\)"
vm_expect region empty 1 "kjump: error: '/tmp/empty.bin' is empty: nothing to call"
vm_expect region badaddr 2 "kjump: error: bad address 'banana' for --at"
vm_expect region nofile 1 "kjump: error: cannot open '/nope.bin': No such file or directory"
[ "$(vm_count region '^kjump-payload:')" -eq 0 ] ||
	vm_fail "the payload ran although every call was refused"

vm_boot_workload noregion "$work/initrd.cpio.gz" "quiet kjump_test=noregion"
vm_expect noregion noregion 1 "kjump: error: no memory is reserved for kjump and no --at was given"
vm_expect noregion at 0 "kjump: back from '/payloads/hello.bin': the system came back after [0-9.]+ s"
[ "$(vm_count noregion '^kjump-payload: hello from physical mode$')" -eq 1 ] ||
	vm_fail "the --at call did not run the payload exactly once"

vm_boot_workload lockdown "$work/initrd.cpio.gz" "crashkernel=64M lockdown=integrity quiet kjump_test=lockdown"
vm_count lockdown "^try: lockdown mode: .*\[integrity\]" >/dev/null ||
	vm_fail "the lockdown guest is not in integrity mode"
vm_expect lockdown lockdown 1 "kjump: error: kexec is locked down: .*"

KJ_KERNEL=$("$KJ_TOP/kernel/debian-kernel" 2>"$work/debian-kernel.log") ||
	vm_fail "cannot fetch Debian's kernel, see $work/debian-kernel.log"
vm_boot_workload nojump "$work/initrd.cpio.gz" "crashkernel=64M quiet kjump_test=nojump"
vm_expect nojump nojump 1 "kjump: error: this kernel cannot kexec-jump: it was built without CONFIG_KEXEC_JUMP"

vm_pass
