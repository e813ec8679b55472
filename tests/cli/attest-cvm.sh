#!/bin/bash
# ss-attest in a confidential VM: configfs-tsm served by a test-only FUSE
# filesystem (tests/tools/tsmfs) that signs SEV-SNP reports with a test
# VCEK under a test ARK this test makes.  The whole flow: platform-init
# (the VM's launch measurement) -> new (the hardware's report binds the
# stage key, the measurement and the nonce) -> verify (only with the test
# root named explicitly) -> the stage runs with its sealed key; and every
# way a hardware quote is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-tsm.sh"
cd "$TMP"

unset SS_TEE SS_ENCLAVE
export SS_PLATFORM=$TMP/plat
export SS_TSM_DIR=$TMP/tsm

ss_attest() { $SS_WRAP "$SS_BIN/ss-attest" "$@"; }
ss_map() { $SS_WRAP "$SS_BIN/ss-map" "$@"; }
# field QUOTE NAME: the value ss-attest show prints for NAME.
field() { ss_attest show "$1" | sed -n "s/^$2: //p"; }

CHIP=$(printf '%0128x' 0x5eed)
LAUNCH=$(printf '%096x' 0xc0ffee)
TCB=3,0,8,115
make_snp_chain chain "$CHIP" "$TCB"
start_tsmfs "$SS_TSM_DIR" chain "$LAUNCH" "$CHIP" "$TCB"

newkey consumer; C=$PUB
printf 'a,b,c\n1,2,3\n4,5,6\n' > in.csv

# --- platform-init: the VM's platform, and its launch measurement ---
expect_status 0 ss_attest platform-init --tee snp > launch
[ "$(cat launch)" = "$LAUNCH" ] || fail "platform-init printed '$(cat launch)', not the launch measurement"
expect_stderr_is "ss-attest: SEV-SNP platform created at $SS_PLATFORM; its launch measurement, which its quotes carry, follows"
[ "$(cat "$SS_PLATFORM/tee")" = snp ] || fail "the platform is not marked snp"
[ ! -e "$SS_PLATFORM/attest.key" ] || fail "a hardware platform has a software attestation key"
# Found without --tee, where configfs-tsm is.
expect_status 0 env SS_PLATFORM=$TMP/plat2 "$SS_BIN/ss-attest" platform-init > launch2
cmp -s launch launch2 || fail "platform-init found no confidential VM by itself"
# Another hardware than this VM's; no configfs-tsm at all.
expect_status 2 env SS_PLATFORM=$TMP/plat3 "$SS_BIN/ss-attest" platform-init --tee tdx
expect_stderr_is "ss-attest: this confidential VM is SEV-SNP, not TDX"
[ ! -e "$TMP/plat3" ] || fail "a refused platform-init left a directory"
expect_status 2 env SS_PLATFORM=$TMP/plat3 SS_TSM_DIR=$TMP/nowhere "$SS_BIN/ss-attest" platform-init --tee snp
expect_stderr_is "ss-attest: no configfs-tsm at $TMP/nowhere (a confidential VM with Linux 6.7 or later has one: is this an SEV-SNP or TDX guest?)"
expect_status 2 ss_attest platform-init --tee sgx
expect_stderr_is "ss-attest: --tee: unknown platform 'sgx' (software, snp or tdx)"

# --- new: the hardware's report in the quote ---
M=$(ss_attest measure -- ss-map -f a,c -r "$C")
expect_status 0 ss_attest new -o stage.sealed --nonce n-42 -- ss-map -f a,c -r "$C" > quote
grep -q '^ssquote1-' quote || fail "new printed no quote"
ss_attest show quote > shown
grep -qx 'tee: SEV-SNP confidential VM (an isolated enclave in it)' shown || fail "show: $(cat shown)"
grep -qx "launch measurement: $LAUNCH" shown || fail "show: no launch measurement"
grep -qx 'debug: no' shown || fail "show: debug"
grep -qx 'signature: not checked (ss-attest verify checks it)' shown || fail "show claims it verified"

