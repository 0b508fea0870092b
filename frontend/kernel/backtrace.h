/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Backtraces as crash prints them, from lkdb's own ORC unwinder
 * (kernel-helpers/x86_64/unwind.h) over the session's memory: dumps and live
 * guests alike, sleeping tasks included, exception frames shown with their
 * registers, and the walk ended at the user-mode boundary with the user's
 * registers.  Used by bt and by the panic report.
 */
#ifndef LKDB_BACKTRACE_H
#define LKDB_BACKTRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "frontend/core/session.h"
#include "kernel-helpers/core/target.h"
#include "kernel-helpers/tasks/tasks.h"
#include "kernel-helpers/tasks/waits.h"

struct backtrace_options {
	bool lines;	/* source file:line under each frame (crash's -l) */
	bool words;	/* each frame's stack words (crash's -f) */
	/*
	 * With words, each as crash's -F names it: a kernel or module symbol
	 * (name+offset), else a slab object's cache ("[cache]"; 2, -FF:
	 * "[address:cache]"), else hex.
	 */
	unsigned int symbolic;
	/* crash's -e: the exception frames found on the stack, no walk. */
	bool eframes;
	bool json;	/* one JSON object instead of text */
};

/* What one or more backtraces share: tables, module symbols. */
struct backtrace_env;

/*
 * While foreach lends its task list (task_lookup_lend()), the first env
 * made is kept in the session and given to every later create, destroy
 * leaving it, until backtrace_env_end_loan(): the unwinder and the
 * modules' ORC tables are read once for `foreach bt`, not once a task.
 */
struct lkdb_error *backtrace_env_create(struct lkdb_session *s,
					struct backtrace_env **ret);
void backtrace_env_destroy(struct backtrace_env *env);
/* Free the env kept for foreach's runs, if any. */
void backtrace_env_end_loan(struct lkdb_session *s);

/*
 * The backtrace of task t: a running task from its CPU's registers (the
 * dump's notes, or gdb's vCPU), a sleeping one from the registers
 * __switch_to_asm saved (struct inactive_task_frame).  Prints crash's
 * header line first.
 */
struct lkdb_error *backtrace_task(struct backtrace_env *env,
				  const struct task_info *t,
				  const struct backtrace_options *o,
				  FILE *out);

/*
 * Task t's frames, innermost first, with each frame's function name
 * (functions[i], NULL where no symbol holds it; the strings live as long
 * as env) and the stack pointer it was walked from (*sp_ret: the saved
 * one of a sleeping task).  Free with backtrace_frames_free.
 */
struct backtrace_frames {
	const char **functions;
	const char **modules;	/* NULL: the vmlinux */
	uint64_t *ips;
	size_t nr;
	uint64_t sp;
};
struct lkdb_error *backtrace_task_frames(struct backtrace_env *env,
					 const struct task_info *t,
					 struct backtrace_frames *ret);
void backtrace_frames_free(struct backtrace_frames *f);

/*
 * What blocked task t waits on (kernel-helpers/tasks/waits.h): the kind
 * its backtrace's blocking function says, the object from the waiter on
 * its stack, and in_function/in_module, the first frame beyond the
 * blocking and scheduler functions (env's strings; NULL: unknown).  A
 * task in none of the known blocking functions waits on a wait queue if
 * one holds it, else on nothing known (KERNEL_WAIT_NONE).  An error of
 * the wait's reading comes back with what was found kept.
 */
struct backtrace_wait {
	struct kernel_wait wait;
	const char *in_function, *in_module;
};
struct lkdb_error *backtrace_task_wait(struct backtrace_env *env,
				      const struct task_info *t,
				      struct backtrace_wait *ret);

/*
 * The backtrace from a register set, e.g. an oops' struct pt_regs; exact:
 * regs->rip is where the CPU was, not a return address.  No header.
 */
struct lkdb_error *backtrace_regs(struct backtrace_env *env,
				  const struct x86_64_regs *regs, bool exact,
				  const struct backtrace_options *o,
				  FILE *out);

/*
 * "func+0x15/0x40 [module]" for a run-time address, as the kernel prints
 * it; "0x..." when no symbol is known.  Returns a malloc'd string (NULL
 * on OOM).
 */
char *backtrace_symbol(struct backtrace_env *env, uint64_t addr);

/*
 * A data address named by the symbol that holds it: "name [module]" or
 * "name+0x10 [module]"; NULL when no symbol does (or on OOM).  malloc'd.
 */
char *backtrace_data_name(struct backtrace_env *env, uint64_t addr);

#endif
