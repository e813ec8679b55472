#!/bin/bash
# The enclave boundary, with real processes (ss-enclave(7)):
#  - while ss-map runs, its host process holds neither the stage's secret
#    key nor a byte of plaintext (a canary), scanned through /proc/PID/mem;
#    the enclave process does hold both, and so does the host with
#    --tee none: the positive controls that show the scan can fail;
#  - the enclave process runs in seccomp filter mode with no_new_privs,
#    with only its channel (fd 3) open and an empty environment; no key
#    reaches the host's command line or environment;
#  - both backends give byte-identical plaintext results.
# Scanning the enclave needs root (it is not dumpable); without root those
# checks are skipped with a message.  $SS_MEMSCAN is tests/tools/memscan
# (make cli builds it); without it, it is built here.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# How long to wait for something that should happen at once.
if slow; then patience=600; else patience=200; fi

# wait_for FILE TEXT: wait (up to $patience tenths of a second) until FILE
# holds the line TEXT.
wait_for() {
	for i in $(seq $patience); do
		grep -qxF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "'$2' never reached $1 (it holds: $(cat "$1" 2>/dev/null);" \
	    "stderr: $(cat err 2>/dev/null))"
}

if [ -n "${SS_MEMSCAN:-}" ]; then
	memscan=$SS_MEMSCAN
else
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o memscan \
	    "$TOP/tests/tools/memscan.c" || fail "cannot build memscan"
	memscan=$TMP/memscan
fi
[ -x "$memscan" ] || fail "no memscan at $memscan"

newkey stage
STAGE=$PUB
newkey consumer
CONS=$PUB
# The stage's raw secret key: the first 32 bytes of the key text's blob.
sk_text=$(sed -n 's/^SS-SECRET-KEY-1-//p' stage.key)
sk_hex=$(printf '%s' "$sk_text" | tr '_-' '/+' | base64 -d | head -c 32 |
    od -An -v -tx1 | tr -d ' \n')
