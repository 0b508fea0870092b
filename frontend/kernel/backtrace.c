// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/kernel/backtrace.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/dumps/dump.h"
#include "frontend/kernel/address_arg.h"
#include "kernel-helpers/memory/slabobj.h"
#include "kernel-helpers/tasks/tasks.h"
#include "kernel-helpers/x86_64/eframes.h"
#include "frontend/target/gdb_target.h"
#include "common/json.h"
#include "kernel-helpers/core/ktypes.h"
#include "frontend/kernel/module_names.h"
#include "kernel-helpers/symbols/symbolize.h"
#include "kernel-helpers/tasks/kdump.h"
#include "kernel-helpers/tasks/waits.h"
#include "frontend/kernel/task_lookup.h"
#include "kernel-helpers/x86_64/unwind.h"
#include "frontend/terminal/output.h"

struct backtrace_env {
	struct lkdb_session *s;
	struct ktypes *types;
	struct kernel_memory_reader mem;
	struct unwinder *unwinder;
	struct module_names *modules;
	/* -F's word names; its modules are env's own (set, never freed). */
	struct address_arg_context names;
	/* Running tasks' stacks: the CPUs read once (env_cpus). */
	struct percpu_cpus *cpus;
	struct lkdb_error *cpus_err;
};

/* The CPUs for the IRQ and kdump stacks; the first read's error stays. */
static struct lkdb_error *env_cpus(struct backtrace_env *env,
				   const struct percpu_cpus **ret)
{
	if (!env->cpus && !env->cpus_err)
		env->cpus_err = kernel_read_cpus(lkdb_session_kernel(env->s),
						 &env->cpus);
	*ret = env->cpus;
	return env->cpus_err ? lkdb_error_create(env->cpus_err->code, "%s",
						 env->cpus_err->message) :
			       NULL;
}

static void env_free(struct backtrace_env *env)
{
	if (!env)
		return;
	module_names_destroy(env->modules);
	unwinder_destroy(env->unwinder);
	percpu_cpus_destroy(env->cpus);
	lkdb_error_destroy(env->cpus_err);
	free(env);
}

void backtrace_env_destroy(struct backtrace_env *env)
{
	if (env && env != env->s->lent_bt_env)
		env_free(env);
}

void backtrace_env_end_loan(struct lkdb_session *s)
{
	env_free(s->lent_bt_env);
	s->lent_bt_env = NULL;
}

struct lkdb_error *backtrace_env_create(struct lkdb_session *s,
					struct backtrace_env **ret)
{
	if (s->lent_bt_env) {
		*ret = s->lent_bt_env;
		return NULL;
	}
	struct backtrace_env *env = calloc(1, sizeof(*env));
	if (!env)
		return &lkdb_error_oom;
	env->s = s;
	struct lkdb_error *err = kernel_types(&s->kernel, &env->types);
	if (!err)
		err = s->kernel.arch->unwinder_create(s->kernel.vmlinux, env->types, s->kernel.kaslr_offset,
				      &env->unwinder);
	if (!err)
		err = module_names_create(s, "bt", &env->modules);
	if (err) {
		env_free(env);
		return err;
	}
	env->mem = *kernel_memory(lkdb_session_kernel(s));
	env->names = (struct address_arg_context){ .s = s, .cmd = "bt",
						   .modules = env->modules };
	/* Modules' ORC tables: their frames unwind like the kernel's. */
	const struct kmodule_list *list = module_names_list(env->modules);
	for (size_t i = 0; list && i < list->nr_modules; i++) {
		const struct kmodule *m = &list->modules[i];
		err = unwinder_add_module(env->unwinder, &env->mem, env->types,
					  m->name, m->addr, m->text_base,
					  m->text_base + m->core_size);
		if (err) {
			lkdb_warn("bt", "%s", err->message);
			lkdb_error_destroy(err);
		}
	}
	if (s->lent_tasks)
		s->lent_bt_env = env;
	*ret = env;
	return NULL;
}

