// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/x86_64/pagewalk.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kernel-helpers/core/addrset.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"

/* __START_KERNEL_map: where the kernel image is mapped, less KASLR. */
#define START_KERNEL_MAP 0xffffffff80000000ULL

struct lkdb_error *x86_64_kernel_tables(const struct kernel *k,
					uint64_t *root_paddr_ret,
					uint64_t *root_vaddr_ret,
					unsigned int *levels_ret)
{
	uint64_t pgt, phys_base, l5 = 0;
	struct lkdb_error *err = kernel_need_symbol(k, "init_top_pgt",
						    "x86_64's kernel page tables",
						    &pgt);
	if (!err)
		err = kernel_read_variable_uint(k, "phys_base",
						"where the kernel is in RAM", 0,
						8, &phys_base);
	if (err)
		return err;
	err = kernel_read_variable_uint(k, "__pgtable_l5_enabled",
					"5-level paging", 0, 4, &l5);
	if (err && err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	lkdb_error_destroy(err);
	/* __pa_symbol() of the run-time address: phys_base covers KASLR. */
	*root_paddr_ret = pgt + k->kaslr_offset - START_KERNEL_MAP + phys_base;
	*root_vaddr_ret = pgt + k->kaslr_offset;
	*levels_ret = l5 ? 5 : 4;
	return NULL;
}

struct lkdb_error *x86_64_mm_tables(struct kernel *k, uint64_t mm,
				    uint64_t *root_paddr_ret,
				    uint64_t *root_vaddr_ret,
				    unsigned int *levels_ret)
{
	struct ktypes *t;
	uint64_t off, size, pgd, base, ignore;
	struct lkdb_error *err;
	if ((err = kernel_types(k, &t)) ||
	    (err = ktypes_member(t, "mm_struct", "pgd", &off, &size)) ||
	    (err = kernel_read_uint(k, mm + off, 8, &pgd)) ||
	    (err = kernel_direct_map(k, &base)) ||
	    (err = x86_64_kernel_tables(k, &ignore, &ignore, levels_ret)))
		return err;
	if (pgd < base)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "mm_struct 0x%" PRIx64 "'s pgd 0x%" PRIx64 " is not in the direct map",
					 mm, pgd);
	*root_vaddr_ret = pgd;
	*root_paddr_ret = pgd - base;
	return NULL;
}

struct lkdb_error *x86_64_walk(const struct kernel *k, uint64_t root_paddr,
			       unsigned int levels, uint64_t vaddr,
			       struct x86_64_walk *ret)
{
	static const char *const names[] = { "PGD", "P4D", "PUD", "PMD",
					     "PTE" };
	memset(ret, 0, sizeof(*ret));
	ret->vaddr = vaddr;
	if (levels != 4 && levels != 5)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%u page-table levels (x86_64 has 4 or 5)",
					 levels);
	/* Not canonical: no table maps it (the index bits would wrap). */
	unsigned int top = 12 + 9 * levels - 1;
	uint64_t high = vaddr >> top;
	if (high != 0 && high != (~0ULL >> top))
		return lkdb_error_create(LKDB_ERROR_FAULT,
					 "address 0x%" PRIx64 " is not canonical",
					 vaddr);
	uint64_t table = root_paddr & X86_64_PTE_ADDR_MASK;
	/* Level 5 (PGD with LA57) resolves bits 48..56, level 1 bits 12..20. */
	for (unsigned int level = levels; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);
		uint64_t at = table + 8 * ((vaddr >> shift) & 511);
		unsigned char b[8];
		struct lkdb_error *err = kernel_read_phys(k, at, b, 8);
		const char *name = names[level == levels ? 0 : 5 - level];
		if (err)
			return lkdb_error_prefix(err, "reading the %s entry of 0x%" PRIx64 " at physical 0x%" PRIx64,
						 name, vaddr, at);
		uint64_t e = 0;
		for (int i = 7; i >= 0; i--)
			e = e << 8 | b[i];
		ret->steps[ret->nr_steps++] =
			(struct x86_64_walk_step){ name, at, e };
		ret->leaf = e;
		bool leaf = level == 1 || ((level == 2 || level == 3) &&
					   (e & X86_64_PTE_PSE));
		uint64_t page;
		if (!(leaf ? x86_64_leaf_present(e, &page) :
			     (e & X86_64_PTE_PRESENT) != 0))
			return NULL;
		/* A PSE bit in a PUD or PMD entry maps a 1 GiB or 2 MiB page. */
		if (leaf) {
			ret->page_size = 1ULL << shift;
			ret->page_paddr = page & ~(ret->page_size - 1);
			ret->paddr = ret->page_paddr +
				     (vaddr & (ret->page_size - 1));
			ret->mapped = true;
			return NULL;
		}
		table = e & X86_64_PTE_ADDR_MASK;
	}
	return NULL;
}

