#!/bin/bash
# ss-reduce: on generated airline data, every accumulator per carrier and
# per (carrier, origin) equals an awk computation on the same plaintext bit
# for bit, and Miller's stats1 to 9 digits; integers print without a
# point; both enclave backends give the same bytes; exact sums do not
# depend on the order of the data; --partial + --merge over 4 partitions
# equals a single run (all accumulators when partitioned by the group
# field, the order-free ones when not; with windows too); windows over
# synthetic RR data give the known SDNN, RMSSD and pNN50 (by hand and by
# awk); tumbling alignment and the window_start forms; lateness counted and
# reported; sliding and count windows; --max-groups; bad programs exit 2
# with clear messages, bad data and hostile partial state exit 1.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

unset SS_TEE SS_ENCLAVE
export SS_PLATFORM=$TMP/plat	# never touch a real platform
export LC_ALL=C			# awk compares text bytewise, as ss-reduce does

ss_reduce() { $SS_WRAP "$SS_BIN/ss-reduce" "$@"; }

newkey stage; ST=$PUB
newkey consumer; C=$PUB

command -v mlr > /dev/null ||
    fail "mlr (Debian package miller) is not installed: run scripts/install-deps"

# reduce IN OUT ARGS...: ss-reduce -i stage.key -r C ARGS on the stream IN
# succeeds silently; its output decrypts to OUT.
reduce() {
	r_in=$1 r_out=$2
	shift 2
	rm -f out.ss
	expect_status 0 ss_reduce -i stage.key -r "$C" "$@" -o out.ss < "$r_in"
	[ ! -s "$TMP/stderr" ] || fail "ss-reduce $* said: $(cat "$TMP/stderr")"
	expect_status 0 ss_decrypt -i consumer.key -o "$r_out" out.ss
}

# csv IN.csv OUT.ss: encrypt to the stage.
csv() { ss_encrypt -r "$ST" -o "$2" "$1" || fail "encrypt $1"; }

# canon [PRECISION]: every number of a CSV on stdin as %.17g (or
# %.PRECISIONg), so that two files compare as the doubles they hold.
canon() {
	awk -F, -v OFS=, -v p="${1:-17}" '{
	    for (i = 1; i <= NF; i++)
		if ($i ~ /^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/)
			$i = sprintf("%." p "g", $i + 0)
	    print }'
}

