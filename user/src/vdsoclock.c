/* vdsoclock [MODE [N]]: the vDSO without a C library's help. It finds the
 * vDSO through AT_SYSINFO_EHDR in its auxv, reads the vDSO's dynamic symbol
 * table (the ELF header, PT_LOAD and PT_DYNAMIC, then DT_HASH, DT_SYMTAB,
 * DT_STRTAB, DT_VERSYM and DT_VERDEF), looks __vdso_clock_gettime and
 * __vdso_gettimeofday up at version LINUX_4.15 (the riscv64 names and
 * version; the ELF gABI "Hash Table" and "Symbol Versioning" sections say
 * how), and calls them. A name it does not find (no vDSO: lde --vdso off,
 * or qemu-riscv64 7) is an ecall instead, as a C library falls back.
 *
 *   (none)        N = 100000 of each call; prints only facts that hold with or
 *                 without a vDSO (the expected file is qemu's)
 *   clock [N]     N clock_gettime(CLOCK_MONOTONIC), then how they went
 *   tod [N]       N gettimeofday
 *   symbols       whether there is a vDSO, and the six names at LINUX_4.15
 *   hwprobe       riscv_hwprobe's keys 0 to 10 and -5 for every hart, through
 *                 __vdso_riscv_hwprobe and through the ecall; then a CPU set
 *                 and RISCV_HWPROBE_WHICH_CPUS (which the vDSO sends on)
 *
 * `lde experiment vdso` runs `clock` and `tod` with --vdso on and off and
 * counts kernel entries and cycles per call (docs/vdso.md). */
#include <stdio.h>
#include <string.h>
#include "syscall.h"

/* ELF64, as much of it as this needs (the ELF gABI; <elf.h> names). */
struct ehdr { unsigned char ident[16]; unsigned short type, machine; unsigned version; unsigned long entry, phoff, shoff;
              unsigned flags; unsigned short ehsize, phentsize, phnum, shentsize, shnum, shstrndx; };
struct phdr { unsigned type, flags; unsigned long offset, vaddr, paddr, filesz, memsz, align; };
struct dyn { long tag; unsigned long val; };
struct sym { unsigned name; unsigned char info, other; unsigned short shndx; unsigned long value, size; };
struct verdef { unsigned short version, flags, ndx, cnt; unsigned hash, aux, next; };
struct verdaux { unsigned name, next; };

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define DT_NULL 0
#define DT_HASH 4
#define DT_STRTAB 5
#define DT_SYMTAB 6
#define DT_VERSYM 0x6ffffff0
#define DT_VERDEF 0x6ffffffc
#define STT_FUNC 2
#define STB_GLOBAL 1
#define STB_WEAK 2
#define VER_FLG_BASE 1
#define VERSYM_HIDDEN 0x8000

#define CLOCK_MONOTONIC 1
#define CLOCK_REALTIME 0
#define VDSO_VERSION "LINUX_4.15"

/* What the dynamic section says, as addresses in this process. */
static struct {
  unsigned long bias;         /* added to a p_vaddr or d_ptr: where it is mapped */
  const unsigned *hash;       /* DT_HASH: nbucket, nchain, buckets, chains */
  const struct sym *syms;
  const char *strs;
  const unsigned short *versym;
  const struct verdef *verdef;
} vdso;

/* The SysV ELF hash (gABI, "Hash Table"). */
static unsigned elf_hash(const char *name) {
  unsigned h = 0;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    h = (h << 4) + *p;
    unsigned g = h & 0xf0000000u;
    h ^= g >> 24;
    h &= ~g;
  }
  return h;
}

/* Reads the vDSO's tables; 0 when there is no vDSO or it lacks one of them. */
static int vdso_open(void) {
  unsigned long base = lde_getauxval(LINUX_AT_SYSINFO_EHDR);
  if (!base) return 0;
  const struct ehdr *eh = (const struct ehdr *)base;
  const struct phdr *ph = (const struct phdr *)(base + eh->phoff);
  const struct phdr *dynph = 0;
  int loaded = 0;
  /* The image is mapped at base from file offset 0, so its first PT_LOAD gives the bias from a vaddr to an address. */
  for (int i = 0; i < eh->phnum; i++) {
    if (ph[i].type == PT_LOAD && !loaded) { vdso.bias = base + ph[i].offset - ph[i].vaddr; loaded = 1; }
    else if (ph[i].type == PT_DYNAMIC) dynph = &ph[i];
  }
  if (!loaded || !dynph) return 0;
  const struct dyn *dyn = (const struct dyn *)(vdso.bias + dynph->vaddr);
  for (; dyn->tag != DT_NULL; dyn++) {
    const void *at = (const void *)(vdso.bias + dyn->val);
    switch (dyn->tag) {
    case DT_HASH: vdso.hash = at; break;
    case DT_SYMTAB: vdso.syms = at; break;
    case DT_STRTAB: vdso.strs = at; break;
    case DT_VERSYM: vdso.versym = at; break;
    case DT_VERDEF: vdso.verdef = at; break;
    }
  }
  if (!vdso.hash || !vdso.syms || !vdso.strs) return 0;
  if (!vdso.versym) vdso.verdef = 0; /* versions are checked only when both tables are there */
  return 1;
}

