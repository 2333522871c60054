# Sourced by shell-level unit tests. t_run NAME WANT_RC CMD... runs CMD,
# keeping its stdout in $t_out and stderr in $t_err; t_pass and t_fail print
# the test's result line.
T_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KJUMP=${KJUMP:-$T_TOP/build/kjump}
t_tmp=$(mktemp -d)
trap 'rm -rf "$t_tmp"' EXIT

t_run() {
	t_name=$1 t_want_rc=$2
	shift 2
	"$@" >"$t_tmp/out" 2>"$t_tmp/err"
	t_rc=$?
	t_out=$(cat "$t_tmp/out")
	t_err=$(cat "$t_tmp/err")
}

t_pass() { echo "PASS $t_name"; }
t_fail() { echo "FAIL $t_name: $1"; }

# t_expect NAME RC STDERR_FIRST_LINE CMD...: exit status and exact first
# line of stderr.
t_expect() {
	local name=$1 rc=$2 line=$3
	shift 3
	t_run "$name" "$rc" "$@"
	local first=${t_err%%$'\n'*}
	if [ "$t_rc" != "$rc" ]; then
		t_fail "exit status $t_rc, want $rc (stderr: $first)"
	elif [ "$first" != "$line" ]; then
		t_fail "stderr '$first', want '$line'"
	else
		t_pass
	fi
}