# near WANT GOT WHAT: the two CSV files have the same cells, numbers equal
# to 9 significant digits (Miller's variance loses digits to cancellation
# where ours, exact, does not: 5.33333333331 for 5.333...).
near() {
	[ "$(wc -l < "$1")" = "$(wc -l < "$2")" ] || fail "$3: $(wc -l < "$2") lines, want $(wc -l < "$1")"
	paste -d '\n' "$1" "$2" | awk -F, -v what="$3" '
	    function num(x) { return x ~ /^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
	    NR % 2 == 1 { n = split($0, w, ","); next }
	    {
		if (NF != n) { print what ": line " NR / 2 ": " $0; exit 1 }
		for (i = 1; i <= n; i++) {
			if (num(w[i]) && num($i)) {
				d = w[i] - $i; m = (w[i] < 0 ? -w[i] : w[i])
				if (d < 0) d = -d
				if (d > 1e-9 * m) { print what ": line " NR / 2 ": " $i " for " w[i]; exit 1 }
			} else if (w[i] != $i) { print what ": line " NR / 2 ": " $i " for " w[i]; exit 1 }
		}
	    }' >&2 || fail "$3"
}

# sorted FILE: the header, then the rows sorted.
sorted() { head -n 1 "$1"; tail -n +2 "$1" | sort; }

# --- The data. ---
if slow; then rows=1500; else rows=20000; fi
"$TOP/scripts/gen-airline" "$rows" > air.csv
grep -q '"' air.csv && fail "test bug: air.csv has quoted values; awk -F, cannot read it"
[ "$(head -n 1 air.csv | cut -d, -f9,11,15,16,17,19)" = \
  UniqueCarrier,TailNum,ArrDelay,DepDelay,Origin,Distance ] ||
    fail "test bug: air.csv columns: $(head -n 1 air.csv)"
grep -q '^\([^,]*,\)\{14\}NA,' air.csv || fail "test bug: no NA ArrDelay in air.csv"
csv air.csv air.ss

# stats GROUPCOLS VALUECOLS: Miller's stats1 -a count,sum,mean,min,max,var,
# stddev,first,last,distinct_count in awk, on air.csv: groups in
# first-seen order, empty cells left out, count counts every other value,
# the numeric accumulators only numbers, numbers before text for min and
# max, var = (n*sumsq - sum^2) / (n(n-1)), exact on these integers.
stats() {
	awk -F, -v OFS=, -v gcols="$1" -v vcols="$2" '
	function num(x) { return x ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
	function f17(x) { return sprintf("%.17g", x) }
	BEGIN { ng = split(gcols, gc, " "); nv = split(vcols, vc, " ") }
	NR == 1 {
		for (i = 1; i <= ng; i++) printf "%s%s", $gc[i], OFS
		for (j = 1; j <= nv; j++) {
			split("count sum mean min max var stddev first last distinct_count", a, " ")
			for (k = 1; k <= 10; k++)
				printf "%s_%s%s", $vc[j], a[k], (j == nv && k == 10) ? "\n" : OFS
		}
		next
	}
	{
		g = $gc[1]
		for (i = 2; i <= ng; i++) g = g OFS $gc[i]
		if (!(g in seen)) { seen[g] = 1; order[++ngroups] = g }
		for (j = 1; j <= nv; j++) {
			v = $vc[j]; k = g SUBSEP j
			if (v == "") continue
			n[k]++
			if (n[k] == 1) first[k] = v
			last[k] = v
			if (!((k, v) in dist)) { dist[k, v] = 1; nd[k]++ }
			if (num(v)) {
				x = v + 0; nn[k]++; s[k] += x; q[k] += x * x
				if (!(k in mnk) || mnk[k] == "s" || x < mn[k]) { mn[k] = x; mnk[k] = "n" }
				if (!(k in mxk) || (mxk[k] == "n" && x > mx[k])) { mx[k] = x; mxk[k] = "n" }
			} else {
				if (!(k in mnk) || (mnk[k] == "s" && v < mn[k])) { mn[k] = v; mnk[k] = "s" }
				if (!(k in mxk) || mxk[k] == "n" || v > mx[k]) { mx[k] = v; mxk[k] = "s" }
			}
		}
	}
	END {
		for (o = 1; o <= ngroups; o++) {
			g = order[o]; line = g
			for (j = 1; j <= nv; j++) {
				k = g SUBSEP j
				var = (nn[k] >= 2) ? (nn[k] * q[k] - s[k] * s[k]) / (nn[k] * (nn[k] - 1)) : ""
				line = line OFS (n[k] + 0) OFS f17(s[k] + 0) OFS (nn[k] ? f17(s[k] / nn[k]) : "") \
				    OFS (mnk[k] == "n" ? f17(mn[k]) : mn[k]) OFS (mxk[k] == "n" ? f17(mx[k]) : mx[k]) \
				    OFS (var == "" ? "" : f17(var)) OFS (var == "" ? "" : f17(sqrt(var))) \
				    OFS first[k] OFS last[k] OFS (nd[k] + 0)
			}
			print line
		}
	}' air.csv
}

ALL=count,sum,mean,min,max,var,stddev,first,last,distinct_count
MLR=count,sum,mean,min,max,var,stddev,distinct_count

# --- Per carrier, and per carrier and origin: awk and Miller. ---
stats 9 "15 16" > want.csv
[ "$(wc -l < want.csv)" -gt 10 ] || fail "test bug: $(wc -l < want.csv) carriers"
for tee in $(some process none); do
	reduce air.ss $tee.csv --tee $tee -a $ALL -f ArrDelay,DepDelay -g UniqueCarrier
done
slow || expect_same process.csv none.csv "ss-reduce --tee process and none"
canon < want.csv > want.canon
canon < process.csv > got.canon
expect_same want.canon got.canon "ss-reduce -a $ALL -g UniqueCarrier (awk)"
# Counts, sums of integers and their min and max print without a point.
awk -F, 'NR > 1 { for (i = 2; i <= 6; i++) if (i != 4 && $i !~ /^(-?[0-9]+|NA)$/) exit 1 }' \
    process.csv || fail "integers printed with a point: $(sed -n 2p process.csv)"
mlr --icsv --ocsv stats1 -a $MLR -f ArrDelay,DepDelay -g UniqueCarrier air.csv > mlr.csv
reduce air.ss got.csv -a $MLR -f ArrDelay,DepDelay -g UniqueCarrier
near mlr.csv got.csv "ss-reduce -a $MLR -g UniqueCarrier (Miller)"
# Without var and stddev, the same bytes as Miller.
mlr --icsv --ocsv stats1 -a count,sum,mean,min,max,distinct_count -f ArrDelay -g UniqueCarrier \
    air.csv > mlr.csv
reduce air.ss got.csv -a count,sum,mean,min,max,distinct_count -f ArrDelay -g UniqueCarrier
expect_same mlr.csv got.csv "ss-reduce -a count,sum,mean,min,max,distinct_count (Miller, bytes)"

# Two group fields; a text field (min, max, first, last are text).
stats "9 17" "19 11" > want.csv
reduce air.ss got.csv -a $ALL -f Distance,TailNum -g UniqueCarrier,Origin
canon < want.csv > want.canon
canon < got.csv > got.canon
expect_same want.canon got.canon "ss-reduce -g UniqueCarrier,Origin (awk)"
mlr --icsv --ocsv stats1 -a $MLR -f Distance -g UniqueCarrier,Origin air.csv > mlr.csv
reduce air.ss got.csv -a $MLR -f Distance -g UniqueCarrier,Origin
near mlr.csv got.csv "ss-reduce -g UniqueCarrier,Origin (Miller)"

# No -g: one group; no records: the header alone.
reduce air.ss got.csv -a count,mean -f ArrDelay
[ "$(cat got.csv)" = "ArrDelay_count,ArrDelay_mean
$(mlr --icsv --ocsv --headerless-csv-output stats1 -a count,mean -f ArrDelay air.csv)" ] ||
    fail "ss-reduce without -g: $(cat got.csv)"
head -n 1 air.csv > empty.csv
csv empty.csv empty.ss
reduce empty.ss got.csv -a count,mean -f ArrDelay -g UniqueCarrier
[ "$(cat got.csv)" = "UniqueCarrier,ArrDelay_count,ArrDelay_mean" ] ||
    fail "ss-reduce of no records: $(cat got.csv)"

# Empty cells are left out; a group with none: count 0, sum 0, the rest
# empty (as Miller).
printf 'g,x\na,1\na,\nb,\nb,NA\na,3\nc,\n' > small.csv
csv small.csv small.ss
reduce small.ss got.csv -a count,sum,mean,min,max,var,first,last,distinct_count -f x -g g
cat > want.csv <<'EOF'
g,x_count,x_sum,x_mean,x_min,x_max,x_var,x_first,x_last,x_distinct_count
a,2,4,2,1,3,2,1,3,2
b,1,0,,NA,NA,,NA,NA,1
c,0,0,,,,,,,0
EOF
expect_same want.csv got.csv "ss-reduce on empty and NA cells"

# --- Exact sums: the order of the data does not change a bit. ---
awk 'BEGIN { srand(7); print "g,x"
	for (i = 0; i < 3000; i++)
		printf "%s,%.6g\n", (i % 3 ? "a" : "b"),
		    (rand() - 0.5) * 10 ^ int(rand() * 24 - 12) }' > dec.csv
{ head -n 1 dec.csv; tail -n +2 dec.csv | sort -t, -k2,2g; } > dec-sorted.csv
{ head -n 1 dec.csv; tail -n +2 dec.csv | sort -t, -k2,2gr; } > dec-rsorted.csv
for f in dec dec-sorted dec-rsorted; do
	csv $f.csv $f.ss
	reduce $f.ss $f.out -a count,sum,mean,var,stddev -f x -g g
	sorted $f.out > $f.sorted
done
expect_same dec.sorted dec-sorted.sorted "sums of the same numbers in another order"
expect_same dec.sorted dec-rsorted.sorted "sums of the same numbers in another order"
# Against Miller: exact sums are close to its naive ones here.
mlr --icsv --ocsv stats1 -a count,sum,mean -f x -g g dec.csv > mlr.csv
cut -d, -f1-4 dec.out > got.csv
near mlr.csv got.csv "exact sums against Miller"

# --- --partial and --merge over 4 partitions. ---
# merge4 PARTS OUT ARGS...: ss-reduce --partial ARGS on each of
# part0..3.csv, the partial rows joined into one stream, ss-reduce --merge
# ARGS on it, decrypted into OUT.
merge4() {
	m_out=$1
	shift
	for i in 0 1 2 3; do
		csv part$i.csv part$i.ss
		reduce part$i.ss partial$i.csv --partial "$@"
	done
	{ head -n 1 partial0.csv; for i in 0 1 2 3; do tail -n +2 partial$i.csv; done; } > partial.csv
	csv partial.csv partial.ss
	reduce partial.ss "$m_out" --merge "$@"
}
# By carrier, as ss-route --hash would: every accumulator is exact.
awk -F, 'NR == 1 { for (i = 0; i < 4; i++) print > ("part" i ".csv"); next }
	!($9 in p) { p[$9] = n++ % 4 } { print > ("part" p[$9] ".csv") }' air.csv
HRV=count,sum,mean,min,max,var,stddev,first,last,distinct_count,rmssd,sdsd,pnn50
reduce air.ss single.csv -a $HRV -f ArrDelay,DepDelay -g UniqueCarrier
merge4 merged.csv -a $HRV -f ArrDelay,DepDelay -g UniqueCarrier
sorted single.csv > want.csv
sorted merged.csv > got.csv
expect_same want.csv got.csv "--partial + --merge by carrier"
[ "$(head -n 1 partial.csv)" = "UniqueCarrier,ArrDelay_n,ArrDelay_nnum,ArrDelay_sum,ArrDelay_sumsq,ArrDelay_min,ArrDelay_max,ArrDelay_first,ArrDelay_last,ArrDelay_distinct,ArrDelay_dfirst,ArrDelay_dlast,ArrDelay_dsum,ArrDelay_dsumsq,ArrDelay_dn50,DepDelay_n,DepDelay_nnum,DepDelay_sum,DepDelay_sumsq,DepDelay_min,DepDelay_max,DepDelay_first,DepDelay_last,DepDelay_distinct,DepDelay_dfirst,DepDelay_dlast,DepDelay_dsum,DepDelay_dsumsq,DepDelay_dn50" ] ||
    fail "partial state columns: $(head -n 1 partial.csv)"
# Round robin: a group in every partition; the order-free accumulators
# are still exact, on two group fields, and on decimals.
awk -F, 'NR == 1 { for (i = 0; i < 4; i++) print > ("part" i ".csv"); next }
	{ print > ("part" (NR % 4) ".csv") }' air.csv
reduce air.ss single.csv -a $MLR -f ArrDelay,Distance -g UniqueCarrier,Origin
merge4 merged.csv -a $MLR -f ArrDelay,Distance -g UniqueCarrier,Origin
sorted single.csv > want.csv
sorted merged.csv > got.csv
expect_same want.csv got.csv "--partial + --merge round robin"
awk -F, 'NR == 1 { for (i = 0; i < 4; i++) print > ("part" i ".csv"); next }
	{ print > ("part" (NR % 4) ".csv") }' dec.csv
merge4 merged.csv -a count,sum,mean,var,stddev -f x -g g
sorted merged.csv > got.csv
expect_same dec.sorted got.csv "--partial + --merge of decimals"

# --- Windows: heart-rate variability, known by hand. ---
cat > hand.csv <<'EOF'
t,p,rr
0,A,800
1,A,850
2,B,700
2,A,790
3,A,900
300,A,1000
EOF
csv hand.csv hand.ss
reduce hand.ss got.csv -a count,mean,stddev,rmssd,sdsd,pnn50 -f rr -g p --tumbling 5m --time t
# A: 800 850 790 900: mean 835; SDNN sqrt(30800/12); differences 50 -60
# 110: RMSSD sqrt(18200/3), SDSD sqrt((3*18200 - 100^2)/6), pNN50 2/3
# (50 is not more than 50).
cat > want.csv <<'EOF'
window_start,p,rr_count,rr_mean,rr_stddev,rr_rmssd,rr_sdsd,rr_pnn50
0,A,4,835,50.66228051190221,77.88880963698615,86.21678104251708,0.6666666666666666
0,B,1,700,,,,
300,A,1,1000,,,,
EOF
expect_same want.csv got.csv "HRV by hand"
awk 'BEGIN { print sqrt(30800 / 12) == 50.66228051190221 && sqrt(18200 / 3) == 77.88880963698615 &&
    sqrt(44600 / 6) == 86.21678104251708 }' | grep -qx 1 || fail "test bug: hand values"

# --- Windows: RR series of three patients, against awk. ---
# Each beat's time is the previous one's plus its RR interval; the rows
# come in time order.  5-minute windows from 08:00:00Z.
awk 'BEGIN { for (p = 1; p <= 3; p++) {
	t = 1704096000 + p * 0.25
	for (i = 0; i < (p == 2 ? 1500 : 1200); i++) {
		rr = 800 + (i * 37 + p * 11) % 120 - 60 + (i % 17 == 0 ? 70 : 0)
		t += rr / 1000
		printf "%.3f,p%d,%d\n", t, p, rr
	} } }' | sort -t, -k1,1n | { echo t,patient,rr; cat; } > rr.csv
