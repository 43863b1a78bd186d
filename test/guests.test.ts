// Guest kernels nobody here wrote, under `lde boot` (issue 14): xv6-riscv
// and Debian's Linux. Their sources and binaries are never in this
// repository; docs/guests.md says how to build or fetch them, and these
// tests find them through environment variables:
//
//   LDE_XV6=DIR     a built xv6-riscv tree (DIR/kernel/kernel and DIR/fs.img)
//   LDE_LINUX=DIR   DIR/vmlinux (or DIR/Image) and DIR/initrd.cpio.gz, an
//                   initramfs whose /init prints a line and starts a shell
//
// Each test talks to the guest's console as a person would: it waits for
// the prompt, types a command, and reads the answer. xv6 never powers off,
// so its run is ended by the test once the last answer is in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { LDE, HANG_GUARD_MS } from './helpers/cli.js';

interface Step { expect: string; send?: string }

/**
 * Runs `lde boot ARGS` and holds a conversation: for each step, waits until
 * the console's output (after the previous step's match) contains `expect`,
 * then types `send`. Resolves with the whole output once the last step
 * matched (and the run was ended), or once lde exits; the caller checks.
 */
function converse(args: string[], steps: Step[], kill = true): Promise<{ out: string; err: string; status: number | null; done: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [LDE, 'boot', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '', from = 0, done = 0;
    const guard = setTimeout(() => child.kill('SIGKILL'), HANG_GUARD_MS);
    const advance = (): void => {
      while (done < steps.length) {
        const at = out.indexOf(steps[done].expect, from);
        if (at < 0) return;
        from = at + steps[done].expect.length;
        if (steps[done].send !== undefined) child.stdin.write(steps[done].send);
        done++;
      }
      if (kill) child.kill('SIGKILL');
      else child.stdin.end();
    };
    child.stdout.on('data', (d: Buffer) => { out += d.toString('latin1'); advance(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdin.on('error', () => {});
    child.on('close', (status) => { clearTimeout(guard); resolve({ out, err, status, done }); });
  });
}

const xv6 = process.env.LDE_XV6;
const xv6Skip = xv6 === undefined ? 'set LDE_XV6 to a built xv6-riscv tree (docs/guests.md) to boot xv6'
  : !existsSync(`${xv6}/kernel/kernel`) || !existsSync(`${xv6}/fs.img`) ? `LDE_XV6=${xv6} has no kernel/kernel and fs.img (make kernel/kernel fs.img)` : false;

for (const harts of [1, 3]) {
  test(`xv6-riscv boots to its shell on ${harts} hart(s), reads and writes its disk (--bios none, virtio-blk)`, { skip: xv6Skip }, async () => {
    const r = await converse(['--bios', 'none', '--kernel', `${xv6}/kernel/kernel`, '--drive', `${xv6}/fs.img`, '--smp', String(harts), '--mem', '128M'], [
      { expect: 'init: starting sh\n$ ', send: 'ls\n' },
      { expect: '\n$ ', send: 'echo lde was here > note\n' },
      { expect: '\n$ ', send: 'cat note\n' },
      { expect: 'lde was here\n$ ', send: 'wc README\n' },
      { expect: ' README\n$ ' },
    ]);
    assert.equal(r.done, 5, `the conversation stopped at step ${r.done}; console:\n${r.out.slice(-2000)}\nstderr:\n${r.err}`);
    assert.match(r.out, /\nREADME +2 2 \d+\n/, 'ls lists the disk image\'s files');
    assert.match(r.out, /\nconsole +3 \d+ 0\n/, 'and the console device');
    assert.match(r.out, /\n\d+ \d+ \d+ README\n/);
  });
}

const linux = process.env.LDE_LINUX;
const kernelOf = (dir: string): string | undefined => ['vmlinux', 'Image'].map((f) => `${dir}/${f}`).find(existsSync)
  ?? readdirSync(`${dir}/boot`, { withFileTypes: true }).map((e) => `${dir}/boot/${e.name}`).find((f) => /\/vmlinux-/.test(f));
const linuxKernel = linux !== undefined && existsSync(linux) ? (() => { try { return kernelOf(linux); } catch { return undefined; } })() : undefined;
const linuxSkip = linux === undefined ? 'set LDE_LINUX to a directory with a riscv64 Linux kernel and initrd.cpio.gz (scripts/linux-guest.sh, docs/guests.md) to boot Linux'
  : linuxKernel === undefined || !existsSync(`${linux}/initrd.cpio.gz`) ? `LDE_LINUX=${linux} has no vmlinux or Image and initrd.cpio.gz` : false;

test('Linux boots to a busybox shell, uses the virtio disk, entropy and network devices, and powers off (lde\'s SBI)', { skip: linuxSkip }, async () => {
  const dir = mkdtempSync(`${tmpdir()}/lde-linux-`), disk = `${dir}/disk.img`;
  const bytes = new Uint8Array(1 << 20);
  bytes.set(new TextEncoder().encode('sector three of the host file\n'), 3 * 512);
  writeFileSync(disk, bytes);
  try {
    const r = await converse(['--kernel', linuxKernel!, '--initrd', `${linux}/initrd.cpio.gz`, '--append', 'console=ttyS0 quiet rdinit=/init',
      '--mem', '256M', '--drive', disk, '--rng', '--nic', '--nic-rate', '1000'], [
      { expect: 'is up on 1 hart(s)', send: 'echo $((6 * 7)) answers; cat /sys/block/vda/size; dd if=/dev/vda bs=512 skip=3 count=1 2>/dev/null | head -n 1; cat /sys/class/misc/hw_random/rng_current; '
        // eth0: up, an address, a second of the source's 1,000 packets a second, then an ARP request for 10.0.2.2 (which nothing answers).
        + 'ip link set eth0 up; ip addr add 10.0.2.15/24 dev eth0; cat /sys/class/net/eth0/address; sleep 1; echo rx $(cat /sys/class/net/eth0/statistics/rx_packets); '
        + 'ping -c 1 -W 1 10.0.2.2 >/dev/null 2>&1; echo tx $(cat /sys/class/net/eth0/statistics/tx_packets); poweroff -f\n' },
      { expect: '42 answers' },
    ], false);
    assert.equal(r.done, 2, `console:\n${r.out.slice(-3000)}\nstderr:\n${r.err}`);
    assert.match(r.out, /\n2048\r?\n/, 'the disk\'s size in sectors');
    assert.match(r.out, /\nsector three of the host file\r?\n/, 'sector 3 read through virtio-blk');
    assert.match(r.out, /\nvirtio_rng\.\d+\r?\n/, 'the entropy device is the current hw_random source');
    assert.match(r.out, /\n52:54:00:12:34:56\r?\n/, 'eth0 has the virtio-net device\'s MAC');
    const rx = Number(/\nrx (\d+)\r?\n/.exec(r.out)?.[1]), tx = Number(/\ntx (\d+)\r?\n/.exec(r.out)?.[1]);
    assert.ok(rx >= 500 && rx <= 1100, `eth0 received about a second of the source's traffic: ${rx} packets`);
    assert.ok(tx >= 1, `eth0 sent the ARP request (and maybe IPv6 neighbour discovery): ${tx} packets`);
    assert.equal(r.status, 0, `poweroff -f ends lde with status 0; stderr: ${r.err}`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

// Four harts, or a second boot, on the interpreter alone take minutes of host time: these run in the JIT suite only.
const smpSkip = linuxSkip || (process.env.LDE_JIT === 'off' ? 'this Linux boot runs with the JIT on (npm test); on the interpreter alone it takes minutes' : false);

test('Linux boots on 4 harts and sees them all (HSM hart start, IPIs, remote fences through lde\'s SBI)', { skip: smpSkip }, async () => {
  const r = await converse(['--kernel', linuxKernel!, '--initrd', `${linux}/initrd.cpio.gz`, '--append', 'console=ttyS0 quiet rdinit=/init',
    '--mem', '256M', '--smp', '4'], [
    { expect: 'is up on 4 hart(s)', send: 'cat /sys/devices/system/cpu/online; poweroff -f\n' },
    { expect: '0-3' },
  ], false);
  assert.equal(r.done, 2, `console:\n${r.out.slice(-3000)}\nstderr:\n${r.err}`);
  assert.equal(r.status, 0, `stderr: ${r.err}`);
});

test('Linux on the virtio console: console=hvc0, typed input goes through receiveq and the shell answers on transmitq', { skip: smpSkip }, async () => {
  const r = await converse(['--kernel', linuxKernel!, '--initrd', `${linux}/initrd.cpio.gz`, '--append', 'console=hvc0 quiet rdinit=/init',
    '--mem', '256M', '--virtio-console', '--stats'], [
    { expect: 'is up on 1 hart(s)' },
    { expect: '# ', send: 'echo hvc $((6 * 7)); cat /proc/consoles; poweroff -f\n' },
    { expect: 'hvc 42' },
  ], false);
  assert.equal(r.done, 3, `console:\n${r.out.slice(-3000)}\nstderr:\n${r.err}`);
  assert.match(r.out, /\nhvc0 +-W-/, 'hvc0 is the kernel\'s console');
  assert.match(r.err, /virtio-console: [\d,]+ bytes out, [1-9][\d,]* in/);
  assert.equal(r.status, 0, `stderr: ${r.err}`);
});
