#!/bin/sh
# deps.sh: install, with apt-get, every Debian package the build, tests and benchmarks need (idempotent).
set -eu

PACKAGES="build-essential pkg-config rpcsvc-proto libtirpc-dev libsodium-dev libcmocka-dev
rpcbind iproute2 procps dash coreutils clang libclang-rt-14-dev libedit-dev tmux
qemu-system-x86 busybox-static cpio libfuse3-dev fuse3 rsync sqlite3 git python3 attr
sshfs openssh-sftp-server socat zlib1g-dev libssl-dev openssl tshark"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
