// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Panic stops: breakpoints on panic(), __die() and (--break-on-warn)
 * __warn(), and the report of a stop: reason, CPU, task, faulting frame,
 * backtrace, registers and the last log lines.
 *
 * Hardware breakpoints (gdb's hbreak, the stub's Z1): QEMU never writes
 * them into guest memory, so a breakpoint cannot be left behind in the
 * kernel's text if lkdb or gdb dies, and they do not depend on gdb reading
 * the (KASLR-moved) text first.  Under TCG QEMU has no limit on them;
 * under KVM they take x86's 4 debug registers, and lkdb uses at most 4
 * (panic, __die, __warn, the one-shot stop after the panic message).
 * They are put at the functions' first instruction (*ADDRESS, not gdb's
 * after-the-prologue location), where the arguments are still in rdi,
 * rsi, ... and [rsp] is the return address.
 */
#include "frontend/live/panic_stop.h"
#include "common/clock.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontend/kernel/backtrace.h"
#include "frontend/target/breakpoints.h"
#include "frontend/kernel/module_symbols.h"
#include "frontend/target/gdb_target.h"
#include "kernel-helpers/core/ktypes.h"
#include "frontend/kernel/module_names.h"
#include "kernel-helpers/decode/panic.h"
#include "kernel-helpers/log/printk.h"
#include "frontend/live/stop_frame.h"
#include "kernel-helpers/symbols/symbolize.h"
#include "frontend/kernel/task_lookup.h"
#include "kernel-helpers/core/vmlinux.h"

/*
 * Log records shown at the end of a report: the last 12, or from the
 * reason's record on (a panic's stack dump follows its message), at most
 * 48.
 */
#define REPORT_LOG_RECORDS 12
#define REPORT_LOG_RECORDS_MAX 48
/* Frames of the backtrace (gdb may not stop at the entry frame). */
/* How long panic() may take from its entry to its message being logged. */
#define PANIC_MESSAGE_TIMEOUT_MS 10000
#define MI_TIMEOUT_MS 10000

struct panic_stops {
	struct panic_symbols syms;
	/* gdb's numbers of lkdb's breakpoints, their addresses and kinds */
	int numbers[3];
	uint64_t addrs[3];
	enum panic_stop_kind kinds[3];
	size_t nr_bps;
	/*
	 * Where the last reported stop was: its thread and registers.  Under
	 * TCG on a loaded machine gdb's step over a hardware breakpoint can
	 * end before the CPU moved, and the guest, continued, stops at the
	 * same breakpoint again (seen twice in CI: an oops reported twice,
	 * a panic reported before its message).  That stop, every register
	 * as it was, is not the kernel's: lkdb continues once more.  (A
	 * kernel that hits the breakpoint again for real has moved on: a
	 * loop's counter, another stack, another argument.)
	 */
	bool last_valid;
	int last_thread;
	struct x86_64_regs last_regs;
};

struct lkdb_error *panic_stops_arm(struct lkdb_session *s)
{
	if (s->panic_stops)
		return NULL;
	struct panic_stops *p = calloc(1, sizeof(*p));
	if (!p)
		return &lkdb_error_oom;
	panic_symbols_lookup(s->kernel.vmlinux, &p->syms);
	struct {
		uint64_t addr;
		enum panic_stop_kind kind;
		bool wanted;
	} want[] = {
		{ p->syms.panic, PANIC_STOP_PANIC, true },
		{ p->syms.die, PANIC_STOP_OOPS, true },
		{ p->syms.warn, PANIC_STOP_WARN, s->options->break_on_warn },
	};
	s->panic_stops = p;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!want[i].wanted)
			continue;
		if (!want[i].addr) {
			lkdb_note(s, "warning: %s has no %s symbol: no stop on a kernel %s",
				  vmlinux_path(s->kernel.vmlinux),
				  want[i].kind == PANIC_STOP_PANIC ? "panic" :
				  want[i].kind == PANIC_STOP_OOPS ? "__die" :
				  "__warn",
				  panic_stop_kind_name(want[i].kind));
			continue;
		}
		/* Silent: the report tells of the stop, not gdb. */
		uint64_t addr = want[i].addr + s->kernel.kaslr_offset;
		struct lkdb_error *err = breakpoint_insert(
			s->gdb, addr, BREAK_HARDWARE | BREAK_SILENT,
			&p->numbers[p->nr_bps]);
		if (err)
			return lkdb_error_prefix(err,
						 "cannot put a breakpoint on the kernel's %s path",
						 panic_stop_kind_name(want[i].kind));
		p->addrs[p->nr_bps] = addr;
		p->kinds[p->nr_bps] = want[i].kind;
		p->nr_bps++;
	}
	return NULL;
}

