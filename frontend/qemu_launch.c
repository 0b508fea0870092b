// SPDX-License-Identifier: GPL-2.0-or-later
#include "qemu_launch.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guestram.h"

/* QEMU under TCG opens its stub within a second; a slow disk may not. */
#define STUB_WAIT_MS 20000

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* A port nobody listens on now (the kernel picks it; QEMU binds it next). */
static struct lkdb_error *free_port(int *port_ret)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lkdb_error_errno(errno, "socket");
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len)) {
		int e = errno;
		close(fd);
		return lkdb_error_errno(e, "finding a free port for QEMU's gdb stub");
	}
	close(fd);
	*port_ret = ntohs(a.sin_port);
	return NULL;
}

/*
 * Is the port in LISTEN state?  Read from /proc/net/tcp rather than by
 * connecting: a probe connection would be a gdb client to QEMU's stub.
 */
static bool listening(int port)
{
	FILE *f = fopen("/proc/net/tcp", "re");
	if (!f)
		return false;
	char line[256];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned local_port, state;
		/* "  0: 0100007F:1F90 00000000:0000 0A ..." */
		if (sscanf(line, " %*d: %*x:%x %*x:%*x %x", &local_port,
			   &state) == 2)
			found = (int)local_port == port && state == 0x0a;
	}
	fclose(f);
	return found;
}

/* QEMU's option syntax: a ',' in a value is written ",,". */
static char *qemu_escape(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(2 * n + 1), *o = out;
	if (!out)
		return NULL;
	for (; *s; s++) {
		*o++ = *s;
		if (*s == ',')
			*o++ = ',';
	}
	*o = '\0';
	return out;
}

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

bool qemu_launch_exited(struct qemu_launch *q, char *buf, size_t size)
{
	if (q->pid <= 0) {
		describe_status(q->exit_status, buf, size);
		return true;
	}
	int status;
	if (waitpid(q->pid, &status, WNOHANG) != q->pid)
		return false;
	q->pid = -1;
	q->exit_status = status;
	describe_status(status, buf, size);
	return true;
}

