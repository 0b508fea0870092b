// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/pages.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"

struct lkdb_error *kernel_pfn_to_page(struct kernel *k, uint64_t pfn,
				      uint64_t *page_ret)
{
	struct ktypes *t;
	uint64_t base, size;
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = ktypes_size(t, "page", &size);
	if (err)
		return err;
	err = kernel_read_variable_uint(k, "vmemmap_base", "the page array",
					0, 8, &base);
	if (err && err->code == LKDB_ERROR_NOT_FOUND) {
		/* VMEMMAP_START: 4 levels, or 5 (__pgtable_l5_enabled). */
		uint64_t l5 = 0;
		lkdb_error_destroy(err);
		err = kernel_read_variable_uint(k, "__pgtable_l5_enabled",
						"5-level paging", 0, 4, &l5);
		if (err && err->code == LKDB_ERROR_NOT_FOUND) {
			lkdb_error_destroy(err);
			err = NULL;
		}
		base = l5 ? 0xffd4000000000000ULL : 0xffffea0000000000ULL;
	}
	if (err)
		return err;
	*page_ret = base + pfn * size;
	return NULL;
}

/* enum pageflags' names (aliases of a bit left out); absent ones are skipped. */
static const char *const page_flag_names[] = {
	"PG_locked", "PG_writeback", "PG_referenced", "PG_uptodate",
	"PG_dirty", "PG_lru", "PG_head", "PG_waiters", "PG_active",
	"PG_workingset", "PG_error", "PG_slab", "PG_owner_priv_1",
	"PG_owner_2", "PG_arch_1", "PG_reserved", "PG_private",
	"PG_private_2", "PG_mappedtodisk", "PG_reclaim", "PG_swapbacked",
	"PG_unevictable", "PG_dropbehind", "PG_mlocked", "PG_uncached",
	"PG_hwpoison", "PG_young", "PG_idle", "PG_arch_2", "PG_arch_3",
	"PG_skip_kasan_poison",
};
#define NR_NAMES (sizeof(page_flag_names) / sizeof(page_flag_names[0]))

static void name_flags(struct ktypes *t, uint64_t flags, char *buf,
		       size_t size)
{
	const char *by_bit[64] = { 0 };
	int64_t nr = 0, bit;
	struct lkdb_error *err = ktypes_enumerator(t, "__NR_PAGEFLAGS", &nr);
	lkdb_error_destroy(err);
	if (err || nr <= 0 || nr > 64)
		nr = 0;
	for (size_t i = 0; i < NR_NAMES; i++) {
		err = ktypes_enumerator(t, page_flag_names[i], &bit);
		if (!err && bit >= 0 && bit < nr && !by_bit[bit])
			by_bit[bit] = page_flag_names[i] + 3;
		lkdb_error_destroy(err);
	}
	size_t n = 0;
	buf[0] = '\0';
	for (int64_t b = 0; b < nr && n + 1 < size; b++) {
		if (!(flags >> b & 1) || !by_bit[b])
			continue;
		int w = snprintf(buf + n, size - n, "%s%s", n ? "," : "",
				 by_bit[b]);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
}

struct lkdb_error *kernel_read_page(struct kernel *k, uint64_t page,
				    struct kernel_page *ret)
{
	static const char *const refcount[] = { "_refcount", "_count", NULL };
	struct ktypes *t;
	uint64_t size;
	struct ktypes_field flags, mapping, index, count;
	unsigned int which;
	unsigned char buf[256];
	memset(ret, 0, sizeof(*ret));
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = ktypes_size_within(t, "page", sizeof(buf), &size);
	if (!err)
		err = ktypes_field(t, "page", "flags", size, &flags);
	if (!err)
		err = ktypes_field(t, "page", "mapping", size, &mapping);
	if (!err)
		err = ktypes_field(t, "page", "index", size, &index);
	if (!err)
		err = ktypes_field_variant(t, "page", refcount, size, &count,
					   &which);
	if (!err)
		err = k->memory.read(k->memory.context, page, buf, size);
	if (err)
		return lkdb_error_prefix(err, "struct page at 0x%" PRIx64, page);
	ret->address = page;
	ret->flags = ktypes_field_get(buf, flags);
	ret->mapping = ktypes_field_get(buf, mapping);
	ret->index = ktypes_field_get(buf, index);
	ret->refcount = ktypes_field_get_signed(buf, count);
	name_flags(t, ret->flags, ret->flag_names, sizeof(ret->flag_names));
	return NULL;
}

int kernel_page_phys_width(struct kernel *k)
{
	uint64_t max_pfn;
	struct lkdb_error *err = kernel_read_variable_uint(
		k, "max_pfn", "the extent of RAM", 0, 8, &max_pfn);
	lkdb_error_destroy(err);
	if (err)
		return 8;
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIx64,
			 max_pfn << k->arch->page_shift);
	return n > 8 ? n : 8;
}

void kernel_page_header(int phys_width, char *buf, size_t size)
{
	snprintf(buf, size, "      PAGE       %*s      MAPPING       INDEX CNT FLAGS",
		 phys_width, "PHYSICAL");
}

void kernel_page_format(const struct kernel_page *p, uint64_t paddr,
			int phys_width, char *buf, size_t size)
{
	snprintf(buf, size, "%-16" PRIx64 " %*" PRIx64 " %16" PRIx64 " %8" PRIx64 " %2" PRId64 " %" PRIx64 "%s%s",
		 p->address, phys_width, paddr, p->mapping, p->index,
		 p->refcount, p->flags, p->flag_names[0] ? " " : "",
		 p->flag_names);
}
