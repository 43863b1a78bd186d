// The futex word (futex(2)): how a waiter's key is made from its address,
// and reading and writing the word. Shared by the plain futexes (futex.ts)
// and the priority-inheritance ones (futex-pi.ts).

import type { AddressSpace } from '../mm/vm.js';
import { copyIn, copyOut } from '../mm/uaccess.js';

export const FUTEX_WAITERS = 0x80000000, FUTEX_OWNER_DIED = 0x40000000, FUTEX_TID_MASK = 0x3fffffff;

const spaceIds = new WeakMap<AddressSpace, number>();
let nextSpaceId = 1;

/** The key of the word at uaddr: (address space, va) for a private futex, the physical address for a shared one; undefined when unmapped. */
export function keyOf(as: AddressSpace, uaddr: number, priv: boolean): string | undefined {
  if (priv) {
    let id = spaceIds.get(as);
    if (id === undefined) spaceIds.set(as, (id = nextSpaceId++));
    return `p${id}:${uaddr}`;
  }
  const pte = as.lookup(uaddr);
  return pte === undefined ? undefined : `s${pte.pa + (uaddr % 4096)}`;
}

/** The word's value (EFAULT when unreadable; reading faults the page in). */
export function readWord(as: AddressSpace, uaddr: number): number | undefined {
  const b = copyIn(as, uaddr, 4);
  return b === undefined ? undefined : new DataView(b.buffer).getUint32(0, true);
}

export function writeWord(as: AddressSpace, uaddr: number, v: number): boolean {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return copyOut(as, uaddr, b);
}

/** The sleepers on each futex word, by key, per kernel (a waiter's key changes only through `move`). */
export class WaiterLists<W extends { key: string }> {
  private readonly byKernel = new WeakMap<object, Map<string, W[]>>();

  /** Every word with sleepers, for kernel k. */
  of(k: object): Map<string, W[]> {
    let t = this.byKernel.get(k);
    if (t === undefined) this.byKernel.set(k, (t = new Map()));
    return t;
  }

  /** The sleepers on key, in arrival order (a copy: safe to change the lists while walking it). */
  on(k: object, key: string | undefined): W[] { return key === undefined ? [] : [...(this.of(k).get(key) ?? [])]; }

  /** Queues w at the end of its key's list. */
  add(k: object, w: W): void {
    const t = this.of(k), list = t.get(w.key) ?? [];
    list.push(w);
    t.set(w.key, list);
  }

  /** Takes w off its key's list (nothing when it is not there). */
  unlink(k: object, w: W): void {
    const t = this.of(k), list = t.get(w.key);
    if (list === undefined) return;
    const i = list.indexOf(w);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) t.delete(w.key);
  }

  /** Moves w to the end of key's list (FUTEX_REQUEUE). */
  move(k: object, w: W, key: string): void { this.unlink(k, w); w.key = key; this.add(k, w); }
}
