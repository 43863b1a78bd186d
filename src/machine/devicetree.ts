// The board's devicetree, in the shape QEMU's virt board gives its guests
// (compare `qemu-system-riscv64 -machine virt,dumpdtb=FILE`), so that an
// unmodified kernel finds lde's devices where it looks for QEMU's. Bindings:
// Linux's Documentation/devicetree/bindings (riscv/cpus.yaml,
// interrupt-controller/sifive,plic-1.0.0.yaml, timer/sifive,clint.yaml,
// serial/8250.yaml, virtio/mmio.yaml, power/reset/syscon-poweroff.yaml).
// What differs from QEMU, because lde's board differs:
//   - the ISA string is what lde's harts implement (rv64imafdc, Zicsr,
//     Zifencei, Sstc), and the MMU is Sv39;
//   - the PLIC has two contexts per hart (plic.ts), so its
//     interrupts-extended names each hart's M and S external interrupts;
//   - only the virtio-mmio slots that hold a device are listed.

import { cells, FdtNode, reg64, writeFdt } from './fdt.js';
import { CLINT_BASE, CLINT_SIZE } from './clint.js';
import { SYSCON_BASE, SYSCON_SIZE, POWER_PASS, POWER_RESET } from './syscon.js';
import { PLIC_BASE, UART_BASE, UART_IRQ } from './board.js';
import { RAM_BASE } from './bus.js';
import { PLIC_SOURCES } from './plic.js';
import { Irq } from './csr.js';

export const TIMEBASE_HZ = 10_000_000;
export const HART_ISA = 'rv64imafdc_zicsr_zifencei_sstc';
const PLIC_REG_SIZE = 0x600000, UART_CLOCK = 3_686_400;

export interface TreeOptions {
  memBytes: number;
  harts: number;
  /** The kernel command line (chosen/bootargs). */
  bootargs?: string;
  /** Where the loader put an initrd: [start, end) physical addresses. */
  initrd?: [number, number];
  /** The virtio-mmio slots that hold a device: base address and PLIC source. */
  virtio?: { base: number; irq: number }[];
  /** RAM the kernel must not use (the firmware's window): a /reserved-memory node with no-map. */
  reserved?: [number, number];
  /**
   * /chosen/rng-seed: entropy for the kernel from its bootloader, as QEMU's
   * virt board gives 32 bytes. Linux credits it (random.trust_bootloader),
   * so its random number generator is ready from the start; without it,
   * every get_random_*() before enough entropy has come takes the slow path
   * (BLAKE2s and ChaCha20 each time), and Debian's kernel randomizes the
   * kernel stack offset on every system call.
   */
  rngSeed?: Uint8Array;
}