[ ${#sk_hex} = 64 ] || fail "cannot decode the stage key ($sk_hex)"

# --- Both backends give the same plaintext. ---------------------------
ss_map() { $SS_WRAP "$SS_BIN/ss-map" "$@"; }
if slow; then rows=2000; else rows=20000; fi
"$TOP/scripts/gen-airline" -s 1 $rows > air.csv
fields='carrier=UniqueCarrier,FlightNum,ArrDelay,Origin,Dest,Year,Cancelled'
# The same projection by awk, by column name (the file has no quoting).
awk -F, -v want="$fields" '
	BEGIN { n = split(want, spec, ",") }
	NR == 1 {
		for (i = 1; i <= NF; i++) col[$i] = i
		for (j = 1; j <= n; j++) {
			k = index(spec[j], "=")
			name[j] = k ? substr(spec[j], 1, k - 1) : spec[j]
			from[j] = col[k ? substr(spec[j], k + 1) : spec[j]]
		}
		for (j = 1; j <= n; j++)
			printf "%s%s", name[j], (j < n ? "," : "\n")
		next
	}
	{ for (j = 1; j <= n; j++) printf "%s%s", $from[j], (j < n ? "," : "\n") }
' air.csv > want.csv
[ "$(wc -l < want.csv)" = $((rows + 1)) ] ||
    fail "awk made $(wc -l < want.csv) lines"
expect_status 0 ss_encrypt -r "$STAGE" -o air.ss air.csv
for tee in process none; do
	expect_status 0 ss_map --tee $tee -i stage.key -f "$fields" \
	    -r "$CONS" -o map-$tee.ss < air.ss
	[ ! -s "$TMP/stderr" ] || fail "--tee $tee wrote: $(cat "$TMP/stderr")"
	expect_status 0 ss_decrypt -i consumer.key map-$tee.ss > plain-$tee.csv
done
expect_same want.csv plain-process.csv "ss-map --tee process"
expect_same plain-process.csv plain-none.csv "--tee none against process"
# SS_TEE names the backend too.
SS_TEE=none expect_status 0 ss_map -i stage.key -f "$fields" -r "$CONS" \
    < air.ss > map-env.ss
expect_status 0 ss_decrypt -i consumer.key map-env.ss > plain-env.csv
expect_same plain-process.csv plain-env.csv "SS_TEE=none"
cmp -s map-process.ss map-none.ss && fail "two runs gave the same ciphertext"
# Input chunks of every size reach the enclave whole and in order: the
# host builds its requests in the arena's 512 KiB input slots, a chunk
# that does not fit after others starts the next request, and a chunk
# larger than a slot goes on the channel; from a file and from a pipe.
for cs in 16K 300K 520K; do
	expect_status 0 ss_encrypt --chunk-size $cs -r "$STAGE" -o air-$cs.ss air.csv
	expect_status 0 ss_map -i stage.key -f "$fields" -r "$CONS" \
	    -o map-$cs.ss < air-$cs.ss
	expect_status 0 ss_decrypt -i consumer.key -o plain-$cs.csv map-$cs.ss
	expect_same want.csv plain-$cs.csv "ss-map on $cs input chunks"
	cat air-$cs.ss | ss_map -i stage.key -f "$fields" -r "$CONS" |
	    ss_decrypt -i consumer.key > plain-$cs-pipe.csv
	expect_same want.csv plain-$cs-pipe.csv "ss-map on $cs input chunks, piped"
done

# --- Memory scans of a live stage. ------------------------------------
if [ "$(id -u)" = 0 ]; then root=1; else root=0; fi
canary="CANARY-$RANDOM$RANDOM-x"	# not exported: in no environment
printf 'id,secret,note\n1,%s,first\n' "$canary" > head.csv
printf '2,plain,second\n3,more,third\n' > tail.csv
printf 'id,s\n1,%s\n2,plain\n3,more\n' "$canary" > want-live.csv

# The producer sends the canary row, then waits at the gate (a FIFO,
# opened read-write so that opening it never blocks; the read gives up
# after a minute if a failed test never opens it) while the row travels
# ss-encrypt --flush-ms 10 | ss-map | ss-decrypt and the test scans.
mkfifo gate
trap '{ echo go 1<>"$TMP/gate"; } 2>/dev/null; rm -rf "$TMP"' EXIT
start_stage() {
	: > out
	(
		set -o pipefail
		{ cat head.csv; read -r -t 60 _ <> gate; cat tail.csv; } |
		    "$SS_BIN/ss-encrypt" --flush-ms 10 -r "$STAGE" |
		    "$SS_BIN/ss-map" --tee "$1" -i stage.key -f 'id,s=secret' \
		    -r "$CONS" |
		    "$SS_BIN/ss-decrypt" -i consumer.key > out
	) > /dev/null 2> err &
	job=$!
	wait_for out "1,$canary"
	host=$(pgrep -P $job -x ss-map) ||
	    fail "--tee $1: no ss-map process under $job"
}

# finish_stage TEE: open the gate; the stage must end well.
finish_stage() {
	echo go > gate
	set +e; wait $job; status=$?; set -e
	[ "$status" = 0 ] || fail "--tee $1: the live stage exited $status:" \
	    "$(cat err)"
	[ ! -s err ] || fail "--tee $1: the live stage wrote: $(cat err)"
	expect_same want-live.csv out "--tee $1, live"
}

# scan PID NEEDLE...: memscan's answers, on one line, in $got
# ("found absent").
scan() {
	"$memscan" "$@" > scan.out 2> scan.err ||
	    fail "memscan $1 failed: $(cat scan.err)"
	got=$(tr '\n' ' ' < scan.out | sed 's/ $//')
}

# no_secret_in FILE: no key (text or raw) and no canary in a /proc file.
no_secret_in() {
	cat "$1" > proc.bin || fail "cannot read $1"
	! grep -qF -e "$sk_text" -e "$canary" proc.bin ||
	    fail "$1 holds the stage key or the canary"
	! od -An -v -tx1 proc.bin | tr -d ' \n' | grep -q "$sk_hex" ||
	    fail "$1 holds the raw stage key"
}

start_stage process
enclave=$(pgrep -P "$host") || fail "ss-map $host has no enclave process"
[ "$(echo "$enclave" | wc -l)" = 1 ] || fail "more than one enclave: $enclave"
no_secret_in /proc/$host/cmdline
no_secret_in /proc/$host/environ
if [ $root = 1 ] || "$memscan" "$host" x > /dev/null 2>&1; then
	scan "$host" "$canary" "hx:$sk_hex" "$sk_text"
	[ "$got" = "absent absent absent" ] ||
	    fail "the host process holds plaintext or the key" \
	    "(canary, raw key, key text: $got)"
else
	echo "SKIP $TEST_NAME: cannot read ss-map's memory (not root," \
	    "ptrace restricted)"
fi
grep -Eqx 'Seccomp:[[:space:]]+2' /proc/$enclave/status ||
    fail "enclave not in seccomp filter mode:" \
    "$(grep Seccomp /proc/$enclave/status)"
grep -Eqx 'NoNewPrivs:[[:space:]]+1' /proc/$enclave/status ||
    fail "enclave without no_new_privs"
if [ $root = 1 ]; then
	scan "$enclave" "$canary" "hx:$sk_hex"
	[ "$got" = "found found" ] ||
	    fail "the enclave's memory should hold the canary and the key" \
	    "(canary, raw key: $got): the scan cannot be trusted"
	fds=$(ls /proc/$enclave/fd | tr '\n' ' ')
	[ "$fds" = "3 " ] || fail "enclave has descriptors '$fds', not just 3"
	[ ! -s /proc/$enclave/environ ] || fail "enclave has an environment"
else
	echo "SKIP $TEST_NAME: the enclave's memory and descriptors need" \
	    "root (it is not dumpable)"
fi
kill -0 "$host" 2>/dev/null || fail "ss-map ended before the scan was over"
finish_stage process

# Control: in process, the same scan finds both.
start_stage none
[ -z "$(pgrep -P "$host")" ] || fail "--tee none started a process"
if [ $root = 1 ] || "$memscan" "$host" x > /dev/null 2>&1; then
	scan "$host" "$canary" "hx:$sk_hex"
	[ "$got" = "found found" ] ||
	    fail "--tee none: the scan should find the canary and the key" \
	    "in the host (canary, raw key: $got)"
fi
finish_stage none

pass
