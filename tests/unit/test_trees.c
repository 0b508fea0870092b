// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/core/trees.c over fake trees laid out as
 * the kernel has them on 64-bit: a red-black tree in pre-order and in
 * order with its positions, an XArray of two levels in index order with
 * multi-index and internal (sibling) entries, a single-entry XArray, and
 * damaged ones (a loop, a node that cannot be read) whose warnings keep
 * what was read.
 */
#include <inttypes.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/trees.h"
#include "tap.h"
#include "walker_input.h"

static const char table[] =
	"rb_node 0 24\n"
	"rb_node.rb_right 8 8\n"
	"rb_node.rb_left 16 8\n"
	"xarray 0 16\n"
	"xarray.xa_head 8 8\n"
	"xa_node 0 576\n"
	"xa_node.shift 0 1\n"
	"xa_node.slots 40 512\n";

#define R 0x1000ULL
#define L 0x1100ULL
#define LL 0x1200ULL
#define RR 0x1300ULL
#define XA 0x2000ULL
#define NA 0x3000ULL
#define NB 0x4000ULL
#define E1 0xffff888000001000ULL
#define E2 0xffff888000002000ULL
#define E3 0xffff888000003000ULL

static struct fake_memory m;
static struct kernel k = { .arch = &kernel_arch_x86_64 };

static bool setup(void)
{
	take_error(ktypes_create_from_table(table, &k.types));
	k.memory = (struct kernel_memory_reader){ &m, fake_read, NULL };
	return err_code == 0;
}

/* With LKDB_FUZZ_SEED_DIR: the fake tree as a seed of fuzz_trees. */
static void seed(uint64_t rb, uint64_t xa, uint64_t mode)
{
	uint64_t values[WALKER_TREES_VALUES] = {
		[WALKER_TREES_RB_NODE] = rb, [WALKER_TREES_XARRAY] = xa,
		[WALKER_TREES_MODE] = mode,
	};
	if (!walker_seed_save(tap_current_name, 0, table, values,
			      WALKER_TREES_VALUES, &m))
		printf("# cannot save a fuzz seed\n");
}

static void node(uint64_t at, uint64_t left, uint64_t right)
{
	unsigned char *p = map(&m, at, 24);
	put(p + 8, right, 8);
	put(p + 16, left, 8);
}

/* R(L(LL, -), RR) */
static void build_rbtree(void)
{
	memset(&m, 0, sizeof(m));
	node(R, L, RR);
	node(L, LL, 0);
	node(LL, 0, 0);
	node(RR, 0, 0);
}

/* "ENTRY@POSITION ..." (rbtree) or "INDEX=ENTRY@POSITION ..." (XArray). */
static const char *listing(const struct tree_entries *t, bool rbtree)
{
	static char buf[512];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < t->nr; i++) {
		const struct tree_entry *e = &t->entries[i];
		char pos[128], index[32] = "";
		tree_entry_position(e, rbtree, pos, sizeof(pos));
		if (!rbtree)
			snprintf(index, sizeof(index), "%" PRIu64 "=", e->index);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s%" PRIx64 "@%s",
				      i ? " " : "", index, e->entry, pos);
	}
	return buf;
}

static const char *order(const struct tree_entries *t)
{
	return listing(t, true);
}

TEST(rbtree_in_pre_order_and_in_order_with_positions)
{
	struct tree_entries t;
	build_rbtree();
	seed(R, 0, 0);
	take_error(kernel_rbtree_walk(&k, R, false, &t));
	CHECK(err_code == 0 && t.nr_warnings == 0);
	CHECK_STR(order(&t), "1000@root 1100@root/l 1200@root/l/l 1300@root/r");
	tree_entries_deinit(&t);
	take_error(kernel_rbtree_walk(&k, R, true, &t));
	CHECK_STR(order(&t), "1200@root/l/l 1100@root/l 1000@root 1300@root/r");
	tree_entries_deinit(&t);
	take_error(kernel_rbtree_walk(&k, 0, false, &t));
	CHECK(err_code == 0 && t.nr == 0);
	unmap_all(&m);
}

