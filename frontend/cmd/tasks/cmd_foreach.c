// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * foreach: one of lkdb's task commands for every task a selection picks,
 * as crash's foreach: "foreach UN bt" is a hung-task triage's first step.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/backtrace.h"
#include "frontend/kernel/task_lookup.h"
#include "frontend/terminal/terminal.h"

#define FOREACH_ARGS_MAX 64

/* The commands foreach runs: each takes a PID as its last argument. */
static const char *const commands[] = { "bt", "task", "vm", "files", "sig", "net" };

static const char *const states[] = { "RU", "IN", "UN", "ID", "ZO", "ST",
				      "TR", "DE", "PA", "WA", "NE" };

static bool is_command(const char *w)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(w, commands[i]))
			return true;
	return false;
}

static bool is_state(const char *w)
{
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(w, states[i]))
			return true;
	return false;
}

/* Whether task t is one a selector picks (no selectors: every task). */
static bool picked(const struct task_info *t, char *const *sel, int n)
{
	if (!n)
		return true;
	for (int i = 0; i < n; i++) {
		const char *s = sel[i];
		uint64_t v;
		if ((!strcmp(s, "kernel") && t->kernel_thread) ||
		    (!strcmp(s, "user") && !t->kernel_thread) ||
		    (!strcmp(s, "active") && t->running) ||
		    (is_state(s) && !strcmp(s, t->state)) ||
		    !strcmp(s, t->comm))
			return true;
		if (address_arg_all_hex(s) && strspn(s, "0123456789") == strlen(s) &&
		    strtoll(s, NULL, 10) == t->pid)
			return true;
		if (address_arg_number(s, true, &v) && strlen(s) >= 8 &&
		    v == t->task)
			return true;
	}
	return false;
}

static struct lkdb_error *cmd_foreach(struct lkdb_command_context *ctx)
{
	int c = 1;
	while (c < ctx->argc && !is_command(ctx->argv[c]))
		c++;
	if (c == ctx->argc)
		return lkdb_usage_error(ctx, "no command among the arguments: foreach runs bt, task, vm, files, sig or net (every other word selects tasks)");
	/* Room for the command's words, net's -s, the PID and the NULL. */
	if (ctx->argc - c + 2 > FOREACH_ARGS_MAX)
		return lkdb_usage_error(ctx, "at most %d arguments to the command",
					FOREACH_ARGS_MAX - 3);
	const struct lkdb_command *cmd = lkdb_command_find(ctx->argv[c]);
	if (!cmd)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND, "no command %s",
					 ctx->argv[c]);
	/* foreach itself needs no gdb: on a dump, bt need not wait for it. */
	struct lkdb_error *err = NULL;
	if (!(cmd->flags & CMD_NO_GDB) &&
	    (err = lkdb_session_need_gdb(ctx->session)))
		return err;
	struct task_list *tasks;
	err = task_lookup_read(ctx->session, "foreach", &tasks);
	if (err)
		return err;
	task_list_sort(tasks);
	char *argv[FOREACH_ARGS_MAX + 1];
	int argc = 0;
	for (int i = c; i < ctx->argc; i++)
		argv[argc++] = ctx->argv[i];
	/* net about a task is its sockets (net -s), as crash's foreach net. */
	char dash_s[] = "-s";
	if (!strcmp(cmd->name, "net")) {
		bool has_s = false;
		for (int i = 1; i < argc; i++)
			has_s |= !strcmp(argv[i], "-s");
		if (!has_s) {
			memmove(argv + 2, argv + 1, (size_t)(argc - 1) * sizeof(*argv));
			argv[1] = dash_s;
			argc++;
		}
	}
	char pid[24];
	argv[argc] = pid;
	argv[argc + 1] = NULL;
	size_t done = 0;
	/* task would make each task the context in turn: it stays. */
	bool kept = ctx->session->keep_context;
	ctx->session->keep_context = true;
	/* Each run reads the tasks (and bt its unwinder) once, not per task. */
	task_lookup_lend(ctx->session, tasks);
	if (ctx->json)
		putchar('[');
	for (size_t i = 0; i < tasks->nr_tasks && !lkdb_interrupted; i++) {
		const struct task_info *t = &tasks->tasks[i];
		if (!picked(t, ctx->argv + 1, c - 1))
			continue;
		/* PID 0 is each CPU's idle task: its address says which. */
		if (t->pid)
			snprintf(pid, sizeof(pid), "%" PRId32, t->pid);
		else
			snprintf(pid, sizeof(pid), "0x%" PRIx64, t->task);
		struct lkdb_command_context sub = *ctx;
		sub.command = cmd;
		sub.argc = argc + 1;
		sub.argv = argv;
		if (ctx->json)
			fputs(done ? "," : "", stdout);
		else if (done)
			putchar('\n');
		fflush(stdout);
		err = cmd->handler(&sub);
		fflush(stdout);
		done++;
		if (err) {
			err = lkdb_error_prefix(err, "%s %s", cmd->name, pid);
			break;
		}
	}
	ctx->session->keep_context = kept;
	backtrace_env_end_loan(ctx->session);
	task_lookup_lend(ctx->session, NULL);
	if (ctx->json)
		puts("]");
	task_list_destroy(tasks);
	if (!err && !done) {
		char sel[256] = "";
		size_t len = 0;
		for (int i = 1; i < c && len + 2 < sizeof(sel); i++) {
			int w = snprintf(sel + len, sizeof(sel) - len, "%s%s",
					 i > 1 ? " " : "", ctx->argv[i]);
			len += w > 0 ? (size_t)w : 0;
		}
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no task matches \"%s\" (PIDs, task addresses, command names, states such as UN, kernel, user, active)",
					 sel);
	}
	return err;
}

