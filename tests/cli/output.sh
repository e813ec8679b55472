#!/bin/bash
# Inputs and outputs: -o is atomic for ss-encrypt and ss-decrypt, '-' means
# stdin/stdout, /dev/null works, missing files, write errors, SIGPIPE, a
# terminal, signals.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

newkey me

awk 'BEGIN { print "n,text"; for (i = 1; i <= 3000; i++) printf "%d,line %d of the test\n", i, i }' > in.csv
ss_encrypt -r "$PUB" -o in.ss in.csv || fail "encrypt"
printf 'old contents\n' > old

# -o: success writes the file, with the mode open(2) would give it.
for mask in 022 077; do
	rm -f out.ss out.csv
	(umask $mask && ss_encrypt -r "$PUB" -o out.ss in.csv) || fail "encrypt -o"
	(umask $mask && ss_decrypt -i me.key -o out.csv out.ss) || fail "decrypt -o"
	expect_same in.csv out.csv "-o round trip"
	want=$(printf '%o' $(( 0666 & ~0$mask )))
	[ "$(stat -c %a out.ss)" = "$want" ] && [ "$(stat -c %a out.csv)" = "$want" ] ||
	    fail "umask $mask: -o made modes $(stat -c %a out.ss) and $(stat -c %a out.csv)"
	ls -a | grep -q '^\.out\.' && fail "a temporary file was left: $(ls -a)"
done
# -o replaces an existing file on success.
cp old out.csv
expect_status 0 ss_decrypt -i me.key -o out.csv in.ss
expect_same in.csv out.csv "decrypt -o over an existing file"
cp old out.ss
expect_status 0 ss_encrypt -r "$PUB" -o out.ss in.csv
expect_status 0 ss_decrypt -i me.key out.ss > out.csv
expect_same in.csv out.csv "encrypt -o over an existing file"
# ... keeping that file's mode, whatever the umask.
for mode in $(some 600 644 640); do
	for tool in encrypt decrypt; do
		cp old "kept.$tool"; chmod $mode "kept.$tool"
		if [ $tool = encrypt ]; then
			(umask 022 && ss_encrypt -r "$PUB" -o kept.encrypt in.csv) ||
			    fail "encrypt -o over a mode $mode file"
		else
			(umask 077 && ss_decrypt -i me.key -o kept.decrypt in.ss) ||
			    fail "decrypt -o over a mode $mode file"
			expect_same in.csv kept.decrypt "decrypt -o over a mode $mode file"
		fi
		[ "$(stat -c %a "kept.$tool")" = $mode ] ||
		    fail "ss-$tool -o changed mode $mode to $(stat -c %a "kept.$tool")"
	done
done
# -o through a symlink replaces the target and keeps the link.
ln -s out.csv link.csv
cp old out.csv
expect_status 0 ss_decrypt -i me.key -o link.csv in.ss
[ -L link.csv ] || fail "-o replaced a symlink"
expect_same in.csv out.csv "decrypt -o through a symlink"
rm link.csv

# -o and failure: no file (no temporary file either); an existing file is
# untouched.  ss-encrypt: bad CSV, bad recipient, missing input.
printf 'a,b\n1,2\n' > good.csv
{ cat in.csv; printf '1,2,3\n'; } > bad.csv
for target in new.ss old.ss; do
	rm -f "$target"; [ "$target" = old.ss ] && cp old old.ss
	expect_status 1 ss_encrypt -r "$PUB" --chunk-size 1024 -o "$target" bad.csv
	expect_stderr_is 'ss-encrypt: bad.csv: line 3002: 3 fields, expected 2'
	expect_status 2 ss_encrypt -r "${PUB%?}" -o "$target" good.csv
	expect_stderr "^ss-encrypt: -r: 'sspub1-[^ ]*': malformed public key"
	expect_status 2 ss_encrypt -r "$PUB" -o "$target" nope.csv
	expect_stderr_is 'ss-encrypt: nope.csv: No such file or directory'
	if [ "$target" = old.ss ]; then
		expect_same old old.ss "failed ss-encrypt -o over an existing file"
		for t in .old.ss.*; do [ ! -e "$t" ] || fail "left $t"; done
	else
		expect_no_output . new.ss
	fi
