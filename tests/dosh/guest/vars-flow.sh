# vars-flow: break, continue, return and exit: their numbers, statuses and reach
for i in 1 2; do for j in a; do break 5; done; echo no; done; echo "break 5: $?"
break; echo "break outside: $?"
for i in 1 2; do break 1 2; echo no; done; echo "extra: $?"
while break; do echo no; done; echo "in condition: $?"
for i in 1 2; do while break 2; do :; done; echo no; done; echo "break 2 from condition"
for i in 1 2 3; do while continue 2; do :; done; echo no; done; echo "continue 2: $i"
i=0; until i=$((i + 1)); [ $i -gt 3 ] && break; do echo "$i"; done; echo "until $i"
(for i in 1; do break 0; echo no; done; echo no); echo "break 0: $?"
(for i in 1; do break -1; done; echo no); echo "break -1: $?"
(for i in 1; do break abc; done; echo no); echo "break abc: $?"
(for i in 1; do continue 0; done; echo no); echo "continue 0: $?"
for i in 1 2; do break " 1"; done; echo "spaced: $?"
f() { break; }; for i in 1 2; do f; echo "$i"; done
f() { for j in a; do return 3; done; }; f; echo "return in loop: $?"
for i in 1 2; do (break); echo "sub $i"; done
for i in 1 2; do echo "$(break; echo x)$i"; done
for i in 1; do echo a | break; echo "pipe break"; done
for i in 1 2; do eval break; echo no; done; echo "eval break $i"
f() { return 256; }; f; echo "return 256: $?"
f() { return 300; }; f; echo "return 300: $?"; (exit 300); echo "exit 300: $?"
(f() { return abc; }; f; echo no); echo "return abc: $?"
(f() { return -1; }; f; echo no); echo "return -1: $?"
f() { return 1 2; }; f; echo "return extra: $?"
f() { false; return; }; f; echo "bare return: $?"
f() { (return 5); echo "sub return $?"; }; f
(exit 3000); echo "3000: $?"
(exit " 3"); echo "spaced: $?"
(exit +3); echo "plus: $?"
(exit 010); echo "octal-looking: $?"
(exit 2147483647); echo "max: $?"
(exit 2147483648; echo no); echo "too big: $?"
(exit abc; echo no); echo "abc: $?"
(exit -1; echo no); echo "negative: $?"
(exit ''; echo no); echo "empty: $?"
(exit 0x10; echo no); echo "hex: $?"
(exit 1 2); echo "extra: $?"
(false; exit); echo "bare: $?"
(f() { exit 4; }; f; echo no); echo "in function: $?"
(eval 'exit 5'; echo no); echo "in eval: $?"
(return 6; echo no); echo "top return: $?"
(eval 'return 7; echo no'; echo no); echo "eval return: $?"
(while return 2; do echo no; done; echo no); echo "return in condition: $?"
printf 'echo in1\nreturn 4\necho no\n' > src.sh
. ./src.sh; echo "dot return: $?"
f() { . ./src.sh; echo "f $?"; }; f; echo "top $?"
printf 'break\n' > brk.sh
for i in 1 2; do . ./brk.sh; echo no; done; echo "dot break $i"
printf 'echo "[$1]"\n' > args.sh; set -- x; . ./args.sh a; echo "dot args"
mkdir -p pathdir; printf 'echo from path\n' > pathdir/sourced
(PATH="$PWD/pathdir:$PATH"; . sourced; echo "dot PATH: $?")
printf 'echo from cwd\n' > cwdonly
(. cwdonly; echo no); echo "dot cwd: $?"
. /dev/null; echo "dot empty: $?"
rm -rf src.sh brk.sh args.sh pathdir cwdonly
$(exit 5) > /dev/null; echo "empty command: $?"
`false`; echo "empty backquotes: $?"
if `false`; then echo no; else echo "empty condition false"; fi
x=$(exit 3) $(exit 4); echo "assignment last: $?"
