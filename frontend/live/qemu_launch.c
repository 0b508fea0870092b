// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/live/qemu_launch.h"
#include "common/clock.h"
#include "common/fdio.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "kernel-helpers/memory/guestram.h"

/* How long QEMU may take to exit after SIGTERM before SIGKILL. */
#define QEMU_TERM_GRACE_MS 3000
/* How long the guardian may take to report QEMU's start or end. */
#define GUARDIAN_REPLY_MS 10000

/* What the guardian tells lkdb, one message per write (atomic). */
enum guardian_kind { GUARDIAN_PID = 1, GUARDIAN_EXEC_ERRNO, GUARDIAN_EXITED };
struct guardian_msg {
	int kind;
	int value;
};

/*
 * The guest's RAM as a shared memfd (lkdb reads it through /proc/PID/fd
 * while the guest is stopped): its size must be -m's.  Not when the user
 * arranges RAM themselves (a backend, -mem-path, NUMA nodes).
 */
static uint64_t shared_ram_size(const struct lkdb_options *o)
{
	uint64_t size = 128ull << 20;	/* QEMU's default for x86 PCs */
	for (int i = 0; i < o->qemu_nargs; i++) {
		const char *a = o->qemu_args[i];
		if (strstr(a, "memory-backend") || !strcmp(a, "-mem-path") ||
		    !strcmp(a, "--mem-path") || !strcmp(a, "-numa") ||
		    !strcmp(a, "--numa"))
			return 0;
		if ((!strcmp(a, "-m") || !strcmp(a, "--m")) &&
		    i + 1 < o->qemu_nargs)
			size = guest_ram_parse_qemu_size(o->qemu_args[i + 1]);
	}
	return size;
}

static void describe_status(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "wait status 0x%x", status);
}

/* ---- the guardian (a forked child of lkdb; it never returns) ---- */

static void guardian_send(int fd, int kind, int value)
{
	struct guardian_msg m = { kind, value };
	if (write(fd, &m, sizeof(m)) < 0) {
		/* lkdb is gone: nobody to tell. */
	}
}

/* Copy what the pipe has now to the log; false at its end. */
static bool guardian_copy(int from, int log_fd)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n > 0)
		(void)lkdb_write_all(log_fd, buf, (size_t)n);
	return n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN));
}

struct guardian_fds {
	int control;		/* from lkdb */
	int status;		/* to lkdb */
	int console_w, stderr_w;	/* QEMU's stdout/stderr */
	int console_r, stderr_r;	/* lkdb's ends; read after detach */
	int stub;		/* the gdb stub's listening socket */
	int log;		/* the console log */
};

static void guardian_end_qemu(pid_t pid, int status_fd)
{
	int status = 0;
	kill(pid, SIGTERM);
	for (long start = lkdb_now_ms(); lkdb_now_ms() - start < QEMU_TERM_GRACE_MS;) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			guardian_send(status_fd, GUARDIAN_EXITED, status);
			_exit(0);
		}
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	guardian_send(status_fd, GUARDIAN_EXITED, status);
	_exit(0);
}

/* Close every descriptor above 2 but those in keep. */
static void close_all_but(const int *keep, size_t n)
{
	int fd = 3;
	for (;;) {
		int next = -1;
		for (size_t i = 0; i < n; i++) {
			if (keep[i] >= fd && (next < 0 || keep[i] < next))
				next = keep[i];
		}
		if (next < 0) {
			close_range((unsigned)fd, ~0u, 0);
			return;
		}
		if (next > fd)
			close_range((unsigned)fd, (unsigned)next - 1, 0);
		fd = next + 1;
	}
}