csv rr.csv rr.ss
awk -F, -v OFS=, 'NR == 1 { next }
	{ w = int($1 / 300) * 300; k = w SUBSEP $2
	  if (!(w in nw)) { ws[++nws] = w; nw[w] = 0 }
	  if (!(k in n)) { grp[w, ++nw[w]] = $2 }
	  x = $3; n[k]++; s[k] += x; q[k] += x * x
	  if (n[k] > 1) { d = x - last[k]; nd[k]++; ds[k] += d; dq[k] += d * d; if (d > 50 || d < -50) c[k]++ }
	  last[k] = x }
	function f(x) { return sprintf("%.17g", x) }
	END { print "window_start,patient,rr_count,rr_mean,rr_stddev,rr_rmssd,rr_sdsd,rr_pnn50"
	  for (i = 1; i <= nws; i++) for (j = 1; j <= nw[ws[i]]; j++) {
		w = ws[i]; p = grp[w, j]; k = w SUBSEP p
		sd = (n[k] > 1) ? f(sqrt((n[k] * q[k] - s[k] * s[k]) / (n[k] * (n[k] - 1)))) : ""
		rmssd = (nd[k] > 0) ? f(sqrt(dq[k] / nd[k])) : ""
		sdsd = (nd[k] > 1) ? f(sqrt((nd[k] * dq[k] - ds[k] * ds[k]) / (nd[k] * (nd[k] - 1)))) : ""
		pnn50 = (nd[k] > 0) ? f(c[k] / nd[k]) : ""
		print w, p, n[k], f(s[k] / n[k]), sd, rmssd, sdsd, pnn50 } }' rr.csv > want.csv
