#!/bin/bash
# vmcore: B reads A's memory through /proc/vmcore.
#
# A holds a page of random bytes, finds its physical address through
# /proc/self/pagemap and hashes it; it passes both to B on B's command
# line. Evidence from the guest: B reads that physical address through
# /proc/vmcore (program headers map it to a file offset) and gets the same
# hash; no PT_LOAD B sees covers the region; B's PT_LOADs put the direct
# map where A's /proc/kcore has it (memory randomization moves it); B finds
# the VMCOREINFO note, with OSRELEASE equal to A's uname -r; A comes back
# afterwards.
. "$(dirname "$0")/../lib.sh"
vm_setup vmcore

cat >"$work/b-workload" <<'B'
#!/bin/sh
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^kjump_test.$1=//p"; }
addr=$(arg addr)
got=$(kjump vmcore --read "$addr" --length 4096 | sha256sum | cut -d' ' -f1)
echo "vmcore-test: B: page at $addr sha256 $got"
kjump vmcore | sed 's/^/vmcore-test: B: /'
kjump back >/dev/null 2>&1
B

cat >"$work/a-workload" <<'A'
#!/bin/sh
marker /tmp/marker.bin >/tmp/marker.out &
while [ ! -s /tmp/marker.out ]; do sleep 0.1; done
addr=$(sed -n 's/^marker: paddr=//p' /tmp/marker.out)
sha=$(sha256sum /tmp/marker.bin | cut -d' ' -f1)
echo "vmcore-test: A: page at $addr sha256 $sha"
echo "vmcore-test: A: release $(uname -r)"
# the direct map's base, by the kernel's own /proc/kcore: the program
# header of the RAM from 1 MiB (its p_vaddr, p_paddr)
phnum=$((0x$(od -A n -t x2 -j 56 -N 2 /proc/kcore | tr -d ' ')))
for i in $(seq 0 $((phnum - 1))); do
	echo "vmcore-test: A: kcore$(od -A n -t x8 -j $((64 + 56 * i + 16)) -N 16 /proc/kcore)"
done
echo "vmcore-test: A: region $(sed -n 's/^ *\([0-9a-f]*-[0-9a-f]*\) : Crash kernel$/\1/p' /proc/iomem)"
kjump load --append "console=ttyS0 no_console_suspend kjump_test.addr=$addr" >/tmp/load.out 2>&1 ||
	{ echo "vmcore-test: load failed:"; cat /tmp/load.out; exit 1; }
kjump jump >/tmp/jump.out 2>&1 && echo "vmcore-test: A: back"
A

vm_b_initramfs "$work/b.cpio.gz" "$work/b-workload"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz" \
	--file "$KJ_BUILD/workload/marker:/bin/marker"
vm_boot guest "$work/a.cpio.gz" "crashkernel=128M" 300
[ $? -eq 124 ] && vm_fail "the guest did not finish within 300 s"
grep -A3 "^vmcore-test: load failed" <(vm_log guest) | tr '\n' ' ' | grep . && vm_fail "kjump load failed"

a_page=$(vm_field guest "vmcore-test: A: page at ")
b_page=$(vm_field guest "vmcore-test: B: page at ")
[ -n "$a_page" ] || vm_fail "A did not report its marker page"
[ -n "$b_page" ] || vm_fail "B did not read the marker page"
[ "$a_page" = "$b_page" ] || vm_fail "B read '$b_page', A has '$a_page'"

region=$(vm_field guest "vmcore-test: A: region ")
rs=$((16#${region%-*})) re=$((16#${region#*-}))
loads=$(vm_log guest | sed -n 's/^vmcore-test: B: load 0x\([0-9a-f]*\)-0x\([0-9a-f]*\)$/\1 \2/p')
[ -n "$loads" ] || vm_fail "B saw no PT_LOAD in /proc/vmcore"
while read -r s e; do
	if [ $((16#$s)) -le $re ] && [ $((16#$e)) -ge $rs ]; then
		vm_fail "PT_LOAD 0x$s-0x$e covers the region $region"
	fi
done <<<"$loads"

release=$(vm_field guest "vmcore-test: A: release ")
info=$(vm_field guest "vmcore-test: B: vmcoreinfo: ")
[ -n "$info" ] && [ "$info" != none ] || vm_fail "B found no VMCOREINFO note"
[ "${info##*OSRELEASE=}" = "$release" ] ||
	vm_fail "VMCOREINFO says '$info', A's release is '$release'"
kcore=$(vm_log guest | sed -n 's/^vmcore-test: A: kcore \([0-9a-f]*\) 0000000000100000$/\1/p')
[ -n "$kcore" ] || vm_fail "A's /proc/kcore has no segment for the RAM at 1 MiB"
want=$(printf '0x%x' $((16#$kcore - 0x100000)))
got=$(vm_field guest "vmcore-test: B: direct map: ")
[ "$got" = "$want" ] || vm_fail "B's /proc/vmcore puts the direct map at '$got', A's kcore at $want"
vm_count guest "^vmcore-test: A: back$" >/dev/null || vm_fail "A did not come back"
vm_pass "page ${a_page%% *}, $(echo "$loads" | wc -l) PT_LOADs, direct map at $got, OSRELEASE=$release"
