// The vDSO (docs/vdso.md): the shared object built from vdso/ (its bytes in
// vdso-image.ts), mapped read-execute into every address space with its data
// page ([vvar], read-only) one page below. The frames are the kernel's, made
// once and shared by every process, as Linux's vdso pages are. The kernel
// writes the data page (layout: vdso/vdso.h) under a sequence count: odd
// while it writes, so a reader that saw an odd or changed count retries.

import { PTE_A, PTE_R, PTE_U, PTE_X, type PhysMem } from '../../machine/index.js';
import { parseElf } from '../../elf/elf.js';
import { dynamicSymbols } from '../../elf/dynsym.js';
import { Frames, PAGE_SIZE } from './frames.js';
import { PROT_EXEC, PROT_READ, type AddressSpace } from './vm.js';
import { VDSO_BASE64 } from './vdso-image.js';

/** Where the data page goes in every address space: at the mmap base, above everything mmap hands out. The vDSO follows it. */
export const VVAR_VA = 0x2000000000;
export const VDSO_VA = VVAR_VA + PAGE_SIZE;

/** The data page's fields (vdso/vdso.h), as byte offsets. */
export const VVAR = { SEQ: 0, CLOCK_OK: 4, CYCLE_LAST: 8, MULT: 16, SHIFT: 24, MONO_NS: 32, REAL_SEC: 40, REAL_NSEC: 48, HWPROBE_KEYS: 56, HWPROBE: 64 } as const;
/** How many riscv_hwprobe keys the data page has room for (vdso/vdso.h LDE_HWPROBE_MAX). */
export const HWPROBE_MAX = 16;

/** The clock's base values: CLOCK_MONOTONIC is monoNs + (time - cycleLast) * mult >> shift ns; CLOCK_REALTIME adds (realSec, realNsec). */
export interface ClockBase {
  cycleLast: number;
  mult: number;
  shift: number;
  monoNs: number;
  realSec: number;
  realNsec: number;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648 section 4) to bytes; the kernel has no atob or Buffer. */
export function fromBase64(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor(clean.length * 3 / 4));
  let acc = 0, bits = 0, n = 0;
  for (const ch of clean) {
    const v = B64.indexOf(ch);
    if (v < 0) throw new RangeError(`base64: bad character ${JSON.stringify(ch)}`);
    acc = (acc << 6) | v; bits += 6;
    if (bits >= 8) { bits -= 8; out[n++] = (acc >>> bits) & 0xff; }
  }
  return out;
}

/** The vDSO's bytes (vdso/vdso.so). */
export function vdsoBytes(): Uint8Array { return fromBase64(VDSO_BASE64); }

export class Vdso {
  /** The data page's frame. */
  readonly data: number;
  /** The text's frames, in order. */
  readonly text: number[] = [];
  /** Each exported symbol's address in every process (VDSO_VA + its value). */
  readonly symbols = new Map<string, number>();
  private readonly phys: PhysMem;

  constructor(frames: Frames) {
    this.phys = frames.phys;
    const bytes = vdsoBytes(), image = parseElf(bytes);
    // One PT_LOAD at 0, file offset 0, nothing past the file: the bytes are the image (vdso/vdso.lds).
    if (image.loads.length !== 1 || image.loads[0].vaddr !== 0n || image.loads[0].offset !== 0 || image.loads[0].memsz !== image.loads[0].filesz) throw new RangeError('vdso.so: not one PT_LOAD at 0');
    for (const s of dynamicSymbols(image, bytes)) if (s.defined && s.type === 2) this.symbols.set(s.name, VDSO_VA + s.value);
    this.data = frames.alloc();
    for (let off = 0; off < bytes.length; off += PAGE_SIZE) {
      const f = frames.alloc();
      this.phys.writeBytes(f, bytes.subarray(off, Math.min(bytes.length, off + PAGE_SIZE)));
      this.text.push(f);
    }
    if (this.data < 0 || this.text.some((f) => f < 0)) throw new RangeError('out of memory for the vdso');
  }

  /** Where a signal handler returns: __vdso_rt_sigreturn. */
  get sigreturn(): number { return this.symbols.get('__vdso_rt_sigreturn')!; }

  /** Maps [vvar] and [vdso] into `as` (shared frames, one more reference each). */
  map(as: AddressSpace): void {
    const end = VDSO_VA + this.text.length * PAGE_SIZE;
    as.addVma({ start: VVAR_VA, end: VDSO_VA, prot: PROT_READ, kind: 'vvar' });
    as.addVma({ start: VDSO_VA, end, prot: PROT_READ | PROT_EXEC, kind: 'vdso' });
    as.frames.ref(this.data);
    as.map(VVAR_VA, this.data, PTE_R | PTE_U | PTE_A);
    this.text.forEach((f, i) => { as.frames.ref(f); as.map(VDSO_VA + i * PAGE_SIZE, f, PTE_R | PTE_X | PTE_U | PTE_A); });
  }

  /** The sequence count now. */
  get seq(): number { return this.phys.read32(this.data + VVAR.SEQ) >>> 0; }

  /** Opens an update: the count becomes odd, so readers wait. */
  beginWrite(): void { this.phys.write32(this.data + VVAR.SEQ, (this.seq + 1) | 0); }

  /** Closes it: the count becomes even again, and differs from the one readers saw before. */
  endWrite(): void { this.phys.write32(this.data + VVAR.SEQ, (this.seq + 1) | 0); }

  private w64(off: number, v: number): void { this.phys.write64(this.data + off, v % 4294967296 | 0, Math.floor(v / 4294967296) | 0); }

  /** Writes the clock's base values; `ok` false sends every clock to the ecall. Between beginWrite and endWrite. */
  writeBase(b: ClockBase, ok: boolean): void {
    this.phys.write32(this.data + VVAR.CLOCK_OK, ok ? 1 : 0);
    this.w64(VVAR.CYCLE_LAST, b.cycleLast);
    this.w64(VVAR.MULT, b.mult);
    this.phys.write32(this.data + VVAR.SHIFT, b.shift);
    this.w64(VVAR.MONO_NS, b.monoNs);
    this.w64(VVAR.REAL_SEC, b.realSec);
    this.w64(VVAR.REAL_NSEC, b.realNsec);
  }

  /** The riscv_hwprobe answers for every hart, by key (none: the vDSO takes the ecall). Between beginWrite and endWrite. */
  writeHwprobe(values: readonly number[]): void {
    if (values.length > HWPROBE_MAX) throw new RangeError(`vdso: ${values.length} hwprobe keys, room for ${HWPROBE_MAX}`);
    this.phys.write32(this.data + VVAR.HWPROBE_KEYS, values.length);
    values.forEach((v, key) => this.w64(VVAR.HWPROBE + 8 * key, v));
  }

  /** One whole update under the sequence count: the clock, and (at boot) the hwprobe answers. */
  update(b: ClockBase, hwprobe?: readonly number[], ok = true): void {
    this.beginWrite();
    this.writeBase(b, ok);
    if (hwprobe !== undefined) this.writeHwprobe(hwprobe);
    this.endWrite();
  }
}
