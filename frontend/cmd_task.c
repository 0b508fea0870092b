// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * task: a task_struct's summary, a compact set of its fields as gdb prints
 * them, and $task = (struct task_struct *)ADDR in gdb for what follows.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "task_lookup.h"

static const char usage[] = "usage: task [--json] [PID | TASK]";

/* Fields shown through gdb ("p/x" for flags); absent ones are skipped. */
static const struct {
	const char *expr;
	const char *format;
} fields[] = {
	{ "pid", "" },
	{ "tgid", "" },
	{ "comm", "" },
	{ "__state", "" },
	{ "state", "" },	/* before 5.14 */
	{ "exit_state", "" },
	{ "flags", "/x" },
	{ "prio", "" },
	{ "on_cpu", "" },
	{ "mm", "" },
	{ "real_parent", "" },
	{ "stack", "" },
	{ "thread.sp", "/x" },
};

static struct lkdb_error *current_cpu_task(struct lkdb_session *s,
					   const struct task_list *list,
					   const struct task_info **ret)
{
	struct gdb_thread *threads;
	size_t n;
	struct lkdb_error *err = task_lookup_threads(s, &threads, &n);
	if (err)
		return err;
	long tid = -1;
	for (size_t i = 0; i < n; i++) {
		if (threads[i].current)
			tid = threads[i].tid;
	}
	free(threads);
	if (tid < 1 || tid > (long)list->nr_cpus)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the selected gdb thread is not a CPU: give a PID or task address");
	const struct task_info *t = task_lookup_on_cpu(list, (int)tid - 1);
	if (!t)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no task known to run on CPU %ld", tid - 1);
	*ret = t;
	return NULL;
}

static void print_json(const struct task_info *t)
{
	char comm[17];
	task_lookup_safe_comm(t->comm, comm);
	printf("{\"pid\": %" PRId32 ", \"tgid\": %" PRId32 ", \"ppid\": %" PRId32
	       ", \"task\": \"%" PRIx64 "\", \"cpu\": ",
	       t->pid, t->tgid, t->ppid, t->task);
	if (t->cpu >= 0)
		printf("%d", t->cpu);
	else
		fputs("null", stdout);
	fputs(", \"command\": ", stdout);
	json_write_string(stdout, comm);
	fputs(", \"state\": ", stdout);
	json_write_string(stdout, t->state);
	printf(", \"running\": %s, \"kernel_thread\": %s}\n",
	       t->running ? "true" : "false",
	       t->kernel_thread ? "true" : "false");
}

static void print_fields(struct lkdb_session *s)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char cmd[96], *out = NULL;
		snprintf(cmd, sizeof(cmd), "output%s $task->%s",
			 fields[i].format, fields[i].expr);
		struct lkdb_error *err = task_lookup_gdb_quiet(s, cmd, &out);
		if (err) {
			lkdb_error_destroy(err);
			continue;
		}
		/* Printable bytes only: a comm cannot drive the terminal. */
		for (char *p = out; *p; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		}
		printf("  %-12s %s\n", fields[i].expr, out);
		free(out);
	}
}

struct lkdb_error *cmd_task(struct lkdb_command_context *ctx)
{
	struct lkdb_session *s = ctx->session;
	if (ctx->argc > 2)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "unexpected argument \"%s\"; %s",
					 ctx->argv[2], usage);
	if (ctx->argc == 2 && ctx->argv[1][0] == '-')
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "unknown option \"%s\"; %s",
					 ctx->argv[1], usage);
	struct task_list *list = NULL;
	struct lkdb_error *err = task_lookup_read(s, "task", &list);
	if (err)
		return err;
	const struct task_info *t;
	if (ctx->argc == 2)
		err = task_lookup_find(list, ctx->argv[1], &t);
	else
		err = current_cpu_task(s, list, &t);
	if (err)
		goto out;
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "set $task = (struct task_struct *)0x%" PRIx64,
		 t->task);
	err = task_lookup_gdb_quiet(s, cmd, NULL);
	if (err)
		goto out;
	if (ctx->json) {
		print_json(t);
	} else {
		task_lookup_print_header(stdout, t);
		printf("STATE: %s  PPID: %" PRId32 "  TGID: %" PRId32 "%s\n",
		       t->state, t->ppid, t->tgid,
		       t->running ? "  (running on its CPU)" : "");
		print_fields(s);
		printf("$task = (struct task_struct *)0x%" PRIx64 "\n", t->task);
	}
	fflush(stdout);
out:
	task_list_destroy(list);
	return err;
}
