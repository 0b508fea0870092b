/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory zones of each online node (pglist_data.node_zones[], every
 * slot, populated or not) as crash's kmem -z and kmem -f show them and
 * /proc/zoneinfo and /proc/buddyinfo count them: the zone's name, its
 * page frames (zone_start_pfn, spanned_pages, present_pages,
 * managed_pages), its watermarks (_watermark[WMARK_MIN/LOW/HIGH], the
 * enumerators found in the DWARF; "watermark" before 5.0, "mm: reclaim
 * small amounts of memory when an external fragmentation event occurs"
 * renamed it), its vm_stat[] counters named by enum
 * zone_stat_item, and its buddy allocator: free_area[order].nr_free and,
 * when asked, each free_list[migratetype] walked and its blocks counted.
 *
 * The orders are free_area[]'s length (MAX_ORDER, NR_PAGE_ORDERS since
 * 6.8), the migrate types free_list[]'s; free pages link by
 * page.buddy_list (5.19, "mm/page_alloc: add page->buddy_list and
 * page->pcp_list"), page.lru before (the same place).  A free list walk
 * is bounded by the zone's pages (and 2^26); one that loops or cannot be
 * read is a warning naming the zone, order and type, its count so far
 * kept.
 */
#ifndef LKDB_ZONES_H
#define LKDB_ZONES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

struct kernel_zone {
	unsigned int node, index;
	uint64_t addr;			/* struct zone */
	char name[32];
	uint64_t start_pfn, spanned, present, managed;
	uint64_t node_start_pfn;	/* its node's */
	uint64_t min, low, high;
	uint64_t *vm_stat;		/* [nr_items] */
	uint64_t free_area;		/* &free_area[0] */
	uint64_t *nr_free;		/* [nr_orders] */
	uint64_t *blocks;		/* [order * nr_types + type], walked */
};

struct kernel_zones {
	struct kernel_zone *zones;	/* node by node, in index order */
	size_t nr;
	unsigned int nr_orders, nr_types;
	uint64_t free_area_size, free_list_offset, list_head_size;
	char **item_names;		/* vm_stat's, NULL where unnamed */
	size_t nr_items;
	char **warnings;
	size_t nr_warnings;
};

/* The zones; with walk, each free list's blocks counted (blocks set). */
struct lkdb_error *kernel_read_zones(struct kernel *k, bool walk,
				     struct kernel_zones *ret);
/*
 * The same for the given nodes and number of vm_stat items, reading only
 * k's memory and types (the fuzz target's way in).  ret->item_names, set
 * by the caller or NULL, is kept (and freed with ret); the rest is zeroed.
 */
struct kernel_nodes;
struct lkdb_error *kernel_read_zones_in(struct kernel *k,
					const struct kernel_nodes *nodes,
					size_t nr_items, bool walk,
					struct kernel_zones *ret);
/* The address of zone z's free_list[type] of order. */
uint64_t kernel_zone_free_list(const struct kernel_zones *zs,
			       const struct kernel_zone *z, unsigned int order,
			       unsigned int type);
void kernel_zones_deinit(struct kernel_zones *zs);

#endif
