#!/bin/bash
# ss-match: on generated airline data, each filter keeps exactly the rows an
# awk computation on the same plaintext keeps (numeric comparisons that leave
# out NA cells, text comparisons, in lists, regular expressions, is_empty on
# the empty CancellationCode column); CSV values that need quoting pass
# through intact; both enclave backends give the same plaintext; no record
# kept gives the header alone; usage errors, with the caret under the column
# of a bad expression (exit 2); data errors (exit 1, one line, no -o file);
# tampering; the attested flow (measure, new, verify, --sealed), and a
# sealed stage that refuses any other expression; --help.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

unset SS_TEE SS_ENCLAVE
export SS_PLATFORM=$TMP/plat	# never touch a real platform
export LC_ALL=C			# awk compares text bytewise, as ss-match does

ss_match() { $SS_WRAP "$SS_BIN/ss-match" "$@"; }
ss_map() { $SS_WRAP "$SS_BIN/ss-map" "$@"; }
ss_attest() { $SS_WRAP "$SS_BIN/ss-attest" "$@"; }

newkey stage; ST=$PUB
newkey consumer; C=$PUB
newkey eve; E=$PUB

# --- The data: airline rows, and the columns the filters read. ---
if slow; then rows=1500; else rows=20000; fi
"$TOP/scripts/gen-airline" "$rows" > air.csv
grep -q '"' air.csv && fail "test bug: air.csv has quoted values; awk -F, cannot read it"
[ "$(head -n 1 air.csv | cut -d, -f9,11,15,16,17,18,19,22,23,25)" = \
  UniqueCarrier,TailNum,ArrDelay,DepDelay,Origin,Dest,Distance,Cancelled,CancellationCode,CarrierDelay ] ||
    fail "test bug: air.csv columns: $(head -n 1 air.csv)"
# The data has what the filters are about: NA delays, empty and non-empty
# cancellation codes.
grep -q '^\([^,]*,\)\{14\}NA,' air.csv || fail "test bug: no NA ArrDelay in air.csv"
awk -F, 'NR > 1 && $23 == "" { e = 1 } NR > 1 && $23 != "" { n = 1 }
    END { exit !(e && n) }' air.csv || fail "test bug: CancellationCode is never (or always) empty"
ss_encrypt -r "$ST" -o air.ss air.csv || fail "encrypt air.csv"

# num(x): x is all one number, as ss-expr(7) reads it.  cmp(x, y): how
# ss-expr(7) compares two cells: -1, 0, 1, or 2 for no answer (one is a
# number and the other is not); as numbers if either is one, else bytewise.
AWKLIB='function num(x) { return x ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
function cmp(x, y) {
	if (num(x) && num(y))
		return (x + 0 < y + 0) ? -1 : (x + 0 > y + 0)
	if (num(x) || num(y))
		return 2
	return (x "" < y "") ? -1 : (x "" > y "")
}'

# matches EXPR AWKCOND [ARGS...]: ss-match -i stage.key -r C ARGS EXPR on
# air.ss succeeds silently and keeps exactly the rows of air.csv for which
# the awk condition AWKCOND holds (fields split at commas), which must be
# some of them but not all.  Under valgrind, one filter in four is run.
m_turn=0
matches() {
	m_expr=$1 m_cond=$2
	shift 2
	m_turn=$(( m_turn + 1 ))
	! slow || [ $(( m_turn % 4 )) = 1 ] || return 0
	{ head -n 1 air.csv; tail -n +2 air.csv | awk -F, "$AWKLIB $m_cond"; } > want.csv
	m_kept=$(( $(wc -l < want.csv) - 1 ))
	[ "$m_kept" -gt 0 ] && [ "$m_kept" -lt "$rows" ] ||
	    fail "test bug: awk '$m_cond' keeps $m_kept of $rows rows"
	rm -f out.ss
	expect_status 0 ss_match -i stage.key -r "$C" "$@" -o out.ss -- "$m_expr" < air.ss
	[ ! -s "$TMP/stderr" ] || fail "ss-match '$m_expr' said: $(cat "$TMP/stderr")"
	expect_status 0 ss_decrypt -i consumer.key -o got.csv out.ss
	expect_same want.csv got.csv "ss-match '$m_expr' (awk: $m_cond)"
}

