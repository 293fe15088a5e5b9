# set -e in substitutions, functions, eval and . run from conditions, pipelines, && lists
(set -e; x=$(false; echo hi) || true; echo "x=$x end1")
(set -e; echo "$(false; echo in2)"; echo end2)
(set -e; f() { false; echo in3; }; x=$(f) || :; echo "x=$x end3")
(set -e; f() { false; echo in4; }; f &  wait; echo end4)
(set -e; { false; echo in5; } &  wait $!; echo "st=$? end5")
(set -e; f() { false; echo in6; }; ! f; echo end6)
(set -e; f() { false; echo in7; return 0; }; f && echo and7; echo end7)
(set -e; f() { false; echo in8; }; while f; do break; done; echo end8)
(set -e; f() { false; echo in9; }; until f; do break; done; echo end9)
(set -e; f() { false; }; g() { f; echo in10; }; g || echo or10; echo end10)
(set -e; eval 'false; echo in11' || echo or11; echo end11)
(set -e; echo 'false; echo in12' > errexit2-dot; . ./errexit2-dot || echo or12; echo end12)
(set -e; . ./errexit2-dot; echo end13); echo "st=$?"
(set -e; trap 'echo trapped14' EXIT; ( false ); echo end14); echo "st=$?"
(set -e; false | false | true; echo end15)
(set -e; if false | false; then :; fi; echo end16)
(set -e; set +e; false; echo end17)
(set -e; f() { set +e; false; echo in18; }; f; false; echo end18); echo "st=$?"
(set -e; [ 1 = 2 ]; echo end19); echo "st=$?"
(set -e; test -n ""; echo end20); echo "st=$?"
(set -e; x=1; y=$x$(false); echo end21); echo "st=$?"
(set -e; : $(false); echo end22); echo "st=$?"
(set -e; command false; echo end23); echo "st=$?"
(set -e; f() { false; }; command f; echo end24); echo "st=$?"
(set -e; { false; } || { false; }; echo end25); echo "st=$?"
(set -e; false; echo end26) | cat; echo "st=$?"
(set -o errexit; false; echo end27); echo "st=$?"
(set -e; readx() { read v; }; echo | readx; echo "end28"); echo "st=$?"
(set -e; printf '' | read v; echo end29); echo "st=$?"
(set -e; f() { return 1; }; f || true; if f; then :; fi; echo end30)
(set -e; exit_f() { (exit 7); }; exit_f; echo end31); echo "st=$?"
(set -e; case 1 in 1) false && true;; esac; echo end32); echo "st=$?"
(set -e; for i in 1 2; do false && true; done; echo end33); echo "st=$?"
(set -e; while false && true; do :; done; echo end34); echo "st=$?"
(set -e; f() { false && true; }; f; echo end35); echo "st=$?"
(set -e; { false && true; }; echo end36); echo "st=$?"
(set -e; (false && true); echo end37); echo "st=$?"
(set -e; false && true | true; echo end38); echo "st=$?"
(set -e; x=$(set +e; false; echo y); echo "x=$x end39"); echo "st=$?"
(set -e; if true; then false; fi; echo end40); echo "st=$?"
(set -e; if true; then false && :; fi; echo end41); echo "st=$?"
(set -e; ! { false; echo in42; }; echo end42); echo "st=$?"
(set -e; time false 2>/dev/null; echo end43) 2>/dev/null; echo "st=$?"
rm -f errexit2-dot
