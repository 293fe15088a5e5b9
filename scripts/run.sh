#!/bin/sh
# run.sh: the README's main command: set up, build, and boot a QEMU VM whose console is an
# interactive dosh, connected over kvm: (shared memory and doorbell) to hostcalld on this host.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
make -j"$(nproc)" all build/tests/vm/guest_check
exec scripts/vm.sh shell
