// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the walk of one SLUB cache's slabs and objects
 * (kernel_slab_walk_in, kernel-helpers/memory/slabwalk.c, as kmem -S uses
 * it) over a fake kernel: memory and layout from the input
 * (tests/unit/walker_input.h), the cache, the direct map, the page array,
 * the CPUs and the node its values.  Seeds: the fake caches of
 * tests/unit/test_slabwalk.c.  Besides crashes, leaks and undefined
 * behaviour it aborts when a promise is broken: at most two CPUs and one
 * node, lists within SLABWALK_SLABS_MAX, a slab's allocated objects no
 * more than it has, its listed objects only where it has them, a CPU's
 * own slab marked with its CPU, warnings and errors one line each.
 */
#include <stdint.h>
#include <stdlib.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/memory/slabwalk.h"
#include "walker_input.h"

static void check_slab(const struct kernel_slab *s, int cpu)
{
	if (s->inuse > s->objects || s->cpu != cpu ||
	    (s->free && !s->objects))
		abort();
}

static void check(const struct kernel_slab_walk *w)
{
	if (w->nr_cpus > 2 || w->nr_nodes > 1)
		abort();
	for (size_t i = 0; i < w->nr_cpus; i++) {
		const struct kernel_slab_cpu *c = &w->cpus[i];
		if (c->has_slab && c->slab.objects)
			check_slab(&c->slab, (int)c->cpu);
		if (c->nr_partial > SLABWALK_SLABS_MAX)
			abort();
		for (size_t p = 0; p < c->nr_partial; p++)
			check_slab(&c->partial[p], -1);
	}
	for (size_t i = 0; i < w->nr_nodes; i++) {
		const struct kernel_slab_node *n = &w->nodes[i];
		if (n->nr_partial_slabs > SLABWALK_SLABS_MAX ||
		    n->nr_full > SLABWALK_SLABS_MAX ||
		    (!n->full_tracked && n->nr_full))
			abort();
		for (size_t p = 0; p < n->nr_partial_slabs; p++)
			check_slab(&n->partial[p], -1);
		for (size_t p = 0; p < n->nr_full; p++)
			check_slab(&n->full[p], -1);
	}
	walker_check_warnings(w->warnings, w->nr_warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walker_input in;
	struct kernel k = { .arch = &kernel_arch_x86_64 };
	if (walker_input_start(data, size, &in, &k.types, &k.memory)) {
		struct walker_slab_env e;
		struct kernel_slab_walk w;
		walker_slab_env(in.values, &e);
		struct lkdb_error *err = kernel_slab_walk_in(
			&k, &e.env, in.values[WALKER_SLAB_CACHE], &w);
		if (err) {
			walker_check_error(err, w.cpus);
		} else {
			check(&w);
			kernel_slab_walk_deinit(&w);
		}
	}
	walker_input_finish(&in, k.types);
	return 0;
}
