/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SLUB's caches as /proc/slabinfo counts them (mm/slub.c get_slabinfo()):
 * for each cache on slab_caches, over its nodes (kmem_cache.node[], up to
 * nr_node_ids): slabs = node->nr_slabs, objects = node->total_objects,
 * free = the free objects of the slabs on node->partial (objects - inuse);
 * active = objects - free.  Objects per slab and the slab's order come
 * from kmem_cache.oo (order above bit 16).
 *
 * What differs between kernels, found by type: a partial list links
 * struct slab by slab_list since 5.17 (commit d122019bf061 "mm: Split
 * slab into its own type"), struct page by slab_list or lru before; the
 * node counters exist only with CONFIG_SLUB_DEBUG (the one error a kernel
 * without them gives), and a kernel built with SLAB or SLOB has no
 * kmem_cache.cpu_slab: said so.  Walks are bounded and a list that loops
 * or cannot be read is a warning naming the cache; the rest is kept.
 */
#ifndef LKDB_SLAB_H
#define LKDB_SLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

struct kernel_slab_cache {
	uint64_t addr;			/* the struct kmem_cache */
	char name[64];
	uint32_t object_size, size;	/* the object, and its slot */
	uint32_t objects_per_slab, order;
	uint64_t slabs, objects, free;	/* /proc/slabinfo's counts */
	bool counted;			/* false: counts unreadable (warned) */
};

struct kernel_slab_caches {
	struct kernel_slab_cache *caches;
	size_t nr;
	char **warnings;
	size_t nr_warnings;
};

struct lkdb_error *kernel_read_slab_caches(struct kernel *k,
					   struct kernel_slab_caches *ret);
void kernel_slab_caches_deinit(struct kernel_slab_caches *c);

#endif
