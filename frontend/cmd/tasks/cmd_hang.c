// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hang: the hang view — every task in D (UN) state, how long since it last
 * ran, what it waits on (kernel-helpers/tasks/waits.h) and, where the lock
 * records an owner, the chain of owners and what each waits on in turn,
 * with deadlock cycles marked.  crash has no such command.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "frontend/core/commands.h"
#include "frontend/kernel/backtrace.h"
#include "frontend/kernel/task_lookup.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/tasks/runq.h"
#include "kernel-helpers/tasks/sysinfo.h"
#include "kernel-helpers/tasks/waits.h"

/* A chain of owners is followed this far. */
#define HANG_CHAIN_MAX 64
#define HANG_TASKS_MAX 64

struct hang_info {
	bool done;
	struct kernel_wait wait;
	const char *in_function, *in_module;	/* the caller of the wait */
	int owner;		/* index of the owner in the task list, -1 */
};

struct hang {
	struct lkdb_command_context *ctx;
	struct task_list *list;
	struct backtrace_env *env;
	struct hang_info *info;	/* [list->nr_tasks] */
	uint64_t now;		/* the scheduler clock; 0 unknown */
};

/* What the task at index i waits on (computed once). */
static const struct hang_info *info_of(struct hang *h, int i)
{
	struct hang_info *in = &h->info[i];
	if (in->done)
		return in;
	in->done = true;
	in->owner = -1;
	const struct task_info *t = &h->list->tasks[i];
	struct backtrace_wait w;
	struct lkdb_error *err = backtrace_task_wait(h->env, t, &w);
	if (err) {
		lkdb_warn("hang", "%s", err->message);
		lkdb_error_destroy(err);
	}
	in->wait = w.wait;
	in->in_function = w.in_function;
	in->in_module = w.in_module;
	const struct task_info *o = task_list_find(h->list, in->wait.owner);
	in->owner = o ? (int)(o - h->list->tasks) : -1;
	return in;
}

static void print_object(struct hang *h, const struct kernel_wait *w)
{
	printf("%s", kernel_wait_kind_name(w->kind));
	if (!w->object)
		return;
	printf(" %" PRIx64, w->object);
	char *name = backtrace_data_name(h->env, w->object);
	if (name)
		printf(" <%s>", name);
	free(name);
}

static void print_owner(struct hang *h, const struct hang_info *in)
{
	if (in->owner >= 0) {
		const struct task_info *o = &h->list->tasks[in->owner];
		char comm[17];
		task_lookup_safe_comm(o->comm, comm);
		printf(", %s PID %" PRId32 " \"%s\" (%s)",
		       in->wait.readers ? "held by readers, the last" : "held by",
		       o->pid, comm, o->state);
	} else if (in->wait.owner) {
		printf(", held by task %" PRIx64 " (not in the task list)",
		       in->wait.owner);
	} else if (in->wait.kind == KERNEL_WAIT_MUTEX ||
		   in->wait.kind == KERNEL_WAIT_RWSEM_READ ||
		   in->wait.kind == KERNEL_WAIT_RWSEM_WRITE ||
		   in->wait.kind == KERNEL_WAIT_RT_MUTEX) {
		if (in->wait.object)
			fputs(", no owner recorded", stdout);
	}
}

/*
 * The chain from task i: owners[] (indexes), and the index in it where a
 * cycle starts (-1: none; -2: back to task i itself).
 */
static int chain(struct hang *h, int i, int *owners, int *n_ret)
{
	int n = 0, cycle = -1;
	int at = i;
	while (n < HANG_CHAIN_MAX) {
		const struct hang_info *in = info_of(h, at);
		/*
		 * An rwsem readers hold names only the last reader to take it,
		 * who may have let go since (up_read leaves the field): no
		 * owner to follow, no cycle to claim.
		 */
		int o = in->wait.readers ? -1 : in->owner;
		if (o < 0)
			break;
		for (int k = 0; k < n && cycle < 0; k++)
			if (owners[k] == o)
				cycle = k;
		if (o == i && cycle < 0)
			cycle = -2;	/* back to the task itself */
		if (cycle != -1)
			break;
		owners[n++] = o;
		at = o;
	}
	*n_ret = n;
	return cycle;
}

/* ns since t last began to run; false when unknown. */
static bool waited(struct hang *h, const struct task_info *t, uint64_t *ns)
{
	struct task_times tt;
	struct lkdb_error *err = h->now ?
		kernel_read_task_times(h->ctx->kernel, t->task, &tt) : NULL;
	bool ok = h->now && !err && tt.have_last_arrival &&
		  tt.last_arrival <= h->now;
	lkdb_error_destroy(err);
	if (ok)
		*ns = h->now - tt.last_arrival;
	return ok;
}

