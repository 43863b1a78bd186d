// The lab's page: the console (xterm.js), the controls, the timeline, the
// control-flow diagram, step mode, page tables, stats and experiments. The
// emulator runs in worker.ts; this file only draws what it sends and passes
// the person's input on. No part of lde's machine or kernel runs here.

import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { formatStats } from '../trace/stats.js';
import { EXPERIMENTS } from '../experiment/index.js';
import { Timeline } from './timeline.js';
import { Flow } from './flow.js';
import { CHAPTERS, type Chapter } from './tour.js';
import { showStep, showPages } from './panels.js';
import {
  C_COLS, C_GO, C_INPUT_SEQ, C_PAUSE, C_ROWS, C_STEP, CONTROL_WORDS, DEFAULT_OPTIONS, I_READ, I_WRITE, INPUT_BYTES, INPUT_HEADER,
  type FromWorker, type LabOptions, type ToWorker,
} from './protocol.js';
import type { ExperimentResult } from '../experiment/types.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const opened = performance.now();
const isolated = globalThis.crossOriginIsolated === true;

// ---- the console --------------------------------------------------------------
const term = new Terminal({ convertEol: !isolated, fontSize: 13, rows: 16, cursorBlink: true, scrollback: 5000, theme: { background: '#111111', red: '#ff6b6b', blue: '#6b9bff' } });
const fit = new FitAddon();
term.loadAddon(fit);
term.open($('terminal'));
fit.fit();
addEventListener('resize', () => fit.fit());

const control = isolated ? new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4)) : undefined;
const inputBuf = isolated ? new SharedArrayBuffer(INPUT_HEADER * 4 + INPUT_BYTES) : undefined;
const ring = inputBuf && new Int32Array(inputBuf, 0, INPUT_HEADER), ringBytes = inputBuf && new Uint8Array(inputBuf, INPUT_HEADER * 4);
const sizeToControl = () => { if (control) { Atomics.store(control, C_ROWS, term.rows); Atomics.store(control, C_COLS, term.cols); } };
term.onResize(sizeToControl);
sizeToControl();
term.onData((data) => {
  if (!ring || !ringBytes || !control || !running) return;
  const bytes = new TextEncoder().encode(data);
  let w = Atomics.load(ring, I_WRITE);
  const r = Atomics.load(ring, I_READ);
  for (const b of bytes) { if (w - r >= INPUT_BYTES) break; ringBytes[w % INPUT_BYTES] = b; w++; }
  Atomics.store(ring, I_WRITE, w);
  Atomics.add(control, C_INPUT_SEQ, 1);
  Atomics.notify(control, C_INPUT_SEQ);
});

// Everything the guest printed this run, as text (the terminal shows only its screen): for copying, and for tests.
const transcript = $('transcript'), decoder = new TextDecoder();
function record(bytes: Uint8Array): void {
  const all = (transcript.textContent ?? '') + decoder.decode(bytes, { stream: true });
  transcript.textContent = all.length > 65536 ? all.slice(-65536) : all;
}

// ---- the worker ---------------------------------------------------------------
const timeline = new Timeline($<HTMLCanvasElement>('timeline'), $('readout'));
const flow = new Flow($('flow'));
let worker: Worker, ready = false, running = false, pendingRun: ToWorker | undefined, chapter: Chapter | undefined;
let redrawQueued = false;
const status = (s: string) => { $('status').textContent = s; };

function startWorker(): void {
  ready = false;
  worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
  if (control && inputBuf) worker.postMessage({ type: 'shared', control: control.buffer as SharedArrayBuffer, input: inputBuf } satisfies ToWorker);
  worker.onmessage = (ev: MessageEvent<FromWorker>) => onMessage(ev.data);
  worker.onerror = (ev) => { status(`the emulator failed: ${ev.message}`); setRunning(false); };
}

