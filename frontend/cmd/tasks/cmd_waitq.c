// SPDX-License-Identifier: GPL-2.0-or-later
/* waitq: the tasks waiting on a wait queue, as crash's waitq lists them. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "frontend/core/commands.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/backtrace.h"
#include "frontend/kernel/struct_print.h"
#include "frontend/kernel/task_lookup.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/tasks/waits.h"

static void print_entry(struct backtrace_env *env, const struct task_list *list,
			const struct kernel_waitqueue_entry *e, bool json,
			bool first)
{
	const struct task_info *t = task_list_find(list, e->private);
	char *func = env ? backtrace_data_name(env, e->func) : NULL;
	if (json) {
		fputs(first ? "" : ", ", stdout);
		fputs("{\"entry\": ", stdout);
		json_write_address(stdout, e->entry);
		fputs(", \"private\": ", stdout);
		json_write_address(stdout, e->private);
		fputs(", \"pid\": ", stdout);
		if (t)
			printf("%" PRId32, t->pid);
		else
			fputs("null", stdout);
		fputs(", \"func\": ", stdout);
		if (func)
			json_write_string(stdout, func);
		else
			json_write_address(stdout, e->func);
		putchar('}');
	} else if (t) {
		task_lookup_print_header(stdout, t);
	} else {
		printf("  entry %" PRIx64 ": private %" PRIx64 " is not a task, func %s\n",
		       e->entry, e->private, func ? func : "?");
	}
	free(func);
}

static struct lkdb_error *cmd_waitq(struct lkdb_command_context *ctx)
{
	if (ctx->argc < 2 || ctx->argc > 3)
		return lkdb_usage(ctx);
	const char *arg = ctx->argv[1];
	const char *dot = strchr(arg, '.');
	uint64_t head, off = 0;
	struct lkdb_error *err;
	struct address_arg_context names = { .s = ctx->session, .cmd = "waitq" };
	if (dot) {
		if (ctx->argc != 3)
			return lkdb_usage_error(ctx, "%s: give the address of the struct too", arg);
		err = struct_print_offset(ctx->kernel, "waitq", arg, &off);
		if (!err)
			err = address_arg_parse(&names, ctx->argv[2], &head);
	} else {
		if (ctx->argc != 2)
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"", ctx->argv[2]);
		err = address_arg_parse(&names, arg, &head);
	}
	address_arg_deinit(&names);
	if (err)
		return err;
	head += off;
	struct kernel_waitqueue q;
	if ((err = kernel_read_waitqueue(ctx->kernel, head, &q)))
		return err;
	for (size_t i = 0; i < q.nr_warnings; i++)
		lkdb_warn("waitq", "%s", q.warnings[i]);
	fflush(stderr);
	struct task_list *list = NULL;
	struct backtrace_env *env = NULL;
	err = task_lookup_read(ctx->session, "waitq", &list);
	if (!err) {
		/* Only to name the wake functions: without it, addresses. */
		struct lkdb_error *e = backtrace_env_create(ctx->session, &env);
		if (e)
			env = NULL;
		lkdb_error_destroy(e);
	}
	if (err)
		goto out;
	const char *name = dot || address_arg_all_hex(arg) ||
			   !strncmp(arg, "0x", 2) ? NULL : arg;
	if (ctx->json) {
		fputs("{\"queue\": ", stdout);
		json_write_address(stdout, head);
		fputs(", \"name\": ", stdout);
		if (name)
			json_write_string(stdout, name);
		else
			fputs("null", stdout);
		fputs(", \"waiters\": [", stdout);
	} else if (!q.nr) {
		if (name)
			printf("wait queue \"%s\" (%" PRIx64 ") is empty\n", name, head);
		else
			printf("wait queue %" PRIx64 " is empty\n", head);
	}
	for (size_t i = 0; i < q.nr; i++)
		print_entry(env, list, &q.entries[i], ctx->json, !i);
	if (ctx->json)
		puts("]}");
out:
	fflush(stdout);
	backtrace_env_destroy(env);
	task_lookup_release(ctx->session, list);
	kernel_waitqueue_deinit(&q);
	return err;
}

const struct lkdb_command lkdb_command_waitq = {
	.name = "waitq",
	.handler = cmd_waitq,
	.summary = "the tasks waiting on a wait queue, as crash's waitq",
	.usage = "waitq SYMBOL|ADDR | waitq STRUCT.MEMBER ADDR [--json]\n"
		 "The tasks on a wait queue (a struct wait_queue_head: a symbol, its\n"
		 "address, or the member of the struct at ADDR), one crash header line\n"
		 "each, in queue order; an entry whose private is not a task (poll,\n"
		 "epoll) is shown with its wake function.  An empty queue: \"wait queue\n"
		 "\\\"NAME\\\" (ADDR) is empty\".\n"
		 "  --json  {queue, name, waiters: [{entry, private, pid (null: not a\n"
		 "          task), func}]}",
	.man = ".BR waitq \" \"\n"
	       ".IR SYMBOL | ADDR \" | \"\n"
	       ".I STRUCT.MEMBER ADDR\n"
	       "The tasks waiting on a wait queue, as crash's waitq.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
};
