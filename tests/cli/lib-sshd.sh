# Throwaway sshd servers for the across-machines tests.  Source it after
# lib.sh:
#	. "$(dirname "$0")/lib-sshd.sh"
#
# sshd_init: make a host key, a user key and an ssh client configuration
#	under $TMP/ssh (skips the test if sshd cannot run here).
# sshd_start NAME ADDR [NETNS]: start sshd on ADDR (in network namespace
#	NETNS if given) on a free port, for at most $SSHD_TIMEOUT seconds
#	(default 600), and add "Host NAME" to the client configuration.
#	It is stopped when the test ends.
# ssh_to NAME CMD...: run CMD on NAME, as this user, with $SSH.
# sshd_sessions NAME: the process ids of NAME's sessions (the sshd
#	processes that carry a connection, children of the listener), one a
#	line: killing one drops that connection from the server's side.
# $SSH is the client command ("ssh -F $TMP/ssh/config"), for GNU parallel's
# --ssh and for pipelines.
#
# The servers listen only on the address given (loopback, or an address
# inside the test's own namespace), accept only the throwaway user key,
# and check nothing else about the host: they exist to carry streams.

SSHD_TIMEOUT=${SSHD_TIMEOUT:-600}
# Remote commands run in the user's home directory: name the binaries by
# absolute path.
SS_BIN=$(cd "$SS_BIN" && pwd)
declare -gA SSHD_PID

sshd_init() {
	command -v sshd >/dev/null 2>&1 || command -v /usr/sbin/sshd \
	    >/dev/null 2>&1 || skip "sshd not installed (scripts/install-deps)"
	SSHD=$(command -v sshd 2>/dev/null || echo /usr/sbin/sshd)
	if [ ! -d /run/sshd ]; then
		# sshd's privilege separation directory; only root can make it.
		mkdir -p /run/sshd 2>/dev/null && chmod 755 /run/sshd ||
		    skip "no /run/sshd and cannot create it (not root)"
	fi
	SSHDIR=$TMP/ssh
	mkdir -p "$SSHDIR"
	chmod 700 "$SSHDIR"
	ssh-keygen -q -t ed25519 -N '' -f "$SSHDIR/host_key" -C ss-test-host
	ssh-keygen -q -t ed25519 -N '' -f "$SSHDIR/user_key" -C ss-test-user
	cp "$SSHDIR/user_key.pub" "$SSHDIR/authorized_keys"
	: > "$SSHDIR/known_hosts"
	cat > "$SSHDIR/config" <<CFG
Host *
	IdentityFile $SSHDIR/user_key
	IdentitiesOnly yes
	UserKnownHostsFile $SSHDIR/known_hosts
	StrictHostKeyChecking yes
	BatchMode yes
	ConnectTimeout 10
	ServerAliveInterval 5
	LogLevel ERROR
CFG
	SSH="ssh -F $SSHDIR/config"
	SSH_USER=$(id -un)
}

sshd_start() {
	local name=$1 addr=$2 ns=${3:-} port pid i run
	port=$(free_port "$ns") || fail "$name: no free port"
	cat > "$SSHDIR/sshd_$name.conf" <<CFG
ListenAddress $addr:$port
HostKey $SSHDIR/host_key
AuthorizedKeysFile $SSHDIR/authorized_keys
PidFile none
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $SSH_USER
PermitUserEnvironment no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PrintMotd no
LogLevel ERROR
CFG
	run=""
	[ -n "$ns" ] && run="ip netns exec $ns"
	$run timeout "$SSHD_TIMEOUT" "$SSHD" -D -e -f "$SSHDIR/sshd_$name.conf" \
	    2>> "$SSHDIR/sshd_$name.log" &
	pid=$!
	SSHD_PID[$name]=$pid
	# The server and any session still running through it.
	on_exit "kill_tree $pid; wait $pid 2>/dev/null"
	echo "$addr $(cat "$SSHDIR/host_key.pub")" | sed "s/^$addr/[$addr]:$port/" \
	    >> "$SSHDIR/known_hosts"
	printf 'Host %s\n\tHostName %s\n\tPort %s\n' "$name" "$addr" "$port" \
	    >> "$SSHDIR/config"
	for i in $(seq 1 100); do
		if $SSH "$name" true 2>/dev/null; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null ||
		    fail "sshd $name did not start: $(cat "$SSHDIR/sshd_$name.log")"
		sleep 0.1
	done
	fail "sshd $name on $addr:$port did not answer"
}

ssh_to() {
	local name=$1
	shift
	$SSH "$name" "$@"
}

sshd_sessions() {
	local top listener
	top=${SSHD_PID[$1]:?sshd_sessions: no server $1}
	# $top is timeout (or ip netns exec, which becomes timeout); its
	# child is the listening sshd, whose children are the sessions.
	for listener in $(pgrep -P "$top" -x sshd); do
		pgrep -P "$listener" -x sshd || true
	done
}
