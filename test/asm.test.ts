// lde's own bare-metal tests of the privileged architecture (test/asm/*.S,
// written from the RISC-V privileged spec 1.12). Each ELF runs on `lde bare`
// and must exit 0 (HTIF pass); a failing check exits with its check number
// and prints "FAIL check N" on the UART. The committed ELFs in test/asm/bin
// run everywhere; when the cross compiler is on PATH the sources are also
// rebuilt and the fresh ELFs must pass too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { have, HANG_GUARD_MS, ROOT, LDE } from './helpers/cli.js';

const ASM = `${ROOT}test/asm`;
const BIN = `${ASM}/bin`;

const sources = readdirSync(ASM).filter((f) => f.endsWith('.S')).map((f) => f.slice(0, -2)).sort();
const elfs = readdirSync(BIN).filter((f) => f.endsWith('.elf')).map((f) => f.slice(0, -4)).sort();

function runBare(elf: string): void {
  const r = spawnSync(process.execPath, [LDE, 'bare', elf], { cwd: ROOT, encoding: 'utf8', timeout: HANG_GUARD_MS, input: '' });
  const why = r.error ? `${r.error.message}\n` : '';
  assert.equal(r.status, 0,
    `${elf}: exit status ${r.status}${r.signal ? ` (signal ${r.signal})` : ''}\n${why}--- stdout ---\n${r.stdout}--- stderr ---\n${r.stderr}`);
}

test('every test/asm source has a committed ELF in test/asm/bin', () => {
  assert.deepEqual(elfs, sources);
});

for (const name of elfs) {
  test(`asm ${name}: passes on lde bare (committed ELF)`, () => runBare(`${BIN}/${name}.elf`));
}

test('asm: sources rebuilt with the cross compiler pass too', async (t) => {
  if (!have('riscv64-unknown-elf-gcc', 'make')) {
    t.skip('riscv64-unknown-elf-gcc or make not on PATH: rebuild skipped');
    return;
  }
  const out = mkdtempSync(`${tmpdir()}/lde-asm-`);
  try {
    const mk = spawnSync('make', ['-s', '-C', ASM, `BIN=${out}`, 'all'], { encoding: 'utf8' });
    assert.equal(mk.status, 0, `make failed:\n${mk.stdout}${mk.stderr}`);
    const built = readdirSync(out).filter((f) => f.endsWith('.elf')).map((f) => f.slice(0, -4)).sort();
    assert.deepEqual(built, sources);
    for (const name of built) {
      await t.test(`rebuilt ${name}`, () => runBare(`${out}/${name}.elf`));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
