// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/tasks/kdump.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/memory/percpu.h"
#include "kernel-helpers/tasks/tasks.h"

/* Whether the 5 bytes before ret are "call callee" (e8 rel32). */
static bool calls(const struct kernel_memory_reader *mem, uint64_t ret,
		  uint64_t callee)
{
	unsigned char b[5];
	struct lkdb_error *err = mem->read(mem->context, ret - 5, b, sizeof(b));
	if (err) {
		lkdb_error_destroy(err);
		return false;
	}
	int32_t rel = (int32_t)((uint32_t)b[1] | (uint32_t)b[2] << 8 |
				(uint32_t)b[3] << 16 | (uint32_t)b[4] << 24);
	return b[0] == 0xe8 && ret + (uint64_t)(int64_t)rel == callee;
}

struct lkdb_error *kernel_kdump_scan(const struct kernel_memory_reader *mem,
				     uint64_t lo, uint64_t hi, uint64_t fn,
				     uint64_t fn_end, uint64_t callee,
				     bool highest, struct kernel_kdump_start *ret,
				     bool *found_ret)
{
	memset(ret, 0, sizeof(*ret));
	*found_ret = false;
	uint64_t *words;
	size_t n;
	struct lkdb_error *err = kernel_read_stack_words(mem, lo, hi,
							 KDUMP_STACK_MAX,
							 &words, &n);
	if (err)
		return err;
	for (size_t k = 0; k < n; k++) {
		size_t i = highest ? n - 1 - k : k;
		uint64_t w = words[i];
		if (w <= fn || w >= fn_end || (callee && !calls(mem, w, callee)))
			continue;
		ret->ip = w;
		ret->sp = lo + 8 * (uint64_t)i + 8;
		*found_ret = true;
		break;
	}
	free(words);
	return NULL;
}

/* A function's run-time [start, end); false when the vmlinux lacks it. */
static bool function(struct kernel *k, const char *name, uint64_t *start,
		     uint64_t *end)
{
	struct vmlinux_symbol_info info;
	struct lkdb_error *err = vmlinux_symbol_info(k->vmlinux, name, &info);
	if (err) {
		lkdb_error_destroy(err);
		return false;
	}
	*start = info.addr + k->kaslr_offset;
	*end = *start + info.size;
	return info.size > 0;
}

struct lkdb_error *kernel_cpu_irq_stack(struct kernel *k,
					const struct percpu_cpus *cpus,
					unsigned int cpu, uint64_t *lo,
					uint64_t *hi)
{
	struct ktypes *t;
	uint64_t stack_off, size, var, member = 0, where, ptr;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = ktypes_member(t, "irq_stack", "stack", &stack_off, &size)))
		return err;
	err = kernel_need_symbol(k, "hardirq_stack_ptr", "the IRQ stacks", &var);
	if (err) {
		struct lkdb_error *hot = kernel_need_symbol(k, "pcpu_hot",
							    "the IRQ stacks",
							    &var);
		if (!hot)
			hot = ktypes_member(t, "pcpu_hot", "hardirq_stack_ptr",
					    &member, NULL);
		if (hot) {
			lkdb_error_destroy(hot);
			return err;
		}
		lkdb_error_destroy(err);
	}
	if ((err = percpu_address(cpus, cpu, var + member, &where)) ||
	    (err = kernel_read_uint(k, where, 8, &ptr)))
		return err;
	if (!ptr)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "CPU %u has no IRQ stack", cpu);
	/* The top word (stack + size - 8); page-aligned in kernels before it. */
	*hi = ptr & (kernel_page_size(k) - 1) ? ptr + 8 : ptr;
	*lo = *hi - size;
	return NULL;
}

