#!/bin/bash
# make deb: the package's files and modes, its fields and scripts, what
# lintian says, and an install, removal and purge by dpkg in a Debian 12
# chroot. make install and make uninstall under another PREFIX.
. "$(dirname "$0")/lib.sh"
cd "$T_TOP" || exit 1

# make check builds the package first (tests/check); run alone, this does.
t_name=deb_build
deb=$(ls build/kjump_*_amd64.deb 2>/dev/null | head -1)
if [ -z "$deb" ]; then
	make -s deb >"$t_tmp/make.log" 2>&1
	deb=$(ls build/kjump_*_amd64.deb 2>/dev/null | head -1)
fi
if [ -z "$deb" ]; then
	t_fail "make deb made no build/kjump_*_amd64.deb: $(tail -3 "$t_tmp/make.log")"
	exit 0
fi
t_pass

# deb_same NAME WANT GOT: PASS, or FAIL with the lines only one has.
deb_same() {
	local missing extra
	t_name=$1
	missing=$(comm -23 <(echo "$2") <(echo "$3") | tr '\n' ' ')
	extra=$(comm -13 <(echo "$2") <(echo "$3") | tr '\n' ' ')
	[ "$2" = "$3" ] && t_pass || t_fail "missing: $missing; unexpected: $extra"
}

# What the package holds, with modes and owners; dist/systemd's pieces
# are data, every other program is run.
want=$( {
	echo "-rwxr-xr-x root/root ./usr/sbin/kjump"
	echo "-rw-r--r-- root/root ./usr/lib/kjump/initrd.cpio.gz"
	echo "-rwxr-xr-x root/root ./usr/lib/kjump/sleep"
	echo "-rwxr-xr-x root/root ./usr/lib/kjump/resident"
	echo "-rwxr-xr-x root/root ./usr/lib/kjump/grub.d/42_kjump"
	for f in dist/systemd/*; do
		[ -e "$f" ] && echo "-rw-r--r-- root/root ./usr/lib/kjump/systemd/${f##*/}"
	done
	echo "-rwxr-xr-x root/root ./usr/share/initramfs-tools/hooks/kjump"
	echo "-rwxr-xr-x root/root ./usr/share/initramfs-tools/scripts/local-premount/kjump"
	echo "-rw-r--r-- root/root ./usr/share/man/man8/kjump.8.gz"
	echo "-rw-r--r-- root/root ./usr/share/doc/kjump/copyright"
	echo "-rw-r--r-- root/root ./usr/share/doc/kjump/changelog.gz"
	echo "-rw-r--r-- root/root ./usr/share/lintian/overrides/kjump"
} | sort)
listing=$(dpkg-deb -c "$deb")
deb_same deb_files "$want" "$(awk '$1 !~ /^d/ { print $1, $2, $6 }' <<<"$listing" | sort)"
t_name=deb_folders
odd=$(awk '$1 ~ /^d/ && ($1 != "drwxr-xr-x" || $2 != "root/root") { print $6 }' <<<"$listing")
[ -z "$odd" ] && t_pass || t_fail "not drwxr-xr-x root/root: $odd"

# The binary in the package: static, stripped, looking for its initramfs
# under /usr, and of the package's version.
dpkg-deb -x "$deb" "$t_tmp/x"
dpkg-deb -e "$deb" "$t_tmp/ctl"
kj=$t_tmp/x/usr/sbin/kjump
t_name=deb_binary
kind=$(file -L "$kj")
initrd=$("$kj" load --help | sed -n 's/.*(default: \(.*initrd.*\))$/\1/p')
if grep -q "statically linked" <<<"$kind" && grep -q ", stripped" <<<"$kind" &&
	[ "$initrd" = /usr/lib/kjump/initrd.cpio.gz ]; then
	t_pass
else
	t_fail "$kind; default initramfs '$initrd'"
fi

