# printf as dash 0.5.12 has it; each case prints its output and its status.
# A case sits in ( ) so that a status-2 error cannot end the script.

# ---- every conversion ----
(printf '%d %i %o %u %x %X\n' 42 42 42 42 255 255); echo " [$?]"
(printf '%c|%s|%b|%%\n' xyz str 'a\tb'); echo " [$?]"
(printf '%e %E %f %F %g %G\n' 1.5 1.5 1.5 1.5 1.5 1.5); echo " [$?]"
(printf '%a %A\n' 1 1.5); echo " [$?]"
(printf '%g\n' 100000 1000000 0.0001 0.00001); echo " [$?]"
(printf '%G %.3g %10.4g|\n' 1e-10 1234567 3.14159265); echo " [$?]"
(printf '%.20f\n' 0.1); echo " [$?]"                # a double, not a long double
(printf '%f %F %E\n' inf inf -inf); echo " [$?]"
(printf '%f\n' nan); echo " [$?]"
(printf '%.3f %e\n' 2.0005 1e-400); echo " [$?]"

# ---- flags, width, precision ----
(printf '%#o %#x %#X %#x\n' 8 255 255 0); echo " [$?]"
(printf '%+d|% d|% d|%+.2e\n' 5 5 -5 -12345); echo " [$?]"
(printf '%-5d|%05d|%5d|%-5d|%05d\n' 3 3 -3 -3 -3); echo " [$?]"
(printf '%0-5d|%00005d|%-+ #05d|\n' 1 1 1); echo " [$?]"
(printf '%.3d|%5.3x|%-#10o|%.d|\n' 5 7 8 0); echo " [$?]"
(printf '%08.3f|%-8.3f|%#g\n' 3.14159 3.14159 1); echo " [$?]"
(printf '%5s|%-5s|%.1s|%5.1s|%.0s|\n' abc abc abc abc abc); echo " [$?]"
(printf '%5.2s|%-5.2s|\n' abcdef abcdef); echo " [$?]"
(printf '%+s|% 5s|%05s|%#s|%#c|\n' a b c d e); echo " [$?]"
(printf '%5c|%-3c|%c%c\n' a b abc); echo " [$?]"
(printf '%*.*s|%*s|%-*s|%*s|\n' 5 2 abcdef 3 a 3 b -3 c); echo " [$?]"
(printf '%-*d|%.*d|%*.*d|%-*.*d|\n' -5 3 -5 3 8 4 42 8 4 42); echo " [$?]"
(printf '%.*f|%*c|\n' 2 3.14159 3 abc); echo " [$?]"
(printf '%*d|\n' 4294967297 1); echo " [$?]"         # the width is an int
(printf '%*s|\n' x abc); echo " [$?]"
(printf '%*s|%.*s|\n' 3); echo " [$?]"

# ---- arguments: missing ones are empty or 0, extra ones reuse the format ----
(printf '%s\n' a b c); echo " [$?]"
(printf '%s-%s\n' a b c); echo " [$?]"
(printf '%s %s %s\n' 1 2); echo " [$?]"
(printf '%s %d\n' a 1 b); echo " [$?]"
(printf '%d %d\n' 1); echo " [$?]"
(printf 'x\n' a b); echo " [$?]"
(printf '%%\n' a b); echo " [$?]"
(printf '%s\n'); echo " [$?]"
(printf '%d|%s|%c|%b|%f|%x\n'); echo " [$?]"
(printf '%d' 1 2 3; echo); echo " [$?]"
(printf '[%s]\n' "a  b" 'c' ''); echo " [$?]"
(printf '%s' ''); echo " [$?]"

# ---- numbers ----
(printf '%d %d %d %u %g\n' "'a" '"b' "'" "'a" "'a"); echo " [$?]"
(printf '%d %c|\n' "'abc" '"'); echo " [$?]"
(printf '%d\n' "'é"); echo " [$?]"                  # its first byte
(printf '%i %i %x %o %d\n' 010 0x1f 0X1F 0777 -0x10); echo " [$?]"
(printf '%d %d %d|%d\n' ' 5' +3 "	7" ''); echo " [$?]"
(printf '%u %x %o\n' -1 -1 -1); echo " [$?]"
(printf '%d\n' 0x7fffffffffffffff); echo " [$?]"
(printf '%x\n' 0xffffffffffffffff); echo " [$?]"
(printf '%d\n' 1x); echo " [$?]"
(printf '%d\n' x); echo " [$?]"
(printf '%d\n' '5 '); echo " [$?]"
(printf '%d\n' -); echo " [$?]"
(printf '%d %d\n' 0x 08); echo " [$?]"
(printf '%x %i\n' 1.5 1e3); echo " [$?]"
(printf '%d %d\n' 0b101 0o17); echo " [$?]"
(printf '%d %s\n' 1x a 2 b); echo " [$?]"
(printf '%d\n' 1 x 3); echo " [$?]"
(printf '%d\n' 99999999999999999999); echo " [$?]"
(printf '%d\n' -99999999999999999999); echo " [$?]"
(printf '%d\n' 0x8000000000000000); echo " [$?]"
(printf '%d\n' 0777777777777777777777777); echo " [$?]"
(printf '%u\n' 99999999999999999999); echo " [$?]"
(printf '%u\n' -99999999999999999999); echo " [$?]"
(printf '%x\n' 0x10000000000000000); echo " [$?]"
(printf '%f %f\n' 1x ' 1.5'); echo " [$?]"
(printf '%f\n' '1.5 '); echo " [$?]"
(printf '%f %f|%f\n' 0x10 - ''); echo " [$?]"
(printf '%f\n' 1e400); echo " [$?]"

