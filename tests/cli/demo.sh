#!/bin/bash
# make demo: the attested airline pipeline (scripts/demo) runs to the end with
# the binaries under test: three sealed stages give the consumer the same
# per-carrier counts and means as awk, and each refusal is refused (the script
# itself checks both and fails otherwise).  Skipped under valgrind: every
# stage it runs is covered by its own test.
. "$(dirname "$0")/lib.sh"

if slow; then pass; fi
unset SS_TEE SS_ENCLAVE SS_PLATFORM
SS_BIN=$SS_BIN TMPDIR=$TMP "$TOP/scripts/demo" > "$TMP/out" 2>&1 ||
    fail "scripts/demo exited $?: $(tail -n 5 "$TMP/out")"
grep -q '^the same counts and means as awk' "$TMP/out" ||
    fail "the demo did not check its result against awk"
[ "$(grep -c '^exit status 1$' "$TMP/out")" = 6 ] ||
    fail "expected 6 refusals: $(grep -c '^exit status 1$' "$TMP/out")"
grep -q '^== Demo done' "$TMP/out" || fail "the demo did not finish"
pass
