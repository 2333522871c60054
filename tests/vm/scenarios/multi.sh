#!/bin/bash
# multi: three kernels take turns on one machine. A loads two more into
# slots 1 and 2 of its region (kjump load --slot) and visits them in
# varying order, 10 times (kjump switch N); each goes on where it stopped,
# and goes back to A with kjump switch (no slot: back).
# K1 runs from an initramfs; K2 is a system of its own, without one: its
# root file system is ext4 on its own disk (vdb), which it writes at each
# visit. A writes its own ext4 disk (vda); neither mounts the other's.
#
# Evidence from the guest's serial log:
#   - each slot's kernel starts its init once, and its counter goes on
#     1, 2, 3... across its visits, never restarting;
#   - each slot's kernel holds a 64 MiB buffer whose checksum it prints at
#     every visit, the same each time; A's 64 MiB buffer likewise;
#   - K2's root is /dev/vdb, and the file it appends to there has one
#     line per visit; A's file on vda likewise, and e2fsck -fn on the host
#     finds A's disk clean after A unmounts it;
#   - A's counter goes on after every visit; kjump status lists both
#     slots as run, with where each stopped; both CPUs online in A at the
#     end.
#
# Every switch unloads the load in place and resumes the slot's kernel
# through its re-entry point (design section 12): with the jump back that
# keeps a slot kernel's pages taken out, the third round triple-faults.
. "$(dirname "$0")/../lib.sh"
vm_setup multi
order="1 2 1 1 2 2 1 2 1 2"

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'K'
name=$(sed -n 's/.*multi\.name=\([A-Z0-9]*\).*/\1/p' /proc/cmdline)
start_membuf 64
start_counter "$name" 4 5
echo "multi: $name started"
while true; do
	tick "$name" 4 5
	check "$name"
	[ -x /visit-hook ] && /visit-hook
	kjump switch >/tmp/back.out 2>&1 || { echo "multi: $name: kjump switch (back) failed:"; cat /tmp/back.out; break; }
done
K
} >"$work/k-workload"

# K2's root file system: busybox, kjump, membuf, and an init that mounts
# what kjump needs and runs the same workload, writing its own disk.
stage=$work/k2root
mkdir -p "$stage"/bin "$stage"/sbin "$stage"/proc "$stage"/sys "$stage"/dev "$stage"/run "$stage"/tmp
cp /bin/busybox "$KJ_BUILD/kjump" "$KJ_BUILD/workload/membuf" "$stage/bin/"
cat >"$stage/sbin/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
grep -q " /dev " /proc/mounts || mount -t devtmpfs dev /dev
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
dev=$(readlink /sys/dev/block/$(awk '$5 == "/" { print $3 }' /proc/self/mountinfo))
echo "multi: K2 root ${dev##*/} $(awk '$2 == "/" { print $3 }' /proc/mounts)"
exec /bin/sh /k-workload
INIT
chmod +x "$stage/sbin/init"
cp "$work/k-workload" "$stage/k-workload"
cat >"$stage/visit-hook" <<'HOOK'
#!/bin/sh
echo visit >>/k2-visits
sync
echo "multi: K2 visits on its disk: $(grep -c . /k2-visits)"
HOOK
chmod +x "$stage/visit-hook"
vm_prep truncate -s 96M "$work/k2root.raw"
vm_prep mkfs.ext4 -q -F -b 4096 -d "$stage" "$work/k2root.raw"
vm_prep truncate -s 32M "$work/a.raw"
vm_prep mkfs.ext4 -q -F -b 4096 "$work/a.raw"

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<A
start_membuf 64
start_counter A 6 7
check before
tick A 6 7
mount -t ext4 /dev/vda /mnt || exit 1
kjump load --slot 1 --append "console=ttyS0 quiet no_console_suspend multi.name=K1" >/tmp/load.out 2>&1 ||
	{ echo "multi: load of slot 1 failed:"; cat /tmp/load.out; exit 1; }
kjump load --slot 2 --initrd none \\
	--append "console=ttyS0 quiet no_console_suspend multi.name=K2 root=/dev/vdb rw init=/sbin/init" >/tmp/load.out 2>&1 ||
	{ echo "multi: load of slot 2 failed:"; cat /tmp/load.out; exit 1; }
i=1
for s in $order; do
	kjump switch \$s >/tmp/switch.out 2>&1 || { echo "multi: switch \$i to \$s failed:"; cat /tmp/switch.out; break; }
	grep -q "^kjump: back from B" /tmp/switch.out && echo "multi: A is back from slot \$s (round \$i)"
	tick A 6 7
	check after-\$i
	echo "round \$i" >>/mnt/a-rounds; sync
	i=\$((i + 1))
done
try overwrite kjump load
try reload1 kjump load --slot 1
echo "multi: A's rounds on its disk: \$(grep -c . /mnt/a-rounds)"
umount /mnt
kjump status 2>/dev/null | sed -n 's/^slot /multi: status: slot /p'
echo "multi: cpus online \$(grep -c ^processor /proc/cpuinfo) (\$(cat /sys/devices/system/cpu/online))"
A
} >"$work/a-workload"

vm_initramfs "$work/k.cpio.gz" --workload "$work/k-workload" \
	--file "$KJ_BUILD/workload/membuf:/bin/membuf"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/k.cpio.gz"