void panic_stops_disarm(struct lkdb_session *s)
{
	struct panic_stops *p = s->panic_stops;
	if (!p)
		return;
	if (s->gdb && s->attached && gdb_driver_alive(s->gdb) &&
	    !gdb_driver_target_running(s->gdb)) {
		breakpoints_delete(s->gdb, p->numbers, p->nr_bps);
	}
	free(p);
	s->panic_stops = NULL;
}

/* ---- reading the stopped CPU ---- */

static int stopped_breakpoint(const struct mi_output *stopped)
{
	const char *reason = mi_value_string(stopped->results, "reason");
	const char *bkptno = mi_value_string(stopped->results, "bkptno");
	if (!reason || strcmp(reason, "breakpoint-hit") || !bkptno)
		return -1;
	return atoi(bkptno);
}

/*
 * gdb's thread (a CPU) that stopped.  A silent breakpoint's stop is a
 * bare *stopped: then the thread gdb selected for it, which is the one.
 */
static int stopped_thread(struct lkdb_session *s,
			  const struct mi_output *stopped)
{
	const char *id = mi_value_string(stopped->results, "thread-id");
	if (id)
		return atoi(id);
	uint64_t thread;
	struct lkdb_error *err = gdb_target_value(s->gdb, "$_thread", &thread);
	if (err) {
		lkdb_error_destroy(err);
		return -1;
	}
	return (int)thread;
}

static struct lkdb_error *exec_continue(struct lkdb_session *s)
{
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_call_ok(s->gdb, GDB_CALL_QUIET,
						    MI_TIMEOUT_MS,
						    "-exec-continue", NULL, 0,
						    &r);
	if (!err)
		gdb_call_result_deinit(&r);
	return err;
}

/* ---- the report ---- */

struct stop_facts {
	enum panic_stop_kind kind;
	int thread;		/* gdb's thread number of the stopped CPU */
	int cpu;		/* -1 if unknown */
	struct x86_64_regs cpu_regs;	/* at the breakpoint */
	/* oops and warning: the context passed in (regs of the fault) */
	bool has_fault_regs;
	struct x86_64_regs fault_regs;
	/* panic: who called panic() (its return address) */
	uint64_t panic_return;
	/* __die's str, __warn's file:line: a reason if the log has none */
	char fallback[256];
	double t_stop;		/* when lkdb saw the *stopped */
	double t_message;	/* panic: when the message was in the log */
};

/* Read a NUL-terminated string of the target into buf (best effort). */
static void read_string(struct lkdb_session *s, uint64_t addr, char *buf,
			size_t size)
{
	buf[0] = '\0';
	if (!addr)
		return;
	struct kernel_memory_reader mem = *kernel_memory(lkdb_session_kernel(s));
	struct lkdb_error *err = mem.read(mem.context, addr, buf, size - 1);
	if (err) {
		lkdb_error_destroy(err);
		buf[0] = '\0';
		return;
	}
	buf[size - 1] = '\0';
	for (char *c = buf; *c; c++) {
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f) {
			*c = '\0';
			break;
		}
	}
}

/*
 * "func+0x15/0x40 [module]  file:line" of a code address, named by what
 * lies there now: the vmlinux's symbols or the module's own (its kallsyms,
 * which loses a module's init symbols when their memory is freed), lines
 * from the DWARF of the vmlinux or of the module's object file.  A return
 * address (panic()'s caller) names the call before it, as %pB does.  A
 * module's symbols are loaded into gdb too, for the commands that follow.
 */
