/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * struct page of a physical page frame (x86_64's SPARSEMEM_VMEMMAP: the
 * page array at vmemmap_base, a variable under CONFIG_RANDOMIZE_MEMORY,
 * else VMEMMAP_START), read as crash's page lines show it: flags and the
 * names of the page-flag bits set, mapping, index and the reference count.
 *
 * The bit of each flag is its enumerator in the vmlinux's enum pageflags
 * (PG_locked, PG_slab, ...; bits move between releases), never a number
 * written here; a name a kernel lacks is left out.  The reference count is
 * _refcount, _count before 4.6 (commit 0139aa7b7fa1 "mm: rename _count,
 * field of the struct page, to _refcount").
 */
#ifndef LKDB_PAGES_H
#define LKDB_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

struct kernel_page {
	uint64_t address;	/* of the struct page */
	uint64_t flags, mapping, index;
	int64_t refcount;
	char flag_names[256];	/* "slab,head", crash's way */
};

/* The struct page of page frame pfn. */
struct lkdb_error *kernel_pfn_to_page(struct kernel *k, uint64_t pfn,
				      uint64_t *page_ret);
struct lkdb_error *kernel_read_page(struct kernel *k, uint64_t page,
				    struct kernel_page *ret);
/*
 * The struct pages of n pages from pfn on, read at once: valid[i] says
 * whether ret[i] could be read (a hole in RAM's page array cannot).
 */
struct lkdb_error *kernel_read_pages(struct kernel *k, uint64_t pfn, size_t n,
				     struct kernel_page *ret, bool *valid);

/*
 * crash's page line (kmem -p, vtop): the width of its PHYSICAL column (the
 * digits of the highest physical address, at least 8), its header, and
 * one page at paddr (INDEX in hex, as crash).
 */
int kernel_page_phys_width(struct kernel *k);
void kernel_page_header(int phys_width, char *buf, size_t size);
void kernel_page_format(const struct kernel_page *p, uint64_t paddr,
			int phys_width, char *buf, size_t size);

#endif
