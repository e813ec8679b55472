#!/bin/bash
# ss-route: on generated airline data, --hash spreads the records over N
# partitions without losing or duplicating one (sorted CSV equality), every
# record of one key lands in one partition, and the partition of a key is
# fixed (the same in every run, with both backends, and as pinned here);
# each partition decrypts with its own worker's key only (-R 'w{}.pub');
# --round-robin deals record i to partition i mod N; --broadcast gives N
# copies; outputs to |commands ($SS_PARTITION), to named pipes; a command
# that fails or stops reading: exit 2, a message naming it, no -o file
# left; tampering and a wrong key: exit 1, one line, no file left; usage
# errors (exit 2); the attested flow, and a sealed route that refuses
# other recipients or another -n; --help.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

unset SS_TEE SS_ENCLAVE
export SS_PLATFORM=$TMP/plat
export LC_ALL=C

ss_route() { $SS_WRAP "$SS_BIN/ss-route" "$@"; }
ss_merge() { $SS_WRAP "$SS_BIN/ss-merge" "$@"; }
ss_attest() { $SS_WRAP "$SS_BIN/ss-attest" "$@"; }

newkey stage; ST=$PUB
newkey consumer; C=$PUB
newkey merger; MG=$PUB
for i in 0 1 2 3; do
	newkey w$i
	echo "$PUB" > w$i.pub
done

if slow; then rows=1500; else rows=20000; fi
"$TOP/scripts/gen-airline" "$rows" > air.csv
[ "$(head -n 1 air.csv | cut -d, -f9)" = UniqueCarrier ] ||
    fail "test bug: air.csv columns: $(head -n 1 air.csv)"
ss_encrypt -r "$ST" -o air.ss air.csv || fail "encrypt air.csv"
tail -n +2 air.csv | sort > air.sorted

# decrypt_all KEYPREFIX N NAME [KEY]: decrypt NAME0.ss ... with
# KEYPREFIX0.key ... (or KEY for all) into NAME0.csv ...; each has
# air.csv's header.
decrypt_all() {
	for ((i = 0; i < $2; i++)); do
		expect_status 0 ss_decrypt -i "${4:-$1$i.key}" -o "$3$i.csv" "$3$i.ss"
		[ "$(head -n 1 "$3$i.csv")" = "$(head -n 1 air.csv)" ] ||
		    fail "$3$i: header $(head -n 1 "$3$i.csv")"
	done
}

# union N NAME: the records of NAME0.csv ... sorted.
union() {
	for ((i = 0; i < $1; i++)); do tail -n +2 "$2$i.csv"; done | sort
}

# --- --hash: nothing lost or duplicated; one key, one partition. ---
for tee in $(some process none); do
	rm -f part*.ss
	expect_status 0 ss_route --tee $tee --hash UniqueCarrier -n 3 \
	    -i stage.key -R 'w{}.pub' -o 'part{}.ss' < air.ss
	[ ! -s "$TMP/stderr" ] || fail "ss-route said: $(cat "$TMP/stderr")"
	[ ! -e part3.ss ] || fail "a fourth partition"
	decrypt_all w 3 part
	union 3 part > got.sorted
	expect_same air.sorted got.sorted "--hash -n 3 --tee $tee: the union of the partitions"
	for i in 0 1 2; do
		[ "$(wc -l < part$i.csv)" -gt 1 ] || fail "partition $i is empty"
		cp part$i.csv $tee.part$i.csv
	done
	# Every carrier in exactly one partition.
	awk -F, 'FNR > 1 { print $9, FILENAME }' part0.csv part1.csv part2.csv |
	    sort -u | awk '{ print $1 }' | uniq -d > split.txt
	[ ! -s split.txt ] || fail "carriers in two partitions: $(tr '\n' ' ' < split.txt)"
	# Each partition's records keep their input order.
	for i in 0 1 2; do
		tail -n +2 part$i.csv | cut -d, -f9 | sort -u > keys$i
		awk -F, 'NR == FNR { k[$1] = 1; next } FNR > 1 && ($9 in k)' \
		    keys$i air.csv > want$i
		tail -n +2 part$i.csv | cmp -s - want$i ||
		    fail "partition $i is not in input order"
	done
