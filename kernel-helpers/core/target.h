/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A kernel to inspect: memory at kernel virtual addresses and the registers
 * each CPU had.  Kernel-aware code computes over this interface only; it has
 * two implementations: through gdb for a live guest (frontend/target/gdb_target.c)
 * and in-process over a vmcore (kernel-helpers/dumps/dump.c).  A byte buffer can
 * stand in for a kernel in unit tests.
 */
#ifndef LKDB_TARGET_H
#define LKDB_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/*
 * Reads kernel virtual memory.  An unmapped or missing (filtered) address
 * is LKDB_ERROR_FAULT naming the address; other errors (target lost,
 * timeout) are returned as they are.
 */
/* One of several reads asked for at once; err is that read's outcome. */
struct kernel_read_request {
	uint64_t addr;
	void *buf;
	size_t len;
	struct lkdb_error *err;
};

struct kernel_memory_reader {
	void *context;
	struct lkdb_error *(*read)(void *context, uint64_t addr, void *buf,
				   size_t len);
	/*
	 * Optional: several independent reads.  A live target sends them
	 * all before waiting for the first answer, so the lot costs one
	 * round trip's latency, not one each.  Sets every request's err;
	 * returns an error only when the target is gone (then every err is
	 * set too).  NULL: one read() each.
	 */
	struct lkdb_error *(*read_batch)(void *context,
					 struct kernel_read_request *reqs,
					 size_t n);
};

/* x86_64 registers in struct pt_regs order, plus the segment bases. */
struct x86_64_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi, orig_rax;
	uint64_t rip, cs, eflags, rsp, ss;
	uint64_t fs_base, gs_base, ds, es, fs, gs;
};

struct lkdb_target {
	struct kernel_memory_reader memory;
	void *context;
	/* CPUs whose registers are known (saved in a dump, or live vCPUs). */
	unsigned int (*nr_cpus)(void *context);
	struct lkdb_error *(*cpu_regs)(void *context, unsigned int cpu,
				       struct x86_64_regs *ret);
};

/*
 * reqs through read_batch, or one read() each.  Returns a request's error
 * that is not LKDB_ERROR_FAULT (the target lost, a timeout) as well; the
 * caller frees the requests' errors.
 */
static inline struct lkdb_error *
kernel_read_batch(const struct kernel_memory_reader *m,
		  struct kernel_read_request *reqs, size_t n)
{
	if (m->read_batch)
		return m->read_batch(m->context, reqs, n);
	for (size_t i = 0; i < n; i++) {
		reqs[i].err = m->read(m->context, reqs[i].addr, reqs[i].buf,
				      reqs[i].len);
		if (reqs[i].err && reqs[i].err->code != LKDB_ERROR_FAULT) {
			for (size_t k = i + 1; k < n; k++)
				reqs[k].err = NULL;
			return lkdb_error_create(reqs[i].err->code, "%s",
						 reqs[i].err->message);
		}
	}
	return NULL;
}

static inline struct lkdb_error *target_read(const struct lkdb_target *t,
					     uint64_t addr, void *buf,
					     size_t len)
{
	return t->memory.read(t->memory.context, addr, buf, len);
}

#endif
