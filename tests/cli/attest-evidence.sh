#!/bin/bash
# ss-attest verify and show on real hardware evidence (tests/vector/tee:
# SEV-SNP reports, TDX and SGX quotes, their certificates and collateral,
# with their provenance): every vector is accepted or refused as its
# README says; a flipped bit, a cut, a wrong root, a swapped VCEK and
# trailing bytes are refused with exit 1 and one line naming what failed.
. "$(dirname "$0")/lib.sh"

V=$TOP/tests/vector/tee
S=$V/amd-sev-snp T=$V/intel-tdx G=$V/intel-sgx
cd "$TMP"

ss_attest() { $SS_WRAP "$SS_BIN/ss-attest" "$@"; }
# accepted ARGS...: verify exits 0 and prints 128 hex digits (REPORT_DATA)
accepted() {
	expect_status 0 ss_attest verify "$@" > out
	grep -Eqx '[0-9a-f]{128}' out || fail "verify $*: printed '$(cat out)'"
}
# refused MESSAGE ARGS...: verify exits 1 with the one line MESSAGE
# (an extended regular expression, after "ss-attest: EVIDENCE: ")
refused() {
	msg=$1
	shift
	expect_status 1 ss_attest verify "$@" > out
	[ ! -s out ] || fail "a refused verify printed '$(cat out)'"
	[ "$(wc -l < "$TMP/stderr")" -eq 1 ] ||
	    fail "verify $*: not one line: $(cat "$TMP/stderr")"
	grep -Eq "^ss-attest: [^:]+: (.*)?$msg" "$TMP/stderr" ||
	    fail "verify $*: '$(cat "$TMP/stderr")' does not match '$msg'"
}

# --- SEV-SNP ---
MILAN="--certs $S/virtee-sev/vcek_milan.der --certs $S/virtee-sev/cert_chain_milan"
accepted $MILAN "$S/virtee-sev/report_milan.bin"
[ "$(cat out)" = "$(ss_attest show "$S/virtee-sev/report_milan.bin" | sed -n 's/^report data: //p')" ] ||
	fail "verify and show disagree on REPORT_DATA"
LAUNCH=$(ss_attest show "$S/virtee-sev/report_milan.bin" | sed -n 's/^launch measurement: //p')
accepted $MILAN --launch-measurement "$LAUNCH" --min-tcb bootloader=3,tee=0,snp=8,microcode=115 --vmpl 0 \
    "$S/virtee-sev/report_milan.bin"
refused 'launch measurement mismatch' $MILAN --launch-measurement "$(printf '%096x' 1)" \
    "$S/virtee-sev/report_milan.bin"
refused 'SNP report: REPORTED_TCB .* is below' $MILAN --min-tcb bootloader=3,tee=0,snp=9,microcode=115 \
    "$S/virtee-sev/report_milan.bin"
# The go-sev-guest report's policy allows debugging.
GSG="--certs $S/go-sev-guest/vcek.testcer --certs $S/go-sev-guest/milan.testcer"
refused 'SNP report: the guest is debuggable \(policy 0xb0000; --allow-debug accepts it\)$' \
    $GSG "$S/go-sev-guest/attestation.bin"
accepted --allow-debug $GSG "$S/go-sev-guest/attestation.bin"
# A VLEK report (v3, VMPL 1), its VLEK valid in 2025.
VLEK="--at 2025-06-01T00:00:00Z --certs $S/trustee/test-vlek.der"
accepted $VLEK --certs "$S/go-sev-guest/ask_ark_milan_vlek.pem" "$S/trustee/test-vlek-report.bin"
refused 'no ASVK given for the VLEK' $VLEK --certs "$S/go-sev-guest/ask_ark_genoa_vlek.pem" \
    "$S/trustee/test-vlek-report.bin"
refused 'VMPL 1 is above the maximum 0' $VLEK --vmpl 0 \
    --certs "$S/go-sev-guest/ask_ark_milan_vlek.pem" "$S/trustee/test-vlek-report.bin"
refused 'VLEK is not valid at' --certs "$S/trustee/test-vlek.der" \
    --certs "$S/go-sev-guest/ask_ark_milan_vlek.pem" "$S/trustee/test-vlek-report.bin"
