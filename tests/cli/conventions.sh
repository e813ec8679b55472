#!/bin/bash
# Conventions shared by every binary: --help, --version, usage errors (a
# message and a --help hint, exit 2), options that may not repeat, option
# values, --stats and --progress.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

newkey me
printf 'a,b\n1,2\n"x\ny",3\n' > in.csv
ss_encrypt -r "$PUB" -o in.ss in.csv || fail "encrypt"

# usage_fails PATTERN CMD...: CMD is a usage error matching PATTERN, and
# writes nothing on stdout.
usage_fails() {
	pattern=$1
	shift
	expect_status 2 "$@" > out
	expect_usage_error "$pattern"
	[ ! -s out ] || fail "'$*' wrote to stdout"
}

for tool in keygen encrypt decrypt info; do
	run=ss_$tool
	# --help and -h: usage on stdout, exit 0.
	for opt in $(some --help -h); do
		expect_status 0 $run $opt > out
		[ ! -s stderr ] || fail "ss-$tool $opt wrote to stderr: $(cat stderr)"
		head -n 1 out | grep -q "^usage: ss-$tool" ||
		    fail "ss-$tool $opt printed: $(head -n 1 out)"
		grep -qi '^exit status' out || fail "ss-$tool $opt does not document the exit status"
	done
	# --version and -V.
	for opt in $(some --version -V); do
		expect_status 0 $run $opt > out
		[ ! -s stderr ] || fail "ss-$tool $opt wrote to stderr: $(cat stderr)"
		grep -Eqx "ss-$tool \(securestreams\) [0-9]+\.[0-9]+\.[0-9]+" out ||
		    fail "ss-$tool $opt printed: $(cat out)"
	done
	# Unknown options and missing arguments: a message naming the option
	# and the program (not its path), then the hint.
	usage_fails "^ss-$tool: unknown option.*--bogus" $run --bogus
	[ ! -s out ] || fail "ss-$tool --bogus wrote to stdout"
	usage_fails "^ss-$tool: unknown option.*-Z" $run -Z
	# Write errors on --help and --version are reported.
	if [ -w /dev/full ]; then
		expect_status 2 $run --version > /dev/full
		expect_stderr "^ss-$tool: .*No space left on device\$"
		expect_status 2 $run --help > /dev/full
		expect_stderr "^ss-$tool: .*No space left on device\$"
	fi
done
usage_fails "^ss-encrypt: .*-r.*(needs a value|requires an argument)" ss_encrypt -r
usage_fails "^ss-encrypt: .*--chunk-size.*(needs a value|requires an argument)" ss_encrypt -r "$PUB" --chunk-size
usage_fails "^ss-decrypt: .*-i.*(needs a value|requires an argument)" ss_decrypt -i
usage_fails "^ss-keygen: .*-o.*(needs a value|requires an argument)" ss_keygen -o
# A value given to a long option that takes none: named, and printable.
usage_fails "^ss-encrypt: .*'?--no-header'? takes no value" ss_encrypt -r "$PUB" --no-header=yes in.csv
usage_fails "^ss-decrypt: .*'?--crlf'? takes no value" ss_decrypt -i me.key --crlf=1 in.ss
LC_ALL=C grep -q '[^[:print:]]' stderr && fail "unprintable bytes on stderr: $(od -c stderr)"

# Required options.
usage_fails '^ss-encrypt: no recipient' ss_encrypt in.csv
usage_fails '^ss-encrypt: no recipient' ss_encrypt < in.csv
usage_fails '^ss-decrypt: no identity' ss_decrypt in.ss

# One input at most.
usage_fails '^ss-encrypt: one input at most' ss_encrypt -r "$PUB" -o x.ss in.csv in.csv
expect_no_output . x.ss
usage_fails '^ss-decrypt: one input at most' ss_decrypt -i me.key in.ss in.ss
usage_fails '^ss-info: one input at most' ss_info in.ss in.ss

# Options that take one value may not be repeated.
for args in "-o x.ss -o y.ss" "-d , -d ;" "--chunk-size 1K --chunk-size 2K" \
    "--flush-ms 5 --flush-ms 5" "-o x.ss --output y.ss"; do
	usage_fails "^ss-encrypt: option .* given more than once" ss_encrypt -r "$PUB" $args in.csv
	expect_no_output . x.ss
	expect_no_output . y.ss
