// lde's SBI firmware: the M-mode layer under a guest kernel, in TypeScript,
// behind a native mtvec (DESIGN.md: the same mechanism as the kernel's
// trampoline, one privilege level up). It follows the RISC-V Supervisor
// Binary Interface specification v2.0:
//   ch. 3  the calling convention: EID in a7, FID in a6, arguments in a0-a5,
//          struct sbiret { error in a0, value in a1 };
//   ch. 4  Base (0x10): spec version 2.0, implementation id and version,
//          probe_extension, mvendorid/marchid/mimpid;
//   ch. 5  the legacy extensions 0x00-0x08 (set_timer, console_putchar,
//          console_getchar, clear_ipi, send_ipi, remote fences, shutdown);
//   ch. 6  TIME (0x54494D45) set_timer: lde's harts have Sstc, so the timer
//          is stimecmp and STIP follows it (menvcfg.STCE = 1);
//   ch. 7  IPI (0x735049) send_ipi: the target's SSIP (Board.sendIpi);
//   ch. 8  RFENCE (0x52464E43): remote fence.i and sfence.vma on the target
//          harts (a hart's TLB and decoded blocks are dropped whole);
//   ch. 9  HSM (0x48534D): hart_start, hart_stop, hart_get_status, and the
//          default retentive hart_suspend (a wfi);
//   ch. 10 SRST (0x53525354): shutdown and reboot end the run (Board.power);
//   ch. 12 DBCN (0x4442434E): console_write, console_read, console_write_byte.
// A trap the firmware does not handle (an exception not delegated to S) is
// redirected to S-mode as if it had been delegated, as OpenSBI does.
//
// Memory: the firmware owns [FW_BASE, FW_BASE + FW_SIZE), QEMU's and
// OpenSBI's firmware window; its first page is the native trap vector. The
// devicetree marks the window reserved (no-map), so the kernel never uses it.

import { Csr, ENVCFG_STCE, Mode, St, pairBig, setPairBig, type Board, type Hart, type Exit } from '../machine/index.js';

export const FW_BASE = 0x80000000, FW_SIZE = 0x200000;
export const SBI_SPEC = (2 << 24) | 0; // v2.0
/** Implementation id: not one of the SBI registry's, lde's own ("lde" in ASCII). */
export const SBI_IMPL_ID = 0x6c6465;

const enum Err { SUCCESS = 0, FAILED = -1, NOT_SUPPORTED = -2, INVALID_PARAM = -3, ALREADY_AVAILABLE = -6, INVALID_ADDRESS = -5 }
const enum Ext {
  BASE = 0x10, TIME = 0x54494d45, IPI = 0x735049, RFENCE = 0x52464e43, HSM = 0x48534d, SRST = 0x53525354, DBCN = 0x4442434e,
}
/** What probe_extension finds: the v0.2+ extensions, and the legacy calls lde keeps (set_timer, putchar, getchar, clear_ipi, shutdown). */
const EXTENSIONS = [Ext.BASE, Ext.TIME, Ext.IPI, Ext.RFENCE, Ext.HSM, Ext.SRST, Ext.DBCN, 0, 1, 2, 3, 8];
/** HSM states (ch. 9). */
export const enum HartState { STARTED = 0, STOPPED = 1, START_PENDING = 2, STOP_PENDING = 3, SUSPENDED = 4 }
/** Causes delegated to S, as OpenSBI delegates them: misaligned fetch, breakpoint, ecall from U, and the page faults. */
const MEDELEG = (1 << 0) | (1 << 3) | (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15);
/** S-mode's software, timer and external interrupts. */
const MIDELEG = (1 << 1) | (1 << 5) | (1 << 9);
const ECALL_S = 9;

export interface SbiHost {
  /** Bytes for the console (legacy putchar and DBCN). */
  write(bytes: Uint8Array): void;
  /** One byte from the console, or -1 when there is none now. */
  read(): number;
}

