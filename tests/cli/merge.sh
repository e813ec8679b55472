#!/bin/bash
# ss-merge: on generated airline data split three ways, merging gives every
# record once (sorted CSV equality) with each input's records in their
# order; --sorted-by gives what sort(1) gives, numerically (Distance) and
# bytewise (Origin), equal keys in input order; standard input and named
# pipes as inputs, one of them slow; both backends; mismatched columns,
# an input out of order, one stream given twice: exit 1 naming the file;
# a tampered, truncated or reordered input (any one of them): exit 1, one
# line naming it, no -o file; usage errors (exit 2); the attested flow (the
# number of inputs is part of the program); --help.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

unset SS_TEE SS_ENCLAVE
export SS_PLATFORM=$TMP/plat
export LC_ALL=C

ss_merge() { $SS_WRAP "$SS_BIN/ss-merge" "$@"; }
ss_map() { $SS_WRAP "$SS_BIN/ss-map" "$@"; }
ss_attest() { $SS_WRAP "$SS_BIN/ss-attest" "$@"; }

newkey stage; ST=$PUB
newkey consumer; C=$PUB

if slow; then rows=1500; else rows=20000; fi
"$TOP/scripts/gen-airline" "$rows" > air.csv
HDR=$(head -n 1 air.csv)
[ "$(echo "$HDR" | cut -d, -f9,17,19)" = UniqueCarrier,Origin,Distance ] ||
    fail "test bug: air.csv columns: $HDR"
grep -q '"' air.csv && fail "test bug: air.csv has quoted values"
tail -n +2 air.csv | sort > air.sorted

# Three parts, by carrier (so that a record's carrier tells its part);
# each in input order, and each sorted by Origin and by Distance.
for i in 0 1 2; do
	awk -F, -v i=$i 'NR > 1 && (index("AABBCCDDEEFFGGHHIIJJKKLLMMNNOOPPQQRRSSTTUUVVWWXXYYZZ99", substr($9, 1, 1)) + length($9)) % 3 == i' \
	    air.csv > body$i
	[ -s body$i ] || fail "test bug: part $i is empty"
	{ echo "$HDR"; cat body$i; } > in$i.csv
	{ echo "$HDR"; sort -s -t, -k17,17 body$i; } > origin$i.csv
	{ echo "$HDR"; sort -s -t, -k19,19n body$i; } > dist$i.csv
	for f in in origin dist; do
		ss_encrypt -r "$ST" -o $f$i.ss $f$i.csv || fail "encrypt $f$i"
	done
done
awk -F, 'NR > 1 && $19 !~ /^[0-9]+$/ { exit 1 }' air.csv ||
    fail "test bug: Distance is not always a number"

# merged OUT: decrypt OUT.ss into OUT.csv; check its header.
merged() {
	expect_status 0 ss_decrypt -i consumer.key -o "$1.csv" "$1.ss"
	[ "$(head -n 1 "$1.csv")" = "$HDR" ] || fail "$1: header $(head -n 1 "$1.csv")"
}

# --- Interleaved: every record once, each input in its order. ---
for tee in $(some process none); do
	rm -f out.ss
	expect_status 0 ss_merge --tee $tee -i stage.key -r "$C" -o out.ss in0.ss in1.ss in2.ss
	[ ! -s "$TMP/stderr" ] || fail "ss-merge said: $(cat "$TMP/stderr")"
	merged out
	tail -n +2 out.csv | sort > got.sorted
	expect_same air.sorted got.sorted "merge --tee $tee"
	for i in 0 1 2; do
		cut -d, -f9 body$i | sort -u > keys$i
		awk -F, 'NR == FNR { k[$1] = 1; next } FNR > 1 && ($9 in k)' keys$i out.csv > order$i
		expect_same body$i order$i "merge --tee $tee: the order of input $i"
	done
done
# Standard input as one of them, and a single input.
expect_status 0 ss_merge -i stage.key -r "$C" -o out.ss in0.ss - in2.ss < in1.ss
merged out
tail -n +2 out.csv | sort > got.sorted
expect_same air.sorted got.sorted "merge with standard input"
expect_status 0 ss_merge -i stage.key -r "$C" -o out.ss in1.ss
merged out
expect_same in1.csv out.csv "merge of one input"
# Named pipes, one slow: records come as the inputs have them.
if ! slow; then
	mkfifo f0 f1
	{ head -c 50000 in0.ss; sleep 1; tail -c +50001 in0.ss; } > f0 &
	cat in1.ss > f1 &
	expect_status 0 ss_merge -i stage.key -r "$C" -o out.ss f0 f1 in2.ss
	wait
	merged out
	tail -n +2 out.csv | sort > got.sorted
	expect_same air.sorted got.sorted "merge from named pipes"