/** The board's devicetree as a node tree (see writeFdt for the blob). */
export function boardTree(o: TreeOptions): FdtNode {
  const root = new FdtNode('')
    .prop('#address-cells', cells(2)).prop('#size-cells', cells(2))
    .prop('compatible', 'riscv-virtio').prop('model', 'riscv-virtio,lde');
  const chosen = root.child('chosen').prop('stdout-path', '/soc/serial@10000000');
  if (o.bootargs !== undefined) chosen.prop('bootargs', o.bootargs);
  if (o.rngSeed !== undefined) chosen.prop('rng-seed', o.rngSeed);
  if (o.initrd !== undefined) {
    chosen.prop('linux,initrd-start', { cells64: [BigInt(o.initrd[0])] });
    chosen.prop('linux,initrd-end', { cells64: [BigInt(o.initrd[1])] });
  }
  root.child(`memory@${hex(RAM_BASE)}`).prop('device_type', 'memory').prop('reg', reg64(RAM_BASE, o.memBytes));
  if (o.reserved !== undefined) {
    root.child('reserved-memory').prop('#address-cells', cells(2)).prop('#size-cells', cells(2)).prop('ranges', true)
      .child(`mmode_resources@${hex(o.reserved[0])}`).prop('reg', reg64(...o.reserved)).prop('no-map', true);
  }

  const cpus = root.child('cpus').prop('#address-cells', cells(1)).prop('#size-cells', cells(0))
    .prop('timebase-frequency', cells(TIMEBASE_HZ));
  // phandles: 1 + hart for each hart's interrupt controller, then the PLIC and the syscon.
  const intc = (h: number): number => 1 + h;
  const plicHandle = o.harts + 1, sysconHandle = o.harts + 2;
  for (let h = 0; h < o.harts; h++) {
    const cpu = cpus.child(`cpu@${h}`).prop('phandle', cells(100 + h)).prop('device_type', 'cpu').prop('reg', cells(h))
      .prop('status', 'okay').prop('compatible', 'riscv').prop('riscv,isa', HART_ISA).prop('mmu-type', 'riscv,sv39');
    cpu.child('interrupt-controller').prop('#interrupt-cells', cells(1)).prop('interrupt-controller', true)
      .prop('compatible', 'riscv,cpu-intc').prop('phandle', cells(intc(h)));
  }
  const cluster = cpus.child('cpu-map').child('cluster0');
  for (let h = 0; h < o.harts; h++) cluster.child(`core${h}`).prop('cpu', cells(100 + h));

  const soc = root.child('soc').prop('#address-cells', cells(2)).prop('#size-cells', cells(2))
    .prop('compatible', 'simple-bus').prop('ranges', true);
  soc.child(`test@${hex(SYSCON_BASE)}`).prop('phandle', cells(sysconHandle)).prop('reg', reg64(SYSCON_BASE, SYSCON_SIZE))
    .prop('compatible', ['sifive,test1', 'sifive,test0', 'syscon']);
  soc.child(`serial@${hex(UART_BASE)}`).prop('interrupts', cells(UART_IRQ)).prop('interrupt-parent', cells(plicHandle))
    .prop('clock-frequency', cells(UART_CLOCK)).prop('reg', reg64(UART_BASE, 0x100)).prop('compatible', 'ns16550a');
  for (const v of [...(o.virtio ?? [])].sort((a, b) => b.base - a.base)) {
    soc.child(`virtio_mmio@${hex(v.base)}`).prop('interrupts', cells(v.irq)).prop('interrupt-parent', cells(plicHandle))
      .prop('reg', reg64(v.base, 0x1000)).prop('compatible', 'virtio,mmio');
  }
  soc.child(`plic@${hex(PLIC_BASE)}`).prop('phandle', cells(plicHandle)).prop('riscv,ndev', cells(PLIC_SOURCES - 1))
    .prop('reg', reg64(PLIC_BASE, PLIC_REG_SIZE)).prop('interrupts-extended', cells(...Array.from({ length: o.harts }, (_, h) => [intc(h), Irq.MEI, intc(h), Irq.SEI]).flat()))
    .prop('interrupt-controller', true).prop('compatible', ['sifive,plic-1.0.0', 'riscv,plic0'])
    .prop('#address-cells', cells(0)).prop('#interrupt-cells', cells(1));
  const clintIrqs: number[] = [];
  for (let h = 0; h < o.harts; h++) clintIrqs.push(intc(h), Irq.MSI, intc(h), Irq.MTI);
  soc.child(`clint@${hex(CLINT_BASE)}`).prop('interrupts-extended', cells(...clintIrqs))
    .prop('reg', reg64(CLINT_BASE, CLINT_SIZE)).prop('compatible', ['sifive,clint0', 'riscv,clint0']);
  root.child('poweroff').prop('value', cells(POWER_PASS)).prop('offset', cells(0)).prop('regmap', cells(sysconHandle))
    .prop('compatible', 'syscon-poweroff');
  root.child('reboot').prop('value', cells(POWER_RESET)).prop('offset', cells(0)).prop('regmap', cells(sysconHandle))
    .prop('compatible', 'syscon-reboot');
  return root;
}

/** The board's devicetree blob. */
export function boardDtb(o: TreeOptions): Uint8Array {
  return writeFdt(boardTree(o));
}

const hex = (n: number): string => n.toString(16);
