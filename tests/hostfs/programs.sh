#!/bin/sh
# programs.sh: real programs nobody here wrote, run unmodified in DIR (a hostfs mount) and in LOCAL (a local
# directory), their results compared: tar both ways, cp -a, rsync -aH, git, two sqlite3 writers, python3
# compileall, static busybox. Usage: programs.sh DIR LOCAL. Prints "ok NAME" or "FAIL NAME"; exits 1 on a failure.
set -u
dir=$1
local=$2
failed=0

ok() { echo "ok   programs/$1"; }
fail() { echo "FAIL programs/$1"; failed=1; }

# A tree with files of several sizes, an empty file, empty and nested directories, modes,
# a relative and an absolute symlink, a dangling one and a hard link.
make_tree() {
	mkdir -p "$1/src/a/b/c" "$1/src/empty" "$1/src/modes"
	i=0
	while [ $i -lt 40 ]; do
		head -c $((i * 1537 + 1)) /dev/urandom > "$1/src/a/f$i"
		i=$((i + 1))
	done
	head -c 3000000 /dev/urandom > "$1/src/a/b/big"
	: > "$1/src/a/b/c/zero"
	echo x > "$1/src/modes/m755" && chmod 755 "$1/src/modes/m755"
	echo y > "$1/src/modes/m600" && chmod 600 "$1/src/modes/m600"
	ln -s ../a/f1 "$1/src/modes/rel"
	ln -s /etc/hostname "$1/src/modes/abs"
	ln -s nowhere "$1/src/modes/dangling"
	ln "$1/src/a/f2" "$1/src/a/b/hard"
	touch -h -d '2001-02-03 04:05:06.123456789' "$1/src/modes/rel" "$1/src/a/f3"
}

# What must survive a copy: names, types, modes, sizes, link counts, link targets, the whole
# seconds of files' mtimes (tar keeps no more), contents.
describe() {
	(cd "$1" && find . -mindepth 1 ! -type f -printf '%p %y %m %s %n %l\n' | sort &&
		find . -type f -printf '%p %m %s %n %T@\n' | sed 's/\.[0-9]*$//' | sort &&
		find . -type f -exec sha256sum {} + | sort -k2)
}

same_tree() {   # name, tree, copy
	describe "$2" > "$local/.a" 2>&1
	describe "$3" > "$local/.b" 2>&1
	if cmp -s "$local/.a" "$local/.b"; then
		ok "$1"
	else
		fail "$1"
		diff "$local/.a" "$local/.b" | head -10
	fi
}

mkdir -p "$dir" "$local"
make_tree "$local"

# tar: extract onto the mount, create from it, extract that locally
mkdir -p "$dir/tarx" "$local/tarback"
if tar cf - -C "$local" src | tar xpf - -C "$dir/tarx" &&
   tar cf - -C "$dir/tarx" src | tar xpf - -C "$local/tarback"; then
	same_tree tar-extract "$local/src" "$dir/tarx/src"
	same_tree tar-create "$local/src" "$local/tarback/src"
else
	fail tar
fi

cp -a "$local/src" "$dir/cpa" && same_tree cp-a "$local/src" "$dir/cpa" || fail cp-a
if command -v rsync >/dev/null; then
	rsync -aH "$local/src/" "$dir/rsync/" && same_tree rsync-aH "$local/src" "$dir/rsync" ||
		fail rsync-aH
	rsync -aH --delete "$dir/rsync/" "$local/rsback/" && same_tree rsync-back "$local/src" \
		"$local/rsback" || fail rsync-back
fi

# git: a repository on the mount, every object and index write through hostfs
if command -v git >/dev/null; then
	r="$dir/repo"
	mkdir -p "$r" && cp -a "$local/src/a" "$r/" &&
	(cd "$r" && git init -q && git config user.email t@example.org && git config user.name t &&
	 git add -A && git commit -qm one && echo more >> a/f1 && git commit -qam two &&
	 git gc -q && git fsck --strict --no-progress 2>&1 && [ -z "$(git status --porcelain)" ] &&
	 [ "$(git rev-list --count HEAD)" = 2 ] && git mv a/f5 a/f5.moved && git commit -qm three &&
	 [ -z "$(git status --porcelain)" ]) > "$local/.git.log" 2>&1 && ok git ||
		{ fail git; tail -5 "$local/.git.log"; }
fi

# sqlite3: two processes inserting at once into one database on the mount, with host locks
if command -v sqlite3 >/dev/null; then
	db="$dir/db.sqlite"
	sqlite3 "$db" 'CREATE TABLE t(who TEXT, n INT);'
	for who in a b; do
		(i=0; while [ $i -lt 100 ]; do
			echo ".timeout 20000"
			echo "BEGIN IMMEDIATE; INSERT INTO t VALUES('$who', $i); COMMIT;"
			i=$((i + 1))
		done) | sqlite3 "$db" > "$local/.sq.$who" 2>&1 &
	done
	wait
	if [ "$(sqlite3 "$db" 'SELECT count(*), count(DISTINCT who) FROM t;')" = "200|2" ] &&
	   [ "$(sqlite3 "$db" 'PRAGMA integrity_check;')" = ok ]; then
		ok sqlite3-two-writers
	else
		fail sqlite3-two-writers
		cat "$local/.sq.a" "$local/.sq.b" | head -5
	fi
fi

# python3: compile a package on the mount and import it from there
if command -v python3 >/dev/null; then
	p="$dir/py/pkg"
	mkdir -p "$p"
	i=0
	while [ $i -lt 30 ]; do
		printf 'def f%d(x):\n    return x + %d\n' $i $i > "$p/m$i.py"
		i=$((i + 1))
	done
	: > "$p/__init__.py"
	if python3 -m compileall -q "$dir/py" > "$local/.py.log" 2>&1 &&
	   [ "$(ls "$p/__pycache__" | wc -l)" -eq 31 ] &&
	   [ "$(cd "$dir/py" && python3 -c 'import pkg.m7; print(pkg.m7.f7(1))')" = 8 ]; then
		ok python3-compileall
	else
		fail python3-compileall
		head -5 "$local/.py.log"
	fi
fi

# busybox, statically linked: its own system calls, no libc of ours in between
bb=$(command -v busybox || true)
if [ -n "$bb" ] && ! ldd "$bb" >/dev/null 2>&1; then
	if "$bb" cp "$local/src/a/b/big" "$dir/bb.big" &&
	   [ "$("$bb" sha256sum < "$dir/bb.big")" = "$("$bb" sha256sum < "$local/src/a/b/big")" ] &&
	   "$bb" sh -c "echo hello > '$dir/bb.txt' && echo world >> '$dir/bb.txt'" &&
	   [ "$("$bb" cat "$dir/bb.txt" | "$bb" wc -l)" -eq 2 ] &&
	   "$bb" ls -l "$dir/bb.txt" > /dev/null && "$bb" rm "$dir/bb.txt" && [ ! -e "$dir/bb.txt" ]; then
		ok busybox-static
	else
		fail busybox-static
	fi
fi
exit $failed