static char *describe_address(struct lkdb_session *s, uint64_t addr,
			      bool return_address)
{
	struct module_names *mn = NULL;
	struct lkdb_error *err = module_names_create(s, "report", &mn);
	if (err) {
		lkdb_note(s, "report: modules: %s", err->message);
		lkdb_error_destroy(err);
		char *t = NULL;
		return asprintf(&t, "0x%016" PRIx64, addr) < 0 ? NULL : t;
	}
	struct code_name n;
	module_names_name(mn, addr, return_address, &n);
	/* The module list module_names read: not read again to load it. */
	const struct kmodule *m = n.module ?
		module_names_module_at(mn, return_address ? addr - 1 : addr) : NULL;
	if (m) {
		err = module_symbols_load_module(s, m);
		if (err)
			lkdb_note(s, "report: symbols of module %s for gdb: %s",
				  m->name, err->message);
		lkdb_error_destroy(err);
	}
	char *name = code_name_format(&n, addr);
	struct symbolize_frame *lines;
	size_t nr;
	module_names_lines(mn, addr, !return_address, &lines, &nr);
	char *text = NULL;
	int len;
	if (!name)
		len = -1;
	else if (nr && lines[0].file)
		len = asprintf(&text, "%s  %s:%u", name, lines[0].file,
			       lines[0].line);
	else if (n.module)
		len = asprintf(&text, "%s  (no source line: no object file for %s; mod -s %s FILE, or --module-path DIR)",
			       name, n.module, n.module);
	else
		len = asprintf(&text, "%s", name);
	symbolize_frames_free(lines, nr);
	free(name);
	module_names_destroy(mn);
	return len < 0 ? NULL : text;
}

static void print_regs(const struct x86_64_regs *r)
{
	printf("    RSP: %04" PRIx64 ":%016" PRIx64 " EFLAGS: %08" PRIx64 "\n",
	       r->ss, r->rsp, r->eflags);
	printf("    RAX: %016" PRIx64 " RBX: %016" PRIx64 " RCX: %016" PRIx64 "\n",
	       r->rax, r->rbx, r->rcx);
	printf("    RDX: %016" PRIx64 " RSI: %016" PRIx64 " RDI: %016" PRIx64 "\n",
	       r->rdx, r->rsi, r->rdi);
	printf("    RBP: %016" PRIx64 " R08: %016" PRIx64 " R09: %016" PRIx64 "\n",
	       r->rbp, r->r8, r->r9);
	printf("    R10: %016" PRIx64 " R11: %016" PRIx64 " R12: %016" PRIx64 "\n",
	       r->r10, r->r11, r->r12);
	printf("    R13: %016" PRIx64 " R14: %016" PRIx64 " R15: %016" PRIx64 "\n",
	       r->r13, r->r14, r->r15);
}

/*
 * The backtrace section: lkdb's ORC unwinder (backtrace.h) from where the
 * stopped CPU is now, through the exception frame of an oops, to the
 * user-mode boundary with the user's registers, as crash prints it.
 */
static struct lkdb_error *report_backtrace(struct lkdb_session *s,
					   int gdb_thread)
{
	struct x86_64_regs regs;
	struct lkdb_error *err = gdb_target_thread_regs(s->gdb, gdb_thread,
							&regs);
	if (err)
		return err;
	struct backtrace_env *env;
	err = backtrace_env_create(s, &env);
	if (err)
		return err;
	struct backtrace_options o = { .lines = false };
	err = backtrace_regs(env, &regs, true, &o, stdout);
	backtrace_env_destroy(env);
	fflush(stdout);
	return err;
}

/*
 * gdb's frame of the culprit, selected: the faulting function with the
 * registers of the fault, or panic()'s caller.
 */
static void print_culprit_frame(struct lkdb_session *s,
				const struct stop_facts *f,
				const struct x86_64_regs *regs)
{
	uint64_t pc = f->kind == PANIC_STOP_PANIC ? f->panic_return :
		      f->has_fault_regs && !panic_regs_user_mode(regs) ?
		      regs->rip : 0;
	if (!pc)
		return;
	char *frame = NULL;
	struct lkdb_error *err = stop_frame_select(s, f->thread, pc, &frame);
	printf("--- gdb's frame (info locals, list, up and down start here) ---\n");
	if (err) {
		printf("    (none selected: %s)\n", err->message);
		lkdb_error_destroy(err);
		return;
	}
	const char *p = frame;
	while (*p) {
		size_t len = strcspn(p, "\n");
		printf("    %.*s\n", (int)len, p);
		p += len + (p[len] == '\n');
	}
	free(frame);
}