/** Per-extension call counts, for --stats. */
export type SbiCounts = Map<string, number>;

export class Sbi {
  readonly state: HartState[];
  readonly counts: SbiCounts = new Map();
  /** Set when the guest asked for shutdown or reboot through SRST or the legacy shutdown. */
  ended = false;

  constructor(private readonly board: Board, private readonly host: SbiHost) {
    this.state = board.harts.map(() => HartState.STOPPED);
    for (const h of board.harts) h.registerNative(FW_BASE, 4096);
  }

  /** Hands hart `boot` to the kernel at `entry` in S-mode with a0 = hartid, a1 = the devicetree (the boot protocol of Linux's riscv/boot.rst). */
  start(boot: number, entry: number, dtb: number): void {
    for (const h of this.board.harts) this.machineSetup(h);
    this.enter(this.board.harts[boot], entry, dtb);
  }

  /** Whether hart `id` may run (anything but STOPPED). */
  runnable(id: number): boolean {
    return this.state[id] !== HartState.STOPPED;
  }

  /** Hart `id` is about to run: one that hart_start made START_PENDING is STARTED from now on. */
  running(id: number): void {
    if (this.state[id] === HartState.START_PENDING) this.state[id] = HartState.STARTED;
  }

  /** A trap exit that reached the firmware's vector (M-mode): handles it and returns the hart to S-mode. */
  trap(h: Hart, exit: Exit): void {
    if (exit.kind !== 'trap') return;
    if (!exit.interrupt && exit.cause === ECALL_S) {
      this.call(h);
      if (this.state[h.hartId] !== HartState.STARTED) return; // stopped: it stays in M until hart_start
      h.csrWrite(Csr.MEPC, h.csrRead(Csr.MEPC)! + 4n);
      h.mret();
      return;
    }
    this.redirect(h, exit);
  }

  private machineSetup(h: Hart): void {
    h.setPriv(Mode.M);
    h.csrWrite(Csr.MTVEC, BigInt(FW_BASE));
    h.csrWrite(Csr.MEDELEG, BigInt(MEDELEG));
    h.csrWrite(Csr.MIDELEG, BigInt(MIDELEG));
    h.csrWrite(Csr.MCOUNTEREN, 7n); // cycle, time, instret readable from S (and U, as scounteren allows)
    h.csrWrite(Csr.MENVCFG, ENVCFG_STCE); // Sstc: the kernel programs stimecmp itself
    h.csrWrite(Csr.STIMECMP, (1n << 64n) - 1n);
    h.csrWrite(Csr.MIE, 0n);
  }

  /** mret into S-mode at `entry` with a0 = hartid, a1 = opaque. */
  private enter(h: Hart, entry: number, opaque: number): void {
    const st = h.csrRead(Csr.MSTATUS)!;
    h.csrWrite(Csr.MSTATUS, (st & ~BigInt(St.MPP | St.MPIE | St.SIE)) | BigInt(Mode.S << 11));
    h.csrWrite(Csr.MEPC, BigInt(entry));
    h.csrWrite(Csr.SATP, 0n);
    setX(h, 10, BigInt(h.hartId));
    setX(h, 11, BigInt(opaque));
    this.state[h.hartId] = HartState.STARTED;
    h.mret();
  }

  /** An exception S did not delegate (or an interrupt M did not expect): taken in S-mode as if delegated (priv 3.1.8). */
  private redirect(h: Hart, exit: Exit & { kind: 'trap' }): void {
    const mst = h.csrRead(Csr.MSTATUS)!;
    const from = Number((mst >> 11n) & 3n) as Mode;
    if (from === Mode.M) throw new Error(`the firmware trapped in M-mode (cause ${exit.cause} at ${hex(exit.pc)})`);
    h.csrWrite(Csr.SEPC, h.csrRead(Csr.MEPC)!);
    h.csrWrite(Csr.SCAUSE, (exit.interrupt ? 1n << 63n : 0n) | BigInt(exit.cause));
    h.csrWrite(Csr.STVAL, exit.tval);
    const sie = (mst & BigInt(St.SIE)) !== 0n;
    let next = mst & ~BigInt(St.SPP | St.SPIE | St.SIE | St.MPP);
    if (sie) next |= BigInt(St.SPIE);
    if (from === Mode.S) next |= BigInt(St.SPP);
    h.csrWrite(Csr.MSTATUS, next | BigInt(Mode.S << 11));
    h.csrWrite(Csr.MEPC, h.csrRead(Csr.STVEC)! & ~3n);
    h.mret();
  }

