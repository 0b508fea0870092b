/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The swap devices and files in use, as crash's swap and /proc/swaps show
 * them: swap_info[] (an array of struct swap_info_struct pointers since
 * 2.6.33's commit efa90a981bbc "swap_info: change to array of pointers"),
 * the first nr_swapfiles of them; each one with SWP_USED in flags, its
 * size (pages), pages in use (inuse_pages), priority (prio) and the path
 * of its swap_file.  A partition is told from a file by the inode's mode
 * (S_ISBLK of swap_file->f_inode->i_mode), which every release has (6.10
 * dropped swap_info_struct.old_block_size that crash looked at before).
 */
#ifndef LKDB_SWAP_H
#define LKDB_SWAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

/* MAX_SWAPFILES is at most 32 (5 bits of a swap entry's type). */
#define KERNEL_SWAPS_MAX 64

struct kernel_swap {
	unsigned int index;		/* in swap_info[] */
	uint64_t info;			/* struct swap_info_struct */
	bool partition;			/* a block device, else a file */
	uint64_t pages, inuse_pages;
	int prio;
	char path[512];			/* "(unknown)" without a swap_file */
};

struct kernel_swaps {
	struct kernel_swap *swaps;
	size_t nr;
	unsigned int page_shift;
	char **warnings;		/* one line each */
	size_t nr_warnings;
};

/*
 * The swap areas in use.  Errors: NOT_FOUND for a kernel without swap
 * (no swap_info or nr_swapfiles: CONFIG_SWAP off), the reader's for
 * nr_swapfiles; an area that cannot be read is a warning naming it.
 */
struct lkdb_error *kernel_read_swaps(struct kernel *k, struct kernel_swaps *ret);
void kernel_swaps_deinit(struct kernel_swaps *s);

#endif
