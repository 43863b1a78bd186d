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
import { allocState, resetState, S, T } from './layout.js';
import { pairBig, setPairBig, setPairNum, TWO32 } from './pair.js';
import * as timer from './timer.js';
import { Fpu } from './fpu.js';
import { Access, Superpages, Tlb, walk, TLB_MASK, TLB_BYTES, type WalkCtx } from './mmu.js';
import { PageTrace } from './pagerefs.js';
import { Cause, Mode, takeTrap, pendingInterrupt, INTERRUPT_NAMES } from './trap.js';
import { Irq, St } from './csr.js';
import { BlockCache, type Block } from './blocks.js';
import { execBlock } from './exec.js';
import { csrRead, csrWrite, csrReadPair, csrWritePair, csrOut } from './csr.js';
import type { HartPort, RegSave } from './port.js';
import { Tracer } from '../trace/events.js';
import { HI6220, PowerMeter } from './power.js';
import { Jit, type JitOptions } from './jit/jit.js';
import { HartCounts } from './counts.js';
import * as tramp from './trampoline.js';
import { HANDLED, TrapExit, handle, nativeExit, type Exit, type TrapExitInfo } from './native.js';

export { type Exit, type TrapExitInfo } from './native.js';
export { CYCLES_PER_TICK } from './timer.js';

export class Hart implements HartPort {
  readonly x: Int32Array;
  /** x0..x31 without the sink pair: what the trampoline saves (made once: no view allocated per trap); the port's `regs`. */
  readonly xRegs: Int32Array;
  get regs(): Int32Array { return this.xRegs; }
  readonly f: Int32Array;
  /** The state words and the counters (layout.ts): the one copy of pc, the mode, the hot CSRs and the time. */
  readonly s: Int32Array;
  readonly t: Float64Array;
  readonly fpu: Fpu;
  readonly bus: Bus;
  readonly hartId: number;
  readonly blocks: BlockCache;

  // Views of the state in `s` and `t` (layout.ts), by their spec names.
  get priv(): Mode { return this.s[S.PRIV] as Mode; }
  set priv(v: Mode) { this.s[S.PRIV] = v; }
  get mstatus(): number { return this.s[S.MSTATUS]; }
  set mstatus(v: number) { this.s[S.MSTATUS] = v; }
  get mie(): number { return this.s[S.MIE]; }
  set mie(v: number) { this.s[S.MIE] = v; }
  get mipSw(): number { return this.s[S.MIP_SW]; }
  set mipSw(v: number) { this.s[S.MIP_SW] = v; }
  get mipHw(): number { return this.s[S.MIP_HW]; }
  set mipHw(v: number) { this.s[S.MIP_HW] = v; }
  get medeleg(): number { return this.s[S.MEDELEG]; }
  get mideleg(): number { return this.s[S.MIDELEG]; }
  /** A pending exception from a memory helper: cause + 1, or 0 (its tval is the pair at S.EXC_TVAL). */
  get exc(): number { return this.s[S.EXC]; }
  /** Set when interrupt state may have changed; checked at the next block boundary. */
  get irqDirty(): boolean { return this.s[S.IRQ_DIRTY] !== 0; }
  set irqDirty(v: boolean) { this.s[S.IRQ_DIRTY] = v ? 1 : 0; }
  /** LR reservation: RAM offset, or -1. */
  get reservation(): number { return this.s[S.RESERVATION]; }
  set reservation(v: number) { this.s[S.RESERVATION] = v; }
  /** Virtual time: cycles since reset (1 GHz), instructions retired, traps taken. */
  get cycle(): number { return this.t[T.CYCLE]; }
  set cycle(v: number) { this.t[T.CYCLE] = v; }
  get instret(): number { return this.t[T.INSTRET]; }
  set instret(v: number) { this.t[T.INSTRET] = v; }
  get traps(): number { return this.t[T.TRAPS]; }
  /** Cycle at which the next enabled timer comparison becomes true. */
  get nextTimer(): number { return this.t[T.NEXT_TIMER]; }

