#!/bin/bash
# switch: A loads B (the same bzImage) and switches A->B->A five times.
#
# Evidence from the guest's serial log:
#   - B's counter process prints 1..5, one value each time A switches to it: B is resumed
#     where it stopped, never booted again (B's init starts once);
#   - A's counter prints 1..6 and A's 64 MiB buffer checksum is the same
#     before and after every switch;
#   - both CPUs are online in A at the end.
. "$(dirname "$0")/../lib.sh"
vm_setup switch
switches=5

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'B'
start_counter B 4 5
echo "switch-test: B started"
while true; do
	tick B 4 5
	kjump back >/tmp/back.out 2>&1 || { echo "switch-test: B: kjump back failed:"; cat /tmp/back.out; break; }
done
B
} >"$work/b-workload"

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<A
start_membuf 64
start_counter A 4 5
check before
tick A 4 5
kjump load --append "console=ttyS0 no_console_suspend" >/tmp/load.out 2>&1 ||
	{ echo "switch-test: load failed:"; cat /tmp/load.out; exit 1; }
i=1
while [ \$i -le $switches ]; do
	kjump jump >/tmp/jump.out 2>&1 || { echo "switch-test: jump \$i failed:"; cat /tmp/jump.out; break; }
	grep -q "^kjump: back from B" /tmp/jump.out && echo "switch-test: A is back after switch \$i"
	tick A 4 5
	check after-\$i
	i=\$((i + 1))
done
try reload kjump load
echo "try: loaded after refusal: \$(cat /sys/kernel/kexec_loaded)"
echo "switch-test: cpus online \$(grep -c ^processor /proc/cpuinfo) (\$(cat /sys/devices/system/cpu/online))"
A
} >"$work/a-workload"

vm_b_initramfs "$work/b.cpio.gz" "$work/b-workload"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz"
vm_boot guest "$work/a.cpio.gz" "crashkernel=128M" 600
[ $? -eq 124 ] && vm_fail "the guest did not finish within 600 s"
vm_count guest "^kjump-init: powering off" >/dev/null ||
	vm_fail "the guest did not reach the end of its workload"
err=$(vm_log guest | grep -A3 "^switch-test: .*failed" | head -4 | tr '\n' ' ')
[ -z "$err" ] || vm_fail "$err"

b_values=$(vm_log guest | sed -n 's/^B-counter: //p' | tr '\n' ' ')
[ "$b_values" = "$(seq -s ' ' 1 $switches) " ] ||
	vm_fail "B's counter printed '$b_values', want 1 to $switches, one per switch"
a_values=$(vm_log guest | sed -n 's/^A-counter: //p' | tr '\n' ' ')
[ "$a_values" = "$(seq -s ' ' 1 $((switches + 1))) " ] ||
	vm_fail "A's counter printed '$a_values', want 1 to $((switches + 1))"
[ "$(vm_count guest '^switch-test: B started$')" -eq 1 ] ||
	vm_fail "B's workload started more than once: B was booted again"
[ "$(vm_count guest '^switch-test: A is back after switch [0-9]+$')" -eq $switches ] ||
	vm_fail "A did not report $switches returns"

vm_membuf_holds guest $((switches + 1))
vm_cpus_back guest switch-test
line=$(vm_log guest | grep -m1 "^try: case reload ")
[ "$line" = "try: case reload rc=1 loaded=1" ] ||
	vm_fail "a second load over a waiting B: '$line', want rc=1 and B still loaded"
vm_log guest | grep -q "^try: reload: kjump: error: B ('/boot/vmlinuz') was started and is waiting; a new load would lose its state$" ||
	vm_fail "no clear refusal of a second load over a waiting B"
vm_pass
