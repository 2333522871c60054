#!/bin/bash
# kernel/check-config accepts kjump's fragment and rejects a config that
# lacks what kjump needs, naming each missing option.
. "$(dirname "$0")/lib.sh"
check=$T_TOP/kernel/check-config
frag=$T_TOP/kernel/kjump.config

t_run config_fragment_accepted 0 "$check" "$frag"
if [ $t_rc -eq 0 ] && [ -z "$t_err" ]; then t_pass; else t_fail "exit $t_rc: $t_err"; fi

sed 's/^CONFIG_KEXEC_JUMP=y$/# CONFIG_KEXEC_JUMP is not set/' "$frag" >"$t_tmp/nojump"
t_expect config_without_kexec_jump 1 \
	"check-config: error: '$t_tmp/nojump' lacks CONFIG_KEXEC_JUMP=y, needed to jump into another kernel and back (kexec with preserve-context)" \
	"$check" "$t_tmp/nojump"

grep -v -e '^CONFIG_PROC_VMCORE=' -e '^CONFIG_BLK_DEV_PMEM=' "$frag" >"$t_tmp/two"
t_run config_names_every_missing_option 1 "$check" "$t_tmp/two"
if [ $t_rc -eq 1 ] && [ "$(grep -c 'lacks CONFIG_' <<<"$t_err")" -eq 2 ] &&
	grep -q PROC_VMCORE <<<"$t_err" && grep -q BLK_DEV_PMEM <<<"$t_err"; then
	t_pass
else
	t_fail "exit $t_rc: $t_err"
fi

t_expect config_unreadable 2 "check-config: error: cannot read '/nonexistent'" \
	"$check" /nonexistent

sed 's/^CONFIG_EFI_STUB=y$/# CONFIG_EFI_STUB is not set/' "$frag" >"$t_tmp/noefi"
t_expect config_without_efi_stub 1 \
	"check-config: error: '$t_tmp/noefi' lacks CONFIG_EFI_STUB=y, needed to be started by UEFI firmware (and by qemu's OVMF in the tests)" \
	"$check" "$t_tmp/noefi"
