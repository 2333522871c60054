#!/bin/bash
# Images through the kjump command: save from a core file, verify, info,
# export; and each kind of damage refused with its exact message.
. "$(dirname "$0")/lib.sh"
MKCORE=$T_TOP/build/tests/mkcore
CORRUPT=$T_TOP/build/tests/imgcorrupt
cd "$t_tmp" || exit 1
"$MKCORE" core || { echo "FAIL image_setup: mkcore failed"; exit 0; }

t_run image_save 0 "$KJUMP" save --from core --to img --threads 2
if [ $t_rc -eq 0 ] && grep -q "^kjump: saved 'img': 2500 pages of RAM: 2143 saved, 357 zero, 0 left out as free$" <<<"$t_out"; then
	t_pass
else
	t_fail "exit $t_rc: $t_out $t_err"
fi
# A warning from the library always shows, on stderr; its debug lines
# only with -v.
t_name=image_save_warns_when_it_cannot_filter
grep -q "^kjump: warning: cannot tell free pages from used ones (VMCOREINFO lacks what the filter needs): saving every page$" <<<"$t_err" &&
	! grep -q "^kjump: debug: " <<<"$t_err" && t_pass || t_fail "$t_err"
t_run image_save_verbose_shows_library_debug 0 "$KJUMP" -v save --from core --to img-v
grep -q "^kjump: debug: image: 2 RAM ranges, 0 excluded, kernel '6.12-test', re-entry 0x0$" <<<"$t_err" &&
	t_pass || t_fail "exit $t_rc: $t_err"
for c in zstd zstd:3 none; do
	t_run "image_save_$c" 0 "$KJUMP" save --from core --to "img-$c" --compress "$c"
	"$KJUMP" verify "img-$c" >/dev/null 2>&1 && [ $t_rc -eq 0 ] && t_pass || t_fail "exit $t_rc: $t_err"
done

t_run image_verify_good 0 "$KJUMP" verify img
[ $t_rc -eq 0 ] && [ "$t_out" = "kjump: 'img' is good: 3 blocks, 2143 pages saved, 357 zero, 0 free" ] &&
	t_pass || t_fail "exit $t_rc: $t_out"

t_run image_info 0 "$KJUMP" info img
grep -q "^kernel:       6.12-test (build id 0123abcd)$" <<<"$t_out" &&
	grep -q "^state:        complete$" <<<"$t_out" && t_pass || t_fail "$t_out"
t_run image_info_json 0 "$KJUMP" info --json img
grep -q '"state": "complete", ' <<<"$t_out" && grep -q '"pages_saved": 2143, ' <<<"$t_out" &&
	t_pass || t_fail "$t_out"

t_run image_export 0 "$KJUMP" export --elf img out.elf
if [ $t_rc -eq 0 ] &&
	cmp -s <("$KJUMP" vmcore --file core --read 0x100000 --length 8192000) \
		<("$KJUMP" vmcore --file out.elf --read 0x100000 --length 8192000) &&
	"$KJUMP" vmcore --file out.elf | grep -q "^vmcoreinfo: .*OSRELEASE=6.12-test$"; then
	t_pass
else
	t_fail "the exported core differs from the saved one, or lost VMCOREINFO"
fi

# damage WHERE MESSAGE: a fresh copy damaged at WHERE; verify's exact error.
damage() {
	cp img bad
	"$CORRUPT" bad "$1" || { t_name="image_damage_$1"; t_fail "imgcorrupt failed"; return; }
	t_expect "image_damage_$1" 1 "$2" "$KJUMP" verify bad
}
damage magic "kjump: error: 'bad': not a kjump image (bad magic)"
damage version "kjump: error: 'bad': unknown format version"
damage header-checksum "kjump: error: 'bad': bad header checksum"
damage incomplete "kjump: error: 'bad' is incomplete: the save did not finish"
damage block-checksum "kjump: error: 'bad': block 0 at byte 8192: bad block checksum"
damage runs "kjump: error: 'bad': block 0 at byte 8192: bad run table"
damage truncate "kjump: error: 'bad': at byte 126976: truncated"