fi

# --- --sorted-by: a k-way merge. ---
for tee in $(some process none); do
	rm -f out.ss
	expect_status 0 ss_merge --tee $tee --sorted-by Origin -i stage.key -r "$C" \
	    -o out.ss origin0.ss origin1.ss origin2.ss
	merged out
	# What a stable sort of the inputs, one after the other, gives.
	{ echo "$HDR"; cat body0 body1 body2 | sort -s -t, -k17,17; } > want.csv
	expect_same want.csv out.csv "--sorted-by Origin --tee $tee"
done
expect_status 0 ss_merge --sorted-by Distance -i stage.key -r "$C" -o out.ss \
    dist0.ss dist1.ss dist2.ss
merged out
{ echo "$HDR"; cat body0 body1 body2 | sort -s -t, -k19,19n; } > want.csv
expect_same want.csv out.csv "--sorted-by Distance (numbers)"
# Bytewise, 1000 < 999; as numbers, not.
tail -n +2 out.csv | cut -d, -f19 | sort -c -n || fail "--sorted-by Distance: not in numeric order"
# Small chunks: many refills, each input's chunk held in turn.
expect_status 0 ss_merge --sorted-by Origin --chunk-size 1024 -i stage.key -r "$C" \
    -o out.ss origin2.ss origin0.ss origin1.ss
merged out
tail -n +2 out.csv | cut -d, -f17 | sort -c || fail "--sorted-by Origin: not sorted"
tail -n +2 out.csv | sort > got.sorted
expect_same air.sorted got.sorted "--sorted-by, small chunks"
for i in 0 1 2; do
	ss_decrypt -i stage.key origin$i.ss | ss_encrypt -r "$ST" --chunk-size 1024 -o small$i.ss ||
	    fail "re-encrypt origin$i in small chunks"
done
expect_status 0 ss_merge --sorted-by Origin -i stage.key -r "$C" -o out.ss \
    small0.ss origin1.ss small2.ss
merged out
{ echo "$HDR"; cat body0 body1 body2 | sort -s -t, -k17,17; } > want.csv
expect_same want.csv out.csv "--sorted-by Origin, inputs in small chunks"
# An empty input.
{ echo "$HDR"; } > empty.csv
ss_encrypt -r "$ST" -o empty.ss empty.csv
expect_status 0 ss_merge --sorted-by Origin -i stage.key -r "$C" -o out.ss \
    empty.ss origin1.ss
merged out
expect_same origin1.csv out.csv "--sorted-by with an empty input"

# --- Data errors: exit 1, naming the file; no -o file. ---
refused() {
	r_want=$1
	shift
	rm -f out.ss
	expect_status 1 ss_merge -i stage.key -r "$C" -o out.ss "$@"
	expect_stderr_is "$r_want"
	expect_no_output . out.ss
}
ss_map -f Origin,Dest,UniqueCarrier -i stage.key -r "$ST" < in1.ss > cols.ss || fail "ss-map"
refused "ss-merge: cols.ss: its columns differ from those of in0.ss" in0.ss cols.ss in2.ss
refused "ss-merge: cols.ss: its columns differ from those of in0.ss" --sorted-by Origin in0.ss cols.ss
refused "ss-merge: in1.ss: the same stream as in1.ss" in1.ss in0.ss in1.ss
# The first record smaller than the one before it, counted from 1.
k=$(awk -F, 'NR > 1 && $17 < p { print NR; exit } { p = $17 }' body0)
refused "ss-merge: in0.ss: not sorted by Origin: record $k is smaller than the one before it" \
    --sorted-by Origin in0.ss origin1.ss
k=$(awk -F, 'NR > 1 && $19 + 0 < p + 0 { print NR; exit } { p = $19 }' body1)
refused "ss-merge: in1.ss: not sorted by Distance: record $k is smaller than the one before it" \
    --sorted-by Distance dist0.ss in1.ss
refused "ss-merge: origin1.ss: no field 'Nope' in the input stream" --sorted-by Nope origin1.ss
ss_encrypt -r "$C" -o forc.ss in2.csv || fail "encrypt in2 to the consumer"
refused "ss-merge: forc.ss: no identity matches a recipient of this stream (wrong key?)" \
    in0.ss in1.ss forc.ss
