// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/x86_64/pagewalk.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"

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
		if (!(e & X86_64_PTE_PRESENT))
			return NULL;
		/* A PSE bit in a PUD or PMD entry maps a 1 GiB or 2 MiB page. */
		if (level == 1 || ((level == 2 || level == 3) &&
				   (e & X86_64_PTE_PSE))) {
			ret->page_size = 1ULL << shift;
			ret->page_paddr = e & X86_64_PTE_ADDR_MASK &
					  ~(ret->page_size - 1);
			ret->paddr = ret->page_paddr +
				     (vaddr & (ret->page_size - 1));
			ret->mapped = true;
			return NULL;
		}
		table = e & X86_64_PTE_ADDR_MASK;
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
