#!/usr/bin/env bash
# Regenerates the RVC golden files used by test/rvc.test.ts, with GNU binutils
# as the oracle:
#
#   golden.txt  - "hex16 hex32" pairs: a listing of every RV64GC compressed form
#                 (several register/immediate choices each) is assembled once
#                 with the compressed mnemonics (-march=rv64gc) and once with the
#                 equivalent uncompressed mnemonics (-march=rv64g); the i-th
#                 halfword of the first pairs with the i-th word of the second.
#   illegal.txt - objdump's verdict on all 49152 halfwords whose low two bits
#                 are not 0b11: ranges "lo-hi" (hex; lo and hi have the same
#                 low two bits, the range is lo, lo+4, ..., hi) of the
#                 halfwords objdump cannot decode (".2byte") or decodes as
#                 c.unimp.
#
# Usage: test/rvc/gen.sh [OUTDIR]   (default: the directory of this script)
# Toolchain: $RV_PREFIX if set, else riscv64-unknown-elf-, else
# riscv64-linux-gnu-. Exits 77 if no toolchain is found.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
mkdir -p "$out"

prefix=
for p in ${RV_PREFIX:-riscv64-unknown-elf- riscv64-linux-gnu-}; do
  if command -v "${p}as" >/dev/null 2>&1 && command -v "${p}ld" >/dev/null 2>&1 &&
     command -v "${p}objcopy" >/dev/null 2>&1 && command -v "${p}objdump" >/dev/null 2>&1; then
    prefix=$p
    break
  fi
done
if [ -z "$prefix" ]; then
  echo "gen.sh: no RISC-V binutils (${RV_PREFIX:-riscv64-unknown-elf- or riscv64-linux-gnu-}as/ld/objcopy/objdump) on PATH" >&2
  exit 77
fi
AS=${prefix}as LD=${prefix}ld OBJCOPY=${prefix}objcopy OBJDUMP=${prefix}objdump

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LC_ALL=C

# ---------------------------------------------------------------------------
# 1. The listing. Each emit() writes one compressed line to c.s and the
#    equivalent uncompressed line to u.s.
# ---------------------------------------------------------------------------
exec 3>"$work/c.s" 4>"$work/u.s"
echo "	.text" >&3
echo "	.text" >&4
count=0
emit() { printf '\t%s\n' "$1" >&3; printf '\t%s\n' "$2" >&4; count=$((count + 1)); }

# Deterministic pseudo-random numbers (31-bit LCG), result in $rnd.
seed=20240611
rand() { seed=$(( (seed * 1103515245 + 12345) & 0x7fffffff )); rnd=$(( seed >> 8 )); }

# field_values N SHIFT SIGNED: values of an N-bit immediate field whose lowest
# bit has weight 2^SHIFT, sign-extended if SIGNED=1. Small fields: every value.
# Wider fields: 0, all ones, every single bit set, every single bit clear, and
# 24 pseudo-random patterns (the expansion is a bit permutation, so the single
# bit patterns pin down where each bit goes). Result in the array $vals.
field_values() {
  local n=$1 shift=$2 signed=$3 pats=() p k mask=$(( (1 << $1) - 1 ))
  if [ "$n" -le 6 ]; then
    for ((p = 0; p <= mask; p++)); do pats+=("$p"); done
  else
    pats+=(0 "$mask")
    for ((k = 0; k < n; k++)); do pats+=($(( 1 << k )) $(( mask ^ (1 << k) ))); done
    for ((k = 0; k < 24; k++)); do rand; pats+=($(( rnd & mask ))); done
  fi
  vals=()
  for p in "${pats[@]}"; do
    if [ "$signed" = 1 ] && [ $(( p >> (n - 1) )) = 1 ]; then p=$(( p - (1 << n) )); fi
    vals+=($(( p << shift )))
  done
}

gprs=(); for ((i = 0; i < 32; i++)); do gprs+=("x$i"); done
fprs=(); for ((i = 0; i < 32; i++)); do fprs+=("f$i"); done
cgprs=(x8 x9 x10 x11 x12 x13 x14 x15)
cfprs=(f8 f9 f10 f11 f12 f13 f14 f15)

