// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bt: backtraces as crash shows them.  A running task's are its CPU's
 * (gdb's thread for that CPU).  A sleeping task's registers are those
 * __switch_to_asm saved: task->thread.sp points at its struct
 * inactive_task_frame (r15 r14 r13 r12 bx bp ret_addr on x86_64); after
 * the switch back, rip is ret_addr (in __schedule) and rsp is thread.sp +
 * sizeof(struct inactive_task_frame).  On a dump lkdb-dump-server takes
 * them as a context thread (monitor lkdb-context); a live stub cannot.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ktypes.h"
#include "task_lookup.h"

static const char usage[] = "usage: bt [-a | PID | TASK]";

/* The selected thread's backtrace, shown as gdb's. */
static struct lkdb_error *gdb_bt(struct lkdb_session *s)
{
	fflush(stdout);
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_console(s->gdb, 0,
						    GDB_TIMEOUT_NONE, "bt", &r);
	if (err)
		return err;
	if (r.record->result_class == MI_CLASS_ERROR) {
		const char *msg = gdb_result_error_message(r.record);
		err = lkdb_error_create(LKDB_ERROR_GDB, "bt: %s",
					msg ? msg : "gdb reported an error");
	}
	gdb_call_result_deinit(&r);
	fflush(stdout);
	return err;
}

static struct lkdb_error *select_thread(struct lkdb_session *s, int num)
{
	char cmd[32];
	snprintf(cmd, sizeof(cmd), "thread %d", num);
	return task_lookup_gdb_quiet(s, cmd, NULL);
}

static int current_thread(const struct gdb_thread *threads, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (threads[i].current)
			return threads[i].num;
	}
	return -1;
}

/* Select CPU cpu's thread, bt, re-select prev. */
static struct lkdb_error *bt_cpu(struct lkdb_session *s,
				 const struct gdb_thread *threads, size_t n,
				 int cpu, int prev)
{
	int num = task_lookup_thread_num(threads, n, cpu + 1);
	if (num < 0)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "gdb has no thread for CPU %d", cpu);
	struct lkdb_error *err = select_thread(s, num);
	if (!err)
		err = gdb_bt(s);
	if (prev >= 0 && prev != num) {
		struct lkdb_error *e2 = select_thread(s, prev);
		if (!err)
			err = e2;
		else
			lkdb_error_destroy(e2);
	}
	return err;
}

static struct lkdb_error *bt_all(struct lkdb_session *s,
				 const struct task_list *list)
{
	struct gdb_thread *threads;
	size_t n;
	struct lkdb_error *err = task_lookup_threads(s, &threads, &n);
	if (err)
		return err;
	int prev = current_thread(threads, n);
	int ncpus = 0;
	for (size_t i = 0; i < n; i++) {
		/* CPU threads only: not a dump's context thread. */
		if (threads[i].tid >= 1 && threads[i].tid <= (long)list->nr_cpus &&
		    threads[i].tid > ncpus)
			ncpus = (int)threads[i].tid;
	}
	for (int cpu = 0; cpu < ncpus && !err; cpu++) {
		if (cpu)
			fputs("\n", stdout);
		const struct task_info *t = task_lookup_on_cpu(list, cpu);
		if (t)
			task_lookup_print_header(stdout, t);
		else
			printf("CPU: %d  (its current task is unknown)\n", cpu);
		err = bt_cpu(s, threads, n, cpu, -1);
	}
	if (prev >= 0) {
		struct lkdb_error *e2 = select_thread(s, prev);
		if (!err)
			err = e2;
		else
			lkdb_error_destroy(e2);
	}
	free(threads);
	return err;
}

struct frame_regs {
	uint64_t rip, rsp, rbp, rbx, r12, r13, r14, r15;
};

static struct lkdb_error *read_u64(const struct kernel_memory_reader *mem,
				   uint64_t addr, uint64_t *ret)
{
	return mem->read(mem->context, addr, ret, sizeof(*ret));
}

static struct lkdb_error *sleeping_regs(struct lkdb_session *s,
					const struct task_info *t,
					struct frame_regs *regs)
{
	struct ktypes *types;
	struct lkdb_error *err = lkdb_session_types(s, &types);
	if (err)
		return err;
	uint64_t sp_off, frame_size;
	err = ktypes_member(types, "task_struct", "thread.sp", &sp_off, NULL);
	if (!err)
		err = ktypes_size(types, "inactive_task_frame", &frame_size);
	if (err)
		return err;
	static const char *const names[] = {
		"r15", "r14", "r13", "r12", "bx", "bp", "ret_addr",
	};
	uint64_t offs[7];
	for (size_t i = 0; i < 7; i++) {
		err = ktypes_member(types, "inactive_task_frame", names[i],
				    &offs[i], NULL);
		if (err)
			return err;
	}
	struct kernel_memory_reader mem;
	lkdb_session_memory(s, &mem);
	uint64_t sp;
	err = read_u64(&mem, t->task + sp_off, &sp);
	if (err)
		return err;
	uint64_t vals[7];
	for (size_t i = 0; i < 7 && !err; i++)
		err = read_u64(&mem, sp + offs[i], &vals[i]);
	if (err)
		return err;
	regs->r15 = vals[0];
	regs->r14 = vals[1];
	regs->r13 = vals[2];
	regs->r12 = vals[3];
	regs->rbx = vals[4];
	regs->rbp = vals[5];
	regs->rip = vals[6];
	regs->rsp = sp + frame_size;
	return NULL;
}

