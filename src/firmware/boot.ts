// Booting a guest kernel (`lde boot`): place the kernel, the initrd and the
// devicetree in RAM as QEMU's virt board does, start the harts through the
// chosen firmware, and run them in a fixed order.
//   --bios lde   lde's SBI in TypeScript (sbi.ts) owns 0x80000000-0x801fffff;
//                the kernel (a Linux Image, or an ELF) goes at 0x80200000 and
//                starts in S-mode with a0 = hartid, a1 = the devicetree.
//   --bios none  the kernel ELF loads at its physical addresses and every
//                hart starts there in M-mode with a0 = hartid, a1 = the
//                devicetree (QEMU's -bios none; xv6 boots this way).
//   --bios FILE  a firmware image (OpenSBI's fw_dynamic) at 0x80000000, in
//                M-mode, with a2 pointing at struct fw_dynamic_info (OpenSBI
//                docs/firmware/fw_dynamic.md) that names the kernel at 0x80200000.
// Linux's Documentation/arch/riscv/boot.rst gives the kernel's side: the
// Image header (text_offset, image_size, the "RSC\x05" magic at 56), the
// devicetree 8-byte aligned, the initrd named in /chosen.

import { parseElf, ElfError, PT_LOAD } from '../elf/elf.js';
import { Board, GUEST_JIT_THRESHOLD, JIT_THRESHOLD, Mode, RAM_BASE, jitDefault, setPairNum, type Exit } from '../machine/index.js';
import type { BlockBackend, NicOptions } from '../machine/index.js';
import { boardDtb } from '../machine/devicetree.js';
import { Sbi, FW_BASE, FW_SIZE, type SbiHost } from './sbi.js';

export class BootError extends Error {}

export type Bios = 'lde' | 'none' | Uint8Array;

export interface BootOptions {
  kernel: Uint8Array;
  initrd?: Uint8Array;
  append?: string;
  harts?: number;
  memBytes?: number;
  bios?: Bios;
  /** Bytes the guest prints: UART and SBI console. */
  console: (bytes: Uint8Array) => void;
  /** A virtio block device over this disk (--drive). */
  drive?: BlockBackend;
  /** A virtio entropy device, seeded so (--rng). */
  rng?: { seed: number };
  /** A virtio console (hvc0 on Linux): it prints through `console` too, and takes the host's input instead of the UART. */
  virtioConsole?: boolean;
  /** A virtio network device in the first slot (--nic; eth0 on Linux), with its traffic source (machine/virtio-net.ts). */
  nic?: NicOptions;
  /** Seeds the devicetree's /chosen/rng-seed (default 1): the same seed, the same bytes, the same run. */
  seed?: number;
}

const KERNEL_OFFSET = 0x200000;
const IMAGE_MAGIC2 = 0x05435352; // "RSC\x05", little-endian, at offset 56
const FW_DYNAMIC_MAGIC = 0x4942534f, FW_DYNAMIC_VERSION = 2;
/** Steps each hart runs before the next one (10 µs of virtual time at one instruction a nanosecond). */
export const QUANTUM = 10_000;
/**
 * A lone hart's round: nothing to interleave, so only host input waits for
 * the round's end (a round every ~0.4 ms of host time at 250 MIPS); ten
 * times fewer rounds cost Linux's boot 0.2 s less of leaving compiled code.
 */
export const SOLO_QUANTUM = 100_000;

export type BootEnd = { kind: 'off' | 'reset'; status: number } | { kind: 'idle' } | { kind: 'halt'; status: number };

/** A guest kernel on the board, ready to run in slices (the host feeds UART input between them). */
export class GuestMachine {
  readonly board: Board;
  readonly sbi: Sbi | undefined;
  private readonly idle: boolean[];