# --- Filters, against awk. ---
# Numbers: a cell that is not a number (NA) fails every numeric comparison
# but !=, the negation of ==; a negation of a comparison keeps it.
matches 'ArrDelay > 0' 'num($15) && $15 + 0 > 0'
matches 'ArrDelay <= 0' 'num($15) && $15 + 0 <= 0'
matches 'ArrDelay != 0' '!(num($15) && $15 + 0 == 0)'
matches 'ArrDelay == 0' 'num($15) && $15 + 0 == 0'
matches '!(ArrDelay > 0)' '!(num($15) && $15 + 0 > 0)'
matches '!is_num(ArrDelay)' '!num($15)'
matches 'ArrDelay == "NA"' '$15 == "NA"'
matches 'ArrDelay >= 1e1 && ArrDelay < 60.5' 'num($15) && $15 + 0 >= 10 && $15 + 0 < 60.5'
# Two fields compare as numbers if either is a number, and then a cell
# NA makes the comparison false (but != true); two NA cells are text, and
# equal.  A quoted "0" is a number too.  Arithmetic leaves the NA rows out.
matches 'ArrDelay > DepDelay' 'cmp($15, $16) == 1'
matches 'ArrDelay > DepDelay' 'num($15) && num($16) && $15 + 0 > $16 + 0'
matches 'ArrDelay <= DepDelay' 'cmp($15, $16) == -1 || cmp($15, $16) == 0'
matches 'ArrDelay == DepDelay' 'cmp($15, $16) == 0'
matches 'ArrDelay != DepDelay' 'cmp($15, $16) != 0'
matches 'ArrDelay - DepDelay > 0' 'num($15) && num($16) && $15 - $16 > 0'
matches 'ArrDelay > "0"' 'num($15) && $15 + 0 > 0'
matches 'ArrDelay <= "0"' 'num($15) && $15 + 0 <= 0'
matches 'ArrDelay != "0"' '!(num($15) && $15 + 0 == 0)'
matches 'ArrDelay != "NA"' 'num($15) || $15 != "NA"'
matches 'ArrDelay in ("0", "NA")' 'num($15) ? $15 + 0 == 0 : $15 == "NA"'
matches 'ArrDelay + DepDelay > 60' 'num($15) && num($16) && $15 + $16 > 60'
matches 'Distance / 60 > 10' 'num($19) && $19 / 60 > 10'
matches 'abs(ArrDelay) > 30' 'num($15) && ($15 < -30 || $15 > 30)'
matches 'CarrierDelay >= 0' 'num($25) && $25 + 0 >= 0'
# An expression that starts with "-", after --.
matches '-ArrDelay > 10' 'num($15) && -$15 > 10'
# Text: bytewise, and not numbers.
matches 'UniqueCarrier == "AA" || Dest == "ORD"' '$9 == "AA" || $18 == "ORD"'
matches 'Origin < "C"' '$17 < "C"'
matches 'Origin >= Dest' '$17 >= $18'
matches "Origin != 'ATL'" '$17 != "ATL"'
matches 'lower(UniqueCarrier) == "wn"' '$9 == "WN"'
matches 'len(TailNum) == 6' 'length($11) == 6'
matches 'prefix(TailNum, "N4") || suffix(TailNum, "AA")' '$11 ~ /^N4/ || $11 ~ /AA$/'
matches 'contains(TailNum, "9")' 'index($11, "9") > 0'
# in lists, of text and of numbers.
matches 'ArrDelay > 0 && Origin in ("SFO", "OAK")' \
    'num($15) && $15 + 0 > 0 && ($17 == "SFO" || $17 == "OAK")'
matches 'ArrDelay in (0, 1, 2)' 'num($15) && ($15 == 0 || $15 == 1 || $15 == 2)'
matches '!(UniqueCarrier in ("AA", "UA", "DL"))' '!($9 == "AA" || $9 == "UA" || $9 == "DL")'
# Regular expressions: PCRE2, unanchored; "..."i is caseless.
matches 'Origin =~ "^S[AF]"' '$17 ~ /^S[AF]/'
matches 'TailNum =~ "^n4"i' 'tolower($11) ~ /^n4/'
matches 'UniqueCarrier !=~ "^(AA|UA)$"' '$9 !~ /^(AA|UA)$/'
# A backslash that is not a string escape stays: "\d" is the pattern \d.
matches 'TailNum =~ "^N\d{3}A" || Dest =~ "\\d"' '$11 ~ /^N[0-9][0-9][0-9]A/'
# The empty CancellationCode column.
matches 'is_empty(CancellationCode)' '$23 == ""'
matches 'CancellationCode == ""' '$23 == ""'
matches '!is_empty(CancellationCode) && Cancelled == 1' '$23 != "" && $22 == 1'
matches 'CancellationCode in ("A", "B")' '$23 == "A" || $23 == "B"'

# --- Both backends: the same plaintext. ---
COND='ArrDelay > 15 && Origin =~ "^[A-M]"'
{ head -n 1 air.csv; tail -n +2 air.csv |
    awk -F, "$AWKLIB"' num($15) && $15 + 0 > 15 && $17 ~ /^[A-M]/'; } > want.csv
for tee in $(some process none); do
	rm -f out.ss
	expect_status 0 ss_match -i stage.key -r "$C" --tee $tee "$COND" -o out.ss < air.ss
	expect_status 0 ss_decrypt -i consumer.key -o $tee.csv out.ss
	expect_same want.csv $tee.csv "ss-match --tee $tee"
