// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ORC unwinder over fake stacks and hand-made tables: call frames, an
 * exception frame in kernel mode (walk goes on from the interrupted RIP),
 * the user-mode boundary (walk ends with the user's registers), code
 * without ORC data left by a stack scan, the
 * end-of-stack mark, both struct orc_entry layouts (4.14-6.2 and 6.4+),
 * module tables read from a struct module, and every way a bad stack ends
 * the walk with a reason instead of looping: unreadable memory, an address
 * without ORC data, a stack going the wrong way, a cycle through saved
 * registers.
 */
#include <stdlib.h>

#include "fake_memory.h"
#include "walker_input.h"
#include "tap.h"
#include "kernel-helpers/x86_64/unwind.h"

/* Text: functions A, B, an entry stub E, and the stack's end T. */
#define FN_A 0xffffffff81001000ull
#define FN_B 0xffffffff81002000ull
#define FN_E 0xffffffff81003000ull
#define FN_T 0xffffffff81004000ull
#define TEXT_END 0xffffffff81005000ull
#define STACK 0xffffc90000010000ull
#define STACK_SIZE 0x4000

enum { REG_UNDEF = 0, REG_PREV_SP = 1, REG_BP = 4, REG_SP = 5 };

/* 6.4+: type:3 signal:1 after sp_reg:4 bp_reg:4. */
static const struct unwind_orc_format format_v2 = {
	.sp_reg_bit = 32, .bp_reg_bit = 36, .type_bit = 40, .type_bits = 3,
	.end_bit = -1, .signal_bit = 43,
};

/* One 6-byte entry for either layout; type in the layout's numbering. */
static void entry(const struct unwind_orc_format *f, unsigned char *p,
		  int sp_offset, int bp_offset, unsigned sp_reg,
		  unsigned bp_reg, unsigned type, bool end)
{
	uint64_t v = (uint64_t)(uint16_t)sp_offset |
		     (uint64_t)(uint16_t)bp_offset << 16;
	v |= (uint64_t)sp_reg << f->sp_reg_bit;
	v |= (uint64_t)bp_reg << f->bp_reg_bit;
	v |= (uint64_t)type << f->type_bit;
	if (end && f->end_bit >= 0)
		v |= 1ull << f->end_bit;
	put(p, v, 6);
}

/* v1 numbering: CALL 0, REGS 1, REGS_PARTIAL 2; v2: CALL 2, REGS 3, END 1. */
static struct unwinder *make_unwinder(const struct unwind_orc_format *f)
{
	bool v2 = f->type_bits == 3;
	unsigned call = v2 ? 2 : 0, regs = v2 ? 3 : 1;
	uint64_t ips[] = { FN_A, FN_A + 0x10, FN_B, FN_E, FN_T };
	unsigned char e[5 * 6];
	/* A: CFA sp+8 at entry, sp+16 after a push (bp saved at CFA-16). */
	entry(f, e + 0, 8, 0, REG_SP, REG_UNDEF, call, false);
	entry(f, e + 6, 16, -16, REG_SP, REG_PREV_SP, call, false);
	entry(f, e + 12, 8, 0, REG_SP, REG_UNDEF, call, false);
	/* E: a struct pt_regs at sp. */
	entry(f, e + 18, 0, 0, REG_SP, REG_UNDEF, regs, false);
	/* T: the end of the stack. */
	if (v2)
		entry(f, e + 24, 0, 0, REG_UNDEF, REG_UNDEF, 1, false);
	else
		entry(f, e + 24, 0, 0, REG_UNDEF, REG_UNDEF, 0, true);
	struct unwinder *u = NULL;
	struct lkdb_error *err = unwinder_create_empty(f, &u);
	if (!err)
		err = unwinder_add_table(u, NULL, FN_A, TEXT_END, ips, e, 5);
	take_error(err);
	return u;
}

static void put_regs(unsigned char *p, uint64_t rip, uint64_t cs,
		     uint64_t rsp, uint64_t rbp)
{
	memset(p, 0, 21 * 8);
	put(p + 4 * 8, rbp, 8);		/* bp */
	put(p + 10 * 8, 0xdead, 8);	/* ax */
	put(p + 15 * 8, 1, 8);		/* orig_ax: write(2) */
	put(p + 16 * 8, rip, 8);
	put(p + 17 * 8, cs, 8);
	put(p + 19 * 8, rsp, 8);
	put(p + 20 * 8, cs == 0x33 ? 0x2b : 0x18, 8);
}

static struct x86_64_regs start_regs(uint64_t rip, uint64_t rsp)
{
	struct x86_64_regs r;
	memset(&r, 0, sizeof(r));
	r.rip = rip;
	r.rsp = rsp;
	r.cs = 0x10;
	return r;
}

/*
 * A (after its push) called from B, B called from the entry stub E, whose
 * pt_regs are user mode: three frames, the last with the user registers.
 */
static void walk_to_user(const struct unwind_orc_format *f)
{
	struct fake_memory m = { 0 };
	unsigned char *stack = map(&m, STACK, STACK_SIZE);
	uint64_t sp = STACK + 0x100;
	put(stack + 0x100, 0x1111, 8);			/* A's pushed bp */
	put(stack + 0x108, FN_B + 5, 8);		/* return into B */
	put(stack + 0x110, FN_E + 5, 8);		/* return into E */
	put_regs(stack + 0x118, 0x401000, 0x33, 0x7ffc0000, 0x2222);
	struct unwinder *u = make_unwinder(f);
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct x86_64_regs r = start_regs(FN_A + 0x15, sp);
	struct unwind_trace t;
	take_error(unwind_stack(u, &reader, &r, true, &t));
	CHECK(err_code == 0);
	CHECK(t.nr_frames == 3);
	CHECK(t.stop_reason == NULL);
	if (t.nr_frames == 3) {
		CHECK(t.frames[0].ip == FN_A + 0x15 && t.frames[0].exact);
		CHECK(t.frames[0].sp == sp);
		CHECK(t.frames[1].ip == FN_B + 5 && !t.frames[1].exact);
		CHECK(t.frames[1].sp == sp + 8);	/* where it was read */
		CHECK(t.frames[2].ip == FN_E + 5 && t.frames[2].sp == sp + 0x10);
		CHECK(t.frames[2].has_regs && t.frames[2].user);
		CHECK(t.frames[2].regs.rip == 0x401000);
		CHECK(t.frames[2].regs.rsp == 0x7ffc0000);
		CHECK(t.frames[2].regs.orig_rax == 1);
		CHECK(t.frames[2].regs.rax == 0xdead);
		CHECK(t.frames[2].regs_addr == sp + 0x18);
	}
	unwind_trace_deinit(&t);
	unwinder_destroy(u);
	unmap_all(&m);
}

TEST(call_frames_end_at_user_mode_pt_regs)
{
	walk_to_user(&unwind_orc_format_v1);
}

TEST(orc_layout_of_6_4_with_end_of_stack_type)
{
	walk_to_user(&format_v2);
	/* The END_OF_STACK type ends the walk without a reason. */
	struct fake_memory m = { 0 };
	map(&m, STACK, STACK_SIZE);
	struct unwinder *u = make_unwinder(&format_v2);
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct x86_64_regs r = start_regs(FN_T + 1, STACK + 0x100);
	struct unwind_trace t;
	take_error(unwind_stack(u, &reader, &r, true, &t));
	CHECK(t.nr_frames == 1 && t.stop_reason == NULL);
	unwind_trace_deinit(&t);
	unwinder_destroy(u);
	unmap_all(&m);
}

/*
 * B was interrupted (kernel-mode pt_regs saved by E); after it, a return
 * into T, the end of the stack: E carries the regs, B is exact.
 */
TEST(kernel_exception_frame_continues_from_interrupted_rip)
{
	struct fake_memory m = { 0 };
	unsigned char *stack = map(&m, STACK, STACK_SIZE);
	uint64_t sp = STACK + 0x100;
	/* A called from E. */
	put(stack + 0x100, 0x1111, 8);
	put(stack + 0x108, FN_E + 8, 8);
	put_regs(stack + 0x110, FN_B + 3, 0x10, STACK + 0x300, 0x3333);
	put(stack + 0x300, FN_T + 1, 8);		/* B's return into T */
	struct unwinder *u = make_unwinder(&unwind_orc_format_v1);
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct x86_64_regs r = start_regs(FN_A + 0x15, sp);
	struct unwind_trace t;
	take_error(unwind_stack(u, &reader, &r, true, &t));
	CHECK(t.nr_frames == 4);
	CHECK(t.stop_reason == NULL);
	if (t.nr_frames == 4) {
		CHECK(t.frames[1].ip == FN_E + 8 && t.frames[1].has_regs);
		CHECK(!t.frames[1].user && t.frames[1].regs.rip == FN_B + 3);
		CHECK(t.frames[2].ip == FN_B + 3 && t.frames[2].exact);
		CHECK(t.frames[2].sp == STACK + 0x300);
		CHECK(t.frames[3].ip == FN_T + 1 && !t.frames[3].exact);
		CHECK(t.frames[3].sp == STACK + 0x300);
	}
	unwind_trace_deinit(&t);
	unwinder_destroy(u);
	unmap_all(&m);
}

TEST(sleeping_task_starts_from_a_return_address)
{
	/* ret_addr FN_B: looked up as FN_B - 1, which is in A (sp+16). */
	struct fake_memory m = { 0 };
	unsigned char *stack = map(&m, STACK, STACK_SIZE);
	put(stack + 0x108, FN_T + 1, 8);
	struct unwinder *u = make_unwinder(&unwind_orc_format_v1);
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct x86_64_regs r = start_regs(FN_B, STACK + 0x100);
	struct unwind_trace t;
	take_error(unwind_stack(u, &reader, &r, false, &t));
	CHECK(t.nr_frames == 2 && t.stop_reason == NULL);
	if (t.nr_frames == 2)
		CHECK(t.frames[1].ip == FN_T + 1 && t.frames[1].sp == STACK + 0x108);
	unwind_trace_deinit(&t);
	unwinder_destroy(u);
	unmap_all(&m);
}

TEST(unreadable_stack_stops_with_the_address)
{
	struct fake_memory m = { 0 };
	struct unwinder *u = make_unwinder(&unwind_orc_format_v1);
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct x86_64_regs r = start_regs(FN_B + 1, STACK + 0x100);
	struct unwind_trace t;
	take_error(unwind_stack(u, &reader, &r, true, &t));
	CHECK(err_code == 0);
	CHECK(t.nr_frames == 1);
	CHECK(t.stop_reason && strstr(t.stop_reason, "ffffc90000010100"));
	unwind_trace_deinit(&t);
	unwinder_destroy(u);
}

TEST(address_without_orc_data_stops_with_a_reason)
{
	struct fake_memory m = { 0 };
	unsigned char *stack = map(&m, STACK, STACK_SIZE);
	put(stack + 0x100, 0xffffffff90000000ull, 8);	/* no table */
	struct unwinder *u = make_unwinder(&unwind_orc_format_v1);
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct x86_64_regs r = start_regs(FN_B + 1, STACK + 0x100);
	struct unwind_trace t;
	take_error(unwind_stack(u, &reader, &r, true, &t));
	CHECK(t.nr_frames == 2);
	CHECK(t.stop_reason && strstr(t.stop_reason, "no ORC unwind data") &&
	      strstr(t.stop_reason, "ffffffff90000000"));
	unwind_trace_deinit(&t);
	unwinder_destroy(u);
	unmap_all(&m);
}

TEST(saved_registers_pointing_back_do_not_loop)
{
	/* E's kernel pt_regs send the walk back to where it started. */
	struct fake_memory m = { 0 };
	unsigned char *stack = map(&m, STACK, STACK_SIZE);
	uint64_t sp = STACK + 0x100;
	put(stack + 0x100, FN_E + 8, 8);		/* B's return into E */
	put_regs(stack + 0x108, FN_B + 1, 0x10, sp, 0);
	struct unwinder *u = make_unwinder(&unwind_orc_format_v1);
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct x86_64_regs r = start_regs(FN_B + 1, sp);
	struct unwind_trace t;
	take_error(unwind_stack(u, &reader, &r, true, &t));
	CHECK(err_code == 0);
	CHECK(t.nr_frames == UNWIND_MAX_FRAMES);
	CHECK(t.stop_reason && strstr(t.stop_reason, "more than"));
	unwind_trace_deinit(&t);
	unwinder_destroy(u);
	unmap_all(&m);
}

TEST(frame_pointer_cfa_going_down_stops)
{
	/* A CFA from bp below the current sp: "goes the wrong way". */
	uint64_t ips[] = { FN_A, TEXT_END - 1 };
	unsigned char e[12];
	entry(&unwind_orc_format_v1, e, 16, -16, REG_BP, REG_PREV_SP, 0, false);
	entry(&unwind_orc_format_v1, e + 6, 0, 0, REG_UNDEF, REG_UNDEF, 0, true);
	struct unwinder *u = NULL;
	take_error(unwinder_create_empty(&unwind_orc_format_v1, &u));
	take_error(unwinder_add_table(u, NULL, FN_A, TEXT_END, ips, e, 2));
	struct fake_memory m = { 0 };
	map(&m, STACK, STACK_SIZE);
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct x86_64_regs r = start_regs(FN_A + 4, STACK + 0x200);
	r.rbp = STACK + 0x100;
	struct unwind_trace t;
	take_error(unwind_stack(u, &reader, &r, true, &t));
	CHECK(t.nr_frames == 1);
	CHECK(t.stop_reason && strstr(t.stop_reason, "wrong way"));
	unwind_trace_deinit(&t);
	unwinder_destroy(u);
	unmap_all(&m);
}

/* The fake kernel as a seed of the modules fuzz target (ORC part). */
static void save_orc_seed(const char *table, const struct fake_memory *m,
			  uint64_t mod, uint64_t start, uint64_t end)
{
	uint64_t values[WALKER_MODULES_VALUES] = {
		[WALKER_MODULES_ORC_MODULE] = mod,
		[WALKER_MODULES_ORC_START] = start,
		[WALKER_MODULES_ORC_END] = end,
	};
	if (!walker_seed_save(tap_current_name, 0, table, values,
			      WALKER_MODULES_VALUES, m))
		printf("# cannot save a fuzz seed\n");
}

/*
 * A struct module with its ORC table in memory: arch.num_orcs at 0x10,
 * orc_unwind_ip at 0x18, orc_unwind at 0x20; its code at MOD_TEXT.
 */
static const char module_table[] =
	"module 0 64\n"
	"module.arch.num_orcs 16 4\n"
	"module.arch.orc_unwind_ip 24 8\n"
	"module.arch.orc_unwind 32 8\n";
#define MOD 0xffff888000100000ull
#define MOD_IP_TAB 0xffffffffc0010000ull
#define MOD_ENT_TAB 0xffffffffc0020000ull
#define MOD_TEXT 0xffffffffc0000000ull

/* The struct module, pointing at its tables; returns its bytes. */
static unsigned char *map_module(struct fake_memory *m, uint32_t num_orcs)
{
	unsigned char *sm = map(m, MOD, 0x40);
	put(sm + 16, num_orcs, 4);
	put(sm + 24, MOD_IP_TAB, 8);
	put(sm + 32, MOD_ENT_TAB, 8);
	return sm;
}

TEST(unsorted_table_is_sorted_and_module_table_read_from_memory)
{
	const char *table = module_table;
	struct ktypes *types = NULL;
	take_error(ktypes_create_from_table(table, &types));
	CHECK(types != NULL);
	const uint64_t mod = MOD, ip_tab = MOD_IP_TAB, ent_tab = MOD_ENT_TAB;
	const uint64_t text = MOD_TEXT;
	struct fake_memory m = { 0 };
	map_module(&m, 2);
	unsigned char *ipp = map(&m, ip_tab, 8);
	unsigned char *ep = map(&m, ent_tab, 12);
	/* Out of order: the end mark (text+0x100) first, then text+0. */
	put(ipp, (uint64_t)(int64_t)(text + 0x100 - ip_tab), 4);
	put(ipp + 4, (uint64_t)(int64_t)(text - (ip_tab + 4)), 4);
	entry(&unwind_orc_format_v1, ep, 0, 0, REG_UNDEF, REG_UNDEF, 0, true);
	entry(&unwind_orc_format_v1, ep + 6, 8, 0, REG_SP, REG_UNDEF, 0, false);
	unsigned char *stack = map(&m, STACK, STACK_SIZE);
	put(stack + 0x100, text + 0x101, 8);
	struct unwinder *u = NULL;
	take_error(unwinder_create_empty(&unwind_orc_format_v1, &u));
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	save_orc_seed(table, &m, mod, text, text + 0x1000);
	take_error(unwinder_add_module(u, &reader, types, "crashme", mod, text,
				       text + 0x1000));
	CHECK(err_code == 0);
	CHECK(unwinder_covers(u, text + 5) && !unwinder_covers(u, FN_A));
	struct x86_64_regs r = start_regs(text + 4, STACK + 0x100);
	struct unwind_trace t;
	take_error(unwind_stack(u, &reader, &r, true, &t));
	CHECK(t.nr_frames == 2 && t.stop_reason == NULL);
	if (t.nr_frames == 2) {
		CHECK_STR(t.frames[0].module, "crashme");
		CHECK(t.frames[1].ip == text + 0x101);
	}
	unwind_trace_deinit(&t);
	unwinder_destroy(u);
	ktypes_destroy(types);
	unmap_all(&m);
}

TEST(corrupt_module_orc_count_is_refused_before_reading_the_table)
{
	const char *table = module_table;
	struct ktypes *types = NULL;
	take_error(ktypes_create_from_table(table, &types));
	CHECK(types != NULL);
	const uint64_t mod = MOD, text = MOD_TEXT;
	struct fake_memory m = { 0 };
	unsigned char *sm = map_module(&m, 0);
	/* Tables big enough for any count the module's size allows. */
	map(&m, MOD_IP_TAB, 0x10000);
	map(&m, MOD_ENT_TAB, 0x10000);
	struct unwinder *u = NULL;
	take_error(unwinder_create_empty(&unwind_orc_format_v1, &u));
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	/* 410 entries need 4100 bytes: more than a 4 KiB module holds. */
	static const struct {
		uint32_t num;
		uint64_t size;
	} cases[] = {
		{ 410, 0x1000 },
		{ UINT32_MAX, 0x1000 },
		{ (1u << 21) + 1, 0x3fff0000 },	/* a corrupt core size too */
		{ 1, 0 },			/* no module at all */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put(sm + 16, cases[i].num, 4);
		save_orc_seed(table, &m, mod, text, text + cases[i].size);
		m.reads = 0;
		m.largest_read = 0;
		take_error(unwinder_add_module(u, &reader, types, "crashme", mod,
					       text, text + cases[i].size));
		CHECK(err_code == LKDB_ERROR_INVALID);
		CHECK(strstr(err_message, "crashme") &&
		      strstr(err_message, "0xffff888000100000") &&
		      strstr(err_message, "ORC table"));
		/* Only the three fields of struct module were read. */
		CHECK(m.reads == 3 && m.largest_read == 8);
		CHECK(!unwinder_covers(u, text));
	}
	/* 409 entries fit in 4 KiB: read (the table is zeros: sorted). */
	put(sm + 16, 409, 4);
	take_error(unwinder_add_module(u, &reader, types, "crashme", mod, text,
				       text + 0x1000));
	CHECK(err_code == 0 && unwinder_covers(u, text));
	unwinder_destroy(u);
	ktypes_destroy(types);
	unmap_all(&m);
}

TEST(user_mode_start_is_only_the_user_registers)
{
	struct fake_memory m = { 0 };
	struct unwinder *u = make_unwinder(&unwind_orc_format_v1);
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct x86_64_regs r = start_regs(0x401000, 0x7ffc0000);
	r.cs = 0x33;
	struct unwind_trace t;
	take_error(unwind_stack(u, &reader, &r, true, &t));
	CHECK(t.nr_frames == 1 && t.frames[0].user && !t.stop_reason);
	unwind_trace_deinit(&t);
	unwinder_destroy(u);
}

TEST(code_without_orc_data_is_left_by_scanning_for_a_return_address)
{
	/* B has no ORC data (objtool skipped it), A and the end do. */
	uint64_t ips[] = { FN_A, FN_B, FN_T };
	unsigned char e[18];
	entry(&unwind_orc_format_v1, e, 8, 0, REG_SP, REG_UNDEF, 0, false);
	entry(&unwind_orc_format_v1, e + 6, 0, 0, REG_UNDEF, REG_UNDEF, 0, false);
	entry(&unwind_orc_format_v1, e + 12, 0, 0, REG_UNDEF, REG_UNDEF, 0, true);
	struct unwinder *u = NULL;
	take_error(unwinder_create_empty(&unwind_orc_format_v1, &u));
	take_error(unwinder_add_table(u, NULL, FN_A, TEXT_END, ips, e, 3));
	struct fake_memory m = { 0 };
	unsigned char *text = map(&m, FN_A - 0x10, 0x110) + 0x10;
	text[0] = 0xe8;		/* call rel32 at A+0: A+5 is a return address */
	unsigned char *stack = map(&m, STACK, STACK_SIZE);
	put(stack + 0x100, 0x1234, 8);			/* not text */
	put(stack + 0x108, FN_A + 0x20, 8);		/* text, no call before */
	put(stack + 0x110, FN_A + 5, 8);		/* the caller */
	put(stack + 0x118, FN_T + 1, 8);		/* A's caller: the end */
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct x86_64_regs r = start_regs(FN_B + 3, STACK + 0x100);
	struct unwind_trace t;
	take_error(unwind_stack(u, &reader, &r, true, &t));
	CHECK(t.nr_frames == 3 && t.stop_reason == NULL);
	if (t.nr_frames == 3) {
		CHECK(t.frames[0].scanned && !t.frames[1].scanned);
		CHECK(t.frames[1].ip == FN_A + 5 && t.frames[1].sp == STACK + 0x110);
		CHECK(t.frames[2].ip == FN_T + 1 && t.frames[2].sp == STACK + 0x118);
	}
	unwind_trace_deinit(&t);
	/* Nothing found: the walk stops with the reason. */
	text[0] = 0;
	take_error(unwind_stack(u, &reader, &r, true, &t));
	CHECK(t.nr_frames == 1 && t.stop_reason &&
	      strstr(t.stop_reason, "undefined"));
	unwind_trace_deinit(&t);
	unwinder_destroy(u);
	unmap_all(&m);
}

/*
 * The ranges whose frame is a struct pt_regs: REGS and REGS_PARTIAL
 * entries with the register ORC found them from, equal neighbours merged,
 * the last one ending at the table's end; call frames and module tables
 * left out.
 */
TEST(regs_ranges_for_gdb)
{
	const struct unwind_orc_format *f = &unwind_orc_format_v1;
	enum { CALL = 0, REGS = 1, PARTIAL = 2, REG_SP_INDIRECT = 9 };
	uint64_t ips[] = { FN_A, FN_E, FN_E + 0x10, FN_E + 0x20, FN_E + 0x28,
			   FN_T };
	unsigned char e[6 * 6];
	entry(f, e + 0, 8, 0, REG_SP, REG_UNDEF, CALL, false);
	entry(f, e + 6, 0, 0, REG_SP, REG_UNDEF, REGS, false);
	entry(f, e + 12, 0, 0, REG_SP, REG_UNDEF, REGS, false);
	entry(f, e + 18, 8, 0, REG_SP_INDIRECT, REG_UNDEF, REGS, false);
	entry(f, e + 24, -40, 0, REG_BP, REG_UNDEF, PARTIAL, false);
	entry(f, e + 30, 0, 0, REG_SP, REG_UNDEF, REGS, false);
	struct unwinder *u = NULL;
	struct lkdb_error *err = unwinder_create_empty(f, &u);
	if (!err)
		err = unwinder_add_table(u, NULL, FN_A, TEXT_END, ips, e, 6);
	/* A module's table: not the entry code gdb is taught. */
	if (!err)
		err = unwinder_add_table(u, "m", 0xffffffffc0000000ull,
					 0xffffffffc0001000ull, ips + 1, e + 6, 1);
	struct unwind_regs_range *r = NULL;
	size_t n = 0;
	if (!err)
		err = unwinder_regs_ranges(u, &r, &n);
	CHECK(!err);
	take_error(err);
	CHECK(n == 4);
	if (n == 4) {
		CHECK(r[0].start == FN_E && r[0].end == FN_E + 0x20);
		CHECK(r[0].base == UNWIND_REGS_AT_SP && r[0].offset == 0);
		CHECK(!r[0].partial);
		CHECK(r[1].start == FN_E + 0x20 && r[1].end == FN_E + 0x28);
		CHECK(r[1].base == UNWIND_REGS_AT_SP_INDIRECT &&
		      r[1].offset == 8);
		CHECK(r[2].start == FN_E + 0x28 && r[2].end == FN_T);
		CHECK(r[2].base == UNWIND_REGS_AT_BP && r[2].offset == -40);
		CHECK(r[2].partial);
		CHECK(r[3].start == FN_T && r[3].end == TEXT_END);
	}
	free(r);
	unwinder_destroy(u);
}

int main(void)
{
	RUN(call_frames_end_at_user_mode_pt_regs);
	RUN(orc_layout_of_6_4_with_end_of_stack_type);
	RUN(kernel_exception_frame_continues_from_interrupted_rip);
	RUN(sleeping_task_starts_from_a_return_address);
	RUN(unreadable_stack_stops_with_the_address);
	RUN(address_without_orc_data_stops_with_a_reason);
	RUN(saved_registers_pointing_back_do_not_loop);
	RUN(frame_pointer_cfa_going_down_stops);
	RUN(unsorted_table_is_sorted_and_module_table_read_from_memory);
	RUN(corrupt_module_orc_count_is_refused_before_reading_the_table);
	RUN(user_mode_start_is_only_the_user_registers);
	RUN(code_without_orc_data_is_left_by_scanning_for_a_return_address);
	RUN(regs_ranges_for_gdb);
	return tap_done();
}
