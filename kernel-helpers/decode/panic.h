/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Panic stops: where a kernel panics, oopses or warns, and what the report
 * of such a stop says.  Pure computation over the vmlinux's symbols, the
 * printk log and memory read through a kernel_memory_reader: the frontend
 * puts the breakpoints in and prints.
 *
 * The stops, found by symbol (x86_64):
 *  - panic(): every panic, including sysrq c and panic_on_oops.  Its
 *    message is formatted inside panic() and logged as "Kernel panic - not
 *    syncing: MSG" before panic() calls kgdb_panic() (CONFIG_KGDB) and
 *    __crash_kexec() (CONFIG_KEXEC_CORE): a stop on the first of those that
 *    exists reads the exact message from the log.
 *  - __die(const char *str, struct pt_regs *regs, long err): every oops on
 *    x86 -- page faults (page_fault_oops), BUG() and other traps (die()
 *    from do_trap), general protection faults -- comes through it before
 *    the "Oops:" header is printed; regs is the faulting context.
 *  - __warn(file, line, caller, taint, struct pt_regs *regs, args): WARN*
 *    (report_bug() for the ud2-based x86 WARN, warn_slowpath_fmt()), only
 *    with --break-on-warn (--stop-on warn).
 * The other reports (--stop-on KIND, panic_stop_sites()) have no function
 * of their own that every kernel keeps out of line: their code is inlined
 * into the detector, often in its .cold part.  Each is stopped at a
 * function the report calls, and only when that call comes from the
 * detector (the return address at the entry lies in it):
 *  - soft lockup: print_modules() from watchdog_timer_fn(), right after
 *    "BUG: soft lockup - CPU#N stuck for Ns!" and before the registers
 *    and stack; the stuck context is the CPU's __irq_regs (get_irq_regs());
 *  - hung task: sched_show_task(task) from khungtaskd's check
 *    (check_hung_task(), inlined into check_hung_uninterruptible_tasks()
 *    and watchdog() in 6.1), after "INFO: task NAME:PID blocked for more
 *    than N seconds."; rdi is the blocked task;
 *  - RCU stall: rcu_check_gp_kthread_starvation(), which only the two
 *    stall reports call (print_cpu_stall(), print_other_cpu_stall()),
 *    after their "rcu: INFO: ... stall ..." line and before the stacks;
 *  - OOM kill: oom_kill_process(struct oom_control *oc, message), before
 *    the kernel's report (dump_header()) and the kill; oc->chosen is the
 *    victim.
 */
#ifndef LKDB_PANIC_H
#define LKDB_PANIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/log/printk.h"
#include "kernel-helpers/core/target.h"

struct vmlinux;

enum panic_stop_kind {
	PANIC_STOP_PANIC,
	PANIC_STOP_OOPS,
	PANIC_STOP_WARN,
	PANIC_STOP_SOFTLOCKUP,
	PANIC_STOP_HUNG_TASK,
	PANIC_STOP_RCU_STALL,
	PANIC_STOP_OOM,
	PANIC_STOP_KASAN,
	PANIC_STOP_KFENCE,
	PANIC_STOP_UBSAN,
	PANIC_STOP_LOCKDEP,
	PANIC_STOP_SLAB,
	PANIC_STOP_NR_KINDS
};

/* Where the reports of --stop-on are stopped (above). */
struct panic_stop_site {
	enum panic_stop_kind kind;
	const char *option;	/* --stop-on's word */
	const char *function;	/* a breakpoint at its entry */
	/* The return address must lie in one of these; NULL: any caller. */
	const char *const *callers;
	/* The string rdi points to must be this; NULL: any. */
	const char *origin;
	/* Armed only where the vmlinux has this symbol (the detector). */
	const char *requires;
	/* On unless --no-stop-on names it (else: only when --stop-on does) */
	bool by_default;
};
/*
 * The sites, *nr_ret of them; warn's is __warn with any caller.  Several
 * sites may share a function (one breakpoint): check_panic_on_warn(origin)
 * ends the reports of KASAN, KFENCE and UBSAN (kernel/panic.c, since
 * 79cc1ba7badf "panic: Consolidate open-coded panic_on_warn checks", in
 * 6.1.y too), after their last line and before the kernel goes on; the
 * origin names the detector.  lockdep's reports end with dump_stack()
 * from their print_*() functions.
 */
const struct panic_stop_site *panic_stop_sites(size_t *nr_ret);

/*
 * The link address of function name in vm, or of the copy the compiler
 * made of it under another name when the vmlinux has no plain one
 * (name.constprop.N, name.isra.N, name.part.N, name.constprop.N.isra.M,
 * N and M below 4: gcc's interprocedural clones); found (size bytes) gets
 * the symbol's name.  NOT_FOUND naming name when there is none.
 */
struct lkdb_error *panic_site_symbol(const struct vmlinux *vm,
				     const char *name, uint64_t *addr_ret,
				     char *found, size_t size);

