#!/bin/bash
# initramfs/build packs busybox, kjump, init, the workload and extra files
# where they were asked to go.
. "$(dirname "$0")/lib.sh"

echo 'echo hi' >"$t_tmp/work.sh"
echo data >"$t_tmp/extra"
t_run initramfs_build 0 "$T_TOP/initramfs/build" -o "$t_tmp/i.cpio.gz" \
	--workload "$t_tmp/work.sh" --file "$t_tmp/extra:/opt/x/extra.dat"
if [ $t_rc -ne 0 ]; then
	t_fail "exit $t_rc: $t_err"
else
	list=$(zcat "$t_tmp/i.cpio.gz" | cpio -t --quiet 2>/dev/null | sort)
	want=$(printf '%s\n' bin/busybox bin/kjump bin/mount bin/sh etc/fstab dev/console init workload opt/x/extra.dat)
	missing=$(comm -13 <(echo "$list") <(echo "$want" | sort) | tr '\n' ' ')
	if [ -n "$missing" ]; then t_fail "missing: $missing"; else t_pass; fi
fi

t_expect initramfs_missing_file 1 "initramfs: error: no such file '/nonexistent'" \
	"$T_TOP/initramfs/build" -o "$t_tmp/j.cpio.gz" --file /nonexistent:/x
t_run initramfs_nothing_left 0 test ! -e "$t_tmp/j.cpio.gz"
if [ $t_rc -eq 0 ] && [ ! -e "$t_tmp/j.cpio.gz.tmp" ]; then t_pass; else t_fail "output left behind"; fi
