#!/bin/bash
# kernel/build --config merges kjump's essentials (kernel/essential.config)
# into a user's own configuration: here Debian's stock one, which lacks
# KEXEC_JUMP. Configuration only (seconds); the build takes hours.
. "$(dirname "$0")/lib.sh"
build=$T_TOP/kernel/build
essential=$T_TOP/kernel/essential.config

t_run essential_fragment_accepted 0 "$T_TOP/kernel/check-config" "$essential"
if [ $t_rc -eq 0 ] && [ -z "$t_err" ]; then t_pass; else t_fail "exit $t_rc: $t_err"; fi

# Nothing tinyconfig-specific: modules are the user's choice.
t_name=essential_fragment_keeps_modules
if grep -q '^CONFIG_MODULES=' "$essential"; then t_fail "it sets CONFIG_MODULES"; else t_pass; fi

t_expect build_configure_only_needs_config 2 \
	"usage: kernel/build [--config FILE [--configure-only]]" \
	"$build" --configure-only
t_expect build_config_unreadable 1 "kernel: error: cannot read '/nonexistent'" \
	"$build" --config /nonexistent --configure-only

t_name=build_config_debian_merged
if ! vmlinuz=$("$T_TOP/kernel/debian-kernel" 2>"$t_tmp/fetch.err"); then
	t_fail "kernel/debian-kernel failed: $(tail -1 "$t_tmp/fetch.err")"
	exit 0
fi
stock=$(dirname "$vmlinuz")/config
t_run build_config_debian_merged 0 "$build" --config "$stock" --configure-only
merged=$t_out
if [ $t_rc -ne 0 ] || [ ! -f "$merged" ]; then
	t_fail "exit $t_rc: $(tail -3 <<<"$t_err")"
elif grep -q '^CONFIG_KEXEC_JUMP=y$' "$stock"; then
	t_fail "Debian's config '$stock' has KEXEC_JUMP already: nothing tested"
elif ! grep -q '^CONFIG_KEXEC_JUMP=y$' "$merged"; then
	t_fail "'$merged' lacks CONFIG_KEXEC_JUMP=y"
elif ! grep -q '^CONFIG_MODULES=y$' "$merged" ||
	! grep -q '^CONFIG_BTRFS_FS=m$' "$merged"; then
	t_fail "'$merged' lost Debian's modules (CONFIG_MODULES, CONFIG_BTRFS_FS=m)"
elif ! "$T_TOP/kernel/check-config" "$merged" 2>"$t_tmp/check.err"; then
	t_fail "check-config: $(head -1 "$t_tmp/check.err")"
else
	t_pass
fi

# An upgraded linux-source leaves its old trees behind: the next build
# removes them, and keeps the kernels built from them. In a cache of its
# own, whose current source tree is the real one (unpacked above).
t_name=build_prunes_other_versions
real=${KJUMP_CACHE:-/var/cache/kjump}/kernel
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
c=$t_tmp/cache/kernel
mkdir -p "$c/config/obj-0.old" "$c/src-0.old" "$c/obj-0.old" "$c/0.old-0123456789abcdef"
touch "$c/0.old-0123456789abcdef/bzImage"
ln -s "$real/src-$srcver" "$c/src-$srcver"
KJUMP_CACHE=$t_tmp/cache t_run build_prunes_other_versions 0 \
	"$build" --config "$stock" --configure-only
if [ $t_rc -ne 0 ]; then
	t_fail "exit $t_rc: $(tail -3 <<<"$t_err")"
elif [ -e "$c/src-0.old" ] || [ -e "$c/obj-0.old" ] || [ -e "$c/config/obj-0.old" ]; then
	t_fail "left $(cd "$c" && ls -d src-0.old obj-0.old config/obj-0.old 2>/dev/null | tr '\n' ' ')"
elif [ ! -f "$c/0.old-0123456789abcdef/bzImage" ]; then
	t_fail "removed a kernel built from the old source"
elif [ ! -f "$c/src-$srcver/.kjump-unpacked" ] || [ ! -f "$c/config/obj-$srcver/.config" ]; then
	t_fail "the current trees are not there"
elif ! grep -q "kernel: removing $c/src-0.old: linux-source-6.12 is $srcver now" <<<"$t_err"; then
	t_fail "it did not say what it removed: $(head -2 <<<"$t_err")"
else
	t_pass
fi