  constructor(o: BootOptions) {
    const mem = o.memBytes ?? 256 << 20, harts = o.harts ?? 1;
    // A guest kernel compiles later than a program does (GUEST_JIT_THRESHOLD), unless a host set the default threshold itself.
    const dflt = jitDefault.opts, jit = dflt?.threshold === JIT_THRESHOLD ? { ...dflt, threshold: GUEST_JIT_THRESHOLD } : dflt;
    this.board = new Board({ memBytes: mem, harts, console: (b) => o.console(Uint8Array.of(b)), drive: o.drive, rng: o.rng, virtioConsole: o.virtioConsole, nic: o.nic, jit });
    this.idle = this.board.harts.map(() => false);
    const bios = o.bios ?? 'lde';
    const end = RAM_BASE + mem;
    const ram = (pa: number, len: number, what: string): void => {
      if (pa < RAM_BASE || pa + len > end) throw new BootError(`${what} (${len} bytes at ${hex(pa)}) does not fit in RAM (${hex(RAM_BASE)}-${hex(end)}); try a larger --mem`);
    };

    // The kernel.
    let entry: number, kernelEnd: number;
    if (bios === 'none') [entry, kernelEnd] = this.loadElf(o.kernel, ram);
    else [entry, kernelEnd] = this.loadKernel(o.kernel, ram);

    // The devicetree and the initrd at the top of RAM, below a 2 MiB margin Linux's early mappings like.
    const dtbRoom = 64 << 10;
    const dtbPa = end - dtbRoom;
    let initrd: [number, number] | undefined;
    if (o.initrd !== undefined) {
      const start = Math.floor((dtbPa - o.initrd.length) / 4096) * 4096;
      if (start < kernelEnd) throw new BootError(`the initrd (${o.initrd.length} bytes) and the kernel do not both fit in ${mem >> 20} MiB; try a larger --mem`);
      this.board.bus.load(start, o.initrd);
      initrd = [start, start + o.initrd.length];
    }
    const dtb = boardDtb({
      memBytes: mem, harts, bootargs: o.append ?? '', initrd, virtio: this.board.virtio,
      reserved: bios === 'none' ? undefined : [FW_BASE, FW_SIZE],
      rngSeed: seedBytes(o.seed ?? 1, 32),
    });
    if (dtb.length > dtbRoom) throw new BootError(`the devicetree (${dtb.length} bytes) is larger than its ${dtbRoom}-byte slot`);
    this.board.bus.load(dtbPa, dtb);

    if (bios === 'lde') {
      this.sbi = new Sbi(this.board, this.sbiHost(o.console));
      this.sbi.start(0, entry, dtbPa);
      return;
    }
    this.sbi = undefined;
    let start = entry, a2 = 0;
    if (bios instanceof Uint8Array) { // OpenSBI fw_dynamic at FW_BASE, told where the kernel is
      ram(FW_BASE, bios.length, 'the firmware');
      if (bios.length > FW_SIZE) throw new BootError(`the firmware (${bios.length} bytes) is larger than its 2 MiB window`);
      this.board.bus.load(FW_BASE, bios);
      a2 = dtbPa - 64;
      const info = new DataView(new ArrayBuffer(48));
      [FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, entry, Mode.S, 0, 0].forEach((v, i) => info.setBigUint64(i * 8, BigInt(v), true));
      this.board.bus.load(a2, new Uint8Array(info.buffer));
      start = FW_BASE;
    }
    for (const h of this.board.harts) {
      h.setPriv(Mode.M);
      h.setPc64(BigInt(start));
      [h.hartId, dtbPa, a2].forEach((v, i) => setPairNum(h.x, 2 * (10 + i), v)); // a0, a1, a2
    }
  }

  /** Host input for the guest's console: the virtio console when there is one, else the UART. */
  pushInput(bytes: Uint8Array): void {
    if (this.board.vcon !== undefined) this.board.vcon.pushInput(bytes); else this.board.uart.pushInput(bytes);
  }

  /** Host input is still waiting for the guest to take it. */
  get hasInput(): boolean { return this.board.vcon?.hasInput ?? this.board.uart.hasInput; }

