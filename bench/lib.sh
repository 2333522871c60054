# Sourced by the benches that time a guest from the host: every serial
# line stamped with the host's clock as it arrives.

# stamp: each line of stdin, after the host time it arrived.
stamp() {
	while IFS= read -r line; do
		printf '%s %s\n' "$EPOCHREALTIME" "${line%$'\r'}"
	done
}

# at GUEST REGEX [N]: the host time of the Nth line (default 1) matching.
at() {
	awk -v re="$2" -v n="${3:-1}" 2>/dev/null \
		'{ t = $1; sub(/^[^ ]+ /, "") } $0 ~ re && ++seen == n { print t; exit }' \
		"$work/$1.stamped"
}

# sub A B: B - A, or empty when either is missing.
sub() {
	[ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'
}

# stamped_boot GUEST VM_BOOT_ARGS...: vm_boot in the background while its
# serial log is stamped into $work/GUEST.stamped. Sets t_start (before
# qemu starts), t_end (after it exits) and boot_status.
stamped_boot() {
	local guest=$1 qemu tailer
	shift
	: >"$work/$guest.serial.log"
	t_start=$EPOCHREALTIME
	vm_boot "$guest" "$@" &
	qemu=$!
	tail -n +1 -s 0.02 --pid=$qemu -F "$work/$guest.serial.log" 2>/dev/null |
		stamp >"$work/$guest.stamped" &
	tailer=$!
	wait $qemu
	boot_status=$?
	t_end=$EPOCHREALTIME
	wait $tailer
}
