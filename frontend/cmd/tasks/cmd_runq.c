// SPDX-License-Identifier: GPL-2.0-or-later
/* runq: each CPU's run queue, as crash's runq. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "frontend/core/commands.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/tasks/runq.h"
#include "kernel-helpers/tasks/runq_groups.h"
#include "kernel-helpers/tasks/tasks.h"
#include "kernel-helpers/tasks/sysinfo.h"

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

/*
 * runq -t and -m as crash prints them: each CPU's run queue clock and its
 * current task's last-run stamp (-t), or the time since then (-m).
 */
static struct lkdb_error *print_times(struct lkdb_command_context *ctx,
				      const struct kernel_runqs *r, bool msecs)
{
	uint64_t *clocks = calloc(KERNEL_RQ_CLOCKS_MAX, sizeof(*clocks));
	unsigned int n;
	if (!clocks)
		return &lkdb_error_oom;
	struct lkdb_error *err = kernel_rq_clocks(ctx->kernel, clocks,
						  KERNEL_RQ_CLOCKS_MAX, &n);
	if (err) {
		free(clocks);
		return err;
	}
	/* crash's widths: the CPU numbers' and the first clock's days. */
	int max_indent = r->nr < 10 ? 1 : r->nr < 100 ? 2 : r->nr < 1000 ? 3 : 4;
	char buf[64];
	int max_days = 0;
	if (ctx->json)
		putchar('[');
	for (size_t i = 0; i < r->nr; i++) {
		const struct kernel_runq *q = &r->cpus[i];
		uint64_t clock = q->cpu < KERNEL_RQ_CLOCKS_MAX ? clocks[q->cpu] : 0;
		struct task_times tt = { 0 };
		bool have = q->curr.task &&
			    !(err = kernel_read_task_times(ctx->kernel, q->curr.task, &tt)) &&
			    tt.have_last_arrival;
		if (err) {
			lkdb_warn("runq", "CPU %u: %s", q->cpu, err->message);
			lkdb_error_destroy(err);
			err = NULL;
		}
		uint64_t since = have && clock > tt.last_arrival ? clock - tt.last_arrival : 0;
		if (ctx->json) {
			printf("%s{\"cpu\": %u, \"clock\": %" PRIu64 ", \"current\": ",
			       i ? ",\n " : "", q->cpu, clock);
			task_json(&q->curr);
			fputs(", \"last_arrival\": ", stdout);
			if (have)
				printf("%" PRIu64 ", \"since_ns\": %" PRIu64 "}", tt.last_arrival,
				       since);
			else
				fputs("null, \"since_ns\": null}", stdout);
			continue;
		}
		if (!msecs) {
			int len = snprintf(buf, sizeof(buf), "%" PRIu64, clock);
			printf("%sCPU %u: %s\n", q->cpu < 10 ? " " : "", q->cpu, buf);
			if (have)
				printf("%*s%0*" PRIu64 "  PID: %-5" PRId32 "  TASK: %" PRIx64
				       "  COMMAND: \"%s\"\n",
				       q->cpu < 100 ? 8 : 9, "", len, tt.last_arrival,
				       q->curr.pid, q->curr.task, q->curr.comm);
			continue;
		}
		if (!i) {
			sysinfo_format_ns(clock, buf, sizeof(buf));
			max_days = (int)strcspn(buf, " ");
		}
		int indent = q->cpu < 10 ? max_indent : q->cpu < 100 ? max_indent - 1 :
			     max_indent - 2;
		if (!have) {
			printf("%*sCPU %u: [unknown]\n", indent, "", q->cpu);
			continue;
		}
		sysinfo_format_ns(since, buf, sizeof(buf));
		int days = (int)strcspn(buf, " ");
		printf("%*sCPU %u: [%*s%s]  PID: %-5" PRId32 "  TASK: %" PRIx64
		       "  COMMAND: \"%s\"\n",
		       indent, "", q->cpu, max_days > days ? max_days - days : 0, "", buf,
		       q->curr.pid, q->curr.task, q->curr.comm);
	}
	if (ctx->json)
		puts("]");
	free(clocks);
	return NULL;
}

