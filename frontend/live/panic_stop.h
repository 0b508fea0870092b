/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Panic stops on a live target: lkdb's own hardware breakpoints on the
 * kernel's panic and oops paths (kernel-helpers/decode/panic.h says which), and
 * the report printed when one is hit.  The breakpoints belong to the
 * session: panic_stops_disarm() deletes them before lkdb detaches.
 */
#ifndef LKDB_PANIC_STOP_H
#define LKDB_PANIC_STOP_H

#include <stdbool.h>

#include "common/error.h"
#include "mi/mi_output.h"
#include "frontend/core/session.h"

/* Put the breakpoints in (the target must be stopped). */
struct lkdb_error *panic_stops_arm(struct lkdb_session *s);
/* Delete them (if gdb and the target are still there) and forget them. */
void panic_stops_disarm(struct lkdb_session *s);

/*
 * Continue the target and wait until it stops: a panic stop prints its
 * report; Ctrl-C stops the guest (a note says so).  Errors: the target
 * went away (s->target_lost is set), gdb died.
 */
struct lkdb_error *panic_stops_continue_and_wait(struct lkdb_session *s);

/*
 * Look at a *stopped record (e.g. after the user's continue): if one of
 * the panic stops was hit, print the report.  Returns true if it was one.
 */
bool panic_stops_on_stop(struct lkdb_session *s,
			 const struct mi_output *stopped);

/*
 * After Ctrl-C stopped the guest: where is everyone — each CPU's task and
 * its top frames, the tasks in D state and the longest waiter among them.
 */
void panic_stops_interrupted(struct lkdb_session *s);

/*
 * Whether stopped is at a --stop-on site but not from its report (e.g.
 * sched_show_task() from sysrq-t rather than from the hung-task check):
 * lkdb then continues the guest without a report.
 */
bool panic_stops_not_a_report(struct lkdb_session *s,
			      const struct mi_output *stopped);

/*
 * Whether stopped is the last reported panic stop once more: the same
 * breakpoint, thread and registers, the guest not having moved
 * (TCG can end gdb's step over a hardware breakpoint early).  True once
 * per report; lkdb then continues the guest instead of reporting again.
 */
bool panic_stops_repeated(struct lkdb_session *s,
			  const struct mi_output *stopped);

#endif
