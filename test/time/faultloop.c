/* Fault loops (issue 9): a program whose every fetch faults must not hang
 * lde. argv[1]:
 *   handler  a SIGSEGV handler returns to the unmapped page, for ever: only
 *            --max-time ends it;
 *   nodefer  the SIGSEGV handler itself is unmapped (SA_NODEFER): each fault
 *            pushes another frame until the stack runs out, then SIGSEGV kills. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile unsigned long faults;
static void on_segv(int sig) { (void)sig; faults++; }

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "handler";
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = strcmp(what, "nodefer") ? on_segv : (void (*)(int))0x1000;
  sa.sa_flags = strcmp(what, "nodefer") ? 0 : SA_NODEFER;
  sigaction(SIGSEGV, &sa, 0);
  setvbuf(stdout, 0, _IONBF, 0);
  printf("jumping to 0x1000\n");
  ((void (*)(void))0x1000)();
  printf("returned\n");
  return 0;
}
