#!/bin/bash
# encrypted: A hibernates three times into vda: with --encrypt, with no
# option (a key is set up: it encrypts), and with --no-encrypt; and:
#   - the host finds none of the 64 64-byte pieces of A's random marker
#     page in the raw image (and all 64 in A's initramfs, the control);
#     'kjump info' says the image is encrypted; 'kjump verify' on the host
#     refuses a wrong passphrase and verifies with the right one;
#   - the second boot (C) is typed a wrong passphrase on its serial
#     console, then the right one, and A goes on: its 128 MiB checksum and
#     its counter hold;
#   - A then takes a snapshot into vdh (encrypted: a key is set up); the
#     host finds no piece of the marker in it, and all 64 in the ELF core
#     'kjump export' makes of it with the passphrase;
#   - the third boot takes the passphrase from kjump.keyfile=, and A goes
#     on again;
#   - the fourth boot, on the second image again, is typed three wrong
#     ones: it discards the image with the reason and boots on. There,
#     'kjump resume --check' with the right passphrase refuses, before
#     anything is loaded, each copy of the second image a forger who can
#     write the disk made: a byte of block 0's data, its run table, the
#     header's re-entry point, the sealed key (each with its checksum made
#     again), and an image sealed anew with the forger's own key, same
#     UUID and layout; and the third image, in the clear, as a boot with a
#     secret key refuses any, as R does when C handed it a key. An
#     untouched copy passes the check.
. "$(dirname "$0")/../lib.sh"
vm_setup encrypted
image=$work/image.raw pass="correct horse battery"
cmdline="crashkernel=160M@0x30000000 nokaslr"
vm_prep truncate -s 700M "$image"
mkdir -p "$work/keys"
printf '%s\n' "$pass" >"$work/keys/pass"
printf 'not the passphrase\n' >"$work/wrong"
# a cheap Argon2id: it runs under emulation, several times a boot
vm_prep "$KJ_BUILD/kjump" key new --dir "$work/keys" --passphrase-file "$work/keys/pass" \
	--kdf-ops 1 --kdf-mib 16
vm_prep dd if=/dev/urandom of="$work/marker" bs=4096 count=1

{
	echo '#!/bin/sh'
	vm_workload_lib
	cat <<'A'
if grep -q kjump_test.phase=after /proc/cmdline; then
	echo "enc-test: booted normally"
	for dev in vdb vdc vdd vde vdf vdg vdh; do
		kjump resume --check --image /dev/$dev --passphrase-file /etc/kjump/pass 2>&1 |
			grep -m1 -E '^kjump: (error|.* can be resumed)' | sed "s|^|enc-test: $dev: |"
	done
	# R, started by C with a key for an encrypted image, finds a plain
	# one with that UUID in its place
	head -c 48 /dev/urandom >/kjump-image.key
	uuid=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^kjump_test.uuid=//p')
	kjump restore --image /dev/vdh --uuid "$uuid" 2>&1 | grep -m1 '^kjump: error' |
		sed "s|^|enc-test: restore: |"
	echo "enc-test: checks done"
	exit 0
fi
cp /etc/marker /tmp/marker
start_membuf 128
check before
ticker >/dev/ttyS0 &
sleep 2
for n in 1 2 3; do
	echo "enc-test: hibernating $n"
	case $n in 1) how=--encrypt ;; 2) how= ;; 3) how=--no-encrypt ;; esac
	kjump hibernate --image /dev/vda $how 2>&1 | sed 's/^/enc-test: A: /'
	echo "enc-test: back $n"
	check after$n
	[ $n = 1 ] && kjump snapshot --image /dev/vdh 2>&1 | sed 's/^/enc-test: A: /'
	sleep 3		# the counter shows it goes on
done
A
} >"$work/a-workload"

vm_initramfs "$work/b.cpio.gz"
vm_a_initramfs "$work/a.cpio.gz" "$work/a-workload" "$work/b.cpio.gz" \
	--file "$KJ_BUILD/workload/ticker:/bin/ticker" \
	--file "$work/marker:/etc/marker" \
	--file "$work/keys/key.auth:/etc/kjump/key.auth" \
	--file "$work/keys/key.sec:/etc/kjump/key.sec" \
	--file "$work/keys/pass:/etc/kjump/pass"
# Every boot has the same eight disks: the firmware's memory map, which
# the resume compares, depends on them. vdb to vdh get the copies.
disk=(-drive "file=$image,format=raw,if=virtio,cache=unsafe")
for d in b c d e f g h; do
	vm_prep truncate -s 700M "$work/vd$d.raw"
	disk+=(-drive "file=$work/vd$d.raw,format=raw,if=virtio,cache=unsafe")
done