[ "$(wc -l < want.csv)" -ge 10 ] || fail "test bug: $(wc -l < want.csv) windows"
reduce rr.ss got.csv -a count,mean,stddev,rmssd,sdsd,pnn50 -f rr -g patient --tumbling 5m --time t
canon < want.csv > want.canon
canon < got.csv > got.canon
expect_same want.canon got.canon "HRV per patient per 5 minutes (awk)"
# The same with ISO timestamps: window_start in their form.  (Every time
# falls on 2024-01-01 from 08:00:00Z, 1704096000.)
iso() {
	awk -F, -v OFS=, 'function iso(t,  d) { d = int(t) - 1704096000
	    return sprintf("2024-01-01T%02d:%02d:%02d", 8 + int(d / 3600), int(d % 3600 / 60), d % 60) }
	NR > 1 { f = $1 - int($1); $1 = iso($1) ('"$1"' ? sprintf(".%03dZ", f * 1000 + 0.5) : "Z") } 1'
}
if ! slow; then
	iso 1 < rr.csv > rr-iso.csv
	grep -q '^2024-01-01T08:0[0-9]:[0-5][0-9]\.[0-9][0-9][0-9]Z,p' rr-iso.csv ||
	    fail "test bug: rr-iso.csv: $(sed -n 2p rr-iso.csv)"
	csv rr-iso.csv rr-iso.ss
	reduce rr-iso.ss got.csv -a count,mean,stddev,rmssd,sdsd,pnn50 -f rr -g patient --tumbling 300 --time t
	iso 0 < want.csv | canon > want.canon
	canon < got.csv > got.canon
	expect_same want.canon got.canon "HRV with ISO timestamps"
