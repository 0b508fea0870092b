// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Panic stops: breakpoints on panic(), __die() and the reports --stop-on
 * asks for (__warn(), and the sites of panic_stop_sites(): soft lockup,
 * hung task, RCU stall, OOM kill; a debug kernel's KASAN, KFENCE, UBSAN
 * and lockdep by default), and the report of a stop: reason, CPU, task,
 * faulting (or guilty) frame, backtrace, registers, the stacks a detector
 * recorded and the last log lines.
 *
 * Hardware breakpoints (gdb's hbreak, the stub's Z1): QEMU never writes
 * them into guest memory, so a breakpoint cannot be left behind in the
 * kernel's text if lkdb or gdb dies, and they do not depend on gdb reading
 * the (KASLR-moved) text first.  Under TCG QEMU has no limit on them;
 * under KVM they take x86's 4 debug registers: panic, __die and the
 * one-shot stop after the panic message leave room for one --stop-on kind,
 * and a debug kernel's default stops are dropped when the stub refuses
 * them at the resume (shed_default_stops()).
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
#include "frontend/kernel/module_names.h"
#include "kernel-helpers/decode/panic.h"
#include "kernel-helpers/log/logparse.h"
#include "kernel-helpers/tasks/runq.h"
#include "kernel-helpers/log/printk.h"
#include "kernel-helpers/memory/meminfo.h"
#include "frontend/live/source_tree.h"
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
/* Stops on the way to it that are not the message (see run_panic_to_message). */
#define PANIC_MESSAGE_TRIES 8
#define MI_TIMEOUT_MS 10000

#define PANIC_STOPS_MAX (4 + PANIC_STOP_NR_KINDS)

struct panic_stops {
	struct panic_symbols syms;
	/* gdb's numbers of lkdb's breakpoints, their addresses and kinds */
	int numbers[PANIC_STOPS_MAX];
	uint64_t addrs[PANIC_STOPS_MAX];
	enum panic_stop_kind kinds[PANIC_STOPS_MAX];
	/* --stop-on's: where it is, and its callers (NULL: panic, __die) */
	const struct panic_stop_site *sites[PANIC_STOPS_MAX];
	size_t nr_bps;
	/* The --stop-on kinds armed (1u << kind); sites may share a bp. */
	unsigned int enabled;
	/* Those of them --stop-on asked for (the others are defaults). */
	unsigned int asked;
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

/* name, or the compiler's copy of it (panic_site_symbol()). */
static bool symbol_exists(const struct vmlinux *vm, const char *name)
{
	uint64_t addr;
	char found[256];
	struct lkdb_error *err = panic_site_symbol(vm, name, &addr, found,
						   sizeof(found));
	lkdb_error_destroy(err);
	return !err;
}

/* A breakpoint at the entry of the function at link address addr. */
static struct lkdb_error *arm_one(struct lkdb_session *s,
				  struct panic_stops *p, uint64_t addr,
				  enum panic_stop_kind kind,
				  const struct panic_stop_site *site)
{
	if (p->nr_bps >= PANIC_STOPS_MAX)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "more than %d panic stops",
					 PANIC_STOPS_MAX);
	/* Silent: the report tells of the stop, not gdb. */
	uint64_t at = addr + s->kernel.kaslr_offset;
	struct lkdb_error *err = breakpoint_insert(
		s->gdb, at, BREAK_HARDWARE | BREAK_SILENT,
		&p->numbers[p->nr_bps]);
	if (err)
		return lkdb_error_prefix(err,
					 "cannot put a breakpoint on the kernel's %s path",
					 panic_stop_kind_name(kind));
	p->addrs[p->nr_bps] = at;
	p->kinds[p->nr_bps] = kind;
	p->sites[p->nr_bps] = site;
	p->nr_bps++;
	return NULL;
}

