#!/bin/sh
# check-xdr-bounds.sh: fail if an XDR file has an unbounded string, opaque or array (<>) or a type that can hold itself through an optional (*).
#   scripts/check-xdr-bounds.sh FILE.x…   prints FILE:LINE: why, for each; exits 1 if there is any
set -u
[ $# -ge 1 ] || { echo "usage: $0 FILE.x..." >&2; exit 2; }
status=0
for f in "$@"; do
	awk -v file="$f" '
	# comments out, line numbers kept; rpcgen pass-through (%) lines out
	function strip(s,   out, i, c) {
		out = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 2)
			if (incomment) {
				if (c == "*/") { incomment = 0; i++ }
			} else if (c == "/*") {
				incomment = 1; i++
			} else if (c == "//") {
				break
			} else {
				out = out substr(s, i, 1)
			}
		}
		return out
	}
	function bad(line, why) { printf "%s:%d: %s\n", file, line, why; failed = 1 }
	function edge(from, to, ptr, line) {
		n = ++nedge[from]
		eto[from, n] = to; eptr[from, n] = ptr; eline[from, n] = line
	}
	# a member or typedef body: TYPE [*]NAME[<…>|[…]] — the edge from the type being defined
	function member(s, line,   ptr, t) {
		sub(/^[ \t]*(case[^:]*|default)[ \t]*:/, "", s)
		ptr = s ~ /\*/
		gsub(/\*/, " ", s)
		if (split(s, t, /[ \t;<\[]+/) < 2)
			return
		i = t[1] == "" ? 2 : 1
		if (t[i] == "struct" || t[i] == "union" || t[i] == "enum" || t[i] == "unsigned")
			i++
		if (t[i] != "" && t[i] != "void")
			edge(cur, t[i], ptr, line)
	}
	# depth-first: a type met again while it is still being visited closes a cycle
	function visit(n,   i, m) {
		state[n] = 1
		for (i = 1; i <= nedge[n]; i++) {
			m = eto[n, i]
			if (state[m] == 1)
				bad(eline[n, i], "type " m " can contain itself (through " n \
				    "): optional data (*) that recurses without limit")
			else if (!state[m])
				visit(m)
		}
		state[n] = 2
	}
	{
		s = strip($0)
		if (s ~ /^[ \t]*%/)
			next
		if (s ~ /<[ \t]*>/)
			bad(NR, "unbounded string, opaque or array (<>): give it a bound")
		if (s ~ /^[ \t]*typedef[ \t]/) {
			d = s
			sub(/^[ \t]*typedef[ \t]+/, "", d)
			split(d, w, /[ \t*;<\[]+/)
			name = w[2]
			if (w[1] == "unsigned" || w[1] == "struct" || w[1] == "union" || w[1] == "enum")
				name = w[3]
			cur = name
			member(d, NR)
			cur = ""
		} else if (s ~ /^[ \t]*(struct|union)[ \t]+[A-Za-z_]/) {
			split(s, w, /[ \t{]+/)
			cur = w[1] == "" ? w[3] : w[2]
		} else if (cur != "" && s ~ /;/ && s !~ /^[ \t]*}/) {
			member(s, NR)
		}
		if (s ~ /^[ \t]*}/ && s ~ /;/)
			cur = ""
	}
	END {
		for (n in nedge)
			if (!state[n])
				visit(n)
		exit failed
	}' "$f" || status=1
done
exit $status
