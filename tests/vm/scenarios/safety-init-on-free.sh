#!/bin/bash
# safety-init-on-free: A, booted with init_on_free=1, zeroes pages as it
# frees them and so hands out __GFP_ZERO pages without zeroing them. The
# image leaves A's free pages out, so after a resume they hold whatever C
# and R left there, unless R fills them. A hibernates once; the host
# copies the image twice, sets each copy's free_fill (resealed with
# imgcorrupt), and each is resumed in two boots (C, then R). freecheck,
# started in A before the hibernation, takes 80% of MemFree as fresh
# anonymous pages as soon as the resumed A thaws it, and counts the bytes
# in them that are not zero.
#
# Evidence, from the guests' logs:
#   - A's kernel says "heap free:on"; before it hibernates, freecheck
#     finds every page zero (the check sees what A's kernel hands out);
#   - free_fill 0 (nothing filled, as before R could fill): R says nothing
#     of a fill, and after its jump freecheck finds pages that are not
#     zero: the problem exists, and the check sees it. A may hang after
#     that (the garbage is in its page tables and allocations too), so
#     the host stops this guest once freecheck has spoken;
#   - free_fill 1 (zeros): R says how many free pages it filled; after
#     its jump A says it resumed, freecheck finds no byte that is not
#     zero in at least 256 MiB, A's kernel complains of nothing (no Oops,
#     BUG or bad page), and A powers off at the end of its workload.
# The region is at a fixed address and KASLR is off, as for hibernate.
. "$(dirname "$0")/../lib.sh"
vm_setup safety-init-on-free
image=$work/image.raw
vm_prep truncate -s 1200M "$image"
cmdline="crashkernel=160M@0x30000000 nokaslr init_on_free=1"

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'A'
freecheck 80 | sed 's/^/free-test: before: /'
# The check after the resume is prepared now (its page tables made) and
# runs as soon as the resumed kernel thaws it: a process started after an
# unfilled resume made the kernel oops on its first page-table walk (the
# tables came from the free pages too), and A's own kjump could hang on
# the garbage.
mkfifo /run/fc-ready
freecheck 80 wait 3>/run/fc-ready &
read -r _ </run/fc-ready
echo "free-test: hibernating"
kjump hibernate --image /dev/vda 2>&1 | sed 's/^/free-test: A: /'
wait
A
} >"$work/a-workload"

vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz" \
	--file "$KJ_BUILD/workload/freecheck:/bin/freecheck"

disk() { echo "file=$work/$1,format=raw,if=virtio,cache=unsafe"; }

# pages_of LINE: the pages and the nonzero pages of a freecheck line.
pages_of() {
	sed -n 's/^\([0-9]*\) pages, \([0-9]*\) nonzero pages, .*/\1 \2/p' <<<"$1"
}

vm_boot hibernate "$work/a.cpio.gz" "$cmdline" 300 1G 2 -drive "$(disk image.raw)"
[ $? -eq 124 ] && vm_fail "the hibernation did not power off within 300 s"
vm_count hibernate "mem auto-init: .*heap free:on" >/dev/null ||
	vm_fail "A's kernel did not turn init_on_free on"
vm_count hibernate "^kjump: hibernated, powering off$" >/dev/null ||
	vm_fail "B did not power off: $(vm_field hibernate 'free-test: A: kjump: error: ')"
before=$(vm_field hibernate 'free-test: before: freecheck: ')
read -r pages bad <<<"$(pages_of "$before")"
[ -n "$pages" ] && [ "$bad" = 0 ] ||
	vm_fail "before the hibernation, freecheck said '$before'"
vm_count hibernate "^freecheck: " >/dev/null && vm_fail "freecheck went on in the first boot"

for fill in 0 1; do
	vm_prep cp --sparse=always "$image" "$work/fill$fill.raw"
	vm_prep "$KJ_BUILD/tests/imgcorrupt" "$work/fill$fill.raw" free-fill=$fill
	vm_prep "$KJ_BUILD/kjump" verify "$work/fill$fill.raw"
