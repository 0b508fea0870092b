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
	struct kernel *k = lkdb_session_kernel(s);
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

	/* The panic message, for a dump or a panicked kernel: from the log. */
	char panic[512] = "";
	bool have_panic = false;
	bool panicked = s->dump != NULL;
	if (!panicked) {
		struct lkdb_error *e = kernel_panicked(k, &panicked);
		if (e) {
			lkdb_warn("sys", "cannot tell whether the kernel panicked: %s",
				e->message);
			lkdb_error_destroy(e);
		}
	}
	if (panicked) {
		struct printk_log *log = NULL;
		struct lkdb_error *e = kernel_read_log(k, &log);
		if (e) {
			lkdb_warn("sys", "no panic message: %s",
				e->message);
			lkdb_error_destroy(e);
		} else {
			have_panic = sysinfo_panic_message(log, panic,
							   sizeof(panic));
		}
		printk_log_destroy(log);
	}

	/* The task that panicked, as crash shows it under PANIC. */
	struct task_list *task_list = NULL;
	const struct task_info *panic_task = NULL;
	int panic_cpu = -1;
	if (panicked) {
		struct lkdb_error *e = kernel_panic_cpu(k, &panic_cpu);
		if (!e && panic_cpu >= 0)
			e = task_lookup_read(s, "sys", &task_list);
		if (e) {
			lkdb_warn("sys", "no panic task: %s",
				e->message);
			lkdb_error_destroy(e);
		} else if (task_list) {
			panic_task = task_lookup_on_cpu(task_list, panic_cpu);
		}
	}

	int64_t date = 0;
	bool have_date = crash_time(s, &date);
	if (!have_date && info->have_time) {
		date = info->time_sec;
		have_date = true;
	}

	char dumpfile[4096] = "", cpus[64] = "", date_s[128] = "",
	     uptime[64] = "", load[64] = "", tasks[32] = "", memory[32] = "";
	if (s->dump)
		snprintf(dumpfile, sizeof(dumpfile), "%s  [%s]",
			 dump_path(s->dump), dump_format_name(s->dump));
	if (info->nr_cpu_ids) {
		if (info->nr_online < info->nr_cpu_ids)
			snprintf(cpus, sizeof(cpus), "%u [OFFLINE: %u]",
				 info->nr_cpu_ids,
				 info->nr_cpu_ids - info->nr_online);
		else
			snprintf(cpus, sizeof(cpus), "%u", info->nr_cpu_ids);
	}
	if (have_date)
		format_date(date, date_s, sizeof(date_s));
	if (info->have_uptime)
		sysinfo_format_uptime(info->uptime_ns, uptime, sizeof(uptime));
	if (info->have_load)
		sysinfo_format_load(info->avenrun, load, sizeof(load));
	if (info->have_tasks)
		snprintf(tasks, sizeof(tasks), "%" PRIu64, info->tasks);
	if (info->have_memory)
		sysinfo_format_memory(info->memory_bytes, memory,
				      sizeof(memory));

	FILE *out = stdout;
	if (ctx->json) {
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
		json_field(out, &first, "date", have_date ? date_s : NULL);
		fprintf(out, ", \"date_sec\": ");
		if (have_date)
			fprintf(out, "%" PRId64, date);
		else
			fputs("null", out);
		json_field(out, &first, "uptime",
			   info->have_uptime ? uptime : NULL);
		json_number(out, &first, "uptime_ns", info->have_uptime,
			    info->uptime_ns);
		json_field(out, &first, "load_average",
			   info->have_load ? load : NULL);
		json_number(out, &first, "tasks", info->have_tasks,
			    info->tasks);
		json_field(out, &first, "nodename", info->nodename);
		json_field(out, &first, "release", info->release);
		json_field(out, &first, "version", info->version);
		json_field(out, &first, "machine", info->machine);
		json_field(out, &first, "memory",
			   info->have_memory ? memory : NULL);
		json_number(out, &first, "memory_bytes", info->have_memory,
			    info->memory_bytes);
		json_number(out, &first, "tainted_mask", info->have_taint,
			    info->tainted_mask);
		json_field(out, &first, "taint_flags",
			   info->have_taint ? info->taint_flags : NULL);
		json_field(out, &first, "panic", have_panic ? panic : NULL);
		fputs(", \"panic_task\": ", out);
		if (panic_task) {
			char comm[17];
			task_lookup_safe_comm(panic_task->comm, comm);
			fprintf(out, "{\"pid\": %" PRId32 ", \"command\": ",
				panic_task->pid);
			json_write_string(out, comm);
			fprintf(out, ", \"task\": \"%016" PRIx64 "\", \"cpu\": %d}",
				panic_task->task, panic_cpu);
		} else {
			fputs("null", out);
		}
		fputs("}\n", out);
	} else {
		/* crash marks a tainted kernel on its KERNEL line */
		fprintf(out, "%12s: %s%s\n", "KERNEL", vmlinux_path(s->kernel.vmlinux),
			info->have_taint && info->tainted_mask ?
				"  [TAINTED]" : "");
		if (s->dump)
			fprintf(out, "%12s: %s\n", "DUMPFILE", dumpfile);
		else
			fprintf(out, "%12s: %s\n", "REMOTE",
				s->options->remote ? s->options->remote : "");
		fprintf(out, "%12s: %s\n", "CPUS", cpus);
		fprintf(out, "%12s: %s\n", "DATE", date_s);
		fprintf(out, "%12s: %s\n", "UPTIME", uptime);
		fprintf(out, "%12s: %s\n", "LOAD AVERAGE", load);
		fprintf(out, "%12s: %s\n", "TASKS", tasks);
		fprintf(out, "%12s: %s\n", "NODENAME", info->nodename);
		fprintf(out, "%12s: %s\n", "RELEASE", info->release);
		fprintf(out, "%12s: %s\n", "VERSION", info->version);
		fprintf(out, "%12s: %s\n", "MACHINE", info->machine);
		fprintf(out, "%12s: %s\n", "MEMORY", memory);
		/* crash shows PANIC for every dump, "" when none was found. */
		if (panicked)
			fprintf(out, "%12s: \"%s\"\n", "PANIC", panic);
		if (panic_task) {
			char comm[17];
			task_lookup_safe_comm(panic_task->comm, comm);
			fprintf(out, "%12s: %" PRId32 "\n", "PID", panic_task->pid);
			fprintf(out, "%12s: \"%s\"\n", "COMMAND", comm);
			fprintf(out, "%12s: %016" PRIx64 "\n", "TASK",
				panic_task->task);
			fprintf(out, "%12s: %d\n", "CPU", panic_cpu);
		}
	}
	fflush(out);
	sysinfo_destroy(info);
	task_list_destroy(task_list);
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
};
