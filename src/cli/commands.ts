// The option table of every lde command: the one source of what each option
// is called, what value it takes, its default and what it does. The parser
// (options.ts), --help and the usage lines (help.ts), and README's option
// lists (scripts/gen-options.mjs) are all made from these tables.

import { DEFAULT_MEM, GUEST_JIT_THRESHOLD, JIT_THRESHOLD, MAX_HARTS, MAX_MEM } from '../machine/index.js';
import { HZ_MAX, HZ_MIN } from '../kernel/kernel.js';
import { TICK_MODES } from '../kernel/sched/cpu.js';
import { PREEMPT_MODES } from '../kernel/sched/preempt.js';
import { IDLE_GOVERNORS } from '../kernel/sched/idle.js';
import { VIRTUAL_EPOCH_S } from '../kernel/sys/proc.js';
import { NET_RX_MODES } from '../kernel/net/nic.js';
import type { CommandSpec, OptionSpec } from './options.js';

/** How many chapters `lde demo` has. */
export const DEMO_CHAPTERS = 6;

const HELP: OptionSpec = { name: '--help', aliases: ['-h'], value: { kind: 'none' }, action: 'help', help: 'print this help and exit' };
const SEEING = 'See [Seeing every crossing](#seeing-every-crossing).';
/** --jit and --jit-threshold (docs/jit.md); boot's threshold default is higher (GUEST_JIT_THRESHOLD). */
const jitOptions = (threshold: number): OptionSpec[] => [
  {
    name: '--jit', value: { kind: 'enum', meta: 'on|off', values: ['on', 'off'], noun: 'JIT setting', default: 'on' },
    help: 'compile hot guest code to WebAssembly (off: the interpreter alone)',
    details: 'The same run gives the same `--trace` and `--stats=json` either way (apart from the JIT\'s own `jit` counters, which `--stats=json` shows only when `--jit` is on the command line). Without `--jit`, `LDE_JIT=off` (and `LDE_JIT_THRESHOLD=N`) in the environment choose, silently. See [docs/jit.md](docs/jit.md).',
  },
  {
    name: '--jit-threshold', value: { kind: 'integer', meta: 'N', min: 0, max: 1e9, noun: 'threshold', default: threshold },
    help: 'with --jit on: compile a block once it has run N times (0: before its first run)',
  },
];

