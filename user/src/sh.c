/* sh: a tiny interactive shell, something to type into. It prints a prompt,
 * reads a line with read(2), splits it into words and either runs a builtin
 * or forks a child that execs the program. Line editing and echo are the
 * terminal's (the kernel's canonical mode), not the shell's.
 *
 *   sh              prompt `$ `, read and run lines until end of input
 *   sh -c LINE      run one line; exit with its status
 *
 * Words are separated by spaces and tabs; double quotes keep blanks inside
 * a word ("a b" is one word, "" an empty one). No variables, globs,
 * redirections or pipes. Builtins: help, exit [N], echo, cd [DIR], pwd.
 * Any other word names a program: /bin/NAME when NAME has no '/', else
 * NAME itself, run with the shell's environment. A child killed by signal
 * N is reported as `NAME: killed by signal N` (status 128+N), a nonzero
 * exit as `NAME: exit status N`. A program that cannot be executed makes
 * the child print `sh: NAME: not found` (127) or the reason (126).
 *
 * From a terminal the shell reads a whole line in one read(2), as the line
 * discipline hands it over. From anything else it reads one byte at a time,
 * so that it never takes input meant for the programs it runs. ^C at the
 * prompt abandons the line; during a program it goes to the program (the
 * shell's handler is reset to the default by execve).
 * Exercises: read from a tty, fork, execve, wait4 and both kinds of wait
 * status, chdir, getcwd, a signal handler without SA_RESTART (EINTR). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "syscall.h"

#define LINE_SIZE 1024
#define MAX_ARGS 64

static char line[LINE_SIZE];
static char *words[MAX_ARGS + 1];
static char **env;
static int last_status;

/* ---- reading lines ---- */

static char inbuf[LINE_SIZE];
static unsigned int inlen, inpos;
static int from_tty, at_eof;

enum { LINE_OK, LINE_EOF, LINE_INTR, LINE_LONG, LINE_ERR };

/* Reads one line into `line` (without its newline). A last line with no
 * newline still counts; the call after it reports LINE_EOF. */
static int read_line(void) {
  unsigned int n = 0;
  int too_long = 0;
  for (;;) {
    if (inpos == inlen) {
      if (at_eof) break;
      long r = sys_read(0, inbuf, from_tty ? sizeof inbuf : 1);
      if (r == -LINUX_EINTR) {           /* ^C: the handler ran; drop the line */
        inpos = inlen = 0;
        return LINE_INTR;
      }
      if (r < 0) return LINE_ERR;
      if (r == 0) {
        at_eof = 1;
        break;
      }
      inlen = (unsigned int)r;
      inpos = 0;
    }
    char c = inbuf[inpos++];
    if (c == '\n') {
      line[n] = 0;
      return too_long ? LINE_LONG : LINE_OK;
    }
    if (n < LINE_SIZE - 1) line[n++] = c;
    else too_long = 1;
  }
  if (n == 0 && !too_long) return LINE_EOF;
  line[n] = 0;
  return too_long ? LINE_LONG : LINE_OK;
}

/* ---- splitting ---- */

static int blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Splits s in place into words[]: their count, or -1 for an unterminated
 * quote, -2 for too many words. Quotes are removed as the word is copied
 * down over itself (the write pointer never passes the read pointer). */
static int split(char *s) {
  int n = 0;
  char *r = s, *w = s;
  for (;;) {
    while (blank(*r)) r++;
    if (*r == 0) break;
    if (n == MAX_ARGS) return -2;
    words[n++] = w;
    int quoted = 0;
    while (*r && (quoted || !blank(*r))) {
      if (*r == '"') quoted = !quoted;
      else *w++ = *r;
      r++;
    }
    if (quoted) return -1;
    if (*r) r++;                         /* past the blank before it is overwritten */
    *w++ = 0;
  }
  words[n] = 0;
  return n;
}

/* ---- messages ---- */

static const char *reason(long err) {
  switch (err) {
  case LINUX_ENOENT: return "no such file or directory";
  case LINUX_EACCES: return "permission denied";
  case LINUX_ENOEXEC: return "exec format error";
  case LINUX_ENOTDIR: return "not a directory";
  case LINUX_EISDIR: return "is a directory";
  case LINUX_E2BIG: return "argument list too long";
  case LINUX_ENOMEM: return "out of memory";
  case LINUX_EAGAIN: return "resource temporarily unavailable";
  case LINUX_ENAMETOOLONG: return "file name too long";
  case LINUX_ELOOP: return "too many levels of symbolic links";
  case LINUX_ETXTBSY: return "text file busy";
  case LINUX_EFAULT: return "bad address";
  case LINUX_ENOSYS: return "function not implemented";
  default: return 0;
  }
}

static void complain(const char *what, const char *arg, long err) {
  const char *text = reason(err);
  if (arg) fprintf(stderr, "sh: %s: %s: ", what, arg);
  else fprintf(stderr, "sh: %s: ", what);
  if (text) fprintf(stderr, "%s\n", text);
  else fprintf(stderr, "error %ld\n", err);
}

/* ---- builtins ---- */

static int is_number(const char *s) {
  if (*s == 0) return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return 0;
  return 1;
}

