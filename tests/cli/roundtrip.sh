#!/bin/bash
# Round trips over CSV edge cases.  For every input X, D1 = decrypt(encrypt(X))
# must be the expected canonical CSV (LF line ends, minimal quoting, a lone
# empty field written as ""), and decrypt(encrypt(D1)) must equal D1 byte for
# byte.  For canonical X, D1 == X.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

newkey me

# Options for every rt(): ss-encrypt's and ss-decrypt's.
enc=()
dec=()

# rt IN OUT: encrypt IN to rt.ss, decrypt rt.ss to OUT; both must succeed
# silently.
rt() {
	ss_encrypt -r "$PUB" ${enc[@]+"${enc[@]}"} -o rt.ss "$1" 2>err ||
	    fail "encrypt $1: $(cat err)"
	[ ! -s err ] || fail "encrypt $1 wrote to stderr: $(cat err)"
	ss_decrypt -i me.key ${dec[@]+"${dec[@]}"} -o "$2" rt.ss 2>err ||
	    fail "decrypt $1: $(cat err)"
	[ ! -s err ] || fail "decrypt $1 wrote to stderr: $(cat err)"
}

# check NAME IN WANT: D1 = rt(IN) is WANT, and rt(D1) is D1 (which needs
# another run only if IN was not canonical).
check() {
	rt "$2" d1.csv
	expect_same "$3" d1.csv "$1: decrypt(encrypt(X))"
	cmp -s "$2" "$3" && return 0
	rt d1.csv d2.csv
	expect_same d1.csv d2.csv "$1: decrypt(encrypt(D1)) != D1"
}

# canon NAME FILE: FILE is canonical: it must come back unchanged.
canon() { check "$1" "$2" "$2"; }

# Plain data.
printf 'id,name,note\n1,alice,hello world\n2,bob, spaces kept \n' > plain.csv
canon plain plain.csv

# Embedded LF and CRLF and a bare CR inside quotes.
printf 'id,text\n1,"line1\nline2"\n2,"crlf\r\ninside"\n3,"bare\rcr"\n4,"\n"\n' > nl.csv
canon "embedded newlines" nl.csv

# Embedded quotes and delimiters; quoting that is not needed is dropped.
printf 'a,b,c\n"say ""hi""","x,y",""""\n"plain","q""",","\n' > q.csv
printf 'a,b,c\n"say ""hi""","x,y",""""\nplain,"q""",","\n' > q.want
check "quotes and delimiters" q.csv q.want

# Empty fields; a quoted empty field is just empty when not alone.
printf 'a,b,c\n,,\n1,,3\n"",x,""\n,"",\n' > empty.csv
printf 'a,b,c\n,,\n1,,3\n,x,\n,,\n' > empty.want
check "empty fields" empty.csv empty.want

# UTF-8: multi-byte characters and emoji, in names and values, quoted or not.
printf '名前,émoji,ß\nΩμέγα,😀🎉,"ü,ö"\n"日本\n語",👩‍👩‍👧,€\n' > utf8.csv
canon utf8 utf8.csv

# CRLF line ends become LF, and come back with --crlf.
printf 'a,b\r\n1,2\r\n"x\r\ny",3\r\n' > crlf.csv
printf 'a,b\n1,2\n"x\r\ny",3\n' > crlf.want
check "CRLF line ends" crlf.csv crlf.want
dec=(--crlf)
rt crlf.csv crlf.back
expect_same crlf.csv crlf.back "--crlf"
dec=()

# A bare CR outside quotes ends a record too (old Mac files).
printf 'a,b\r1,2\r"x\ry",3\r' > cr.csv
printf 'a,b\n1,2\n"x\ry",3\n' > cr.want
check "bare CR line ends" cr.csv cr.want
printf 'a,b\r\n1,2\r3,4\n' > mixed.csv
printf 'a,b\n1,2\n3,4\n' > mixed.want
check "mixed line ends" mixed.csv mixed.want

