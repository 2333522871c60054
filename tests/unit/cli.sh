#!/bin/bash
# The kjump command's usage errors and help: exact messages and exit codes.
# (What needs a kexec-capable kernel is tested in the VM scenarios.)
. "$(dirname "$0")/lib.sh"

t_expect cli_no_args 2 "usage: kjump [-v] COMMAND [ARGS]" "$KJUMP"
t_expect cli_unknown_command 2 "kjump: error: unknown command 'bogus'" "$KJUMP" bogus
t_expect cli_unknown_option 2 "kjump: error: unknown option '--bogus'" "$KJUMP" --bogus
t_expect cli_call_no_file 2 "kjump: error: no file to call" "$KJUMP" call
t_expect cli_call_two_files 2 "kjump: error: too many arguments" "$KJUMP" call a b
t_expect cli_call_bad_option 2 "kjump: error: unknown option '--nope' for 'kjump call'" "$KJUMP" call --nope f
t_expect cli_call_at_without_value 2 "kjump: error: option '--at' needs a value" "$KJUMP" call --at
for bad in 0x1000x 16Q -1 +5 "" 99999999999999999999 0x10000000000000000 17179869184G; do
	t_expect "cli_call_bad_at_'$bad'" 2 "kjump: error: bad address '$bad' for --at" \
		"$KJUMP" call --at "$bad" f
done
t_expect cli_call_too_many_args 2 "kjump: error: more than 8 --arg values" \
	"$KJUMP" call --arg 1 --arg 2 --arg 3 --arg 4 --arg 5 --arg 6 --arg 7 --arg 8 --arg 9 f
t_expect cli_call_bad_arg 2 "kjump: error: bad value 'x1' for --arg" "$KJUMP" call --arg x1 f
t_expect cli_call_in_without_value 2 "kjump: error: option '--in' needs a value" "$KJUMP" call f --in
t_expect cli_load_slot_zero 2 "kjump: error: bad value '0' for --slot" "$KJUMP" load --slot 0
t_expect cli_load_slot_size_alone 2 "kjump: error: --slot-size goes with --slot" "$KJUMP" load --slot-size 256M
t_expect cli_switch_nothing 2 "kjump: error: no slot to switch to" "$KJUMP" switch
t_expect cli_switch_bad 2 "kjump: error: bad slot 'x'" "$KJUMP" switch x
t_expect cli_switch_zero 2 "kjump: error: bad slot '0'" "$KJUMP" switch 0
t_expect cli_bios_nothing 2 "kjump: error: no BIOS call given" "$KJUMP" bios
t_expect cli_bios_unknown 2 "kjump: error: unknown BIOS call 'int13'" "$KJUMP" bios int13
t_expect cli_bios_two 2 "kjump: error: too many arguments" "$KJUMP" bios e820 e820
t_expect cli_resume_check_and_boot_args 2 "kjump: error: --check, --boot-args and --discard do not go together" \
	"$KJUMP" resume --image x --check --boot-args
t_expect cli_restore_no_boot_args 2 "kjump: error: unknown option '--boot-args' for 'kjump restore'" \
	"$KJUMP" restore --boot-args --image x
t_expect cli_resume_no_uuid 2 "kjump: error: unknown option '--uuid' for 'kjump resume'" \
	"$KJUMP" resume --uuid 00 --image x
t_expect cli_restore_no_discard 2 "kjump: error: unknown option '--discard' for 'kjump restore'" \
	"$KJUMP" restore --discard --image x

t_run cli_help 0 "$KJUMP" --help
if [ $t_rc -eq 0 ] && grep -q "^  call " <<<"$t_out" && grep -q "^  bios " <<<"$t_out" &&
	[ -z "$t_err" ]; then
	t_pass
else
	t_fail "exit $t_rc, or no 'call' or 'bios' line in the help"
fi

t_run cli_call_help 0 "$KJUMP" call --help
if [ $t_rc -eq 0 ] && [ "${t_out%%$'\n'*}" = "usage: kjump call FILE [--at ADDR] [--in FILE] [--out FILE] [--arg VALUE]..." ]; then
	t_pass
else
	t_fail "exit $t_rc, first line '${t_out%%$'\n'*}'"
fi

t_run cli_bios_help 0 "$KJUMP" bios --help
if [ $t_rc -eq 0 ] && [ "${t_out%%$'\n'*}" = "usage: kjump bios CALL" ] &&
	grep -q "^  e820 " <<<"$t_out"; then
	t_pass
else
	t_fail "exit $t_rc, first line '${t_out%%$'\n'*}'"
fi