done
# ss-decrypt: a stream tampered late (after output buffers were written),
# truncated, for someone else, missing.
head -c $(( $(filesize in.ss) - 1 )) in.ss > trunc.ss
cp in.ss late.ss; flip_bit late.ss $(( $(filesize in.ss) - 20 ))
mine=$PUB; newkey other; PUB=$mine
for target in new.csv old.csv; do
	rm -f "$target"; [ "$target" = old.csv ] && cp old old.csv
	expect_status 1 ss_decrypt -i me.key -o "$target" late.ss
	expect_stderr '^ss-decrypt: late\.ss: chunk [0-9]+: authentication failed'
	expect_status 1 ss_decrypt -i me.key -o "$target" trunc.ss
	expect_stderr '^ss-decrypt: trunc\.ss: stream truncated inside chunk [0-9]+$'
	expect_status 1 ss_decrypt -i other.key -o "$target" in.ss
	expect_stderr_is 'ss-decrypt: in.ss: no identity matches a recipient of this stream (wrong key?)'
	expect_status 2 ss_decrypt -i me.key -o "$target" nope.ss
	expect_stderr_is 'ss-decrypt: nope.ss: No such file or directory'
	if [ "$target" = old.csv ]; then
		expect_same old old.csv "failed ss-decrypt -o over an existing file"
		for t in .old.csv.*; do [ ! -e "$t" ] || fail "left $t"; done
	else
		expect_no_output . new.csv
	fi
done
# An output directory that does not exist, or is not writable; an output
# that is a directory.
expect_status 2 ss_decrypt -i me.key -o nodir/out.csv in.ss
expect_stderr '^ss-decrypt: nodir/out\.csv: .*No such file or directory$'
expect_status 2 ss_encrypt -r "$PUB" -o . in.csv
expect_stderr '^ss-encrypt: \.: is a directory$'
if [ "$(id -u)" != 0 ]; then
	mkdir ro; chmod 555 ro
	expect_status 2 ss_decrypt -i me.key -o ro/out.csv in.ss
	expect_stderr '^ss-decrypt: ro/out\.csv: .*Permission denied$'
	expect_no_output ro out.csv
fi
# Inputs that are not files.
expect_status 2 ss_encrypt -r "$PUB" .
expect_stderr_is 'ss-encrypt: .: is a directory'
expect_status 2 ss_decrypt -i me.key .
expect_stderr_is 'ss-decrypt: .: is a directory'
expect_status 2 ss_info nope.ss
expect_stderr_is 'ss-info: nope.ss: No such file or directory'

# -o /dev/null: works, and /dev/null is still a device afterwards.
expect_status 0 ss_encrypt -r "$PUB" -o /dev/null in.csv
expect_status 0 ss_decrypt -i me.key -o /dev/null in.ss
[ -c /dev/null ] || fail "/dev/null is no longer a device"

# '-': standard input and output.
expect_status 0 ss_encrypt -r "$PUB" -o - - < in.csv > dash.ss
expect_status 0 ss_decrypt -i me.key -o - - < dash.ss > dash.csv
expect_same in.csv dash.csv "'-' for stdin and stdout"
expect_status 0 ss_info - < dash.ss > info
grep -qx "bytes: $(filesize dash.ss)" info || fail "ss-info -: $(cat info)"

