/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kmem's views in their own files, for cmd_kmem.c's option parsing. */
#ifndef LKDB_KMEM_VIEWS_H
#define LKDB_KMEM_VIEWS_H

#include <stdbool.h>

#include "common/error.h"

struct lkdb_command_context;

/*
 * kmem -s [CACHE]: the caches' table; with slabs (kmem -S [CACHE]), each
 * cache's slabs and objects after its line.
 */
struct lkdb_error *kmem_slab_caches(struct lkdb_command_context *ctx,
				    const char *only, bool slabs);

/* kmem -z: the zones; kmem -f: their free lists (cmd_kmem_zones.c). */
struct lkdb_error *kmem_zones(struct lkdb_command_context *ctx);
struct lkdb_error *kmem_free_lists(struct lkdb_command_context *ctx);
/* kmem -v: the vmalloc areas (cmd_kmem_zones.c). */
struct lkdb_error *kmem_vmalloc(struct lkdb_command_context *ctx);

#endif
