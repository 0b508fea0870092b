// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/core/mapletree.c over fake maple trees laid
 * out as include/linux/maple_tree.h has them on 64-bit: a root arange_64
 * node over two leaf_64 nodes, a tree of one entry, an empty tree, and
 * damaged ones (a loop, a pivot out of order, a child that cannot be
 * read, a height beyond the limit).  With LKDB_FUZZ_SEED_DIR each tree is
 * saved as a seed of fuzz_maple.
 */
#include <inttypes.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/mapletree.h"
#include "tap.h"
#include "walker_input.h"

static const char table[] =
	"maple_node 0 256\n"
	"maple_node.slot 8 248\n"
	"maple_range_64.pivot 8 120\n"
	"maple_range_64.slot 128 128\n"
	"maple_arange_64.pivot 8 72\n"
	"maple_arange_64.slot 80 80\n"
	"maple_tree.ma_root 8 8\n";

#define TREE 0x20000ULL
#define ROOT 0x10000ULL
#define LEAF_A 0x10100ULL
#define LEAF_B 0x10200ULL
#define MAX UINT64_MAX
#define E1 0xffff888000001000ULL
#define E2 0xffff888000002000ULL
#define E3 0xffff888000003000ULL

enum { DENSE, LEAF, RANGE, ARANGE };

/* An encoded node pointer: type in bits 3-6, bit 2 (not full). */
static uint64_t enode(uint64_t node, int type)
{
	return node | (uint64_t)type << 3 | 4;
}

static void set_pivot(unsigned char *node, int type, int i, uint64_t v)
{
	(void)type;
	put(node + 8 + 8 * i, v, 8);
}

static void set_slot(unsigned char *node, int type, int i, uint64_t v)
{
	put(node + (type == ARANGE ? 80 : 128) + 8 * i, v, 8);
}

/*
 * ROOT (arange) covers 0..0x5fffff with LEAF_A and the rest with LEAF_B.
 * LEAF_A: a gap to 0x3fffff, E1 0x400000-0x400fff, E2 to 0x584fff, a gap
 * to 0x5fffff.  LEAF_B: E3 0x600000-0x600fff, then a gap to the end.
 */
static void build(struct fake_memory *m)
{
	memset(m, 0, sizeof(*m));
	unsigned char *tree = map(m, TREE, 16);
	unsigned char *root = map(m, ROOT, 256);
	unsigned char *a = map(m, LEAF_A, 256);
	unsigned char *b = map(m, LEAF_B, 256);
	put(tree + 8, enode(ROOT, ARANGE) | 2, 8);
	set_pivot(root, ARANGE, 0, 0x5fffff);
	set_pivot(root, ARANGE, 1, MAX);
	set_slot(root, ARANGE, 0, enode(LEAF_A, LEAF));
	set_slot(root, ARANGE, 1, enode(LEAF_B, LEAF));
	uint64_t pa[] = { 0x3fffff, 0x400fff, 0x584fff, 0x5fffff };
	uint64_t sa[] = { 0, E1, E2, 0 };
	for (int i = 0; i < 4; i++) {
		set_pivot(a, LEAF, i, pa[i]);
		set_slot(a, LEAF, i, sa[i]);
	}
	set_pivot(b, LEAF, 0, 0x600fff);
	set_pivot(b, LEAF, 1, MAX);
	set_slot(b, LEAF, 0, E3);
}

static bool read_tree(struct fake_memory *m, struct maple_entries *e)
{
	struct kernel k = { .arch = &kernel_arch_x86_64 };
	take_error(ktypes_create_from_table(table, &k.types));
	CHECK(err_code == 0);
	if (err_code)
		return false;
	k.memory = (struct kernel_memory_reader){ m, fake_read, NULL };
	uint64_t values[WALKER_MAPLE_VALUES] = { [WALKER_MAPLE_TREE] = TREE };
	if (!walker_seed_save(tap_current_name, 0, table, values,
			      WALKER_MAPLE_VALUES, m))
		printf("# cannot save a fuzz seed\n");
	take_error(maple_tree_read(&k, TREE, e));
	ktypes_destroy(k.types);
	for (size_t i = 0; !err_code && i < e->nr_warnings; i++)
		printf("# warning: %s\n", e->warnings[i]);
	return err_code == 0;
}

static bool has(const struct maple_entries *e, size_t i, uint64_t first,
		uint64_t last, uint64_t value)
{
	return i < e->nr && e->entries[i].first == first &&
	       e->entries[i].last == last && e->entries[i].value == value;
}