done
if ! slow; then
	SS_TEE=none expect_status 0 ss_match -i stage.key -r "$C" "$COND" < air.ss > out.ss
	expect_status 0 ss_decrypt -i consumer.key -o env.csv out.ss
	expect_same process.csv env.csv "SS_TEE=none ss-match"
	# Small output chunks.
	expect_status 0 ss_match -i stage.key -r "$C" --chunk-size 1K "$COND" < air.ss > out.ss
	expect_status 0 ss_decrypt -i consumer.key -o small.csv out.ss
	expect_same want.csv small.csv "ss-match --chunk-size 1K"
	ss_info out.ss | grep -qx "chunks: [0-9][0-9]*" || fail "ss-info: $(ss_info out.ss)"
	[ "$(ss_info out.ss | sed -n 's/^chunks: //p')" -gt 10 ] ||
	    fail "--chunk-size 1K made $(ss_info out.ss | grep chunks)"
fi

# --- Nothing kept: the header alone. ---
head -n 1 air.csv > want.csv
# A number and text that is not one: false whatever the operator but !=.
for e in 'Origin > 0' 'Origin == 0' 'UniqueCarrier == "ZZ"' 'ArrDelay > 1e9' \
    'ArrDelay == "NA" && ArrDelay > "-1e9"' 'Origin != Origin'; do
	rm -f out.ss
	expect_status 0 ss_match -i stage.key -r "$C" "$e" -o out.ss < air.ss
	[ ! -s "$TMP/stderr" ] || fail "ss-match '$e' said: $(cat "$TMP/stderr")"
	expect_status 0 ss_decrypt -i consumer.key -o got.csv out.ss
	expect_same want.csv got.csv "ss-match '$e' (nothing kept)"
	ss_info -i consumer.key out.ss | grep -qx 'records: 0' ||
	    fail "ss-match '$e': $(ss_info -i consumer.key out.ss)"
	slow && break
done
# A stream with columns and no rows.
printf 'a,b\n' > hdr.csv
ss_encrypt -r "$ST" -o hdr.ss hdr.csv || fail "encrypt a header"
expect_status 0 ss_match -i stage.key -r "$C" 'a == 1' -o out.ss < hdr.ss
expect_status 0 ss_decrypt -i consumer.key -o got.csv out.ss
expect_same hdr.csv got.csv "ss-match on a header alone"

# --- Values that need quoting; names with spaces; one name twice. ---
cat > in.csv <<'EOF'
id,Arr Delay,note,a,a
1,10,"hello, world",1,2
2,NA,"two
lines",3,4
3,-5,"say ""hi""",5,6
4,,,7,8
EOF
ss_encrypt -r "$ST" -o in.ss in.csv || fail "encrypt in.csv"
# keeps EXPR WANT...: ss-match EXPR on in.ss keeps the lines WANT (after
# the header), exactly.
keeps() {
	k_expr=$1
	shift
	{ head -n 1 in.csv; printf '%s\n' "$@"; } > want.csv
	rm -f out.ss
	expect_status 0 ss_match -i stage.key -r "$C" "$k_expr" -o out.ss < in.ss
	expect_status 0 ss_decrypt -i consumer.key -o got.csv out.ss
	expect_same want.csv got.csv "ss-match '$k_expr' on in.csv"
}
keeps 'contains(note, ",") || contains(note, "\"")' '1,10,"hello, world",1,2' \
    '3,-5,"say ""hi""",5,6'
keeps 'note =~ "\n"' '2,NA,"two' 'lines",3,4'
keeps '${Arr Delay} < 100' '1,10,"hello, world",1,2' '3,-5,"say ""hi""",5,6'
keeps 'is_empty(${Arr Delay}) || ${Arr Delay} == "NA"' '2,NA,"two' 'lines",3,4' '4,,,7,8'
keeps 'is_empty(note)' '4,,,7,8'
# Of two columns named a, the last is read (ss-match(1)); both are kept.
keeps 'a == 4 || a == 6' '2,NA,"two' 'lines",3,4' '3,-5,"say ""hi""",5,6'

# --- Usage errors: exit 2, and no -o file. ---
# usage ARGS... PATTERN: ss-match ARGS -o out.ss < air.ss is a usage error
# with the --help hint.
usage() {
	pat=${*: -1}
	set -- "${@:1:$#-1}"
	expect_status 2 ss_match "$@" -o out.ss < air.ss
	expect_usage_error "$pat"
	expect_no_output . out.ss
}
rm -f out.ss
usage -i stage.key -r "$C" "^ss-match: no expression: give the condition records must meet \('ArrDelay > 0'\), or --subs FILE$"
usage -i stage.key -r "$C" 'ArrDelay > 0' 'Origin == "SFO"' \
    '^ss-match: one expression only \(join conditions with && or \|\|\); the stream is read from standard input$'
# A file name after the expression is not read: the stream is stdin.
usage -i stage.key -r "$C" 'ArrDelay > 0' air.ss '^ss-match: one expression only'
usage -i stage.key -r "$C" -f ArrDelay 'ArrDelay > 0' "^ss-match: unknown option '?-f'?$"
usage -i stage.key 'ArrDelay > 0' '^ss-match: no recipient: give -r PUBKEY or -R FILE$'
usage -r "$C" 'ArrDelay > 0' '^ss-match: no stage key: give --sealed FILE or -i IDENTITY$'
usage -i stage.key --sealed s.sealed -r "$C" 'ArrDelay > 0' '^ss-match: -i and --sealed cannot be used together$'
usage -i stage.key -r "$C" --tee bogus 'ArrDelay > 0' "^ss-match: unknown TEE backend 'bogus' \(use process or none\)$"
usage -i stage.key -r "$C" -o x.ss 'ArrDelay > 0' '^ss-match: option -o given more than once$'
usage -i stage.key -r "$C" -R - 'ArrDelay > 0' '^ss-match: -R -: standard input holds the stream: give the recipients as a file$'
usage -i stage.key -r "$C" '-ArrDelay > 0' "^ss-match: unknown option '?-A'?$"