# ---- backslash escapes in the format ----
(printf 'a\tb\\c\n'); echo " [$?]"
(printf '\n\t\a\b\f\r\v\\' | od -An -c); echo " [$?]"
(printf '\101\0102\1234\n'); echo " [$?]"            # up to three octal digits
(printf '\0' | od -An -c); echo " [$?]"
(printf '\08\n' | od -An -c); echo " [$?]"
(printf '\400\n' | od -An -c); echo " [$?]"
(printf '\e' | od -An -c); echo " [$?]"
(printf 'a\qb \x41 \E\"\?\n'); echo " [$?]"         # unknown escapes stay
(printf 'a\cb\n'); echo " [$?]"                     # \c is not special here
(printf 'a\'); echo " [$?]"
(printf 'a\0b\n' | od -An -c); echo " [$?]"
(printf '%s\n' 'a\nb'); echo " [$?]"                # nor in %s

# ---- %b ----
(printf '%b\n' 'x\ty' '\n' 'a\\b'); echo " [$?]"
(printf '%b\n' '\0101' '\101' '\01234' '\0400' '\400'); echo " [$?]"
(printf '%b|' 'a\0b' '\08' '\8' '\\\\' '\' 'a\' | od -An -c); echo " [$?]"
(printf '%b\n' '\x41' '\e' | od -An -c); echo " [$?]"
(printf '%5b|%5b|%-5b|%.1b|\n' ab 'a\0' 'a\0b' abc | od -An -c); echo " [$?]"
(printf '%b' 'a\cb' x); echo " [$?]"                # \c ends all output
(printf '%b\n' 'a\c' b; echo); echo " [$?]"
(printf 'a%bb%sc\n' 'x\cy' z); echo " [$?]"
(printf '%s\n' "$(printf '%b' 'a\c')"); echo " [$?]"
(printf '%d %b %d\n' 1x 'y\c' 2); echo " [$?]"      # the earlier status stays

# ---- errors ----
(printf '%z'); echo " [$?]"
(printf '%s %z\n' a b); echo " [$?]"
(printf '%5%|\n'); echo " [$?]"
(printf '%ld %hd\n' 5 5); echo " [$?]"
(printf '%1$s\n' a); echo " [$?]"
(printf '%5-d|' 1); echo " [$?]"
(printf '%5.-2d|' 1); echo " [$?]"
(printf '%q %n %p %S %C\n' a); echo " [$?]"
(printf '%-%\n'); echo " [$?]"
(printf 'ab%'); echo " [$?]"
(printf 'a%5'); echo " [$?]"
(printf '%.'); echo " [$?]"
(printf '%*'); echo " [$?]"
(printf '%.*' 5); echo " [$?]"
printf %s abc; printf '%z'; echo " [$?]"
f() { printf '%z'; echo in; }; f; echo " [$?]"      # not a special builtin

# ---- options and usage ----
(printf); echo " [$?]"
(printf --); echo " [$?]"
(printf -- '%s\n' x); echo " [$?]"
(printf -- -- x); echo " [$?]"
(printf '%s' -- x); echo " [$?]"
(printf - x); echo " [$?]"
(printf -x); echo " [$?]"
(printf -n x); echo " [$?]"
(printf -5); echo " [$?]"
(printf --x); echo " [$?]"

# ---- output errors ----
(printf x > /dev/full); echo " [$?]"
(printf '%s\n' a b > /dev/full); echo " [$?]"
(printf '' > /dev/full); echo " [$?]"
(printf '%s' > /dev/full); echo " [$?]"
(printf '%z' > /dev/full); echo " [$?]"
(printf '%d' x > /dev/full); echo " [$?]"
(printf x >&-); echo " [$?]"
printf x > /dev/full; echo " [$?]"; printf 'after\n'
