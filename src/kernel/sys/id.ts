// Ids and owners: the uid and gid calls (getters and the set*id family),
// the supplementary groups, fchown and fchownat. Each task has its own
// credentials (sched/proc.ts Cred; inherited by clone and fork, kept by
// execve); the first process has root's, or nobody's (65534) under
// --sandbox. There are no capabilities: a task is privileged for the
// set*id calls (CAP_SETUID, CAP_SETGID) while its effective uid is 0, and
// for chown (CAP_CHOWN) while its effective and filesystem uids are 0, as
// Linux's capability emulation for set*id (capabilities(7) "Effect of user
// ID changes on capabilities") leaves a process that has root's
// capabilities at euid 0. The rules are credentials(7)'s and setresuid(2)'s.
//
// Owners follow chown(2): only a privileged caller gives a file another
// owner; the owner may change its group to one it belongs to; EROFS comes
// before EPERM (Linux takes write access to the mount first); a
// successful chown of a non-directory clears set-user-ID and, with group
// execute, set-group-ID. tmpfs keeps owners; a --rw host file keeps the
// host's (lde is not root on the host), so only a change to nothing works.

import type { SyscallDef } from '../abi/call.js';
import { ATFL, DIRFD, FD, I, PATH, P, out, v } from '../abi/strace-args.js';
import { struct, type Ctx as StraceCtx } from '../abi/strace-mem.js';
import type { Kernel } from '../kernel.js';
import { credOf, type Cred, type Process } from '../sched/proc.js';
import type { Vnode } from '../fs/vfs.js';
import { TmpNode } from '../fs/tmpfs.js';
import { originOf } from '../fs/vfs.js';
import { copyIn, copyOut } from '../mm/uaccess.js';
import { accessOk } from './access.js';
import { owned, resolveAt } from './path.js';
import { EBADF, EFAULT, EINVAL, EPERM, EROFS } from '../errno.js';

/** (uid_t) -1: leave this id as it is. */
const NONE = 0xffffffff;
const AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000, NGROUPS_MAX = 65536;
const S_ISUID = 0o4000, S_ISGID = 0o2000, S_IXGRP = 0o010;

const ID = v((n) => String(n | 0));
const given = (id: number) => (id >>> 0) !== NONE;
const cred = (k: Kernel, p: Process): Cred => credOf(p, k.user);
/** CAP_SETUID and CAP_SETGID: held at effective uid 0. */
const privileged = (c: Cred) => c.euid === 0;
const inGroup = (c: Cred, g: number) => g === c.fsgid || c.groups.includes(g);

/** One family of ids (user or group): real, effective, saved, filesystem. */
interface Ids { r: number; e: number; s: number; fs: number; }
type Family = 'uid' | 'gid';
function idsOf(c: Cred, f: Family): Ids {
  return f === 'uid' ? { r: c.uid, e: c.euid, s: c.suid, fs: c.fsuid } : { r: c.gid, e: c.egid, s: c.sgid, fs: c.fsgid };
}
function setIds(c: Cred, f: Family, n: Ids): void {
  if (f === 'uid') { c.uid = n.r; c.euid = n.e; c.suid = n.s; c.fsuid = n.fs; } else { c.gid = n.r; c.egid = n.e; c.sgid = n.s; c.fsgid = n.fs; }
}

/** setuid(2), setgid(2): privileged, all four ids; otherwise the effective (and filesystem) one, to the real or saved id. */
function setId(k: Kernel, p: Process, f: Family, id: number): number {
  if (!given(id)) return -EINVAL;
  const c = cred(k, p), cur = idsOf(c, f), n = id >>> 0;
  if (privileged(c)) setIds(c, f, { r: n, e: n, s: n, fs: n });
  else if (n === cur.r || n === cur.s) setIds(c, f, { ...cur, e: n, fs: n });
  else return -EPERM;
  return 0;
}

/** setreuid(2), setregid(2): unprivileged, the real id may become the effective one, the effective any of the three; the saved id follows a change. */
function setReId(k: Kernel, p: Process, f: Family, r: number, e: number): number {
  const c = cred(k, p), cur = idsOf(c, f);
  const nr = given(r) ? r >>> 0 : cur.r, ne = given(e) ? e >>> 0 : cur.e;
  if (!privileged(c)) {
    if (given(r) && nr !== cur.r && nr !== cur.e) return -EPERM;
    if (given(e) && ne !== cur.r && ne !== cur.e && ne !== cur.s) return -EPERM;
  }
  // "If the real user ID is set or the effective user ID is set to a value not equal to the previous real user ID, the saved set-user-ID will be set to the new effective user ID."
  const ns = given(r) || (given(e) && ne !== cur.r) ? ne : cur.s;
  setIds(c, f, { r: nr, e: ne, s: ns, fs: ne });
  return 0;
}