done
for args in "-o x.csv -o y.csv" "-d , -d ;"; do
	usage_fails "^ss-decrypt: option .* given more than once" ss_decrypt -i me.key $args in.ss
	expect_no_output . x.csv
done
# ... but -r, -R and -i may.
mine=$PUB; newkey other; other=$PUB; PUB=$mine
expect_status 0 ss_encrypt -r "$PUB" -r "$PUB" -o x.ss in.csv
expect_status 0 ss_decrypt -i me.key x.ss > out
expect_same in.csv out "-r twice"
expect_status 0 ss_encrypt -r "$other" -o x.ss in.csv
expect_status 0 ss_decrypt -i me.key -i other.key x.ss > out
expect_same in.csv out "-i twice"
rm x.ss

# Option values.
for bad in $(some 1000 1023 0 abc 1Q -5 17M 99999999999999999999K 2G) ''; do
	usage_fails "^ss-encrypt: --chunk-size: invalid size '$bad'" ss_encrypt -r "$PUB" --chunk-size "$bad" in.csv
done
for good in $(some 1024 1K 1k 64K 1M 1MiB 16M); do
	expect_status 0 ss_encrypt -r "$PUB" --chunk-size "$good" -o x.ss in.csv
	expect_status 0 ss_decrypt -i me.key x.ss > out
	expect_same in.csv out "--chunk-size $good"
done
for bad in $(some -1 x 1.5 3600001 99999999999999999999) ''; do
	usage_fails "^ss-encrypt: --flush-ms: invalid number '$bad'" ss_encrypt -r "$PUB" --flush-ms "$bad" in.csv
done
expect_status 0 ss_encrypt -r "$PUB" --flush-ms 0 -o x.ss in.csv
expect_status 0 ss_encrypt -r "$PUB" --flush-ms 3600000 -o x.ss in.csv
bads=('' ab '"' $'\n' $'\r' $'\nx' tabs)
slow && bads=('' $'\n')
for bad in "${bads[@]}"; do
	usage_fails '^ss-encrypt: -d: the delimiter must be one character' ss_encrypt -r "$PUB" -d "$bad" in.csv
	usage_fails '^ss-decrypt: -d: the delimiter must be one character' ss_decrypt -i me.key -d "$bad" in.ss
done

# --stats: one line at the end, with the right counts; nothing else.
expect_status 0 ss_encrypt -r "$PUB" --stats -o st.ss in.csv
expect_stderr "^ss-encrypt: 2 records, $(filesize in.csv) CSV bytes, $(filesize st.ss) stream bytes, "
expect_status 0 ss_decrypt -i me.key --stats st.ss > out
expect_stderr "^ss-decrypt: 2 records, $(filesize in.csv) CSV bytes, $(filesize st.ss) stream bytes, "
expect_same in.csv out "--stats"
# No stats line when the run fails: just the error.
printf 'a,b\n1\n' > bad.csv
expect_status 1 ss_encrypt -r "$PUB" --stats -o x.ss bad.csv
expect_stderr_is 'ss-encrypt: bad.csv: line 2: 1 fields, expected 2'
head -c 100 st.ss > trunc.ss
expect_status 1 ss_decrypt -i me.key --stats trunc.ss
expect_stderr_is 'ss-decrypt: trunc.ss: stream truncated inside the header'
# --progress only draws on a terminal.
expect_status 0 ss_encrypt -r "$PUB" --progress -o x.ss in.csv
[ ! -s stderr ] || fail "--progress wrote to a non-terminal: $(cat stderr)"
expect_status 0 ss_decrypt -i me.key --progress x.ss > out
[ ! -s stderr ] || fail "--progress wrote to a non-terminal: $(cat stderr)"

# Long option names.
expect_status 0 ss_encrypt --recipient "$PUB" --delimiter , --output x.ss in.csv
expect_status 0 ss_decrypt --identity me.key --output out --crlf x.ss
printf 'a,b\r\n1,2\r\n"x\ny",3\r\n' > want
expect_same want out "long options, --crlf"
printf '%s\n' "$PUB" > r.txt
expect_status 0 ss_encrypt --recipients-file r.txt -o x.ss in.csv
expect_status 0 ss_info --identity me.key x.ss > /dev/null
expect_status 0 ss_keygen --public me.key > out
[ "$(cat out)" = "$(ss_keygen -y me.key)" ] || fail "--public"
expect_status 0 ss_keygen --output k2.key

pass
