#!/bin/sh
# trust-report.sh: print the trust campaign's figures (tab-separated lines of FILE) as one table.
set -u
file="${1:?usage: trust-report.sh FILE}"
if [ ! -s "$file" ]; then
	echo "trust: no figures were reported (in $file)" >&2
	exit 1
fi
awk -F '\t' '
	{ t[NR] = $1; f[NR] = $2; l[NR] = $3; p[NR] = $4
	  if (length($1) > wt) wt = length($1); if (length($2) > wf) wf = length($2)
	  if (length($3) > wl) wl = length($3); if ($4 != "pass") bad++ }
	END {
		printf "%-*s  %-*s  %-*s  %s\n", wt, "test", wf, "figure", wl, "limit", "result"
		for (i = 1; i <= NR; i++)
			printf "%-*s  %-*s  %-*s  %s\n", wt, t[i], wf, f[i], wl, l[i], p[i]
		printf "%d figures, %d outside their limits\n", NR, bad
		exit bad > 0
	}' "$file"