function onMessage(m: FromWorker): void {
  switch (m.type) {
    case 'ready':
      ready = true;
      fillPrograms(m.programs);
      if (pendingRun) { const r = pendingRun; pendingRun = undefined; send(r); }
      break;
    case 'started': $('command').textContent = m.command; status(`running: ${m.command}`); break;
    case 'out': term.write(m.bytes); record(m.bytes); break;
    case 'marks':
      timeline.add(m.marks);
      flow.update(m.flow);
      if (m.dropped > 0) $('note').textContent = `The timeline keeps the first marks of a long run; ${m.dropped.toLocaleString('en-US')} later ones are counted but not drawn.`;
      if (!redrawQueued) { redrawQueued = true; requestAnimationFrame(() => { redrawQueued = false; timeline.redraw(); }); }
      break;
    case 'step': showStep($('step'), m.state); ($<HTMLButtonElement>('next')).disabled = false; status(`stopped: ${m.state.title}`); break;
    case 'pages': showPages($('pages'), m.tree); break;
    case 'done': {
      setRunning(false);
      flow.update(m.flow);
      timeline.finish(m.stats.cycles);
      const mips = m.stats.userInstructions / Math.max(1, m.hostMs) / 1e3;
      const speed = m.stats.userInstructions >= 1e6 ? `, ${mips.toFixed(0)} M user instructions/s` : '';
      const first = (performance.now() - opened) / 1000;
      status(`exit status ${m.status}${m.message ? ` — ${m.message}` : ''} — ${(m.hostMs / 1000).toFixed(2)} s of host time${speed}`);
      document.body.dataset.runs = String(Number(document.body.dataset.runs ?? 0) + 1);
      document.body.dataset.firstRunS ??= first.toFixed(2);
      $('stats').textContent = formatStats(m.stats, { color: false });
      if (chapter) $('chapter-text').textContent = `${chapter.watch} — Found: ${chapter.found(m.stats)}`;
      if (m.message) term.write(`\r\n\x1b[2mlde: ${m.message}\x1b[0m\r\n`);
      term.write(`\r\n\x1b[2m[exit status ${m.status}]\x1b[0m\r\n`);
      break;
    }
    case 'error': setRunning(false); status(m.message); term.write(`\r\n\x1b[31mlde: ${m.message}\x1b[0m\r\n`); break;
    default: break;
  }
}

function send(m: ToWorker, transfer: Transferable[] = []): void {
  if (!ready) { pendingRun = m; return; }
  worker.postMessage(m, transfer);
}

function setRunning(on: boolean): void {
  running = on;
  $<HTMLButtonElement>('stop').disabled = !on;
  $<HTMLButtonElement>('pause').disabled = !on || !control;
  if (!on) $<HTMLButtonElement>('next').disabled = true;
  document.body.dataset.running = String(on);
}

// ---- running ------------------------------------------------------------------
function options(): LabOptions {
  const num = (id: string, fallback: number) => { const v = Number($<HTMLInputElement>(id).value); return Number.isFinite(v) ? v : fallback; };
  const hz = Math.min(10000, Math.max(10, Math.round(num('hz', 250))));
  return {
    ...DEFAULT_OPTIONS,
    hz: $<HTMLInputElement>('timer').checked ? hz : 0,
    tick: $<HTMLSelectElement>('tick').value as LabOptions['tick'],
    preempt: $<HTMLSelectElement>('preempt').value as LabOptions['preempt'],
    vdso: $<HTMLInputElement>('vdso').checked,
    jit: $<HTMLInputElement>('jit').checked,
    nic: $<HTMLSelectElement>('nic').value as LabOptions['nic'],
    harts: Number($<HTMLSelectElement>('harts').value),
    maxTime: Math.min(60, Math.max(0, num('maxtime', 0))),
    memMiB: Math.min(1024, Math.max(2, Math.round(num('mem', 128)))),
    swapMiB: Math.min(1024, Math.max(0, Math.round(num('swap', 0)))),
  };
}

function begin(): void {
  if (running) stop();
  timeline.reset();
  flow.reset();
  $('note').textContent = isolated ? '' : 'This page is not cross-origin isolated, so programs get no keyboard input and step mode is off. `npx lde lab` serves it with the headers that allow both.';
  $('stats').textContent = '';
  term.reset();
  transcript.textContent = '';
  if (ring) Atomics.store(ring, I_READ, Atomics.load(ring, I_WRITE));
  if (control) { Atomics.store(control, C_STEP, $<HTMLInputElement>('stepmode').checked ? 1 : 0); Atomics.store(control, C_PAUSE, 0); }
  setRunning(true);
  term.focus();
}

