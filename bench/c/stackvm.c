/*
 * A small bytecode interpreter: a stack machine with 64-bit values, eight
 * locals and a switch-dispatched loop, running a program (assembled below by
 * a tiny in-program assembler) that mixes a hash over an outer loop with an
 * inner loop.  Result: the program's final value and the number of VM
 * instructions executed.
 */
#include "rt/bench.h"

#ifdef SMALL
#define ITERATIONS 2500
#else
#define ITERATIONS 60000
#endif

enum {
  OP_HALT, OP_PUSH, OP_LOAD, OP_STORE, OP_DUP, OP_DROP, OP_SWAP,
  OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR,
  OP_LT, OP_EQ, OP_JMP, OP_JZ, OP_JNZ, OP_INC,
};

static int32_t code[256];
static int code_len;

static int emit(int32_t op) {
  code[code_len] = op;
  return code_len++;
}
static int emit1(int32_t op, int32_t arg) {
  emit(op);
  return emit(arg);
}
/* Emits a jump and returns the slot of its target, to patch later. */
static int jump(int32_t op, int32_t target) { return emit1(op, target); }
static void patch(int slot, int target) { code[slot] = target; }

enum { L_I, L_SUM, L_X, L_J, L_N };

static void assemble(void) {
  /* n = ITERATIONS; i = 0; sum = 0x9e3779b97f4a7c15 */
  emit1(OP_PUSH, ITERATIONS); emit1(OP_STORE, L_N);
  emit1(OP_PUSH, 0); emit1(OP_STORE, L_I);
  emit1(OP_PUSH, 0x7f4a7c15); emit1(OP_PUSH, 0x9e3779b9); emit1(OP_PUSH, 32);
  emit(OP_SHL); emit(OP_XOR); emit1(OP_STORE, L_SUM);
  /* while (i < n) { */
  int outer = code_len;
  emit1(OP_LOAD, L_I); emit1(OP_LOAD, L_N); emit(OP_LT);
  int exit_slot = jump(OP_JZ, 0);
  /*   x = (i * 2654435761) ^ sum; x ^= x >> 13; */
  emit1(OP_LOAD, L_I); emit1(OP_PUSH, (int32_t)2654435761u); emit(OP_MUL);
  emit1(OP_LOAD, L_SUM); emit(OP_XOR);
  emit(OP_DUP); emit1(OP_PUSH, 13); emit(OP_SHR); emit(OP_XOR);
  emit1(OP_STORE, L_X);
  /*   for (j = 0; j != 5; j++) x = x * 31 + j; */
  emit1(OP_PUSH, 0); emit1(OP_STORE, L_J);
  int inner = code_len;
  emit1(OP_LOAD, L_X); emit1(OP_PUSH, 31); emit(OP_MUL);
  emit1(OP_LOAD, L_J); emit(OP_ADD); emit1(OP_STORE, L_X);
  emit1(OP_INC, L_J);
  emit1(OP_LOAD, L_J); emit1(OP_PUSH, 5); emit(OP_EQ);
  jump(OP_JZ, inner);
  /*   sum = (sum << 1 | sum >> 63) + x;  i++; } */
  emit1(OP_LOAD, L_SUM); emit(OP_DUP); emit1(OP_PUSH, 1); emit(OP_SHL);
  emit(OP_SWAP); emit1(OP_PUSH, 63); emit(OP_SHR); emit(OP_OR);
  emit1(OP_LOAD, L_X); emit(OP_ADD); emit1(OP_STORE, L_SUM);
  emit1(OP_INC, L_I);
  jump(OP_JMP, outer);
  patch(exit_slot, code_len);
  emit1(OP_LOAD, L_SUM);
  emit(OP_HALT);
}

static uint64_t executed;

static uint64_t run(const int32_t *prog) {
  uint64_t stack[32];
  uint64_t locals[8] = {0};
  uint64_t *sp = stack; /* next free slot */
  const int32_t *pc = prog;
  uint64_t count = 0;
  for (;;) {
    int32_t op = *pc++;
    count++;
    switch (op) {
      case OP_HALT:
        executed = count;
        return sp[-1];
      case OP_PUSH: *sp++ = (uint64_t)(uint32_t)*pc++; break;
      case OP_LOAD: *sp++ = locals[*pc++ & 7]; break;
      case OP_STORE: locals[*pc++ & 7] = *--sp; break;
      case OP_DUP: sp[0] = sp[-1]; sp++; break;
      case OP_DROP: sp--; break;
      case OP_SWAP: {
        uint64_t t = sp[-1];
        sp[-1] = sp[-2];
        sp[-2] = t;
        break;
      }
      case OP_ADD: sp--; sp[-1] += sp[0]; break;
      case OP_SUB: sp--; sp[-1] -= sp[0]; break;
      case OP_MUL: sp--; sp[-1] *= sp[0]; break;
      case OP_AND: sp--; sp[-1] &= sp[0]; break;
      case OP_OR: sp--; sp[-1] |= sp[0]; break;
      case OP_XOR: sp--; sp[-1] ^= sp[0]; break;
      case OP_SHL: sp--; sp[-1] <<= (sp[0] & 63); break;
      case OP_SHR: sp--; sp[-1] >>= (sp[0] & 63); break;
      case OP_LT: sp--; sp[-1] = sp[-1] < sp[0]; break;
      case OP_EQ: sp--; sp[-1] = sp[-1] == sp[0]; break;
      case OP_JMP: pc = prog + *pc; break;
      case OP_JZ: {
        int32_t target = *pc++;
        if (*--sp == 0) pc = prog + target;
        break;
      }
      case OP_JNZ: {
        int32_t target = *pc++;
        if (*--sp != 0) pc = prog + target;
        break;
      }
      case OP_INC: locals[*pc++ & 7]++; break;
      default:
        executed = count;
        return 0xdeadull;
    }
  }
}

int main(void) {
  assemble();
  uint64_t result = run(code);
  printf("stackvm: iterations=%d code=%d executed=%lu result=%016lx\n", ITERATIONS, code_len,
         (unsigned long)executed, (unsigned long)result);
  return 0;
}
