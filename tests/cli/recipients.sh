#!/bin/bash
# Several recipients: -r and -R together; each identity decrypts, others
# cannot; several -i; recipients-file errors.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

newkey alice; alice=$PUB
newkey bob; bob=$PUB
newkey carol; carol=$PUB
newkey dave; dave=$PUB
newkey eve; eve=$PUB

awk 'BEGIN { print "id,who"; for (i = 1; i <= 50; i++) printf "%d,row %d\n", i, i }' > in.csv

# Carol and Dave come from a recipients file with comments, blank lines,
# indentation and a CRLF line end.
printf '# team keys\n\n  %s\t\r\n# %s is not here\n%s\n' \
    "$carol" "$eve" "$dave" > team.txt
expect_status 0 ss_encrypt -r "$alice" -R team.txt -r "$bob" -o s.ss in.csv
[ ! -s stderr ] || fail "ss-encrypt wrote to stderr: $(cat stderr)"

# The header has four stanzas.
[ "$(header_len s.ss)" = $(( 28 + 80 * 4 + 32 )) ] ||
    fail "header length $(header_len s.ss) for 4 recipients"
ss_info s.ss > info || fail "ss-info"
grep -qx 'recipients: 4' info || fail "ss-info: $(cat info)"

for who in alice bob carol dave; do
	expect_status 0 ss_decrypt -i "$who.key" s.ss > out
	expect_same in.csv out "decrypt as $who"
done

# A non-recipient cannot, and learns nothing.
expect_status 1 ss_decrypt -i eve.key s.ss > out
expect_stderr_is "ss-decrypt: s.ss: no identity matches a recipient of this stream (wrong key?)"
[ ! -s out ] || fail "wrong key produced output"
expect_status 1 ss_decrypt -i eve.key -o out.csv s.ss
expect_no_output . out.csv
expect_status 1 ss_info -i eve.key s.ss > /dev/null
expect_stderr_is "ss-info: s.ss: no identity matches a recipient of this stream (wrong key?)"

# Several -i: the first does not match, the second does (and the other way).
expect_status 0 ss_decrypt -i eve.key -i dave.key s.ss > out
expect_same in.csv out "decrypt with -i eve -i dave"
expect_status 0 ss_decrypt -i bob.key -i eve.key s.ss > out
expect_same in.csv out "decrypt with -i bob -i eve"
# Several keys in one identity file, the matching one last.
{ cat eve.key; grep -v '^#' carol.key; } > ring.key
expect_status 0 ss_decrypt -i ring.key s.ss > out
expect_same in.csv out "decrypt with a key ring"

# The same key given twice still makes a working stream.
expect_status 0 ss_encrypt -r "$alice" -r "$alice" -o twice.ss in.csv
expect_status 0 ss_decrypt -i alice.key twice.ss > out
expect_same in.csv out "a recipient listed twice"

# -R from standard input.
printf '%s\n' "$bob" | ss_encrypt -R - -o stdin.ss in.csv || fail "-R -"
expect_status 0 ss_decrypt -i bob.key stdin.ss > out
expect_same in.csv out "-R -"

# Recipients-file errors name the file and the line; exit 2; no output.
printf '# ok\n%s\n\n%s\n' "$alice" "${bob%?}" > bad1.txt
expect_status 2 ss_encrypt -R bad1.txt -o x.ss in.csv
expect_stderr_is "ss-encrypt: bad1.txt: line 4: malformed public key (wrong length or characters)"
expect_no_output . x.ss
c=$(printf '%s' "$carol" | cut -c 30)
if [ "$c" = Q ]; then r=R; else r=Q; fi
printf '%s\n' "$(printf '%s' "$carol" | sed "s/./$r/30")" > bad2.txt
expect_status 2 ss_encrypt -R bad2.txt -o x.ss in.csv
expect_stderr_is "ss-encrypt: bad2.txt: line 1: public key checksum mismatch (mistyped or truncated?)"
expect_no_output . x.ss
{ printf '%s\n' "$alice"; grep -v '^#' eve.key; } > bad3.txt
expect_status 2 ss_encrypt -R bad3.txt -o x.ss in.csv
expect_stderr '^ss-encrypt: bad3\.txt: line 2: this is a secret key, not a public key'
evesec=$(grep -v '^#' eve.key)
grep -qF -- "${evesec#SS-SECRET-KEY-1-}" stderr && fail "a secret key was echoed: $(cat stderr)"
printf '%s\nnot a key\n' "$alice" > bad4.txt
expect_status 2 ss_encrypt -R bad4.txt -o x.ss in.csv
expect_stderr '^ss-encrypt: bad4\.txt: line 2: not a securestreams public key'
printf '# only comments\n\n' > bad5.txt
expect_status 2 ss_encrypt -R bad5.txt -o x.ss in.csv
expect_stderr_is "ss-encrypt: bad5.txt: no public key in file"
expect_status 2 ss_encrypt -R nope.txt -o x.ss in.csv
expect_stderr '^ss-encrypt: nope\.txt: .*No such file or directory$'
expect_no_output . x.ss

pass
