// The range check every pointer-taking system call makes before it does any
// work: Linux's access_ok(). A call that reads into or writes from a user
// buffer first checks that the whole buffer lies in user space, so that a
// bad pointer is EFAULT even when there is nothing to copy (read at EOF, a
// zero-length write) and before any data is consumed. read(2): "EFAULT buf
// is outside your accessible address space."
//
// This checks the range only; whether each page is mapped is found when the
// bytes are copied (copyIn/copyOut in mm/uaccess.ts), as in Linux.

import { USER_TOP } from '../mm/vm.js';

/**
 * access_ok(va, len): [va, va + len) lies in user space, below USER_TOP, and
 * does not wrap. Arguments are the raw register values as signed numbers:
 * a negative va is a kernel address, a negative len a huge size_t; both fail.
 * A zero-length range passes at any user address up to USER_TOP.
 */
export function accessOk(va: number, len: number): boolean {
  return Number.isSafeInteger(va) && Number.isSafeInteger(len) && len >= 0 && len <= USER_TOP && va >= 0 && va <= USER_TOP - len;
}