struct lkdb_error *x86_64_read_virtual(const struct kernel *k,
				       uint64_t root_paddr, unsigned int levels,
				       uint64_t vaddr, void *buf, size_t len)
{
	unsigned char *out = buf;
	while (len) {
		struct x86_64_walk w;
		struct lkdb_error *err = x86_64_walk(k, root_paddr, levels,
						     vaddr, &w);
		if (err)
			return err;
		if (!w.mapped)
			return lkdb_error_create(LKDB_ERROR_FAULT,
						 "0x%" PRIx64 " is not mapped (no page there in the page tables: never touched, swapped out, or outside every mapping)",
						 vaddr);
		size_t n = w.page_paddr + w.page_size - w.paddr;
		n = n < len ? n : len;
		if ((err = kernel_read_phys(k, w.paddr, out, n)))
			return lkdb_error_prefix(err, "0x%" PRIx64, vaddr);
		vaddr += n;
		out += n;
		len -= n;
	}
	return NULL;
}

struct lkdb_error *x86_64_check_canonical(const struct kernel *k,
					  uint64_t addr)
{
	uint64_t l5 = 0;
	struct lkdb_error *err = kernel_read_variable_uint(
		k, "__pgtable_l5_enabled", "5-level paging", 0, 4, &l5);
	lkdb_error_destroy(err);
	unsigned int top = l5 ? 56 : 47;
	uint64_t high = addr >> top;
	if (high == 0 || high == (~0ULL >> top))
		return NULL;
	return lkdb_error_create(LKDB_ERROR_FAULT,
				 "address 0x%" PRIx64 " is not canonical (bits %u to 63 must all be equal)",
				 addr, top);
}

struct mapped_walk {
	const struct kernel *k;
	uint64_t start, last;	/* inclusive bounds */
	x86_64_mapped_fn fn;
	void *context;
	uint64_t unreadable;
	unsigned int tables;
	/* Tables walked (paddr | 1): one met again is not walked twice. */
	struct addr_set seen;
	/* The run being gathered (size 0: none). */
	uint64_t run_vaddr, run_paddr, run_size;
};

static struct lkdb_error *flush_run(struct mapped_walk *w)
{
	if (!w->run_size)
		return NULL;
	uint64_t size = w->run_size;
	w->run_size = 0;
	return w->fn(w->context, w->run_vaddr, w->run_paddr, size);
}

static struct lkdb_error *add_run(struct mapped_walk *w, uint64_t vaddr,
				  uint64_t paddr, uint64_t size)
{
	if (w->run_size && w->run_vaddr + w->run_size == vaddr &&
	    w->run_paddr + w->run_size == paddr) {
		w->run_size += size;
		return NULL;
	}
	struct lkdb_error *err = flush_run(w);
	w->run_vaddr = vaddr;
	w->run_paddr = paddr;
	w->run_size = size;
	return err;
}