# pick ARRAYNAME: a pseudo-random element in $pick.
pick() { local -n arr=$1; rand; pick=${arr[rnd % ${#arr[@]}]}; }

# --- register + immediate forms -------------------------------------------
# imm_form TEMPLATE_C TEMPLATE_U N SHIFT SIGNED NONZERO REGARRAY [REG2ARRAY]
# Templates use R (first register), S (second register), I (immediate).
# Every immediate is emitted with random registers, then every register of
# each slot with a random immediate.
imm_form() {
  local tc=$1 tu=$2 n=$3 sh=$4 sg=$5 nz=$6 ra=$7 sa=${8:-} v r s
  field_values "$n" "$sh" "$sg"
  local all=("${vals[@]}") ok=()
  for v in "${all[@]}"; do
    if [ "$nz" = 1 ] && [ "$v" = 0 ]; then continue; fi
    ok+=("$v")
  done
  local -n regs=$ra
  emit_one() {
    local c=${tc//R/$1} u=${tu//R/$1}
    c=${c//S/$2}; u=${u//S/$2}
    c=${c//I/$3}; u=${u//I/$3}
    emit "$c" "$u"
  }
  for v in "${ok[@]}"; do
    pick "$ra"; r=$pick; s=-
    if [ -n "$sa" ]; then pick "$sa"; s=$pick; fi
    emit_one "$r" "$s" "$v"
  done
  for r in "${regs[@]}"; do
    rand; v=${ok[rnd % ${#ok[@]}]}; s=-
    if [ -n "$sa" ]; then pick "$sa"; s=$pick; fi
    emit_one "$r" "$s" "$v"
  done
  if [ -n "$sa" ]; then
    local -n regs2=$sa
    for s in "${regs2[@]}"; do
      rand; v=${ok[rnd % ${#ok[@]}]}; pick "$ra"
      emit_one "$pick" "$s" "$v"
    done
  fi
}

gprs_nz=("${gprs[@]:1}")
gprs_lui=(x0 x1 "${gprs[@]:3}")          # c.lui: rd != x2 (x2 is c.addi16sp)

# Quadrant 0
imm_form 'c.addi4spn R, x2, I' 'addi R, x2, I'  8 2 0 1 cgprs
imm_form 'c.fld R, I(S)'       'fld R, I(S)'    5 3 0 0 cfprs cgprs
imm_form 'c.lw R, I(S)'        'lw R, I(S)'     5 2 0 0 cgprs cgprs
imm_form 'c.ld R, I(S)'        'ld R, I(S)'     5 3 0 0 cgprs cgprs
imm_form 'c.fsd R, I(S)'       'fsd R, I(S)'    5 3 0 0 cfprs cgprs
imm_form 'c.sw R, I(S)'        'sw R, I(S)'     5 2 0 0 cgprs cgprs
imm_form 'c.sd R, I(S)'        'sd R, I(S)'     5 3 0 0 cgprs cgprs

# Quadrant 1 (c.addi with rd=x0 is c.nop; imm 0 / rd x0 are HINTs)
imm_form 'c.addi R, I'         'addi R, R, I'   6 0 1 0 gprs
emit 'c.nop' 'addi x0, x0, 0'
imm_form 'c.addiw R, I'        'addiw R, R, I'  6 0 1 0 gprs_nz
imm_form 'c.li R, I'           'addi R, x0, I'  6 0 1 0 gprs
imm_form 'c.addi16sp x2, I'    'addi x2, x2, I' 6 4 1 1 gprs   # register unused
imm_form 'c.andi R, I'         'andi R, R, I'   6 0 1 0 cgprs
imm_form 'c.j .+(I)'           'jal x0, .+(I)'  11 1 1 0 gprs  # register unused
imm_form 'c.beqz R, .+(I)'     'beq R, x0, .+(I)' 8 1 1 0 cgprs
imm_form 'c.bnez R, .+(I)'     'bne R, x0, .+(I)' 8 1 1 0 cgprs
# c.lui: the operand is the 20-bit U-type immediate (nzimm[17:12] sign-extended)
field_values 6 0 1
for v in "${vals[@]}"; do
  [ "$v" = 0 ] && continue
  u=$(( v & 0xfffff ))
  pick gprs_lui; emit "c.lui $pick, $u" "lui $pick, $u"
done
for r in "${gprs_lui[@]}"; do
  rand; v=$(( (rnd % 63) + 1 )); [ "$v" -ge 32 ] && v=$(( v - 64 ))
  u=$(( v & 0xfffff ))
  emit "c.lui $r, $u" "lui $r, $u"
done
# Shifts: shamt 0 is a HINT the assembler refuses, so it is written as the raw
# halfword (RVC listing: c.srli 100 0 00 rd' 00000 01, c.srai 100 0 01 ...,
# c.slli 000 0 rd 00000 10).
for op in srli srai; do
  field_values 6 0 0
  for v in "${vals[@]}"; do
    pick cgprs
    if [ "$v" = 0 ]; then
      [ "$op" = srli ] && base=$((0x8001)) || base=$((0x8401))
      emit "$(printf '.2byte 0x%04x' $(( base | (${pick#x} - 8) << 7 )))" "$op $pick, $pick, 0"
    else
      emit "c.$op $pick, $v" "$op $pick, $pick, $v"
    fi
  done
  for r in "${cgprs[@]}"; do
    rand; v=$(( (rnd % 63) + 1 )); emit "c.$op $r, $v" "$op $r, $r, $v"
  done
done
# Register-register arithmetic: every rd'/rs2' combination.
for op in sub xor or and subw addw; do
  for r in "${cgprs[@]}"; do
    for s in "${cgprs[@]}"; do emit "c.$op $r, $s" "$op $r, $r, $s"; done
  done
done

# Quadrant 2
field_values 6 0 0
for v in "${vals[@]}"; do
  pick gprs
  if [ "$v" = 0 ]; then
    emit "$(printf '.2byte 0x%04x' $(( 0x0002 | ${pick#x} << 7 )))" "slli $pick, $pick, 0"
  else
    emit "c.slli $pick, $v" "slli $pick, $pick, $v"
  fi
done
for r in "${gprs[@]}"; do
  rand; v=$(( (rnd % 63) + 1 )); emit "c.slli $r, $v" "slli $r, $r, $v"
done
emit '.2byte 0x0002' 'slli x0, x0, 0'
imm_form 'c.fldsp R, I(x2)'    'fld R, I(x2)'   6 3 0 0 fprs
imm_form 'c.lwsp R, I(x2)'     'lw R, I(x2)'    6 2 0 0 gprs_nz
imm_form 'c.ldsp R, I(x2)'     'ld R, I(x2)'    6 3 0 0 gprs_nz
imm_form 'c.fsdsp R, I(x2)'    'fsd R, I(x2)'   6 3 0 0 fprs
imm_form 'c.swsp R, I(x2)'     'sw R, I(x2)'    6 2 0 0 gprs
imm_form 'c.sdsp R, I(x2)'     'sd R, I(x2)'    6 3 0 0 gprs
for r in "${gprs_nz[@]}"; do
  emit "c.jr $r" "jalr x0, 0($r)"
  emit "c.jalr $r" "jalr x1, 0($r)"
done
emit 'c.ebreak' 'ebreak'
# c.mv / c.add: every rd (x0 is a HINT) and every rs2 != x0, plus random pairs.
for op in mv add; do
  for r in "${gprs[@]}"; do
    pick gprs_nz; s=$pick
    if [ "$op" = mv ]; then emit "c.mv $r, $s" "add $r, x0, $s"; else emit "c.add $r, $s" "add $r, $r, $s"; fi
  done
  for s in "${gprs_nz[@]}"; do
    pick gprs; r=$pick
    if [ "$op" = mv ]; then emit "c.mv $r, $s" "add $r, x0, $s"; else emit "c.add $r, $s" "add $r, $r, $s"; fi
  done
done
exec 3>&- 4>&-

# ---------------------------------------------------------------------------
# 2. Assemble both, link (resolves the PC-relative branch/jump relocations),
#    extract the raw text and pair it up.
# ---------------------------------------------------------------------------
build() { # name march
  "$AS" -march="$2" -mabi=lp64d -mno-relax -o "$work/$1.o" "$work/$1.s"
  "$LD" --no-relax -Ttext=0x100000 -e 0x100000 -o "$work/$1.elf" "$work/$1.o"
  "$OBJCOPY" -O binary -j .text "$work/$1.elf" "$work/$1.bin"
}
build c rv64gc
build u rv64g
csize=$(wc -c <"$work/c.bin"); usize=$(wc -c <"$work/u.bin")
if [ "$csize" -ne $((2 * count)) ] || [ "$usize" -ne $((4 * count)) ]; then
  echo "gen.sh: size mismatch: $count lines, compressed $csize bytes, uncompressed $usize bytes" >&2
  exit 1
fi
# Every compressed halfword must be one the disassembler recognises.
if "$OBJDUMP" -d -M no-aliases "$work/c.elf" | grep -q '\.2byte'; then
  echo "gen.sh: listing contains a halfword objdump does not decode" >&2
  exit 1
fi
od -An -v -tx2 -w2 --endian=little "$work/c.bin" | tr -d ' ' >"$work/c.hex"
od -An -v -tx4 -w4 --endian=little "$work/u.bin" | tr -d ' ' >"$work/u.hex"
{
  echo "# RVC golden pairs: compressed halfword, uncompressed equivalent (hex)."
  echo "# Generated by test/rvc/gen.sh with $("$AS" --version | head -n 1)"
  paste -d ' ' "$work/c.hex" "$work/u.hex" | awk '
    function hex(s,  i, n) { n = 0; for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return n }
    { if (($1 in seen) && seen[$1] != $2) { print "conflict " $1 > "/dev/stderr"; exit 1 } }
    !($1 in seen) { seen[$1] = $2; print }
    { c = hex($1); u = hex($2)
      if (c % 4 == 3 || u % 4 != 3) { print "bad pair " $0 > "/dev/stderr"; exit 1 } }'
} >"$out/golden.txt"

# ---------------------------------------------------------------------------
# 3. objdump's verdict on every halfword with low bits != 0b11.
# ---------------------------------------------------------------------------
cat >"$work/all.s" <<'EOF'
	.text
	.set v, 0
	.rept 65536
	.if (v & 3) != 3
	.2byte v
	.endif
	.set v, v + 1
	.endr
EOF
"$AS" -march=rv64gc -o "$work/all.o" "$work/all.s"
"$OBJCOPY" -O binary -j .text "$work/all.o" "$work/all.bin"
"$OBJDUMP" -D -b binary -m riscv:rv64 -M no-aliases "$work/all.bin" >"$work/all.dis"
{
  echo "# objdump verdict: RVC halfwords it does not decode (.2byte) or decodes as c.unimp."
  echo "# Ranges lo-hi (hex): lo, lo+4, ..., hi - every value in the range with the same low two bits (quadrant)."
  echo "# Generated by test/rvc/gen.sh with $("$OBJDUMP" --version | head -n 1)"
  awk -F'\t' '
    function hex(s,  i, n) { n = 0; for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return n }
    /^ *[0-9a-f]+:\t/ {
      n++
      split($2, w, " "); v = hex(w[1])
      split($3, m, " ")
      if (m[1] == ".2byte" || m[1] == "c.unimp") bad[v] = 1
    }
    END {
      for (q = 0; q < 3; q++) {
        open = 0
        for (v = q; v < 65536; v += 4) {
          if (v in bad) { if (!open) { open = 1; lo = v } hi = v }
          else if (open) { printf "%04x-%04x\n", lo, hi; open = 0 }
        }
        if (open) printf "%04x-%04x\n", lo, hi
      }
      if (n != 49152) { print "expected 49152 instructions, got " n > "/dev/stderr"; exit 1 }
    }' "$work/all.dis"
} >"$out/illegal.txt"

echo "gen.sh: $(grep -vc '^#' "$out/golden.txt") golden pairs, $(grep -vc '^#' "$out/illegal.txt") illegal ranges -> $out" >&2