  // The 64-bit CSRs as bigints: a slow view for tests and tools (the machine moves pairs).
  get mepc(): bigint { return pairBig(this.s, S.MEPC); }
  get sepc(): bigint { return pairBig(this.s, S.SEPC); }
  get mcause(): bigint { return pairBig(this.s, S.MCAUSE); }
  get scause(): bigint { return pairBig(this.s, S.SCAUSE); }
  get mtval(): bigint { return pairBig(this.s, S.MTVAL); }
  set mtval(v: bigint) { setPairBig(this.s, S.MTVAL, v); }
  get stval(): bigint { return pairBig(this.s, S.STVAL); }
  get mtvec(): bigint { return pairBig(this.s, S.MTVEC); }
  set mtvec(v: bigint) { setPairBig(this.s, S.MTVEC, v); }
  get stvec(): bigint { return pairBig(this.s, S.STVEC); }
  get satp(): bigint { return pairBig(this.s, S.SATP); }
  /** Sets satp without the csrw side effects: the caller calls translationChanged(). */
  set satp(v: bigint) { setPairBig(this.s, S.SATP, v); }

  /** Incremented whenever instruction translation may change (privilege, satp, sfence): invalidates block chains. */
  epoch = 0;
  /** TLB flushes (satp, sfence.vma, SUM/MXR/MPRV changes): the epoch's bumps other than a change of mode. */
  flushes = 0;
  /** The JIT (jit/jit.ts), when on; run() then lets it run blocks instead of execBlock. */
  jit: Jit | undefined;
  /** Where the current run() stops: steps (instret + traps) at which its budget is used up (compiled code checks it). */
  runEnd = 0;
  /** Set by a device (HTIF) or wfi to end run() after the current block. */
  stop: Exit | undefined;
  wfi = false;
  /**
   * The furthest cycle wfi may skip the clock to (a board with several harts
   * keeps them within a quantum of each other: firmware/boot.ts). Reaching
   * it ends run() with a 'wfi' exit, a spurious wake-up (priv 3.3.3 allows
   * one), with `wakeAt` still finite.
   */
  idleLimit = Infinity;
  /** After a 'wfi' exit: when the earliest armed timer fires (Infinity: none, so only a device can wake the hart). */
  wakeAt = Infinity;
  private native = false;
  /** The current run()'s budget (a trap handled inside it starts a fresh one: native.ts). */
  budget = 0;
  /** The one Exit onTrap is given (it handles it before it returns: port.ts). */
  readonly trapScratch = new TrapExit();
  /**
   * The native trap vector's handler, when its owner takes traps inside
   * run() rather than after it returns (the kernel: DESIGN.md "How the kernel
   * is entered"). It handles the trap — the hart is then ready to go on, as
   * after the handler's sret — and answers whether run() goes on, with a
   * fresh budget, as if called again; if not, run() returns 'handled'.
   * Without it, reaching the vector ends run() with the trap Exit.
   */
  onTrap: ((e: TrapExitInfo) => boolean) | undefined;

  // Translation state derived from satp/mstatus/priv (see translationChanged).
  /** The TLBs, by access (Access) then mode (Mode): a mode change (twice per system call) picks three with one load each. */
  readonly byMode: readonly [Tlb[], Tlb[], Tlb[]];
  private readonly supers = new Superpages();
  rTlb!: Tlb; wTlb!: Tlb; xTlb!: Tlb;
  /** What the TLBs above were chosen for (selectTlbs): the mode, and mstatus's MPP, MPRV, SUM and MXR. */
  private tlbKey = -1;
  private dataPriv: Mode = Mode.M;
  private satpOn = false;
  private readonly ctx: WalkCtx = { satpPpn: 0, priv: Mode.M, sum: false, mxr: false };

  /** Where this hart's events go (traps, sret/mret, interrupts raised, wfi): the machine's stream, shared with whatever runs on it. */
  readonly trace: Tracer;
  onInsn: ((pc: number, bits: number) => void) | undefined;
  /** Traps by cause, time per mode and satp switches (counts.ts). */
  readonly counts = new HartCounts();
  /** The hart's energy meter and its idle states (power.ts). */
  readonly power: PowerMeter;
  /** Where U-mode page references go, when recording (recordPages). */
  private pageTrace: PageTrace | undefined;

  constructor(bus: Bus, hartId = 0, trace = new Tracer()) {
    this.trace = trace;
    this.power = new PowerMeter(HI6220, trace, hartId);
    const slot = bus.hartSlot(hartId);
    const st = slot === undefined ? allocState() : allocState(slot.buf, slot.at);
    this.x = st.x;
    this.xRegs = st.x.subarray(0, 64);
    this.f = st.f;
    this.s = st.s;
    this.t = st.t;
    this.fpu = new Fpu(this.f, this.x, this.s.subarray(S.FFLAGS, S.FRM + 1));
    this.bus = bus;
    this.hartId = hartId;
    this.blocks = new BlockCache(bus);
    this.byMode = [Access.READ, Access.WRITE, Access.EXEC].map((a) => [0, 1, 2, 3].map((m) =>
      slot === undefined ? new Tlb() : new Tlb(slot.buf, slot.at + 2048 + (3 * m + a) * TLB_BYTES))) as [Tlb[], Tlb[], Tlb[]];
    resetState(this.s, this.t);
    this.selectTlbs();
  }

