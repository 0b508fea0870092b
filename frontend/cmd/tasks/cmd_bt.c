// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bt: backtraces as crash shows them, from lkdb's ORC unwinder (see
 * backtrace.h), for the context task, any task, or every CPU's.  gdb's own
 * backtrace stays at hand as "backtrace" / "where".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/kernel/backtrace.h"
#include "frontend/core/commands.h"
#include "frontend/kernel/task_lookup.h"
#include "kernel-helpers/memory/percpu.h"

static struct lkdb_error *bt_all(struct backtrace_env *env,
				 const struct task_list *list,
				 const struct backtrace_options *o)
{
	struct lkdb_error *err = NULL;
	if (o->json)
		fputs("[", stdout);
	bool first = true;
	for (unsigned int cpu = 0; cpu < list->nr_cpus && !err; cpu++) {
		const struct task_info *t = task_lookup_on_cpu(list, (int)cpu);
		if (!t) {
			if (!o->json)
				printf("%sCPU: %u  (its current task is unknown)\n",
				       first ? "" : "\n", cpu);
			first = false;
			continue;
		}
		if (!first)
			fputs(o->json ? ",\n" : "\n", stdout);
		first = false;
		err = backtrace_task(env, t, o, stdout);
	}
	if (o->json)
		fputs("]\n", stdout);
	return err;
}

static struct lkdb_error *cmd_bt(struct lkdb_command_context *ctx)
{
	struct lkdb_session *s = ctx->session;
	struct backtrace_options o = { .json = ctx->json };
	bool all = false;
	long cpu = -1;
	const char *which = NULL;
	for (int i = 1; i < ctx->argc; i++) {
		const char *arg = ctx->argv[i];
		if (!strcmp(arg, "-l"))
			o.lines = true;
		else if (!strcmp(arg, "-f"))
			o.words = true;
		else if (!strcmp(arg, "-F") || !strcmp(arg, "-FF")) {
			o.words = true;
			o.symbolic += arg[2] ? 2 : 1;
		}
		else if (!strcmp(arg, "-e"))
			o.eframes = true;
		else if (!strcmp(arg, "-a"))
			all = true;
		else if (!strcmp(arg, "-c")) {
			if (++i == ctx->argc)
				return lkdb_usage_error(ctx, "-c takes a CPU number");
			char *end;
			cpu = strtol(ctx->argv[i], &end, 10);
			if (!*ctx->argv[i] || *end || cpu < 0)
				return lkdb_usage_error(ctx, "\"%s\" is not a CPU number",
							ctx->argv[i]);
		}
		else if (arg[0] == '-')
			return lkdb_usage_error(ctx, "unknown option \"%s\"",
						arg);
		else if (which)
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"",
						arg);
		else
			which = arg;
	}
	if (all + (which != NULL) + (cpu >= 0) > 1)
		return lkdb_usage_error(ctx, "one of -a, -c CPU and a task");
	if (o.words && o.json)
		return lkdb_usage_error(ctx, "-f and -F print no --json");
	if (o.eframes && (o.words || o.lines))
		return lkdb_usage_error(ctx, "-e searches the stack for exception frames: not with -f, -F or -l");
	if (o.symbolic > 2)
		o.symbolic = 2;
	struct task_list *list = NULL;
	struct backtrace_env *env = NULL;
	struct lkdb_error *err = task_lookup_read(s, "bt", &list);
	if (!err)
		err = backtrace_env_create(s, &env);
	if (err)
		goto out;
	if (all) {
		err = bt_all(env, list, &o);
		goto out;
	}
	const struct task_info *t = NULL;
	if (cpu >= 0) {
		t = cpu < (long)list->nr_cpus ? task_lookup_on_cpu(list, (int)cpu) : NULL;
		if (!t)
			err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
						"no task known to run on CPU %ld (the kernel has %u)",
						cpu, list->nr_cpus);
	} else {
		err = which ? task_lookup_find(list, which, &t) :
			      task_lookup_context(s, list, &t);
	}
	if (!err)
		err = backtrace_task(env, t, &o, stdout);
out:
	fflush(stdout);
	backtrace_env_destroy(env);
	task_lookup_release(s, list);
	return err;
}

/* Tab: the online CPUs after -c, else PIDs. */
static bool complete_bt(const struct lkdb_command_context *ctx,
			const char *text, void (*add)(const char *word))
{
	if (ctx->argc < 2 || strcmp(ctx->argv[ctx->argc - 1], "-c"))
		return task_lookup_complete_pids(ctx, text, add);
	struct percpu_cpus *cpus;
	struct lkdb_error *err;
	if (!ctx->kernel)
		return true;
	if ((err = kernel_read_cpus(ctx->kernel, &cpus))) {
		lkdb_error_destroy(err);
		return true;
	}
	for (unsigned int cpu = 0; cpu < cpus->nr_cpu_ids; cpu++) {
		char word[16];
		snprintf(word, sizeof(word), "%u", cpu);
		if (cpus->online[cpu] && !strncmp(word, text, strlen(text)))
			add(word);
	}
	percpu_cpus_destroy(cpus);
	return true;
}

