/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lkdb qemu: QEMU started by lkdb, halted (-S), its gdb stub on a socket
 * lkdb bound and listens on (127.0.0.1, a port the kernel chose: no race
 * for a free port), handed to QEMU as a descriptor.
 *
 * lkdb owns the terminal.  QEMU never shares the user's tty: its stdin is
 * /dev/null and its stdout (the first serial port, the kernel's ttyS0
 * console) and stderr are pipes that a thread of lkdb copies to lkdb's own
 * stdout/stderr (the descriptors lkdb had at start, so a command's
 * redirection does not catch the console) and to the console log.
 *
 * QEMU is started by a small guardian process, lkdb's child, which waits
 * for QEMU and watches a pipe from lkdb: if lkdb goes away for any reason
 * (even SIGKILL) the pipe closes and the guardian ends QEMU; on `detach`
 * lkdb tells it to let QEMU run on, and the guardian then keeps copying
 * the console into the log file until QEMU exits.
 */
#ifndef LKDB_QEMU_LAUNCH_H
#define LKDB_QEMU_LAUNCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "frontend/core/options.h"

struct qemu_launch {
	pid_t pid;		/* QEMU's, > 0 while it may run */
	pid_t guardian;		/* lkdb's child that started QEMU */
	int control_fd;		/* to the guardian: closed = end QEMU */
	int status_fd;		/* from the guardian: QEMU's fate */
	int console_fd;		/* QEMU's stdout (the console), lkdb's end */
	int stderr_fd;		/* QEMU's stderr, lkdb's end */
	int wake_fd[2];		/* stops the console thread */
	int out_fd, err_fd;	/* lkdb's own stdout/stderr, dup'ed at start */
	int log_fd;		/* the console log */
	pthread_t thread;
	bool thread_running;
	pthread_mutex_t lock;	/* one copier at a time (thread or drain) */
	bool exited;
	int exit_status;	/* wait status, once exited */
	char remote[32];	/* "127.0.0.1:PORT" for --remote */
};

/*
 * Start $LKDB_QEMU (default qemu-system-x86_64) with options->qemu_args,
 * halted, and start copying its console.  One-line errors: QEMU not found,
 * an argument lkdb cannot combine with its console (-nographic, -serial
 * stdio) or stub (-s, -S, -gdb), the console log not writable.
 */
struct lkdb_error *qemu_launch_start(const struct lkdb_options *options,
				     struct qemu_launch *ret);
/*
 * Copy whatever QEMU has written so far to the terminal and the log, so
 * that output lkdb prints next comes after it.
 */
void qemu_launch_drain(struct qemu_launch *q);
/* Has QEMU exited (waiting up to timeout_ms to hear it)?  Says how in buf. */
bool qemu_launch_exited(struct qemu_launch *q, int timeout_ms, char *buf,
			size_t size);
/*
 * Let QEMU run on without lkdb: the guardian keeps writing its console to
 * the log until it exits.  Afterwards q describes no QEMU.
 */
void qemu_launch_detach(struct qemu_launch *q);
/* End QEMU (SIGTERM, then SIGKILL) if it still runs; free q's resources. */
void qemu_launch_stop(struct qemu_launch *q);

#endif
