/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An x86_64 page-table walk that keeps every step, for vtop: the entry
 * read at each level (its physical address and value) and where the walk
 * ended (a 4 KiB page, a 2 MiB or 1 GiB page, or an entry that is not
 * present).  Entries are read through kernel_read_phys(), so a dump and a
 * live guest walk alike; nothing is cached.
 *
 * The kernel's tables: init_top_pgt (swapper_pg_dir), whose physical
 * address is its link address less __START_KERNEL_map plus phys_base
 * (__pa_symbol()); 5 levels when __pgtable_l5_enabled says so (a kernel
 * built with CONFIG_X86_5LEVEL, since 4.17 choosing 4 or 5 levels at boot
 * by the CPU's LA57; found by the symbol), else 4.
 */
#ifndef LKDB_PAGEWALK_H
#define LKDB_PAGEWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

#define X86_64_PTE_PRESENT (1ULL << 0)
#define X86_64_PTE_PSE (1ULL << 7)
/* Bits 12..51 of an entry: the next table's or the page's address. */
#define X86_64_PTE_ADDR_MASK 0x000ffffffffff000ULL

struct x86_64_walk_step {
	const char *level;	/* "PGD", "P4D", "PUD", "PMD", "PTE" */
	uint64_t entry_paddr;	/* where the entry is */
	uint64_t entry;
};

struct x86_64_walk {
	uint64_t vaddr;
	unsigned int nr_steps;
	struct x86_64_walk_step steps[5];
	bool mapped;
	uint64_t page_paddr;	/* the page's start */
	uint64_t page_size;	/* 4 KiB, 2 MiB or 1 GiB */
	uint64_t paddr;		/* vaddr's physical address */
	uint64_t leaf;		/* the last entry read */
};

/* The kernel's top-level table: its physical and virtual address, levels. */
struct lkdb_error *x86_64_kernel_tables(const struct kernel *k,
					uint64_t *root_paddr_ret,
					uint64_t *root_vaddr_ret,
					unsigned int *levels_ret);

/* A process's tables: mm->pgd (a direct-map address) of the mm_struct at mm. */
struct lkdb_error *x86_64_mm_tables(struct kernel *k, uint64_t mm,
				    uint64_t *root_paddr_ret,
				    uint64_t *root_vaddr_ret,
				    unsigned int *levels_ret);
/*
 * Walk the tables at root_paddr (levels 4 or 5) for vaddr.  Not mapped is
 * no error (ret->mapped false; the steps say where it stopped); an entry
 * that cannot be read is, naming its level and address.
 */
struct lkdb_error *x86_64_walk(const struct kernel *k, uint64_t root_paddr,
			       unsigned int levels, uint64_t vaddr,
			       struct x86_64_walk *ret);

/*
 * len bytes at vaddr through the tables at root_paddr (a user address
 * space, or the kernel's walked rather than translated), a page at a time:
 * LKDB_ERROR_FAULT naming the first address that is not mapped.
 */
struct lkdb_error *x86_64_read_virtual(const struct kernel *k,
				       uint64_t root_paddr, unsigned int levels,
				       uint64_t vaddr, void *buf, size_t len);

/*
 * LKDB_ERROR_FAULT naming addr when it is not canonical (its bits from 47
 * up, 56 with 5 levels, not all equal): no page table can map it.
 */
struct lkdb_error *x86_64_check_canonical(const struct kernel *k,
					  uint64_t addr);

/*
 * Every mapping in [start, end) (end 0: to the top of the address space)
 * of the tables at root_paddr, in ascending virtual order, as runs that
 * are contiguous in both virtual and physical memory: fn(context, vaddr,
 * paddr, size) for each; fn's error ends the walk with it.  Each table is
 * read whole, once: a table met again (shared, or a damaged tree pointing
 * back) is not walked again.  A table that cannot be read (a filtered
 * dump) is passed over, counted in *unreadable_ret (may be NULL); more
 * than X86_64_MAPPED_TABLES_MAX tables is an error (a damaged tree).
 */
#define X86_64_MAPPED_TABLES_MAX (1u << 20)
typedef struct lkdb_error *(*x86_64_mapped_fn)(void *context, uint64_t vaddr,
					       uint64_t paddr, uint64_t size);
struct lkdb_error *x86_64_mapped(const struct kernel *k, uint64_t root_paddr,
				 unsigned int levels, uint64_t start,
				 uint64_t end, x86_64_mapped_fn fn,
				 void *context, uint64_t *unreadable_ret);

/*
 * The regions of x86_64's kernel address space (Documentation/x86/
 * x86_64/mm.rst), run-time: each [start, end).
 */
enum x86_64_region {
	X86_64_REGION_OTHER,	/* cpu_entry_area, fixmap, ... */
	X86_64_REGION_DIRECT,	/* the direct map of all RAM */
	X86_64_REGION_VMALLOC,
	X86_64_REGION_VMEMMAP,	/* struct page array */
	X86_64_REGION_IMAGE,	/* kernel text and static data */
	X86_64_REGION_MODULES,
};
struct x86_64_regions {
	uint64_t start[6], end[6];	/* by enum x86_64_region; OTHER unused */
};
struct lkdb_error *x86_64_kernel_regions(const struct kernel *k,
					 struct x86_64_regions *ret);
enum x86_64_region x86_64_region_of(const struct x86_64_regions *r,
				    uint64_t addr);

/*
 * Whether a leaf entry (a PTE, or a PMD or PUD with PSE) maps a page, as
 * the kernel's pte_present() says: present, or PROT_NONE (_PAGE_PROTNONE,
 * _PAGE_GLOBAL's bit, on an entry not present), whose page frame bits the
 * kernel keeps inverted since 4.19's commit 6b28baca9b1f
 * ("x86/speculation/l1tf: Protect PROT_NONE PTEs against speculation");
 * *page_ret the page's physical address.
 */
static inline bool x86_64_leaf_present(uint64_t e, uint64_t *page_ret)
{
	if (e & X86_64_PTE_PRESENT) {
		*page_ret = e & X86_64_PTE_ADDR_MASK;
		return true;
	}
	if (e & (1ULL << 8)) {
		*page_ret = ~e & X86_64_PTE_ADDR_MASK;
		return true;
	}
	return false;
}

/*
 * A page-table entry that is neither present nor empty is a swap entry (a
 * migration or other special entry has a type past the swap files): its
 * type in the top 5 bits and its offset inverted from bit 9 up, since
 * 4.19's commits bcd11afa7ada ("x86/speculation/l1tf: Change order of
 * offset/type in swap entry") and 2f22b4cd45b6 ("x86/speculation/l1tf:
 * Protect swap entries against L1TF"); arch/x86/include/asm/pgtable_64.h.
 */
static inline void x86_64_swap_entry(uint64_t pte, unsigned int *type_ret,
				     uint64_t *offset_ret)
{
	*type_ret = (unsigned int)(pte >> 59);
	*offset_ret = (~pte << 5) >> 14;
}

/* crash's names of an entry's bits: "PRESENT|RW|ACCESSED|...". */
void x86_64_pte_flags(uint64_t pte, char *buf, size_t size);

#endif