/*
 * foreach's arguments: before its command, the selectors (states, kernel,
 * user, active, PIDs and names) and the commands it runs; after, the
 * command's own (PIDs are not: foreach gives them).
 */
static bool complete_foreach(const struct lkdb_command_context *ctx,
			     const char *text, void (*add)(const char *word))
{
	for (int i = 1; i < ctx->argc; i++)
		if (is_command(ctx->argv[i]))
			return true;
	static const char *const words[] = { "kernel", "user", "active", NULL };
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strncmp(commands[i], text, strlen(text)))
			add(commands[i]);
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (!strncmp(states[i], text, strlen(text)))
			add(states[i]);
	lkdb_complete_words(words, text, add);
	task_lookup_complete(ctx->kernel, text, true, add);
	return true;
}

const struct lkdb_command lkdb_command_foreach = {
	.name = "foreach",
	.handler = cmd_foreach,
	.summary = "run bt, task, vm, files, sig or net for every task a selection picks, as crash's foreach",
	.usage = "foreach [PID|TASK|COMM|STATE|kernel|user|active...] bt|task|vm|files|sig|net [ARGS...] [--json]\n"
		 "The command, with its ARGS and each task's PID last, for every task\n"
		 "(by PID) that one of the selectors picks (none: every task), as\n"
		 "crash's foreach: \"foreach UN bt\" shows where each task in\n"
		 "uninterruptible sleep waits; net is net -s (the task's sockets).\n"
		 "  PID, TASK, COMM  a task by PID, task_struct address or command name\n"
		 "  STATE   the tasks in a ps state: RU IN UN ID ZO ST TR DE PA WA NE\n"
		 "  kernel, user  kernel threads, user tasks\n"
		 "  active  the task running on each CPU\n"
		 "  --json  an array of the command's --json output for each task",
	.man = ".BR foreach \" [\"\n"
	       ".IR PID | TASK | COMM | STATE \"|kernel|user|active ...] bt|task|vm|files|sig|net [\"\n"
	       ".IR ARGS \"]\"\n"
	       "Run the command for every task the selectors pick (a PID, task address,\n"
	       "command name, state such as UN, kernel or user tasks, the active ones).\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = complete_foreach,
};
