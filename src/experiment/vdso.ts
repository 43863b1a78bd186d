// `lde experiment vdso`: crossing less with the vDSO. user/bin/vdsoclock
// finds __vdso_clock_gettime and __vdso_gettimeofday in the vDSO's dynamic
// symbol table (through AT_SYSINFO_EHDR, no C library) and calls one of them
// 50,000 times; with --vdso off the kernel maps no vDSO, the lookup finds
// nothing, and every call is an ecall. Each setting runs with 50,000 calls
// and with none, and the difference is divided by 50,000, so start-up and
// exit cost nothing. For each: system calls, kernel entries (traps into
// S-mode, the timer's included) and virtual cycles per call, counted by the
// run's Stats; and host wall nanoseconds per call, from the same two runs
// made again with the trace off (RunSpec.untraced), as a plain `lde run`,
// twice each (the faster counts).
// The wall column measures lde's own speed on this host: it differs run to
// run, and nothing asserts it (docs/vdso.md).

import type { Experiment, ExperimentContext, ExperimentResult, Row, RunOutcome, RunSpec } from './types.js';
import { commandLine } from './runner.js';
import { barChart } from './plot.js';
import { round } from './measure.js';

const CALLS = 50_000;
const SETTINGS = [
  { label: 'clock_gettime, vDSO', call: 'clock_gettime', mode: 'clock', sys: 'clock_gettime', vdso: true },
  { label: 'clock_gettime, --vdso off', call: 'clock_gettime', mode: 'clock', sys: 'clock_gettime', vdso: false },
  { label: 'gettimeofday, vDSO', call: 'gettimeofday', mode: 'tod', sys: 'gettimeofday', vdso: true },
  { label: 'gettimeofday, --vdso off', call: 'gettimeofday', mode: 'tod', sys: 'gettimeofday', vdso: false },
];
const COLUMNS = [
  { key: 'call', title: 'call' },
  { key: 'vdso', title: 'vDSO' },
  { key: 'via', title: 'served by' },
  { key: 'syscalls', title: 'system calls/call', digits: 3 },
  { key: 'entries', title: 'kernel entries/call', digits: 3 },
  { key: 'cycles', title: 'cycles/call', digits: 0 },
  { key: 'user', title: 'user cycles/call', digits: 0 },
  { key: 'kernel', title: 'kernel cycles/call', digits: 0 },
  { key: 'wallNs', title: 'wall/call', unit: 'ns', digits: 0 },
];

/** The run of `vdsoclock MODE n`, with the vDSO or without. */
const spec = (s: typeof SETTINGS[number], n: number): RunSpec =>
  ({ label: `${s.label}${n === 0 ? ', no calls' : ''}`, program: 'vdsoclock', args: [s.mode, String(n)], kernel: { vdso: s.vdso } });

const entries = (r: RunOutcome) => r.stats.modeSwitches / 2; // each trap into S-mode comes back with one sret
const calls = (r: RunOutcome, name: string) => r.stats.syscalls.find((c) => c.name === name)?.count ?? 0;

export const vdso: Experiment = {
  name: 'vdso',
  summary: 'clock_gettime and gettimeofday through the vDSO and as system calls (--vdso on|off)',
  question: 'Each crossing costs cycles: what does reading the clock cost when the vDSO removes the crossing?',
  runs: 1 + 6 * SETTINGS.length,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const rows: Row[] = [], commands: Record<string, string> = {};
    // One untimed run first, so that the host's JavaScript engine has compiled lde's hot paths before any is timed.
    await ctx.run({ ...spec(SETTINGS[0], CALLS), label: 'warm-up', untraced: true });
    for (const s of SETTINGS) {
      const full = spec(s, CALLS), none = spec(s, 0);
      // Counted with the trace on (Stats); timed with it off, as a plain `lde run` goes (the trace costs host time per event).
      const r = await ctx.run(full), r0 = await ctx.run(none);
      // The host's time varies run to run: the faster of two timed runs counts.
      const timed = async (sp: RunSpec, k: number) => (await ctx.run({ ...sp, label: `${sp.label}, timed ${k}`, untraced: true })).wallNs;
      const w = Math.min(await timed(full, 1), await timed(full, 2)), w0 = Math.min(await timed(none, 1), await timed(none, 2));
      commands[s.label] = commandLine(full);
      const per = (f: (o: RunOutcome) => number, digits: number) => round((f(r) - f(r0)) / CALLS, digits);
      const via = /through the (vdso|ecall), 0 failed, 0 went back/.exec(r.stdout);
      rows.push({
        call: s.call, vdso: s.vdso ? 'on' : 'off', via: r.status === 0 && via ? via[1] : `failed (status ${r.status})`,
        syscalls: per((o) => calls(o, s.sys), 3), entries: per(entries, 3),
        cycles: per((o) => o.stats.userCycles + o.stats.kernelCycles, 0),
        user: per((o) => o.stats.userCycles, 0), kernel: per((o) => o.stats.kernelCycles, 0),
        wallNs: round((w - w0) / CALLS, 0),
      });
    }
    return {
      name: 'vdso', question: vdso.question, commands, conclusion: conclude(rows),
      tables: [{ title: `${CALLS.toLocaleString('en-US')} calls each (user/bin/vdsoclock); the wall column is this host's, and varies run to run`, columns: COLUMNS, rows }],
      plot: barChart({
        title: 'Virtual cycles per call', data: rows, x: { field: 'call', title: 'call' },
        y: { field: 'cycles', title: 'cycles per call' }, group: { field: 'vdso', title: 'vDSO' },
      }),
    };
  },
};

const times = (a: number, b: number) => (b > 0 ? round(a / b, 1) : 0);

function conclude(rows: Row[]): string {
  const by = (call: string, v: string) => rows.find((r) => r.call === call && r.vdso === v)!;
  const n = (r: Row, k: string) => Number(r[k]);
  const parts = ['clock_gettime', 'gettimeofday'].map((call) => {
    const on = by(call, 'on'), off = by(call, 'off');
    return `${call} made ${on.syscalls} system calls a call with the vDSO and ${off.syscalls} without, and cost ` +
      `${on.cycles} virtual cycles against ${off.cycles} (${times(n(off, 'cycles'), n(on, 'cycles'))}× cheaper), ` +
      `${on.wallNs} ns of this host's time against ${off.wallNs} (${times(n(off, 'wallNs'), n(on, 'wallNs'))}×)`;
  });
  const on = by('clock_gettime', 'on'), off = by('clock_gettime', 'off');
  const virt = times(n(off, 'cycles'), n(on, 'cycles')), wall = times(n(off, 'wallNs'), n(on, 'wallNs'));
  const perInsn = n(on, 'user') > 0 ? round(n(on, 'wallNs') / n(on, 'user'), 0) : 0;
  return `${parts.join('; ')}. The vDSO removes the crossing: the ecall's ${n(off, 'kernel')} kernel cycles (trap, dispatch, sret) ` +
    `are gone, and what is left is the ${on.user} cycles of user instructions that read the data page and the time CSR. ` +
    `In wall time the saving is ${wall < virt ? 'smaller' : 'larger'} (${wall}× against ${virt}×): lde interprets each of the vDSO's ` +
    `instructions, at about ${perInsn} ns apiece on this host, ${wall < virt ? 'while the crossing it saves is a short stretch of the kernel\'s JavaScript' : 'and the crossing it saves costs the host more than the cycles lde charges for it'}.`;
}
