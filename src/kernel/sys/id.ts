// Ids and owners: the set*id family, the supplementary groups, fchown and
// fchownat. lde has one set of ids for every process of a run (kernel.ts
// user): root, or nobody (65534) under --sandbox; real, effective, saved
// and filesystem ids are that one id. So a call that asks for the ids a
// process already has succeeds, an unprivileged call that asks for others
// fails with EPERM as on Linux (credentials(7)), and root, which Linux
// would let take any id, is refused too (status partial: ids are not per
// process yet). The getters are in proc.ts.
//
// Owners follow chown(2): only root (CAP_CHOWN) gives a file another
// owner; the owner may change its group to one it belongs to; EROFS comes
// before EPERM (Linux takes write access to the mount first); a
// successful chown of a non-directory clears set-user-ID and, with group
// execute, set-group-ID. tmpfs keeps owners; a --rw host file keeps the
// host's (lde is not root on the host), so only a change to nothing works.

import type { SyscallDef } from '../abi/call.js';
import { ATFL, DIRFD, FD, I, PATH, P, v } from '../abi/strace-args.js';
import { struct, type Ctx as StraceCtx } from '../abi/strace-mem.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import type { Vnode } from '../fs/vfs.js';
import { TmpNode } from '../fs/tmpfs.js';
import { originOf } from '../fs/vfs.js';
import { copyIn } from '../mm/uaccess.js';
import { owned, resolveAt } from './path.js';
import { EBADF, EFAULT, EINVAL, EPERM, EROFS } from '../errno.js';

/** (uid_t) -1: leave this id as it is. */
const NONE = 0xffffffff;
const AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000, NGROUPS_MAX = 65536;
const S_ISUID = 0o4000, S_ISGID = 0o2000, S_IXGRP = 0o010;

const uidOf = (k: Kernel) => k.user?.uid ?? 0;
const gidOf = (k: Kernel) => k.user?.gid ?? 0;
const ID = v((n) => String(n | 0));

/** set*id with these ids (each -1 or an id): 0 when none changes anything, else EPERM. */
function keep(ids: readonly number[], cur: number): number {
  return ids.every((id) => (id >>> 0) === NONE || (id >>> 0) === cur) ? 0 : -EPERM;
}

/** chown's permission check and change of node, for the caller's ids; see the header. */
export function chown(k: Kernel, node: Vnode, uid: number, gid: number): number {
  if (node.fs.readOnly) return -EROFS;
  const u = uid >>> 0, g = gid >>> 0, st = owned(k, node.stat());
  const same = (u === NONE || u === st.uid) && (g === NONE || g === st.gid);
  if (k.user !== undefined) {
    // chown_ok and chgrp_ok (fs/attr.c): without CAP_CHOWN the owner stays, and the group may become one of the caller's.
    if ((u !== NONE && u !== st.uid) || (g !== NONE && g !== st.gid && g !== k.user.gid)) return -EPERM;
  }
  if (!(node instanceof TmpNode)) return same ? 0 : -EPERM;
  if (k.user === undefined) {
    if (u !== NONE) node.uid = u;
    if (g !== NONE) node.gid = g;
  }
  if (node.kind !== 'dir') node.mode &= ~(S_ISUID | ((node.mode & S_IXGRP) ? S_ISGID : 0));
  node.ctime = node.fs.now();
  return 0;
}

/** getgroups' list: lde's processes have no supplementary groups. */
const groups = (c: StraceCtx, va: number) => (c.ret <= 0 ? '[]' : struct(c, va, c.ret * 4, () => '[]'));

function setgroups(k: Kernel, p: Process, size: number, list: number): number {
  if (size < 0 || size > NGROUPS_MAX) return -EINVAL;
  if (k.user !== undefined) return -EPERM; // needs CAP_SETGID
  if (size > 0 && copyIn(p.as, list, size * 4) === undefined) return -EFAULT;
  return size === 0 ? 0 : -EPERM; // root asking for groups: not kept yet (partial)
}

