// The virtio block and entropy devices (src/machine/virtio-blk.ts,
// virtio-rng.ts): `lde boot --drive` and `--rng`. test/firmware/virtiotest.c is a bare
// S-mode driver written from the virtio 1.2 specification; on a disk it
// reads, writes, reads back, goes past the end, flushes and sends an unknown
// request, on an entropy device it reads twice, and it prints what it sees. The
// oracle is the same kernel with the same image under qemu-system-riscv64
// (virtio-blk-device on the virt board's first virtio-mmio slot), where it
// is installed. The image file itself must be left as it was: --drive is
// copy-on-write (--drive-write writes through).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have, lde, ROOT, HANG_GUARD_MS } from './helpers/cli.js';
import { Board, MemoryDisk, RAM_BASE, VirtioBlk, VirtioRng } from '../src/machine/index.js';

const DIR = `${ROOT}test/firmware/`;

/** The kernel and a 64 KiB image holding byte (i * 7 + i / 512) & 0xff at offset i, in a fresh directory. */
function setup(): { dir: string; kernel: string; image: string; bytes: Uint8Array } {
  const dir = mkdtempSync(`${tmpdir()}/lde-blk-`), kernel = `${dir}/virtiotest`, image = `${dir}/disk.img`;
  const cc = spawnSync('riscv64-unknown-elf-gcc', ['-O1', '-march=rv64imac_zicsr', '-mabi=lp64', '-mcmodel=medany', '-nostdlib',
    '-ffreestanding', '-fno-builtin', '-T', `${DIR}link.ld`, '-o', kernel, `${DIR}start.S`, `${DIR}virtiotest.c`], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  const bytes = new Uint8Array(64 * 1024).map((_, i) => (i * 7 + Math.floor(i / 512)) & 0xff);
  writeFileSync(image, bytes);
  return { dir, kernel, image, bytes };
}

const EXPECTED = `magic ok 1
version 2
device id 2
offers VERSION_1 1
features ok 1
queue max >= 8 1
offers FLUSH 1
offers RO 0
capacity 128
read 0..3 status 0
read 0..3 used len 2049
read 0..3 sum SUM
read 0..3 matches the image 1
interrupt status 1
interrupt status after ack 0
write 5 status 0
write 5 used len 1
read 5 back status 0
read 5 back matches 1
read 6 sum SUM6
read past the end status 1
write past the end status 1
flush status 0
unknown type status 2
done
`;

/** The driver's checksum of n bytes (virtiotest.c sum). */
function sum(b: Uint8Array): number {
  let s = 0n;
  for (const x of b) s = (s * 31n + BigInt(x)) & 0xffffffffffffffffn;
  return Number(s & 0xffffffffn);
}

test('lde boot --drive: a bare virtio driver reads, writes, reads back, and gets the spec\'s errors; the image file is untouched', (t) => {
  if (!have('riscv64-unknown-elf-gcc')) return t.skip('riscv64-unknown-elf-gcc not installed: test/firmware/virtiotest.c not built');
  const { dir, kernel, image, bytes } = setup();
  try {
    const r = lde(['boot', '--kernel', kernel, '--drive', image, '--max-time', '1', '--stats']);
    assert.equal(r.status, 0, r.stderr);
    const want = EXPECTED.replace('SUM6', String(sum(bytes.subarray(3072, 3584)))).replace('SUM', String(sum(bytes.subarray(0, 2048))));
    assert.equal(r.stdout, want);
    assert.match(r.stderr, /virtio-blk: 3 reads \(3,072 bytes\), 1 writes \(512 bytes\), 1 flushes, 3 errors/);
    assert.deepEqual(readFileSync(image), Buffer.from(bytes), 'the image file changed');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('lde boot --drive-write: the guest\'s write reaches the file, and nothing else changes', (t) => {
  if (!have('riscv64-unknown-elf-gcc')) return t.skip('riscv64-unknown-elf-gcc not installed: test/firmware/virtiotest.c not built');
  const { dir, kernel, image, bytes } = setup();
  try {
    const r = lde(['boot', '--kernel', kernel, '--drive', image, '--drive-write', '--max-time', '1']);
    assert.equal(r.status, 0, r.stderr);
    const want = Uint8Array.from(bytes);
    for (let i = 0; i < 512; i++) want[5 * 512 + i] = 255 - i;
    assert.deepEqual(readFileSync(image), Buffer.from(want));
    const lone = lde(['boot', '--kernel', kernel, '--drive-write']);
    assert.equal(lone.status, 2);
    assert.match(lone.stderr, /--drive-write needs --drive FILE/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('the same driver and image under qemu-system-riscv64 print the same', (t) => {
  if (!have('riscv64-unknown-elf-gcc', 'qemu-system-riscv64')) return t.skip('riscv64-unknown-elf-gcc or qemu-system-riscv64 not installed (Debian: qemu-system-misc)');
  const { dir, kernel, image } = setup();
  try {
    const q = spawnSync('qemu-system-riscv64', ['-machine', 'virt', '-m', '256M', '-bios', 'default', '-kernel', kernel, '-nographic', '-monitor', 'none',
      '-global', 'virtio-mmio.force-legacy=false', '-drive', `file=${image},format=raw,if=none,id=x0,snapshot=on`,
      '-device', 'virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0'], { encoding: 'utf8', timeout: HANG_GUARD_MS });
    assert.equal(q.status, 0, q.stderr);
    const out = q.stdout.replace(/\r/g, '');
    const mine = lde(['boot', '--kernel', kernel, '--drive', image, '--max-time', '1']);
    assert.equal(out.slice(out.indexOf('magic ok')), mine.stdout);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

const ENTROPY = `magic ok 1
version 2
device id 4
offers VERSION_1 1
features ok 1
queue max >= 8 1
entropy used len in 1..64 1
entropy bytes not all zero 1
entropy second read differs 1
done
`;

test('lde boot --rng: the driver gets bytes from the entropy device, different each read, the same each run', (t) => {
  if (!have('riscv64-unknown-elf-gcc')) return t.skip('riscv64-unknown-elf-gcc not installed: test/firmware/virtiotest.c not built');
  const { dir, kernel } = setup();
  try {
    const a = lde(['boot', '--kernel', kernel, '--rng', '--max-time', '1', '--stats']);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(a.stdout, ENTROPY);
    assert.match(a.stderr, /virtio-rng: 128 bytes/);
    const q = have('qemu-system-riscv64') ? spawnSync('qemu-system-riscv64', ['-machine', 'virt', '-m', '256M', '-bios', 'default', '-kernel', kernel,
      '-nographic', '-monitor', 'none', '-global', 'virtio-mmio.force-legacy=false', '-device', 'virtio-rng-device,bus=virtio-mmio-bus.0'], { encoding: 'utf8', timeout: HANG_GUARD_MS }) : undefined;
    if (q !== undefined) {
      assert.equal(q.status, 0, q.stderr);
      const out = q.stdout.replace(/\r/g, '');
      assert.equal(out.slice(out.indexOf('magic ok')), ENTROPY);
    } else t.diagnostic('qemu-system-riscv64 not installed: the entropy device checked against the spec only');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('the entropy device repeats its bytes run to run (seeded) and fills whole buffers', () => {
  const mem = new Uint8Array(1 << 16), w: [number, Uint8Array][] = [];
  const phys = { writeBytes: (pa: number, b: Uint8Array) => { w.push([pa, b]); mem.set(b, pa); } } as never;
  const a = new VirtioRng(phys, { set: () => {} }, 7) as unknown as { next(): number }, b = new VirtioRng(phys, { set: () => {} }, 7) as unknown as { next(): number };
  const c = new VirtioRng(phys, { set: () => {} }, 8) as unknown as { next(): number };
  const seq = (r: { next(): number }) => Array.from({ length: 8 }, () => r.next());
  const sa = seq(a);
  assert.deepEqual(seq(b), sa);
  assert.notDeepEqual(seq(c), sa);
  assert.equal(new Set(sa).size, 8);
});

test('--drive refuses a missing file and a size that is not whole sectors, in one line each', () => {
  const dir = mkdtempSync(`${tmpdir()}/lde-blk-`);
  try {
    writeFileSync(`${dir}/odd.img`, new Uint8Array(1000));
    writeFileSync(`${dir}/k`, new Uint8Array(64));
    for (const [img, msg] of [[`${dir}/none.img`, /--drive .*none\.img: no such file/], [`${dir}/odd.img`, /whole, nonzero number of 512-byte sectors/]] as const) {
      const r = lde(['boot', '--kernel', `${dir}/k`, '--drive', img]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, msg);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('virtio-blk config space: the capacity in sectors at any width; a read-only disk offers VIRTIO_BLK_F_RO', () => {
  const irq = { set: () => {} };
  const phys = { readBytes: () => new Uint8Array(0) } as never;
  const blk = new VirtioBlk(phys, irq, new MemoryDisk(new Uint8Array(512 * 0x10203), true));
  assert.equal(blk.configRead(0, 4), 0x10203);
  assert.equal(blk.configRead(4, 4), 0);
  assert.equal(blk.configRead(1, 1), 0x02);
  assert.equal(blk.configRead(0, 2), 0x0203);
  assert.equal(blk.features[0] & (1 << 5), 1 << 5);
  assert.throws(() => new MemoryDisk(new Uint8Array(100)), /512-byte sectors/);
});

/** A driver in TypeScript on a real board: the queue at RAM_BASE + 0x10000, requests built by hand (descriptor i = [addr, len, flags, next]). */
function rig(disk: MemoryDisk): { board: Board; submit: (descs: [number, number, number, number][]) => number; mmio: (off: number) => number } {
  const board = new Board({ memBytes: 1 << 20, drive: disk, jit: null }), bus = board.bus, B = 0x10001000, Q = RAM_BASE + 0x10000;
  const w = (off: number, v: number) => bus.physWrite(B + off, 4, v);
  w(0x70, 0); w(0x70, 1); w(0x70, 3); w(0x24, 1); w(0x20, 1); w(0x70, 11);
  w(0x38, 8); w(0x80, Q); w(0x84, 0); w(0x90, Q + 0x100); w(0x94, 0); w(0xa0, Q + 0x200); w(0xa4, 0); w(0x44, 1); w(0x70, 15);
  let n = 0;
  const submit = (descs: [number, number, number, number][]) => {
    descs.forEach(([addr, len, flags, next], i) => {
      const d = new DataView(new ArrayBuffer(16));
      d.setUint32(0, addr, true); d.setUint32(8, len, true); d.setUint16(12, flags, true); d.setUint16(14, next, true);
      bus.load(Q + 16 * i, new Uint8Array(d.buffer));
    });
    bus.phys.write16(Q + 0x100 + 4 + 2 * (n % 8), 0);
    bus.phys.write16(Q + 0x100 + 2, ++n);
    w(0x50, 0);
    return bus.phys.read32(Q + 0x200 + 4 + 8 * ((n - 1) % 8) + 4); // the used length
  };
  return { board, submit, mmio: (off) => bus.physRead(B + off, 4) };
}

test('virtio-blk: any framing of a request (2.6.4), a length past any disk is IOERR without allocating it, a looping chain needs a reset', () => {
  const bytes = new Uint8Array(8 * 512).map((_, i) => i & 0xff);
  const { board, submit, mmio } = rig(new MemoryDisk(bytes));
  const bus = board.bus, H = RAM_BASE + 0x20000, D = RAM_BASE + 0x21000, S = RAM_BASE + 0x22000;
  // IN of sector 2, the header split 5 + 11 bytes, the data 100 + 412, then the status byte.
  const hdr = new DataView(new ArrayBuffer(16));
  hdr.setUint32(0, 0, true); hdr.setUint32(8, 2, true);
  bus.load(H, new Uint8Array(hdr.buffer));
  const len = submit([[H, 5, 1, 1], [H + 5, 11, 1, 2], [D, 100, 3, 3], [D + 100, 412, 3, 4], [S, 1, 2, 0]]);
  assert.equal(len, 513);
  assert.equal(bus.phys.read8(S), 0);
  assert.deepEqual(bus.phys.readBytes(D, 512), bytes.subarray(1024, 1536));
  // A data buffer of 256 MiB (more than the disk): IOERR in the status byte, nothing else touched.
  bus.phys.write8(S, 0xff);
  assert.equal(submit([[H, 16, 1, 1], [D, 0x10000000, 3, 2], [S, 1, 2, 0]]), 1);
  assert.equal(bus.phys.read8(S), 1);
  // A chain that loops: the device stops and asks for a reset (DEVICE_NEEDS_RESET, a configuration interrupt).
  submit([[H, 16, 1, 1], [D, 512, 3, 0]]);
  assert.equal(mmio(0x70) & 64, 64);
  assert.equal(mmio(0x60) & 2, 2);
});

test('virtio console (5.3): transmitq prints and returns 0 bytes; receiveq takes host input only into buffers the driver posted, keeping the rest', () => {
  const printed: number[] = [];
  const board = new Board({ memBytes: 1 << 20, virtioConsole: true, console: (b) => printed.push(b), jit: null }), bus = board.bus, B = 0x10001000;
  const w = (off: number, v: number) => bus.physWrite(B + off, 4, v);
  assert.equal(bus.physRead(B + 8, 4), 3, 'device id 3: console');
  w(0x70, 0); w(0x70, 1); w(0x70, 3); w(0x24, 1); w(0x20, 1); w(0x70, 11);
  const Q = [RAM_BASE + 0x10000, RAM_BASE + 0x11000]; // receiveq, transmitq: desc, avail at +0x100, used at +0x200
  for (const q of [0, 1]) { w(0x30, q); w(0x38, 8); w(0x80, Q[q]); w(0x84, 0); w(0x90, Q[q] + 0x100); w(0x94, 0); w(0xa0, Q[q] + 0x200); w(0xa4, 0); w(0x44, 1); }
  w(0x70, 15);
  const avail = [0, 0];
  const post = (q: number, addr: number, len: number, flags: number) => {
    const i = avail[q] % 8, d = new DataView(new ArrayBuffer(16));
    d.setUint32(0, addr, true); d.setUint32(8, len, true); d.setUint16(12, flags, true);
    bus.load(Q[q] + 16 * i, new Uint8Array(d.buffer));
    bus.phys.write16(Q[q] + 0x100 + 4 + 2 * i, i);
    bus.phys.write16(Q[q] + 0x100 + 2, ++avail[q]);
    w(0x50, q);
  };
  const used = (q: number) => bus.phys.read16(Q[q] + 0x200 + 2), usedLen = (q: number, k: number) => bus.phys.read32(Q[q] + 0x200 + 4 + 8 * k + 4);
  const T = RAM_BASE + 0x20000;
  bus.load(T, new TextEncoder().encode('hello'));
  post(1, T, 5, 0);
  assert.equal(String.fromCharCode(...printed), 'hello');
  assert.equal(used(1), 1);
  assert.equal(usedLen(1, 0), 0, 'the device wrote nothing into a transmit buffer');
  board.vcon!.pushInput(new TextEncoder().encode('typed'));
  assert.equal(used(0), 0, 'no receive buffer yet: the input waits in the device');
  assert.equal(board.vcon!.hasInput, true);
  const R = RAM_BASE + 0x30000;
  post(0, R, 3, 2 /* VIRTQ_DESC_F_WRITE */);
  assert.equal(used(0), 1);
  assert.equal(usedLen(0, 0), 3);
  assert.equal(new TextDecoder().decode(bus.phys.readBytes(R, 3)), 'typ');
  post(0, R + 0x100, 64, 2);
  assert.equal(usedLen(0, 1), 2);
  assert.equal(new TextDecoder().decode(bus.phys.readBytes(R + 0x100, 2)), 'ed');
  post(0, R + 0x200, 64, 2);
  assert.equal(used(0), 2, 'an empty device keeps the third buffer for later input');
  assert.equal(bus.physRead(B + 0x60, 4) & 1, 1, 'used-buffer interrupt');
});