  /** One round: each hart that may run runs a quantum. Returns how the machine ended, or undefined to go on. */
  step(): BootEnd | undefined {
    const harts = this.board.harts;
    let ran = false;
    // With several harts, an idle one skips its clock no further than a quantum past the hart furthest behind,
    // so that the harts' clocks, and the time they read, stay together.
    const limit = harts.length > 1 ? Math.min(...harts.map((h) => h.cycle)) + QUANTUM : Infinity;
    let allIdle = true;
    for (const h of harts) {
      h.idleLimit = limit;
      if (this.sbi !== undefined && !this.sbi.runnable(h.hartId)) continue;
      this.sbi?.running(h.hartId);
      ran = true;
      // A call into the firmware does not end the hart's quantum: it goes on from where the firmware returned.
      for (const end = h.steps() + (harts.length > 1 ? QUANTUM : SOLO_QUANTUM); ;) {
        const exit: Exit = h.run(end - h.steps());
        this.idle[h.hartId] = exit.kind === 'wfi' && h.wakeAt === Infinity;
        if (exit.kind !== 'wfi') allIdle = false;
        if (exit.kind === 'halt') return this.board.power ?? { kind: 'halt', status: exit.status };
        if (exit.kind !== 'trap') break;
        if (this.sbi === undefined) throw new BootError(`a trap reached a native page with no firmware (cause ${exit.cause})`);
        this.sbi.trap(h, exit);
        if (!this.sbi.runnable(h.hartId) || h.steps() >= end) break;
      }
    }
    // Harts advance together: one that ran short (it idled) catches up with the one furthest ahead.
    // When every hart that may run is waiting in wfi, nothing happens before the earliest timer: all skip to it.
    if (harts.length > 1) {
      const wake = allIdle && ran ? Math.min(...harts.filter((h) => this.sbi === undefined || this.sbi.runnable(h.hartId)).map((h) => h.wakeAt)) : Infinity;
      const now = Math.max(...harts.map((h) => h.cycle), wake === Infinity ? 0 : wake);
      for (const h of harts) if (h.cycle < now) h.idleUntil(now);
    }
    if (!ran || this.idle.every((i, k) => i || (this.sbi !== undefined && !this.sbi.runnable(k)))) return { kind: 'idle' };
    return undefined;
  }

  private sbiHost(out: (b: Uint8Array) => void): SbiHost {
    const uart = this.board.uart;
    return { write: out, read: () => uart.takeInput() };
  }

  /** A Linux Image (by its header) or an ELF, at RAM_BASE + 2 MiB (an ELF's segments keep their offsets from the first). */
  private loadKernel(bytes: Uint8Array, ram: (pa: number, len: number, what: string) => void): [number, number] {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length >= 64 && dv.getUint32(56, true) === IMAGE_MAGIC2) {
      const textOffset = Number(dv.getBigUint64(8, true)), size = Number(dv.getBigUint64(16, true));
      const pa = RAM_BASE + (textOffset || KERNEL_OFFSET);
      ram(pa, Math.max(size, bytes.length), 'the kernel');
      this.board.bus.load(pa, bytes);
      return [pa, pa + Math.max(size, bytes.length)];
    }
    let image;
    try { image = parseElf(bytes); } catch (e) {
      if (e instanceof ElfError) throw new BootError(`not a Linux Image (no RISC-V magic at offset 56) and not an ELF: ${e.message}`);
      throw e;
    }
    const loads = image.loads.filter((s) => s.type === PT_LOAD && s.memsz > 0);
    if (loads.length === 0) throw new BootError('the kernel ELF has nothing to load');
    const first = loads.reduce((m, s) => (s.vaddr < m ? s.vaddr : m), loads[0].vaddr);
    const base = RAM_BASE + KERNEL_OFFSET;
    let top = base;
    for (const s of loads) {
      const pa = base + Number(s.vaddr - first);
      ram(pa, s.memsz, 'a kernel segment');
      this.board.bus.load(pa, s.data);
      top = Math.max(top, pa + s.memsz);
    }
    return [base + Number(image.entry - first), top];
  }

  /** An ELF at its physical addresses (--bios none). */
  private loadElf(bytes: Uint8Array, ram: (pa: number, len: number, what: string) => void): [number, number] {
    let image;
    try { image = parseElf(bytes); } catch (e) {
      if (e instanceof ElfError) throw new BootError(e.message);
      throw e;
    }
    let top = RAM_BASE;
    image.loads.forEach((s, k) => {
      if (s.memsz === 0) return;
      const pa = Number(s.paddr);
      ram(pa, s.memsz, `segment ${k}`);
      this.board.bus.load(pa, s.data);
      top = Math.max(top, pa + s.memsz);
    });
    return [Number(image.entry), top];
  }
}

const hex = (n: number): string => '0x' + n.toString(16);

/** n bytes from a seeded xorshift32: /chosen/rng-seed's entropy, the same for the same seed (a guest's keys are as predictable as the seed). */
function seedBytes(seed: number, n: number): Uint8Array {
  let x = (seed | 0) || 1;
  return Uint8Array.from({ length: n }, () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x & 0xff; });
}
