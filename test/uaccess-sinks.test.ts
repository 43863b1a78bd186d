// Guest lengths at the root and at the sinks (issue 9, "a length with bit 63
// set"). The registers reach a handler as signed numbers, so 0x8000...0 is
// -2^63 and SIZE_MAX is -1. The oracles: Linux's access_ok() on riscv64
// (arch/riscv/include/asm/uaccess.h: size <= TASK_SIZE && addr <= TASK_SIZE -
// size, with TASK_SIZE our USER_TOP), and two invariants: no length makes the
// kernel or the host side throw, and a read that faults partway loses no
// input. The system-call level, against qemu-riscv64 and Linux, is in the
// test/linux corpus (uaccess-range.c, uaccess-partial.c), which run.test.ts
// also runs through `lde run` with stdin piped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Kernel } from '../src/kernel/kernel.js';
import type { Process } from '../src/kernel/sched/proc.js';
import { syscallNamed } from '../src/kernel/sys/table.js';
import { DevFs } from '../src/kernel/fs/devfs.js';
import type { File } from '../src/kernel/fs/file.js';
import { MAX_COPY, copyIn, copyInString, copyOut, peek, userRange } from '../src/kernel/mm/uaccess.js';
import { PROT_READ, PROT_WRITE, USER_TOP } from '../src/kernel/mm/vm.js';
import { nodeHost } from '../src/cli/host.js';
import { ROOT } from './helpers/cli.js';

const HELLO = `${ROOT}user/bin/hello`;
/** Two read-write pages, and after them a hole: no mapping at all. */
const SCRATCH = 0x1000_0000, PAGE = 4096, HOLE = SCRATCH + 2 * PAGE;
/** What the registers give a handler for a size_t with bit 63 set, SIZE_MAX, and a few more that are no length. */
const NOT_LENGTHS = [-(2 ** 63), -(2 ** 63) + 4096, -1, -4096, NaN, -Infinity];

function kernel(stdin: Uint8Array[] = []): { k: Kernel; p: Process } {
  const host = { ...nodeHost(), write: () => {}, readStdin: (max: number) => (stdin.shift() ?? new Uint8Array(0)).subarray(0, max) };
  const k = new Kernel({ host });
  const p = k.spawn(HELLO, readFileSync(HELLO), ['hello'], []);
  p.as.addVma({ start: SCRATCH, end: HOLE, prot: PROT_READ | PROT_WRITE, kind: 'anon' });
  return { k, p };
}

const call = (k: Kernel, p: Process, name: string, ...a: number[]) => syscallNamed(name)!.handler(k, p, [...a, 0, 0, 0, 0, 0, 0].slice(0, 6));

test('userRange is access_ok on Sv39: below USER_TOP, no wrap, and a length with bit 63 set is never user memory', () => {
  const cases: [number, number, boolean][] = [
    [0, 0, true], [USER_TOP, 0, true], [USER_TOP - 1, 1, true], [USER_TOP - 1, 2, false], [0, USER_TOP, true],
    [1, USER_TOP, false], [0x10000, -1, false], [0x10000, -(2 ** 63), false], [-1, 0, false], [-(2 ** 38), 1, false],
    [2 ** 53, 0, false], [0x10000, 2 ** 62, false], [0x10000, 0.5, false],
  ];
  for (const [va, len, ok] of cases) assert.equal(userRange(va, len), ok, `userRange(${va}, ${len})`);
});

test('copyIn, copyOut and peek refuse a range that is not user memory before they allocate or copy anything', () => {
  const { p } = kernel();
  for (const len of [...NOT_LENGTHS, USER_TOP, MAX_COPY + 1]) {
    assert.equal(copyIn(p.as, SCRATCH, len), undefined, `copyIn length ${len}`);
    assert.equal(peek(p.as, SCRATCH, len), undefined, `peek length ${len}`);
  }
  assert.equal(copyOut(p.as, USER_TOP - 1, Uint8Array.of(1, 2)), false, 'a copy that would cross USER_TOP');
  assert.equal(copyOut(p.as, -4096, Uint8Array.of(1)), false, 'a kernel-half address');
  assert.deepEqual([...copyIn(p.as, SCRATCH, 0)!], [], 'a zero-length range is fine');
});