# A failed export removes the file it created, and only that.
cp img bad
t_name=image_export_damaged_leaves_no_file
if "$CORRUPT" bad block-checksum; then
	t_run $t_name 1 "$KJUMP" export --elf bad bad.elf
	[ $t_rc -eq 1 ] && [ ! -e bad.elf ] && t_pass || t_fail "exit $t_rc, bad.elf: $(ls bad.elf 2>&1)"
else
	t_fail "imgcorrupt failed"
fi
# export_cut OUT: an export that a 64 KiB limit on file size cuts short.
export_cut() {
	bash -c "trap '' XFSZ; ulimit -f 64; exec \"\$@\"" - "$KJUMP" export --elf img "$1"
}
t_run image_export_cut_short_leaves_no_file 1 export_cut cut.elf
[ $t_rc -eq 1 ] && [ ! -e cut.elf ] && t_pass || t_fail "exit $t_rc, cut.elf: $(ls -s cut.elf 2>&1)"
echo "not an export" >kept.elf
t_run image_export_cut_short_keeps_a_file_it_did_not_create 1 export_cut kept.elf
[ $t_rc -eq 1 ] && [ -e kept.elf ] && t_pass || t_fail "exit $t_rc, kept.elf: $(ls kept.elf 2>&1)"

t_expect image_save_bad_compress 2 "kjump: error: unknown compression 'lz5'" \
	"$KJUMP" save --from core --to x --compress lz5
t_expect image_save_no_dest 2 "kjump: error: no --to DEST given" "$KJUMP" save --from core
t_expect image_save_not_a_core 1 "kjump: error: cannot open 'img': not an x86_64 ELF core" \
	"$KJUMP" save --from img --to x
t_expect image_verify_missing 1 "kjump: error: cannot open '/nonexistent': No such file or directory" \
	"$KJUMP" verify /nonexistent

# Extent maps: an image written into scattered extents of a "device" (a
# file here), readable only through the same map.
truncate -s 32M dev.img
printf '# two extents\n0x100000 0x400000\n0x800000 0x1000000\n' >map
t_run image_save_into_extents 0 "$KJUMP" save --from core --to dev.img --extents map
[ $t_rc -eq 0 ] && t_pass || t_fail "exit $t_rc: $t_err"
t_run image_verify_through_extents 0 "$KJUMP" verify --extents map dev.img
[ $t_rc -eq 0 ] && [ "$t_out" = "kjump: 'dev.img' is good: 3 blocks, 2143 pages saved, 357 zero, 0 free" ] &&
	t_pass || t_fail "exit $t_rc: $t_out $t_err"
t_expect image_extents_not_at_offset_0 1 "kjump: error: 'dev.img': not a kjump image (bad magic)" \
	"$KJUMP" verify dev.img
cmp -s <(dd if=dev.img bs=4096 skip=256 count=1 status=none | head -c 8) <(printf KJUMPIMG) &&
	{ t_name=image_header_at_first_extent; t_pass; } ||
	{ t_name=image_header_at_first_extent; t_fail "no header at byte 0x100000"; }
printf '0x100000 0x400000\n0x800000 100\n' >badmap
t_expect image_extents_bad_map 1 "kjump: error: 'badmap': line 2 is not 'DEVICE_OFFSET LENGTH' in whole pages" \
	"$KJUMP" verify --extents badmap dev.img
printf '0x100000 0x2000\n' >tinymap
t_run image_save_extents_too_small 1 "$KJUMP" save --from core --to dev.img --extents tinymap
[[ $t_rc -eq 1 && $t_err == *"kjump: error: 'dev.img' is too small for the image"* ]] &&
	t_pass || t_fail "exit $t_rc: $t_err"

dd if=/dev/zero of=written bs=1M count=4 status=none
sync
t_run image_extents_of_written_file 0 "$KJUMP" extents written
[ $t_rc -eq 0 ] && grep -qE '^[0-9]+ [0-9]+$' <<<"$t_out" && t_pass || t_fail "exit $t_rc: $t_err"
if fallocate -l 4M fallocated 2>/dev/null; then
	t_expect image_extents_of_fallocated_file 1 \
		"kjump: error: 'fallocated' has extents that cannot be written raw (unwritten, shared, encoded, inline, or not in whole 4096-byte pages)" \
		"$KJUMP" extents fallocated
fi
