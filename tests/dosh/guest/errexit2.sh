# set -e as dash: conditions, ! and lists, subshells, substitutions, failed redirections (status 2)
(set -e; f() { set -e; false; echo after-false-in-f; }; if f; then echo f-true; fi; echo end1)
(f() { set -e; false; echo after; }; f && echo and; echo end2)
(set -e; f() { false; echo after; }; f || echo or; echo end3)
(set -e; ! true; echo end4)
(set -e; ! false; echo end5)
(set -e; false && true; echo end6)
(set -e; true && false; echo end7); echo "st=$?"
(set -e; false || false; echo end8); echo "st=$?"
(set -e; ( false ); echo end9); echo "st=$?"
(set -e; x=$(false); echo end10); echo "st=$?"
(set -e; x=$(false) y=1; echo end10b); echo "st=$?"
(set -e; false | true; echo end11); echo "st=$?"
(set -e; true | false; echo end12); echo "st=$?"
(set -e; if (set -e; false; echo in13); then echo then13; fi; echo end13); echo "st=$?"
(set -e; { false; echo in14; } && echo x; echo end14); echo "st=$?"
(set -e; { false; echo in15; }; echo end15); echo "st=$?"
(set -e; while false; do :; done; echo end16); echo "st=$?"
(set -e; for i in 1; do false; echo in17; done; echo end17); echo "st=$?"
(set -e; case x in x) false; echo in18;; esac; echo end18); echo "st=$?"
(set -e; if false; then :; else false; echo in19; fi; echo end19); echo "st=$?"
(set -e; f() { false; echo inf20; }; f; echo end20); echo "st=$?"
(set -e; f() { return 3; }; f; echo end21); echo "st=$?"
(set -e; eval false; echo end22); echo "st=$?"
(set -e; eval 'false; echo in23'; echo end23); echo "st=$?"
(set -e; x=$(false; echo sub24); echo "x=$x end24"); echo "st=$?"
(set -e; echo $(false) end25); echo "st=$?"
(set -e; local_f() { local x=$(false); echo in26; }; local_f; echo end26); echo "st=$?"
(set -e; export x=$(false); echo end27); echo "st=$?"
(set -e; while true; do false; echo in28; break; done; echo end28); echo "st=$?"
(set -e; until false; do break; done; echo end29); echo "st=$?"
(set -e; false; echo end30) && echo ok30; echo "st=$?"
(set -e; ! (false); echo end31); echo "st=$?"
(set -e; if ! false; then false; echo in32; fi; echo end32); echo "st=$?"
(set -e; true > /dev/null/x; echo end33); echo "st=$?"
(set -e; { true; } > /dev/null/x; echo end34); echo "st=$?"
(set -e; { true; } > /dev/null/x || echo or35; echo end35); echo "st=$?"
(set -e; if { true; } > /dev/null/x; then :; fi; echo end36); echo "st=$?"
(set -e; while :; do break; done > /dev/null/x; echo end37); echo "st=$?"
(true > /dev/null/x; echo "st38=$?")
({ true; } > /dev/null/x; echo "st39=$?")
(f() { :; }; f > /dev/null/x; echo "st40=$?")
(x=1 > /dev/null/x; echo "st41=$?")
((true) > /dev/null/x; echo "st42=$?")
(cat < /nonexistent; echo "st43=$?")
(set -e; cat < /nonexistent; echo end44); echo "st=$?"
(set -e; x=1 > /dev/null/x; echo end45); echo "st=$?"
(set -e; (exit 3); echo end46); echo "st=$?"
(set -e; true | (exit 4); echo end47); echo "st=$?"
(set -e; false; true) ; echo "st48=$?"
set -e; false || { echo in49; }; set +e
(set -e; trap 'echo trap50' EXIT; false; echo end50); echo "st=$?"
(set -e; f() { false; }; if ! f; then echo neg51; fi; echo end51); echo "st=$?"
(set -e; for i in $(false); do :; done; echo end52); echo "st=$?"
(set -e; case $(false) in *) echo in53;; esac; echo end53); echo "st=$?"
(set -e; exec > /dev/null/x; echo end54); echo "st=$?"
(: > /dev/null/x; echo end55); echo "st=$?"
(command : > /dev/null/x; echo "st56=$?")
(f() { :; }; f() { echo f; } > /dev/null/x; f; echo "st57=$?")
if $(false); then echo T58; else echo F58; fi
$(exit 3); echo "st59=$?"
x=$(exit 4) y=1; echo "st60=$?"
x=$(exit 5) > /dev/null; echo "st61=$?"
# assignments without a command: the redirections come first, and a failed one assigns nothing
FOO=$(echo foo 1>&2) 2>errexit2-nc.txt; cat errexit2-nc.txt; echo "FOO=$FOO"
abc=def > /dev/null/x; echo "abc=$abc st=$?"
(X=${unset_x?bc} > errexit2-w) 2>/dev/null; test -f errexit2-w && echo "redirected first"
(export abc=def > /dev/null/x; echo not-here); echo "st=$? abc=$abc"
rm -f errexit2-nc.txt errexit2-w
# a descriptor duplicated onto itself is no redirection, even closed: no failure
: 7>&7; echo "st62=$?"
