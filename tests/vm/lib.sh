# Sourced by every VM scenario. A scenario sets up its guest, boots it with
# vm_boot, reads the guest's serial log and ends with vm_pass or vm_fail,
# which print its one result line.
#
# Environment (set by tests/vm/run, or by hand):
#   KJ_KERNEL    the bzImage to boot (default: kernel/build's cached one)
#   KJ_VM_WORK   where work directories go (default: build/vm)
#   KJ_VM_TIMEOUT_SCALE  multiply every timeout (slow machines)

KJ_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KJ_BUILD=$KJ_TOP/build
serial_logs= qemu_logs=

# vm_setup NAME: a fresh work directory for scenario NAME, in $work.
vm_setup() {
	vm_name=$1
	work=${KJ_VM_WORK:-$KJ_BUILD/vm}/$vm_name
	rm -rf "$work"
	mkdir -p "$work"
	if [ -z "${KJ_KERNEL:-}" ]; then
		KJ_KERNEL=$("$KJ_TOP/kernel/build" 2>"$work/kernel-build.log") ||
			vm_fail "cannot build the test kernel, see $work/kernel-build.log"
	fi
}

# vm_initramfs OUT [initramfs/build options]
vm_initramfs() {
	local out=$1
	shift
	"$KJ_TOP/initramfs/build" -o "$out" "$@" >"$work/initramfs.log" 2>&1 ||
		vm_fail "cannot build the initramfs, see $work/initramfs.log"
}

# vm_boot GUEST INITRD APPEND [TIMEOUT [MEM [SMP [qemu args...]]]]
# Boots the kernel under software emulation until it powers off or the
# timeout ends. The serial log is $work/GUEST.serial.log, qemu's own log
# $work/GUEST.qemu.log. Returns qemu's status (124: timed out).
vm_boot() {
	local guest=$1 initrd=$2 append=$3 timeout=${4:-300} mem=${5:-1G} smp=${6:-2}
	shift 6 2>/dev/null || shift $#
	local scale=${KJ_VM_TIMEOUT_SCALE:-1}
	serial_logs="$serial_logs $work/$guest.serial.log"
	qemu_logs="$qemu_logs $work/$guest.qemu.log"
	timeout -k 5 $((timeout * scale)) qemu-system-x86_64 \
		-machine pc -accel tcg -m "$mem" -smp "$smp" \
		-kernel "$KJ_KERNEL" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 no_console_suspend $append" \
		-display none -monitor none -no-reboot \
		-serial "file:$work/$guest.serial.log" \
		-d cpu_reset,guest_errors -D "$work/$guest.qemu.log" \
		"$@" </dev/null >"$work/$guest.qemu.out" 2>&1
}

# Lines of the serial log of GUEST, without carriage returns.
vm_log() {
	tr -d '\r' <"$work/$1.serial.log"
}

# How many lines of GUEST's serial log match the extended regex.
vm_count() {
	vm_log "$1" | grep -cE "$2"
}

vm_pass() {
	echo "PASS $vm_name${1:+: $1}"
	exit 0
}

vm_fail() {
	echo "FAIL ${vm_name:-?}: $1"
	for f in $serial_logs $qemu_logs; do
		[ -e "$f" ] && echo "  log: $f"
	done
	exit 1
}
