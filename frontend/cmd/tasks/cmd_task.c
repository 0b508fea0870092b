// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * task: a task_struct's summary, a compact set of its fields as gdb prints
 * them, and $task = (struct task_struct *)ADDR in gdb for what follows.
 * The task becomes the context of bt and of gdb's frame commands: its
 * CPU's thread when it runs; on a dump, a sleeping task's registers are
 * given to lkdb-dump-server as a thread of its own (monitor lkdb-context),
 * so that frame N / info locals / up work in its frames.  QEMU's stub
 * cannot take registers, so live, gdb stays on a CPU for sleeping tasks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "kernel-helpers/dumps/dump.h"
#include "common/json.h"
#include "frontend/kernel/gdb_value.h"
#include "frontend/kernel/struct_print.h"
#include "frontend/kernel/task_lookup.h"

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

static void print_json(const struct task_info *t)
{
	char comm[17];
	task_lookup_safe_comm(t->comm, comm);
	printf("{\"pid\": %" PRId32 ", \"tgid\": %" PRId32 ", \"ppid\": %" PRId32
	       ", \"task\": \"0x%" PRIx64 "\", \"cpu\": ",
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

static void print_fields(struct lkdb_session *s, const struct task_info *t)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		/* The name up to its NUL, as crash's COMMAND, not gdb's \000s. */
		if (!strcmp(fields[i].expr, "comm")) {
			char comm[17];
			task_lookup_safe_comm(t->comm, comm);
			printf("  %-12s \"%s\"\n", "comm", comm);
			continue;
		}
		char cmd[96], *out = NULL;
		snprintf(cmd, sizeof(cmd), "output%s $lkdb_task->%s",
			 fields[i].format, fields[i].expr);
		struct lkdb_error *err = task_lookup_gdb_quiet(s, cmd, &out);
		if (err) {
			lkdb_error_destroy(err);
			continue;
		}
		gdb_value_drop_percpu_names(s, out);
		/* Printable bytes only: a comm cannot drive the terminal. */
		for (char *p = out; *p; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		}
		printf("  %-12s %s\n", fields[i].expr, out);
		free(out);
	}
}

static struct lkdb_error *select_tid(struct lkdb_session *s, long tid,
				     int *num_ret)
{
	struct gdb_thread *threads;
	size_t n;
	struct lkdb_error *err = task_lookup_threads(s, &threads, &n);
	if (err)
		return err;
	int num = task_lookup_thread_num(threads, n, tid);
	free(threads);
	if (num < 0)
		return lkdb_error_create(LKDB_ERROR_GDB,
					 "gdb shows no thread %ld", tid);
	char cmd[32];
	snprintf(cmd, sizeof(cmd), "thread %d", num);
	*num_ret = num;
	return task_lookup_gdb_quiet(s, cmd, NULL);
}

/*
 * What a new gdb is given to be in t's context again: $task, the
 * server's context thread, and (after a thread list, which `thread N`
 * does not fetch) the same thread selected.
 */
static void remember_context(struct lkdb_session *s, const char *set_task,
			     const char *context, int thread)
{
	const char *cmds[5];
	size_t n = 0;
	char select[32];
	cmds[n++] = set_task;
	if (context) {
		cmds[n++] = context;
		cmds[n++] = "maintenance flush register-cache";
	}
	if (thread >= 0) {
		snprintf(select, sizeof(select), "thread %d", thread);
		cmds[n++] = "info threads";
		cmds[n++] = select;
	}
	lkdb_error_destroy(lkdb_session_gdb_state(s, "task", cmds, n));
}

/*
 * Make t's frames gdb's selected ones; *num_ret its gdb thread, or -1;
 * context (size CONTEXT_MAX) gets the server's context command given,
 * or "".
 */
#define CONTEXT_MAX 512
static struct lkdb_error *gdb_context(struct lkdb_session *s,
				      const struct task_info *t, int *num_ret,
				      char *cmd)
{
	*num_ret = -1;
	cmd[0] = '\0';
	if (t->running && t->cpu >= 0)
		return select_tid(s, t->cpu + 1, num_ret);
	if (!s->dump)
		return NULL;
	struct x86_64_regs r;
	struct lkdb_error *err = task_lookup_sleeping_regs(s, t, &r);
	if (err)
		return err;
	/* The server's context thread: one past the CPUs. */
	long tid = (long)dump_nr_cpus(s->dump) + 1;
	snprintf(cmd, CONTEXT_MAX,
		 "monitor lkdb-context thread=%ld rip=%" PRIx64 " rsp=%" PRIx64
		 " rbp=%" PRIx64 " rbx=%" PRIx64 " r12=%" PRIx64
		 " r13=%" PRIx64 " r14=%" PRIx64 " r15=%" PRIx64,
		 tid, r.rip, r.rsp, r.rbp, r.rbx, r.r12, r.r13, r.r14, r.r15);
	err = task_lookup_gdb_quiet(s, cmd, NULL);
	if (!err)
		err = task_lookup_gdb_quiet(s, "maintenance flush register-cache",
					    NULL);
	if (!err)
		err = select_tid(s, tid, num_ret);
	return err;
}

/*
 * task -R MEMBER[,MEMBER...] [PID|TASK...]: those task_struct members of
 * each task, printed by gdb in crash's lines; the context stays.
 */
