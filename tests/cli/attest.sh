#!/bin/bash
# ss-attest and sealed stages: the software platform, measurements, stage
# identities and their quotes (every way a quote is refused), sealing (every
# way a sealed identity is refused), and the attested flow end to end:
# owner verifies the quote, encrypts to the stage, ss-map --sealed projects,
# the consumer decrypts.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

unset SS_TEE SS_ENCLAVE
export SS_PLATFORM=$TMP/plat
IMG=$SS_BIN/../libexec/securestreams/ss-enclave
[ -f "$IMG" ] || fail "test bug: no enclave image at $IMG"

ss_attest() { $SS_WRAP "$SS_BIN/ss-attest" "$@"; }
ss_map() { $SS_WRAP "$SS_BIN/ss-map" "$@"; }

newkey consumer; C=$PUB
newkey other; O=$PUB

# quote_decode QUOTE: the quote's bytes (its text form is "ssquote1-" and
# unpadded base64url).
quote_decode() {
	b64=$(sed 's/^ssquote1-//' "$1")
	while [ $(( ${#b64} % 4 )) != 0 ]; do b64="$b64="; done
	printf '%s' "$b64" | basenc --base64url -d
}
# quote_encode BIN: the text form of the quote bytes in BIN.
quote_encode() {
	printf 'ssquote1-%s\n' "$(basenc --base64url -w0 < "$1" | tr -d =)"
}
# field QUOTE NAME: the value ss-attest show prints for NAME.
field() { ss_attest show "$1" | sed -n "s/^$2: //p"; }

# --- platform-init ---
# The directory is private whatever the umask; the secrets 0600.
umask 022
expect_status 0 ss_attest platform-init > plat.pub
umask 077
expect_stderr_is "ss-attest: platform created at $SS_PLATFORM"
[ "$(wc -l < plat.pub)" = 1 ] && grep -Eqx 'ssplat1-[A-Za-z0-9_-]+' plat.pub ||
    fail "platform-init printed: $(cat plat.pub)"
[ "$(stat -c %a "$SS_PLATFORM")" = 700 ] ||
    fail "platform directory has mode $(stat -c %a "$SS_PLATFORM")"
for f in seal.key attest.key; do
	[ "$(stat -c %a "$SS_PLATFORM/$f")" = 600 ] ||
	    fail "$f has mode $(stat -c %a "$SS_PLATFORM/$f")"
done
# A second platform-init refuses and changes nothing.
snapshot() { (cd "$SS_PLATFORM" && stat -c "%n %a %s %y" . * && sha256sum *); }
snapshot > before
expect_status 2 ss_attest platform-init > out
expect_stderr_is "ss-attest: $SS_PLATFORM: a platform already exists there (removing it makes every sealed stage unusable)"
[ ! -s out ] || fail "a refused platform-init printed $(cat out)"
snapshot > after
expect_same before after "the platform after a refused platform-init"
expect_status 2 ss_attest platform-init extra
expect_usage_error "^ss-attest: platform-init: unexpected operand 'extra'$"
# A second platform, for the cross-platform cases.
P2=$TMP/plat2
SS_PLATFORM=$P2 ss_attest platform-init > plat2.pub 2>/dev/null ||
    fail "platform-init of a second platform"
cmp -s plat.pub plat2.pub && fail "two platforms have the same key"

# --- measure ---
measure() { ss_attest measure "$@"; }
M=$(measure -- ss-map -f a,c -r "$C")
[[ $M =~ ^[0-9a-f]{64}$ ]] || fail "measure printed '$M'"
[ "$(measure -- ss-map -f a,c -r "$C")" = "$M" ] || fail "measure is not deterministic"
[ "$(measure -- map -f a,c -r "$C")" = "$M" ] || fail "'map' and 'ss-map' measure differently"
[ "$(measure --enclave "$IMG" -- ss-map -f a,c -r "$C")" = "$M" ] ||
    fail "--enclave with the default image measures differently"
# Recipients are a set: order and duplicates do not matter, -r and -R are
# the same.
MCO=$(measure -- ss-map -f a,c -r "$C" -r "$O")
printf '%s\n%s\n%s\n' "$O" "$C" "$O" > both.pub
for args in "-r $O -r $C" "-r $C -r $O -r $C" "-r $O -r $O -r $C -r $C" "-R both.pub" \
    "-r $C -R both.pub"; do
	slow && [ "$args" != "-r $O -r $C" ] && [ "$args" != "-R both.pub" ] && continue
	# shellcheck disable=SC2086
	[ "$(measure -- ss-map -f a,c $args)" = "$MCO" ] ||
	    fail "the recipients '$args' measure differently"
done
# Anything else in the program changes it.
cp "$IMG" img2; printf 'x' >> img2
MIMG=$(measure --enclave img2 -- ss-map -f a,c -r "$C")
[ "$(SS_ENCLAVE=$TMP/img2 measure -- ss-map -f a,c -r "$C")" = "$MIMG" ] ||
    fail "SS_ENCLAVE and --enclave measure differently"
MFIELDS=$(measure -- ss-map -f c,a -r "$C")
seen="$M $MCO $MIMG $MFIELDS"
for args in "-f a -r $C" "-f a,c,b -r $C" "-f x=a,c -r $C" "-f a,c -r $O"; do
	# shellcheck disable=SC2086
	m=$(measure -- ss-map $args)
	case " $seen " in *" $m "*) fail "'$args' measures like another program";; esac
	seen="$seen $m"
done
case " $M $MCO $MFIELDS " in *" $MIMG "*) fail "another image measures the same";; esac
# Deployment options are not part of a program.
touch id.key s.none
for opt in "-o out.ss" "-i id.key" "--sealed s.none"; do
	# shellcheck disable=SC2086
	expect_status 2 measure -- ss-map -f a,c -r "$C" $opt
	expect_usage_error "^ss-attest: ss-map: ${opt%% *} is not part of the program \(it is given to the stage when it runs\)$"
done
expect_status 2 measure -- ss-map -f a,c -r "$C" --tee none
expect_usage_error '^ss-attest: ss-map: --tee is not part of the program'
expect_status 2 measure ss-map -f a,c -r "$C"
expect_usage_error '^ss-attest: unknown option -f$'
expect_status 2 measure ss-map -- ss-map -f a,c -r "$C"
expect_usage_error "^ss-attest: measure: unexpected operand 'ss-map'$"
expect_status 2 measure --
expect_usage_error "^ss-attest: measure: give the stage after '--'"
expect_status 2 measure -- ss-cat -r "$C"
expect_usage_error "^ss-attest: measure: unknown stage 'ss-cat' \(known: ss-map, ss-match, ss-reduce, ss-route, ss-merge\)$"
expect_status 2 measure -- ss-map -f a,c
expect_usage_error '^ss-attest: no recipient: give -r PUBKEY or -R FILE$'
expect_status 2 measure -- ss-map -r "$C"
expect_usage_error "^ss-attest: nothing to do: give -f FIELDS, 'NAME = EXPRESSION', or both$"
expect_status 2 measure --enclave nope -- ss-map -f a,c -r "$C"
expect_stderr '^ss-attest: enclave image nope: .*No such file or directory$'

# --- new, show, verify ---
expect_status 0 ss_attest new -o s.sealed -- ss-map -f a,c -r "$C" > quote
[ ! -s "$TMP/stderr" ] || fail "new said: $(cat "$TMP/stderr")"
[ "$(wc -l < quote)" = 1 ] && grep -Eqx 'ssquote1-[A-Za-z0-9_-]+' quote ||
    fail "new printed: $(cat quote)"
[ -s s.sealed ] || fail "new wrote no sealed identity"
# The text form round-trips through the helpers used to tamper with it.
quote_decode quote > quote.bin
quote_encode quote.bin > quote.again
expect_same quote quote.again "the quote, decoded and encoded again"

expect_status 0 ss_attest show quote > show
S=$(sed -n 's/^stage key: //p' show)
[[ $S =~ ^sspub1-[A-Za-z0-9_-]+$ ]] || fail "show printed no stage key: $(cat show)"
printf '%s\n' \
    'tee: software (a locked-down process: NO hardware protection)' \
    "measurement: $M" \
    'nonce: (none)' \
    'program:' \
    '  op: map' \
    '  fields: a,c' \
    "  recipient: $C" \
    "stage key: $S" \
    'signature: not checked (ss-attest verify checks it)' > want
grep -Fxvf show want > missing || true
[ ! -s missing ] || fail "show lacks: $(cat missing) (it printed: $(cat show))"
for f in 'image digest' 'program digest' 'report data'; do
	grep -Eqx "$f: [0-9a-f]{64}" show || fail "show has no '$f': $(cat show)"
done
grep -Eqx 'platform key id: [0-9a-f]{16}' show || fail "show has no platform key id"
[ "$(wc -l < show)" = 13 ] || fail "show printed $(wc -l < show) lines: $(cat show)"

# A good quote verifies: the platform key from a file or as text, with or
# without the measurement pinned, from a file or stdin.
verify() { ss_attest verify --platform plat.pub --allow-software "$@"; }
expect_status 0 verify quote > out
[ "$(cat out)" = "$S" ] || fail "verify printed '$(cat out)', not $S"
[ ! -s "$TMP/stderr" ] || fail "verify said: $(cat "$TMP/stderr")"
expect_status 0 ss_attest verify --platform "$(cat plat.pub)" --allow-software \
    --measurement "$M" quote > out
[ "$(cat out)" = "$S" ] || fail "verify with the key as text printed '$(cat out)'"
expect_status 0 verify --measurement "$M" - < quote > out
[ "$(cat out)" = "$S" ] || fail "verify from stdin printed '$(cat out)'"

# refused QUOTE MESSAGE ARGS...: verify ARGS QUOTE exits 1 with MESSAGE
# about QUOTE and prints nothing.
refused() {
	q=$1 msg=$2
	shift 2
	expect_status 1 ss_attest verify "$@" "$q" > out
	expect_stderr_is "ss-attest: $q: $msg"
	[ ! -s out ] || fail "a refused quote ($msg) printed $(cat out)"
}
SOFT='quote is from a software TEE, which gives no hardware protection (--allow-software accepts it)'
MISMATCH='measurement mismatch: the enclave runs another image or another program'
OTHERPLAT='quote comes from another platform (platform key id differs)'
NONCE='nonce mismatch: the quote was not made for this request (replayed?)'
SIG='quote signature does not verify: tampered with, or not signed by this platform'
MALFORMED='malformed quote'
NONE='quote is from an enclave that ran inside its host process (--tee none): no isolation, never accepted'

refused quote "$SOFT" --platform plat.pub
refused quote "$SOFT" --platform plat.pub --measurement "$M"
# The measurement of another program or another image; a made-up one.
refused quote "$MISMATCH" --platform plat.pub --allow-software --measurement "$MFIELDS"
refused quote "$MISMATCH" --platform plat.pub --allow-software --measurement "$MCO"
refused quote "$MISMATCH" --platform plat.pub --allow-software --measurement "$MIMG"
refused quote "$MISMATCH" --platform plat.pub --allow-software \
    --measurement 0000000000000000000000000000000000000000000000000000000000000000
# A quote from another program, checked against this program's measurement.
expect_status 0 ss_attest new -o s-other.sealed -- ss-map -f c,a -r "$C" > quote-other
refused quote-other "$MISMATCH" --platform plat.pub --allow-software --measurement "$M"
# Another platform's key; a quote from another platform.
refused quote "$OTHERPLAT" --platform plat2.pub --allow-software
refused quote "$OTHERPLAT" --platform "$(cat plat2.pub)" --allow-software --measurement "$M"
SS_PLATFORM=$P2 ss_attest new -o s-p2.sealed -- ss-map -f a,c -r "$C" > quote-p2 ||
    fail "new on the second platform"
refused quote-p2 "$OTHERPLAT" --platform plat.pub --allow-software --measurement "$M"
expect_status 0 ss_attest verify --platform plat2.pub --allow-software --measurement "$M" \
    quote-p2 > /dev/null
# Nonces: the right one verifies; a wrong one, a missing one, or one the
# quote does not have is refused.
expect_status 0 ss_attest new -o s-n.sealed --nonce challenge-42 -- \
    ss-map -f a,c -r "$C" > quote-n
expect_status 0 verify --nonce challenge-42 --measurement "$M" quote-n > out
[ "$(cat out)" = "$(field quote-n 'stage key')" ] || fail "verify --nonce printed $(cat out)"
[ "$(field quote-n nonce)" = challenge-42 ] || fail "show printed nonce $(field quote-n nonce)"
[ "$(field quote-n measurement)" = "$M" ] || fail "a nonce changed the measurement"
refused quote-n "$NONCE" --platform plat.pub --allow-software --nonce challenge-43
refused quote-n "$NONCE" --platform plat.pub --allow-software --nonce challenge-4
refused quote-n "$NONCE" --platform plat.pub --allow-software
refused quote "$NONCE" --platform plat.pub --allow-software --nonce challenge-42
# --tee none: never accepted, whatever the options.
expect_status 0 ss_attest new -o s-none.sealed --tee none -- ss-map -f a,c -r "$C" > quote-none
[ "$(field quote-none tee)" = 'none (ran inside its host process: NO isolation)' ] ||
    fail "show of a --tee none quote: $(field quote-none tee)"
refused quote-none "$NONE" --platform plat.pub --allow-software
refused quote-none "$NONE" --platform plat.pub --allow-software --measurement "$M"
refused quote-none "$NONE" --platform plat.pub
SS_TEE=none expect_status 0 ss_attest new -o s-none2.sealed -- \
    ss-map -f a,c -r "$C" > quote-none2
refused quote-none2 "$NONE" --platform plat.pub --allow-software

# Tampering: one byte changed anywhere in the quote.  Layout: magic[8]
# tee[4] image[32] program digest[32] measurement[32] platform id[8]
# stage key[32] report data[32] nonce_len[1] nonce[] program_len[4]
# program[] signature[64].
qlen=$(filesize quote.bin)
# tamper OFFSET MESSAGE: flip the low bit of byte OFFSET of the quote.
tamper() {
	cp quote.bin t.bin
	flip_bit t.bin "$1"
	quote_encode t.bin > tq
	refused tq "$2" --platform plat.pub --allow-software --measurement "$M"
}
slow || tamper 0 "$MALFORMED"		# magic
tamper 8 "$MALFORMED"			# tee: 1 becomes 0
slow || tamper 10 "$MALFORMED"		# reserved
for o in $(some 12 43 44 75 76 107 116 147 148 179 \
    $(( qlen - 100 )) $(( qlen - 65 )) $(( qlen - 64 )) $(( qlen - 1 ))); do
	tamper "$o" "$SIG"		# everything that is signed; the signature
done
for o in $(some 108 115); do
	tamper "$o" "$OTHERPLAT"	# the platform key id
done
tamper 180 "$MALFORMED"			# nonce length
tamper 181 "$MALFORMED"			# program length
# The tee byte set to "software" on a --tee none quote: the signature fails.
quote_decode quote-none > t.bin
set_byte t.bin 8 1
quote_encode t.bin > tq
refused tq "$SIG" --platform plat.pub --allow-software
# A character changed in the middle of the text.
mid=$(( $(filesize quote) / 2 ))
q=$(cat quote)
c=${q:mid:1}
if [ "$c" = A ]; then r=B; else r=A; fi
printf '%s\n' "${q:0:mid}$r${q:mid+1}" > tq
expect_status 1 verify --measurement "$M" tq > out
expect_stderr '^ss-attest: tq: (quote signature does not verify|malformed quote)'
[ ! -s out ] || fail "a tampered quote text printed $(cat out)"
# Truncated or extended quote bytes.
for cut in $(some 1 8 100 180 $(( qlen - 64 )) $(( qlen - 1 ))); do
	head -c "$cut" quote.bin > t.bin
	quote_encode t.bin > tq
	refused tq "$MALFORMED" --platform plat.pub --allow-software
done
{ cat quote.bin; printf 'x'; } > t.bin
quote_encode t.bin > tq
refused tq "$MALFORMED" --platform plat.pub --allow-software
# Not a quote at all: empty, garbage, cut text, bad base64, a key.
NOTQ='not a securestreams quote (expected ssquote1-...)'
: > empty
refused empty "$NOTQ" --platform plat.pub --allow-software
printf 'hello world\n' > garbage
refused garbage "$NOTQ" --platform plat.pub --allow-software
head -c 1000 /dev/urandom > random
refused random "$NOTQ" --platform plat.pub --allow-software
cp plat.pub notq
refused notq "$NOTQ" --platform plat.pub --allow-software
head -c 9 quote > tq
refused tq "$MALFORMED" --platform plat.pub --allow-software
head -c 50 quote > tq				# 41 base64 characters
refused tq "$MALFORMED (bad base64)" --platform plat.pub --allow-software
head -c 101 quote > tq				# 92 base64 characters: 69 bytes
refused tq "$MALFORMED" --platform plat.pub --allow-software
printf 'ssquote1-%s\n' 'not*base64!' > tq
refused tq "$MALFORMED (bad base64)" --platform plat.pub --allow-software
expect_status 1 ss_attest show garbage > out
expect_stderr_is "ss-attest: garbage: $NOTQ"
expect_status 1 ss_attest show tq > out
expect_stderr_is "ss-attest: tq: $MALFORMED (bad base64)"
expect_status 2 verify nope
expect_stderr '^ss-attest: nope: (open: )?No such file or directory$'
# The verifier's own arguments.
expect_status 2 ss_attest verify --allow-software quote
expect_usage_error '^ss-attest: verify: give --platform PUBKEY$'
expect_status 2 verify
expect_usage_error '^ss-attest: verify: give one QUOTE file$'
expect_status 2 verify --measurement abc quote
expect_stderr_is 'ss-attest: --measurement: expected 64 hex digits (from ss-attest measure)'
expect_status 2 ss_attest verify --platform ssplat1-abc --allow-software quote
expect_stderr_is 'ss-attest: --platform: malformed platform key (wrong length or characters)'
expect_status 2 ss_attest verify --platform nope.pub --allow-software quote
expect_stderr '^ss-attest: --platform: nope\.pub: (open: )?No such file or directory$'
# new: its own usage errors; a nonce too long; no platform.
expect_status 2 ss_attest new -- ss-map -f a,c -r "$C"
expect_usage_error '^ss-attest: new: give -o STAGE\.sealed'
expect_status 2 ss_attest new -o x.sealed --tee sgx -- ss-map -f a,c -r "$C"
expect_usage_error '^ss-attest: --tee sgx: no SGX backend'
expect_status 2 ss_attest new -o x.sealed --nonce \
    "$(printf 'n%.0s' $(seq 65))" -- ss-map -f a,c -r "$C"
expect_stderr_is 'ss-attest: nonce longer than 64 bytes'
expect_no_output . x.sealed
SS_PLATFORM=$TMP/noplat expect_status 2 ss_attest new -o x.sealed -- \
    ss-map -f a,c -r "$C"
expect_stderr_is "ss-attest: no platform at $TMP/noplat (run ss-attest platform-init)"
expect_no_output . x.sealed

# --- Sealing ---
printf 'a,b,c\n1,"x,y",3\n4,"two\nlines",6\n7,,9\n' > in.csv
printf 'a,c\n1,3\n4,6\n7,9\n' > want.csv
ss_encrypt -r "$S" -o in.ss in.csv || fail "encrypt to the stage"
# The same program: it works.
expect_status 0 ss_map --sealed s.sealed -f a,c -r "$C" -o out.ss < in.ss
expect_status 0 ss_decrypt -i consumer.key -o out.csv out.ss
expect_same want.csv out.csv "the sealed stage"
# Only in an isolated enclave: never with --tee none.
rm -f out.ss
expect_status 2 ss_map --sealed s.sealed -f a,c -r "$C" --tee none -o out.ss < in.ss
expect_stderr_is 'ss-map: s.sealed: a sealed stage key opens only in an isolated enclave, not with --tee none (use -i IDENTITY to debug)'
expect_no_output . out.ss
SS_TEE=none expect_status 2 ss_map --sealed s.sealed -f a,c -r "$C" -o out.ss < in.ss
expect_stderr_is 'ss-map: s.sealed: a sealed stage key opens only in an isolated enclave, not with --tee none (use -i IDENTITY to debug)'
expect_no_output . out.ss
# Two recipients, given in another order and repeated.
expect_status 0 ss_attest new -o s2.sealed -- ss-map -f a,c -r "$C" -r "$O" > quote2
S2=$(ss_attest verify --platform plat.pub --allow-software --measurement "$MCO" quote2)
ss_encrypt -r "$S2" -o in2.ss in.csv || fail "encrypt to stage 2"
expect_status 0 ss_map --sealed s2.sealed -f a,c -r "$O" -R both.pub -o out.ss < in2.ss
for k in consumer other; do
	expect_status 0 ss_decrypt -i $k.key -o out.csv out.ss
	expect_same want.csv out.csv "stage 2, decrypted by $k"
done

# unsealable SEALED MESSAGE MAP-ARGS...: ss-map refuses SEALED with
# MESSAGE, exit 1, and leaves no -o file.
unsealable() {
	sealed=$1 msg=$2
	shift 2
	expect_status 1 ss_map --sealed "$sealed" "$@" -o out.csv < in.ss
	expect_stderr_is "ss-map: $sealed: $msg"
	expect_no_output . out.csv
}
PROG='sealed for another program (the stage'"'"'s arguments or output recipients differ)'
IMAGE='sealed for another enclave image'
UNSEAL='does not unseal: sealed on another platform, or changed since'
NOTSEALED='not a sealed stage identity'
rm -f out.csv
# Another program: fields, recipients.
unsealable s.sealed "$PROG" -f c,a -r "$C"
slow || unsealable s.sealed "$PROG" -f a -r "$C"
slow || unsealable s.sealed "$PROG" -f a,c,b -r "$C"
unsealable s.sealed "$PROG" -f a=a,c -r "$C"
unsealable s.sealed "$PROG" -f a,c -r "$O"
slow || unsealable s.sealed "$PROG" -f a,c -r "$C" -r "$O"
unsealable s2.sealed "$PROG" -f a,c -r "$C"
slow || unsealable s-other.sealed "$PROG" -f a,c -r "$C"
# Computed fields are part of the program, byte for byte and in their
# order (where -f stands among them does not matter).
MX=$(measure -- ss-map -f a,x 'x = a + c' -r "$C")
expect_status 0 ss_attest new -o sx.sealed -- ss-map -f a,x 'x = a + c' -r "$C" > quote-x
SX=$(ss_attest verify --platform plat.pub --allow-software --measurement "$MX" quote-x) ||
    fail "verify the quote of a stage with a computed field"
ss_encrypt -r "$SX" -o in-x.ss in.csv || fail "encrypt to the stage with a computed field"
printf 'a,x\n1,4\n4,10\n7,16\n' > want-x.csv
# sealed_x ARGS...: ss-map --sealed sx.sealed ARGS computes x.
sealed_x() {
	rm -f out.ss
	expect_status 0 ss_map --sealed sx.sealed "$@" -o out.ss < in-x.ss
	expect_status 0 ss_decrypt -i consumer.key -o out.csv out.ss
	expect_same want-x.csv out.csv "the sealed stage with a computed field ($*)"
}
sealed_x -f a,x 'x = a + c' -r "$C"
sealed_x 'x = a + c' -r "$C" -f a,x
rm -f out.csv
unsealable sx.sealed "$PROG" -f a,x 'x = a+c' -r "$C"
unsealable sx.sealed "$PROG" -f a,x 'x = c + a' -r "$C"
slow || unsealable sx.sealed "$PROG" -f a,x 'x = a + c' 'y = 1' -r "$C"
slow || unsealable sx.sealed "$PROG" -f a,x 'y = 1' 'x = a + c' -r "$C"
unsealable sx.sealed "$PROG" -f a 'x = a + c' -r "$C"
unsealable sx.sealed "$PROG" 'x = a + c' -r "$C"
unsealable s.sealed "$PROG" -f a,c 'x = a + c' -r "$C"
# Another enclave image (a copy with a byte appended); another platform.
SS_ENCLAVE=$TMP/img2 unsealable s.sealed "$IMAGE" -f a,c -r "$C"
SS_PLATFORM=$P2 unsealable s.sealed "$UNSEAL" -f a,c -r "$C"
SS_PLATFORM=$P2 unsealable s2.sealed "$UNSEAL" -f a,c -r "$C" -r "$O"
SS_PLATFORM=$TMP/noplat expect_status 2 ss_map --sealed s.sealed -f a,c -r "$C" \
    -o out.csv < in.ss
expect_stderr_is "ss-map: no platform at $TMP/noplat (run ss-attest platform-init)"
expect_no_output . out.csv
# A byte changed anywhere.  Layout: magic[8] image digest[32] program
# digest[32] nonce[12] sealed key[32] tag[16].
slen=$(filesize s.sealed)
[ "$slen" = 132 ] || fail "test bug: sealed file of $slen bytes"
for o in $(some 0 7); do
	cp s.sealed t.sealed; flip_bit t.sealed "$o"
	unsealable t.sealed "$NOTSEALED" -f a,c -r "$C"
done
for o in $(some 8 39); do
	cp s.sealed t.sealed; flip_bit t.sealed "$o"
	unsealable t.sealed "$IMAGE" -f a,c -r "$C"
done
for o in $(some 40 71); do
	cp s.sealed t.sealed; flip_bit t.sealed "$o"
	unsealable t.sealed "$PROG" -f a,c -r "$C"
done
for o in $(some 72 83 84 $(( slen - 17 )) $(( slen - 16 )) $(( slen - 1 ))); do
	cp s.sealed t.sealed; flip_bit t.sealed "$o"
	unsealable t.sealed "$UNSEAL" -f a,c -r "$C"
done
# Cut, extended, empty, something else.
head -c $(( slen - 1 )) s.sealed > t.sealed
unsealable t.sealed "$NOTSEALED" -f a,c -r "$C"
{ cat s.sealed; printf 'x'; } > t.sealed
unsealable t.sealed "$NOTSEALED" -f a,c -r "$C"
: > t.sealed
unsealable t.sealed "$NOTSEALED" -f a,c -r "$C"
cp consumer.key t.sealed
unsealable t.sealed "$NOTSEALED" -f a,c -r "$C"
expect_status 2 ss_map --sealed nope.sealed -f a,c -r "$C" -o out.csv < in.ss
expect_stderr '^ss-map: nope\.sealed: (open: )?No such file or directory$'
expect_no_output . out.csv
# A second identity for the same program unseals, but the stream is not
# for it.
expect_status 0 ss_attest new -o s3.sealed -- ss-map -f a,c -r "$C" > quote3
expect_status 1 ss_map --sealed s3.sealed -f a,c -r "$C" -o out.csv < in.ss
expect_stderr_is 'ss-map: no identity matches a recipient of this stream (wrong key?)'
expect_no_output . out.csv
# The sealed identity is not a plain identity file.
expect_status 2 ss_map -i s.sealed -f a,c -r "$C" -o out.csv < in.ss
expect_stderr_is 'ss-map: s.sealed: line 1: not a securestreams secret key (expected SS-SECRET-KEY-1-...)'
expect_no_output . out.csv

# --- End to end: the attested flow. ---
# The worker's stage: carrier and delay, renamed, for the consumer.
newkey analyst; A=$PUB
PROGRAM=(ss-map -f 'carrier=UniqueCarrier,delay=ArrDelay,Origin' -r "$A")
printf '%s\n' 'Year,UniqueCarrier,Origin,ArrDelay' '2008,WN,"IAD",-14' \
    '2008,AA,"San Juan, PR",2' '2008,DL,ORD,NA' > flights.csv
printf '%s\n' 'carrier,delay,Origin' 'WN,-14,IAD' 'AA,2,"San Juan, PR"' \
    'DL,NA,ORD' > want.csv
# 1. The owner computes the measurement on its own, and picks a nonce.
M_OWNER=$(measure -- "${PROGRAM[@]}")
NONCE=owner-$RANDOM
# 2. The worker makes the stage identity and its quote.
expect_status 0 ss_attest new -o stage.sealed --nonce "$NONCE" -- "${PROGRAM[@]}" > stage.quote
# 3. The owner verifies the quote and gets the stage key.
expect_status 0 ss_attest verify --platform "$(cat plat.pub)" --measurement "$M_OWNER" \
    --nonce "$NONCE" --allow-software stage.quote > stage.pub
STAGE=$(cat stage.pub)
[[ $STAGE =~ ^sspub1- ]] || fail "verify printed $STAGE"
# 4. The owner encrypts to it; the worker runs the stage; the analyst
#    decrypts.
(
	set -o pipefail
	ss_encrypt -r "$STAGE" flights.csv |
	    ss_map --sealed stage.sealed "${PROGRAM[@]:1}" |
	    ss_decrypt -i analyst.key > got.csv
) 2> err || fail "the attested pipeline failed: $(cat err)"
[ ! -s err ] || fail "the attested pipeline said: $(cat err)"
expect_same want.csv got.csv "the attested pipeline"
# Nobody else can read the stage's output, not even the owner's stage key.
ss_encrypt -r "$STAGE" -o flights.ss flights.csv
ss_map --sealed stage.sealed "${PROGRAM[@]:1}" -o mapped.ss < flights.ss ||
    fail "ss-map -o"
expect_status 1 ss_decrypt -i consumer.key mapped.ss
expect_stderr_is 'ss-decrypt: mapped.ss: no identity matches a recipient of this stream (wrong key?)'
expect_status 0 ss_decrypt -i analyst.key -o got.csv mapped.ss
expect_same want.csv got.csv "the attested stage with -o"

pass
