// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/target/remote_probe.h"
#include "frontend/terminal/terminal.h"
#include "common/clock.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* HOST and PORT of a TCP remote; false for what is not one (a device). */
static bool split_remote(const char *remote, char **host_ret,
			 char **port_ret)
{
	const char *p = remote;
	static const char *const prefixes[] = { "tcp:", "tcp4:", "tcp6:" };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (!strncmp(p, prefixes[i], strlen(prefixes[i])))
			p += strlen(prefixes[i]);
	}
	const char *colon = strrchr(p, ':');
	if (!colon || *p == '/' || *p == '|' || !colon[1])
		return false;
	size_t len = (size_t)(colon - p);
	if (len >= 2 && *p == '[' && p[len - 1] == ']') {
		p++;
		len -= 2;
	}
	/* ":PORT" is this machine, as for gdb. */
	*host_ret = len ? strndup(p, len) : strdup("localhost");
	*port_ret = strdup(colon + 1);
	return true;
}

/* Wait until fd is ready for events or the deadline passes: 1, 0, -1. */
/* -1 with errno EINTR: a Ctrl-C (or SIGTERM) came; the probe gives up. */
static int wait_fd(int fd, short events, long deadline)
{
	for (;;) {
		if (lkdb_interrupted) {
			errno = EINTR;
			return -1;
		}
		long left = deadline - lkdb_now_ms();
		if (left <= 0)
			return 0;
		struct pollfd p = { .fd = fd, .events = events };
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		return r;
	}
}

/* A connected socket to one of addrs, or -1 with *errno_ret. */
static int connect_any(const struct addrinfo *addrs, long deadline,
		       int *errno_ret)
{
	*errno_ret = ETIMEDOUT;
	for (const struct addrinfo *a = addrs; a; a = a->ai_next) {
		int fd = socket(a->ai_family,
				a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
				a->ai_protocol);
		if (fd < 0) {
			*errno_ret = errno;
			continue;
		}
		int e = 0;
		int ready;
		if (connect(fd, a->ai_addr, a->ai_addrlen) && errno != EINPROGRESS) {
			e = errno;
		} else if ((ready = wait_fd(fd, POLLOUT, deadline)) <= 0) {
			e = ready < 0 ? EINTR : ETIMEDOUT;
		} else {
			socklen_t len = sizeof(e);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len))
				e = errno;
		}
		if (!e)
			return fd;
		close(fd);
		*errno_ret = e;
	}
	return -1;
}

/* What a non-stub said, printable, for the message. */
static void describe_bytes(const char *buf, size_t n, char *out,
			   size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 5 < size; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\r' || c == '\n')
			break;
		if (isprint(c) && c != '"' && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

struct lkdb_error *remote_probe(const char *remote, int timeout_s)
{
	char *host = NULL, *port = NULL;
	if (!split_remote(remote, &host, &port))
		return NULL;
	struct lkdb_error *err = NULL;
	long deadline = lkdb_now_ms() + timeout_s * 1000L;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *addrs = NULL;
	int fd = -1;
	int rc = !host || !port ? EAI_MEMORY :
		 getaddrinfo(host, port, &hints, &addrs);
	if (rc == EAI_NONAME || rc == EAI_AGAIN || rc == EAI_FAIL ||
	    rc == EAI_NODATA) {
		err = lkdb_error_create(LKDB_ERROR_TARGET_LOST,
					"cannot attach to %s: unknown host \"%s\" (%s)",
					remote, host, gai_strerror(rc));
		goto out;
	}
	if (rc) {
		err = lkdb_error_create(LKDB_ERROR_TARGET_LOST,
					"cannot attach to %s: %s", remote,
					gai_strerror(rc));
		goto out;
	}
	int e;
	fd = connect_any(addrs, deadline, &e);
	if (fd < 0 && e == ECONNREFUSED) {
		err = lkdb_error_create(LKDB_ERROR_TARGET_LOST,
					"cannot attach to %s: connection refused (is QEMU running with -s or -gdb tcp::PORT?)",
					remote);
		goto out;
	}
	if (fd < 0 && e == EINTR) {
		err = lkdb_error_prefix(lkdb_error_interrupted(),
					"cannot attach to %s", remote);
		goto out;
	}
	if (fd < 0 && e == ETIMEDOUT) {
		err = lkdb_error_create(LKDB_ERROR_TARGET_LOST,
					"cannot attach to %s: no connection within %d s (--connect-timeout)",
					remote, timeout_s);
		goto out;
	}
	if (fd < 0) {
		err = lkdb_error_create(LKDB_ERROR_TARGET_LOST,
					"cannot attach to %s: %s", remote,
					strerror(e));
		goto out;
	}
	static const char probe[] = "$qSupported#37";
	if (send(fd, probe, sizeof(probe) - 1, MSG_NOSIGNAL) < 0) {
		err = lkdb_error_errno(errno, "cannot attach to %s", remote);
		goto out;
	}
	char buf[64];
	ssize_t n = 0;
	int ready = wait_fd(fd, POLLIN, deadline);
	if (ready > 0)
		n = recv(fd, buf, sizeof(buf), 0);
	if (ready < 0) {
		err = lkdb_error_prefix(lkdb_error_interrupted(),
					"cannot attach to %s", remote);
	} else if (n < 0) {
		err = lkdb_error_create(LKDB_ERROR_TARGET_LOST,
					"cannot attach to %s: %s", remote,
					strerror(errno));
	} else if (n > 0 && (buf[0] == '+' || buf[0] == '$')) {
		/* A stub: acknowledge its answer and leave it to gdb. */
		if (send(fd, "+", 1, MSG_NOSIGNAL) < 0) {
			/* it hung up: gdb will say so */
		}
	} else if (n > 0) {
		char said[128];
		describe_bytes(buf, (size_t)n, said, sizeof(said));
		err = lkdb_error_create(LKDB_ERROR_TARGET_LOST,
					"cannot attach to %s: no gdb stub there: it answered \"%s\"",
					remote, said);
	} else if (n == 0 && lkdb_now_ms() < deadline) {
		err = lkdb_error_create(LKDB_ERROR_TARGET_LOST,
					"cannot attach to %s: the connection was closed without an answer (no gdb stub there?)",
					remote);
	} else {
		/*
		 * QEMU's stub serves one client; this connection waits in its
		 * listen queue.  When the other debugger leaves, QEMU takes it,
		 * pauses the guest for it and finds it closed: the guest would
		 * stay paused with nobody attached.  A detach queued behind the
		 * probe lets it run on.  ("D;1": QEMU refuses a bare "D" once
		 * a gdb has turned on multiprocess mode, which it never resets.)
		 */
		static const char detach[] = "$D;1#b0";
		if (send(fd, detach, sizeof(detach) - 1, MSG_NOSIGNAL) < 0) {
			/* gone already: nothing queued to pause the guest */
		}
		err = lkdb_error_create(LKDB_ERROR_TARGET_LOST,
					"cannot attach to %s: connected, but no gdb stub answered within %d s (is another debugger attached to it?)",
					remote, timeout_s);
	}
out:
	if (fd >= 0)
		close(fd);
	if (addrs)
		freeaddrinfo(addrs);
	free(host);
	free(port);
	return err;
}
