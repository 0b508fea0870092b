// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the red-black tree and XArray walks (kernel-helpers/
 * core/trees.c) over a fake kernel: memory and layout from the input
 * (tests/unit/walker_input.h), the roots and the mode its values.  Seeds:
 * the fake trees of tests/unit/test_trees.c.  Besides crashes, leaks and
 * undefined behaviour it aborts when a promise is broken: at most
 * TREE_MAX_ENTRIES entries, depths within TREE_MAX_DEPTH, an XArray's
 * indexes ascending, warnings and errors one line each.
 */
#include <stdint.h>
#include <stdlib.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/trees.h"
#include "walker_input.h"

static void check(const struct tree_entries *t, bool xarray)
{
	if (t->nr > TREE_MAX_ENTRIES)
		abort();
	for (size_t i = 0; i < t->nr; i++) {
		if (t->entries[i].depth > TREE_MAX_DEPTH ||
		    (xarray && i && t->entries[i].index <= t->entries[i - 1].index))
			abort();
	}
	walker_check_warnings(t->warnings, t->nr_warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walker_input in;
	struct kernel k = { .arch = &kernel_arch_x86_64 };
	if (walker_input_start(data, size, &in, &k.types, &k.memory)) {
		uint64_t mode = in.values[WALKER_TREES_MODE];
		struct tree_entries t;
		struct lkdb_error *err = kernel_rbtree_walk(
			&k, in.values[WALKER_TREES_RB_NODE], mode & 1, &t);
		if (err) {
			walker_check_error(err, t.entries);
		} else {
			check(&t, false);
			tree_entries_deinit(&t);
		}
		err = kernel_xarray_walk(&k, in.values[WALKER_TREES_XARRAY],
					 mode & 2, &t);
		if (err) {
			walker_check_error(err, t.entries);
		} else {
			check(&t, true);
			tree_entries_deinit(&t);
		}
	}
	walker_input_finish(&in, k.types);
	return 0;
}
