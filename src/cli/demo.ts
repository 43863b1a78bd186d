// `lde demo`: the guided tour. At this stage of the roadmap the machine
// exists and the kernel does not, so the tour shows limited direct execution
// at the machine level: a bare-metal program at full speed, then a user
// program under the minimal supervisor of src/demo, with and without the timer.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBare } from '../machine/bare.js';
import { runMiniSupervisor, type MiniReport } from '../demo/minisup.js';
import { parseArgs } from './args.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bundled = (rel: string) => readFileSync(root + rel);
const num = (n: number) => n.toLocaleString('en-US');

function say(line = ''): void { process.stdout.write(line + '\n'); }

function heading(n: number, title: string, watch: string): void {
  say();
  say(`── ${n}. ${title} ${'─'.repeat(Math.max(0, 60 - title.length))}`);
  say(`   Watch for: ${watch}`);
}

function entries(r: MiniReport): string {
  const sys = Object.entries(r.syscalls).map(([k, v]) => `${k}×${num(v)}`).join(', ');
  return `${num(r.kernelEntries)} kernel entries: ${num(r.ticks)} timer ticks; syscalls ${sys}${r.reason === 'fault' ? '; 1 exception' : ''}`;
}

export async function demoCommand(argv: string[]): Promise<number> {
  parseArgs(argv, [], []);
  say('lde demo — limited direct execution on a RISC-V machine written in TypeScript');

  heading(1, 'Direct execution', 'millions of instructions with no one checking them.');
  const elf = bundled('bench/bin/sieve-small.elf');
  const out: string[] = [];
  const t0 = performance.now();
  const bare = runBare(elf, { console: (b) => out.push(Buffer.from(b).toString()) });
  const s = (performance.now() - t0) / 1000;
  say(`   program says: ${out.join('').trim()}`);
  say(`   ${num(bare.instret)} instructions in M-mode, no kernel at all: ${(bare.instret / s / 1e6).toFixed(0)} million per second of host time.`);

  heading(2, 'Limited: traps, the timer and an exception', 'the kernel runs only when the hart hands it an Exit.');
  const tour = bundled('user/demo/bin/tour.elf');
  const text: string[] = [];
  const r = runMiniSupervisor(tour, { hz: 250, console: (b) => text.push(Buffer.from(b).toString()) });
  for (const line of text.join('').trimEnd().split('\n')) say(`   ${line}`);
  say(`   ${num(r.userInsns)} user instructions ran directly; ${entries(r)}.`);
  say(`   The process ${r.detail}.`);
  say(`   Longest stretch of user code without the kernel: ${num(r.longestUserRun)} instructions (one 4 ms tick at 250 Hz is 4,000,000).`);

  heading(3, 'Remove the timer', 'with no timer interrupt, only the program itself can give the CPU back.');
  const quiet = runMiniSupervisor(tour, { hz: 0 });
  say(`   ${entries(quiet)}.`);
  say(`   Longest stretch without the kernel: ${num(quiet.longestUserRun)} instructions — the whole spin loop.`);
  say();
  say('Next on the roadmap: the real kernel (lde run), then traces and the full tour.');
  return 0;
}
