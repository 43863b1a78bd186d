// The loops of a region, for wasm.ts: WebAssembly has no goto, only
// structured blocks and loops, so a region is one dispatch loop (a br_table
// over the page finds the block at pc). A branch back to a loop's first
// block through that dispatch costs two indirect jumps per iteration; this
// file finds loops so that their back edges can be plain `br`s instead.
//
// A loop here is an address range [header, end]: a block whose direct jump
// or branch goes back to the start of a block of the region at or before it
// (`header`) makes one, and the blocks that start in the range are its body.
// Compilers lay loops out that way; a range that does not fit (two loops that
// overlap without nesting) is simply not a loop here, and its back edges go
// through the dispatch as before. Entering a loop anywhere but its header
// (a jump into its middle, or a run that starts inside) goes through a small
// dispatch at the loop's top, so any shape of code stays correct.

/** A loop: its header (a block start), the range of block starts it covers, and its members in address order. */
export interface LoopNode { id: number; header: number; start: number; end: number; kids: LoopItem[] }
/** A member of a level: a block (its index) or a nested loop. */
export type LoopItem = number | LoopNode;

export interface LoopTree {
  /** The region's top level, in address order. */
  top: LoopItem[];
  /** For each block: the loops it is in, outermost first. */
  path: LoopNode[][];
  /** The block starting at each offset. */
  at: Map<number, number>;
}

/**
 * The loops of blocks at offsets `offs`, where `back(k)` is the target of
 * block k's direct jump or taken branch (undefined for none).
 */
export function loopTree(offs: number[], back: (k: number) => number | undefined): LoopTree {
  const at = new Map(offs.map((o, k) => [o, k]));
  const ends = new Map<number, number>();
  offs.forEach((o, k) => {
    const t = back(k);
    if (t !== undefined && t <= o && at.has(t)) ends.set(t, Math.max(ends.get(t) ?? o, o));
  });
  // Outer loops first (by start, then longest); keep those that nest or are disjoint.
  const cands = [...ends].map(([header, end]) => ({ header, end })).sort((a, b) => a.header - b.header || b.end - a.end);
  const loops: LoopNode[] = [];
  for (const { header, end } of cands) {
    if (loops.some((l) => header <= l.end && end > l.end)) continue;
    loops.push({ id: loops.length, header, start: header, end, kids: [] });
  }
  const order = offs.map((_, k) => k).sort((a, b) => offs[a] - offs[b]);
  const top: LoopItem[] = [], path: LoopNode[][] = offs.map(() => []);
  const open: LoopNode[] = [];
  let next = 0;
  for (const k of order) {
    const o = offs[k];
    while (open.length > 0 && open[open.length - 1].end < o) open.pop();
    while (next < loops.length && loops[next].start <= o) {
      const l = loops[next++];
      if (l.end < o) continue; // no block in its range (cannot happen: its header is a block)
      (open.length > 0 ? open[open.length - 1].kids : top).push(l);
      open.push(l);
    }
    (open.length > 0 ? open[open.length - 1].kids : top).push(k);
    path[k] = [...open];
  }
  return { top, path, at };
}