static void __attribute__((noreturn))
guardian_main(struct guardian_fds *f, const char *const *argv)
{
	/*
	 * Out of the terminal's foreground group (Ctrl-C is lkdb's), and
	 * holding none of lkdb's standard descriptors: after a detach it
	 * outlives lkdb, and must not keep a caller's pipe open.
	 */
	setpgid(0, 0);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* lkdb's own handlers (flags for its loops) mean nothing here. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGWINCH, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int report[2];
	if (null < 0 || pipe2(report, O_CLOEXEC)) {
		guardian_send(f->status, GUARDIAN_EXEC_ERRNO, errno);
		_exit(127);
	}
	pid_t pid = fork();
	if (pid < 0) {
		guardian_send(f->status, GUARDIAN_EXEC_ERRNO, errno);
		_exit(127);
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		dup2(null, STDIN_FILENO);
		dup2(f->console_w, STDOUT_FILENO);
		dup2(f->stderr_w, STDERR_FILENO);
		/*
		 * QEMU gets its standard descriptors and the stub's socket
		 * (QEMU's to accept on), none that lkdb inherited.
		 */
		close_range(3, (unsigned)f->stub - 1, CLOSE_RANGE_CLOEXEC);
		close_range((unsigned)f->stub + 1, ~0u, CLOSE_RANGE_CLOEXEC);
		fcntl(f->stub, F_SETFD, 0);
		execvp(argv[0], (char *const *)argv);
		int e = errno;
		if (write(report[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	close(f->console_w);
	close(f->stderr_w);
	close(f->stub);
	close(report[1]);
	/*
	 * After a detach the guardian outlives lkdb: it must hold nothing
	 * of lkdb's (a caller's pipe would never see its end).
	 */
	int keep[] = { f->control, f->status, f->console_r, f->stderr_r,
		       f->log, report[0] };
	close_all_but(keep, sizeof(keep) / sizeof(keep[0]));
	int e;
	ssize_t n;
	do {
		n = read(report[0], &e, sizeof(e));
	} while (n < 0 && errno == EINTR);
	if (n == sizeof(e)) {
		waitpid(pid, NULL, 0);
		guardian_send(f->status, GUARDIAN_EXEC_ERRNO, e);
		_exit(127);
	}
	guardian_send(f->status, GUARDIAN_PID, (int)pid);
	bool detached = false;
	for (;;) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			while (detached && guardian_copy(f->console_r, f->log))
				;
			guardian_send(f->status, GUARDIAN_EXITED, status);
			_exit(0);
		}
		struct pollfd p[2] = {
			{ .fd = detached ? f->console_r : f->control,
			  .events = POLLIN },
			{ .fd = detached ? f->stderr_r : -1, .events = POLLIN },
		};
		if (poll(p, 2, 100) <= 0)
			continue;
		if (detached) {
			if (p[0].revents && !guardian_copy(f->console_r, f->log))
				f->console_r = -1;
			if (p[1].revents) {
				char buf[4096];
				if (read(f->stderr_r, buf, sizeof(buf)) <= 0)
					f->stderr_r = -1;
			}
			continue;
		}
		char c;
		n = read(f->control, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 1 && c == 'd') {
			/* lkdb detached: QEMU runs on; keep its console. */
			detached = true;
			close(f->control);
			continue;
		}
		/* lkdb closed the pipe, or died: QEMU goes too. */
		guardian_end_qemu(pid, f->status);
	}
}

/* ---- lkdb's side ---- */

/* One guardian message, waiting up to timeout_ms; false if none. */
static bool guardian_receive(struct qemu_launch *q, int timeout_ms,
			     struct guardian_msg *m)
{
	if (q->status_fd < 0)
		return false;
	struct pollfd p = { .fd = q->status_fd, .events = POLLIN };
	int r;
	do {
		r = poll(&p, 1, timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r <= 0)
		return false;
	ssize_t n = read(q->status_fd, m, sizeof(*m));
	if (n == sizeof(*m))
		return true;
	/* The guardian is gone without a word: QEMU is past caring for. */
	lkdb_close_fd(&q->status_fd);
	return false;
}

/* Copy what QEMU wrote so far; the caller holds q->lock. */
static void copy_available(struct qemu_launch *q)
{
	char buf[8192];
	for (;;) {
		bool any = false;
		if (q->console_fd >= 0) {
			ssize_t n = read(q->console_fd, buf, sizeof(buf));
			if (n > 0) {
				(void)lkdb_write_all(q->out_fd, buf, (size_t)n);
				(void)lkdb_write_all(q->log_fd, buf, (size_t)n);
				any = true;
			} else if (n == 0) {
				lkdb_close_fd(&q->console_fd);
			}
		}
		if (q->stderr_fd >= 0) {
			ssize_t n = read(q->stderr_fd, buf, sizeof(buf));
			if (n > 0) {
				(void)lkdb_write_all(q->err_fd, buf, (size_t)n);
				any = true;
			} else if (n == 0) {
				lkdb_close_fd(&q->stderr_fd);
			}
		}
		if (!any)
			return;
	}
}

static void *console_thread(void *arg)
{
	struct qemu_launch *q = arg;
	for (;;) {
		pthread_mutex_lock(&q->lock);
		struct pollfd p[3] = {
			{ .fd = q->wake_fd[0], .events = POLLIN },
			{ .fd = q->console_fd, .events = POLLIN },
			{ .fd = q->stderr_fd, .events = POLLIN },
		};
		pthread_mutex_unlock(&q->lock);
		if (p[1].fd < 0 && p[2].fd < 0)
			return NULL;
		int r = poll(p, 3, -1);
		if (r < 0 && errno != EINTR)
			return NULL;
		if (p[0].revents)
			return NULL;
		pthread_mutex_lock(&q->lock);
		copy_available(q);
		pthread_mutex_unlock(&q->lock);
	}
}

void qemu_launch_drain(struct qemu_launch *q)
{
	if (!q->thread_running)
		return;
	pthread_mutex_lock(&q->lock);
	copy_available(q);
	pthread_mutex_unlock(&q->lock);
}

static void stop_thread(struct qemu_launch *q)
{
	if (!q->thread_running)
		return;
	(void)lkdb_write_all(q->wake_fd[1], "x", 1);
	pthread_join(q->thread, NULL);
	q->thread_running = false;
	pthread_mutex_destroy(&q->lock);
}

/* 127.0.0.1, port chosen by the kernel, listening: QEMU's stub socket. */
static struct lkdb_error *stub_socket(int *fd_ret, int *port_ret)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lkdb_error_errno(errno, "socket for QEMU's gdb stub");
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1) ||
	    getsockname(fd, (struct sockaddr *)&a, &len)) {
		int e = errno;
		close(fd);
		return lkdb_error_errno(e, "a listening socket on 127.0.0.1 for QEMU's gdb stub");
	}
	*fd_ret = fd;
	*port_ret = ntohs(a.sin_port);
	return NULL;
}

