#!/bin/bash
# ss-route --subs and --policy (content-based routing with PubSub-SGX's
# permission filtering): on generated airline data, every subscriber gets
# exactly the records its condition matches and its group may receive, as
# awk computes them on the plaintext, with no policy, with policies (a record
# no policy names goes to any group), and with --deny-unlisted (it goes to
# none); both backends agree; "{}" in -o is the subscriber's ID, for files
# and |commands; each output opens with its subscriber's key only; bad
# subscriber and policy files are usage errors (exit 2) that show the line
# with a caret; an unknown field is a data error (exit 1, no file left); a
# sealed route refuses other subscribers or another policy.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

unset SS_TEE SS_ENCLAVE
export SS_PLATFORM=$TMP/plat
export LC_ALL=C

ss_route() { $SS_WRAP "$SS_BIN/ss-route" "$@"; }
ss_attest() { $SS_WRAP "$SS_BIN/ss-attest" "$@"; }

newkey stage; ST=$PUB
for u in alice bob carol dave; do
	newkey "$u"
	eval "K_$u=\$PUB"
done

if slow; then rows=1500; else rows=20000; fi
"$TOP/scripts/gen-airline" "$rows" > air.csv
[ "$(head -n 1 air.csv | cut -d, -f9,15,16,17,18,19)" = \
    UniqueCarrier,ArrDelay,DepDelay,Origin,Dest,Distance ] ||
    fail "test bug: air.csv columns: $(head -n 1 air.csv)"
grep -q '"' air.csv && fail "test bug: air.csv has quoted values"
ss_encrypt -r "$ST" -o air.ss air.csv || fail "encrypt air.csv"

cat > subs.txt <<EOF
# ID     GROUP    RECIPIENT  CONDITION
alice    doctors  $K_alice   ArrDelay > 60
bob	nurses	$K_bob	Origin == "ORD" && DepDelay >= 0

carol    public   $K_carol   UniqueCarrier in ("WN", "AA")
dave     public   $K_dave    Distance < 300
EOF
cat > policy.txt <<'EOF'
# Records from the hub go to medical staff only; to LAX, to anyone.
hub   doctors,nurses  Origin == "ORD"
west  *               Dest == "LAX"
EOF

# The awk reference: subscriber u's condition, its group, and the policy.
AWK='function num(x) { return x ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
function cond(u) {
	if (u == "alice") return num($15) && $15 > 60
	if (u == "bob") return $17 == "ORD" && num($16) && $16 >= 0
	if (u == "carol") return $9 == "WN" || $9 == "AA"
	return $19 < 300
}
function group(u) { return u == "alice" ? "doctors" : u == "bob" ? "nurses" : "public" }
function allowed(g,   hub, west) {
	if (policy == 0) return 1
	hub = $17 == "ORD"; west = $18 == "LAX"
	if (!hub && !west) return !deny
	return (hub && (g == "doctors" || g == "nurses")) || west
}
NR > 1 && cond(u) && allowed(group(u))'

# want U POLICY DENY: the rows subscriber U must get.
want() {
	{ head -n 1 air.csv; awk -F, -v u="$1" -v policy="$2" -v deny="$3" "$AWK" air.csv; } > "want-$1.csv"
}

# check_outputs POLICY DENY: out/U.ss holds exactly what U must get, and
# some subscriber gets some records but not all.
check_outputs() {
	local u got=0
	for u in alice bob carol dave; do
		want "$u" "$1" "$2"
		expect_status 0 ss_decrypt -i "$u.key" -o "got-$u.csv" "out/$u.ss"
		cmp -s "got-$u.csv" "want-$u.csv" ||
		    fail "policy=$1 deny=$2: $u got $(($(wc -l < "got-$u.csv") - 1)) rows, wants $(($(wc -l < "want-$u.csv") - 1))"
		got=$((got + $(wc -l < "want-$u.csv") - 1))
	done
	[ "$got" -gt 0 ] || fail "test bug: nobody gets anything"
}

# --- Subscribers alone, then with policies, then denying the unlisted. ---
for tee in $(some process none); do
	rm -rf out; mkdir out
	expect_status 0 ss_route --tee "$tee" -i stage.key --subs subs.txt -o 'out/{}.ss' < air.ss
	[ ! -s "$TMP/stderr" ] || fail "ss-route said: $(cat "$TMP/stderr")"
	check_outputs 0 0
done
rm -rf out; mkdir out
expect_status 0 ss_route -i stage.key --subs subs.txt --policy policy.txt -o 'out/{}.ss' < air.ss
check_outputs 1 0
# The policy must matter: bob (nurses, ORD only) loses nothing, dave
# (public) loses the hub's short flights that do not go to LAX.
want dave 0 0; cp want-dave.csv nopolicy-dave.csv; want dave 1 0
cmp -s nopolicy-dave.csv want-dave.csv && fail "test bug: the policy changes nothing for dave"
rm -rf out; mkdir out
expect_status 0 ss_route -i stage.key --subs subs.txt --policy policy.txt --deny-unlisted -o 'out/{}.ss' < air.ss
check_outputs 1 1

