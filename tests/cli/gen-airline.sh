#!/bin/bash
# scripts/gen-airline: shape, determinism, NA placement, usage errors.
set -eu

root=$(dirname "$0")/../..
gen=$root/scripts/gen-airline
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL gen-airline.sh: $*" >&2
	exit 1
}

header=Year,Month,DayofMonth,DayOfWeek,DepTime,CRSDepTime,ArrTime,CRSArrTime
header=$header,UniqueCarrier,FlightNum,TailNum,ActualElapsedTime
header=$header,CRSElapsedTime,AirTime,ArrDelay,DepDelay,Origin,Dest,Distance
header=$header,TaxiIn,TaxiOut,Cancelled,CancellationCode,Diverted,CarrierDelay
header=$header,WeatherDelay,NASDelay,SecurityDelay,LateAircraftDelay

# Shape.
"$gen" 1000 > "$tmp/a.csv" || fail "gen-airline 1000 exited $?"
[ "$(head -n 1 "$tmp/a.csv")" = "$header" ] || fail "header is wrong"
[ "$(wc -l < "$tmp/a.csv")" -eq 1001 ] || fail "1000 rows did not give 1001 lines"
bad=$(awk -F, 'NF != 29 { print NR; exit }' "$tmp/a.csv")
[ -z "$bad" ] || fail "line $bad does not have 29 fields"
! grep -q $'\r' "$tmp/a.csv" || fail "output contains CR"
[ "$("$gen" 0)" = "$header" ] || fail "0 rows is not just the header"

# Determinism: default seed is 1; same seed, same bytes; other seed, other data.
"$gen" -s 1 1000 > "$tmp/b.csv"
cmp -s "$tmp/a.csv" "$tmp/b.csv" || fail "default seed differs from -s 1"
"$gen" -s 7 1000 > "$tmp/c.csv"
"$gen" -s 7 1000 > "$tmp/d.csv"
cmp -s "$tmp/c.csv" "$tmp/d.csv" || fail "same seed gave different bytes"
! cmp -s "$tmp/a.csv" "$tmp/c.csv" || fail "seeds 1 and 7 gave the same bytes"
"$gen" -s 7 500 | cmp -s - <(head -n 501 "$tmp/c.csv") ||
	fail "500 rows is not a prefix of 1000 rows"
for awk in mawk gawk; do
	command -v $awk > /dev/null || continue
	AWK=$awk "$gen" -s 7 1000 | cmp -s - "$tmp/c.csv" ||
		fail "$awk output differs from the default awk"
done

# Every row against the rules of the real data; enough rows that cancelled
# and diverted flights occur.  Prints the first broken rule, or counts.
"$gen" -s 3 20000 > "$tmp/e.csv"
result=$(awk -F, '
function num(i) { return $i ~ /^-?[0-9]+$/ }
function check(ok, what) { if (!ok && !err) err = "line " NR ": " what }
NR == 1 { next }
{
	mdays = substr("312931303130313130313031", 2 * $2 - 1, 2) + 0
	check($1 == 2008 && $2 >= 1 && $2 <= 12, "Year/Month")
	check($3 >= 1 && $3 <= mdays && $4 >= 1 && $4 <= 7, "DayofMonth/DayOfWeek")
	check($17 ~ /^[A-Z][A-Z][A-Z]$/ && $18 ~ /^[A-Z][A-Z][A-Z]$/ && $17 != $18, "Origin/Dest")
	check($19 >= 100 && $19 <= 2700, "Distance")
	check($10 >= 1 && $10 <= 7000, "FlightNum")
	check($11 ~ /^(N[0-9A-Z]+|0|)$/, "TailNum")
	for (i = 1; i <= 29; i++)
		if (!(i in mayna))
			check(num(i) || i == 9 || i == 11 || i == 17 || i == 18 ||
			    i == 23, "field " i " not an integer")
	check($22 == 0 || $22 == 1, "Cancelled")
	check($24 == 0 || $24 == 1, "Diverted")
	check(!($22 == 1 && $24 == 1), "both cancelled and diverted")
	if ($22 == 1) {
		cancelled++
		check($23 ~ /^[ABCD]$/, "CancellationCode of a cancelled flight")
		for (i = 5; i <= 21; i++)
			check((i in cna) ? $i == "NA" : $i != "NA",
			    "cancelled, field " i " wrong NA-ness")
	} else {
		check($23 == "", "CancellationCode of a flight not cancelled")
	}
	if ($24 == 1) {
		diverted++
		for (i = 5; i <= 21; i++)
			check((i in dna) ? $i == "NA" : $i != "NA",
			    "diverted, field " i " wrong NA-ness")
	}
	if ($22 == 0 && $24 == 0) {
		for (i = 1; i <= 24; i++)
			check($i != "NA", "flown, field " i " is NA")
		check($12 == $14 + $20 + $21, "ActualElapsedTime != parts")
		check($15 - $16 == $12 - $13, "ArrDelay - DepDelay != elapsed - CRS")
	}
	if ($15 == "NA" || $15 < 15) {
		for (i = 25; i <= 29; i++)
			check($i == "NA", "delay cause " i " not NA with ArrDelay " $15)
	} else {
		late++
		sum = 0
		for (i = 25; i <= 29; i++) {
			check(num(i) && $i >= 0, "delay cause " i " not >= 0")
			sum += $i
		}
		check(sum == $15, "delay causes do not sum to ArrDelay")
	}
	if (NR <= 21)
		print $1 "-" $2 "-" $3, $4 > dates
}
END {
	if (err)
		print err
	else if (cancelled < 100 || diverted < 10 || late < 1000)
		print "too few cancelled/diverted/late rows: " cancelled " " \
		    diverted " " late
	else
		print "ok"
}
BEGIN {
	split("5 7 12 14 15 16 20 21", f, " ")
	for (i in f) { cna[f[i]]; mayna[f[i]] }
	split("7 12 14 15 20", f, " ")
	for (i in f) dna[f[i]]
	for (i = 25; i <= 29; i++) mayna[i]
}' dates="$tmp/dates" "$tmp/e.csv")
[ "$result" = ok ] || fail "$result"
while read -r date dow; do
	[ "$(date -d "$date" +%u)" = "$dow" ] || fail "DayOfWeek of $date is not $dow"
done < "$tmp/dates"

# Usage.
"$gen" -h > "$tmp/out" || fail "-h exited $?"
grep -q '^usage: gen-airline' "$tmp/out" || fail "-h printed no usage"

# usage_error ARGS...: gen-airline ARGS must exit 2 with one stderr line.
usage_error() {
	local status=0
	"$gen" "$@" > "$tmp/out" 2> "$tmp/err" || status=$?
	[ $status -eq 2 ] || fail "'gen-airline $*' exited $status, not 2"
	[ ! -s "$tmp/out" ] || fail "'gen-airline $*' wrote to stdout"
	if [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -q '^gen-airline: ' "$tmp/err"; then
		fail "'gen-airline $*' stderr is not one 'gen-airline: ' line"
	fi
}
usage_error
usage_error abc
usage_error 12x
usage_error -5
usage_error 1 2
usage_error -x 5
usage_error -s
usage_error -s abc 5
usage_error -s "" 5
usage_error -s 1 -s 2 5

echo "PASS gen-airline.sh"
