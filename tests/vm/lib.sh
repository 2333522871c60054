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
serial_logs= qemu_logs= vm_typist_pids=
vm_type_answers=()

# vm_setup NAME: a fresh work directory for scenario NAME, in $work.
vm_setup() {
	vm_name=$1
	work=${KJ_VM_WORK:-$KJ_BUILD/vm}/$vm_name$(vm_firmware_suffix -)
	rm -rf "$work"
	mkdir -p "$work"
	if [ -z "${KJ_KERNEL:-}" ]; then
		KJ_KERNEL=$("$KJ_TOP/kernel/build" 2>"$work/kernel-build.log") ||
			vm_fail "cannot build the test kernel, see $work/kernel-build.log"
	fi
}

# vm_prep CMD...: a step on the host that prepares a case (imgcorrupt,
# truncate, cp, mkfs...). If it fails, so does the scenario, saying so: a
# case left unprepared must not pass, nor fail for another reason.
vm_prep() {
	local err

	err=$("$@" 2>&1 >/dev/null) ||
		vm_fail "on the host, '$*' failed${err:+: ${err%%$'\n'*}}"
}

# The kernel's console level while a guest's workload runs: warnings and
# worse. At every jump A prints its freezing, CPU and device lines, and at
# any time a late probe or the clocksource's switch, and the serial port
# sent them in the middle of a line the workload had just written: "...
# (5 segments, written in place)[ 3.84] Freezing user space processes"
# failed hibernate-resident in CI. Oopses and errors still show; the boot's
# own lines, before the workload, too. Benches that read the kernel's
# hibernation lines set it empty: the level stays as the boot set it.
vm_console_level=4

# vm_initramfs OUT [initramfs/build options]: with --workload W, the
# workload is a wrapper that sets vm_console_level, then runs W.
vm_initramfs() {
	local out=$1 arg args=() wrap=$work/console-level.sh
	shift
	while [ $# -gt 0 ]; do
		arg=$1
		shift
		if [ "$arg" = --workload ] && [ -n "$vm_console_level" ]; then
			printf '#!/bin/sh\necho %s >/proc/sys/kernel/printk\nchmod 755 /bin/workload\nexec /bin/workload "$@"\n' \
				"$vm_console_level" >"$wrap"
			args+=(--workload "$wrap" --file "$1:/bin/workload")
			shift
		else
			args+=("$arg")
		fi
	done
	"$KJ_TOP/initramfs/build" -o "$out" "${args[@]}" >"$work/initramfs.log" 2>&1 ||
		vm_fail "cannot build the initramfs, see $work/initramfs.log"
}

# vm_firmware_suffix [SEP]: "" under SeaBIOS (the default); under OVMF
# (KJ_FIRMWARE=ovmf) SEP and "ovmf": " (ovmf)" in result lines, "-ovmf" in
# work directories.
vm_firmware_suffix() {
	case ${KJ_FIRMWARE:-seabios} in
	ovmf) [ "${1:-}" = - ] && echo "-ovmf" || echo " (ovmf)" ;;
	esac
}

# vm_machine GUEST: qemu's machine and firmware arguments, into
# vm_machine_args. SeaBIOS: the pc machine. OVMF (Debian's ovmf, 4 MiB
# flash): the q35 machine, its firmware code read-only, a copy of the
# variable store per guest.
vm_machine() {
	local code=/usr/share/OVMF/OVMF_CODE_4M.fd vars=/usr/share/OVMF/OVMF_VARS_4M.fd
	case ${KJ_FIRMWARE:-seabios} in
	seabios) vm_machine_args=(-machine pc) ;;
	ovmf)
		[ -r "$code" ] && cp "$vars" "$work/$1.vars.fd" ||
			vm_fail "no OVMF firmware in /usr/share/OVMF (Debian's ovmf package)"
		vm_machine_args=(-machine q35
			-drive "if=pflash,format=raw,unit=0,readonly=on,file=$code"
			-drive "if=pflash,format=raw,unit=1,file=$work/$1.vars.fd")
		;;
	*) vm_fail "KJ_FIRMWARE is '$KJ_FIRMWARE'; it can be seabios or ovmf" ;;
	esac
}