fi
# Windows and partial state: partitioned by patient.
awk -F, 'NR == 1 { for (i = 0; i < 4; i++) print > ("part" i ".csv"); next }
	{ print > ("part" (substr($2, 2) % 4) ".csv") }' rr.csv
merge4 merged.csv -a count,mean,stddev,first,last,rmssd,sdsd,pnn50 -f rr -g patient --tumbling 5m --time t
reduce rr.ss single.csv -a count,mean,stddev,first,last,rmssd,sdsd,pnn50 -f rr -g patient --tumbling 5m --time t
sorted single.csv > want.csv
sorted merged.csv > got.csv
expect_same want.csv got.csv "--partial + --merge with windows"

# --- Tumbling alignment and the forms of window_start. ---
printf 't,x\n-0.5,1\n0,2\n299.999,3\n300,4\n599,5\n600,6\n86399.5,7\n' > al.csv
csv al.csv al.ss
reduce al.ss got.csv -a count,sum -f x --tumbling 5m --time t
printf 'window_start,x_count,x_sum\n-300,1,1\n0,2,5\n300,2,9\n600,1,6\n86100,1,7\n' > want.csv
expect_same want.csv got.csv "tumbling windows aligned to multiples of the size"
printf 't,x\n1970-01-01T00:04:59.5Z,1\n1970-01-01T00:05:00Z,2\n2024-02-29T23:59:59Z,3\n' > al.csv
csv al.csv al.ss
reduce al.ss got.csv -a count -f x --tumbling 1h --time t
printf 'window_start,x_count\n1970-01-01T00:00:00Z,2\n2024-02-29T23:00:00Z,1\n' > want.csv
expect_same want.csv got.csv "window_start as the input's times (T, Z)"
printf 't,x\n2024-01-01 10:29:59,1\n2024-01-01 10:30:00.25,2\n' > al.csv
csv al.csv al.ss
reduce al.ss got.csv -a count -f x --tumbling 1d --time t
printf 'window_start,x_count\n2024-01-01 00:00:00,2\n' > want.csv
expect_same want.csv got.csv "window_start as the input's times (space)"