export const RUN: CommandSpec = {
  name: 'run',
  operands: { synopsis: 'PROGRAM [ARGS...]', min: 1, max: Infinity },
  summary: 'run a riscv64 Linux program (static, or dynamic with --sysroot) under the kernel',
  options: [
    {
      name: '--hz', value: { kind: 'integer', meta: 'N', min: HZ_MIN, max: HZ_MAX, noun: 'tick rate', default: 250 },
      help: 'timer interrupts per second of virtual time (for no timer at all, --no-timer)',
    },
    {
      name: '--no-timer', value: { kind: 'none' }, conflicts: ['--hz'],
      help: 'the kernel never programs the timer: only a system call or a fault brings it back',
      details: 'So a spinner keeps the CPU: with `--max-time` the run ends with one line naming who held the CPU since when (`lde: no progress: stopped at 0.200 s of virtual time (--max-time); pid 2 (hogs) had held the CPU since 0.000 s with 3 other processes waiting to run: there is no timer interrupt to take it back`, status 124).',
    },
    {
      name: '--tick', value: { kind: 'enum', meta: 'MODE', values: [...TICK_MODES], noun: 'tick mode', default: 'idle' },
      help: 'periodic: the tick runs always, also while idle; idle: it stops while the hart idles (NO_HZ_IDLE); full: also while one task runs (NO_HZ_FULL)',
      details: 'With the tick stopped the timer is programmed for the next timer event only. `--stats` counts the ticks taken and not taken, and why. See [The follow-up questions, answered by lde](#the-follow-up-questions-answered-by-lde).',
    },
    {
      name: '--preempt', value: { kind: 'enum', meta: 'MODEL', values: [...PREEMPT_MODES], noun: 'preemption model', default: 'voluntary' },
      help: 'where long kernel work may be cut to run another process: none (only on return to user mode), voluntary (cond_resched points in long loops), full (any chunk boundary)',
      details: 'Long kernel work (large copies, fork, munmap and mprotect of large ranges, big directories, swapping) is charged in 10 µs chunks; see [docs/preemption.md](docs/preemption.md).',
    },
    {
      name: '--idle-governor', value: { kind: 'enum', meta: 'NAME', values: [...IDLE_GOVERNORS], noun: 'idle governor', default: 'menu' },
      help: "how the kernel picks the hart's idle state: menu (the deepest that fits the time to the next timer event), deepest, or wfi (the shallowest)",
      details: 'The states, their power and latencies are a real CPU\'s; see [docs/energy.md](docs/energy.md).',
    },
    {
      name: '--nic', value: { kind: 'none' },
      help: 'a virtio-net NIC at 0x10001000 (PLIC source 1) with a traffic source; the options below imply it',
      details: 'Its driver delivers UDP datagrams to the socket bound to --nic-port; `--stats` counts every packet. See [docs/nic.md](docs/nic.md) and `lde experiment coalescing`.',
    },
    {
      name: '--net-rx', value: { kind: 'enum', meta: 'MODE', values: [...NET_RX_MODES], noun: 'receive discipline', default: 'irq' },
      help: 'irq: protocol work in the hard interrupt, one per (moderated) notification; napi: the interrupt masks itself and a softirq polls, then ksoftirqd',
    },
    { name: '--nic-rate', value: { kind: 'integer', meta: 'PPS', min: 0, max: 10_000_000, noun: 'packet rate', default: 0 }, help: 'packets per second of virtual time the traffic source offers (0: none)' },
    { name: '--nic-port', value: { kind: 'integer', meta: 'PORT', min: 1, max: 65535, noun: 'UDP port', default: 5000 }, help: 'the UDP port the traffic source sends to' },
    { name: '--rx-frames', value: { kind: 'integer', meta: 'N', min: 0, max: 256, noun: 'frame count', default: 1 }, help: 'interrupt moderation: one interrupt per N received frames (0: no frame limit, only --rx-usecs)' },
    { name: '--rx-usecs', value: { kind: 'integer', meta: 'U', min: 0, max: 100_000, noun: 'delay', default: 0 }, help: 'interrupt moderation: at most U µs after the first frame not yet signalled (0: no timer)' },
    { name: '--napi-budget', value: { kind: 'integer', meta: 'N', min: 1, max: 1024, noun: 'poll budget', default: 64 }, help: 'frames per NAPI poll (Linux: 64)' },
    { name: '--mem', value: { kind: 'size', meta: 'SIZE', min: 1 << 20, max: MAX_MEM, multiple: 4096, default: 256 << 20 }, help: 'guest RAM' },
    {
      name: '--swap', value: { kind: 'size', meta: 'SIZE', min: 0, max: 64 * 2 ** 30, default: 0 },
      help: 'a swap area, where pages go when RAM runs out (which ones: --swap-policy)',
      details: 'They come back on a major fault. Without swap, running out of memory kills the largest process (`lde: out of memory: killed pid 4 (hog), which held 63.8 MiB`).',
    },
    {
      name: '--swap-policy', value: { kind: 'enum', meta: 'POLICY', values: ['clock', 'fifo', 'random'], noun: 'swap policy', default: 'clock' },
      help: 'which page goes to swap when RAM is full: clock (second chance over the A bits), fifo (longest in RAM), random (seeded by --seed)',
      details: 'Only meaningful with --swap. See [docs/swap.md](docs/swap.md), and `lde experiment swap` for the three against Bélády\'s optimum.',
    },
    {
      name: '--seed', value: { kind: 'integer', meta: 'N', min: 0, max: 2 ** 32 - 1, default: 1 },
      help: 'seeds what is random to the guest and nothing else: AT_RANDOM, getrandom, /dev/urandom',
      details: 'Two seeds give the same run apart from those bytes.',
    },
    {
      name: '--max-time', value: { kind: 'duration', meta: 'SECONDS', min: 0.001, max: 1e6 },
      help: 'stop after this much virtual time, with status 124 and a line naming the process on the CPU',
    },
    {
      name: '--sysroot', value: { kind: 'path', meta: 'DIR' },
      help: "where a dynamically linked program's interpreter and libraries are: each top-level directory of DIR is seen at /NAME, read-only (as qemu-riscv64's -L)",
      details: 'For example `--sysroot /usr/riscv64-linux-gnu` (Debian\'s libc6-riscv64-cross) runs what riscv64-linux-gnu-gcc links dynamically. See [docs/dynamic.md](docs/dynamic.md).',
    },
    {
      name: '--sandbox', value: { kind: 'none' },
      help: 'the guest sees only the program, --ro and --rw directories, an in-memory /tmp, /dev and /proc; no host environment but --env; uid and gid 65534',
      details: 'Without it the guest sees the whole host read-only and the host environment. See [docs/sandbox.md](docs/sandbox.md).',
    },
    {
      name: '--ro', value: { kind: 'bind', meta: 'DIR[:GUEST]' }, repeatable: true,
      help: 'the guest sees this host directory read-only, at its own path or at GUEST',
      details: 'Binds apply in command-line order, with --rw: a later one covers what an earlier one showed under its path.',
    },
    {
      name: '--rw', value: { kind: 'bind', meta: 'DIR[:GUEST]' }, repeatable: true,
      help: 'the guest may write under this host directory, seen at its own path or at GUEST',
      details: 'Everything else from the host is read-only. `/tmp` is in memory.',
    },
    {
      name: '--env', value: { kind: 'assign', meta: 'NAME=VALUE' }, repeatable: true,
      help: "sets a variable in the guest's environment (with --sandbox, the only ones it has)",
    },
    {
      name: '--smp', value: { kind: 'integer', meta: 'N', min: 1, max: MAX_HARTS, noun: 'hart count', default: 1 }, conflicts: ['--realtime'],
      help: 'harts on the machine; they take turns in fixed quanta of virtual time, so runs still repeat exactly',
      details: 'Each hart has its own timer and software interrupt; the kernel keeps a run queue per hart, balances load, honours sched_setaffinity and shoots down TLBs with IPIs. See [docs/smp.md](docs/smp.md).',
    },
    {
      name: '--publish', value: { kind: 'ports', meta: 'HOSTPORT:GUESTPORT' }, repeatable: true,
      help: "forwards the host's 127.0.0.1:HOSTPORT to the guest's TCP listener on GUESTPORT; implies --realtime",
      details: 'Nothing outside the guest reaches it otherwise. See [docs/sockets.md](docs/sockets.md).',
    },
    {
      name: '--net', value: { kind: 'enum', meta: 'outbound', values: ['outbound'], noun: 'network access' },
      help: "lets the guest's TCP connects outside the loopback go through the host's network (without it they fail with ENETUNREACH); implies --realtime",
      details: 'UDP and name lookups stay on the guest loopback. See [docs/sockets.md](docs/sockets.md).',
    },
    {
      name: '--realtime', value: { kind: 'none' },
      help: 'guest time follows the host clock; without it time is virtual and every run repeats exactly',
      details: 'A program that times itself reports wall time, and sleeps really wait.',
    },
    {
      name: '--vdso', value: { kind: 'enum', meta: 'on|off', values: ['on', 'off'], noun: 'vDSO setting', default: 'on' },
      help: 'map the vDSO into every process, so clock_gettime and gettimeofday need no system call; off makes them ecalls',
      details: 'The vDSO reads the time CSR and a data page the kernel keeps under a sequence count. See [docs/vdso.md](docs/vdso.md).',
    },
    {
      name: '--epoch', value: { kind: 'integer', meta: 'now|SECONDS', min: 0, max: 253402300799, words: ['now'] }, conflicts: ['--realtime'],
      help: `the guest's clock (CLOCK_REALTIME) at boot: now (the host's clock), or seconds since 1970; default ${VIRTUAL_EPOCH_S} (${new Date(VIRTUAL_EPOCH_S * 1000).toISOString().slice(0, 10)})`,
      details: 'A fixed default keeps every run the same; it is a date just after this version of lde was made, so host files are in the past and `ls -l` shows their times. `--epoch now` starts the clock at the host\'s time and virtual time runs on from there, so only the dates differ between runs. See [docs/files.md](docs/files.md#time).',
    },
    {
      name: '--strace', value: { kind: 'path', meta: 'FILE' }, optional: true,
      help: 'one line per system call, decoded as strace does, on stderr or to FILE', details: SEEING,
    },
    {
      name: '--stats', value: { kind: 'enum', meta: 'json', values: ['text', 'json'], noun: 'format', default: 'text' }, optional: true,
      help: 'counters on stderr at exit, in the format given', details: SEEING,
    },
    { name: '--trace', value: { kind: 'path', meta: 'FILE' }, help: 'write Chrome trace-event JSON of the run, for Perfetto', details: SEEING },
    { name: '--diagram', value: { kind: 'none' }, help: "draw the seed's control-flow diagram with the run's numbers on stderr", details: SEEING },
    { name: '--trace-insns', value: { kind: 'none' }, help: 'one disassembled line per instruction on stderr (slow)', details: SEEING },
    ...jitOptions(JIT_THRESHOLD),
    HELP,
  ],
};