# vm_boot GUEST INITRD APPEND [TIMEOUT [MEM [SMP [qemu args...]]]]
# Boots the kernel under software emulation until it powers off or the
# timeout ends. The serial log is $work/GUEST.serial.log, qemu's own log
# $work/GUEST.qemu.log. Returns qemu's status (124: timed out). A step the
# guest's workload marked with prep (vm_workload_lib) that failed there
# fails the scenario.
vm_boot() {
	local guest=$1 initrd=$2 append=$3 timeout=${4:-300} mem=${5:-1G} smp=${6:-2}
	shift 6 2>/dev/null || shift $#
	local scale=${KJ_VM_TIMEOUT_SCALE:-1} rc
	serial_logs="$serial_logs $work/$guest.serial.log"
	qemu_logs="$qemu_logs $work/$guest.qemu.log"
	vm_machine "$guest"
	vm_serial "$guest"
	timeout -k 5 $((timeout * scale)) qemu-system-x86_64 \
		"${vm_machine_args[@]}" -accel tcg -m "$mem" -smp "$smp" \
		-kernel "$KJ_KERNEL" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 no_console_suspend $append" \
		-display none -monitor none -no-reboot \
		"${vm_serial_args[@]}" \
		-d cpu_reset,guest_errors -D "$work/$guest.qemu.log" \
		"$@" </dev/null >"$work/$guest.qemu.out" 2>&1
	rc=$?
	vm_typist_stop
	vm_count "$guest" "^try: prep failed: " >/dev/null &&
		vm_fail "in guest $guest, '$(vm_field "$guest" 'try: prep failed: ')' failed"
	return $rc
}

# vm_type PROMPT ANSWER...: the next vm_boot types each ANSWER, and
# Enter, on its serial console once the guest has printed PROMPT (an
# extended regex) once more than for the answer before: a person at the
# console. Its serial log is still $work/GUEST.serial.log.
vm_type() {
	vm_type_prompt=$1
	shift
	vm_type_answers=("$@")
}