/* Whether symbol i is defined at `version`: its DT_VERSYM index names a DT_VERDEF entry whose first name is that. */
static int has_version(unsigned i, const char *version) {
  if (!vdso.verdef) return 1; /* an unversioned vDSO: any version matches */
  unsigned short ndx = vdso.versym[i];
  if (ndx & VERSYM_HIDDEN) return 0;
  unsigned want = elf_hash(version);
  for (const struct verdef *d = vdso.verdef;; d = (const struct verdef *)((const char *)d + d->next)) {
    if (!(d->flags & VER_FLG_BASE) && d->ndx == (ndx & 0x7fff)) {
      const struct verdaux *a = (const struct verdaux *)((const char *)d + d->aux);
      return d->hash == want && strcmp(vdso.strs + a->name, version) == 0;
    }
    if (!d->next) return 0;
  }
}

/* The address of function `name` at `version`, or 0: the hash bucket's chain, then the checks a dynamic linker makes. */
static void *vdso_sym(const char *name, const char *version) {
  if (!vdso.hash) return 0;
  unsigned nbucket = vdso.hash[0];
  const unsigned *bucket = vdso.hash + 2, *chain = bucket + nbucket;
  for (unsigned i = bucket[elf_hash(name) % nbucket]; i != 0; i = chain[i]) {
    const struct sym *s = &vdso.syms[i];
    unsigned bind = s->info >> 4, type = s->info & 0xf;
    if (type != STT_FUNC || (bind != STB_GLOBAL && bind != STB_WEAK) || s->shndx == 0) continue;
    if (strcmp(vdso.strs + s->name, name) != 0 || !has_version(i, version)) continue;
    return (void *)(vdso.bias + s->value);
  }
  return 0;
}

typedef long (*clock_gettime_fn)(long, struct linux_timespec *);
typedef long (*gettimeofday_fn)(struct linux_timeval *, void *);
static clock_gettime_fn vdso_clock_gettime;
static gettimeofday_fn vdso_gettimeofday;

static long get_clock(long clk, struct linux_timespec *ts) {
  if (vdso_clock_gettime) return vdso_clock_gettime(clk, ts);
  return lde_syscall2(SYS_clock_gettime, clk, LDE_L(ts));
}

static long get_tod(struct linux_timeval *tv) {
  if (vdso_gettimeofday) return vdso_gettimeofday(tv, 0);
  return lde_syscall2(SYS_gettimeofday, LDE_L(tv), 0);
}

static int before(const struct linux_timespec *a, const struct linux_timespec *b) {
  return a->sec < b->sec || (a->sec == b->sec && a->nsec < b->nsec);
}

/* N monotonic reads: how many went back (never, on a correct clock) and how many failed. */
static void clock_loop(unsigned long n, unsigned long *back, unsigned long *failed) {
  struct linux_timespec prev, ts;
  *back = *failed = 0;
  get_clock(CLOCK_MONOTONIC, &prev);
  for (unsigned long i = 0; i < n; i++) {
    if (get_clock(CLOCK_MONOTONIC, &ts) != 0) { ++*failed; continue; }
    if (before(&ts, &prev)) ++*back;
    prev = ts;
  }
}

static void tod_loop(unsigned long n, unsigned long *back, unsigned long *failed) {
  struct linux_timeval prev, tv;
  *back = *failed = 0;
  get_tod(&prev);
  for (unsigned long i = 0; i < n; i++) {
    if (get_tod(&tv) != 0) { ++*failed; continue; }
    if (tv.sec < prev.sec || (tv.sec == prev.sec && tv.usec < prev.usec)) ++*back;
    prev = tv;
  }
}

struct hwprobe_pair { long key; unsigned long value; };
typedef long (*hwprobe_fn)(struct hwprobe_pair *, unsigned long, unsigned long, void *, unsigned);
#define PROBE_KEYS 12

static long hwprobe_ecall(struct hwprobe_pair *pairs, unsigned long n, unsigned long setsize, void *set, unsigned flags) {
  return lde_syscall5(SYS_riscv_hwprobe, LDE_L(pairs), (long)n, (long)setsize, LDE_L(set), flags);
}