/* The table at paddr, of level (levels..1), mapping from base. */
static struct lkdb_error *walk_table(struct mapped_walk *w, uint64_t paddr,
				     unsigned int level, unsigned int levels,
				     uint64_t base)
{
	/*
	 * A table met again maps what was walked already (shared tables,
	 * or a damaged tree pointing back up): its memory is searched once.
	 */
	int added = addr_set_add(&w->seen, paddr | 1);
	if (added < 0)
		return &lkdb_error_oom;
	if (!added)
		return NULL;
	if (++w->tables > X86_64_MAPPED_TABLES_MAX)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "more than %u page tables under one root: stopped (damaged tables?)",
					 X86_64_MAPPED_TABLES_MAX);
	unsigned char b[4096];
	struct lkdb_error *err = kernel_read_phys(w->k, paddr, b, sizeof(b));
	if (err) {
		if (err->code == LKDB_ERROR_INTERRUPTED)
			return err;
		lkdb_error_destroy(err);
		w->unreadable++;
		return NULL;
	}
	unsigned int shift = 12 + 9 * (level - 1);
	unsigned int top = 12 + 9 * levels - 1;	/* 47 or 56 */
	for (unsigned int i = 0; i < 512; i++) {
		uint64_t va = base + ((uint64_t)i << shift);
		if (level == levels && (va >> top) & 1)
			va |= ~0ULL << top;	/* the canonical upper half */
		uint64_t va_last = va + ((1ULL << shift) - 1);
		if (va_last < w->start || va > w->last)
			continue;
		uint64_t e = 0, page;
		for (int j = 7; j >= 0; j--)
			e = e << 8 | b[8 * i + j];
		bool leaf = level == 1 || ((level == 2 || level == 3) &&
					   (e & X86_64_PTE_PSE));
		if (!(leaf ? x86_64_leaf_present(e, &page) :
			     (e & X86_64_PTE_PRESENT) != 0))
			continue;
		if (leaf) {
			page &= ~((1ULL << shift) - 1);
			uint64_t from = va < w->start ? w->start : va;
			uint64_t to = va_last > w->last ? w->last : va_last;
			err = add_run(w, from, page + (from - va),
				      to - from + 1);
		} else {
			err = walk_table(w, e & X86_64_PTE_ADDR_MASK,
					 level - 1, levels, va);
		}
		if (err)
			return err;
	}
	return NULL;
}

struct lkdb_error *x86_64_mapped(const struct kernel *k, uint64_t root_paddr,
				 unsigned int levels, uint64_t start,
				 uint64_t end, x86_64_mapped_fn fn,
				 void *context, uint64_t *unreadable_ret)
{
	if (levels != 4 && levels != 5)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%u page-table levels (x86_64 has 4 or 5)",
					 levels);
	struct mapped_walk w = {
		.k = k, .start = start, .last = end ? end - 1 : ~0ULL,
		.fn = fn, .context = context,
	};
	struct lkdb_error *err = NULL;
	if (!end || start < end)
		err = walk_table(&w, root_paddr & X86_64_PTE_ADDR_MASK,
				 levels, levels, 0);
	if (!err)
		err = flush_run(&w);
	addr_set_deinit(&w.seen);
	if (unreadable_ret)
		*unreadable_ret = w.unreadable;
	return err;
}

/*
 * Sizes from Documentation/x86/x86_64/mm.rst (4 levels / 5 levels): the
 * direct map 64 TiB / 32 PiB, vmalloc 32 TiB / 12.5 PiB, vmemmap 1 TiB /
 * 0.5 PiB; their bases are page_offset_base, vmalloc_base, vmemmap_base
 * (CONFIG_RANDOMIZE_MEMORY) or the fixed ones.  The image from
 * __START_KERNEL_map to _end (2 MiB pages), modules up to MODULES_END
 * 0xffffffffff000000 (since 4.17's commit f5a40711fa58 "x86/mm: Make
 * MODULES_END fixed": before, with KASLR, too).
 */