export const BARE: CommandSpec = {
  name: 'bare',
  operands: { synopsis: 'ELF', min: 1, max: 1 },
  summary: 'boot a bare-metal RISC-V program (HTIF tohost exit)',
  options: [
    {
      name: '--mem', value: { kind: 'size', meta: 'SIZE', min: 64 * 1024, max: MAX_MEM, multiple: 4096, default: DEFAULT_MEM },
      help: 'guest RAM at 0x80000000',
    },
    {
      name: '--max-insns', value: { kind: 'integer', meta: 'N', min: 1, max: Number.MAX_SAFE_INTEGER },
      help: 'stop after N steps (a step is a retired instruction or a trap taken, so a fault loop stops too), with status 124',
    },
    {
      name: '--trace-insns', value: { kind: 'none' }, help: 'one line per retired instruction on stderr: pc, bits, disassembly',
      details: 'RVC parcels print as their 32-bit equivalents.',
    },
    { name: '--stats', value: { kind: 'none' }, help: 'one line on stderr at the end: instructions, cycles, virtual and host seconds, MIPS, peak RSS' },
    ...jitOptions(JIT_THRESHOLD),
    HELP,
  ],
};

export const BOOT: CommandSpec = {
  name: 'boot',
  operands: { synopsis: '', min: 0, max: 0 },
  summary: 'boot a guest kernel (Linux, xv6) on the machine, with a firmware and a devicetree',
  options: [
    { name: '--kernel', value: { kind: 'path', meta: 'FILE' }, help: '(required) the kernel: a Linux Image (gzip-compressed or not) or an ELF' },
    { name: '--initrd', value: { kind: 'path', meta: 'FILE' }, help: 'an initramfs, placed in RAM and named in the devicetree' },
    { name: '--append', value: { kind: 'text', meta: 'ARGS' }, help: "the kernel's command line (/chosen/bootargs)" },
    { name: '--drive', value: { kind: 'path', meta: 'FILE' }, help: 'a raw disk image as a virtio block device (copy-on-write: the guest\'s writes are kept in memory and never reach FILE)' },
    { name: '--drive-write', value: { kind: 'none' }, help: "with --drive: the guest's writes go to FILE as they come (a flush request is an fsync)" },
    { name: '--virtio-console', value: { kind: 'none' }, help: 'a virtio console device (hvc0 on Linux: console=hvc0); it takes stdin instead of the UART, and prints to stdout' },
    { name: '--rng', value: { kind: 'none' }, help: 'a virtio entropy device (its bytes come from a fixed seed: every run repeats)' },
    {
      name: '--nic', value: { kind: 'none' },
      help: 'a virtio network device (eth0 on Linux) in the first virtio slot: what the guest sends is counted and dropped, and the traffic source (--nic-rate) sends it UDP',
      details: 'The same device as `lde run --nic` (docs/nic.md): MAC 52:54:00:12:34:56, the source at 10.0.2.2 sending to 10.0.2.15. `--stats` gives its counters.',
    },
    { name: '--nic-rate', value: { kind: 'integer', meta: 'PPS', min: 0, max: 10_000_000, noun: 'packet rate', default: 0 }, help: 'with --nic: UDP packets per second of virtual time from the traffic source to the guest (0: none)' },
    { name: '--nic-port', value: { kind: 'integer', meta: 'PORT', min: 1, max: 65535, noun: 'UDP port', default: 5000 }, help: 'with --nic: the UDP port the traffic source sends to' },
    {
      name: '--bios', value: { kind: 'path', meta: 'lde|none|FILE' },
      help: "the M-mode firmware: lde's own SBI (default), none (the kernel starts in M-mode, as xv6 wants), or a firmware file such as OpenSBI's fw_dynamic.bin",
    },
    {
      name: '--mem', value: { kind: 'size', meta: 'SIZE', min: 16 << 20, max: MAX_MEM, multiple: 4096, default: 256 << 20 },
      help: 'guest RAM at 0x80000000',
    },
    { name: '--smp', value: { kind: 'integer', meta: 'N', min: 1, max: MAX_HARTS, default: 1 }, help: 'harts' },
    {
      name: '--max-time', value: { kind: 'duration', meta: 'SECONDS', min: 0.000001, max: 1e6 },
      help: 'stop after this much virtual time, with status 124',
    },
    { name: '--trace', value: { kind: 'path', meta: 'FILE' }, help: "write Chrome trace-event JSON of the guest as the hart sees it, for Perfetto: one track per hart, U-mode and kernel spans, every trap (slows the run)" },
    { name: '--stats', value: { kind: 'none' }, help: 'at the end, on stderr: instructions, virtual and host time, per hart the time in U-, S- and M-mode and the satp switches, traps by cause and by the mode that took them, SBI calls by extension, device counts' },
    ...jitOptions(GUEST_JIT_THRESHOLD),
    HELP,
  ],
};

