// Signals: numbers, default actions, and delivery with the Linux riscv64
// signal frame (arch/riscv/include/uapi/asm/{sigcontext,ucontext}.h):
//   rt_sigframe = siginfo (128 bytes) + ucontext, where ucontext is
//   uc_flags @0, uc_link @8, uc_stack @16 (24 bytes), uc_sigmask @40,
//   padding to @168, uc_mcontext @176 (16-aligned): sc_regs = pc, x1..x31
//   (256 bytes), then the FP state: f0..f31 (256 bytes) and fcsr.
// The handler returns to `ra`: the vDSO's __vdso_rt_sigreturn (`li a7, 139;
// ecall`), as on Linux, or with --vdso off a kernel page holding the same code.

import { USER_TOP, type AddressSpace } from '../mm/vm.js';
import { PAGE_SIZE } from '../mm/frames.js';
import { copyIn, copyOut } from '../mm/uaccess.js';

/** With --vdso off, the user page holding the sigreturn trampoline: where every handler returns (its ra). */
export const SIGTRAMP_VA = USER_TOP - PAGE_SIZE;
/** That page's code: `li a7, 139; ecall` (139 = rt_sigreturn). */
export const SIGTRAMP_CODE: readonly number[] = [0x08b00893, 0x00000073];

export * from '../abi/signal.js';
import { SIGFRAME_SIZE, UC, MCONTEXT, FPSTATE, SA_ONSTACK, SA_NODEFER, SA_RESETHAND, SIG_DFL, UNBLOCKABLE, bit, type SigAction, type SigInfo } from '../abi/signal.js';

/** siginfo_t as the handler sees it. */
export function siginfoBytes(sig: number, info: SigInfo): Uint8Array {
  const b = new Uint8Array(128), dv = new DataView(b.buffer);
  dv.setInt32(0, sig, true);
  dv.setInt32(8, info.code, true);
  if (info.addr !== undefined) dv.setBigUint64(16, BigInt.asUintN(64, BigInt(info.addr)), true);
  else {
    dv.setInt32(16, info.pid ?? 0, true);
    dv.setInt32(20, 0, true); // si_uid: root
    if (info.status !== undefined) dv.setInt32(24, info.status, true);
    if (info.value !== undefined) dv.setBigUint64(24, info.value, true);
  }
  return b;
}

/** What a frame needs from the process (kept narrow so signal.ts stays free of the Process class). */
interface FrameTarget {
  x: Int32Array; f: Int32Array; pc: number; fcsr: number;
  /** Whose hart holds the FP registers as f has them (sched/proc.ts): cleared when f is written. */
  fpOn: unknown;
  sigMask: bigint; restoreMask: bigint | undefined; sigActions: SigAction[];
  altStack: { sp: number; size: number; flags: number };
  as: AddressSpace;
  reg(i: number): number; setReg(i: number, v: number): void; onAltStack(): boolean;
}

/**
 * Builds the rt_sigframe for sig on the user stack (or the alternate stack
 * for SA_ONSTACK) and points the registers at the handler: a0 = sig,
 * a1 = &siginfo, a2 = &ucontext, sp = the frame, ra = the sigreturn
 * trampoline. False when the stack is not writable (the caller kills).
 */
export function pushFrame(p: FrameTarget, sig: number, info: SigInfo, act: SigAction, trampoline: number): boolean {
  const oldMask = p.restoreMask ?? p.sigMask;
  p.restoreMask = undefined;
  // SA_ONSTACK switches to the alternate stack unless already on it (a nested signal stays where it is).
  const already = p.onAltStack();
  const onAlt = (act.flags & SA_ONSTACK) !== 0 && p.altStack.flags === 0 && !already;
  const sp = onAlt ? p.altStack.sp + p.altStack.size : p.reg(2);
  const frame = Math.floor((sp - SIGFRAME_SIZE) / 16) * 16;
  const b = new Uint8Array(SIGFRAME_SIZE), dv = new DataView(b.buffer);
  b.set(siginfoBytes(sig, info), 0);
  dv.setBigUint64(UC + 16, BigInt(p.altStack.sp), true);
  dv.setInt32(UC + 24, already ? 1 : p.altStack.flags, true);
  dv.setBigUint64(UC + 32, BigInt(p.altStack.size), true);
  dv.setBigUint64(UC + 40, oldMask, true);
  dv.setBigUint64(MCONTEXT, BigInt.asUintN(64, BigInt(p.pc)), true);
  for (let r = 1; r < 32; r++) { dv.setInt32(MCONTEXT + 8 * r, p.x[2 * r], true); dv.setInt32(MCONTEXT + 8 * r + 4, p.x[2 * r + 1], true); }
  for (let r = 0; r < 64; r++) dv.setInt32(FPSTATE + 4 * r, p.f[r], true);
  dv.setUint32(FPSTATE + 256, p.fcsr, true);
  if (!copyOut(p.as, frame, b)) return false;
  if (act.flags & SA_RESETHAND) p.sigActions[sig] = { handler: SIG_DFL, flags: 0, mask: 0n };
  p.sigMask = (p.sigMask | act.mask | ((act.flags & SA_NODEFER) ? 0n : bit(sig))) & ~UNBLOCKABLE;
  p.setReg(10, sig); p.setReg(11, frame); p.setReg(12, frame + UC);
  p.setReg(2, frame);
  p.setReg(1, trampoline);
  p.pc = act.handler;
  return true;
}

/** rt_sigreturn: restores registers, FP state and mask from the frame at sp. False when it is unreadable. */
export function popFrame(p: FrameTarget): boolean {
  const b = copyIn(p.as, p.reg(2), SIGFRAME_SIZE);
  if (b === undefined) return false;
  const dv = new DataView(b.buffer);
  p.sigMask = dv.getBigUint64(UC + 40, true) & ~UNBLOCKABLE;
  p.pc = Number(dv.getBigInt64(MCONTEXT, true));
  for (let r = 1; r < 32; r++) { p.x[2 * r] = dv.getInt32(MCONTEXT + 8 * r, true); p.x[2 * r + 1] = dv.getInt32(MCONTEXT + 8 * r + 4, true); }
  for (let r = 0; r < 64; r++) p.f[r] = dv.getInt32(FPSTATE + 4 * r, true);
  p.fcsr = dv.getUint32(FPSTATE + 256, true);
  p.fpOn = undefined; // the hart's FP registers are no longer p's: the return to U-mode loads these
  return true;
}
