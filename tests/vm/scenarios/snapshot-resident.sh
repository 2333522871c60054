#!/bin/bash
# snapshot-resident: snapshots through a resident B. A starts B once with
# 'kjump resident --image /dev/vda' while a counter runs, takes a snapshot
# into /dev/vda, copies it to /dev/vdb, takes another into /dev/vda, and
# 'kjump unload' ends B.
#
# Evidence: 'kjump status' says B waits; B's init came up once ("kjump-init: up" twice in the log: A's
# and B's) and B took two tasks from the target's stamp; each snapshot
# says B is resident and is saved; on the host both images verify, and the
# counter read out of the second is above the one in the first; the
# counter goes on after the unload: A never stopped.
. "$(dirname "$0")/../lib.sh"
vm_setup snapshot-resident
drives=()
for d in a b; do
	vm_prep truncate -s 1200M "$work/snap-$d.raw"
	drives+=(-drive "file=$work/snap-$d.raw,format=raw,if=virtio,cache=unsafe")
done

cat >"$work/a-workload" <<'A'
#!/bin/sh
ticker >/dev/ttyS0 &
sleep 1
kjump resident --image /dev/vda 2>&1 | sed 's/^/resident-test: /'
kjump status 2>&1 | grep '^resident:' | sed 's/^/resident-test: status: /'
kjump snapshot --image /dev/vda 2>&1 | sed 's/^/resident-test: /'
dd if=/dev/vda of=/dev/vdb bs=4M 2>/dev/null && sync
kjump snapshot --image /dev/vda 2>&1 | sed 's/^/resident-test: /'
kjump unload 2>&1 | sed 's/^/resident-test: /'
sleep 3
echo "resident-test: done"
A

vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz" \
	--file "$KJ_BUILD/workload/ticker:/bin/ticker"
vm_boot guest "$work/a.cpio.gz" "crashkernel=160M" 900 1G 2 "${drives[@]}"
[ $? -eq 124 ] && vm_fail "the guest did not finish within 900 s"
vm_count guest "^resident-test: done$" >/dev/null || vm_fail "A did not finish its workload"
vm_count guest "^resident-test: kjump: B is resident: it booted and came back in " >/dev/null ||
	vm_fail "B did not become resident: $(vm_log guest | grep 'kjump.*error' | head -3)"
vm_count guest "^resident-test: status: resident: +B waits" >/dev/null ||
	vm_fail "kjump status does not say B is resident"
n=$(vm_count guest "^resident-test: kjump: taking a snapshot into '/dev/vda' \\(B is resident\\)$")
[ "$n" = 2 ] || vm_fail "$n snapshots went to the resident B, want 2"
n=$(vm_count guest "^resident-test: kjump: snapshot saved in '/dev/vda' ")
[ "$n" = 2 ] || vm_fail "$n snapshots saved, want 2: $(vm_log guest | grep 'kjump.*error' | head -3)"
ups=$(vm_count guest "^kjump-init: up")
[ "$ups" = 2 ] || vm_fail "init came up $ups times, want 2 (A, then B once)"
tasks=$(vm_count guest "^kjump: resident: task: kjump.action=snapshot")
[ "$tasks" = 2 ] || vm_fail "B took $tasks tasks, want 2"

paddr=$(vm_field guest 'ticker: paddr=')
[ -n "$paddr" ] || vm_fail "the counter did not report its page"
last=0 values=
# snap-b holds the first snapshot (copied), snap-a the second
for d in b a; do
	v=$(vm_counter "$work/snap-$d.raw" "$paddr") || { echo "$v"; exit 1; }
	[ -n "$v" ] && [ "$v" -gt "$last" ] ||
		vm_fail "the counter in the snapshot in $d is '$v', not above $last"
	last=$v values="$values $v"
done
after=$(vm_log guest | sed -n 's/^ticker: \([0-9]*\)$/\1/p' | tail -1)
[ "${after:-0}" -gt "$last" ] ||
	vm_fail "the counter stopped: last printed ${after:-none}, in the last snapshot $last"
took=$(vm_log guest | sed -n "s/^resident-test: kjump: snapshot saved in '.dev.vda' in \([0-9.]*\) s.*/\1 s/p" |
	paste -sd, | sed 's/,/ and /')
vm_pass "B booted once for two snapshots ($took, A's view); counter in them:$values; printed after: $after"
