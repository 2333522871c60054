#!/bin/bash
# save-budget: B lives in the reserved region, and a thread of its save
# takes about 16 MiB: with 8 CPUs a 160 MiB region does not hold one a
# CPU. A says so when it loads B, B saves with the threads that fit, and
# the snapshot is good.
# Evidence: A's and B's lines (the thread count below the CPU count), the
# snapshot's report, and the host's 'kjump verify' of the image.
. "$(dirname "$0")/../lib.sh"
vm_setup save-budget
{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'A'
kjump load --dry-run 2>&1 | grep '^to save:' | sed 's/^/budget-test: /'
kjump snapshot --image /dev/vda 2>&1 | sed 's/^/budget-test: A: /'
echo "try: done"
A
} >"$work/a-workload"
vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz"
vm_prep truncate -s 600M "$work/image.raw"
vm_boot guest "$work/a.cpio.gz" "crashkernel=160M" 600 512M 8 \
	-drive "file=$work/image.raw,format=raw,if=virtio,cache=unsafe"
[ $? -eq 124 ] && vm_fail "the guest did not finish within 600 s"
vm_count guest "^try: done$" >/dev/null || vm_fail "the guest did not finish its workload"
vm_count guest "^budget-test: A: kjump: the reserved region \\(160 MiB\\) lets B save with fewer threads than the 8 CPUs; crashkernel=[0-9]+M would give it all$" >/dev/null ||
	vm_fail "A did not say the region is short of threads: $(vm_field guest 'budget-test: A: kjump: ')"
threads=$(vm_log guest | sed -n 's/^kjump: the save uses \([0-9]*\) threads of 8 CPUs: .*/\1/p' | head -1)
[ -n "$threads" ] && [ "$threads" -ge 1 ] && [ "$threads" -lt 8 ] ||
	vm_fail "B did not lower its threads: $(vm_log guest | grep -m1 'threads')"
vm_count guest "^budget-test: A: kjump: snapshot saved in '/dev/vda' in " >/dev/null ||
	vm_fail "no snapshot: $(vm_field guest 'budget-test: A: kjump: error: ')"
"$KJ_BUILD/kjump" verify "$work/image.raw" >"$work/verify.out" 2>&1 || vm_fail "verify: $(cat "$work/verify.out")"
rm -f "$work"/*.raw
vm_pass "B saved with $threads threads of 8 CPUs; $(vm_field guest 'budget-test: to save: ')"
