/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's vm statistics as crash's kmem -V shows them: the global
 * vm_zone_stat[] and vm_node_stat[] counters (atomic, without the per-CPU
 * deltas not yet folded in, as crash reads them) and the vm events
 * (per-CPU vm_event_states, summed over the possible CPUs).  Each item is
 * named by its enumerator (enum zone_stat_item, node_stat_item,
 * vm_event_item, from the DWARF: their numbers move between releases);
 * where two enumerators share a number (NR_LRU_BASE and NR_INACTIVE_ANON)
 * the later one names it, as crash does.  A kernel without vm event
 * counters (CONFIG_VM_EVENT_COUNTERS off) has no events, said once.
 */
#ifndef LKDB_VMSTAT_H
#define LKDB_VMSTAT_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

struct kernel_vmstat_group {
	const char *title;	/* "VM_ZONE_STAT", ... */
	char **names;
	uint64_t *values;
	size_t n;
};

struct kernel_vmstat {
	struct kernel_vmstat_group groups[3];
	size_t nr_groups;
	char **warnings;
	size_t nr_warnings;
};

struct lkdb_error *kernel_read_vmstat(struct kernel *k,
				      struct kernel_vmstat *ret);
void kernel_vmstat_deinit(struct kernel_vmstat *v);

/*
 * The names of a zone's vm_stat[] items (enum zone_stat_item, by number;
 * a NULL name for a number no enumerator has), values zeroed.
 */
struct lkdb_error *kernel_vmstat_zone_items(struct kernel *k,
					    struct kernel_vmstat_group *ret);
void kernel_vmstat_group_deinit(struct kernel_vmstat_group *g);

#endif