export const DEMO: CommandSpec = {
  name: 'demo',
  operands: { synopsis: '', min: 0, max: 0 },
  summary: 'the guided tour of limited direct execution',
  options: [
    {
      name: '--chapter', value: { kind: 'integer', meta: 'N', min: 1, max: DEMO_CHAPTERS },
      help: 'show only chapter N', details: `Chapter ${DEMO_CHAPTERS} runs the others without a word, for its diagram.`,
    },
    { name: '--json', value: { kind: 'none' }, help: "print every chapter's numbers as one JSON document instead of prose" },
    { name: '--trace', value: { kind: 'path', meta: 'FILE' }, help: 'write every run of the tour as one Chrome trace, one after another' },
    HELP,
  ],
};

export const EXPERIMENT: CommandSpec = {
  name: 'experiment',
  operands: { synopsis: '[NAME]', min: 0, max: 1 },
  summary: 'run one experiment: a table, a conclusion computed from it, a chart (no NAME: the list)',
  options: [
    { name: '--list', value: { kind: 'none' }, conflicts: ['--json', '--plot'], help: 'list the experiments and what each compares, as `lde experiment` with no NAME does' },
    { name: '--json', value: { kind: 'none' }, help: "print the experiment's numbers, conclusion and chart spec as one JSON document" },
    {
      name: '--plot', value: { kind: 'path', meta: 'FILE' }, help: "write the experiment's chart to FILE as SVG",
      details: 'The chart is a vega-lite spec (it is in --json too), rendered in Node with vega.',
    },
    HELP,
  ],
};

/** The commands, in the order help lists them. */
export const LAB: CommandSpec = {
  name: 'lab',
  operands: { synopsis: '', min: 0, max: 0 },
  summary: 'serve the browser lab on 127.0.0.1 and print its address',
  options: [
    {
      name: '--port', value: { kind: 'integer', meta: 'N', min: 0, max: 65535, noun: 'port', default: 8000 },
      help: 'the TCP port on 127.0.0.1 (0: any free port)',
      details: 'The page is the static build of `npm run build:lab` (dist/lab), served with the cross-origin isolation headers that keyboard input and step mode need. See [The browser lab](#the-browser-lab).',
    },
    HELP,
  ],
};

export const COMMANDS: readonly CommandSpec[] = [RUN, BARE, BOOT, DEMO, EXPERIMENT, LAB];

/** `lde` itself: a command word, or one of these options. */
export const LDE: CommandSpec = {
  name: 'lde',
  operands: { synopsis: 'COMMAND [ARGS...]', min: 0, max: Infinity },
  summary: 'limited direct execution, visible: a RISC-V computer and kernel in TypeScript',
  options: [HELP, { name: '--version', value: { kind: 'none' }, action: 'version', help: "print lde's version and exit" }],
};
