// io_uring's ABI (include/uapi/linux/io_uring.h, as of Linux 6.x): the
// struct layouts as byte offsets, the setup, enter and register flags, the
// opcode numbers and the SQE flags, written as lde's own data. The ring
// layout itself (where head, tail and the arrays sit in the ring mapping) is
// the kernel's choice and reported through io_uring_params; lde's is in
// fs/io-uring.ts.

import { flags, x } from './abi-names.js';
import { struct, type Ctx } from './strace-mem.js';

/** struct io_uring_params: 120 bytes; io_sqring_offsets at 40, io_cqring_offsets at 80 (40 bytes each). */
export const PARAMS = {
  size: 120, sqEntries: 0, cqEntries: 4, flags: 8, sqThreadCpu: 12, sqThreadIdle: 16, features: 20, wqFd: 24, resv: 28,
  sqOff: 40, cqOff: 80,
} as const;
/** io_sqring_offsets fields, from PARAMS.sqOff: head, tail, ring_mask, ring_entries, flags, dropped, array (u32 each), resv1, user_addr (u64). */
export const SQOFF = { head: 0, tail: 4, ringMask: 8, ringEntries: 12, flags: 16, dropped: 20, array: 24 } as const;
/** io_cqring_offsets fields, from PARAMS.cqOff: head, tail, ring_mask, ring_entries, overflow, cqes, flags (u32 each), resv1, user_addr. */
export const CQOFF = { head: 0, tail: 4, ringMask: 8, ringEntries: 12, overflow: 16, cqes: 20, flags: 24 } as const;

/** struct io_uring_sqe: 64 bytes. */
export const SQE = {
  size: 64, opcode: 0, flags: 1, ioprio: 2, fd: 4, off: 8, addr: 16, len: 24, opFlags: 28, userData: 32,
  bufIndex: 40, personality: 42, fileIndex: 44, addr3: 48,
} as const;
/** struct io_uring_cqe: user_data (u64), res (s32), flags (u32). */
export const CQE = { size: 16, userData: 0, res: 8, flags: 12 } as const;

/** mmap offsets of the rings and the SQE array. */
export const IORING_OFF_SQ_RING = 0, IORING_OFF_CQ_RING = 0x8000000, IORING_OFF_SQES = 0x10000000;

/** Most SQ entries (IORING_MAX_ENTRIES) and CQ entries (IORING_MAX_CQ_ENTRIES). */
export const IORING_MAX_ENTRIES = 32768, IORING_MAX_CQ_ENTRIES = 2 * IORING_MAX_ENTRIES;

export const IORING_SETUP_IOPOLL = 1, IORING_SETUP_SQPOLL = 2, IORING_SETUP_SQ_AFF = 4, IORING_SETUP_CQSIZE = 8,
  IORING_SETUP_CLAMP = 16, IORING_SETUP_ATTACH_WQ = 32, IORING_SETUP_R_DISABLED = 64, IORING_SETUP_SUBMIT_ALL = 128,
  IORING_SETUP_COOP_TASKRUN = 256, IORING_SETUP_TASKRUN_FLAG = 512, IORING_SETUP_SQE128 = 1024, IORING_SETUP_CQE32 = 2048,
  IORING_SETUP_SINGLE_ISSUER = 4096, IORING_SETUP_DEFER_TASKRUN = 8192, IORING_SETUP_NO_MMAP = 16384,
  IORING_SETUP_REGISTERED_FD_ONLY = 32768, IORING_SETUP_NO_SQARRAY = 65536;
export const SETUP_FLAGS = x({ IORING_SETUP_IOPOLL, IORING_SETUP_SQPOLL, IORING_SETUP_SQ_AFF, IORING_SETUP_CQSIZE,
  IORING_SETUP_CLAMP, IORING_SETUP_ATTACH_WQ, IORING_SETUP_R_DISABLED, IORING_SETUP_SUBMIT_ALL, IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_TASKRUN_FLAG, IORING_SETUP_SQE128, IORING_SETUP_CQE32, IORING_SETUP_SINGLE_ISSUER,
  IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_NO_MMAP, IORING_SETUP_REGISTERED_FD_ONLY, IORING_SETUP_NO_SQARRAY });

export const IORING_FEAT_SINGLE_MMAP = 1, IORING_FEAT_NODROP = 2, IORING_FEAT_SUBMIT_STABLE = 4, IORING_FEAT_RW_CUR_POS = 8,
  IORING_FEAT_FAST_POLL = 32, IORING_FEAT_POLL_32BITS = 64, IORING_FEAT_SQPOLL_NONFIXED = 128;