static void print_waited(struct hang *h, const struct task_info *t)
{
	uint64_t ns;
	if (!waited(h, t, &ns)) {
		fputs("-", stdout);
		return;
	}
	char buf[48];
	sysinfo_format_ns(ns, buf, sizeof(buf));
	fputs(buf, stdout);
}

static void print_in(const struct hang_info *in)
{
	if (!in->in_function)
		return;
	printf(", in %s%s%s%s", in->in_function, in->in_module ? " [" : "",
	       in->in_module ? in->in_module : "", in->in_module ? "]" : "");
}

static void print_task(struct hang *h, int i)
{
	const struct task_info *t = &h->list->tasks[i];
	const struct hang_info *in = info_of(h, i);
	task_lookup_print_header(stdout, t);
	printf("    %s for ", t->state);
	print_waited(h, t);
	print_in(in);
	fputs("\n    waits on ", stdout);
	if (in->wait.kind == KERNEL_WAIT_NONE)
		fputs("nothing lkdb knows (see bt)", stdout);
	else
		print_object(h, &in->wait);
	print_owner(h, in);
	putchar('\n');
	int owners[HANG_CHAIN_MAX], n;
	int cycle = chain(h, i, owners, &n);
	for (int k = 0; k < n; k++) {
		const struct hang_info *oi = info_of(h, owners[k]);
		printf("      PID %" PRId32 " waits on ", h->list->tasks[owners[k]].pid);
		if (oi->wait.kind == KERNEL_WAIT_NONE)
			fputs("nothing lkdb knows", stdout);
		else
			print_object(h, &oi->wait);
		print_owner(h, oi);
		putchar('\n');
	}
	if (cycle != -1) {
		int from = cycle == -2 ? -1 : cycle;
		fputs("    DEADLOCK:", stdout);
		if (from < 0)
			printf(" PID %" PRId32 " ->", t->pid);
		for (int k = from < 0 ? 0 : from; k < n; k++)
			printf(" PID %" PRId32 " ->", h->list->tasks[owners[k]].pid);
		printf(" PID %" PRId32 "\n",
		       h->list->tasks[from < 0 ? i : owners[from]].pid);
	}
}

static void json_wait(struct hang *h, const struct hang_info *in)
{
	fputs("\"kind\": ", stdout);
	if (in->wait.kind == KERNEL_WAIT_NONE)
		fputs("null", stdout);
	else
		json_write_string(stdout, kernel_wait_kind_name(in->wait.kind));
	fputs(", \"object\": ", stdout);
	if (in->wait.object)
		json_write_address(stdout, in->wait.object);
	else
		fputs("null", stdout);
	fputs(", \"object_name\": ", stdout);
	char *name = in->wait.object ? backtrace_data_name(h->env, in->wait.object) : NULL;
	if (name)
		json_write_string(stdout, name);
	else
		fputs("null", stdout);
	free(name);
	fputs(", \"owner_pid\": ", stdout);
	if (in->owner >= 0)
		printf("%" PRId32, h->list->tasks[in->owner].pid);
	else
		fputs("null", stdout);
	printf(", \"readers\": %s", in->wait.readers ? "true" : "false");
}

static void json_task(struct hang *h, int i, bool first)
{
	const struct task_info *t = &h->list->tasks[i];
	const struct hang_info *in = info_of(h, i);
	char comm[17];
	task_lookup_safe_comm(t->comm, comm);
	printf("%s{\"pid\": %" PRId32 ", \"task\": ", first ? "" : ",\n ", t->pid);
	json_write_address(stdout, t->task);
	fputs(", \"command\": ", stdout);
	json_write_string(stdout, comm);
	fputs(", \"state\": ", stdout);
	json_write_string(stdout, t->state);
	fputs(", \"waited_ns\": ", stdout);
	uint64_t ns;
	if (waited(h, t, &ns))
		printf("%" PRIu64, ns);
	else
		fputs("null", stdout);
	fputs(", \"in\": ", stdout);
	if (in->in_function)
		json_write_string(stdout, in->in_function);
	else
		fputs("null", stdout);
	fputs(", ", stdout);
	json_wait(h, in);
	int owners[HANG_CHAIN_MAX], n;
	int cycle = chain(h, i, owners, &n);
	fputs(", \"chain\": [", stdout);
	for (int k = 0; k < n; k++) {
		printf("%s{\"pid\": %" PRId32 ", ", k ? ", " : "",
		       h->list->tasks[owners[k]].pid);
		json_wait(h, info_of(h, owners[k]));
		putchar('}');
	}
	fputs("], \"deadlock\": ", stdout);
	if (cycle == -1) {
		fputs("null", stdout);
	} else {
		int from = cycle == -2 ? -1 : cycle;
		putchar('[');
		if (from < 0)
			printf("%" PRId32 "%s", t->pid, n ? ", " : "");
		for (int k = from < 0 ? 0 : from; k < n; k++)
			printf("%" PRId32 "%s", h->list->tasks[owners[k]].pid,
			       k + 1 < n ? ", " : "");
		putchar(']');
	}
	putchar('}');
}

