// The NIC's receive path (--nic, docs/nic.md): the virtio-net driver
// (virtio.ts) under one of two interrupt disciplines, --net-rx:
//
//   irq   one hard interrupt per used-buffer notification (per frame, or per
//         moderated batch with --rx-frames/--rx-usecs); the handler takes
//         every frame in the ring and does the protocol work (udp.ts) right
//         there, in hard-interrupt context, as pre-NAPI drivers did. At a
//         high enough rate the interrupts take the whole CPU: receive
//         livelock (Mogul & Ramakrishnan, "Eliminating receive livelock in
//         an interrupt-driven kernel", TOCS 1997).
//   napi  the hard interrupt only masks the device's interrupts
//         (VIRTQ_AVAIL_F_NO_INTERRUPT) and schedules a poll; the poll runs in
//         softirq context on the way out of the interrupt, in budgets of
//         --napi-budget frames (64, Linux's NAPI_POLL_WEIGHT), and unmasks
//         when the ring is empty. As Linux's net_rx_action and
//         __do_softirq: one softirq pass takes at most netdev_budget (300)
//         frames, passes restart while work remains, up to 2 ms
//         (MAX_SOFTIRQ_TIME, netdev_budget_usecs) or 10 restarts
//         (MAX_SOFTIRQ_RESTART); what is left then goes to ksoftirqd
//         (ksoftirqd.ts), a kernel thread the scheduler runs like any
//         process, so the program gets its share of the CPU.
//
// Hard-interrupt and softirq time is charged to no process (as Linux's
// IRQ_TIME_ACCOUNTING does); ksoftirqd's is its own system time. Every
// frame is counted, so that offered = received + ring drops + socket drops
// + purged + in flight (the ring, the socket queues): test/nic.test.ts.

import { INT_USED, Irq, Csr, VIRTIO0_IRQ } from '../../machine/index.js';
import type { Kernel } from '../kernel.js';
import type { Cpu } from '../sched/cpu.js';
import type { Process } from '../sched/proc.js';
import { VirtioNetDriver } from './virtio.js';
import { udpInput } from './udp.js';
import { Ksoftirqd } from './ksoftirqd.js';

export type NetRx = 'irq' | 'napi';
export const NET_RX_MODES: readonly NetRx[] = ['irq', 'napi'];

export interface NetOptions {
  rx: NetRx;
  /** The traffic source: packets per second of virtual time (0: none), to this UDP port. */
  rate: number;
  port: number;
  /** Interrupt moderation (virtio-net.ts): frames, µs. */
  rxFrames: number;
  rxUsecs: number;
  /** Frames per NAPI poll. */
  budget: number;
}

export const NET_DEFAULTS: Readonly<NetOptions> = { rx: 'irq', rate: 0, port: 5000, rxFrames: 1, rxUsecs: 0, budget: 64 };
/** Linux's net_rx_action and __do_softirq limits (net/core/dev.c, kernel/softirq.c). */
export const NETDEV_BUDGET = 300, SOFTIRQ_TIME = 2_000_000, SOFTIRQ_RESTART = 10;

const SEIE = 1n << BigInt(Irq.SEI);

export class Net {
  readonly opts: NetOptions;
  readonly drv: VirtioNetDriver;
  readonly counts = { hardirqs: 0, softirqPolls: 0, queued: 0, received: 0, socketDrops: 0, purged: 0 };
  /** A NAPI poll is scheduled: the device's interrupts are masked until the ring is empty. */
  napiScheduled = false;
  private ksoftirqd: Ksoftirqd | undefined;
  private readonly done = (read: boolean) => { if (read) this.counts.received++; else this.counts.purged++; };

  /** Probes the device (virtio.ts; throws ProbeError) and enables the supervisor external interrupt. */
  constructor(private readonly k: Kernel, opts: Partial<NetOptions>) {
    this.opts = { ...NET_DEFAULTS, ...opts };
    if (k.cpus.length > 1) throw new RangeError('--nic runs on one hart: its interrupt goes to hart 0 (docs/nic.md)');
    this.drv = new VirtioNetDriver(k.board.bus, k.board.phys, k.frames, this.opts);
    const h = k.cpus[0].hart;
    h.csrWrite(Csr.SIE, h.csrRead(Csr.SIE)! | SEIE);
  }

  get ksoftirqdRuns(): number { return this.ksoftirqd?.runs ?? 0; }

  /** SEIP is pending and enabled: the idle loop takes the interrupt itself (sched.ts idle). */
  get irqPending(): boolean { return (this.k.hart.csrRead(Csr.SIP)! & SEIE) !== 0n; }

