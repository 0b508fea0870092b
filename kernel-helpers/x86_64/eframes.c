// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/x86_64/eframes.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/x86_64/unwind.h"

#define RAZ_MASK 0xffffffffffc08028ull
#define KERNEL_CS 0x10
#define KERNEL_DS 0x18
#define USER_CS 0x33
#define USER_DS 0x2b
/* The top of the user half of the address space (4-level paging). */
#define USER_TOP 0x0000800000000000ull
#define KERNEL_BOTTOM 0xffff800000000000ull

static bool verify(const struct x86_64_regs *r, uint64_t addr,
		   bool (*is_text)(void *ctx, uint64_t addr), void *ctx)
{
	if ((r->eflags & RAZ_MASK) || !(r->eflags & 0x2))
		return false;
	if (r->cs == KERNEL_CS) {
		uint64_t end = addr + 8 * X86_64_PT_REGS_WORDS;
		return r->rsp >= KERNEL_BOTTOM && is_text(ctx, r->rip) &&
		       (r->ss == KERNEL_DS || r->rsp == end || r->rsp == end + 8);
	}
	return r->cs == USER_CS && r->ss == USER_DS && r->rip < USER_TOP &&
	       r->rsp < USER_TOP;
}

struct lkdb_error *x86_64_find_eframes(const struct kernel_memory_reader *mem,
				       uint64_t lo, uint64_t hi,
				       bool (*is_text)(void *ctx, uint64_t addr),
				       void *ctx, struct x86_64_eframe **ret,
				       size_t *nr_ret)
{
	*ret = NULL;
	*nr_ret = 0;
	uint64_t *words;
	size_t n;
	struct lkdb_error *err = kernel_read_stack_words(mem, lo, hi,
							 EFRAMES_STACK_MAX,
							 &words, &n);
	if (err)
		return err;
	struct x86_64_eframe *frames = NULL;
	size_t nr = 0, cap = 0;
	for (size_t i = 0; i + X86_64_PT_REGS_WORDS <= n; i++) {
		struct x86_64_eframe f = { .addr = lo + 8 * (uint64_t)i };
		x86_64_regs_from_pt_regs(words + i, &f.regs);
		if (!verify(&f.regs, f.addr, is_text, ctx))
			continue;
		f.user = f.regs.cs == USER_CS;
		if (nr == cap) {
			size_t c = cap ? 2 * cap : 4;
			struct x86_64_eframe *p = realloc(frames, c * sizeof(*p));
			if (!p) {
				free(frames);
				free(words);
				return &lkdb_error_oom;
			}
			frames = p;
			cap = c;
		}
		frames[nr++] = f;
	}
	free(words);
	*ret = frames;
	*nr_ret = nr;
	return NULL;
}
