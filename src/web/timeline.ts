// The live timeline of the hart(s): one row per process, user time (green)
// and kernel time (orange) on it, idle time on a row of its own, and lanes
// of marks below: system calls, faults, ticks, context switches, signals.
// It is drawn from the marks lab-sink.ts makes of the run's trace events.
// Wheel zooms around the pointer, dragging pans, a double click shows the
// whole run; the line under the canvas names the nearest mark.

import type { Mark } from './protocol.js';

const ROW = 16, LANE = 13, LEFT = 110;
const COLORS = { U: '#2e9e4f', S: '#e08a1e', I: '#9aa3ad', syscall: '#5b6f8a', fault: '#d43d3d', tick: '#2f6fd6', switch: '#8a44c9', signal: '#c2207a', trap: '#d43d3d' };
const LANES = ['syscall', 'fault', 'tick', 'switch', 'signal'] as const;
const LANE_NAMES: Record<string, string> = { syscall: 'system calls', fault: 'exceptions', tick: 'ticks', switch: 'switches', signal: 'signals' };

type Span = { a: number; b: number; mode: 'U' | 'S' | 'I'; pid: number; hart: number };

export class Timeline {
  private marks: Mark[] = [];
  private spans: Span[] = [];
  private names = new Map<number, string>();
  private end = 1;
  private view: [number, number] | undefined;
  private dirty = true;
  private drag: { x: number; view: [number, number] } | undefined;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly readout: HTMLElement) {
    canvas.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const [v0, v1] = this.window(), at = this.cycleAt(ev.offsetX);
      const k = ev.deltaY > 0 ? 1.25 : 0.8;
      this.view = [Math.max(0, at - (at - v0) * k), Math.min(this.end, at + (v1 - at) * k)];
      this.redraw();
    }, { passive: false });
    canvas.addEventListener('pointerdown', (ev) => { this.drag = { x: ev.offsetX, view: this.window() }; canvas.setPointerCapture(ev.pointerId); });
    canvas.addEventListener('pointerup', () => { this.drag = undefined; });
    canvas.addEventListener('pointermove', (ev) => {
      if (this.drag) {
        const [v0, v1] = this.drag.view, per = (v1 - v0) / this.plotWidth();
        const shift = Math.max(-v0, Math.min(this.end - v1, (this.drag.x - ev.offsetX) * per));
        this.view = [v0 + shift, v1 + shift];
        this.redraw();
      } else this.describe(ev.offsetX, ev.offsetY);
    });
    canvas.addEventListener('dblclick', () => { this.view = undefined; this.redraw(); });
    canvas.addEventListener('keydown', (ev) => {
      const [v0, v1] = this.window(), w = v1 - v0;
      if (ev.key === '+' || ev.key === '=') this.view = [v0 + w / 4, v1 - w / 4];
      else if (ev.key === '-') this.view = [Math.max(0, v0 - w / 2), Math.min(this.end, v1 + w / 2)];
      else if (ev.key === 'ArrowLeft') this.view = [Math.max(0, v0 - w / 5), Math.max(w, v1 - w / 5)];
      else if (ev.key === 'ArrowRight') this.view = [Math.min(this.end - w, v0 + w / 5), Math.min(this.end, v1 + w / 5)];
      else if (ev.key === '0') this.view = undefined;
      else return;
      ev.preventDefault();
      this.redraw();
    });
  }

  reset(): void { this.marks = []; this.spans = []; this.names.clear(); this.end = 1; this.view = undefined; this.redraw(); }
  name(pid: number, name: string): void { this.names.set(pid, name); }

  add(marks: Mark[]): void {
    for (const m of marks) {
      this.marks.push(m);
      if (m[0] === 'mode') this.spans.push({ a: m[1], b: m[1], mode: m[2], pid: m[3], hart: m[4] });
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

  private rows(): number[] {
    const pids = new Set<number>();
    for (const s of this.spans) if (s.pid !== 0 && s.mode !== 'I') pids.add(s.pid);
    return [...pids].sort((a, b) => a - b);
  }

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
    for (const s of spans) {
      if (s.b < v0 || s.a > v1 || s.b <= s.a) continue;
      const r = s.mode === 'I' ? idleRow : rowOf.get(s.pid) ?? kernelRow;
      const x0 = x(Math.max(s.a, v0)), x1 = x(Math.min(s.b, v1));
      ctx.fillStyle = COLORS[s.mode];
      ctx.fillRect(x0, r * ROW + 2, Math.max(0.6, x1 - x0), ROW - 4);
    }
    const laneTop = (rows.length + 2) * ROW + 4;
    LANES.forEach((l, i) => { ctx.fillStyle = '#444'; ctx.fillText(LANE_NAMES[l], 4, laneTop + i * LANE + 9); });
    const seen = LANES.map(() => new Uint8Array(Math.ceil(w) + 1));
    for (const m of this.marks) {
      if (m[0] === 'mode' || m[1] < v0 || m[1] > v1) continue;
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
    for (const m of this.marks) if (m[0] !== 'mode' && Math.abs(m[1] - at) < dist) { best = m; dist = Math.abs(m[1] - at); }
    const span = this.closed().find((s) => s.a <= at && at < s.b);
    const where = span ? `${span.mode === 'U' ? 'user' : span.mode === 'S' ? 'kernel' : 'idle'}${span.pid ? `, pid ${span.pid}` : ''}` : '';
    this.readout.textContent = `${time(at)}${where ? ` — ${where}` : ''}${best && best[0] !== 'mode' ? ` — ${best[0]}: ${best[4]} (pid ${best[2]})` : ''}`;
    void py;
  }
}

/** Cycles (1 GHz) as time. */
export function time(cycles: number): string {
  if (cycles >= 1e9) return `${(cycles / 1e9).toFixed(3)} s`;
  if (cycles >= 1e6) return `${(cycles / 1e6).toFixed(3)} ms`;
  if (cycles >= 1e3) return `${(cycles / 1e3).toFixed(1)} µs`;
  return `${Math.round(cycles)} ns`;
}
