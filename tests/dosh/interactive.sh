#!/bin/sh
# interactive.sh: dosh at a terminal, driven through tmux (send-keys, capture-pane):
# prompt, history, completion, Ctrl-C of guest and host commands, Ctrl-Z and fg, !cat and Ctrl-D.
set -u
cd "$(dirname "$0")/../.."
DOSH="${DOSH:-build/bin/dosh}"
HOSTCALLD="${HOSTCALLD:-build/bin/hostcalld}"
if ! command -v tmux >/dev/null; then
	echo "interactive.sh: tmux is missing: scripts/deps.sh installs it" >&2
	exit 1
fi
work=$(mktemp -d)
sock="dosh-test-$$"
passed=0
failed=0
"$HOSTCALLD" --listen tcp://127.0.0.1:0 --key "$work/key" --address-file "$work/addr" \
	2>"$work/hostcalld.log" &
daemon=$!
i=0
while [ ! -s "$work/addr" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
mkdir -p "$work/g" "$work/h"
touch "$work/g/completion-target.txt"

t() { tmux -L "$sock" "$@"; }
keys() { t send-keys -t s "$@"; }
screen() { t capture-pane -t s -p; }
# wait until the screen shows $1 (a fixed string), up to 10 s
await() {
	i=0
	while ! screen | grep -qF -- "$1"; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.05
	done
}
# wait until at least $2 lines of the screen match the pattern $1, up to 10 s
await_lines() {
	i=0
	while [ "$(screen | grep -c -- "$1")" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.05
	done
}
check() {
	if await "$2"; then
		passed=$((passed + 1)); echo "ok   $1"
	else
		failed=$((failed + 1)); echo "FAIL $1: '$2' not on the screen"; screen | tail -15
	fi
}
sleepers() { pgrep -f "sleep 42$1" >/dev/null; }
# a process matching $1 is gone (a second's grace), or it is in state $2 (T: stopped, S: running)
gone() {
	i=0
	while pgrep -f "$1" >/dev/null && [ $i -lt 20 ]; do sleep 0.05; i=$((i + 1)); done
	if pgrep -f "$1" >/dev/null; then
		failed=$((failed + 1)); echo "FAIL $1 still running"
	else
		passed=$((passed + 1)); echo "ok   $1 gone"
	fi
}
in_state() {   # a signal takes effect when its process next runs: allow a second
	i=0
	while ! ps -o stat= -p "$(pgrep -f "$1" | head -1)" 2>/dev/null | grep -q "^$2" && [ $i -lt 20 ]; do
		sleep 0.05; i=$((i + 1))
	done
	if ps -o stat= -p "$(pgrep -f "$1" | head -1)" 2>/dev/null | grep -q "^$2"; then
		passed=$((passed + 1)); echo "ok   $1 in state $2"
	else
		failed=$((failed + 1)); echo "FAIL $1 not in state $2"
	fi
}
# wait until a process matching $1 runs (a loaded machine may be slow to start it)
await_proc() {
	i=0
	while ! pgrep -f "$1" >/dev/null; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.05
	done
	sleep 0.2
}

t new-session -d -s s -x 120 -y 40 "cd $work/g && env DOSH_HOST=$(cat "$work/addr") \
	DOSH_KEY=$work/key HISTFILE=$work/history PS1='guest:\\w host:\\W $ ' $PWD/$DOSH"
check "prompt shows both working directories" "guest:$work/g host:$PWD \$"
keys "!cd $work/h" Enter
check "host cd changes the host side of the prompt" "guest:$work/g host:$work/h \$"
keys 'echo history-$((6*7))' Enter
check "a command runs" "history-42"
keys Up Enter
if await_lines 'history-42$' 2; then
	passed=$((passed + 1)); echo "ok   history recalls the last line"
else
	failed=$((failed + 1)); echo "FAIL history"; screen | tail -5
fi
grep -q 'history-' "$work/history" && { passed=$((passed + 1)); echo "ok   history file written"; } ||
	{ failed=$((failed + 1)); echo "FAIL history file"; }
keys 'ls complet' Tab Enter
check "tab completes guest paths" "completion-target.txt"
keys 'read -p "ask$((6*7))> " ans; echo "ans=$ans"' Enter
check "read -p prompts at a terminal" "ask42>"
keys 'yes-42' Enter
check "and reads the answer" "ans=yes-42"
keys 'sleep 421' Enter
await_proc 'sleep 421'
keys C-c
keys 'echo guest-interrupted $?' Enter
check "Ctrl-C interrupts a guest job, not dosh" "guest-interrupted 130"
if sleepers 1; then failed=$((failed + 1)); echo "FAIL guest sleep still running"; else passed=$((passed + 1)); echo "ok   guest sleep gone"; fi
keys '!sleep 422' Enter
await_proc 'sleep 422'
keys C-c
keys 'echo host-interrupted $?' Enter
check "Ctrl-C interrupts a host job" "host-interrupted 130"
sleep 0.3
if sleepers 2; then failed=$((failed + 1)); echo "FAIL host sleep still running"; else passed=$((passed + 1)); echo "ok   host sleep gone"; fi
keys 'sleep 423' Enter
await_proc 'sleep 423'
keys C-z
check "Ctrl-Z stops a guest job" "Stopped"
keys 'jobs' Enter
check "jobs lists it" "[1] + Stopped                    sleep 423"
keys 'fg' Enter
sleep 0.5
keys C-c
keys 'echo fg-done $?' Enter
check "fg continues it in the foreground" "fg-done 130"
keys '!sleep 424' Enter
await_proc 'sleep 424'
keys C-z
check "Ctrl-Z stops a host job" "Stopped !sleep"
keys 'echo host-stopped $?; jobs' Enter
check "jobs lists the stopped host job" "[1] + Stopped                    !sleep 424"
if ps -o stat= -p "$(pgrep -f 'sleep 424' | head -1)" 2>/dev/null | grep -q T; then
	passed=$((passed + 1)); echo "ok   the host process is stopped on the host"
else
	failed=$((failed + 1)); echo "FAIL the host process is not stopped"
fi
keys 'fg' Enter
sleep 0.8
keys C-c
keys 'echo host-fg-done $?' Enter
check "fg continues the host job there, and Ctrl-C ends it" "host-fg-done 130"
sleep 0.3
if sleepers 4; then failed=$((failed + 1)); echo "FAIL host sleep 424 still running"; else passed=$((passed + 1)); echo "ok   host sleep 424 gone"; fi
keys '!sleep 431 | cat' Enter
await_proc 'sleep 431'
keys C-c
keys 'echo mixed-int $?' Enter
check "Ctrl-C ends a host | guest pipeline" "mixed-int 130"
gone 'sleep 431'
keys 'echo x | !sleep 432' Enter
await_proc 'sleep 432'
keys C-c
keys 'echo late-int $?' Enter
check "Ctrl-C reaches a host stage after its guest neighbour is done" "late-int 130"
gone 'sleep 432'
keys 'sleep 433 | !sleep 434' Enter
await_proc 'sleep 434'
keys C-z
check "Ctrl-Z stops a guest | host pipeline" "Stopped sleep | !sleep"
in_state 'sleep 433' T
in_state 'sleep 434' T
keys 'wait %1; echo waited-stopped-$?; jobs' Enter
check "wait on a stopped pipeline reports the stop" "waited-stopped-148"
check "and keeps the job" "[1] + Stopped                    sleep | !sleep"
keys 'fg' Enter
sleep 0.5
in_state 'sleep 433' S
in_state 'sleep 434' S
keys C-c
keys 'echo mixed-fg $?' Enter
check "fg continues both sides, and Ctrl-C ends them" "mixed-fg 130"
gone 'sleep 433'
gone 'sleep 434'
keys '!sleep 435 | !cat' Enter
await_proc 'sleep 435'
keys C-z
check "Ctrl-Z stops a pipeline of host commands" "Stopped !sleep | !cat"
in_state 'sleep 435' T
keys 'bg' Enter
sleep 0.5
in_state 'sleep 435' S
keys 'fg' Enter
sleep 0.5
keys C-c
keys 'echo host-pipe-fg $?' Enter
check "bg and fg continue it, and Ctrl-C ends it" "host-pipe-fg 130"
gone 'sleep 435'
keys "!sh -c 'sleep 1.5; echo bg-\$((40+3))' | !cat" Enter
await_proc 'sleep 1.5'
keys C-z
check "Ctrl-Z stops a host pipeline with output to come" "Stopped !sh | !cat"
keys 'bg' Enter
check "after bg its output still reaches the terminal" "bg-43"
keys 'wait; echo waited-$?' Enter
check "wait sees the job end" "waited-0"
keys '!cat' Enter
await_proc '^cat$'
keys 'typed to the host' Enter
check "!cat echoes a typed line" "typed to the host
typed to the host"
keys C-d
sleep 0.5
keys 'echo cat-ended $?' Enter
check "Ctrl-D ends !cat's input" "cat-ended 0"
keys '!stty size' Enter
check "a host program at the terminal runs on a host pty" "40 120"
t resize-window -t s -x 100 -y 30
sleep 0.3
keys '!stty size' Enter
check "the window size follows a resize" "30 100"
keys '!sh -i' Enter
await_proc '^sh -i$'
keys 'echo inside-host-sh; tty' Enter
check "an interactive host shell works on its pty" "/dev/pts/"
keys 'exit' Enter
sleep 0.5
keys 'echo host-sh-done $?' Enter
check "the host shell's exit returns to dosh" "host-sh-done 0"
keys '!sleep 1.5' Enter
await_proc 'sleep 1.5'
keys 'echo typed-$((6*7))' Enter 'echo part'
check "a line typed ahead while a host program ran is run after it" "typed-42"
keys 'ial-$((2+3))' Enter
check "a partial line typed ahead is kept for editing" "partial-5"
keys "!sh -c 'sleep 1; read x; echo got=\$x'" Enter
await_proc 'sleep 1$'
keys 'for-the-program' Enter 'echo after-$((1+1))' Enter
check "the host program reads what it wants" "got=for-the-program"
check "and what it left is dosh's" "after-2"
keys "!sh -c 'sleep 1; read x; echo piped=\$x' | cat" Enter
await_proc 'sleep 1$'
keys 'for-the-pipe' Enter 'echo after-$((2+2))' Enter
check "a host stage in a pipeline reads the keyboard" "piped=for-the-pipe"
check "and what it left is dosh's" "after-4"
keys "!cat | sed 's/^/kbd:/'" Enter
await_proc "sed s/^/kbd:/"
keys 'hello' Enter
check "the keyboard reaches a host stage while a guest stage writes the screen" "kbd:hello"
keys C-c
gone "sed s/^/kbd:/"
keys 'echo after-ctrl-c-$((3*3))' Enter
check "Ctrl-C ends both and the prompt is back" "after-ctrl-c-9"
keys "!sh -c 'sleep 1; read x; echo \$x' > !'$work/h/kbd.out'" Enter
await_proc 'sleep 1$'
keys 'into-a-host-file' Enter 'echo after-$((2+3))' Enter
check "with its output to a host file, what it left is dosh's too" "after-5"
keys "tr a-z A-Z < '$work/h/kbd.out'" Enter
check "and what it read is in the file" "INTO-A-HOST-FILE"
keys 'echo resi'
sleep 0.2
t resize-window -t s -x 110 -y 35
sleep 0.3
keys 'zed-$((3+4))' Enter
check "resizing the window keeps the line being typed" "resized-7"
keys 'echo junk' C-c
sleep 0.2
keys 'echo clean-$((8+1))' Enter
check "Ctrl-C at the prompt drops the line" "clean-9"
keys 'exit' Enter
sleep 0.3
t kill-server 2>/dev/null
kill -TERM "$daemon"
wait "$daemon"
rm -rf "$work"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
