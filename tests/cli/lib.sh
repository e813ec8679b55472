# Shared helpers for the integration tests.  Source it from a test:
#	. "$(dirname "$0")/lib.sh"
#
# SS_BIN names the directory holding the binaries (default: bin/ in the
# repository); SS_VALGRIND=1 runs every ss-* binary under valgrind, which
# turns any memory error or leak into exit status 99.

set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
SS_BIN=${SS_BIN:-$TOP/bin}
TEST_NAME=$(basename "$0")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ss-test.XXXXXX")
# on_exit CMD: run CMD when the test ends, however it ends (last added,
# first run); servers a test starts are stopped this way.
SS_AT_EXIT=""
on_exit() { SS_AT_EXIT="$1; $SS_AT_EXIT"; }
ss_at_exit() {
	set +e
	eval "$SS_AT_EXIT"
	rm -rf "$TMP"
}
trap ss_at_exit EXIT
# Secret keys must not be readable by others; make that the default here.
umask 077

if [ "${SS_VALGRIND:-0}" = 1 ]; then
	SS_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
else
	SS_WRAP=""
fi

ss_keygen() { $SS_WRAP "$SS_BIN/ss-keygen" "$@"; }
ss_encrypt() { $SS_WRAP "$SS_BIN/ss-encrypt" "$@"; }
ss_decrypt() { $SS_WRAP "$SS_BIN/ss-decrypt" "$@"; }
ss_info() { $SS_WRAP "$SS_BIN/ss-info" "$@"; }

fail() {
	echo "FAIL $TEST_NAME: $*" >&2
	exit 1
}

pass() {
	echo "PASS $TEST_NAME"
	exit 0
}

# skip REASON: this test cannot run here (exit 77); run-all counts it as
# skipped and prints the reason, never as passed.
skip() {
	echo "SKIP $TEST_NAME: $*"
	exit 77
}

# expect_status CODE CMD...: run CMD, fail unless it exits with CODE.
# Its stderr is kept in $TMP/stderr.
expect_status() {
	want=$1
	shift
	set +e
	"$@" 2>"$TMP/stderr"
	got=$?
	set -e
	[ "$got" = "$want" ] ||
	    fail "'$*' exited $got, expected $want; stderr: $(cat "$TMP/stderr")"
}

# expect_stderr PATTERN: the last expect_status's stderr is exactly one line
# and matches the extended regular expression PATTERN.
expect_stderr() {
	[ "$(wc -l < "$TMP/stderr")" -eq 1 ] ||
	    fail "expected one line on stderr, got: $(cat "$TMP/stderr")"
	grep -Eq -- "$1" "$TMP/stderr" ||
	    fail "stderr '$(cat "$TMP/stderr")' does not match '$1'"
}

# newkey NAME: make $TMP/NAME.key and set $PUB to its public key.
newkey() {
	ss_keygen -o "$TMP/$1.key" 2>/dev/null
	PUB=$(ss_keygen -y "$TMP/$1.key")
}

# filesize FILE
filesize() { wc -c < "$1" | tr -d ' '; }

# byte_at FILE OFFSET: the unsigned value of one byte.
byte_at() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }

# set_byte FILE OFFSET VALUE: overwrite one byte in place.
set_byte() {
	printf "$(printf '\\%03o' "$3")" |
	    dd of="$1" bs=1 seek="$2" count=1 conv=notrunc status=none
}

# flip_bit FILE OFFSET: invert the lowest bit of one byte.
flip_bit() { set_byte "$1" "$2" $(( $(byte_at "$1" "$2") ^ 1 )); }

# header_len FILE: length of the stream header (ss-format(5)).
header_len() {
	n=$(( $(byte_at "$1" 10) * 256 + $(byte_at "$1" 11) ))
	echo $(( 28 + 80 * n + 32 ))
}

# chunk_offsets FILE: the offset of every chunk, one per line, then the
# offset just past the last chunk.
chunk_offsets() {
	off=$(header_len "$1")
	size=$(filesize "$1")
	while [ "$off" -lt "$size" ]; do
		echo "$off"
		set -- "$1" $(od -An -tu1 -j "$off" -N4 "$1")
		len=$(( ($2 & 127) * 16777216 + $3 * 65536 + $4 * 256 + $5 ))
		off=$(( off + 4 + len + 16 ))
	done
	echo "$off"
}

# slice FILE START END: bytes [START, END) of FILE on stdout.
slice() { tail -c +$(( $2 + 1 )) "$1" | head -c $(( $3 - $2 )); }