static struct lkdb_error *check_arguments(const struct lkdb_options *o,
					  bool *display_ret)
{
	*display_ret = false;
	for (int i = 0; i < o->qemu_nargs; i++) {
		const char *a = o->qemu_args[i];
		if (!strcmp(a, "-nographic") || !strcmp(a, "--nographic"))
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "lkdb qemu: drop -nographic: lkdb shows the serial console itself (and adds -display none)");
		if (!strcmp(a, "-display") || !strcmp(a, "--display"))
			*display_ret = true;
		if ((!strcmp(a, "-serial") || !strcmp(a, "--serial")) &&
		    i + 1 < o->qemu_nargs &&
		    !strncmp(o->qemu_args[i + 1], "stdio", 5))
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "lkdb qemu: drop -serial stdio: lkdb puts the console on its stdout itself");
		if (!strcmp(a, "-s") || !strcmp(a, "-S") || !strcmp(a, "-gdb"))
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "lkdb qemu: drop %s: lkdb gives QEMU its gdb stub (-gdb on a socket of its own, -S)",
						 a);
	}
	return NULL;
}

/* QEMU's command line: the console first (ttyS0), then the user's. */
static struct lkdb_error *build_argv(const struct lkdb_options *o,
				     bool display, int stub_fd,
				     const char ***argv_ret, char **strings)
{
	uint64_t ram_size = o->no_guest_ram ? 0 : shared_ram_size(o);
	if (ram_size &&
	    asprintf(&strings[0], "memory-backend-memfd,id=lkdb-ram,size=%" PRIu64 ",share=on",
		     ram_size) < 0)
		return &lkdb_error_oom;
	/* As QEMU's own -gdb tcp:: does: no Nagle delay on each packet. */
	if (asprintf(&strings[1], "socket,id=lkdbgdb,fd=%d,server=on,wait=off,nodelay=on",
		     stub_fd) < 0)
		return &lkdb_error_oom;
	const char *qemu = getenv("LKDB_QEMU");
	if (!qemu || !*qemu)
		qemu = "qemu-system-x86_64";
	const char **argv = calloc((size_t)o->qemu_nargs + 20, sizeof(*argv));
	if (!argv)
		return &lkdb_error_oom;
	int argc = 0;
	argv[argc++] = qemu;
	argv[argc++] = "-chardev";
	argv[argc++] = "stdio,id=lkdbcon,signal=off";
	argv[argc++] = "-serial";
	argv[argc++] = "chardev:lkdbcon";
	if (!display) {
		argv[argc++] = "-display";
		argv[argc++] = "none";
	}
	if (strings[0]) {
		argv[argc++] = "-object";
		argv[argc++] = strings[0];
		argv[argc++] = "-machine";
		argv[argc++] = "memory-backend=lkdb-ram";
	}
	for (int i = 0; i < o->qemu_nargs; i++)
		argv[argc++] = o->qemu_args[i];
	argv[argc++] = "-chardev";
	argv[argc++] = strings[1];
	argv[argc++] = "-gdb";
	argv[argc++] = "chardev:lkdbgdb";
	argv[argc++] = "-S";
	argv[argc] = NULL;
	*argv_ret = argv;
	return NULL;
}

