#!/bin/bash
# NDJSON in and out: ss-encrypt --format ndjson (columns from the first
# object or --columns, --flatten) and ss-decrypt --format ndjson, checked
# against python3's json module; every refusal with its status, message
# and no output file; usage errors; a live source.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

command -v python3 >/dev/null 2>&1 || skip "python3 not installed"

newkey stage
STAGE=$PUB
newkey consumer
CONSUMER=$PUB
newkey me

enc() { ss_encrypt -r "$PUB" --format ndjson "$@"; }

# same_json A B WHAT: the files hold the same JSON values, line by line.
same_json() {
	python3 - "$1" "$2" <<'PY' || fail "$3: $1 and $2 differ"
import json, sys
a = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
b = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
if a != b:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print("line %d: %r != %r" % (i + 1, x, y), file=sys.stderr)
            break
    print("%d vs %d lines" % (len(a), len(b)), file=sys.stderr)
    sys.exit(1)
PY
}

# --- PubSub-SGX publications through a stage and back. ---
python3 - > pubs.json <<'PY'
import json, random
random.seed(6)
for i in range(3000):
    print(json.dumps({"id": "truck-%03x" % random.randrange(4096),
                      "lat": round(random.uniform(47, 55), 2),
                      "lon": round(random.uniform(6, 15), 2)}))
PY
printf '{"id": "truck-abc", "lat": 51.05, "lon": 13.73}\n' >> pubs.json
ss_encrypt -r "$STAGE" --format ndjson --chunk-size 4096 pubs.json |
    "$SS_BIN/ss-match" -i stage.key -r "$CONSUMER" 'lat > 51 && lon < 14' |
    ss_decrypt -i consumer.key --format ndjson > got.json ||
    fail "the publication pipeline failed"
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["lat"] > 51 and r["lon"] < 14:
        print(json.dumps(r))' pubs.json > want.json
[ "$(wc -l < want.json)" -gt 100 ] || fail "bad test data"
same_json want.json got.json "ss-match 'lat > 51 && lon < 14'"
# The exact form: keys in column order, numbers bare, no spaces.
tail -n 1 got.json > last.json
printf '{"id":"truck-abc","lat":51.05,"lon":13.73}\n' > want-last.json
expect_same want-last.json last.json "the last publication"
# All of it, unchanged, and to CSV.
enc pubs.json -o pubs.ss
ss_decrypt -i me.key --format ndjson pubs.ss > all.json
same_json pubs.json all.json "all publications"
ss_decrypt -i me.key pubs.ss | tail -n 1 > last.csv
printf 'truck-abc,51.05,13.73\n' > want-last.csv
expect_same want-last.csv last.csv "a publication as CSV"
ss_info -i me.key pubs.ss | grep -qx 'names: id,lat,lon' ||
    fail "columns: $(ss_info -i me.key pubs.ss)"

# --- Cells: every JSON type, on the way in. ---
printf '\xef\xbb\xbf{"s": "a \\"q\\" \\\\ \\u00e9 \\n x", "i": -42, "big": 9223372036854775807, "r": 0.1, "e": 1e5, "t": true, "f": false, "n": null}\r\n\n   \n{"i": 1, "r": 2.5e-7, "e": 1.5E300}\n' > types.json
enc types.json | ss_decrypt -i me.key > types.csv
printf 's,i,big,r,e,t,f,n\n"a ""q"" \\ \xc3\xa9 \n x",-42,9223372036854775807,0.1,100000,true,false,\n,1,,2.5e-07,1.5e+300,,,\n' > want-types.csv
expect_same want-types.csv types.csv "JSON types as CSV cells"

# --- Cells: every kind of CSV cell, on the way out. ---
printf 'n,s,e\n123,007,\n-0.5e+3,1.50,true\n1e999,12345678901234567890,"a""b\\c"\n"x\ty",\x01\x7f,\xff\xc3(\n-,.5,1.\n' > cells.csv
ss_encrypt -r "$PUB" cells.csv | ss_decrypt -i me.key --format ndjson > cells.json
printf '%s\n' \
    '{"n":123,"s":"007","e":""}' \
    '{"n":-0.5e+3,"s":1.50,"e":"true"}' \
    '{"n":"1e999","s":"12345678901234567890","e":"a\"b\\c"}' \
    '{"n":"x\ty","s":"\u0001'$'\x7f''","e":"\ufffd\ufffd("}' \
    '{"n":"-","s":".5","e":"1."}' > want-cells.json
expect_same want-cells.json cells.json "CSV cells as JSON"
python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' \
    cells.json || fail "python3 cannot read $(cat cells.json)"
