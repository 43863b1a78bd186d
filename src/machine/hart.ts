// The hart: RV64GC with M, S and U modes. Its port to the rest of the world
// is run(budget) → Exit, sret(), the register file, the CSRs and the bus.
//
// Execution model (DESIGN.md "State and speed"): instructions are decoded once
// into blocks per physical page (blocks.ts); a block ends at a control
// transfer, a system instruction or a page end. Interrupts and timers are
// checked only between blocks. Exceptions are values: a memory helper records
// a cause in `exc`, the interpreter stops the block and takeTrap() runs.

import type { Bus } from './bus.js';
import { PageFlag } from './bus.js';
import { allocState, S, T } from './layout.js';
import { Fpu } from './fpu.js';
import { Access, Tlb, walk, TLB_MASK, type WalkCtx } from './mmu.js';
import { Cause, Mode, takeTrap, pendingInterrupt, INTERRUPT_NAMES } from './trap.js';
import { Irq, St, ENVCFG_STCE } from './csr.js';
import { BlockCache, type Block } from './blocks.js';
import { execBlock } from './exec.js';
import { csrRead, csrWrite } from './csr.js';
import type { HartPort, RegSave } from './port.js';
import { Tracer } from '../trace/events.js';

export type Exit =
  /** The hart reached a native (host-implemented) region: a trap handed to the kernel. */
  | { kind: 'trap'; cause: number; interrupt: boolean; tval: bigint; pc: bigint }
  /** The instruction budget is used up. */
  | { kind: 'budget' }
  /** wfi with no enabled interrupt that time alone can raise: only a device (host I/O) can wake it. */
  | { kind: 'wfi' }
  /** A device asked the run to stop (HTIF exit). */
  | { kind: 'halt'; status: number };

export const CYCLES_PER_TICK = 100; // 1 GHz core clock, 10 MHz mtime (DESIGN.md "Time")
const TWO32 = 4294967296;
const MAX64 = (1n << 64n) - 1n;

export class Hart implements HartPort {
  readonly x: Int32Array;
  readonly f: Int32Array;
  /** The state words and the counters (layout.ts): the one copy of pc and the CSRs held there. */
  readonly s: Int32Array;
  readonly t: Float64Array;
  readonly fpu: Fpu;
  readonly bus: Bus;
  readonly hartId: number;
  readonly blocks: BlockCache;

  priv: Mode = Mode.M;
  mstatus = 0;
  mie = 0; mipSw = 0; mipHw = 0; medeleg = 0; mideleg = 0;
  mcounteren = 0; scounteren = 0;
  mtvec = 0n; stvec = 0n; mepc = 0n; sepc = 0n; mcause = 0n; scause = 0n; mtval = 0n; stval = 0n;
  mscratch = 0n; sscratch = 0n; satp = 0n; menvcfg = 0n; senvcfg = 0n;
  mtimecmp = MAX64; stimecmp = MAX64;
  pmpcfg: bigint[] = new Array<bigint>(8).fill(0n);
  pmpaddr: bigint[] = new Array<bigint>(64).fill(0n);
  cycle = 0; instret = 0; mcycleOffset = 0n; minstretOffset = 0n;
  /** Traps taken since reset (exceptions and interrupts). run()'s budget counts them with instret. */
  traps = 0;
  mtimeOffset = 0;

  /** Incremented whenever instruction translation may change (privilege, satp, sfence): invalidates block chains. */
  epoch = 0;
  /** Set when interrupt state may have changed; checked at the next block boundary. */
  irqDirty = true;
  /** Cycle at which the next enabled timer comparison becomes true. */
  nextTimer = Infinity;
  /** LR reservation: physical address, or -1. */
  reservation = -1;
  /** A pending exception from a memory helper: cause + 1, or 0. */
  exc = 0;
  excTval = 0n;
  /** Set by a device (HTIF) or wfi to end run() after the current block. */
  stop: Exit | undefined;
  wfi = false;
  private native = false;

