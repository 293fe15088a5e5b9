# functions, local, return, recursion
greet() {
  echo "hello $1 ($#)"
}
greet world extra
fact() {
  if [ $1 -le 1 ]; then echo 1; return; fi
  local sub
  sub=$(fact $(($1 - 1)))
  echo $(($1 * sub))
}
fact 6
v=global
scope() { local v=local; echo "in: $v"; }
scope; echo "out: $v"
ret() { return $1; }
ret 4; echo "ret=$?"
args() { echo "$#:$*"; }
args "a b" c
set -- p q
args2() { echo "$1"; }
args2 z; echo "$1"
count() { c=0; for i do c=$((c+1)); done; echo $c; }
count 1 2 3 4
