#!/bin/bash
# save: B saves A's memory into an image on a virtio disk, and A goes on.
#
# Evidence: B's own `kjump save` and `kjump verify` lines; on the host,
# `kjump verify` of the disk file passes, and A's marker page (random,
# hashed in A) is found in the image at its physical address with the
# same hash (exported to ELF, read back at that address). A's 64 MiB
# buffer checksum is the same before and after. The pages left out as
# free match, within 1 %, the free pages makedumpfile -d 16 finds on the
# same /proc/vmcore in the same B.
. "$(dirname "$0")/../lib.sh"
vm_setup save
image=$work/image.raw
vm_prep truncate -s 1200M "$image"

cat >"$work/b-workload" <<'B'
#!/bin/sh
makedumpfile -d 16 --dry-run --show-stats /proc/vmcore /tmp/none >/tmp/mdf.out 2>&1
echo "save-test: B: makedumpfile exited $?"
sed 's/^/save-test: B: makedumpfile: /' /tmp/mdf.out
kjump save --to /dev/vda >/tmp/save.out 2>&1
echo "save-test: B: save exited $?"
sed 's/^/save-test: B: /' /tmp/save.out
kjump verify /dev/vda 2>&1 | sed 's/^/save-test: B: /'
kjump back >/dev/null 2>&1
B

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'A'
start_membuf 64
marker /tmp/marker.bin >/tmp/marker.out &
while [ ! -s /tmp/marker.out ]; do sleep 0.1; done
echo "save-test: A: page at $(sed -n 's/^marker: paddr=//p' /tmp/marker.out) sha256 $(sha256sum /tmp/marker.bin | cut -d' ' -f1)"
check before
kjump load --append "console=ttyS0 no_console_suspend" >/tmp/load.out 2>&1 ||
	{ echo "save-test: load failed:"; cat /tmp/load.out; exit 1; }
kjump jump >/tmp/jump.out 2>&1 && echo "save-test: A: back"
check after
A
} >"$work/a-workload"

vm_initramfs "$work/b.cpio.gz" --workload "$work/b-workload" \
	--binary "$(command -v makedumpfile)"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz" \
	--file "$KJ_BUILD/workload/marker:/bin/marker"
vm_boot guest "$work/a.cpio.gz" "crashkernel=160M" 900 1G 2 \
	-drive "file=$image,format=raw,if=virtio,cache=unsafe"
[ $? -eq 124 ] && vm_fail "the guest did not finish within 900 s"

[ "$(vm_field guest 'save-test: B: save exited ')" = 0 ] || vm_fail "B's save failed: $(vm_field guest 'save-test: B: kjump: error: ')"
vm_count guest "^save-test: B: kjump: '/dev/vda' is good: " >/dev/null ||
	vm_fail "B's verify of the image did not pass"
vm_count guest "^save-test: A: back$" >/dev/null || vm_fail "A did not come back after the save"
sums=$(vm_log guest | sed -n 's/^membuf: .* checksum=//p' | sort -u | wc -l)
[ "$sums" -eq 1 ] || vm_fail "A's buffer changed across the save"

"$KJ_BUILD/kjump" verify "$image" >"$work/host-verify.out" 2>&1 ||
	vm_fail "the host's verify failed: $(cat "$work/host-verify.out")"
"$KJ_BUILD/kjump" export --elf "$image" "$work/export.elf" >/dev/null 2>&1 ||
	vm_fail "export failed"
page=$(vm_field guest 'save-test: A: page at ')
addr=${page%% *}
want=${page##* }
got=$("$KJ_BUILD/kjump" vmcore --file "$work/export.elf" --read "$addr" --length 4096 | sha256sum | cut -d' ' -f1)
[ "$got" = "$want" ] || vm_fail "A's page at $addr: image has sha256 $got, A had $want"
# makedumpfile reads A's kernel log out of the exported image: A's own
# command line (with crashkernel=, which B's lacks), as A printed it on
# the serial line (under OVMF the firmware adds initrd=initrd), must be
# in it.
makedumpfile --dump-dmesg "$work/export.elf" "$work/dmesg.txt" >"$work/dmesg.out" 2>&1 ||
	vm_fail "makedumpfile --dump-dmesg failed on the export: $(tail -1 "$work/dmesg.out")"
a_cmdline=$(vm_log guest | sed -n 's/^\[ *[0-9.]*\] Command line: //p' | head -1)
case " $a_cmdline " in
*" crashkernel=160M "*) ;;
*) vm_fail "A's serial log shows no command line with crashkernel=160M: '$a_cmdline'" ;;
esac
sed 's/^\[ *[0-9.]*\] //' "$work/dmesg.txt" | grep -qxF "Command line: $a_cmdline" ||
	vm_fail "A's kernel log in the export lacks A's command line '$a_cmdline'"
rm -f "$work/export.elf"

mdf_hex=$(vm_field guest 'save-test: B: makedumpfile: *Free pages *: ')
[ -n "$mdf_hex" ] || vm_fail "makedumpfile reported no free pages count"
mdf=$((mdf_hex))
ours=$(vm_field guest 'save-test: B: kjump: saved ' | sed -n 's/.* \([0-9]*\) left out as free$/\1/p')
[ -n "$ours" ] && [ "$ours" -gt 0 ] || vm_fail "kjump left no page out as free"
diff=$((ours > mdf ? ours - mdf : mdf - ours))
[ $((diff * 100)) -le "$mdf" ] ||
	vm_fail "kjump left out $ours free pages, makedumpfile -d 16 finds $mdf: more than 1 % apart"
vm_pass "free pages: kjump $ours, makedumpfile -d 16 $mdf; $(vm_field guest 'save-test: B: kjump: saved ')"
