# Where a '!' means the host, and where it does not (dosh(1), "Where ! means the host").
!echo host echo
command !echo after command
( exec !sh -c 'echo exec runs it; exit 3'; echo never printed ); echo "exec's status: $?"
command !echo command in front of a host command changes nothing
! !false; echo "negated host false: $?"
! true; echo "negation with a blank: $?"
echo !literal "!quoted" \!escaped x!y
'!echo' quoted command word 2>/dev/null; echo "quoted: $?"
x=!value; echo "assignment: $x"
case !a in !a) echo "pattern: literal" ;; esac
command -p !echo 2>/dev/null; echo "command with an option: $?"
exec !sh -c 'echo the last command; exit 4'
echo never printed either
