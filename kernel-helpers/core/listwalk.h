/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A linked list in kernel memory, walked as crash's list command walks it:
 *
 *   LIST_NEXT_STRUCT  start is the first structure; the pointer at
 *                     offset in each points to the next structure
 *                     (a hand-made singly or doubly linked list)
 *   LIST_EMBEDDED     start is the first structure; the pointer at offset
 *                     points to the next one's list_head there (-h)
 *   LIST_HEAD         start is a list_head of its own, not an entry; its
 *                     entries' list_heads are at offset (-H)
 *
 * The walk ends at a NULL pointer, back at the start (or the head), or at
 * end when that is not 0.  It is bounded (max entries) and a structure met
 * twice is a loop: the walk stops with LKDB_ERROR_INVALID "list loops
 * back to ADDR after N entries", the entries before it kept; so does a
 * pointer that cannot be read ("... entry N: ...").
 */
#ifndef LKDB_LISTWALK_H
#define LKDB_LISTWALK_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/target.h"

enum list_walk_mode { LIST_NEXT_STRUCT, LIST_EMBEDDED, LIST_HEAD };

struct list_walk {
	uint64_t *entries;	/* structure addresses, in list order */
	size_t nr;
};

/*
 * Walk into ret (zeroed first).  Errors other than out-of-memory leave
 * ret with the entries found before the walk stopped.
 */
struct lkdb_error *kernel_list_walk(const struct kernel_memory_reader *mem,
				    uint64_t start, uint64_t offset,
				    enum list_walk_mode mode, uint64_t end,
				    size_t max, struct list_walk *ret);
void list_walk_deinit(struct list_walk *w);

#endif
