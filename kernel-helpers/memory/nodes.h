/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's memory nodes: the online ones (node_states[N_ONLINE], the
 * enumerator found in enum node_states) and each one's pglist_data —
 * node_data[id] with NUMA, contig_page_data without — with the page frames
 * it spans (node_start_pfn, node_spanned_pages) and has
 * (node_present_pages).  kernel_nodes_of_pfn tells the node of a page
 * frame, as crash's page_to_nid does.
 */
#ifndef LKDB_NODES_H
#define LKDB_NODES_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

#define KERNEL_NODES_MAX 1024

struct kernel_node {
	unsigned int id;
	uint64_t pgdat;		/* struct pglist_data */
	uint64_t start_pfn, spanned, present;
};

struct kernel_nodes {
	struct kernel_node *nodes;	/* in id order */
	size_t nr;
};

struct lkdb_error *kernel_read_nodes(struct kernel *k,
				     struct kernel_nodes *ret);
/* The node id spanning pfn, -1 for none. */
int kernel_nodes_of_pfn(const struct kernel_nodes *n, uint64_t pfn);
void kernel_nodes_deinit(struct kernel_nodes *n);

#endif
