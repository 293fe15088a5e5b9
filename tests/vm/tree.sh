#!/bin/sh
# tree.sh: a small file tree, and a description of one to compare copies by; the same script
# runs under busybox in the guest and under the host's sh (guest.sh copies it to the host).
#   tree.sh make DIR       files of 40 sizes up to 3 MB, an empty one, empty and nested
#                          directories, modes, a relative and a dangling symlink, a hard link
#   tree.sh describe DIR   every name with its type, mode, size, links and mtime (files) or
#                          target (symlinks), then every file's sha256
set -eu
export LC_ALL=C

make_tree() {
	mkdir -p "$1/a/b/c" "$1/empty" "$1/modes"
	i=0
	while [ $i -lt 40 ]; do
		head -c $((i * 2039 + 1)) /dev/urandom > "$1/a/f$i"
		i=$((i + 1))
	done
	head -c 3000000 /dev/urandom > "$1/a/b/big"
	: > "$1/a/b/c/zero"
	echo x > "$1/modes/m755" && chmod 755 "$1/modes/m755"
	echo y > "$1/modes/m600" && chmod 600 "$1/modes/m600"
	ln -s ../a/f1 "$1/modes/rel"
	ln -s nowhere "$1/modes/dangling"
	ln "$1/a/f2" "$1/a/b/hard"
	touch -d '2001-02-03 04:05:06' "$1/a/f3"
}

describe() {
	cd "$1"
	find . -mindepth 1 | sort | while read -r p; do
		if [ -L "$p" ]; then
			echo "$p link $(readlink "$p")"
		elif [ -d "$p" ]; then
			stat -c '%n %F %a' "$p"
		else
			stat -c '%n %F %a %s %h %Y' "$p"
		fi
	done
	find . -type f | sort | xargs sha256sum
}

case "$1" in
make) make_tree "$2" ;;
describe) describe "$2" ;;
*) echo "usage: tree.sh make|describe DIR" >&2; exit 2 ;;
esac