# The serial port's qemu arguments, into vm_serial_args: a log file, or
# with vm_type a pipe (GUEST.pipe.in, .out) logged to the same file, and
# a typist in the background.
vm_serial() {
	local pipe=$work/$1.pipe
	if [ ${#vm_type_answers[@]} -eq 0 ]; then
		vm_serial_args=(-serial "file:$work/$1.serial.log")
		return
	fi
	rm -f "$pipe.in" "$pipe.out" "$work/$1.serial.log"
	mkfifo "$pipe.in" "$pipe.out"
	vm_serial_args=(-chardev "pipe,id=ser0,path=$pipe,logfile=$work/$1.serial.log"
			-serial chardev:ser0)
	cat "$pipe.out" >/dev/null &
	vm_typist_pids=$!
	vm_typist "$1" "$vm_type_prompt" "${vm_type_answers[@]}" &
	vm_typist_pids="$vm_typist_pids $!"
	vm_type_answers=()
}

vm_typist() {
	local guest=$1 prompt=$2 n=0 i answer
	shift 2
	for answer in "$@"; do
		n=$((n + 1))
		for i in $(seq 6000); do
			[ -e "$work/$guest.serial.log" ] &&
				[ "$(vm_count "$guest" "$prompt")" -ge $n ] && break
			sleep 0.2
		done
		sleep 0.5
		printf '%s\r' "$answer" >"$work/$guest.pipe.in"
	done
}

vm_typist_stop() {
	[ -n "${vm_typist_pids:-}" ] || return 0
	kill $vm_typist_pids 2>/dev/null
	wait $vm_typist_pids 2>/dev/null
	vm_typist_pids=
}

# vm_cut GUEST PATTERN: a power cut. Waits (at most 120 s) until GUEST's
# console shows a line matching the extended regex, or its qemu is gone,
# then kills that qemu. Whether the line came is for the caller to check.
vm_cut() {
	local i
	for i in $(seq 1200); do
		vm_log "$1" 2>/dev/null | grep -qE "$2" && break
		# gone: its log is there (qemu made it) and no process has it
		[ -e "$work/$1.serial.log" ] &&
			! pgrep -f "serial file:$work/$1.serial.log" >/dev/null && break
		sleep 0.1
	done
	pkill -KILL -f "serial file:$work/$1.serial.log" 2>/dev/null
}

# Lines of the serial log of GUEST, without carriage returns.
vm_log() {
	tr -d '\r' <"$work/$1.serial.log"
}

# vm_field GUEST PREFIX: the rest of the first line of GUEST's serial
# log that starts with PREFIX (a sed pattern).
vm_field() {
	vm_log "$1" | sed -n "s/^$2//p" | head -1
}

# How many lines of GUEST's serial log match the extended regex.
vm_count() {
	vm_log "$1" | grep -cE "$2"
}

# vm_pass [DETAIL]: the result line, then what was measured, indented.
# vm_counter IMAGE PADDR: the image verifies and exports on the host;
# prints the 8-byte counter at PADDR in it, then removes IMAGE. Fails the
# scenario otherwise (its FAIL line is what it prints: echo it).
vm_counter() {
	local img=$1 out=$work/$(basename "$1").check
	"$KJ_BUILD/kjump" verify "$img" >"$out" 2>&1 ||
		vm_fail "$(basename "$img") does not verify: $(cat "$out")"
	"$KJ_BUILD/kjump" export --elf "$img" "$img.elf" >/dev/null 2>&1 ||
		vm_fail "$(basename "$img") does not export"
	"$KJ_BUILD/kjump" vmcore --file "$img.elf" --read "$2" --length 8 |
		od -An -t u8 | tr -d ' '
	rm -f "$img.elf" "$img"
}

vm_pass() {
	echo "PASS $vm_name$(vm_firmware_suffix)"
	[ -n "${1:-}" ] && echo "  $1"
	exit 0
}

vm_fail() {
	echo "FAIL ${vm_name:-?}$(vm_firmware_suffix): $1"
	for f in $serial_logs $qemu_logs; do
		[ -e "$f" ] && echo "  log: $f"
	done
	exit 1
}

# vm_counter_lib: shell functions for workloads, to paste into a workload
# script. start_counter NAME starts a process that holds a counter and
# prints "NAME-counter: N" each time tick NAME is called; start_membuf
# starts membuf, and check TAG makes it print its buffer's checksum.
vm_workload_lib() {
	cat <<'LIB'
start_counter() {
	mkfifo /run/$1-req /run/$1-ack
	(n=0; while read -r _; do n=$((n + 1)); echo "$1-counter: $n"; echo >&3; done) \
		</run/$1-req 3>/run/$1-ack &
	eval "exec ${2}>/run/$1-req ${3}</run/$1-ack"
}
tick() { eval "echo >&$2; read -r _ <&$3"; }
start_membuf() {
	mkfifo /run/mb-req /run/mb-ack
	membuf "$1" </run/mb-req 3>/run/mb-ack &
	exec 8>/run/mb-req 9</run/mb-ack
}
check() { echo "$1" >&8; read -r _ <&9; }
# prep CMD...: a step that prepares a case; vm_boot fails the scenario if
# it fails.
prep() { "$@" || echo "try: prep failed: $*"; }
# try NAME CMD...: runs CMD, prints its status, whether a kexec image is
# loaded afterwards, and every line it printed, for vm_expect to read.
# The kernel's console is hushed while those lines go out: a late probe's
# message once landed in the middle of one ("...did not finish[ 1.23]
# input: ...").
try() {
	name=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	loaded=$(cat /sys/kernel/kexec_loaded)
	read -r level _ </proc/sys/kernel/printk
	echo 1 >/proc/sys/kernel/printk
	echo "try: case $name rc=$rc loaded=$loaded"
	echo "$out" | sed "s/^/try: $name: /"
	echo "$level" >/proc/sys/kernel/printk
}
LIB
}

# vm_membuf_holds GUEST N [TAG]: membuf printed N checksums of its buffer
# in GUEST's log, all the same; only those whose tag matches TAG (a sed
# pattern; default: any) when there are several membufs.
vm_membuf_holds() {
	local sums n distinct tag=${3:-.*}
	sums=$(vm_log "$1" | sed -n "s/^membuf: $tag checksum=//p")
	n=$(echo "$sums" | grep -c .)
	distinct=$(echo "$sums" | sort -u | grep -c .)
	[ "$n" -eq "$2" ] || vm_fail "$n checksums of the 64 MiB buffer, want $2"
	[ "$distinct" -eq 1 ] || vm_fail "the 64 MiB buffer changed: $distinct distinct checksums"
}

# vm_cpus_back GUEST TAG: the line "TAG: cpus online N" in GUEST's log
# says 2, the guest's CPUs.
vm_cpus_back() {
	local cpus
	cpus=$(vm_log "$1" | sed -n "s/^$2: cpus online \([0-9]*\).*/\1/p")
	[ "$cpus" = 2 ] || vm_fail "${cpus:-no} CPUs online at the end, want 2"
}

# vm_workload_head [LINE...]: a workload's first lines: the shell, the
# functions of vm_workload_lib, then each LINE (VAR=VALUE settings).
vm_workload_head() {
	echo '#!/bin/sh'
	vm_workload_lib
	printf '%s\n' "$@"
}

# vm_expect GUEST CASE RC REGEX: the case exited RC, left nothing loaded,
# and its first kjump error (or report) line matches REGEX exactly.
vm_expect() {
	local line msg
	line=$(vm_log "$1" | grep -m1 "^try: case $2 ")
	[ "$line" = "try: case $2 rc=$3 loaded=0" ] ||
		vm_fail "case $2: got '${line#try: }', want rc=$3 loaded=0"
	msg=$(vm_log "$1" | sed -n "s/^try: $2: //p" |
		grep -m1 -E "^kjump: (error|back|loaded|unloaded)")
	echo "$msg" | grep -qE "^$4\$" ||
		vm_fail "case $2: got '$msg', want /$4/"
}

# vm_boot_workload GUEST INITRD APPEND: boots and insists the workload ran
# to its end ("try: done").
vm_boot_workload() {
	vm_boot "$1" "$2" "$3" 180
	[ $? -eq 124 ] && vm_fail "guest $1 did not finish within 180 s"
	vm_count "$1" "^try: done$" >/dev/null ||
		vm_fail "guest $1 did not finish its workload"
}

# vm_b_initramfs OUT WORKLOAD: B's initramfs, with its own workload.
vm_b_initramfs() {
	vm_initramfs "$1" --workload "$2"
}

# vm_default_initrd: where kjump load looks for B's and R's initramfs by
# default, into vm_initrd_path. It follows the PREFIX build/kjump was made
# for (KJ_LIBDIR): its 'load --help' says it.
vm_default_initrd() {
	vm_initrd_path=$("$KJ_BUILD/kjump" load --help | sed -n 's/.*(default: \(.*initrd.*\))$/\1/p')
	[ -n "$vm_initrd_path" ] || vm_fail "'build/kjump load --help' names no default initramfs"
}

# vm_oneboot_initrd B_INITRD: the initramfs of the one-boot entry, into
# vm_oneboot: B_INITRD (kjump's) where the boot loader starts R straight
# (SeaBIOS: kjump.action=restore); under UEFI, where it starts C
# (kjump.action=resume), kjump's with the kernel and R's initramfs where
# kjump load looks for them (what dist/grub.d/42_kjump packs on Debian).
vm_oneboot_initrd() {
	case ${KJ_FIRMWARE:-seabios} in
	ovmf)
		vm_default_initrd
		vm_oneboot=$work/c.cpio.gz
		vm_initramfs "$vm_oneboot" --file "$KJ_KERNEL:/boot/vmlinuz" \
			--file "$1:$vm_initrd_path"
		;;
	*) vm_oneboot=$1 ;;
	esac
}

# vm_a_initramfs OUT WORKLOAD B_INITRD [more initramfs/build options]:
# A's initramfs, with B's kernel and initramfs where kjump load looks by
# default (vm_default_initrd), and membuf.
vm_a_initramfs() {
	local out=$1 workload=$2 b=$3
	shift 3
	vm_default_initrd
	vm_initramfs "$out" --workload "$workload" \
		--file "$KJ_KERNEL:/boot/vmlinuz" \
		--file "$b:$vm_initrd_path" \
		--file "$KJ_BUILD/workload/membuf:/bin/membuf" "$@"
}
