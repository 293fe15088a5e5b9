#!/bin/sh
# bench-ssh.sh: the ssh baselines for dosh's '!true': ssh to a private sshd on loopback,
# with and without a ControlMaster. Skipped (with a message) where sshd cannot be started.
# The remote shell is told (SHLVL, which bash reads) that it is not a login over ssh, so it
# skips ~/.bashrc: what is measured is ssh's cost, not the account's shell start-up files.
set -u
SSHD=/usr/sbin/sshd
N=${N:-30}
if [ ! -x "$SSHD" ] || ! command -v ssh >/dev/null; then
	echo "ssh localhost true: skipped: no sshd (Debian's openssh-server) on this machine"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/user_key"
cp "$work/user_key.pub" "$work/authorized_keys"
port=$((20000 + $$ % 20000))
cat > "$work/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PidFile $work/sshd.pid
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
AcceptEnv SHLVL
EOF
mkdir -p /run/sshd 2>/dev/null
"$SSHD" -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd=$!
opts="-p $port -i $work/user_key -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
-o BatchMode=yes -o LogLevel=ERROR -o SendEnv=SHLVL"
export SHLVL=2
i=0
while ! ssh $opts 127.0.0.1 true 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 50 ] || ! kill -0 $sshd 2>/dev/null; then
		echo "ssh localhost true: skipped: sshd did not start ($(tail -1 "$work/sshd.log"))"
		kill $sshd 2>/dev/null
		exit 0
	fi
	sleep 0.1
done
median_ms() {   # median of N runs of "$@", in ms
	for k in $(seq "$N"); do
		s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
		echo $(((e - s) / 1000))
	done | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] / 1000 }'
}
cm="-o ControlMaster=auto -o ControlPath=$work/cm -o ControlPersist=60"
ssh $opts $cm 127.0.0.1 true
printf '%-44s %10s ms\n' "ssh localhost true, new connection" "$(median_ms ssh $opts 127.0.0.1 true)"
printf '%-44s %10s ms\n' "ssh localhost true, ControlMaster" "$(median_ms ssh $opts $cm 127.0.0.1 true)"
ssh $opts $cm -O exit 127.0.0.1 2>/dev/null
kill $sshd
wait $sshd 2>/dev/null