/** setresuid(2), setresgid(2): unprivileged, each new id is one of the current real, effective and saved ids. */
function setResId(k: Kernel, p: Process, f: Family, ids: readonly number[]): number {
  const c = cred(k, p), cur = idsOf(c, f), allowed = [cur.r, cur.e, cur.s];
  if (!privileged(c) && ids.some((id) => given(id) && !allowed.includes(id >>> 0))) return -EPERM;
  const pick = (id: number, old: number) => (given(id) ? id >>> 0 : old);
  const ne = pick(ids[1], cur.e);
  setIds(c, f, { r: pick(ids[0], cur.r), e: ne, s: pick(ids[2], cur.s), fs: ne });
  return 0;
}

/** setfsuid(2), setfsgid(2): returns the old filesystem id; changes it to one of the four ids, or to any when privileged. */
function setFsId(k: Kernel, p: Process, f: Family, id: number): number {
  const c = cred(k, p), cur = idsOf(c, f), n = id >>> 0;
  if (given(id) && (privileged(c) || [cur.r, cur.e, cur.s, cur.fs].includes(n))) setIds(c, f, { ...cur, fs: n });
  return cur.fs;
}

/** getresuid(2), getresgid(2): the real, effective and saved ids into three user words. */
function putIds(p: Process, ptrs: readonly number[], ids: Ids): number {
  const vals = [ids.r, ids.e, ids.s], b = new Uint8Array(4), dv = new DataView(b.buffer);
  for (let i = 0; i < 3; i++) {
    dv.setUint32(0, vals[i], true);
    if (!accessOk(ptrs[i], 4) || !copyOut(p.as, ptrs[i], b)) return -EFAULT;
  }
  return 0;
}

/** chown's permission check and change of node, for the caller's ids; see the header. */
export function chown(k: Kernel, p: Process, node: Vnode, uid: number, gid: number): number {
  if (node.fs.readOnly) return -EROFS;
  const u = uid >>> 0, g = gid >>> 0, st = owned(k, node.stat()), c = cred(k, p);
  const same = (u === NONE || u === st.uid) && (g === NONE || g === st.gid);
  if (!(c.euid === 0 && c.fsuid === 0)) {
    // chown_ok and chgrp_ok (fs/attr.c): without CAP_CHOWN only the owner may act; the owner stays, the group may become one of the caller's.
    const owner = c.fsuid === st.uid;
    if (u !== NONE && !(owner && u === st.uid)) return -EPERM;
    if (g !== NONE && !(owner && (g === st.gid || inGroup(c, g)))) return -EPERM;
  }
  if (!(node instanceof TmpNode)) return same ? 0 : -EPERM;
  if (u !== NONE) node.uid = u;
  if (g !== NONE) node.gid = g;
  if (node.kind !== 'dir') node.mode &= ~(S_ISUID | ((node.mode & S_IXGRP) ? S_ISGID : 0));
  node.ctime = node.fs.now();
  return 0;
}

/** getgroups' list, as strace shows it. */
const groups = (c: StraceCtx, va: number) => (c.ret <= 0 ? '[]' : struct(c, va, c.ret * 4, (d) =>
  `[${Array.from({ length: Math.min(c.ret, 32) }, (_, i) => d.getUint32(4 * i, true)).join(', ')}${c.ret > 32 ? ', ...' : ''}]`));

/** getgroups(2): the count for size 0, else the list (EINVAL when it does not fit). */
function getgroups(k: Kernel, p: Process, size: number, list: number): number {
  const gs = cred(k, p).groups;
  if (size < 0) return -EINVAL;
  if (size === 0) return gs.length;
  if (size < gs.length) return -EINVAL;
  const b = new Uint8Array(gs.length * 4), dv = new DataView(b.buffer);
  gs.forEach((g, i) => dv.setUint32(4 * i, g, true));
  return copyOut(p.as, list, b) ? gs.length : -EFAULT;
}

/** setgroups(2): privileged only; the list is kept sorted, as Linux's groups_sort keeps it (getgroups returns that order). */
function setgroups(k: Kernel, p: Process, size: number, list: number): number {
  if (size < 0 || size > NGROUPS_MAX) return -EINVAL;
  const c = cred(k, p);
  if (!privileged(c)) return -EPERM;
  const b = size === 0 ? new Uint8Array(0) : copyIn(p.as, list, size * 4);
  if (b === undefined) return -EFAULT;
  k.work.items += size;
  const dv = new DataView(b.buffer);
  c.groups = Array.from({ length: size }, (_, i) => dv.getUint32(4 * i, true)).sort((x, y) => x - y);
  return 0;
}

