/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's red-black trees and XArrays (radix trees are XArrays since
 * 4.20's commit f8d5d0cc145c "xarray: Add definition of struct xarray"),
 * walked as crash's tree command shows them: an rbtree's nodes in
 * pre-order (root, left, right) or in order, each with its path from the
 * root; an XArray's entries in index order, each with its index and the
 * slot offsets leading to it.  Layouts from the types (rb_node's rb_left
 * and rb_right, xarray's xa_head, xa_node's shift and slots).  Bounded:
 * TREE_MAX_DEPTH levels, TREE_MAX_ENTRIES entries, a node met twice ends
 * that branch; what cannot be read is a warning, what was read is kept.
 */
#ifndef LKDB_TREES_H
#define LKDB_TREES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

#define TREE_MAX_DEPTH 64
#define TREE_MAX_ENTRIES 1000000

struct tree_entry {
	uint64_t entry;		/* an rb_node, or the XArray's entry */
	uint64_t index;		/* XArray: its index */
	unsigned int depth;
	/* rbtree: 0 left, 1 right; XArray: each level's slot offset. */
	unsigned char path[TREE_MAX_DEPTH];
};

struct tree_entries {
	struct tree_entry *entries;
	size_t nr, cap;
	char **warnings;
	size_t nr_warnings;
};

/* The tree under the rb_node at node (0: empty); in_order: crash's -l. */
struct lkdb_error *kernel_rbtree_walk(struct kernel *k, uint64_t node,
				      bool in_order, struct tree_entries *ret);
/*
 * The XArray (or radix tree root) at xarray; node: xarray is an xa_node
 * itself (crash's -N).
 */
struct lkdb_error *kernel_xarray_walk(struct kernel *k, uint64_t xarray,
				      bool node, struct tree_entries *ret);
/* "root/l/r", or "root/3/12" (XArray), into buf. */
void tree_entry_position(const struct tree_entry *e, bool rbtree, char *buf,
			 size_t size);
void tree_entries_deinit(struct tree_entries *t);

#endif
