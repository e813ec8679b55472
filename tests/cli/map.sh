#!/bin/bash
# ss-map: projection (select, reorder, rename, repeat), CSV values that need
# quoting, empty and large streams; both enclave backends give the same
# bytes; usage errors; data errors (exit 1, one line, no -o file); the
# enclave killed mid-stream; memory on a large stream; a live stream passing
# through before its input ends.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

unset SS_TEE SS_ENCLAVE
export SS_PLATFORM=$TMP/plat	# -i needs no platform; never touch a real one

ss_map() { $SS_WRAP "$SS_BIN/ss-map" "$@"; }

newkey stage; ST=$PUB
newkey consumer; C=$PUB
newkey eve; E=$PUB

# How long to wait for something that should happen at once.
if slow; then patience=600; else patience=200; fi

# maps IN WANT ARGS...: ss-map -i stage.key -r C ARGS on the stream IN
# succeeds silently, and its output decrypts to exactly WANT.
maps() {
	map_in=$1 map_want=$2
	shift 2
	rm -f out.ss
	expect_status 0 ss_map -i stage.key -r "$C" "$@" -o out.ss < "$map_in"
	[ ! -s "$TMP/stderr" ] || fail "ss-map $* said: $(cat "$TMP/stderr")"
	expect_status 0 ss_decrypt -i consumer.key -o got.csv out.ss
	expect_same "$map_want" got.csv "ss-map $*"
}

# --- Projection. ---
# Values with commas, quotes, newlines and nothing at all.
cat > in.csv <<'EOF'
id,name,note,n
1,alice,"hello, world",10
2,bob,"two
lines",20
3,"carol ""cc""",,30
4,"d,a,v,e","a ""quoted"", multi
line
value",40
EOF
ss_encrypt -r "$ST" -o in.ss in.csv || fail "encrypt in.csv"
# Every column, in order: the input itself.
maps in.ss in.csv -f id,name,note,n
# One column (an empty value alone on its line is written "", not as a
# blank line, which CSV readers skip).
cat > want.csv <<'EOF'
note
"hello, world"
"two
lines"
""
"a ""quoted"", multi
line
value"
EOF
maps in.ss want.csv -f note
# Reordered.
cat > want.csv <<'EOF'
n,name,id
10,alice,1
20,bob,2
30,"carol ""cc""",3
40,"d,a,v,e",4
EOF
maps in.ss want.csv -f n,name,id
maps in.ss want.csv --fields n,name,id
# Renamed (new=old), mixed with plain names; names swapped.
cat > want.csv <<'EOF'
who,id,count
alice,1,10
bob,2,20
"carol ""cc""",3,30
"d,a,v,e",4,40
EOF
maps in.ss want.csv -f who=name,id,count=n
cat > want.csv <<'EOF'
name,id
1,alice
2,bob
3,"carol ""cc"""
4,"d,a,v,e"
EOF
maps in.ss want.csv -f name=id,id=name
# One source column, several times (under new names).
cat > want.csv <<'EOF'
a,id,b
10,1,10
20,2,20
30,3,30
40,4,40
EOF
maps in.ss want.csv -f a=n,id,b=n
# A new name with a space in it.
printf '%s\n' 'x y,id' 'alice,1' 'bob,2' '"carol ""cc""",3' '"d,a,v,e",4' > want.csv
maps in.ss want.csv -f 'x y=name,id'
# Recipients: -r repeated, -R, several; each can decrypt.
printf '%s\n' "$C" "$E" > two.pub
rm -f out.ss
expect_status 0 ss_map -i stage.key -R two.pub -r "$C" -f id -o out.ss < in.ss
printf 'id\n1\n2\n3\n4\n' > want.csv
for k in consumer eve; do
	expect_status 0 ss_decrypt -i $k.key -o got.csv out.ss
	expect_same want.csv got.csv "-R two.pub, decrypted by $k"
done
expect_status 1 ss_decrypt -i stage.key out.ss > /dev/null
expect_stderr_is 'ss-decrypt: out.ss: no identity matches a recipient of this stream (wrong key?)'
# Standard output, and --chunk-size.
expect_status 0 ss_map -i stage.key -r "$C" -f id --chunk-size 1K < in.ss > out.ss
expect_status 0 ss_decrypt -i consumer.key out.ss > got.csv
expect_same want.csv got.csv "ss-map to stdout"

