# arithmetic expansion
a=7 b=3
echo $((a + b)) $((a - b)) $((a * b)) $((a / b)) $((a % b))
echo $(( (a + b) * 2 )) $((a << 2)) $((a >> 1)) $((a & b)) $((a | b)) $((a ^ b))
echo $((a > b)) $((a < b)) $((a == 7)) $((a != 7)) $((!a)) $((~a))
echo $((a > b ? a : b)) $((0 && 1/0)) $((1 || 1/0))
i=0
i=$((i + 1)); i=$((i + 1))
echo $i
echo $((x = 5)) $x
echo $((0x1f)) $((010)) $((-3 + 5))
n=10; s=0
while [ $n -gt 0 ]; do s=$((s + n)); n=$((n - 1)); done
echo sum=$s
