// The seed's control-flow diagram of limited direct execution (the protocol
// at boot, at run time, and the timer's part), as SVG: the OS in kernel
// mode, the hardware, the program in user mode, and the arrows between
// them. The numbers on the arrows are the run's own (FlowCounts, from its
// trace events); an arrow whose count moved since the last update flashes.

import type { FlowCounts } from './protocol.js';

const COL = { os: 10, hw: 310, prog: 610 }, W = 200;

interface Box { id: string; col: keyof typeof COL; y: number; h: number; text: string[]; }
const BOXES: Box[] = [
  { id: 'b-boot', col: 'os', y: 30, h: 44, text: ['boot (kernel mode):', 'initialize the trap table (stvec)'] },
  { id: 'b-remember', col: 'hw', y: 30, h: 44, text: ['remember the address', 'of the trap handler'] },
  { id: 'b-create', col: 'os', y: 96, h: 58, text: ['create the process, load', 'the program, set up its stack;', 'return-from-trap (sret)'] },
  { id: 'b-restore', col: 'hw', y: 96, h: 58, text: ['restore registers,', 'move to user mode,', 'jump to the entry point'] },
  { id: 'b-user', col: 'prog', y: 96, h: 58, text: ['run main:', 'user code at full speed,', 'no kernel in the way'] },
  { id: 'b-ecall', col: 'prog', y: 186, h: 30, text: ['system call: ecall'] },
  { id: 'b-exc', col: 'prog', y: 226, h: 30, text: ['exception: a fault'] },
  { id: 'b-timer', col: 'prog', y: 266, h: 30, text: ['timer interrupt'] },
  { id: 'b-save', col: 'hw', y: 186, h: 110, text: ['save registers (sepc, …),', 'move to kernel mode,', 'jump to the trap handler'] },
  { id: 'b-handle', col: 'os', y: 186, h: 110, text: ['handle the trap:', 'do the system call, resolve', 'the fault, or run the', 'scheduler'] },
  { id: 'b-switch', col: 'os', y: 326, h: 44, text: ['switch(): save A\'s registers,', 'restore B\'s, B\'s kernel stack'] },
  { id: 'b-sret', col: 'os', y: 400, h: 44, text: ['return-from-trap (sret)'] },
  { id: 'b-back', col: 'hw', y: 400, h: 58, text: ['restore registers,', 'move to user mode, jump', 'to the pc after the trap'] },
  { id: 'b-resume', col: 'prog', y: 400, h: 44, text: ['the program goes on'] },
  { id: 'b-exit', col: 'os', y: 480, h: 44, text: ['exit: free the memory,', 'remove from the process list'] },
];