/* One line of runq -g as crash prints it. */
static void print_group_line(const struct runq_line *l)
{
	switch (l->kind) {
	case RUNQ_LINE_GROUP:
		printf("%*sTASK_GROUP: %" PRIx64 "  CFS_RQ: %" PRIx64 " ",
		       2 + 3 * (int)l->depth, "", l->group, l->cfs_rq);
		if (l->name[0])
			printf(" <%s>", l->name);
		puts(l->throttled ? " (THROTTLED)" : "");
		break;
	case RUNQ_LINE_TASK:
		printf("%*s[%3d] PID: %-5" PRId32 "  TASK: %" PRIx64 "  COMMAND: \"%s\"%s\n",
		       5 + 3 * (int)l->depth, "", l->task.prio, l->task.pid,
		       l->task.task, l->task.comm, l->current ? " [CURRENT]" : "");
		break;
	case RUNQ_LINE_EMPTY:
		printf("%*s[no tasks queued]\n", 5 + 3 * (int)l->depth, "");
		break;
	}
}

static void group_line_json(const struct runq_line *l)
{
	static const char *const kinds[] = { "group", "task", "empty" };
	printf("{\"kind\": \"%s\", \"depth\": %u", kinds[l->kind], l->depth);
	if (l->kind == RUNQ_LINE_GROUP) {
		fputs(", \"task_group\": ", stdout);
		json_write_address(stdout, l->group);
		fputs(", \"cfs_rq\": ", stdout);
		json_write_address(stdout, l->cfs_rq);
		fputs(", \"name\": ", stdout);
		if (l->name[0])
			json_write_string(stdout, l->name);
		else
			fputs("null", stdout);
		printf(", \"throttled\": %s", l->throttled ? "true" : "false");
	} else if (l->kind == RUNQ_LINE_TASK) {
		fputs(", \"task\": ", stdout);
		task_json(&l->task);
		printf(", \"current\": %s", l->current ? "true" : "false");
	}
	putchar('}');
}

/* runq -g: each CPU's fair queue by task group, as crash's runq -g. */
static struct lkdb_error *print_groups(struct lkdb_command_context *ctx)
{
	struct runq_groups g;
	struct lkdb_error *err = kernel_read_runq_groups(ctx->kernel, &g);
	if (err)
		return err;
	for (size_t i = 0; i < g.nr_warnings; i++)
		lkdb_warn("runq", "%s", g.warnings[i]);
	fflush(stderr);
	if (ctx->json)
		putchar('[');
	for (size_t i = 0; i < g.nr; i++) {
		const struct runq_cpu_groups *c = &g.cpus[i];
		if (ctx->json) {
			printf("%s{\"cpu\": %u, \"current\": ", i ? ",\n " : "",
			       c->cpu);
			task_json(&c->curr);
			fputs(", \"task_group\": ", stdout);
			json_write_address(stdout, g.root);
			fputs(", \"cfs_rq\": ", stdout);
			json_write_address(stdout, c->cfs_rq);
			fputs(", \"lines\": [", stdout);
			for (size_t j = 0; j < c->nr; j++) {
				fputs(j ? ", " : "", stdout);
				group_line_json(&c->lines[j]);
			}
			fputs("]}", stdout);
			continue;
		}
		printf("%sCPU %u\n", i ? "\n" : "", c->cpu);
		printf("  CURRENT: PID: %-5" PRId32 "  TASK: %" PRIx64 "  COMMAND: \"%s\"\n",
		       c->curr.pid, c->curr.task, c->curr.comm);
		printf("  %s_TASK_GROUP: %" PRIx64 "  CFS_RQ: %" PRIx64 "\n",
		       g.root_name, g.root, c->cfs_rq);
		for (size_t j = 0; j < c->nr; j++)
			print_group_line(&c->lines[j]);
	}
	if (ctx->json)
		puts("]");
	fflush(stdout);
	runq_groups_deinit(&g);
	return NULL;
}