  private count(ext: string): void {
    this.counts.set(ext, (this.counts.get(ext) ?? 0) + 1);
  }

  /** One SBI call: a7 = EID, a6 = FID, a0-a5 arguments; a0 = error, a1 = value (legacy calls: a0 only). */
  private call(h: Hart): void {
    const eid = Number(x(h, 17) & 0xffffffffn), fid = Number(x(h, 16) & 0xffffffffn);
    const a = (i: number) => x(h, 10 + i);
    if (eid <= 8) {
      this.count('legacy');
      setX(h, 10, BigInt(this.legacy(h, eid, a)));
      return;
    }
    let err: number = Err.SUCCESS, val = 0n;
    switch (eid) {
      case Ext.BASE: {
        this.count('base');
        const v = [BigInt(SBI_SPEC), BigInt(SBI_IMPL_ID), 1n, undefined, h.csrRead(Csr.MVENDORID)!, h.csrRead(Csr.MARCHID)!, h.csrRead(Csr.MIMPID)!][fid];
        if (fid === 3) val = EXTENSIONS.includes(Number(a(0) & 0xffffffffn)) ? 1n : 0n;
        else if (v === undefined) err = Err.NOT_SUPPORTED;
        else val = v;
        break;
      }
      case Ext.TIME:
        this.count('time');
        if (fid === 0) h.csrWrite(Csr.STIMECMP, a(0));
        else err = Err.NOT_SUPPORTED;
        break;
      case Ext.IPI:
        this.count('ipi');
        if (fid === 0) err = this.eachHart(a(0), a(1), (t) => this.board.sendIpi(t.hartId));
        else err = Err.NOT_SUPPORTED;
        break;
      case Ext.RFENCE:
        this.count('rfence');
        if (fid <= 6) err = this.eachHart(a(0), a(1), (t) => { t.sfenceVma(); if (fid === 0) t.blocks.invalidateAll(); });
        else err = Err.NOT_SUPPORTED;
        break;
      case Ext.HSM:
        this.count('hsm');
        [err, val] = this.hsm(h, fid, a);
        break;
      case Ext.SRST:
        this.count('srst');
        if (fid !== 0) err = Err.NOT_SUPPORTED;
        else if (a(0) > 2n) err = Err.INVALID_PARAM;
        else this.end(a(0) === 0n ? { kind: 'off', status: a(1) === 0n ? 0 : 1 } : { kind: 'reset', status: 0 });
        break;
      case Ext.DBCN:
        this.count('dbcn');
        [err, val] = this.dbcn(fid, a);
        break;
      default:
        this.count('unknown');
        err = Err.NOT_SUPPORTED;
    }
    setX(h, 10, BigInt(err));
    setX(h, 11, val);
  }

  private legacy(h: Hart, eid: number, a: (i: number) => bigint): number {
    switch (eid) {
      case 0: h.csrWrite(Csr.STIMECMP, a(0)); return 0;
      case 1: this.host.write(Uint8Array.of(Number(a(0) & 0xffn))); return 0;
      case 2: return this.host.read();
      case 3: h.csrWrite(Csr.SIP, h.csrRead(Csr.SIP)! & ~2n); return 0;
      case 8: this.end({ kind: 'off', status: 0 }); return 0;
      default: return Err.NOT_SUPPORTED; // legacy send_ipi and fences (4-7) take a mask pointer: kernels use IPI and RFENCE instead
    }
  }

