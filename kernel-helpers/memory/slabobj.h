/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What SLUB object an address of the direct map is in (kmem ADDR): the
 * page's compound head, whether that is a slab page, its kmem_cache, the
 * object that holds the address, and whether the object is free.
 *
 * A slab page is told by PG_slab in the head page's flags before 6.10,
 * by the top byte of page_type equal to PGTY_slab since 6.12 ("mm: support
 * only one page_type per page"), both found by enumerator (6.10 and 6.11,
 * with neither, are said not to be told apart); struct slab overlays the head page (slab_cache, freelist,
 * the objects count).  Free objects are those on the slab's freelist and,
 * for a CPU's own slab, on that CPU's kmem_cache_cpu freelist; a freelist
 * pointer is stored obfuscated with CONFIG_SLAB_FREELIST_HARDENED
 * (kmem_cache.random present): stored ^ random ^ byte-swapped address of
 * the pointer, as the kernel's freelist_ptr() decodes it.  Freelist walks
 * are bounded by the slab's object count.
 */
#ifndef LKDB_SLABOBJ_H
#define LKDB_SLABOBJ_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

enum slab_object_state { SLAB_OBJECT_ALLOCATED, SLAB_OBJECT_FREE,
			 SLAB_OBJECT_UNKNOWN };

struct kernel_slab_object {
	uint64_t page;		/* the address's struct page */
	uint64_t slab;		/* the head page: struct slab */
	uint64_t cache;		/* struct kmem_cache */
	char cache_name[64];
	uint64_t slab_base;	/* the slab's first byte */
	uint32_t size, object_size, objects;
	uint64_t object;	/* the object holding the address */
	uint32_t index;
	bool in_tail;		/* past the last object: no object */
	enum slab_object_state state;
	char state_why[160];	/* why UNKNOWN */
};

/*
 * *is_slab false when addr is not in a slab page (not in the direct map,
 * or its page is no slab's); errors only when the kernel's pages cannot
 * be read or told apart.
 */
struct lkdb_error *kernel_slab_object(struct kernel *k, uint64_t addr,
				      bool *is_slab,
				      struct kernel_slab_object *ret);

#endif
