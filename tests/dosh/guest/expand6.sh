# expand6.sh: quoting inside ${...} words and patterns, backquotes with backslashes,
# nested substitutions, and ${x-} forms that make or drop fields, against dash. A subshell a case.
( x='a*b'; echo "${x#"a*"}" "${x#a*}" "${x%'*b'}" "${x%\*b}" )
( x=abc; y='a'; echo "${x#$y}" "${x#"$y"}" ${x#"$y"} )
( x='a b'; echo "${x:-"q  r"}" ${x:+"q  r"} "${u:-'q'}" ${u:-'q  r'} )
( echo "${u:-\$x}" "${u:-\"}" ${u:-\"} "${u:-a\}b}" )
( echo `echo \\$HOME` "`echo \\$HOME`" | sed 's|/.*|H|g' )
( echo `echo 'a\\b'` "`echo 'a\\b'`" )
( echo `echo "a\\\\b"` )
( x=`echo \`echo hi\``; echo $x )
( echo "`printf '%s' "a  b"`" )
( echo $(echo "$(echo "a  b")") )
( echo "$(echo '$x')" '$(echo x)' )
( x=1; echo "$(( x + $(echo 2) ))" )
( echo $(( `echo 3` * 2 )) )
( IFS=x; a="1x2"; echo $(echo $a) )
( v='a )
( b'; echo "$v" $v )
( x='  '; echo [${x}] ["${x}"] )
( echo "${#}" "${#-}" "${#?}" "${##}" )
( set -- a; echo "${1+"$1"}" ${1+"$1 x"} )
( unset v; echo ${v-}x "${v-}"x ${v:-}x )
( f() { echo "$#:$*"; }; f ${u-} ; f "${u-}"; f ${u-""}; f ${u-''} )
( set -- a b; f() { echo "$#:$*"; }; f "${@:+x}"; f ${@:+"$@"}; set --; f ${@:+"$@"}; f "${@:-}" )
( echo ~+/x ~-/x 2>/dev/null | wc -w )
cat <<E
${u:-a\}b} "\}"
E
