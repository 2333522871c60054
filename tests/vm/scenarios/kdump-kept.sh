#!/bin/bash
# kdump-kept: a crash kernel that someone loaded into the crashkernel
# region (kdump's, with kexec-tools' `kexec -p`) is never overwritten by
# B, which runs in that region: kjump refuses to load or start B while
# one is loaded, and says what to do. Before that refusal, a snapshot
# left the crash kernel loaded but broken (the panic after it hung).
#
# Two boots of A, each ending in a panic (A's init exits):
#   1. the crash kernel loaded, then a snapshot, a hibernation and a load
#      are refused, and `kjump status` says why; the panic boots the
#      crash kernel;
#   2. the crash kernel loaded and unloaded again, then a snapshot is
#      taken. Then B started resident, a crash kernel loaded and unloaded
#      (it went into the region, over B's memory): the next snapshot
#      does not jump into that B but starts a new one. A B loaded, a
#      crash kernel loaded and unloaded: 'kjump jump' is refused. The
#      crash kernel loaded anew, the panic boots it.
#
# Evidence, from the guests' logs: A's own lines (the crash kernel loaded
# or not, kjump's errors, the snapshot saved) and the crash kernel's init
# reporting the size of the /proc/vmcore it was given; on the host, the
# refused targets hold nothing (all zeros).
. "$(dirname "$0")/../lib.sh"
vm_setup kdump-kept
image=$work/image.raw snap=$work/snap.raw
vm_prep truncate -s 1200M "$image"
vm_prep truncate -s 1200M "$snap"
cmdline="crashkernel=160M@0x30000000 nokaslr"
disks=(-drive "file=$snap,format=raw,if=virtio,cache=unsafe"
       -drive "file=$image,format=raw,if=virtio,cache=unsafe")
[ -x /usr/sbin/kexec ] || vm_fail "no /usr/sbin/kexec (Debian's kexec-tools; scripts/deps vm installs it)"

# The crash kernel's initramfs: kjump's init and a workload that reports.
cat >"$work/crash-workload" <<'C'
#!/bin/sh
set -- $(ls -l /proc/vmcore)
echo "kdump-test: crash kernel up, vmcore of $5 bytes"
C
vm_initramfs "$work/crash.cpio.gz" --workload "$work/crash-workload"

cat >"$work/a-workload" <<'A'
#!/bin/sh
crash_load() {
	kexec -p /boot/vmlinuz --initrd=/crash.cpio.gz \
		--append="console=ttyS0 nr_cpus=1 reset_devices panic=-1 kdump_test.crash" ||
		echo "try: prep failed: kexec -p"
}
crash_loaded() { echo "kdump-test: A: crash kernel loaded: $(cat /sys/kernel/kexec_crash_loaded) $1"; }
said() { sed "s/^/kdump-test: A: $1: /"; }
crash_load
crash_loaded "at first"
if grep -q kdump_test.phase=2 /proc/cmdline; then
	kexec -p -u
	crash_loaded "after kexec -p -u"
	kjump snapshot --image /dev/vda 2>&1 | said snapshot
	kjump resident --image /dev/vda 2>&1 | said resident
	crash_load && kexec -p -u
	kjump snapshot --image /dev/vda 2>&1 | said "after resident"
	kjump load 2>&1 | said "second load"
	crash_load && kexec -p -u
	kjump jump 2>&1 | said jump
	kjump unload 2>&1 | said unload
	crash_load
	crash_loaded "again"
else
	kjump snapshot --image /dev/vda 2>&1 | said snapshot
	kjump hibernate --image /dev/vdb 2>&1 | said hibernate
	kjump load 2>&1 | said load
	kjump status 2>&1 | grep -E '^(kdump|hibernate|to do):' | said status
	crash_loaded "after them"
fi
echo "kdump-test: A: init exits"
A
# A's init exits after the workload instead of powering off: a panic.
sed 's/^poweroff -f$/exit 1/' "$KJ_TOP/initramfs/init" >"$work/a-init"
grep -q '^exit 1$' "$work/a-init" || vm_fail "initramfs/init has no 'poweroff -f' line to replace"

vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz" \
	--init "$work/a-init" --binary /usr/sbin/kexec \
	--file "$work/crash.cpio.gz:/crash.cpio.gz"

