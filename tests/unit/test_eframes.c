// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of x86_64_find_eframes (kernel-helpers/x86_64/eframes.c)
 * over a fake stack: a kernel-mode pt_regs (cs 0x10, ss 0x18, rip in
 * text), a user-mode one at the top (cs 0x33, ss 0x2b), both found in
 * order with their registers; a kernel frame with ss 0 passes only when
 * its rsp lies just above it; frames with eflags bits that read as zero,
 * without bit 1, with rip outside text or a user rsp are not frames; a
 * range that cannot be read, or is empty, unaligned or too large, is an
 * error.
 */
#include <inttypes.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/x86_64/eframes.h"
#include "tap.h"

#define STACK 0xffffc90000020000ULL
#define STACK_SIZE 0x4000ULL
#define TEXT 0xffffffff81000000ULL
#define TEXT_END 0xffffffff82000000ULL

static struct fake_memory m;
static struct kernel_memory_reader mem = { &m, fake_read, NULL };

static bool is_text(void *ctx, uint64_t addr)
{
	(void)ctx;
	return addr >= TEXT && addr < TEXT_END;
}

/* A pt_regs at off: rax = tag, and the iret frame given. */
static void pt_regs(unsigned char *s, uint64_t off, uint64_t tag, uint64_t rip,
		    uint64_t cs, uint64_t flags, uint64_t rsp, uint64_t ss)
{
	put(s + off + 10 * 8, tag, 8);		/* rax */
	put(s + off + 15 * 8, ~0ULL, 8);	/* orig_rax */
	put(s + off + 16 * 8, rip, 8);
	put(s + off + 17 * 8, cs, 8);
	put(s + off + 18 * 8, flags, 8);
	put(s + off + 19 * 8, rsp, 8);
	put(s + off + 20 * 8, ss, 8);
}

static unsigned char *setup(void)
{
	unmap_all(&m);
	return map(&m, STACK, STACK_SIZE);
}

TEST(kernel_and_user_frames_found_in_order_with_their_registers)
{
	unsigned char *s = setup();
	pt_regs(s, 0x1000, 1, TEXT + 0x1234, 0x10, 0x246, STACK + 0x1200, 0x18);
	pt_regs(s, STACK_SIZE - 168, 2, 0x47b7a0, 0x33, 0x202, 0x7fff12345678, 0x2b);
	struct x86_64_eframe *f;
	size_t n;
	take_error(x86_64_find_eframes(&mem, STACK, STACK + STACK_SIZE, is_text,
				       NULL, &f, &n));
	CHECK(err_code == 0);
	CHECK(n == 2);
	if (n == 2) {
		CHECK(f[0].addr == STACK + 0x1000 && !f[0].user);
		CHECK(f[0].regs.rax == 1 && f[0].regs.rip == TEXT + 0x1234 &&
		      f[0].regs.rsp == STACK + 0x1200 && f[0].regs.orig_rax == ~0ULL);
		CHECK(f[1].addr == STACK + STACK_SIZE - 168 && f[1].user);
		CHECK(f[1].regs.rax == 2 && f[1].regs.rip == 0x47b7a0 &&
		      f[1].regs.ss == 0x2b);
	}
	free(f);
}

TEST(a_kernel_frame_without_ss_passes_only_with_rsp_just_above_it)
{
	unsigned char *s = setup();
	pt_regs(s, 0x1000, 1, TEXT + 1, 0x10, 0x2, STACK + 0x1000 + 168, 0);
	pt_regs(s, 0x2000, 2, TEXT + 1, 0x10, 0x2, STACK + 0x2000 + 176, 0);
	pt_regs(s, 0x3000, 3, TEXT + 1, 0x10, 0x2, STACK + 0x3800, 0);
	struct x86_64_eframe *f;
	size_t n;
	take_error(x86_64_find_eframes(&mem, STACK, STACK + STACK_SIZE, is_text,
				       NULL, &f, &n));
	CHECK(err_code == 0);
	CHECK(n == 2 && f[0].regs.rax == 1 && f[1].regs.rax == 2);
	free(f);
}

TEST(bad_flags_rip_or_rsp_are_no_frames)
{
	unsigned char *s = setup();
	pt_regs(s, 0x0400, 1, TEXT + 1, 0x10, 0x246 | 0x8, STACK, 0x18);	/* RAZ bit */
	pt_regs(s, 0x0800, 2, TEXT + 1, 0x10, 0x240, STACK, 0x18);		/* no bit 1 */
	pt_regs(s, 0x0c00, 3, TEXT_END, 0x10, 0x246, STACK, 0x18);		/* not text */
	pt_regs(s, 0x1000, 4, TEXT + 1, 0x10, 0x246, 0x7fff0000, 0x18);	/* user rsp */
	pt_regs(s, 0x1400, 5, TEXT + 1, 0x33, 0x246, 0x7fff0000, 0x2b);	/* kernel rip, user cs */
	pt_regs(s, 0x1800, 6, 0x400000, 0x33, 0x246, 0x7fff0000, 0x18);	/* user cs, kernel ss */
	struct x86_64_eframe *f;
	size_t n = 1;
	take_error(x86_64_find_eframes(&mem, STACK, STACK + STACK_SIZE, is_text,
				       NULL, &f, &n));
	CHECK(err_code == 0);
	CHECK(n == 0 && f == NULL);
	free(f);
}

TEST(an_unreadable_or_bad_range_is_an_error)
{
	setup();
	struct x86_64_eframe *f;
	size_t n;
	take_error(x86_64_find_eframes(&mem, STACK + STACK_SIZE, STACK + 2 * STACK_SIZE,
				       is_text, NULL, &f, &n));
	CHECK(err_code == LKDB_ERROR_FAULT && strstr(err_message, "stack at 0xffffc90000024000"));
	take_error(x86_64_find_eframes(&mem, STACK, STACK, is_text, NULL, &f, &n));
	CHECK(err_code == LKDB_ERROR_INVALID);
	take_error(x86_64_find_eframes(&mem, STACK + 4, STACK + 64, is_text, NULL, &f, &n));
	CHECK(err_code == LKDB_ERROR_INVALID);
	take_error(x86_64_find_eframes(&mem, STACK, STACK + EFRAMES_STACK_MAX + 8,
				       is_text, NULL, &f, &n));
	CHECK(err_code == LKDB_ERROR_INVALID);
	CHECK(m.largest_read <= EFRAMES_STACK_MAX);
}

int main(void)
{
	RUN(kernel_and_user_frames_found_in_order_with_their_registers);
	RUN(a_kernel_frame_without_ss_passes_only_with_rsp_just_above_it);
	RUN(bad_flags_rip_or_rsp_are_no_frames);
	RUN(an_unreadable_or_bad_range_is_an_error);
	unmap_all(&m);
	return tap_done();
}
