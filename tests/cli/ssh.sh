#!/bin/bash
# Stages on other hosts through ssh: a real sshd on loopback (two of them,
# w1 and w2, with throwaway keys; lib-sshd.sh), each "host" with its own
# stage key in its own directory.  A stage run through ssh gives exactly
# what it gives run locally and what awk computes on the plaintext; so do
# two hops (match on w1, reduce on w2).  An expression with spaces, quotes,
# $ and shell operators reaches the remote stage intact when quoted for the
# remote shell (printf %q), and shows what goes wrong when it is not.  A
# connection dropped mid-stream, from either end (the ssh client killed,
# or the server's session process killed), ends downstream in one
# "stream truncated" line and exit 1, with no -o file: never a short result
# that looks complete.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sshd.sh"
cd "$TMP"

unset SS_TEE SS_ENCLAVE
export LC_ALL=C

for s in match reduce; do
	eval "ss_$s() { \$SS_WRAP \"\$SS_BIN/ss-$s\" \"\$@\"; }"
done

sshd_init
sshd_start w1 127.0.0.1
sshd_start w2 127.0.0.1

# Each worker holds its own key in its own directory; the owner and the
# consumer know only the public keys.
mkdir w1 w2
newkey w1; W1=$PUB; mv w1.key w1/
newkey w2; W2=$PUB; mv w2.key w2/
newkey consumer; C=$PUB
# on W CMD: the remote command line that runs CMD (one string, already
# quoted for the remote shell) in worker W's directory.
on() { echo "cd $TMP/$1 && $SS_WRAP $SS_BIN/$2"; }

if slow; then rows=1000; else rows=20000; fi
"$TOP/scripts/gen-airline" "$rows" > air.csv
grep -q '"' air.csv && fail "test bug: air.csv has quoted values; awk -F, cannot read it"
NUM='function num(x) { return x ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }'

# --- One stage on w1. ---
set -o pipefail
expect_status 0 eval 'ss_encrypt -r "$W1" air.csv |
    $SSH w1 "$(on w1 "ss-match -i w1.key -r $C '\''ArrDelay > 0'\''")" |
    ss_decrypt -i consumer.key > remote.csv'
[ ! -s "$TMP/stderr" ] || fail "the ssh pipeline said: $(cat "$TMP/stderr")"
cp w1/w1.key local.key
expect_status 0 eval 'ss_encrypt -r "$W1" air.csv |
    ss_match -i local.key -r "$C" "ArrDelay > 0" |
    ss_decrypt -i consumer.key > local.csv'
expect_same local.csv remote.csv "ss-match through ssh"
{ head -n 1 air.csv; awk -F, "$NUM"' NR > 1 && num($15) && $15 > 0' air.csv; } > want.csv
expect_same want.csv remote.csv "ss-match through ssh, against awk"
[ "$(wc -l < want.csv)" -gt 100 ] || fail "test bug: too few rows kept"

# --- Two hops: match on w1, reduce on w2. ---
ACC='-a count,mean -f ArrDelay -g UniqueCarrier'
expect_status 0 eval 'ss_encrypt -r "$W1" air.csv |
    $SSH w1 "$(on w1 "ss-match -i w1.key -r $W2 '\''ArrDelay > 0'\''")" |
    $SSH w2 "$(on w2 "ss-reduce -i w2.key -r $C $ACC")" |
    ss_decrypt -i consumer.key > hops.csv'
[ ! -s "$TMP/stderr" ] || fail "the two-hop pipeline said: $(cat "$TMP/stderr")"
cp w2/w2.key local2.key
expect_status 0 eval 'ss_encrypt -r "$W1" air.csv |
    ss_match -i local.key -r "$W2" "ArrDelay > 0" |
    ss_reduce -i local2.key -r "$C" $ACC |
    ss_decrypt -i consumer.key > hops-local.csv'
expect_same hops-local.csv hops.csv "match on w1, reduce on w2"
awk -F, "$NUM"' NR > 1 && num($15) && $15 > 0 { n[$9]++; s[$9] += $15 }
    END { for (c in n) printf "%s,%d,%.9g\n", c, n[c], s[c] / n[c] }' air.csv |
    sort > hops-want.csv
awk -F, 'NR > 1 { printf "%s,%d,%.9g\n", $1, $2, $3 }' hops.csv | sort > hops-got.csv
[ "$(wc -l < hops-want.csv)" -ge 5 ] || fail "test bug: too few carriers"
expect_same hops-want.csv hops-got.csv "two hops, against awk (count, mean)"