struct lkdb_error *qemu_launch_start(const struct lkdb_options *o,
				     struct qemu_launch *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->pid = -1;
	bool display = false;
	for (int i = 0; i < o->qemu_nargs; i++) {
		const char *a = o->qemu_args[i];
		if (!strcmp(a, "-nographic") || !strcmp(a, "--nographic"))
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "lkdb qemu: drop -nographic: lkdb shows the serial console itself (and adds -display none)");
		if (!strcmp(a, "-display") || !strcmp(a, "--display"))
			display = true;
		if ((!strcmp(a, "-serial") || !strcmp(a, "--serial")) &&
		    i + 1 < o->qemu_nargs &&
		    !strncmp(o->qemu_args[i + 1], "stdio", 5))
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "lkdb qemu: drop -serial stdio: lkdb puts the console on its stdout itself");
		if (!strcmp(a, "-s") || !strcmp(a, "-S") || !strcmp(a, "-gdb"))
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "lkdb qemu: drop %s: lkdb gives QEMU its gdb stub (-gdb on a free port, -S)",
						 a);
	}
	int port = 0;
	struct lkdb_error *err = free_port(&port);
	if (err)
		return err;
	char *log = qemu_escape(o->console_log);
	char *chardev = NULL, *gdb = NULL, *ram = NULL;
	uint64_t ram_size = o->no_guest_ram ? 0 : shared_ram_size(o);
	if (ram_size &&
	    asprintf(&ram, "memory-backend-memfd,id=lkdb-ram,size=%" PRIu64 ",share=on",
		     ram_size) < 0) {
		free(log);
		return &lkdb_error_oom;
	}
	if (!log ||
	    asprintf(&chardev, "stdio,id=lkdbcon,signal=off,logfile=%s",
		     log) < 0 ||
	    asprintf(&gdb, "tcp:127.0.0.1:%d", port) < 0) {
		free(log);
		return &lkdb_error_oom;
	}
	free(log);
	const char *qemu = getenv("LKDB_QEMU");
	if (!qemu || !*qemu)
		qemu = "qemu-system-x86_64";
	/* The console first: ttyS0; serial ports the user gives follow. */
	const char **argv = calloc((size_t)o->qemu_nargs + 16, sizeof(*argv));
	if (!argv) {
		free(chardev);
		free(gdb);
		free(ram);
		return &lkdb_error_oom;
	}
	int argc = 0;
	argv[argc++] = qemu;
	argv[argc++] = "-chardev";
	argv[argc++] = chardev;
	argv[argc++] = "-serial";
	argv[argc++] = "chardev:lkdbcon";
	if (!display) {
		argv[argc++] = "-display";
		argv[argc++] = "none";
	}
	if (ram) {
		argv[argc++] = "-object";
		argv[argc++] = ram;
		argv[argc++] = "-machine";
		argv[argc++] = "memory-backend=lkdb-ram";
	}
	for (int i = 0; i < o->qemu_nargs; i++)
		argv[argc++] = o->qemu_args[i];
	argv[argc++] = "-gdb";
	argv[argc++] = gdb;
	argv[argc++] = "-S";
	argv[argc] = NULL;

	int report[2];
	if (pipe2(report, O_CLOEXEC)) {
		err = lkdb_error_errno(errno, "pipe");
		goto out;
	}
	pid_t pid = fork();
	if (pid < 0) {
		err = lkdb_error_errno(errno, "cannot fork QEMU");
		close(report[0]);
		close(report[1]);
		goto out;
	}
	if (pid == 0) {
		setpgid(0, 0);
		/* lkdb owns this QEMU: if lkdb is killed, QEMU goes too. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		signal(SIGINT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		execvp(argv[0], (char *const *)argv);
		int e = errno;
		if (write(report[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(report[1]);
	int e;
	ssize_t n;
	do {
		n = read(report[0], &e, sizeof(e));
	} while (n < 0 && errno == EINTR);
	close(report[0]);
	if (n == sizeof(e)) {
		waitpid(pid, NULL, 0);
		err = lkdb_error_create(LKDB_ERROR_OS,
					"cannot run %s: %s (apt-get install qemu-system-x86, or set LKDB_QEMU)",
					qemu, strerror(e));
		goto out;
	}
	ret->pid = pid;
	snprintf(ret->remote, sizeof(ret->remote), "127.0.0.1:%d", port);
	long start = now_ms();
	char how[64];
	while (!listening(port)) {
		if (qemu_launch_exited(ret, how, sizeof(how))) {
			err = lkdb_error_create(LKDB_ERROR_TARGET_LOST,
						"QEMU exited before its gdb stub listened (%s); its messages are above%s",
						how,
						ram ? " (lkdb gave it a shared memfd as RAM, sized by -m: --no-guest-ram leaves that out)" : "");
			goto out;
		}
		if (now_ms() - start > STUB_WAIT_MS) {
			qemu_launch_stop(ret);
			err = lkdb_error_create(LKDB_ERROR_TIMEOUT,
						"QEMU's gdb stub did not listen on 127.0.0.1:%d within %d s",
						port, STUB_WAIT_MS / 1000);
			goto out;
		}
		usleep(20000);
	}
out:
	free(argv);
	free(chardev);
	free(gdb);
	free(ram);
	return err;
}

void qemu_launch_stop(struct qemu_launch *q)
{
	if (q->pid <= 0)
		return;
	char how[64];
	kill(q->pid, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (qemu_launch_exited(q, how, sizeof(how)))
			return;
		usleep(20000);
	}
	kill(q->pid, SIGKILL);
	int status;
	waitpid(q->pid, &status, 0);
	q->pid = -1;
	q->exit_status = status;
}
