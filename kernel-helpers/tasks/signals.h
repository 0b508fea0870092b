/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A task's signal state as crash's sig shows it and /proc/PID/status
 * counts it: its thread group's signal_struct (nr_threads) and handlers
 * (sighand->action[]: handler, mask, flags, for each of the _NSIG
 * signals), whether a signal is pending for it (TIF_SIGPENDING in its
 * thread_info flags, bit 2 on x86_64), the signals it blocks
 * (task->blocked), and its private and the group's shared pending sets
 * (task->pending, signal->shared_pending) with their queued siginfos.
 * Queues are walked bounded; what cannot be read is a warning.
 */
#ifndef LKDB_SIGNALS_H
#define LKDB_SIGNALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

#define KERNEL_NSIG 64

struct kernel_sigaction {
	uint64_t action;	/* the struct k_sigaction */
	uint64_t handler, mask, flags;
};

struct kernel_sigqueued {
	int sig;
	uint64_t siginfo;	/* the queued kernel_siginfo */
};

struct kernel_sigpending {
	uint64_t signal;	/* the set, bit N-1 for signal N */
	struct kernel_sigqueued *queue;
	size_t nr;
};

struct kernel_signals {
	uint64_t signal_struct;
	int nr_threads;
	struct kernel_sigaction actions[KERNEL_NSIG];
	bool sigpending;
	uint64_t blocked;
	struct kernel_sigpending private_pending, shared_pending;
	char **warnings;
	size_t nr_warnings;
};

struct lkdb_error *kernel_read_signals(struct kernel *k, uint64_t task,
				       struct kernel_signals *ret);
void kernel_signals_deinit(struct kernel_signals *s);
/* The signals whose handler is SIG_IGN, and those with a handler of their own. */
uint64_t kernel_signals_ignored(const struct kernel_signals *s);
uint64_t kernel_signals_caught(const struct kernel_signals *s);

#endif