# quiet everywhere: a kernel message printed in the middle of a workload's
# line was seen to cut a counter line in two
vm_boot guest "$work/a.cpio.gz" "crashkernel=512M quiet" 900 2G 2 \
	-drive "file=$work/a.raw,format=raw,if=virtio" \
	-drive "file=$work/k2root.raw,format=raw,if=virtio"
[ $? -eq 124 ] && vm_fail "the guest did not finish within 900 s"
vm_count guest "^kjump-init: powering off" >/dev/null ||
	vm_fail "the guest did not reach the end of its workload"
err=$(vm_log guest | grep -A3 "^multi: .*failed" | head -4 | tr '\n' ' ')
[ -z "$err" ] || vm_fail "$err"

rounds=$(echo $order | wc -w)
[ "$(vm_count guest '^multi: A is back from slot [12] \(round [0-9]+\)$')" -eq "$rounds" ] ||
	vm_fail "A came back $(vm_count guest '^multi: A is back from slot') times, want $rounds"
for s in 1 2; do
	visits=$(echo $order | tr ' ' '\n' | grep -c "^$s$")
	values=$(vm_log guest | sed -n "s/^K$s-counter: //p" | tr '\n' ' ')
	[ "$values" = "$(seq -s ' ' 1 "$visits") " ] ||
		vm_fail "K$s's counter printed '$values', want 1 to $visits, one per visit"
	[ "$(vm_count guest "^multi: K$s started$")" -eq 1 ] ||
		vm_fail "K$s's init started $(vm_count guest "^multi: K$s started$") times, want once"
	sums=$(vm_log guest | sed -n "s/^membuf: K$s checksum=\([0-9a-f]*\)$/\1/p")
	[ "$(echo "$sums" | grep -c .)" -eq "$visits" ] && [ "$(echo "$sums" | sort -u | grep -c .)" -eq 1 ] ||
		vm_fail "K$s's 64 MiB buffer: $(echo "$sums" | grep -c .) checksums, $(echo "$sums" | sort -u | grep -c .) distinct; want $visits, 1"
done
# every kernel's init starts once: A's and K1's (kjump's initramfs) and K2's
[ "$(vm_count guest '^kjump-init: up, ')" -eq 2 ] && [ "$(vm_count guest '^multi: K2 root ')" -eq 1 ] ||
	vm_fail "inits started: $(vm_count guest '^kjump-init: up, ') of kjump's initramfs (want A's and K1's), $(vm_count guest '^multi: K2 root ') of K2's (want 1)"
values=$(vm_log guest | sed -n 's/^A-counter: //p' | tr '\n' ' ')
[ "$values" = "$(seq -s ' ' 1 $((rounds + 1))) " ] ||
	vm_fail "A's counter printed '$values', want 1 to $((rounds + 1))"
# kjump status lists both slots, each run, each with where it stopped
for s in 1 2; do
	vm_count guest "^multi: status: slot $s +/boot/vmlinuz \(256 MiB\), has run, stopped at 0x[0-9a-f]+" >/dev/null ||
		vm_fail "kjump status does not show slot $s as run and stopped: $(vm_field guest "multi: status: slot $s ")"
done
visits2=$(echo $order | tr ' ' '\n' | grep -c "^2$")
[ "$(vm_field guest "multi: K2 root ")" = "vdb ext4" ] ||
	vm_fail "K2's root is '$(vm_field guest "multi: K2 root ")', want vdb ext4"
[ "$(vm_log guest | sed -n 's/^multi: K2 visits on its disk: //p' | tr '\n' ' ')" = "$(seq -s ' ' 1 "$visits2") " ] ||
	vm_fail "K2's file on its disk: '$(vm_log guest | sed -n 's/^multi: K2 visits on its disk: //p' | tr '\n' ' ')', want 1 to $visits2"
[ "$(vm_field guest "multi: A's rounds on its disk: ")" = "$rounds" ] ||
	vm_fail "A's file on its disk has '$(vm_field guest "multi: A's rounds on its disk: ")' rounds, want $rounds"
e2fsck -fn "$work/a.raw" >"$work/e2fsck.out" 2>&1 ||
	vm_fail "e2fsck -fn on A's disk: $(tail -3 "$work/e2fsck.out" | tr '\n' ' ')"
vm_membuf_holds guest $((rounds + 1)) '\(before\|after-[0-9]*\)'
line=$(vm_log guest | grep -m1 "^try: case overwrite ")
[ "$line" = "try: case overwrite rc=1 loaded=1" ] ||
	vm_fail "a load outside the slots: '$line', want rc=1 and slot 2 still loaded"
vm_log guest | grep -q "^try: overwrite: kjump: error: the kernel in slot 1 has run and waits in the region; a load outside the slots would overwrite it$" ||
	vm_fail "a load outside the slots was not refused with the reason"
[ "$(vm_log guest | grep -m1 "^try: case reload1 ")" = "try: case reload1 rc=1 loaded=1" ] &&
	vm_log guest | grep -q "^try: reload1: kjump: error: the kernel in slot 1 has run and waits in the region; a new load into its slot would overwrite it$" ||
	vm_fail "a new load into slot 1 while its kernel waits was not refused with the reason"
vm_cpus_back guest multi
vm_pass "$rounds rounds over slots $order"
