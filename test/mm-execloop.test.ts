// Issue 8, bug 0: the kernel wrote guest RAM without telling the decoded-
// instruction cache, so a program exec'd into frames that had just held
// another program's code could run the old program's cached instructions
// (a parent that fork+execs `hello` among others got SIGSEGV from the third
// round on). user/bin/execloop fork+execs a list of different bundled
// programs, round after round, one at a time, and prints each one's status.
//
// Oracle: each program's own expected output (user/expected/NAME.txt,
// recorded under qemu-riscv64), followed by execloop's line with the status
// that file records. When qemu-riscv64 is installed, execloop itself also
// runs under qemu (each program behind a two-line script that starts qemu on
// it, as the host kernel cannot exec a riscv64 ELF) and must print the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { lde, have, ROOT } from './helpers/cli.js';

const BIN = `${ROOT}user/bin`;
const ROUNDS = 6;
/** Different images, so frames that held one program's text get another's: exits, a signal death, a self-exec chain, COW, signals, libc. */
const PROGRAMS = ['hello', 'cowfork', 'pfstorm', 'segfault', 'signal', 'exec', 'libc', 'illegal'];

/** What execloop must print: every program's expected stdout and status line, ROUNDS times, then the summary. */
function expected(): string {
  let out = '';
  for (let r = 1; r <= ROUNDS; r++) {
    for (const name of PROGRAMS) {
      const [first, ...rest] = readFileSync(`${ROOT}user/expected/${name}.txt`, 'utf8').split('\n');
      const status = /^status (\d+)$/.exec(first)![1];
      out += rest.join('\n') + `execloop: round ${r}: ${name}: status ${status}\n`;
    }
  }
  return out + `execloop: ${ROUNDS} rounds of ${PROGRAMS.length} programs done\n`;
}

test(`lde: fork+exec of ${PROGRAMS.length} different programs, ${ROUNDS} rounds, each runs as itself`, () => {
  const r = lde(['run', '--max-time', '120', 'execloop', String(ROUNDS), ...PROGRAMS.map((p) => `${BIN}/${p}`)]);
  assert.equal(r.stdout, expected(), r.stderr);
  assert.equal(r.status, 0, r.stderr);
});

test('qemu-riscv64: the same loop prints the same (the oracle checked against Linux)', (t) => {
  if (!have('qemu-riscv64')) return t.skip('qemu-riscv64 not on PATH (Debian package qemu-user): the differential half is skipped');
  const dir = mkdtempSync(`${tmpdir()}/lde-execloop-`);
  try {
    for (const p of PROGRAMS) {
      writeFileSync(`${dir}/${p}`, `#!/bin/sh\nexec qemu-riscv64 -0 "$0" '${BIN}/${p}' "$@"\n`);
      chmodSync(`${dir}/${p}`, 0o755);
    }
    const r = spawnSync('sh', ['-c', 'ulimit -c 0; exec "$@"', 'sh', 'qemu-riscv64', `${BIN}/execloop`, String(ROUNDS), ...PROGRAMS.map((p) => `${dir}/${p}`)],
      { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.signal, null, `execloop under qemu died of ${r.signal} (${constants.signals[r.signal!]})`);
    assert.equal(r.stdout, expected(), r.stderr);
    assert.equal(r.status, 0, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