char *backtrace_symbol(struct backtrace_env *env, uint64_t addr)
{
	struct code_name n;
	module_names_name(env->modules, addr, false, &n);
	return code_name_format(&n, addr);
}

char *backtrace_data_name(struct backtrace_env *env, uint64_t addr)
{
	struct code_name n;
	module_names_name(env->modules, addr, false, &n);
	if (!n.function || (n.size && n.offset >= n.size))
		return NULL;
	char off[24] = "";
	if (n.offset)
		snprintf(off, sizeof(off), "+0x%" PRIx64, n.offset);
	char *s;
	if (asprintf(&s, "%s%s%s%s%s", n.function, off, n.module ? " [" : "",
		     n.module ? n.module : "", n.module ? "]" : "") < 0)
		return NULL;
	return s;
}

/* A frame's name: where its CPU is, or the call before a return address. */
static void frame_name(struct backtrace_env *env, const struct unwind_frame *f,
		       struct code_name *n)
{
	module_names_name(env->modules, f->ip, !f->exact, n);
}

/* Source lines of a frame, innermost first. */
static void frame_source(struct backtrace_env *env,
			 const struct unwind_frame *f,
			 struct symbolize_frame **frames, size_t *nr)
{
	module_names_lines(env->modules, f->ip, f->exact, frames, nr);
}

/* crash's -l lines: "    FILE: LINE", inlined calls first. */
static void print_lines(struct backtrace_env *env, uint64_t addr, bool exact,
			FILE *out)
{
	struct symbolize_frame *src;
	size_t nr;
	module_names_lines(env->modules, addr, exact, &src, &nr);
	for (size_t k = 0; k < nr; k++) {
		if (src[k].file)
			fprintf(out, "    %s: %u%s\n", src[k].file, src[k].line,
				k + 1 < nr ? "  (inlined)" : "");
	}
	symbolize_frames_free(src, nr);
}

static void json_lines(const struct symbolize_frame *src, size_t nr,
		       FILE *out)
{
	fputs("\"source\": [", out);
	for (size_t k = 0; k < nr; k++) {
		fputs(k ? ", {\"file\": " : "{\"file\": ", out);
		if (src[k].file)
			json_write_string(out, src[k].file);
		else
			fputs("null", out);
		fprintf(out, ", \"line\": %u}", src[k].line);
	}
	fputc(']', out);
}

static void print_regs(FILE *out, const struct x86_64_regs *r, bool partial)
{
	fprintf(out, "    RIP: %016" PRIx64 "  RSP: %016" PRIx64
		"  RFLAGS: %08" PRIx64 "\n", r->rip, r->rsp, r->eflags);
	if (partial) {
		fprintf(out, "    CS: %04" PRIx64 "  SS: %04" PRIx64
			"  (an iret frame: other registers not saved)\n",
			r->cs, r->ss);
		return;
	}
	fprintf(out, "    RAX: %016" PRIx64 "  RBX: %016" PRIx64
		"  RCX: %016" PRIx64 "\n", r->rax, r->rbx, r->rcx);
	fprintf(out, "    RDX: %016" PRIx64 "  RSI: %016" PRIx64
		"  RDI: %016" PRIx64 "\n", r->rdx, r->rsi, r->rdi);
	fprintf(out, "    RBP: %016" PRIx64 "   R8: %016" PRIx64
		"   R9: %016" PRIx64 "\n", r->rbp, r->r8, r->r9);
	fprintf(out, "    R10: %016" PRIx64 "  R11: %016" PRIx64
		"  R12: %016" PRIx64 "\n", r->r10, r->r11, r->r12);
	fprintf(out, "    R13: %016" PRIx64 "  R14: %016" PRIx64
		"  R15: %016" PRIx64 "\n", r->r13, r->r14, r->r15);
	fprintf(out, "    ORIG_RAX: %016" PRIx64 "  CS: %04" PRIx64
		"  SS: %04" PRIx64 "\n", r->orig_rax, r->cs, r->ss);
}

