// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bt: backtraces as crash shows them, from lkdb's ORC unwinder (see
 * backtrace.h), for the context task, any task, or every CPU's.  gdb's own
 * backtrace stays at hand as "backtrace" / "where".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "commands.h"
#include "task_lookup.h"

static const char usage[] = "usage: bt [-l] [--json] [-a | PID | TASK]";

static struct lkdb_error *bt_all(struct backtrace_env *env,
				 const struct task_list *list,
				 const struct backtrace_options *o)
{
	struct lkdb_error *err = NULL;
	if (o->json)
		fputs("[", stdout);
	bool first = true;
	for (unsigned int cpu = 0; cpu < list->nr_cpus && !err; cpu++) {
		const struct task_info *t = task_lookup_on_cpu(list, (int)cpu);
		if (!t) {
			if (!o->json)
				printf("%sCPU: %u  (its current task is unknown)\n",
				       first ? "" : "\n", cpu);
			first = false;
			continue;
		}
		if (!first)
			fputs(o->json ? ",\n" : "\n", stdout);
		first = false;
		err = backtrace_task(env, t, o, stdout);
	}
	if (o->json)
		fputs("]\n", stdout);
	return err;
}

struct lkdb_error *cmd_bt(struct lkdb_command_context *ctx)
{
	struct lkdb_session *s = ctx->session;
	struct backtrace_options o = { .json = ctx->json };
	bool all = false;
	const char *which = NULL;
	for (int i = 1; i < ctx->argc; i++) {
		const char *arg = ctx->argv[i];
		if (!strcmp(arg, "-l"))
			o.lines = true;
		else if (!strcmp(arg, "-a"))
			all = true;
		else if (arg[0] == '-')
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "unknown option \"%s\"; %s",
						 arg, usage);
		else if (which)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "unexpected argument \"%s\"; %s",
						 arg, usage);
		else
			which = arg;
	}
	if (all && which)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "-a and a task together; %s", usage);
	struct task_list *list = NULL;
	struct backtrace_env *env = NULL;
	struct lkdb_error *err = task_lookup_read(s, "bt", &list);
	if (!err)
		err = backtrace_env_create(s, &env);
	if (err)
		goto out;
	if (all) {
		err = bt_all(env, list, &o);
		goto out;
	}
	const struct task_info *t;
	err = which ? task_lookup_find(list, which, &t) :
		      task_lookup_context(s, list, &t);
	if (!err)
		err = backtrace_task(env, t, &o, stdout);
out:
	fflush(stdout);
	backtrace_env_destroy(env);
	task_list_destroy(list);
	return err;
}
