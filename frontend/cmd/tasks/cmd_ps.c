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
#include "kernel-helpers/tasks/runq.h"
#include "kernel-helpers/tasks/sysinfo.h"
#include "kernel-helpers/tasks/tasks.h"
#include "kernel-helpers/core/vmlinux.h"
#include "frontend/terminal/output.h"

struct ps_options {
	bool stats, states, kernel, user, group, parents, children;
	bool last_run, msecs, times, kstackp;
	char *args[64];
	int nargs;
};

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
		       const bool *pick, const struct task_times *times)
{
	fputs("   PID    PPID  CPU ", out);
	lkdb_print_centered(out, 16, times ? "KSTACKP" : "TASK", times != NULL);
	fputs("  ST  %MEM      VSZ      RSS  COMM\n", out);
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
		fprintf(out, "%c%6" PRId32 " %7" PRId32 " %4s  ",
			t->running ? '>' : ' ', t->pid, t->ppid, cpu);
		if (!times) {
			fprintf(out, "%16" PRIx64, t->task);
		} else {
			/* crash's -s: "--" for a running task (no saved sp). */
			char sp[24] = "--";
			if (!t->running)
				snprintf(sp, sizeof(sp), "%" PRIx64, times[i].ksp);
			lkdb_print_centered(out, 16, sp, true);
		}
		fprintf(out, "  %2s  %4s %8s %8s  %s\n", t->state, mem, vsz,
			rss, name);
	}
}

static void print_json(FILE *out, const struct task_list *list,
		       const bool *pick, const struct task_times *times)
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
		if (times) {
			fputs(", \"kstackp\": ", out);
			if (t->running)
				fputs("null", out);
			else
				json_write_address(out, times[i].ksp);
		}
		fputs(", \"comm\": ", out);
		json_write_string(out, comm);
		fputs("}", out);
	}
	fputs("]\n", out);
}

/* "00:04:09", "3 days, 01:02:03" as crash's convert_time(). */
static void format_ticks(uint64_t ticks, unsigned int hz, char *buf, size_t size)
{
	uint64_t total = ticks / hz;
	int n = 0;
	if (total / 86400)
		n = snprintf(buf, size, "%" PRIu64 " days, ", total / 86400);
	snprintf(buf + n, size - (size_t)n, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64,
		 total / 3600 % 24, total / 60 % 60, total % 60);
}

struct order {
	const struct task_times *times;
	bool by_start;
};
static struct order sort_by;

/* -l/-m: last run first; -t: started first; ties in PID order. */
static int compare_times(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct task_times *x = &sort_by.times[i], *y = &sort_by.times[j];
	if (sort_by.by_start) {
		if (x->start_time != y->start_time)
			return x->start_time < y->start_time ? -1 : 1;
	} else if (x->last_arrival != y->last_arrival) {
		return x->last_arrival > y->last_arrival ? -1 : 1;
	}
	return i < j ? -1 : i > j;
}

/*
 * ps -l, -m and -t as crash prints them: a task per line after its
 * last-run stamp (-l), the time since then by its CPU's run queue clock
 * (-m), both sorted by the stamp; or run, start, user and system times
 * (-t) sorted by start time.
 */
