// SPDX-License-Identifier: GPL-2.0-or-later
/* sig: a task's signal handlers, blocked and pending signals, as crash's sig. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "frontend/core/commands.h"
#include "frontend/kernel/task_lookup.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/tasks/signals.h"

#define SIG_TASKS_MAX 64

/* x86_64's sa_flags, in crash's order. */
static const struct {
	uint64_t bit;
	const char *name;
} sa_flags[] = {
	{ 0x00000001, "SA_NOCLDSTOP" }, { 0x04000000, "SA_RESTORER" },
	{ 0x00000002, "SA_NOCLDWAIT" }, { 0x00000004, "SA_SIGINFO" },
	{ 0x08000000, "SA_ONSTACK" }, { 0x10000000, "SA_RESTART" },
	{ 0x40000000, "SA_NODEFER" }, { 0x80000000, "SA_RESETHAND" },
};

static void print_queue(const char *title, const struct kernel_sigpending *p)
{
	printf("%s\n    SIGNAL: %016" PRIx64 "\n", title, p->signal);
	if (!p->nr) {
		puts("  SIGQUEUE: (empty)");
		return;
	}
	puts("  SIGQUEUE:  SIG      SIGINFO     ");
	for (size_t i = 0; i < p->nr; i++)
		printf("             %3d  %" PRIx64 "\n", p->queue[i].sig,
		       p->queue[i].siginfo);
}

static void print_sig(const struct task_info *t, const struct kernel_signals *s)
{
	task_lookup_print_header(stdout, t);
	printf("SIGNAL_STRUCT: %" PRIx64 "  NR_THREADS: %d\n", s->signal_struct,
	       s->nr_threads);
	puts(" SIG    SIGACTION              HANDLER       MASK       FLAGS           ");
	for (unsigned int i = 0; i < KERNEL_NSIG; i++) {
		const struct kernel_sigaction *a = &s->actions[i];
		char handler[24];
		if (a->handler == 0)
			snprintf(handler, sizeof(handler), "%16s", "SIG_DFL");
		else if (a->handler == 1)
			snprintf(handler, sizeof(handler), "%16s", "SIG_IGN");
		else if (a->handler == UINT64_MAX)
			snprintf(handler, sizeof(handler), "%16s", "SIG_ERR");
		else
			snprintf(handler, sizeof(handler), "%16" PRIx64, a->handler);
		printf("%s[%u]  %-16" PRIx64 " %s %016" PRIx64 " %" PRIx64 " ",
		       i + 1 < 10 ? " " : "", i + 1, a->action, handler, a->mask,
		       a->flags);
		int n = 0;
		for (size_t f = 0; f < sizeof(sa_flags) / sizeof(sa_flags[0]); f++)
			if (a->flags & sa_flags[f].bit)
				printf("%s%s", n++ ? "|" : "(", sa_flags[f].name);
		puts(n ? ")" : "");
	}
	printf("SIGPENDING: %s\n", s->sigpending ? "yes" : "no");
	printf("   BLOCKED: %016" PRIx64 "\n", s->blocked);
	print_queue("PRIVATE_PENDING", &s->private_pending);
	print_queue("SHARED_PENDING", &s->shared_pending);
}

static void queue_json(const char *name, const struct kernel_sigpending *p)
{
	printf(", \"%s\": {\"signal\": ", name);
	json_write_address(stdout, p->signal);
	fputs(", \"queue\": [", stdout);
	for (size_t i = 0; i < p->nr; i++) {
		printf("%s{\"sig\": %d, \"siginfo\": ", i ? ", " : "",
		       p->queue[i].sig);
		json_write_address(stdout, p->queue[i].siginfo);
		putchar('}');
	}
	fputs("]}", stdout);
}