const struct lkdb_command lkdb_command_bt = {
	.name = "bt",
	.handler = cmd_bt,
	.summary = "backtrace of the context task, a task, or every CPU's task",
	.usage = "bt [-l] [-f | -F | -FF | -e] [--json] [-a | -c CPU | PID | TASK]\n"
		 "crash's backtrace, from lkdb's own ORC unwinder (the kernel's\n"
		 "unwind tables), on dumps and live guests alike.  Without an\n"
		 "argument, the context task: the one `task` chose, else on a dump\n"
		 "the panicking task, live the task on gdb's selected CPU.\n"
		 "Exception frames show the registers saved there and the\n"
		 "interrupted RIP; the walk ends at the user-mode boundary with the\n"
		 "user's registers.  gdb's own backtrace: \"backtrace\" or \"where\".\n"
		 "On a dump kdump wrote (kexec, /proc/vmcore) a CPU's walk begins\n"
		 "where kdump stopped it, as crash's does: the panicking task at\n"
		 "machine_kexec, __crash_kexec, then crash_kexec or panic, down to\n"
		 "the exception frame with the registers at the fault; each other\n"
		 "CPU at crash_nmi_callback on its NMI stack, then \"--- <NMI exception\n"
		 "stack> ---\" and the code the NMI interrupted; a panic in an\n"
		 "interrupt from machine_kexec on the CPU's IRQ stack.  A running\n"
		 "task's walk that leaves its CPU's IRQ stack says so there, as\n"
		 "crash: \"--- <IRQ stack> ---\".\n"
		 "  PID | TASK  a task by PID or task_struct address (hex); a sleeping\n"
		 "           task unwinds from the registers __switch_to_asm saved\n"
		 "  -a       the task on every CPU, each with its header\n"
		 "  -c CPU   the task on that CPU\n"
		 "  -l       the source file and line under each frame\n"
		 "  -f       each frame's stack words, from above the previous\n"
		 "           frame's return address to its own, as crash's bt -f (no\n"
		 "           --json)\n"
		 "  -F       -f with each word named as crash's -F names it: a kernel or\n"
		 "           module symbol (name+offset), else a slab object's cache\n"
		 "           ([cache]; -FF: [address:cache]), else hex (no --json)\n"
		 "  -e       no walk: the exception frames found on the task's stack by\n"
		 "           their contents (a struct pt_regs with kernel or user cs/ss,\n"
		 "           sane flags, rip in text), as crash's bt -e prints them\n"
		 "A frame is named by the call it returns to, as the kernel's own\n"
		 "traces do (%pB: the symbol of the return address - 1, so a call\n"
		 "that ends its function is not taken for the next one).\n"
		 "  --json   {pid, task, cpu, command, frames: [{level, sp, ip,\n"
		 "           function, offset, size (kallsyms': the trace's\n"
		 "           function+offset/size), scanned (no ORC data: its caller was\n"
		 "           found by scanning the stack), leaves_irq_stack (the last\n"
		 "           frame on the CPU's IRQ stack: crash's \"--- <IRQ stack> ---\"\n"
		 "           follows it), module, source: [{file, line}],\n"
		 "           exception: null | {user, partial, rip, source, regs,\n"
		 "           exception_stack: the stack it leaves (\"NMI\") or null}}],\n"
		 "           stopped}\n"
		 "           (an array of those with -a); with -e {pid, task, cpu,\n"
		 "           command, exception_frames: [{address, user, rip (crash's\n"
		 "           name+offset in decimal, as -e's text), regs}]}",
	.man = ".BR bt \" [\" \\-l \"] [\" \\-f | \\-F | \\-FF | \\-e \"] [\" \\-\\-json \"] [\\fIPID\\fR|\\fITASK\\fR|\" \\-a | \\-c\n"
	       ".IR CPU ]\n"
	       "crash's backtrace from lkdb's ORC unwinder, on dumps and live guests: the\n"
	       "context task's (the one \\fBtask\\fR chose, else a dump's panicking task, else\n"
	       "the task on gdb's selected CPU), a task's by PID or task address (sleeping\n"
	       "tasks too), or every CPU's task with crash's PID/TASK/CPU/COMMAND header.\n"
	       "Exception frames show their saved registers and the interrupted RIP; the\n"
	       "walk ends at the system call or interrupt entry with the user's registers.\n"
	       "On a dump kdump wrote, the panicking task's walk begins at machine_kexec\n"
	       "(then the oops or panic path and the exception frame with the registers at\n"
	       "the fault) and each other CPU's at crash_nmi_callback on its NMI stack,\n"
	       "marked \"--- <NMI exception stack> ---\" where it reaches the interrupted code;\n"
	       "a walk that leaves the CPU's IRQ stack is marked \"--- <IRQ stack> ---\".\n"
	       "\\-l adds file:line under each frame and under the interrupted RIP (the\n"
	       "faulting line).  Files of the kernel and of its in-tree modules are shown\n"
	       "relative to the source tree; those of a module built outside it (no\n"
	       "modinfo intree=Y) whole.  \\-f prints each frame's stack words, \\-F (\\-FF) names\n"
	       "them as crash does (symbols, [cache] or [address:cache] of slab objects);\n"
	       "\\-e lists the exception frames found on the stack by their contents instead\n"
	       "of a walk.  gdb's own backtrace is \\fBbacktrace\\fR.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = complete_bt,
};
