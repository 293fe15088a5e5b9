# test and [ as dash 0.5.12 has them: POSIX's word counts first, then dash's parser.
# Errors give status 2; a case sits in ( ) only where that matters.
t() { "$@"; echo "$? <- $*"; }

# ---- 0 to 4 words ----
t test
t [ ]
t test ''
t test x
t test -n
t test -z
t test -t
t test -a
t test -o
t test =
t test '!'
t test '('
t test ')'
t test ! ''
t test ! x
t test ! -n
t test -n ''
t test -z ''
t test -n x
t test -z -z
t test '(' ')'
t test '!' -a
t test ! = !
t test = = =
t test ! = =
t test '(' = '('
t test ')' = ')'
t test -n = -n
t test -a = -a
t test -r = ''
t test -eq -eq -eq
t test '(' -n ')'
t test '(' -eq ')'
t test '(' '!' ')'
t test '!' '(' ')'
t test '(' x ')'
t test '(' '(' ')'
t test ! ! a
t test ! ! ! a
t test ! a = b
t test ! a = a
t test '(' a = b ')'
t test '(' ! a ')'
t test -a -a -a
t test -o -o -o
t test -n -n -n
t test -f -f -f
t test -x -x
t test ! -x -x

# ---- ( ) ! -a -o, -a binding tighter than -o ----
t test a = b -o c
t test a = a -a b
t test a -a '' -o b
t test '' -o '' -a x
t test ! '' -a ''
t test '(' a = a ')' -a b
t test '(' '(' a ')' ')'
t test '(' a -o b ')' -a c
t test '(' ! a ')' -o '(' b ')'
t test '(' = '(' -a ')' = ')'
t test -f = -f -o x
t test 1 -lt 2 -a ! 2 -lt 1
t test '(' 1 -lt 2 ')' -a '(' ! 2 -lt 1 ')'
t test 1 -ne 2 -a 3 -le 3 -a 4 -ge 5
t test 5 -gt 4 -o 1 -lt 0
t test -d / -a -f /etc/passwd
t test -d /etc/passwd -o -f /etc/passwd

# ---- strings ----
t test abc = abc
t test abc != abd
t test '' = ''
t test '' != ''
t test a '<' b
t test b '<' a
t test a '>' b
t test B '<' a
t test abc = abc = abc
t test a == a

# ---- integers ----
t test 1 -eq ' 1 '
t test '1 ' -eq 1
t test 1 -lt +2
t test -1 -lt 2
t test 010 -eq 8
t test 2147483648 -gt 1
t test 9223372036854775807 -gt 1
t test -9223372036854775808 -lt 1
t test 3 -ne 3
t test 3 -le 2
t test 3 -ge 3
t test 1 -eq 1 -eq 1
t test 1 -eq 1x
t test 1 -eq ''
t test ' ' -eq 0
t test a -eq 1
t test 0x10 -eq 16
t test 1 -eq 99999999999999999999
t test 9223372036854775808 -gt 1
t test -t 1x
t test -t 99999999999999999999
t test -t 0 < /dev/null

# ---- files ----
: > empty; echo x > full; mkdir dir
t test -e empty
t test -e nonexist
t test -f empty
t test -f dir
t test -d dir
t test -d empty
t test -s empty
t test -s full
t test -s dir
t test -c /dev/null
t test -b /dev/null
t test -p /dev/null
t test -S /dev/null
t test -h /dev/null
t test -L /proc/self
t test -r full -a -w full
t test -O full
t test -G full
mkfifo fifo; t test -p fifo; t test -f fifo
ln -s full link; ln -s nonexist dangling
t test -h link
t test -L link
t test -f link
t test -h dangling
t test -e dangling
t test -L full
t test link -ef full
t test full -ef full
t test full -ef empty
t test full -ef nonexist
chmod 1777 dir; t test -k dir; t test -k full
chmod 4755 full; t test -u full; t test -g full; t test -x full
chmod 2644 full; t test -g full; t test -u full; t test -x full
touch -d '2020-01-01 00:00:00.1' old; touch -d '2020-01-01 00:00:00.5' new
t test new -nt old
t test old -nt new
t test old -ot new
t test new -ot old
t test old -nt nonexist
t test nonexist -ot old
t test nonexist -nt old
t test old -ot nonexist

# ---- [ and its ] ----
t [ a = a ]
t [ a = b ]
t [ -n ]
t [ ! -z ]
t [ "" ]
t [ 1 -eq 1 ] ]
t [ ] ]
t [ '(' '(' ]
t [ ')' ')' ]
t [ 1 = 1 ]x
t [ 1 = 1
t [
t [ -f

# ---- syntax errors ----
t test a b
t test a b c d e
t test a -o b c
t test -n x y
t test -e -a -e
t test '(' a
t test 1 -eq
t test a -nt
t test -nt a
t test a -nt b -nt c
t [ a b ]
t [ '(' a ]
(set -e; test 1 -eq x; echo not reached); echo "$? <- set -e"
