// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/terminal/output.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frontend/terminal/terminal.h"

/* A child running sh -c command with its stdin on a pipe; *fd_ret writes. */
static struct lkdb_error *spawn_reader(const char *command, bool pager,
				       pid_t *pid_ret, int *fd_ret)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC))
		return lkdb_error_errno(errno, "a pipe for \"%s\"", command);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return lkdb_error_errno(e, "cannot start \"%s\"", command);
	}
	if (pid == 0) {
		/* lkdb ignores SIGPIPE; the shell's commands should not. */
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		dup2(p[0], STDIN_FILENO);
		if (pager && !getenv("LESS"))
			setenv("LESS", "FRX", 1);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	*pid_ret = pid;
	*fd_ret = p[1];
	return NULL;
}

struct lkdb_error *output_open(const struct redirect *r, bool page,
			       struct output_sink *ret)
{
	ret->saved_stdout = -1;
	ret->child = -1;
	ret->pager = r->kind == REDIRECT_NONE;
	int fd = -1;
	struct lkdb_error *err = NULL;
	switch (r->kind) {
	case REDIRECT_FILE:
	case REDIRECT_APPEND:
		fd = open(r->target, O_WRONLY | O_CREAT | O_CLOEXEC |
			  (r->kind == REDIRECT_FILE ? O_TRUNC : O_APPEND), 0666);
		if (fd < 0)
			return lkdb_error_errno(errno, "%s %s",
						r->kind == REDIRECT_FILE ? ">" : ">>",
						r->target);
		break;
	case REDIRECT_PIPE:
		err = spawn_reader(r->target, false, &ret->child, &fd);
		break;
	case REDIRECT_NONE: {
		if (!page)
			return NULL;
		/*
		 * exec: the child is the pager itself, not a shell around
		 * it, so that a Ctrl-C can end it.
		 */
		const char *pager = getenv("PAGER");
		char *command;
		if (asprintf(&command, "exec %s",
			     pager && *pager ? pager : "less") < 0)
			return &lkdb_error_oom;
		err = spawn_reader(command, true, &ret->child, &fd);
		free(command);
		break;
	}
	}
	if (err)
		return err;
	fflush(stdout);
	ret->saved_stdout = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (ret->saved_stdout < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		err = lkdb_error_errno(errno, "cannot redirect the output");
		close(fd);
		output_close(ret, false);
		return err;
	}
	close(fd);
	if (ret->pager)
		lkdb_pager_pid = ret->child;
	return NULL;
}

void output_close(struct output_sink *sink, bool interrupted)
{
	fflush(stdout);
	if (sink->saved_stdout >= 0) {
		dup2(sink->saved_stdout, STDOUT_FILENO);
		close(sink->saved_stdout);
		sink->saved_stdout = -1;
	}
	/* A reader that quit early (head, q in less) left an EPIPE behind. */
	clearerr(stdout);
	/* Ctrl-C stopped the command: the pager goes too, for the prompt. */
	if (sink->child > 0 && sink->pager && interrupted)
		kill(sink->child, SIGTERM);
	if (sink->child > 0) {
		int status;
		while (waitpid(sink->child, &status, 0) < 0 && errno == EINTR)
			;
		/* A pager ended by a signal may not have put the tty back. */
		if (sink->pager && WIFSIGNALED(status))
			terminal_restore();
		sink->child = -1;
	}
	if (sink->pager)
		lkdb_pager_pid = 0;
}

void lkdb_warn(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "lkdb: %s%swarning: ", cmd ? cmd : "", cmd ? ": " : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