static struct lkdb_error *cmd_hang(struct lkdb_command_context *ctx)
{
	const char *args[HANG_TASKS_MAX];
	int nargs = 0;
	for (int i = 1; i < ctx->argc; i++) {
		if (ctx->argv[i][0] == '-')
			return lkdb_usage_error(ctx, "unknown option %s", ctx->argv[i]);
		if (nargs == HANG_TASKS_MAX)
			return lkdb_usage_error(ctx, "at most 64 tasks");
		args[nargs++] = ctx->argv[i];
	}
	struct hang h = { .ctx = ctx };
	const struct task_info *chosen[HANG_TASKS_MAX];
	int n = 0;
	struct lkdb_error *err = NULL;
	if (nargs)
		err = task_lookup_args(ctx->session, "hang", args, nargs, &h.list,
				       chosen, &n);
	else
		err = task_lookup_read(ctx->session, "hang", &h.list);
	if (!err)
		err = backtrace_env_create(ctx->session, &h.env);
	if (!err && !(h.info = calloc(h.list->nr_tasks ? h.list->nr_tasks : 1,
				      sizeof(*h.info))))
		err = &lkdb_error_oom;
	if (err)
		goto out;
	struct lkdb_error *e = kernel_sched_clock_now(ctx->kernel, &h.now);
	if (e) {
		lkdb_warn("hang", "no wait times: %s", e->message);
		lkdb_error_destroy(e);
		h.now = 0;
	}
	fflush(stderr);
	size_t shown = 0;
	if (ctx->json)
		putchar('[');
	for (size_t i = 0; i < h.list->nr_tasks && !lkdb_interrupted; i++) {
		const struct task_info *t = &h.list->tasks[i];
		bool pick = false;
		for (int k = 0; k < n; k++)
			pick |= chosen[k] == t;
		if (!nargs)
			pick = !strcmp(t->state, "UN");
		if (!pick)
			continue;
		if (ctx->json) {
			json_task(&h, (int)i, !shown);
		} else {
			if (shown)
				putchar('\n');
			print_task(&h, (int)i);
		}
		shown++;
		fflush(stdout);
	}
	if (ctx->json)
		puts("]");
	else if (!nargs && !lkdb_interrupted)
		printf("%s%zu task%s in UN state\n", shown ? "\n" : "", shown,
		       shown == 1 ? "" : "s");
	if (lkdb_interrupted)
		err = lkdb_error_interrupted();
out:
	fflush(stdout);
	free(h.info);
	backtrace_env_destroy(h.env);
	task_lookup_release(ctx->session, h.list);
	return err;
}

const struct lkdb_command lkdb_command_hang = {
	.name = "hang",
	.handler = cmd_hang,
	.summary = "tasks in D state, what each waits on, who holds it, deadlocks",
	.usage = "hang [PID|TASK...] [--json]\n"
		 "Every task in UN (D) state, or the tasks given in any state: crash's\n"
		 "header line, how long since it last ran (days hh:mm:ss.ms, from\n"
		 "sched_info.last_arrival and the run queues' clock), the function it\n"
		 "waits in, and what it waits on: a mutex, rwsem, rt_mutex, folio lock,\n"
		 "completion or wait queue (its address and symbol), found from the\n"
		 "blocking function in its backtrace and the waiter on its stack.  Where\n"
		 "the lock records an owner: the owner, what the owner waits on, and so\n"
		 "on; a chain that comes back to a task is marked DEADLOCK.\n"
		 "  --json  an array of {pid, task, command, state, waited_ns, in, kind,\n"
		 "          object, object_name, owner_pid, readers, chain: [{pid, kind,\n"
		 "          object, object_name, owner_pid, readers}], deadlock: [PID...]\n"
		 "          or null}",
	.man = ".BR hang \" [\"\n"
	       ".IR PID | TASK \" ...]\"\n"
	       "The hang view: each task in D state, how long since it ran, what it waits on\n"
	       "(mutex, rwsem, rt_mutex, folio, completion, wait queue), the chain of lock\n"
	       "owners and what they wait on, deadlock cycles marked.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = task_lookup_complete_pids,
};