# --- Lateness. ---
printf 't,g,x\n10,a,1\n20,a,2\n400,a,3\n290,a,4\n350,b,5\n299,a,6\n' > late.csv
csv late.csv late.ss
rm -f out.ss
expect_status 0 ss_reduce -i stage.key -r "$C" -a count,sum -f x -g g --tumbling 5m --time t \
    -o out.ss < late.ss
expect_stderr_is "ss-reduce: 2 records arrived after their window closed (--lateness 0) and were left out"
expect_status 0 ss_decrypt -i consumer.key -o got.csv out.ss
printf 'window_start,g,x_count,x_sum\n0,a,2,3\n300,a,1,3\n300,b,1,5\n' > want.csv
expect_same want.csv got.csv "late records left out"
# 2 minutes: the watermark is 280 when 290 and 299 come.
reduce late.ss got.csv -a count,sum -f x -g g --tumbling 5m --time t --lateness 2m
printf 'window_start,g,x_count,x_sum\n0,a,4,13\n300,a,1,3\n300,b,1,5\n' > want.csv
expect_same want.csv got.csv "records within --lateness"
# 100s: 290 is in time (watermark 300 - ... no: 400 - 100 = 300 closes [0,300)).
expect_status 0 ss_reduce -i stage.key -r "$C" -a count -f x --tumbling 5m --time t \
    --lateness 100s -o out.ss < late.ss
expect_stderr_is "ss-reduce: 2 records arrived after their window closed (--lateness 100s) and were left out"
printf 't,x\n10,1\n400,2\n20,3\n' > late.csv
csv late.csv late.ss
expect_status 0 ss_reduce -i stage.key -r "$C" --tee none -a count -f x --tumbling 5m --time t \
    -o out.ss < late.ss
expect_stderr_is "ss-reduce: 1 record arrived after its window closed (--lateness 0) and was left out"

# --- Sliding and count windows. ---
printf 't,x\n0,1\n1,2\n6,3\n11,4\n' > sl.csv
csv sl.csv sl.ss
reduce sl.ss got.csv -a count,sum,first -f x --sliding 10,5 --time t
printf 'window_start,x_count,x_sum,x_first\n-5,2,3,1\n0,3,6,1\n5,2,7,3\n10,1,4,4\n' > want.csv
expect_same want.csv got.csv "sliding windows"
printf 'g,x\na,1\na,2\nb,3\na,4\nb,5\na,6\na,7\n' > cw.csv
csv cw.csv cw.ss
reduce cw.ss got.csv -a count,sum,first,last -f x -g g --count 2
printf 'g,x_count,x_sum,x_first,x_last\na,2,3,1,2\nb,2,8,3,5\na,2,10,4,6\na,1,7,7,7\n' > want.csv
expect_same want.csv got.csv "count windows"

# --- --max-groups. ---
rm -f out.ss
expect_status 1 ss_reduce -i stage.key -r "$C" -a count -f ArrDelay -g TailNum --max-groups 10 \
    -o out.ss < air.ss
expect_stderr_is "ss-reduce: reduce: more than 10 groups (see --max-groups)"
expect_no_output . out.ss
expect_status 1 ss_reduce -i stage.key -r "$C" -a distinct_count -f TailNum --max-groups 10 \
    -o out.ss < air.ss
expect_stderr_is "ss-reduce: reduce: more than 10 distinct values held for distinct_count (see --max-groups)"
# Closed windows free their groups: 2 groups per window fit a limit of 3.
reduce rr.ss got.csv -a count -f rr -g patient --tumbling 1m --time t --max-groups 3