done
# The same partitions in every run and with both backends.
if ! slow; then
	for i in 0 1 2; do
		expect_same process.part$i.csv none.part$i.csv "partition $i, process and none"
	done
fi
# The partition of a key is fixed: SipHash-2-4 under the public key
# "ss-route hash v1", mod n (ss-route(1)).  Pinned, so that a change shows.
for i in 0 1 2; do
	tail -n +2 part$i.csv | cut -d, -f9 | sort -u | sed "s/\$/ $i/"
done | sort > pinned.got
printf '%s\n' "9E 0" "AA 1" "AQ 1" "AS 2" "B6 0" "CO 0" "DL 2" "EV 0" "F9 0" \
    "FL 2" "HA 1" "MQ 1" "NW 1" "OH 2" "OO 0" "UA 1" "US 1" "WN 2" "XE 0" \
    "YV 0" | sort > pinned.want
expect_same pinned.want pinned.got "the partition of each carrier (-n 3)"

# Each partition opens with its own worker's key only.
expect_status 1 ss_decrypt -i w1.key -o /dev/null part0.ss
expect_status 1 ss_decrypt -i w0.key -o /dev/null part2.ss
expect_status 1 ss_decrypt -i consumer.key -o /dev/null part1.ss
# -r applies to every partition, as well as each one's own key.
rm -f part*.ss
expect_status 0 ss_route --hash Origin -n 2 -i stage.key -R 'w{}.pub' -r "$C" \
    -o 'part{}.ss' < air.ss
decrypt_all w 2 part
for i in 0 1; do cp part$i.csv own$i.csv; done
decrypt_all - 2 part consumer.key
for i in 0 1; do expect_same own$i.csv part$i.csv "partition $i for the consumer"; done
expect_status 1 ss_decrypt -i w1.key -o /dev/null part0.ss
# One partition: all of it.
rm -f part*.ss
expect_status 0 ss_route --hash Dest -n 1 -i stage.key -r "$C" -o one.ss < air.ss
expect_status 0 ss_decrypt -i consumer.key -o one.csv one.ss
expect_same air.csv one.csv "--hash -n 1"

# --- route, then merge: the same records. ---
expect_status 0 ss_route --hash TailNum -n 4 -i stage.key -r "$MG" -o 'm{}.ss' < air.ss
expect_status 0 ss_merge -i merger.key -r "$C" -o merged.ss m0.ss m1.ss m2.ss m3.ss
expect_status 0 ss_decrypt -i consumer.key -o merged.csv merged.ss
[ "$(head -n 1 merged.csv)" = "$(head -n 1 air.csv)" ] || fail "merged header"
tail -n +2 merged.csv | sort > merged.sorted
expect_same air.sorted merged.sorted "route --hash -n 4, then merge"

# --- --round-robin: record i to partition i mod N. ---
rm -f part*.ss
expect_status 0 ss_route --round-robin -n 4 -i stage.key -R 'w{}.pub' -o 'part{}.ss' < air.ss
decrypt_all w 4 part
for i in 0 1 2 3; do
	{ head -n 1 air.csv; awk -v i=$i 'NR > 1 && (NR - 2) % 4 == i' air.csv; } > want.csv
	expect_same want.csv part$i.csv "--round-robin partition $i"
done
# Balanced: the sizes differ by at most one.
sizes=$(for i in 0 1 2 3; do wc -l < part$i.csv; done | sort -n | sed -n '1p;$p' | tr '\n' ' ')
set -- $sizes
[ $(( $2 - $1 )) -le 1 ] || fail "--round-robin: partition sizes $sizes"

