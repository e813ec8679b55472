#!/bin/bash
# Fan-out with GNU parallel over ssh (scripts/ss-fanout): three worker
# hosts, each a network namespace of its own behind a veth pair, running
# its own sshd (or, without the right to make namespaces, three sshd on
# loopback ports).  The hosts share this file system, so the workers run
# the binaries of $SS_BIN by absolute path; each worker's key is named by
# its number.  The fanned-out result equals one stage over all the data
# and awk; a worker with the wrong key, a host that is down or a route
# that fails make ss-fanout exit non-zero with no output file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sshd.sh"
cd "$TMP" || exit 2

unset SS_TEE SS_ENCLAVE
export LC_ALL=C

command -v parallel >/dev/null 2>&1 ||
    skip "GNU parallel not installed (scripts/install-deps)"
command -v rsync >/dev/null 2>&1 ||
    skip "rsync not installed (scripts/install-deps)"
sshd_init

# The local stages are found in PATH; ss-fanout's temporary files go in
# $TMP/tmp, which must be empty after every run, however it ended.
export PATH="$SS_BIN:$PATH"
mkdir tmp
FANOUT() { TMPDIR=$TMP/tmp "$TOP/scripts/ss-fanout" "$@"; }
no_temp_left() {
	[ -z "$(ls -A tmp)" ] || fail "$1: ss-fanout left $(ls -A tmp)"
}

# Three hosts.  Names unique to this run: namespaces ss-fanout-ID-K, links
# sfoIDhK (host side) and sfoIDnK, a /30 per link in 10.204.NET.0/24.
id=$(printf '%04x' $(( (RANDOM ^ $$) & 65535 )))
hosts=""
downns=""
if ip netns add "ss-fanout-$id-probe" 2>/dev/null; then
	ip netns del "ss-fanout-$id-probe"
	net=""
	for _ in $(seq 1 20); do
		n=$(( RANDOM % 250 ))
		ip -4 addr | grep -q "inet 10\.204\.$n\." || { net=$n; break; }
	done
	[ -n "$net" ] || fail "no free 10.204.N.0/24 for the links"
	for k in 0 1 2; do
		ns=ss-fanout-$id-$k
		ip netns add "$ns" || fail "ip netns add $ns"
		on_exit "ip netns del $ns 2>/dev/null"
		ip link add "sfo${id}h$k" type veth peer name "sfo${id}n$k" ||
		    fail "ip link add sfo${id}h$k"
		on_exit "ip link del sfo${id}h$k 2>/dev/null"
		ip link set "sfo${id}n$k" netns "$ns"
		ip addr add "10.204.$net.$((4 * k + 1))/30" dev "sfo${id}h$k"
		ip link set "sfo${id}h$k" up
		ip netns exec "$ns" ip addr add "10.204.$net.$((4 * k + 2))/30" \
		    dev "sfo${id}n$k"
		ip netns exec "$ns" ip link set "sfo${id}n$k" up
		ip netns exec "$ns" ip link set lo up
		sshd_start "h$k" "10.204.$net.$((4 * k + 2))" "$ns"
		hosts="$hosts${hosts:+,}h$k"
	done
	downns=ss-fanout-$id-2
	echo "fanout: 3 hosts in network namespaces ss-fanout-$id-0..2 (10.204.$net.0/24)"
	TEST_NAME="$TEST_NAME (3 hosts in network namespaces)"
else
	for k in 0 1 2; do
		sshd_start "h$k" 127.0.0.1
		hosts="$hosts${hosts:+,}h$k"
	done
	echo "fanout: cannot make network namespaces (not root?): 3 sshd on loopback ports instead"
	# run-all shows a passing test's last line: say it there too.
	TEST_NAME="$TEST_NAME (3 sshd on loopback: no network namespaces here)"
fi
# A host that is down: h2's address, a port that nothing listens on.
printf 'Host down\n\tHostName %s\n\tPort %s\n' \
    "$(awk '$1 == "Host" && $2 == "h2" { f = 1 } f && $1 == "HostName" { print $2; exit }' "$SSHDIR/config")" \
    "$(free_port "$downns")" >> "$SSHDIR/config"

