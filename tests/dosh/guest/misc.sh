# odds and ends: traps, nested substitutions, brackets in case, loops over files, printf reuse
trap 'echo "exit trap ran"' EXIT
echo "$(echo "$(echo "deep $(echo nest)")")"
x=$(echo 'a "quoted" word'); echo "$x"
case "[x]" in \[*\]) echo bracketed ;; esac
case b in [abc]) echo in-class ;; esac
case Z in [!a-z]) echo not-lower ;; esac
for f in /etc/passwd /etc/group; do [ -r "$f" ] && echo "readable ${f##*/}"; done
printf '%s=%s\n' a 1 b 2 c
i=0; while :; do i=$((i+1)); [ $i -ge 3 ] && break; done; echo "i=$i"
n=5; : $((n += 2)); : $((n *= 3)); echo "n=$n"
v=; echo "${v:-empty} ${v:+set}"
echo "${undefined-}" end
s="path/to/file.tar.gz"; echo "${s%%.*}" "${s#*.}" "${s%/*}"
echo $(( 1 < 2 && 3 > 2 )) $(( (1 + 2) * (3 + 4) ))
f() { return 7; }; f || echo "f failed with $?"
echo "a\tb" | cat
{ read first; read second; } <<EOF
line1
line2
EOF
echo "$first/$second"
set -f; echo /etc/pass*; set +f
echo */ | grep -q '/' && echo globdirs
unset x y; echo "${x:-${y:-fallback}}"
echo 'multi
line'
exit 3
