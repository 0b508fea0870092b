/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory summary of crash's `kmem -i`, from the kernel's own counters,
 * computed as the kernel's /proc/meminfo computes them (fs/proc/meminfo.c),
 * so the figures can be checked against what the guest showed:
 *
 *  - TOTAL MEM: _totalram_pages (atomic_long_t since 5.0, commit
 *    ca79b0c211af "mm: convert totalram_pages and totalhigh_pages
 *    variables to atomic"), before that totalram_pages: MemTotal.
 *  - FREE: vm_zone_stat[NR_FREE_PAGES]: MemFree.
 *  - BUFFERS: nr_blockdev_pages(), the page-cache pages of the block
 *    device inodes on blockdev_superblock->s_inodes: Buffers.
 *  - CACHED: vm_node_stat[NR_FILE_PAGES] - the swap cache - BUFFERS:
 *    Cached.  The swap cache is vm_node_stat[NR_SWAPCACHE] (since 5.13,
 *    commit b6038942480e "mm: memcg: add swapcache stat for memcg v2");
 *    a kernel without that item is read as having none only when it has
 *    no swap.
 *  - SLAB: vm_node_stat[NR_SLAB_RECLAIMABLE_B + NR_SLAB_UNRECLAIMABLE_B]
 *    (kept in pages in the global array; the _B names since 5.9, commit
 *    d42f3245c7e2 "mm: memcg: convert vmstat slab counters to bytes"),
 *    else NR_SLAB_RECLAIMABLE + NR_SLAB_UNRECLAIMABLE: Slab.
 *  - TOTAL HUGE / HUGE FREE: the sum over hstates[0..hugetlb_max_hstate)
 *    of nr_huge_pages and free_huge_pages times 2^order base pages:
 *    Hugetlb (all sizes, not only HugePages_Total's default size).
 *  - TOTAL SWAP / SWAP FREE: total_swap_pages and nr_swap_pages:
 *    SwapTotal and SwapFree (less the few slots cached per CPU).
 *  - COMMIT LIMIT: sysctl_overcommit_kbytes, or (TOTAL MEM - TOTAL HUGE) *
 *    sysctl_overcommit_ratio / 100, plus TOTAL SWAP: CommitLimit.
 *  - COMMITTED: vm_committed_as.count, at least 0: Committed_AS.
 *
 * Stat item indexes are the enumerators of the vmlinux's own DWARF, never
 * numbers written here: they move between releases.  A figure that cannot
 * be read is absent with a warning saying why; the rest are still given.
 */
#ifndef LKDB_MEMINFO_H
#define LKDB_MEMINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

/* Counts in base pages. */
struct kernel_meminfo {
	uint64_t page_size;
	bool have_total, have_free, have_buffers, have_cached, have_slab;
	uint64_t total, free, buffers, cached, slab;
	bool have_huge;		/* false: no hugetlb in this kernel */
	uint64_t huge_total, huge_free;
	bool have_swap;
	uint64_t swap_total, swap_free;
	bool have_commit;
	uint64_t commit_limit, committed;
	char **warnings;
	size_t nr_warnings;
};

/* Errors only when nothing could be read (no memory, no types). */
struct lkdb_error *kernel_read_meminfo(struct kernel *k,
				       struct kernel_meminfo *ret);
void kernel_meminfo_deinit(struct kernel_meminfo *m);

#endif
