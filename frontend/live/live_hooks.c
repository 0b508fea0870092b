// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/live/live_hooks.h"

#include <stdio.h>

#include "frontend/live/module_sync.h"
#include "frontend/terminal/output.h"
#include "frontend/live/panic_stop.h"

/*
 * lkdb's module breakpoints go in for as long as a gdb command runs the
 * guest (when lkdb itself waits for a panic, they are in already).
 */
static bool resume_begin(struct lkdb_session *s)
{
	if (s->module_sync)
		return false;
	struct lkdb_error *err = module_sync_arm(s, false);
	if (err) {
		lkdb_warn(NULL, "%s", err->message);
		lkdb_error_destroy(err);
	}
	return s->module_sync != NULL;
}

/*
 * lkdb's own stops: a module inserted or removed, a panic stop that
 * repeats the one just reported without the guest having moved, or a
 * --stop-on site reached by another caller than its report.
 */
static bool own_stop(struct lkdb_session *s, const struct mi_output *stopped)
{
	return module_sync_on_stop(s, stopped) ||
	       panic_stops_repeated(s, stopped) ||
	       panic_stops_not_a_report(s, stopped);
}

static void end(struct lkdb_session *s)
{
	panic_stops_disarm(s);
	module_sync_disarm(s);
}

const struct lkdb_live_hooks lkdb_live_hooks = {
	.resume_begin = resume_begin,
	.resume_end = module_sync_disarm,
	.own_stop = own_stop,
	.report_stop = panic_stops_on_stop,
	.interrupted = panic_stops_interrupted,
	.end = end,
};
