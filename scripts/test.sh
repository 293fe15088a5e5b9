#!/bin/sh
# test.sh: the README's test command: install dependencies, then build and run every test (make check).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
make -j"$(nproc)" check