for s in route merge reduce match; do
	eval "ss_$s() { \$SS_WRAP \"\$SS_BIN/ss-$s\" \"\$@\"; }"
done
newkey route
RT=$PUB
newkey merger
newkey consumer
C=$PUB
for k in 0 1 2; do
	newkey "w$k"
	echo "$PUB" > "w$k.pub"
done
newkey stranger
cp w0.pub x0.pub
echo "$PUB" > x1.pub
cp w2.pub x2.pub

if slow; then rows=500; else rows=20000; fi
# Sorted by Distance, so that the workers' outputs of ss-match are too.
"$TOP/scripts/gen-airline" "$rows" > gen.csv
{ head -n 1 gen.csv; tail -n +2 gen.csv | sort -t, -k19,19n; } > air.csv
ss_encrypt -r "$RT" -o air.ss air.csv || fail "encrypt air.csv"

# Reduce: count, sum and mean of ArrDelay per carrier on three hosts, to
# standard output, the workers' key paths relative to their home directory
# (the hosts share this one's).
# shellcheck disable=SC2054 # the commas are ss-reduce's
RED=(-a count,sum,mean -f ArrDelay -g UniqueCarrier)
rel=$(realpath -m --relative-to="$HOME" "$TMP")
FANOUT -S "$hosts" -k UniqueCarrier -R "$TMP/w{}.pub" -W "$rel/w{}.key" \
    -I route.key -i merger.key -r "$C" --ssh "$SSH" \
    -- "$SS_BIN/ss-reduce" --partial "${RED[@]}" < air.ss > fan.ss ||
    fail "ss-fanout with ss-reduce workers failed"
no_temp_left "reduce"
expect_status 0 ss_decrypt -i consumer.key -o fan.csv fan.ss
expect_status 0 ss_reduce -i route.key "${RED[@]}" -r "$C" -o one.ss < air.ss
expect_status 0 ss_decrypt -i consumer.key -o one.csv one.ss
[ "$(wc -l < one.csv)" -gt 10 ] || fail "test bug: too few carriers"
[ "$(head -n 1 fan.csv)" = "$(head -n 1 one.csv)" ] ||
    fail "headers differ: $(head -n 1 fan.csv)"
[ "$(tail -n +2 fan.csv | sort)" = "$(tail -n +2 one.csv | sort)" ] ||
    fail "the fanned-out reduce differs from one ss-reduce"
# And awk: the count of non-empty ArrDelay cells and the sum of the
# numeric ones, per carrier.
awk -F, 'NR > 1 { if ($15 != "") n[$9]++; if ($15 != "NA" && $15 != "") s[$9] += $15 }
    END { for (c in n) print c "," n[c] "," s[c] }' air.csv | sort > want.csv
tail -n +2 fan.csv | cut -d, -f1-3 | sort > got.csv
cmp -s want.csv got.csv ||
    fail "count and sum differ from awk: $(diff want.csv got.csv | head -5)"
# Each worker really ran on its own host: three jobs, three hosts.
[ -s fan.ss ] || fail "no result"

# Match, merged with ss-merge --sorted-by: six partitions, two per host,
# round-robin, and an expression that a shell or parallel would change if
# it were not quoted: a single quote, {}, $HOME, two blanks, newlines.
# shellcheck disable=SC2016 # $HOME must not expand, anywhere
EXPR='ArrDelay > 30 && Dest != "it'\''s {}  $HOME \"x\""'
EXPR="$EXPR && Origin != \"a
b\"
"
# The worker command is a wrapper that notes where it ran (the sshd's
# port), with which key and which expression, then runs ss-match.
cat > who.sh <<EOF
#!/bin/sh
echo "\${SSH_CONNECTION##* } \$2" >> "$TMP/who.log"
printf '%s' "\$5" > "$TMP/expr.\$\$"
exec "$SS_BIN/ss-match" "\$@"
EOF
chmod 755 who.sh
expect_status 0 FANOUT -S h0 -S h1,h2 --round-robin -n 6 \
    -R "$TMP/w{}.pub" -W "$TMP/w{}.key" -I route.key -i merger.key \
    -r "$C" --ssh "$SSH" --sorted-by Distance -o fanm.ss \
    -- "$TMP/who.sh" "$EXPR" < air.ss
