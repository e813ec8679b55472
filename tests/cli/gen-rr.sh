#!/bin/bash
# scripts/gen-rr: shape, time order, plausible RR intervals, determinism,
# usage errors.
set -eu

root=$(dirname "$0")/../..
gen=$root/scripts/gen-rr
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL gen-rr.sh: $*" >&2
	exit 1
}

# Shape, order and values: 50 patients over 20 minutes.
"$gen" -p 50 1200 > "$tmp/a.csv" || fail "gen-rr -p 50 1200 exited $?"
[ "$(head -n 1 "$tmp/a.csv")" = patient,time,rr ] || fail "header is wrong"
result=$(awk -F, '
NR == 1 { next }
NF != 3 { bad = NF " fields" }
$1 !~ /^p[0-9][0-9][0-9][0-9][0-9]$/ { bad = "patient " $1 }
$2 !~ /^[0-9]+$/ || $2 < last { bad = "time " $2 " after " last }
$3 !~ /^[0-9]+$/ || $3 < 300 || $3 > 2000 { bad = "rr " $3 }
bad != "" { print "line " NR ": " bad; exit }
{
	last = $2; n[$1]++; s[$1] += $3; q[$1] += $3 * $3
	if (NR == 2) first = $2
	if (p[$1] != "" && ($3 - p[$1] > 50 || p[$1] - $3 > 50)) big[$1]++
	p[$1] = $3
}
END {
	if (bad != "") exit
	if (first % 300 != 0) { print "first time " first " not a multiple of 300"; exit }
	if (last - first != 1199) { print "times span " last - first + 1 " s"; exit }
	np = 0
	for (k in n) {
		np++
		m = s[k] / n[k]; sd = sqrt(q[k] / n[k] - m * m)
		# Beats over 1200 s: the intervals must add up to about that.
		if (s[k] < 1190000 || s[k] > 1202000) { print k ": beats span " s[k] " ms"; exit }
		if (m < 580 || m > 1020) { print k ": mean RR " m; exit }
		if (sd < 5 || sd > 120) { print k ": RR stddev " sd; exit }
		nb += big[k]
	}
	if (np != 50) { print np " patients"; exit }
	if (nb == 0) { print "no ectopic beats at all"; exit }
	print "ok"
}' "$tmp/a.csv")
[ "$result" = ok ] || fail "$result"

# Determinism: same seed, same bytes; other seed, other data; any awk.
"$gen" -s 1 -p 50 1200 | cmp -s - "$tmp/a.csv" || fail "default seed differs from -s 1"
"$gen" -s 9 -p 50 1200 > "$tmp/b.csv"
! cmp -s "$tmp/a.csv" "$tmp/b.csv" || fail "seeds 1 and 9 gave the same bytes"
for awk in mawk gawk; do
	command -v $awk > /dev/null || continue
	AWK=$awk "$gen" -s 9 -p 50 1200 | cmp -s - "$tmp/b.csv" ||
		fail "$awk output differs from the default awk"
done
[ "$("$gen" 0)" = patient,time,rr ] || fail "0 seconds is not just the header"

# Usage.
"$gen" -h > "$tmp/out" || fail "-h exited $?"
grep -q '^usage: gen-rr' "$tmp/out" || fail "-h printed no usage"
usage_error() {
	local status=0
	"$gen" "$@" > "$tmp/out" 2> "$tmp/err" || status=$?
	[ $status -eq 2 ] || fail "'gen-rr $*' exited $status, not 2"
	[ ! -s "$tmp/out" ] || fail "'gen-rr $*' wrote to stdout"
	if [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -q '^gen-rr: ' "$tmp/err"; then
		fail "'gen-rr $*' stderr is not one 'gen-rr: ' line"
	fi
}
usage_error
usage_error abc
usage_error 1 2
usage_error -x 5
usage_error -s
usage_error -s abc 5
usage_error -p 0 5
usage_error -p 100000 5
usage_error -s 1 -s 2 5
usage_error -p 1 -p 2 5

echo "PASS gen-rr.sh"
