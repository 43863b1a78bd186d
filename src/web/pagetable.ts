// The current process's Sv39 page table, read from guest RAM as the hart's
// walker would read it (priv 4.3.2, 4.4.1): the root from satp.PPN, 512
// eight-byte entries a table, a valid entry with R=W=X=0 pointing at the
// next level. Level-0 leaves with the same flags and consecutive frames are
// shown as one run. For the lab's "Page tables" panel (worker side).

import { PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D, PTE_RSW0, ptePa } from '../machine/index.js';
import type { PhysMem } from '../machine/index.js';
import type { PageNode, PageRun, PageTree } from './protocol.js';

const hex = (n: number) => `0x${n.toString(16)}`;

/** PTE flags as letters (priv 4.4.1), with c for lde's copy-on-write bit (RSW, mm/vm.ts PTE_COW). */
export function pteFlags(lo: number): string {
  const bit = (b: number, c: string) => ((lo & b) !== 0 ? c : '-');
  return bit(PTE_R, 'r') + bit(PTE_W, 'w') + bit(PTE_X, 'x') + bit(PTE_U, 'u') + bit(PTE_A, 'a') + bit(PTE_D, 'd') + ((lo & PTE_RSW0) !== 0 ? 'c' : '');
}

/**
 * A virtual address as the hart sees it: Sv39 addresses are 39 bits sign-extended to 64 (priv 4.4.1), so
 * the upper half of the root (indexes 256 to 511) is at 0xffffffc000000000 and up.
 */
export function vaText(va: number): string {
  return va >= 2 ** 38 ? `0x${(BigInt(va) | ~((1n << 39n) - 1n) & ((1n << 64n) - 1n)).toString(16)}` : hex(va);
}

/** Walks the tree under root (a physical address); at most `maxRuns` leaf runs in all, so a huge space stays a small message. */
export function readTree(phys: PhysMem, root: number, maxRuns = 2000): { nodes: PageNode[]; tables: number; truncated: boolean } {
  let tables = 0, runs = 0, truncated = false;
  const table = (pa: number, level: number, base: number, index: number): PageNode => {
    tables++;
    const node: PageNode = { level, index, va: vaText(base), table: hex(pa), leaves: [], children: [], swapped: 0 };
    let run: PageRun | undefined, runEnd = 0, runPa = 0;
    for (let i = 0; i < 512 && !truncated; i++) {
      const pte = pa + i * 8, lo = phys.read32(pte);
      if ((lo & PTE_V) === 0) { if (level === 0 && (lo | phys.read32(pte + 4)) !== 0) node.swapped++; run = undefined; continue; }
      const next = ptePa(lo, phys.read32(pte + 4)), va = base + i * 2 ** (12 + 9 * level);
      const r = (lo & PTE_R) !== 0, w = (lo & PTE_W) !== 0, x = (lo & PTE_X) !== 0;
      if (!r && !w && !x && level > 0) { run = undefined; node.children.push(table(next, level - 1, va, i)); continue; }
      // W without R is reserved at every level, and R=W=X=0 at level 0 has no next level: the walker raises a page fault (priv 4.3.2 steps 3 and 4).
      const reserved = (w && !r) || (!r && !w && !x);
      // A superpage whose physical page number is not aligned to its size is misaligned: also a page fault (step 6).
      const misaligned = level > 0 && next % 2 ** (12 + 9 * level) !== 0;
      const flags = pteFlags(lo) + (level > 0 ? ` ${level === 2 ? '1 GiB' : '2 MiB'} page` : '') + (reserved ? ' reserved: faults' : misaligned ? ' misaligned: faults' : '');
      if (run && run.flags === flags && va === runEnd && next === runPa) { run.pages++; runEnd += 4096; runPa += 4096; continue; }
      if (runs >= maxRuns) { truncated = true; break; }
      run = { va: vaText(va), pages: 1, pa: hex(next), flags };
      runs++;
      runEnd = va + 4096; runPa = next + 4096;
      node.leaves.push(run);
    }
    return node;
  };
  const top = table(root, 2, 0, 0);
  return { nodes: top.children.length || top.leaves.length ? [top] : [], tables, truncated };
}

/** The tree as the panel shows it, with the resolutions of the process's latest faults. */
export function pageTree(phys: PhysMem, pid: number, name: string, satp: bigint, faults: PageTree['faults']): PageTree {
  const root = Number(satp & 0xfffffffffffn) * 4096;
  const { nodes, tables, truncated } = root === 0 ? { nodes: [], tables: 0, truncated: false } : readTree(phys, root);
  return { pid, name, satp: `0x${satp.toString(16)}`, root: hex(root), tables, nodes, faults, truncated };
}
