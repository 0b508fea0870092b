/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by bt and task: the task list read from the target, a PID or task
 * address argument resolved to a task, and gdb's threads (CPUs).
 */
#ifndef LKDB_TASK_LOOKUP_H
#define LKDB_TASK_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend/core/commands.h"
#include "frontend/core/session.h"
#include "kernel-helpers/core/target.h"
#include "kernel-helpers/tasks/tasks.h"

/*
 * Read the task list (warnings go to stderr prefixed with "lkdb: CMD: "),
 * or take the one lent while foreach runs; either way give it back with
 * task_lookup_release().
 */
struct lkdb_error *task_lookup_read(struct lkdb_session *s, const char *cmd,
				    struct task_list **ret);
/* Free a list task_lookup_read() gave, unless it is the lent one. */
void task_lookup_release(struct lkdb_session *s, struct task_list *list);
/*
 * foreach: the commands it runs take list (not a copy) from
 * task_lookup_read() until task_lookup_lend(s, NULL); the caller frees it.
 * Each run would otherwise read every task again: at 5000 tasks that is
 * most of `foreach bt`'s time.
 */
void task_lookup_lend(struct lkdb_session *s, struct task_list *list);
/*
 * arg is a decimal PID or a task_struct address (hex, 0x optional).
 * One-line errors: "no task with PID N", "0x...: not a task address",
 * "\"zzz\" is not a PID or a task address".
 */
struct lkdb_error *task_lookup_find(const struct task_list *list,
				    const char *arg,
				    const struct task_info **ret);
/*
 * The tasks args name (PIDs or task addresses, nargs of them), or the
 * context task when nargs is 0: chosen has room for nargs (at least 1).
 * The list they point into is *list_ret, to release (also on error).
 */
struct lkdb_error *task_lookup_args(struct lkdb_session *s, const char *cmd,
				    const char *const *args, int nargs,
				    struct task_list **list_ret,
				    const struct task_info **chosen,
				    int *n_ret);
/*
 * Tab's candidates for a task argument: the PIDs that start with text, and
 * with comms the command names too; nothing printed (k NULL: none).
 */
void task_lookup_complete(struct kernel *k, const char *text, bool comms,
			  void (*add)(const char *word));
/* As a command's completer (lkdb_command.complete): PIDs; and names. */
bool task_lookup_complete_pids(const struct lkdb_command_context *ctx,
			       const char *text, void (*add)(const char *word));
bool task_lookup_complete_pids_comms(const struct lkdb_command_context *ctx,
				     const char *text,
				     void (*add)(const char *word));
/* The task running on cpu, or NULL. */
const struct task_info *task_lookup_on_cpu(const struct task_list *list,
					   int cpu);

/*
 * The context task: the one `task` chose last; else on a dump the task
 * that panicked (the one on panic_cpu; CPU 0's if none did), live the task
 * on the CPU of gdb's selected thread.
 */
struct lkdb_error *task_lookup_context(struct lkdb_session *s,
				       const struct task_list *list,
				       const struct task_info **ret);

/*
 * The context task's page tables (its mm's pgd), for a command that reads
 * user memory; a kernel thread's context is one error saying so.
 */
struct lkdb_error *task_lookup_user_tables(struct lkdb_session *s,
					   const char *cmd,
					   uint64_t *root_paddr_ret,
					   unsigned int *levels_ret);

/*
 * A sleeping task's registers: those __switch_to_asm saved.
 * task->thread.sp points at its struct inactive_task_frame (r15 r14 r13 r12
 * bx bp ret_addr on x86_64); after the switch back, rip is ret_addr (in
 * __schedule: a return address) and rsp is thread.sp +
 * sizeof(struct inactive_task_frame).
 */
struct lkdb_error *task_lookup_sleeping_regs(struct lkdb_session *s,
					     const struct task_info *t,
					     struct x86_64_regs *regs);

/* crash 8's header: PID: 57       TASK: ffff...  CPU: 1    COMMAND: "sleep" */
void task_lookup_print_header(FILE *out, const struct task_info *t);
/* comm with control bytes and '"' as '?', to be shown in quotes. */
void task_lookup_safe_comm(const char *comm, char out[17]);

/* gdb's threads: gdb's number and the remote thread id (CPU = tid - 1). */
struct gdb_thread {
	int num;
	long tid;
	bool current;
};
struct lkdb_error *task_lookup_threads(struct lkdb_session *s,
				       struct gdb_thread **ret, size_t *n_ret);
/* gdb's number of the thread with remote id tid, or -1. */
int task_lookup_thread_num(const struct gdb_thread *threads, size_t n,
			   long tid);
/* Run a CLI command showing nothing; ^error becomes LKDB_ERROR_GDB. */
struct lkdb_error *task_lookup_gdb_quiet(struct lkdb_session *s,
					 const char *command, char **console);

#endif