static void json_regs(FILE *out, const struct x86_64_regs *r, bool partial)
{
	/* struct pt_regs order; an iret frame has the last five only. */
	const struct {
		const char *name;
		uint64_t value;
	} regs[] = {
		{ "r15", r->r15 }, { "r14", r->r14 }, { "r13", r->r13 },
		{ "r12", r->r12 }, { "rbp", r->rbp }, { "rbx", r->rbx },
		{ "r11", r->r11 }, { "r10", r->r10 }, { "r9", r->r9 },
		{ "r8", r->r8 }, { "rax", r->rax }, { "rcx", r->rcx },
		{ "rdx", r->rdx }, { "rsi", r->rsi }, { "rdi", r->rdi },
		{ "orig_rax", r->orig_rax }, { "rip", r->rip }, { "cs", r->cs },
		{ "eflags", r->eflags }, { "rsp", r->rsp }, { "ss", r->ss },
	};
	size_t n = sizeof(regs) / sizeof(regs[0]);
	fputc('{', out);
	for (size_t i = partial ? n - 5 : 0; i < n; i++)
		fprintf(out, "%s\"%s\": \"0x%" PRIx64 "\"",
			i == (partial ? n - 5 : 0) ? "" : ", ", regs[i].name,
			regs[i].value);
	fputc('}', out);
}

/*
 * A frame an exception interrupted is shown as crash does: as the
 * "[exception RIP: ...]" line of the frame that saved the registers, not
 * as a frame of its own.
 */
/*
 * The exception stack a walk began on (kdump's NMI stack), so that the
 * move off it is marked as crash marks it.
 */
struct exception_stack {
	uint64_t lo, hi;	/* [lo, hi); 0, 0: none */
	const char *name;	/* "NMI" */
	/*
	 * The IRQ stack of the CPU the task runs on (0, 0: none known):
	 * crash marks the move off it with "--- <IRQ stack> ---" after its
	 * last frame there, wherever the walk began.
	 */
	uint64_t irq_lo, irq_hi;
};

static bool on_stack(const struct exception_stack *x, uint64_t sp)
{
	return x && x->hi && sp >= x->lo && sp < x->hi;
}

static bool on_irq_stack(const struct exception_stack *x, uint64_t sp)
{
	return x && x->irq_hi && sp >= x->irq_lo && sp < x->irq_hi;
}

/* Whether frame i is the last on the IRQ stack before other frames. */
static bool leaves_irq_stack(const struct unwind_trace *t, size_t i,
			     const struct exception_stack *x)
{
	return on_irq_stack(x, t->frames[i].sp) && i + 1 < t->nr_frames &&
	       !on_irq_stack(x, t->frames[i + 1].sp);
}

/*
 * Whether frame i, an exception frame on x, hands over to code on another
 * stack: crash prints "--- <NMI exception stack> ---" there, and the
 * interrupted function as a frame of its own.
 */
static bool leaves_stack(const struct unwind_trace *t, size_t i,
			 const struct exception_stack *x)
{
	return t->frames[i].has_regs && on_stack(x, t->frames[i].sp) &&
	       i + 1 < t->nr_frames && !on_stack(x, t->frames[i + 1].sp);
}

static bool interrupted(const struct unwind_trace *t, size_t i,
			const struct exception_stack *x)
{
	return i > 0 && t->frames[i - 1].has_regs && !t->frames[i - 1].user &&
	       t->frames[i].exact && !leaves_stack(t, i - 1, x);
}

/*
 * Whether the marker goes after printed frame i: it is the last frame on
 * the IRQ stack, or the exception frame whose interrupted function (not
 * printed: its [exception RIP]) is.
 */
static bool marks_irq_exit(const struct unwind_trace *t, size_t i,
			   const struct exception_stack *x)
{
	return leaves_irq_stack(t, i, x) ||
	       (i + 1 < t->nr_frames && interrupted(t, i + 1, x) &&
		leaves_irq_stack(t, i + 1, x));
}

/* A frame's stack is read for -f up to this many bytes. */
#define FRAME_WORDS_MAX 8192

/*
 * crash's bt -f: the stack words from just above the previous frame's
 * return address (from) to this frame's (to), both included, two a line.
 */
