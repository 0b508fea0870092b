// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the zones and their buddy free lists
 * (kernel_read_zones_in, kernel-helpers/memory/zones.c, as kmem -z and
 * kmem -f use it) over a fake kernel: memory and layout from the input
 * (tests/unit/walker_input.h), node 0's pglist_data, the number of
 * vm_stat items and whether to walk the free lists its values.  Seeds:
 * the fake nodes of tests/unit/test_zones.c.  Besides crashes, leaks and
 * undefined behaviour it aborts when a promise is broken: the zones of
 * one node in index order, a free list's blocks no more than its zone's
 * pages (and the walk's bound), warnings and errors one line each.
 */
#include <stdint.h>
#include <stdlib.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/memory/zones.h"
#include "walker_input.h"

static void check(const struct kernel_zones *zs, bool walk)
{
	for (size_t i = 0; i < zs->nr; i++) {
		const struct kernel_zone *z = &zs->zones[i];
		if (z->node || z->index != i || (walk && !z->blocks) ||
		    (!walk && z->blocks))
			abort();
		for (size_t b = 0; walk && b < (size_t)zs->nr_orders * zs->nr_types;
		     b++)
			if (z->blocks[b] > z->spanned || z->blocks[b] > (1u << 26))
				abort();
	}
	walker_check_warnings(zs->warnings, zs->nr_warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walker_input in;
	struct kernel k = { .arch = &kernel_arch_x86_64 };
	if (walker_input_start(data, size, &in, &k.types, &k.memory)) {
		struct walker_zones_env e;
		struct kernel_zones zs = { 0 };
		bool walk = in.values[WALKER_ZONES_MODE] & 1;
		walker_zones_env(in.values, &e);
		struct lkdb_error *err = kernel_read_zones_in(
			&k, &e.nodes, in.values[WALKER_ZONES_ITEMS], walk, &zs);
		if (err) {
			walker_check_error(err, zs.zones);
		} else {
			check(&zs, walk);
			kernel_zones_deinit(&zs);
		}
	}
	walker_input_finish(&in, k.types);
	return 0;
}