static void print_log_tail(const struct printk_log *log, const char *reason)
{
	size_t first = log->nr_records > REPORT_LOG_RECORDS ?
		       log->nr_records - REPORT_LOG_RECORDS : 0;
	size_t floor = log->nr_records > REPORT_LOG_RECORDS_MAX ?
		       log->nr_records - REPORT_LOG_RECORDS_MAX : 0;
	for (size_t i = floor; reason && i < first; i++) {
		const struct printk_record *r = &log->records[i];
		if (reason >= r->text && reason < r->text + r->text_len) {
			first = i;
			break;
		}
	}
	for (size_t i = first; i < log->nr_records; i++) {
		const struct printk_record *r = &log->records[i];
		char prefix[32];
		snprintf(prefix, sizeof(prefix), "[%5" PRIu64 ".%06" PRIu64 "] ",
			 r->ts_nsec / 1000000000, r->ts_nsec % 1000000000 / 1000);
		const char *p = r->text, *end = r->text + r->text_len;
		do {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
			printf("    %s%.*s\n", prefix, (int)len, p);
			p = nl ? nl + 1 : end;
		} while (p < end);
	}
}

static struct lkdb_error *read_log(struct lkdb_session *s,
				   struct printk_log **ret)
{
	return kernel_read_log(lkdb_session_kernel(s), ret);
}

static void print_report(struct lkdb_session *s, struct stop_facts *f)
{
	struct printk_log *log = NULL;
	struct lkdb_error *log_err = read_log(s, &log);
	const char *reason = NULL;
	size_t reason_len = 0;
	if (log) {
		struct lkdb_error *e = panic_reason_in_log(log, f->kind,
							   &reason,
							   &reason_len);
		lkdb_error_destroy(e);
	}
	if (!reason) {
		reason = f->fallback;
		reason_len = strlen(f->fallback);
	}
	/* The console's lines up to the stop come first. */
	lkdb_session_quiesce(s);
	static const char *const titles[] = {
		[PANIC_STOP_PANIC] = "Kernel panic",
		[PANIC_STOP_OOPS] = "Kernel oops",
		[PANIC_STOP_WARN] = "Kernel warning",
	};
	fflush(stdout);
	printf("\n*** %s on CPU %d: %.*s\n", titles[f->kind], f->cpu,
	       (int)reason_len, reason);

	struct task_list *tasks = NULL;
	struct lkdb_error *err = task_lookup_read(s, "report", &tasks);
	const struct task_info *t = tasks && f->cpu >= 0 ?
		task_lookup_on_cpu(tasks, f->cpu) : NULL;
	if (t) {
		char comm[17];
		task_lookup_safe_comm(t->comm, comm);
		printf("    task: %s (pid %" PRId32 ")  TASK: %016" PRIx64 "\n",
		       comm, t->pid, t->task);
	} else {
		printf("    task: unknown%s%s\n", err ? ": " : "",
		       err ? err->message : "");
	}
	lkdb_error_destroy(err);
	task_lookup_release(s, tasks);

	const struct x86_64_regs *regs = f->has_fault_regs ? &f->fault_regs :
					 &f->cpu_regs;
	if (f->kind == PANIC_STOP_PANIC) {
		char *caller = describe_address(s, f->panic_return, true);
		printf("    panic() called from: %s\n",
		       caller ? caller : "?");
		free(caller);
	} else {
		char *rip = describe_address(s, regs->rip, false);
		printf("    RIP: %04" PRIx64 ":%s%s\n", regs->cs,
		       rip ? rip : "?",
		       panic_regs_user_mode(regs) ? "  (user mode)" : "");
		free(rip);
	}
	printf("--- backtrace (CPU %d) ---\n", f->cpu);
	fflush(stdout);
	err = report_backtrace(s, f->thread);
	if (err) {
		printf("    (no backtrace: %s)\n", err->message);
		lkdb_error_destroy(err);
	}
	printf("--- registers (%s) ---\n",
	       f->has_fault_regs ? "where it faulted" :
	       f->kind == PANIC_STOP_PANIC ? "at panic() entry" :
	       "at the stop");
	printf("    RIP: %04" PRIx64 ":%016" PRIx64 "\n", regs->cs, regs->rip);
	print_regs(regs);
	print_culprit_frame(s, f, regs);
	printf("--- last log lines ---\n");
	if (log)
		print_log_tail(log, reason == f->fallback ? NULL : reason);
	else
		printf("    (log not readable: %s)\n", log_err->message);
	printf("***\n");
	fflush(stdout);
	lkdb_error_destroy(log_err);
	printk_log_destroy(log);
}