# Valid UTF-8 passes through as it is.
printf 'k\n\xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8\n' > utf8.csv
ss_encrypt -r "$PUB" utf8.csv | ss_decrypt -i me.key --format ndjson > utf8.json
printf '{"k":"\xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8"}\n' > want-utf8.json
expect_same want-utf8.json utf8.json "UTF-8"
# No records: no lines.
printf 'a,b\n' > empty.csv
ss_encrypt -r "$PUB" empty.csv | ss_decrypt -i me.key --format ndjson > empty.json
[ ! -s empty.json ] || fail "no records made: $(cat empty.json)"

# --- --columns: order, renames, missing keys, a schema with no records. ---
printf '{"lon": 1, "id": "a"}\n{"lat": 3}\n' > some.json
enc --columns id,lat,longitude=lon some.json | ss_decrypt -i me.key > some.csv
printf 'id,lat,longitude\na,,1\n,3,\n' > want-some.csv
expect_same want-some.csv some.csv "--columns"
: > none.json
enc --columns id,lat -o none.ss none.json
ss_info -i me.key none.ss | grep -qx 'names: id,lat' ||
    fail "--columns with no input: $(ss_info -i me.key none.ss)"
enc -o none2.ss none.json
ss_info -i me.key none2.ss | grep -qx 'columns: 0' ||
    fail "no input: $(ss_info -i me.key none2.ss)"
expect_status 0 ss_decrypt -i me.key --format ndjson -o none2.json none2.ss
[ -f none2.json ] && [ ! -s none2.json ] || fail "no input made output"
expect_status 0 ss_decrypt -i me.key --format ndjson -o none.json.out none.ss
[ -f none.json.out ] && [ ! -s none.json.out ] || fail "no records made output"

# --- --flatten: Miller's convention, 1-based, "{}" and "[]". ---
printf '{"id": 1, "pos": {"lat": 51.05, "lon": 13.73}, "tags": ["a", "b"], "m": {"x": [{"y": null}], "e": {}, "f": []}}\n{"id": 2, "pos": {"lat": 1}}\n' > nested.json
enc --flatten nested.json | ss_decrypt -i me.key > nested.csv
printf 'id,pos.lat,pos.lon,tags.1,tags.2,m.x.1.y,m.e,m.f\n1,51.05,13.73,a,b,,{},[]\n2,1,,,,,,\n' > want-nested.csv
expect_same want-nested.csv nested.csv "--flatten"
expect_status 1 enc --flatten --columns id,pos.lat -o out.ss nested.json
expect_stderr_is 'ss-encrypt: nested.json: line 1: key "pos.lon" is not among the columns (of --columns)'
expect_no_output . out.ss
printf '{"id": 2, "pos": {"lat": 1}}\n' > nested2.json
enc --flatten --columns id,pos.lat nested2.json | ss_decrypt -i me.key > n2.csv
printf 'id,pos.lat\n2,1\n' > want-n2.csv
expect_same want-n2.csv n2.csv "--flatten --columns"

# --- Refusals: exit 1, one line with the place, no output file. ---
pipe_enc() { cat "$1" | enc "${@:2}"; }
# bad NAME MESSAGE [OPTION...]: NAME.json is refused with MESSAGE.
bad() {
	local name=$1 msg=$2
	shift 2
	expect_status 1 enc "$@" -o out.ss "$name.json"
	expect_stderr_is "ss-encrypt: $name.json: $msg"
	expect_no_output . out.ss
	# From a pipe (the live path): no name.
	expect_status 1 pipe_enc "$name.json" "$@" -o out.ss
	expect_stderr_is "ss-encrypt: $msg"
	expect_no_output . out.ss
}
printf '{"a": 1}\n{"a": 2\n' > badjson.json
bad badjson "line 2: column 7: '}' expected near end of file"
printf '\n{"a": 1}\n\n{"a": 1, "a": 2}\n' > dup.json
bad dup "line 4: column 12: duplicate object key near '\"a\"'"
printf '{"a": 1}\n[1, 2]\n' > array.json
bad array 'line 2: not a JSON object (found an array)'
printf '"text"\n' > string.json
bad string 'line 1: not a JSON object (found a string)'
printf '{"a": 1}\n{"a": 2, "b": 3}\n' > extra.json
bad extra 'line 2: key "b" is not among the columns (taken from the first object; name them all with --columns)'
bad extra 'line 1: key "a" is not among the columns (of --columns)' --columns b
printf '{"id": 1, "pos": {"lat": 1}}\n' > nest.json
bad nest 'line 1: nested value for "pos" (use --flatten)'
printf '{"id": 1, "l": []}\n' > nest2.json
bad nest2 'line 1: nested value for "l" (use --flatten)'
printf '{"a.b": 1, "a": {"b": 2}}\n' > clash.json
bad clash 'line 1: two values for column "a.b"' --flatten
printf '{}\n' > emptyobj.json
bad emptyobj 'line 1: an empty object names no columns (name them with --columns)'
printf '{"a": "\xff"}\n' > latin1.json
bad latin1 "line 1: column 7: unable to decode byte 0xff near '\"'"
printf '{"a": "\\ud800"}\n' > surrogate.json
bad surrogate "line 1: column 14: invalid Unicode '\\uD800' near '\"\\ud800\"'"
printf '{"a": 123456789012345678901}\n' > bigint.json
bad bigint 'line 1: column 27: too big integer'
printf '{"a": 1e999}\n' > huge.json
bad huge "line 1: column 11: real number overflow near '1e999'"
printf '{"a\\n\\"b": [1]}\n' > oddkey.json
bad oddkey 'line 1: nested value for "a\x0a\"b" (use --flatten)'
# Over-long: a line past 16 MiB, and too many values.
python3 -c 'import sys; sys.stdout.write("{\"a\": \"" + "x" * (16 << 20) + "\"}\n")' > long.json
bad long 'line 1: longer than 16777216 bytes'
python3 -c 'import sys; sys.stdout.write("{\"a\": [" + "0," * 262144 + "0]}\n")' > many.json
bad many 'line 1: more than 262144 values' --flatten
python3 -c 'import sys; sys.stdout.write("{" + ",".join("\"k%d\": 0" % i for i in range(65537)) + "}\n")' > wide.json
bad wide 'line 1: more than 65536 columns'
# An existing output file is left alone.
printf 'precious\n' > keep.ss
expect_status 1 enc -o keep.ss extra.json
[ "$(cat keep.ss)" = precious ] || fail "a failed run changed -o's file"