static struct lkdb_error *print_times(struct lkdb_command_context *ctx,
				      const struct ps_options *o,
				      const struct task_list *list,
				      const bool *pick,
				      const struct task_times *times)
{
	uint64_t *clocks = NULL, jiffies = 0;
	unsigned int nclocks = 0, hz = 0;
	struct lkdb_error *err = NULL;
	size_t n = 0, *idx = calloc(list->nr_tasks ? list->nr_tasks : 1, sizeof(*idx));
	if (!idx)
		return &lkdb_error_oom;
	for (size_t i = 0; i < list->nr_tasks; i++)
		if (pick[i])
			idx[n++] = i;
	if (o->msecs) {
		if (!(clocks = calloc(KERNEL_RQ_CLOCKS_MAX, sizeof(*clocks))))
			err = &lkdb_error_oom;
		else
			err = kernel_rq_clocks(ctx->kernel, clocks, KERNEL_RQ_CLOCKS_MAX,
					       &nclocks);
	}
	if (!err && o->times)
		err = kernel_jiffies_since_boot(ctx->kernel, &jiffies, &hz);
	if (err)
		goto out;
	sort_by = (struct order){ .times = times, .by_start = o->times };
	qsort(idx, n, sizeof(*idx), compare_times);
	int width = 1;
	if (n) {
		char b[24];
		width = snprintf(b, sizeof(b), "%" PRIu64, times[idx[0]].last_arrival);
	}
	if (ctx->json)
		putchar('[');
	for (size_t k = 0; k < n && !lkdb_interrupted; k++) {
		const struct task_info *t = &list->tasks[idx[k]];
		const struct task_times *tt = &times[idx[k]];
		uint64_t clock = clocks && t->cpu >= 0 && (unsigned int)t->cpu < nclocks &&
					 t->cpu < KERNEL_RQ_CLOCKS_MAX ? clocks[t->cpu] : 0;
		uint64_t since = clock > tt->last_arrival ? clock - tt->last_arrival : 0;
		uint64_t start_ticks = tt->start_time / 1000000000 * hz;
		uint64_t run = start_ticks > jiffies ? 0 : jiffies - start_ticks;
		char buf[64];
		if (ctx->json) {
			char comm[17];
			lkdb_printable(comm, t->comm, 16, "");
			printf("%s{\"pid\": %" PRId32 ", \"task\": ", k ? ",\n " : "", t->pid);
			json_write_address(stdout, t->task);
			fputs(", \"cpu\": ", stdout);
			if (t->cpu >= 0)
				printf("%d", t->cpu);
			else
				fputs("null", stdout);
			fputs(", \"state\": ", stdout);
			json_write_string(stdout, t->state);
			fputs(", \"comm\": ", stdout);
			json_write_string(stdout, comm);
			if (o->times)
				printf(", \"run_time_s\": %" PRIu64 ", \"start_time_ns\": %" PRIu64
				       ", \"utime_ns\": %" PRIu64 ", \"stime_ns\": %" PRIu64 "}",
				       run / hz, tt->start_time, tt->utime, tt->stime);
			else if (o->msecs)
				printf(", \"last_arrival_ns\": %" PRIu64 ", \"since_ns\": %" PRIu64 "}",
				       tt->last_arrival, since);
			else
				printf(", \"last_arrival_ns\": %" PRIu64 "}", tt->last_arrival);
			continue;
		}
		if (o->times) {
			task_lookup_print_header(stdout, t);
			format_ticks(run, hz, buf, sizeof(buf));
			printf("    RUN TIME: %s\n  START TIME: %" PRIu64 "\n       UTIME: %" PRIu64
			       "\n       STIME: %" PRIu64 "\n\n",
			       buf, tt->start_time, tt->utime, tt->stime);
			continue;
		}
		if (o->msecs) {
			sysinfo_format_ns(since, buf, sizeof(buf));
			printf("[%s] ", buf);
		} else {
			printf("[%*" PRIu64 "] ", width, tt->last_arrival);
		}
		printf("[%s]  ", t->state);
		task_lookup_print_header(stdout, t);
	}
	if (ctx->json)
		puts("]");
out:
	free(clocks);
	free(idx);
	return err;
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
		c = task_list_find(list, c->real_parent);
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

/*
 * The picked tasks' times (indexed as the list); last_run: each needs
 * sched_info.last_arrival (crash's error when the kernel has none).
 */
static struct lkdb_error *read_times(struct kernel *k,
				     const struct task_list *list,
				     const bool *pick, bool last_run,
				     struct task_times **ret)
{
	struct task_times *times = calloc(list->nr_tasks ? list->nr_tasks : 1,
					  sizeof(*times));
	if (!times)
		return &lkdb_error_oom;
	struct lkdb_error *err = NULL;
	for (size_t i = 0; i < list->nr_tasks && !err; i++) {
		if (!pick[i])
			continue;
		err = kernel_read_task_times(k, list->tasks[i].task, &times[i]);
		if (err)
			err = lkdb_error_prefix(err, "PID %" PRId32, list->tasks[i].pid);
		else if (last_run && !times[i].have_last_arrival)
			err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
						"last-run timestamps do not exist in this kernel (no task_struct.sched_info.last_arrival: CONFIG_SCHED_INFO off)");
	}
	if (lkdb_interrupted && !err)
		err = lkdb_error_interrupted();
	if (err) {
		free(times);
		return err;
	}
	*ret = times;
	return NULL;
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
				     *c == 'l' ? &o.last_run : *c == 'm' ? &o.msecs :
				     *c == 't' ? &o.times : *c == 's' ? &o.kstackp :
				     NULL;
			if (!flag)
				return lkdb_usage_error(ctx, "unknown option -%c (lkdb's ps has -S, -p, -c, -l, -m, -t, -s, -k, -u, -G and --stats so far)",
							*c);
			*flag = true;
		}
	}
	if (o.kernel && o.user)
		return lkdb_usage_error(ctx, "-k and -u: kernel threads or user tasks, not both");
	if (o.states + o.parents + o.children + o.last_run + o.msecs + o.times > 1)
		return lkdb_usage_error(ctx, "one of -S, -p, -c, -l, -m and -t");
	if (o.kstackp && (o.states || o.parents || o.children || o.last_run ||
			  o.msecs || o.times))
		return lkdb_usage_error(ctx, "-s changes the task list's TASK column: not with -S, -p, -c, -l, -m or -t");
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
	struct task_times *times = NULL;
	if (o.kstackp || o.last_run || o.msecs || o.times)
		err = read_times(k, list, pick, o.last_run || o.msecs, &times);
	if (err) {
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
	else if (o.last_run || o.msecs || o.times)
		err = print_times(ctx, &o, list, pick, times);
	else if (states)
		print_states(stdout, list, pick, ctx->json);
	else if (ctx->json)
		print_json(stdout, list, pick, times);
	else
		print_text(stdout, list, pick, times);
	free(times);
	free(pick);
	fflush(stdout);
	if (stats) {
		char from[128] = "";
		char copied[48] = "";
		if (s->guest_ram && ram1.copies > ram0.copies)
			snprintf(copied, sizeof(copied),
				 "; RAM copied in %lu pieces",
				 ram1.copies - ram0.copies);
		if (s->guest_ram)
			snprintf(from, sizeof(from),
				 " (%lu from guest RAM, %lu through gdb%s)",
				 ram1.direct - ram0.direct,
				 ram1.fallback - ram0.fallback, copied);
		else if (!s->dump)
			snprintf(from, sizeof(from), " (through gdb)");
		fprintf(stderr, "lkdb: ps: %zu tasks, %u CPUs in %.1f ms: %u reads%s, %.1f KiB\n",
			list->nr_tasks, list->nr_cpus, (t1 - t0) * 1000,
			list->reads, from, list->bytes_read / 1024.0);
	}
	task_list_destroy(list);
	return err;
}