# hibernated NTH GUEST [plain]: GUEST hibernated A the NTH time,
# encrypted (or not), and went no further.
hibernated() {
	local a b
	a=$(vm_count "$2" "^enc-test: A: kjump: encrypting the image \((ChaCha20-Poly1305|AES-256-GCM)")
	b=$(vm_count "$2" "^kjump: saving .* encrypted with ")
	if [ -n "${3:-}" ]; then
		[ "$a" = 0 ] && [ "$b" = 0 ] || vm_fail "hibernation $1 was to be in the clear: A said $a, B $b"
	else
		[ "$a" -ge 1 ] || vm_fail "A did not encrypt hibernation $1: $(vm_field "$2" 'enc-test: A: kjump: error: ')"
		[ "$b" = "$a" ] || vm_fail "hibernation $1: A encrypted $a images, B $b"
	fi
	vm_count "$2" "^kjump: hibernated, powering off$" >/dev/null ||
		vm_fail "B did not save hibernation $1: $(vm_field "$2" 'kjump: error: ')"
	vm_count "$2" "^enc-test: back $1$" >/dev/null && vm_fail "A went on after hibernation $1"
	return 0
}

# resumed NTH GUEST: A came back from hibernation NTH with its memory.
resumed() {
	vm_count "$2" "^enc-test: A: kjump: resumed from hibernation in '/dev/vda'$" >/dev/null ||
		vm_fail "A did not resume in $2: $(vm_field "$2" 'kjump: error: ')"
	[ "$(vm_field "$2" "membuf: after$1 checksum=")" = "$before" ] ||
		vm_fail "A's 128 MiB changed: $before before, $(vm_field "$2" "membuf: after$1 checksum=") after"
}

ticks() {
	vm_log "$1" | sed -n 's/^ticker: \([0-9]*\)$/\1/p' | "$2" -1
}

vm_boot first "$work/a.cpio.gz" "$cmdline" 900 1G 2 "${disk[@]}"
[ $? -eq 124 ] && vm_fail "the first boot did not power off within 900 s"
hibernated 1 first
before=$(vm_field first 'membuf: before checksum=')

# Nothing of A in the clear: a piece of the marker page would be found
# wherever it lies, compressed or not, at any byte.
gzip -dc "$work/a.cpio.gz" >"$work/a.cpio" || vm_fail "on the host, cannot unpack A's initramfs"
found() {
	perl -e '
		open(M, "<", $ARGV[0]) or die; binmode M; read(M, my $m, 4096) == 4096 or die;
		my $re = join("|", map { quotemeta(substr($m, 64 * $_, 64)) } 0 .. 63);
		open(F, "<", $ARGV[1]) or die; binmode F;
		my ($n, $tail, %seen) = (0, "");
		while (read(F, my $buf, 16 << 20)) {
			$buf = $tail . $buf;
			$seen{$1} = 1 while $buf =~ /($re)/g;
			$tail = substr($buf, -63);
		}
		print scalar(keys %seen), "\n";' "$work/marker" "$1"
}
[ "$(found "$work/a.cpio")" = 64 ] || vm_fail "the search does not find the marker where it is"
in_clear=$(found "$image")
[ "$in_clear" = 0 ] || vm_fail "$in_clear pieces of A's marker page are in the image in the clear"
"$KJ_BUILD/kjump" info "$image" >"$work/info" 2>&1
grep -qE "^encryption: +(ChaCha20-Poly1305|AES-256-GCM), key [0-9a-f]{16}$" "$work/info" ||
	vm_fail "kjump info does not say the image is encrypted: $(grep encryption "$work/info")"
"$KJ_BUILD/kjump" verify --secret-key "$work/keys/key.sec" --passphrase-file "$work/wrong" \
	"$image" >"$work/verify-wrong" 2>&1 && vm_fail "kjump verify took a wrong passphrase"
grep -q "the passphrase does not open the secret key" "$work/verify-wrong" ||
	vm_fail "kjump verify with a wrong passphrase: $(head -1 "$work/verify-wrong")"
"$KJ_BUILD/kjump" verify --secret-key "$work/keys/key.sec" --passphrase-file "$work/keys/pass" \
	"$image" >"$work/verify" 2>&1 || vm_fail "the image does not verify: $(tail -1 "$work/verify")"

# A wrong passphrase, then the right one, typed on C's console.
prompt="^kjump: passphrase for '/dev/vda'"
vm_type "$prompt" "not the passphrase" "$pass"
vm_boot typed "$work/a.cpio.gz" "$cmdline kjump.resume=/dev/vda" 900 1G 2 "${disk[@]}"
[ $? -eq 124 ] && vm_fail "the typed resume did not finish within 900 s"
[ "$(vm_count typed "^kjump: error: the passphrase does not open the secret key: try again$")" = 1 ] ||
	vm_fail "C did not refuse the wrong passphrase once"
vm_count typed "^kjump: the passphrase opened '/dev/vda'" >/dev/null ||
	vm_fail "C did not take the right passphrase: $(vm_field typed 'kjump: error: ')"
resumed 1 typed
[ "$(ticks typed head)" -gt "$(ticks first tail)" ] || vm_fail "the counter restarted"
hibernated 2 typed