static bool warned(const struct maple_entries *e, const char *what)
{
	for (size_t i = 0; i < e->nr_warnings; i++) {
		if (strstr(e->warnings[i], what))
			return true;
	}
	return false;
}

TEST(two_levels_in_index_order_with_ranges)
{
	struct fake_memory m;
	struct maple_entries e;
	build(&m);
	if (!read_tree(&m, &e))
		return;
	CHECK(e.nr == 3 && e.nr_warnings == 0 && e.nodes == 3);
	CHECK(has(&e, 0, 0x400000, 0x400fff, E1));
	CHECK(has(&e, 1, 0x401000, 0x584fff, E2));
	CHECK(has(&e, 2, 0x600000, 0x600fff, E3));
	maple_entries_deinit(&e);
	unmap_all(&m);
}

TEST(one_entry_in_the_root_and_an_empty_tree)
{
	struct fake_memory m;
	struct maple_entries e;
	build(&m);
	put(at(&m, TREE) + 8, E1, 8);
	if (read_tree(&m, &e)) {
		CHECK(e.nr == 1 && has(&e, 0, 0, 0, E1) && e.nodes == 0);
		maple_entries_deinit(&e);
	}
	put(at(&m, TREE) + 8, 0, 8);
	if (read_tree(&m, &e)) {
		CHECK(e.nr == 0 && e.nr_warnings == 0);
		maple_entries_deinit(&e);
	}
	unmap_all(&m);
}

/* A child that is the root again: a loop, said once; LEAF_A's entries stay. */
TEST(loop_is_a_warning_and_the_rest_is_kept)
{
	struct fake_memory m;
	struct maple_entries e;
	build(&m);
	set_slot(at(&m, ROOT), ARANGE, 1, enode(ROOT, ARANGE));
	if (!read_tree(&m, &e))
		return;
	CHECK(e.nr == 2 && has(&e, 1, 0x401000, 0x584fff, E2));
	CHECK(warned(&e, "met again") && e.nr_warnings == 1);
	maple_entries_deinit(&e);
	unmap_all(&m);
}

TEST(pivot_out_of_order_ends_that_node)
{
	struct fake_memory m;
	struct maple_entries e;
	build(&m);
	set_pivot(at(&m, LEAF_A), LEAF, 2, 0x300000);
	if (!read_tree(&m, &e))
		return;
	/* E1 before the bad pivot, E3 in the other leaf. */
	CHECK(e.nr == 2 && has(&e, 0, 0x400000, 0x400fff, E1) &&
	      has(&e, 1, 0x600000, 0x600fff, E3));
	CHECK(warned(&e, "slot 2 ends at 0x300000"));
	maple_entries_deinit(&e);
	unmap_all(&m);
}

TEST(unreadable_child_is_named)
{
	struct fake_memory m;
	struct maple_entries e;
	build(&m);
	set_slot(at(&m, ROOT), ARANGE, 0, enode(0x90000, LEAF));
	if (!read_tree(&m, &e))
		return;
	CHECK(e.nr == 1 && has(&e, 0, 0x600000, 0x600fff, E3));
	CHECK(warned(&e, "maple node 0x90000"));
	maple_entries_deinit(&e);
	unmap_all(&m);
}

/* Inner nodes all the way down, each its own: the height limit ends it. */
TEST(deeper_than_a_maple_tree_stops)
{
	struct fake_memory m;
	struct maple_entries e;
	memset(&m, 0, sizeof(m));
	put(map(&m, TREE, 16) + 8, enode(ROOT, RANGE) | 2, 8);
	for (uint64_t i = 0; i < 40; i++) {
		unsigned char *n = map(&m, ROOT + 256 * i, 256);
		set_pivot(n, RANGE, 0, MAX);
		set_slot(n, RANGE, 0, enode(ROOT + 256 * (i + 1), RANGE));
	}
	if (!read_tree(&m, &e))
		return;
	CHECK(e.nr == 0 && warned(&e, "deeper than a maple tree can be"));
	CHECK(e.nodes == 32);
	maple_entries_deinit(&e);
	unmap_all(&m);
}

int main(void)
{
	RUN(two_levels_in_index_order_with_ranges);
	RUN(one_entry_in_the_root_and_an_empty_tree);
	RUN(loop_is_a_warning_and_the_rest_is_kept);
	RUN(pivot_out_of_order_ends_that_node);
	RUN(unreadable_child_is_named);
	RUN(deeper_than_a_maple_tree_stops);
	return tap_done();
}