# --- Bad programs: exit 2 before any enclave. ---
usage() {
	u_pat=$1
	shift
	expect_status 2 ss_reduce -i stage.key -r "$C" "$@" < air.ss
	expect_usage_error "$u_pat"
}
usage "^ss-reduce: no accumulators: give -a" -f x
usage "^ss-reduce: no value fields: give -f" -a count
usage "^ss-reduce: -a: unknown accumulator 'median' \(known: count, sum," -a count,median -f x
usage "^ss-reduce: -a: 'mean' given more than once$" -a mean,count,mean -f x
usage "^ss-reduce: -a: empty name in 'count,'$" -a count, -f x
usage "^ss-reduce: -f: 'x' given more than once$" -a count -f x,y,x
usage "^ss-reduce: -g: empty name in ',g'$" -a count -f x -g ,g
usage "^ss-reduce: option -a given more than once" -a count -a mean -f x
usage "^ss-reduce: --tumbling needs --time FIELD" -a count -f x --tumbling 5m
usage "^ss-reduce: --time is only for --tumbling and --sliding windows$" -a count -f x --time t
usage "^ss-reduce: --lateness is only for --tumbling and --sliding windows$" -a count -f x --lateness 5s
usage "^ss-reduce: --tumbling: '5x' is not a duration \(300, 30s, 5m, 1h, 1d\)$" -a count -f x --tumbling 5x --time t
usage "^ss-reduce: --tumbling: '0' is not a duration" -a count -f x --tumbling 0 --time t
usage "^ss-reduce: --tumbling: '' is not a duration" -a count -f x --tumbling '' --time t
usage "^ss-reduce: --tumbling: '99999999999d' is not a duration" -a count -f x --tumbling 99999999999d --time t
usage "^ss-reduce: --sliding: '5m' is not SIZE,STEP" -a count -f x --sliding 5m --time t
usage "^ss-reduce: --sliding: the size is not a multiple of the step in '5m,2m'$" -a count -f x --sliding 5m,2m --time t
usage "^ss-reduce: --sliding: '1d,1s' puts each record in more than 1000 windows$" -a count -f x --sliding 1d,1s --time t
usage "^ss-reduce: --tumbling, --sliding and --count cannot be used together$" -a count -f x --tumbling 5m --count 3 --time t
usage "^ss-reduce: --count: '0' is not a number of records" -a count -f x --count 0
usage "^ss-reduce: --count: '1e3' is not a number of records" -a count -f x --count 1e3
usage "^ss-reduce: --lateness: '-1' is not a duration" -a count -f x --tumbling 5m --time t --lateness -1
usage "^ss-reduce: --partial and --merge cannot be used together$" -a count -f x --partial --merge
usage "^ss-reduce: --count windows cannot be merged" -a count -f x --count 5 --partial
usage "^ss-reduce: --max-groups: '0' is not a number from 1 to 1000000000$" -a count -f x --max-groups 0
usage "^ss-reduce: two output columns would be named 'x_mean' \(rename a field with ss-map first\)$" \
    -a mean -f x -g x_mean
usage "^ss-reduce: two output columns would be named 'window_start'" \
    -a mean -f x -g window_start --tumbling 5m --time t
usage "^ss-reduce: two partial-state columns would be named 'x_n'" -a mean -f x -g x_n --partial
usage "^ss-reduce: unexpected operand 'ArrDelay' \(ss-reduce reads its stream from standard input\)$" \
    -a mean -f x ArrDelay
ss_reduce --help > help.txt 2>&1 || fail "ss-reduce --help failed"
grep -q -- "--sliding SIZE,STEP" help.txt || fail "--help does not show --sliding: $(cat help.txt)"

# --- Bad data: exit 1, one line, no output file. ---
data_error() {
	d_in=$1 d_msg=$2
	shift 2
	rm -f out.ss
	expect_status 1 ss_reduce -i stage.key -r "$C" "$@" -o out.ss < "$d_in"
	expect_stderr_is "$d_msg"
	expect_no_output . out.ss
}
data_error air.ss "ss-reduce: reduce: no field 'Nope' in the input stream" -a count -f Nope
data_error air.ss "ss-reduce: reduce: no field 'Nope' in the input stream" -a count -f ArrDelay -g Nope
data_error air.ss "ss-reduce: reduce: no field 'ts' in the input stream" -a count -f ArrDelay --tumbling 5m --time ts
for t in NA '' 2024-13-01T00:00:00 2024-02-30T00:00:00 2023-02-29T00:00:00 '2024-01-01T24:00:00' \
    '2024-01-01T00:00:00+01:00' '2024-01-01T00:00:00.' '2024-01-01 00:00:00Z' 1e20 \
    '2024-01-01T00:00:00.1234567891'; do
	printf 't,x\n5,1\n%s,2\n' "$t" > bad.csv
	csv bad.csv bad.ss
	data_error bad.ss "ss-reduce: reduce: record 2: field 't' is not a time (seconds since 1970, or YYYY-MM-DDTHH:MM:SS from year 0000 to 9999)" \
	    -a count -f x --tumbling 5m --time t
done
printf 'x\n1e308\n1e308\n' > big.csv
csv big.csv big.ss
data_error big.ss "ss-reduce: reduce: record 2: field 'x': sum out of range" -a sum -f x

