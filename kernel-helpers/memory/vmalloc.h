/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's vmalloc areas as crash's kmem -v lists them: each busy
 * struct vmap_area that has a struct vm_struct (a vmalloc, vmap, ioremap
 * or module area; vm_map_ram's areas have none), with its address range
 * [va_start, va_end), in address order.
 *
 * Where they are, found by symbol: the busy areas sit on each vmap node's
 * busy.head list (vmap_nodes[0 .. nr_vmap_nodes), since 6.9: Uladzislau
 * Rezki's vmap_node series, which removed the global list), else on the
 * global vmap_area_list (vmap_area.list).  Lists are
 * walked bounded; one that loops or cannot be read is a warning, the
 * areas before kept.
 */
#ifndef LKDB_VMALLOC_H
#define LKDB_VMALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

#define VMALLOC_AREAS_MAX (1u << 22)

struct kernel_vmap_area {
	uint64_t va;		/* struct vmap_area */
	uint64_t vm;		/* struct vm_struct */
	uint64_t start, end;
};

struct kernel_vmap_areas {
	struct kernel_vmap_area *areas;
	size_t nr;
	char **warnings;
	size_t nr_warnings;
};

struct lkdb_error *kernel_read_vmap_areas(struct kernel *k,
					  struct kernel_vmap_areas *ret);
void kernel_vmap_areas_deinit(struct kernel_vmap_areas *a);

#endif
