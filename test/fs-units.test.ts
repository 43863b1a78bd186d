// The file systems' contracts for bounded host resources (issue 9), checked
// in process against a fake host whose every call is recorded:
// - a host file is read only where the guest reads, at any offset below 2^53,
//   and its host descriptor is closed once, when the last reference goes;
// - tmpfs gives back every byte of its limit that names and inodes took;
// - a held host directory follows a rename made through lde;
// - directory listings and path steps add to the kernel's work meter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostFs, HostHandle, HostStat } from '../src/kernel/host.js';
import type { Kernel } from '../src/kernel/kernel.js';
import { HostMount, HostNode } from '../src/kernel/fs/hostfs.js';
import { TmpFs, INODE_COST, NAME_COST } from '../src/kernel/fs/tmpfs.js';
import { RegularFile } from '../src/kernel/fs/file.js';
import { DirFile, Vfs, originOf, type Ctx } from '../src/kernel/fs/vfs.js';
import { Work } from '../src/kernel/mm/work.js';
import { KernelMemory } from '../src/kernel/mm/kmem.js';

const ctx = (): Ctx => ({ k: { work: new Work(), kmem: new KernelMemory(1 << 20) } as unknown as Kernel, p: undefined as never });
const EROFS = 30, ENOENT = 2;

/** A host with one file of `size` bytes at /big and directories /rw, /rw/a; records reads, opens and closes. */
function fakeHost(size: number) {
  const log: string[] = [];
  const dirs = new Set(['/', '/rw', '/rw/a']);
  const st = (kind: HostStat['kind'], n: number): HostStat => ({ kind, size: n, mode: 0o755, mtimeMs: 0, ino: 7 });
  const handle: HostHandle = {
    read(pos, len) { log.push(`read ${pos} ${len}`); return new Uint8Array(Math.max(0, Math.min(len, size - pos))); },
    write: () => -EROFS,
    truncate: () => -EROFS,
    stat: () => st('file', size),
    close() { log.push('close'); },
  };
  const lstat = (p: string) => (p === '/big' ? st('file', size) : dirs.has(p) ? st('dir', 0) : -ENOENT);
  const host: HostFs = {
    stat: lstat, lstat, readdir: () => [], readlink: () => -22,
    open(path, how) { log.push(`open ${path} ${how.write ? 'rw' : 'ro'}`); return path === '/big' ? handle : -ENOENT; },
    mkdir: () => 0, unlink: () => 0, rmdir: () => 0,
    rename(from, to) { log.push(`rename ${from} ${to}`); dirs.delete(from); dirs.add(to); return 0; },
  };
  return { host, log };
}

test('a read-only host file of 1 PiB is read only where the guest reads, and closed once at the last reference', () => {
  const size = 2 ** 50, { host, log } = fakeHost(size);
  const node = new HostMount(host, true, 0x10).node('/big') as HostNode;
  assert.equal(node.open(1), -EROFS, 'O_WRONLY on the read-only mount');
  const f = node.open(0) as RegularFile;
  assert.ok(f instanceof RegularFile);
  assert.equal(f.pread(size - 8, 4096).length, 8);
  assert.equal(f.pread(size, 8).length, 0);
  assert.equal(f.pread(2 ** 60, 8).length, 0, 'past the end: no host call');
  assert.equal(f.seek(size - 3, 0), size - 3);
  assert.equal((f.read(100) as Uint8Array).length, 3);
  f.close();
  assert.deepEqual(log, ['open /big ro', `read ${size - 8} 8`, `read ${size - 3} 3`, 'close']);
});

test('tmpfs gives back every byte its names, inodes, links, long symlinks and unnamed files took', () => {
  const fs = new TmpFs(0x21, '/tmp', 1024, () => [0, 0]), c = ctx();
  const root = fs.root, start = fs.meta;
  root.mkdir('d', 0o755);
  assert.equal(fs.meta - start, INODE_COST + NAME_COST);
  const file = root.create('f', 0o644, c);
  assert.ok(typeof file !== 'number');
  root.link('g', file);
  root.symlink('s', 'x'.repeat(200));
  assert.equal(fs.meta - start, 3 * INODE_COST + 4 * NAME_COST + 4096);
  const open = file.open(2, c) as RegularFile;
  open.write(new Uint8Array(10000));
  assert.equal(fs.pages, 3);
  for (const n of ['f', 'g', 's']) root.unlink(n);
  root.rmdir('d');
  assert.equal(fs.meta - start, INODE_COST, 'an unlinked open file keeps its inode');
  open.close();
  const tmp = root.tmpfile(0o600, c) as unknown as { open(f: number, c: Ctx): RegularFile };
  tmp.open(2, c).close();
  assert.equal(fs.meta, start);
  assert.equal(fs.pages, 0);
});

test('tmpfs refuses a name with ENOSPC when names and inodes fill its size, with no data written', () => {
  const fs = new TmpFs(0x21, '/tmp', 1, () => [0, 0]), c = ctx(); // one page: 4096 bytes
  const each = INODE_COST + NAME_COST, fit = Math.floor(4096 / each);
  for (let i = 0; i < fit; i++) assert.equal(fs.root.mkdir(`d${i}`, 0o755), 0);
  assert.equal(fs.root.create('one-more', 0o644, c), -28);
  assert.equal(fs.root.symlink('l', 'x'), -28);
});

test('a held host directory follows a rename made through lde, and one replaced by a rename is gone', () => {
  const { host } = fakeHost(0), mount = new HostMount(host, false, 0x30), c = ctx();
  const vfs = new Vfs(new Map([['/', mount.node('/') as HostNode]]));
  const a = vfs.walk(c, vfs.root, '/rw/a', true);
  assert.ok(typeof a !== 'number');
  const held = new DirFile(a, 0, vfs);
  const rw = mount.node('/rw') as HostNode;
  assert.equal(rw.rename('a', rw, 'b', c), 0);
  assert.deepEqual(originOf(held)?.path, '/rw/b');
  assert.equal((held.at.node as HostNode).hostPath, '/rw/b');
  held.close();
  assert.equal(rw.rename('b', rw, 'c', c), 0);
  assert.equal((held.at.node as HostNode).hostPath, '/rw/b', 'a closed directory is no longer followed');
  const d = new DirFile(vfs.walk(c, vfs.root, '/rw/c', true) as never, 0, vfs);
  assert.equal(rw.rename('x', rw, 'c', c), 0);
  assert.equal(d.at.node.lookup('y', c), -ENOENT, 'the directory the rename replaced has no entries');
});

test('listing a directory and walking a path add to the kernel work meter, one item per entry and per step', () => {
  const fs = new TmpFs(0x21, '/tmp', 1 << 20, () => [0, 0]), c = ctx();
  for (let i = 0; i < 499; i++) fs.root.create(`f${i}`, 0o644, c);
  fs.root.mkdir('d', 0o755);
  const work = c.k.work;
  work.reset();
  assert.equal((fs.root.list(c) as unknown[]).length, 500);
  assert.equal(work.items, 500);
  const vfs = new Vfs(new Map([['/', fs.root]]));
  work.reset();
  assert.ok(typeof vfs.walk(c, vfs.root, '/d/../f2', false) !== 'number');
  assert.equal(work.items, 3, 'three steps: d, .., f2');
  const dir = new DirFile(vfs.root, 0, vfs);
  work.reset();
  const out = dir.getdents(c, 1 << 20);
  assert.ok(typeof out !== 'number' && out.length > 0);
  assert.equal(work.items, 500 + 502, 'the listing (500) and the records with "." and ".." (502)');
});
