/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lkdb qemu: QEMU started by lkdb, halted (-S) with its gdb stub on a free
 * port of 127.0.0.1 and the first serial port (the kernel's ttyS0 console)
 * on lkdb's own stdout (live) and in a log file.  QEMU runs in its own
 * process group, so a terminal's Ctrl-C reaches lkdb only.
 */
#ifndef LKDB_QEMU_LAUNCH_H
#define LKDB_QEMU_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/error.h"
#include "options.h"

struct qemu_launch {
	pid_t pid;		/* -1 once reaped */
	char remote[32];	/* "127.0.0.1:PORT" for --remote */
	int exit_status;	/* wait status, once reaped */
};

/*
 * Start $LKDB_QEMU (default qemu-system-x86_64) with options->qemu_args
 * and wait until its gdb stub listens.  One-line errors: QEMU not found,
 * QEMU exited (its own messages are on stderr above), an argument lkdb
 * cannot combine with its console (-nographic, -serial stdio).
 */
struct lkdb_error *qemu_launch_start(const struct lkdb_options *options,
				     struct qemu_launch *ret);
/* Has QEMU exited?  Reaps it and says how in buf. */
bool qemu_launch_exited(struct qemu_launch *q, char *buf, size_t size);
/* End QEMU (SIGTERM, then SIGKILL) if it still runs. */
void qemu_launch_stop(struct qemu_launch *q);

#endif