# --- --broadcast: N copies. ---
rm -f part*.ss
expect_status 0 ss_route --broadcast -n 3 -i stage.key -R 'w{}.pub' -o 'part{}.ss' < air.ss
decrypt_all w 3 part
for i in 0 1 2; do expect_same air.csv part$i.csv "--broadcast copy $i"; done
# Each copy under a file key of its own.
[ "$(slice part0.ss 12 28)" != "$(slice part1.ss 12 28)" ] || fail "two copies share a salt"

# --- Outputs: |commands and named pipes. ---
expect_status 0 ss_route --hash UniqueCarrier -n 3 -i stage.key -R 'w{}.pub' \
    -o "|$SS_BIN/ss-decrypt -i w{}.key -o cmd{}.csv" < air.ss
for i in 0 1 2; do expect_same process.part$i.csv cmd$i.csv "|command partition $i"; done
# A pipeline of stages: each partition to a worker's ss-map (as over
# ssh), the results merged.
expect_status 0 ss_route --hash UniqueCarrier -n 3 -i stage.key -R 'w{}.pub' \
    -o "|$SS_BIN/ss-map -i w{}.key -r $MG -f UniqueCarrier,ArrDelay -o mapped{}.ss" < air.ss
expect_status 0 ss_merge -i merger.key -r "$C" -o merged.ss mapped0.ss mapped1.ss mapped2.ss
expect_status 0 ss_decrypt -i consumer.key -o merged.csv merged.ss
cut -d, -f9,15 air.csv | tail -n +2 | sort > want.sorted
tail -n +2 merged.csv | sort > got.sorted
expect_same want.sorted got.sorted "route | ss-map per partition | merge"
# Without {}: the command reads $SS_PARTITION.
expect_status 0 ss_route --hash UniqueCarrier -n 3 -i stage.key -R 'w{}.pub' \
    -o '|cat > env$SS_PARTITION.ss' < air.ss
for i in 0 1 2; do
	expect_status 0 ss_decrypt -i w$i.key -o env$i.csv env$i.ss
	expect_same process.part$i.csv env$i.csv "|command with \$SS_PARTITION, partition $i"
done
# Named pipes, written in place as they are read.
mkfifo fifo0 fifo1
for i in 0 1; do ss_decrypt -i w$i.key -o fifo$i.csv fifo$i & done
expect_status 0 ss_route --round-robin -n 2 -i stage.key -R 'w{}.pub' -o 'fifo{}' < air.ss
wait
for i in 0 1; do
	{ head -n 1 air.csv; awk -v i=$i 'NR > 1 && (NR - 2) % 2 == i' air.csv; } > want.csv
	expect_same want.csv fifo$i.csv "named pipe $i"
done
[ -p fifo0 ] || fail "the named pipe was replaced"
# A live input: each partition gets its records as they come.
if ! slow; then
	mkfifo live.in live0
	{ head -c 100000 air.ss; sleep 1; tail -c +100001 air.ss; } > live.in &
	ss_decrypt -i w0.key -o live0.csv live0 &
	expect_status 0 ss_route --broadcast -n 1 -i stage.key -R 'w{}.pub' -o 'live{}' < live.in
	wait
	expect_same air.csv live0.csv "a live input to a named pipe"
fi

# --- Failures: a message, and no -o file left. ---
# A command that fails: exit 2, naming it.
expect_status 2 ss_route --hash UniqueCarrier -n 2 -i stage.key -R 'w{}.pub' \
    -o '|cat > /dev/null; exit {}3' < air.ss
expect_stderr_is "ss-route: |cat > /dev/null; exit 03: the command exited with status 3"
# One that stops reading: no silent SIGPIPE.
expect_status 2 ss_route --broadcast -n 2 -i stage.key -R 'w{}.pub' \
    -o '|head -c 10 > /dev/null' < air.ss