t_run cli_version 0 "$KJUMP" --version
if [ $t_rc -eq 0 ] && [[ $t_out =~ ^kjump\ [0-9]+\.[0-9]+(-g[0-9a-f]+)?$ ]]; then
	t_pass
else
	t_fail "exit $t_rc, '$t_out'"
fi

t_run cli_static 0 file -L "$KJUMP"
if grep -q "statically linked" <<<"$t_out"; then t_pass; else t_fail "$t_out"; fi

t_expect cli_load_bad_option 2 "kjump: error: unknown option '--bogus' for 'kjump load'" "$KJUMP" load --bogus
t_expect cli_load_extra_argument 2 "kjump: error: unexpected argument 'extra'" "$KJUMP" load extra
t_expect cli_load_kernel_without_value 2 "kjump: error: option '--kernel' needs a value" "$KJUMP" load --kernel
t_expect cli_jump_extra_argument 2 "kjump: error: unexpected argument 'x'" "$KJUMP" jump x
t_expect cli_unload_extra_argument 2 "kjump: error: unexpected argument 'x'" "$KJUMP" unload x
if ! grep -q kexec_jump_back_entry= /proc/cmdline; then
	t_expect cli_back_outside_b 1 \
		"kjump: error: no kexec_jump_back_entry= on /proc/cmdline: this kernel was not started by 'kjump load'" \
		"$KJUMP" back
fi
t_expect cli_vmcore_missing_file 1 "kjump: error: cannot open '/nonexistent': No such file or directory" \
	"$KJUMP" vmcore --file /nonexistent
t_expect cli_vmcore_not_a_core 1 "kjump: error: cannot open '$KJUMP': not an x86_64 ELF core" \
	"$KJUMP" vmcore --file "$KJUMP"
t_expect cli_vmcore_bad_address 2 "kjump: error: bad number 'zz' for --read" "$KJUMP" vmcore --read zz
# kjump boot: the initramfs's task from a command line (lib/flow/boot.c).
# Nothing asked: the boot goes on, silently.
t_run cli_boot_nothing_asked 0 "$KJUMP" boot --cmdline "console=ttyS0 quiet root=/dev/vda"
[ $t_rc -eq 0 ] && [ -z "$t_out$t_err" ] && t_pass || t_fail "exit $t_rc: $t_out $t_err"
t_expect cli_boot_unknown_action 1 "kjump: error: unknown kjump.action=bogus: booting on" \
	"$KJUMP" boot --cmdline "quiet kjump.action=snapshot kjump.action=bogus"
t_expect cli_boot_extra_argument 2 "kjump: error: unexpected argument 'x'" "$KJUMP" boot x
# C asked to resume from an image that is not there: says so, boots on.
t_run cli_boot_resume_missing 1 "$KJUMP" boot --cmdline "kjump.resume=/nonexistent kjump.resume=$t_tmp/none"
if [ $t_rc -eq 1 ] && grep -qx "kjump: trying to resume from '$t_tmp/none'" <<<"$t_out" &&
	grep -qx "kjump: not resuming: booting on" <<<"$t_out"; then
	t_pass
else
	t_fail "exit $t_rc: $t_out $t_err"
fi
t_expect cli_snapshot_bad_compress 2 "kjump: error: unknown compression 'lz5'" \
	"$KJUMP" snapshot --image /dev/null --compress lz5
# a resident B's compression is each task's
t_expect cli_resident_compress 2 "kjump: error: 'kjump resident' takes no --compress" \
	"$KJUMP" resident --image /dev/null --compress lz4
t_expect cli_resident_no_image 2 "kjump: error: no --image DEST given" "$KJUMP" resident

for cmd in load jump back unload status vmcore boot resident; do
	t_run "cli_${cmd}_help" 0 "$KJUMP" "$cmd" --help
	first=${t_out%%$'\n'*}
	if [ $t_rc -eq 0 ] && [[ $first == "usage: kjump $cmd"* ]]; then
		t_pass
	else
		t_fail "exit $t_rc, first line '${t_out%%$'\n'*}'"
	fi
done

# The man page documents every command of 'kjump --help', and renders.
t_name=cli_man_page_has_every_command
man_page=$T_TOP/doc/kjump.8
missing=$("$KJUMP" --help | sed -n 's/^  \([a-z]*\) .*/\1/p' | while read -r cmd; do
	grep -q "^\\.BI* \"\\?$cmd\\b" "$man_page" || echo "$cmd"
done)
if [ -z "$missing" ] && MANWIDTH=80 man -l "$man_page" 2>/dev/null | grep -q "kexec-jump based hibernation"; then
	t_pass
else
	t_fail "not in doc/kjump.8: ${missing:-none} (or it does not render)"
fi
