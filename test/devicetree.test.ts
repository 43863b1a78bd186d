// The board's devicetree (src/machine/devicetree.ts, fdt.ts) and its
// power-off device (syscon.ts). Oracles: dtc reads the blob back (Debian's
// device-tree-compiler), and QEMU's own virt tree
// (`qemu-system-riscv64 -machine virt,dumpdtb=FILE`, Debian's
// qemu-system-misc) for every node the two boards share. Both skip with a
// message when the tool is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have } from './helpers/cli.js';
import { writeFdt, FdtNode, cells } from '../src/machine/fdt.js';
import { boardDtb } from '../src/machine/devicetree.js';
import { Board } from '../src/machine/board.js';

const MEM = 128 << 20;

test('the blob follows the DTB format: header, aligned blocks, each property name stored once (Devicetree spec v0.4 ch. 5)', () => {
  const root = new FdtNode('').prop('a', cells(1)).prop('model', 'x');
  root.child('n@1').prop('a', cells(2, 3)).prop('flag', true);
  const b = writeFdt(root, [[0x80000000n, 0x1000n]]);
  const dv = new DataView(b.buffer, b.byteOffset);
  const [magic, total, offStruct, offStrings, offRsv, version, lastComp, , sizeStrings, sizeStruct] =
    Array.from({ length: 10 }, (_, i) => dv.getUint32(i * 4));
  assert.equal(magic, 0xd00dfeed);
  assert.equal(total, b.length);
  assert.deepEqual([version, lastComp], [17, 16]);
  assert.equal(offRsv % 8, 0);
  assert.equal(offStruct % 4, 0);
  assert.deepEqual([dv.getBigUint64(offRsv), dv.getBigUint64(offRsv + 8), dv.getBigUint64(offRsv + 16), dv.getBigUint64(offRsv + 24)],
    [0x80000000n, 0x1000n, 0n, 0n]);
  assert.equal(offStruct + sizeStruct, offStrings);
  assert.equal(offStrings + sizeStrings, total);
  assert.equal(new TextDecoder().decode(b.subarray(offStrings)), 'a\0model\0flag\0'); // 'a' once though used twice
  assert.equal(dv.getUint32(offStruct), 1); // FDT_BEGIN_NODE
  assert.equal(dv.getUint32(offStrings - 4), 9); // FDT_END
});

/** dtc's text for a blob: every node path with its properties, as dtc prints each value. */
function decompile(dtb: Uint8Array, dir: string, name: string): Map<string, Map<string, string>> {
  const file = `${dir}/${name}.dtb`;
  writeFileSync(file, dtb);
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /ERROR/);
  const nodes = new Map<string, Map<string, string>>();
  const path: string[] = [];
  for (const line of r.stdout.split('\n').map((l) => l.trim()).filter(Boolean)) {
    let m;
    if ((m = /^(\S+) \{$/.exec(line))) { path.push(m[1] === '/' ? '' : m[1]); nodes.set(path.join('/') || '/', new Map()); }
    else if (line === '};') path.pop();
    else if ((m = /^([^=;]+?)(?: = (.*))?;$/.exec(line))) nodes.get(path.join('/') || '/')?.set(m[1], m[2] ?? 'true');
  }
  return nodes;
}