no_temp_left "match"
printf '%s' "$EXPR" > expr.want
for f in expr.[0-9]*; do
	cmp -s expr.want "$f" || fail "the expression arrived changed: $(cat "$f")"
done
# Six jobs, two on each host, each with the key of its host.
[ "$(wc -l < who.log)" = 6 ] || fail "not six jobs: $(cat who.log)"
for k in 0 1 2; do
	port=$(awk -v h="h$k" '$1 == "Host" { f = ($2 == h) }
	    f && $1 == "Port" { print $2; exit }' "$SSHDIR/config")
	[ "$(grep -c "^$port $TMP/w$k\.key\$" who.log)" = 2 ] ||
	    fail "host h$k (port $port) did not run two jobs with w$k.key: $(cat who.log)"
done
expect_status 0 ss_match -i route.key -r "$C" -o onem.ss "$EXPR" < air.ss
ss_decrypt -i consumer.key fanm.ss > fanm-merged.csv
tail -n +2 fanm-merged.csv | cut -d, -f19 | sort -c -n ||
    fail "the fanned-out match is not in Distance order"
sort fanm-merged.csv > fanm.csv
ss_decrypt -i consumer.key onem.ss | sort > onem.csv
[ "$(wc -l < onem.csv)" -gt 20 ] || fail "test bug: ss-match kept too few"
cmp -s fanm.csv onem.csv || fail "the fanned-out match differs from one ss-match"
awk -F, 'NR > 1 && $15 != "NA" && $15 != "" && $15 > 30' air.csv | sort > wantm.csv
grep -v '^Year,' onem.csv > gotm.csv
cmp -s wantm.csv gotm.csv || fail "ss-match differs from awk"

# A worker with the wrong key: partition 1 is encrypted to a key that
# host h1 does not hold.  Its stage refuses the stream (1), ss-fanout
# names it, and no output file appears.
expect_status 1 FANOUT -S "$hosts" -k UniqueCarrier -R "$TMP/x{}.pub" \
    -W "$TMP/w{}.key" -I route.key -i merger.key -r "$C" --ssh "$SSH" \
    -o bad.ss -- "$SS_BIN/ss-reduce" --partial "${RED[@]}" < air.ss
grep -q "^ss-fanout: worker 1 (h1), partition 1: exited with status 1$" \
    "$TMP/stderr" || fail "no line naming worker 1: $(cat "$TMP/stderr")"
grep -q "^ss-reduce: " "$TMP/stderr" ||
    fail "the worker's own message is missing: $(cat "$TMP/stderr")"
expect_no_output . bad.ss
no_temp_left "wrong key"

# A host that is down: ssh fails (255), a system error.
expect_status 2 FANOUT -S h0,h1,down -k UniqueCarrier -R "$TMP/w{}.pub" \
    -W "$TMP/w{}.key" -I route.key -i merger.key -r "$C" --ssh "$SSH" \
    -o bad.ss -- "$SS_BIN/ss-match" 'ArrDelay > 0' < air.ss
grep -q "^ss-fanout: worker 2 (down), partition 2: exited with status 255 (ssh's: the host is down" \
    "$TMP/stderr" || fail "no line naming the host that is down: $(cat "$TMP/stderr")"
expect_no_output . bad.ss
no_temp_left "host down"

# A route that fails: a field the input lacks (1), and a stream that is
# not for the routing stage (1).
expect_status 1 FANOUT -S "$hosts" -k NoSuchField -R "$TMP/w{}.pub" \
    -W "$TMP/w{}.key" -I route.key -i merger.key -r "$C" --ssh "$SSH" \
    -o bad.ss -- "$SS_BIN/ss-match" 'ArrDelay > 0' < air.ss
expect_stderr "^ss-route: .*NoSuchField"
expect_status 1 FANOUT -S "$hosts" -k UniqueCarrier -R "$TMP/w{}.pub" \
    -W "$TMP/w{}.key" -I merger.key -i merger.key -r "$C" --ssh "$SSH" \
    -o bad.ss -- "$SS_BIN/ss-match" 'ArrDelay > 0' < air.ss
expect_no_output . bad.ss
no_temp_left "route"

# A worker whose output was tampered with on the way back is caught by the
# merge: a worker command that flips a byte of its own output.
cat > evil.sh <<EOF
#!/bin/sh
"$SS_BIN/ss-match" "\$@" > "$TMP/evil.\$\$"
size=\$(wc -c < "$TMP/evil.\$\$")
printf '\\001' | dd of="$TMP/evil.\$\$" bs=1 seek=\$((size - 20)) conv=notrunc status=none
cat "$TMP/evil.\$\$"
rm -f "$TMP/evil.\$\$"
EOF
chmod 755 evil.sh
expect_status 1 FANOUT -S h0 -k UniqueCarrier -R "$TMP/w{}.pub" \
    -W "$TMP/w{}.key" -I route.key -i merger.key -r "$C" --ssh "$SSH" \
    -o bad.ss -- "$TMP/evil.sh" 'ArrDelay > 0' < air.ss
grep -q "^ss-merge: " "$TMP/stderr" ||
    fail "the merge did not refuse a tampered output: $(cat "$TMP/stderr")"
expect_no_output . bad.ss

# An output that does not come back (rsync cannot find it): the worker's
# stage succeeds, then its output is gone from its working directory.
cat > gone.sh <<EOF
#!/bin/sh
"$SS_BIN/ss-match" "\$@" || exit
rm -f p0.out
EOF
chmod 755 gone.sh
expect_status 2 FANOUT -S h0 -k UniqueCarrier -R "$TMP/w{}.pub" \
    -W "$TMP/w{}.key" -I route.key -i merger.key -r "$C" --ssh "$SSH" \
    -o bad.ss -- "$TMP/gone.sh" 'ArrDelay > 0' < air.ss
grep -q "^ss-fanout: worker 0 (h0), partition 0: its output did not come back$" \
    "$TMP/stderr" || fail "a lost output is not reported: $(cat "$TMP/stderr")"
expect_no_output . bad.ss
no_temp_left "lost output"

# SIGTERM while the workers run: ss-fanout stops them and exits 2, soon,
# leaving no output, no temporary file here and no working directory on
# the workers.
cat > slow.sh <<EOF
#!/bin/sh
pwd > "$TMP/cwd.\$\$"
sleep 60 &
echo \$! > "$TMP/sleep.\$\$"
wait
EOF
chmod 755 slow.sh
TMPDIR=$TMP/tmp "$TOP/scripts/ss-fanout" -S "$hosts" -k UniqueCarrier \
    -R "$TMP/w{}.pub" -W "$TMP/w{}.key" -I route.key -i merger.key \
    -r "$C" --ssh "$SSH" -o bad.ss -- "$TMP/slow.sh" < air.ss 2> term.err &
pid=$!
for _ in $(seq 1 300); do
	[ "$(find . -maxdepth 1 -name 'cwd.*' | wc -l)" = 3 ] && break
	sleep 0.1
done
[ "$(find . -maxdepth 1 -name 'cwd.*' | wc -l)" = 3 ] ||
    fail "the slow workers did not start: $(cat term.err)"
started=$SECONDS
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" = 2 ] || fail "ss-fanout exited $rc on SIGTERM, expected 2"
[ $((SECONDS - started)) -lt 15 ] || fail "ss-fanout took $((SECONDS - started)) s to stop"
expect_no_output . bad.ss
no_temp_left "SIGTERM"
for f in cwd.*; do
	[ ! -e "$(cat "$f")" ] || fail "a worker's directory $(cat "$f") is left"
done
# The workers' processes end: parallel kills each remote job's process
# group when its ssh connection goes.
for _ in $(seq 1 50); do
	left=""
	for f in sleep.*; do
		! kill -0 "$(cat "$f")" 2>/dev/null || left="$left $(cat "$f")"
	done
	pgrep -f "^/bin/sh $TMP/slow.sh" > /dev/null || [ -n "$left" ] || break
	sleep 0.1
done
[ -z "$left" ] || fail "workers' processes$left still run after SIGTERM"
! pgrep -f "^/bin/sh $TMP/slow.sh" > /dev/null ||
    fail "a worker still runs after SIGTERM"

# Usage errors: 2, one line and the --help hint, nothing run.
A=(-R "$TMP/w{}.pub" -W "$TMP/w{}.key" -I route.key -i merger.key -r "$C")
M=(-- "$SS_BIN/ss-match" 'ArrDelay > 0')
expect_status 2 FANOUT -k UniqueCarrier "${A[@]}" "${M[@]}" < air.ss
expect_usage_error "^ss-fanout: no worker hosts"
expect_status 2 FANOUT -S "$hosts" -k UniqueCarrier --round-robin "${A[@]}" "${M[@]}" < air.ss
expect_usage_error "^ss-fanout: -k and --round-robin conflict$"
expect_status 2 FANOUT -S "$hosts" -k A -k B "${A[@]}" "${M[@]}" < air.ss
expect_usage_error "^ss-fanout: option -k given more than once$"
expect_status 2 FANOUT -S "$hosts" -k UniqueCarrier "${A[@]}" -o
expect_usage_error "^ss-fanout: option -o needs a value$"
expect_status 2 FANOUT -S "$hosts" -k UniqueCarrier -n 0 "${A[@]}" "${M[@]}" < air.ss
expect_usage_error "^ss-fanout: -n: '0' is not a number from 1 to 256$"
expect_status 2 FANOUT -S "$hosts" -k UniqueCarrier -R "$TMP/w.pub" \
    -W "$TMP/w{}.key" -I route.key -i merger.key -r "$C" "${M[@]}" < air.ss
expect_usage_error "^ss-fanout: -R: '.*' has no \{\}$"
expect_status 2 FANOUT -S "$hosts" -k UniqueCarrier "${A[@]}" < air.ss
expect_usage_error "^ss-fanout: no worker command"
expect_status 2 FANOUT -S "$hosts" -k UniqueCarrier "${A[@]}" \
    -- "$SS_BIN/ss-reduce" "${RED[@]}" < air.ss
expect_usage_error "^ss-fanout: an ss-reduce worker needs --partial"
expect_status 2 FANOUT -S "$hosts" -k UniqueCarrier "${A[@]}" \
    -- "$SS_BIN/ss-match" -i w0.key 'ArrDelay > 0' < air.ss
expect_usage_error "^ss-fanout: the worker command has '-i'"
expect_status 2 FANOUT -S "h0,-oProxyCommand=x" -k UniqueCarrier "${A[@]}" "${M[@]}" < air.ss
expect_usage_error "^ss-fanout: -S: '-oProxyCommand=x' is not an ssh destination$"
expect_status 2 FANOUT --bogus "${A[@]}" "${M[@]}" < air.ss
expect_usage_error "^ss-fanout: unknown option '--bogus'$"
# A worker public key that does not exist: a system error, nothing run.
expect_status 2 FANOUT -S h0,h1,h2,h0 -k UniqueCarrier "${A[@]}" -o bad.ss "${M[@]}" < air.ss
expect_stderr "^ss-fanout: .*/w3\.pub: cannot read worker 3's public key$"
expect_no_output . bad.ss
no_temp_left "usage"
FANOUT --help > help.txt 2> help.err || fail "--help did not exit 0"
[ ! -s help.err ] || fail "--help wrote to stderr: $(cat help.err)"
grep -q '^usage: ss-fanout -S' help.txt || fail "--help prints no usage"
grep -qi '^exit status' help.txt || fail "--help does not document the exit status"
[ "$(FANOUT -V)" = "ss-fanout (securestreams) $(ss_keygen -V | sed 's/.* //')" ] ||
    fail "ss-fanout -V printed: $(FANOUT -V)"
pass