static void sig_json(const struct task_info *t, const struct kernel_signals *s,
		     bool first)
{
	printf("%s{\"pid\": %" PRId32 ", \"task\": ", first ? "" : ",\n ", t->pid);
	json_write_address(stdout, t->task);
	fputs(", \"signal_struct\": ", stdout);
	json_write_address(stdout, s->signal_struct);
	printf(", \"nr_threads\": %d, \"sigpending\": %s, \"blocked\": ",
	       s->nr_threads, s->sigpending ? "true" : "false");
	json_write_address(stdout, s->blocked);
	fputs(", \"ignored\": ", stdout);
	json_write_address(stdout, kernel_signals_ignored(s));
	fputs(", \"caught\": ", stdout);
	json_write_address(stdout, kernel_signals_caught(s));
	fputs(", \"actions\": [", stdout);
	for (unsigned int i = 0; i < KERNEL_NSIG; i++) {
		const struct kernel_sigaction *a = &s->actions[i];
		printf("%s{\"sig\": %u, \"sigaction\": ", i ? ", " : "", i + 1);
		json_write_address(stdout, a->action);
		fputs(", \"handler\": ", stdout);
		json_write_address(stdout, a->handler);
		fputs(", \"mask\": ", stdout);
		json_write_address(stdout, a->mask);
		fputs(", \"flags\": ", stdout);
		json_write_address(stdout, a->flags);
		putchar('}');
	}
	putchar(']');
	queue_json("private_pending", &s->private_pending);
	queue_json("shared_pending", &s->shared_pending);
	putchar('}');
}

static struct lkdb_error *cmd_sig(struct lkdb_command_context *ctx)
{
	const char *args[SIG_TASKS_MAX];
	int nargs = 0;
	for (int i = 1; i < ctx->argc; i++) {
		if (ctx->argv[i][0] == '-')
			return lkdb_usage_error(ctx, "unknown option %s (lkdb's sig has none so far)",
						ctx->argv[i]);
		if (nargs == SIG_TASKS_MAX)
			return lkdb_usage_error(ctx, "at most 64 tasks");
		args[nargs++] = ctx->argv[i];
	}
	struct task_list *tasks = NULL;
	const struct task_info *chosen[SIG_TASKS_MAX];
	int n;
	struct lkdb_error *err = task_lookup_args(ctx->session, "sig", args, nargs,
						  &tasks, chosen, &n);
	/* Opened, the array is closed whatever happens next. */
	bool opened = ctx->json && !err;
	if (opened)
		putchar('[');
	for (int i = 0; i < n && !err; i++) {
		struct kernel_signals s;
		if ((err = kernel_read_signals(ctx->kernel, chosen[i]->task, &s)))
			break;
		for (size_t w = 0; w < s.nr_warnings; w++)
			lkdb_warn("sig", "%s", s.warnings[w]);
		fflush(stderr);
		if (ctx->json) {
			sig_json(chosen[i], &s, !i);
		} else {
			if (i)
				putchar('\n');
			print_sig(chosen[i], &s);
		}
		kernel_signals_deinit(&s);
	}
	if (opened)
		puts("]");
	fflush(stdout);
	task_lookup_release(ctx->session, tasks);
	return err;
}

const struct lkdb_command lkdb_command_sig = {
	.name = "sig",
	.handler = cmd_sig,
	.summary = "a task's signal handlers, blocked and pending signals, as crash's sig",
	.usage = "sig [PID|TASK...] [--json]\n"
		 "The context task's (or each given task's) signals as crash's sig shows\n"
		 "them: its SIGNAL_STRUCT and NR_THREADS; for each signal its\n"
		 "SIGACTION, HANDLER (SIG_DFL, SIG_IGN or the address), MASK and FLAGS\n"
		 "(SA_RESTART ...); SIGPENDING (TIF_SIGPENDING), the BLOCKED set, the\n"
		 "PRIVATE_PENDING and the thread group's SHARED_PENDING sets with their\n"
		 "queued siginfos.  Sets are hex masks, bit N-1 for signal N, as\n"
		 "/proc/PID/status shows them.\n"
		 "  --json  an array of {pid, task, signal_struct, nr_threads, sigpending,\n"
		 "          blocked, ignored, caught, actions: [{sig, sigaction, handler,\n"
		 "          mask, flags}], private_pending and shared_pending: {signal,\n"
		 "          queue: [{sig, siginfo}]}}",
	.man = ".BR sig \" [\"\n"
	       ".IR PID | TASK \" ...]\"\n"
	       "A task's signal handlers, blocked signals and pending signals, private and\n"
	       "shared, as crash's sig.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = task_lookup_complete_pids,
};