/* Each key's answer both ways, then whether they agree; then the cases the vDSO leaves to the kernel. */
static int hwprobe_mode(void) {
  hwprobe_fn vdso_probe = (hwprobe_fn)vdso_sym("__vdso_riscv_hwprobe", VDSO_VERSION);
  hwprobe_fn probe = vdso_probe ? vdso_probe : hwprobe_ecall;
  struct hwprobe_pair a[PROBE_KEYS], b[PROBE_KEYS];
  for (int i = 0; i < PROBE_KEYS; i++) a[i].key = b[i].key = i < PROBE_KEYS - 1 ? i : -5;
  long ra = probe(a, PROBE_KEYS, 0, 0, 0), rb = hwprobe_ecall(b, PROBE_KEYS, 0, 0, 0);
  printf("vdsoclock: riscv_hwprobe through the %s: %ld, through the ecall: %ld\n", vdso_probe ? "vdso" : "ecall", ra, rb);
  int same = ra == rb;
  for (int i = 0; i < PROBE_KEYS; i++) {
    printf("vdsoclock: key %ld = %#lx\n", a[i].key, a[i].value);
    same = same && a[i].key == b[i].key && a[i].value == b[i].value;
  }
  printf("vdsoclock: the vdso and the ecall agree: %s\n", same ? "yes" : "no");
  unsigned long set = 1; /* hart 0 */
  struct hwprobe_pair c[1] = { { 4, 0 } };
  printf("vdsoclock: IMA_EXT_0 for hart 0: %ld %#lx\n", probe(c, 1, sizeof set, &set, 0), c[0].value);
  struct hwprobe_pair fdc[1] = { { 4, 3 } }, v[1] = { { 4, 4 } };
  long r1 = probe(fdc, 1, sizeof set, &set, 1);
  printf("vdsoclock: harts with F, D and C: %ld %#lx\n", r1, set);
  set = 1;
  long r2 = probe(v, 1, sizeof set, &set, 1);
  printf("vdsoclock: harts with V: %ld %#lx\n", r2, set);
  unsigned long none = 0x80; /* hart 7: not on a one-hart machine */
  printf("vdsoclock: errors: flags 2 %ld, no hart %ld, bad pairs %ld\n", hwprobe_ecall(c, 1, 0, 0, 2),
         hwprobe_ecall(c, 1, sizeof none, &none, 0), hwprobe_ecall((struct hwprobe_pair *)8, 1, 0, 0, 0));
  return same ? 0 : 1;
}

static const char *const EXPORTS[] = { "__vdso_rt_sigreturn", "__vdso_gettimeofday", "__vdso_clock_gettime",
                                       "__vdso_clock_getres", "__vdso_getcpu", "__vdso_riscv_hwprobe" };

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  unsigned long n = lde_parse_ulong(argc > 2 ? argv[2] : 0, 100000), back, failed;
  int found = vdso_open();
  vdso_clock_gettime = (clock_gettime_fn)vdso_sym("__vdso_clock_gettime", VDSO_VERSION);
  vdso_gettimeofday = (gettimeofday_fn)vdso_sym("__vdso_gettimeofday", VDSO_VERSION);
  const char *via_clock = vdso_clock_gettime ? "vdso" : "ecall", *via_tod = vdso_gettimeofday ? "vdso" : "ecall";
  if (strcmp(mode, "symbols") == 0) {
    printf("vdsoclock: vdso %s\n", found ? "yes" : "no");
    for (unsigned i = 0; i < sizeof EXPORTS / sizeof EXPORTS[0]; i++)
      printf("vdsoclock: %s@%s %s\n", EXPORTS[i], VDSO_VERSION, vdso_sym(EXPORTS[i], VDSO_VERSION) ? "found" : "absent");
    printf("vdsoclock: __vdso_clock_gettime@LINUX_2.6 %s\n", vdso_sym("__vdso_clock_gettime", "LINUX_2.6") ? "found" : "absent");
    return 0;
  }
  if (strcmp(mode, "hwprobe") == 0)
    return hwprobe_mode();
  if (strcmp(mode, "clock") == 0 || strcmp(mode, "tod") == 0) {
    int clock = mode[0] == 'c';
    (clock ? clock_loop : tod_loop)(n, &back, &failed);
    printf("vdsoclock: %lu %s calls through the %s, %lu failed, %lu went back\n", n,
           clock ? "clock_gettime(CLOCK_MONOTONIC)" : "gettimeofday", clock ? via_clock : via_tod, failed, back);
    return failed || back ? 1 : 0;
  }
  if (*mode) {
    fprintf(stderr, "usage: vdsoclock [clock N | tod N | symbols | hwprobe]\n");
    return 2;
  }
  unsigned long cback, cfailed;
  clock_loop(n, &cback, &cfailed);
  tod_loop(n, &back, &failed);
  printf("vdsoclock: %lu clock_gettime(CLOCK_MONOTONIC) calls: %lu failed, %lu went back\n", n, cfailed, cback);
  printf("vdsoclock: %lu gettimeofday calls: %lu failed, %lu went back\n", n, failed, back);
  /* The wall clock two ways: within a second of each other, and after 2020. */
  struct linux_timespec rt;
  struct linux_timeval tv;
  get_clock(CLOCK_REALTIME, &rt);
  get_tod(&tv);
  printf("vdsoclock: CLOCK_REALTIME and gettimeofday agree: %s\n", tv.sec - rt.sec <= 1 && rt.sec > 1577836800 ? "yes" : "no");
  return cfailed || cback || failed || back ? 1 : 0;
}
