#!/bin/bash
# call: kjump call runs a payload in physical mode 50 times; the running
# system must come back each time with its memory intact and both CPUs.
#
# Evidence, all from the guest's serial log:
#   - exactly 50 lines written by the payload itself to COM1;
#   - 51 checksums of a 64 MiB random buffer, computed by a process in the
#     guest before the first call and after every call, all identical;
#   - the number of CPUs online at the end: 2.
. "$(dirname "$0")/../lib.sh"
vm_setup call
calls=50

cat >"$work/workload" <<WORKLOAD
#!/bin/sh
mkfifo /run/req /run/ack
membuf 64 </run/req 3>/run/ack &
exec 4>/run/req 5</run/ack
check() { echo "\$1" >&4; read -r ack <&5; }
check before
i=1
while [ \$i -le $calls ]; do
	if ! kjump call /payloads/hello.bin >/tmp/call.out 2>&1; then
		echo "call-test: call \$i failed:"
		cat /tmp/call.out
		break
	fi
	grep -q "the system came back" /tmp/call.out && echo "call-test: call \$i came back"
	check after-\$i
	i=\$((i + 1))
done
echo "call-test: cpus online \$(grep -c ^processor /proc/cpuinfo) (\$(cat /sys/devices/system/cpu/online))"
WORKLOAD

vm_initramfs "$work/initrd.cpio.gz" --workload "$work/workload" \
	--file "$KJ_BUILD/payloads/hello.bin:/payloads/hello.bin" \
	--file "$KJ_BUILD/workload/membuf:/bin/membuf"

vm_boot guest "$work/initrd.cpio.gz" "crashkernel=64M" 900
status=$?
[ $status -eq 124 ] && vm_fail "the guest did not finish within 900 s"
vm_count guest "^kjump-init: powering off" >/dev/null ||
	vm_fail "the guest did not reach the end of its workload (qemu status $status)"

failed_call=$(vm_log guest | grep -A3 "^call-test: call [0-9]* failed" | head -4 | tr '\n' ' ')
[ -z "$failed_call" ] || vm_fail "$failed_call"

markers=$(vm_count guest "^kjump-payload: hello from physical mode$")
[ "$markers" -eq $calls ] || vm_fail "$markers payload markers, want $calls"

backs=$(vm_count guest "^call-test: call [0-9]+ came back$")
[ "$backs" -eq $calls ] || vm_fail "kjump reported $backs returns, want $calls"

vm_membuf_holds guest $((calls + 1))
vm_cpus_back guest call-test

vm_pass
