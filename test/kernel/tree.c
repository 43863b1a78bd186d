/* A tree of 100 processes: each process forks children until the tree holds
   100; every process exits with the size of its subtree, which its parent
   sums through wait. The root prints the total. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

/* Builds a subtree of n processes rooted at the caller; returns n. */
static int subtree(int n) {
  int rest = n - 1, total = 1;
  while (rest > 0) {
    int part = rest < 3 ? rest : (rest + 2) / 3;
    pid_t c = fork();
    if (c < 0) { perror("fork"); exit(1); }
    if (c == 0) exit(subtree(part));
    int st;
    waitpid(c, &st, 0);
    total += WEXITSTATUS(st);
    rest -= part;
  }
  return total;
}

int main(void) {
  printf("processes in the tree: %d\n", subtree(100));
  return 0;
}
