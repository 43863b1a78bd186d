// statfs(2) and fstatfs(2): what the filesystem holding a file says about
// itself (fs/fsinfo.ts): its magic number, its size and what is free, its
// flags. tmpfs reports its share of guest RAM, /proc zeros, and a host bind
// the host's own figures.

import type { SyscallDef } from '../abi/call.js';
import { FD, PATH, out } from '../abi/strace-args.js';
import { statfs as statfsText } from '../abi/strace-structs.js';
import { vfsOf } from '../fs/mounts.js';
import { originOf } from '../fs/vfs.js';
import { statfsBytes, statfsOf, statfsOfFile } from '../fs/fsinfo.js';
import { copyOut } from '../mm/uaccess.js';
import { AT_FDCWD, startOf, userPath } from './path.js';
import { EBADF, EFAULT, ENOENT } from '../errno.js';
import { accessOk } from './access.js';

const STATFS_SIZE = 120;

export const STATFS_CALLS: SyscallDef[] = [
  // implements statfs(2): the path is resolved with symlinks followed
  { name: 'statfs', status: 'full', restart: 'none', args: [PATH, out(statfsText)],
    handler: (k, p, a) => {
    const c = { k, p }, vfs = vfsOf(k);
    const path = userPath(p, a[0]);
    if (typeof path === 'number') return path;
    if (path === '') return -ENOENT;
    const start = startOf(c, vfs, AT_FDCWD, path);
    const at = typeof start === 'number' ? start : vfs.walk(c, start, path, true);
    if (typeof at === 'number') return at;
    if (!accessOk(a[1], STATFS_SIZE)) return -EFAULT;
    return copyOut(p.as, a[1], statfsBytes(statfsOf(k, at.node))) ? 0 : -EFAULT;
  } },
  // implements fstatfs(2): also on O_PATH descriptors, as Linux allows
  { name: 'fstatfs', status: 'full', restart: 'none', args: [FD, out(statfsText)],
    handler: (k, p, a) => {
    const f = a[0] >= 0 ? p.files[a[0]] : undefined;
    if (f === undefined) return -EBADF;
    const o = originOf(f);
    const s = o !== undefined ? statfsOf(k, o.node) : statfsOfFile(f);
    return copyOut(p.as, a[1], statfsBytes(s)) ? 0 : -EFAULT;
  } },
];
