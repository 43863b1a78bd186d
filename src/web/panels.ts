// Step mode's and the page tables' panels: plain DOM from StepState and
// PageTree (protocol.ts). A value that changed since the last step is
// highlighted.

import type { PageNode, PageTree, StepState } from './protocol.js';

let previous: StepState | undefined;

function table(title: string, values: Record<string, string>, before: Record<string, string> | undefined): HTMLTableElement {
  const t = document.createElement('table');
  const cap = t.createCaption(); cap.textContent = title;
  for (const [k, v] of Object.entries(values)) {
    const row = t.insertRow();
    const name = document.createElement('th'); name.scope = 'row'; name.textContent = k; row.append(name);
    const cell = row.insertCell(); cell.textContent = v;
    if (before && before[k] !== v) cell.className = 'changed';
  }
  return t;
}

/** Decodes sstatus's S-mode fields (priv 4.1.1). */
function sstatusText(hex: string): string {
  const v = Number(BigInt(hex) & 0xffffn);
  return `SIE=${(v >> 1) & 1} SPIE=${(v >> 5) & 1} SPP=${(v >> 8) & 1 ? 'S' : 'U'}`;
}

export function showStep(root: HTMLElement, s: StepState): void {
  const h = document.createElement('h3');
  h.textContent = s.step > 0 ? `Step ${s.step} of 5: ${s.title}` : s.title;
  const p = document.createElement('p'); p.textContent = s.detail;
  const where = document.createElement('p'); where.textContent = `mode ${s.mode}, pc ${s.pc}; sstatus: ${sstatusText(s.csrs.sstatus)}`;
  const before = previous && s.step > 1 ? previous : undefined;
  const regs = Object.fromEntries(['ra', 'sp', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a7'].map((k) => [k, s.regs[k]]));
  const grid = document.createElement('div'); grid.className = 'stepgrid';
  grid.append(table('CSRs', s.csrs, before?.csrs), table('registers', regs, before?.regs));
  root.replaceChildren(h, p, where, grid);
  previous = s;
  root.dataset.step = String(s.step);
}

function node(n: PageNode): HTMLLIElement {
  const li = document.createElement('li');
  const d = document.createElement('details');
  d.open = n.level >= 1;
  const sum = document.createElement('summary');
  sum.textContent = `level ${n.level} table at ${n.table}: va ${n.va}…, ${n.children.length} tables below, ${n.leaves.reduce((a, r) => a + r.pages, 0)} pages mapped here${n.swapped ? `, ${n.swapped} in swap` : ''}`;
  const ul = document.createElement('ul');
  for (const r of n.leaves) {
    const item = document.createElement('li');
    item.textContent = `${r.va} ${r.pages > 1 ? `+${r.pages} pages` : '1 page'} → pa ${r.pa} ${r.flags}`;
    ul.append(item);
  }
  for (const c of n.children) ul.append(node(c));
  d.append(sum, ul);
  li.append(d);
  return li;
}

export function showPages(root: HTMLElement, t: PageTree): void {
  const head = document.createElement('p');
  head.textContent = `pid ${t.pid} (${t.name}): satp ${t.satp}, root table at ${t.root}, ${t.tables} page-table pages${t.truncated ? ' (only the first 2,000 runs of pages are shown)' : ''}`;
  const ul = document.createElement('ul');
  for (const n of t.nodes) ul.append(node(n));
  const faults = document.createElement('table');
  const cap = faults.createCaption(); cap.textContent = `its latest page faults and how the kernel resolved them (${t.faults.length})`;
  const hr = faults.insertRow();
  for (const k of ['address', 'pc', 'cause', 'resolution']) { const th = document.createElement('th'); th.textContent = k; hr.append(th); }
  for (const f of t.faults.slice().reverse()) {
    const row = faults.insertRow();
    for (const v of [f.addr, f.pc, f.cause, f.resolution]) row.insertCell().textContent = v;
    row.cells[3].className = `res-${f.resolution}`;
  }
  root.replaceChildren(head, ul, faults);
}