TEST(rbtree_loop_and_unreadable_node_are_warnings_and_the_rest_is_kept)
{
	struct tree_entries t;
	build_rbtree();
	put(at(&m, RR) + 16, R, 8);		/* RR's left is the root */
	put(at(&m, L) + 8, 0x9000, 8);		/* L's right cannot be read */
	seed(R, 0, 1);
	take_error(kernel_rbtree_walk(&k, R, false, &t));
	CHECK(err_code == 0 && t.nr == 4 && t.nr_warnings == 2);
	CHECK(t.nr_warnings == 2 && strstr(t.warnings[0], "0x9000 cannot be read") &&
	      strstr(t.warnings[1], "met twice"));
	tree_entries_deinit(&t);
	unmap_all(&m);
}

/*
 * XA -> NA (shift 6): slot 1 -> NB (shift 0): E1 at 0, E2 at 5, a
 * sibling entry at 6; slot 3: E3 (covering 192..255).
 */
static void build_xarray(void)
{
	memset(&m, 0, sizeof(m));
	unsigned char *xa = map(&m, XA, 16);
	unsigned char *na = map(&m, NA, 576);
	unsigned char *nb = map(&m, NB, 576);
	put(xa + 8, NA | 2, 8);
	na[0] = 6;
	put(na + 40 + 8 * 1, NB | 2, 8);
	put(na + 40 + 8 * 3, E3, 8);
	nb[0] = 0;
	put(nb + 40 + 8 * 0, E1, 8);
	put(nb + 40 + 8 * 5, E2, 8);
	put(nb + 40 + 8 * 6, (5 << 2) | 2, 8);
}

static const char *entries(const struct tree_entries *t)
{
	return listing(t, false);
}

TEST(xarray_in_index_order_internal_entries_left_out)
{
	struct tree_entries t;
	build_xarray();
	seed(0, XA, 0);
	take_error(kernel_xarray_walk(&k, XA, false, &t));
	CHECK(err_code == 0 && t.nr_warnings == 0);
	CHECK_STR(entries(&t), "64=ffff888000001000@root/1/0 69=ffff888000002000@root/1/5 "
			       "192=ffff888000003000@root/3");
	tree_entries_deinit(&t);
	/* -N: from a node. */
	take_error(kernel_xarray_walk(&k, NB, true, &t));
	CHECK_STR(entries(&t), "0=ffff888000001000@root/0 5=ffff888000002000@root/5");
	tree_entries_deinit(&t);
	/* One entry in the head: index 0. */
	put(at(&m, XA) + 8, E1, 8);
	take_error(kernel_xarray_walk(&k, XA, false, &t));
	CHECK_STR(entries(&t), "0=ffff888000001000@root");
	tree_entries_deinit(&t);
	unmap_all(&m);
}

TEST(xarray_loop_and_bad_node_are_warnings)
{
	struct tree_entries t;
	build_xarray();
	put(at(&m, NA) + 40 + 8 * 2, NA | 2, 8);	/* back to itself */
	at(&m, NB)[0] = 7;				/* no level's shift */
	seed(R, XA, 0);
	take_error(kernel_xarray_walk(&k, XA, false, &t));
	CHECK(err_code == 0 && t.nr == 1 && t.nr_warnings == 2);
	CHECK(t.nr_warnings == 2 && strstr(t.warnings[0], "shift") &&
	      strstr(t.warnings[1], "met twice"));
	tree_entries_deinit(&t);
	unmap_all(&m);
}

int main(void)
{
	if (!setup()) {
		printf("Bail out! the type table\n");
		return 1;
	}
	RUN(rbtree_in_pre_order_and_in_order_with_positions);
	RUN(rbtree_loop_and_unreadable_node_are_warnings_and_the_rest_is_kept);
	RUN(xarray_in_index_order_internal_entries_left_out);
	RUN(xarray_loop_and_bad_node_are_warnings);
	int status = tap_done();
	ktypes_destroy(k.types);
	return status;
}