test('copyInString copies a page at a time: a 4,000-byte string across a page boundary, its bytes on the work meter', () => {
  const { p } = kernel();
  const text = 'x'.repeat(3999) + 'y', at = SCRATCH + PAGE - 1000;
  assert.ok(copyOut(p.as, at, new TextEncoder().encode(text + '\0')));
  const work = p.as.frames.work;
  work.reset();
  assert.equal(copyInString(p.as, at, 4096), text);
  assert.equal(work.bytes, 4001, 'the bytes scanned, NUL included');
  assert.equal(copyInString(p.as, at, 4000), undefined, 'no NUL within max bytes: too long');
  const last = HOLE - 3;
  assert.ok(copyOut(p.as, last, Uint8Array.of(0x61, 0x62, 0)));
  assert.equal(copyInString(p.as, last, 4096), 'ab', 'a NUL in the last byte before a hole: no fault');
  assert.ok(copyOut(p.as, last, Uint8Array.of(0x61, 0x62, 0x63)));
  assert.equal(copyInString(p.as, last, 4096), undefined, 'a string running into the hole: EFAULT');
});

test('/dev/zero, /dev/urandom and /dev/null read any length without throwing: nothing for one that is not positive, at most 1 MiB', () => {
  const { k, p } = kernel();
  const dev = new DevFs(5, 0);
  for (const name of ['zero', 'urandom', 'null']) {
    const f = (dev.root.lookup(name, { k, p }) as { open(flags: number, c: unknown): File }).open(0, { k, p });
    for (const len of NOT_LENGTHS) assert.equal((f.read(len) as Uint8Array).length, 0, `${name} read(${len})`);
    assert.equal((f.read(2 ** 62) as Uint8Array).length, name === 'null' ? 0 : 1 << 20, `${name} read(2^62)`);
  }
});

test("a pipe's read end reads any length without throwing or consuming, and keeps its bytes", () => {
  const { k, p } = kernel();
  assert.equal(call(k, p, 'pipe2', SCRATCH, 0), 0);
  const fds = copyIn(p.as, SCRATCH, 8)!, dv = new DataView(fds.buffer);
  const r = p.files[dv.getInt32(0, true)]!, w = p.files[dv.getInt32(4, true)]!;
  assert.equal(w.write(new TextEncoder().encode('0123456789')), 10);
  for (const len of NOT_LENGTHS) assert.equal((r.read(len) as Uint8Array).length, 0, `read(${len})`);
  assert.equal(new TextDecoder().decode(r.read(2 ** 62) as Uint8Array), '0123456789');
});

test('readStdin reads nothing for a length that is not positive, and never throws', () => {
  const host = nodeHost();
  for (const len of [...NOT_LENGTHS, 0]) assert.equal(host.readStdin(len).length, 0, `readStdin(${len})`);
});

test('a console read whose buffer faults partway returns what was copied and keeps the rest for the next read', () => {
  const { k, p } = kernel([new TextEncoder().encode('abcdef')]);
  const hole = HOLE;
  assert.equal(call(k, p, 'read', 0, hole, 100), -14, 'wholly in the hole: EFAULT');
  assert.equal(call(k, p, 'read', 0, hole - 3, 100), 3, 'three bytes before the hole');
  assert.equal(new TextDecoder().decode(copyIn(p.as, hole - 3, 3)), 'abc');
  assert.equal(call(k, p, 'read', 0, SCRATCH, 100), 3);
  assert.equal(new TextDecoder().decode(copyIn(p.as, SCRATCH, 3)), 'def', 'nothing was lost');
  assert.equal(call(k, p, 'read', 0, SCRATCH, 100), 0, 'then the end of input');
});

test('a pipe read that faults partway queues its bytes again, and the page it emptied is not reused under them', () => {
  const { k, p } = kernel();
  assert.equal(call(k, p, 'pipe2', SCRATCH, 0), 0);
  const fds = new DataView(copyIn(p.as, SCRATCH, 8)!.buffer), rfd = fds.getInt32(0, true), wfd = fds.getInt32(4, true);
  const w = p.files[wfd]!, r = p.files[rfd]!;
  assert.equal(w.write(new TextEncoder().encode('abcdef')), 6);
  // Three bytes fit before the hole: pipe_read keeps none of a buffer it could not copy whole (EFAULT), all six stay queued.
  const n = call(k, p, 'read', rfd, HOLE - 3, 100);
  assert.ok(n === -14 || (n >= 0 && n <= 3), `read returned ${n}`);
  const first = n > 0 ? new TextDecoder().decode(copyIn(p.as, HOLE - 3, n)) : '';
  // A whole page written next needs a new pipe page: it must not be the one the faulting read emptied and put back.
  assert.equal(w.write(new Uint8Array(PAGE).fill(0x7a)), PAGE);
  const rest = new TextDecoder().decode(r.read(2 * PAGE) as Uint8Array);
  assert.equal(first + rest, 'abcdef' + 'z'.repeat(PAGE), 'no byte lost, repeated or overwritten');
});