const struct lkdb_command lkdb_command_ps = {
	.name = "ps",
	.handler = cmd_ps,
	.summary = "list the kernel's tasks, like crash's ps",
	.usage = "ps [-S|-p|-c|-l|-m|-t] [-s] [-k|-u] [-G] [PID|TASK|COMM...] [--json] [--stats]\n"
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
		 "  -l       each task after its last-run stamp (sched_info.last_arrival,\n"
		 "           ns of its CPU's run queue clock), the latest first:\n"
		 "           \"[6293412641] [RU]  PID: ...\"\n"
		 "  -m       as -l with the time since then by the task's CPU's run\n"
		 "           queue clock (rq->clock), days hh:mm:ss.ms: \"[0 00:00:06.298]\"\n"
		 "  -t       RUN TIME (since start, from jiffies and HZ), START TIME\n"
		 "           (start_time, ns), UTIME and STIME (ns) of each task, the\n"
		 "           first started first\n"
		 "  -s       the saved kernel stack pointer (thread.sp) in a KSTACKP\n"
		 "           column instead of TASK (\"--\" for a running task)\n"
		 "  --json   an array of {pid, ppid, tgid, cpu, task (hex string), state,\n"
		 "           running, kernel_thread, mem_percent, vsz_kb, rss_kb, comm}\n"
		 "           (null where unknown; comm without brackets; with -s a\n"
		 "           kstackp, null when running); with -S an array of {state,\n"
		 "           count}; with -l or -m of {pid, task, cpu, state, comm,\n"
		 "           last_arrival_ns[, since_ns]}; with -t of {pid, task, cpu,\n"
		 "           state, comm, run_time_s, start_time_ns, utime_ns, stime_ns}\n"
		 "  --stats  reads, bytes and time taken, on stderr",
	.man = ".BR ps \" [\" \\-S | \\-p | \\-c | \\-l | \\-m | \\-t \"] [\" \\-s \"] [\" \\-k | \\-u \"] [\" \\-G \"] [\"\n"
	       ".IR PID | TASK | COMM \" ...] [\" \\-\\-json ]\n"
	       "Every task: PID, PPID, CPU, task address, state, %MEM, VSZ, RSS, command;\n"
	       "\\(oq>\\(cq marks the task running on each CPU, kernel threads are bracketed;\n"
	       "\\-S counts the tasks in each state; \\-p and \\-c show parents and children;\n"
	       "\\-l and \\-m the last-run stamp and the time since, \\-t run, start, user and\n"
	       "system times; \\-s the saved kernel stack pointer instead of the task;\n"
	       "\\-k, \\-u and \\-G keep kernel threads, user tasks or thread-group leaders.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = task_lookup_complete_pids_comms,
};
