// SPDX-License-Identifier: GPL-2.0-or-later
/* ps: the kernel's tasks as crash's ps shows them, from the target's memory. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontend/core/commands.h"
#include "frontend/kernel/task_lookup.h"
#include "common/clock.h"
#include "kernel-helpers/memory/guestram.h"
#include "common/json.h"
#include "kernel-helpers/core/ktypes.h"
#include "common/printable.h"
#include "kernel-helpers/tasks/tasks.h"
#include "kernel-helpers/core/vmlinux.h"
#include "frontend/terminal/output.h"

static bool mem_percent(const struct task_list *list,
			const struct task_info *t, double *ret)
{
	if (t->kernel_thread) {
		*ret = 0;
		return true;
	}
	if (!list->rss_supported || !list->totalram_pages || !t->mm_known)
		return false;
	*ret = 100.0 * (double)t->rss_pages / (double)list->totalram_pages;
	return true;
}

static void print_text(FILE *out, const struct task_list *list,
		       const bool *pick)
{
	fputs("   PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM\n",
	      out);
	for (size_t i = 0; i < list->nr_tasks && !lkdb_interrupted; i++) {
		const struct task_info *t = &list->tasks[i];
		if (!pick[i])
			continue;
		char cpu[16], mem[16], vsz[24], rss[24], comm[17], name[20];
		double pct;
		if (t->cpu >= 0)
			snprintf(cpu, sizeof(cpu), "%d", t->cpu);
		else
			snprintf(cpu, sizeof(cpu), "-");
		if (mem_percent(list, t, &pct))
			snprintf(mem, sizeof(mem), "%.1f", pct);
		else
			snprintf(mem, sizeof(mem), "-");
		if (t->kernel_thread || t->mm_known)
			snprintf(vsz, sizeof(vsz), "%" PRIu64, t->vm_pages * 4);
		else
			snprintf(vsz, sizeof(vsz), "-");
		if (t->kernel_thread || (t->mm_known && list->rss_supported))
			snprintf(rss, sizeof(rss), "%" PRIu64, t->rss_pages * 4);
		else
			snprintf(rss, sizeof(rss), "-");
		lkdb_printable(comm, t->comm, 16, "");
		if (t->kernel_thread)
			snprintf(name, sizeof(name), "[%s]", comm);
		else
			snprintf(name, sizeof(name), "%s", comm);
		fprintf(out, "%c%6" PRId32 " %7" PRId32 " %4s  %16" PRIx64 "  %2s  %4s %8s %8s  %s\n",
			t->running ? '>' : ' ', t->pid, t->ppid, cpu, t->task,
			t->state, mem, vsz, rss, name);
	}
}

static void print_json(FILE *out, const struct task_list *list,
		       const bool *pick)
{
	fputs("[", out);
	size_t shown = 0;
	for (size_t i = 0; i < list->nr_tasks && !lkdb_interrupted; i++) {
		const struct task_info *t = &list->tasks[i];
		char comm[17];
		double pct;
		if (!pick[i])
			continue;
		lkdb_printable(comm, t->comm, 16, "");
		fprintf(out, "%s{\"pid\": %" PRId32 ", \"ppid\": %" PRId32 ", \"tgid\": %" PRId32 ", \"cpu\": ",
			shown++ ? ",\n " : "", t->pid, t->ppid, t->tgid);
		if (t->cpu >= 0)
			fprintf(out, "%d", t->cpu);
		else
			fputs("null", out);
		fprintf(out, ", \"task\": \"0x%" PRIx64 "\", \"state\": ", t->task);
		json_write_string(out, t->state);
		fprintf(out, ", \"running\": %s, \"kernel_thread\": %s, \"mem_percent\": ",
			t->running ? "true" : "false",
			t->kernel_thread ? "true" : "false");
		if (mem_percent(list, t, &pct))
			fprintf(out, "%.1f", pct);
		else
			fputs("null", out);
		fputs(", \"vsz_kb\": ", out);
		if (t->kernel_thread || t->mm_known)
			fprintf(out, "%" PRIu64, t->vm_pages * 4);
		else
			fputs("null", out);
		fputs(", \"rss_kb\": ", out);
		if (t->kernel_thread || (t->mm_known && list->rss_supported))
			fprintf(out, "%" PRIu64, t->rss_pages * 4);
		else
			fputs("null", out);
		fputs(", \"comm\": ", out);
		json_write_string(out, comm);
		fputs("}", out);
	}
	fputs("]\n", out);
}

/*
 * ps -S: how many tasks are in each state, the states in the order the
 * list (by PID) first shows them, as crash's ps -S counts them.
 */
