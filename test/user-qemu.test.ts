// The guest programs in user/bin are ordinary static riscv64 Linux ELFs, so
// qemu-riscv64 (Linux user-mode emulation) runs them as a real Linux would.
// Each must print exactly user/expected/<name>.txt: its first line is
// `status N`, the rest is the exact stdout. These files are also the oracle
// for `lde run`, so the programs print only deterministic facts.
//
// Exit status is reported as a shell would: the program's own, or 128+N
// when signal N killed it. qemu-riscv64 passes a guest's fatal signal on by
// killing itself with the same host signal (it prints nothing with core
// dumps off), so a SIGSEGV death is status null, signal SIGSEGV here: 139.
// Core dumps are switched off, or qemu would write ~150 MB cores.
//
// execve under qemu-user goes through the host kernel, which cannot run a
// riscv64 ELF unless binfmt_misc knows qemu. So `exec` runs with argv[0]
// set (qemu's -0) to a small shell script that starts qemu-riscv64 on the
// real ELF: the program really calls execve on its argv[0], and the host
// kernel really replaces the process, on any machine.
//
// When the cross compiler and picolibc are installed, the programs are also
// rebuilt from source into a temporary directory and must behave the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { have, HANG_GUARD_MS, ROOT } from './helpers/cli.js';

const USER = `${ROOT}user`;
const BIN = `${USER}/bin`;
const EXPECTED = `${USER}/expected`;
const PICOLIBC = '/usr/lib/picolibc/riscv64-unknown-elf';

const sources = readdirSync(`${USER}/src`).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();
const programs = readdirSync(BIN).sort();
const expectedNames = readdirSync(EXPECTED).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)).sort();

interface Outcome { status: number; stdout: string; stderr: string; }

/** Runs argv under a shell with core dumps off; status as the shell reports it. */
function runNoCore(argv: string[]): Outcome {
  const r = spawnSync('sh', ['-c', 'ulimit -c 0; exec "$@"', 'sh', ...argv],
    { cwd: ROOT, encoding: 'utf8', timeout: HANG_GUARD_MS, input: '' });
  if (r.error) throw r.error;
  let status: number;
  if (r.status !== null) status = r.status;
  else if (r.signal) status = 128 + constants.signals[r.signal];
  else throw new Error(`${argv.join(' ')}: neither an exit status nor a signal`);
  return { status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs bin/<name> (an absolute path) under qemu-riscv64 with no arguments. */
function runQemu(elf: string, name: string, scratch: string): Outcome {
  if (name !== 'exec') return runNoCore(['qemu-riscv64', elf]);
  const wrapper = `${scratch}/exec-via-qemu`;
  writeFileSync(wrapper, `#!/bin/sh\nexec qemu-riscv64 -0 "$0" '${elf}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return runNoCore(['qemu-riscv64', '-0', wrapper, elf]);
}

function checkAgainstExpected(name: string, got: Outcome): void {
  const want = readFileSync(`${EXPECTED}/${name}.txt`, 'utf8');
  const actual = `status ${got.status}\n${got.stdout}`;
  assert.equal(actual, want, `${name}: output differs from user/expected/${name}.txt\n--- stderr ---\n${got.stderr}`);
}

test('every user/src program has a committed ELF in user/bin and an expected file', () => {
  assert.deepEqual(programs, sources, 'user/bin and user/src/*.c list different programs');
  assert.deepEqual(expectedNames, sources, 'user/expected/*.txt and user/src/*.c list different programs');
  for (const name of expectedNames) {
    const first = readFileSync(`${EXPECTED}/${name}.txt`, 'utf8').split('\n')[0];
    assert.match(first, /^status \d+$/, `user/expected/${name}.txt must start with "status N"`);
  }
});

test('committed user/bin programs under qemu-riscv64 match user/expected', async (t) => {
  if (!have('qemu-riscv64')) {
    t.skip('qemu-riscv64 not on PATH (Debian package qemu-user): the guest programs are not run');
    return;
  }
  const scratch = mkdtempSync(`${tmpdir()}/lde-user-`);
  try {
    for (const name of programs) {
      await t.test(name, () => checkAgainstExpected(name, runQemu(`${BIN}/${name}`, name, scratch)));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('hello prints the arguments it was given (qemu-riscv64)', (t) => {
  if (!have('qemu-riscv64')) {
    t.skip('qemu-riscv64 not on PATH');
    return;
  }
  const got = runNoCore(['qemu-riscv64', `${BIN}/hello`, 'one', 'two words', '']);
  assert.equal(got.status, 0);
  assert.equal(got.stdout, [
    'hello: argc=4', 'hello: argv[0]=hello', 'hello: argv[1]=one', 'hello: argv[2]=two words',
    'hello: argv[3]=', 'hello: hello, world, from a static riscv64 program', '',
  ].join('\n'));
});

test('the counting programs honour their argument (qemu-riscv64)', (t) => {
  if (!have('qemu-riscv64')) {
    t.skip('qemu-riscv64 not on PATH');
    return;
  }
  assert.match(runNoCore(['qemu-riscv64', `${BIN}/syscalls`, '7']).stdout, /^syscalls: made 7 getppid calls$/m);
  assert.match(runNoCore(['qemu-riscv64', `${BIN}/spin`, '3']).stdout, /^spin: 3 iterations$/m);
  assert.match(runNoCore(['qemu-riscv64', `${BIN}/pfstorm`, '5']).stdout, /^pfstorm: touched 5 pages of an anonymous mmap$/m);
  assert.match(runNoCore(['qemu-riscv64', `${BIN}/pipe`, '3']).stdout, /^pipe: 3 round trips between parent and child$/m);
});

test('user programs rebuilt from source behave the same under qemu-riscv64', async (t) => {
  if (!have('riscv64-unknown-elf-gcc', 'make') || !existsSync(`${PICOLIBC}/include/stdio.h`)) {
    t.skip('riscv64-unknown-elf-gcc, make or picolibc-riscv64-unknown-elf missing: rebuild skipped');
    return;
  }
  const out = mkdtempSync(`${tmpdir()}/lde-user-build-`);
  try {
    const mk = spawnSync('make', ['-s', '-C', USER, `BIN=${out}/bin`, `BUILD=${out}/build`, 'all'], { encoding: 'utf8' });
    assert.equal(mk.status, 0, `make failed:\n${mk.stdout}${mk.stderr}`);
    const built = readdirSync(`${out}/bin`).sort();
    assert.deepEqual(built, sources);
    const differ = built.filter((n) => !readFileSync(`${out}/bin/${n}`).equals(readFileSync(`${BIN}/${n}`)));
    if (differ.length > 0) t.diagnostic(`rebuilt ELFs not byte-identical to user/bin (another toolchain version?): ${differ.join(', ')}`);
    if (!have('qemu-riscv64')) {
      t.skip('qemu-riscv64 not on PATH: rebuilt programs compiled but not run');
      return;
    }
    for (const name of built) {
      await t.test(`rebuilt ${name}`, () => checkAgainstExpected(name, runQemu(`${out}/bin/${name}`, name, out)));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