function fchownat(k: Kernel, p: Process, a: readonly number[]): number {
  const flags = a[4];
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const at = resolveAt({ k, p }, a[0] | 0, a[1], flags, (flags & AT_SYMLINK_NOFOLLOW) === 0);
  return typeof at === 'number' ? at : chown(k, p, at.node, a[2], a[3]);
}

const ids = (c: StraceCtx, va: number) => struct(c, va, 4, (d) => `[${d.getUint32(0, true)}]`);

export const ID_CALLS: SyscallDef[] = [
  // implements getuid(2), geteuid(2), getgid(2), getegid(2)
  { name: 'getuid', status: 'full', restart: 'none', args: [], handler: (k, p) => cred(k, p).uid },
  { name: 'geteuid', status: 'full', restart: 'none', args: [], handler: (k, p) => cred(k, p).euid },
  { name: 'getgid', status: 'full', restart: 'none', args: [], handler: (k, p) => cred(k, p).gid },
  { name: 'getegid', status: 'full', restart: 'none', args: [], handler: (k, p) => cred(k, p).egid },
  // implements getresuid(2), getresgid(2)
  { name: 'getresuid', status: 'full', restart: 'none', args: [out(ids), out(ids), out(ids)],
    handler: (k, p, a) => putIds(p, a, idsOf(cred(k, p), 'uid')) },
  { name: 'getresgid', status: 'full', restart: 'none', args: [out(ids), out(ids), out(ids)],
    handler: (k, p, a) => putIds(p, a, idsOf(cred(k, p), 'gid')) },
  // implements setuid(2)
  { name: 'setuid', status: 'full', restart: 'none', args: [ID], handler: (k, p, a) => setId(k, p, 'uid', a[0]) },
  // implements setgid(2)
  { name: 'setgid', status: 'full', restart: 'none', args: [ID], handler: (k, p, a) => setId(k, p, 'gid', a[0]) },
  // implements setreuid(2)
  { name: 'setreuid', status: 'full', restart: 'none', args: [ID, ID], handler: (k, p, a) => setReId(k, p, 'uid', a[0], a[1]) },
  // implements setregid(2)
  { name: 'setregid', status: 'full', restart: 'none', args: [ID, ID], handler: (k, p, a) => setReId(k, p, 'gid', a[0], a[1]) },
  // implements setresuid(2)
  { name: 'setresuid', status: 'full', restart: 'none', args: [ID, ID, ID], handler: (k, p, a) => setResId(k, p, 'uid', a.slice(0, 3)) },
  // implements setresgid(2)
  { name: 'setresgid', status: 'full', restart: 'none', args: [ID, ID, ID], handler: (k, p, a) => setResId(k, p, 'gid', a.slice(0, 3)) },
  // implements setfsuid(2)
  { name: 'setfsuid', status: 'full', restart: 'none', args: [ID], handler: (k, p, a) => setFsId(k, p, 'uid', a[0]) },
  // implements setfsgid(2)
  { name: 'setfsgid', status: 'full', restart: 'none', args: [ID], handler: (k, p, a) => setFsId(k, p, 'gid', a[0]) },
  // implements getgroups(2)
  { name: 'getgroups', status: 'full', restart: 'none', args: [I, { at: 'exit', f: groups }],
    handler: (k, p, a) => getgroups(k, p, a[0] | 0, a[1]) },
  // implements setgroups(2)
  { name: 'setgroups', status: 'full', restart: 'none', args: [I, P], handler: (k, p, a) => setgroups(k, p, a[0] | 0, a[1]) },
  // implements fchown(2)
  { name: 'fchown', status: 'full', restart: 'none', args: [FD, ID, ID],
    handler: (k, p, a) => {
    const f = a[0] >= 0 ? p.files[a[0]] : undefined;
    if (f === undefined || (f.flags & 0o10000000) /* O_PATH */) return -EBADF;
    const o = originOf(f);
    // A pipe or the console (no vnode): its owner is the caller; only root gives it away, and it keeps no owner here.
    if (o === undefined) {
      const c = cred(k, p);
      if (c.euid === 0 && c.fsuid === 0) return 0;
      return (given(a[1]) && a[1] >>> 0 !== c.fsuid) || (given(a[2]) && !inGroup(c, a[2] >>> 0)) ? -EPERM : 0;
    }
    return chown(k, p, o.node, a[1], a[2]);
  } },
  // implements fchownat(2), with AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH
  { name: 'fchownat', status: 'full', restart: 'none', args: [DIRFD, PATH, ID, ID, ATFL],
    handler: (k, p, a) => fchownat(k, p, a) },
];