/* A stack word as crash's bt -F shows it (format_stack_entry()). */
static void print_word(struct backtrace_env *env, uint64_t v,
		       unsigned int symbolic, FILE *out)
{
	char name[256];
	if (symbolic && address_arg_word_name(&env->names, v, name, sizeof(name))) {
		fprintf(out, "%-16s ", name);
		return;
	}
	struct kernel_slab_object o;
	bool is_slab = false;
	struct lkdb_error *err =
		symbolic ? kernel_slab_object(lkdb_session_kernel(env->s), v,
					      &is_slab, &o) :
			   NULL;
	lkdb_error_destroy(err);
	if (!err && is_slab) {
		if (symbolic > 1)
			snprintf(name, sizeof(name), "[%" PRIx64 ":%s]", v,
				 o.cache_name);
		else
			snprintf(name, sizeof(name), "[%s]", o.cache_name);
		fprintf(out, "%-16s ", name);
		return;
	}
	fprintf(out, "%016" PRIx64 " ", v);
}

static void print_words(struct backtrace_env *env, uint64_t from, uint64_t to,
			unsigned int symbolic, FILE *out)
{
	if (!from || to < from || to - from >= FRAME_WORDS_MAX)
		return;
	size_t n = (size_t)((to - from) / 8 + 1);
	uint64_t buf[FRAME_WORDS_MAX / 8 + 1];
	struct lkdb_error *err = env->mem.read(env->mem.context, from, buf, n * 8);
	if (err) {
		fprintf(out, "    [stack at %016" PRIx64 " unreadable: %s]\n", from,
			err->message);
		lkdb_error_destroy(err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(i & 1))
			fprintf(out, "%s    %" PRIx64 ": ", i ? "\n" : "", from + i * 8);
		print_word(env, buf[i], symbolic, out);
	}
	fputc('\n', out);
}

static void print_text(struct backtrace_env *env,
		       const struct unwind_trace *t,
		       const struct exception_stack *x,
		       const struct backtrace_options *o, FILE *out)
{
	unsigned int level = 0;
	uint64_t frameptr = 0;
	for (size_t i = 0; i < t->nr_frames; i++) {
		const struct unwind_frame *f = &t->frames[i];
		if (interrupted(t, i, x))
			continue;
		if (o->words) {
			print_words(env, frameptr, f->sp, o->symbolic, out);
			/*
			 * After a kernel exception frame, as crash: its
			 * pt_regs and the interrupted function's words, up
			 * to the next frame's return address; not after a
			 * user one (the stack ends) or a change of stack.
			 */
			frameptr = (f->has_regs && (f->user || leaves_stack(t, i, x))) ||
						   marks_irq_exit(t, i, x) ?
					   0 : f->sp + 8;
		}
		struct code_name n;
		frame_name(env, f, &n);
		fprintf(out, "%s#%u [%016" PRIx64 "] %s at %016" PRIx64 "%s%s%s\n",
			level < 10 ? " " : "", level, f->sp,
			n.function ? n.function : "(unknown)", f->ip,
			n.module ? " [" : "", n.module ? n.module : "",
			n.module ? "]" : "");
		level++;
		if (f->scanned)
			fputs("    [no unwind data here: the caller was found by scanning the stack]\n",
			      out);
		if (o->lines)
			print_lines(env, f->ip, f->exact, out);
		if (!f->has_regs) {
			if (leaves_irq_stack(t, i, x))
				fputs("--- <IRQ stack> ---\n", out);
			continue;
		}
		if (!f->user) {
			char *rip = backtrace_symbol(env, f->regs.rip);
			fprintf(out, "    [exception RIP: %s]\n",
				rip ? rip : "?");
			free(rip);
			/* The faulting line: where the CPU was. */
			if (o->lines)
				print_lines(env, f->regs.rip, true, out);
		}
		print_regs(out, &f->regs, f->partial);
		if (leaves_stack(t, i, x))
			fprintf(out, "--- <%s exception stack> ---\n", x->name);
		else if (marks_irq_exit(t, i, x))
			fputs("--- <IRQ stack> ---\n", out);
	}
	if (t->stop_reason)
		fprintf(out, "    [the walk stopped: %s]\n", t->stop_reason);
}