# Missing final newline; blank lines (LF and CRLF) are skipped; a BOM is
# dropped.
printf 'a,b\n\n1,2\r\n\r\n\n3,4' > blank.csv
printf 'a,b\n1,2\n3,4\n' > blank.want
check "blank lines, no final newline" blank.csv blank.want
printf '\357\273\277a,b\n1,2\n' > bom.csv
printf 'a,b\n1,2\n' > bom.want
check BOM bom.csv bom.want
printf '\357\273\277"a",b\n1,2\n' > bomq.csv
check "BOM, quoted header" bomq.csv bom.want
# A BOM anywhere else is data; a quoted BOM at the start too (and it stays
# quoted, so that it is not dropped next time).
printf 'a,b\n\357\273\2771,2\n' > bom2.csv
canon "BOM not at the start" bom2.csv
printf '"\357\273\277a",b\n1,2\n' > bom3.csv
canon "quoted BOM at the start" bom3.csv
printf '\357\273\277"\357\273\277a",b\n1,2\n' > bom4.csv
check "BOM, then a quoted BOM" bom4.csv bom3.csv
printf '"\357\273\277"\n""\n' > bom5.csv
canon "a BOM alone" bom5.csv

# Header only, with and without the newline; one row.
printf 'a,b,c\n' > hdr.csv
canon "header only" hdr.csv
printf 'a,b,c' > hdr2.csv
check "header only, no newline" hdr2.csv hdr.csv
ss_encrypt -r "$PUB" -o hdr.ss hdr.csv || fail "encrypt header only"
ss_info -i me.key hdr.ss > info || fail "ss-info on header only"
grep -qx 'records: 0' info && grep -qx 'columns: 3' info ||
    fail "ss-info on a header-only stream: $(cat info)"

# One column, including empty values (written as "", never as blank lines).
printf 'v\nx\n""\n\ny\n""\n' > one.csv
printf 'v\nx\n""\ny\n""\n' > one.want
check "one column" one.csv one.want
printf '""\n""\n' > oneempty.csv
canon "one column, empty name" oneempty.csv

# 10,000 columns.
awk 'BEGIN {
	for (r = 0; r <= 3; r++) {
		for (c = 1; c <= 10000; c++)
			printf "%s%s", (c > 1 ? "," : ""), (r == 0 ? "c" c : "r" r "v" c)
		printf "\n"
	}
}' > wide.csv
canon "10000 columns" wide.csv
ss_encrypt -r "$PUB" -o wide.ss wide.csv || fail "encrypt wide"
ss_info -i me.key wide.ss > info || fail "ss-info wide"
grep -qx 'columns: 10000' info && grep -qx 'records: 3' info ||
    fail "ss-info on 10000 columns: $(grep -v names info)"

# A 1 MiB field of random text full of quotes, delimiters, CR and LF, and a
# plain 1 MiB field.
head -c 1048576 /dev/urandom |
    LC_ALL=C tr '\000-\377' '[a*96][b*64][,*24]["*24][\n*24][\r*24]' > blob
[ "$(filesize blob)" = 1048576 ] || fail "test bug: blob is $(filesize blob) bytes"
{ printf 'id,blob,tail\n1,"'; sed 's/"/""/g' blob; printf '",end\n2,,x\n'; } > big.csv
canon "1 MiB field" big.csv
{ printf 'id,blob\n1,'; head -c 1048576 /dev/zero | tr '\0' x; printf '\n2,y\n'; } > big2.csv
canon "1 MiB plain field" big2.csv

# Tab delimiter: commas are data, tabs are special.
printf 'a\tb\tc\n1,2\t"t\tab"\t"q"""\n\t\t\n' > tab.csv
enc=(-d tab)
dec=(-d tab)
canon "tab delimiter" tab.csv
# The same stream written as comma-separated CSV.
dec=()
rt tab.csv tab.comma
printf 'a,b,c\n"1,2",t\tab,"q"""\n,,\n' > tab.want
expect_same tab.want tab.comma "tab in, comma out"
enc=(-d ';')
dec=(-d ';')
printf 'a;b\n1,5;"x;y"\n' > semi.csv
canon "semicolon delimiter" semi.csv
enc=()
dec=()

# --no-header: columns are named c1..cN.
printf '1,2,3\n4,5,6\n' > nohdr.csv
enc=(--no-header)
rt nohdr.csv d1.csv
printf 'c1,c2,c3\n1,2,3\n4,5,6\n' > nohdr.want
expect_same nohdr.want d1.csv "--no-header"
enc=()
# Its output is ordinary CSV with a header.
rt d1.csv d2.csv
expect_same d1.csv d2.csv "--no-header output round trip"

