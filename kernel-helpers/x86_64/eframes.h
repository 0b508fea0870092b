/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crash's bt -e: every place on a stack where a struct pt_regs looks like
 * an exception frame, found by its contents rather than by unwinding, so
 * that frames a walk never reaches (a copy of saved registers, an older
 * fault deeper in a damaged stack) show up too.  A candidate at each word
 * passes when, as crash's x86_64_eframe_verify() asks:
 *  - eflags has bit 1 set and none of the bits that read as zero
 *    (0xffffffffffc08028), and
 *  - kernel mode: cs 0x10 (__KERNEL_CS), rip in kernel text (is_text),
 *    rsp a kernel address, and ss 0x18 (__KERNEL_DS) or rsp just above
 *    the frame (the struct's end, or 8 bytes on); or
 *  - user mode: cs 0x33, ss 0x2b (__USER_CS, __USER_DS), rip and rsp user
 *    addresses.
 * crash's cases for exception and IRQ stacks, Xen and 32-bit segments are
 * not taken: the search is over one task's stack.
 */
#ifndef LKDB_EFRAMES_H
#define LKDB_EFRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/target.h"

/* The largest stack searched. */
#define EFRAMES_STACK_MAX (1u << 16)

struct x86_64_eframe {
	uint64_t addr;		/* where the struct pt_regs is */
	bool user;
	struct x86_64_regs regs;
};

/*
 * The exception frames in the stack [lo, hi), lowest first, *ret
 * malloc'd (NULL when none).  is_text(ctx, addr): whether addr is kernel
 * or module text.  INVALID for a range that is empty, unaligned or larger
 * than EFRAMES_STACK_MAX; the reader's error (prefixed with the stack's
 * address) when the stack cannot be read.
 */
struct lkdb_error *x86_64_find_eframes(const struct kernel_memory_reader *mem,
				       uint64_t lo, uint64_t hi,
				       bool (*is_text)(void *ctx, uint64_t addr),
				       void *ctx, struct x86_64_eframe **ret,
				       size_t *nr_ret);

#endif
