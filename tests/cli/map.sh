#!/bin/bash
# ss-map: projection (select, reorder, rename, repeat), CSV values that need
# quoting, empty and large streams; computed fields (appended, replacing a
# column in place, seeing the earlier ones, picked by -f, numbers and
# conditions as text, no value as an empty cell), and on airline data equal
# to an awk computation; both enclave backends give the same bytes; usage
# errors, with the caret under a bad expression; data errors (exit 1, one
# line, no -o file); the enclave killed mid-stream; memory on a large
# stream; a live stream passing through before its input ends.
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
# Computed fields on the header alone: the header grows.
printf 'id,name,x\n' > want.csv
maps hdr.ss want.csv 'x = id + 1'

# --- Computed fields: 'NAME = EXPR', evaluated in order. ---
printf '%s\n' a,b,c 7,2,x 6,2, NA,3,y -1.5,0,z > num.csv
ss_encrypt -r "$ST" -o num.ss num.csv || fail "encrypt num.csv"
# computes LINE... -- ARGS...: ss-map ARGS on num.ss gives exactly the
# lines LINE...
computes() {
	: > want.csv
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		printf '%s\n' "$1" >> want.csv
		shift
	done
	[ $# -gt 0 ] || fail "test bug: computes without --"
	shift
	maps num.ss want.csv "$@"
}
# A new field is appended.  Numbers in their shortest exact form: 7/2 is
# 3.5, 6/2 is 3; no value (arithmetic on NA, a division by zero) is an
# empty cell.
computes a,b,c,q 7,2,x,3.5 6,2,,3 NA,3,y, -1.5,0,z, -- 'q = a / b'
computes a,b,c,q,r 7,2,x,3.5,1 6,2,,3,0 NA,3,y,, -1.5,0,z,, -- 'q = a / b' 'r = a % b'
computes a,b,c,n 7,2,x,-6.5 6,2,,-5.5 NA,3,y, -1.5,0,z,2 -- 'n = 0.5 - a'
computes a,b,c,v,u,w 7,2,x,0.30000000000000004,1e+21,0.3333333333333333 \
    6,2,,0.30000000000000004,1e+21,0.3333333333333333 \
    NA,3,y,0.30000000000000004,1e+21,0.3333333333333333 \
    -1.5,0,z,0.30000000000000004,1e+21,0.3333333333333333 -- \
    'v = 0.1 + 0.2' 'u = 1e21' 'w = 1 / 3'
# Assigning to a column replaces it, in its place.
computes a,b,c 70,2,x 60,2, ,3,y -15,0,z -- 'a = a * 10'
computes a,b,c 7,2,X 6,2, NA,3,Y -1.5,0,Z -- 'c = upper(c)'
computes a,b,c X,2,x ,2, Y,3,y Z,0,z -- 'a = upper(c)'
# A later expression sees the earlier ones, replaced columns included; an
# earlier one does not see what comes after it.
computes a,b,c,d,e 7,2,x,8,16 6,2,,7,14 NA,3,y,, -1.5,0,z,-0.5,-1 -- 'd = a + 1' 'e = d * 2'
computes a,b,c,n 7,3,x,3 6,3,,3 NA,4,y,4 -1.5,1,z,1 -- 'b = b + 1' 'n = b'
computes a,b,c,n 7,3,x,2 6,3,,2 NA,4,y,3 -1.5,1,z,0 -- 'n = b' 'b = b + 1'
# A new name computed twice: one column, where it first appeared.
computes a,b,c,x,y 7,2,x,3,2 6,2,,3,2 NA,3,y,3,2 -1.5,0,z,3,2 -- 'x = 1' 'y = 2' 'x = y + 1'
# Conditions read true or false; NA makes a comparison false.
computes a,b,c,k,n,e 7,2,x,true,true,false 6,2,,true,true,true \
    NA,3,y,false,false,false -1.5,0,z,false,true,false -- \
    'k = a > 0' 'n = is_num(a)' 'e = is_empty(c)'
# -f picks from the working record: computed fields, renamed, reordered;
# what it does not name is left out.
computes e,q true,3.5 false,3 false, false, -- -f e,q 'q = a / b' 'e = q > 3'
computes x,q 7,1 6,1 NA,1 -1.5,1 -- -f x=a,q 'q = 1'
computes c,a x,hi ,hi y,hi z,hi -- -f c,a 'a = "hi"'
computes 'up c,a' X,7 ,6 Y,NA Z,-1.5 -- -f 'up c=u,a' 'u = upper(c)' 'v = lower(c)'
# A name with a space, as ${...}.
computes 'a,b,c,a b' 7,2,x,14 6,2,,12 NA,3,y, -1.5,0,z,-3 -- '${a b} = a * 2'
computes 'a b' 14 12 '""' -3 -- -f 'a b' '${a b} = a * 2'
# Text is copied as it is: a number in a field keeps its form unless
# arithmetic touches it.
printf '%s\n' a 007 +1.50 1e3 > form.csv
ss_encrypt -r "$ST" -o form.ss form.csv || fail "encrypt form.csv"
printf '%s\n' a,x,y 007,007,7 +1.50,+1.50,1.5 1e3,1e3,1000 > want.csv
maps form.ss want.csv 'x = a' 'y = a + 0'
# Values that need quoting, computed or copied.
printf '%s\n' 'name,s,t' 'alice,ALICE,"hello, world"' 'bob,BOB,"two' 'lines"' \
    '"carol ""cc""","CAROL ""CC""",' '"d,a,v,e","D,A,V,E","a ""quoted"", multi' \
    'line' 'value"' > want.csv
maps in.ss want.csv -f name,s,t 's = upper(name)' 't = note'
# Input with one name twice: -f and an expression read the same column,
# the last (ss-map(1)).
printf 'a,a,b\n1,2,3\n' > dup.csv
ss_encrypt -r "$ST" -o dup.ss dup.csv || fail "encrypt dup.csv"
printf 'a,x\n2,2\n' > want.csv
maps dup.ss want.csv -f a,x 'x = a'

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
# Computed fields on airline data, against awk: arithmetic that leaves NA
# cells empty, a column replaced in place, a condition, a rounded ratio,
# text; -f picks some of them.
{ echo carrier,ArrDelay,total,late,half,mph,o; tail -n +2 air.csv |
    awk -F, -v OFS=, '
	function num(x) { return x ~ /^-?[0-9]+$/ }
	function rnd(x) { return x < 0 ? -int(-x + 0.5) : int(x + 0.5) }
	{
		a = $15; d = $16
		print $9, (num(a) ? a * 60 : ""), (num(a) && num(d) ? a + d : ""),
		    (num(a) && a + 0 > 15 ? "true" : "false"), (num(a) ? a / 2 : ""),
		    (num($19) && num($14) && $14 != 0 ? rnd($19 / $14 * 60) : ""),
		    tolower($17)
	}'; } > want.csv
grep -q ',,' want.csv || fail "test bug: no empty computed cell on airline data"
maps air.ss want.csv -f carrier=UniqueCarrier,ArrDelay,total,late,half,mph,o \
    'total = ArrDelay + DepDelay' 'late = ArrDelay > 15' 'half = ArrDelay / 2' \
    'ArrDelay = ArrDelay * 60' 'mph = round(Distance / AirTime * 60)' \
    'o = lower(Origin)'
# Without -f: every input column, ArrDelay replaced where it was, then the
# new ones in order.
{ head -n 1 air.csv | sed 's/$/,late,h/'; tail -n +2 air.csv |
    awk -F, -v OFS=, '
	function num(x) { return x ~ /^-?[0-9]+$/ }
	{
		late = (num($15) && $15 + 0 > 15) ? "true" : "false"
		h = ""
		if (num($15)) {
			$15 -= 15
			# The remainder has the sign of the divisor (ss-expr(7)).
			m = $15 % 60
			if (m < 0)
				m += 60
			h = ($15 - m) / 60
		} else
			$15 = ""
		print $0, late, h
	}'; } > want.csv
maps air.ss want.csv 'late = ArrDelay > 15' 'ArrDelay = ArrDelay - 15' \
    'h = (ArrDelay - ArrDelay % 60) / 60'
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
# A bad expression: exit 2, the message, the operand, and a caret under the
# column; with several operands, the message says which.
# caret MESSAGE SHOWN CARET ARGS...: ss-map ARGS is refused so.
caret() {
	c_msg=$1 c_src=$2 c_caret=$3
	shift 3
	expect_status 2 ss_map -i stage.key -r "$C" -o out.csv "$@" < in.ss
	printf 'ss-map: %s\n  %s\n  %s\n' "$c_msg" "$c_src" "$c_caret" > want.err
	expect_same want.err "$TMP/stderr" "ss-map $* (a bad expression)"
	expect_no_output . out.csv
}
caret 'expression, column 8: expected a value, found the end' 'x = 1 +' '       ^' 'x = 1 +'
caret 'expression, column 8: expected a value, found the end' 'x = 1 +' '       ^' -f id 'x = 1 +'
caret "expression 2, column 7: expected ')', found the end" 'y = (2' '      ^' 'x = 1' 'y = (2'
caret "expression 3, column 5: unknown function 'foo'" 'z = foo(id)' '    ^' \
    'x = 1' 'y = 2' 'z = foo(id)' -f id
caret "expression, column 3: expected '=' after the field name, found '=='" 'x == 1' '  ^' 'x == 1'
caret "expression, column 1: expected 'NAME = EXPRESSION', found '='" '= 1' '^' '= 1'
caret 'expression, column 5: expected a value, found the end' 'x = ' '    ^' 'x = '
caret 'expression, column 1: unterminated ${...} field name' '${x = 1' '^' '${x = 1'
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
# An expression that reads a field nobody has: the input's, or one computed
# before it (not after, nor itself).
refused "map: expression 1: no field 'nosuch' in the input stream" -i stage.key 'x = nosuch + 1'
refused "map: expression 2: no field 'x2' in the input stream" -i stage.key 'x = 1' 'y = x2' 'x2 = 1'
refused "map: expression 1: no field 'x' in the input stream" -i stage.key 'x = x'
refused "map: no field 'y' in the input stream" -i stage.key -f row,x,y 'x = 1'
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
