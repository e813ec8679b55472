#!/bin/bash
# Every class of tampering: exit 1, the right one-line message, and no
# unauthenticated plaintext.  When chunk k fails, ss-decrypt may have written
# chunks 1..k-1 (all of them when reading a pipe, which it passes on chunk by
# chunk; a prefix of them from a file), never a byte of chunk k or later;
# with -o it writes nothing at all.
#
# Which rows live in which chunk is worked out from the framing alone: every
# row is the same size, so a record chunk of ciphertext length L (= plaintext
# length) holds (L - 14) / (2 * 2 + ROWLEN) rows (ss-format(5): 12-byte batch
# header, 2-byte offsets).
. "$(dirname "$0")/lib.sh"
cd "$TMP"

newkey me; me=$PUB
newkey other; other=$PUB
newkey eve

# Under valgrind (about a second a run), each attempt reads the stream one way,
# taking turns, and fewer positions are tried.
full=1
slow && full=0
turn=0

NF=2
ROWLEN=47	# "000001" + "payload-000001-abcdefghijklmnopqrstuvwxyz"

# make_csv N: a header and N unique rows of ROWLEN bytes.
make_csv() {
	awk -v n="$1" 'BEGIN {
		print "row,payload"
		for (i = 1; i <= n; i++)
			printf "%06d,payload-%06d-abcdefghijklmnopqrstuvwxyz\n", i, i
	}'
}

# prepare NAME: NAME.offs, the offset of every chunk of NAME.ss and then its
# end; NAME.lines, line i: how many lines of NAME.csv chunks 1..i hold.
prepare() {
	chunk_offsets "$1.ss" > "$1.offs"
	lines=0
	i=1
	: > "$1.lines"
	for o in $(sed '$d' "$1.offs"); do
		len=$(chunk_len "$1.ss" "$o")
		if [ "$i" = 1 ]; then
			lines=1
		else
			per=$(( 2 * NF + ROWLEN ))
			[ $(( (len - 14) % per )) = 0 ] ||
			    fail "test bug: chunk $i has length $len"
			lines=$(( lines + (len - 14) / per ))
		fi
		echo "$lines" >> "$1.lines"
		i=$(( i + 1 ))
	done
	[ "$lines" = "$(wc -l < "$1.csv")" ] ||
	    fail "test bug: the chunks of $1.ss hold $lines lines, not $(wc -l < "$1.csv")"
}

