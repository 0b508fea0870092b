/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One SLUB cache slab by slab, as crash's kmem -S walks it: for each CPU
 * its kmem_cache_cpu, its own slab (every object, free or allocated) and
 * its per-CPU partial slabs (kmem_cache_cpu.partial, linked by
 * slab->next); for each memory node its kmem_cache_node (nr_slabs,
 * nr_partial), the slabs of its partial list and, when the cache tracks
 * them (SLAB_STORE_USER and kmem_cache_node.full, CONFIG_SLUB_DEBUG), of
 * its full list.
 *
 * A slab's objects: its struct slab's objects and inuse counts; for a
 * CPU's own slab the free ones are those on the CPU's freelist plus those
 * other CPUs freed to the slab's own freelist (objects - inuse), as SLUB
 * counts them.  An object is free when it is on the slab's freelist or,
 * for a CPU's slab, on that CPU's.  Freelist pointers are decoded as the
 * kernel's freelist_ptr() does (CONFIG_SLAB_FREELIST_HARDENED: stored ^
 * kmem_cache.random ^ byte-swapped address of the pointer).  With
 * SLAB_RED_ZONE an object starts red_left_pad bytes into its slot.
 *
 * What differs between kernels, by type: struct slab since 5.17 (commit
 * d122019bf061 "mm: Split slab into its own type"; kmem_cache_cpu.slab,
 * was .page), struct page before; the cache flags' bits are enum
 * _slab_flag_bits's enumerators since 6.9 ("mm, slab: use an enum to
 * define SLAB_ cache creation flags": SLAB_RED_ZONE moved from 0x400),
 * the old fixed values before.
 *
 * Every walk is bounded (lists by SLABWALK_SLABS_MAX, freelists by the
 * slab's object count); a list that loops or cannot be read, a freelist
 * pointer outside its slab or met twice is a warning naming the cache and
 * slab, and the rest of the walk is kept.
 */
#ifndef LKDB_SLABWALK_H
#define LKDB_SLABWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

#define SLABWALK_SLABS_MAX (1u << 20)

/* How a cache stores its freelist pointers. */
struct slab_freelist_code {
	uint64_t offset;	/* of the pointer in a free object */
	bool hardened;
	uint64_t random;
};

struct lkdb_error *kernel_slab_freelist_code(struct kernel *k, uint64_t cache,
					     struct slab_freelist_code *ret);
/*
 * The objects of the freelist that starts at first, at most max of them,
 * into objs[] (max long); *nr_ret how many.  Each must lie in the slab's
 * memory [lo, hi) (it is not read otherwise).  INVALID naming the pointer
 * when one is outside, cannot be read, more than max are linked or one
 * comes twice: the objects before it are kept.
 */
struct lkdb_error *kernel_slab_freelist(struct kernel *k,
					const struct slab_freelist_code *c,
					uint64_t first, uint64_t lo,
					uint64_t hi, uint32_t max,
					uint64_t *objs, uint32_t *nr_ret);

/*
 * How far into its slot an object of the cache starts: kmem_cache's
 * red_left_pad when it has SLAB_RED_ZONE, else 0 (size: its slots').
 */
struct lkdb_error *kernel_slab_red_left_pad(struct kernel *k, uint64_t cache,
					    uint32_t size, uint32_t *pad_ret);

struct kernel_slab {
	uint64_t slab;		/* struct slab (struct page before 5.17) */
	uint64_t memory;	/* its first byte, in the direct map */
	int node;		/* -1: its node is unknown */
	uint32_t objects, inuse;
	int cpu;		/* the CPU whose own slab it is, else -1 */
	/* With objects listed (CPU slabs): free[i] for slot i. */
	bool *free;
};

struct kernel_slab_cpu {
	unsigned int cpu;
	bool online;
	uint64_t kmem_cache_cpu;
	bool has_slab;
	struct kernel_slab slab;
	struct kernel_slab *partial;	/* per-CPU partial slabs, listed */
	size_t nr_partial;
};

struct kernel_slab_node {
	unsigned int node;
	uint64_t addr;		/* struct kmem_cache_node, 0: none */
	uint64_t nr_slabs, nr_partial, per_cpu;
	struct kernel_slab *partial;
	size_t nr_partial_slabs;
	bool full_tracked;
	struct kernel_slab *full;
	size_t nr_full;
};

struct kernel_slab_walk {
	uint64_t cache;
	uint32_t size;			/* an object's slot */
	uint32_t red_left_pad;		/* added to a slot: the object */
	struct kernel_slab_cpu *cpus;
	size_t nr_cpus;
	struct kernel_slab_node *nodes;
	size_t nr_nodes;
	char **warnings;
	size_t nr_warnings;
};

/* Walk the cache's slabs (cache: its struct kmem_cache). */
struct lkdb_error *kernel_slab_walk(struct kernel *k, uint64_t cache,
				    struct kernel_slab_walk *ret);

/*
 * What the walk takes from the kernel's symbols, found by
 * kernel_slab_walk(); kernel_slab_walk_in() reads only k's memory and
 * types (the fuzz target's way in).
 */
struct percpu_cpus;
struct kernel_nodes;
struct slab_walk_env {
	uint64_t direct_map;		/* page_offset_base */
	uint64_t page_array;		/* vmemmap: struct page of pfn 0 */
	const struct percpu_cpus *cpus;
	const struct kernel_nodes *nodes;
};
struct lkdb_error *kernel_slab_walk_in(struct kernel *k,
				       const struct slab_walk_env *env,
				       uint64_t cache,
				       struct kernel_slab_walk *ret);
void kernel_slab_walk_deinit(struct kernel_slab_walk *w);

#endif