expect_stderr_is "ss-route: |head -c 10 > /dev/null: the command stopped reading its input"
expect_status 2 ss_route --broadcast -n 2 -i stage.key -R 'w{}.pub' \
    -o '|exit 4' < air.ss
expect_stderr_is "ss-route: |exit 4: the command exited with status 4"
# A failing stage: its commands see a truncated stream; no file is left.
head -c $(( $(filesize air.ss) / 2 )) air.ss > cut.ss
expect_status 1 ss_route --hash UniqueCarrier -n 2 -i stage.key -R 'w{}.pub' \
    -o 'bad{}.ss' < cut.ss
expect_stderr '^ss-route: '
for i in 0 1; do expect_no_output . bad$i.ss; done
cp air.ss flip.ss
flip_bit flip.ss $(( $(header_len air.ss) + 1000 ))
expect_status 1 ss_route --round-robin -n 2 -i stage.key -R 'w{}.pub' -o 'bad{}.ss' < flip.ss
expect_stderr "^ss-route: chunk 2: authentication failed \(tampered, reordered, or from another stream\)$"
for i in 0 1; do expect_no_output . bad$i.ss; done
expect_status 1 ss_route --round-robin -n 2 -i consumer.key -R 'w{}.pub' -o 'bad{}.ss' < air.ss
expect_stderr '^ss-route: .*no identity matches'
for i in 0 1; do expect_no_output . bad$i.ss; done
# No such field.
expect_status 1 ss_route --hash NoSuch -n 2 -i stage.key -R 'w{}.pub' -o 'bad{}.ss' < air.ss
expect_stderr_is "ss-route: route: no field 'NoSuch' in the input stream"
for i in 0 1; do expect_no_output . bad$i.ss; done
# A directory that is not there: nothing written anywhere.
expect_status 2 ss_route --hash Dest -n 2 -i stage.key -r "$C" -o 'nodir/p{}.ss' < air.ss
expect_stderr '^ss-route: nodir/p0.ss: .*No such file or directory$'

# --- Usage errors: exit 2. ---
usage() {
	u_want=$1
	shift
	expect_status 2 ss_route "$@" < air.ss
	expect_usage_error "$u_want"
}
usage '^ss-route: nothing to do: give --hash FIELD, --round-robin, --broadcast or --subs FILE$' \
    -n 2 -i stage.key -r "$C" -o 'p{}'
usage '^ss-route: --hash, --round-robin, --broadcast and --subs cannot be used together$' \
    --hash a --broadcast -n 2 -i stage.key -r "$C" -o 'p{}'
usage '^ss-route: give -n N$' --hash a -i stage.key -r "$C" -o 'p{}'
usage "^ss-route: -n: invalid number '0'" --hash a -n 0 -i stage.key -r "$C" -o 'p{}'
usage "^ss-route: -n: invalid number '257'" --hash a -n 257 -i stage.key -r "$C" -o 'p{}'
usage "^ss-route: -n: invalid number '02'" --hash a -n 02 -i stage.key -r "$C" -o 'p{}'
usage "^ss-route: -n: invalid number 'x'" --hash a -n x -i stage.key -r "$C" -o 'p{}'
usage '^ss-route: --hash: empty field name$' --hash '' -n 2 -i stage.key -r "$C" -o 'p{}'
usage '^ss-route: option -n given more than once$' --hash a -n 2 -n 3 -i stage.key -r "$C" -o 'p{}'
usage '^ss-route: give -o TEMPLATE' --hash a -n 2 -i stage.key -r "$C"
usage '^ss-route: -o -: 2 streams cannot share standard output' --hash a -n 2 -i stage.key -r "$C" -o -
usage '^ss-route: -o p.ss: the template needs \{\} ' --hash a -n 2 -i stage.key -r "$C" -o p.ss
usage '^ss-route: no recipients: give -r PUBKEY, -R FILE, or -R ' --hash a -n 2 -i stage.key -o 'p{}'
usage '^ss-route: unexpected operand' --hash a -n 2 -i stage.key -r "$C" -o 'p{}' air.ss
usage '^ss-route: no stage key' --hash a -n 2 -r "$C" -o 'p{}'
# A per-partition recipients file that is missing: named.
expect_status 2 ss_route --hash a -n 5 -i stage.key -R 'w{}.pub' -o 'p{}' < air.ss
expect_stderr '^ss-route: w4.pub: '
for i in 0 1 2 3 4; do expect_no_output . p$i; done