static struct lkdb_error *cmd_runq(struct lkdb_command_context *ctx)
{
	bool stamps = false, msecs = false, groups = false;
	for (int i = 1; i < ctx->argc; i++) {
		if (!strcmp(ctx->argv[i], "-t"))
			stamps = true;
		else if (!strcmp(ctx->argv[i], "-m"))
			msecs = true;
		else if (!strcmp(ctx->argv[i], "-g"))
			groups = true;
		else if (ctx->argv[i][0] == '-')
			return lkdb_usage_error(ctx, "unknown option %s (lkdb's runq has -t, -m and -g so far)",
						ctx->argv[i]);
		else
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"",
						ctx->argv[i]);
	}
	if (stamps + msecs + groups > 1)
		return lkdb_usage_error(ctx, "one of -t, -m and -g");
	if (groups)
		return print_groups(ctx);
	struct kernel_runqs r;
	struct lkdb_error *err = kernel_read_runqs(ctx->kernel, &r);
	if (err)
		return err;
	for (size_t i = 0; i < r.nr_warnings; i++)
		lkdb_warn("runq", "%s", r.warnings[i]);
	fflush(stderr);
	if (stamps || msecs) {
		err = print_times(ctx, &r, msecs);
		fflush(stdout);
		kernel_runqs_deinit(&r);
		return err;
	}
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
	.usage = "runq [-t|-m|-g] [--json]\n"
		 "Each CPU's struct rq as crash's runq shows it: the CURRENT task, the\n"
		 "RT PRIO_ARRAY's queued tasks by priority ([PRIO] the queue's) and the\n"
		 "CFS RB_ROOT's in the tree's order, leftmost (next to run) first,\n"
		 "[PRIO] the task's prio; a task group's own queue in place of its\n"
		 "entity.  The tree is CFS's (vruntime) or, since 6.6, EEVDF's\n"
		 "(deadline); a task still queued after it slept (6.12's delayed\n"
		 "dequeue) is marked [DELAYED].\n"
		 "  -t      each CPU's run queue clock (rq->clock, ns) and under it its\n"
		 "          current task's last-run stamp (sched_info.last_arrival), as\n"
		 "          crash's runq -t\n"
		 "  -m      the time since each CPU's current task began to run, days\n"
		 "          hh:mm:ss.ms, as crash's runq -m\n"
		 "  -g      each CPU's fair queue by task group, as crash's runq -g: the\n"
		 "          root group's queue, and under each TASK_GROUP (a cgroup with\n"
		 "          the cpu controller, <its name>, or an autogroup) its own queue,\n"
		 "          indented; [CURRENT] where the CPU's current task runs; a group\n"
		 "          held back by its cpu.max (THROTTLED) is shown too.  Real-time\n"
		 "          groups (CONFIG_RT_GROUP_SCHED) are not shown\n"
		 "  --json  an array of {cpu, runqueue, current, rt_prio_array, rt: [TASK],\n"
		 "          cfs_rb_root, cfs: [TASK]}, a TASK {pid, task, command, prio,\n"
		 "          delayed}; with -t or -m an array of {cpu, clock, current,\n"
		 "          last_arrival, since_ns}; with -g an array of {cpu, current,\n"
		 "          task_group, cfs_rq, lines: [{kind: \"group\", depth, task_group,\n"
		 "          cfs_rq, name, throttled} | {kind: \"task\", depth, task: TASK,\n"
		 "          current} | {kind: \"empty\", depth}]} in the text's order",
	.man = ".B runq\n"
	       "Each CPU's run queue as crash's runq: the current task, the real-time\n"
	       "queues and the fair class's tree in order; 6.12's delayed-dequeue tasks\n"
	       "marked;\n"
	       ".B \\-g\n"
	       "by task group.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = lkdb_complete_nothing,
};