struct lkdb_error *x86_64_kernel_regions(const struct kernel *k,
					 struct x86_64_regions *ret)
{
	memset(ret, 0, sizeof(*ret));
	uint64_t l5 = 0, v;
	struct lkdb_error *err = kernel_read_variable_uint(
		k, "__pgtable_l5_enabled", "5-level paging", 0, 4, &l5);
	if (err && err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	lkdb_error_destroy(err);
	static const struct {
		enum x86_64_region region;
		const char *base;
		uint64_t fixed4, fixed5, size4, size5;
	} r[] = {
		{ X86_64_REGION_VMALLOC, "vmalloc_base", 0xffffc90000000000ULL,
		  0xffa0000000000000ULL, 32ULL << 40, 12800ULL << 40 },
		{ X86_64_REGION_VMEMMAP, "vmemmap_base", 0xffffea0000000000ULL,
		  0xffd4000000000000ULL, 1ULL << 40, 512ULL << 40 },
	};
	err = kernel_direct_map(k, &v);
	if (err)
		return err;
	ret->start[X86_64_REGION_DIRECT] = v;
	ret->end[X86_64_REGION_DIRECT] = v + (l5 ? 32ULL << 50 : 64ULL << 40);
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		err = kernel_read_variable_uint(k, r[i].base, "x86_64's memory map",
						0, 8, &v);
		if (err && err->code != LKDB_ERROR_NOT_FOUND)
			return err;
		if (err)
			v = l5 ? r[i].fixed5 : r[i].fixed4;
		lkdb_error_destroy(err);
		ret->start[r[i].region] = v;
		ret->end[r[i].region] = v + (l5 ? r[i].size5 : r[i].size4);
	}
	uint64_t image_end;
	err = kernel_need_symbol(k, "_end", "the kernel image's end", &image_end);
	if (err)
		return err;
	image_end = (image_end + k->kaslr_offset + (2ULL << 20) - 1) &
		    ~((2ULL << 20) - 1);
	ret->start[X86_64_REGION_IMAGE] = START_KERNEL_MAP;
	ret->end[X86_64_REGION_IMAGE] = image_end;
	ret->start[X86_64_REGION_MODULES] = image_end;
	ret->end[X86_64_REGION_MODULES] = 0xffffffffff000000ULL;
	/*
	 * With CONFIG_RANDOMIZE_MEMORY the direct map is RAM plus padding
	 * (arch/x86/mm/kaslr.c), and the regions after it follow closely:
	 * it ends where the next one starts.
	 */
	uint64_t direct = ret->start[X86_64_REGION_DIRECT];
	for (int i = X86_64_REGION_VMALLOC; i <= X86_64_REGION_MODULES; i++) {
		if (ret->start[i] > direct &&
		    ret->start[i] < ret->end[X86_64_REGION_DIRECT])
			ret->end[X86_64_REGION_DIRECT] = ret->start[i];
	}
	return NULL;
}

enum x86_64_region x86_64_region_of(const struct x86_64_regions *r,
				    uint64_t addr)
{
	/* The direct map last: its end is only an upper bound. */
	for (int i = X86_64_REGION_MODULES; i >= X86_64_REGION_DIRECT; i--) {
		if (addr >= r->start[i] && addr < r->end[i])
			return (enum x86_64_region)i;
	}
	return X86_64_REGION_OTHER;
}

void x86_64_pte_flags(uint64_t pte, char *buf, size_t size)
{
	/* when: 0 always, 1 only on a present entry, 2 only on one not. */
	static const struct {
		uint64_t bit;
		const char *name;
		int when;
	} bits[] = {
		{ 1ULL << 0, "PRESENT", 0 },  { 1ULL << 1, "RW", 0 },
		{ 1ULL << 2, "USER", 0 },     { 1ULL << 3, "PWT", 0 },
		{ 1ULL << 4, "PCD", 0 },      { 1ULL << 5, "ACCESSED", 0 },
		{ 1ULL << 6, "DIRTY", 0 },    { 1ULL << 7, "PSE", 1 },
		/* _PAGE_PROTNONE is _PAGE_GLOBAL's bit on an absent entry. */
		{ 1ULL << 8, "PROTNONE", 2 }, { 1ULL << 8, "GLOBAL", 0 },
		{ 1ULL << 63, "NX", 0 },
	};
	size_t n = 0;
	buf[0] = '\0';
	if (!pte) {
		snprintf(buf, size, "no mapping");
		return;
	}
	bool present = pte & X86_64_PTE_PRESENT;
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (!(pte & bits[i].bit) || (bits[i].when == 1 && !present) ||
		    (bits[i].when == 2 && present))
			continue;
		int w = snprintf(buf + n, size - n, "%s%s", n ? "|" : "",
				 bits[i].name);
		if (w < 0 || (size_t)w >= size - n)
			return;
		n += (size_t)w;
	}
}
