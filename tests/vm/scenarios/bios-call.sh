#!/bin/bash
# bios-call: kjump bios e820 calls the BIOS's INT 15h, AX=E820h in real
# mode from the running Linux, ten times in a row, and the system goes on.
# Under OVMF (KJ_FIRMWARE=ovmf) there is no legacy BIOS: it must refuse.
#
# Evidence, all from the guest's serial log:
#   - each call's map, as kjump printed what the BIOS returned, equal
#     entry by entry (start, end, type) to /sys/firmware/memmap as the
#     guest's shell reads it, with RAM and reserved entries among them;
#   - 11 checksums of a 64 MiB buffer, before the first call and after
#     each, all identical; the MD5 of a disk's first 8 MiB, read after
#     each call, equal to the host's; the CPUs online at the end;
#   - the refusals: `kjump bios` with nothing to call, an unknown call.
. "$(dirname "$0")/../lib.sh"
vm_setup bios-call
calls=10

{
	vm_workload_head "calls=$calls"
	cat <<'WORKLOAD'
for d in $(ls /sys/firmware/memmap | sort -n); do
	echo "bios-call: memmap $(cat /sys/firmware/memmap/$d/start) $(cat /sys/firmware/memmap/$d/end) $(cat /sys/firmware/memmap/$d/type)"
done
start_membuf 64
check before
i=1
while [ $i -le $calls ]; do
	kjump bios e820 >/tmp/map 2>/tmp/err
	echo "bios-call: call $i rc=$?"
	sed "s/^/bios-call: map $i: /" /tmp/map
	sed "s/^/bios-call: stderr $i: /" /tmp/err
	check after-$i
	echo "bios-call: disk $i $(head -c 8388608 /dev/vda | md5sum | cut -d' ' -f1)"
	i=$((i + 1))
done
try nothing kjump bios
try unknown kjump bios int13
echo "bios-call: cpus online $(grep -c ^processor /proc/cpuinfo) ($(cat /sys/devices/system/cpu/online))"
echo "try: done"
WORKLOAD
} >"$work/workload"

if [ "${KJ_FIRMWARE:-seabios}" = ovmf ]; then
	cat >"$work/workload" <<'WORKLOAD'
#!/bin/sh
WORKLOAD
	vm_workload_lib >>"$work/workload"
	cat >>"$work/workload" <<'WORKLOAD'
echo "bios-call: efi $(ls -d /sys/firmware/efi 2>&1)"
try uefi kjump bios e820
echo "try: done"
WORKLOAD
fi

vm_initramfs "$work/initrd.cpio.gz" --workload "$work/workload" \
	--file "$KJ_BUILD/workload/membuf:/bin/membuf"

if [ "${KJ_FIRMWARE:-seabios}" = ovmf ]; then
	vm_boot_workload guest "$work/initrd.cpio.gz" "crashkernel=64M quiet"
	vm_count guest "^bios-call: efi /sys/firmware/efi$" >/dev/null ||
		vm_fail "the guest did not boot through UEFI"
	vm_expect guest uefi 1 "kjump: error: this system booted through UEFI: there is no legacy BIOS to call"
	vm_pass
fi

vm_prep dd if=/dev/urandom of="$work/disk.img" bs=1M count=8
want_md5=$(md5sum <"$work/disk.img" | cut -d' ' -f1)
vm_boot guest "$work/initrd.cpio.gz" "crashkernel=64M quiet" 600 1G 2 \
	-drive "file=$work/disk.img,format=raw,if=virtio"
status=$?
[ $status -eq 124 ] && vm_fail "the guest did not finish within 600 s"
vm_count guest "^try: done$" >/dev/null ||
	vm_fail "the guest did not reach the end of its workload (qemu status $status)"

# /sys/firmware/memmap as the guest read it, in kjump's left column's shape
memmap=$(vm_log guest | sed -n 's/^bios-call: memmap //p' |
	while read -r start end type; do
		printf '0x%016x-0x%016x %s\n' "$start" "$end" "$type"
	done)
[ -n "$memmap" ] || vm_fail "the guest printed no /sys/firmware/memmap"
echo "$memmap" | grep -q " System RAM$" && echo "$memmap" | grep -q " Reserved$" ||
	vm_fail "/sys/firmware/memmap has no RAM or no reserved entry: $memmap"

for i in $(seq $calls); do
	[ "$(vm_field guest "bios-call: call $i ")" = rc=0 ] ||
		vm_fail "call $i: $(vm_field guest "bios-call: call $i ") $(vm_field guest "bios-call: stderr $i: ")"
	# the BIOS's column: each entry line up to its first " | "
	bios=$(vm_log guest | sed -n "s/^bios-call: map $i: \(0x[^|]*\) | .*/\1/p" |
		sed 's/ *$//')
	[ "$bios" = "$memmap" ] ||
		vm_fail "call $i: the BIOS returned $(echo "$bios" | grep -c .) entries unlike /sys/firmware/memmap's $(echo "$memmap" | grep -c .): $(diff <(echo "$memmap") <(echo "$bios") | grep '^[<>]' | head -2 | tr '\n' ' ')"
	[ "$(vm_field guest "bios-call: disk $i ")" = "$want_md5" ] ||
		vm_fail "after call $i the disk read $(vm_field guest "bios-call: disk $i "), want $want_md5"
done

vm_membuf_holds guest $((calls + 1))

vm_expect guest nothing 2 "kjump: error: no BIOS call given"
vm_expect guest unknown 2 "kjump: error: unknown BIOS call 'int13'"
vm_cpus_back guest bios-call

vm_pass "$(echo "$memmap" | grep -c .) entries, the same in all $calls calls"