# --- Added for the scenario tests (keygen.sh, tamper.sh, ...). ---

# expect_stderr_is TEXT: the last expect_status's stderr is exactly the one
# line TEXT (compared literally, not as a pattern).
expect_stderr_is() {
	IFS= read -r -d '' stderr_text < "$TMP/stderr" || true
	[ "$stderr_text" = "$1"$'\n' ] ||
	    fail "stderr '$stderr_text' is not '$1'"
}

# expect_usage_error PATTERN: the last expect_status's stderr is a usage
# error: one line "ss-NAME: ..." matching PATTERN, then the --help hint.
expect_usage_error() {
	[ "$(wc -l < "$TMP/stderr")" -eq 2 ] ||
	    fail "expected a message and a hint on stderr, got: $(cat "$TMP/stderr")"
	head -n 1 "$TMP/stderr" | grep -Eq -- "$1" ||
	    fail "stderr '$(head -n 1 "$TMP/stderr")' does not match '$1'"
	tail -n 1 "$TMP/stderr" |
	    grep -Eq "^Try 'ss-[a-z]+ --help' for more information\.$" ||
	    fail "no --help hint on stderr: $(cat "$TMP/stderr")"
}

# expect_same EXPECTED GOT WHAT: fail unless the files are byte-identical.
expect_same() {
	cmp -s "$1" "$2" || fail "$3: $2 differs from $1 ($(cmp "$1" "$2" 2>&1 | head -n 1))"
}

# expect_no_output DIR NAME: neither DIR/NAME nor a temporary file
# DIR/.NAME.XXXXXX exists.
expect_no_output() {
	[ ! -e "$1/$2" ] || fail "$1/$2 exists after a failed run"
	for t in "$1"/."$2".*; do
		[ ! -e "$t" ] || fail "temporary file $t was left behind"
	done
}

# chunk_len FILE OFFSET: the ciphertext length of the chunk at OFFSET.
chunk_len() {
	set -- $(od -An -tu1 -j "$2" -N4 "$1")
	echo $(( ($1 & 127) * 16777216 + $2 * 65536 + $3 * 256 + $4 ))
}

# slow: true when every run is slow (SS_VALGRIND=1); tests then try fewer
# variants of the same thing.
slow() { [ "${SS_VALGRIND:-0}" = 1 ]; }

# some ITEM...: all the ITEMs, or when slow only the first and the last.
some() {
	if ! slow || [ $# -le 2 ]; then
		echo "$@"
	else
		eval "echo \"\$1 \${$#}\""
	fi
}

# --- Added for the across-machines tests (ssh.sh, netcat.sh, ...). ---

# st NAME CMD...: run CMD, its stderr to err.NAME, its status to status.NAME.
st() {
	local name=$1 status=0
	shift
	"$@" 2> "err.$name" || status=$?
	echo $status > "status.$name"
}

# wait_until TEST: poll the shell condition TEST for up to 20 s (60 s when
# every run is slow).
wait_until() {
	local i
	for i in $(seq "$(slow && echo 600 || echo 200)"); do
		eval "$1" && return 0
		sleep 0.1
	done
	fail "timed out waiting for: $1"
}

# descendant PID NAME: the process ids of PID's descendants called NAME.
descendant() {
	local p
	for p in $(pgrep -P "$1"); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" != "$2" ] || echo "$p"
		descendant "$p" "$2"
	done
}

# free_port [NETNS]: a TCP port that nothing listens on now (in network
# namespace NETNS if given).
free_port() {
	local p i
	for i in $(seq 1 50); do
		p=$(( 20000 + (RANDOM % 20000) ))
		if [ -n "${1:-}" ]; then
			ip netns exec "$1" ss -Hltn "sport = :$p" | grep -q . ||
			    { echo "$p"; return 0; }
		else
			ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return 0; }
		fi
	done
	return 1
}

# kill_tree PID: signal PID and every process below it (a server and the
# sessions it forked).
kill_tree() {
	local p
	for p in $(pgrep -P "$1"); do
		kill_tree "$p"
	done
	kill "$1" 2>/dev/null || true
}

# slow_source CSV: CSV's header, then its first 500 records, one every 20 ms
# (50 when slow), so that a stream is still flowing when a test cuts it.
slow_source() {
	local delay=0.02 line
	slow && delay=0.05
	head -n 1 "$1"
	tail -n +2 "$1" | head -n 500 | while IFS= read -r line; do
		printf '%s\n' "$line"
		sleep $delay
	done
}
