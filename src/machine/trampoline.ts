// The trampoline's register save and restore (xv6's trampoline.S; the
// port's saveRegs/loadRegs): the integer registers, and the FP registers the
// way Linux handles them (arch/riscv's fstate_save and fstate_restore):
// saved only when sstatus.FS says Dirty, after which FS is Clean, and
// restored only when the kernel asks (the hart's may still be the task's).
// priv 3.1.6.6: FS is Dirty once an FP register or fcsr is written, and
// Clean means the state equals what was last saved or restored.

import type { Hart } from './hart.js';
import type { RegSave } from './port.js';
import { S } from './layout.js';
import { St } from './csr.js';

const FS_CLEAN = 2 << 13;

export function saveRegs(h: Hart, into: RegSave, lazyFp: boolean): void {
  into.x.set(h.xRegs);
  if (lazyFp) { saveFp(h, into); return; }
  into.f.set(h.f);
  into.fcsr = (h.s[S.FRM] << 5) | h.s[S.FFLAGS];
}

export function saveFp(h: Hart, into: RegSave): void {
  const st = h.s;
  if ((st[S.MSTATUS] & St.FS) !== St.FS) return; // not Dirty: into's FP state is still the hart's
  into.f.set(h.f);
  into.fcsr = (st[S.FRM] << 5) | st[S.FFLAGS];
  st[S.MSTATUS] = (st[S.MSTATUS] & ~St.FS) | FS_CLEAN;
}

export function loadRegs(h: Hart, from: RegSave, fp: boolean): void {
  h.x.set(from.x); // 64 words: x0..x31 (the sink pair past them is the hart's own)
  h.x[0] = h.x[1] = 0;
  if (fp) loadFp(h, from);
}

export function loadFp(h: Hart, from: RegSave): void {
  const st = h.s;
  h.f.set(from.f);
  st[S.FFLAGS] = from.fcsr & 0x1f;
  st[S.FRM] = (from.fcsr >> 5) & 7;
  if ((st[S.MSTATUS] & St.FS) !== 0) st[S.MSTATUS] = (st[S.MSTATUS] & ~St.FS) | FS_CLEAN;
}