field() { dpkg-deb -f "$deb" "$1"; }
t_name=deb_fields
# kjump 0.1-gHASH packs as 0.1+gitDATE.gHASH: newer commits sort higher.
version=$("$kj" --version | sed 's/^kjump //')
hash=${version#*-g}
version=${version%%-g*}
[ "$hash" != "$version" ] && version=$(dpkg-deb -f "$deb" Version | grep -x "$version+git[0-9]\{14\}\.g$hash")
bad=
[ "$(field Package)" = kjump ] || bad="$bad Package"
[ "$(field Version)" = "$version" ] && [ "$deb" = "build/kjump_${version}_amd64.deb" ] ||
	bad="$bad Version($(field Version), kjump says $version)"
[ "$(field Architecture)" = amd64 ] || bad="$bad Architecture"
[ "$(field Section)" = admin ] || bad="$bad Section"
[ "$(field Priority)" = optional ] || bad="$bad Priority"
[[ $(field Maintainer) =~ ^[^\<]+\ \<[^@]+@[^\>]+\>$ ]] || bad="$bad Maintainer"
[[ $(field Depends) == *initramfs-tools* ]] || bad="$bad Depends"
[[ $(field Built-Using) == *"glibc (= "* ]] || bad="$bad Built-Using"
[[ $(field Installed-Size) =~ ^[0-9]+$ ]] || bad="$bad Installed-Size"
[ "$(field Description | wc -l)" -gt 3 ] || bad="$bad Description"
[ -z "$bad" ] && t_pass || t_fail "wrong:$bad"

t_name=deb_scripts
bad=
for s in postinst prerm postrm; do
	{ [ -x "$t_tmp/ctl/$s" ] && sh -n "$t_tmp/ctl/$s"; } || bad="$bad $s"
done
(cd "$t_tmp/x" && md5sum -c --quiet "$t_tmp/ctl/md5sums" >/dev/null 2>&1) || bad="$bad md5sums"
grep -qx "activate-noawait update-initramfs" "$t_tmp/ctl/triggers" 2>/dev/null || bad="$bad triggers"
[ -z "$bad" ] && t_pass || t_fail "wrong or missing:$bad"

# B's and R's initramfs: busybox and kjump, and no test workload.
t_name=deb_initrd
list=$(zcat "$t_tmp/x/usr/lib/kjump/initrd.cpio.gz" | cpio -t --quiet 2>/dev/null)
if grep -qx bin/kjump <<<"$list" && grep -qx bin/busybox <<<"$list" &&
	grep -qx init <<<"$list" && ! grep -qx workload <<<"$list"; then
	t_pass
else
	t_fail "holds: $(tr '\n' ' ' <<<"$list")"
fi

if command -v lintian >/dev/null; then
	t_run deb_lintian 0 lintian --fail-on error,warning "$deb"
	[ $t_rc -eq 0 ] && t_pass || t_fail "exit $t_rc: $(tr '\n' ' ' <<<"$t_out")"
else
	echo "SKIP deb_lintian: no lintian (scripts/deps deb installs it)"
fi

# make install and uninstall elsewhere. build/kjump is rebuilt for that
# PREFIX, then for the one it had.
before=$(cat build/libdir 2>/dev/null)
root=$t_tmp/root
t_run install_prefix 0 make -s install DESTDIR="$root" PREFIX=/opt/kj
want=$( {
	echo opt/kj/sbin/kjump
	echo opt/kj/lib/kjump/initrd.cpio.gz
	echo opt/kj/lib/kjump/sleep
	echo opt/kj/lib/kjump/resident
	echo opt/kj/lib/kjump/grub.d/42_kjump
	for f in dist/systemd/*; do
		[ -e "$f" ] && echo "opt/kj/lib/kjump/systemd/${f##*/}"
	done
	echo opt/kj/share/man/man8/kjump.8
	echo usr/share/initramfs-tools/hooks/kjump
	echo usr/share/initramfs-tools/scripts/local-premount/kjump
} | sort)
if [ $t_rc -ne 0 ]; then
	t_fail "exit $t_rc: $t_err"
else
	deb_same install_prefix "$want" "$(cd "$root" && find . -type f -printf '%P\n' | sort)"