done
rm -f "$image"

# stop_after_check NAME: stops guest NAME, by the pid its qemu wrote,
# a second after freecheck's count shows after R's jump.
stop_after_check() {
	local pid

	for _ in $(seq 1200); do
		sleep 0.1
		vm_log "$1" 2>/dev/null | sed -n '/^kjump: image marked consumed; jumping back to /,$p' |
			grep -qE '^freecheck: [0-9]+ pages' || continue
		sleep 1
		pid=$(cat "$work/$1.pid" 2>/dev/null)
		grep -qs qemu "/proc/$pid/cmdline" && kill "$pid"
		return
	done
}

# resume NAME DISK [stop]: C, R, then A goes on and freecheck runs; with
# stop, the guest is stopped once freecheck has spoken. Sets rc (vm_boot's),
# pages and bad (freecheck's, after R's jump), first (the first nonzero
# page), fill (R's word on the free pages) and oopses.
resume() {
	local after stopper=

	[ -n "${3:-}" ] && { stop_after_check "$1" & stopper=$!; }
	vm_boot "$1" "$work/a.cpio.gz" "$cmdline kjump.resume=/dev/vda" 90 1G 2 \
		-drive "$(disk "$2")" -pidfile "$work/$1.pid"
	rc=$?
	[ -n "$stopper" ] && { kill "$stopper" 2>/dev/null; wait "$stopper" 2>/dev/null; }
	vm_count "$1" "^kjump: image marked consumed; jumping back to " >/dev/null ||
		vm_fail "$1: R did not restore: $(vm_field "$1" 'kjump: error: ')"
	vm_count "$1" "^free-test: (before|hibernating)" >/dev/null &&
		vm_fail "$1: A booted afresh instead of resuming"
	after=$(vm_log "$1" | sed -n '/^kjump: image marked consumed; jumping back to /,$p' |
		sed -n 's/^freecheck: //p')
	read -r pages bad <<<"$(pages_of "$after")"
	[ -n "$pages" ] ||
		vm_fail "$1: no freecheck after R's jump (qemu $rc): $(vm_log "$1" | grep -E '^(kjump|free-test)' | tail -1)"
	first=$(sed -n 's/^first nonzero page at //p' <<<"$after")
	fill=$(vm_field "$1" 'kjump: restore: filled ')
	oopses=$(vm_count "$1" '(Oops|BUG|Bad page)')
}

resume unfilled fill0.raw stop
[ -z "$fill" ] || vm_fail "unfilled: R filled free pages with free_fill 0: $fill"
[ "$bad" -gt 0 ] ||
	vm_fail "unfilled: freecheck found no nonzero page in $pages without a fill: the case shows nothing"
unfilled="free_fill 0: $bad of $pages pages not zero (the first at $first)"
vm_count unfilled "^kjump-init: powering off$" >/dev/null ||
	unfilled="$unfilled; A did not go on to its end"
[ "$oopses" -gt 0 ] && unfilled="$unfilled, $oopses kernel complaints"

resume filled fill1.raw
[ $rc -eq 124 ] && vm_fail "filled: A did not finish within 90 s"
[ -n "$fill" ] || vm_fail "filled: R did not say it filled the free pages"
vm_count filled "^free-test: A: kjump: resumed from hibernation in '/dev/vda'$" >/dev/null ||
	vm_fail "filled: A did not say it resumed: $(vm_field filled 'free-test: A: kjump: error: ')"
[ "$pages" -ge 65536 ] || vm_fail "filled: freecheck took only $pages pages"
[ "$bad" = 0 ] ||
	vm_fail "filled: after the fill, $bad of $pages pages were not zero (the first at $first)"
[ "$oopses" = 0 ] ||
	vm_fail "filled: A's kernel complained: $(vm_log filled | grep -m1 -E '(Oops|BUG|Bad page)')"
rm -f "$work"/*.raw
vm_pass "$unfilled; free_fill 1: R filled $fill, then all $pages pages zero"
