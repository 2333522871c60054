#!/bin/bash
# debian-boot: the Debian 12 guest disk (tests/vm/debian/build-disk) boots
# like a real machine: SeaBIOS, GRUB from the disk, the kjump test kernel
# installed as a package, its initramfs-tools initramfs, systemd up to
# multi-user.target. The stage mechanism runs a script in it.
#
# Evidence, from what the stage printed on the serial line:
#   - `systemctl is-system-running --wait` says running: no unit failed;
#   - `uname -r` ends in -kjump;
#   - /proc/cmdline starts with BOOT_IMAGE=: GRUB started the kernel;
#   - logind answers CanHibernate (reported, not judged: that is kjump's).
# Reported: the time from power-on to multi-user.target, measured on the
# host (until the stage starts), and systemd-analyze's split.
. "$(dirname "$0")/../lib.sh"
. "$KJ_TOP/tests/vm/debian/lib.sh"
vm_setup debian-boot
debian_disk "$work/disk.raw"

mkdir -p "$work/stage"
cat >"$work/stage/run" <<'RUN'
#!/bin/sh
echo "state $(timeout 300 systemctl is-system-running --wait)"
systemctl --failed --plain --no-legend | sed 's/^/failed /'
echo "uname $(uname -r)"
echo "cmdline $(cat /proc/cmdline)"
echo "canhibernate $(busctl call org.freedesktop.login1 /org/freedesktop/login1 \
	org.freedesktop.login1.Manager CanHibernate 2>&1)"
echo "analyze $(systemd-analyze time | head -1 | sed "s/ *$//")"
RUN
chmod +x "$work/stage/run"
debian_stage "$work/stage" "$work/stage.raw"

debian_boot boot "$work/disk.raw" "$work/stage.raw" 600
[ $? -eq 124 ] && vm_fail "the guest did not power off within 600 s"
[ -n "$debian_up" ] || vm_fail "the stage did not start: the guest did not come up"
vm_count boot "^kjtest: stage: exit 0$" >/dev/null || vm_fail "the stage did not end"
state=$(debian_field boot 'state ')
[ "$state" = running ] ||
	vm_fail "the system is '$state', failed units: $(debian_field boot 'failed ')"
uname=$(debian_field boot 'uname ')
case $uname in
*-kjump) ;;
*) vm_fail "the guest runs kernel '$uname', not the kjump one" ;;
esac
debian_field boot 'cmdline ' | grep -q '^BOOT_IMAGE=' ||
	vm_fail "the kernel was not started by GRUB: $(debian_field boot 'cmdline ')"
can=$(debian_field boot 'canhibernate ')
[ -n "$can" ] || vm_fail "logind did not answer CanHibernate"
vm_pass "up in $debian_up s (power-on to multi-user.target, TCG); $uname; CanHibernate: $can
  $(debian_field boot 'analyze ')"
