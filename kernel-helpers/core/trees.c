// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/core/trees.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/addrset.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"

struct walk {
	struct kernel *k;
	struct tree_entries *out;
	struct addr_set seen;
	bool in_order, full;
	uint64_t left_off, right_off;		/* rb_node */
	uint64_t shift_off, slots_off, nr_slots;	/* xa_node */
	unsigned int chunk_shift;	/* XA_CHUNK_SHIFT: 6, or 4 (BASE_SMALL) */
};

static struct lkdb_error *warn(struct walk *w, const char *fmt, uint64_t addr)
{
	return lkdb_warning_append(&w->out->warnings, &w->out->nr_warnings,
				   fmt, addr);
}

static struct lkdb_error *emit(struct walk *w, uint64_t entry, uint64_t index,
			       const unsigned char *path, unsigned int depth)
{
	struct tree_entries *o = w->out;
	if (o->nr >= TREE_MAX_ENTRIES) {
		if (!w->full)
			lkdb_error_destroy(warn(w, "more than %" PRIu64 " entries: stopped there",
						TREE_MAX_ENTRIES));
		w->full = true;
		return NULL;
	}
	if (o->nr == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 64;
		struct tree_entry *grown = realloc(o->entries,
						   cap * sizeof(*grown));
		if (!grown)
			return &lkdb_error_oom;
		o->entries = grown;
		o->cap = cap;
	}
	struct tree_entry *e = &o->entries[o->nr++];
	e->entry = entry;
	e->index = index;
	e->depth = depth;
	memcpy(e->path, path, depth);
	return NULL;
}

/* A node not seen before (else a warning: the branch ends there). */
static struct lkdb_error *first_visit(struct walk *w, uint64_t node,
				      bool *ret)
{
	int added = addr_set_add(&w->seen, node);
	if (added < 0)
		return &lkdb_error_oom;
	*ret = added;
	return added ? NULL : warn(w, "node 0x%" PRIx64 " met twice (a cycle): not walked again",
				   node);
}

static struct lkdb_error *rb_walk(struct walk *w, uint64_t node,
				  unsigned char *path, unsigned int depth)
{
	bool fresh;
	struct lkdb_error *err = first_visit(w, node, &fresh);
	if (err || !fresh || w->full)
		return err;
	uint64_t left, right;
	err = kernel_read_uint(w->k, node + w->left_off, 8, &left);
	if (!err)
		err = kernel_read_uint(w->k, node + w->right_off, 8, &right);
	if (err) {
		lkdb_error_destroy(err);
		return warn(w, "rb_node 0x%" PRIx64 " cannot be read: its subtree is left out",
			    node);
	}
	if (!w->in_order && (err = emit(w, node, 0, path, depth)))
		return err;
	uint64_t child[2] = { left, right };
	for (int side = 0; side < 2; side++) {
		if (side == 1 && w->in_order &&
		    (err = emit(w, node, 0, path, depth)))
			return err;
		if (!child[side])
			continue;
		if (depth + 1 >= TREE_MAX_DEPTH) {
			err = warn(w, "rb_node 0x%" PRIx64 " is deeper than any red-black tree: its subtree is left out",
				   child[side]);
			if (err)
				return err;
			continue;
		}
		path[depth] = (unsigned char)side;
		if ((err = rb_walk(w, child[side], path, depth + 1)))
			return err;
	}
	return NULL;
}

struct lkdb_error *kernel_rbtree_walk(struct kernel *k, uint64_t node,
				      bool in_order, struct tree_entries *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct walk w = { .k = k, .out = ret, .in_order = in_order };
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = ktypes_member(t, "rb_node", "rb_left", &w.left_off, NULL);
	if (!err)
		err = ktypes_member(t, "rb_node", "rb_right", &w.right_off, NULL);
	unsigned char path[TREE_MAX_DEPTH];
	if (!err && node)
		err = rb_walk(&w, node, path, 0);
	addr_set_deinit(&w.seen);
	if (err)
		tree_entries_deinit(ret);
	return err;
}

/* An XArray's internal entries: low bits 10. */
static bool xa_internal(uint64_t e) { return (e & 3) == 2; }
static bool xa_node(uint64_t e) { return xa_internal(e) && e > 4096; }

