/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A reader of the kernel's maple trees (lib/maple_tree.c, 6.1+: a task's
 * VMAs since commit d4af56c5c7c6 "mm: start tracking VMAs with maple tree",
 * the interrupt descriptors since 6.5): every entry with the range of
 * indexes it covers, in index order.
 *
 * Layout, as include/linux/maple_tree.h has it on 64-bit: a tree's ma_root
 * is an entry or an encoded node pointer (bits 0-1 are 2 and it is above
 * 4096: a node at the pointer with its low 8 bits cleared, of type bits
 * 3-6: dense, leaf_64, range_64, arange_64); an inner node's slots hold
 * such pointers to its children (without bit 1).  Range nodes hold 15 pivots
 * then 16 slots, arange nodes 9 pivots then 10 slots; slot i covers the
 * indexes from pivot[i-1]+1 (the node's minimum for slot 0) to pivot[i]
 * (the node's maximum for the last slot, or where a pivot equals the
 * maximum; a 0 pivot after the first ends the node), as the kernel's own
 * mt_dump() reads them.  The sizes and
 * offsets are read from the vmlinux's own struct maple_node, never
 * written here.
 *
 * The walk is bounded (height 31, a node seen twice is a loop) and a node
 * that cannot be read or makes no sense ends its part of the walk with a
 * warning; what was read is kept.
 */
#ifndef LKDB_MAPLETREE_H
#define LKDB_MAPLETREE_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

struct maple_entry {
	uint64_t first, last;	/* the indexes the entry covers */
	uint64_t value;		/* the entry (a pointer, for VMAs) */
};

struct maple_entries {
	struct maple_entry *entries;
	size_t nr;
	unsigned int nodes;	/* nodes read */
	char **warnings;
	size_t nr_warnings;
};

/*
 * The entries of the struct maple_tree at tree (a kernel address).  An
 * error only when nothing can be read at all (no such types, the root
 * unreadable).
 */
struct lkdb_error *maple_tree_read(struct kernel *k, uint64_t tree,
				   struct maple_entries *ret);
void maple_entries_deinit(struct maple_entries *e);

#endif
