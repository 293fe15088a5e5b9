# redirections and here-documents
t=${TMPDIR:-/tmp}/dosh-redir-$$
echo first > $t
echo second >> $t
cat < $t
wc -l < $t
echo to-stderr 1>&2 2>/dev/null
{ echo out; echo err >&2; } 2>&1 | sort
exec 3>$t.3
echo via3 >&3
exec 3>&-
cat $t.3
cat <<EOF
here is expanded: $((1+2)) $(echo cmd)
EOF
cat <<'EOF'
not $expanded `here`
EOF
cat <<-EOF
	tabs stripped
	EOF
cat 0<<X
zero
X
read line < $t; echo "read: $line"
echo a b c > $t; read p q < $t; echo "$p|$q"
rm -f $t $t.3
ls /nonexistent 2>/dev/null || echo "ls failed"