const FEATURES = x({ IORING_FEAT_SINGLE_MMAP, IORING_FEAT_NODROP, IORING_FEAT_SUBMIT_STABLE, IORING_FEAT_RW_CUR_POS,
  IORING_FEAT_CUR_PERSONALITY: 16, IORING_FEAT_FAST_POLL, IORING_FEAT_POLL_32BITS, IORING_FEAT_SQPOLL_NONFIXED });

/** strace's view of struct io_uring_params (after the call: the sizes and features the kernel filled in). */
export const paramsText = (c: Ctx, va: number) => struct(c, va, PARAMS.size, (d) => {
  const u = (o: number) => d.getUint32(o, true);
  return `{flags=${flags(u(PARAMS.flags), SETUP_FLAGS)}, sq_thread_cpu=${u(PARAMS.sqThreadCpu)}, sq_thread_idle=${u(PARAMS.sqThreadIdle)}, ` +
    `sq_entries=${u(PARAMS.sqEntries)}, cq_entries=${u(PARAMS.cqEntries)}, features=${flags(u(PARAMS.features), FEATURES)}, ...}`;
});

export const IORING_ENTER_GETEVENTS = 1, IORING_ENTER_SQ_WAKEUP = 2, IORING_ENTER_SQ_WAIT = 4, IORING_ENTER_EXT_ARG = 8,
  IORING_ENTER_REGISTERED_RING = 16;
export const ENTER_FLAGS = x({ IORING_ENTER_GETEVENTS, IORING_ENTER_SQ_WAKEUP, IORING_ENTER_SQ_WAIT, IORING_ENTER_EXT_ARG,
  IORING_ENTER_REGISTERED_RING });

/** The SQ ring's flags word. */
export const IORING_SQ_NEED_WAKEUP = 1, IORING_SQ_CQ_OVERFLOW = 2;

export const IOSQE_FIXED_FILE = 1, IOSQE_IO_DRAIN = 2, IOSQE_IO_LINK = 4, IOSQE_IO_HARDLINK = 8, IOSQE_ASYNC = 16,
  IOSQE_BUFFER_SELECT = 32, IOSQE_CQE_SKIP_SUCCESS = 64;

/** The opcodes lde knows by name (enum io_uring_op's first 28). */
export const OP = {
  NOP: 0, READV: 1, WRITEV: 2, FSYNC: 3, READ_FIXED: 4, WRITE_FIXED: 5, POLL_ADD: 6, POLL_REMOVE: 7, SYNC_FILE_RANGE: 8,
  SENDMSG: 9, RECVMSG: 10, TIMEOUT: 11, TIMEOUT_REMOVE: 12, ACCEPT: 13, ASYNC_CANCEL: 14, LINK_TIMEOUT: 15, CONNECT: 16,
  FALLOCATE: 17, OPENAT: 18, CLOSE: 19, FILES_UPDATE: 20, STATX: 21, READ: 22, WRITE: 23, FADVISE: 24, MADVISE: 25,
  SEND: 26, RECV: 27,
} as const;
/** IORING_OP_LAST in Linux 6.8: opcodes at or past it are EINVAL. */
export const IORING_OP_LAST = 55;

export const IORING_FSYNC_DATASYNC = 1, IORING_TIMEOUT_ABS = 1, IORING_POLL_ADD_MULTI = 1;

export const IORING_REGISTER_BUFFERS = 0, IORING_UNREGISTER_BUFFERS = 1, IORING_REGISTER_FILES = 2,
  IORING_UNREGISTER_FILES = 3, IORING_REGISTER_PROBE = 8;
export const REGISTER_OPS = x({ IORING_REGISTER_BUFFERS, IORING_UNREGISTER_BUFFERS, IORING_REGISTER_FILES,
  IORING_UNREGISTER_FILES, IORING_REGISTER_EVENTFD: 4, IORING_UNREGISTER_EVENTFD: 5, IORING_REGISTER_FILES_UPDATE: 6,
  IORING_REGISTER_EVENTFD_ASYNC: 7, IORING_REGISTER_PROBE });
/** Most registered buffers (IORING_MAX_REG_BUFFERS) and the largest one (1 GiB, io_buffer_validate). */
export const IORING_MAX_REG_BUFFERS = 1 << 14, IORING_MAX_BUF_SIZE = 1 << 30;
/** Most registered files (IORING_MAX_FIXED_FILES). */
export const IORING_MAX_FIXED_FILES = 1 << 20;