static void print_states(FILE *out, const struct task_list *list,
			 const bool *pick, bool json)
{
	enum { STATES_MAX = 32 };
	const char *names[STATES_MAX];
	size_t counts[STATES_MAX] = { 0 }, n = 0;
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const char *st = list->tasks[i].state;
		if (!pick[i])
			continue;
		size_t s = 0;
		while (s < n && strcmp(names[s], st))
			s++;
		if (s == n && n == STATES_MAX)
			continue;
		if (s == n)
			names[n++] = st;
		counts[s]++;
	}
	if (json)
		fputc('[', out);
	for (size_t s = 0; s < n; s++) {
		if (json) {
			fputs(s ? ", {\"state\": " : "{\"state\": ", out);
			json_write_string(out, names[s]);
			fprintf(out, ", \"count\": %zu}", counts[s]);
		} else {
			fprintf(out, "  %s: %zu\n", names[s], counts[s]);
		}
	}
	if (json)
		fputs("]\n", out);
}

struct ps_options {
	bool stats, states, kernel, user, group, parents, children;
	char *args[64];
	int nargs;
};

/* The task at address task in the list, or NULL. */
static const struct task_info *by_address(const struct task_list *list,
					  uint64_t task)
{
	for (size_t i = 0; i < list->nr_tasks; i++)
		if (list->tasks[i].task == task)
			return &list->tasks[i];
	return NULL;
}

/* ps -p: the task's ancestors from the first, each a step further in. */
static void print_parents(FILE *out, const struct task_list *list,
			  const struct task_info *t)
{
	enum { DEPTH_MAX = 256 };
	const struct task_info *chain[DEPTH_MAX];
	size_t n = 0;
	for (const struct task_info *c = t; c && n < DEPTH_MAX;) {
		chain[n++] = c;
		if (c->real_parent == c->task)
			break;
		c = by_address(list, c->real_parent);
	}
	for (size_t i = n; i-- > 0;) {
		fprintf(out, "%*s", (int)(n - 1 - i), "");
		task_lookup_print_header(out, chain[i]);
	}
}

/* ps -c: the task, then each task whose parent it is, indented. */
static void print_children(FILE *out, const struct task_list *list,
			   const struct task_info *t)
{
	size_t n = 0;
	task_lookup_print_header(out, t);
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct task_info *c = &list->tasks[i];
		if (c->real_parent != t->task || c == t)
			continue;
		fputs("  ", out);
		task_lookup_print_header(out, c);
		n++;
	}
	if (!n)
		fputs("  (no children)\n", out);
}

/* Which tasks the options and arguments select. */
static struct lkdb_error *select_tasks(const struct ps_options *o,
				       const struct task_list *list, bool *pick)
{
	struct lkdb_error *err = NULL;
	for (size_t i = 0; i < list->nr_tasks; i++)
		pick[i] = !o->nargs;
	for (int a = 0; a < o->nargs && !err; a++) {
		const struct task_info *t;
		bool any = false;
		/* A command name picks every task of that name. */
		for (size_t i = 0; i < list->nr_tasks; i++)
			if (!strcmp(list->tasks[i].comm, o->args[a]))
				pick[i] = any = true;
		if (any)
			continue;
		if ((err = task_lookup_find(list, o->args[a], &t))) {
			/* Not a number either: it was meant as a name. */
			if (strspn(o->args[a], "0123456789abcdefABCDEFxX") !=
			    strlen(o->args[a])) {
				lkdb_error_destroy(err);
				err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
							"no task named \"%s\" (nor is it a PID or task address)",
							o->args[a]);
			}
			break;
		}
		pick[t - list->tasks] = true;
	}
	/* -k, -u and -G narrow what the arguments picked too. */
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct task_info *t = &list->tasks[i];
		if ((o->kernel && !t->kernel_thread) ||
		    (o->user && t->kernel_thread) ||
		    (o->group && t->pid != t->tgid))
			pick[i] = false;
	}
	return err;
}