# The snapshot: encrypted, and opened again with the passphrase.
vm_count typed "^enc-test: A: kjump: snapshot saved in '/dev/vdh'" >/dev/null ||
	vm_fail "no snapshot: $(vm_field typed 'enc-test: A: kjump: error: ')"
in_clear=$(found "$work/vdh.raw")
[ "$in_clear" = 0 ] || vm_fail "$in_clear pieces of A's marker page are in the snapshot in the clear"
"$KJ_BUILD/kjump" export --secret-key "$work/keys/key.sec" --passphrase-file "$work/keys/pass" \
	--elf "$work/vdh.raw" "$work/snapshot.elf" >"$work/export" 2>&1 ||
	vm_fail "the snapshot does not export: $(tail -1 "$work/export")"
[ "$(found "$work/snapshot.elf")" = 64 ] || vm_fail "the exported snapshot does not hold the marker page"
rm -f "$work/snapshot.elf"

# What a forger who can write the disk can do, each on a copy of the
# second image; one copy untouched, one to come back to.
vm_prep cp --sparse=always "$image" "$work/image2.raw"
for c in b:sealed-data c:sealed-runs d:reentry e:sealed-key f:forge=$work/keys/key.pub g:; do
	vm_prep cp --sparse=always "$image" "$work/vd${c%%:*}.raw"
	[ -n "${c#*:}" ] && vm_prep "$KJ_BUILD/tests/imgcorrupt" "$work/vd${c%%:*}.raw" "${c#*:}"
done

# The passphrase from a key file in the initramfs.
vm_boot keyfile "$work/a.cpio.gz" "$cmdline kjump.resume=/dev/vda kjump.keyfile=/etc/kjump/pass" \
	900 1G 2 "${disk[@]}"
[ $? -eq 124 ] && vm_fail "the key file resume did not finish within 900 s"
vm_count keyfile "$prompt" >/dev/null && vm_fail "C asked for the passphrase despite kjump.keyfile="
resumed 2 keyfile
hibernated 3 keyfile plain
vm_prep cp --sparse=always "$image" "$work/vdh.raw"
vm_prep cp --sparse=always "$work/image2.raw" "$image"

# Three wrong passphrases: the image is given up, the boot goes on.
plain_uuid=$("$KJ_BUILD/kjump" info "$work/vdh.raw" | sed -n 's/^uuid: *//p' | tr -d -)
vm_type "$prompt" wrong1 wrong2 wrong3
vm_boot refused "$work/a.cpio.gz" "$cmdline kjump.resume=/dev/vda kjump_test.phase=after kjump_test.uuid=$plain_uuid" \
	900 1G 2 "${disk[@]}"
[ $? -eq 124 ] && vm_fail "the refusing boot did not finish within 900 s"
[ "$(vm_count refused "^kjump: error: the passphrase does not open the secret key")" = 3 ] ||
	vm_fail "C did not refuse three passphrases"
vm_count refused "^kjump: discarded '/dev/vda': it is encrypted, and its key was not opened$" >/dev/null ||
	vm_fail "C did not discard the image: $(vm_field refused 'kjump: error: ')"
vm_count refused "^enc-test: booted normally$" >/dev/null || vm_fail "the boot did not go on"
"$KJ_BUILD/kjump" info "$image" | grep -q "^state: *discarded: it is encrypted, and its key was not opened$" ||
	vm_fail "the image is not discarded with its reason: $("$KJ_BUILD/kjump" info "$image" | grep state)"
vm_count refused "^enc-test: checks done$" >/dev/null || vm_fail "the checks did not run"

# expect DEV MESSAGE: kjump resume --check's first line about DEV's copy.
expect() {
	local got
	got=$(vm_field refused "enc-test: $1: ")
	[ "$got" = "$2" ] || vm_fail "$1: got '$got', want '$2'"
}
tag="does not authenticate under its key: altered, or forged"
expect vdb "kjump: error: cannot resume '/dev/vdb': $tag"
expect vdc "kjump: error: cannot resume '/dev/vdc': $tag"
expect vdd "kjump: error: '/dev/vdd': $tag"
expect vde "kjump: error: '/dev/vde': its sealed key does not open (altered, or forged)"
expect vdf "kjump: error: '/dev/vdf': $tag"
expect vdh "kjump: error: '/dev/vdh' is not encrypted, and this system resumes only encrypted images (a key is set up: /etc/kjump/key.sec)"
expect restore "kjump: error: '/dev/vdh' is not encrypted, and the image C checked was"
vm_field refused "enc-test: vdg: " | grep -q "^kjump: '/dev/vdg' can be resumed" ||
	vm_fail "the untouched copy does not pass the check: $(vm_field refused 'enc-test: vdg: ')"
rm -f "$image" "$work"/vd?.raw "$work/image2.raw" "$work/a.cpio"
vm_pass "checksum $before kept through 2 encrypted resumes; 0 of 64 marker pieces in the image; 5 forgeries and a plain image refused"