# --- Attested: the recipients of every partition are the program. ---
ss_attest platform-init > plat.pub 2>/dev/null || fail "platform-init"
M=$(ss_attest measure -- ss-route --hash UniqueCarrier -n 2 -R 'w{}.pub') || fail "measure ss-route"
[[ $M =~ ^[0-9a-f]{64}$ ]] || fail "measure printed '$M'"
seen=" $M "
differs() {
	m=$(ss_attest measure -- "$@") || fail "measure $*"
	case $seen in *" $m "*) fail "'$*' measures like another program";; esac
	seen="$seen $m "
}
differs ss-route --hash UniqueCarrier -n 3 -R 'w{}.pub'
differs ss-route --hash Origin -n 2 -R 'w{}.pub'
differs ss-route --round-robin -n 2 -R 'w{}.pub'
differs ss-route --broadcast -n 2 -R 'w{}.pub'
differs ss-route --hash UniqueCarrier -n 2 -R w0.pub -R w1.pub
differs ss-route --hash UniqueCarrier -n 2 -R w0.pub
differs ss-route --hash UniqueCarrier -n 2 -R 'w{}.pub' -r "$C"
# Which key goes to which partition counts too.
cp w0.pub v1.pub; cp w1.pub v0.pub
differs ss-route --hash UniqueCarrier -n 2 -R 'v{}.pub'
# The same recipients given another way: the same program.
[ "$(ss_attest measure -- ss-route --hash UniqueCarrier -n 2 -R 'w{}.pub' -R 'w{}.pub')" = "$M" ] ||
    fail "a recipient given twice changes the measurement"
expect_status 2 ss_attest measure -- ss-route --hash a -n 2 -R 'w{}.pub' -o 'p{}'
expect_usage_error '^ss-attest: ss-route: -o is not part of the program'
# new, verify, run sealed.
expect_status 0 ss_attest new -o r.sealed -- ss-route --hash UniqueCarrier -n 2 -R 'w{}.pub' > quote
S=$(ss_attest verify --platform plat.pub --allow-software --measurement "$M" quote) ||
    fail "verify the ss-route quote"
ss_encrypt -r "$S" -o owner.ss air.csv || fail "encrypt to the sealed stage"
rm -f part*.ss
expect_status 0 ss_route --sealed r.sealed --hash UniqueCarrier -n 2 -R 'w{}.pub' -o 'part{}.ss' < owner.ss
decrypt_all w 2 part
union 2 part > got.sorted
expect_same air.sorted got.sorted "the sealed ss-route"
PROG="r.sealed: sealed for another program (the stage's arguments or output recipients differ)"
expect_status 1 ss_route --sealed r.sealed --hash UniqueCarrier -n 2 -R 'v{}.pub' -o 'part{}.ss' < owner.ss
expect_stderr_is "ss-route: $PROG"
expect_status 1 ss_route --sealed r.sealed --hash UniqueCarrier -n 3 -R 'w{}.pub' -o 'part{}.ss' < owner.ss
expect_stderr_is "ss-route: $PROG"
expect_status 1 ss_route --sealed r.sealed --hash UniqueCarrier -n 2 -R 'w{}.pub' -r "$C" -o 'part{}.ss' < owner.ss
expect_stderr_is "ss-route: $PROG"

# --- --help ---
expect_status 0 "$SS_BIN/ss-route" --help > /dev/null
"$SS_BIN/ss-route" --help | grep -q -- '--round-robin' || fail "--help"

pass