/* The return from machine_kexec into __crash_kexec on the stack [lo, hi). */
static struct lkdb_error *panic_scan(struct kernel *k, uint64_t lo, uint64_t hi,
				     struct kernel_kdump_start *ret,
				     bool *found_ret)
{
	uint64_t fn, fn_end, callee, callee_end;
	*found_ret = false;
	if (!function(k, "__crash_kexec", &fn, &fn_end) ||
	    !function(k, "machine_kexec", &callee, &callee_end))
		return NULL;
	struct lkdb_error *err = kernel_kdump_scan(kernel_memory(k), lo, hi, fn,
						   fn_end, callee, false, ret,
						   found_ret);
	if (err || !*found_ret || ret->sp - 8 <= lo)
		return err;
	/* machine_kexec's frame below: its return address nearest to ours. */
	struct kernel_kdump_start below;
	bool found;
	err = kernel_kdump_scan(kernel_memory(k), lo, ret->sp - 8, callee,
				callee_end, 0, true, &below, &found);
	if (!err && found) {
		ret->below_ip = below.ip;
		ret->below_sp = below.sp;
	}
	return err;
}

/* cpu's NMI stack [lo, hi). */
static struct lkdb_error *nmi_stack(struct kernel *k,
				    const struct percpu_cpus *cpus,
				    unsigned int cpu, uint64_t *lo, uint64_t *hi)
{
	struct ktypes *t;
	uint64_t var, off, size, where, stacks;
	struct lkdb_error *err;
	if ((err = kernel_types(k, &t)) ||
	    (err = ktypes_member(t, "cea_exception_stacks", "NMI_stack", &off,
				 &size)) ||
	    (err = kernel_need_symbol(k, "cea_exception_stacks",
				      "the NMI stacks", &var)) ||
	    (err = percpu_address(cpus, cpu, var, &where)) ||
	    (err = kernel_read_uint(k, where, 8, &stacks)))
		return err;
	if (!stacks)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "CPU %u has no exception stacks", cpu);
	*lo = stacks + off;
	*hi = *lo + size;
	return NULL;
}

/* Any other CPU: the return into crash_nmi_callback on its NMI stack. */
static struct lkdb_error *nmi_start(struct kernel *k,
				    const struct percpu_cpus *cpus, unsigned int cpu,
				    struct kernel_kdump_start *ret,
				    bool *found_ret)
{
	uint64_t fn, fn_end, lo = 0, hi = 0;
	*found_ret = false;
	if (!function(k, "crash_nmi_callback", &fn, &fn_end))
		return NULL;
	struct lkdb_error *err = nmi_stack(k, cpus, cpu, &lo, &hi);
	if (!err)
		err = kernel_kdump_scan(kernel_memory(k), lo, hi, fn, fn_end, 0,
					false, ret, found_ret);
	if (!err && *found_ret) {
		ret->stack_lo = lo;
		ret->stack_hi = hi;
		ret->stack_name = "NMI";
	}
	return err;
}

/*
 * The panicking CPU: the return from machine_kexec on the task's stack, or
 * on the CPU's IRQ stack for a panic in an interrupt.
 */
static struct lkdb_error *panic_start(struct kernel *k,
				      const struct percpu_cpus *cpus,
				      unsigned int cpu, uint64_t task,
				      struct kernel_kdump_start *ret,
				      bool *found_ret)
{
	uint64_t base, size, lo, hi;
	struct lkdb_error *err = kernel_task_stack(k, task, &base, &size);
	if (!err)
		err = panic_scan(k, base, base + size, ret, found_ret);
	if (err || *found_ret)
		return err;
	/*
	 * The IRQ stack is a second place to look, not a requirement: every
	 * CPU but the panicking one comes here on its way to its NMI stack,
	 * which an unreadable or damaged IRQ stack must not hide.
	 */
	err = kernel_cpu_irq_stack(k, cpus, cpu, &lo, &hi);
	if (!err)
		err = panic_scan(k, lo, hi, ret, found_ret);
	if (err) {
		lkdb_error_destroy(err);
		*found_ret = false;
		return NULL;
	}
	if (*found_ret) {
		ret->stack_lo = lo;
		ret->stack_hi = hi;
		ret->stack_name = "IRQ";
	}
	return NULL;
}

struct lkdb_error *kernel_kdump_start(struct kernel *k,
				      const struct percpu_cpus *cpus,
				      unsigned int cpu, uint64_t task,
				      struct kernel_kdump_start *ret)
{
	bool found;
	struct lkdb_error *err = panic_start(k, cpus, cpu, task, ret, &found);
	if (!err && !found)
		err = nmi_start(k, cpus, cpu, ret, &found);
	if (!err && !found)
		err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					"no kdump frame on CPU %u's stacks", cpu);
	return err;
}