static void print_json_frames(struct backtrace_env *env,
			      const struct unwind_trace *t,
			      const struct exception_stack *x, FILE *out)
{
	fputs("\"frames\": [", out);
	unsigned int level = 0;
	for (size_t i = 0; i < t->nr_frames; i++) {
		const struct unwind_frame *f = &t->frames[i];
		if (interrupted(t, i, x))
			continue;
		struct code_name n;
		frame_name(env, f, &n);
		fprintf(out, "%s{\"level\": %u, \"sp\": \"0x%" PRIx64
			"\", \"ip\": \"0x%" PRIx64 "\", \"function\": ",
			level ? ", " : "", level, f->sp, f->ip);
		level++;
		if (n.function)
			json_write_string(out, n.function);
		else
			fputs("null", out);
		fprintf(out, ", \"offset\": %" PRIu64 ", \"size\": %" PRIu64 ", \"scanned\": %s, \"leaves_irq_stack\": %s, \"module\": ",
			n.offset, n.size, f->scanned ? "true" : "false",
			marks_irq_exit(t, i, x) ? "true" : "false");
		if (n.module)
			json_write_string(out, n.module);
		else
			fputs("null", out);
		struct symbolize_frame *src;
		size_t nr;
		frame_source(env, f, &src, &nr);
		fputs(", ", out);
		json_lines(src, nr, out);
		symbolize_frames_free(src, nr);
		fputs(", \"exception\": ", out);
		if (f->has_regs) {
			fprintf(out, "{\"user\": %s, \"partial\": %s, \"rip\": ",
				f->user ? "true" : "false",
				f->partial ? "true" : "false");
			char *rip = f->user ? NULL :
					      backtrace_symbol(env, f->regs.rip);
			if (rip)
				json_write_string(out, rip);
			else
				fputs("null", out);
			free(rip);
			/* The faulting line, as bt -l shows it. */
			src = NULL;
			nr = 0;
			if (!f->user)
				module_names_lines(env->modules, f->regs.rip,
						   true, &src, &nr);
			fputs(", ", out);
			json_lines(src, nr, out);
			symbolize_frames_free(src, nr);
			fputs(", \"regs\": ", out);
			json_regs(out, &f->regs, f->partial);
			fputs(", \"exception_stack\": ", out);
			if (leaves_stack(t, i, x))
				json_write_string(out, x->name);
			else
				fputs("null", out);
			fputc('}', out);
		} else {
			fputs("null", out);
		}
		fputc('}', out);
	}
	fputs("], \"stopped\": ", out);
	if (t->stop_reason)
		json_write_string(out, t->stop_reason);
	else
		fputs("null", out);
}

static struct lkdb_error *walk(struct backtrace_env *env,
			       const struct x86_64_regs *regs, bool exact,
			       struct unwind_trace *ret)
{
	return unwind_stack(env->unwinder, &env->mem, regs, exact, ret);
}

struct lkdb_error *backtrace_regs(struct backtrace_env *env,
				  const struct x86_64_regs *regs, bool exact,
				  const struct backtrace_options *o,
				  FILE *out)
{
	struct unwind_trace t;
	struct lkdb_error *err = walk(env, regs, exact, &t);
	if (err)
		return err;
	if (o->json) {
		fputc('{', out);
		print_json_frames(env, &t, NULL, out);
		fputs("}\n", out);
	} else {
		print_text(env, &t, NULL, o, out);
	}
	unwind_trace_deinit(&t);
	return NULL;
}

/* The registers of the CPU t runs on. */
static struct lkdb_error *cpu_regs(struct backtrace_env *env,
				   const struct task_info *t,
				   struct x86_64_regs *regs)
{
	struct lkdb_session *s = env->s;
	if (s->dump)
		return dump_cpu_regs(s->dump, (unsigned int)t->cpu, regs);
	struct lkdb_error *err = lkdb_session_need_gdb(s);
	if (err)
		return err;
	struct gdb_thread *threads;
	size_t n;
	err = task_lookup_threads(s, &threads, &n);
	if (err)
		return err;
	int num = task_lookup_thread_num(threads, n, t->cpu + 1);
	free(threads);
	if (num < 0)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "gdb has no thread for CPU %d", t->cpu);
	return gdb_target_thread_regs(s->gdb, num, regs);
}