  // Translation state derived from satp/mstatus/priv (see translationChanged).
  private readonly tlbs: Tlb[][];
  rTlb: Tlb; wTlb: Tlb; xTlb: Tlb;
  private dataPriv: Mode = Mode.M;
  private satpOn = false;
  private readonly ctx: WalkCtx = { satpPpn: 0, priv: Mode.M, sum: false, mxr: false };

  /** Where this hart's events go (traps, sret/mret, interrupts raised, wfi): the machine's stream, shared with whatever runs on it. */
  readonly trace: Tracer;
  onInsn: ((pc: number, bits: number) => void) | undefined;

  constructor(bus: Bus, hartId = 0, trace = new Tracer()) {
    this.trace = trace;
    const st = allocState();
    this.x = st.x;
    this.f = st.f;
    this.s = st.s;
    this.t = st.t;
    this.fpu = new Fpu(this.f, this.x);
    this.bus = bus;
    this.hartId = hartId;
    this.blocks = new BlockCache(bus);
    this.tlbs = [0, 1, 2, 3].map(() => [new Tlb(), new Tlb(), new Tlb()]);
    this.rTlb = this.tlbs[Mode.M][Access.READ];
    this.wTlb = this.tlbs[Mode.M][Access.WRITE];
    this.xTlb = this.tlbs[Mode.M][Access.EXEC];
  }

  // ---- pc ---------------------------------------------------------------------

  /**
   * pc as a JS number: exact for every pc an instruction can execute at (RAM
   * addresses and sign-extended Sv39 addresses are far below 2^53). The one
   * exact copy is the pair at s[S.PC]; setPc64 and pcBig move all 64 bits.
   */
  get pc(): number { return this.s[S.PC + 1] * TWO32 + (this.s[S.PC] >>> 0); }
  set pc(v: number) { this.s[S.PC] = v | 0; this.s[S.PC + 1] = Math.floor(v / TWO32) | 0; }

  /** Sets pc to a 64-bit value given as a bigint (any sign; taken modulo 2^64). */
  setPc64(v: bigint): void {
    this.s[S.PC] = Number(BigInt.asIntN(32, v));
    this.s[S.PC + 1] = Number(BigInt.asIntN(32, v >> 32n));
  }

  /** pc as an unsigned 64-bit bigint (exact; slow, for tools). */
  pcBig(): bigint { return (BigInt(this.s[S.PC + 1] >>> 0) << 32n) | BigInt(this.s[S.PC] >>> 0); }

  // ---- the port -----------------------------------------------------------

  /**
   * Runs until `budget` steps are used (checked at block boundaries), a
   * native region is reached, wfi idles, or a device stops the run. A step is
   * a retired instruction or a trap taken: a trap retires nothing, so a loop
   * in which every fetch or handler faults must still use up the budget.
   * Never throws for anything the guest does.
   */
  run(budget: number): Exit {
    const start = this.steps();
    let prev: Block | undefined;
    while (this.instret + this.traps - start < budget) {
      if (this.irqDirty || this.cycle >= this.nextTimer) this.checkInterrupts();
      const pc = this.pc, ep = this.epoch;
      let blk: Block | undefined;
      // Chained successor: same pc, same translation epoch, still valid.
      if (prev !== undefined) {
        if (prev.s0pc === pc && prev.s0ep === ep && prev.s0!.live) blk = prev.s0;
        else if (prev.s1pc === pc && prev.s1ep === ep && prev.s1!.live) blk = prev.s1;
      }
      if (blk === undefined) {
        const fetched = this.fetchBlock();
        if (fetched === null) {
          prev = undefined;
          if (this.native) { this.native = false; return this.nativeExit(); }
          continue; // a fetch fault was taken; go to the handler
        }
        blk = fetched;
        if (prev !== undefined && blk.live && this.epoch === ep) {
          prev.s1 = prev.s0; prev.s1pc = prev.s0pc; prev.s1ep = prev.s0ep;
          prev.s0 = blk; prev.s0pc = pc; prev.s0ep = ep;
        }
      }
      execBlock(this, blk, pc);
      prev = blk;
      if (this.wfi && this.idle()) return { kind: 'wfi' };
      if (this.stop !== undefined) { const s = this.stop; this.stop = undefined; return s; }
    }
    return { kind: 'budget' };
  }