fi
t_name=install_prefix_initrd
initrd=$("$root/opt/kj/sbin/kjump" load --help 2>&1 | sed -n 's/.*(default: \(.*initrd.*\))$/\1/p')
[ "$initrd" = /opt/kj/lib/kjump/initrd.cpio.gz ] && t_pass || t_fail "default initramfs '$initrd'"
t_run uninstall_prefix 0 make -s uninstall DESTDIR="$root" PREFIX=/opt/kj
left=$(find "$root" -type f -printf '%P ')
[ $t_rc -eq 0 ] && [ -z "$left" ] && t_pass || t_fail "exit $t_rc, left: $left"
if [ -n "$before" ]; then
	make -s build/kjump PREFIX="${before%/lib/kjump}" >/dev/null
else
	make -s build/kjump >/dev/null
fi

# dpkg installs, removes and purges the package in a minimal Debian 12
# (essential packages and initramfs-tools), made once by mmdebstrap and
# kept in the cache: everything it added is gone after the purge.
if [ "$(id -u)" != 0 ] || ! command -v mmdebstrap >/dev/null; then
	echo "SKIP deb_chroot: needs root and mmdebstrap (scripts/deps deb)"
	exit 0
fi
cache=${KJUMP_CACHE:-/var/cache/kjump}/deb-chroot
spec="--variant=essential --include=initramfs-tools bookworm"
tarball=$cache/$(sha256sum <<<"$spec" | cut -c1-16).tar
mkdir -p "$cache"
t_name=deb_chroot
if ! (flock 9 && { [ -e "$tarball" ] ||
	{ mmdebstrap --quiet --format=tar $spec "$tarball.tmp" && mv "$tarball.tmp" "$tarball"; }; }
) 9>"$cache/lock" >"$t_tmp/mmdebstrap.log" 2>&1; then
	t_fail "mmdebstrap $spec failed: $(tail -3 "$t_tmp/mmdebstrap.log")"
	exit 0
fi
ch=$t_tmp/chroot
mkdir "$ch" && tar -xf "$tarball" -C "$ch"
# What is there, but dpkg's own records and logs.
chroot_files() {
	(cd "$ch" && find . -xdev ! -path './var/lib/dpkg/*' ! -path './var/log/*' \
		! -path './tmp/*' | sort)
}
chroot_files >"$t_tmp/before"
cp "$deb" "$ch/tmp/kjump.deb"

t_run deb_chroot_install 0 chroot "$ch" dpkg -i /tmp/kjump.deb
if [ $t_rc -ne 0 ]; then
	t_fail "exit $t_rc: $t_err"
elif ! grep -q "run 'kjump setup'" <<<"$t_out"; then
	t_fail "postinst did not say to run 'kjump setup': $t_out"
elif ! chroot "$ch" kjump --version >/dev/null; then
	t_fail "kjump does not run in the chroot"
else
	t_pass
fi

# What setup leaves besides its configuration stays until the purge.
mkdir -p "$ch/etc/kjump" "$ch/var/lib/kjump"
echo 0 >"$ch/etc/kjump/image.extents"
echo image >"$ch/var/lib/kjump/image"
t_run deb_chroot_remove 0 chroot "$ch" dpkg -r kjump
left=$(awk '$1 !~ /^d/ { print $6 }' <<<"$listing" | while read -r f; do
	[ -e "$ch/$f" ] && echo "$f"
done | tr '\n' ' ')
if [ $t_rc -ne 0 ]; then
	t_fail "exit $t_rc: $t_err"
elif [ -n "$left" ]; then
	t_fail "left: $left"
elif [ ! -e "$ch/var/lib/kjump/image" ]; then
	t_fail "removal took /var/lib/kjump: only a purge should"
else
	t_pass
fi

t_run deb_chroot_purge 0 chroot "$ch" dpkg -P kjump
chroot_files >"$t_tmp/after"
if [ $t_rc -ne 0 ]; then
	t_fail "exit $t_rc: $t_err"
elif ! cmp -s "$t_tmp/before" "$t_tmp/after"; then
	t_fail "not as before: $(diff "$t_tmp/before" "$t_tmp/after" | grep '^[<>]' | head -5 | tr '\n' ' ')"
else
	t_pass
fi
