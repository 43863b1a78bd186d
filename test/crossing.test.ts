// The system call's crossing in compiled code (native.ts trapInline): the
// ecall's trap leaves U-mode's TLBs selected while lde's native handler
// runs, since the handler uses none and its sret comes back to U. That
// shortcut must never outlive the handler: whenever the hart could fetch,
// load or store again — after each run() and after each trap handled
// inline — the TLBs it holds are its mode's. Programs that fork, exit,
// block, switch tasks and take signals inside the handler, compiled early.
import '../src/cli/wasm-features.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Kernel } from '../src/kernel/kernel.js';
import { nodeHost } from '../src/cli/host.js';
import { jitDefault } from '../src/machine/jit/jit.js';
import { Access, Tlb, TLB_MASK } from '../src/machine/mmu.js';
import { S } from '../src/machine/layout.js';
import { Mode } from '../src/machine/trap.js';
import type { Hart } from '../src/machine/hart.js';
import { ROOT } from './helpers/cli.js';

/** Why the hart's TLBs are not its mode's (U or S: no MPRV), or U-mode's fetch TLB holds the kernel's trap vector; else undefined. */
function mismatch(h: Hart): string | undefined {
  const m = h.priv, u = h.byMode[Access.EXEC][Mode.U], lo = h.s[S.STVEC], hi = h.s[S.STVEC + 1];
  const key = Tlb.key(lo, hi), i = key & TLB_MASK;
  if (u.tag[i] === key && u.hi[i] === hi) return 'U-mode\'s fetch TLB holds the trap vector\'s page (a supervisor page)';
  if (m === Mode.M) return undefined;
  if (h.xTlb !== h.byMode[Access.EXEC][m]) return `fetch TLB not mode ${m}'s`;
  if (h.rTlb !== h.byMode[Access.READ][m] || h.wTlb !== h.byMode[Access.WRITE][m]) return `data TLBs not mode ${m}'s`;
  return undefined;
}

/** The programs, and whether enough of their system calls run in compiled code for some to be handled inline. */
const programs: [string[], boolean][] = [[['syscalls', '3000'], true], [['cowfork'], true], [['pipe', '50'], true], [['signal'], true],
  [['hogs', '2', '1500000', '3'], false], [['exec'], false], [['sleeper'], false]];

for (const [[name, ...args], inline] of programs) {
  test(`${name}: after every run() and every inline trap the hart's TLBs are its mode's`, (t) => {
    if (jitDefault.opts === null) return t.skip('the JIT is off (LDE_JIT=off)');
    const saved = jitDefault.opts;
    jitDefault.opts = { ...saved, threshold: 10 };
    try {
      const host = { ...nodeHost(), write: () => {}, readStdin: () => new Uint8Array(0) };
      const k = new Kernel({ host, hz: 250 });
      const h = k.board.hart;
      const path = `${ROOT}user/bin/${name}`;
      k.spawn(path, readFileSync(path), [name, ...args], []);
      const problems: string[] = [];
      const run = h.run.bind(h);
      h.run = (budget: number) => {
        // The kernel's handler (onTrap) is set inside run's caller: wrap it to look after each inline return.
        const on = h.onTrap;
        if (on !== undefined) h.onTrap = (e) => { const go = on(e); queueCheck(); return go; };
        try {
          const exit = run(budget);
          const why = mismatch(h);
          if (why !== undefined) problems.push(`after run(): ${why}`);
          return exit;
        } finally { h.onTrap = on; }
      };
      // After the handler, trapInline chooses the TLBs before compiled code goes on: check at the next instruction boundary.
      let pending = false, checked = 0;
      const queueCheck = () => { pending = true; };
      const jit = h.jit!;
      const resume = jit.resume.bind(jit);
      jit.resume = (r) => {
        if (pending) { pending = false; checked++; const why = mismatch(h); if (why !== undefined) problems.push(`inline: ${why}`); }
        return resume(r);
      };
      k.run();
      assert.deepEqual(problems.slice(0, 5), []);
      if (inline && jit.backend === 'wasm') assert.ok(checked > 0, 'no system call was handled inline');
    } finally { jitDefault.opts = saved; }
  });
}