# --- verify: only with the test root, the VM's launch, the program ---
V="--launch-measurement $LAUNCH --root chain/ark.pem --measurement $M --nonce n-42"
expect_status 0 ss_attest verify $V quote > stage.pub
S=$(cat stage.pub)
[ "$(field quote 'stage key')" = "$S" ] || fail "verify printed another stage key"
# The built-in roots know no test ARK.
expect_status 1 ss_attest verify --launch-measurement "$LAUNCH" --measurement "$M" --nonce n-42 quote
expect_stderr '^ss-attest: quote: .*(root|ARK)'
# Without the VM's launch measurement it is a usage error.
expect_status 2 ss_attest verify --root chain/ark.pem --nonce n-42 quote
expect_usage_error '^ss-attest: verify: give --launch-measurement HEX'
expect_status 1 ss_attest verify --launch-measurement "$(printf '%096x' 1)" --root chain/ark.pem --nonce n-42 quote
expect_stderr_is 'ss-attest: quote: launch measurement mismatch: the confidential VM runs another image'
expect_status 1 ss_attest verify --launch-measurement "$LAUNCH" --root chain/ark.pem --measurement "$M" quote
expect_stderr_is 'ss-attest: quote: nonce mismatch: the quote was not made for this request (replayed?)'

# --- the stage runs with its sealed key ---
ss_encrypt -r "$S" -o in.ss in.csv
expect_status 0 ss_map --sealed stage.sealed -f a,c -r "$C" -o out.ss < in.ss
ss_decrypt -i consumer.key out.ss > out.csv
printf 'a,c\n1,3\n4,6\n' | cmp -s - out.csv || fail "the stage's output: $(cat out.csv)"