test('dtc reads the board tree back: memory, harts, timebase, chosen, and a node for every device', (t) => {
  if (!have('dtc')) return t.skip('dtc not installed (Debian: device-tree-compiler): the blob is not read back');
  const dir = mkdtempSync(`${tmpdir()}/lde-dtb-`);
  try {
    const ours = decompile(boardDtb({ memBytes: MEM, harts: 2, bootargs: 'console=ttyS0', initrd: [0x84000000, 0x84100000],
      virtio: [{ base: 0x10001000, irq: 1 }] }), dir, 'lde');
    assert.equal(ours.get('/memory@80000000')?.get('reg'), '<0x00 0x80000000 0x00 0x8000000>');
    assert.equal(ours.get('/cpus')?.get('timebase-frequency'), '<0x989680>'); // 10 MHz, the CLINT's mtime
    assert.equal(ours.get('/cpus/cpu@1')?.get('riscv,isa'), '"rv64imafdc_zicsr_zifencei_sstc"');
    assert.equal(ours.get('/chosen')?.get('bootargs'), '"console=ttyS0"');
    assert.equal(ours.get('/chosen')?.get('linux,initrd-start'), '<0x00 0x84000000>');
    for (const n of ['/soc/serial@10000000', '/soc/plic@c000000', '/soc/clint@2000000', '/soc/test@100000', '/soc/virtio_mmio@10001000', '/poweroff'])
      assert.ok(ours.has(n), `no ${n}`);
    assert.equal(ours.get('/soc/clint@2000000')?.get('interrupts-extended'), '<0x01 0x03 0x01 0x07 0x02 0x03 0x02 0x07>');
    // Every hart's M and S external interrupts, in context order (QEMU virt's layout).
    assert.equal(ours.get('/soc/plic@c000000')?.get('interrupts-extended'), '<0x01 0x0b 0x01 0x09 0x02 0x0b 0x02 0x09>');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the nodes lde's board shares with QEMU's virt board say what QEMU's say", (t) => {
  if (!have('dtc', 'qemu-system-riscv64')) return t.skip('dtc or qemu-system-riscv64 not installed (Debian: device-tree-compiler, qemu-system-misc)');
  const dir = mkdtempSync(`${tmpdir()}/lde-dtb-`);
  try {
    const q = spawnSync('qemu-system-riscv64', ['-machine', `virt,dumpdtb=${dir}/qemu.dtb`, '-m', '128M', '-smp', '1', '-nographic'], { encoding: 'utf8' });
    assert.equal(q.status, 0, q.stderr);
    const qemu = decompile(readFileSync(`${dir}/qemu.dtb`), dir, 'qemu-read');
    const ours = decompile(boardDtb({ memBytes: MEM, harts: 1, virtio: [{ base: 0x10001000, irq: 1 }] }), dir, 'lde');
    // Properties whose values are phandles, or that describe what lde's hart lacks (H, Zb*, Sv48), are not compared.
    const skip = new Set(['phandle', 'interrupt-parent', 'interrupts-extended', 'regmap', 'riscv,isa', 'mmu-type', 'cpu', 'clock-frequency', 'riscv,ndev']);
    let compared = 0;
    for (const [path, props] of ours) {
      const theirs = qemu.get(path);
      if (theirs === undefined || path === '/') continue;
      for (const [k, v] of props) {
        if (skip.has(k) || !theirs.has(k)) continue;
        assert.equal(v, theirs.get(k), `${path} ${k}`);
        compared++;
      }
    }
    assert.ok(compared >= 30, `only ${compared} properties in common`);
    for (const n of ['/soc/serial@10000000', '/soc/plic@c000000', '/soc/clint@2000000', '/soc/test@100000', '/soc/virtio_mmio@10001000', '/poweroff', '/reboot', '/cpus/cpu@0/interrupt-controller'])
      assert.ok(qemu.has(n) && ours.has(n), n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the power-off device: 0x5555 powers off with 0, 0x3333 with the code above it, 0x7777 asks for a reset; 16- or 32-bit writes at offset 0 only', () => {
  const cases: [number, string, number][] = [[0x5555, 'off', 0], [(7 << 16) | 0x3333, 'off', 7], [0x7777, 'reset', 0]];
  for (const [value, kind, status] of cases) {
    const b = new Board({ memBytes: 1 << 20, harts: 2 });
    assert.equal(b.bus.physWrite(0x100000, 4, 0x1234), true); // other values are ignored
    assert.equal(b.power, undefined);
    assert.equal(b.bus.physWrite(0x100000, 4, value), true);
    assert.deepEqual(b.power, { kind, status });
    for (const h of b.harts) assert.deepEqual(h.stop, { kind: 'halt', status });
  }
  const b = new Board({ memBytes: 1 << 20 });
  assert.equal(b.bus.physWrite(0x100000, 1, 0x55), false);
  assert.equal(b.bus.physWrite(0x100004, 4, 0x5555), false);
  assert.equal(b.power, undefined);
  assert.equal(b.bus.physWrite(0x100000, 2, 0x5555), true); // OpenSBI's sifive-test driver writes 16 bits
  assert.deepEqual(b.power, { kind: 'off', status: 0 });
});

test('the PLIC has two contexts per hart: a source enabled for hart 1\'s S-mode context raises that hart\'s SEIP, and no other hart\'s', () => {
  const b = new Board({ memBytes: 1 << 20, harts: 2 }), P = 0x0c000000, src = 10, ctx = 3; // context 3: hart 1, S-mode
  const w = (off: number, v: number) => b.bus.physWrite(P + off, 4, v);
  w(4 * src, 1); // priority 1
  w(0x2000 + ctx * 0x80, 1 << src); // enable for context 3
  w(0x200000 + ctx * 0x1000, 0); // threshold 0
  b.plic.source(src).set(true);
  const seip = (h: number) => (b.harts[h].csrRead(0x344)! >> 9n) & 1n; // mip.SEIP
  assert.equal(seip(1), 1n);
  assert.equal(seip(0), 0n);
  assert.equal(b.bus.physRead(P + 0x200004 + ctx * 0x1000, 4), src); // hart 1 claims it
});
