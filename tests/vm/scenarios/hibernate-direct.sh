#!/bin/bash
# hibernate-direct: the resume in one boot. A prints what 'kjump resume
# --boot-args' gives (what a boot loader's one-shot entry would hold) and
# hibernates; the next qemu process boots that kernel with kjump's own
# initramfs and those arguments, straight into R, with no C before it.
#
# Evidence, from the guests' logs:
#   - an image with a flipped byte in a page block: R, checking every block
#     as it writes it, stops at that one, does not jump, and reboots;
#   - R refuses, before its first write (no "restore: checked", no
#     "restored" line), and reboots: the good image with one memmap= range
#     moved (not the image's RAM); on a machine with 900 MiB (that RAM is
#     not all there); with nokaslr added (R's kernel at 16 MiB, in that RAM);
#   - A's CPUs (qemu's default) lack the TSC deadline timer, so R's
#     arguments hold nolapic_timer;
#   - with the arguments as given, R checks everything itself ("restore:
#     checked"), and A goes on: its 300 MiB checksum is the one from before;
#   - the same boot again refuses the image: it was resumed once already.
# Under OVMF (KJ_FIRMWARE=ovmf) the one-shot entry starts C instead of R:
# see hibernate-direct.uefi.
. "$(dirname "$0")/../lib.sh"
vm_setup hibernate-direct
cmdline="crashkernel=160M@0x30000000 nokaslr"

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'A'
start_membuf 300
check before
echo "direct-test: boot-args: $(kjump resume --image /dev/vda --boot-args)"
echo "direct-test: tsc-deadline: $(grep -c -w tsc_deadline_timer /proc/cpuinfo)"
kjump hibernate --image /dev/vda 2>&1 | sed 's/^/direct-test: A: /'
check after
A
} >"$work/a-workload"
vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz"

vm_prep truncate -s 1200M "$work/image.raw"
vm_boot hibernate "$work/a.cpio.gz" "$cmdline" 600 1G 2 \
	-drive "file=$work/image.raw,format=raw,if=virtio,cache=unsafe"
vm_count hibernate "^kjump: hibernated, powering off$" >/dev/null ||
	vm_fail "A did not hibernate: $(vm_field hibernate 'direct-test: A: kjump: error: ')"
args=$(vm_field hibernate 'direct-test: boot-args: ')
before=$(vm_field hibernate 'membuf: before checksum=')
# Under UEFI the EFI stub places the kernel, whatever memmap= says: the
# entry starts kjump's initramfs as C, which loads R into the region.
[ "${KJ_FIRMWARE:-seabios}" = ovmf ] && . "$(dirname "$0")/hibernate-direct.uefi"
case $args in
*memmap=*!*kjump.action=restore*kjump.image=/dev/vda*) ;;
*) vm_fail "no one-boot arguments from A: '$args'" ;;
esac
case $args in *nokaslr*|*crashkernel=*) vm_fail "R's arguments keep A's own: '$args'" ;; esac
# qemu's default CPU under TCG has no TSC deadline timer: R ticks without
# APIC timers (lib/machine/lapic.c), and every boot of R below runs so.
case $(vm_field hibernate 'direct-test: tsc-deadline: '),$args in
0,*" nolapic_timer "*) ;;
0,*) vm_fail "no TSC deadline timer in A's CPUs, yet R keeps its APIC timers: '$args'" ;;
*,*nolapic_timer*) vm_fail "R goes without APIC timers on CPUs with the TSC deadline timer" ;;
esac

vm_prep cp --sparse=always "$work/image.raw" "$work/flipped.raw"
vm_prep "$KJ_BUILD/tests/imgcorrupt" "$work/flipped.raw" block-checksum
# the first memmap= range one MiB further up: no longer the image's RAM
first=$(grep -o 'memmap=0x[0-9a-f]*!0x[0-9a-f]*' <<<"$args" | head -1)
size=${first#memmap=} size=${size%%!*} start=${first##*!}
moved=${args/$first/memmap=$(printf '0x%x!0x%x' $((size - 0x100000)) $((start + 0x100000)))}

# direct NAME DISK ARGS [MEM]: boots R straight from "the boot loader".
direct() {
	vm_boot "$1" "$work/b.cpio.gz" "$3" 300 "${4:-1G}" 2 \
		-drive "file=$work/$2,format=raw,if=virtio,cache=unsafe"
	[ $? -eq 124 ] && vm_fail "$1: the boot did not end within 300 s"
}
# refused NAME DISK ARGS REASON [MEM]: R says REASON before any write,
# reboots.
refused() {
	direct "$1" "$2" "$3" "${5:-}"
	vm_count "$1" "^kjump: error: $4\$" >/dev/null ||
		vm_fail "$1: no refusal '$4': $(vm_field "$1" 'kjump: error: ')"
	vm_count "$1" "^kjump: restore: checked|^kjump: restored " >/dev/null &&
		vm_fail "$1: R wrote pages"
	vm_count "$1" "^kjump: error: restore failed, rebooting$" >/dev/null ||
		vm_fail "$1: R did not give up"
}
# A flipped byte: R checks every block in the pass that writes it, into
# memory that holds nothing yet, and stops before the jump.
direct flipped flipped.raw "$args"
vm_count flipped "^kjump: error: restoring '/dev/vda' failed while writing: bad block checksum$" >/dev/null ||
	vm_fail "flipped: R did not stop at the bad block: $(vm_field flipped 'kjump: error: ')"
vm_count flipped "^kjump: (image marked consumed|restored )" >/dev/null &&
	vm_fail "flipped: R went on past the bad block"
vm_count flipped "^direct-test: A: " >/dev/null && vm_fail "flipped: A ran"
vm_count flipped "^kjump: error: restore failed, rebooting$" >/dev/null ||
	vm_fail "flipped: R did not give up"
refused moved image.raw "$moved" \
	"'/dev/vda': this boot's persistent memory is not the image's RAM \\(.*\\)"
# a machine with less RAM: the boot loader's memmap= reaches past its end
refused smaller image.raw "$args" \
	"'/dev/vda': RAM 0x[0-9a-f]+-0x[0-9a-f]+ of the image is not RAM on this machine" 900M
# without KASLR the kernel runs at 16 MiB, in the memory it would write
refused nokaslr image.raw "$args nokaslr" \
	"('/dev/vda': this boot's persistent memory is not the image's RAM|this kernel lies in the memory it would restore) \\(.*\\)"

direct resume image.raw "$args"
vm_count resume "^kjump: restore: checked '/dev/vda' in " >/dev/null ||
	vm_fail "R did not check the image itself: $(vm_field resume 'kjump: error: ')"
vm_count resume "^direct-test: A: kjump: resumed from hibernation in '/dev/vda'$" >/dev/null ||
	vm_fail "A did not resume: $(vm_field resume 'kjump: error: ')"
after=$(vm_field resume 'membuf: after checksum=')
[ "$after" = "$before" ] || vm_fail "A's 300 MiB changed: $before before, $after after"
checked=$(vm_field resume "kjump: restore: checked '.dev.vda' in ")

refused again image.raw "$args" "'/dev/vda' was resumed once already; it is never resumed twice"
rm -f "$work"/*.raw
vm_pass "one boot: checksum $before kept; R checked the image in $checked"