# Write errors: one line, exit 2.
if [ -w /dev/full ]; then
	expect_status 2 ss_decrypt -i me.key in.ss > /dev/full
	expect_stderr '^ss-decrypt: stdout: (write: )?No space left on device$'
	expect_status 2 ss_encrypt -r "$PUB" in.csv > /dev/full
	expect_stderr '^ss-encrypt: stdout: (write: )?No space left on device$'
	expect_status 2 ss_decrypt -i me.key -o /dev/full in.ss
	expect_stderr '^ss-decrypt: /dev/full: (write: )?No space left on device$'
	expect_status 2 ss_info -i me.key in.ss > /dev/full
	expect_stderr '^ss-info: stdout: (write: )?No space left on device$'
	expect_status 2 ss_keygen -y me.key > /dev/full
	expect_stderr '^ss-keygen: stdout: (write: )?No space left on device$'
	expect_status 2 ss_keygen > /dev/full
	expect_stderr '^ss-keygen: stdout: (write: )?No space left on device$'
	# A small output fails at the end, not silently.
	printf 'a\n1\n' > tiny.csv
	ss_encrypt -r "$PUB" -o tiny.ss tiny.csv
	expect_status 2 ss_decrypt -i me.key tiny.ss > /dev/full
	expect_stderr '^ss-decrypt: stdout: (write: )?No space left on device$'
fi

# A write error part way through (a file size limit, SIGXFSZ ignored):
# exit 2, one line naming the output (not the input), nothing left behind.
awk 'BEGIN { print "n,text"; for (i = 1; i <= 20000; i++) printf "%d,line %d of the test\n", i, i }' > mid.csv
ss_encrypt -r "$PUB" -o mid.ss mid.csv || fail "encrypt mid"
limited() { (trap '' XFSZ; ulimit -f 64; "$@"); }
expect_status 2 limited ss_encrypt -r "$PUB" -o fz.ss mid.csv
expect_stderr_is 'ss-encrypt: fz.ss: write: File too large'
expect_no_output . fz.ss
expect_status 2 limited ss_decrypt -i me.key -o fz.csv mid.ss
expect_stderr_is 'ss-decrypt: fz.csv: write: File too large'
expect_no_output . fz.csv
expect_status 2 limited ss_encrypt -r "$PUB" mid.csv > fz.ss
expect_stderr_is 'ss-encrypt: stdout: write: File too large'
expect_status 2 limited ss_decrypt -i me.key mid.ss > fz.csv
expect_stderr_is 'ss-decrypt: stdout: write: File too large'
rm -f fz.ss fz.csv

# A read error on a named input (reading /proc/self/mem at offset 0 fails
# with EIO): exit 2, the name said once.
if [ -r /proc/self/mem ] && ! head -c 1 /proc/self/mem > /dev/null 2>&1; then
	expect_status 2 ss_decrypt -i me.key /proc/self/mem
	expect_stderr_is 'ss-decrypt: /proc/self/mem: read: Input/output error'
	expect_status 2 ss_info /proc/self/mem
	expect_stderr_is 'ss-info: /proc/self/mem: read: Input/output error'
	expect_status 2 ss_encrypt -r "$PUB" -o x.ss /proc/self/mem
	expect_stderr_is 'ss-encrypt: /proc/self/mem: read: Input/output error'
	expect_no_output . x.ss
fi
# Standard input open for writing only: a read error too.
expect_status 2 ss_decrypt -i me.key - 0>> wo.txt
expect_stderr '^ss-decrypt: stdin: read: '
expect_status 2 ss_encrypt -r "$PUB" -o x.ss 0>> wo.txt
expect_stderr '^ss-encrypt: stdin: read: '
expect_no_output . x.ss

