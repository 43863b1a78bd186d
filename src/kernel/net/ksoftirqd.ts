// ksoftirqd: the kernel thread that takes the NET_RX softirq work the
// interrupt exit path left (Linux's kernel/softirq.c run_ksoftirqd). It is a
// Process with no user half (Process.kthread): the scheduler queues it, it
// takes the hart through contextSwitch like any process, appears in --trace
// on its own track and in --stats with its system time, and the tick
// preempts it. When it holds the hart, usertrapret runs `run` instead of
// returning to U-mode; `run` always leaves the hart before it returns
// (asleep with no work left, or giving way).
//
// Its loop: net_rx_action passes (nic.ts rxAction, netdev_budget frames
// each); after a pass, if another process is waiting it gives way (Linux:
// cond_resched, with the woken reader preempting it as CFS's wake-up
// preemption would), and the tick's need-resched is honoured; with the work
// done it re-enables the device's interrupts (the last poll did) and sleeps.

import type { Kernel } from '../kernel.js';
import type { Cpu } from '../sched/cpu.js';
import { Process } from '../sched/proc.js';
import { WaitQueue } from '../sched/wait.js';
import type { Net } from './nic.js';

export class Ksoftirqd {
  readonly p: Process;
  private readonly idle = new WaitQueue();
  /** Times it took the hart. */
  runs = 0;

  /** Creates the thread (runnable, queued); it runs when the scheduler gives it the hart. */
  constructor(private readonly k: Kernel, private readonly net: Net) {
    this.p = new Process(k.nextPid++, undefined, k.newAddressSpace(), 'ksoftirqd', '/');
    this.p.argv = ['ksoftirqd/0'];
    this.p.kthread = { run: (cpu) => this.run(cpu) }; // its turn ends when the work is done or another task waits
    k.procs.set(this.p.pid, this.p);
    if (k.trace.on) k.trace.emit({ kind: 'proc', ...k.at(), phase: 'create', pid: this.p.pid, ppid: 0, name: 'ksoftirqd' });
    k.enqueue(this.p);
  }

  /** Runnable or running: softirq work is already handed to it. */
  get awake(): boolean { return this.p.state === 'runnable' || this.p.state === 'running'; }

  /** wakeup_softirqd. */
  wake(_cpu: Cpu): void { if (this.p.state === 'sleeping') this.k.wake(this.idle, 0); }

  /** Its turn on cpu: passes until the work is done or it must give way. */
  private run(cpu: Cpu): void {
    const k = this.k, p = this.p;
    this.runs++;
    if (k.trace.on) k.trace.emit({ kind: 'netrx', ...k.at(), ctx: 'ksoftirqd', phase: 'begin' });
    const polls = this.net.counts.softirqPolls;
    let packets = 0;
    const end = () => { if (k.trace.on) k.trace.emit({ kind: 'netrx', ...k.at(), ctx: 'ksoftirqd', phase: 'end', packets, polls: this.net.counts.softirqPolls - polls }); };
    for (;;) {
      if (!this.net.napiScheduled) { end(); k.sleepOn(p, this.idle); return; }
      packets += this.net.rxAction(p);
      if (cpu.hart.cycle >= cpu.programmedAt) k.sched.timerInterrupt(cpu, p, true);
      if (cpu.needResched || cpu.runq.length > 0 || k.stopping()) { end(); p.nivcsw++; k.sched.preemptNow(cpu, p, 'preempt'); return; }
    }
  }
}