  /** Architectural sret (priv 3.3.2), as the kernel's return to user mode. */
  sret(): void {
    const s = this.mstatus;
    this.setPc64(this.sepc);
    this.mstatus = (s & ~(St.SIE | St.SPP | St.MPRV)) | St.SPIE | ((s & St.SPIE) ? St.SIE : 0);
    this.setPriv((s & St.SPP) ? Mode.S : Mode.U);
    this.irqDirty = true;
    if (this.trace.on) this.xretEvent('sret', this.sepc);
  }

  // ---- the rest of the kernel port (port.ts) -------------------------------

  saveRegs(into: RegSave): void {
    into.x.set(this.x.subarray(0, 64));
    into.f.set(this.f);
    into.fcsr = (this.fpu.frm << 5) | this.fpu.fflags;
  }

  loadRegs(from: RegSave): void {
    this.x.set(from.x.subarray(0, 64));
    this.x[0] = this.x[1] = 0;
    this.f.set(from.f);
    this.fpu.fflags = from.fcsr & 0x1f;
    this.fpu.frm = (from.fcsr >> 5) & 7;
  }

  /** Budget used since reset: instructions retired plus traps taken (see run). */
  steps(): number { return this.instret + this.traps; }

  csrRead(csr: number): bigint | undefined { return csrRead(this, csr); }

  csrWrite(csr: number, value: bigint): boolean { return csrWrite(this, csr, value); }

  setSepc(pc: number): void { this.sepc = BigInt.asUintN(64, BigInt(pc)); }

  advance(cycles: number): void { this.cycle += cycles; }

  idleUntil(until: number): void {
    if (until > this.cycle) this.cycle = until;
    this.timersChanged();
  }

  sfenceVma(): void { this.flushTlbs(); }

  /** Architectural mret (priv 3.3.2). */
  mret(): void {
    const s = this.mstatus;
    const mpp = ((s >>> 11) & 3) as Mode;
    this.setPc64(this.mepc);
    this.mstatus = (s & ~(St.MIE | St.MPP | (mpp !== Mode.M ? St.MPRV : 0))) | St.MPIE | ((s & St.MPIE) ? St.MIE : 0);
    this.setPriv(mpp);
    this.irqDirty = true;
    if (this.trace.on) this.xretEvent('mret', this.mepc);
  }

  /** Marks the physical range [pa, pa+size) native: fetching there ends run() with a trap Exit. */
  registerNative(pa: number, size: number): void {
    this.blocks.markNative(pa, size);
    this.flushTlbs();
  }

  /** Drives a hardware interrupt-pending bit (MSIP from the CLINT, MEIP/SEIP from the PLIC). */
  setIrq(irq: Irq, level: boolean): void {
    const bit = 1 << irq;
    if (level && (this.mipHw & bit) === 0 && this.trace.on) this.raised(irq);
    this.mipHw = level ? this.mipHw | bit : this.mipHw & ~bit;
    this.irqDirty = true;
  }

  mip(): number {
    const sw = (this.menvcfg & ENVCFG_STCE) !== 0n ? this.mipSw & ~(1 << Irq.STI) : this.mipSw;
    return sw | this.mipHw;
  }

  mtime(): number { return Math.floor(this.cycle / CYCLES_PER_TICK) + this.mtimeOffset; }

  setMtime(v: number): void { this.mtimeOffset = v - Math.floor(this.cycle / CYCLES_PER_TICK); this.timersChanged(); }

