# Here-documents: quoting, tab stripping, several on a line, in functions and substitutions.
x=1
cat <<EOF
a $x $(echo sub) `echo bq` $((1+2))
EOF
cat <<'EOF'
a $x `pwd`
EOF
cat <<"E"F
quoted in part $x
EF
cat <<\EOF
a $b \
c
EOF
cat <<-EOF
	tab $x
		two
	EOF
cat <<A; cat <<B
one
A
two
B
cat <<E1 <<E2
first
E1
second
E2
f() {
	cat <<-E
	in f $1
	E
}
f arg; f again
x=$(cat <<E
in subst
E
); echo "$x"
x=$(cat <<'E'
a'b"c)
E
)
echo "$x"
x=$(echo a # it's a comment (with a paren
)
echo "$x"
echo "$(( 1 << 3 ))"
cat <<E
a\
b
c \$x \\ \"
E
cat <<${a}
brace
${a}
while read l; do echo "l=$l"; done <<E
1
2
E
cat <<E |
piped
E
cat
true <<E && echo ok
body
E
echo `cat <<E
bq
E`
(eval 'cat <<$(a)
here
$(a)'; echo not reached); echo "comsub delimiter: $?"
echo $(case x in x) echo case pattern;; esac) $(case y in (y) echo paren;; esac)
echo $(echo $(case x in x) echo nested;; esac))
x=$(cat <<E
a)b
E
); echo "$x"
echo "$(echo hi # don't
)"
(eval 'echo $(if true)'; echo not reached); echo "syntax error in \$(...): $?"
cat <<'E'
quoted, trailing \
E
cat <<E
trailing \
E
echo continued into the delimiter
E
for i in 1 2; do cat <<E
i=$i
E
done
{ cat; } <<E
to group
E
cat <<E1; cat <<E2 | tr a-z A-Z
a
E1
b
E2
cat <<E
E
echo empty
x=$(cat <<E
a\
E
b)
E
); echo "[$x]"
cat <<EOF
cut by the end