/*
 * A dump kdump wrote: its notes hold the registers at the fault (the
 * panicking CPU) or where the crash NMI interrupted a CPU; the walk begins
 * where kdump stopped the CPU instead (kernel-helpers/tasks/kdump.h), so
 * that it shows crash_kexec and the exception frame, or the NMI stack.
 * False (the note's registers stand) for any other dump.
 */
static bool kdump_regs(struct backtrace_env *env, const struct task_info *t,
		       struct x86_64_regs *regs, struct exception_stack *x,
		       struct kernel_kdump_start *ks_ret)
{
	struct kernel_kdump_start ks;
	const struct percpu_cpus *cpus;
	struct lkdb_error *err = env_cpus(env, &cpus);
	if (!err)
		err = kernel_kdump_start(lkdb_session_kernel(env->s), cpus,
					 (unsigned int)t->cpu, t->task, &ks);
	if (err) {
		if (err->code != LKDB_ERROR_NOT_FOUND)
			lkdb_warn("bt", "PID %" PRId32 ": kdump's frames not looked for: %s",
				  t->pid, err->message);
		lkdb_error_destroy(err);
		return false;
	}
	/*
	 * rbp stays the note's: __crash_kexec saved it as its caller left it
	 * (panic()'s frame is rbp-based), and an exception frame further up
	 * gives every register anew.
	 */
	uint64_t rbp = regs->rbp;
	memset(regs, 0, sizeof(*regs));
	regs->rbp = rbp;
	regs->rip = ks.ip;
	regs->rsp = ks.sp;
	regs->cs = 0x10;	/* __KERNEL_CS */
	/* The IRQ stack is marked where the walk leaves it, not as NMI's. */
	if (ks.stack_hi && !strcmp(ks.stack_name, "IRQ")) {
		x->irq_lo = ks.stack_lo;
		x->irq_hi = ks.stack_hi;
	} else if (ks.stack_hi) {
		x->lo = ks.stack_lo;
		x->hi = ks.stack_hi;
		x->name = ks.stack_name;
	}
	*ks_ret = ks;
	return true;
}

/*
 * machine_kexec's frame, which crash shows first, put before trace's
 * first frame (__crash_kexec's) when a walk from machine_kexec's return
 * address leads exactly there.  Nothing changes otherwise.
 */
static void add_machine_kexec(struct backtrace_env *env,
			      const struct kernel_kdump_start *ks,
			      const struct x86_64_regs *start,
			      struct unwind_trace *trace)
{
	if (!ks->below_ip || !trace->nr_frames)
		return;
	struct x86_64_regs regs = *start;
	regs.rip = ks->below_ip;
	regs.rsp = ks->below_sp;
	struct unwind_trace below;
	struct lkdb_error *err = walk(env, &regs, false, &below);
	if (err) {
		lkdb_error_destroy(err);
		return;
	}
	if (below.nr_frames >= 2 && below.frames[1].ip == ks->ip &&
	    below.frames[1].sp == ks->sp - 8) {
		struct unwind_frame *f = realloc(trace->frames,
						 (trace->nr_frames + 1) * sizeof(*f));
		if (f) {
			memmove(f + 1, f, trace->nr_frames * sizeof(*f));
			f[0] = below.frames[0];
			f[0].sp = ks->below_sp - 8;
			trace->frames = f;
			trace->nr_frames++;
		}
	}
	unwind_trace_deinit(&below);
}

/*
 * Task t's walk: a running task from its CPU's registers (where kdump
 * stopped it, in a kdump dump), a sleeping one from those __switch_to_asm
 * saved; *sp_ret (may be NULL) the stack pointer it started from; *x the
 * exception stack it began on (none: zeroed).
 */
