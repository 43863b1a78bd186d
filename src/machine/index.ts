// The machine's public port: everything a kernel (src/kernel) or a
// supervisor (src/demo) may use. DESIGN.md: the kernel sees a Hart with
// run(budget): Exit, sret(), register and CSR access, and physical memory.
export { Board, DEFAULT_MEM, MAX_MEM, MAX_HARTS, PLIC_BASE, VIRTIO0_BASE, VIRTIO0_IRQ, type BoardOptions } from './board.js';
export { Reg as VirtioReg, Status as VirtioStatus, INT_USED, VIRTIO_MAGIC, VIRTIO_F_VERSION_1, VIRTQ_DESC_F_WRITE, VIRTQ_AVAIL_F_NO_INTERRUPT } from './virtio-mmio.js';
export { MemoryDisk, VirtioBlk, SECTOR, VIRTIO_ID_BLOCK, type BlockBackend } from './virtio-blk.js';
export { VirtioRng, VIRTIO_ID_ENTROPY } from './virtio-rng.js';
export { VirtioConsole } from './virtio-console.js';
export { NetCfg, VIRTIO_ID_NET, VIRTIO_NET_F_MAC, NET_HDR_LEN, RX_QUEUE, TX_QUEUE, type NicOptions } from './virtio-net.js';
export { GUEST_IP, FRAME_LEN, ETH_HLEN, IP_HLEN, UDP_HLEN, ipChecksum, udpFrame, type SourceOptions } from './net-source.js';
export { Hart, CYCLES_PER_TICK, type Exit, type TrapExitInfo } from './hart.js';
export type { HartPort, RegSave } from './port.js';
export { Bus, RAM_BASE, PAGE } from './bus.js';
export { Csr, Irq, St, ENVCFG_STCE, csrRead, csrWrite } from './csr.js';
export { Mode, Cause, CAUSE_NAMES, INTERRUPT_NAMES } from './trap.js';
export { Access, walk } from './mmu.js';
export { PageTrace } from './pagerefs.js';
export { runBare, BareMachine, BareError, type BareOptions, type BareResult } from './bare.js';
export { PhysMem, type Snooper } from './phys.js';
export { pairBig, setPairBig, setPairNum } from './pair.js';
export { PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_G, PTE_A, PTE_D, PTE_FLAGS, PTE_RSW0, PTE_RSW1, pteLo, pteHi, ptePa } from './pte.js';
export { HI6220, PowerMeter, transitionJoules, type PowerModel, type IdleState, type EnergyReport } from './power.js';
export { JIT_THRESHOLD, GUEST_JIT_THRESHOLD, jitDefault, sumStats as sumJitStats, formatJitStats, type JitStats, type JitOptions } from './jit/jit.js';
export { HartCounts, countsBetween, trapList, trapsOf, type HartSnapshot } from './counts.js';