# A swapped VCEK (another chip's), a wrong root, a missing VCEK.
refused "VCEK \(Turin\) is another chip's" --certs "$S/virtee-sev/vcek_turin.der" \
    --certs "$S/virtee-sev/cert_chain_turin" "$S/virtee-sev/report_milan.bin"
refused 'ASK \(SEV-Milan\) is not issued by the ARK-Genoa' --root "$S/roots/amd_ark_genoa.pem" \
    $MILAN "$S/virtee-sev/report_milan.bin"
refused 'no VCEK given' "$S/virtee-sev/report_milan.bin"
# Flipped bits in the signed part and in the signature; cut; trailing bytes.
flip() { # flip FILE OFFSET: a copy of FILE with bit 0 of byte OFFSET flipped
	cp "$1" flipped
	printf "$(printf '\\%03o' $(( $(od -An -tu1 -j "$2" -N1 "$1") ^ 1 )))" |
	    dd of=flipped bs=1 seek="$2" conv=notrunc 2>/dev/null
}
for off in 0 8 80 144 384 416 671 672 744; do
	flip "$S/virtee-sev/report_milan.bin" "$off"
	expect_status 1 ss_attest verify $MILAN flipped
	[ "$(wc -l < "$TMP/stderr")" -eq 1 ] || fail "flip at $off: $(cat "$TMP/stderr")"
done
head -c 1183 "$S/virtee-sev/report_milan.bin" > cut.bin
refused 'SNP report' $MILAN cut.bin
{ cat "$S/virtee-sev/report_milan.bin"; printf 'x'; } > long.bin
refused 'SNP report: .*(trailing|1185)' $MILAN long.bin

# --- TDX ---
accepted "$T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat"
accepted "$T/go-tdx-guest/quote_v5_sample.dat"
accepted "$T/go-tdx-guest/cos-113-tdx-quote.dat"
refused 'TDX quote: TD is debuggable \(--allow-debug accepts it\)$' "$T/trustee/tdx_quote_4.dat"
accepted --allow-debug "$T/trustee/tdx_quote_4.dat"
# With collateral, checked at its own issue time (its signing
# certificate has expired since).
AT=2023-06-18T08:42:58Z
QEID="--certs $T/go-tdx-guest/sample_qeIdentity_response --certs $T/go-tdx-guest/qeIdentityIssuerChain.pem"
CRLS="--certs $T/go-tdx-guest/pckcrl --certs $T/go-tdx-guest/pckCrlIssuerChain.pem --certs $T/go-tdx-guest/rootcrl.der"
accepted --at "$AT" $QEID $CRLS "$T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat"
# The sample TCB Info has no level this platform reaches.
refused 'TDX quote: TCB Info has no TCB level' --at "$AT" $QEID $CRLS \
    --certs "$T/go-tdx-guest/sample_tcbInfo_response" --certs "$T/go-tdx-guest/tcbInfoIssuerChain.pem" \
    "$T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat"
show() { ss_attest show "$1" | sed -n "s/^$2: //p"; }
[ -n "$(show "$T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat" MRTD)" ] || fail "show: no MRTD"
[ "$(show "$T/trustee/tdx_quote_4.dat" debug)" = 'yes (NOT confidential)' ] || fail "show: debug"
[ -n "$(show "$T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat" RTMR0)" ] || fail "show: no RTMR0"
# A wrong root; flipped bits in the header, the body and the signature.
refused 'root|Root' --root "$S/roots/amd_ark_milan.pem" "$T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat"
for off in 2 48 200 631 640 700; do
	flip "$T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat" "$off"
	expect_status 1 ss_attest verify flipped
	[ "$(wc -l < "$TMP/stderr")" -eq 1 ] || fail "TDX flip at $off: $(cat "$TMP/stderr")"
done
head -c 1000 "$T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat" > cut.dat
expect_status 1 ss_attest verify cut.dat
[ "$(wc -l < "$TMP/stderr")" -eq 1 ] || fail "TDX cut: $(cat "$TMP/stderr")"