static struct lkdb_error *task_trace(struct backtrace_env *env,
				     const struct task_info *t,
				     struct unwind_trace *trace, uint64_t *sp_ret,
				     struct exception_stack *x)
{
	struct x86_64_regs regs;
	bool on_cpu = t->running && t->cpu >= 0;
	memset(x, 0, sizeof(*x));
	struct lkdb_error *err = on_cpu ? cpu_regs(env, t, &regs) :
					  task_lookup_sleeping_regs(env->s, t, &regs);
	if (err)
		return lkdb_error_prefix(err, "PID %" PRId32, t->pid);
	/* A return address, not where the CPU was: not exact. */
	bool exact = on_cpu;
	struct kernel_kdump_start ks = { 0 };
	if (on_cpu && env->s->dump && kdump_regs(env, t, &regs, x, &ks))
		exact = false;
	/* A running task may be in an interrupt: its CPU's IRQ stack. */
	uint64_t lo, hi;
	const struct percpu_cpus *cpus;
	if (on_cpu && !x->irq_hi) {
		struct lkdb_error *e = env_cpus(env, &cpus);
		if (!e)
			e = kernel_cpu_irq_stack(lkdb_session_kernel(env->s),
						 cpus, (unsigned int)t->cpu,
						 &lo, &hi);
		if (!e) {
			x->irq_lo = lo;
			x->irq_hi = hi;
		}
		lkdb_error_destroy(e);
	}
	if (sp_ret)
		*sp_ret = regs.rsp;
	err = walk(env, &regs, exact, trace);
	if (!err && !exact && on_cpu && trace->nr_frames) {
		/* As crash shows it: where the found return address lies. */
		trace->frames[0].sp -= 8;
		add_machine_kexec(env, &ks, &regs, trace);
	}
	return err;
}

struct lkdb_error *backtrace_task_wait(struct backtrace_env *env,
				      const struct task_info *t,
				      struct backtrace_wait *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct backtrace_frames f;
	struct lkdb_error *err = backtrace_task_frames(env, t, &f);
	if (err)
		return err;
	enum kernel_wait_kind kind = KERNEL_WAIT_NONE;
	size_t k = 0;
	for (; k < f.nr; k++) {
		const char *fn = f.functions[k];
		if (!fn)
			break;
		enum kernel_wait_kind fk = kernel_wait_kind_of(fn);
		if (fk == KERNEL_WAIT_NONE && !kernel_wait_is_scheduler(fn))
			break;
		if (kind == KERNEL_WAIT_NONE)
			kind = fk;
	}
	if (k < f.nr && f.functions[k]) {
		ret->in_function = f.functions[k];
		ret->in_module = f.modules[k];
	}
	/* Not a known blocking function: a wait queue, if one holds it. */
	bool guess = kind == KERNEL_WAIT_NONE && !t->running;
	err = kernel_read_wait(lkdb_session_kernel(env->s), t->task, f.sp,
			       guess ? KERNEL_WAIT_QUEUE : kind, &ret->wait);
	if (err)
		err = lkdb_error_prefix(err, "PID %" PRId32, t->pid);
	if (guess && !ret->wait.object)
		ret->wait.kind = KERNEL_WAIT_NONE;
	backtrace_frames_free(&f);
	return err;
}

/* A task's JSON object as far as its command: {pid, task, cpu, command */
static void json_task_head(FILE *out, const struct task_info *t)
{
	char comm[17];
	task_lookup_safe_comm(t->comm, comm);
	fprintf(out, "{\"pid\": %" PRId32 ", \"task\": \"0x%" PRIx64
		"\", \"cpu\": ", t->pid, t->task);
	if (t->cpu >= 0)
		fprintf(out, "%d", t->cpu);
	else
		fputs("null", out);
	fputs(", \"command\": ", out);
	json_write_string(out, comm);
}

static bool is_text(void *ctx, uint64_t addr)
{
	/* ORC covers the vmlinux's text and every loaded module's. */
	return unwinder_covers(ctx, addr);
}