# use NAME: attack NAME.ss from now on: $S, $CSV, $N chunks, header length
# $HLEN, size $END; OFF[i] is where chunk i starts (OFF[N + 1] = END),
# LINES[i] how many CSV lines chunks 1..i decrypt to.
use() {
	S=$1.ss
	CSV=$1.csv
	mapfile -t OFF < "$1.offs"
	OFF=(0 "${OFF[@]}")
	mapfile -t LINES < "$1.lines"
	LINES=(0 "${LINES[@]}")
	N=$(( ${#OFF[@]} - 2 ))
	HLEN=$(header_len "$S")
	END=$(filesize "$S")
	rm -f want.*
}

# want K: want.K is what chunks 1..K decrypt to; $next is the line after
# it (empty if none).
want() {
	n=${LINES[$1]}
	[ -e "want.$1" ] || head -n "$n" "$CSV" > "want.$1"
	if [ "$n" -lt "${LINES[$N]}" ]; then
		next=$(sed -n "$(( n + 1 ))p" "$CSV")
	else
		next=
	fi
}

pipe_decrypt() { cat "$1" | ss_decrypt -i me.key; }

# no_later OUT: OUT holds no line from a chunk after K.
no_later() {
	if [ -n "$next" ] && [ -s "$1" ] && grep -qxF -- "$next" "$1"; then
		fail "$msg: output holds '$next', from a rejected chunk"
	fi
}

# attempt STATUS MESSAGE K: every way of reading t.ss fails with STATUS
# and MESSAGE, and lets through at most chunks 1..K.
attempt() {
	st=$1 msg=$2
	want "$3"
	turn=$(( turn + 1 ))
	way=$(( turn % 4 ))
	# A pipe: exactly chunks 1..K.
	if [ "$full" = 1 ] || [ "$way" = 0 ]; then
		expect_status "$st" pipe_decrypt t.ss > out
		expect_stderr_is "ss-decrypt: $msg"
		expect_same "want.$3" out "$msg (from a pipe)"
		no_later out
	fi
	# A file: a prefix of chunks 1..K.
	if [ "$full" = 1 ] || [ "$way" = 1 ]; then
		expect_status "$st" ss_decrypt -i me.key t.ss > out
		expect_stderr_is "ss-decrypt: t.ss: $msg"
		if [ -s out ]; then
			size=$(filesize out)
			[ "$size" -le "$(filesize "want.$3")" ] &&
			    cmp -s -n "$size" out "want.$3" ||
			    fail "$msg: output from a file is not a prefix of chunks 1..$3"
			no_later out
		fi
	fi
	# -o: nothing at all; an existing file (every other time) is left
	# alone.
	if [ "$full" = 1 ] || [ "$way" = 2 ]; then
		rm -f keep.csv
		[ $(( turn / 4 % 2 )) = 0 ] && printf 'precious\n' > keep.csv
		expect_status "$st" ss_decrypt -i me.key -o keep.csv t.ss
		expect_stderr_is "ss-decrypt: t.ss: $msg"
		if [ $(( turn / 4 % 2 )) = 0 ]; then
			[ "$(cat keep.csv)" = precious ] || fail "$msg: -o replaced a file"
			rm keep.csv
		fi
		expect_no_output . keep.csv
	fi
	# ss-info -i verifies the same way.
	if [ "$full" = 1 ] || [ "$way" = 3 ]; then
		expect_status "$st" ss_info -i me.key t.ss > /dev/null
		expect_stderr_is "ss-info: t.ss: $msg"
	fi
}

# framing STATUS MESSAGE: ss-info without a key sees the same error.
framing() {
	expect_status "$1" ss_info t.ss > /dev/null
	expect_stderr_is "ss-info: t.ss: $2"
}

AUTH='authentication failed (tampered, reordered, or from another stream)'
HDR='header authentication failed (tampered header)'
NOKEY='no identity matches a recipient of this stream (wrong key?)'

# The stream under attack: 400 rows in 1 KiB chunks; a second encryption
# of the same rows (for splicing); one to two recipients.
make_csv 400 > s.csv
ss_encrypt -r "$me" --chunk-size 1024 -o s.ss s.csv || fail "encrypt s"
ss_encrypt -r "$me" --chunk-size 1024 -o s2.ss s.csv || fail "encrypt s2"
cp s.csv s2.csv
prepare s
prepare s2
use s
[ "$N" -ge 12 ] || fail "test bug: only $N chunks"
expect_status 0 ss_decrypt -i me.key s.ss > out
expect_same s.csv out "the untampered stream"
k=7	# a middle chunk

# --- The header. ---
cp s.ss t.ss; flip_bit t.ss 0
attempt 1 'not a securestreams stream (bad magic)' 0
framing 1 'not a securestreams stream (bad magic)'
cp s.ss t.ss; flip_bit t.ss 7
attempt 1 'not a securestreams stream (bad magic)' 0
cp s.ss t.ss; set_byte t.ss 8 2
attempt 1 'unsupported format version 2 (this is version 1)' 0
framing 1 'unsupported format version 2 (this is version 1)'
cp s.ss t.ss; set_byte t.ss 9 7
attempt 1 'unsupported cipher suite 7' 0
for o in $(some 12 20 27); do	# the salt
	cp s.ss t.ss; flip_bit t.ss $o
	attempt 1 "$HDR" 0
done
# The only stanza: ephemeral key, wrapped file key, tag.  It cannot be told
# from a stanza for someone else.
for o in $(some 28 59 60 91 92 107); do
	cp s.ss t.ss; flip_bit t.ss $o
	attempt 1 "$NOKEY" 0
done
for o in $(( HLEN - 32 )) $(( HLEN - 1 )); do	# the MAC
	cp s.ss t.ss; flip_bit t.ss $o
	attempt 1 "$HDR" 0
done
# The recipient count: 2 makes the first chunk part of the header.
cp s.ss t.ss; set_byte t.ss 11 2
attempt 1 "$HDR" 0
cp s.ss t.ss; set_byte t.ss 11 0
attempt 1 'bad recipient count 0' 0
# A header from another stream to the same key.
{ slice s2.ss 0 "$HLEN"; slice s.ss "$HLEN" "$END"; } > t.ss
attempt 1 "chunk 1: $AUTH" 0

# Two recipients: the other recipient's stanza is covered by the MAC.
ss_encrypt -r "$me" -r "$other" --chunk-size 1024 -o r2.ss s.csv ||
    fail "encrypt to two"
cp s.csv r2.csv
prepare r2
use r2
[ "$HLEN" = 220 ] || fail "test bug: two-recipient header is $HLEN bytes"
for o in $(some 108 140 190 207); do	# stanza 2 (other's)
	cp r2.ss t.ss; flip_bit t.ss $o
	attempt 1 "$HDR" 0
done
cp r2.ss t.ss; flip_bit t.ss 50	# stanza 1 (mine): other sees a bad MAC
expect_status 1 ss_decrypt -i other.key t.ss > out
expect_stderr_is "ss-decrypt: t.ss: $HDR"
[ ! -s out ] || fail "a tampered header let data through"
attempt 1 "$NOKEY" 0
use s

# --- Chunks: contents, tags, lengths, order. ---
# The schema chunk, a middle chunk, the final chunk; ciphertext and tag.
for c in 1 $k $N; do
	for o in $(some $(( ${OFF[c]} + 4 )) $(( ${OFF[c]} + 30 )) \
	    $(( ${OFF[c + 1]} - 17 )) $(( ${OFF[c + 1]} - 16 )) \
	    $(( ${OFF[c + 1]} - 1 ))); do
		cp s.ss t.ss; flip_bit t.ss $o
		attempt 1 "chunk $c: $AUTH" $(( c - 1 ))
	done
done
# A length that does not match the chunk.
cp s.ss t.ss; o=$(( ${OFF[k]} + 3 ))
set_byte t.ss $o $(( ($(byte_at t.ss $o) + 1) % 256 ))
attempt 1 "chunk $k: $AUTH" $(( k - 1 ))
# A length running past the end of the stream; one over the limit.
cp s.ss t.ss; set_byte t.ss $(( ${OFF[k]} + 1 )) 255
attempt 1 "stream truncated inside chunk $k" $(( k - 1 ))
framing 1 "stream truncated inside chunk $k"
cp s.ss t.ss; set_byte t.ss "${OFF[k]}" 127
len=$(chunk_len t.ss "${OFF[k]}")
attempt 1 "chunk $k: chunk length $len exceeds the maximum 17825792" $(( k - 1 ))
framing 1 "chunk $k: chunk length $len exceeds the maximum 17825792"

# A chunk deleted: the first, a middle one.
for c in 1 $k; do
	{ slice s.ss 0 "${OFF[c]}"; slice s.ss "${OFF[c + 1]}" "$END"; } > t.ss
	attempt 1 "chunk $c: $AUTH" $(( c - 1 ))
done
# Two chunks swapped: the first two, two in the middle, the last two.
for c in 1 $k $(( N - 1 )); do
	{ slice s.ss 0 "${OFF[c]}"
	  slice s.ss "${OFF[c + 1]}" "${OFF[c + 2]}"
	  slice s.ss "${OFF[c]}" "${OFF[c + 1]}"
	  slice s.ss "${OFF[c + 2]}" "$END"; } > t.ss
	attempt 1 "chunk $c: $AUTH" $(( c - 1 ))
done
# A chunk duplicated: the copy fails.
for c in 1 $k; do
	{ slice s.ss 0 "${OFF[c + 1]}"; slice s.ss "${OFF[c]}" "$END"; } > t.ss
	attempt 1 "chunk $(( c + 1 )): $AUTH" "$c"
done
# The final chunk duplicated: it authenticates, but something follows it,
# so none of it is written.
{ cat s.ss; slice s.ss "${OFF[N]}" "$END"; } > t.ss
attempt 1 "trailing data after the final chunk (chunk $N)" $(( N - 1 ))
framing 1 "trailing data after the final chunk (chunk $N)"
# A chunk from another stream to the same key, at the same place.
cmp -s s.offs s2.offs || fail "test bug: s.ss and s2.ss differ in layout"
for c in 1 $k $N; do
	{ slice s.ss 0 "${OFF[c]}"
	  slice s2.ss "${OFF[c]}" "${OFF[c + 1]}"
	  slice s.ss "${OFF[c + 1]}" "$END"; } > t.ss
	cmp -s s.ss t.ss && fail "test bug: splice changed nothing"
	attempt 1 "chunk $c: $AUTH" $(( c - 1 ))
done

# --- The final flag. ---
# Cleared on the final chunk: it no longer authenticates.
cp s.ss t.ss; o=${OFF[N]}
set_byte t.ss "$o" $(( $(byte_at t.ss "$o") & 127 ))
attempt 1 "chunk $N: $AUTH" $(( N - 1 ))
# Set on a middle chunk, with or without the rest of the stream.
cp s.ss t.ss; o=${OFF[k]}
set_byte t.ss "$o" $(( $(byte_at t.ss "$o") | 128 ))
attempt 1 "chunk $k: $AUTH" $(( k - 1 ))
head -c "${OFF[k + 1]}" t.ss > t2.ss; mv t2.ss t.ss
attempt 1 "chunk $k: $AUTH" $(( k - 1 ))

# --- Truncation. ---
# At a chunk boundary, the final chunk removed, right after the header.
for c in 1 $k $(( N - 1 )); do
	head -c "${OFF[c + 1]}" s.ss > t.ss
	attempt 1 "stream truncated after chunk $c" "$c"
	framing 1 "stream truncated after chunk $c"
done
head -c "$HLEN" s.ss > t.ss
attempt 1 'stream truncated: no chunk after the header' 0
framing 1 'stream truncated: no chunk after the header'
# Inside a chunk: in its prefix, just after it, in the ciphertext, in the
# tag, one byte short.
for c in 1 $k $N; do
	o=${OFF[c]}
	e=${OFF[c + 1]}
	for cut in $(some $(( o + 1 )) $(( o + 3 )) $(( o + 4 )) \
	    $(( o + 100 )) $(( e - 16 )) $(( e - 1 ))); do
		[ "$cut" -lt "$e" ] || continue
		head -c "$cut" s.ss > t.ss
		attempt 1 "stream truncated inside chunk $c" $(( c - 1 ))
	done
	framing 1 "stream truncated inside chunk $c"
done
# Inside the header.
for cut in $(some 8 11 27 28 100 $(( HLEN - 32 )) $(( HLEN - 1 ))); do
	head -c "$cut" s.ss > t.ss
	attempt 1 'stream truncated inside the header' 0
	framing 1 'stream truncated inside the header'
done

# --- Not a stream, the wrong key, trailing data. ---
cp s.ss t.ss
expect_status 1 ss_decrypt -i eve.key t.ss > out
expect_stderr_is "ss-decrypt: t.ss: $NOKEY"
[ ! -s out ] || fail "the wrong key let data through"
expect_status 1 ss_decrypt -i eve.key -o new.csv t.ss
expect_no_output . new.csv
: > t.ss
attempt 1 'empty input: not a securestreams stream' 0
framing 1 'empty input: not a securestreams stream'
head -c 1000 /dev/urandom > t.ss
attempt 1 'not a securestreams stream (bad magic)' 0
cp s.csv t.ss
attempt 1 'not a securestreams stream (bad magic)' 0
{ cat s.ss; printf 'x'; } > t.ss
attempt 1 "trailing data after the final chunk (chunk $N)" $(( N - 1 ))
{ cat s.ss; head -c 1000 /dev/urandom; } > t.ss
attempt 1 "trailing data after the final chunk (chunk $N)" $(( N - 1 ))
framing 1 "trailing data after the final chunk (chunk $N)"
cat s.ss s2.ss > t.ss
attempt 1 "trailing data after the final chunk (chunk $N)" $(( N - 1 ))

# --- Big chunks: output buffers fill and are written before the failure,
# but still never a byte of the failing chunk. ---
if [ "$full" = 1 ]; then rows=20000; else rows=4000; fi
make_csv $rows > b.csv
ss_encrypt -r "$me" -o b.ss b.csv || fail "encrypt b"
prepare b
use b
[ "$N" -ge 4 ] || fail "test bug: only $N chunks in b.ss"
c=$(( N - 1 ))
cp b.ss t.ss; flip_bit t.ss $(( ${OFF[c]} + 1000 ))
attempt 1 "chunk $c: $AUTH" $(( c - 1 ))
head -c $(( ${OFF[c]} + 1000 )) b.ss > t.ss
attempt 1 "stream truncated inside chunk $c" $(( c - 1 ))

pass