# SIGPIPE: a reader that goes away early is not an error.
awk 'BEGIN { print "n,text"; for (i = 1; i <= 40000; i++) printf "%d,a longer line of text number %d\n", i, i }' > big.csv
ss_encrypt -r "$PUB" -o big.ss big.csv || fail "encrypt big"
ss_decrypt -i me.key big.ss 2> err | head -n 1 > first
status=${PIPESTATUS[0]}
[ "$status" = 141 ] || [ "$status" = 0 ] || fail "ss-decrypt | head exited $status"
[ ! -s err ] || fail "ss-decrypt | head: $(cat err)"
[ "$(cat first)" = n,text ] || fail "ss-decrypt | head printed $(cat first)"
ss_encrypt -r "$PUB" big.csv 2> err | head -c 100 > /dev/null
status=${PIPESTATUS[0]}
[ "$status" = 141 ] || [ "$status" = 0 ] || fail "ss-encrypt | head exited $status"
[ ! -s err ] || fail "ss-encrypt | head: $(cat err)"
cat big.csv | ss_encrypt -r "$PUB" 2> err | head -c 100 > /dev/null
status=${PIPESTATUS[1]}
[ "$status" = 141 ] || [ "$status" = 0 ] || fail "cat | ss-encrypt | head exited $status"
[ ! -s err ] || fail "cat | ss-encrypt | head: $(cat err)"

# A terminal: ss-encrypt refuses to write binary to it, unless -o -.
if command -v script > /dev/null &&
    script -qec true /dev/null > /dev/null 2>&1 < /dev/null; then
	script -qec "$SS_WRAP $SS_BIN/ss-encrypt -r $PUB good.csv" /dev/null \
	    < /dev/null > tty.out 2>&1 && fail "ss-encrypt wrote to a terminal"
	status=$?
	[ "$status" = 2 ] || fail "ss-encrypt on a terminal exited $status"
	tr -d '\r' < tty.out > tty.txt
	[ "$(wc -l < tty.txt)" = 1 ] &&
	    grep -q '^ss-encrypt: refusing to write binary data to a terminal' tty.txt ||
	    fail "ss-encrypt on a terminal said: $(cat tty.txt)"
	script -qec "$SS_WRAP $SS_BIN/ss-encrypt -r $PUB -o - good.csv" /dev/null \
	    < /dev/null > tty.out 2>&1 || fail "ss-encrypt -o - to a terminal failed"
	grep -q 'refusing' tty.out && fail "ss-encrypt -o - refused a terminal"
	# ss-decrypt writes text: a terminal is fine.
	ss_encrypt -r "$PUB" -o good.ss good.csv
	script -qec "$SS_WRAP $SS_BIN/ss-decrypt -i me.key good.ss" /dev/null \
	    < /dev/null > tty.out 2>&1 || fail "ss-decrypt to a terminal failed"
	[ "$(tr -d '\r' < tty.out)" = "$(cat good.csv)" ] ||
	    fail "ss-decrypt on a terminal printed $(cat tty.out)"
fi

# Killed by SIGTERM while writing -o: no partial file is left.
mkfifo fifo
for tool in encrypt decrypt; do
	rm -f killed.out
	if [ $tool = encrypt ]; then
		# Not through the ss_ functions: $! must be the process itself.
		$SS_WRAP "$SS_BIN/ss-encrypt" -r "$PUB" -o killed.out fifo 2> err &
		pid=$!
		exec 3> fifo
		head -n 100 in.csv >&3
	else
		$SS_WRAP "$SS_BIN/ss-decrypt" -i me.key -o killed.out fifo 2> err &
		pid=$!
		exec 3> fifo
		head -c 2000 in.ss >&3
	fi
	# Wait for the temporary file, then kill the process.
	for i in $(seq 200); do
		ls -a | grep -q '^\.killed\.out\.' && break
		sleep 0.05
	done
	ls -a | grep -q '^\.killed\.out\.' || fail "ss-$tool -o made no temporary file"
	kill -TERM $pid
	set +e
	wait $pid
	status=$?
	set -e
	exec 3>&-
	[ "$status" = 143 ] || fail "ss-$tool killed by SIGTERM exited $status"
	[ ! -s err ] || fail "ss-$tool killed by SIGTERM said: $(cat err)"
	expect_no_output . killed.out
done

pass
