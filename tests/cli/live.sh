#!/bin/bash
# Live streams: when a piped input pauses, ss-encrypt seals what it has
# (after --flush-ms) and ss-decrypt passes each chunk on at once, so records
# come out of the far end of a pipeline before the input ends.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

newkey me

# How long to wait for something that should happen at once.
if [ "${SS_VALGRIND:-0}" = 1 ]; then
	patience=600 pause=1
else
	patience=200 pause=0.3
fi

# wait_for FILE TEXT: wait (up to $patience tenths of a second) until FILE
# holds the line TEXT.
wait_for() {
	for i in $(seq $patience); do
		grep -qxF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "'$2' never reached $1 (it holds: $(cat "$1" 2>/dev/null))"
}

# The producer writes two records, then waits until the test opens the
# gate (a FIFO), then writes one more: the pause lasts as long as the test
# needs, with no sleep guessing how long the tools take.
mkfifo gate
pipeline() {
	(
		set -o pipefail
		{ printf 'a,b\n1,2\n'; read -r _ < gate; printf '3,4\n'; } |
		    ss_encrypt -r "$PUB" "$@" | tee live.ss |
		    ss_decrypt -i me.key > out
	)
}

# Default --flush-ms 100: 1,2 arrives while the input is still open.
: > out
pipeline 2> err &
pid=$!
wait_for out 1,2
grep -q 3,4 out && fail "3,4 came out before it went in"
kill -0 $pid 2>/dev/null || fail "the pipeline ended early"
echo go > gate
set +e; wait $pid; status=$?; set -e
[ "$status" = 0 ] || fail "the live pipeline exited $status: $(cat err)"
[ ! -s err ] || fail "the live pipeline wrote to stderr: $(cat err)"
printf 'a,b\n1,2\n3,4\n' > want
expect_same want out "the live pipeline"
# The stream is a schema, the partial chunk sealed at the pause, and the
# final chunk.
ss_info -i me.key live.ss > info || fail "ss-info on the live stream"
grep -qx 'chunks: 3' info && grep -qx 'records: 2' info ||
    fail "the live stream: $(cat info)"
expect_status 0 ss_decrypt -i me.key live.ss > out2
expect_same want out2 "the live stream, decrypted again"

# An explicit --flush-ms works the same way.
: > out
pipeline --flush-ms 20 2> err &
pid=$!
wait_for out 1,2
echo go > gate
set +e; wait $pid; status=$?; set -e
[ "$status" = 0 ] || fail "--flush-ms 20 exited $status: $(cat err)"
expect_same want out "--flush-ms 20"

# --flush-ms 0: no records are sealed until the input ends (the schema
# goes out at once).
: > out
pipeline --flush-ms 0 2> err &
pid=$!
wait_for out a,b
sleep 1
grep -q 1,2 out && fail "--flush-ms 0 flushed: $(cat out)"
echo go > gate
set +e; wait $pid; status=$?; set -e
[ "$status" = 0 ] || fail "--flush-ms 0 exited $status: $(cat err)"
expect_same want out "--flush-ms 0"
ss_info live.ss | grep -qx 'chunks: 2' || fail "--flush-ms 0 made $(ss_info live.ss | grep chunks)"

# A regular file is never flushed early: one record chunk.
printf 'a,b\n1,2\n3,4\n' > in.csv
ss_encrypt -r "$PUB" -o file.ss in.csv
ss_info file.ss | grep -qx 'chunks: 2' || fail "a file made $(ss_info file.ss | grep chunks)"

# Many pauses: each sealed chunk passes through on its own.
(
	set -o pipefail
	{ printf 'n\n'; for i in 1 2 3 4 5; do printf "%d\n" $i; sleep $pause; done; } |
	    ss_encrypt -r "$PUB" --flush-ms 50 | tee many.ss | ss_decrypt -i me.key > out
) || fail "the paused pipeline failed"
printf 'n\n1\n2\n3\n4\n5\n' > want
expect_same want out "five pauses"
chunks=$(ss_info many.ss | sed -n 's/^chunks: //p')
[ "$chunks" -ge 4 ] || fail "five pauses made only $chunks chunks"

pass
