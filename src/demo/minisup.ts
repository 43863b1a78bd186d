// A minimal supervisor written against the machine's kernel port, to show
// limited direct execution before the real kernel (src/kernel) exists. It
// builds one Sv39 address space in guest RAM, maps a native trampoline page
// as stvec, arms the Sstc timer, drops to U-mode with sret, and from then on
// regains control only when hart.run() returns an Exit.
//
// It understands three Linux system calls (write, getpid, exit) and treats
// any exception as fatal. It is a demonstration and a test of the port, not
// a kernel.

import {
  Board, RAM_BASE, Csr, ENVCFG_STCE, Irq, Access, walk, Mode, CAUSE_NAMES, type RegSave,
  PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D, pteLo, pteHi, ptePa,
} from '../machine/index.js';
import { parseElf, PT_LOAD } from '../elf/elf.js';
const TRAMPOLINE_VA = 0x3ffffff000; // the top page of the lower half of Sv39
const STACK_TOP = 0x3fff0000;
const STACK_PAGES = 16;
const TICKS_PER_SEC = 10_000_000; // mtime runs at 10 MHz

export interface MiniOptions {
  hz?: number; // timer interrupts per second of virtual time (0: no timer)
  maxInsns?: number;
  console?: (bytes: Uint8Array) => void;
}

export interface MiniReport {
  reason: 'exit' | 'fault' | 'max-insns';
  status: number; // exit status, or 128 + signal for a fault
  detail: string; // one line describing how the process ended
  userInsns: number;
  kernelEntries: number;
  syscalls: Record<string, number>;
  ticks: number;
  /** The longest run of user instructions between two kernel entries. */
  longestUserRun: number;
}

/**
 * Allocates 4 KiB frames from the top of RAM downwards and builds Sv39
 * mappings in guest memory, through board.phys (the port's physical memory).
 */
class AddressSpace {
  private next: number;
  readonly root: number;

  constructor(private readonly board: Board) {
    this.next = RAM_BASE + board.bus.ramSize;
    this.root = this.frame();
  }

  frame(): number {
    this.next -= 4096;
    this.board.phys.fill(this.next, 4096);
    return this.next;
  }

  /** Maps virtual page va to physical page pa with PTE permission bits `perm` (A and D preset). */
  map(va: number, pa: number, perm: number): void {
    const phys = this.board.phys;
    let table = this.root;
    for (let level = 2; level > 0; level--) {
      const pte = table + (Math.floor(va / 2 ** (12 + 9 * level)) % 512) * 8;
      if ((phys.read32(pte) & PTE_V) === 0) {
        const next = this.frame();
        phys.write64(pte, pteLo(next, PTE_V), pteHi(next));
      }
      table = ptePa(phys.read32(pte), phys.read32(pte + 4));
    }
    const pte = table + (Math.floor(va / 4096) % 512) * 8;
    phys.write64(pte, pteLo(pa, perm | PTE_V | PTE_A | PTE_D), pteHi(pa));
  }
}