# Many chunks: 600 rows at the smallest chunk size.
awk 'BEGIN { print "n,square,text"; for (i = 1; i <= 600; i++) printf "%d,%d,\"row %d, ok\"\n", i, i * i, i }' > many.csv
enc=(--chunk-size 1024)
canon "many chunks" many.csv
chunks=$(ss_info rt.ss | sed -n 's/^chunks: //p')
[ "$chunks" -gt 10 ] || fail "600 rows at --chunk-size 1024 made $chunks chunks"
[ "$chunks" = $(( $(chunk_offsets rt.ss | wc -l) - 1 )) ] ||
    fail "ss-info counts $chunks chunks, the framing has another count"
enc=()

# Standard input and output, through pipes.
cat many.csv | ss_encrypt -r "$PUB" --chunk-size 1024 | cat > pipe.ss ||
    fail "encrypt through a pipe"
cat pipe.ss | ss_decrypt -i me.key | cat > pipe.csv ||
    fail "decrypt through a pipe"
expect_same many.csv pipe.csv "pipes"

# Empty input and input of blank lines only: a valid stream of nothing.
: > empty0.csv
canon "empty input" empty0.csv
ss_encrypt -r "$PUB" -o e.ss empty0.csv || fail "encrypt empty input"
[ "$(ss_info -i me.key e.ss | grep -E '^(columns|records):' | tr '\n' ' ')" = \
    "columns: 0 records: 0 " ] || fail "ss-info on an empty stream: $(ss_info -i me.key e.ss)"
printf '\n\r\n\n' > blanks.csv
check "only blank lines" blanks.csv empty0.csv

# Random CSV: fields built from awkward pieces, quoted at random where
# optional, random LF/CRLF line ends and blank lines; the generator also
# writes the canonical form, which the round trip must produce exactly.
# gen SEED ROWS COLS DELIM
gen() {
	LC_ALL=C awk -v seed="$1" -v rows="$2" -v cols="$3" -v d="$4" '
	function special(s) {
		return index(s, d) || index(s, "\"") || index(s, "\r") ||
		    index(s, "\n")
	}
	function quote(s) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
	BEGIN {
		srand(seed)
		n = 0
		p[n++] = "a"; p[n++] = "Z"; p[n++] = "0"; p[n++] = "x y"
		p[n++] = " "; p[n++] = ","; p[n++] = ";"; p[n++] = "\t"
		p[n++] = "\""; p[n++] = "\"\""; p[n++] = "\n"; p[n++] = "\r\n"
		p[n++] = "\r"; p[n++] = "é"; p[n++] = "€"; p[n++] = "😀"
		p[n++] = "\357\273\277"; p[n++] = "\\"; p[n++] = "#"
		for (r = 0; r <= rows; r++) {
			x = ""; w = ""
			for (c = 1; c <= cols; c++) {
				k = int(rand() * 5); f = ""
				for (i = 0; i < k; i++)
					f = f p[int(rand() * n)]
				# A leading BOM at the very start is quoted, or it
				# would be taken for an encoding hint.
				q = special(f) || (cols == 1 && f == "") ||
				    (r == 0 && c == 1 && index(f, "\357\273\277") == 1)
				sep = (c > 1) ? d : ""
				w = w sep (q ? quote(f) : f)
				x = x sep ((q || rand() < 0.3) ? quote(f) : f)
			}
			if (rand() < 0.1)
				printf (rand() < 0.5 ? "\n" : "\r\n") > "x.csv"
			eol = (rand() < 0.5) ? "\r\n" : "\n"
			if (r == rows && rand() < 0.5)
				eol = ""
			printf "%s%s", x, eol > "x.csv"
			printf "%s\n", w > "want.csv"
		}
	}'
}
specs=("1 200 5 ," "2 300 1 ," "3 100 12 ;" "4 200 3 tab" "$RANDOM 200 4 ,")
slow && specs=("1 200 5 ," "4 200 3 tab")
for spec in "${specs[@]}"; do
	set -- $spec
	delim=$4
	[ "$delim" = tab ] && delim=$(printf '\t')
	gen "$1" "$2" "$3" "$delim"
	enc=(-d "$4" --chunk-size 1024)
	dec=(-d "$4")
	check "random CSV (seed $1, $3 columns, delimiter '$4')" x.csv want.csv
done

pass