# --- Hostile partial state for --merge: exit 1, row and column named. ---
M="-a count,sum,var,min,first,distinct_count,rmssd -f x -g g"
# shellcheck disable=SC2086
reduce small.ss good.csv --partial $M
HDR=$(head -n 1 good.csv)
[ "$HDR" = "g,x_n,x_nnum,x_sum,x_sumsq,x_min,x_first,x_distinct,x_dfirst,x_dlast,x_dsum,x_dsumsq,x_dn50" ] ||
    fail "partial columns: $HDR"
csv good.csv good.ss
# shellcheck disable=SC2086
reduce good.ss merged.csv --merge $M
# shellcheck disable=SC2086
reduce small.ss single.csv $M
expect_same single.csv merged.csv "--merge of one partial stream"
hostile() {
	h_row=$1 h_col=$2 h_what=$3
	printf '%s\n%s\n' "$HDR" "$h_row" > hostile.csv
	csv hostile.csv hostile.ss
	# shellcheck disable=SC2086
	data_error hostile.ss "ss-reduce: reduce: --merge: row 1: column '$h_col': $h_what" --merge $M
}
NP="not a partial state of ss-reduce"
hostile "a,x,1,1,1,1,1,1:1,1,1,0,0,0" x_n "$NP"
hostile "a,-1,1,1,1,1,1,1:1,1,1,0,0,0" x_n "$NP"
hostile "a,99999999999999999999,1,1,1,1,1,1:1,1,1,0,0,0" x_n "$NP"
hostile "a,1,2,1,1,1,1,1:1,1,1,0,0,0" x_nnum "$NP"
hostile "a,1,1,1;x,1,1,1,1:1,1,1,0,0,0" x_sum "not an exact sum"
hostile "a,1,1,,1,1,1,1:1,1,1,0,0,0" x_sum "not an exact sum"
hostile "a,1,1,1e308;1e308,1,1,1,1:1,1,1,0,0,0" x_sum "sum out of range"
hostile "a,1,1,1,$(printf '1;%.0s' $(seq 70))1,1,1,1:1,1,1,0,0,0" x_sumsq "not an exact sum"
hostile "a,1,1,1,1,,1,1:1,1,1,0,0,0" x_min "$NP"
hostile "a,0,0,0,0,,1,,,,0,0,0" x_first "$NP"
hostile "a,1,1,1,1,1,1,2:1,1,1,0,0,0" x_distinct "not a set of values"
hostile "a,1,1,1,1,1,1,1:11:2,1,1,0,0,0" x_distinct "$NP"
hostile "a,1,1,1,1,1,1,0:,1,1,0,0,0" x_distinct "not a set of values"
hostile "a,1,1,1,1,1,1,x:1,1,1,0,0,0" x_distinct "not a set of values"
hostile "a,1,1,1,1,1,1,,1,1,0,0,0" x_distinct "$NP"
hostile "a,1,1,1,1,1,1,1:1,,1,0,0,0" x_dfirst "$NP"
hostile "a,1,1,1,1,1,1,1:1,1,NA,0,0,0" x_dlast "$NP"
hostile "a,1,1,1,1,1,1,1:1,1,1,z,0,0" x_dsum "not an exact sum"
hostile "a,1,1,1,1,1,1,1:1,1,1,0,0,1" x_dn50 "$NP"
printf '%s\n%s\n' "g,x_count" "a,1" > hostile.csv
csv hostile.csv hostile.ss
# shellcheck disable=SC2086
data_error hostile.ss "ss-reduce: reduce: --merge: the input is not the partial state of ss-reduce --partial with the same -a, -f, -g and window options (its columns differ)" \
    --merge $M
# A window start that is not one.
printf 'window_start,x_n,x_nnum\nyesterday,1,1\n' > hostile.csv
csv hostile.csv hostile.ss
data_error hostile.ss "ss-reduce: reduce: --merge: row 1: column 'window_start': not a window start" \
    --merge -a count -f x --tumbling 5m --time t
# Many groups and values from partial rows count toward --max-groups.
awk 'BEGIN { print "g,x_n,x_nnum,x_distinct"; for (i = 0; i < 20; i++) print "g" i ",1,1,1:" i }' > hostile.csv
csv hostile.csv hostile.ss
data_error hostile.ss "ss-reduce: reduce: more than 10 groups (see --max-groups)" \
    --merge -a distinct_count -f x -g g --max-groups 10
awk 'BEGIN { printf "x_n,x_nnum,x_distinct\n20,20,"; for (i = 0; i < 20; i++) printf "1:%d", i % 10; print "" }' > hostile.csv
csv hostile.csv hostile.ss
reduce hostile.ss got.csv --merge -a distinct_count -f x --max-groups 10
[ "$(tail -n 1 got.csv)" = 10 ] || fail "distinct values from a partial row: $(cat got.csv)"

pass
