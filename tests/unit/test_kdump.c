// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel_kdump_scan (kernel-helpers/tasks/kdump.c) over fake
 * memory: a task stack holding, low to high, a stale word inside
 * __crash_kexec that follows no call to machine_kexec, the live return
 * from machine_kexec, and a second return higher up; the scan names the
 * lowest word after a real call, with the stack pointer above it; asked
 * for the highest (machine_kexec's frame below), the word nearest the top.  An
 * NMI stack where any return into crash_nmi_callback counts (no callee).
 * Nothing found on a stack without one, nor for a word equal to the
 * function's start; a call whose code cannot be read is no match; a stack
 * that cannot be read, or a range empty, unaligned or too large, is an
 * error.
 */
#include <inttypes.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/tasks/kdump.h"
#include "tap.h"

#define TEXT 0xffffffff81000000ULL
#define CRASH_KEXEC (TEXT + 0x1000)	/* __crash_kexec, 0x100 bytes */
#define CRASH_KEXEC_END (CRASH_KEXEC + 0x100)
#define MACHINE_KEXEC (TEXT + 0x2000)
#define OTHER_FN (TEXT + 0x3000)
#define STACK 0xffffc90000010000ULL
#define STACK_SIZE 0x4000ULL

static struct fake_memory m;
static struct kernel_memory_reader mem = { &m, fake_read, NULL };

/* "call target" (e8 rel32) ending at ret, in the fake text. */
static void call_at(unsigned char *text, uint64_t ret, uint64_t target)
{
	unsigned char *p = text + (ret - 5 - TEXT);
	p[0] = 0xe8;
	put(p + 1, (uint64_t)(uint32_t)(int32_t)(target - ret), 4);
}

static unsigned char *setup(void)
{
	unmap_all(&m);
	unsigned char *text = map(&m, TEXT, 0x4000);
	/* The live call; another call to machine_kexec; a call elsewhere. */
	call_at(text, CRASH_KEXEC + 0x40, MACHINE_KEXEC);
	call_at(text, CRASH_KEXEC + 0x80, MACHINE_KEXEC);
	call_at(text, CRASH_KEXEC + 0x20, OTHER_FN);
	return map(&m, STACK, STACK_SIZE);
}

TEST(the_lowest_return_after_a_call_to_machine_kexec_is_the_start)
{
	unsigned char *s = setup();
	put(s + 0x3000, CRASH_KEXEC + 0x20, 8);	/* calls OTHER_FN: stale */
	put(s + 0x3100, CRASH_KEXEC + 0x40, 8);	/* the live one */
	put(s + 0x3200, CRASH_KEXEC + 0x80, 8);	/* higher: not the lowest */
	put(s + 0x2f00, MACHINE_KEXEC + 0x10, 8);	/* another function */
	struct kernel_kdump_start ks;
	bool found;
	take_error(kernel_kdump_scan(&mem, STACK, STACK + STACK_SIZE, CRASH_KEXEC,
				     CRASH_KEXEC_END, MACHINE_KEXEC, false, &ks, &found));
	CHECK(err_code == 0);
	CHECK(found);
	CHECK(ks.ip == CRASH_KEXEC + 0x40);
	CHECK(ks.sp == STACK + 0x3108);
	CHECK(ks.stack_lo == 0 && ks.stack_hi == 0);
}

TEST(without_a_callee_any_return_into_the_function_counts)
{
	unsigned char *s = setup();
	put(s + 0x800, CRASH_KEXEC + 0x33, 8);
	put(s + 0x900, CRASH_KEXEC + 0x40, 8);
	struct kernel_kdump_start ks;
	bool found;
	take_error(kernel_kdump_scan(&mem, STACK, STACK + 0x1000, CRASH_KEXEC,
				     CRASH_KEXEC_END, 0, false, &ks, &found));
	CHECK(err_code == 0);
	CHECK(found && ks.ip == CRASH_KEXEC + 0x33 && ks.sp == STACK + 0x808);
}

TEST(highest_takes_the_word_nearest_the_top)
{
	unsigned char *s = setup();
	put(s + 0x800, MACHINE_KEXEC + 0x10, 8);	/* stale, lower */
	put(s + 0x900, MACHINE_KEXEC + 0x20, 8);	/* the live frame's */
	put(s + 0xa00, CRASH_KEXEC + 0x40, 8);		/* its caller's */
	struct kernel_kdump_start ks;
	bool found;
	take_error(kernel_kdump_scan(&mem, STACK, STACK + 0xa00, MACHINE_KEXEC,
				     MACHINE_KEXEC + 0x100, 0, true, &ks, &found));
	CHECK(err_code == 0);
	CHECK(found && ks.ip == MACHINE_KEXEC + 0x20 && ks.sp == STACK + 0x908);
}

TEST(no_return_into_the_function_finds_nothing)
{
	unsigned char *s = setup();
	put(s + 0x100, CRASH_KEXEC, 8);		/* its start: no return address */
	put(s + 0x108, CRASH_KEXEC_END, 8);	/* just past it */
	put(s + 0x110, CRASH_KEXEC + 0x20, 8);	/* after a call to another */
	struct kernel_kdump_start ks;
	bool found = true;
	take_error(kernel_kdump_scan(&mem, STACK, STACK + STACK_SIZE, CRASH_KEXEC,
				     CRASH_KEXEC_END, MACHINE_KEXEC, false, &ks, &found));
	CHECK(err_code == 0);
	CHECK(!found);
}

TEST(a_call_whose_code_cannot_be_read_is_no_match)
{
	unsigned char *s = setup();
	/* A word in the function's range but outside the mapped text. */
	put(s + 0x100, CRASH_KEXEC + 0x40, 8);
	struct kernel_kdump_start ks;
	bool found = true;
	take_error(kernel_kdump_scan(&mem, STACK, STACK + STACK_SIZE,
				     CRASH_KEXEC + 0x10, TEXT + 0x10000,
				     TEXT + 0x8000, false, &ks, &found));
	CHECK(err_code == 0);
	CHECK(!found);
}

TEST(a_stack_that_cannot_be_read_or_a_bad_range_is_an_error)
{
	setup();
	struct kernel_kdump_start ks;
	bool found = true;
	take_error(kernel_kdump_scan(&mem, STACK + STACK_SIZE, STACK + 2 * STACK_SIZE,
				     CRASH_KEXEC, CRASH_KEXEC_END, 0, false, &ks, &found));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "stack at 0xffffc90000014000") != NULL);
	CHECK(!found);
	take_error(kernel_kdump_scan(&mem, STACK, STACK, CRASH_KEXEC,
				     CRASH_KEXEC_END, 0, false, &ks, &found));
	CHECK(err_code == LKDB_ERROR_INVALID);
	take_error(kernel_kdump_scan(&mem, STACK + 4, STACK + 0x100, CRASH_KEXEC,
				     CRASH_KEXEC_END, 0, false, &ks, &found));
	CHECK(err_code == LKDB_ERROR_INVALID);
	take_error(kernel_kdump_scan(&mem, STACK, STACK + KDUMP_STACK_MAX + 8,
				     CRASH_KEXEC, CRASH_KEXEC_END, 0, false, &ks, &found));
	CHECK(err_code == LKDB_ERROR_INVALID);
	CHECK(m.largest_read <= KDUMP_STACK_MAX);
}

int main(void)
{
	RUN(the_lowest_return_after_a_call_to_machine_kexec_is_the_start);
	RUN(without_a_callee_any_return_into_the_function_counts);
	RUN(highest_takes_the_word_nearest_the_top);
	RUN(no_return_into_the_function_finds_nothing);
	RUN(a_call_whose_code_cannot_be_read_is_no_match);
	RUN(a_stack_that_cannot_be_read_or_a_bad_range_is_an_error);
	unmap_all(&m);
	return tap_done();
}
