// SPDX-License-Identifier: GPL-2.0-or-later
/* sys: crash's system summary, computed in-process from kernel memory. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontend/core/commands.h"
#include "kernel-helpers/dumps/dump.h"
#include "common/json.h"
#include "frontend/kernel/task_lookup.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/log/printk.h"
#include "kernel-helpers/tasks/sysinfo.h"
#include "kernel-helpers/core/vmlinux.h"
#include "frontend/terminal/output.h"

/* CRASHTIME from VMCOREINFO (kdump writes it at the crash). */
static bool crash_time(const struct lkdb_session *s, int64_t *ret)
{
	const char *v = s->dump ? dump_vmcoreinfo(s->dump, "CRASHTIME") : NULL;
	if (!v || !*v)
		return false;
	char *end;
	long long t = strtoll(v, &end, 10);
	if (*end && *end != '\n')
		return false;
	*ret = t;
	return true;
}

static void format_date(int64_t secs, char *buf, size_t size)
{
	time_t t = (time_t)secs;
	struct tm tm;
	if (!localtime_r(&t, &tm) ||
	    !strftime(buf, size, "%a %b %e %H:%M:%S %Z %Y", &tm))
		snprintf(buf, size, "%" PRId64, secs);
}

static void json_field(FILE *out, bool *first, const char *name,
		       const char *value)
{
	fprintf(out, "%s\"%s\": ", *first ? "" : ", ", name);
	*first = false;
	if (value)
		json_write_string(out, value);
	else
		fputs("null", out);
}

static void json_number(FILE *out, bool *first, const char *name, bool have,
			uint64_t value)
{
	fprintf(out, "%s\"%s\": ", *first ? "" : ", ", name);
	*first = false;
	if (have)
		fprintf(out, "%" PRIu64, value);
	else
		fputs("null", out);
}

/* sys -t: crash's "TAINTED_MASK: 3000  OE". */
static struct lkdb_error *print_taint(const struct lkdb_command_context *ctx,
				      const struct sysinfo *info)
{
	if (!info->have_taint)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "sys -t: the taint mask could not be read");
	if (ctx->json) {
		printf("{\"tainted_mask\": %" PRIu64 ", \"taint_flags\": ",
		       info->tainted_mask);
		json_write_string(stdout, info->taint_flags);
		fputs("}\n", stdout);
	} else {
		printf("TAINTED_MASK: %" PRIx64 "  %s\n", info->tainted_mask,
		       info->taint_flags);
	}
	fflush(stdout);
	return NULL;
}

/*
 * What sys shows besides struct sysinfo: the panic, its task, the date,
 * and the lines' values as text.
 */
struct sys_summary {
	bool panicked;
	bool have_panic;
	char panic[512];
	struct task_list *task_list;	/* owns panic_task */
	const struct task_info *panic_task;
	int panic_cpu;
	bool have_date;
	int64_t date;
	char dumpfile[4096], cpus[64], date_s[128], uptime[64], load[64],
	     tasks[32], memory[32];
};

/* Whether the kernel panicked (a dump did) and its message, from the log. */
static void find_panic(struct lkdb_session *s, struct kernel *k,
		       struct sys_summary *sum)
{
	sum->panicked = s->dump != NULL;
	if (!sum->panicked) {
		struct lkdb_error *e = kernel_panicked(k, &sum->panicked);
		if (e) {
			lkdb_warn("sys", "cannot tell whether the kernel panicked: %s",
				e->message);
			lkdb_error_destroy(e);
		}
	}
	if (!sum->panicked)
		return;
	struct printk_log *log = NULL;
	struct lkdb_error *e = kernel_read_log(k, &log);
	if (e) {
		lkdb_warn("sys", "no panic message: %s",
			e->message);
		lkdb_error_destroy(e);
	} else {
		sum->have_panic = sysinfo_panic_message(log, sum->panic,
							sizeof(sum->panic));
	}
	printk_log_destroy(log);
}

/* The task that panicked, as crash shows it under PANIC. */
static void find_panic_task(struct lkdb_session *s, struct kernel *k,
			    struct sys_summary *sum)
{
	if (!sum->panicked)
		return;
	struct lkdb_error *e = kernel_panic_cpu(k, &sum->panic_cpu);
	if (!e && sum->panic_cpu >= 0)
		e = task_lookup_read(s, "sys", &sum->task_list);
	if (e) {
		lkdb_warn("sys", "no panic task: %s",
			e->message);
		lkdb_error_destroy(e);
	} else if (sum->task_list) {
		sum->panic_task = task_lookup_on_cpu(sum->task_list,
						     sum->panic_cpu);
	}
}

