// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/core/mapletree.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/addrset.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"

#define MAPLE_HEIGHT_MAX 31
#define MAPLE_NODE_MASK 255ULL
#define MAPLE_NODE_BYTES_MAX 512
/* More nodes than a 1 TiB address space of 4 KiB VMAs needs. */
#define MAPLE_NODES_MAX (1u << 24)

enum maple_type { MAPLE_DENSE, MAPLE_LEAF_64, MAPLE_RANGE_64, MAPLE_ARANGE_64 };

/* Where a node type keeps its pivots and slots. */
struct node_kind {
	uint64_t pivot_off, nr_pivots, slot_off, nr_slots;
};

struct walk {
	struct kernel *k;
	uint64_t node_size;
	struct node_kind kinds[4];
	struct maple_entries *out;
	size_t cap;
	struct addr_set seen;
};

static struct lkdb_error *warn(struct walk *w, struct lkdb_error *err)
{
	struct lkdb_error *e = lkdb_warning_append(&w->out->warnings,
						   &w->out->nr_warnings, "%s",
						   err->message);
	lkdb_error_destroy(err);
	return e;
}

/*
 * ma_root holding a node: internal (low bits 10: MAPLE_ROOT_NODE) and not
 * one of the small reserved values.
 */
static bool is_node(uint64_t entry)
{
	return (entry & 3) == 2 && entry > 4096;
}

static struct lkdb_error *emit(struct walk *w, uint64_t first, uint64_t last,
			       uint64_t value)
{
	struct maple_entries *o = w->out;
	if (o->nr == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct maple_entry *grown = realloc(o->entries,
						    cap * sizeof(*grown));
		if (!grown)
			return &lkdb_error_oom;
		o->entries = grown;
		w->cap = cap;
	}
	o->entries[o->nr++] = (struct maple_entry){ first, last, value };
	return NULL;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static struct lkdb_error *walk_node(struct walk *w, uint64_t enode,
				    uint64_t min, uint64_t max,
				    unsigned int depth)
{
	uint64_t node = enode & ~MAPLE_NODE_MASK;
	unsigned int type = (enode >> 3) & 0xf;
	if (depth > MAPLE_HEIGHT_MAX || type > MAPLE_ARANGE_64)
		return warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
						 "maple node 0x%" PRIx64 ": %s: that part of the tree is left out",
						 node, depth > MAPLE_HEIGHT_MAX ?
							"deeper than a maple tree can be" :
							"not a node type"));
	int added = w->out->nodes < MAPLE_NODES_MAX ?
			    addr_set_add(&w->seen, node) : 0;
	if (added < 0)
		return &lkdb_error_oom;
	if (!added)
		return warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
						 "maple node 0x%" PRIx64 " met again after %u nodes (a loop): that part of the tree is left out",
						 node, w->out->nodes));
	unsigned char buf[MAPLE_NODE_BYTES_MAX];
	struct lkdb_error *err = w->k->memory.read(w->k->memory.context, node,
						   buf, w->node_size);
	if (err)
		return warn(w, lkdb_error_prefix(err, "maple node 0x%" PRIx64,
						 node));
	w->out->nodes++;
	const struct node_kind *kind = &w->kinds[type];
	bool leaf = type < MAPLE_RANGE_64;
	uint64_t lo = min;
	for (uint64_t i = 0; i < kind->nr_slots; i++) {
		uint64_t hi;
		if (type == MAPLE_DENSE)
			hi = lo;
		else if (i < kind->nr_pivots)
			hi = get64(buf + kind->pivot_off + 8 * i);
		else
			hi = max;
		/* A 0 pivot after the first one ends the node's data. */
		if (type != MAPLE_DENSE && i && i < kind->nr_pivots && !hi)
			break;
		if (hi < lo || hi > max)
			return warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
							 "maple node 0x%" PRIx64 ": slot %" PRIu64 " ends at 0x%" PRIx64 ", outside 0x%" PRIx64 "-0x%" PRIx64 ": the rest of the node is left out",
							 node, i, hi, lo, max));
		uint64_t entry = get64(buf + kind->slot_off + 8 * i);
		/*
		 * A leaf's reserved values (XA_ZERO_ENTRY) are not entries;
		 * an inner node's slots are child nodes, encoded without the
		 * root's bit 1 (mt_mk_node(): type, and bit 2 if not full).
		 */
		if (entry && leaf && (entry & 3) != 2)
			err = emit(w, lo, hi, entry);
		else if (entry && !leaf)
			err = walk_node(w, entry, lo, hi, depth + 1);
		if (err)
			return err;
		if (hi >= max)
			break;
		lo = hi + 1;
	}
	return NULL;
}

static struct lkdb_error *layout(struct walk *w, struct ktypes *t)
{
	static const char *const types[] = { "maple_range_64",
					     "maple_arange_64" };
	uint64_t off, size;
	struct lkdb_error *err = ktypes_size(t, "maple_node", &w->node_size);
	if (!err && (w->node_size > MAPLE_NODE_BYTES_MAX || w->node_size < 16))
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"struct maple_node has %" PRIu64 " bytes",
					w->node_size);
	if (!err)
		err = ktypes_member(t, "maple_node", "slot", &off, &size);
	if (err)
		return err;
	w->kinds[MAPLE_DENSE] = (struct node_kind){ 0, 0, off, size / 8 };
	for (int i = 0; i < 2; i++) {
		struct node_kind *k = &w->kinds[MAPLE_RANGE_64 + i];
		if ((err = ktypes_member(t, types[i], "pivot", &k->pivot_off,
					 &size)))
			return err;
		k->nr_pivots = size / 8;
		if ((err = ktypes_member(t, types[i], "slot", &k->slot_off,
					 &size)))
			return err;
		k->nr_slots = size / 8;
	}
	w->kinds[MAPLE_LEAF_64] = w->kinds[MAPLE_RANGE_64];
	for (int i = 0; i < 4; i++) {
		const struct node_kind *k = &w->kinds[i];
		if (k->slot_off + 8 * k->nr_slots > w->node_size ||
		    k->pivot_off + 8 * k->nr_pivots > w->node_size ||
		    !k->nr_slots)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "maple node type %d does not fit in struct maple_node",
						 i);
	}
	return NULL;
}

struct lkdb_error *maple_tree_read(struct kernel *k, uint64_t tree,
				   struct maple_entries *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct walk w = { .k = k, .out = ret };
	struct ktypes *t;
	uint64_t root_off, root;
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = layout(&w, t);
	if (!err)
		err = ktypes_member(t, "maple_tree", "ma_root", &root_off, NULL);
	if (!err)
		err = kernel_read_uint(k, tree + root_off, 8, &root);
	if (err)
		return lkdb_error_prefix(err, "maple tree at 0x%" PRIx64, tree);
	if (is_node(root))
		err = walk_node(&w, root, 0, UINT64_MAX, 0);
	else if (root)
		/* A tree of one entry keeps it in the root, for index 0. */
		err = emit(&w, 0, 0, root);
	addr_set_deinit(&w.seen);
	if (err)
		maple_entries_deinit(ret);
	return err;
}

void maple_entries_deinit(struct maple_entries *e)
{
	free(e->entries);
	lkdb_warnings_free(e->warnings, e->nr_warnings);
	memset(e, 0, sizeof(*e));
}
