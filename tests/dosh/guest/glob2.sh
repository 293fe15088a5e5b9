# glob2.sh: pathname expansion and patterns as dash matches them: brackets, dot-files,
# directories only with a trailing slash, and words that are no pattern at all.
top=$(mktemp -d)
cd "$top" || exit 1
touch abc abd ab- 'ab]' ']' '[' .hid bcd 'a\c' ab
echo [a-c]bc
echo ab[!c]
echo ab[^c]
echo ab[]x]
echo ab[c-]
echo ab[-c]
echo a[\b]c
echo a[\\]c
echo "a[b]"c a'[b]'c
echo [ [x x[ [*
echo nomatch* no[ab]x "no*" [z
echo *
echo ?
echo .*
echo .?
echo "$(echo .h*)"
mkdir d1 d2
mkdir d1/e
touch d1/e/f
echo */
echo d*/
echo */.
echo */*/f
echo d?/e
echo d?/nope
echo d1//e d*//e
x='*'; echo $x; echo "$x"
x='a\*'; echo $x
y='[q]'; echo $y "$y"
set -f; echo *; set +f
touch 'a b'
for f in a*; do echo "[$f]"; done
echo ab[[:punct:]] ab[[:alpha:]]
rm -rf ./* .hid
echo *
cd / && rm -rf "$top"
case ab in a[!b]) echo 1;; a[b]) echo 2;; esac
case '[' in [) echo lb;; esac
case 'a]' in a]) echo rb;; esac
case x in [^x]) echo caret;; *) echo nocaret;; esac
case '*' in \*) echo star;; esac
case '*' in "*") echo star2;; esac
case 'a' in [[:alpha:]]) echo alpha;; esac
case '-' in [a-]) echo dash;; esac
case 'b' in [!]a]) echo notra;; esac
case ']' in []a]) echo bra;; esac
case '\' in [\\]) echo bs;; esac
case 'x' in [\x]) echo bsx;; esac
case '.a' in *a) echo dotcase;; esac
case 'a/b' in a*b) echo slash;; esac
case "[!]" in [!]) echo unclosed;; esac
case c in [a-c-e]) echo r1;; esac
case - in [a-c-e]) echo r2;; esac
case d in [a-c-e]) echo r3;; esac
case "[" in [[]) echo r4;; esac
case "[" in [[:alpha]) echo r5;; esac
case "x" in [[:alpha]) echo r6;; esac
case "n]" in [[:nope:]]) echo r7;; esac
case "a[b" in a[b*) echo r8;; esac
case "a" in [z-a]) echo r9;; esac
case "é" in ??) echo r10;; esac
x=abc; case $x in "a"*) echo q1;; esac
case $x in 'a*') echo q2;; *) echo q3;; esac
p='a*'; case abc in $p) echo q4;; esac; case abc in "$p") echo q5;; *) echo q6;; esac
x='a\*'; case 'a*' in $x) echo q7;; esac; case 'ab' in $x) echo q8;; esac
case a in *|b) echo alt;; esac