# caret EXPR MESSAGE SHOWN CARET: ss-match EXPR exits 2 with exactly three
# lines: "ss-match: MESSAGE", the expression (or the part of it around the
# column) indented by two, and the caret under the column.
caret() {
	expect_status 2 ss_match -i stage.key -r "$C" -o out.ss -- "$1" < air.ss
	printf 'ss-match: %s\n  %s\n  %s\n' "$2" "$3" "$4" > want.err
	expect_same want.err "$TMP/stderr" "ss-match '$1' (caret error)"
	expect_no_output . out.ss
}
caret 'ArrDelay > (1' "expression, column 14: expected ')', found the end" \
    'ArrDelay > (1' '             ^'
caret 'ArrDelay >' 'expression, column 11: expected a value, found the end' \
    'ArrDelay >' '          ^'
caret 'ArrDelay + 10' 'expression, column 1: the expression gives a value, not a condition (compare it: ... > 0)' \
    'ArrDelay + 10' '^'
caret 'DepDelay > 15 || ArrDelay + 10' 'expression, column 18: expected a condition (a comparison or a test), not a value' \
    'DepDelay > 15 || ArrDelay + 10' '                 ^'
caret 'Origin == "SFO' 'expression, column 11: unterminated string' \
    'Origin == "SFO' '          ^'
caret 'foo(Origin)' "expression, column 1: unknown function 'foo'" \
    'foo(Origin)' '^'
caret 'len(Origin, 2) > 0' 'expression, column 1: len() takes 1 argument, not 2' \
    'len(Origin, 2) > 0' '^'
caret 'Origin =~ "("' 'expression, column 11: bad regular expression: missing closing parenthesis' \
    'Origin =~ "("' '          ^'
caret 'Origin =~ Dest' 'expression, column 11: the pattern after =~ must be a string literal' \
    'Origin =~ Dest' '          ^'
caret 'Origin in ()' "expression, column 8: 'in' needs at least one value in its list" \
    'Origin in ()' '       ^'
caret 'ArrDelay > 0 & 1' "expression, column 14: unexpected character '&'" \
    'ArrDelay > 0 & 1' '             ^'
caret 'x = 1' "expression, column 3: unexpected '=' after the expression (use == to compare)" \
    'x = 1' '  ^'
caret '' 'expression, column 1: empty expression' '' '^'
# Control characters are shown as spaces, so that the caret lines up.
caret $'ArrDelay >\t0 &&\n$' "expression, column 17: expected a field name after '\$'" \
    'ArrDelay > 0 && $' '                ^'
# A long expression: at most 72 bytes of it, around the column.
long=
for i in 1 2 3 4 5 6 7; do long="${long}ArrDelay > $i && "; done
long="${long}Origin @ 1 && DepDelay > 0 && Dest == \"SFO\""
caret "$long" "expression, column 120: unexpected character '@'" \
    "${long:72:72}" "$(printf '%47s^' '')"
# The checks come before the stage key is looked at.
expect_status 2 ss_match -r "$C" 'ArrDelay >' < air.ss
[ "$(head -n 1 "$TMP/stderr")" = 'ss-match: expression, column 11: expected a value, found the end' ] ||
    fail "a bad expression without a stage key: $(cat "$TMP/stderr")"

