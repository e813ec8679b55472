#!/bin/bash
# Scale-out, all encrypted, with real processes: ss-route --hash spreads the
# flights over 3 workers by carrier, each partition piped (-o '|command')
# into a worker's ss-reduce --partial under the worker's own key; ss-merge
# joins the partial streams and ss-reduce --merge combines them.  The
# consumer gets exactly what one ss-reduce over all the data gives, and
# what awk computes on the plaintext.  Also: route, then merge, then an
# ss-match over the merged stream equals one ss-match.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

unset SS_TEE SS_ENCLAVE
export LC_ALL=C

for s in route merge reduce match; do
	eval "ss_$s() { \$SS_WRAP \"\$SS_BIN/ss-$s\" \"\$@\"; }"
done
newkey stage; ST=$PUB
newkey merger; MG=$PUB
newkey consumer; C=$PUB
for i in 0 1 2; do
	newkey w$i
	echo "$PUB" > w$i.pub
done

if slow; then rows=1000; else rows=30000; fi
"$TOP/scripts/gen-airline" "$rows" > air.csv
ss_encrypt -r "$ST" -o air.ss air.csv || fail "encrypt air.csv"
ACC=count,sum,mean,min,max,var,stddev,distinct_count

# The workers: each partition goes straight into its worker's stage.
W="$SS_WRAP $SS_BIN/ss-reduce -i $TMP/w{}.key --partial -a $ACC -f ArrDelay,Distance -g UniqueCarrier -r $MG -o $TMP/part{}.ss"
expect_status 0 ss_route -i stage.key --hash UniqueCarrier -n 3 -R 'w{}.pub' -o "|$W" < air.ss
for i in 0 1 2; do
	[ -s part$i.ss ] || fail "worker $i wrote nothing"
done
expect_status 0 ss_merge -i merger.key -r "$MG" -o partials.ss part0.ss part1.ss part2.ss
expect_status 0 ss_reduce -i merger.key --merge -a $ACC -f ArrDelay,Distance -g UniqueCarrier -r "$C" -o merged.ss < partials.ss
expect_status 0 ss_decrypt -i consumer.key -o merged.csv merged.ss

# One ss-reduce over everything.
expect_status 0 ss_reduce -i stage.key -a $ACC -f ArrDelay,Distance -g UniqueCarrier -r "$C" -o single.ss < air.ss
expect_status 0 ss_decrypt -i consumer.key -o single.csv single.ss
[ "$(head -n 1 merged.csv)" = "$(head -n 1 single.csv)" ] || fail "headers differ"
[ "$(tail -n +2 merged.csv | sort)" = "$(tail -n +2 single.csv | sort)" ] ||
    fail "the scaled-out result differs from one ss-reduce"
[ "$(wc -l < single.csv)" -gt 10 ] || fail "test bug: too few carriers"

# And awk: per carrier, the count of non-empty ArrDelay cells (Miller's
# count counts NA) and the sum of the numeric ones, exactly.
awk -F, 'NR > 1 { if ($15 != "") n[$9]++; if ($15 != "NA" && $15 != "") s[$9] += $15 }
    END { for (c in n) print c "," n[c] "," s[c] }' air.csv | sort > want.csv
tail -n +2 single.csv | cut -d, -f1-3 | sort > got.csv
cmp -s want.csv got.csv || fail "count and sum differ from awk: $(diff want.csv got.csv | head -5)"

# Route, merge, match: the same records as one match.
expect_status 0 ss_route -i stage.key --round-robin -n 2 -r "$MG" -o 'rr{}.ss' < air.ss
expect_status 0 ss_merge -i merger.key -r "$MG" -o joined.ss rr0.ss rr1.ss
expect_status 0 ss_match -i merger.key -r "$C" -o m1.ss 'ArrDelay > 30' < joined.ss
expect_status 0 ss_match -i stage.key -r "$C" -o m2.ss 'ArrDelay > 30' < air.ss
ss_decrypt -i consumer.key m1.ss | sort > m1.csv
ss_decrypt -i consumer.key m2.ss | sort > m2.csv
[ "$(wc -l < m2.csv)" -gt 10 ] || fail "test bug: ss-match kept too few"
cmp -s m1.csv m2.csv || fail "route + merge + match differs from match"
pass
