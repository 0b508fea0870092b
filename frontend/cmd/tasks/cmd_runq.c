// SPDX-License-Identifier: GPL-2.0-or-later
/* runq: each CPU's run queue, as crash's runq. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "frontend/core/commands.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/tasks/runq.h"

static void print_task(const struct kernel_runq_task *t)
{
	printf("     [%3d] PID: %-5" PRId32 "  TASK: %" PRIx64 "  COMMAND: \"%s\"%s\n",
	       t->prio, t->pid, t->task, t->comm,
	       t->delayed ? " [DELAYED]" : "");
}

static void print_queue(const char *title, uint64_t addr,
			const struct kernel_runq_task *tasks, size_t nr)
{
	printf("  %s: %" PRIx64 "\n", title, addr);
	if (!nr)
		puts("     [no tasks queued]");
	for (size_t i = 0; i < nr; i++)
		print_task(&tasks[i]);
}

static void task_json(const struct kernel_runq_task *t)
{
	printf("{\"pid\": %" PRId32 ", \"task\": ", t->pid);
	json_write_address(stdout, t->task);
	fputs(", \"command\": ", stdout);
	json_write_string(stdout, t->comm);
	printf(", \"prio\": %d, \"delayed\": %s}", t->prio,
	       t->delayed ? "true" : "false");
}

static void tasks_json(const struct kernel_runq_task *t, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", stdout);
		task_json(&t[i]);
	}
	putchar(']');
}

static struct lkdb_error *cmd_runq(struct lkdb_command_context *ctx)
{
	if (ctx->argc > 1 && ctx->argv[1][0] == '-')
		return lkdb_usage_error(ctx, "unknown option %s (lkdb's runq has none so far)",
					ctx->argv[1]);
	if (ctx->argc > 1)
		return lkdb_usage_error(ctx, "unexpected argument \"%s\"",
					ctx->argv[1]);
	struct kernel_runqs r;
	struct lkdb_error *err = kernel_read_runqs(ctx->kernel, &r);
	if (err)
		return err;
	for (size_t i = 0; i < r.nr_warnings; i++)
		lkdb_warn("runq", "%s", r.warnings[i]);
	fflush(stderr);
	if (ctx->json)
		putchar('[');
	for (size_t i = 0; i < r.nr; i++) {
		const struct kernel_runq *q = &r.cpus[i];
		if (ctx->json) {
			printf("%s{\"cpu\": %u, \"runqueue\": ", i ? ",\n " : "",
			       q->cpu);
			json_write_address(stdout, q->rq);
			fputs(", \"current\": ", stdout);
			task_json(&q->curr);
			fputs(", \"rt_prio_array\": ", stdout);
			json_write_address(stdout, q->rt_array);
			fputs(", \"rt\": ", stdout);
			tasks_json(q->rt, q->nr_rt);
			fputs(", \"cfs_rb_root\": ", stdout);
			json_write_address(stdout, q->cfs_root);
			fputs(", \"cfs\": ", stdout);
			tasks_json(q->cfs, q->nr_cfs);
			putchar('}');
			continue;
		}
		printf("%sCPU %u RUNQUEUE: %" PRIx64 "\n", i ? "\n" : "", q->cpu,
		       q->rq);
		printf("  CURRENT: PID: %-5" PRId32 "  TASK: %" PRIx64 "  COMMAND: \"%s\"\n",
		       q->curr.pid, q->curr.task, q->curr.comm);
		print_queue("RT PRIO_ARRAY", q->rt_array, q->rt, q->nr_rt);
		print_queue("CFS RB_ROOT", q->cfs_root, q->cfs, q->nr_cfs);
	}
	if (ctx->json)
		puts("]");
	fflush(stdout);
	kernel_runqs_deinit(&r);
	return NULL;
}

const struct lkdb_command lkdb_command_runq = {
	.name = "runq",
	.handler = cmd_runq,
	.summary = "each CPU's run queue: current task, real-time and fair queues, as crash's runq",
	.usage = "runq [--json]\n"
		 "Each CPU's struct rq as crash's runq shows it: the CURRENT task, the\n"
		 "RT PRIO_ARRAY's queued tasks by priority ([PRIO] the queue's) and the\n"
		 "CFS RB_ROOT's in the tree's order, leftmost (next to run) first,\n"
		 "[PRIO] the task's prio; a task group's own queue in place of its\n"
		 "entity.  The tree is CFS's (vruntime) or, since 6.6, EEVDF's\n"
		 "(deadline); a task still queued after it slept (6.12's delayed\n"
		 "dequeue) is marked [DELAYED].\n"
		 "  --json  an array of {cpu, runqueue, current, rt_prio_array, rt: [TASK],\n"
		 "          cfs_rb_root, cfs: [TASK]}, a TASK {pid, task, command, prio,\n"
		 "          delayed}",
	.man = ".B runq\n"
	       "Each CPU's run queue as crash's runq: the current task, the real-time\n"
	       "queues and the fair class's tree in order; 6.12's delayed-dequeue tasks\n"
	       "marked.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = lkdb_complete_nothing,
};