/** Runs a static user ELF under the mini supervisor. Throws ElfError for a bad ELF. */
export function runMiniSupervisor(elf: Uint8Array, opts: MiniOptions = {}): MiniReport {
  const board = new Board({ memBytes: 16 << 20 });
  const hart = board.port;
  const regs: RegSave = { x: new Int32Array(64), f: new Int32Array(64), fcsr: 0 };
  const as = new AddressSpace(board);
  const image = parseElf(elf);
  for (const seg of image.segments.filter((s) => s.type === PT_LOAD)) {
    const perm = PTE_U | (seg.flags & 4 ? PTE_R : 0) | (seg.flags & 2 ? PTE_W : 0) | (seg.flags & 1 ? PTE_X : 0);
    const start = Math.floor(Number(seg.vaddr) / 4096) * 4096;
    for (let va = start; va < Number(seg.vaddr) + seg.memsz; va += 4096) {
      const pa = as.frame();
      as.map(va, pa, perm);
      // The file bytes that fall in this page (the rest stays zero: bss).
      const from = Math.max(0, va - Number(seg.vaddr)), to = Math.min(seg.filesz, va + 4096 - Number(seg.vaddr));
      if (to > from) board.phys.writeBytes(pa + (Number(seg.vaddr) + from - va), seg.data.subarray(from, to));
    }
  }
  for (let k = 1; k <= STACK_PAGES; k++) as.map(STACK_TOP - k * 4096, as.frame(), PTE_U | PTE_R | PTE_W);
  const trampoline = as.frame();
  as.map(TRAMPOLINE_VA, trampoline, PTE_R | PTE_X); // kernel-only: no PTE_U
  hart.registerNative(trampoline, 4096);

  // What firmware would do in M-mode: delegate U-mode traps and the S timer to S, enable Sstc.
  const w = (csr: number, v: bigint) => hart.csrWrite(csr, v);
  w(Csr.MEDELEG, BigInt((1 << 2) | (1 << 3) | (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15) | (1 << 4) | (1 << 6) | (1 << 5) | (1 << 7) | (1 << 1)));
  w(Csr.MIDELEG, BigInt(1 << Irq.STI));
  w(Csr.MENVCFG, ENVCFG_STCE);
  w(Csr.MCOUNTEREN, 7n);
  w(Csr.SCOUNTEREN, 7n);
  hart.setPriv(Mode.S);
  // The supervisor's boot: stvec once, the page table, the timer, then sret into the process.
  w(Csr.STVEC, BigInt(TRAMPOLINE_VA));
  w(Csr.SATP, (8n << 60n) | BigInt(as.root / 4096));
  w(Csr.SIE, BigInt(1 << Irq.STI));
  const hz = opts.hz ?? 250;
  const interval = hz > 0 ? Math.round(TICKS_PER_SEC / hz) : 0;
  if (interval > 0) w(Csr.STIMECMP, BigInt(hart.mtime() + interval));
  regs.x[4] = STACK_TOP | 0; regs.x[5] = 0; // sp
  hart.loadRegs(regs);
  w(Csr.SEPC, image.entry);
  hart.sret(); // SPP = U after reset

  const report: MiniReport = { reason: 'max-insns', status: 0, detail: '', userInsns: 0, kernelEntries: 0, syscalls: {}, ticks: 0, longestUserRun: 0 };
  const max = opts.maxInsns ?? 1e9;
  let lastEntry = 0;
  for (;;) {
    const exit = hart.run(Math.max(1, max - hart.instret));
    if (exit.kind !== 'trap') { report.detail = `stopped after ${hart.instret} instructions`; break; }
    report.kernelEntries++;
    report.longestUserRun = Math.max(report.longestUserRun, hart.instret - lastEntry);
    if (exit.interrupt) {
      report.ticks++;
      w(Csr.STIMECMP, BigInt(hart.mtime() + interval));
    } else if (exit.cause === 8) {
      hart.saveRegs(regs);
      const done = syscall(board, regs.x, as.root, report, opts);
      if (done) break;
      hart.loadRegs(regs);
      w(Csr.SEPC, hart.csrRead(Csr.SEPC)! + 4n);
    } else {
      report.reason = 'fault';
      report.status = 128 + 11;
      report.detail = `was killed by SIGSEGV: ${CAUSE_NAMES[exit.cause] ?? 'exception ' + exit.cause} at 0x${exit.tval.toString(16)} (pc 0x${exit.pc.toString(16)})`;
      break;
    }
    lastEntry = hart.instret;
    hart.sret();
  }
  report.userInsns = hart.instret;
  return report;
}

/** Handles the ecall in a7; returns true when the process exited. */
function syscall(board: Board, x: Int32Array, root: number, report: MiniReport, opts: MiniOptions): boolean {
  const nr = x[17 * 2], a0 = x[10 * 2];
  const name = nr === 64 ? 'write' : nr === 172 ? 'getpid' : nr === 93 || nr === 94 ? 'exit' : `nr ${nr}`;
  report.syscalls[name] = (report.syscalls[name] ?? 0) + 1;
  let ret = -38; // ENOSYS
  if (nr === 93 || nr === 94) { report.reason = 'exit'; report.status = a0 & 0xff; report.detail = `exited with status ${a0 & 0xff}`; return true; }
  if (nr === 172) ret = 1;
  if (nr === 64) ret = write(board, root, x[11 * 2], x[11 * 2 + 1], x[12 * 2], opts);
  x[20] = ret; x[21] = ret >> 31;
  return false;
}

/** write(fd, buf, len): copies the buffer out through the process's page table; -EFAULT on a bad pointer. */
function write(board: Board, root: number, lo: number, hi: number, len: number, opts: MiniOptions): number {
  const ctx = { satpPpn: root / 4096, priv: Mode.U, sum: false, mxr: false };
  const out = new Uint8Array(Math.min(len >>> 0, 1 << 16));
  for (let k = 0; k < out.length; k++) {
    const va = lo + k;
    const pa = walk(board.bus, ctx, va | 0, hi + (va > 0xffffffff ? 1 : 0), Access.READ);
    if (pa < 0) return -14; // EFAULT
    out[k] = board.phys.read8(pa);
  }
  opts.console?.(out);
  return out.length;
}
