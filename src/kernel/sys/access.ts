// The range check every pointer-taking system call makes before it does any
// work: Linux's access_ok(), which is userRange in mm/uaccess.ts (copyIn,
// copyOut and copyInString make it too, so no guest length reaches an
// allocation unchecked). A call that reads into or writes from a user
// buffer first checks that the whole buffer lies in user space, so that a
// bad pointer is EFAULT even when there is nothing to copy (read at EOF, a
// zero-length write) and before any data is consumed. read(2): "EFAULT buf
// is outside your accessible address space."
//
// This checks the range only; whether each page is mapped is found when the
// bytes are copied (copyIn/copyOut in mm/uaccess.ts), as in Linux.

export { userRange as accessOk } from '../mm/uaccess.js';
