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
	grep -q "^kind:         snapshot$" <<<"$t_out" &&
	grep -q "^state:        complete$" <<<"$t_out" && t_pass || t_fail "$t_out"

# A snapshot is never resumed, and a refusal to resume it leaves it as it
# was: it is kept, not discarded.
t_expect image_resume_refuses_snapshot 1 \
	"kjump: error: 'img' is a snapshot: resuming it would undo everything written since it was taken" \
	"$KJUMP" resume --image img
before=$(sha256sum <img)
t_expect image_discard_keeps_snapshot 1 \
	"kjump: error: 'img' is a snapshot: resuming it would undo everything written since it was taken" \
	"$KJUMP" resume --image img --discard
[ "$(sha256sum <img)" = "$before" ] || echo "FAIL image_discard_keeps_snapshot: the image changed"
t_run image_save_hibernation_kind 0 "$KJUMP" save --from core --to img-hib --kind hibernation
"$KJUMP" info img-hib | grep -q "^kind:         hibernation$" && t_pass ||
	t_fail "exit $t_rc: $("$KJUMP" info img-hib)"
t_run image_info_json 0 "$KJUMP" info --json img
grep -q '"state": "complete", ' <<<"$t_out" && grep -q '"pages_saved": 2143, ' <<<"$t_out" &&
	t_pass || t_fail "$t_out"

# What a header may hold, shown safely: a time past any date as the
# number (gmtime() gave NULL, and info crashed), strings escaped in JSON.
cp img odd
"$CORRUPT" odd created-huge
t_run image_info_huge_created_time 0 "$KJUMP" info odd
grep -qx "created:      9223372036854775808" <<<"$t_out" && t_pass || t_fail "exit $t_rc: $t_out $t_err"
t_run image_info_json_huge_created_time 0 "$KJUMP" info --json odd
grep -qF '"created": "9223372036854775808", ' <<<"$t_out" && t_pass || t_fail "exit $t_rc: $t_out $t_err"
cp img odd
"$CORRUPT" odd osrelease-quote
t_run image_info_json_escapes_strings 0 "$KJUMP" info --json odd
grep -qF '"osrelease": "6.1\"x\u0001\\", "build_id": "0123abcd", ' <<<"$t_out" &&
	t_pass || t_fail "exit $t_rc: $t_out $t_err"
cp img 'odd"name'
t_run image_info_json_escapes_the_path 0 "$KJUMP" info --json 'odd"name'
grep -qF '{"image": "odd\"name", ' <<<"$t_out" && t_pass || t_fail "exit $t_rc: $t_out $t_err"

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
damage block-checksum "kjump: error: 'bad': block 0 at byte 12288: bad block checksum"
damage runs "kjump: error: 'bad': block 0 at byte 12288: bad run table"
damage truncate "kjump: error: 'bad': at byte 135168: truncated"

# A header torn by a power cut (its checksum fails): the copy at 4096
# stands in, and the image is whole. Both torn: the image is refused.
cp img bad
t_name=image_torn_header_read_from_copy
if "$CORRUPT" bad torn-header; then
	t_run $t_name 0 "$KJUMP" verify bad
	[ $t_rc -eq 0 ] && [[ $t_out == "kjump: 'bad' is good: "* ]] && t_pass || t_fail "exit $t_rc: $t_out $t_err"
else
	t_fail "imgcorrupt failed"
fi

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
# A core cut short: its last pages were a SIGBUS when the saver mapped
# them. Refused when opened, before anything is written.
cp core short
truncate -s -4096 short
t_run image_save_truncated_core 1 "$KJUMP" save --from short --to short.img
[[ $t_rc -eq 1 && $t_err == "kjump: error: cannot open 'short': "* && ! -e short.img ]] &&
	t_pass || t_fail "exit $t_rc: $t_err"
truncate -s 5M short
t_expect image_vmcore_truncated_core 1 \
	"kjump: error: cannot open 'short': truncated: it ends before the memory its headers describe" \
	"$KJUMP" vmcore --file short
t_expect image_verify_missing 1 "kjump: error: cannot open '/nonexistent': No such file or directory" \
	"$KJUMP" verify /nonexistent

# Extent maps: an image written into scattered extents of a "device" (a
# file here), readable only through the same map.
truncate -s 32M dev.img
printf '# two extents\n1048576 4194304\n8388608 16777216\n' >map
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
# bad_map NAME LINE MESSAGE: a map with LINE after a good extent; the
# exact refusal.
bad_map() {
	printf '# good\n1048576 4194304\n%s\n' "$2" >badmap
	t_expect "image_extents_$1" 1 "kjump: error: 'badmap': line 3$3" \
		"$KJUMP" verify --extents badmap dev.img
}
bad_map not_whole_pages "8388608 100" " is not 'DEVICE_OFFSET LENGTH' in decimal bytes, whole pages"
bad_map hex "0x800000 0x1000000" " is not 'DEVICE_OFFSET LENGTH' in decimal bytes, whole pages"
bad_map negative "8388608 -4096" " is not 'DEVICE_OFFSET LENGTH' in decimal bytes, whole pages"
bad_map octal "040000000 4096" " is not 'DEVICE_OFFSET LENGTH' in decimal bytes, whole pages"
bad_map past_2_64 "18446744073709547520 8192" ": the extents reach past 2^64 bytes"
bad_map overlapping "4194304 4194304" ": the extent overlaps an earlier one"
# A map is read whole: the extents after 1 MiB of comments count (they
# were cut off), and one past 16 MiB is refused rather than cut.
{ head -c 1200000 /dev/zero | tr '\0' '#'; echo; cat map; } >longmap
t_run image_extents_map_read_whole 0 "$KJUMP" verify --extents longmap dev.img
[ $t_rc -eq 0 ] && t_pass || t_fail "exit $t_rc: $t_err"
{ cat map; head -c 17000000 /dev/zero | tr '\0' '#'; } >hugemap
t_expect image_extents_map_too_large 1 "kjump: error: 'hugemap' is larger than 16 MiB: not an extent map" \
	"$KJUMP" verify --extents hugemap dev.img
printf '1048576 8192\n' >tinymap
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