  /** Recomputes MTIP/STIP (Sstc) and the cycle of the next timer event (DESIGN.md "Time"). */
  timersChanged(): void {
    const now = this.mtime();
    const mtip = now >= Number(this.mtimecmp);
    const sstc = (this.menvcfg & ENVCFG_STCE) !== 0n;
    const stip = sstc && now >= Number(this.stimecmp);
    const was = this.mipHw;
    this.mipHw = (this.mipHw & ~((1 << Irq.MTI) | (1 << Irq.STI))) | (mtip ? 1 << Irq.MTI : 0) | (stip ? 1 << Irq.STI : 0);
    if (this.trace.on && this.mipHw !== was) this.timersRaised(was);
    let next = Infinity;
    if (!mtip) next = this.cycleOfTick(Number(this.mtimecmp));
    if (sstc && !stip) next = Math.min(next, this.cycleOfTick(Number(this.stimecmp)));
    this.nextTimer = next;
    this.irqDirty = true;
  }

  /** --trace-insns: every instruction the hart starts becomes an event (slow: a hook call per instruction). */
  traceInstructions(): void {
    this.onInsn = (pc, bits) => this.trace.emit({ kind: 'insn', cycle: this.cycle, hart: this.hartId, pc, bits });
  }

  private xretEvent(insn: 'sret' | 'mret', pc: bigint): void {
    this.trace.emit({ kind: 'xret', cycle: this.cycle, hart: this.hartId, insn, to: this.priv, pc, instret: this.instret });
  }

  /** The timer bits that timersChanged just set (they were clear in `was`). */
  private timersRaised(was: number): void {
    for (const irq of [Irq.MTI, Irq.STI]) if ((this.mipHw & ~was) & (1 << irq)) this.raised(irq);
  }

  private raised(irq: Irq): void {
    this.trace.emit({ kind: 'irq', cycle: this.cycle, hart: this.hartId, irq, name: INTERRUPT_NAMES[irq] });
  }

  // ---- privilege and translation -----------------------------------------

  setPriv(m: Mode): void {
    this.priv = m;
    this.epoch++;
    this.selectTlbs();
  }

  /** Called when satp, SUM, MXR, MPRV or MPP change: cached translations are stale. */
  translationChanged(): void {
    this.flushTlbs();
    this.satpOn = this.satp >> 60n === 8n;
    this.ctx.satpPpn = Number(this.satp & ((1n << 44n) - 1n));
    this.selectTlbs();
  }

  flushTlbs(): void {
    this.epoch++;
    for (const set of this.tlbs) for (const t of set) t.flush();
  }

  dirtyFs(): void { this.mstatus |= St.FS; }

  private selectTlbs(): void {
    const s = this.mstatus;
    this.dataPriv = this.priv === Mode.M && (s & St.MPRV) ? ((s >>> 11) & 3) as Mode : this.priv;
    this.rTlb = this.tlbs[this.dataPriv][Access.READ];
    this.wTlb = this.tlbs[this.dataPriv][Access.WRITE];
    this.xTlb = this.tlbs[this.priv][Access.EXEC];
    this.ctx.sum = (s & St.SUM) !== 0;
    this.ctx.mxr = (s & St.MXR) !== 0;
  }

  /**
   * Translates virtual (lo, hi) for an access. Returns the physical address,
   * or -1 after recording a page/access fault in exc/excTval.
   */
  translate(lo: number, hi: number, access: Access): number {
    const mode = access === Access.EXEC ? this.priv : this.dataPriv;
    if (mode === Mode.M || !this.satpOn) {
      // Bare: the physical address space is 56 bits wide (priv 4.1.11).
      if (hi >>> 0 < 0x1000000) return (hi >>> 0) * TWO32 + (lo >>> 0);
      return this.fault([Cause.LOAD_ACCESS, Cause.STORE_ACCESS, Cause.INSN_ACCESS][access], lo, hi);
    }
    this.ctx.priv = mode;
    const pa = walk(this.bus, this.ctx, lo, hi, access);
    return pa >= 0 ? pa : this.fault(-pa - 1, lo, hi);
  }

  /** Records exception `cause` with tval = (lo, hi); returns -1 for translate's callers. */
  fault(cause: number, lo: number, hi: number): number {
    this.exc = cause + 1;
    this.excTval = BigInt.asUintN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
    return -1;
  }

  /** Takes the exception recorded in exc at the current pc. */
  raise(): void {
    const cause = this.exc - 1;
    this.exc = 0;
    takeTrap(this, cause, false, this.excTval);
  }

