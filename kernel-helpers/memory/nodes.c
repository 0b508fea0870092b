// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/nodes.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"

static struct lkdb_error *read_node(struct kernel *k, struct ktypes *t,
				    unsigned int id, uint64_t pgdat,
				    struct kernel_node *n)
{
	static const char *const members[] = {
		"node_start_pfn", "node_spanned_pages", "node_present_pages",
	};
	uint64_t *values[] = { &n->start_pfn, &n->spanned, &n->present };
	n->id = id;
	n->pgdat = pgdat;
	for (size_t i = 0; i < 3; i++) {
		uint64_t off, size;
		struct lkdb_error *err = ktypes_member(t, "pglist_data",
						       members[i], &off, &size);
		if (!err)
			err = kernel_read_uint(k, pgdat + off, size, values[i]);
		if (err)
			return lkdb_error_prefix(err, "node %u's pglist_data 0x%" PRIx64,
						 id, pgdat);
	}
	return NULL;
}

/* The online nodes' bits of node_states[N_ONLINE] (max_nodes of them). */
static struct lkdb_error *online_mask(struct kernel *k, struct ktypes *t,
				      uint64_t max_nodes, uint64_t *mask)
{
	int64_t n_online;
	uint64_t mask_size, states;
	struct lkdb_error *err = ktypes_enumerator(t, "N_ONLINE", &n_online);
	if (!err)
		err = ktypes_size(t, "nodemask_t", &mask_size);
	if (!err)
		err = kernel_need_symbol(k, "node_states", "NUMA", &states);
	if (err)
		return err;
	if (n_online < 0 || n_online > 16 || mask_size % 8 ||
	    mask_size > KERNEL_NODES_MAX / 8)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "nodemask_t has %" PRIu64 " bytes, N_ONLINE is %" PRId64,
					 mask_size, n_online);
	memset(mask, 0, KERNEL_NODES_MAX / 8);
	err = kernel_memory(k)->read(kernel_memory(k)->context,
				     states + k->kaslr_offset +
					     (uint64_t)n_online * mask_size,
				     mask, mask_size);
	if (err)
		return lkdb_error_prefix(err, "reading node_states[N_ONLINE]");
	for (uint64_t i = max_nodes; i < KERNEL_NODES_MAX; i++)
		mask[i / 64] &= ~(1ULL << (i % 64));
	return NULL;
}

struct lkdb_error *kernel_read_nodes(struct kernel *k, struct kernel_nodes *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err)
		return err;
	uint64_t node_data;
	err = kernel_need_symbol(k, "node_data", "NUMA", &node_data);
	if (err && err->code == LKDB_ERROR_NOT_FOUND) {
		/* Without NUMA: one node, contig_page_data. */
		lkdb_error_destroy(err);
		uint64_t contig;
		if ((err = kernel_need_symbol(k, "contig_page_data",
					      "kernels without NUMA", &contig)))
			return err;
		if (!(ret->nodes = calloc(1, sizeof(*ret->nodes))))
			return &lkdb_error_oom;
		ret->nr = 1;
		return read_node(k, t, 0, contig + k->kaslr_offset,
				 ret->nodes);
	}
	if (err)
		return err;
	uint64_t mask[KERNEL_NODES_MAX / 64];
	uint64_t max_nodes = KERNEL_NODES_MAX;
	struct lkdb_error *e = kernel_read_variable_uint(k, "nr_node_ids", "NUMA",
							 0, 4, &max_nodes);
	lkdb_error_destroy(e);
	if (!max_nodes || max_nodes > KERNEL_NODES_MAX)
		max_nodes = KERNEL_NODES_MAX;
	if ((err = online_mask(k, t, max_nodes, mask)))
		return err;
	ret->nodes = calloc(max_nodes, sizeof(*ret->nodes));
	if (!ret->nodes)
		return &lkdb_error_oom;
	for (unsigned int id = 0; id < max_nodes; id++) {
		if (!(mask[id / 64] >> (id % 64) & 1))
			continue;
		uint64_t pgdat;
		err = kernel_read_uint(k, node_data + k->kaslr_offset + 8 * id,
				       8, &pgdat);
		if (!err && !pgdat)
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"node %u is online but node_data[%u] is NULL",
						id, id);
		if (!err)
			err = read_node(k, t, id, pgdat, &ret->nodes[ret->nr]);
		if (err) {
			kernel_nodes_deinit(ret);
			return err;
		}
		ret->nr++;
	}
	if (!ret->nr) {
		kernel_nodes_deinit(ret);
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "node_states[N_ONLINE] has no node");
	}
	return NULL;
}

int kernel_nodes_of_pfn(const struct kernel_nodes *n, uint64_t pfn)
{
	for (size_t i = 0; i < n->nr; i++)
		if (pfn >= n->nodes[i].start_pfn &&
		    pfn - n->nodes[i].start_pfn < n->nodes[i].spanned)
			return (int)n->nodes[i].id;
	return -1;
}

void kernel_nodes_deinit(struct kernel_nodes *n)
{
	free(n->nodes);
	memset(n, 0, sizeof(*n));
}