/*
 * The stopped thread and its CPU (remote thread id - 1 on QEMU's stub).
 * *thread is the *stopped's thread-id; a stop that has none (a silent
 * breakpoint's after a CLI continue) is gdb's selected thread, which gdb
 * switched to the one that stopped.
 */
static void stop_thread_cpu(struct lkdb_session *s, int *thread, int *cpu)
{
	*cpu = -1;
	struct gdb_thread *threads;
	size_t n;
	struct lkdb_error *err = task_lookup_threads(s, &threads, &n);
	if (err) {
		lkdb_note(s, "report: threads: %s", err->message);
		lkdb_error_destroy(err);
		return;
	}
	for (size_t i = 0; i < n && *thread < 0; i++) {
		if (threads[i].current)
			*thread = threads[i].num;
	}
	for (size_t i = 0; i < n; i++) {
		if (threads[i].num == *thread)
			*cpu = (int)threads[i].tid - 1;
	}
	free(threads);
}

bool panic_stops_repeated(struct lkdb_session *s,
			  const struct mi_output *stopped)
{
	struct panic_stops *p = s->panic_stops;
	if (!p || !p->last_valid ||
	    breakpoint_stop_index(s->gdb, stopped, p->numbers, p->addrs,
				  p->nr_bps) < 0)
		return false;
	int thread = stopped_thread(s, stopped);
	struct x86_64_regs regs;
	struct lkdb_error *err = gdb_target_thread_regs(s->gdb, thread, &regs);
	bool same = !err && thread == p->last_thread &&
		    !memcmp(&regs, &p->last_regs, sizeof(regs));
	lkdb_error_destroy(err);
	/* Once: a CPU that really stops there again is reported. */
	if (same)
		p->last_valid = false;
	if (same && s->options->timing)
		fprintf(stderr, "lkdb: timing: the guest stopped again where it was (gdb's step over the breakpoint did not move it); continuing\n");
	return same;
}

/*
 * Stopped at panic()'s entry: run it until its message is in the log (a
 * one-shot breakpoint on the first function it calls after logging).
 */
static void run_panic_to_message(struct lkdb_session *s,
				 struct stop_facts *f)
{
	const struct panic_symbols *syms = &s->panic_stops->syms;
	if (!syms->after_message)
		return;
	int temp;
	struct lkdb_error *err = breakpoint_insert(
		s->gdb, syms->after_message + s->kernel.kaslr_offset,
		BREAK_HARDWARE | BREAK_TEMPORARY | BREAK_SILENT,
		&temp);
	struct mi_output *stopped = NULL;
	double deadline = lkdb_now_seconds() + PANIC_MESSAGE_TIMEOUT_MS / 1000.0;
	/* Again when the stop repeats panic()'s entry (panic_stops_repeated). */
	for (int tries = 0; !err && tries < 2; tries++) {
		err = exec_continue(s);
		int left = (int)((deadline - lkdb_now_seconds()) * 1000);
		if (!err)
			err = lkdb_session_next_stop(s, left > 0 ? left : 1,
						     &stopped);
		if (err || !stopped || !panic_stops_repeated(s, stopped))
			break;
		mi_output_destroy(stopped);
		stopped = NULL;
	}
	if (!err && !stopped) {
		/* Not there in time: stop it where it is and report. */
		struct gdb_call_result r;
		err = gdb_driver_call(s->gdb, GDB_CALL_QUIET, MI_TIMEOUT_MS,
				      "-exec-interrupt", NULL, 0, &r);
		if (!err)
			gdb_call_result_deinit(&r);
		if (!err)
			err = lkdb_session_next_stop(s, MI_TIMEOUT_MS, &stopped);
	}
	if (stopped) {
		if (stopped_breakpoint(stopped) != temp)
			breakpoint_delete(s->gdb, temp);
		int thread = stopped_thread(s, stopped);
		if (thread > 0)
			f->thread = thread;
		mi_output_destroy(stopped);
	}
	f->t_message = lkdb_now_seconds();
	if (err) {
		lkdb_note(s, "report: panic() did not reach %s: %s",
			  syms->after_message_name, err->message);
		lkdb_error_destroy(err);
	}
}