function fchownat(k: Kernel, p: Process, a: readonly number[]): number {
  const flags = a[4];
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const at = resolveAt({ k, p }, a[0] | 0, a[1], flags, (flags & AT_SYMLINK_NOFOLLOW) === 0);
  return typeof at === 'number' ? at : chown(k, at.node, a[2], a[3]);
}

const ROOT_LIMIT = 'one set of ids for every process: a call that would change them gets EPERM, also from root';

export const ID_CALLS: SyscallDef[] = [
  // implements setuid(2)
  { name: 'setuid', status: 'partial', limits: ROOT_LIMIT, restart: 'none', args: [ID],
    handler: (k, _p, a) => ((a[0] >>> 0) === NONE ? -EINVAL : keep([a[0]], uidOf(k))) },
  // implements setgid(2)
  { name: 'setgid', status: 'partial', limits: ROOT_LIMIT, restart: 'none', args: [ID],
    handler: (k, _p, a) => ((a[0] >>> 0) === NONE ? -EINVAL : keep([a[0]], gidOf(k))) },
  // implements setreuid(2)
  { name: 'setreuid', status: 'partial', limits: ROOT_LIMIT, restart: 'none', args: [ID, ID],
    handler: (k, _p, a) => keep(a.slice(0, 2), uidOf(k)) },
  // implements setregid(2)
  { name: 'setregid', status: 'partial', limits: ROOT_LIMIT, restart: 'none', args: [ID, ID],
    handler: (k, _p, a) => keep(a.slice(0, 2), gidOf(k)) },
  // implements setresuid(2)
  { name: 'setresuid', status: 'partial', limits: ROOT_LIMIT, restart: 'none', args: [ID, ID, ID],
    handler: (k, _p, a) => keep(a.slice(0, 3), uidOf(k)) },
  // implements setresgid(2)
  { name: 'setresgid', status: 'partial', limits: ROOT_LIMIT, restart: 'none', args: [ID, ID, ID],
    handler: (k, _p, a) => keep(a.slice(0, 3), gidOf(k)) },
  // implements setfsuid(2): returns the filesystem uid, which stays (Linux returns the old id whether or not it changed)
  { name: 'setfsuid', status: 'partial', limits: ROOT_LIMIT, restart: 'none', args: [ID],
    handler: (k) => uidOf(k) },
  // implements setfsgid(2), as setfsuid
  { name: 'setfsgid', status: 'partial', limits: ROOT_LIMIT, restart: 'none', args: [ID],
    handler: (k) => gidOf(k) },
  // implements getgroups(2): no supplementary groups, so 0 and nothing written
  { name: 'getgroups', status: 'full', restart: 'none', args: [I, { at: 'exit', f: groups }],
    handler: (_k, _p, a) => ((a[0] | 0) < 0 ? -EINVAL : 0) },
  // implements setgroups(2)
  { name: 'setgroups', status: 'partial', limits: 'root may clear the list (size 0); a list is refused with EPERM: groups are not kept', restart: 'none',
    args: [I, P], handler: (k, p, a) => setgroups(k, p, a[0] | 0, a[1]) },
  // implements fchown(2)
  { name: 'fchown', status: 'full', restart: 'none', args: [FD, ID, ID],
    handler: (k, p, a) => {
    const f = a[0] >= 0 ? p.files[a[0]] : undefined;
    if (f === undefined || (f.flags & 0o10000000) /* O_PATH */) return -EBADF;
    const o = originOf(f);
    // A pipe or the console (no vnode): its owner is the caller; only root gives it away, and it keeps no owner here.
    if (o === undefined) return k.user === undefined ? 0 : keep([a[1]], uidOf(k)) || keep([a[2]], gidOf(k));
    return chown(k, o.node, a[1], a[2]);
  } },
  // implements fchownat(2), with AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH
  { name: 'fchownat', status: 'full', restart: 'none', args: [DIRFD, PATH, ID, ID, ATFL],
    handler: (k, p, a) => fchownat(k, p, a) },
];
