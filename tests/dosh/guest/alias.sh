# Aliases as dash: listing and quoting, unknown names, blanks, recursion, reserved words.
alias b=echo a='echo x' c="it's" q="echo 'q'" z=1 m=3 A=4 _x=5 sq=\'
alias
alias zz; echo "unknown: $?"
alias a=1 zz b2=2; echo "defined around an unknown: $?"
alias c q
unalias nosuch; echo "unalias unknown: $?"
unalias a nosuch c; echo "unalias some: $?"
unalias -a; alias; echo "after -a: $?"
alias e='echo ' w=word
e w
alias e=echo
e w
alias ls='ls -a'
ls -d .
alias a=b b=a
a 2>/dev/null; echo "mutual: $?"
alias a='b ' b='echo c'
a a
alias e='echo hi'
e | cat; true && e; false || e; e; { e; }; (e); if e; then e; fi; for i in 1; do e; done
alias x='echo same line'; x 2>/dev/null; echo "same line: $?"
x
e\
 more
alias i=if t=then f=fi
i true; t echo reserved; f
alias x='if true; then echo in; fi'
x
alias e='echo ' i=if
e i
alias fn='g()'
fn { echo in g; }
g
alias y='echo a;'
y echo b
alias x='echo one
echo two'
x
alias e=echo
"e" hi 2>/dev/null; echo "quoted: $?"; \e hi 2>/dev/null; echo "escaped: $?"
x=1 e assigned
case e in e) e case;; esac
alias e='echo '
e e e
alias not='! true'
not; echo "not: $?"
alias l='{ echo group; }'
l; l > /dev/null; echo "l: $?"
alias foo='echo foo'
h() { foo; }
h; alias foo='echo bar'; h
alias if='echo aliased' fi='echo x' then='echo t' do=echo in=IN done='echo d' while='echo w'
alias '{'='echo brace' '!'='echo bang' case=echo esac=E
if true; then echo reserved words come first; fi
{ echo brace group; }
! true; echo "bang: $?"
for i in 1; do echo "for $i"; done
case x in x) echo case;; esac
while false; do :; done; echo while
alias e='echo '
e if
unalias -a
alias n= co='#'
n
echo after an empty alias
echo z; n
{ n
echo in a group; }
if true; then n
echo in an if; fi
co echo hidden; echo hidden too
echo after a comment alias
unalias -a