  // ---- the run loop's helpers --------------------------------------------

  private checkInterrupts(): void {
    if (this.cycle >= this.nextTimer) this.timersChanged();
    const irq = pendingInterrupt(this);
    if (irq >= 0) takeTrap(this, irq, true, 0n);
    this.irqDirty = false;
  }

  /** The block at pc, or null after taking a fetch fault (or reaching a native page). */
  private fetchBlock(): Block | null {
    const lo = this.s[S.PC], hi = this.s[S.PC + 1];
    const t = this.xTlb, key = Tlb.key(lo, hi), i = key & TLB_MASK;
    let off: number;
    if (t.tag[i] === key && t.hi[i] === hi) off = t.off[i] | (lo & 0xfff);
    else {
      const pa = this.translate(lo, hi, Access.EXEC);
      if (pa < 0) { this.raise(); return null; }
      off = this.bus.ramOffset(pa);
      if (off < 0) { this.fault(Cause.INSN_ACCESS, lo, hi); this.raise(); return null; }
      if (this.bus.pageFlags[off >>> 12] & PageFlag.NATIVE) { this.native = true; return null; }
      t.insert(lo, hi, off & ~0xfff);
    }
    const blk = this.blocks.get(off);
    if (blk !== undefined) return blk;
    if ((off & 0xfff) === 0xffe && (this.bus.ram16[off >> 1] & 3) === 3) return this.straddlingBlock(off, this.pc);
    return this.blocks.build(off);
  }

  /** A 4-byte instruction whose second half is on the next virtual page: decoded each time, not cached. */
  private straddlingBlock(off: number, pc: number): Block | null {
    const next = pc + 2;
    const pa = this.translate(next | 0, Math.floor(next / TWO32) | 0, Access.EXEC);
    if (pa < 0) { this.raise(); return null; }
    const off2 = this.bus.ramOffset(pa);
    if (off2 < 0) { this.fault(Cause.INSN_ACCESS, next | 0, Math.floor(next / TWO32) | 0); this.raise(); return null; }
    return this.blocks.decodeOne(this.bus.ram16[off >> 1] | (this.bus.ram16[off2 >> 1] << 16));
  }

  private nativeExit(): Exit {
    const toS = this.priv === Mode.S;
    const c = toS ? this.scause : this.mcause;
    return {
      kind: 'trap', cause: Number(c & 0xffffn), interrupt: c >> 63n === 1n,
      tval: toS ? this.stval : this.mtval, pc: toS ? this.sepc : this.mepc,
    };
  }

  /**
   * After wfi retired (priv 3.3.3): if no locally enabled interrupt is
   * pending, skip virtual time to the next enabled timer event. Returns true
   * when nothing but a device can wake the hart.
   */
  private idle(): boolean {
    this.wfi = false;
    this.timersChanged();
    if ((this.mip() & this.mie) !== 0) return false;
    let wake = Infinity;
    if (this.mie & (1 << Irq.MTI)) wake = this.cycleOfTick(Number(this.mtimecmp));
    if ((this.mie & (1 << Irq.STI)) && (this.menvcfg & ENVCFG_STCE) !== 0n) wake = Math.min(wake, this.cycleOfTick(Number(this.stimecmp)));
    if (this.trace.on) this.trace.emit({ kind: 'wfi', cycle: this.cycle, hart: this.hartId, phase: 'sleep' });
    if (wake === Infinity) return true;
    this.cycle = Math.max(this.cycle, wake);
    this.timersChanged();
    if (this.trace.on) this.trace.emit({ kind: 'wfi', cycle: this.cycle, hart: this.hartId, phase: 'wake' });
    return false;
  }

  /** The cycle at which mtime reaches `tick`; Infinity for compare values no run can reach. */
  private cycleOfTick(tick: number): number {
    if (tick >= 2 ** 52) return Infinity;
    return Math.max(0, (tick - this.mtimeOffset) * CYCLES_PER_TICK);
  }
}