/* expect: the shift a child must have (its parent's less 6), -1 at the root. */
static struct lkdb_error *xa_walk(struct walk *w, uint64_t node, uint64_t base,
				  int expect, unsigned char *path,
				  unsigned int depth)
{
	bool fresh;
	struct lkdb_error *err = first_visit(w, node, &fresh);
	if (err || !fresh || w->full)
		return err;
	uint64_t shift;
	uint64_t slots[64];
	err = kernel_read_uint(w->k, node + w->shift_off, 1, &shift);
	unsigned int cs = w->chunk_shift;
	if (!err && shift % cs == 0 && shift < 64)
		err = w->k->memory.read(w->k->memory.context,
					node + w->slots_off, slots,
					8 * w->nr_slots);
	if (err) {
		lkdb_error_destroy(err);
		return warn(w, "xa_node 0x%" PRIx64 " cannot be read: its entries are left out",
			    node);
	}
	if (shift % cs || shift >= 64 || (expect >= 0 && shift != (uint64_t)expect))
		return warn(w, "xa_node 0x%" PRIx64 " has a shift that is not its level's: left out",
			    node);
	for (uint64_t i = 0; i < w->nr_slots && !w->full; i++) {
		uint64_t e = slots[i], index = base | (i << shift);
		if (!e)
			continue;
		if (i > (UINT64_MAX >> shift))
			return warn(w, "xa_node 0x%" PRIx64 " has entries past the last index: left out",
				    node);
		path[depth] = (unsigned char)i;
		if (xa_node(e) && shift) {
			if (depth + 1 >= TREE_MAX_DEPTH)
				err = warn(w, "xa_node 0x%" PRIx64 " is too deep: left out",
					   e - 2);
			else
				err = xa_walk(w, e - 2, index, (int)(shift - cs),
					      path, depth + 1);
		} else if (!xa_internal(e)) {
			/* Sibling, retry and zero entries are internal. */
			err = emit(w, e, index, path, depth + 1);
		}
		if (err)
			return err;
	}
	return NULL;
}

struct lkdb_error *kernel_xarray_walk(struct kernel *k, uint64_t xarray,
				      bool node, struct tree_entries *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct walk w = { .k = k, .out = ret };
	uint64_t head_off, slots_size;
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = ktypes_member(t, "xa_node", "shift", &w.shift_off, NULL);
	if (!err)
		err = ktypes_member(t, "xa_node", "slots", &w.slots_off,
				    &slots_size);
	if (!err && !node)
		err = ktypes_member(t, "xarray", "xa_head", &head_off, NULL);
	if (err)
		return err;
	w.nr_slots = slots_size / 8;
	/* XA_CHUNK_SIZE: 64 slots, 16 with CONFIG_BASE_SMALL. */
	if (w.nr_slots != 64 && w.nr_slots != 16)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "xa_node.slots has %" PRIu64 " slots (an XArray node has 64, or 16)",
					 w.nr_slots);
	w.chunk_shift = w.nr_slots == 64 ? 6 : 4;
	unsigned char path[TREE_MAX_DEPTH];
	uint64_t head = node ? xarray + 2 : 0;
	if (!node && (err = kernel_read_uint(k, xarray + head_off, 8, &head)))
		return lkdb_error_prefix(err, "the XArray at 0x%" PRIx64, xarray);
	if (xa_node(head))
		err = xa_walk(&w, head - 2, 0, -1, path, 0);
	else if (head && !xa_internal(head))
		err = emit(&w, head, 0, path, 0);
	addr_set_deinit(&w.seen);
	if (err)
		tree_entries_deinit(ret);
	return err;
}

void tree_entry_position(const struct tree_entry *e, bool rbtree, char *buf,
			 size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "root");
	for (unsigned int i = 0; i < e->depth && n < size; i++) {
		if (rbtree)
			n += (size_t)snprintf(buf + n, size - n, "/%c",
					      e->path[i] ? 'r' : 'l');
		else
			n += (size_t)snprintf(buf + n, size - n, "/%u",
					      e->path[i]);
	}
}

void tree_entries_deinit(struct tree_entries *t)
{
	free(t->entries);
	lkdb_warnings_free(t->warnings, t->nr_warnings);
	memset(t, 0, sizeof(*t));
}