# Tampered, truncated, reordered: any one of the inputs.
for victim in 0 1 2; do
	for i in 0 1 2; do cp small$i.ss v$i.ss; done
	set -- $(chunk_offsets v$victim.ss)
	# flip a bit in the third chunk
	cp small$victim.ss v$victim.ss
	flip_bit v$victim.ss $(( $3 + 10 ))
	for sorted in "" "--sorted-by Origin"; do
		refused "ss-merge: v$victim.ss: chunk 3: authentication failed (tampered, reordered, or from another stream)" \
		    $sorted v0.ss v1.ss v2.ss
	done
	# cut off the last chunk
	offs=($(chunk_offsets small$victim.ss))
	last=${offs[${#offs[@]} - 2]}
	head -c "$last" small$victim.ss > v$victim.ss
	for sorted in "" "--sorted-by Origin"; do
		rm -f out.ss
		expect_status 1 ss_merge -i stage.key -r "$C" -o out.ss $sorted v0.ss v1.ss v2.ss
		expect_stderr "^ss-merge: v$victim.ss: "
		expect_no_output . out.ss
	done
	# swap the second and third chunks
	{ slice small$victim.ss 0 $2; slice small$victim.ss $3 $4; slice small$victim.ss $2 $3
	  tail -c +$(( $4 + 1 )) small$victim.ss; } > v$victim.ss
	[ "$(filesize v$victim.ss)" = "$(filesize small$victim.ss)" ] || fail "test bug: swap"
	refused "ss-merge: v$victim.ss: chunk 2: authentication failed (tampered, reordered, or from another stream)" \
	    --sorted-by Origin v0.ss v1.ss v2.ss
	slow && break
done

# --- Usage errors: exit 2. ---
usage() {
	u_want=$1
	shift
	expect_status 2 ss_merge "$@" < /dev/null
	expect_usage_error "$u_want"
}
usage '^ss-merge: no input: give the streams to read' -i stage.key -r "$C"
usage '^ss-merge: standard input \(-\) can be read only once$' -i stage.key -r "$C" - in0.ss -
usage '^ss-merge: --sorted-by: empty field name$' --sorted-by '' -i stage.key -r "$C" in0.ss
usage '^ss-merge: option --sorted-by given more than once$' --sorted-by a --sorted-by b -i stage.key -r "$C" in0.ss
usage '^ss-merge: no recipient: give -r PUBKEY or -R FILE$' -i stage.key in0.ss
usage '^ss-merge: no stage key' -r "$C" in0.ss
expect_status 2 ss_merge -i stage.key -r "$C" -o out.ss in0.ss nosuch.ss
expect_stderr '^ss-merge: nosuch.ss: No such file or directory$'

# --- Attested: the number of inputs is part of the program. ---
ss_attest platform-init > plat.pub 2>/dev/null || fail "platform-init"
M=$(ss_attest measure -- ss-merge --sorted-by Origin -r "$C" a.ss b.ss) || fail "measure ss-merge"
[[ $M =~ ^[0-9a-f]{64}$ ]] || fail "measure printed '$M'"
[ "$(ss_attest measure -- ss-merge --sorted-by Origin -r "$C" x y)" = "$M" ] ||
    fail "the names of the inputs change the measurement"
[ "$(ss_attest measure -- ss-merge --sorted-by Origin -r "$C" x y z)" != "$M" ] ||
    fail "the number of inputs does not change the measurement"
[ "$(ss_attest measure -- ss-merge -r "$C" x y)" != "$M" ] ||
    fail "--sorted-by does not change the measurement"
expect_status 0 ss_attest new -o m.sealed -- ss-merge --sorted-by Origin -r "$C" a b > quote
S=$(ss_attest verify --platform plat.pub --allow-software --measurement "$M" quote) ||
    fail "verify the ss-merge quote"
for i in 0 1; do
	ss_encrypt -r "$S" -o owner$i.ss origin$i.csv || fail "encrypt to the sealed stage"
done
expect_status 0 ss_merge --sealed m.sealed --sorted-by Origin -r "$C" -o out.ss owner0.ss owner1.ss
merged out
{ echo "$HDR"; cat body0 body1 | sort -s -t, -k17,17; } > want.csv
expect_same want.csv out.csv "the sealed ss-merge"
PROG="m.sealed: sealed for another program (the stage's arguments or output recipients differ)"
expect_status 1 ss_merge --sealed m.sealed --sorted-by Origin -r "$C" -o out.ss owner0.ss
expect_stderr_is "ss-merge: $PROG"
expect_status 1 ss_merge --sealed m.sealed --sorted-by Origin -r "$C" -o out.ss owner0.ss owner1.ss owner1.ss
expect_stderr_is "ss-merge: $PROG"

# --- --help ---
expect_status 0 "$SS_BIN/ss-merge" --help > /dev/null
"$SS_BIN/ss-merge" --help | grep -q -- '--sorted-by' || fail "--help"

pass
