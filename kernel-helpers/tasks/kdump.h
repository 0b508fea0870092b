/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a backtrace of a CPU begins in a dump that kdump wrote (kexec into
 * a capture kernel, which saves /proc/vmcore).  The registers of such a
 * dump's ELF notes are not that place:
 *
 *  - The panicking CPU: __crash_kexec() saved its own registers (from
 *    panic()) or, from oops_end()'s crash_kexec(regs), the registers at the
 *    fault, which point into the faulting function and hide the oops path
 *    above them.  Then it called machine_kexec(), which never returned: the
 *    return address of that call (a word in __crash_kexec right after a
 *    call to machine_kexec) lies on the task's stack, and the walk begins
 *    there: __crash_kexec, crash_kexec or panic, oops_end, page_fault_oops,
 *    exc_page_fault, the exception frame with the registers at the fault,
 *    the faulting function, ...
 *  - Every other CPU: the crash NMI (nmi_shootdown_cpus) ran
 *    crash_nmi_callback() on the CPU's NMI stack, which saved the
 *    interrupted registers as the note and halted.  The walk begins at the
 *    return address into crash_nmi_callback on the NMI stack:
 *    crash_nmi_callback, nmi_handle, default_do_nmi, exc_nmi, the NMI
 *    entry's frame with the interrupted registers, then the interrupted
 *    code on its own stack.
 * crash looks for the same words (x86_64_get_dumpfile_stack_frame).  The
 * NMI stack is per CPU in struct cea_exception_stacks (NMI_stack), pointed
 * at by the per-CPU cea_exception_stacks since 5.2 (commit 019b17b3ffe4
 * "x86/exceptions: Add structs for exception stacks").
 *
 * A panic in an interrupt (sysrq from the keyboard's) ran on the CPU's
 * IRQ stack: when the task's stack has no return into machine_kexec, the
 * IRQ stack of the task's CPU is scanned the same way.
 */
#ifndef LKDB_KDUMP_H
#define LKDB_KDUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/target.h"
#include "kernel-helpers/memory/percpu.h"

/* The largest stack scanned (a task's THREAD_SIZE or an NMI stack). */
#define KDUMP_STACK_MAX (1u << 16)

struct kernel_kdump_start {
	uint64_t ip;		/* a return address: the walk's first frame */
	uint64_t sp;		/* the stack pointer once it returned */
	/*
	 * The exception stack [lo, hi) when the walk begins there (the NMI
	 * stack, or the IRQ stack of a panic in an interrupt) and its name
	 * as crash's marker says it ("NMI", "IRQ"); else 0, 0, NULL.
	 */
	uint64_t stack_lo, stack_hi;
	const char *stack_name;
	/*
	 * The panicking CPU: the highest return address into machine_kexec
	 * below __crash_kexec's (machine_kexec's own call of relocate_kernel,
	 * a frame that never returned), and the stack pointer after it; 0, 0
	 * when there is none.  The caller shows it as the first frame when
	 * its walk leads to ip at sp.
	 */
	uint64_t below_ip, below_sp;
};

/*
 * The lowest word (the highest with highest) of the stack [lo, hi) that is
 * a return address inside [fn, fn_end) (not fn itself); with callee != 0,
 * only right after a call (e8 rel32) to callee, read through mem.  Sets
 * ret's ip and sp only.  *found_ret false when none.
 * Errors: INVALID for a range that is empty, unaligned or larger than
 * KDUMP_STACK_MAX; the reader's errors for the stack (not for the code:
 * an unreadable call is no match).
 */
struct lkdb_error *kernel_kdump_scan(const struct kernel_memory_reader *mem,
				     uint64_t lo, uint64_t hi, uint64_t fn,
				     uint64_t fn_end, uint64_t callee,
				     bool highest, struct kernel_kdump_start *ret,
				     bool *found_ret);

/*
 * cpu's IRQ stack [lo, hi): the per-CPU hardirq_stack_ptr, a member of
 * pcpu_hot since 6.2 (commit d7b6d709a76a "x86/percpu: Move irq_stack
 * variables next to current_task"), points at its top word; its size is
 * struct irq_stack's.  NOT_FOUND when the CPU has none (not brought up).
 * Also where a live backtrace marks the move off the IRQ stack.  cpus:
 * kernel_read_cpus().
 */
struct lkdb_error *kernel_cpu_irq_stack(struct kernel *k,
					const struct percpu_cpus *cpus,
					unsigned int cpu, uint64_t *lo,
					uint64_t *hi);

/*
 * Where the walk of task, the task of cpu in a dump, begins if kdump wrote
 * the dump.  LKDB_ERROR_NOT_FOUND when nothing says kdump stopped the CPU
 * (a QEMU dump, a kernel without kexec): the note's registers stand.
 * cpus: kernel_read_cpus(), read once for many walks.
 */
struct lkdb_error *kernel_kdump_start(struct kernel *k,
				      const struct percpu_cpus *cpus,
				      unsigned int cpu, uint64_t task,
				      struct kernel_kdump_start *ret);

#endif