  private hsm(h: Hart, fid: number, a: (i: number) => bigint): [number, bigint] {
    const valid = a(0) < BigInt(this.board.harts.length), id = Number(a(0));
    switch (fid) {
      case 0: { // hart_start(hartid, start_addr, opaque)
        if (!valid) return [Err.INVALID_PARAM, 0n];
        const t = this.board.harts[id];
        // Started: "already available" (ch. 9.2). Still START_PENDING (it has not run yet): OpenSBI's answer, INVALID_PARAM.
        if (this.state[id] !== HartState.STOPPED) return [this.state[id] === HartState.STARTED ? Err.ALREADY_AVAILABLE : Err.INVALID_PARAM, 0n];
        this.machineSetup(t);
        this.enter(t, Number(a(1)), Number(a(2)));
        this.state[id] = HartState.START_PENDING; // until it runs (running)
        return [Err.SUCCESS, 0n];
      }
      case 1: // hart_stop: the calling hart stops; it never returns
        this.state[h.hartId] = HartState.STOPPED;
        return [Err.SUCCESS, 0n];
      case 2: // hart_get_status(hartid)
        return valid ? [Err.SUCCESS, BigInt(this.state[id])] : [Err.INVALID_PARAM, 0n];
      case 3: // hart_suspend(type): only the default retentive suspend, which is a wfi
        if (a(0) !== 0n) return [Err.NOT_SUPPORTED, 0n];
        h.wfi = true;
        return [Err.SUCCESS, 0n];
      default:
        return [Err.NOT_SUPPORTED, 0n];
    }
  }

  private dbcn(fid: number, a: (i: number) => bigint): [number, bigint] {
    const phys = this.board.phys;
    if (fid === 2) { this.host.write(Uint8Array.of(Number(a(0) & 0xffn))); return [Err.SUCCESS, 0n]; }
    if (fid > 1) return [Err.NOT_SUPPORTED, 0n];
    const n = Number(a(0) > 1n << 20n ? 1n << 20n : a(0)), base = a(1) + (a(2) << 32n);
    if (base < BigInt(phys.base) || base + BigInt(n) > BigInt(phys.base + phys.size)) return [Err.INVALID_PARAM, 0n];
    const pa = Number(base);
    if (fid === 0) {
      this.host.write(phys.readBytes(pa, n));
      return [Err.SUCCESS, BigInt(n)];
    }
    let got = 0;
    for (let c; got < n && (c = this.host.read()) >= 0; got++) phys.write8(pa + got, c);
    return [Err.SUCCESS, BigInt(got)];
  }

  /** Applies f to each hart in (mask, base); base -1 means every hart (SBI 3.1's hart mask). */
  private eachHart(mask: bigint, base: bigint, f: (t: Hart) => void): number {
    const n = this.board.harts.length;
    if (base === (1n << 64n) - 1n) { this.board.harts.forEach(f); return Err.SUCCESS; }
    for (let i = 0; i < 64; i++) {
      if (((mask >> BigInt(i)) & 1n) === 0n) continue;
      const id = base + BigInt(i);
      if (id >= BigInt(n)) return Err.INVALID_PARAM;
      f(this.board.harts[Number(id)]);
    }
    return Err.SUCCESS;
  }

  private end(e: { kind: 'off' | 'reset'; status: number }): void {
    this.ended = true;
    this.board.power = e;
    for (const h of this.board.harts) h.stop = { kind: 'halt', status: e.status };
  }
}

/** Register xi as an unsigned 64-bit value (SBI passes unsigned longs: a hart mask base of -1 is 2^64 - 1). */
const x = (h: Hart, i: number): bigint => pairBig(h.x, 2 * i);
const setX = (h: Hart, i: number, v: bigint): void => setPairBig(h.x, 2 * i, v);
const hex = (v: bigint): string => '0x' + v.toString(16);
