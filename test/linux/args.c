/* args: what execve hands a new program.  argc/argv (the test passes fixed
   arguments, including an empty one and a UTF-8 one), one chosen environment
   variable, and the auxiliary vector.  argv[0] and AT_EXECFN are host paths,
   so only their basenames are printed. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;
extern char _start[];

static const char *base(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

int main(int argc, char **argv, char **envp) {
  printf("argc %d\n", argc);
  printf("argv[0] basename %s\n", base(argv[0]));
  for (int i = 1; i < argc; i++) printf("argv[%d] [%s] len %zu\n", i, argv[i], strlen(argv[i]));
  printf("argv[argc] is NULL %d\n", argv[argc] == NULL);

  const char *v = getenv("LDE_TEST_VAR");
  printf("LDE_TEST_VAR=%s\n", v ? v : "(unset)");
  printf("LDE_TEST_UNSET is unset %d\n", getenv("LDE_TEST_UNSET") == NULL);
  int found = 0, n = 0;
  for (char **e = envp; *e; e++, n++) found += strncmp(*e, "LDE_TEST_VAR=", 13) == 0;
  printf("envp holds it once %d, environ == envp %d, envp follows argv %d\n", found == 1, environ == envp,
         envp == argv + argc + 1);
  setenv("LDE_TEST_NEW", "set in process", 1);
  printf("setenv then getenv: %s\n", getenv("LDE_TEST_NEW"));

  printf("AT_PAGESZ %lu\n", getauxval(AT_PAGESZ));
  unsigned long hw = getauxval(AT_HWCAP);
  printf("AT_HWCAP nonzero %d, letters:", hw != 0);
  for (int b = 0; b < 26; b++)
    if (hw & (1UL << b)) printf("%c", 'a' + b);
  printf("\n");
  printf("AT_RANDOM non-null %d\n", getauxval(AT_RANDOM) != 0);
  const char *fn = (const char *)getauxval(AT_EXECFN);
  printf("AT_EXECFN basename %s, same as argv[0]'s %d\n", fn ? base(fn) : "(null)",
         fn && strcmp(base(fn), base(argv[0])) == 0);
  printf("AT_ENTRY is _start %d\n", getauxval(AT_ENTRY) == (unsigned long)_start);
  printf("AT_PHDR non-null %d, AT_PHENT %lu, AT_PHNUM nonzero %d\n", getauxval(AT_PHDR) != 0,
         getauxval(AT_PHENT), getauxval(AT_PHNUM) != 0);
  printf("AT_UID matches getuid %d, AT_EUID matches %d, AT_GID matches %d, AT_EGID matches %d\n",
         getauxval(AT_UID) == getuid(), getauxval(AT_EUID) == geteuid(), getauxval(AT_GID) == getgid(),
         getauxval(AT_EGID) == getegid());
  printf("AT_SECURE %lu\n", getauxval(AT_SECURE));
  printf("AT_CLKTCK %lu sysconf(_SC_CLK_TCK) %ld\n", getauxval(AT_CLKTCK), sysconf(_SC_CLK_TCK));
  printf("sysconf(_SC_PAGESIZE) %ld\n", sysconf(_SC_PAGESIZE));

  struct utsname u;
  uname(&u);
  printf("uname sysname %s machine %s\n", u.sysname, u.machine);
  printf("pid > 0 %d\n", getpid() > 0);
  return argc;
}