# Empty input (ss-encrypt of nothing: a stream with no columns): no such
# column, exit 1, nothing written.
ss_encrypt -r "$ST" -o empty.ss /dev/null || fail "encrypt nothing"
expect_status 1 ss_map -i stage.key -r "$C" -f id -o out.csv < empty.ss
expect_stderr_is "ss-map: map: no field 'id' in the input stream"
expect_no_output . out.csv
# Columns but no rows: the header alone.
printf 'id,name\n' > hdr.csv
ss_encrypt -r "$ST" -o hdr.ss hdr.csv || fail "encrypt a header"
printf 'name\n' > want.csv
maps hdr.ss want.csv -f name
ss_info -i consumer.key out.ss | grep -qx 'records: 0' || fail "header only: $(ss_info -i consumer.key out.ss)"

# --- A large stream, both backends. ---
if slow; then rows=3000; else rows=200000; fi
"$TOP/scripts/gen-airline" "$rows" > air.csv
[ "$(wc -l < air.csv)" = $(( rows + 1 )) ] || fail "test bug: gen-airline made $(wc -l < air.csv) lines"
grep -q '"' air.csv && fail "test bug: air.csv has quoted values; cut cannot project it"
[ "$(head -n 1 air.csv | cut -d, -f1,9,15,17)" = Year,UniqueCarrier,ArrDelay,Origin ] ||
    fail "test bug: air.csv columns: $(head -n 1 air.csv)"
ss_encrypt -r "$ST" -o air.ss air.csv || fail "encrypt air.csv"
{ echo carrier,delay,Year,Origin; tail -n +2 air.csv |
    awk -F, -v OFS=, '{ print $9, $15, $1, $17 }'; } > want.csv
FIELDS=carrier=UniqueCarrier,delay=ArrDelay,Year,Origin
maps air.ss want.csv -f "$FIELDS" --tee process
cp out.ss air-process.ss
maps air.ss want.csv -f "$FIELDS" --tee none
SS_TEE=none maps air.ss want.csv -f "$FIELDS"
SS_TEE=process maps air.ss want.csv -f "$FIELDS"
SS_TEE=none maps air.ss want.csv -f "$FIELDS" --tee process
SS_TEE=bogus maps air.ss want.csv -f "$FIELDS" --tee none
# The same chunking: the streams differ only in their keys and nonces.
[ "$(ss_info air-process.ss | grep -E '^(chunks|columns):')" = \
  "$(ss_info out.ss | grep -E '^(chunks|columns):')" ] ||
    fail "the backends chunk differently"
# Chunks larger than a slot of the enclave's shared arena (512 KiB) travel
# on its socket instead, both ways: the same result.
if ! slow; then
	ss_encrypt -r "$ST" --chunk-size 2M -o air-big.ss air.csv ||
	    fail "encrypt air.csv in 2 MiB chunks"
	{ echo carrier,delay,Year,Origin; tail -n +2 air.csv |
	    awk -F, -v OFS=, '{ print $9, $15, $1, $17 }'; } > want.csv
	maps air-big.ss want.csv -f "$FIELDS" --chunk-size 1M
	ss_info out.ss | grep -qx 'chunks: [1-9]' ||
	    fail "1 MiB output chunks: $(ss_info out.ss | grep chunks)"
fi
# A plain cut of the same columns, from the small file too.
cut -d, -f1,9 air.csv > want.csv
maps air.ss want.csv -f Year,UniqueCarrier
for tee in $(some process none); do
	maps in.ss in.csv -f id,name,note,n --tee $tee
done

# --- Memory: a large stream passes through in bounded space. ---
if ! slow; then
	/usr/bin/time -f %M -o rss "$SS_BIN/ss-map" -i stage.key -r "$C" \
	    -f "$FIELDS" < air.ss > /dev/null 2> err || fail "ss-map for RSS: $(cat err)"
	kb=$(tail -n 1 rss)
	[ "$kb" -lt 32768 ] || fail "ss-map on $rows rows peaked at $kb KiB (limit 32 MiB)"
fi

