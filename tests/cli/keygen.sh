#!/bin/bash
# ss-keygen: identity files, public keys, and how ss-encrypt and ss-decrypt
# refuse mistyped, misplaced or exposed keys.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

PUBRE='sspub1-[A-Za-z0-9_-]{48}'
SECRE='SS-SECRET-KEY-1-[A-Za-z0-9_-]{48}'

# -o FILE: mode 0600, the public key on stderr, nothing on stdout.
expect_status 0 ss_keygen -o alice.key > out
[ ! -s out ] || fail "ss-keygen -o wrote to stdout"
expect_stderr "^public key: $PUBRE\$"
pub=$(sed 's/^public key: //' stderr)
[ "$(stat -c %a alice.key)" = 600 ] ||
    fail "identity has mode $(stat -c %a alice.key), expected 600"
# ... even if the umask would allow more.
(umask 022 && ss_keygen -o loose.key 2>/dev/null) || fail "keygen under umask 022"
[ "$(stat -c %a loose.key)" = 600 ] || fail "umask 022 gave mode $(stat -c %a loose.key)"
[ "$(grep -Ec "^$SECRE\$" alice.key)" = 1 ] || fail "no secret key line in the identity"
grep -v '^#' alice.key | grep -Evq "^$SECRE\$" && fail "identity holds stray lines"

# -y FILE and -y on stdin print the same public key as -o did.
expect_status 0 ss_keygen -y alice.key > y1
[ "$(cat y1)" = "$pub" ] || fail "ss-keygen -y printed '$(cat y1)', -o said '$pub'"
[ ! -s stderr ] || fail "ss-keygen -y wrote to stderr: $(cat stderr)"
expect_status 0 ss_keygen -y < alice.key > y2
expect_same y1 y2 "ss-keygen -y on stdin"
[ "$(grep -c . y1)" = 1 ] && grep -Eq "^$PUBRE\$" y1 || fail "malformed public key: $(cat y1)"

# ss-keygen > FILE: the file is made private, whatever the umask.
(umask 022 && ss_keygen > redirected.key 2>/dev/null) || fail "ss-keygen > file"
[ "$(stat -c %a redirected.key)" = 600 ] ||
    fail "ss-keygen > file left mode $(stat -c %a redirected.key)"
ss_keygen -y redirected.key > /dev/null || fail "ss-keygen > file made a bad identity"

# Refuses to overwrite an existing file.
cp alice.key before
expect_status 2 ss_keygen -o alice.key
expect_stderr '^ss-keygen: alice\.key: file exists'
expect_same before alice.key "a refused ss-keygen -o"

# Without -o: the identity goes to stdout, and works.
expect_status 0 ss_keygen > bob.key
expect_stderr "^public key: $PUBRE\$"
bobpub=$(sed 's/^public key: //' stderr)
[ "$bobpub" != "$pub" ] || fail "two runs made the same key"
[ "$(ss_keygen -y bob.key)" = "$bobpub" ] || fail "stdout identity has another public key"

# An identity file with several keys (and comments, blank lines, CRLF):
# -y prints each public key, in order.
{ cat alice.key; printf '\n   \n# comment\n'; grep -v '^#' bob.key | tr -d '\n'; printf '\r\n'; } > both.key
expect_status 0 ss_keygen -y both.key > y3
printf '%s\n%s\n' "$pub" "$bobpub" > want
expect_same want y3 "ss-keygen -y on two keys"

# The keys work: encrypt to alice, decrypt with alice's file or with both.
printf 'a,b\n1,2\n' > in.csv
ss_encrypt -r "$pub" -o a.ss in.csv || fail "encrypt to a fresh key"
expect_status 0 ss_decrypt -i alice.key a.ss > out
expect_same in.csv out "decrypt with a fresh key"
expect_status 0 ss_decrypt -i both.key a.ss > out
expect_same in.csv out "decrypt with a two-key identity file"

# An identity on standard input.
cat alice.key | ss_decrypt -i - a.ss > out || fail "ss-decrypt -i - from a pipe"
expect_same in.csv out "decrypt with -i -"

# Misused keys, each with its own message, exit 2, no output.
# One character changed: caught by the checksum (or not base64 any more).
for pos in 7 20 40 54; do
	c=$(printf '%s' "$pub" | cut -c $((pos + 1)))
	if [ "$c" = A ]; then r=B; else r=A; fi
	bad=$(printf '%s' "$pub" | sed "s/./$r/$((pos + 1))")
	[ "$bad" != "$pub" ] || fail "test bug: key unchanged"
	expect_status 2 ss_encrypt -r "$bad" -o typo.ss in.csv
	expect_stderr_is "ss-encrypt: -r: '$bad': public key checksum mismatch (mistyped or truncated?)"
	expect_no_output . typo.ss
