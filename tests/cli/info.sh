#!/bin/bash
# ss-info: the framing without a key; columns, names, records and
# verification with one; failures as ss-decrypt reports them.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

newkey me; me=$PUB
newkey other; other=$PUB
newkey eve

# field NAME FILE: the value of "NAME: value" in FILE (exactly one such line).
field() {
	[ "$(grep -c "^$1: " "$2")" = 1 ] || fail "'$1:' is not on exactly one line of: $(cat "$2")"
	sed -n "s/^$1: //p" "$2"
}

awk 'BEGIN { print "id,\"full name\",\"say \"\"hi\"\"\""; for (i = 1; i <= 1000; i++) printf "%d,name %d,x\n", i, i }' > in.csv
ss_encrypt -r "$me" -r "$other" --chunk-size 1024 -o s.ss in.csv || fail "encrypt"
nchunks=$(( $(chunk_offsets s.ss | wc -l) - 1 ))
# The records' field bytes: every row is "i,name i,x".
fieldbytes=$(awk 'BEGIN { for (i = 1; i <= 1000; i++) n += 2 * length(i "") + 6; print n }')

# Without a key: the framing only.
expect_status 0 ss_info s.ss > info
[ ! -s stderr ] || fail "ss-info wrote to stderr: $(cat stderr)"
[ "$(field format info)" = 'securestreams 1' ] || fail "format: $(cat info)"
[ -n "$(field cipher info)" ] || fail "no cipher: $(cat info)"
[ "$(field recipients info)" = 2 ] || fail "recipients: $(cat info)"
[ "$(field chunks info)" = "$nchunks" ] || fail "chunks (framing says $nchunks): $(cat info)"
[ "$(field bytes info)" = "$(filesize s.ss)" ] || fail "bytes (size $(filesize s.ss)): $(cat info)"
grep -Eq '^(columns|names|records):' info && fail "ss-info without a key knows too much: $(cat info)"
[ "$(field integrity info)" = 'not checked (give -i IDENTITY)' ] ||
    fail "ss-info without a key: $(cat info)"
[ "$(sed 's/:.*//' info | tr '\n' /)" = format/cipher/recipients/chunks/bytes/integrity/ ] ||
    fail "ss-info lines out of order: $(cat info)"

# With a key (either recipient's): also columns, names, records, verified.
for who in me other; do
	expect_status 0 ss_info -i $who.key s.ss > info
	[ ! -s stderr ] || fail "ss-info -i wrote to stderr: $(cat stderr)"
	[ "$(field format info)" = 'securestreams 1' ] &&
	[ "$(field recipients info)" = 2 ] &&
	[ "$(field chunks info)" = "$nchunks" ] &&
	[ "$(field bytes info)" = "$(filesize s.ss)" ] &&
	[ "$(field columns info)" = 3 ] &&
	[ "$(field names info)" = 'id,full name,"say ""hi"""' ] &&
	[ "$(field records info)" = 1000 ] &&
	[ "$(field 'field bytes' info)" = "$fieldbytes" ] &&
	[ "$(field integrity info)" = verified ] ||
	    fail "ss-info -i $who.key: $(cat info)"
	[ "$(sed 's/:.*//' info | tr '\n' /)" = \
	    format/cipher/recipients/columns/names/chunks/bytes/records/field\ bytes/integrity/ ] ||
	    fail "ss-info -i lines out of order: $(cat info)"
done
# Several -i, the second matching.
expect_status 0 ss_info -i eve.key -i me.key s.ss > info
[ "$(field integrity info)" = verified ] || fail "ss-info -i eve -i me: $(cat info)"

# Standard input: a file, '-', a pipe.
expect_status 0 ss_info -i me.key - < s.ss > info2
expect_status 0 ss_info -i me.key < s.ss > info3
cat s.ss | ss_info -i me.key > info4 || fail "ss-info from a pipe"
expect_same info info2 "ss-info -"
expect_same info info3 "ss-info on stdin"
expect_same info info4 "ss-info from a pipe"

# One recipient, one chunk of records; an empty stream; a name with a
# newline (the names line is CSV).
printf 'a\n1\n' > one.csv
ss_encrypt -r "$me" -o one.ss one.csv
expect_status 0 ss_info -i me.key one.ss > info
[ "$(field recipients info)" = 1 ] && [ "$(field chunks info)" = 2 ] &&
[ "$(field columns info)" = 1 ] && [ "$(field names info)" = a ] &&
[ "$(field records info)" = 1 ] && [ "$(field bytes info)" = "$(filesize one.ss)" ] ||
    fail "ss-info on one record: $(cat info)"
: > empty.csv
ss_encrypt -r "$me" -o empty.ss empty.csv
expect_status 0 ss_info -i me.key empty.ss > info
[ "$(field columns info)" = 0 ] && [ "$(field records info)" = 0 ] &&
[ "$(field chunks info)" = 2 ] && [ "$(field integrity info)" = verified ] ||
    fail "ss-info on an empty stream: $(cat info)"
grep -q '^names:' info && fail "an empty stream has names: $(cat info)"
printf '"two\nlines",b\n1,2\n' > nl.csv
ss_encrypt -r "$me" -o nl.ss nl.csv
expect_status 0 ss_info -i me.key nl.ss > info
grep -q '^names: "two$' info && grep -qx 'lines",b' info ||
    fail "ss-info names with a newline: $(cat info)"

# Failures: exit 1, one line, as ss-decrypt says it.
expect_status 1 ss_info -i eve.key s.ss > /dev/null
expect_stderr_is 'ss-info: s.ss: no identity matches a recipient of this stream (wrong key?)'
expect_status 1 ss_info in.csv > /dev/null
expect_stderr_is 'ss-info: in.csv: not a securestreams stream (bad magic)'
expect_status 1 ss_info - < in.csv > /dev/null
expect_stderr_is 'ss-info: not a securestreams stream (bad magic)'
expect_status 1 ss_info < /dev/null > /dev/null
expect_stderr_is 'ss-info: empty input: not a securestreams stream'
head -c $(( $(filesize s.ss) - 5 )) s.ss > trunc.ss
expect_status 1 ss_info trunc.ss > /dev/null
expect_stderr_is "ss-info: trunc.ss: stream truncated inside chunk $nchunks"
expect_status 1 ss_info -i me.key trunc.ss > /dev/null
expect_stderr_is "ss-info: trunc.ss: stream truncated inside chunk $nchunks"
# Tampered body: only a key can tell.
cp s.ss bad.ss; flip_bit bad.ss $(( $(filesize s.ss) - 30 ))
expect_status 0 ss_info bad.ss > /dev/null
expect_status 1 ss_info -i me.key bad.ss > /dev/null
expect_stderr_is "ss-info: bad.ss: chunk $nchunks: authentication failed (tampered, reordered, or from another stream)"
# --stats: one line on stderr after the summary, counting what was read.
ss_info --stats -i me.key s.ss > /dev/null 2> stats
grep -Eq "^ss-info: 1000 records, 0 CSV bytes, $(filesize s.ss) stream bytes, .* MB/s, .* records/s$" stats ||
    fail "ss-info --stats printed: $(cat stats)"
ss_info --stats s.ss > /dev/null 2> stats
grep -Eq "^ss-info: 0 records, 0 CSV bytes, $(filesize s.ss) stream bytes" stats ||
    fail "ss-info --stats without a key printed: $(cat stats)"

# A key file problem is a usage/system error.
expect_status 2 ss_info -i nope.key s.ss > /dev/null
expect_stderr '^ss-info: nope\.key: .*No such file or directory$'

pass