/*
 * Whether a call from the function named caller (a symbol name, perhaps
 * with a compiler suffix: "watchdog_timer_fn.cold") is site's report.
 */
bool panic_stop_caller_matches(const struct panic_stop_site *site,
			       const char *caller);

/*
 * Whether a frame of this function is the reporting machinery, not the
 * culprit: the detectors and report printers (KASAN's checks, KFENCE,
 * UBSAN's handlers, lockdep's validation, dump_stack, panic, die, __warn,
 * report_bug), the lock functions lockdep reports from and the page fault
 * path.  The guilty frame is the first frame that is not.
 */
bool panic_reporting_function(const char *function);

/* Link-time addresses; 0 where the kernel lacks the symbol. */
struct panic_symbols {
	uint64_t panic;
	uint64_t die;		/* __die */
	/*
	 * die() and die_addr(), where they do not call __die(): the compiler
	 * inlined it there (6.12's dumpstack.c), so BUG() and other traps
	 * never reach the out-of-line copy.  Same arguments as __die().
	 */
	uint64_t die_inlined[2];
	const char *die_inlined_names[2];
	uint64_t warn;		/* __warn */
	/* The first of kgdb_panic, __crash_kexec: after the message. */
	uint64_t after_message;
	const char *after_message_name;
};

void panic_symbols_lookup(const struct vmlinux *vm,
			  struct panic_symbols *ret);

/* "panic", "oops", "warning", "soft lockup", "hung task", ... */
const char *panic_stop_kind_name(enum panic_stop_kind kind);

/*
 * The line of the log that says why the kernel stopped, searched from the
 * newest record back over at most PANIC_REASON_RECORDS records:
 *  - panic: "Kernel panic - not syncing: ...";
 *  - oops: the first line printed for it: "BUG: ...", "kernel BUG at ...",
 *    "general protection fault...", "Oops: ...", "stack segment: ...",
 *    "invalid opcode: ...", "double fault: ..."; for a BUG() of
 *    CONFIG_DEBUG_LIST's checks the "list_add corruption. ..." or
 *    "list_del corruption. ..." line they printed just before;
 *  - warning: none (NOT_FOUND): the stop on __warn comes before the line
 *    __warn prints, and a WARNING line in the log is an earlier warning's;
 *  - soft lockup: "watchdog: BUG: soft lockup - CPU#..." ("watchdog: "
 *    is pr_fmt's);
 *  - hung task: "INFO: task NAME:PID blocked for more than ...";
 *  - RCU stall: "rcu: INFO: ..." with "stall" in it ("rcu: " is pr_fmt's);
 *  - OOM kill: none (NOT_FOUND): the stop comes before the report;
 *  - KASAN, KFENCE: "BUG: KASAN: ...", "BUG: KFENCE: ...";
 *  - UBSAN: "UBSAN: ...";
 *  - slab corruption: SLUB's "BUG CACHE (Tainted: ...): WHAT" line;
 *  - lockdep: its "WARNING: ..." line with "lock" in it ("WARNING:
 *    possible circular locking dependency detected", "WARNING:
 *    inconsistent lock state", "WARNING: suspicious RCU usage", ...; not
 *    a WARN's "WARNING: CPU: ..."), or "[ BUG: Invalid wait context ]".
 * Those reports are long: the search goes back PANIC_REASON_RECORDS_LONG
 * records for them.
 * *line_ret points into the record's text (not NUL-terminated at the line
 * end: *len_ret is the length).  NOT_FOUND when no such line is there.
 */
#define PANIC_REASON_RECORDS 64
#define PANIC_REASON_RECORDS_LONG 512
struct lkdb_error *panic_reason_in_log(const struct printk_log *log,
				       enum panic_stop_kind kind,
				       const char **line_ret,
				       size_t *len_ret);

/* x86_64 struct pt_regs: 21 unsigned longs, r15 first, ss last. */
#define PANIC_PT_REGS_SIZE (21 * 8)

/* Read the struct pt_regs at addr (one read). */
struct lkdb_error *panic_read_pt_regs(const struct kernel_memory_reader *mem,
				      uint64_t addr, struct x86_64_regs *ret);

struct kernel;

/*
 * CPU cpu's interrupted registers, the per-CPU __irq_regs (x86's
 * get_irq_regs(), set by every interrupt entry): a soft lockup's stuck
 * context, read while the watchdog's timer interrupt reports it.
 */
struct lkdb_error *panic_irq_regs(struct kernel *k, int cpu,
				  struct x86_64_regs *ret);

/* The task an OOM kill chose: oc->chosen of struct oom_control at oc. */
struct lkdb_error *panic_oom_victim(struct kernel *k, uint64_t oc,
				    uint64_t *task_ret);

/* The context was user mode (CPL 3 in cs). */
static inline bool panic_regs_user_mode(const struct x86_64_regs *regs)
{
	return (regs->cs & 3) == 3;
}

#endif
