/* start.c: what runs between crt0's _start and main().
 *
 *  - finds the auxiliary vector after envp and keeps it for lde_getauxval();
 *  - sets environ for getenv();
 *  - sets up thread-local storage: picolibc keeps errno (and a little more)
 *    in TLS, addressed from tp. The static TLS image is the PT_TLS segment of
 *    our own ELF, found through AT_PHDR (or, lacking an auxv, the ELF header
 *    the linker maps at __ehdr_start). RISC-V uses TLS variant I with no TCB
 *    in front, so tp points at the block itself: .tdata copied, .tbss zeroed;
 *  - runs constructors (.preinit_array, .init_array) via picolibc.
 *
 * Until tp is set nothing here may touch errno, so only raw sys_*() calls.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "syscall.h"

extern char **environ;
extern void __libc_init_array(void);

/* The ELF header, when the linker put it in a loaded segment (it does for
 * the default riscv64 script: text starts right after the headers). */
extern const unsigned char __ehdr_start[] __attribute__((weak));

struct phdr64 {                 /* Elf64_Phdr */
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
#define PT_TLS 7

static const unsigned long *auxv;

unsigned long lde_getauxval(unsigned long type) {
  if (auxv)
    for (const unsigned long *a = auxv; a[0] != LINUX_AT_NULL; a += 2)
      if (a[0] == type) return a[1];
  return 0;
}

/* Room for picolibc's TLS without a system call; a larger image gets an
 * anonymous mapping. */
static unsigned char tls_static[256] __attribute__((aligned(64)));

/* Ends the program with one line on stderr, "NAME: WHAT", as a libc names
 * the program in its own messages (NAME is argv[0]). Raw calls only: no errno. */
static void fatal(const char *name, const char *what) {
  sys_write(2, name, strlen(name));
  sys_write(2, what, strlen(what));
  sys_exit_group(127);
}

static void tls_init(const char *name) {
  const struct phdr64 *ph = (const struct phdr64 *)lde_getauxval(LINUX_AT_PHDR);
  unsigned long n = lde_getauxval(LINUX_AT_PHNUM);
  if (ph == 0 && __ehdr_start) {
    ph = (const struct phdr64 *)(__ehdr_start + *(const uint64_t *)(__ehdr_start + 32));  /* e_phoff */
    n = *(const uint16_t *)(__ehdr_start + 56);                                         /* e_phnum */
  }
  const struct phdr64 *tls = 0;
  for (unsigned long i = 0; ph && i < n; i++)
    if (ph[i].type == PT_TLS) tls = &ph[i];

  unsigned char *block = tls_static;
  if (tls) {
    unsigned long align = tls->align > 16 ? tls->align : 16;
    unsigned long need = tls->memsz + align;
    unsigned char *area = tls_static;
    if (need > sizeof tls_static || align > 64) {
      long m = sys_mmap(0, need, LINUX_PROT_READ | LINUX_PROT_WRITE,
                        LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS, -1, 0);
      if (lde_is_err(m)) fatal(name, ": cannot allocate thread-local storage\n");
      area = (unsigned char *)m;
    }
    block = (unsigned char *)(((uintptr_t)area + align - 1) & ~(uintptr_t)(align - 1));
    memcpy(block, (const void *)tls->vaddr, tls->filesz);
    memset(block + tls->filesz, 0, tls->memsz - tls->filesz);
  }
  __asm__ volatile("mv tp, %0" : : "r"(block) : "memory");
}

void __lde_init(int argc, char **argv, char **envp) {
  char **e = envp;
  while (*e) e++;
  auxv = (const unsigned long *)(e + 1);
  environ = envp;
  /* The program's name for messages: argv[0], else the path it was run by (AT_EXECFN). */
  const char *name = argc > 0 && argv[0] ? argv[0] : (const char *)lde_getauxval(LINUX_AT_EXECFN);
  tls_init(name ? name : "a program");
  __libc_init_array();
}