interface Arrow { id: string; from: [number, number]; to: [number, number]; label: string; count?: keyof FlowCounts; }
const box = (b: string) => BOXES.find((x) => x.id === b)!;
const right = (b: string, dy = 0): [number, number] => { const x = box(b); return [COL[x.col] + W, x.y + x.h / 2 + dy]; };
const left = (b: string, dy = 0): [number, number] => { const x = box(b); return [COL[x.col], x.y + x.h / 2 + dy]; };
const bottom = (b: string, dx: number): [number, number] => { const x = box(b); return [COL[x.col] + dx, x.y + x.h]; };
const top = (b: string, dx: number): [number, number] => { const x = box(b); return [COL[x.col] + dx, x.y]; };
const ARROWS: Arrow[] = [
  { id: 'a-boot', from: right('b-boot'), to: left('b-remember'), label: 'boot', count: 'boot' },
  { id: 'a-start', from: right('b-create'), to: left('b-restore'), label: 'processes', count: 'processes' },
  { id: 'a-enter', from: right('b-restore'), to: left('b-user'), label: 'user instructions', count: 'userInsns' },
  { id: 'a-ecall', from: left('b-ecall'), to: [COL.hw + W, 201], label: 'system calls', count: 'syscalls' },
  { id: 'a-exc', from: left('b-exc'), to: [COL.hw + W, 241], label: 'exceptions', count: 'faults' },
  { id: 'a-timer', from: left('b-timer'), to: [COL.hw + W, 281], label: 'ticks', count: 'ticks' },
  { id: 'a-handle', from: left('b-save'), to: right('b-handle'), label: 'into the kernel' },
  { id: 'a-switch', from: bottom('b-handle', 60), to: top('b-switch', 60), label: 'context switches', count: 'switches' },
  { id: 'a-ret', from: bottom('b-switch', 60), to: top('b-sret', 60), label: '' },
  { id: 'a-sret', from: right('b-sret'), to: left('b-back', -7), label: 'returns (sret)', count: 'returns' },
  { id: 'a-resume', from: right('b-back', -7), to: left('b-resume'), label: 'back to the program' },
  { id: 'a-exit', from: bottom('b-sret', 60), to: top('b-exit', 60), label: 'exits', count: 'exits' },
];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** The diagram's SVG, with empty counts. */
export function flowSvg(): string {
  const boxes = BOXES.map((b) => `<g id="${b.id}"><rect x="${COL[b.col]}" y="${b.y}" width="${W}" height="${b.h}" rx="6"/>${b.text.map((t, i) => `<text x="${COL[b.col] + 8}" y="${b.y + 17 + i * 14}">${esc(t)}</text>`).join('')}</g>`).join('');
  const arrows = ARROWS.map((a) => {
    const [x1, y1] = a.from, [x2, y2] = a.to, vertical = x1 === x2;
    // Horizontal arrows: the number above the line and its name below, centred in the gap; vertical ones: both to the right.
    const at = vertical ? `x="${x1 + 8}" y="${(y1 + y2) / 2 - 1}"` : `x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 5}" text-anchor="middle"`;
    const name = vertical ? `x="${x1 + 8}" y="${(y1 + y2) / 2 + 11}"` : `x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 + 13}" text-anchor="middle"`;
    return `<g id="${a.id}" class="arrow"><line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" marker-end="url(#head)"/>`
      + (a.count ? `<text class="count" ${at} data-count="${a.count}"></text><text class="name" ${name}>${esc(a.label)}</text>` : '') + `<title>${esc(a.label || 'on to the return')}</title></g>`;
  }).join('');
  const heads = `<text class="col" x="${COL.os}" y="16">OS (kernel mode)</text><text class="col" x="${COL.hw}" y="16">Hardware</text><text class="col" x="${COL.prog}" y="16">Program (user mode)</text>`;
  return `<svg viewBox="0 0 820 530" role="img" aria-labelledby="flow-title"><title id="flow-title">Limited direct execution: the control flow of this run, with its counts</title>`
    + `<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker></defs>${heads}${boxes}${arrows}`
    + `<text class="legend" x="${COL.prog}" y="320">three ways in: ecall, exception, timer;</text><text class="legend" x="${COL.prog}" y="336">one way back: sret</text></svg>`;
}

const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)}k` : n.toLocaleString('en-US'));

/** Puts counts on the arrows; the ones that moved flash. */
export class Flow {
  private last: FlowCounts | undefined;
  constructor(private readonly root: Element) { root.innerHTML = flowSvg(); }

  update(c: FlowCounts): void {
    for (const el of this.root.querySelectorAll<SVGTextElement>('text.count')) {
      const key = el.dataset.count as keyof FlowCounts | '';
      if (!key) continue;
      el.textContent = fmt(c[key]);
      if (this.last && this.last[key] !== c[key]) {
        const g = el.parentElement!;
        g.classList.remove('hot');
        void (g as unknown as SVGGraphicsElement).getBBox?.();
        g.classList.add('hot');
      }
    }
    this.last = c;
  }

  reset(): void { this.last = undefined; for (const el of this.root.querySelectorAll('text.count')) el.textContent = ''; for (const g of this.root.querySelectorAll('.hot')) g.classList.remove('hot'); }
}