static struct lkdb_error *bt_sleeping(struct lkdb_session *s,
				      const struct task_info *t)
{
	if (!s->dump)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "bt of a sleeping task needs a dump for now (PID %" PRId32 " is not running on a CPU; a live stub cannot take its saved registers)",
					 t->pid);
	struct frame_regs r;
	struct lkdb_error *err = sleeping_regs(s, t, &r);
	if (err)
		return err;
	struct gdb_thread *threads;
	size_t n;
	err = task_lookup_threads(s, &threads, &n);
	if (err)
		return err;
	int prev = current_thread(threads, n);
	/* The server prints the id on the target stream, which gdb's MI
	 * does not capture: choose it, one past the CPUs' threads. */
	long tid = 0;
	for (size_t i = 0; i < n; i++) {
		if (threads[i].tid > tid)
			tid = threads[i].tid;
	}
	tid++;
	free(threads);
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "monitor lkdb-context thread=%ld rip=%" PRIx64 " rsp=%" PRIx64
		 " rbp=%" PRIx64 " rbx=%" PRIx64 " r12=%" PRIx64
		 " r13=%" PRIx64 " r14=%" PRIx64 " r15=%" PRIx64,
		 tid, r.rip, r.rsp, r.rbp, r.rbx, r.r12, r.r13, r.r14, r.r15);
	err = task_lookup_gdb_quiet(s, cmd, NULL);
	if (err)
		return err;
	err = task_lookup_gdb_quiet(s, "maintenance flush register-cache",
				    NULL);
	if (!err)
		err = task_lookup_threads(s, &threads, &n);
	if (err)
		goto clear;
	int num = task_lookup_thread_num(threads, n, tid);
	free(threads);
	if (num < 0) {
		err = lkdb_error_create(LKDB_ERROR_GDB,
					"gdb does not show the context thread %ld",
					tid);
		goto clear;
	}
	err = select_thread(s, num);
	if (!err)
		err = gdb_bt(s);
clear:;
	struct lkdb_error *e2 = task_lookup_gdb_quiet(s, "monitor lkdb-context clear",
						      NULL);
	if (!e2)
		e2 = task_lookup_gdb_quiet(s, "maintenance flush register-cache",
					   NULL);
	if (!e2) {
		/* Forget the context thread. */
		e2 = task_lookup_threads(s, &threads, &n);
		if (!e2)
			free(threads);
	}
	if (!e2 && prev >= 0)
		e2 = select_thread(s, prev);
	if (!err)
		err = e2;
	else if (e2)
		lkdb_error_destroy(e2);
	return err;
}

static struct lkdb_error *bt_task(struct lkdb_session *s,
				  const struct task_info *t)
{
	task_lookup_print_header(stdout, t);
	fflush(stdout);
	if (t->running && t->cpu >= 0) {
		struct gdb_thread *threads;
		size_t n;
		struct lkdb_error *err = task_lookup_threads(s, &threads, &n);
		if (err)
			return err;
		err = bt_cpu(s, threads, n, t->cpu, current_thread(threads, n));
		free(threads);
		return err;
	}
	return bt_sleeping(s, t);
}

struct lkdb_error *cmd_bt(struct lkdb_command_context *ctx)
{
	struct lkdb_session *s = ctx->session;
	if (ctx->argc > 2)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "unexpected argument \"%s\"; %s",
					 ctx->argv[2], usage);
	if (ctx->argc == 1)
		return gdb_bt(s);
	const char *arg = ctx->argv[1];
	struct task_list *list = NULL;
	struct lkdb_error *err;
	if (!strcmp(arg, "-a")) {
		err = task_lookup_read(s, "bt", &list);
		if (!err)
			err = bt_all(s, list);
		task_list_destroy(list);
		return err;
	}
	if (arg[0] == '-')
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "unknown option \"%s\"; %s", arg, usage);
	err = task_lookup_read(s, "bt", &list);
	if (err)
		return err;
	const struct task_info *t;
	err = task_lookup_find(list, arg, &t);
	if (!err)
		err = bt_task(s, t);
	task_list_destroy(list);
	return err;
}
