/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's resource trees: I/O ports (ioport_resource) and memory
 * (iomem_resource), as /proc/ioports and /proc/iomem show them and crash's
 * dev -i lists them.  Each struct resource has start, end (inclusive),
 * name, and the tree links parent, sibling, child; the list is depth
 * first, a node then its children then its next sibling, the root first
 * (depth 0; /proc shows its children from depth 0).
 *
 * The walk is bounded (KERNEL_RESOURCES_MAX nodes, KERNEL_RESOURCE_DEPTH_MAX
 * deep) and cycle-checked: a node seen before, one that cannot be read or
 * a bound ends that chain with a warning naming the address, the rest kept.
 * A name that cannot be read is "(unknown)", as crash prints it.
 */
#ifndef LKDB_RESOURCES_H
#define LKDB_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

#define KERNEL_RESOURCES_MAX 65536
#define KERNEL_RESOURCE_DEPTH_MAX 32
#define KERNEL_RESOURCE_NAME_MAX 128

struct kernel_resource {
	uint64_t resource;		/* the struct resource */
	uint64_t start, end;		/* end included */
	unsigned int depth;		/* 0: the root */
	char name[KERNEL_RESOURCE_NAME_MAX];
};

struct kernel_resources {
	struct kernel_resource *res;
	size_t nr;
	char **warnings;
	size_t nr_warnings;
};

/* The tree under the struct resource at root (its run-time address). */
struct lkdb_error *kernel_read_resources(struct kernel *k, uint64_t root,
					 struct kernel_resources *ret);
void kernel_resources_deinit(struct kernel_resources *r);

#endif