# --- Backends. ---
expect_status 2 ss_map -i stage.key -r "$C" -f id --tee sgx < in.ss
expect_usage_error '^ss-map: --tee sgx: no SGX backend in this build \(use process or none\)$'
SS_TEE=sgx expect_status 2 ss_map -i stage.key -r "$C" -f id < in.ss
expect_usage_error '^ss-map: (--tee sgx|SS_TEE=sgx|sgx): no SGX backend'
expect_status 2 ss_map -i stage.key -r "$C" -f id --tee bogus < in.ss
expect_usage_error "^ss-map: unknown TEE backend 'bogus' \(use process or none\)$"
SS_TEE=bogus expect_status 2 ss_map -i stage.key -r "$C" -f id < in.ss
expect_usage_error "^ss-map: unknown TEE backend 'bogus' in SS_TEE \(use process or none\)$"
expect_status 2 ss_map -i stage.key -r "$C" -f id --tee '' < in.ss
expect_usage_error "^ss-map: unknown TEE backend '' "
expect_status 2 ss_map -i stage.key -r "$C" -f id --tee none --tee process < in.ss
expect_usage_error '^ss-map: option --tee given more than once$'

# --- Usage errors: exit 2, a message and the hint, no -o file. ---
# usage ARGS... PATTERN: ss-map ARGS -o out.csv < in.ss is a usage error.
usage() {
	pat=${*: -1}
	set -- "${@:1:$#-1}"
	expect_status 2 ss_map "$@" -o out.csv < in.ss
	expect_usage_error "$pat"
	expect_no_output . out.csv
}
usage -i stage.key -r "$C" "^ss-map: nothing to do: give -f FIELDS, 'NAME = EXPRESSION', or both$"
usage -i stage.key -r "$C" -f '' "^ss-map: -f: empty field name in ''$"
usage -i stage.key -r "$C" -f id,,n "^ss-map: -f: empty field name in 'id,,n'$"
usage -i stage.key -r "$C" -f id, "^ss-map: -f: empty field name in 'id,'$"
usage -i stage.key -r "$C" -f =id "^ss-map: -f: empty field name in '=id'$"
usage -i stage.key -r "$C" -f x= "^ss-map: -f: empty field name in 'x='$"
usage -i stage.key -r "$C" -f id,id "^ss-map: -f: two output fields named 'id'$"
usage -i stage.key -r "$C" -f x=id,x=n "^ss-map: -f: two output fields named 'x'$"
usage -i stage.key -r "$C" -f id=n,id "^ss-map: -f: two output fields named 'id'$"
usage -i stage.key -r "$C" -f id -f n '^ss-map: option -f given more than once$'
usage -i stage.key -f id '^ss-map: no recipient: give -r PUBKEY or -R FILE$'
usage -r "$C" -f id '^ss-map: no stage key: give --sealed FILE or -i IDENTITY$'
usage -i stage.key --sealed s.sealed -r "$C" -f id '^ss-map: -i and --sealed cannot be used together$'
usage -i stage.key -i stage.key -r "$C" -f id '^ss-map: option -i given more than once$'
usage -i stage.key -r "$C" -f id in.ss "^ss-map: 'in\.ss' is not NAME = EXPRESSION \(ss-map reads its stream from standard input\)$"
usage -i stage.key -r "$C" -f id - "^ss-map: '-' is not NAME = EXPRESSION"
usage -i - -r "$C" -f id '^ss-map: standard input holds the stream: give the stage key as a file$'
usage --sealed - -r "$C" -f id '^ss-map: standard input holds the stream: give the stage key as a file$'
usage -i stage.key -r "$C" -f id --chunk-size 10 '^ss-map: --chunk-size: invalid size'
usage -i stage.key -r "$C" -f id --bogus "^ss-map: unknown option '?--bogus'?$"
expect_status 2 ss_map -i stage.key -r "$C" -f < in.ss
expect_usage_error '^ss-map: option -f needs a value$'
# Other problems with the arguments: exit 2, one line.
expect_status 2 ss_map -i stage.key -r "${C%?}" -f id -o out.csv < in.ss
expect_stderr "^ss-map: -r: 'sspub1-[^ ]*': malformed public key"
expect_no_output . out.csv
expect_status 2 ss_map -i nope.key -r "$C" -f id -o out.csv < in.ss
expect_stderr_is 'ss-map: nope.key: No such file or directory'
expect_no_output . out.csv
chmod 644 stage.key
expect_status 2 ss_map -i stage.key -r "$C" -f id -o out.csv < in.ss
expect_stderr '^ss-map: stage\.key: permissions 0644 are too open'
expect_no_output . out.csv
chmod 600 stage.key
# The help works, and writes nothing else.
expect_status 0 ss_map --help > help
grep -q '^usage: ss-map ' help || fail "ss-map --help: $(head -n 1 help)"

