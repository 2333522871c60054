#!/bin/bash
# call-args: kjump call gives a payload its input and arguments and takes
# back its output and its return value, 50 times with random inputs; the
# running system comes back each time with its memory intact and both
# CPUs. The errors of issue 17 are refused clearly.
#
# Evidence, all from the guest's serial log:
#   - for each call, the CRC-32 the payload (examples/crc32.c) computed
#     in physical mode, beside the one busybox crc32 computes in the guest
#     over the same slice of the same random input; the value
#     the payload returned, beside the slice's length;
#   - 51 checksums of a 64 MiB buffer, before the first call and after
#     each, all identical; the CPUs online at the end;
#   - the refusals: an input over 16 MiB, a payload that says it wrote
#     more than its buffer, too many or bad --arg values; --out FILE.
. "$(dirname "$0")/../lib.sh"
vm_setup call-args
calls=50

# A payload that says it wrote 8 KiB into its 4064-byte buffer.
cat >"$work/bigout.S" <<'PAYLOAD'
	.text
	.globl	_start
_start:
	movq	0x70(%rdi), %rax	/* the result page (doc/call.md) */
	movq	$0x2000, (%rax)		/* out_len */
	movl	$7, %eax
	ret
PAYLOAD
vm_prep cc -c -o "$work/bigout.o" "$work/bigout.S"
vm_prep objcopy -O binary -j .text "$work/bigout.o" "$work/bigout.bin"

{
	vm_workload_head "calls=$calls"
	cat <<'WORKLOAD'
rnd() { echo $(( (RANDOM * 32768 + RANDOM) % $1 )); }
start_membuf 64
check before
i=1
while [ $i -le $calls ]; do
	size=$(( $(rnd 1048576) + 1 ))
	head -c $size /dev/urandom >/tmp/in
	off=0 len=$size args=
	if [ $((i % 5)) -ne 0 ]; then
		off=$(rnd $size)
		len=$(rnd $((size - off + 1)))
		args="--arg $off --arg $len"
	fi
	kjump call /payloads/crc32.bin --in /tmp/in $args >/tmp/out 2>/tmp/err
	rc=$?
	want=$(tail -c +$((off + 1)) /tmp/in | head -c $len | crc32)
	ret=$(sed -n 's/^kjump: the payload returned 0x[0-9a-f]* (\(-*[0-9]*\))$/\1/p' /tmp/err)
	echo "call-args: call $i size=$size off=$off len=$len rc=$rc ret=$ret got=$(tr '\n' ':' </tmp/out) want=$want"
	[ $rc -eq 0 ] || sed 's/^/call-args: stderr: /' /tmp/err
	check after-$i
	i=$((i + 1))
done
prep head -c 16777217 /dev/zero >/tmp/huge
try toobig kjump call /payloads/crc32.bin --in /tmp/huge
try bigout kjump call /payloads/bigout.bin
try manyargs kjump call /payloads/crc32.bin --arg 1 --arg 2 --arg 3 --arg 4 --arg 5 --arg 6 --arg 7 --arg 8 --arg 9
try badarg kjump call /payloads/crc32.bin --arg banana
printf 'The quick brown fox' >/tmp/fox
try outfile kjump call /payloads/crc32.bin --in /tmp/fox --out /tmp/fox.sum
echo "call-args: fox payload=$(cat /tmp/fox.sum) process=$(crc32 </tmp/fox)"
check end
echo "call-args: cpus online $(grep -c ^processor /proc/cpuinfo) ($(cat /sys/devices/system/cpu/online))"
echo "try: done"
WORKLOAD
} >"$work/workload"

vm_initramfs "$work/initrd.cpio.gz" --workload "$work/workload" \
	--file "$KJ_BUILD/payloads/crc32.bin:/payloads/crc32.bin" \
	--file "$work/bigout.bin:/payloads/bigout.bin" \
	--file "$KJ_BUILD/workload/membuf:/bin/membuf"

vm_boot guest "$work/initrd.cpio.gz" "crashkernel=64M quiet" 900
status=$?
[ $status -eq 124 ] && vm_fail "the guest did not finish within 900 s"
vm_count guest "^try: done$" >/dev/null ||
	vm_fail "the guest did not reach the end of its workload (qemu status $status)"

lines=$(vm_log guest | grep -E "^call-args: call [0-9]+ ")
[ "$(echo "$lines" | grep -c .)" -eq $calls ] ||
	vm_fail "$(echo "$lines" | grep -c .) call lines, want $calls"
# got: "CRC:" (the payload's "CRC\n"); want: "CRC", 8 hex digits
bad=$(echo "$lines" | awk '{
	split($0, f, " "); delete v
	for (k in f) { n = index(f[k], "="); if (n) v[substr(f[k], 1, n - 1)] = substr(f[k], n + 1) }
	if (v["rc"] != 0 || v["ret"] != v["len"] || v["want"] !~ /^[0-9a-f]+$/ || length(v["want"]) != 8 ||
	    v["got"] != v["want"] ":") { print; exit }
}')
[ -z "$bad" ] || vm_fail "a call disagrees with the process: $bad"
wholes=$(echo "$lines" | grep -c "size=\([0-9]*\) off=0 len=\1 ")
[ "$wholes" -ge 10 ] || vm_fail "only $wholes calls summed a whole input, want 10"

vm_membuf_holds guest $((calls + 2))

vm_expect guest toobig 1 "kjump: error: the input '/tmp/huge' is 16777217 bytes; a call takes at most 16777216 \(16 MiB\)"
vm_expect guest bigout 1 "kjump: error: '/payloads/bigout.bin' returned 0x7 and says it wrote 8192 bytes of output, more than its buffer of 4064: the output is not shown"
vm_expect guest manyargs 2 "kjump: error: more than 8 --arg values"
vm_expect guest badarg 2 "kjump: error: bad value 'banana' for --arg"
vm_expect guest outfile 0 "kjump: back from '/payloads/crc32.bin': the system came back after [0-9.]+ s"
fox=$(vm_log guest | sed -n 's/^call-args: fox //p')
[ "$fox" = "payload=b74574de process=b74574de" ] ||
	vm_fail "--out: got '$fox', want the payload's sum equal to the process's"

vm_cpus_back guest call-args

vm_pass
