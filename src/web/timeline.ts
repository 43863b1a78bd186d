// The live timeline of the hart(s): one row per process, user time (green)
// and kernel time (orange) on it, idle time on a row of its own, and lanes
// of marks below: system calls, faults, ticks, context switches, signals.
// It is drawn from the marks lab-sink.ts makes of the run's trace events.
// Wheel zooms around the pointer, dragging pans, a double click shows the
// whole run; the line under the canvas names the nearest mark.

import type { Mark } from './protocol.js';

const ROW = 16, LANE = 13, LEFT = 110;
/** The narrowest view, in cycles (ns). */
const MIN_SPAN = 20;
const COLORS = { U: '#2e9e4f', S: '#e08a1e', I: '#9aa3ad', syscall: '#5b6f8a', fault: '#d43d3d', tick: '#2f6fd6', switch: '#8a44c9', signal: '#c2207a', trap: '#d43d3d' };
const LANES = ['syscall', 'fault', 'tick', 'switch', 'signal'] as const;
const LANE_NAMES: Record<string, string> = { syscall: 'system calls', fault: 'exceptions', tick: 'ticks', switch: 'switches', signal: 'signals' };

type Span = { a: number; b: number; mode: 'U' | 'S' | 'I'; pid: number; hart: number };

export class Timeline {
  private marks: Mark[] = [];
  private spans: Span[] = [];
  private names = new Map<number, string>();
  private harts = 1;
  private readonly pids = new Set<number>();
  private end = 1;
  private view: [number, number] | undefined;
  private dirty = true;
  private drag: { x: number; view: [number, number] } | undefined;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly readout: HTMLElement) {
    canvas.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const [v0, v1] = this.window(), at = this.cycleAt(ev.offsetX);
      const k = ev.deltaY > 0 ? 1.25 : 0.8;
      this.setView(at - (at - v0) * k, at + (v1 - at) * k);
      this.schedule();
    }, { passive: false });
    canvas.addEventListener('pointerdown', (ev) => { this.drag = { x: ev.offsetX, view: this.window() }; canvas.setPointerCapture(ev.pointerId); });
    canvas.addEventListener('pointerup', () => { this.drag = undefined; });
    canvas.addEventListener('pointermove', (ev) => {
      if (this.drag) {
        const [v0, v1] = this.drag.view, per = (v1 - v0) / this.plotWidth();
        const shift = Math.max(-v0, Math.min(this.end - v1, (this.drag.x - ev.offsetX) * per));
        this.setView(v0 + shift, v1 + shift);
        this.schedule();
      } else this.describe(ev.offsetX, ev.offsetY);
    });
    canvas.addEventListener('dblclick', () => { this.view = undefined; this.schedule(); });
    canvas.addEventListener('keydown', (ev) => {
      const [v0, v1] = this.window(), w = v1 - v0;
      if (ev.key === '+' || ev.key === '=') this.setView(v0 + w / 4, v1 - w / 4);
      else if (ev.key === '-') this.setView(v0 - w / 2, v1 + w / 2);
      else if (ev.key === 'ArrowLeft') this.setView(v0 - w / 5, v1 - w / 5);
      else if (ev.key === 'ArrowRight') this.setView(v0 + w / 5, v1 + w / 5);
      else if (ev.key === '0') this.view = undefined;
      else return;
      ev.preventDefault();
      this.schedule();
    });
  }

  /** The view: at least MIN_SPAN cycles wide (zooming stops there), moved back inside the run if it left it. */
  private setView(a: number, b: number): void {
    let w = Math.max(MIN_SPAN, b - a);
    w = Math.min(w, this.end);
    const start = Math.min(Math.max(0, a + (b - a - w) / 2), Math.max(0, this.end - w));
    this.view = [start, start + w];
  }

  private queued = false;
  /** Redraws at the next frame (wheel and drag events come faster than frames). */
  schedule(): void {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => { this.queued = false; this.redraw(); });
  }

  reset(): void { this.marks = []; this.spans = []; this.harts = 1; this.pids.clear(); this.names.clear(); this.end = 1; this.view = undefined; this.redraw(); }
  name(pid: number, name: string): void { this.names.set(pid, name); }

  add(marks: Mark[]): void {
    for (const m of marks) {
      this.marks.push(m);
      if (m[0] === 'mode') {
        this.spans.push({ a: m[1], b: m[1], mode: m[2], pid: m[3], hart: m[4] });
        this.harts = Math.max(this.harts, m[4] + 1);
        if (m[3] !== 0 && m[2] !== 'I') this.pids.add(m[3]);
      }
      if (m[0] === 'switch') { const n = /\((.*)\)/.exec(m[4]); if (n && m[2] !== 0) this.names.set(m[2], n[1]); }
      this.end = Math.max(this.end, m[1]);
    }
    this.dirty = true;
  }

  /** Ends the last span at the end of the run. */
  finish(cycles: number): void { this.end = Math.max(this.end, cycles); this.dirty = true; this.redraw(); }

  private window(): [number, number] { return this.view ?? [0, this.end]; }
  private plotWidth(): number { return Math.max(1, this.canvas.clientWidth - LEFT - 8); }
  private cycleAt(x: number): number { const [v0, v1] = this.window(); return v0 + ((x - LEFT) / this.plotWidth()) * (v1 - v0); }

  /** Closes spans: each mode lasts until the next change on the same hart, the last one until the end. */
  private closed(): Span[] {
    if (!this.dirty) return this.spans;
    this.marks.sort((x, y) => x[1] - y[1]);
    const s = [...this.spans].sort((x, y) => x.a - y.a), last: (Span | undefined)[] = [];
    for (const span of s) {
      const prev = last[span.hart];
      if (prev) prev.b = span.a;
      last[span.hart] = span;
    }
    for (const span of last) if (span) span.b = this.end;
    this.spans = s;
    this.dirty = false;
    return s;
  }

  /** The processes with a row: those seen in user or kernel mode (kept as marks arrive, so a pointer move does not scan the spans). */
  private rows(): number[] { return [...this.pids].sort((a, b) => a - b); }

  redraw(): void {
    const c = this.canvas, ctx = c.getContext('2d');
    if (!ctx) return;
    const spans = this.closed(), rows = this.rows();
    const height = (rows.length + 2) * ROW + LANES.length * LANE + 28;
    const dpr = globalThis.devicePixelRatio || 1, width = c.clientWidth;
    c.style.height = `${height}px`;
    c.width = Math.round(width * dpr); c.height = Math.round(height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px system-ui, sans-serif';
    const [v0, v1] = this.window(), w = this.plotWidth(), scale = w / Math.max(1, v1 - v0);
    const x = (cyc: number) => LEFT + (cyc - v0) * scale;
    const rowOf = new Map(rows.map((p, i) => [p, i]));
    ctx.fillStyle = '#444';
    rows.forEach((p, i) => ctx.fillText(`${p} ${this.names.get(p) ?? ''}`.slice(0, 16), 4, i * ROW + 12));
    const idleRow = rows.length, kernelRow = rows.length + 1;
    ctx.fillText('idle', 4, idleRow * ROW + 12);
    ctx.fillText('kernel, no process', 4, kernelRow * ROW + 12);
    // Time per pixel column, per row and mode: a column shows the mode that had most of it, so a run of 300,000
    // spans costs one pass over them and one rectangle per column, however far out the view is zoomed.
    const cols = Math.ceil(w) + 1, nrows = rows.length + 2, MODES = ['U', 'S', 'I'] as const;
    const acc = new Float64Array(nrows * cols * 3);
    const per = (v1 - v0) / w;
    // From the last span of each hart that starts before the view (it covers the view's left edge).
    let first = lowerBound(spans, v0, (sp) => sp.a);
    for (const seen = new Set<number>(); first > 0 && seen.size < this.harts; first--) seen.add(spans[first - 1].hart);
    for (let i = first; i < spans.length; i++) {
      const sp = spans[i];
      if (sp.a > v1) break;
      if (sp.b < v0 || sp.b <= sp.a) continue;
      const r = sp.mode === 'I' ? idleRow : rowOf.get(sp.pid) ?? kernelRow, m = MODES.indexOf(sp.mode);
      const a = Math.max(sp.a, v0), b = Math.min(sp.b, v1), base = r * cols * 3 + m;
      const c0 = Math.min(cols - 1, Math.floor((a - v0) / per)), c1 = Math.min(cols - 1, Math.floor((b - v0) / per));
      if (c0 === c1) { acc[base + c0 * 3] += b - a; continue; }
      acc[base + c0 * 3] += v0 + (c0 + 1) * per - a;
      for (let c = c0 + 1; c < c1; c++) acc[base + c * 3] += per;
      acc[base + c1 * 3] += b - (v0 + c1 * per);
    }
    for (let r = 0; r < nrows; r++) {
      for (let col = 0; col < cols; col++) {
        const k = (r * cols + col) * 3, u = acc[k], sv = acc[k + 1], id = acc[k + 2], all = u + sv + id;
        if (all <= 0) continue;
        ctx.fillStyle = COLORS[u >= sv && u >= id ? 'U' : sv >= id ? 'S' : 'I'];
        ctx.globalAlpha = Math.min(1, 0.35 + all / per);
        ctx.fillRect(LEFT + col, r * ROW + 2, 1, ROW - 4);
      }
    }
    ctx.globalAlpha = 1;
    const laneTop = (rows.length + 2) * ROW + 4;
    LANES.forEach((l, i) => { ctx.fillStyle = '#444'; ctx.fillText(LANE_NAMES[l], 4, laneTop + i * LANE + 9); });
    const seen = LANES.map(() => new Uint8Array(Math.ceil(w) + 1));
    for (let i = lowerBound(this.marks, v0, (m) => m[1]); i < this.marks.length; i++) {
      const m = this.marks[i];
      if (m[1] > v1) break;
      if (m[0] === 'mode') continue;
      const lane = LANES.indexOf(m[0] === 'trap' ? 'fault' : m[0] as typeof LANES[number]);
      if (lane < 0) continue;
      const px = Math.floor(x(m[1]) - LEFT);
      if (seen[lane][px]) continue;
      seen[lane][px] = 1;
      ctx.fillStyle = COLORS[m[0]];
      ctx.fillRect(LEFT + px, laneTop + lane * LANE + 1, 1, LANE - 2);
      if (m[0] === 'switch') { ctx.globalAlpha = 0.25; ctx.fillRect(LEFT + px, 0, 1, (rows.length + 2) * ROW); ctx.globalAlpha = 1; }
    }
    const axis = laneTop + LANES.length * LANE + 14;
    ctx.fillStyle = '#444';
    ctx.fillText(time(v0), LEFT, axis);
    const right = time(v1);
    ctx.fillText(right, LEFT + w - ctx.measureText(right).width, axis);
    ctx.fillText('virtual time', LEFT + w / 2 - 30, axis);
  }

  private describe(px: number, py: number): void {
    if (px < LEFT) return;
    const at = this.cycleAt(px), [v0, v1] = this.window(), tol = (4 * (v1 - v0)) / this.plotWidth();
    let best: Mark | undefined, dist = tol;
    const spans = this.closed();
    for (let i = lowerBound(this.marks, at - tol, (m) => m[1]); i < this.marks.length && this.marks[i][1] <= at + tol; i++) {
      const m = this.marks[i];
      if (m[0] !== 'mode' && Math.abs(m[1] - at) < dist) { best = m; dist = Math.abs(m[1] - at); }
    }
    // What each hart was doing then: the last span of each that starts at or before the pointer.
    const doing: string[] = [];
    const seen = new Set<number>();
    for (let i = lowerBound(spans, at + 1, (sp) => sp.a) - 1; i >= 0 && seen.size < this.harts; i--) {
      const sp = spans[i];
      if (seen.has(sp.hart)) continue;
      seen.add(sp.hart);
      if (at < sp.b) doing.push(`${this.harts > 1 ? `hart ${sp.hart} ` : ''}${sp.mode === 'U' ? 'user' : sp.mode === 'S' ? 'kernel' : 'idle'}${sp.pid ? `, pid ${sp.pid}` : ''}`);
    }
    const row = this.rows()[Math.floor(py / ROW)];
    const where = doing.sort().join('; ') + (row !== undefined ? ` (row: pid ${row} ${this.names.get(row) ?? ''})` : '');
    this.readout.textContent = `${time(at)}${where ? ` — ${where}` : ''}${best && best[0] !== 'mode' ? ` — ${best[0]}: ${best[4]} (pid ${best[2]})` : ''}`;
  }
}

/** The first index whose key is at least v (keys ascending). */
function lowerBound<T>(list: readonly T[], v: number, key: (x: T) => number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (key(list[mid]) < v) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Cycles (1 GHz) as time. */
export function time(cycles: number): string {
  if (cycles >= 1e9) return `${(cycles / 1e9).toFixed(3)} s`;
  if (cycles >= 1e6) return `${(cycles / 1e6).toFixed(3)} ms`;
  if (cycles >= 1e3) return `${(cycles / 1e3).toFixed(1)} µs`;
  return `${Math.round(cycles)} ns`;
}
