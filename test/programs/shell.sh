# A realistic busybox sh script: pipelines, here-docs, while-read loops,
# functions, arithmetic, traps, subshells, and the text tools.
set -e
dir=/tmp/lde-shell.$$
mkdir -p "$dir" && cd "$dir"
trap 'cd /; rm -rf "$dir"; echo cleaned up' EXIT
count() { wc -l < "$1" | tr -d ' '; }
seq 1 200 | awk '{ print $1 % 7, $1 }' | sort -k1,1n -k2,2nr > pairs
echo "pairs: $(count pairs) lines, first: $(head -1 pairs)"
cut -d' ' -f1 pairs | uniq -c | awk '{ printf "%s:%s ", $2, $1 } END { print "" }'
cat > notes <<END
alpha 3
beta 1
gamma 4
delta 1
END
total=0
while read -r name n; do total=$((total + n)); done < notes
echo "total $total"
sed -n 's/^\(g[a-z]*\) \([0-9]\)$/\2=\1/p' notes
grep -c a notes; grep -v -e beta -e delta notes | sort -r | tr a-z A-Z
( cd /; pwd ); pwd | sed "s|$dir|DIR|"
printf '%05d|%-6s|%x\n' 42 ok 255
for f in a b c; do echo "$f$f" > "file-$f"; done
ls | sort | tr '\n' ' '; echo
cat $(find . -name 'file-*' | sort) | md5sum
echo "sum of 1..100: $(seq 100 | paste -sd+ | bc 2>/dev/null || seq 100 | awk '{ s += $1 } END { print s }')"
i=0; until [ $i -ge 5 ]; do i=$((i + 1)); done; echo "until $i"
case "lde-riscv" in *-riscv) echo matched ;; *) echo no ;; esac
echo "$(echo nested $(echo deep))"
(exit 3) || echo "subshell status $?"
