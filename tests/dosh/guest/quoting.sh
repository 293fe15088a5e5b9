# quoting: single, double, backslashes, comments
echo 'single $HOME "x"' "double \$HOME 'y'" back\ slash \"q\"
echo "a\\b" 'a\\b' a\\b   # a comment
x='has  two  spaces'
echo $x
echo "$x"
echo "nested $(echo "inner \"quoted\" $x")"
echo '' "" x
set -- "" a ""
echo $#
echo "it's" 'say "hi"'
echo \$x \`echo no\`
echo "tab:	:end"
