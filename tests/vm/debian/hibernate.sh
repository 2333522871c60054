# Sourced by the scenarios that hibernate the Debian guest (debian,
# debian-oneboot), after tests/vm/lib.sh and tests/vm/debian/lib.sh: the
# steps they share, each deciding on what the guest printed. bench/debian
# uses them too, for the kernel's own hibernation as well: with
# kj_system=swsusp the checks that only kjump passes are left out, and
# kj_drives holds qemu arguments for more disks (a swap partition).
kj_system=kjump
kj_drives=()

stages=$KJ_TOP/tests/vm/debian/stages

# kj_stage NAME STAGE [FILE...]: stage disk $work/NAME.raw running
# stages/STAGE, with FILEs beside it.
kj_stage() {
	local name=$1 stage=$2
	shift 2
	rm -rf "$work/$name"
	mkdir -p "$work/$name"
	cp "$stages/$stage" "$work/$name/run"
	[ $# -gt 0 ] && cp "$@" "$work/$name/"
	debian_stage "$work/$name" "$work/$name.raw"
}

# kj_packages: the current kjump package (make deb) in $deb, and the
# workload, built here against Debian 12's libsqlite3, in $load.
kj_packages() {
	make -s -C "$KJ_TOP" deb >"$work/deb.log" 2>&1 ||
		vm_fail "make deb failed, see $work/deb.log"
	deb=$(ls -t "$KJ_BUILD"/kjump_*_amd64.deb | head -1)
	load=$work/kjtest-load
	cc -O2 -o "$load" "$KJ_TOP/tests/vm/debian/load.c" -lsqlite3 2>"$work/load.log" ||
		vm_fail "cannot build the workload, see $work/load.log"
}

# kj_install: the first boot: apt installs the package, then 'kjump
# setup'; the guest powers off. The installed disk is kept beside the
# scenarios' work folders, keyed by the package and the base disk, so the
# next Debian scenario of the same run, under the same firmware, starts
# from it (the install boot costs minutes under emulation); installed_by
# says which did it.
kj_install() {
	local shared=${KJ_VM_WORK:-$KJ_BUILD/vm}/debian-installed$(vm_firmware_suffix -) key base
	base=$("$KJ_TOP/tests/vm/debian/build-disk" 2>/dev/null) ||
		vm_fail "tests/vm/debian/build-disk failed the second time"
	# what the package holds, not when it was packed
	key=$({ dpkg-deb -I "$deb" md5sums; echo "$base"; } | sha256sum | cut -c1-16)
	if [ -f "$shared/$key.raw" ]; then
		cp --sparse=always "$shared/$key.raw" "$work/disk.raw" ||
			vm_fail "cannot copy the installed disk"
		installed_by=$(cat "$shared/$key.by")
		setup_took=$(cat "$shared/$key.took")
		return
	fi
	: >"$work/setup-args"
	kj_stage install install "$deb" "$work/setup-args"
	debian_boot install "$work/disk.raw" "$work/install.raw" 900
	[ $? -eq 124 ] && vm_fail "install: the guest did not power off within 900 s"
	vm_count install "^kjtest: install: installed kjump " >/dev/null ||
		vm_fail "install: apt did not install the package: $(debian_field install 'install: apt failed: ')"
	vm_count install "^kjtest: setup: exit 0 " >/dev/null ||
		vm_fail "install: kjump setup failed: $(vm_log install | grep '^kjtest: setup: kjump: error' | head -2)"
	setup_took=$(debian_field install 'setup: exit 0 after ')
	installed_by=$vm_name
	rm -rf "$shared"
	mkdir -p "$shared"
	cp --sparse=always "$work/disk.raw" "$shared/$key.raw" &&
		echo "$vm_name" >"$shared/$key.by" && echo "$setup_took" >"$shared/$key.took"
}

# kj_hibernate: the boot after setup: the workload, then 'systemctl
# hibernate'; the guest must power off through B, before the stage's
# after-resume part. Sets hib_s, from the request to qemu's end.
kj_hibernate() {
	local asked end
	kj_stage hibernate hibernate "$load" "$@"
	debian_boot hibernate "$work/disk.raw" "$work/hibernate.raw" 1200 "${kj_drives[@]}"
	[ $? -eq 124 ] && vm_fail "hibernate: the guest did not power off within 1200 s"
	end=$(date +%s.%N)
	boot_up=$debian_up
	[ "$(debian_field hibernate 'state: ')" = running ] ||
		vm_fail "hibernate: the system booted to '$(debian_field hibernate 'state: ')', not running"
	[ "$(debian_field hibernate 'logind: CanHibernate ')" = 's "yes"' ] ||
		vm_fail "hibernate: logind's CanHibernate says $(debian_field hibernate 'logind: CanHibernate ')"
	[ "$kj_system" = kjump ] && kj_set_up
	before=$(debian_field hibernate 'before: checksum=' | cut -d' ' -f1)
	[ -n "$before" ] || vm_fail "hibernate: the workload did not start: $(debian_field hibernate 'load: ')"
	boot_id=$(debian_field hibernate 'boot: .*, boot ' | cut -d, -f1)
	vm_count hibernate "^kjtest: after: " >/dev/null &&
		vm_fail "hibernate: the system came back instead of powering off: $(vm_log hibernate | grep -E 'kjump.*error|PM: .*(rror|ail)|Failed to put system to sleep' | head -2)"
	[ "$kj_system" != kjump ] || vm_count hibernate "^kjump: hibernated, powering off$" >/dev/null ||
		vm_fail "hibernate: no line from B saving the image"
	# the last attempt's (HIBERNATE_TRIES in the stage)
	asked=$(vm_log hibernate | sed -n 's/^kjtest: hibernate: asking at //p' | tail -1)
	kj_attempts=$(vm_count hibernate '^kjtest: hibernate: asking at ')
	hib_s=$(awk -v a="$asked" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
}

# kj_set_up: the boot after setup is as kjump setup made it: GRUB gave the
# kernel setup's arguments, kjump status says hibernation will work.
kj_set_up() {
	debian_field hibernate 'boot: cmdline ' | grep -q '^BOOT_IMAGE=.* crashkernel=[0-9]*M@0x[0-9a-f]* nokaslr' ||
		vm_fail "hibernate: GRUB did not boot the kernel with setup's arguments: $(debian_field hibernate 'boot: cmdline ')"
	vm_count hibernate "^kjtest: status: hibernate: +will work" >/dev/null ||
		vm_fail "hibernate: kjump status: $(debian_field hibernate 'status: hibernate: *')"
}

# kj_resumed GUEST START: the stage's after-resume part ran in GUEST: the
# same boot, the same checksum, the database whole and its rows
# continuous, the hooks in the journal, the system running. START is when
# GUEST was powered on; sets resume_s, from then to A running.
kj_resumed() {
	local g=$1 start=$2 rows count min max at
	vm_count "$g" "^kjtest: fresh: " >/dev/null &&
		vm_fail "$g: the guest booted normally instead of resuming: $(vm_log "$g" | grep -E 'kjump.*(error|no hibernated)' | head -3)"
	[ "$(debian_field "$g" 'after: boot ' | cut -d, -f1)" = "$boot_id" ] ||
		vm_fail "$g: no resume of boot $boot_id: $(debian_field "$g" 'after: boot ')"
	[ "$(debian_field "$g" 'after: checksum=' | cut -d' ' -f1)" = "$before" ] ||
		vm_fail "$g: the workload's checksum changed: '$before' before, '$(debian_field "$g" 'after: checksum=')' after"
	[ "$(debian_field "$g" 'sqlite: integrity ')" = ok ] ||
		vm_fail "$g: PRAGMA integrity_check: $(debian_field "$g" 'sqlite: integrity ')"
	rows=$(debian_field "$g" 'sqlite: rows ')
	read -r count min max <<<"$rows"
	[ -n "$count" ] && [ "$count" -gt 30 ] && [ "$count" -eq $((max - min + 1)) ] ||
		vm_fail "$g: rows not continuous: count min max = $rows"
	gap=$(debian_field "$g" 'sqlite: gap ')
	vm_count "$g" "^kjtest: journal: kjtest-hook: pre hibernate" >/dev/null &&
		vm_count "$g" "^kjtest: journal: kjtest-hook: post hibernate" >/dev/null ||
		vm_fail "$g: the journal lacks the pre/post hibernate hooks: $(vm_log "$g" | grep '^kjtest: journal:' | head -5)"
	vm_count "$g" "^kjtest: journal: (kjump-sleep: )?[Ss]ystem returned from sleep state" >/dev/null ||
		vm_fail "$g: the journal does not show the resume"
	vm_count "$g" "^kjtest: unit: Result=success ExecMainStatus=0" >/dev/null ||
		vm_fail "$g: systemd-hibernate.service: $(debian_field "$g" 'unit: ')"
	[ "$(debian_field "$g" 'state: ')" = running ] ||
		vm_fail "$g: the system is '$(debian_field "$g" 'state: ')' after the resume: $(debian_field "$g" 'failed: ')"
	at=$(debian_field "$g" 'after: running again at ')
	resume_s=$(awk -v a="$start" -v b="$at" 'BEGIN { printf "%.1f", b - a }')
}

# kj_normal_boot: the boot after a resume (the stage 'fresh') is a normal
# one: a new boot id, the system running, and 'kjump info' says the image
# was resumed.
kj_normal_boot() {
	local new
	debian_boot normal "$work/disk.raw" "$work/fresh.raw" 900
	[ $? -eq 124 ] && vm_fail "normal: the guest did not power off within 900 s"
	[ "$(debian_field normal 'fresh: state ')" = running ] ||
		vm_fail "normal: the boot after is not a normal one: '$(debian_field normal 'fresh: state ')'"
	new=$(debian_field normal 'fresh: boot ' | cut -d, -f1)
	[ -n "$new" ] && [ "$new" != "$boot_id" ] || vm_fail "normal: boot id '$new'"
	vm_count normal "^kjtest: fresh: info: .*(consumed|resumed)" >/dev/null ||
		vm_fail "normal: kjump info does not say the image was resumed: $(vm_log normal | grep '^kjtest: fresh: info' | head -3)"
}

# kj_fsck: after a clean shutdown the root file system (the disk's last
# partition, after the EFI system partition if there is one) is clean to
# the host's e2fsck -fn.
kj_fsck() {
	local start loop out
	start=$(sfdisk -d "$work/disk.raw" 2>/dev/null | sed -n 's/.*start= *\([0-9]*\),.*/\1/p' | tail -1)
	[ -n "$start" ] || vm_fail "cannot read the disk's partition table"
	loop=$(losetup -f --show -r -o $((start * 512)) "$work/disk.raw") ||
		vm_fail "cannot attach the root partition"
	out=$(e2fsck -fn "$loop" 2>&1)
	local rc=$?
	losetup -d "$loop"
	[ $rc -eq 0 ] || vm_fail "e2fsck -fn of the root file system: $(tail -3 <<<"$out" | tr '\n' ' ')"
}