# --- Usage errors: exit 2. ---
usage() {
	local pattern=$1
	shift
	expect_status 2 "$@" none.json
	expect_usage_error "$pattern"
}
usage '^ss-encrypt: --no-header: NDJSON has no header' enc --no-header
usage '^ss-encrypt: -d: NDJSON has no delimiter' enc -d ';'
usage '^ss-encrypt: --columns needs --format ndjson$' ss_encrypt -r "$PUB" --columns a
usage '^ss-encrypt: --flatten needs --format ndjson$' ss_encrypt -r "$PUB" --flatten
usage "^ss-encrypt: --format: the format must be csv or ndjson, not 'json'$" ss_encrypt -r "$PUB" --format json
usage '^ss-encrypt: option --format given more than once$' enc --format csv
usage "^ss-encrypt: --columns: empty field name in 'a,,b'$" enc --columns a,,b
usage '^ss-encrypt: --columns: key "x" taken by two columns$' enc --columns a=x,b=x
usage "^ss-encrypt: --columns: two output fields named 'a'$" enc --columns a,a=b
usage '^ss-decrypt: -d: NDJSON has no delimiter$' ss_decrypt -i me.key --format ndjson -d tab
usage '^ss-decrypt: --crlf: NDJSON lines end with LF$' ss_decrypt -i me.key --format ndjson --crlf
usage "^ss-decrypt: --format: the format must be csv or ndjson, not 'csv2'$" ss_decrypt -i me.key --format csv2

# --- A live source: each object passes through before the input ends. ---
mkfifo gate
(
	set -o pipefail
	{ printf '{"id": "a", "v": 1}\n'; read -r _ < gate; printf '{"id": "b", "v": 2}\n'; } |
	    ss_encrypt -r "$PUB" --format ndjson --flush-ms 20 |
	    ss_decrypt -i me.key --format ndjson > live.json
) 2> live.err &
pid=$!
for i in $(seq 1 200); do
	grep -qxF '{"id":"a","v":1}' live.json 2>/dev/null && break
	sleep 0.05
done
grep -qxF '{"id":"a","v":1}' live.json || fail "the first object never came out: $(cat live.json)"
grep -q '"b"' live.json && fail "the second object came out before it went in"
echo go > gate
set +e; wait $pid; status=$?; set -e
[ "$status" = 0 ] || fail "the live pipeline exited $status: $(cat live.err)"
printf '{"id":"a","v":1}\n{"id":"b","v":2}\n' > want-live.json
expect_same want-live.json live.json "the live pipeline"

# --stats names the plaintext's format.
printf '{"id":"a","v":1}\n{"id":"b","v":2}\n' > st.json
expect_status 0 enc --stats -o st.ss st.json
expect_stderr "^ss-encrypt: 2 records, $(filesize st.json) NDJSON bytes, $(filesize st.ss) stream bytes, "
expect_status 0 ss_decrypt -i me.key --format ndjson --stats -o st.out st.ss
expect_stderr "^ss-decrypt: 2 records, $(filesize st.out) NDJSON bytes, $(filesize st.ss) stream bytes, "

pass