  // ---- pc ---------------------------------------------------------------------

  /**
   * pc as a JS number: exact for every pc an instruction can execute at (RAM
   * addresses and sign-extended Sv39 addresses are far below 2^53). The one
   * exact copy is the pair at s[S.PC]; setPc64 and pcBig move all 64 bits.
   */
  get pc(): number { return this.s[S.PC + 1] * TWO32 + (this.s[S.PC] >>> 0); }
  set pc(v: number) { setPairNum(this.s, S.PC, v); }

  /** Sets pc to a 64-bit value given as a bigint (any sign; taken modulo 2^64). */
  setPc64(v: bigint): void { setPairBig(this.s, S.PC, v); }

  /** pc as an unsigned 64-bit bigint (exact; slow, for tools). */
  pcBig(): bigint { return pairBig(this.s, S.PC); }

  // ---- the port -----------------------------------------------------------

  /**
   * Runs until `budget` steps are used (checked at block boundaries), a
   * native region is reached, wfi idles, or a device stops the run. A step is
   * a retired instruction or a trap taken: a trap retires nothing, so a loop
   * in which every fetch or handler faults must still use up the budget.
   * Never throws for anything the guest does.
   */
  run(budget: number): Exit {
    const s = this.s, t = this.t;
    this.budget = budget;
    // Not with a per-instruction hook or page recording: compiled code calls neither.
    const jit = this.onInsn === undefined && this.pageTrace === undefined ? this.jit : undefined;
    this.runEnd = this.steps() + budget;
    let prev: Block | undefined;
    // this.runEnd, read each time round: a trap handled inside the run starts a fresh budget (native.ts handle).
    while (t[T.INSTRET] + t[T.TRAPS] < this.runEnd) {
      if (s[S.IRQ_DIRTY] !== 0 || t[T.CYCLE] >= t[T.NEXT_TIMER]) this.checkInterrupts();
      const pc = s[S.PC + 1] * TWO32 + (s[S.PC] >>> 0), ep = this.epoch;
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
          if (this.native) {
            this.native = false;
            if (this.onTrap === undefined) return nativeExit(this);
            if (!handle(this, this.onTrap)) return HANDLED;
          }
          continue; // a fetch fault was taken; go to the handler
        }
        blk = fetched;
        if (prev !== undefined && blk.live && this.epoch === ep) {
          prev.s1 = prev.s0; prev.s1pc = prev.s0pc; prev.s1ep = prev.s0ep;
          prev.s0 = blk; prev.s0pc = pc; prev.s0ep = ep;
        }
      }
      if (jit === undefined) execBlock(this, blk); else jit.exec(this, blk);
      prev = blk;
      if (this.wfi && this.idle()) return { kind: 'wfi' };
      if (this.stop !== undefined) { const stop = this.stop; this.stop = undefined; return stop; }
    }
    return { kind: 'budget' };
  }

  /** Turns the JIT on (options) or off (undefined). */
  setJit(opts: JitOptions | undefined): void {
    this.jit = opts === undefined ? undefined : new Jit(this.blocks, opts, this);
    if (opts === undefined) this.blocks.onInvalidate = undefined;
  }

  /** Architectural sret (priv 3.3.2), as the kernel's return to user mode. */
  sret(): void {
    const st = this.s, s = st[S.MSTATUS];
    st[S.PC] = st[S.SEPC]; st[S.PC + 1] = st[S.SEPC + 1];
    st[S.MSTATUS] = (s & ~(St.SIE | St.SPP | St.MPRV)) | St.SPIE | ((s & St.SPIE) ? St.SIE : 0);
    this.setPriv((s & St.SPP) ? Mode.S : Mode.U);
    st[S.IRQ_DIRTY] = 1;
    if (this.trace.on) this.xretEvent('sret');
  }

  /** The kernel's return to U-mode (xv6's usertrapret): sepc := pc, sstatus.SPP := U, SPIE := 1 (priv 4.1.1), then sret. */
  sretToUser(pc: number): void {
    const st = this.s;
    setPairNum(st, S.SEPC, pc);
    st[S.MSTATUS] = (st[S.MSTATUS] & ~St.SPP) | St.SPIE; // no side effect: neither bit changes translation or enables
    this.sret();
  }

  // ---- the rest of the kernel port (port.ts) -------------------------------

  saveRegs(into: RegSave, lazyFp = false): void { tramp.saveRegs(this, into, lazyFp); }
  saveFp(into: RegSave): void { tramp.saveFp(this, into); }
  loadRegs(from: RegSave, fp = true): void { tramp.loadRegs(this, from, fp); }
  loadFp(from: RegSave): void { tramp.loadFp(this, from); }

  /** Budget used since reset: instructions retired plus traps taken (see run). */
  steps(): number { return this.instret + this.traps; }

  csrRead(csr: number): bigint | undefined { return csrRead(this, csr); }
  csrWrite(csr: number, value: bigint): boolean { return csrWrite(this, csr, value); }
  csrReadPair(csr: number, into: Int32Array): boolean {
    if (!csrReadPair(this, csr)) return false;
    into[0] = csrOut.lo; into[1] = csrOut.hi;
    return true;
  }

  csrWritePair(csr: number, lo: number, hi: number): boolean { return csrWritePair(this, csr, lo, hi); }

  setSepc(pc: number): void { setPairNum(this.s, S.SEPC, pc); }

  advance(cycles: number): void { this.t[T.CYCLE] += cycles; }

  idleUntil(until: number): void {
    if (until > this.t[T.CYCLE]) this.t[T.CYCLE] = until;
    this.timersChanged();
  }

  idleIn(state: number, until: number, wakes = true): void {
    this.idleUntil(this.power.idle(state, this.t[T.CYCLE], until, wakes));
  }

  sfenceVma(): void { this.flushTlbs(); }

  /** Architectural mret (priv 3.3.2). */
  mret(): void {
    const st = this.s, s = st[S.MSTATUS];
    const mpp = ((s >>> 11) & 3) as Mode;
    st[S.PC] = st[S.MEPC]; st[S.PC + 1] = st[S.MEPC + 1];
    st[S.MSTATUS] = (s & ~(St.MIE | St.MPP | (mpp !== Mode.M ? St.MPRV : 0))) | St.MPIE | ((s & St.MPIE) ? St.MIE : 0);
    this.setPriv(mpp);
    st[S.IRQ_DIRTY] = 1;
    if (this.trace.on) this.xretEvent('mret');
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

  /** mip as csrr reads it: with Sstc on, STIP is the timer's alone (Sstc 2.1). */
  mip(): number {
    const s = this.s, sw = s[S.MENVCFG + 1] < 0 ? s[S.MIP_SW] & ~(1 << Irq.STI) : s[S.MIP_SW];
    return sw | s[S.MIP_HW];
  }

  mtime(): number { return timer.mtime(this); }

  setMtime(v: number): void { timer.setMtime(this, v); }

  /** Recomputes MTIP/STIP (Sstc) and the cycle of the next timer event (DESIGN.md "Time"). */
  timersChanged(): void { timer.timersChanged(this); }

  /** --trace-insns: every instruction the hart starts becomes an event (slow: a hook call per instruction). */
  traceInstructions(): void {
    this.onInsn = (pc, bits) => this.trace.emit({ kind: 'insn', cycle: this.cycle, hart: this.hartId, pc, bits });
  }

  /**
   * Records every U-mode page reference into `into` from now on (pagerefs.ts):
   * the TLBs stop caching, so each access translates, and translate's
   * epoch bump keeps blocks from chaining past a fetch. Slower; off by default.
   */
  recordPages(into: PageTrace): void {
    this.pageTrace = into;
    for (const set of this.byMode) for (const t of set) t.enabled = false;
    this.flushTlbs();
  }

  private xretEvent(insn: 'sret' | 'mret'): void {
    this.trace.emit({ kind: 'xret', cycle: this.cycle, hart: this.hartId, insn, to: this.priv, pc: this.pcBig(), instret: this.instret });
  }

  /** An interrupt-pending bit became set: the trace event (callers check trace.on). */
  raised(irq: Irq): void {
    this.trace.emit({ kind: 'irq', cycle: this.cycle, hart: this.hartId, irq, name: INTERRUPT_NAMES[irq] });
  }

  // ---- privilege and translation -----------------------------------------

  /** The mode becomes m; keepTlbs: the old mode's TLBs stay until selectTlbs (native.ts trapInline). */
  setPriv(m: Mode, keepTlbs = false): void {
    this.counts.leave(this.s[S.PRIV] as Mode, this.t[T.CYCLE], this.t[T.INSTRET]);
    this.s[S.PRIV] = m;
    this.epoch++;
    if (!keepTlbs) this.selectTlbs();
  }

  /** Called when satp, SUM, MXR, MPRV or MPP change: cached translations are stale. */
  translationChanged(): void {
    this.flushTlbs();
    const lo = this.s[S.SATP], hi = this.s[S.SATP + 1];
    this.satpOn = hi >>> 28 === 8; // MODE = Sv39 (priv 4.1.11)
    this.ctx.satpPpn = (hi & 0xfff) * TWO32 + (lo >>> 0);
    this.selectTlbs();
  }

  flushTlbs(): void {
    this.epoch++;
    this.flushes++;
    this.supers.clear();
    for (const set of this.byMode) for (const t of set) t.flush();
  }

  /**
   * sfence.vma (priv 4.2.1): rs1 = x0 (a pair index of 0) fences every
   * address, else only the address in rs1: that page's entries go from
   * every TLB, or all of them when a superpage may have filled it. rs2's
   * ASID is not looked at: lde's TLBs hold one address space (satp writes flush).
   */
  sfence(rs1: number): void {
    if (rs1 === 0) { this.flushTlbs(); return; }
    const lo = this.x[rs1], hi = this.x[rs1 + 1];
    if (this.supers.covers(lo, hi)) { this.flushTlbs(); return; }
    this.epoch++;
    this.flushes++;
    for (const set of this.byMode) for (const t of set) t.drop(lo, hi);
  }

  dirtyFs(): void { this.s[S.MSTATUS] |= St.FS; }

  /** The TLBs for the mode and mstatus (a no-op when they are the ones chosen last). */
  selectTlbs(): void {
    const s = this.s[S.MSTATUS], m = this.s[S.PRIV] as Mode;
    const key = m | (s & (St.MPP | St.MPRV | St.SUM | St.MXR));
    if (key === this.tlbKey) return;
    this.tlbKey = key;
    const d = m === Mode.M && (s & St.MPRV) ? ((s >>> 11) & 3) as Mode : m;
    this.dataPriv = d;
    this.rTlb = this.byMode[Access.READ][d];
    this.wTlb = this.byMode[Access.WRITE][d];
    this.xTlb = this.byMode[Access.EXEC][m];
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
    if (pa >= 0 && this.ctx.leaf! > 0) this.supers.note(lo, hi, this.ctx.leaf!);
    if (this.pageTrace !== undefined && mode === Mode.U && pa >= 0) this.recordPage(lo, hi, access);
    return pa >= 0 ? pa : this.fault(-pa - 1, lo, hi);
  }

  /** A U-mode page reference while recording: a fetch also ends chaining (the next block must fetch, and so translate, again). */
  private recordPage(lo: number, hi: number, access: Access): void {
    const key = PageTrace.key(this.ctx.satpPpn, lo, hi);
    if (access === Access.EXEC) { this.pageTrace!.fetch(key); this.epoch++; } else this.pageTrace!.data(key);
  }

  /** Records exception `cause` with tval = (lo, hi); returns -1 for translate's callers. */
  fault(cause: number, lo: number, hi: number): number {
    const s = this.s;
    s[S.EXC] = cause + 1;
    s[S.EXC_TVAL] = lo; s[S.EXC_TVAL + 1] = hi;
    return -1;
  }

  /** Takes the exception recorded in exc at the current pc. */
  raise(): void {
    const s = this.s, cause = s[S.EXC] - 1;
    s[S.EXC] = 0;
    takeTrap(this, cause, false, s[S.EXC_TVAL], s[S.EXC_TVAL + 1]);
  }

  // ---- the run loop's helpers --------------------------------------------

  private checkInterrupts(): void {
    if (this.t[T.CYCLE] >= this.t[T.NEXT_TIMER]) this.timersChanged();
    const irq = pendingInterrupt(this);
    if (irq >= 0) takeTrap(this, irq, true, 0, 0);
    this.s[S.IRQ_DIRTY] = 0;
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
      t.insert(lo, hi, off & ~0xfff); // native pages too: a trap's fetch at the vector then costs no walk
    }
    if (this.bus.pageFlags[off >>> 12] & PageFlag.NATIVE) { this.native = true; return null; }
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

  /** After wfi retired (timer.ts): true when nothing but a device can wake the hart. */
  private idle(): boolean { return timer.idle(this); }
}