/* crash's bt -e: the exception frames on t's stack. */
static struct lkdb_error *task_eframes(struct backtrace_env *env,
				       const struct task_info *t,
				       const struct backtrace_options *o,
				       FILE *out)
{
	uint64_t base, size;
	struct x86_64_eframe *frames;
	size_t nr;
	struct lkdb_error *err = kernel_task_stack(lkdb_session_kernel(env->s),
						   t->task, &base, &size);
	if (!err)
		err = x86_64_find_eframes(&env->mem, base, base + size, is_text,
					  env->unwinder, &frames, &nr);
	if (err)
		return lkdb_error_prefix(err, "PID %" PRId32, t->pid);
	if (o->json) {
		json_task_head(out, t);
		fputs(", \"exception_frames\": [", out);
	} else {
		task_lookup_print_header(out, t);
	}
	for (size_t i = 0; i < nr; i++) {
		const struct x86_64_eframe *f = &frames[i];
		char rip[256] = "";
		if (!f->user && !address_arg_word_name(&env->names, f->regs.rip,
							rip, sizeof(rip)))
			snprintf(rip, sizeof(rip), "0x%" PRIx64, f->regs.rip);
		if (o->json) {
			fprintf(out, "%s{\"address\": \"0x%" PRIx64 "\", \"user\": %s, \"rip\": ",
				i ? ", " : "", f->addr, f->user ? "true" : "false");
			if (f->user)
				fputs("null", out);
			else
				json_write_string(out, rip);
			fputs(", \"regs\": ", out);
			json_regs(out, &f->regs, false);
			fputc('}', out);
			continue;
		}
		fprintf(out, "\n  %s-MODE EXCEPTION FRAME AT: %" PRIx64 "\n",
			f->user ? "USER" : "KERNEL", f->addr);
		if (!f->user)
			fprintf(out, "    [exception RIP: %s]\n", rip);
		print_regs(out, &f->regs, false);
	}
	if (o->json)
		fputs("]}\n", out);
	free(frames);
	return NULL;
}

struct lkdb_error *backtrace_task(struct backtrace_env *env,
				  const struct task_info *t,
				  const struct backtrace_options *o,
				  FILE *out)
{
	if (o->eframes)
		return task_eframes(env, t, o, out);
	struct unwind_trace trace;
	struct exception_stack x;
	struct lkdb_error *err = task_trace(env, t, &trace, NULL, &x);
	if (err)
		return err;
	if (o->json) {
		json_task_head(out, t);
		fputs(", ", out);
		print_json_frames(env, &trace, &x, out);
		fputs("}\n", out);
	} else {
		task_lookup_print_header(out, t);
		print_text(env, &trace, &x, o, out);
	}
	unwind_trace_deinit(&trace);
	return NULL;
}

struct lkdb_error *backtrace_task_frames(struct backtrace_env *env,
					 const struct task_info *t,
					 struct backtrace_frames *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct unwind_trace trace;
	struct exception_stack x;
	struct lkdb_error *err = task_trace(env, t, &trace, &ret->sp, &x);
	if (err)
		return err;
	size_t n = trace.nr_frames ? trace.nr_frames : 1;
	ret->functions = calloc(n, sizeof(*ret->functions));
	ret->modules = calloc(n, sizeof(*ret->modules));
	ret->ips = calloc(n, sizeof(*ret->ips));
	if (!ret->functions || !ret->modules || !ret->ips) {
		unwind_trace_deinit(&trace);
		backtrace_frames_free(ret);
		return &lkdb_error_oom;
	}
	for (size_t i = 0; i < trace.nr_frames; i++) {
		struct code_name name;
		frame_name(env, &trace.frames[i], &name);
		ret->functions[i] = name.function;
		ret->modules[i] = name.module;
		ret->ips[i] = trace.frames[i].ip;
	}
	ret->nr = trace.nr_frames;
	unwind_trace_deinit(&trace);
	return NULL;
}

void backtrace_frames_free(struct backtrace_frames *f)
{
	free(f->functions);
	free(f->modules);
	free(f->ips);
	memset(f, 0, sizeof(*f));
}
