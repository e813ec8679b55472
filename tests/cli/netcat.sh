#!/bin/bash
# Two stages joined by netcat (netcat-openbsd) on loopback: the receiving
# side `nc -l 127.0.0.1 PORT | ss-reduce | ss-decrypt`, the sending side
# `ss-encrypt | ss-match | nc -N 127.0.0.1 PORT`.  The result is the same
# as the same stages joined by a pipe, and as awk on the plaintext.  The
# sending nc killed mid-stream: the receiving stage and ss-decrypt each
# exit 1 with one "stream truncated" line, and -o leaves no file.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

unset SS_TEE SS_ENCLAVE
export LC_ALL=C

command -v nc >/dev/null 2>&1 || skip "nc not installed (scripts/install-deps)"
nc -h 2>&1 | grep -q OpenBSD || skip "nc is not netcat-openbsd (scripts/install-deps)"
for s in match reduce; do
	eval "ss_$s() { \$SS_WRAP \"\$SS_BIN/ss-$s\" \"\$@\"; }"
done
newkey matcher; M=$PUB
newkey reducer; R=$PUB
newkey consumer; C=$PUB

if slow; then rows=1000; else rows=20000; fi
"$TOP/scripts/gen-airline" "$rows" > air.csv
ACC='-a count,mean -f ArrDelay -g UniqueCarrier'

# receiver: in the background (pid $rx), listen on a free port ($port) on
# loopback and pipe what arrives into ss-reduce and ss-decrypt -o out.csv;
# return once nc listens.
receiver() {
	rm -f status.* err.* out.csv
	port=$(free_port) || fail "no free port"
	(
		st nc timeout 60 nc -l 127.0.0.1 "$port" < /dev/null |
		    st reduce ss_reduce -i reducer.key -r "$C" $ACC |
		    st decrypt ss_decrypt -i consumer.key -o out.csv
	) &
	rx=$!
	on_exit "kill $rx \$(descendant $rx nc) 2>/dev/null"
	wait_until 'ss -Hltn "sport = :$port" | grep -q .'
}
# received: wait for the receiving side to end.
received() {
	wait_until "! kill -0 $rx 2>/dev/null"
	wait "$rx" || true
}

# --- The stages joined by nc, and by a pipe. ---
receiver
set -o pipefail
expect_status 0 eval 'ss_encrypt -r "$M" air.csv |
    ss_match -i matcher.key -r "$R" "ArrDelay > 0" |
    timeout 60 nc -N 127.0.0.1 "$port"'
set +o pipefail
received
for t in nc reduce decrypt; do
	[ "$(cat status.$t)" = 0 ] && [ ! -s err.$t ] ||
	    fail "the receiving $t exited $(cat status.$t): $(cat err.$t)"
done
expect_status 0 eval 'ss_encrypt -r "$M" air.csv |
    ss_match -i matcher.key -r "$R" "ArrDelay > 0" |
    ss_reduce -i reducer.key -r "$C" $ACC |
    ss_decrypt -i consumer.key > piped.csv'
expect_same piped.csv out.csv "ss-match | nc | ss-reduce"
awk -F, 'NR > 1 && $15 ~ /^-?[0-9]+$/ && $15 > 0 { n[$9]++; s[$9] += $15 }
    END { for (c in n) printf "%s,%d,%.9g\n", c, n[c], s[c] / n[c] }' air.csv |
    sort > want.csv
awk -F, 'NR > 1 { printf "%s,%d,%.9g\n", $1, $2, $3 }' out.csv | sort > got.csv
[ "$(wc -l < want.csv)" -ge 5 ] || fail "test bug: too few carriers"
expect_same want.csv got.csv "through nc, against awk (count, mean)"

# --- The sending nc killed mid-stream. ---
receiver
(
	slow_source air.csv |
	    ss_encrypt --flush-ms 10 -r "$M" |
	    ss_match -i matcher.key -r "$R" --chunk-size 1024 "ArrDelay > 0" |
	    tee sent.ss |
	    timeout 60 nc -N 127.0.0.1 "$port"
) 2> /dev/null &
tx=$!
on_exit "kill \$(descendant $tx nc) 2>/dev/null"
# The header, the schema and some records have gone out.
wait_until '[ -s sent.ss ] && [ "$(filesize sent.ss)" -gt 1200 ]'
sender=$(descendant "$tx" nc)
[ "$(echo "$sender" | grep -c .)" = 1 ] || fail "test bug: sending nc: '$sender'"
kill -9 "$sender"
received
[ "$(cat status.nc)" = 0 ] || fail "the listening nc exited $(cat status.nc): $(cat err.nc)"
for t in reduce decrypt; do
	[ "$(cat status.$t)" = 1 ] ||
	    fail "a dropped nc: ss-$t exited $(cat status.$t): $(cat err.$t)"
	[ "$(wc -l < err.$t)" = 1 ] && grep -Eq "^ss-$t: stream truncated" err.$t ||
	    fail "a dropped nc: ss-$t said: $(cat err.$t)"
done
expect_no_output . out.csv
wait_until "! kill -0 $tx 2>/dev/null"

pass