function runProgram(name: string, args: string[], bytes?: ArrayBuffer): void {
  begin();
  send({ type: 'run', name, args, options: options(), ...(bytes ? { bytes } : {}) }, bytes ? [bytes] : []);
}

function stop(): void {
  worker.terminate();
  setRunning(false);
  status('stopped');
  term.write('\r\n\x1b[2m[stopped]\x1b[0m\r\n');
  startWorker();
}

function fillPrograms(names: string[]): void {
  const sel = $<HTMLSelectElement>('program');
  if (sel.options.length) return;
  for (const n of names) sel.add(new Option(n, n, n === 'hello', n === 'hello'));
}

$('runform').addEventListener('submit', (ev) => {
  ev.preventDefault();
  chapter = undefined;
  $('chapter-text').textContent = '';
  const args = $<HTMLInputElement>('args').value.trim();
  runProgram($<HTMLSelectElement>('program').value, args ? args.split(/\s+/) : []);
});
$('stop').addEventListener('click', stop);
// io_uring is not a kernel option but a way a program does its I/O: the control runs `uring` in the chosen mode.
$('iouring').addEventListener('change', () => {
  const mode = $<HTMLSelectElement>('iouring').value;
  if (!mode) return;
  chapter = undefined;
  $<HTMLSelectElement>('program').value = 'uring';
  $<HTMLInputElement>('args').value = `${mode} 2000`;
  runProgram('uring', [mode, '2000']);
});
// A NIC needs a program that receives: udprecv on the traffic source's port, for 10 ms of virtual time.
$('nic').addEventListener('change', () => {
  if ($<HTMLSelectElement>('nic').value === 'none') return;
  $<HTMLSelectElement>('program').value = 'udprecv';
  $<HTMLInputElement>('args').value = '5000 1000';
  if (Number($<HTMLInputElement>('maxtime').value) === 0) $<HTMLInputElement>('maxtime').value = '0.011';
});
$('timer').addEventListener('change', () => { $<HTMLInputElement>('hz').disabled = !$<HTMLInputElement>('timer').checked; });

// A dropped (or chosen) ELF runs as /bin/NAME.
const drop = $('drop'), file = $<HTMLInputElement>('file');
async function runFile(f: File): Promise<void> {
  if (f.size > 64 << 20) { status(`${f.name}: larger than 64 MiB; the lab runs programs up to that size`); return; }
  chapter = undefined;
  const name = f.name.replace(/[^A-Za-z0-9._+-]/g, '_').slice(0, 64) || 'program';
  runProgram(name, $<HTMLInputElement>('args').value.trim().split(/\s+/).filter(Boolean), await f.arrayBuffer());
}
drop.addEventListener('click', () => file.click());
drop.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); file.click(); } });
file.addEventListener('change', () => { if (file.files?.[0]) void runFile(file.files[0]); });
for (const t of ['dragenter', 'dragover']) drop.addEventListener(t, (ev) => { ev.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (ev) => { ev.preventDefault(); drop.classList.remove('over'); const f = (ev as DragEvent).dataTransfer?.files[0]; if (f) void runFile(f); });

// ---- step mode ------------------------------------------------------------------
$('stepmode').addEventListener('change', () => {
  const on = $<HTMLInputElement>('stepmode').checked;
  if (!control) return;
  Atomics.store(control, C_STEP, on ? 1 : 0);
  if (!on) go();
});
function go(): void {
  if (!control) return;
  $<HTMLButtonElement>('next').disabled = true;
  Atomics.add(control, C_GO, 1);
  Atomics.notify(control, C_GO);
}
$('next').addEventListener('click', go);
$('pause').addEventListener('click', () => { if (control) Atomics.store(control, C_PAUSE, 1); });

// ---- tabs ---------------------------------------------------------------------
const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role=tab]')];
function select(tab: HTMLButtonElement): void {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')!).hidden = !on;
  }
}
tabs.forEach((t, i) => {
  t.addEventListener('click', () => select(t));
  t.addEventListener('keydown', (ev) => {
    const k = ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowLeft' ? -1 : 0;
    if (!k) return;
    const next = tabs[(i + k + tabs.length) % tabs.length];
    select(next);
    next.focus();
  });
});
select(tabs[0]);
if (!control) { $<HTMLInputElement>('stepmode').disabled = true; }