static struct lkdb_error *task_members(struct lkdb_command_context *ctx)
{
	struct lkdb_session *s = ctx->session;
	if (ctx->argc < 3)
		return lkdb_usage_error(ctx, "-R needs task_struct members (pid,comm)");
	char *spec = NULL;
	if (asprintf(&spec, "task_struct.%s", ctx->argv[2]) < 0)
		return &lkdb_error_oom;
	struct struct_printer printer = { .s = s, .spec = spec };
	int nargs = ctx->argc - 3;
	const struct task_info **chosen = calloc(nargs ? nargs : 1, sizeof(*chosen));
	if (!chosen) {
		free(spec);
		return &lkdb_error_oom;
	}
	struct task_list *list = NULL;
	int n;
	struct lkdb_error *err = task_lookup_args(s, "task",
						  (const char *const *)ctx->argv + 3,
						  nargs, &list, chosen, &n);
	/* Opened, the array is closed whatever happens next. */
	bool opened = ctx->json && !err;
	if (opened)
		putchar('[');
	for (int i = 0; !err && i < n; i++) {
		const struct task_info *t = chosen[i];
		if (ctx->json) {
			printf("%s{\"pid\": %" PRId32 ", \"task\": ", i ? ",\n " : "",
			       t->pid);
			json_write_address(stdout, t->task);
		} else {
			if (i)
				putchar('\n');
			task_lookup_print_header(stdout, t);
		}
		err = struct_print_members(&printer, ctx->json, t->task, ",");
		if (ctx->json)
			putchar('}');
	}
	if (opened)
		puts("]");
	fflush(stdout);
	task_lookup_release(s, list);
	free(chosen);
	free(spec);
	return err;
}

static struct lkdb_error *cmd_task(struct lkdb_command_context *ctx)
{
	struct lkdb_session *s = ctx->session;
	if (ctx->argc > 1 && !strcmp(ctx->argv[1], "-R"))
		return task_members(ctx);
	if (ctx->argc > 2)
		return lkdb_usage_error(ctx, "unexpected argument \"%s\"",
					ctx->argv[2]);
	if (ctx->argc == 2 && ctx->argv[1][0] == '-')
		return lkdb_usage_error(ctx, "unknown option \"%s\"",
					ctx->argv[1]);
	struct task_list *list = NULL;
	struct lkdb_error *err = task_lookup_read(s, "task", &list);
	if (err)
		return err;
	const struct task_info *t;
	if (ctx->argc == 2)
		err = task_lookup_find(list, ctx->argv[1], &t);
	else
		err = task_lookup_context(s, list, &t);
	if (err)
		goto out;
	char cmd[96];
	int thread = -1;
	/* The fields are printed through $lkdb_task: $task is the context's. */
	snprintf(cmd, sizeof(cmd), "set $lkdb_task = (struct task_struct *)0x%" PRIx64,
		 t->task);
	err = task_lookup_gdb_quiet(s, cmd, NULL);
	if (err)
		goto out;
	if (!s->keep_context) {
		snprintf(cmd, sizeof(cmd), "set $task = (struct task_struct *)0x%" PRIx64,
			 t->task);
		err = task_lookup_gdb_quiet(s, cmd, NULL);
		if (err)
			goto out;
		char context[CONTEXT_MAX];
		err = gdb_context(s, t, &thread, context);
		if (err)
			goto out;
		s->context_task = t->task;
		remember_context(s, cmd, context[0] ? context : NULL, thread);
	}
	if (ctx->json) {
		print_json(t);
	} else {
		task_lookup_print_header(stdout, t);
		printf("STATE: %s  PPID: %" PRId32 "  TGID: %" PRId32 "%s\n",
		       t->state, t->ppid, t->tgid,
		       t->running ? "  (running on its CPU)" : "");
		print_fields(s, t);
		/* foreach task shows tasks: it leaves the context as it is. */
		if (!s->keep_context) {
			printf("$task = (struct task_struct *)0x%" PRIx64 "\n",
			       t->task);
			if (thread >= 0)
				printf("gdb's frames (frame N, info locals, up): thread %d\n",
				       thread);
			else
				printf("gdb's frames stay on the selected CPU: a live stub cannot take a sleeping task's registers (bt %" PRId32 " unwinds it)\n",
				       t->pid);
		}
	}
	fflush(stdout);
out:
	task_lookup_release(s, list);
	return err;
}

const struct lkdb_command lkdb_command_task = {
	.name = "task",
	.handler = cmd_task,
	.summary = "a task's summary and fields; sets gdb's $task to it",
	.usage = "task [--json] [PID | TASK] | -R MEMBER[,MEMBER...] [PID|TASK...]\n"
		 "A task by PID or task_struct address (hex), by default the task\n"
		 "running on the selected thread's CPU: crash's header, STATE, PPID,\n"
		 "TGID, then some task_struct fields as gdb prints them.  Sets the\n"
		 "gdb variable $task = (struct task_struct *)ADDR, so that\n"
		 "\"p $task->files\" and the like follow.\n"
		 "  -R MEMBER[,MEMBER...]  as crash's task -R: only those task_struct\n"
		 "          members (printed by gdb) of the context task or each task\n"
		 "          given; the context and $task stay as they are\n"
		 "  --json  {pid, tgid, ppid, task (hex string), cpu, command, state,\n"
		 "          running, kernel_thread} (no gdb fields); with -R an array of\n"
		 "          {pid, task, values: {MEMBER: gdb's value}}",
	.man = ".BR task \" [\\fIPID\\fR|\\fITASK\\fR] [\" \\-\\-json \"] | \" \\-R\n"
	       ".IR MEMBER [, MEMBER ...]\n"
	       "A task's summary; sets the gdb variable $task to it and makes it the context\n"
	       "of \\fBbt\\fR and of gdb's frame commands (on a dump, sleeping tasks too).\n"
	       "\\-R: only those task_struct members, the context unchanged.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON,
	.complete = task_lookup_complete_pids,
};
