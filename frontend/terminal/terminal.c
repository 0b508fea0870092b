// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/terminal/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

volatile sig_atomic_t lkdb_interrupted;
volatile sig_atomic_t lkdb_terminating;
volatile sig_atomic_t lkdb_resized;
volatile sig_atomic_t lkdb_pager_pid;
volatile sig_atomic_t lkdb_continued;

static struct {
	bool have_termios;
	struct termios termios;
	int flags[3];		/* F_GETFL of fds 0-2, -1 if unknown */
} saved = { .flags = { -1, -1, -1 } };

void terminal_restore(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (saved.flags[fd] >= 0)
			fcntl(fd, F_SETFL, saved.flags[fd]);
	}
	if (saved.have_termios)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved.termios);
}

void terminal_make_blocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);
	if (flags >= 0 && (flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

bool terminal_interactive(void)
{
	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

static void on_interrupt(int sig)
{
	(void)sig;
	lkdb_interrupted = 1;
	if (lkdb_pager_pid > 0)
		kill(lkdb_pager_pid, SIGTERM);
}

static void on_terminate(int sig)
{
	lkdb_terminating = sig;
	/* Every wait gives up as for a Ctrl-C, and the loops then end. */
	lkdb_interrupted = 1;
	if (lkdb_pager_pid > 0)
		kill(lkdb_pager_pid, SIGTERM);
}

static void on_resize(int sig)
{
	(void)sig;
	lkdb_resized = 1;
}

static void handle(int sig, void (*handler)(int), int flags);

/*
 * Ctrl-Z: the shell gets its terminal back as lkdb found it, lkdb stops;
 * on `fg` the line editor must set its mode again (lkdb_continued).
 */
static void on_stop(int sig)
{
	int saved = errno;
	terminal_restore();
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	/* Here again after SIGCONT. */
	handle(sig, on_stop, 0);
	lkdb_continued = 1;
	errno = saved;
}

static void on_fatal(int sig)
{
	terminal_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void handle(int sig, void (*handler)(int), int flags)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = flags };
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

void terminal_init(void)
{
	for (int fd = 0; fd < 3; fd++)
		saved.flags[fd] = fcntl(fd, F_GETFL);
	saved.have_termios = isatty(STDIN_FILENO) &&
			     tcgetattr(STDIN_FILENO, &saved.termios) == 0;
	/* No SA_RESTART: a read or poll waiting for input must see them. */
	handle(SIGINT, on_interrupt, 0);
	handle(SIGTERM, on_terminate, 0);
	handle(SIGHUP, on_terminate, 0);
	handle(SIGWINCH, on_resize, SA_RESTART);
	handle(SIGTSTP, on_stop, 0);
	signal(SIGPIPE, SIG_IGN);
	/* Under ASan its own SIGSEGV/SIGBUS report comes first. */
#ifdef __SANITIZE_ADDRESS__
	static const int fatal[] = { SIGILL, SIGFPE, SIGABRT, SIGQUIT };
#else
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT,
				     SIGQUIT };
#endif
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		handle(fatal[i], on_fatal, SA_RESETHAND | SA_NODEFER);
	atexit(terminal_restore);
}
