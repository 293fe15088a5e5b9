# more expansion: IFS corner cases, quoted and unquoted $@, nested parameter words
set -- "a b" "" c
printf '[%s]' "$@"; echo
printf '[%s]' $@; echo
printf '[%s]' "$*"; echo
printf '[%s]' "x$@y"; echo
printf '[%s]' ${1+"$@"}; echo
IFS=:; v="a::b:"; printf '[%s]' $v; echo; IFS=' 	
'
v="  lead and trail  "; printf '[%s]' $v; echo
printf '[%s]' "${v# }"; echo
e=""; printf '[%s]' $e "$e"; echo
unset u; printf '[%s]' "${u:-"quoted default"}" ${u:-unquoted default}; echo
w='*'; printf '[%s]' "$w"; echo
a=1; b=$a$a; echo "$b ${#b}"
echo "${HOME:+home-set}"
echo $((010 + 0x10 + 1))
echo "$(printf 'no\ntrailing\n\n\n')|"
echo "\$ \` \" \\ \a"
echo '\$ \` \" \\ \a'
echo \$ \` \" \\ \a