struct lkdb_error *panic_stops_arm(struct lkdb_session *s)
{
	if (s->panic_stops)
		return NULL;
	struct panic_stops *p = calloc(1, sizeof(*p));
	if (!p)
		return &lkdb_error_oom;
	panic_symbols_lookup(s->kernel.vmlinux, &p->syms);
	s->panic_stops = p;
	const struct {
		uint64_t addr;
		enum panic_stop_kind kind;
		const char *name;
	} always[] = {
		{ p->syms.panic, PANIC_STOP_PANIC, "panic" },
		{ p->syms.die, PANIC_STOP_OOPS, "__die" },
	};
	for (size_t i = 0; i < 2 && p->syms.die_inlined[i]; i++) {
		struct lkdb_error *err = arm_one(s, p, p->syms.die_inlined[i],
						 PANIC_STOP_OOPS, NULL);
		if (err)
			return err;
	}
	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
		if (!always[i].addr) {
			lkdb_note(s, "warning: %s has no %s symbol: no stop on a kernel %s",
				  vmlinux_path(s->kernel.vmlinux), always[i].name,
				  panic_stop_kind_name(always[i].kind));
			continue;
		}
		struct lkdb_error *err = arm_one(s, p, always[i].addr,
						 always[i].kind, NULL);
		if (err)
			return err;
	}
	size_t nr;
	const struct panic_stop_site *sites = panic_stop_sites(&nr);
	for (size_t i = 0; i < nr; i++) {
		unsigned int bit = 1u << sites[i].kind;
		bool asked = s->options->stop_on & bit;
		if (!(asked || sites[i].by_default) ||
		    (s->options->stop_off & bit))
			continue;
		if (sites[i].requires &&
		    !symbol_exists(s->kernel.vmlinux, sites[i].requires)) {
			/* No such detector in this kernel: said when asked. */
			if (asked)
				lkdb_note(s, "warning: %s has no %s symbol (the kernel is built without it): no stop on a %s",
					  vmlinux_path(s->kernel.vmlinux),
					  sites[i].requires,
					  panic_stop_kind_name(sites[i].kind));
			continue;
		}
		p->enabled |= bit;
		if (asked)
			p->asked |= bit;
		/* One breakpoint for the sites that share a function. */
		bool shared = false;
		for (size_t j = 0; j < p->nr_bps; j++)
			shared |= p->sites[j] &&
				  !strcmp(p->sites[j]->function, sites[i].function);
		if (shared)
			continue;
		uint64_t addr = 0;
		char found[256];
		struct lkdb_error *err = panic_site_symbol(s->kernel.vmlinux,
							   sites[i].function,
							   &addr, found,
							   sizeof(found));
		if (!err && strcmp(found, sites[i].function) && s->options->timing)
			fprintf(stderr, "lkdb: timing: the %s stop is on %s (the compiler's copy of %s)\n",
				sites[i].option, found, sites[i].function);
		if (err) {
			if (asked)
				lkdb_note(s, "warning: %s has no %s symbol: no stop on a kernel %s",
					  vmlinux_path(s->kernel.vmlinux),
					  sites[i].function,
					  panic_stop_kind_name(sites[i].kind));
			lkdb_error_destroy(err);
			p->enabled &= ~bit;
			continue;
		}
		err = arm_one(s, p, addr, sites[i].kind, &sites[i]);
		if (err && !asked) {
			/* A default stop is never worth failing for (KVM's
			 * registers are refused later, at the resume:
			 * shed_default_stops()). */
			lkdb_note(s, "warning: no stop on a %s: %s (--no-stop-on %s leaves its register to the others)",
				  panic_stop_kind_name(sites[i].kind),
				  err->message, sites[i].option);
			lkdb_error_destroy(err);
			p->enabled &= ~bit;
			continue;
		}
		if (err)
			return err;
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

/*
 * Under KVM the stub refuses, at the resume, more hardware breakpoints
 * than x86's 4 debug registers (gdb inserts them only then): drop the
 * breakpoints that serve default stops alone (a debug kernel's
 * detectors), say so, and *shed_ret says whether any went.
 */
static void shed_default_stops(struct lkdb_session *s, bool *shed_ret)
{
	struct panic_stops *p = s->panic_stops;
	*shed_ret = false;
	if (!p)
		return;
	char kinds[160] = "";
	size_t kept = 0;
	for (size_t i = 0; i < p->nr_bps; i++) {
		const struct panic_stop_site *site = p->sites[i];
		bool asked = !site;
		size_t nr;
		const struct panic_stop_site *all = panic_stop_sites(&nr);
		for (size_t j = 0; site && j < nr; j++) {
			if (!strcmp(all[j].function, site->function) &&
			    (p->asked & (1u << all[j].kind)))
				asked = true;
		}
		if (asked) {
			p->numbers[kept] = p->numbers[i];
			p->addrs[kept] = p->addrs[i];
			p->kinds[kept] = p->kinds[i];
			p->sites[kept++] = site;
			continue;
		}
		breakpoint_delete(s->gdb, p->numbers[i]);
		for (size_t j = 0; j < nr; j++) {
			unsigned int bit = 1u << all[j].kind;
			if (strcmp(all[j].function, site->function) ||
			    !(p->enabled & bit))
				continue;
			p->enabled &= ~bit;
			if (kinds[0])
				strncat(kinds, ",", sizeof(kinds) - strlen(kinds) - 1);
			strncat(kinds, all[j].option, sizeof(kinds) - strlen(kinds) - 1);
		}
		*shed_ret = true;
	}
	p->nr_bps = kept;
	if (*shed_ret)
		lkdb_note(s, "warning: the target refused lkdb's hardware breakpoints (KVM has 4 debug registers): no default stops on %s (--no-stop-on %s says so at the start)",
			  kinds, kinds);
}

static struct lkdb_error *exec_continue(struct lkdb_session *s)
{
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_call_ok(s->gdb, GDB_CALL_QUIET,
						    MI_TIMEOUT_MS,
						    "-exec-continue", NULL, 0,
						    &r);
	bool shed = false;
	if (err && strstr(err->message, "hardware breakpoint"))
		shed_default_stops(s, &shed);
	if (shed) {
		lkdb_error_destroy(err);
		err = gdb_driver_call_ok(s->gdb, GDB_CALL_QUIET, MI_TIMEOUT_MS,
					 "-exec-continue", NULL, 0, &r);
	}
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
	/*
	 * The task the report is about when it is not the CPU's: a hung
	 * task's blocked task (its backtrace is shown), an OOM kill's victim.
	 */
	uint64_t task;
	/*
	 * A detector's report (KASAN, KFENCE, UBSAN, lockdep): the first
	 * frame of the reporting task outside the reporting machinery
	 * (panic_reporting_function()); exact: where the CPU was (past an
	 * exception), else a return address.  0: not found.
	 */
	uint64_t guilty_pc;
	bool guilty_exact;
	/* Why there is none (static text, or in guilty_why_buf). */
	const char *guilty_why;
	char guilty_why_buf[160];
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
static char *describe_address_in(struct lkdb_session *s,
				 struct module_names *given, uint64_t addr,
				 bool return_address, bool outer_line,
				 char **file_ret, unsigned int *line_ret)
{
	struct module_names *mn = given;
	struct lkdb_error *err = mn ? NULL :
		module_names_create(s, "report", &mn);
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
	else if (outer_line && nr > 1 && lines[0].file && lines[nr - 1].file)
		/* The function's own line too: a call inlined there (kmalloc). */
		len = asprintf(&text, "%s  %s:%u (inlined into %s:%u)", name,
			       lines[0].file, lines[0].line, lines[nr - 1].file,
			       lines[nr - 1].line);
	else if (nr && lines[0].file)
		len = asprintf(&text, "%s  %s:%u", name, lines[0].file,
			       lines[0].line);
	else if (n.module)
		len = asprintf(&text, "%s  (no source line: no object file for %s; mod -s %s FILE, or --module-path DIR)",
			       name, n.module, n.module);
	else
		len = asprintf(&text, "%s", name);
	/* The source shown: the function's own line with outer_line. */
	size_t src = outer_line && nr > 1 && lines[nr - 1].file ? nr - 1 : 0;
	if (nr && lines[src].file && lines[src].line && file_ret) {
		*file_ret = strdup(lines[src].file);
		*line_ret = lines[src].line;
	}
	symbolize_frames_free(lines, nr);
	free(name);
	if (!given)
		module_names_destroy(mn);
	return len < 0 ? NULL : text;
}

static char *describe_address(struct lkdb_session *s, uint64_t addr,
			      bool return_address, char **file_ret,
			      unsigned int *line_ret)
{
	return describe_address_in(s, NULL, addr, return_address, false,
				   file_ret, line_ret);
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

static void print_everyone(struct lkdb_session *s, const char *heading);

/* A debug kernel's detector: KASAN, KFENCE, UBSAN, lockdep, SLUB's checks. */
static bool detector_kind(enum panic_stop_kind kind)
{
	return kind == PANIC_STOP_KASAN || kind == PANIC_STOP_KFENCE ||
	       kind == PANIC_STOP_UBSAN || kind == PANIC_STOP_LOCKDEP ||
	       kind == PANIC_STOP_SLAB;
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
		      f->guilty_pc ? f->guilty_pc :
		      f->has_fault_regs && !panic_regs_user_mode(regs) ?
		      regs->rip : 0;
	if (!pc)
		return;
	char *frame = NULL;
	struct lkdb_error *err = stop_frame_select(s, f->thread, pc,
						   detector_kind(f->kind), &frame);
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

/* The culprit's line with two lines around it, '>' marking it. */
#define SOURCE_CONTEXT 2
static void print_source(struct lkdb_session *s, const char *file,
			 unsigned int line)
{
	char *path = NULL;
	/* The tree (perhaps unpacked now) only for a file not there itself. */
	FILE *f = source_tree_open(NULL, file, &path);
	if (!f) {
		const char *dir = source_tree_dir(s);
		f = source_tree_open(dir, file, &path);
		/* gdb's list looks there too from now on (--source: already). */
		if (f && dir && !s->options->source_dir && !s->source_told) {
			s->source_told = true;
			struct lkdb_error *err =
				lkdb_session_source_directory(s, dir, true);
			if (err)
				lkdb_note(s, "report: gdb's directory %s: %s", dir,
					  err->message);
			lkdb_error_destroy(err);
		}
	}
	if (!f) {
		if (s->options->source_dir)
			printf("--- source ---\n    (no source for %s under %s)\n",
			       file, s->options->source_dir);
		else
			printf("--- source ---\n    (no source for %s: give the tree with --source DIR)\n",
			       file);
		return;
	}
	printf("--- source (%s) ---\n", path);
	char *text = NULL;
	size_t cap = 0;
	unsigned int n = 0;
	unsigned int first = line > SOURCE_CONTEXT ? line - SOURCE_CONTEXT : 1;
	while (n < line + SOURCE_CONTEXT && getline(&text, &cap, f) >= 0) {
		if (++n < first)
			continue;
		text[strcspn(text, "\n")] = '\0';
		printf("  %c %5u  %s\n", n == line ? '>' : ' ', n, text);
	}
	if (n < line)
		printf("    (%s has %u lines, not %u: not the source this kernel was built from?)\n",
		       path, n, line);
	free(text);
	free(path);
	fclose(f);
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

/* A hung task's wait, as the hang view shows it (one line). */
static void print_wait(struct lkdb_session *s, struct backtrace_env *env,
		       const struct task_list *tasks, const struct task_info *t)
{
	struct backtrace_wait w;
	struct lkdb_error *err = backtrace_task_wait(env, t, &w);
	if (err) {
		lkdb_note(s, "report: %s", err->message);
		lkdb_error_destroy(err);
	}
	printf("    waits");
	if (w.in_function)
		printf(" in %s%s%s%s", w.in_function, w.in_module ? " [" : "",
		       w.in_module ? w.in_module : "", w.in_module ? "]" : "");
	printf(" on: %s", w.wait.kind == KERNEL_WAIT_NONE ? "nothing known" :
	       kernel_wait_kind_name(w.wait.kind));
	if (w.wait.object)
		printf(" 0x%016" PRIx64, w.wait.object);
	const struct task_info *o = task_list_find(tasks, w.wait.owner);
	if (o) {
		char comm[17];
		task_lookup_safe_comm(o->comm, comm);
		printf(", %s %s (pid %" PRId32 ")",
		       w.wait.readers ? "held by readers, the last" : "held by",
		       comm, o->pid);
	}
	printf("  (hang: every blocked task's chain)\n");
}

/*
 * An OOM stop: the memory summary, kmem -i's figures (meminfo.h) in kB,
 * as the kernel's own report starts with its Mem-Info.
 */
static void print_memory_summary(struct lkdb_session *s)
{
	struct kernel_meminfo m;
	struct lkdb_error *err = kernel_read_meminfo(lkdb_session_kernel(s), &m);
	if (err) {
		printf("    memory: (not readable: %s)\n", err->message);
		lkdb_error_destroy(err);
		return;
	}
	uint64_t kb = m.page_size / 1024;
	printf("    memory:");
	if (m.have_total)
		printf(" total %" PRIu64 " kB", m.total * kb);
	if (m.have_free && m.have_total && m.total)
		printf(", free %" PRIu64 " kB (%" PRIu64 "%%)", m.free * kb,
		       m.free * 100 / m.total);
	else if (m.have_free)
		printf(", free %" PRIu64 " kB", m.free * kb);
	if (m.have_cached)
		printf(", cached %" PRIu64 " kB", m.cached * kb);
	if (m.have_slab)
		printf(", slab %" PRIu64 " kB", m.slab * kb);
	if (m.have_swap)
		printf(", swap %" PRIu64 " of %" PRIu64 " kB free",
		       m.swap_free * kb, m.swap_total * kb);
	if (m.have_commit)
		printf(", committed %" PRIu64 " kB", m.committed * kb);
	printf("  (kmem -i)\n");
	for (size_t i = 0; i < m.nr_warnings; i++)
		lkdb_note(s, "report: memory: %s", m.warnings[i]);
	kernel_meminfo_deinit(&m);
}

/* An OOM stop: the five tasks with the largest RSS, as the kernel's list. */
#define REPORT_LARGEST_TASKS 5
static void print_largest_tasks(const struct task_list *tasks,
				uint64_t page_kb)
{
	const struct task_info *top[REPORT_LARGEST_TASKS] = { 0 };
	for (size_t i = 0; i < tasks->nr_tasks; i++) {
		const struct task_info *t = &tasks->tasks[i];
		if (!t->mm_known || !t->leader || t->kernel_thread)
			continue;
		for (size_t j = 0; j < REPORT_LARGEST_TASKS; j++) {
			if (top[j] && top[j]->rss_pages >= t->rss_pages)
				continue;
			memmove(&top[j + 1], &top[j],
				(REPORT_LARGEST_TASKS - 1 - j) * sizeof(top[0]));
			top[j] = t;
			break;
		}
	}
	if (!top[0]) {
		printf("    (no task's RSS is known)\n");
		return;
	}
	printf("    largest tasks by RSS:\n");
	for (size_t j = 0; j < REPORT_LARGEST_TASKS && top[j]; j++) {
		char comm[17];
		task_lookup_safe_comm(top[j]->comm, comm);
		printf("      %7" PRId32 "  %-16s %10" PRIu64 " kB\n", top[j]->pid,
		       comm, top[j]->rss_pages * page_kb);
	}
}

/* ---- a detector's report: KASAN, KFENCE, UBSAN, lockdep ---- */

/* A function name in a log line, at most (the kernel's KSYM_NAME_LEN). */
#define LOG_FUNCTION_MAX 512

/*
 * The guilty frame of task t, the reporting task (see stop_facts): the
 * first frame whose function is not the reporting machinery.  A frame
 * right after an exception entry (asm_exc_*) is where the CPU was.
 */
static void find_guilty(struct lkdb_session *s, const struct task_info *t,
			struct stop_facts *f)
{
	struct backtrace_env *env = NULL;
	struct backtrace_frames fr;
	struct lkdb_error *err = backtrace_env_create(s, &env);
	if (!err)
		err = backtrace_task_frames(env, t, &fr);
	if (err) {
		snprintf(f->guilty_why_buf, sizeof(f->guilty_why_buf),
			 "no backtrace: %s", err->message);
		f->guilty_why = f->guilty_why_buf;
		lkdb_error_destroy(err);
		backtrace_env_destroy(env);
		return;
	}
	f->guilty_why = "every frame is the reporting code's";
	for (size_t i = 0; i < fr.nr; i++) {
		if (!fr.functions[i] || panic_reporting_function(fr.functions[i]))
			continue;
		f->guilty_pc = fr.ips[i];
		f->guilty_exact = i > 0 && fr.functions[i - 1] &&
				  !strncmp(fr.functions[i - 1], "asm_exc_", 8);
		break;
	}
	backtrace_frames_free(&fr);
	backtrace_env_destroy(env);
}

/*
 * A line of a detector's report that starts a stack the detector
 * recorded: KASAN's "Allocated by task N:", "Freed by task N:", "Last
 * potentially related work creation:", KFENCE's "allocated by task N on
 * cpu C at T:", SLUB's "Allocated in FUNC+OFF/SIZE age=A cpu=C pid=P",
 * lockdep's chain entries "-> #N (class){...}-{...}:".
 */
static bool recorded_stack_header(const char *p, size_t len)
{
	/* SLUB's tracks: "Allocated in FUNC+0x../0x.. age=N cpu=C pid=P" */
	static const char alloc[] = "Allocated in ", freed[] = "Freed in ";
	if ((len > strlen(alloc) && !memcmp(p, alloc, strlen(alloc))) ||
	    (len > strlen(freed) && !memcmp(p, freed, strlen(freed))))
		return memmem(p, len, " pid=", 5) != NULL;
	if (len < 2 || p[len - 1] != ':')
		return false;
	return memmem(p, len, " by task ", 9) ||
	       memmem(p, len, "potentially related", 19) ||
	       (len > 4 && !memcmp(p, "-> #", 4));
}

/* The run-time address of a log frame line's function+offset; 0: none. */
static uint64_t log_frame_address(struct lkdb_session *s,
				  struct module_names *mn, const char *line,
				  const struct logline *l)
{
	char name[LOG_FUNCTION_MAX];
	if (!l->func.len || l->func.len >= sizeof(name))
		return 0;
	memcpy(name, line + l->func.start, l->func.len);
	name[l->func.len] = '\0';
	if (l->module.len) {
		const struct kmodule *m = NULL;
		const struct modsym *sym = mn ? module_names_find(mn, name, &m) :
					   NULL;
		/* The symbol of the module the line names, not a namesake. */
		if (!sym || !m || strlen(m->name) != l->module.len ||
		    memcmp(m->name, line + l->module.start, l->module.len))
			return 0;
		return sym->value + l->offset;
	}
	uint64_t addr;
	struct lkdb_error *err = vmlinux_symbol(s->kernel.vmlinux, name, &addr,
						NULL);
	if (err) {
		lkdb_error_destroy(err);
		return 0;
	}
	return addr + s->kernel.kaslr_offset + l->offset;
}

/*
 * The stacks the detector recorded and printed in its report (from the
 * reason's record on): each with its frames named and their source lines
 * (return addresses: the line of the call), as decode_stacktrace.sh would
 * print them.  A lockdep chain entry shows the first frame that is not
 * lockdep's or the lock's own: where the lock was taken.
 */
#define RECORDED_FRAMES_MAX 64
static void print_recorded_stacks(struct lkdb_session *s,
				  const struct printk_log *log,
				  const char *reason, enum panic_stop_kind kind)
{
	size_t first = log->nr_records;
	for (size_t i = 0; reason && i < log->nr_records; i++) {
		const struct printk_record *r = &log->records[i];
		if (reason >= r->text && reason < r->text + r->text_len)
			first = i;
	}
	struct module_names *mn = NULL;
	struct lkdb_error *err = module_names_create(s, "report", &mn);
	if (err) {
		lkdb_note(s, "report: modules: %s", err->message);
		lkdb_error_destroy(err);
	}
	bool in_stack = false, taken = false;
	size_t shown = 0;
	for (size_t i = first; i < log->nr_records; i++) {
		const struct printk_record *r = &log->records[i];
		const char *p = r->text, *end = r->text + r->text_len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
			const char *line = p;
			p = nl ? nl + 1 : end;
			while (len && (*line == ' ' || *line == '\t')) {
				line++;
				len--;
			}
			if (recorded_stack_header(line, len)) {
				printf("--- %.*s ---\n",
				       (int)(len - (line[len - 1] == ':')), line);
				in_stack = true;
				taken = false;
				shown = 0;
				continue;
			}
			if (!in_stack)
				continue;
			struct logline l;
			logline_parse(line, len, &l);
			if (l.kind != LOGLINE_FRAME) {
				in_stack = false;
				continue;
			}
			char fn[LOG_FUNCTION_MAX] = "";
			if (l.func.len < sizeof(fn)) {
				memcpy(fn, line + l.func.start, l.func.len);
				fn[l.func.len] = '\0';
			}
			if (kind == PANIC_STOP_LOCKDEP &&
			    (taken || panic_reporting_function(fn)))
				continue;
			if (shown++ >= RECORDED_FRAMES_MAX)
				continue;
			uint64_t addr = log_frame_address(s, mn, line, &l);
			char *text = addr ? describe_address_in(s, mn, addr, true,
								true, NULL, NULL) :
				     NULL;
			if (kind == PANIC_STOP_LOCKDEP) {
				if (text)
					printf("    taken at %s\n", text);
				else
					printf("    taken at %.*s  (not found in the kernel's symbols)\n",
					       (int)len, line);
				taken = true;
			} else if (text) {
				printf("    %s\n", text);
			} else {
				printf("    %.*s  (not found in the kernel's symbols)\n",
				       (int)len, line);
			}
			free(text);
		}
	}
	module_names_destroy(mn);
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
		[PANIC_STOP_SOFTLOCKUP] = "Soft lockup",
		[PANIC_STOP_HUNG_TASK] = "Hung task",
		[PANIC_STOP_RCU_STALL] = "RCU stall",
		[PANIC_STOP_OOM] = "Out of memory",
		[PANIC_STOP_KASAN] = "KASAN",
		[PANIC_STOP_KFENCE] = "KFENCE",
		[PANIC_STOP_UBSAN] = "UBSAN",
		[PANIC_STOP_LOCKDEP] = "lockdep",
		[PANIC_STOP_SLAB] = "Slab corruption",
	};
	fflush(stdout);
	printf("\n*** %s on CPU %d: %.*s\n", titles[f->kind], f->cpu,
	       (int)reason_len, reason);

	struct task_list *tasks = NULL;
	struct lkdb_error *err = task_lookup_read(s, "report", &tasks);
	const struct task_info *t = tasks && f->cpu >= 0 ?
		task_lookup_on_cpu(tasks, f->cpu) : NULL;
	const struct task_info *about = NULL;
	if (tasks && f->task) {
		char arg[24];
		snprintf(arg, sizeof(arg), "%" PRIx64, f->task);
		struct lkdb_error *e = task_lookup_find(tasks, arg, &about);
		if (e)
			printf("    (task 0x%016" PRIx64 ": %s)\n", f->task,
			       e->message);
		lkdb_error_destroy(e);
	}
	if (t) {
		char comm[17];
		task_lookup_safe_comm(t->comm, comm);
		printf("    task: %s (pid %" PRId32 ")  TASK: %016" PRIx64 "%s\n",
		       comm, t->pid, t->task,
		       f->kind == PANIC_STOP_HUNG_TASK ? "  (the hung-task check)" :
		       f->kind == PANIC_STOP_OOM ? "  (allocating)" : "");
	} else {
		printf("    task: unknown%s%s\n", err ? ": " : "",
		       err ? err->message : "");
	}
	if (about) {
		char comm[17];
		task_lookup_safe_comm(about->comm, comm);
		printf("    %s: %s (pid %" PRId32 ")  TASK: %016" PRIx64 "  %s\n",
		       f->kind == PANIC_STOP_OOM ? "victim" : "blocked",
		       comm, about->pid, about->task, about->state);
	}
	lkdb_error_destroy(err);
	if (detector_kind(f->kind) && t)
		find_guilty(s, t, f);
	else if (detector_kind(f->kind))
		f->guilty_why = "the CPU's task is not known";
	if (f->kind == PANIC_STOP_OOM)
		print_memory_summary(s);
	if (f->kind == PANIC_STOP_OOM && tasks)
		print_largest_tasks(tasks,
				    kernel_page_size(lkdb_session_kernel(s)) / 1024);

	/* A hung task's CPU runs the check: its stack says nothing. */
	bool blocked_shown = about && f->kind == PANIC_STOP_HUNG_TASK;
	if (blocked_shown) {
		/* The blocked task's own stack: where it waits. */
		printf("--- backtrace (blocked task, pid %" PRId32 ") ---\n",
		       about->pid);
		fflush(stdout);
		struct backtrace_env *env;
		err = backtrace_env_create(s, &env);
		if (!err) {
			struct backtrace_options o = { .lines = false };
			err = backtrace_task(env, about, &o, stdout);
			if (!err)
				print_wait(s, env, tasks, about);
			backtrace_env_destroy(env);
		}
		if (err) {
			printf("    (no backtrace: %s)\n", err->message);
			lkdb_error_destroy(err);
		}
	}
	task_lookup_release(s, tasks);

	const struct x86_64_regs *regs = f->has_fault_regs ? &f->fault_regs :
					 &f->cpu_regs;
	char *src_file = NULL;
	unsigned int src_line = 0;
	bool cpu_parts = !blocked_shown;
	if (cpu_parts && f->kind == PANIC_STOP_PANIC) {
		char *caller = describe_address(s, f->panic_return, true,
						&src_file, &src_line);
		printf("    panic() called from: %s\n",
		       caller ? caller : "?");
		free(caller);
	} else if (cpu_parts && detector_kind(f->kind)) {
		/* Its own line: a lock's or an allocator's inlined call is in it. */
		char *guilty = f->guilty_pc ?
			describe_address_in(s, NULL, f->guilty_pc,
					    !f->guilty_exact, true, &src_file,
					    &src_line) : NULL;
		if (guilty)
			printf("    guilty: %s\n", guilty);
		else
			printf("    guilty: none (%s)\n",
			       f->guilty_why ? f->guilty_why : "?");
		free(guilty);
	} else if (cpu_parts) {
		char *rip = describe_address(s, regs->rip, false,
					     panic_regs_user_mode(regs) ? NULL : &src_file,
					     &src_line);
		printf("    RIP: %04" PRIx64 ":%s%s\n", regs->cs,
		       rip ? rip : "?",
		       panic_regs_user_mode(regs) ? "  (user mode)" : "");
		free(rip);
	}
	if (cpu_parts) {
		printf("--- backtrace (CPU %d) ---\n", f->cpu);
		fflush(stdout);
		err = report_backtrace(s, f->thread);
		if (err) {
			printf("    (no backtrace: %s)\n", err->message);
			lkdb_error_destroy(err);
		}
		/* A detector's stop is in its own code: no fault's registers. */
		if (!detector_kind(f->kind)) {
			printf("--- registers (%s) ---\n",
			       f->kind == PANIC_STOP_SOFTLOCKUP && f->has_fault_regs ?
			       "where the CPU was stuck" :
			       f->has_fault_regs ? "where it faulted" :
			       f->kind == PANIC_STOP_PANIC ? "at panic() entry" :
			       "at the stop");
			printf("    RIP: %04" PRIx64 ":%016" PRIx64 "\n", regs->cs,
			       regs->rip);
			print_regs(regs);
		}
		print_culprit_frame(s, f, regs);
	}
	if (log && detector_kind(f->kind))
		print_recorded_stacks(s, log, reason == f->fallback ? NULL : reason,
				      f->kind);
	/*
	 * A watchdog's panic (softdog's "Software Watchdog Timer expired",
	 * a hard lockup's "Watchdog detected ..."): the panicking CPU runs
	 * the watchdog's timer; what every CPU was running says more.
	 */
	if (f->kind == PANIC_STOP_PANIC &&
	    memmem(reason, reason_len, "atchdog", 7))
		print_everyone(s, "what each CPU was running when the watchdog fired");
	if (src_file)
		print_source(s, src_file, src_line);
	free(src_file);
	printf("--- last log lines ---\n");
	/* A detector's whole report is above, decoded: only the last lines. */
	if (log)
		print_log_tail(log, reason == f->fallback || detector_kind(f->kind) ?
				    NULL : reason);
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

/*
 * The --stop-on site whose report hit breakpoint `which` (sites may share
 * its function): one whose callers hold the return address at the
 * function's entry and whose origin is the string rdi points to.  NULL:
 * none, the function was called for something else.  An unreadable stack
 * counts as the report (a stop too many rather than a report lost).
 */
static const struct panic_stop_site *stop_site(struct lkdb_session *s,
					       int which, int thread)
{
	struct panic_stops *p = s->panic_stops;
	const struct panic_stop_site *at = p->sites[which];
	struct x86_64_regs regs;
	uint64_t ret;
	struct kernel_memory_reader mem = *kernel_memory(lkdb_session_kernel(s));
	struct lkdb_error *err = gdb_target_thread_regs(s->gdb, thread, &regs);
	bool regs_known = !err;
	if (!err)
		err = mem.read(mem.context, regs.rsp, &ret, sizeof(ret));
	bool caller_known = !err;
	lkdb_error_destroy(err);
	const char *caller = NULL;
	struct vmlinux_symbol_info info;
	if (caller_known) {
		err = vmlinux_symbol_near(s->kernel.vmlinux,
					  ret - 1 - s->kernel.kaslr_offset,
					  &info, NULL);
		/* Not in the vmlinux (a module's code): no detector's. */
		if (!err)
			caller = info.name;
		lkdb_error_destroy(err);
	}
	char origin[24] = "";
	if (regs_known)
		read_string(s, regs.rdi, origin, sizeof(origin));
	/* Unreadable: unknown, as an unreadable caller is. */
	bool origin_known = origin[0] != '\0';
	size_t nr;
	const struct panic_stop_site *sites = panic_stop_sites(&nr);
	const struct panic_stop_site *match[PANIC_STOP_NR_KINDS];
	size_t nr_match = 0;
	for (size_t i = 0; i < nr && nr_match < PANIC_STOP_NR_KINDS; i++) {
		const struct panic_stop_site *site = &sites[i];
		if (strcmp(site->function, at->function) ||
		    !(p->enabled & (1u << site->kind)))
			continue;
		if (site->callers && caller_known &&
		    !panic_stop_caller_matches(site, caller))
			continue;
		if (site->origin && origin_known && strcmp(site->origin, origin))
			continue;
		match[nr_match++] = site;
	}
	if (nr_match <= 1)
		return nr_match ? match[0] : NULL;
	/*
	 * Told apart by nothing read (an unreadable caller or origin): the
	 * kind whose report's first line is in the log, else the first.
	 */
	struct printk_log *log = NULL;
	err = read_log(s, &log);
	lkdb_error_destroy(err);
	for (size_t i = 0; log && i < nr_match; i++) {
		const char *line;
		size_t len;
		err = panic_reason_in_log(log, match[i]->kind, &line, &len);
		lkdb_error_destroy(err);
		if (!err) {
			printk_log_destroy(log);
			return match[i];
		}
	}
	printk_log_destroy(log);
	return match[0];
}

bool panic_stops_not_a_report(struct lkdb_session *s,
			      const struct mi_output *stopped)
{
	struct panic_stops *p = s->panic_stops;
	int which = p ? breakpoint_stop_index(s->gdb, stopped, p->numbers,
					      p->addrs, p->nr_bps) : -1;
	if (which < 0 || !p->sites[which])
		return false;
	int thread = stopped_thread(s, stopped), cpu;
	stop_thread_cpu(s, &thread, &cpu);
	return !stop_site(s, which, thread);
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
	int temp = -1;
	struct lkdb_error *err = breakpoint_insert(
		s->gdb, syms->after_message + s->kernel.kaslr_offset,
		BREAK_HARDWARE | BREAK_TEMPORARY | BREAK_SILENT,
		&temp);
	bool inserted = !err;
	struct mi_output *stopped = NULL;
	double deadline = lkdb_now_seconds() + PANIC_MESSAGE_TIMEOUT_MS / 1000.0;
	/*
	 * Again when the stop repeats panic()'s entry (panic_stops_repeated)
	 * or is a --stop-on site's call that is no report (panic() calls
	 * dump_stack(), lockdep's site); at most PANIC_MESSAGE_TRIES times,
	 * the last such stop is where the report is made.
	 */
	for (int tries = 0; !err && tries < PANIC_MESSAGE_TRIES; tries++) {
		err = exec_continue(s);
		int left = (int)((deadline - lkdb_now_seconds()) * 1000);
		if (!err)
			err = lkdb_session_next_stop(s, left > 0 ? left : 1,
						     &stopped);
		if (err || !stopped || (!panic_stops_repeated(s, stopped) &&
					!panic_stops_not_a_report(s, stopped)) ||
		    tries == PANIC_MESSAGE_TRIES - 1)
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
	/* The one-shot breakpoint goes unless it was the stop (gdb's). */
	if (inserted && (!stopped || stopped_breakpoint(stopped) != temp))
		breakpoint_delete(s->gdb, temp);
	if (stopped) {
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

/* An OOM kill's victim (oc->chosen) and the title naming it. */
static struct lkdb_error *oom_victim(struct lkdb_session *s, uint64_t oc,
				     uint64_t message, struct stop_facts *f)
{
	char msg[64];
	read_string(s, message, msg, sizeof(msg));
	const char *what = msg[0] ? msg : "Out of memory";
	snprintf(f->fallback, sizeof(f->fallback), "%s: a task to kill chosen",
		 what);
	struct lkdb_error *err = panic_oom_victim(lkdb_session_kernel(s), oc,
						  &f->task);
	if (err || !f->task)
		return err;
	struct task_list *tasks = NULL;
	err = task_lookup_read(s, "report", &tasks);
	const struct task_info *v = tasks ? task_list_find(tasks, f->task) :
				    NULL;
	if (v) {
		char safe[17];
		task_lookup_safe_comm(v->comm, safe);
		snprintf(f->fallback, sizeof(f->fallback),
			 "%s: killing process %" PRId32 " (%s)", what, v->pid,
			 safe);
	} else if (!err) {
		err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					"the OOM victim 0x%" PRIx64 " is not in the task list",
					f->task);
	}
	task_lookup_release(s, tasks);
	return err;
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
	if (p->sites[which]) {
		const struct panic_stop_site *site = stop_site(s, which, f.thread);
		if (site)
			f.kind = site->kind;
	}
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
		/* __die(const char *str, struct pt_regs *regs, long err), or
		 * die()/die_addr() with __die inlined: the same three first. */
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
	case PANIC_STOP_SOFTLOCKUP:
		snprintf(f.fallback, sizeof(f.fallback),
			 "BUG: soft lockup - CPU#%d stuck", f.cpu);
		err = panic_irq_regs(lkdb_session_kernel(s), f.cpu, &f.fault_regs);
		f.has_fault_regs = !err;
		break;
	case PANIC_STOP_HUNG_TASK:
		/* sched_show_task(struct task_struct *p) */
		f.task = r->rdi;
		snprintf(f.fallback, sizeof(f.fallback),
			 "INFO: task 0x%" PRIx64 " blocked for too long", r->rdi);
		break;
	case PANIC_STOP_RCU_STALL:
		snprintf(f.fallback, sizeof(f.fallback),
			 "rcu: INFO: a CPU or task stalls the RCU grace period");
		break;
	case PANIC_STOP_OOM:
		/* oom_kill_process(struct oom_control *oc, const char *message) */
		err = oom_victim(s, r->rdi, r->rsi, &f);
		break;
	case PANIC_STOP_KASAN:
	case PANIC_STOP_KFENCE:
	case PANIC_STOP_UBSAN:
	case PANIC_STOP_LOCKDEP:
	case PANIC_STOP_SLAB:
		/* At the end of the report: its first line is the title. */
		snprintf(f.fallback, sizeof(f.fallback), "a %s",
			 panic_stop_kind_name(f.kind));
		break;
	case PANIC_STOP_NR_KINDS:
		break;
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

/* The top frames of a CPU's task in the Ctrl-C summary. */
#define SUMMARY_FRAMES 3
/* D-state tasks whose times the summary reads, at most. */
#define SUMMARY_D_TASKS 4096

static void summary_cpu(struct backtrace_env *env, const struct task_info *t,
			unsigned int cpu)
{
	char comm[17];
	task_lookup_safe_comm(t->comm, comm);
	printf("    CPU %u: %s (pid %" PRId32 ")", cpu, comm, t->pid);
	struct backtrace_frames f;
	struct lkdb_error *err = backtrace_task_frames(env, t, &f);
	if (err) {
		printf("  (no backtrace: %s)\n", err->message);
		lkdb_error_destroy(err);
		return;
	}
	for (size_t i = 0; i < f.nr && i < SUMMARY_FRAMES; i++) {
		printf("%s%s", i ? " <- " : "  ",
		       f.functions[i] ? f.functions[i] : "?");
		if (f.modules[i])
			printf(" [%s]", f.modules[i]);
	}
	printf("\n");
	backtrace_frames_free(&f);
}

/*
 * Each CPU's task and top frames, the D-state count and the longest
 * waiter, under the heading given (Ctrl-C's "where is everyone", a
 * watchdog's panic).
 */
static void print_everyone(struct lkdb_session *s, const char *heading)
{
	struct task_list *tasks = NULL;
	struct lkdb_error *err = task_lookup_read(s, "summary", &tasks);
	printf("--- %s ---\n", heading);
	if (err) {
		printf("    (no tasks: %s)\n", err->message);
		lkdb_error_destroy(err);
		task_lookup_release(s, tasks);
		fflush(stdout);
		return;
	}
	struct backtrace_env *env = NULL;
	err = backtrace_env_create(s, &env);
	for (unsigned int cpu = 0; !err && cpu < tasks->nr_cpus; cpu++) {
		const struct task_info *t = task_lookup_on_cpu(tasks, (int)cpu);
		if (t)
			summary_cpu(env, t, cpu);
	}
	if (err) {
		printf("    (no backtraces: %s)\n", err->message);
		lkdb_error_destroy(err);
	}
	backtrace_env_destroy(env);
	struct kernel *k = lkdb_session_kernel(s);
	uint64_t now = 0, longest = 0;
	const struct task_info *waiter = NULL;
	size_t nr_d = 0;
	err = kernel_sched_clock_now(k, &now);
	lkdb_error_destroy(err);
	for (size_t i = 0; i < tasks->nr_tasks; i++) {
		const struct task_info *t = &tasks->tasks[i];
		if (strcmp(t->state, "UN"))
			continue;
		if (nr_d++ >= SUMMARY_D_TASKS || !now)
			continue;
		struct task_times tt;
		err = kernel_read_task_times(k, t->task, &tt);
		if (!err && tt.have_last_arrival && tt.last_arrival <= now &&
		    (!waiter || now - tt.last_arrival > longest)) {
			waiter = t;
			longest = now - tt.last_arrival;
		}
		lkdb_error_destroy(err);
	}
	printf("    D state: %zu task%s", nr_d, nr_d == 1 ? "" : "s");
	if (waiter) {
		char comm[17];
		task_lookup_safe_comm(waiter->comm, comm);
		printf(", the longest %s (pid %" PRId32 ") last scheduled in %" PRIu64
		       ".%03" PRIu64 " s ago  (hang: what each waits on)",
		       comm, waiter->pid, longest / 1000000000,
		       longest / 1000000 % 1000);
	}
	printf("\n");
	fflush(stdout);
	task_lookup_release(s, tasks);
}

void panic_stops_interrupted(struct lkdb_session *s)
{
	lkdb_session_quiesce(s);
	print_everyone(s, "where is everyone");
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
		const char *signal = mi_value_string(stopped->results,
						     "signal-name");
		bool interrupted = reason && !strcmp(reason, "signal-received");
		bool ctrl_c = interrupted && signal && !strcmp(signal, "SIGINT");
		lkdb_note(s, "the guest stopped (%s)",
			  interrupted ? "interrupted" :
			  reason ? reason : "no reason given");
		if (ctrl_c && s->attached)
			panic_stops_interrupted(s);
	}
	mi_output_destroy(stopped);
	return NULL;
}
