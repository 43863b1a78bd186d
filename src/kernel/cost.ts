// The kernel's cost table (DESIGN.md "Time"). Kernel code is TypeScript: it
// runs between two guest instructions and retires none, so the virtual time
// its work takes is what this table charges (Kernel.charge).
// These charges are what the same work takes on real hardware, so that
// system time, syscall latency and scheduling delays read like a real
// machine's. Cycles at the 1 GHz virtual clock (a cycle is a nanosecond).
//
// Source of every default: `npm run bench:kernel`, which runs the same loops
// natively on the host (Linux, x86-64, 2-vCPU VM, pinned to one CPU, best of
// 3; the README's table, measured 2026-11). A default with no measurement of
// its own says which measured operation it borrows. Change them here, or
// re-measure on your own hardware with the same bench.

export interface CostTable {
  /** Trap entry + exit around a system call: a null call (getppid) round trip, measured natively at 168 ns. */
  syscall: number;
  /** A timer interrupt's entry and exit; no separate measurement: charged as the null system call's crossing. */
  interrupt: number;
  /** A demand-zero page fault (entry, allocate, zero, map, exit), measured natively at 1.9 µs. */
  fault: number;
  /** A copy-on-write fault copies a page where demand-zero clears one; no separate measurement: charged as `fault`. */
  cowFault: number;
  /**
   * fork: measured natively as fork + exit + wait together at 110 µs for a
   * small process, all charged to fork; a bigger address space adds `item`
   * per PTE and VMA copied (mm/work.ts), as copying page tables does.
   */
  fork: number;
  /**
   * A context switch to another process: from the native pipe ping-pong
   * (4.9 µs per round trip = two switches plus four null-call crossings):
   * (4900 - 4 × 168) / 2 ≈ 2,100 ns.
   */
  contextSwitch: number;
  /** Copying between user and kernel memory, per KiB: pread(2) of a cached 1 MiB file against a 1-byte one, natively 0.035 ns/byte. */
  copyPerKiB: number;
  /** One page-table entry changed (mprotect, munmap, madvise): mprotect of 16,384 present pages, natively 89 ns per page. */
  pageOp: number;
  /**
   * One mapping, name, directory entry or list node visited: no measurement
   * of its own; an estimate of a cache-missing pointer chase (about 10 ns),
   * so that a walk the guest makes long costs time in proportion.
   */
  item: number;
  /**
   * A NIC's hard interrupt (net/nic.ts), beside the work it does: entry and
   * exit (as `interrupt`, 168) plus the device registers it touches: the
   * PLIC claim and virtio's InterruptStatus are uncached MMIO reads, about
   * 500 ns each over PCIe (Neugebauer et al., "Understanding PCIe
   * performance for end host networking", SIGCOMM 2018), the ACK and the
   * completion posted writes of about 100 ns: 168 + 2 × 500 + 2 × 100 ≈ 1,400.
   */
  hardirq: number;
  /**
   * One received frame through the protocol (net/udp.ts: Ethernet, IPv4,
   * UDP, the socket lookup, the queue and the reader's wake-up) and back on
   * the RX ring. Natively (bench in docs/nic.md) a 32-byte UDP send on the
   * loopback, which runs the send and the receive paths inline on one CPU,
   * takes 1,680 ns, and getppid 113 ns: half of it, scaled by this table's
   * null call (168 / 113), is 840 × 1.49 ≈ 1,250.
   */
  netRx: number;
  /** One NAPI poll's own work (scheduling it, the ring check, re-enabling interrupts): no measurement, charged as a null call's crossing. */
  napiPoll: number;
}

export const DEFAULT_COSTS: Readonly<CostTable> = {
  syscall: 168,
  interrupt: 168,
  fault: 1900,
  cowFault: 1900,
  fork: 110_000,
  contextSwitch: 2100,
  copyPerKiB: 36,
  pageOp: 89,
  item: 10,
  hardirq: 1400,
  netRx: 1250,
  napiPoll: 168,
};