static int cloexec_pipe(int fds[2])
{
	return pipe2(fds, O_CLOEXEC);
}

struct lkdb_error *qemu_launch_start(const struct lkdb_options *o,
				     struct qemu_launch *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->pid = ret->guardian = -1;
	ret->control_fd = ret->status_fd = ret->console_fd = -1;
	ret->stderr_fd = ret->out_fd = ret->err_fd = ret->log_fd = -1;
	ret->wake_fd[0] = ret->wake_fd[1] = -1;
	bool display;
	struct lkdb_error *err = check_arguments(o, &display);
	if (err)
		return err;
	int control[2] = { -1, -1 }, status[2] = { -1, -1 };
	int console[2] = { -1, -1 }, qerr[2] = { -1, -1 };
	int stub = -1, port = 0;
	char *strings[2] = { NULL, NULL };
	const char **argv = NULL;
	err = stub_socket(&stub, &port);
	if (err)
		goto out;
	err = build_argv(o, display, stub, &argv, strings);
	if (err)
		goto out;
	ret->log_fd = open(o->console_log,
			   O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (ret->log_fd < 0) {
		err = lkdb_error_errno(errno, "--console-log %s",
				       o->console_log);
		goto out;
	}
	if (cloexec_pipe(control) || cloexec_pipe(status) ||
	    cloexec_pipe(console) || cloexec_pipe(qerr) ||
	    cloexec_pipe(ret->wake_fd)) {
		err = lkdb_error_errno(errno, "pipes for QEMU");
		goto out;
	}
	/* A guardian that finds lkdb gone must not die writing to it. */
	pid_t g = fork();
	if (g < 0) {
		err = lkdb_error_errno(errno, "cannot fork QEMU's guardian");
		goto out;
	}
	if (g == 0) {
		close(control[1]);
		close(status[0]);
		struct guardian_fds f = {
			.control = control[0], .status = status[1],
			.console_w = console[1], .stderr_w = qerr[1],
			.console_r = console[0], .stderr_r = qerr[0],
			.stub = stub, .log = ret->log_fd,
		};
		guardian_main(&f, argv);
	}
	ret->guardian = g;
	ret->control_fd = control[1];
	control[1] = -1;
	ret->status_fd = status[0];
	status[0] = -1;
	ret->console_fd = console[0];
	console[0] = -1;
	ret->stderr_fd = qerr[0];
	qerr[0] = -1;
	fcntl(ret->console_fd, F_SETFL, O_NONBLOCK);
	fcntl(ret->stderr_fd, F_SETFL, O_NONBLOCK);
	lkdb_close_fd(&console[1]);
	lkdb_close_fd(&qerr[1]);
	lkdb_close_fd(&control[0]);
	lkdb_close_fd(&status[1]);
	lkdb_close_fd(&stub);
	struct guardian_msg m = { 0 };
	if (!guardian_receive(ret, GUARDIAN_REPLY_MS, &m) ||
	    m.kind == GUARDIAN_EXEC_ERRNO) {
		err = lkdb_error_create(LKDB_ERROR_OS,
					"cannot run %s: %s (apt-get install qemu-system-x86, or set LKDB_QEMU)",
					argv[0],
					m.kind == GUARDIAN_EXEC_ERRNO ?
					strerror(m.value) : "its guardian did not report");
		qemu_launch_stop(ret);
		goto out;
	}
	ret->pid = m.value;
	ret->out_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	ret->err_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	snprintf(ret->remote, sizeof(ret->remote), "127.0.0.1:%d", port);
	pthread_mutex_init(&ret->lock, NULL);
	/* Signals are the main thread's: they must break its reads. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int started = pthread_create(&ret->thread, NULL, console_thread, ret);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (started) {
		err = lkdb_error_create(LKDB_ERROR_OS,
					"cannot start the thread that shows QEMU's console");
		pthread_mutex_destroy(&ret->lock);
		qemu_launch_stop(ret);
		goto out;
	}
	ret->thread_running = true;
out:
	lkdb_close_fd(&control[0]);
	lkdb_close_fd(&control[1]);
	lkdb_close_fd(&status[0]);
	lkdb_close_fd(&status[1]);
	lkdb_close_fd(&console[0]);
	lkdb_close_fd(&console[1]);
	lkdb_close_fd(&qerr[0]);
	lkdb_close_fd(&qerr[1]);
	lkdb_close_fd(&stub);
	free(argv);
	free(strings[0]);
	free(strings[1]);
	if (err) {
		lkdb_close_fd(&ret->wake_fd[0]);
		lkdb_close_fd(&ret->wake_fd[1]);
		lkdb_close_fd(&ret->log_fd);
	}
	return err;
}

bool qemu_launch_exited(struct qemu_launch *q, int timeout_ms, char *buf,
			size_t size)
{
	struct guardian_msg m;
	while (!q->exited && guardian_receive(q, timeout_ms, &m)) {
		if (m.kind == GUARDIAN_EXITED) {
			q->exited = true;
			q->exit_status = m.value;
		}
	}
	if (!q->exited)
		return false;
	describe_status(q->exit_status, buf, size);
	return true;
}

static void reap_guardian(struct qemu_launch *q)
{
	if (q->guardian > 0)
		waitpid(q->guardian, NULL, 0);
	q->guardian = -1;
}

static void release(struct qemu_launch *q)
{
	stop_thread(q);
	lkdb_close_fd(&q->console_fd);
	lkdb_close_fd(&q->stderr_fd);
	lkdb_close_fd(&q->wake_fd[0]);
	lkdb_close_fd(&q->wake_fd[1]);
	lkdb_close_fd(&q->out_fd);
	lkdb_close_fd(&q->err_fd);
	lkdb_close_fd(&q->log_fd);
	lkdb_close_fd(&q->control_fd);
	lkdb_close_fd(&q->status_fd);
	q->pid = -1;
}

void qemu_launch_detach(struct qemu_launch *q)
{
	if (q->guardian <= 0)
		return;
	qemu_launch_drain(q);
	(void)lkdb_write_all(q->control_fd, "d", 1);
	/* The guardian lives on with QEMU; the init process reaps it. */
	q->guardian = -1;
	release(q);
}

void qemu_launch_stop(struct qemu_launch *q)
{
	if (q->guardian > 0) {
		/* The guardian ends QEMU when its pipe from lkdb closes. */
		lkdb_close_fd(&q->control_fd);
		struct guardian_msg m;
		long start = lkdb_now_ms();
		while (!q->exited &&
		       lkdb_now_ms() - start < QEMU_TERM_GRACE_MS + 2000 &&
		       guardian_receive(q, QEMU_TERM_GRACE_MS + 2000, &m)) {
			if (m.kind == GUARDIAN_EXITED) {
				q->exited = true;
				q->exit_status = m.value;
			}
		}
		qemu_launch_drain(q);
		reap_guardian(q);
	}
	release(q);
}
