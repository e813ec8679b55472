#!/bin/bash
# scripts/gen-pubsub: shape, determinism, the match rates it promises,
# usage errors; and ss-match --subs on its files against a brute force.
. "$(dirname "$0")/lib.sh"

root=$(dirname "$0")/../..
gen=$root/scripts/gen-pubsub

# Shape.
"$gen" pubs --seed 3 100 > "$TMP/p.csv" || fail "pubs exited $?"
hdr=$(head -n 1 "$TMP/p.csv")
[ "$hdr" = "$(seq -s, -f 'a%g' 1 40)" ] || fail "pubs header is '$hdr'"
[ "$(wc -l < "$TMP/p.csv")" -eq 101 ] || fail "100 publications did not give 101 lines"
bad=$(awk -F, 'NR > 1 { if (NF != 40) { print NR; exit }
	for (i = 1; i <= NF; i++) if ($i !~ /^[0-9]+$/ || $i > 999) { print NR; exit } }' "$TMP/p.csv")
[ -z "$bad" ] || fail "pubs line $bad is not 40 integers 0..999"
"$gen" pubs --decimal --attrs 3 5 | tail -n +2 | grep -qvE '^[0-9]+\.[0-9][0-9](,[0-9]+\.[0-9][0-9]){2}$' &&
	fail "--decimal values are not 0.00..999.99"
"$gen" subs --seed 3 50 > "$TMP/s.json" || fail "subs exited $?"
bad=$(awk 'NR == 1 { if ($0 != "[") { print NR; exit } next }
	/^\]$/ { last = NR; next }
	{ n = gsub(/\{"key":"a[0-9]+","val":[0-9]+,"op":"(ge|le)"\}/, "&")
	  if (n != 40) { print NR; exit } }
	END { if (last != 52) print "end" }' "$TMP/s.json")
[ -z "$bad" ] || fail "subs line $bad is not 40 ge/le constraints"
# 20 distinct attributes, each a ge and an le with lo <= hi.
bad=$(awk -F'[:,}"]+' 'NR > 1 && NF > 3 { delete seen
	for (i = 1; i <= NF; i++) if ($i == "key") {
		k = $(i + 1); v = $(i + 3); o = $(i + 5)
		if (o == "ge") { if (k in seen) { print NR; exit } seen[k] = v }
		else if (!(k in seen) || seen[k] > v) { print NR; exit }
	}
	if (length(seen) != 20) { print NR; exit } }' "$TMP/s.json")
[ -z "$bad" ] || fail "subs line $bad: not 20 ranges on distinct attributes"
"$gen" subs --scbr 20 | grep -c '"key":"sym","val":[0-9]*,"op":"eq"' | grep -qx 20 ||
	fail "SCBR subscriptions lack their sym equality"
[ "$("$gen" pubs --scbr 1 | head -n 1)" = sym,v1,v2,v3,v4,v5,v6 ] || fail "SCBR header"

# Determinism, across awks.
"$gen" subs --seed 3 50 | cmp -s - "$TMP/s.json" || fail "same seed, other bytes"
"$gen" subs --seed 4 50 | cmp -s - "$TMP/s.json" && fail "seeds 3 and 4 gave the same bytes"
for awk in mawk gawk nawk; do
	command -v $awk > /dev/null || continue
	AWK=$awk "$gen" subs --seed 3 50 | cmp -s - "$TMP/s.json" || fail "$awk differs"
	AWK=$awk "$gen" pubs --seed 3 100 | cmp -s - "$TMP/p.csv" || fail "$awk differs (pubs)"
done

# Usage errors.
for args in "" "pubs" "subs --constraints 3 10" "subs --constraints 100 10" \
	"pubs --seed x 10" "pubs 0" "other 10" "pubs 10 11"; do
	# shellcheck disable=SC2086
	expect_status 2 "$gen" $args
done

# ss-match on the files: the same IDs as a brute force in awk, and about
# the promised share of (publication, subscription) pairs (8e-4; SCBR
# 1.875e-3).
newkey st
st=$PUB
newkey c
c=$PUB
brute() {
	awk -F, 'NR == FNR { if (FNR == 1) { for (i = 1; i <= NF; i++) col[$i] = i; next }
		np++; line[np] = $0; for (i = 1; i <= NF; i++) v[np, i] = $i + 0; next }
	/"key"/ { n++; s = $0; nc = 0
		while (match(s, /"key":"[^"]*","val":[0-9]+,"op":"[a-z]+"/)) {
			split(substr(s, RSTART, RLENGTH), q, "\"")
			nc++; kc[nc] = col[q[4]]; kv[nc] = substr(q[7], 2) + 0; ko[nc] = q[10]
			s = substr(s, RSTART + RLENGTH) }
		for (p = 1; p <= np; p++) { ok = 1
			for (j = 1; j <= nc && ok; j++) { x = v[p, kc[j]]
				ok = ko[j] == "ge" ? x >= kv[j] : ko[j] == "le" ? x <= kv[j] : x == kv[j] }
			if (ok) hit[p] = hit[p] (hit[p] == "" ? "" : ";") n } }
	END { print hdr; for (p = 1; p <= np; p++) if (hit[p] != "") print line[p] "," hit[p] }' \
		hdr="$(head -n 1 "$1"),ids" "$1" "$2"
}
for w in "" --scbr; do
	"$gen" subs $w --seed 5 300 > "$TMP/s.json"
	"$gen" pubs $w --seed 6 2000 > "$TMP/p.csv"
	ss_encrypt -r "$st" "$TMP/p.csv" |
		$SS_WRAP "$SS_BIN/ss-match" --subs "$TMP/s.json" --tag ids -i "$TMP/st.key" -r "$c" |
		ss_decrypt -i "$TMP/c.key" > "$TMP/got.csv" || fail "pipeline${w:+ $w} failed"
	brute "$TMP/p.csv" "$TMP/s.json" > "$TMP/want.csv"
	cmp -s "$TMP/got.csv" "$TMP/want.csv" || fail "ss-match${w:+ $w} differs from the brute force"
	n=$(awk -F, 'NR > 1 { n += split($NF, a, ";") } END { print n + 0 }' "$TMP/got.csv")
	# 600,000 pairs: 480 expected (SCBR 1,125); within a factor of 1.5.
	want=$([ -z "$w" ] && echo 480 || echo 1125)
	[ "$n" -gt $((want * 2 / 3)) ] && [ "$n" -lt $((want * 3 / 2)) ] ||
		fail "${w:-pubsub}: $n notifications, expected about $want"
done

pass