done
bad=$(printf '%s' "$pub" | sed 's/./!/20')
expect_status 2 ss_encrypt -r "$bad" in.csv
expect_stderr_is "ss-encrypt: -r: '$bad': malformed public key (wrong length or characters)"
bad=${pub%?}
expect_status 2 ss_encrypt -r "$bad" in.csv
expect_stderr "^ss-encrypt: -r: 'sspub1-[^ ]*': malformed public key"
# A secret key where a public key belongs: said so, and never echoed (not
# even mangled).
sec=$(grep -v '^#' alice.key)
secret=${sec#SS-SECRET-KEY-1-}
expect_status 2 ss_encrypt -r "$sec" in.csv
expect_stderr '^ss-encrypt: -r: this is a secret key, not a public key'
for variant in "$(printf '%s' "$sec" | tr A-Z a-z)" "${sec%?}" "${sec}x" " $sec"; do
	expect_status 2 ss_encrypt -r "$variant" in.csv
	expect_stderr '^ss-encrypt: -r: '
	grep -qiF -- "${secret%?????}" stderr && fail "a secret key was echoed: $(cat stderr)"
done
# Garbage.
expect_status 2 ss_encrypt -r hello in.csv
expect_stderr "^ss-encrypt: -r: 'hello': not a securestreams public key"
expect_status 2 ss_encrypt -r '' in.csv
expect_stderr "^ss-encrypt: -r: '': not a securestreams public key"

# Identity files that ss-decrypt must refuse (exit 2).
cp alice.key open.key
chmod 644 open.key
expect_status 2 ss_decrypt -i open.key a.ss > out
expect_stderr '^ss-decrypt: open\.key: .*too open'
[ ! -s out ] || fail "decrypted with a world-readable key"
chmod 640 open.key
expect_status 2 ss_decrypt -i open.key a.ss > out
expect_stderr '^ss-decrypt: open\.key: .*too open'
expect_status 2 ss_info -i open.key a.ss
expect_stderr '^ss-info: open\.key: .*too open'
# A public key given as an identity.
printf '%s\n' "$pub" > pub.key
expect_status 2 ss_decrypt -i pub.key a.ss
expect_stderr '^ss-decrypt: pub\.key: line 1: this is a public key, not an identity'
# No key in the file at all; a mistyped secret key.
printf '# nothing\n\n' > empty.key
expect_status 2 ss_decrypt -i empty.key a.ss
expect_stderr_is "ss-decrypt: empty.key: no secret key in file"
{ printf '# x\n'; grep -v '^#' alice.key | sed 's/.$/\!/'; } > typo.key
expect_status 2 ss_decrypt -i typo.key a.ss
expect_stderr '^ss-decrypt: typo\.key: line 2: malformed secret key'
grep -qF -- "${secret%?????}" stderr && fail "a secret key was echoed: $(cat stderr)"
c=$(printf '%s' "$sec" | cut -c 31)
if [ "$c" = _ ]; then r=-; else r=_; fi
printf '%s\n' "$sec" | sed "s/./$r/31" > typo2.key
expect_status 2 ss_decrypt -i typo2.key a.ss
expect_stderr '^ss-decrypt: typo2\.key: line 1: (secret key checksum mismatch|malformed secret key)'
grep -qF -- "${secret%?????}" stderr && fail "a secret key was echoed: $(cat stderr)"
expect_status 2 ss_decrypt -i missing.key a.ss
expect_stderr '^ss-decrypt: missing\.key: .*No such file or directory$'
expect_status 2 ss_keygen -y missing.key
expect_stderr '^ss-keygen: missing\.key: .*No such file or directory$'

# Usage errors.
expect_status 2 ss_keygen -y -o x.key alice.key
expect_usage_error '^ss-keygen: '
[ ! -e x.key ] || fail "ss-keygen -y -o created a file"
expect_status 2 ss_keygen -o x.key extra
expect_usage_error "^ss-keygen: unexpected argument 'extra'"
[ ! -e x.key ] || fail "a usage error created a key"
expect_status 2 ss_keygen -o x.key -o y.key
expect_usage_error '^ss-keygen: option -o given more than once'
[ ! -e x.key ] && [ ! -e y.key ] || fail "a usage error created a key"

pass