# --- Data errors: exit 1, one line "ss-map: ...", no -o file; an
# existing file is left alone. ---
# A stream of many chunks, so that output was written before the failure.
awk 'BEGIN { print "row,payload"
	for (i = 1; i <= 3000; i++) printf "%06d,payload-%06d-abcdefghijklmnopqrstuvwxyz\n", i, i }' > s.csv
ss_encrypt -r "$ST" --chunk-size 4096 -o s.ss s.csv || fail "encrypt s.csv"
mapfile -t OFF < <(chunk_offsets s.ss)
OFF=(0 "${OFF[@]}")
N=$(( ${#OFF[@]} - 2 ))
END=$(filesize s.ss)
HLEN=$(header_len s.ss)
[ "$N" -ge 10 ] || fail "test bug: s.ss has only $N chunks"
k=5
AUTH='authentication failed (tampered, reordered, or from another stream)'
printf 'precious\n' > keep

# refused MESSAGE ARGS...: ss-map ARGS on t.ss fails with exit 1 and
# MESSAGE, writing nothing to -o, to stdout or over an existing file.
turn=0
refused() {
	msg=$1
	shift
	turn=$(( turn + 1 ))
	expect_status 1 ss_map -r "$C" "$@" -o out.csv < t.ss
	expect_stderr_is "ss-map: $msg"
	expect_no_output . out.csv
	if ! slow || [ $(( turn % 2 )) = 0 ]; then
		cp keep kept
		expect_status 1 ss_map -r "$C" "$@" -o kept < t.ss
		expect_stderr_is "ss-map: $msg"
		expect_same keep kept "$msg: an existing -o file"
		for t in .kept.*; do [ ! -e "$t" ] || fail "$msg: left $t"; done
	fi
}
cp s.ss t.ss
refused "map: no field 'nosuch' in the input stream" -i stage.key -f row,nosuch
refused "map: no field 'Row' in the input stream" -i stage.key -f Row
refused "no identity matches a recipient of this stream (wrong key?)" -i eve.key -f row
# A stream for someone else: not for this stage.
ss_encrypt -r "$C" -r "$E" -o t.ss s.csv
refused "no identity matches a recipient of this stream (wrong key?)" -i stage.key -f row
# A bit flipped: the header, the schema chunk, a middle chunk, the last;
# ciphertext and tag.
cp s.ss t.ss; flip_bit t.ss 15
refused 'header authentication failed (tampered header)' -i stage.key -f row
cp s.ss t.ss; flip_bit t.ss 0
refused 'not a securestreams stream (bad magic)' -i stage.key -f row
for c in 1 $k $N; do
	for o in $(some $(( ${OFF[c]} + 4 )) $(( ${OFF[c]} + 100 )) $(( ${OFF[c + 1]} - 1 ))); do
		[ "$o" -lt "${OFF[c + 1]}" ] || continue
		cp s.ss t.ss; flip_bit t.ss "$o"
		refused "chunk $c: $AUTH" -i stage.key -f payload,row
	done
done
# Chunks swapped, deleted, or from another stream.
{ slice s.ss 0 "${OFF[k]}"; slice s.ss "${OFF[k + 1]}" "${OFF[k + 2]}"
  slice s.ss "${OFF[k]}" "${OFF[k + 1]}"; slice s.ss "${OFF[k + 2]}" "$END"; } > t.ss
refused "chunk $k: $AUTH" -i stage.key -f row
{ slice s.ss 0 "${OFF[k]}"; slice s.ss "${OFF[k + 1]}" "$END"; } > t.ss
refused "chunk $k: $AUTH" -i stage.key -f row
ss_encrypt -r "$ST" --chunk-size 4096 -o s2.ss s.csv
{ slice s.ss 0 "${OFF[k]}"; slice s2.ss "${OFF[k]}" "${OFF[k + 1]}"
  slice s.ss "${OFF[k + 1]}" "$END"; } > t.ss
refused "chunk $k: $AUTH" -i stage.key -f row
# Truncated: after a chunk, inside one, inside the header, right after it.
for c in $(some 1 $k $(( N - 1 ))); do
	head -c "${OFF[c + 1]}" s.ss > t.ss
	refused "stream truncated after chunk $c" -i stage.key -f row
done
for cut in $(some $(( ${OFF[k]} + 2 )) $(( ${OFF[k]} + 100 )) $(( END - 1 ))); do
	head -c "$cut" s.ss > t.ss
	c=$k; [ "$cut" -ge "${OFF[N]}" ] && c=$N
	refused "stream truncated inside chunk $c" -i stage.key -f row
done
head -c "$HLEN" s.ss > t.ss
refused 'stream truncated: no chunk after the header' -i stage.key -f row
head -c 20 s.ss > t.ss
refused 'stream truncated inside the header' -i stage.key -f row
# Trailing data: a byte, a second stream.
{ cat s.ss; printf 'x'; } > t.ss
refused "trailing data after the final chunk (chunk $N)" -i stage.key -f row
cat s.ss s2.ss > t.ss
refused "trailing data after the final chunk (chunk $N)" -i stage.key -f row
# Not a stream at all.
: > t.ss
refused 'empty input: not a securestreams stream' -i stage.key -f row
cp s.csv t.ss
refused 'not a securestreams stream (bad magic)' -i stage.key -f row
# On stdout, a failure still exits 1 with the one line.
head -c "${OFF[N]}" s.ss > t.ss
expect_status 1 ss_map -i stage.key -r "$C" -f row < t.ss > out.ss
expect_stderr_is "ss-map: stream truncated after chunk $(( N - 1 ))"

# --- The enclave killed mid-stream. ---
# The producer writes a record, waits at a gate (a FIFO) while the test
# kills the enclave (the ss-map process's child), then writes more.
mkfifo gate stream
# killed SIGNAL MESSAGE [ARGS]: ss-map ARGS, its enclave killed with
# SIGNAL while the stream flows, exits 1 with MESSAGE.
killed() {
	sig=$1 msg=$2
	shift 2
	rm -f out.ss
	( { printf 'a,b\n1,2\n'; read -r _ < gate; printf '3,4\n'; } |
	    ss_encrypt -r "$ST" --flush-ms 20 > stream ) 2> /dev/null &
	feeder=$!
	$SS_WRAP "$SS_BIN/ss-map" -i stage.key -r "$C" -f b "$@" < stream > stdout 2> err &
	mappid=$!
	# Wait until the first record went through the enclave.
	for i in $(seq $patience); do
		if [ "${1:-}" = -o ]; then
			for t in .out.ss.*; do [ -s "$t" ] && break 2; done
		else
			[ -s stdout ] && break
		fi
		sleep 0.1
	done
	enclave=$(pgrep -P $mappid) || fail "ss-map ($mappid) has no enclave process"
	[ "$(echo "$enclave" | wc -l)" = 1 ] || fail "ss-map has children $enclave"
	kill -"$sig" "$enclave"
	echo go > gate
	set +e
	wait $mappid
	status=$?
	wait $feeder
	set -e
	[ "$status" = 1 ] || fail "ss-map with its enclave killed (SIG$sig) exited $status: $(cat err)"
	[ "$(wc -l < err)" = 1 ] && [ "$(cat err)" = "ss-map: $msg" ] ||
	    fail "ss-map with its enclave killed (SIG$sig) said: $(cat err)"
}
killed KILL 'enclave killed by signal 9 (Killed)' -o out.ss
expect_no_output . out.ss
killed KILL 'enclave killed by signal 9 (Killed)'
if ! slow; then
	killed TERM 'enclave killed by signal 15 (Terminated)' -o out.ss
	expect_no_output . out.ss
fi

# --- A live stream: records come through before the input ends. ---
# wait_for FILE TEXT: wait until FILE holds the line TEXT.
wait_for() {
	for i in $(seq $patience); do
		grep -qxF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "'$2' never reached $1 (it holds: $(cat "$1" 2>/dev/null))"
}
printf 'b,a\n2,1\n4,3\n' > want.csv
for tee in $(some process none); do
	: > out
	(
		set -o pipefail
		{ printf 'a,b\n1,2\n'; read -r _ < gate; printf '3,4\n'; } |
		    ss_encrypt -r "$ST" --flush-ms 20 |
		    ss_map -i stage.key -r "$C" -f b,a --tee $tee |
		    ss_decrypt -i consumer.key > out
	) 2> err &
	pid=$!
	wait_for out 2,1
	grep -q 4,3 out && fail "4,3 came out before it went in"
	kill -0 $pid 2>/dev/null || fail "the live pipeline (--tee $tee) ended early"
	echo go > gate
	set +e; wait $pid; status=$?; set -e
	[ "$status" = 0 ] || fail "the live pipeline (--tee $tee) exited $status: $(cat err)"
	[ ! -s err ] || fail "the live pipeline (--tee $tee) said: $(cat err)"
	expect_same want.csv out "the live pipeline (--tee $tee)"
done

pass