# --- a hardware quote is refused for every change ---
quote_bytes() {
	b64=$(sed 's/^ssquote1-//' "$1")
	while [ $(( ${#b64} % 4 )) != 0 ]; do b64="$b64="; done
	printf '%s' "$b64" | basenc --base64url -d
}
quote_text() { printf 'ssquote1-%s\n' "$(basenc --base64url -w0 < "$1" | tr -d =)"; }
quote_bytes quote > q.bin
len=$(wc -c < q.bin)
flip() { # flip OFFSET: a copy of the quote with one bit of byte OFFSET flipped
	cp q.bin t.bin
	printf "$(printf '\\%03o' $(( $(od -An -tu1 -j "$1" -N1 q.bin) ^ 1 )))" |
	    dd of=t.bin bs=1 seek="$1" conv=notrunc 2>/dev/null
	quote_text t.bin > t.quote
}
for off in 0 40 $(( len / 2 )) $(( len - 100 )) $(( len - 1 )); do
	flip "$off"
	expect_status 1 ss_attest verify $V t.quote
	[ "$(wc -l < "$TMP/stderr")" -eq 1 ] || fail "flip at $off: not one line: $(cat "$TMP/stderr")"
done
# Truncated, and trailing garbage.
head -c $(( len - 1 )) q.bin > t.bin; quote_text t.bin > t.quote
expect_status 1 ss_attest verify $V t.quote
expect_stderr_is 'ss-attest: t.quote: malformed quote'
{ cat q.bin; printf x; } > t.bin; quote_text t.bin > t.quote
expect_status 1 ss_attest verify $V t.quote
expect_stderr_is 'ss-attest: t.quote: malformed quote'

# --- the README's confidential-VM flow, as printed ---
# Its block, between the cvm-flow marker and the closing fence, runs in a
# fresh platform with the test's data; the owner's verify is given the
# test root (the one change: no built-in AMD root signed the test chain).
awk '/<!-- cvm-flow/ { on = 1; next } on && /^```sh$/ { next }
    on && /^```$/ { exit } on' "$TOP/README.md" > readme-flow.sh
[ "$(grep -c '^ss-attest new' readme-flow.sh)" = 1 ] || fail "no README flow found"
mkdir readme
cp consumer.key readme/
printf 'UniqueCarrier,ArrDelay,Origin\nWN,12,SFO\nAA,-3,LAX\n' > readme/flights.csv
cat > readme/run.sh <<EOF
set -e
export SS_PLATFORM=$TMP/readme/plat CONSUMER=$C PATH=$SS_BIN:\$PATH
ss-attest() {
	if [ "\$1" = verify ]; then
		shift
		command ss-attest verify --root "$TMP/chain/ark.pem" "\$@"
	else
		command ss-attest "\$@"
	fi
}
. ../readme-flow.sh
EOF
(cd readme && bash run.sh > flow.out 2> flow.err) ||
	fail "the README's flow failed: $(cat readme/flow.err)"
printf 'UniqueCarrier,ArrDelay\nWN,12\nAA,-3\n' | cmp -s - readme/flow.out ||
	fail "the README's flow printed '$(cat readme/flow.out)'"

# --- a debuggable VM's quote: refused unless --allow-debug ---
fusermount3 -u "$SS_TSM_DIR"
start_tsmfs "$SS_TSM_DIR" chain "$LAUNCH" "$CHIP" "$TCB" --policy 0xb0000
expect_status 0 ss_attest new -o debug.sealed --nonce n-42 -- ss-map -f a,c -r "$C" > dquote
expect_status 1 ss_attest verify $V dquote
expect_stderr '^ss-attest: dquote: .*[Dd]ebug'
expect_status 0 ss_attest verify $V --allow-debug dquote > dstage.pub

# --- another writer changes the report entry (generation) ---
# Once: ss-attest makes a new entry and gets its report; always: it
# gives up with one line, and leaves no -o file.
fusermount3 -u "$SS_TSM_DIR"
start_tsmfs "$SS_TSM_DIR" chain "$LAUNCH" "$CHIP" "$TCB" --interfere 1
expect_status 0 ss_attest new -o once.sealed --nonce n-42 -- ss-map -f a,c -r "$C" > oquote
expect_status 0 ss_attest verify $V oquote > /dev/null
fusermount3 -u "$SS_TSM_DIR"
start_tsmfs "$SS_TSM_DIR" chain "$LAUNCH" "$CHIP" "$TCB" --interfere 100
expect_status 2 ss_attest new -o always.sealed --nonce n-42 -- ss-map -f a,c -r "$C"
expect_stderr_is "ss-attest: configfs-tsm: the report entry kept changing under us (generation): another process writes to $SS_TSM_DIR"
[ ! -e always.sealed ] || fail "a failed new left its -o file"
[ -z "$(ls "$SS_TSM_DIR")" ] || fail "report entries left behind: $(ls "$SS_TSM_DIR")"

# --- a TDX guest's configfs-tsm, giving a real TDX quote whatever it is
# asked: the TDX path through platform-init, new, show and verify, which
# must refuse the quote, as its REPORT_DATA binds nothing of ours ---
fusermount3 -u "$SS_TSM_DIR"
TDXQ=$TOP/tests/vector/tee/intel-tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat
serve_tsmfs "$SS_TSM_DIR" --provider tdx_guest --outblob "$TDXQ"
MRTD=$(ss_attest show "$TDXQ" | sed -n 's/^MRTD: //p')
expect_status 2 env SS_PLATFORM=$TMP/tdx1 "$SS_BIN/ss-attest" platform-init --tee snp
expect_stderr_is "ss-attest: this confidential VM is TDX, not SEV-SNP"
expect_status 0 env SS_PLATFORM=$TMP/tdx "$SS_BIN/ss-attest" platform-init > tdx.launch
[ "$(cat tdx.launch)" = "$MRTD" ] || fail "a TDX platform-init printed '$(cat tdx.launch)', not the MRTD"
[ "$(cat "$TMP/tdx/tee")" = tdx ] || fail "the platform is not marked tdx"
expect_status 0 env SS_PLATFORM=$TMP/tdx "$SS_BIN/ss-attest" new -o tdx.sealed --nonce n-42 \
    -- ss-map -f a,c -r "$C" > tquote
ss_attest show tquote > tshown
grep -qx 'tee: TDX confidential VM (an isolated enclave in it)' tshown || fail "show: $(cat tshown)"
grep -qx "MRTD: $MRTD" tshown || fail "show: no MRTD"
expect_status 1 ss_attest verify --launch-measurement "$MRTD" --measurement "$M" --nonce n-42 tquote
expect_stderr_is "ss-attest: tquote: hardware report data does not bind the quote's stage key, measurement and nonce"

# --- the enclave in the host's own process makes no hardware quote ---
fusermount3 -u "$SS_TSM_DIR"
start_tsmfs "$SS_TSM_DIR" chain "$LAUNCH" "$CHIP" "$TCB"
expect_status 2 ss_attest new --tee none -o none.sealed -- ss-map -f a,c -r "$C"
expect_stderr_is 'ss-attest: a hardware quote is made only by an isolated enclave (--tee process)'
[ ! -e none.sealed ] || fail "a refused new left its -o file"

pass