static int do_help(void) {
  printf("builtins:\n"
         "  help        this list\n"
         "  exit [N]    leave the shell with status N (default 0)\n"
         "  echo ARGS   print ARGS\n"
         "  cd [DIR]    change directory (default $HOME, else /)\n"
         "  pwd         print the current directory\n"
         "any other word runs the program /bin/WORD (or the path, if it has a '/'),\n"
         "with the rest of the line as its arguments. Try:\n"
         "  hello a b\n"
         "  syscalls 1000\n"
         "  segfault\n"
         "Words are split at blanks; \"double quotes\" keep blanks in a word.\n");
  return 0;
}

static int do_echo(int argc, char **argv) {
  for (int i = 1; i < argc; i++) printf(i > 1 ? " %s" : "%s", argv[i]);
  printf("\n");
  return 0;
}

static int do_cd(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : getenv("HOME");
  if (dir == 0 || *dir == 0) dir = "/";
  long r = sys_chdir(dir);
  if (lde_is_err(r)) {
    complain("cd", dir, -r);
    return 1;
  }
  return 0;
}

static int do_pwd(void) {
  static char buf[4096];
  long r = sys_getcwd(buf, sizeof buf);
  if (lde_is_err(r)) {
    complain("pwd", 0, -r);
    return 1;
  }
  printf("%s\n", buf);
  return 0;
}

/* ---- programs ---- */

static int run_program(char **argv) {
  static char path[LINE_SIZE + 8];
  if (strchr(argv[0], '/')) strcpy(path, argv[0]);
  else snprintf(path, sizeof path, "/bin/%s", argv[0]);

  fflush(stdout);
  fflush(stderr);
  long pid = sys_fork();
  if (lde_is_err(pid)) {
    complain("fork", 0, -pid);
    return 2;
  }
  if (pid == 0) {
    long r = sys_execve(path, argv, env);
    int missing = r == -LINUX_ENOENT || r == -LINUX_ENOTDIR;
    if (missing) fprintf(stderr, "sh: %s: not found\n", argv[0]);
    else complain(argv[0], 0, -r);
    sys_exit_group(missing ? 127 : 126);
  }

  int status = 0;
  long got;
  do got = sys_wait4((int)pid, &status, 0, 0); while (got == -LINUX_EINTR);
  if (got != pid) {
    complain("wait4", 0, -got);
    return 2;
  }
  if (LINUX_WIFSIGNALED(status)) {
    int sig = LINUX_WTERMSIG(status);
    printf("%s: killed by signal %d\n", argv[0], sig);
    return 128 + sig;
  }
  int code = LINUX_WEXITSTATUS(status);
  if (code != 0) printf("%s: exit status %d\n", argv[0], code);
  return code;
}

/* Runs one line. Returns its status; sets *leave when it was `exit`. */
static int run_line(char *s, int *leave) {
  int argc = split(s);
  if (argc == -1) {
    fprintf(stderr, "sh: unterminated quote\n");
    return 2;
  }
  if (argc == -2) {
    fprintf(stderr, "sh: more than %d words\n", MAX_ARGS);
    return 2;
  }
  if (argc == 0) return last_status;
  char *cmd = words[0];
  if (strcmp(cmd, "help") == 0) return do_help();
  if (strcmp(cmd, "echo") == 0) return do_echo(argc, words);
  if (strcmp(cmd, "cd") == 0) return do_cd(argc, words);
  if (strcmp(cmd, "pwd") == 0) return do_pwd();
  if (strcmp(cmd, "exit") == 0) {
    if (argc > 1 && !is_number(words[1])) {
      fprintf(stderr, "sh: exit: %s: not a number\n", words[1]);
      return 2;
    }
    *leave = 1;
    return argc > 1 ? (int)(lde_parse_ulong(words[1], 0) & 255) : 0;
  }
  return run_program(words);
}

static void on_interrupt(int sig, struct linux_siginfo *info, void *uc) {
  (void)sig, (void)info, (void)uc;   /* only to make read(2) return EINTR */
}

int main(int argc, char **argv, char **envp) {
  env = envp;
  int leave = 0;
  if (argc == 3 && strcmp(argv[1], "-c") == 0) {
    return run_line(argv[2], &leave);
  }
  if (argc != 1) {
    fprintf(stderr, "usage: sh [-c LINE]\n");
    return 2;
  }

  from_tty = isatty(0);
  if (from_tty) {
    /* No SA_RESTART: ^C makes a pending read or wait4 return EINTR. */
    lde_sigaction(LINUX_SIGINT, on_interrupt, 0);
    lde_sigaction(LINUX_SIGQUIT, on_interrupt, 0);
  }
  for (;;) {
    printf("$ ");
    fflush(stdout);
    int got = read_line();
    if (got == LINE_EOF || got == LINE_ERR) {  /* end of input, or no input at all */
      printf("\n");
      return got == LINE_EOF ? 0 : 1;
    }
    if (got == LINE_INTR) {
      printf("\n");
      continue;
    }
    if (got == LINE_LONG) {
      fprintf(stderr, "sh: line longer than %d bytes\n", LINE_SIZE - 1);
      last_status = 2;
      continue;
    }
    last_status = run_line(line, &leave);
    if (leave) return last_status;
  }
}