# --- Data errors: exit 1, one line, no -o file, an existing file kept. ---
printf 'precious\n' > keep
# refused MESSAGE ARGS...: ss-match ARGS on t.ss exits 1 with MESSAGE and
# writes nothing.
refused() {
	msg=$1
	shift
	expect_status 1 ss_match -r "$C" "$@" -o out.ss < t.ss
	expect_stderr_is "ss-match: $msg"
	expect_no_output . out.ss
	cp keep kept
	expect_status 1 ss_match -r "$C" "$@" -o kept < t.ss
	expect_stderr_is "ss-match: $msg"
	expect_same keep kept "$msg: an existing -o file"
}
cp air.ss t.ss
refused "match: no field 'Nope' in the input stream" -i stage.key 'Nope > 1'
refused "match: no field 'arrdelay' in the input stream" -i stage.key 'arrdelay > 1'
refused "match: no field 'Arr Delay' in the input stream" -i stage.key 'ArrDelay > 0 || ${Arr Delay} > 0'
refused 'no identity matches a recipient of this stream (wrong key?)' -i eve.key 'ArrDelay > 0'
# Tampering: a bit flipped in a middle chunk, in the last; a chunk dropped;
# the stream cut short.
mapfile -t OFF < <(chunk_offsets air.ss)
OFF=(0 "${OFF[@]}")
N=$(( ${#OFF[@]} - 2 ))
[ "$N" -ge 3 ] || fail "test bug: air.ss has only $N chunks"
k=$(( N / 2 + 1 ))
AUTH='authentication failed (tampered, reordered, or from another stream)'
for c in $(some $k $N); do
	cp air.ss t.ss; flip_bit t.ss $(( ${OFF[c]} + 100 ))
	refused "chunk $c: $AUTH" -i stage.key 'ArrDelay > 0'
done
{ slice air.ss 0 "${OFF[k]}"; slice air.ss "${OFF[k + 1]}" "$(filesize air.ss)"; } > t.ss
refused "chunk $k: $AUTH" -i stage.key 'ArrDelay > 0'
head -c "${OFF[k + 1]}" air.ss > t.ss
refused "stream truncated after chunk $k" -i stage.key 'ArrDelay > 0'
# A filter that keeps nothing still authenticates everything.
cp air.ss t.ss; flip_bit t.ss $(( ${OFF[N]} + 50 ))
refused "chunk $N: $AUTH" -i stage.key 'Origin == "nowhere"'
# On standard output, too: exit 1 and the one line.
cp air.ss t.ss; flip_bit t.ss $(( ${OFF[k]} + 100 ))
expect_status 1 ss_match -i stage.key -r "$C" 'ArrDelay > 0' < t.ss > out.ss
expect_stderr_is "ss-match: chunk $k: $AUTH"

# --- Attested: measure, new, verify, --sealed. ---
ss_attest platform-init > plat.pub 2>/dev/null || fail "platform-init"
COND='ArrDelay > 0 && Origin in ("SFO", "OAK")'
M=$(ss_attest measure -- ss-match "$COND" -r "$C") || fail "measure ss-match"
[[ $M =~ ^[0-9a-f]{64}$ ]] || fail "measure printed '$M'"
[ "$(ss_attest measure -- match "$COND" -r "$C")" = "$M" ] ||
    fail "'match' and 'ss-match' measure differently"
# Every byte of the expression counts; so do the recipients and the stage.
seen=" $M "
# differs STAGE ARGS...: ss-attest measure -- STAGE ARGS gives a measurement
# unlike every one before.
differs() {
	m=$(ss_attest measure -- "$@") || fail "measure $*"
	case $seen in *" $m "*) fail "'$*' measures like another program";; esac
	seen="$seen $m "
}
differs ss-match "${COND/ > / >  }" -r "$C"
differs ss-match 'ArrDelay>0 && Origin in ("SFO", "OAK")' -r "$C"
differs ss-match 'Origin in ("SFO", "OAK") && ArrDelay > 0' -r "$C"
differs ss-match "$COND" -r "$E"
differs ss-match "$COND" -r "$C" -r "$E"
differs ss-map -f UniqueCarrier -r "$C"
# For ss-map too, a computed field counts even when -f leaves it out.
differs ss-map -f a -r "$C"
differs ss-map -f a 'x = a + 1' -r "$C"
differs ss-map -f a 'x = a+1' -r "$C"
# The program's errors, as the stage would give them.
expect_status 2 ss_attest measure -- ss-match 'ArrDelay > (0' -r "$C"
printf '%s\n' "ss-attest: expression, column 14: expected ')', found the end" \
    '  ArrDelay > (0' '               ^' > want.err
expect_same want.err "$TMP/stderr" "ss-attest measure with a bad expression"
expect_status 2 ss_attest measure -- ss-match -r "$C"
expect_usage_error "^ss-attest: no expression: give the condition records must meet"
expect_status 2 ss_attest measure -- ss-match 'a > 1' 'b > 1' -r "$C"
expect_usage_error '^ss-attest: one expression only'
expect_status 2 ss_attest measure -- ss-match 'a > 1' -r "$C" -i stage.key
expect_usage_error '^ss-attest: ss-match: -i is not part of the program \(it is given to the stage when it runs\)$'
# new, verify, run sealed.
expect_status 0 ss_attest new -o m.sealed -- ss-match "$COND" -r "$C" > quote
ss_attest show quote > shown
grep -qx '  op: match' shown && grep -qxF "  expr: $COND" shown ||
    fail "ss-attest show: $(cat shown)"
S=$(ss_attest verify --platform plat.pub --allow-software --measurement "$M" quote) ||
    fail "verify the ss-match quote"
[[ $S =~ ^sspub1- ]] || fail "verify printed '$S'"
ss_encrypt -r "$S" -o owner.ss air.csv || fail "encrypt to the sealed stage"
{ head -n 1 air.csv; tail -n +2 air.csv |
    awk -F, "$AWKLIB"' num($15) && $15 + 0 > 0 && ($17 == "SFO" || $17 == "OAK")'; } > want.csv
rm -f out.ss
expect_status 0 ss_match --sealed m.sealed -r "$C" "$COND" -o out.ss < owner.ss
expect_status 0 ss_decrypt -i consumer.key -o got.csv out.ss
expect_same want.csv got.csv "the sealed ss-match"
rm -f out.ss
# Another expression, even one that keeps the same records; another
# recipient; another stage: refused before the stream is read.
PROG='sealed for another program (the stage'"'"'s arguments or output recipients differ)'
cp owner.ss t.ss
refused "m.sealed: $PROG" --sealed m.sealed 'ArrDelay > 1'
refused "m.sealed: $PROG" --sealed m.sealed "${COND/ > / >  }"
slow || refused "m.sealed: $PROG" --sealed m.sealed 'Origin in ("SFO", "OAK") && ArrDelay > 0'
expect_status 1 ss_match --sealed m.sealed -r "$E" "$COND" -o out.ss < owner.ss
expect_stderr_is "ss-match: m.sealed: $PROG"
expect_no_output . out.ss
expect_status 1 ss_map --sealed m.sealed -r "$C" -f UniqueCarrier -o out.ss < owner.ss
expect_stderr_is "ss-map: m.sealed: $PROG"
expect_no_output . out.ss
# Never with --tee none.
expect_status 2 ss_match --sealed m.sealed -r "$C" --tee none "$COND" -o out.ss < owner.ss
expect_stderr_is 'ss-match: m.sealed: a sealed stage key opens only in an isolated enclave, not with --tee none (use -i IDENTITY to debug)'
expect_no_output . out.ss

# --- Subscriptions: --subs FILE, --tag FIELD. ---
# subs_run WANT ARGS...: ss-match -i stage.key -r C ARGS on air.ss succeeds
# silently and gives exactly the CSV file WANT.
subs_run() {
	s_want=$1
	shift
	rm -f out.ss
	expect_status 0 ss_match -i stage.key -r "$C" "$@" -o out.ss < air.ss
	[ ! -s "$TMP/stderr" ] || fail "ss-match $* said: $(cat "$TMP/stderr")"
	expect_status 0 ss_decrypt -i consumer.key -o got.csv out.ss
	expect_same "$s_want" got.csv "ss-match $*"
}
# subs_want AWK: into want.csv, the rows of air.csv for which the awk code
# AWK (which calls add(ID) for each subscription a row matches, in file
# order) finds some, with their IDs joined by ';' in a last column named
# subs; into plain.csv, the same without that column.
subs_want() {
	{ echo "$(head -n 1 air.csv),subs"; tail -n +2 air.csv |
	    awk -F, "$AWKLIB"'
	    function add(id) { tag = tag (tag == "" ? "" : ";") id }
	    { tag = ""; '"$1"'; if (tag != "") print $0 "," tag }'; } > want.csv
	sed 's/,[^,]*$//' want.csv > plain.csv
	s_kept=$(( $(wc -l < want.csv) - 1 ))
	[ "$s_kept" -gt 0 ] && [ "$s_kept" -lt "$rows" ] ||
	    fail "test bug: the subscriptions match $s_kept of $rows rows"
}
# The line form: equalities, ranges, NA cells, in lists, ||, functions;
# comments, blank lines, tabs and leading blanks.
cat > subs.txt <<'EOF'
# Airline subscriptions: ID CONDITION.
late ArrDelay > 60

sfo_late	Origin == "SFO" && ArrDelay > 0
aa UniqueCarrier == "AA" && Distance >= 1000
early ArrDelay <= -20 && DepDelay < 0
na !is_num(ArrDelay)
  ord Dest in ("ORD", "MDW") && ArrDelay > 15
short 200 > Distance
wn.dl:1 UniqueCarrier == "WN" || UniqueCarrier == "DL"
delayed-na ArrDelay != 0 && DepDelay > "30"
EOF
SUBS_AWK='
	if (num($15) && $15 + 0 > 60) add("late")
	if ($17 == "SFO" && num($15) && $15 + 0 > 0) add("sfo_late")
	if ($9 == "AA" && num($19) && $19 + 0 >= 1000) add("aa")
	if (num($15) && $15 + 0 <= -20 && num($16) && $16 + 0 < 0) add("early")
	if (!num($15)) add("na")
	if (($18 == "ORD" || $18 == "MDW") && num($15) && $15 + 0 > 15) add("ord")
	if (num($19) && $19 + 0 < 200) add("short")
	if ($9 == "WN" || $9 == "DL") add("wn.dl:1")
	if (!(num($15) && $15 + 0 == 0) && num($16) && $16 + 0 > 30) add("delayed-na")'
subs_want "$SUBS_AWK"
for tee in $(some process none); do
	subs_run want.csv --subs subs.txt --tag subs --tee $tee
done
subs_run plain.csv --subs subs.txt
# --tag naming an input column replaces it, in place.
awk -F, 'BEGIN { OFS = "," } { if (NR > 1) $17 = $NF; NF--; print }' \
    want.csv > origin.csv
subs_run origin.csv --subs subs.txt --tag Origin
# The JSON form of PubSub-SGX: IDs are positions, unless given.
cat > subs.json <<'EOF'
[
  [{"key": "ArrDelay", "val": 60, "op": "gt"}],
  [{"key": "Origin", "val": "SFO", "op": "eq"},
   {"key": "ArrDelay", "val": 0, "op": "gt"}],
  {"id": "aa", "constraints": [{"key": "UniqueCarrier", "val": "AA", "op": "eq"},
                               {"key": "Distance", "val": "1000", "op": "ge"}]},
  [{"op": "le", "key": "ArrDelay", "val": -20}, {"key": "DepDelay", "val": 0.0, "op": "lt"}],
  [{"key": "ArrDelay", "val": "NA", "op": "eq"}],
  [{"key": "Dest", "val": "ORD", "op": "ne"}, {"key": "Distance", "val": 2000.5, "op": "gt"}],
  [{"key": "CancellationCode", "val": "", "op": "ne"}],
  [{"key": "DepDelay", "val": 1e1, "op": "ge"}, {"key": "DepDelay", "val": 12, "op": "le"}]
]
EOF
subs_want '
	if (num($15) && $15 + 0 > 60) add(1)
	if ($17 == "SFO" && num($15) && $15 + 0 > 0) add(2)
	if ($9 == "AA" && num($19) && $19 + 0 >= 1000) add("aa")
	if (num($15) && $15 + 0 <= -20 && num($16) && $16 + 0 < 0) add(4)
	if ($15 == "NA") add(5)
	if ($18 != "ORD" && num($19) && $19 + 0 > 2000.5) add(6)
	if ($23 != "") add(7)
	if (num($16) && $16 + 0 >= 10 && $16 + 0 <= 12) add(8)'
subs_run want.csv --subs subs.json --tag subs
# Many subscriptions over a few fields, against awk evaluating each one.
if ! slow; then
	awk 'BEGIN {
		srand(7)
		f[0] = "ArrDelay"; f[1] = "DepDelay"; f[2] = "Distance"
		for (i = 0; i < 400; i++) {
			k = int(rand() * 3); lo = int(rand() * 100) - 20
			if (k == 2)
				lo *= 20
			hi = lo + 1 + int(rand() * (k == 2 ? 400 : 30))
			printf "r%d %s >= %d && %s < %d", i, f[k], lo, f[k], hi
			if (rand() < 0.3)
				printf " && UniqueCarrier == \"%s\"", (rand() < 0.5 ? "WN" : "AA")
			printf "\n"
		}
	}' > many.txt
	many_awk=$(sed -E 's/^([^ ]+) ([A-Za-z]+) >= (-?[0-9]+) && [A-Za-z]+ < (-?[0-9]+)( && UniqueCarrier == "([A-Z]+)")?$/\1 \2 \3 \4 \6/' many.txt |
	    awk 'BEGIN { c["ArrDelay"] = 15; c["DepDelay"] = 16; c["Distance"] = 19 }
		{ x = "$" c[$2]
		  printf "if (num(%s) && %s + 0 >= %d && %s + 0 < %d%s) add(\"%s\")\n",
		      x, x, $3, x, $4, ($5 == "" ? "" : " && $9 == \"" $5 "\""), $1 }')
	[ "$(printf '%s\n' "$many_awk" | grep -c '^if')" = 400 ] ||
	    fail "test bug: many.txt reads as $(printf '%s\n' "$many_awk" | grep -c '^if') subscriptions"
	subs_want "$many_awk"
	subs_run want.csv --subs many.txt --tag subs
fi

# Bad subscription files: exit 2 before any enclave starts, with the line
# and a caret where the problem has a place; no -o file.
# subs_bad FILE MESSAGE [SHOWN CARET]
subs_bad() {
	rm -f out.ss
	expect_status 2 ss_match -r "$C" --subs "$1" -o out.ss < air.ss
	if [ $# -eq 4 ]; then
		printf 'ss-match: %s\n  %s\n  %s\n' "$2" "$3" "$4" > want.err
		expect_same want.err "$TMP/stderr" "ss-match --subs $1"
	else
		expect_stderr_is "ss-match: $2"
	fi
	expect_no_output . out.ss
}
printf 'ok ArrDelay > 1\nbad ArrDelay > (1\n' > bad1.txt
subs_bad bad1.txt "bad1.txt: line 2: column 18: expected ')', found the end" \
    'bad ArrDelay > (1' '                 ^'
printf 'a ArrDelay > 1\na Origin == "SFO"\n' > bad2.txt
subs_bad bad2.txt "bad2.txt: line 2: column 1: subscription ID 'a' given twice" \
    'a Origin == "SFO"' '^'
printf 'x{y} > 1\n' > bad3.txt
subs_bad bad3.txt "bad3.txt: line 1: column 2: expected a blank after the subscription ID, found '{'" \
    'x{y} > 1' ' ^'
printf '# nothing\n\n' > bad4.txt
subs_bad bad4.txt 'bad4.txt: no subscriptions'
printf '[[{"key": "ArrDelay", "val": 1, "op": "eq"}],\n [{"key": "ArrDelay", "val": 1, "op": "gte"}]]\n' > bad5.json
subs_bad bad5.json "bad5.json: subscription 2: constraint 1: unknown op 'gte' (use eq, ne, gt, ge, lt or le)" \
    ' [{"key": "ArrDelay", "val": 1, "op": "gte"}]]' ' ^'
printf '[[{"key": "ArrDelay", "val": tru, "op": "eq"}]]' > bad6.json
subs_bad bad6.json "bad6.json: line 1: column 32: invalid token near 'tru'" \
    '[[{"key": "ArrDelay", "val": tru, "op": "eq"}]]' '                               ^'
printf 'a ArrDelay > 1\n\0b x\n' > bad7.txt
subs_bad bad7.txt "bad7.txt: line 2: column 1: expected a subscription ID (letters, digits, '_', '.', ':', '-'), found byte 0x00" \
    ' b x' '^'
printf '{"subscriptions": []}' > bad8.json
subs_bad bad8.json 'bad8.json: line 1: column 1: expected an array of subscriptions, not an object' \
    '{"subscriptions": []}' '^'
# Usage: exit 2, with the --help hint.
rm -f out.ss
usage --subs subs.txt -i stage.key -r "$C" 'ArrDelay > 0' \
    '^ss-match: give EXPR or --subs FILE, not both; the stream is read from standard input$'
usage --tag t -i stage.key -r "$C" 'ArrDelay > 0' '^ss-match: --tag FIELD goes with --subs FILE$'
usage --subs subs.txt --tag '' -i stage.key -r "$C" '^ss-match: --tag: empty field name$'
usage --subs subs.txt --subs subs.json -i stage.key -r "$C" '^ss-match: option --subs given more than once$'
usage --subs - -i stage.key -r "$C" '^ss-match: --subs -: standard input holds the stream: give a file$'
rm -f out.ss
expect_status 2 ss_match --subs nonexistent.txt -i stage.key -r "$C" -o out.ss < air.ss
expect_stderr '^ss-match: nonexistent.txt: '
expect_no_output . out.ss
# A field the stream does not have: exit 1, once the columns are read.
printf 'a ArrDelay > 1\nb Nope == 2\n' > nofield.txt
cp air.ss t.ss
refused "match: no field 'Nope' in the input stream" -i stage.key --subs nofield.txt
printf '[[{"key": "arrdelay", "val": 1, "op": "eq"}]]' > nofield.json
refused "match: no field 'arrdelay' in the input stream" -i stage.key --subs nofield.json

# Sealed: the subscription file is part of the program, by its digest.
MS=$(ss_attest measure -- ss-match --subs subs.txt --tag subs -r "$C") ||
    fail "measure ss-match --subs"
seen="$seen $MS "
differs ss-match --subs subs.json --tag subs -r "$C"
differs ss-match --subs subs.txt -r "$C"
differs ss-match --subs subs.txt --tag Origin -r "$C"
{ cat subs.txt; echo 'extra ArrDelay > 1000'; } > subs2.txt
differs ss-match --subs subs2.txt --tag subs -r "$C"
cp subs.txt same.txt
[ "$(ss_attest measure -- ss-match --subs same.txt --tag subs -r "$C")" = "$MS" ] ||
    fail "the same subscriptions in another file measure differently"
expect_status 0 ss_attest new -o s.sealed -- ss-match --subs subs.txt --tag subs -r "$C" > squote
ss_attest show squote > shown
grep -qx "  subs: sha256:$(sha256sum subs.txt | cut -d' ' -f1)" shown ||
    fail "ss-attest show does not give the file's SHA-256: $(cat shown)"
S2=$(ss_attest verify --platform plat.pub --allow-software --measurement "$MS" squote) ||
    fail "verify the ss-match --subs quote"
ss_encrypt -r "$S2" -o owner2.ss air.csv || fail "encrypt to the sealed --subs stage"
subs_want "$SUBS_AWK"
rm -f out.ss
expect_status 0 ss_match --sealed s.sealed -r "$C" --subs same.txt --tag subs -o out.ss < owner2.ss
expect_status 0 ss_decrypt -i consumer.key -o got.csv out.ss
expect_same want.csv got.csv "the sealed ss-match --subs"
rm -f out.ss
# Another file, even one byte off, is another program.
cp owner2.ss t.ss
refused "s.sealed: $PROG" --sealed s.sealed --subs subs2.txt --tag subs
sed 's/> 60/>= 61/' subs.txt > subs3.txt
refused "s.sealed: $PROG" --sealed s.sealed --subs subs3.txt --tag subs
refused "s.sealed: $PROG" --sealed s.sealed --subs subs.txt --tag other
refused "s.sealed: $PROG" --sealed s.sealed "$COND"

# --- Help and version. ---
expect_status 0 ss_match --help > help
[ ! -s "$TMP/stderr" ] || fail "ss-match --help said: $(cat "$TMP/stderr")"
grep -q '^usage: ss-match (EXPR | --subs FILE \[--tag FIELD\])$' help ||
    fail "ss-match --help: $(head -n 1 help)"
grep -q -- '--subs FILE' help && grep -q -- '--tag FIELD' help ||
    fail "ss-match --help does not tell --subs and --tag"
grep -q 'ss-expr(7)' help || fail "ss-match --help does not point to ss-expr(7)"
expect_status 0 ss_match -h > help2
expect_same help help2 "ss-match -h"
expect_status 0 ss_match --version > version
grep -q '^ss-match ' version || fail "ss-match --version: $(cat version)"

pass