/** Sets every control to these options (a tour chapter runs with its own, the rest at their defaults). */
function showOptions(o: LabOptions): void {
  $<HTMLInputElement>('timer').checked = o.hz > 0;
  $<HTMLInputElement>('hz').disabled = o.hz === 0;
  if (o.hz > 0) $<HTMLInputElement>('hz').value = String(o.hz);
  $<HTMLSelectElement>('tick').value = o.tick;
  $<HTMLSelectElement>('preempt').value = o.preempt;
  $<HTMLInputElement>('vdso').checked = o.vdso;
  $<HTMLInputElement>('jit').checked = o.jit;
  $<HTMLSelectElement>('nic').value = o.nic;
  $<HTMLSelectElement>('harts').value = String(o.harts);
  $<HTMLInputElement>('maxtime').value = String(o.maxTime);
  $<HTMLInputElement>('mem').value = String(o.memMiB);
  $<HTMLInputElement>('swap').value = String(o.swapMiB);
}

// ---- the tour -------------------------------------------------------------------
CHAPTERS.forEach((c, i) => {
  const li = document.createElement('li'), b = document.createElement('button');
  b.type = 'button';
  b.textContent = c.title;
  b.addEventListener('click', () => {
    chapter = c;
    const o = { ...DEFAULT_OPTIONS, ...c.options };
    showOptions(o);
    $<HTMLSelectElement>('program').value = c.program;
    $<HTMLInputElement>('args').value = c.args.join(' ');
    $('chapter-text').textContent = `Chapter ${i + 1}. Watch for: ${c.watch}`;
    runProgram(c.program, c.args);
  });
  li.append(b);
  $('chapters').append(li);
});

// ---- experiments ----------------------------------------------------------------
const expSel = $<HTMLSelectElement>('experiment');
for (const e of EXPERIMENTS) expSel.add(new Option(`${e.name}: ${e.summary}`, e.name));
let expWorker: Worker | undefined;
$('exp-run').addEventListener('click', () => {
  expWorker?.terminate();
  const w = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
  expWorker = w;
  const bar = $<HTMLProgressElement>('exp-progress');
  bar.hidden = false; bar.value = 0;
  $('exp-result').textContent = '';
  $('exp-plot').textContent = '';
  $('exp-label').textContent = 'starting…';
  document.body.dataset.experiment = 'running';
  w.onmessage = (ev: MessageEvent<FromWorker>) => {
    const m = ev.data;
    if (m.type === 'ready') w.postMessage({ type: 'experiment', name: expSel.value } satisfies ToWorker);
    else if (m.type === 'progress') { bar.max = m.total; bar.value = m.done; $('exp-label').textContent = `${m.done}/${m.total} runs: ${m.label}`; }
    else if (m.type === 'experiment-done') { bar.hidden = true; $('exp-label').textContent = ''; void showExperiment(m.result, m.text); w.terminate(); }
    else if (m.type === 'error') { $('exp-label').textContent = m.message; document.body.dataset.experiment = 'error'; }
  };
});

async function showExperiment(r: ExperimentResult, text: string): Promise<void> {
  const pre = document.createElement('pre');
  pre.textContent = text;
  pre.tabIndex = 0; // it may scroll sideways: reachable from the keyboard
  pre.setAttribute('aria-label', `the ${r.name} experiment's tables and conclusion`);
  $('exp-result').replaceChildren(pre);
  // The same vega-lite spec the CLI renders with --plot, rendered here by the same libraries.
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(r.plot as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'svg', container: $('exp-plot'), hover: true });
  await view.runAsync();
  document.body.dataset.experiment = 'done';
}

startWorker();
// The first program runs as soon as the emulator is ready: hello, with its arguments.
$<HTMLInputElement>('args').value = 'from the lab';
runProgram('hello', ['from', 'the', 'lab']);