# --- Each output is for its subscriber only. ---
expect_status 1 ss_decrypt -i bob.key -o /dev/null out/alice.ss

# --- |commands: {} is the ID there too. ---
rm -rf out; mkdir out
expect_status 0 ss_route -i stage.key --subs subs.txt -o "|cat > out/{}.ss" < air.ss
check_outputs 0 0

# --- Bad files: exit 2, the line and a caret. ---
bad_subs() {
	printf '%s\n' "$1" > bad.txt
	rm -rf out; mkdir out
	expect_status 2 ss_route -i stage.key --subs bad.txt -o 'out/{}.ss' < air.ss
	grep -q "$2" "$TMP/stderr" || fail "'$1': $(cat "$TMP/stderr")"
	[ -z "$(ls out)" ] || fail "'$1' left files: $(ls out)"
}
bad_subs "alice" "bad.txt: line 1: column 6: no group"
bad_subs "alice doctors" "bad.txt: line 1: column 14: no recipient"
bad_subs "alice doctors $K_alice" "no condition after the recipient"
bad_subs "alice doc/tors $K_alice ArrDelay > 0" "bad.txt: line 1: column 7: a group name is"
bad_subs "alice doctors sspub1-nope ArrDelay > 0" "bad.txt: line 1: column 15: the recipient is not a public key"
bad_subs "alice doctors $K_alice ArrDelay >" "bad.txt: line 1: column"
bad_subs "al/ice doctors $K_alice ArrDelay > 0" "bad.txt: line 1: column 3"
bad_subs "a doctors $K_alice x > 1
a doctors $K_bob x > 2" "given twice"
bad_subs "# nobody" "bad.txt"
printf 'alice doctors %s ArrDelay >\n' "$K_alice" > bad.txt
expect_status 2 ss_route -i stage.key --subs bad.txt -o 'out/{}.ss' < air.ss
grep -q '^ *\^$' "$TMP/stderr" || fail "no caret: $(cat "$TMP/stderr")"
printf 'hub doctors;nurses Origin == "ORD"\n' > badpol.txt
expect_status 2 ss_route -i stage.key --subs subs.txt --policy badpol.txt -o 'out/{}.ss' < air.ss
grep -q "badpol.txt: line 1: column 5: the groups are" "$TMP/stderr" ||
    fail "bad policy: $(cat "$TMP/stderr")"
expect_status 2 ss_route -i stage.key --subs subs.txt -n 2 -o 'out/{}.ss' < air.ss
expect_status 2 ss_route -i stage.key --hash Origin -n 2 --policy policy.txt -o 'out/{}.ss' < air.ss
expect_status 2 ss_route -i stage.key --subs subs.txt --deny-unlisted -o 'out/{}.ss' < air.ss
expect_status 2 ss_route -i stage.key --subs subs.txt -o 'out/same.ss' < air.ss
grep -q "needs {} (the subscriber's ID)" "$TMP/stderr" || fail "template: $(cat "$TMP/stderr")"

# --- Bad data: a field the stream lacks. ---
printf 'alice doctors %s NoSuchField > 1\n' "$K_alice" > nofield.txt
rm -rf out; mkdir out
expect_status 1 ss_route -i stage.key --subs nofield.txt -o 'out/{}.ss' < air.ss
grep -q "no field 'NoSuchField' in the input stream" "$TMP/stderr" ||
    fail "unknown field: $(cat "$TMP/stderr")"
[ -z "$(ls out)" ] || fail "a data error left files: $(ls out)"

# --- Sealed: the subscribers and the policy are part of the program. ---
expect_status 0 ss_attest platform-init > /dev/null
ss_attest new -o route2.sealed -- ss-route --subs subs.txt --policy policy.txt > route.quote ||
    fail "ss-attest new"
SK=$(ss_attest show route.quote | sed -n 's/^stage key: //p')
[ -n "$SK" ] || fail "no stage key in the quote"
ss_attest show route.quote | grep -q "^  subs: sha256:$(sha256sum subs.txt | cut -d' ' -f1)$" ||
    fail "the quote does not show the subscribers file's digest"
ss_encrypt -r "$SK" -o air2.ss air.csv || fail "encrypt to the sealed route"
rm -rf out; mkdir out
expect_status 0 ss_route --sealed route2.sealed --subs subs.txt --policy policy.txt -o 'out/{}.ss' < air2.ss
check_outputs 1 0
sed 's/ArrDelay > 60/ArrDelay > 0/' subs.txt > subs2.txt
rm -rf out; mkdir out
expect_status 1 ss_route --sealed route2.sealed --subs subs2.txt --policy policy.txt -o 'out/{}.ss' < air2.ss
grep -q "sealed for another program" "$TMP/stderr" || fail "other subscribers: $(cat "$TMP/stderr")"
head -n 2 policy.txt > policy2.txt
expect_status 1 ss_route --sealed route2.sealed --subs subs.txt --policy policy2.txt -o 'out/{}.ss' < air2.ss
expect_status 1 ss_route --sealed route2.sealed --subs subs.txt -o 'out/{}.ss' < air2.ss
[ -z "$(ls out)" ] || fail "refused runs left files: $(ls out)"
pass