/* The date (CRASHTIME, else the kernel's time) and the lines' values as text. */
static void format_summary(const struct lkdb_session *s,
			   const struct sysinfo *info, struct sys_summary *sum)
{
	sum->have_date = crash_time(s, &sum->date);
	if (!sum->have_date && info->have_time) {
		sum->date = info->time_sec;
		sum->have_date = true;
	}
	if (s->dump)
		snprintf(sum->dumpfile, sizeof(sum->dumpfile), "%s  [%s]",
			 dump_path(s->dump), dump_format_name(s->dump));
	if (info->nr_cpu_ids) {
		if (info->nr_online < info->nr_cpu_ids)
			snprintf(sum->cpus, sizeof(sum->cpus), "%u [OFFLINE: %u]",
				 info->nr_cpu_ids,
				 info->nr_cpu_ids - info->nr_online);
		else
			snprintf(sum->cpus, sizeof(sum->cpus), "%u",
				 info->nr_cpu_ids);
	}
	if (sum->have_date)
		format_date(sum->date, sum->date_s, sizeof(sum->date_s));
	if (info->have_uptime)
		sysinfo_format_uptime(info->uptime_ns, sum->uptime,
				      sizeof(sum->uptime));
	if (info->have_load)
		sysinfo_format_load(info->avenrun, sum->load, sizeof(sum->load));
	if (info->have_tasks)
		snprintf(sum->tasks, sizeof(sum->tasks), "%" PRIu64, info->tasks);
	if (info->have_memory)
		sysinfo_format_memory(info->memory_bytes, sum->memory,
				      sizeof(sum->memory));
}

/* sys --json: one object, null for what is unknown. */
static void print_json(FILE *out, const struct lkdb_session *s,
		       const struct sysinfo *info,
		       const struct sys_summary *sum)
{
	bool first = true;
	fputs("{", out);
	json_field(out, &first, "kernel", vmlinux_path(s->kernel.vmlinux));
	json_field(out, &first, "dumpfile",
		   s->dump ? dump_path(s->dump) : NULL);
	json_field(out, &first, "dump_format",
		   s->dump ? dump_format_name(s->dump) : NULL);
	json_field(out, &first, "remote",
		   s->dump ? NULL : s->options->remote);
	json_number(out, &first, "cpus", info->nr_cpu_ids != 0,
		    info->nr_cpu_ids);
	json_number(out, &first, "cpus_online", info->nr_cpu_ids != 0,
		    info->nr_online);
	json_field(out, &first, "date", sum->have_date ? sum->date_s : NULL);
	fprintf(out, ", \"date_sec\": ");
	if (sum->have_date)
		fprintf(out, "%" PRId64, sum->date);
	else
		fputs("null", out);
	json_field(out, &first, "uptime",
		   info->have_uptime ? sum->uptime : NULL);
	json_number(out, &first, "uptime_ns", info->have_uptime,
		    info->uptime_ns);
	json_field(out, &first, "load_average",
		   info->have_load ? sum->load : NULL);
	json_number(out, &first, "tasks", info->have_tasks,
		    info->tasks);
	json_field(out, &first, "nodename", info->nodename);
	json_field(out, &first, "release", info->release);
	json_field(out, &first, "version", info->version);
	json_field(out, &first, "machine", info->machine);
	json_field(out, &first, "memory",
		   info->have_memory ? sum->memory : NULL);
	json_number(out, &first, "memory_bytes", info->have_memory,
		    info->memory_bytes);
	json_number(out, &first, "tainted_mask", info->have_taint,
		    info->tainted_mask);
	json_field(out, &first, "taint_flags",
		   info->have_taint ? info->taint_flags : NULL);
	json_field(out, &first, "panic", sum->have_panic ? sum->panic : NULL);
	fputs(", \"panic_task\": ", out);
	if (sum->panic_task) {
		char comm[17];
		task_lookup_safe_comm(sum->panic_task->comm, comm);
		fprintf(out, "{\"pid\": %" PRId32 ", \"command\": ",
			sum->panic_task->pid);
		json_write_string(out, comm);
		fprintf(out, ", \"task\": \"0x%" PRIx64 "\", \"cpu\": %d}",
			sum->panic_task->task, sum->panic_cpu);
	} else {
		fputs("null", out);
	}
	fputs("}\n", out);
}

