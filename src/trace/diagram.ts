// The seed's control-flow diagram (seed/limited-direct-execution.txt, "The
// control-flow diagram"), drawn with box-drawing characters in at most 80
// columns, with one run's numbers on its arrows: how often each of the three
// ways into the kernel was taken, and how each ended.

import type { Stats } from './stats.js';
import { num, cyclesText } from './format.js';

/** The widest line drawDiagram returns (without ANSI escapes). */
export const DIAGRAM_WIDTH = 80;

type Style = 'plain' | 'mode' | 'kernel' | 'num' | 'dim';
type Seg = [text: string, style: Style];

const SGR: Record<Style, string> = { plain: '', mode: '\x1b[1;32m', kernel: '\x1b[33m', num: '\x1b[1;36m', dim: '\x1b[2m' };

const plural = (n: number, one: string, many = `${one}s`) => `${num(n)} ${n === 1 ? one : many}`;


const width = (line: Seg[]) => line.reduce((n, [t]) => n + t.length, 0);

/**
 * Numbers under an arrow: `left` at column `at`, and `right` at column
 * `col` (moved left to fit the width, or onto a line of its own when the two
 * would touch). `stems` are the arrows still to come, drawn down the left.
 */
function numbers(stems: string, at: number, left: string, col = 0, right = ''): Seg[][] {
  const first: Seg[] = [[stems, 'plain'], [' '.repeat(Math.max(0, at - stems.length)), 'plain'], [left, 'num']];
  if (right === '') return [first];
  const start = Math.min(col, DIAGRAM_WIDTH - right.length);
  if (start >= width(first) + 2) return [[...first, [' '.repeat(start - width(first)), 'plain'], [right, 'num']]];
  return [first, [[stems, 'plain'], [' '.repeat(Math.max(1, start - stems.length)), 'plain'], [right, 'num']]];
}

/** Items joined with ", " on as many lines as they need between column `at` and the width. */
function wrapped(stems: string, at: number, items: string[]): Seg[][] {
  const out: string[] = [];
  for (const item of items) {
    const last = out.length - 1;
    if (last >= 0 && at + out[last].length + 2 + item.length <= DIAGRAM_WIDTH) out[last] += `, ${item}`;
    else out.push(item);
  }
  return out.map((t) => numbers(stems, at, t)[0]);
}

/** An arrow out of USER MODE: its stem, its label, and the boxes it runs through. */
function arrow(stem: string, label: string, kernel: string, back: string): { line: Seg[]; labelAt: number; kernelAt: number; backAt: number } {
  const line: Seg[] = [[stem, 'plain'], [label, 'plain'], [' ─► ', 'plain']];
  const kernelAt = width(line);
  line.push([kernel, 'kernel'], [' ─► ', 'plain']);
  const backAt = width(line);
  line.push([back, 'plain']);
  return { line, labelAt: stem.length, kernelAt, backAt };
}

/**
 * The diagram with this run's numbers: boot, then USER MODE and its three
 * arrows down into the kernel (timer interrupt, exception, system call),
 * each with what the kernel did and how control came back.
 */
export function drawDiagram(s: Stats, opts: { color?: boolean } = {}): string {
  const d = s.diagram;
  const exceptions = s.exceptions.reduce((n, x) => n + x.count, 0);
  const byResolution = new Map<string, number>();
  for (const x of s.exceptions) if (x.resolution !== 'signal' && x.resolution !== 'oom') byResolution.set(x.resolution, (byResolution.get(x.resolution) ?? 0) + x.count);
  const resolved = [...byResolution].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([r, n]) => `${num(n)} ${r}`);
  const lines: Seg[][] = [];
  const boot: Seg[] = [['boot ───► ', 'plain'], ['kernel sets up first process', 'kernel']];
  lines.push([...boot, [' '.repeat(Math.max(2, 52 - width(boot))), 'plain'], [`${d.boot === 1 ? '' : `${plural(d.boot, 'boot', 'boots')}, `}${plural(s.processes.length, 'process', 'processes')} in all`, 'num']]);
  lines.push([['            │', 'plain']]);
  lines.push([['            ▼ ', 'plain'], ['sret', 'dim']]);
  lines.push([['   ', 'plain'], ['USER MODE', 'mode'], [' ───► user code runs at full speed', 'plain']]);
  const share = s.cycles > 0 ? ` (${((100 * s.userCycles) / s.cycles).toFixed(1)}% of the run)` : '';
  lines.push(...numbers('    │  │  │', 17, `${plural(s.userInstructions, 'instruction')} in ${cyclesText(s.userCycles)}${share}`));
  lines.push([['    │  │  │', 'plain']]);

  const timer = arrow('    │  │  └─ ', 'timer interrupt', 'kernel scheduler runs', 'back to a user process');
  lines.push(timer.line);
  const ticks = s.hz > 0 ? `${plural(s.ticks.total, 'tick')} at ${num(s.hz)} Hz` : `${plural(s.ticks.total, 'tick')}: the timer is off`;
  lines.push(...numbers('    │  │', timer.labelAt, ticks, timer.backAt, `${num(d.timer.same)} resumed, ${num(d.timer.other)} switched`));
  lines.push([['    │  │', 'plain']]);

  const exc = arrow('    │  └──── ', 'exception', 'handler runs', 'resume or kill');
  lines.push(exc.line);
  lines.push(...numbers('    │', exc.labelAt, plural(exceptions, 'exception'), exc.backAt,
    `${num(d.exception.resumed)} resumed, ${num(d.exception.killed)} killed, ${num(d.exception.handled)} handled`));
  if (resolved.length) lines.push(...wrapped('    │', exc.kernelAt, resolved));
  lines.push([['    │', 'plain']]);

  const sys = arrow('    └─────── ', 'syscall', 'kernel handler runs', 'sret back to user code');
  lines.push(sys.line);
  lines.push(...numbers('', sys.labelAt, plural(d.syscall.count, 'call') + (d.syscall.count ? `, mean ${num(d.syscall.meanCycles)} cycles each in the kernel` : '')));
  lines.push([]);
  lines.push([['   ', 'plain'], [num(s.modeSwitches), 'num'], [' mode switches: each arrow down is a trap into the kernel,', 'dim']]);
  lines.push([['   ', 'plain'], ['each way back up an sret to user mode.', 'dim']]);
  const paint = ([t, st]: Seg) => (opts.color && st !== 'plain' && t.trim() !== '' ? `${SGR[st]}${t}\x1b[0m` : t);
  return lines.map((l) => l.map(paint).join('').trimEnd()).join('\n') + '\n';
}