static struct lkdb_error *cmd_ps(struct lkdb_command_context *ctx)
{
	struct lkdb_session *s = ctx->session;
	struct ps_options o = { 0 };
	bool stats, states;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (!strcmp(a, "--stats")) {
			o.stats = true;
			continue;
		}
		if (a[0] != '-' || !a[1]) {
			if (o.nargs == 64)
				return lkdb_usage_error(ctx, "at most 64 tasks");
			o.args[o.nargs++] = ctx->argv[i];
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			bool *flag = *c == 'S' ? &o.states : *c == 'k' ? &o.kernel :
				     *c == 'u' ? &o.user : *c == 'G' ? &o.group :
				     *c == 'p' ? &o.parents : *c == 'c' ? &o.children :
				     NULL;
			if (!flag)
				return lkdb_usage_error(ctx, "unknown option -%c (lkdb's ps has -S, -k, -u, -G, -p, -c and --stats so far)",
							*c);
			*flag = true;
		}
	}
	if (o.kernel && o.user)
		return lkdb_usage_error(ctx, "-k and -u: kernel threads or user tasks, not both");
	if (o.states + o.parents + o.children > 1)
		return lkdb_usage_error(ctx, "one of -S, -p and -c");
	if ((o.parents || o.children) && ctx->json)
		return lkdb_usage_error(ctx, "-p and -c print no --json");
	stats = o.stats;
	states = o.states;
	double t0 = lkdb_now_seconds();
	struct kernel *k = ctx->kernel;
	struct guest_ram_stats ram0 = { 0 }, ram1 = { 0 };
	if (s->guest_ram)
		guest_ram_stats(s->guest_ram, &ram0);
	struct task_list *list = NULL;
	struct lkdb_error *err = kernel_read_tasks(k, &list);
	if (err)
		return err;
	double t1 = lkdb_now_seconds();
	if (s->guest_ram)
		guest_ram_stats(s->guest_ram, &ram1);
	task_list_sort(list);
	for (size_t i = 0; i < list->nr_warnings; i++)
		lkdb_warn("ps", "%s", list->warnings[i]);
	if (!list->rss_supported)
		lkdb_warn("ps", "this kernel's RSS counters (mm_struct.rss_stat) are not known to lkdb: %%MEM and RSS shown as \"-\"");
	fflush(stderr);
	bool *pick = calloc(list->nr_tasks ? list->nr_tasks : 1, sizeof(*pick));
	if (!pick) {
		task_list_destroy(list);
		return &lkdb_error_oom;
	}
	if ((err = select_tasks(&o, list, pick))) {
		free(pick);
		task_list_destroy(list);
		return err;
	}
	size_t n = 0;
	for (size_t i = 0; i < list->nr_tasks && !lkdb_interrupted; i++) {
		if (!pick[i] || !(o.parents || o.children))
			continue;
		if (n++)
			putchar('\n');
		if (o.parents)
			print_parents(stdout, list, &list->tasks[i]);
		else
			print_children(stdout, list, &list->tasks[i]);
	}
	if (o.parents || o.children)
		;
	else if (states)
		print_states(stdout, list, pick, ctx->json);
	else if (ctx->json)
		print_json(stdout, list, pick);
	else
		print_text(stdout, list, pick);
	free(pick);
	fflush(stdout);
	if (stats) {
		char from[128] = "";
		if (s->guest_ram)
			snprintf(from, sizeof(from),
				 " (%lu from guest RAM, %lu through gdb)",
				 ram1.direct - ram0.direct,
				 ram1.fallback - ram0.fallback);
		else if (!s->dump)
			snprintf(from, sizeof(from), " (through gdb)");
		fprintf(stderr, "lkdb: ps: %zu tasks, %u CPUs in %.1f ms: %u reads%s, %.1f KiB\n",
			list->nr_tasks, list->nr_cpus, (t1 - t0) * 1000,
			list->reads, from, list->bytes_read / 1024.0);
	}
	task_list_destroy(list);
	return NULL;
}

const struct lkdb_command lkdb_command_ps = {
	.name = "ps",
	.handler = cmd_ps,
	.summary = "list the kernel's tasks, like crash's ps",
	.usage = "ps [-S|-p|-c] [-k|-u] [-G] [PID|TASK|COMM...] [--json] [--stats]\n"
		 "Every task (threads too, and each CPU's idle task swapper/N) read\n"
		 "from memory, sorted by PID, in crash's columns:\n"
		 "   PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM\n"
		 ">  1234       1    0  ffff888003a1c000  RU   0.1     5480     2916  sh\n"
		 "'>' marks the task running on its CPU; ST is RU IN UN ID ST TR ZO DE\n"
		 "PA WA NE; VSZ and RSS in KiB (RSS: file + anon + shmem pages); a\n"
		 "kernel thread's (no mm) COMM is in brackets.  %MEM and RSS are \"-\"\n"
		 "where the kernel's RSS counters are not known to lkdb.\n"
		 "  PID|TASK|COMM  only those tasks (a command name: every task of it)\n"
		 "  -k, -u   only kernel threads, only user tasks\n"
		 "  -G       only thread-group leaders\n"
		 "  -S       how many tasks are in each state (\"  IN: 52\"), the states\n"
		 "           in the order the list shows them first, as crash's ps -S\n"
		 "  -p       each task's parents from the first, one step in each\n"
		 "  -c       each task and its children, as crash's ps -p and -c (-p\n"
		 "           and -c print no --json)\n"
		 "  --json   an array of {pid, ppid, tgid, cpu, task (hex string), state,\n"
		 "           running, kernel_thread, mem_percent, vsz_kb, rss_kb, comm}\n"
		 "           (null where unknown; comm without brackets); with -S an\n"
		 "           array of {state, count}\n"
		 "  --stats  reads, bytes and time taken, on stderr",
	.man = ".BR ps \" [\" \\-S | \\-p | \\-c \"] [\" \\-k | \\-u \"] [\" \\-G \"] [\"\n"
	       ".IR PID | TASK | COMM \" ...] [\" \\-\\-json ]\n"
	       "Every task: PID, PPID, CPU, task address, state, %MEM, VSZ, RSS, command;\n"
	       "\\(oq>\\(cq marks the task running on each CPU, kernel threads are bracketed;\n"
	       "\\-S counts the tasks in each state; \\-p and \\-c show parents and children;\n"
	       "\\-k, \\-u and \\-G keep kernel threads, user tasks or thread-group leaders.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
};