  /**
   * The supervisor external interrupt on cpu, taken from p in U-mode
   * (trap.ts) or from the idle hart (p undefined): claim, the device's
   * interrupt status, the discipline's work, completion; then, under NAPI,
   * the softirq on the way out.
   */
  interrupt(cpu: Cpu, _p: Process | undefined): void {
    const k = this.k;
    if (k.trace.on) k.trace.emit({ kind: 'netrx', ...k.at(), ctx: 'hardirq', phase: 'begin' });
    k.charge(k.costs.hardirq, undefined);
    this.counts.hardirqs++;
    const id = this.drv.claim();
    let packets = 0;
    if (id === VIRTIO0_IRQ && (this.drv.ackInterrupt() & INT_USED) !== 0) {
      if (this.opts.rx === 'irq') packets = this.receive(this.drv.pending, undefined);
      else if (!this.napiScheduled) { this.drv.interrupts(false); this.napiScheduled = true; }
    }
    if (id !== 0) this.drv.complete(id);
    this.sync();
    if (k.trace.on) k.trace.emit({ kind: 'netrx', ...k.at(), ctx: 'hardirq', phase: 'end', packets, polls: 0 });
    if (this.napiScheduled) this.softirq(cpu);
  }

  /** Takes up to n frames from the ring through the protocol, charging each to owner; returns how many. */
  private receive(n: number, owner: Process | undefined): number {
    let done = 0;
    for (; done < n; done++) {
      const frame = this.drv.takeFrame();
      if (frame === undefined) break;
      this.k.charge(this.k.costs.netRx, owner);
      const r = udpInput(this.k, frame, this.drv.mac, this.done);
      if (r === 'queued') this.counts.queued++; else this.counts.socketDrops++;
    }
    return done;
  }

  /**
   * One NAPI poll of at most `budget` frames (napi_poll → virtnet_poll). A
   * poll that finds fewer completes: interrupts back on, and the ring looked
   * at once more, since a frame may have come in between (virtqueue_enable_cb).
   */
  poll(budget: number, owner: Process | undefined): number {
    this.counts.softirqPolls++;
    this.k.charge(this.k.costs.napiPoll, owner);
    const n = this.receive(budget, owner);
    this.sync();
    if (n < budget) {
      this.drv.interrupts(true);
      if (this.drv.pending > 0) this.drv.interrupts(false);
      else this.napiScheduled = false;
    }
    return n;
  }

  /** net_rx_action: polls until netdev_budget frames are done or the poll completes; returns the frames. */
  rxAction(owner: Process | undefined): number {
    let done = 0;
    while (this.napiScheduled && done < NETDEV_BUDGET) done += this.poll(Math.min(this.opts.budget, NETDEV_BUDGET - done), owner);
    return done;
  }

  /** __do_softirq on the way out of the interrupt: passes until done, 2 ms or 10 restarts; then ksoftirqd takes the rest. */
  private softirq(cpu: Cpu): void {
    const k = this.k;
    if (this.ksoftirqd?.awake) return; // it is already on its way: the softirq is left to it (Linux's ksoftirqd_running)
    if (k.trace.on) k.trace.emit({ kind: 'netrx', ...k.at(), ctx: 'softirq', phase: 'begin' });
    const start = k.hart.cycle, polls = this.counts.softirqPolls;
    let packets = 0;
    for (let pass = 0; this.napiScheduled; pass++) {
      if (pass >= SOFTIRQ_RESTART || k.hart.cycle - start >= SOFTIRQ_TIME) {
        (this.ksoftirqd ??= new Ksoftirqd(k, this)).wake(cpu);
        break;
      }
      packets += this.rxAction(undefined);
    }
    if (k.trace.on) k.trace.emit({ kind: 'netrx', ...k.at(), ctx: 'softirq', phase: 'end', packets, polls: this.counts.softirqPolls - polls });
  }

  /** Lets the device catch up with the time the kernel's work took (timer.ts: it handles arrivals due by now). */
  private sync(): void { this.k.hart.idleUntil(this.k.hart.cycle); }

  /** The counters at the end of the run (the `net` event: --stats). */
  end(): void {
    const k = this.k, c = this.counts, dev = this.drv.counters();
    if (!k.trace.on) return;
    k.trace.emit({
      kind: 'net', ...k.at(), mode: this.opts.rx, offered: dev.offered, received: c.received, ringDrops: dev.drops,
      socketDrops: c.socketDrops, purged: c.purged, inRing: this.drv.pending, inSocket: c.queued - c.received - c.purged,
      hardirqs: c.hardirqs, softirqPolls: c.softirqPolls, ksoftirqdRuns: this.ksoftirqdRuns,
    });
  }
}
