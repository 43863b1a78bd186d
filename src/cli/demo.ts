// `lde demo`: the guided tour. Each chapter says what to watch for, runs a
// bundled program, and prints the numbers that prove it. Issue 4 makes it
// richer (event-by-event views, the diagram); this is the tour of issue 3.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBare } from '../machine/index.js';
import { Kernel } from '../kernel/kernel.js';
import { nodeHost } from './host.js';
import { parseArgs } from './args.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const num = (n: number) => n.toLocaleString('en-US');
const say = (line = '') => process.stdout.write(line + '\n');

interface Run { out: string; status: number; message?: string; k: Kernel; }

/** Runs a bundled user program under the kernel, capturing what it prints. */
function run(name: string, args: string[] = [], hz = 250, maxSeconds = 5): Run {
  const chunks: Uint8Array[] = [];
  const host = { ...nodeHost(), write: (_fd: 1 | 2, b: Uint8Array) => { chunks.push(b.slice()); }, readStdin: () => new Uint8Array(0) };
  const k = new Kernel({ host, hz, maxCycles: maxSeconds * 1e9 });
  const path = `${root}user/bin/${name}`;
  k.spawn(path, readFileSync(path), [name, ...args], []);
  const r = k.run();
  return { out: Buffer.concat(chunks).toString(), status: r.status, message: r.message, k };
}

function chapter(n: number, title: string, watch: string): void {
  say();
  say(`── ${n}. ${title} ${'─'.repeat(Math.max(0, 60 - title.length))}`);
  say(`   Watch for: ${watch}`);
}

function show(r: Run): void {
  for (const line of r.out.trimEnd().split('\n').slice(0, 6)) if (line) say(`   │ ${line}`);
  if (r.message) say(`   │ lde: ${r.message}`);
}

function calls(k: Kernel): string {
  const all = [...k.syscallCounts].sort((a, b) => b[1] - a[1]);
  return `${num(all.reduce((s, [, v]) => s + v, 0))} system calls (${all.slice(0, 4).map(([c, v]) => `${c} ${num(v)}`).join(', ')})`;
}

const faults = (k: Kernel) => k.totals.minflt + [...k.procs.values()].filter((p) => p.state !== 'zombie').reduce((s, p) => s + p.minflt, 0);

export async function demoCommand(argv: string[]): Promise<number> {
  parseArgs(argv, [], []);
  say('lde demo — limited direct execution on a RISC-V machine and kernel written in TypeScript');
  say('Every number below is counted, not estimated: user code runs directly on the hart, and the');
  say('kernel only runs when the hart hands it a trap, an exception or a timer interrupt.');

  chapter(1, 'Direct execution', 'millions of instructions with no kernel at all.');
  const t0 = performance.now();
  const bare = runBare(readFileSync(`${root}bench/bin/sieve-small.elf`), { console: () => {} });
  say(`   A bare-metal sieve ran ${num(bare.instret)} instructions at ${(bare.instret / ((performance.now() - t0) / 1000) / 1e6).toFixed(0)} million per second of host time.`);

  chapter(2, 'A system call', 'the only way a program gets the kernel to do something: ecall → trap → handler → sret.');
  let r = run('hello');
  show(r);
  say(`   ${num(r.k.board.hart.instret)} user instructions, ${calls(r.k)}: each one a trap into the kernel and an sret back.`);
  r = run('syscalls', ['20000']);
  show(r);
  say(`   ${calls(r.k)} in ${(r.k.board.hart.cycle / 1e6).toFixed(2)} ms of virtual time.`);

  chapter(3, 'Exceptions', 'faults the kernel resolves invisibly, and faults it turns into signals.');
  r = run('pfstorm');
  show(r);
  say(`   ${num(faults(r.k))} page faults, each resolved by the kernel (demand-zero) and retried transparently.`);
  r = run('cowfork');
  show(r);
  say(`   fork shared every page copy-on-write; ${num(faults(r.k))} faults gave each writer its own copy.`);
  r = run('segfault');
  show(r);
  say(`   A store to an unmapped address: the fault became SIGSEGV; exit status ${r.status} = 128 + 11.`);
  r = run('illegal');
  show(r);
  say(`   A privileged instruction in U-mode: illegal-instruction → SIGILL; exit status ${r.status} = 128 + 4.`);

  chapter(4, 'The timer', 'the interrupt that takes the CPU back from a program that never gives it up.');
  r = run('spin', ['20000000']);
  show(r);
  say(`   ${num(r.k.board.hart.instret)} instructions in ${(r.k.board.hart.cycle / 1e6).toFixed(1)} ms: ${num(r.k.ticks)} timer interrupts at 250 Hz, the spinner never noticed.`);
  r = run('pipe', ['2000']);
  show(r);
  say(`   Two processes, ${num(r.k.totals.nvcsw)} voluntary context switches: each blocked read let the other run.`);
  r = run('sleeper');
  show(r);
  say(`   While it slept, nothing could run: the idle hart skipped ${(r.k.idleCycles / 1e6).toFixed(0)} ms of virtual time.`);

  chapter(5, 'Without the timer', 'with no timer interrupt, only the program itself can give the CPU back.');
  r = run('spin', ['20000000'], 0);
  say(`   The same spinner: ${num(r.k.ticks)} timer interrupts; the kernel ran only for its ${calls(r.k)}.`);

  chapter(6, 'Signals and exec', 'the kernel calling back into user code, and replacing a program in place.');
  show(run('signal'));
  show(run('exec'));
  say();
  say('Next on the roadmap: traces of every crossing (--trace, --strace in full, the diagram).');
  return 0;
}
