#!/bin/bash
# Live streams: when a piped input pauses, ss-encrypt seals what it has
# (after --flush-ms) and ss-decrypt passes each chunk on at once, so records
# come out of the far end of a pipeline before the input ends.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
ss_match() { $SS_WRAP "$SS_BIN/ss-match" "$@"; }
ss_map() { $SS_WRAP "$SS_BIN/ss-map" "$@"; }

newkey st
stpub=$PUB
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

# --- Stages: a live input that pauses for --flush-ms gets its records
# through; shorter gaps do not cut the output into small chunks. ---

# Through a stage, 1,2 arrives while the input is still open (the stage's
# default --flush-ms 5), then the rest.
stage_pipeline() {
	(
		set -o pipefail
		{ printf 'a,b\n1,2\n'; read -r _ < gate; printf '3,4\n'; } |
		    ss_encrypt -r "$stpub" --flush-ms 20 |
		    ss_match -i st.key -r "$PUB" "$@" 'a > 0' | tee stage.ss |
		    ss_decrypt -i me.key > out
	)
}
: > out
stage_pipeline 2> err &
pid=$!
wait_for out 1,2
kill -0 $pid 2>/dev/null || fail "the stage pipeline ended early"
echo go > gate
set +e; wait $pid; status=$?; set -e
[ "$status" = 0 ] || fail "the stage pipeline exited $status: $(cat err)"
printf 'a,b\n1,2\n3,4\n' > want
expect_same want out "the live stage pipeline"

# --flush-ms 0 on the stage: nothing but the schema before the end.
: > out
stage_pipeline --flush-ms 0 2> err &
pid=$!
wait_for out a,b
sleep 1
grep -q 1,2 out && fail "ss-match --flush-ms 0 flushed: $(cat out)"
echo go > gate
set +e; wait $pid; status=$?; set -e
[ "$status" = 0 ] || fail "ss-match --flush-ms 0 exited $status: $(cat err)"
expect_same want out "ss-match --flush-ms 0"
ss_info stage.ss | grep -qx 'chunks: 2' ||
    fail "ss-match --flush-ms 0 made $(ss_info stage.ss | grep chunks)"

# A stream of 12 small chunks, fed to ss-map one chunk at a time with a
# pause of 0.1 s after each: with --flush-ms 5000 the pauses cut nothing
# (as many output chunks as from the file); with --flush-ms 1 each pause
# seals what came before it.
{ echo n,m; seq 1 3000 | awk '{ print $1 "," $1 * 2 }'; } > many.csv
ss_encrypt -r "$stpub" --chunk-size 2048 -o small.ss many.csv
offs=($(chunk_offsets small.ss))
[ "${#offs[@]}" -ge 13 ] || fail "small.ss has only $(( ${#offs[@]} - 1 )) chunks"
paced() {
	head -c "${offs[0]}" small.ss
	for ((i = 0; i + 1 < ${#offs[@]}; i++)); do
		slice small.ss "${offs[i]}" "${offs[i + 1]}"
		sleep 0.1
	done
}
ss_map -i st.key -r "$PUB" -f m < small.ss > file.ss
want_chunks=$(ss_info file.ss | sed -n 's/^chunks: //p')
for f in 5000 1; do
	paced | ss_map -i st.key -r "$PUB" -f m --flush-ms $f > paced-$f.ss ||
	    fail "ss-map --flush-ms $f on a paced input failed"
	ss_decrypt -i me.key paced-$f.ss | cmp -s - <(ss_decrypt -i me.key file.ss) ||
	    fail "ss-map --flush-ms $f: the paced input gave other records"
done
got=$(ss_info paced-5000.ss | sed -n 's/^chunks: //p')
[ "$got" = "$want_chunks" ] ||
    fail "pauses shorter than --flush-ms cut the output: $got chunks, not $want_chunks"
got=$(ss_info paced-1.ss | sed -n 's/^chunks: //p')
[ "$got" -ge 10 ] ||
    fail "ss-map --flush-ms 1: pauses of 0.1 s made only $got chunks"

expect_status 2 ss_match -i st.key -r "$PUB" --flush-ms -1 'a > 0' < /dev/null
expect_usage_error '^ss-match: --flush-ms'

pass
