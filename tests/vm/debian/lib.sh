# Sourced by the Debian guest's scenarios, after tests/vm/lib.sh.
#
# The guest is a copy of the cached disk tests/vm/debian/build-disk makes:
# Debian 12 with the test kernel and GRUB, booted by the firmware
# KJ_FIRMWARE names (tests/vm/lib.sh, vm_machine): SeaBIOS and grub-pc on
# an MBR disk by default; with KJ_FIRMWARE=ovmf, OVMF and GRUB's EFI build
# on a GPT disk with an EFI system partition (build-disk). A test
# drives it with a stage: a directory with an executable `run` and any
# files it needs (the kjump package, workloads, checks), given to the
# guest as a second virtio disk holding a tar archive. Once the guest is
# up (after multi-user.target), kjtest-stage.service extracts it into
# /run/kjtest and runs ./run there; every line run prints reaches the
# serial log as "kjtest: LINE" (and the journal); when run ends, the
# guest powers off. The stage service also prints
#   kjtest: stage: start UPTIME     before run
#   kjtest: stage: exit STATUS      after run
# A guest booted without a stage disk just comes up and stays up.

# debian_disk DISK: a fresh copy of the cached disk at DISK (sparse).
debian_disk() {
	local base
	base=$("$KJ_TOP/tests/vm/debian/build-disk" 2>"$work/debian-disk.log") ||
		vm_fail "cannot build the Debian disk, see $work/debian-disk.log"
	cp --sparse=always "$base" "$1" ||
		vm_fail "cannot copy the Debian disk to $1"
}

# debian_stage DIR STAGE: DIR (which holds an executable run) as a stage
# disk image, STAGE.
debian_stage() {
	[ -x "$1/run" ] || vm_fail "the stage $1 has no executable run"
	tar -C "$1" -cf "$2" . || vm_fail "cannot make the stage disk $2"
}

# debian_boot GUEST DISK STAGE TIMEOUT [qemu args...]: powers on a machine
# with DISK (and STAGE, unless it is "", as the kjtest-stage disk) and
# waits until it powers off or TIMEOUT seconds pass. As vm_boot: the
# serial log is $work/GUEST.serial.log, qemu's own log
# $work/GUEST.qemu.log (its messages $work/GUEST.qemu.out), and the status
# is qemu's (124: timed out).
# Sets debian_up: seconds from power-on until the stage started, which is
# just after multi-user.target ("" if it did not).
debian_boot() {
	local guest=$1 disk=$2 stage=$3 timeout=$4
	shift 4
	local scale=${KJ_VM_TIMEOUT_SCALE:-1} log=$work/$guest.serial.log
	local start pid rc
	# The disk first in the firmware's boot order: it would try the
	# stage disk first otherwise, and hang there.
	local drives=(-drive "file=$disk,format=raw,if=none,id=root,cache=unsafe"
		-device virtio-blk-pci,drive=root,bootindex=0)
	[ -n "$stage" ] &&
		drives+=(-drive "file=$stage,format=raw,if=none,id=stage,cache=unsafe"
			-device virtio-blk-pci,drive=stage,serial=kjtest-stage)
	serial_logs="$serial_logs $log"
	qemu_logs="$qemu_logs $work/$guest.qemu.log $work/$guest.qemu.out"
	rm -f "$log"
	vm_machine "$guest"
	start=$(date +%s.%N)
	timeout -k 5 $((timeout * scale)) qemu-system-x86_64 \
		"${vm_machine_args[@]}" -accel tcg -m 1G -smp 2 "${drives[@]}" \
		-display none -monitor none -no-reboot \
		-serial "file:$log" \
		-d cpu_reset,guest_errors -D "$work/$guest.qemu.log" \
		"$@" </dev/null >"$work/$guest.qemu.out" 2>&1 &
	pid=$!
	debian_up=
	while kill -0 $pid 2>/dev/null; do
		# anywhere in a line: getty's prompt may come first
		if [ -z "$debian_up" ] && [ -f "$log" ] &&
			grep -q 'kjtest: stage: start' "$log"; then
			debian_up=$(awk -v a="$start" -v b="$(date +%s.%N)" \
				'BEGIN { printf "%.1f", b - a }')
		fi
		sleep 0.2
	done
	wait $pid
	rc=$?
	return $rc
}

# debian_field GUEST PREFIX: the rest of the first stage line of GUEST
# that starts with PREFIX (what run printed, without "kjtest: ").
debian_field() {
	vm_field "$1" "kjtest: $2"
}
