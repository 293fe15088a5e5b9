# Bad input: a clear message and a sensible status, never a crash.
d="$DOSH_ABS"
"$d" -c 'echo "unterminated'; echo "status $?"
"$d" -c "echo 'unterminated"; echo "status $?"
"$d" -c 'echo $(echo unterminated'; echo "status $?"
# a here-document cut by the end of input is what there was, as dash
"$d" -c 'cat <<EOF
no end'; echo "status $?"
"$d" -c 'if true; then echo x'; echo "status $?"
"$d" -c 'fi'; echo "status $?"
"$d" -c 'echo a |'; echo "status $?"
"$d" -c 'echo ${x'; echo "status $?"
"$d" -c 'echo $((1 +))'; echo "status $?"
"$d" -c 'echo $((1 / 0))'; echo "status $?"
"$d" --bogus 2>&1 | head -1; echo "status $?"
"$d" /nonexistent/script.sh; echo "status $?"
DOSH_HOST= "$d" -c '!true; echo "status $?"; echo guest works'
"$d" -c 'set -u; echo $undefined_var; echo not-reached'; echo "status $?"
"$d" -c 'x=1; : ${x:?is required}; unset x; : ${x:?is required}; echo not-reached'; echo "status $?"
# the connection drops: the host command fails, guest commands work, the next ! reconnects
"$d" -c '!sh -c "sleep 0.3; kill -9 \$PPID"; echo "status $?"; echo guest still works; !echo host is back'
# the shadow dies before it can even answer the spawn: still no crash
"$d" -c '!sh -c "kill -9 \$PPID"; echo guest-survives' 2>/dev/null; echo "status $?"
# nesting beyond what the stack is allowed: an error, never a crash
"$d" -c "false && echo $(printf '$(%.0s' $(seq 2000))x$(printf ')%.0s' $(seq 2000))" 2>/dev/null; echo "status $?"
"$d" -c "echo \$(( $(printf 'a=%.0s' $(seq 30000))1 ))" 2>/dev/null; echo "status $?"
"$d" -c "echo \$(( $(printf '1?%.0s' $(seq 30000))1$(printf ':0%.0s' $(seq 30000)) ))" 2>/dev/null; echo "status $?"