/* sys: crash's lines, a label right-aligned in 12 columns. */
static void print_text(FILE *out, const struct lkdb_session *s,
		       const struct sysinfo *info,
		       const struct sys_summary *sum)
{
	/* crash marks a tainted kernel on its KERNEL line */
	fprintf(out, "%12s: %s%s\n", "KERNEL", vmlinux_path(s->kernel.vmlinux),
		info->have_taint && info->tainted_mask ?
			"  [TAINTED]" : "");
	if (s->dump)
		fprintf(out, "%12s: %s\n", "DUMPFILE", sum->dumpfile);
	else
		fprintf(out, "%12s: %s\n", "REMOTE",
			s->options->remote ? s->options->remote : "");
	fprintf(out, "%12s: %s\n", "CPUS", sum->cpus);
	fprintf(out, "%12s: %s\n", "DATE", sum->date_s);
	fprintf(out, "%12s: %s\n", "UPTIME", sum->uptime);
	fprintf(out, "%12s: %s\n", "LOAD AVERAGE", sum->load);
	fprintf(out, "%12s: %s\n", "TASKS", sum->tasks);
	fprintf(out, "%12s: %s\n", "NODENAME", info->nodename);
	fprintf(out, "%12s: %s\n", "RELEASE", info->release);
	fprintf(out, "%12s: %s\n", "VERSION", info->version);
	fprintf(out, "%12s: %s\n", "MACHINE", info->machine);
	fprintf(out, "%12s: %s\n", "MEMORY", sum->memory);
	/* crash shows PANIC for every dump, "" when none was found. */
	if (sum->panicked)
		fprintf(out, "%12s: \"%s\"\n", "PANIC", sum->panic);
	if (sum->panic_task) {
		char comm[17];
		task_lookup_safe_comm(sum->panic_task->comm, comm);
		fprintf(out, "%12s: %" PRId32 "\n", "PID", sum->panic_task->pid);
		fprintf(out, "%12s: \"%s\"\n", "COMMAND", comm);
		fprintf(out, "%12s: %016" PRIx64 "\n", "TASK",
			sum->panic_task->task);
		fprintf(out, "%12s: %d\n", "CPU", sum->panic_cpu);
	}
}

static struct lkdb_error *cmd_sys(struct lkdb_command_context *ctx)
{
	struct lkdb_session *s = ctx->session;
	bool taint_only = false;
	for (int i = 1; i < ctx->argc; i++) {
		if (!strcmp(ctx->argv[i], "-t"))
			taint_only = true;
		else
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"",
						ctx->argv[i]);
	}
	struct kernel *k = ctx->kernel;
	struct sysinfo *info;
	struct lkdb_error *err = kernel_read_sysinfo(k, &info);
	if (err)
		return err;
	for (size_t i = 0; i < info->nr_warnings; i++)
		lkdb_warn("sys", "%s", info->warnings[i]);
	if (taint_only) {
		err = print_taint(ctx, info);
		sysinfo_destroy(info);
		return err;
	}

	struct sys_summary sum = { .panic_cpu = -1 };
	find_panic(s, k, &sum);
	find_panic_task(s, k, &sum);
	format_summary(s, info, &sum);
	if (ctx->json)
		print_json(stdout, s, info, &sum);
	else
		print_text(stdout, s, info, &sum);
	fflush(stdout);
	sysinfo_destroy(info);
	task_lookup_release(s, sum.task_list);
	return NULL;
}

const struct lkdb_command lkdb_command_sys = {
	.name = "sys",
	.handler = cmd_sys,
	.summary = "system summary: kernel, dump, CPUs, date, uptime, load, tasks, memory, panic",
	.usage = "sys [-t] [--json]\n"
		 "crash's system summary, read from the target's memory in-process:\n"
		 "KERNEL ([TAINTED] when tainted_mask is not 0), DUMPFILE (path and\n"
		 "format; REMOTE for a live target), CPUS (nr_cpu_ids, [OFFLINE: n]),\n"
		 "DATE (a dump's VMCOREINFO CRASHTIME, else the timekeeper's wall\n"
		 "time), UPTIME (CLOCK_BOOTTIME at the last tick: tkr_mono.base +\n"
		 "offs_boot), LOAD AVERAGE (avenrun, as /proc/loadavg),\n"
		 "TASKS (threads on init_task's list plus other CPUs' idle tasks),\n"
		 "NODENAME, RELEASE, VERSION, MACHINE (init_uts_ns), MEMORY (as crash:\n"
		 "the online nodes' present pages, rounded up to the next GB when 64 MB\n"
		 "or less short of it), and for a dump PANIC (the log's last \"Kernel\n"
		 "panic - not syncing: \" line, else its last oops line).\n"
		 "  -t      only crash's TAINTED_MASK line: tainted_mask in hex and the\n"
		 "          letters of its bits from the kernel's taint_flags (\"OE\")\n"
		 "  --json  an object {kernel, dumpfile, dump_format, remote, cpus,\n"
		 "          cpus_online, date, date_sec, uptime, uptime_ns, load_average,\n"
		 "          tasks, nodename, release, version, machine, memory,\n"
		 "          memory_bytes (present, not rounded), tainted_mask,\n"
		 "          taint_flags, panic}; null for what is unknown; with -t\n"
		 "          {tainted_mask, taint_flags}",
	.man = ".BR sys \" [\" \\-t \"] [\" \\-\\-json ]\n"
	       "System summary as crash prints it: kernel ([TAINTED] when tainted), dump\n"
	       "file or remote, CPUs, date, uptime, load average, tasks, node name, release,\n"
	       "version, machine, memory (the online nodes' present pages, rounded as crash\n"
	       "rounds), and on a dump the panic message.\n"
	       "\\-t prints only crash's TAINTED_MASK line (the mask and its letters).\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = lkdb_complete_nothing,
};