bool panic_stops_on_stop(struct lkdb_session *s,
			 const struct mi_output *stopped)
{
	struct panic_stops *p = s->panic_stops;
	int which = p ? breakpoint_stop_index(s->gdb, stopped, p->numbers,
					      p->addrs, p->nr_bps) : -1;
	if (which < 0)
		return false;
	struct stop_facts f = {
		.kind = p->kinds[which],
		.thread = stopped_thread(s, stopped),
		.t_stop = lkdb_now_seconds(),
	};
	stop_thread_cpu(s, &f.thread, &f.cpu);
	struct lkdb_error *err = gdb_target_thread_regs(s->gdb, f.thread,
							&f.cpu_regs);
	if (err) {
		lkdb_note(s, "report: registers: %s", err->message);
		lkdb_error_destroy(err);
	}
	p->last_valid = !err;
	p->last_thread = f.thread;
	p->last_regs = f.cpu_regs;
	struct kernel_memory_reader mem = *kernel_memory(lkdb_session_kernel(s));
	const struct x86_64_regs *r = &f.cpu_regs;
	switch (f.kind) {
	case PANIC_STOP_PANIC:
		err = mem.read(mem.context, r->rsp, &f.panic_return,
			       sizeof(f.panic_return));
		read_string(s, r->rdi, f.fallback, sizeof(f.fallback));
		run_panic_to_message(s, &f);
		break;
	case PANIC_STOP_OOPS: {
		/* __die(const char *str, struct pt_regs *regs, long err) */
		char str[64];
		read_string(s, r->rdi, str, sizeof(str));
		snprintf(f.fallback, sizeof(f.fallback), "Oops: %s", str);
		err = panic_read_pt_regs(&mem, r->rsi, &f.fault_regs);
		f.has_fault_regs = !err;
		break;
	}
	case PANIC_STOP_WARN: {
		/* __warn(file, line, caller, taint, struct pt_regs *, args) */
		char file[192];
		read_string(s, r->rdi, file, sizeof(file));
		snprintf(f.fallback, sizeof(f.fallback), "WARNING: at %s:%d",
			 file[0] ? file : "?", (int)r->rsi);
		if (r->r8) {
			err = panic_read_pt_regs(&mem, r->r8, &f.fault_regs);
			f.has_fault_regs = !err;
		}
		break;
	}
	}
	if (err) {
		lkdb_note(s, "report: %s", err->message);
		lkdb_error_destroy(err);
	}
	if (s->attached)
		print_report(s, &f);
	if (s->options->timing) {
		double end = lkdb_now_seconds();
		if (f.t_message)
			fprintf(stderr, "lkdb: timing: %s report printed %.3f s after the stop (%.3f s of it running panic() to its message, %.3f s building the report)\n",
				panic_stop_kind_name(f.kind), end - f.t_stop,
				f.t_message - f.t_stop, end - f.t_message);
		else
			fprintf(stderr, "lkdb: timing: %s report printed %.3f s after the stop\n",
				panic_stop_kind_name(f.kind), end - f.t_stop);
	}
	return true;
}

struct lkdb_error *panic_stops_continue_and_wait(struct lkdb_session *s)
{
	struct lkdb_error *err = exec_continue(s);
	if (err)
		return err;
	if (s->options->timing && s->t_kernel_seen)
		fprintf(stderr, "lkdb: timing: panic stops armed and the guest running %.3f s after its kernel was seen starting\n",
			lkdb_now_seconds() - s->t_kernel_seen);
	lkdb_note(s, "the guest runs; waiting for a panic or oops (Ctrl-C stops it)");
	struct mi_output *stopped = NULL;
	err = lkdb_session_wait_stop(s, &stopped);
	if (err)
		return err;
	if (!panic_stops_on_stop(s, stopped)) {
		const char *reason = mi_value_string(stopped->results,
						     "reason");
		lkdb_note(s, "the guest stopped (%s)",
			  reason && !strcmp(reason, "signal-received") ?
			  "interrupted" : reason ? reason : "no reason given");
	}
	mi_output_destroy(stopped);
	return NULL;
}
