#!/bin/bash
# kjump key new, show and check, as a user runs them: the files they
# write, what they say, and each refusal, with nothing lost.
. "$(dirname "$0")/lib.sh"
d=$t_tmp/keys
mkdir -p "$d"
printf 'correct horse\n' >"$t_tmp/pass"
printf 'wrong horse\n' >"$t_tmp/wrong"
: >"$t_tmp/empty"
cheap="--kdf-ops 1 --kdf-mib 8"

t_run key_new_writes_all_three 0 "$KJUMP" key new --dir "$d" --passphrase-file "$t_tmp/pass" $cheap
id=$(sed -n 's/^id //p' "$d/key.pub" 2>/dev/null)
if [ $t_rc -ne 0 ]; then
	t_fail "exit $t_rc: $t_err"
elif [ "$(stat -c %a "$d/key.sec")" != 600 ] || [ "$(stat -c %a "$d/key.pub")" != 644 ] ||
	[ "$(stat -c %a "$d/key.auth")" != 600 ]; then
	t_fail "modes: $(stat -c '%n %a' "$d"/key.*)"
elif [ "$(head -1 "$d/key.pub")" != "kjump public key 1" ] ||
	[ "$(head -1 "$d/key.sec")" != "kjump secret key 1" ] ||
	! grep -qx "id $id" "$d/key.sec" ||
	! grep -qx 'argon2id13 ops 1 mem 8388608 salt [0-9a-f]\{32\}' "$d/key.sec" ||
	[ "$(head -3 "$d/key.auth" | tail -2)" != "$(tail -2 "$d/key.pub")" ] ||
	[ "$(head -1 "$d/key.auth")" != "kjump auth key 1" ] ||
	! grep -qx 'blake2b [0-9a-f]\{64\}' "$d/key.auth"; then
	t_fail "files: $(cat "$d/key.pub" "$d/key.sec" "$d/key.auth")"
elif [ "$t_out" != "kjump: made key $id: public '$d/key.pub', secret '$d/key.sec' (under the passphrase), '$d/key.auth' (root only)" ]; then
	t_fail "said: $t_out $t_err"
elif grep -q 'correct horse' "$d/key.sec" "$d/key.pub" "$d/key.auth"; then
	t_fail "the passphrase is in a key file"
else
	t_pass
fi

t_run key_show 0 "$KJUMP" key show --dir "$d"
if [ $t_rc -eq 0 ] && grep -qx "key:        $id (X25519; images' keys sealed to it)" <<<"$t_out" &&
	grep -q "Argon2id, 1 passes over 8 MiB" <<<"$t_out"; then
	t_pass
else
	t_fail "exit $t_rc: $t_out $t_err"
fi

t_run key_check_opens 0 "$KJUMP" key check --dir "$d" --passphrase-file "$t_tmp/pass"
[ $t_rc -eq 0 ] && [ "$t_out" = "kjump: the passphrase opens key $id" ] && t_pass ||
	t_fail "exit $t_rc: $t_out $t_err"
t_expect key_check_wrong_passphrase 1 "kjump: error: the passphrase does not open key $id (or its file was changed)" \
	"$KJUMP" key check --dir "$d" --passphrase-file "$t_tmp/wrong"

# A key that is there is kept: images sealed to it need it.
cp "$d/key.sec" "$t_tmp/before"
t_expect key_new_keeps_a_key 1 "kjump: error: a key is there already ('$d/key.sec'): images sealed to it need it" \
	"$KJUMP" key new --dir "$d" --passphrase-file "$t_tmp/pass" $cheap
t_run key_new_kept_the_bytes 0 cmp -s "$t_tmp/before" "$d/key.sec"
[ $t_rc -eq 0 ] && t_pass || t_fail "the secret key file changed"

t_run key_new_force_replaces 0 "$KJUMP" key new --dir "$d" --passphrase-file "$t_tmp/wrong" $cheap --force
if [ $t_rc -eq 0 ] && ! cmp -s "$t_tmp/before" "$d/key.sec" &&
	"$KJUMP" key check --dir "$d" --passphrase-file "$t_tmp/wrong" >/dev/null 2>&1; then
	t_pass
else
	t_fail "exit $t_rc: $t_err"
fi

t_expect key_new_empty_passphrase 1 "kjump: error: the passphrase is empty: a key needs one" \
	"$KJUMP" key new --dir "$t_tmp/other" --passphrase-file "$t_tmp/empty" $cheap
t_run key_new_empty_left_nothing 0 test ! -e "$t_tmp/other/key.sec"
[ $t_rc -eq 0 ] && t_pass || t_fail "a key file was left"
# no terminal to ask on (setsid: no controlling terminal; stdin no
# terminal either, as where a test runs from may give it one)
t_expect key_new_no_terminal 1 "kjump: error: no terminal to ask the passphrase on: give --passphrase-file FILE" \
	bash -c 'exec setsid -w "$@" </dev/null' - "$KJUMP" key new --dir "$t_tmp/other" $cheap
t_expect key_new_bad_cost 2 "kjump: error: --kdf-mib takes a positive number, not 'lots'" \
	"$KJUMP" key new --dir "$t_tmp/other" --kdf-mib lots
t_expect key_new_cost_out_of_range 1 "kjump: error: cannot make a key: Argon2id does not take that cost (--kdf-ops 1 to 64, --kdf-mib up to 4096)" \
	"$KJUMP" key new --dir "$t_tmp/other" --passphrase-file "$t_tmp/pass" --kdf-ops 65

# Damaged files
sed -i 's/ops 1 /ops 2 /' "$d/key.sec"
t_expect key_check_changed_cost 1 "kjump: error: the passphrase does not open key $(sed -n 's/^id //p' "$d/key.pub") (or its file was changed)" \
	"$KJUMP" key check --dir "$d" --passphrase-file "$t_tmp/wrong"
echo garbage >"$d/key.sec"
t_expect key_show_not_a_key 1 "kjump: error: '$d/key.sec' is not a kjump secret key file, or it is damaged" \
	"$KJUMP" key show --dir "$d"
t_expect key_show_no_key 1 "kjump: error: cannot read '$t_tmp/none/key.sec': No such file or directory" \
	"$KJUMP" key show --dir "$t_tmp/none"
t_run key_usage 2 "$KJUMP" key
[ $t_rc -eq 2 ] && grep -q '^usage: kjump key new' <<<"$t_err" && t_pass || t_fail "exit $t_rc: $t_err"