# --- Quoting.  ssh joins its arguments with spaces and the remote shell
# parses the result again: an expression with spaces, both quotes, $ and
# shell operators must be quoted once more for the remote side. ---
EXPR='$ArrDelay > 15 && Origin in ("ATL", '\''ORD'\'') && TailNum != "it'\''s"'
expect_status 0 eval 'ss_encrypt -r "$W1" air.csv |
    $SSH w1 "$(on w1 "ss-match -i w1.key -r $C $(printf %q "$EXPR")")" |
    ss_decrypt -i consumer.key > quoted.csv'
{ head -n 1 air.csv; awk -F, "$NUM"' NR > 1 && num($15) && $15 > 15 &&
    ($17 == "ATL" || $17 == "ORD") && $11 != "it'\''s"' air.csv; } > quoted-want.csv
[ "$(wc -l < quoted-want.csv)" -gt 10 ] || fail "test bug: too few rows kept"
expect_same quoted-want.csv quoted.csv "a quoted expression through ssh"
# The same expression given to ssh as separate arguments: the remote
# shell splits it and chokes on the parenthesis; nothing comes through.
expect_status 1 eval 'ss_encrypt -r "$W1" air.csv |
    $SSH w1 cd "$TMP/w1" "&&" "$SS_BIN/ss-match" -i w1.key -r "$C" "$EXPR" |
    ss_decrypt -i consumer.key > /dev/null'
# And 'ArrDelay > 0' so: the remote shell runs ss-match ArrDelay with its
# output redirected to a file named 0 on the worker.
rm -f w1/0
expect_status 1 eval 'ss_encrypt -r "$W1" air.csv |
    $SSH w1 cd "$TMP/w1" "&&" "$SS_BIN/ss-match" -i w1.key -r "$C" "ArrDelay > 0" |
    ss_decrypt -i consumer.key > /dev/null'
[ -e w1/0 ] || fail "the unquoted > did not redirect on the worker (test bug?)"
set +o pipefail

# --- A dropped connection. ---
# ended PID: wait up to 20 s for the background job PID to end.
ended() {
	wait_until "! kill -0 $1 2>/dev/null"
	wait "$1" 2>/dev/null || true
}
# dropped_pipeline RECIPIENT DOWNSTREAM: in the background (pid $bg), the
# slow source -> ss-encrypt -> ssh w1 ss-match -r RECIPIENT -> tee seen.ss
# -> the shell commands DOWNSTREAM; return once records flow through ssh.
dropped_pipeline() {
	rm -f seen.ss status.* err.* out.csv reduced.ss
	# The sessions of earlier connections have ended.
	wait_until '[ -z "$(sshd_sessions w1)" ]'
	(
		slow_source air.csv |
		    ss_encrypt --flush-ms 10 -r "$W1" |
		    { st ssh $SSH w1 "$(on w1 "ss-match -i w1.key -r $1 --chunk-size 1024 'ArrDelay > 0'")"; } 2> /dev/null |
		    tee seen.ss | eval "$2"
	) &
	bg=$!
	on_exit "kill \$(descendant $bg ssh) 2>/dev/null"
	# The header, the schema and some records have come through.
	wait_until '[ -s seen.ss ] && [ "$(filesize seen.ss)" -gt 1200 ]'
}
# expect_truncated WHAT TOOL...: each ss-TOOL exits 1 with one line saying
# the stream was truncated, and leaves no -o file.
expect_truncated() {
	local what=$1 tool
	shift
	ended "$bg"
	for tool in "$@"; do
		[ "$(cat status.$tool)" = 1 ] ||
		    fail "$what: ss-$tool exited $(cat status.$tool): $(cat err.$tool)"
		[ "$(wc -l < err.$tool)" = 1 ] &&
		    grep -Eq "^ss-$tool: stream truncated" err.$tool ||
		    fail "$what: ss-$tool said: $(cat err.$tool)"
	done
	expect_no_output . reduced.ss
	expect_no_output . out.csv
}
# kill_client: kill -9 the pipeline's ssh client.
kill_client() {
	local pid
	pid=$(descendant "$bg" ssh)
	[ "$(echo "$pid" | grep -c .)" = 1 ] ||
	    fail "test bug: ssh clients in the pipeline: '$pid'"
	kill -9 "$pid"
}
# kill_session: kill -9 w1's sshd session.
kill_session() {
	local pid
	pid=$(sshd_sessions w1)
	[ "$(echo "$pid" | grep -c .)" = 1 ] ||
	    fail "test bug: w1 has sessions '$pid', expected one"
	kill -9 "$pid"
}
REDUCE='st reduce ss_reduce -i local2.key -r "$C" $ACC'
DECRYPT='st decrypt ss_decrypt -i consumer.key -o out.csv'

# The ssh client dies: the stage after it, and ss-decrypt after that.
dropped_pipeline "$W2" "$REDUCE | $DECRYPT"
kill_client
expect_truncated "the ssh client killed" reduce decrypt
[ "$(cat status.ssh)" != 0 ] || fail "the killed ssh exited 0"

# The server's session dies: ss-decrypt right after ssh.
dropped_pipeline "$C" "$DECRYPT"
kill_session
expect_truncated "the sshd session killed" decrypt
[ "$(cat status.ssh)" = 255 ] ||
    fail "ssh exited $(cat status.ssh) when its server dropped it: $(cat err.ssh)"

# The ssh client dies: a stage writing -o FILE after it.
dropped_pipeline "$W2" "$REDUCE -o reduced.ss"
kill_client
expect_truncated "the ssh client killed, ss-reduce -o" reduce

# The server's session dies: the stage and ss-decrypt after it.
dropped_pipeline "$W2" "$REDUCE | $DECRYPT"
kill_session
expect_truncated "the sshd session killed, two stages" reduce decrypt

pass
