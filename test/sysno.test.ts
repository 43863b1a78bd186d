// The syscall numbers have one source, src/kernel/abi/sysno.ts. The C header the
// guest programs use, user/include/lde/sysno.h, is generated from it by
// scripts/gen-sysno.mjs. This test fails when the committed header is stale
// (someone edited sysno.ts without regenerating), and, where Debian's
// riscv64 Linux cross compiler is installed, checks every number against the
// toolchain's <asm/unistd.h>: our SYS_<name> must equal its __NR_<name>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { have, ROOT } from './helpers/cli.js';
import { SYSNO } from '../src/kernel/abi/sysno.js';

const SCRIPT = `${ROOT}scripts/gen-sysno.mjs`;
const HEADER = `${ROOT}user/include/lde/sysno.h`;

function generated(): string {
  const r = spawnSync(process.execPath, [SCRIPT, '--stdout'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `gen-sysno failed:\n${r.stderr}`);
  return r.stdout;
}

/** SYS_<name> → number, from the text of a generated header. */
function headerNumbers(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^#define\s+SYS_(\w+)\s+(\d+)\s*$/gm)) out.set(m[1], Number(m[2]));
  return out;
}

test('user/include/lde/sysno.h is what scripts/gen-sysno.mjs generates from sysno.ts now', () => {
  const committed = readFileSync(HEADER, 'utf8');
  assert.ok(committed === generated(),
    'user/include/lde/sysno.h is stale: run `node scripts/gen-sysno.mjs` and commit the result');
});

test('the generated header carries every SYSNO entry with its number', () => {
  const nums = headerNumbers(generated());
  assert.deepEqual(Object.fromEntries([...nums].sort()), Object.fromEntries(Object.entries(SYSNO).sort()));
});

/** Evaluates the integer expressions <asm/unistd.h> expands to, e.g. "(244 + 15)". */
function evalIntExpr(expr: string): number | undefined {
  if (!/^[\d\s()+\-]+$/.test(expr)) return undefined;
  const toks = expr.match(/\d+|[()+\-]/g) ?? [];
  let i = 0;
  const primary = (): number => {
    const t = toks[i++];
    if (t === '(') { const v = sum(); if (toks[i++] !== ')') throw new Error('unbalanced'); return v; }
    if (t === '-') return -primary();
    if (t === undefined || !/^\d+$/.test(t)) throw new Error(`unexpected ${t}`);
    return Number(t);
  };
  const sum = (): number => {
    let v = primary();
    while (toks[i] === '+' || toks[i] === '-') v = toks[i++] === '+' ? v + primary() : v - primary();
    return v;
  };
  try {
    const v = sum();
    return i === toks.length ? v : undefined;
  } catch {
    return undefined;
  }
}

test('our numbers equal the riscv64 toolchain\'s <asm/unistd.h> __NR_* values', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) {
    t.skip('riscv64-linux-gnu-gcc not on PATH: the <asm/unistd.h> comparison is skipped');
    return;
  }
  const names = Object.keys(SYSNO);
  // One marker line per name; the preprocessor replaces __NR_<name> with its
  // value, or leaves the identifier when the toolchain does not define it.
  const src = ['#include <asm/unistd.h>', ...names.map((n) => `lde_nr ${n} = __NR_${n} ;`)].join('\n');
  const r = spawnSync('riscv64-linux-gnu-gcc', ['-E', '-P', '-x', 'c', '-'], { input: src, encoding: 'utf8' });
  assert.equal(r.status, 0, `riscv64-linux-gnu-gcc -E failed:\n${r.stderr}`);
  const theirs = new Map<string, string>();
  for (const m of r.stdout.matchAll(/^lde_nr (\w+) = (.*?) ;$/gm)) theirs.set(m[1], m[2].trim());
  const problems: string[] = [];
  const newer: [string, number][] = [];
  for (const [name, nr] of Object.entries(SYSNO)) {
    const expr = theirs.get(name);
    if (expr === undefined) { problems.push(`${name}: no output line from the preprocessor`); continue; }
    // A call newer than the toolchain's headers (they are Linux 6.1 on Debian 12): checked below.
    if (expr === `__NR_${name}`) { newer.push([name, nr]); continue; }
    const v = evalIntExpr(expr);
    if (v === undefined) problems.push(`${name}: cannot evaluate __NR_${name} = ${expr}`);
    else if (v !== nr) problems.push(`${name}: sysno.ts says ${nr}, <asm/unistd.h> says ${v}`);
  }
  // The toolchain's whole table, both ways: each of its calls is in SYSNO, and
  // a call it does not know has a number it does not give to another call.
  const defs = spawnSync('riscv64-linux-gnu-gcc', ['-E', '-dM', '-x', 'c', '-'], { input: '#include <asm/unistd.h>\n', encoding: 'utf8' });
  assert.equal(defs.status, 0, `riscv64-linux-gnu-gcc -E -dM failed:\n${defs.stderr}`);
  const notCalls = new Set(['syscalls', 'arch_specific_syscall']);
  const theirNames = [...defs.stdout.matchAll(/^#define __NR_(\w+) /gm)].map((m) => m[1]).filter((n) => !notCalls.has(n));
  assert.ok(theirNames.length > 250, `too few __NR_ names in <asm/unistd.h> (${theirNames.length})`);
  for (const n of theirNames) if (!(n in SYSNO)) problems.push(`${n}: in <asm/unistd.h>, missing from sysno.ts`);
  const theirNumbers = new Set<number>(theirNames.map((n) => SYSNO[n as keyof typeof SYSNO]));
  for (const [name, nr] of newer) if (theirNumbers.has(nr)) problems.push(`${name}: number ${nr} belongs to another call in <asm/unistd.h>`);
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('sysno.ts covers every number of Linux 6.17\'s riscv64 table, 0..469, with only its known gaps', () => {
  // scripts/syscall.tbl (Linux 6.17) for the ABIs riscv64 uses gives every
  // number from 0 to 294 but 38 (renameat: not on riscv64) and 244..257
  // (the arch-specific range, of which riscv uses 258 and 259), and 424 to
  // 469; 295..423 are unassigned (the time64 calls of 32-bit ABIs).
  const numbers = new Set<number>(Object.values(SYSNO));
  const gaps: number[] = [];
  for (let nr = 0; nr <= 469; nr++) if (!numbers.has(nr)) gaps.push(nr);
  const expected = [38, ...Array.from({ length: 14 }, (_, i) => 244 + i), ...Array.from({ length: 129 }, (_, i) => 295 + i)];
  assert.deepEqual(gaps, expected);
  assert.equal(Math.max(...numbers), 469);
});

// user/include/lde/linux.h writes down the rest of the Linux ABI the guest
// programs use (errno values, signals, flags, struct layouts). Each of its
// object-like LINUX_<X> macros must equal the kernel uapi header's <X>, and
// each struct must have the kernel's size and field offsets.
const UAPI_HEADERS = [
  'asm/errno.h', 'asm/signal.h', 'asm/siginfo.h', 'asm/sigcontext.h', 'asm/ucontext.h', 'asm/stat.h',
  'asm/mman.h', 'linux/mman.h', 'asm/fcntl.h', 'asm/param.h', 'linux/fcntl.h', 'linux/fs.h', 'linux/auxvec.h',
  'linux/sched.h', 'linux/time.h', 'linux/time_types.h', 'linux/times.h', 'linux/wait.h', 'linux/random.h',
  'stddef.h',
];
/** LINUX_<X> macros whose kernel counterpart has another name, or none a program can test. */
const RENAMED: Record<string, string | null> = {
  NSIG: '_NSIG',                  // uapi's NSIG is an old 32 kept for userspace
  SIGSET_SIZE: 'sizeof(sigset_t)',
  USER_HZ: 'HZ',                  // asm-generic/param.h: HZ as userspace sees it
  MAX_ERRNO: null,                // include/linux/err.h, kernel-internal: 4095
  SIG_DFL: null, SIG_IGN: null,   // pointers, not integer constants
  MAP_FAILED: null,               // a libc convention: (void *)-1
};
const LAYOUT_ASSERTS = [
  ['sizeof(struct sigaction)', 'sizeof(struct linux_sigaction)'],
  ['offsetof(struct sigaction, sa_flags)', 'offsetof(struct linux_sigaction, flags)'],
  ['offsetof(struct sigaction, sa_mask)', 'offsetof(struct linux_sigaction, mask)'],
  ['sizeof(siginfo_t)', 'sizeof(struct linux_siginfo)'],
  ['offsetof(siginfo_t, si_signo)', 'offsetof(struct linux_siginfo, signo)'],
  ['offsetof(siginfo_t, si_errno)', 'offsetof(struct linux_siginfo, errnum)'],
  ['offsetof(siginfo_t, si_code)', 'offsetof(struct linux_siginfo, code)'],
  ['offsetof(siginfo_t, si_pid)', 'offsetof(struct linux_siginfo, pid)'],
  ['offsetof(siginfo_t, si_uid)', 'offsetof(struct linux_siginfo, uid)'],
  ['offsetof(siginfo_t, si_status)', 'offsetof(struct linux_siginfo, status)'],
  ['offsetof(siginfo_t, si_addr)', 'offsetof(struct linux_siginfo, addr)'],
  ['sizeof(struct sigcontext)', 'sizeof(struct linux_sigcontext)'],
  ['offsetof(struct sigcontext, sc_regs.pc)', 'offsetof(struct linux_sigcontext, regs[0])'],
  ['offsetof(struct sigcontext, sc_regs.ra)', 'offsetof(struct linux_sigcontext, regs[1])'],
  ['offsetof(struct sigcontext, sc_regs.t6)', 'offsetof(struct linux_sigcontext, regs[31])'],
  ['offsetof(struct sigcontext, sc_fpregs)', 'offsetof(struct linux_sigcontext, fpstate)'],
  ['sizeof(stack_t)', 'sizeof(struct linux_stack)'],
  ['offsetof(stack_t, ss_flags)', 'offsetof(struct linux_stack, flags)'],
  ['offsetof(stack_t, ss_size)', 'offsetof(struct linux_stack, size)'],
  ['sizeof(struct ucontext)', 'sizeof(struct linux_ucontext)'],
  ['offsetof(struct ucontext, uc_stack)', 'offsetof(struct linux_ucontext, stack)'],
  ['offsetof(struct ucontext, uc_sigmask)', 'offsetof(struct linux_ucontext, sigmask)'],
  ['offsetof(struct ucontext, uc_mcontext)', 'offsetof(struct linux_ucontext, mcontext)'],
  ['sizeof(struct stat)', 'sizeof(struct linux_stat)'],
  ['offsetof(struct stat, st_mode)', 'offsetof(struct linux_stat, mode)'],
  ['offsetof(struct stat, st_rdev)', 'offsetof(struct linux_stat, rdev)'],
  ['offsetof(struct stat, st_size)', 'offsetof(struct linux_stat, size)'],
  ['offsetof(struct stat, st_blksize)', 'offsetof(struct linux_stat, blksize)'],
  ['offsetof(struct stat, st_blocks)', 'offsetof(struct linux_stat, blocks)'],
  ['offsetof(struct stat, st_atime)', 'offsetof(struct linux_stat, atime_sec)'],
  ['offsetof(struct stat, st_mtime_nsec)', 'offsetof(struct linux_stat, mtime_nsec)'],
  ['offsetof(struct stat, st_ctime_nsec)', 'offsetof(struct linux_stat, ctime_nsec)'],
  ['sizeof(struct __kernel_timespec)', 'sizeof(struct linux_timespec)'],
  ['offsetof(struct __kernel_timespec, tv_nsec)', 'offsetof(struct linux_timespec, nsec)'],
  ['sizeof(struct tms)', 'sizeof(struct linux_tms)'],
  ['offsetof(struct tms, tms_cstime)', 'offsetof(struct linux_tms, cstime)'],
];

test('user/include/lde/linux.h agrees with the kernel\'s uapi headers (values and layouts)', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) {
    t.skip('riscv64-linux-gnu-gcc not on PATH: the uapi comparison is skipped');
    return;
  }
  const text = readFileSync(`${ROOT}user/include/lde/linux.h`, 'utf8');
  const names = [...text.matchAll(/^#define\s+LINUX_(\w+)(?=\s)/gm)].map((m) => m[1]);
  assert.ok(names.length > 100, 'too few LINUX_ macros found');
  const includes = UAPI_HEADERS.map((h) => `#include <${h}>`).join('\n');
  const gcc = (args: string[], src: string) => spawnSync('riscv64-linux-gnu-gcc',
    [...args, '-I', `${ROOT}user/include`, '-x', 'c', '-'], { input: src, encoding: 'utf8' });

  // Pass 1: which of the names do the kernel headers define?
  const direct = names.filter((n) => !(n in RENAMED));
  const probe = [includes, ...direct.map((n) => `#ifdef ${n}\nlde_have ${n}\n#else\nlde_missing ${n}\n#endif`)].join('\n');
  const p1 = gcc(['-E', '-P'], probe);
  assert.equal(p1.status, 0, `preprocessing the uapi headers failed:\n${p1.stderr}`);
  const missing = [...p1.stdout.matchAll(/^lde_missing (\w+)$/gm)].map((m) => m[1]);
  assert.deepEqual(missing, [], `LINUX_ macros with no counterpart in the uapi headers (add them to RENAMED if that is right): ${missing.join(', ')}`);

  // Pass 2: every value and layout, as static assertions.
  const checks: string[] = [];
  for (const n of names) {
    const theirs = n in RENAMED ? RENAMED[n] : n;
    if (theirs === null) continue;
    checks.push(`_Static_assert((long long)(LINUX_${n}) == (long long)(${theirs}), "LINUX_${n} != ${theirs}");`);
  }
  for (const [theirs, ours] of LAYOUT_ASSERTS) checks.push(`_Static_assert(${theirs} == ${ours}, "${ours} != ${theirs}");`);
  const p2 = gcc(['-fsyntax-only'], [includes, '#include <lde/linux.h>', ...checks].join('\n'));
  const failures = [...p2.stderr.matchAll(/static assertion failed: "([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(failures, [], failures.join('\n'));
  assert.equal(p2.status, 0, `compiling the checks failed:\n${p2.stderr}`);
});
