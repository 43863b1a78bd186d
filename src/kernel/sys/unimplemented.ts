// The calls of Linux's riscv64 table that lde does not implement: each has
// an entry that returns ENOSYS, counted under its own name like any call,
// and shown by --strace with its name (`io_setup(0x20, 0x3ffffff000)
// = -1 ENOSYS (Function not implemented)`). Most are listed by their
// argument count (strace's nargs; their arguments show in hex, as strace's
// printargs does); the few strace-decoded ones that programs often probe
// keep a full decoder, so their lines read as strace's would.

import type { SyscallDef } from '../abi/call.js';
import type { SyscallName } from '../abi/sysno.js';
import { ENOSYS } from '../errno.js';
import { a, xl, out, rawArgs, UL, STR, X, TS, SIGSET, type ArgSpec } from '../abi/strace-args.js';
import { cstr } from '../abi/strace-mem.js';
import { PRCTL } from '../abi/abi-names.js';

/** The calls with no decoder of their own, by argument count. */
const BY_ARITY: Readonly<Record<number, readonly SyscallName[]>> = {
  0: ['munlockall', 'restart_syscall', 'vhangup'],
  1: ['acct', 'adjtimex', 'chroot', 'inotify_init1', 'io_destroy', 'memfd_secret', 'mlockall', 'mq_unlink',
    'personality', 'pkey_free', 'sched_get_priority_max', 'sched_get_priority_min', 'sched_getscheduler',
    'shmdt', 'swapoff', 'syncfs', 'timer_delete', 'timer_getoverrun', 'unshare', 'userfaultfd'],
  2: ['capget', 'capset', 'clock_adjtime', 'clock_settime', 'delete_module', 'fanotify_init', 'fremovexattr',
    'fsopen', 'getpriority', 'inotify_rm_watch', 'io_setup', 'ioprio_get',
    'landlock_restrict_self', 'lremovexattr', 'mlock', 'mq_notify', 'msgget', 'munlock', 'pidfd_open',
    'pivot_root', 'pkey_alloc', 'process_mrelease', 'removexattr', 'sched_getparam', 'sched_rr_get_interval',
    'sched_setparam', 'setdomainname', 'sethostname', 'setns', 'settimeofday', 'swapon', 'timer_gettime',
    'umount2'],
  3: ['bpf', 'finit_module', 'flistxattr', 'fsmount', 'fspick', 'init_module',
    'inotify_add_watch', 'io_cancel', 'io_submit', 'ioprio_set', 'landlock_create_ruleset', 'listxattr',
    'llistxattr', 'lookup_dcookie', 'lsm_list_modules', 'map_shadow_stack', 'mincore', 'mlock2',
    'mq_getsetattr', 'mseal', 'msgctl', 'nfsservctl', 'open_by_handle_at', 'open_tree', 'pidfd_getfd',
    'sched_setattr', 'sched_setscheduler', 'seccomp', 'semget', 'semop', 'set_mempolicy', 'setpriority',
    'shmat', 'shmctl', 'shmget', 'syslog', 'timer_create'],
  4: ['cachestat', 'fchmodat2', 'fgetxattr', 'futex_requeue', 'futex_wake', 'getxattr',
    'kexec_load', 'landlock_add_rule', 'lgetxattr', 'listmount', 'lsm_get_self_attr',
    'lsm_set_self_attr', 'migrate_pages', 'mknodat', 'mq_open', 'msgsnd', 'openat2', 'pidfd_send_signal',
    'pkey_mprotect', 'ptrace', 'quotactl', 'quotactl_fd', 'reboot', 'removexattrat', 'request_key',
    'rt_tgsigqueueinfo', 'sched_getattr', 'semctl', 'semtimedop', 'sendmmsg', 'set_mempolicy_home_node',
    'statmount', 'tee', 'timer_settime', 'vmsplice'],
  5: ['add_key', 'execveat', 'fanotify_mark', 'file_getattr', 'file_setattr', 'fsconfig', 'fsetxattr',
    'futex_waitv', 'get_mempolicy', 'io_getevents', 'kcmp', 'kexec_file_load', 'keyctl', 'listxattrat',
    'lsetxattr', 'mount', 'mount_setattr', 'move_mount', 'mq_timedreceive', 'mq_timedsend', 'msgrcv',
    'name_to_handle_at', 'open_tree_attr', 'perf_event_open', 'process_madvise', 'recvmmsg', 'remap_file_pages',
    'setxattr'],
  6: ['futex_wait', 'getxattrat', 'io_pgetevents', 'mbind', 'move_pages', 'process_vm_readv',
    'process_vm_writev', 'setxattrat', 'splice'],
};

/** The unimplemented calls strace decodes in full, with their decoders. */
const DECODED: readonly [SyscallName, ArgSpec, SyscallDef['result']?][] = [
  ['prctl', (r) => [xl(PRCTL, 'PR_???'), ...((r[0] | 0) === 15 ? [STR] : (r[0] | 0) === 16 ? [out((c, n) => cstr(c, n, 16))] : [X, X, X, X])]],
];
const enosys = () => -ENOSYS;

export const UNIMPLEMENTED_CALLS: SyscallDef[] = [
  ...Object.entries(BY_ARITY).flatMap(([n, names]) =>
    names.map((name): SyscallDef => ({ name, handler: enosys, status: 'unimplemented', args: rawArgs(Number(n)), restart: 'none' }))),
  ...DECODED.map(([name, args, result]): SyscallDef => ({ name, handler: enosys, status: 'unimplemented', args, result, restart: 'none' })),
];