# --- SGX, with its collateral, at its time ---
expect_status 0 ss_attest verify --at 2025-06-19T10:56:11Z \
    --certs "$G/dcap-qvl/sgx_quote_collateral.json" "$G/dcap-qvl/sgx_quote" > out
expect_stderr_is "ss-attest: $G/dcap-qvl/sgx_quote: TCB status ConfigurationAndSWHardeningNeeded; advisories INTEL-SA-00289,INTEL-SA-00615"
refused 'CRL .* expired' --certs "$G/dcap-qvl/sgx_quote_collateral.json" "$G/dcap-qvl/sgx_quote"
[ -n "$(show "$G/dcap-qvl/sgx_quote" MRENCLAVE)" ] || fail "show: no MRENCLAVE"
# The owner's pins on an SGX enclave: MRENCLAVE and MRSIGNER.
SGX="--at 2025-06-19T10:56:11Z --certs $G/dcap-qvl/sgx_quote_collateral.json"
MRE=$(show "$G/dcap-qvl/sgx_quote" MRENCLAVE) MRS=$(show "$G/dcap-qvl/sgx_quote" MRSIGNER)
expect_status 0 ss_attest verify $SGX --launch-measurement "$MRE" --mrsigner "$MRS" \
    "$G/dcap-qvl/sgx_quote" > out
refused 'MRSIGNER mismatch: the enclave was signed by another key$' $SGX \
    --mrsigner "$(printf '%064x' 1)" "$G/dcap-qvl/sgx_quote"
refused 'launch measurement mismatch' $SGX --launch-measurement "$(printf '%064x' 1)" \
    "$G/dcap-qvl/sgx_quote"
expect_status 2 ss_attest verify --mrsigner "$MRS" "$T/go-tdx-guest/quote_v5_sample.dat"
expect_stderr_is 'ss-attest: --mrsigner: only SGX enclaves have an MRSIGNER' 

# --- show: the fields a person checks ---
ss_attest show "$S/virtee-sev/report_milan.bin" > shown
for f in 'evidence: AMD SEV-SNP report v2' 'debug: no' 'policy: 0x30000' 'VMPL: 0' \
    'TCB: bootloader 3 tee 0 snp 8 microcode 115' 'signature: not checked (ss-attest verify checks it)'; do
	grep -qxF "$f" shown || fail "show: no '$f' in $(cat shown)"
done
grep -Eq '^launch measurement: [0-9a-f]{96}$' shown || fail "show: launch measurement"
grep -Eq '^report data: [0-9a-f]{128}$' shown || fail "show: report data"
# Not evidence at all.
printf 'hello\n' > junk
expect_status 1 ss_attest show junk
expect_stderr_is 'ss-attest: junk: not a securestreams quote (expected ssquote1-...)'

# --- usage ---
expect_status 2 ss_attest verify --min-tcb bootloader=x "$S/virtee-sev/report_milan.bin"
expect_stderr '^ss-attest: --min-tcb: expected NAME=N'
expect_status 2 ss_attest verify --vmpl 4 "$S/virtee-sev/report_milan.bin"
expect_stderr_is "ss-attest: --vmpl: expected 0 to 3, not '4'"
expect_status 2 ss_attest verify --at yesterday "$S/virtee-sev/report_milan.bin"
expect_stderr '^ss-attest: --at: expected a time'
expect_status 2 ss_attest verify --allow-tcb never "$S/virtee-sev/report_milan.bin"
expect_stderr '^ss-attest: --allow-tcb: expected out-of-date, revoked or both'
expect_status 2 ss_attest verify --rtmr 4:00 "$T/go-tdx-guest/quote_v5_sample.dat"
expect_usage_error '^ss-attest: --rtmr: expected N:HEX with N from 0 to 3'
expect_status 2 ss_attest show --allow-debug "$S/virtee-sev/report_milan.bin"
expect_usage_error '^ss-attest: show: that option does not apply$'
expect_status 2 ss_attest verify --certs nowhere.pem "$S/virtee-sev/report_milan.bin"
expect_stderr '^ss-attest: --certs nowhere.pem: '

pass