# crashed GUEST: the crash kernel booted after A's panic in GUEST.
crashed() {
	vm_count "$1" "^kdump-test: A: init exits$" >/dev/null || vm_fail "$1: A did not finish"
	vmcore=$(vm_field "$1" 'kdump-test: crash kernel up, vmcore of ')
	[ -n "$vmcore" ] || vm_fail "$1: the crash kernel did not boot after A's panic"
}

refusal="a crash kernel \\(kdump's\\?\\) is loaded into the crashkernel region, where B runs: B would overwrite it"
vm_boot first "$work/a.cpio.gz" "$cmdline" 600 1G 2 "${disks[@]}"
[ $? -eq 124 ] && vm_fail "the first boot did not end within 600 s"
vm_count first "^kdump-test: A: crash kernel loaded: 1 at first$" >/dev/null ||
	vm_fail "kexec -p did not load a crash kernel: $(vm_field first 'kdump-test: A: crash kernel loaded: ')"
for what in snapshot hibernate load; do
	vm_count first "^kdump-test: A: $what: kjump: error: $refusal$" >/dev/null ||
		vm_fail "kjump $what was not refused: $(vm_field first "kdump-test: A: $what: kjump: ")"
done
# (A is not set up: status's first reason and its "to do" are the setup)
vm_count first "^kdump-test: A: status: kdump: +a crash kernel is loaded into the region, where B runs" >/dev/null ||
	vm_fail "kjump status did not say why: $(vm_field first 'kdump-test: A: status: kdump: *')"
vm_count first "^kdump-test: A: crash kernel loaded: 1 after them$" >/dev/null ||
	vm_fail "the crash kernel was unloaded"
crashed first
for f in "$snap" "$image"; do
	cmp -s -n 1048576 "$f" /dev/zero || vm_fail "a refused command wrote to $(basename "$f")"
done
first_vmcore=${vmcore%% *}

vm_boot second "$work/a.cpio.gz" "$cmdline kdump_test.phase=2" 600 1G 2 "${disks[@]}"
[ $? -eq 124 ] && vm_fail "the second boot did not end within 600 s"
vm_count second "^kdump-test: A: crash kernel loaded: 0 after kexec -p -u$" >/dev/null ||
	vm_fail "kexec -p -u did not unload the crash kernel"
vm_count second "^kdump-test: A: snapshot: kjump: snapshot saved in '/dev/vda'" >/dev/null ||
	vm_fail "no snapshot once the crash kernel was unloaded: $(vm_field second 'kdump-test: A: snapshot: kjump: error: ')"
vm_count second "^kdump-test: A: resident: kjump: B is resident" >/dev/null ||
	vm_fail "kjump resident did not start B: $(vm_field second 'kdump-test: A: resident: ')"
vm_count second "^kdump-test: A: after resident: kjump: warning: a crash kernel was loaded or unloaded since B became resident: .*starting a new B" >/dev/null ||
	vm_fail "the resident B was not given up after a crash load: $(vm_field second 'kdump-test: A: after resident: ')"
vm_count second "^kdump-test: A: after resident: kjump: taking a snapshot into '/dev/vda'$" >/dev/null &&
	vm_count second "^kdump-test: A: after resident: kjump: snapshot saved in '/dev/vda'" >/dev/null ||
	vm_fail "no snapshot through a new B: $(vm_log second | grep '^kdump-test: A: after resident: ' | tail -2 | paste -sd';')"
vm_count second "^kdump-test: A: jump: kjump: error: a crash kernel was loaded or unloaded since '.*' was loaded" >/dev/null ||
	vm_fail "kjump jump was not refused after a crash load: $(vm_field second 'kdump-test: A: jump: ')"
vm_count second "^kdump-test: A: crash kernel loaded: 1 again$" >/dev/null ||
	vm_fail "kexec -p did not load the crash kernel again"
crashed second
rm -f "$image" "$snap"
vm_pass "3 commands refused with a crash kernel loaded, which then booted (/proc/vmcore $first_vmcore bytes); a snapshot once it was unloaded; after a crash load and unload, a new B instead of the resident one, and a jump refused; the crash kernel loaded anew booted"
