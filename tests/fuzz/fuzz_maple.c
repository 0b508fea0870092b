// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the maple tree walk (kernel-helpers/core/mapletree.c)
 * over a fake kernel: memory and layout from the input
 * (tests/unit/walker_input.h), the tree's address its first value.
 * Seeds: the fake trees of tests/unit/test_mapletree.c.  Besides crashes,
 * leaks and undefined behaviour it aborts when a promise is broken:
 * entries in index order with first <= last, at most one node read per
 * node visited, warnings and errors one line each.
 */
#include <stdint.h>
#include <stdlib.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/mapletree.h"
#include "walker_input.h"

static void check(const struct maple_entries *e, unsigned int reads)
{
	for (size_t i = 0; i < e->nr; i++) {
		if (e->entries[i].first > e->entries[i].last ||
		    (i && e->entries[i].first <= e->entries[i - 1].last))
			abort();
	}
	/* the root pointer, then one read per node (read or not) */
	if (reads > 1 + e->nodes + e->nr_warnings)
		abort();
	walker_check_warnings(e->warnings, e->nr_warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walker_input in;
	struct kernel k = { .arch = &kernel_arch_x86_64 };
	if (walker_input_start(data, size, &in, &k.types, &k.memory)) {
		struct maple_entries e;
		struct lkdb_error *err = maple_tree_read(
			&k, in.values[WALKER_MAPLE_TREE], &e);
		if (err) {
			walker_check_error(err, e.entries);
		} else {
			check(&e, in.memory.reads);
			maple_entries_deinit(&e);
		}
	}
	walker_input_finish(&in, k.types);
	return 0;
}
