/* The guest's terminal, compared with a Linux pty (qemu-riscv64 under
 * script(1)): the default settings, canonical editing, non-canonical VMIN,
 * ISIG, and job control from a background process group. test/tty.test.ts
 * types the keys after each "ready" line. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_signal(int sig) { got = sig; }

static void show(const char *what, const char *buf, ssize_t n) {
	printf("%s %zd:", what, n);
	for (ssize_t i = 0; i < n; i++) printf(" %02x", (unsigned char)buf[i]);
	printf("\n");
	fflush(stdout);
}

static void ready(int n) { printf("ready%d\n", n); fflush(stdout); }

int main(void) {
	struct termios t, r;
	char buf[256];
	if (tcgetattr(0, &t) != 0) { perror("tcgetattr"); return 1; }
	printf("iflag %o oflag %o cflag %o lflag %o\ncc", t.c_iflag, t.c_oflag, t.c_cflag & ~HUPCL, t.c_lflag);
	for (int i = 0; i < 17; i++) printf(" %d", t.c_cc[i]);
	/* (no tcgetsid: qemu-riscv64 does not pass TIOCGSID on) */
	printf("\nforeground %d\n", tcgetpgrp(0) == getpgrp());
	ready(1); /* canonical: "abc" DEL "d" ^U "xy zw" ^W "k" \r */
	show("line", buf, read(0, buf, sizeof buf));
	ready(2); /* ^D alone: end of file once */
	show("eof", buf, read(0, buf, sizeof buf));
	r = t;
	r.c_lflag &= ~(ICANON | ECHO);
	r.c_cc[VMIN] = 3;
	r.c_cc[VTIME] = 0;
	tcsetattr(0, TCSANOW, &r);
	ready(3); /* "pqrs": VMIN 3 returns when 3 are there */
	show("raw", buf, read(0, buf, 3));
	show("rest", buf, read(0, buf, 1));
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, 0);
	r.c_lflag |= ECHO;
	r.c_cc[VMIN] = 0;
	r.c_cc[VTIME] = 3;
	tcsetattr(0, TCSANOW, &r);
	ready(4); /* ^C: SIGINT, echoed as ^C */
	while (!got) read(0, buf, sizeof buf);
	printf("\nsignal %d\n", got);
	tcsetattr(0, TCSAFLUSH, &t);
	pid_t mine = getpgrp(), c = fork();
	if (c == 0) {
		setpgid(0, 0);
		signal(SIGTTIN, SIG_IGN);
		errno = 0;
		ssize_t n = read(0, buf, 1);
		printf("background read %zd %s\n", n, strerror(errno));
		signal(SIGTTOU, SIG_IGN);
		printf("tcsetpgrp %d\n", tcsetpgrp(0, getpgrp()));
		printf("foreground %d\n", tcgetpgrp(0) == getpgrp());
		tcsetpgrp(0, mine);
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, 0, 0);
	c = fork();
	if (c == 0) {
		setpgid(0, 0);
		read(0, buf, 1);
		_exit(0);
	}
	int st;
	waitpid(c, &st, WUNTRACED);
	printf("child %s %d\n", WIFSTOPPED(st) ? "stopped" : "not stopped", WIFSTOPPED(st) ? WSTOPSIG(st) : st);
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	/* poll says readable only for a whole line; FIONREAD counts it */
	struct pollfd pf = { .fd = 0, .events = POLLIN };
	ready(5); /* "ab" */
	printf("poll %d\n", poll(&pf, 1, 300));
	ready(6); /* "cd\r" */
	printf("poll %d", poll(&pf, 1, -1));
	int queued = -1;
	ioctl(0, FIONREAD, &queued);
	printf(" revents %x queued %d\n", pf.revents, queued);
	show("line", buf, read(0, buf, sizeof buf));
	printf("done\n");
	return 0;
}
