/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel under inspection, one per session: its vmlinux (symbols and
 * the KASLR offset that relocates them), its type layouts (opened on first
 * use), the target's memory, the release and the
 * architecture's operations.  Commands reach the kernel through it: the
 * kernel_read_*() of each walker (tasks.h, printk.h, modules.h, sysinfo.h,
 * percpu.h) take the handle instead of its parts.
 *
 * The handle knows nothing of gdb: whoever builds it (the session) points
 * its memory reader at the target (a dump, gdb, QEMU's RAM file) and keeps
 * it current; the handle only reads through it.  It owns the vmlinux and
 * the types.
 */
#ifndef LKDB_KERNEL_H
#define LKDB_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/target.h"

struct vmlinux;
struct ktypes;
struct unwinder;

/*
 * What differs between architectures, as far as lkdb reads it today
 * (x86_64 only): the register set is struct x86_64_regs (pt_regs order).
 */
struct kernel_arch_ops {
	const char *name;
	/* log2 of the base page size (PAGE_SHIFT). */
	unsigned int page_shift;
	/* Unwinding: the unwinder over the vmlinux's own tables (ORC). */
	struct lkdb_error *(*unwinder_create)(struct vmlinux *vm,
					      struct ktypes *types,
					      uint64_t kaslr_offset,
					      struct unwinder **ret);
	/*
	 * The registers a task that is not running saved when it was
	 * switched out (cs set to kernel mode, the others 0).
	 */
	struct lkdb_error *(*task_saved_regs)(const struct kernel_memory_reader *mem,
					      struct ktypes *types,
					      uint64_t task,
					      struct x86_64_regs *ret);
};

/* arch_x86_64.c */
extern const struct kernel_arch_ops kernel_arch_x86_64;

struct kernel {
	struct vmlinux *vmlinux;
	/* Added to the vmlinux's link addresses to get run-time ones. */
	uint64_t kaslr_offset;
	/* The vmlinux links .data..percpu at 0 (per-CPU offsets). */
	bool percpu_at_zero;
	/* The target's memory at kernel virtual addresses. */
	struct kernel_memory_reader memory;
	/*
	 * Optional: its physical memory (a dump has it); without, physical
	 * reads go through the kernel's direct map (kernel_read_phys).
	 */
	struct kernel_memory_reader phys;
	const struct kernel_arch_ops *arch;
	/* Opened on first kernel_types() (cached per build-id). */
	struct ktypes *types;
};

/*
 * Open the vmlinux at path into k (zeroed first); the memory reader is left
 * empty for the caller to fill in.
 */
struct lkdb_error *kernel_open(struct kernel *k, const char *vmlinux_path,
			       const struct kernel_arch_ops *arch);
/* Saves newly found type layouts to their cache, closes the vmlinux. */
void kernel_close(struct kernel *k);

/* The vmlinux's type layouts. */
struct lkdb_error *kernel_types(struct kernel *k, struct ktypes **ret);

/* Reads kernel virtual memory of the target. */
static inline const struct kernel_memory_reader *
kernel_memory(const struct kernel *k)
{
	return &k->memory;
}

/*
 * A symbol a reader needs, at its link address: when the vmlinux lacks
 * it, the one error a command shows, "this kernel has no NAME (WHY): ..."
 * where why says what kernels have it ("built without CONFIG_MODULES?").
 */
struct lkdb_error *kernel_need_symbol(const struct kernel *k, const char *name,
				      const char *why, uint64_t *link_addr_ret);
/* The kernel's release ("6.1.0-57-amd64"), from the vmlinux's banner. */
const char *kernel_release(const struct kernel *k);

/* An unsigned integer of size bytes (1, 2, 4 or 8) at kernel address addr. */
struct lkdb_error *kernel_read_uint(const struct kernel *k, uint64_t addr,
				    size_t size, uint64_t *ret);
/*
 * The same where a walk carries on without the value: true when it was
 * read; a failure's error is dropped (not leaked).
 */
bool kernel_read_uint_ok(const struct kernel *k, uint64_t addr, size_t size,
			 uint64_t *ret);

/*
 * An unsigned integer of size bytes at offset into the kernel variable
 * name (its run-time address): a missing symbol is kernel_need_symbol's
 * error with why, a failed read says "reading NAME: ...".
 */
struct lkdb_error *kernel_read_variable_uint(const struct kernel *k,
					     const char *name, const char *why,
					     uint64_t offset, size_t size,
					     uint64_t *ret);

/*
 * The words of a stack [lo, hi) in one read, *words_ret malloc'd:
 * INVALID for a range that is empty, unaligned or larger than max bytes;
 * the reader's error prefixed with "stack at LO".
 */
struct lkdb_error *kernel_read_stack_words(const struct kernel_memory_reader *mem,
					   uint64_t lo, uint64_t hi, uint64_t max,
					   uint64_t **words_ret, size_t *n_ret);
/*
 * len bytes of the target's physical memory at paddr: the phys reader, or
 * the kernel's direct map of all RAM (page_offset_base + paddr) through
 * the virtual one.
 */
struct lkdb_error *kernel_read_phys(const struct kernel *k, uint64_t paddr,
				    void *buf, size_t len);
/* Where the direct map of physical memory starts (page_offset_base). */
struct lkdb_error *kernel_direct_map(const struct kernel *k, uint64_t *ret);

/*
 * The NUL-terminated string at addr into buf (at most size - 1 bytes and a
 * NUL), read a page at a time so that one ending before an unmapped page
 * is still read whole.  An error only when not even its first page can be
 * read; a later page that cannot be read ends the string there.
 */
struct lkdb_error *kernel_read_string(const struct kernel *k, uint64_t addr,
				      char *buf, size_t size);

/* The base page size in bytes. */
static inline uint64_t kernel_page_size(const struct kernel *k)
{
	return (uint64_t)1 << k->arch->page_shift;
}

#endif
