// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/pages.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
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

/* What reading struct pages needs, looked up once per call. */
struct page_reader {
	uint64_t size;
	struct ktypes_field flags, mapping, index, count;
	const char *by_bit[64];
	int64_t nr_flags;
};

static struct lkdb_error *page_reader_init(struct kernel *k,
					   struct page_reader *r)
{
	static const char *const refcount[] = { "_refcount", "_count", NULL };
	struct ktypes *t;
	unsigned int which;
	memset(r, 0, sizeof(*r));
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = ktypes_size_within(t, "page", 256, &r->size);
	if (!err)
		err = ktypes_field(t, "page", "flags", r->size, &r->flags);
	if (!err)
		err = ktypes_field(t, "page", "mapping", r->size, &r->mapping);
	if (!err)
		err = ktypes_field(t, "page", "index", r->size, &r->index);
	if (!err)
		err = ktypes_field_variant(t, "page", refcount, r->size,
					   &r->count, &which);
	if (err)
		return err;
	int64_t bit;
	err = ktypes_enumerator(t, "__NR_PAGEFLAGS", &r->nr_flags);
	lkdb_error_destroy(err);
	if (err || r->nr_flags <= 0 || r->nr_flags > 64)
		r->nr_flags = 0;
	for (size_t i = 0; i < NR_NAMES; i++) {
		err = ktypes_enumerator(t, page_flag_names[i], &bit);
		if (!err && bit >= 0 && bit < r->nr_flags && !r->by_bit[bit])
			r->by_bit[bit] = page_flag_names[i] + 3;
		lkdb_error_destroy(err);
	}
	return NULL;
}

static void page_decode(const struct page_reader *r, uint64_t page,
			const unsigned char *buf, struct kernel_page *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->address = page;
	ret->flags = ktypes_field_get(buf, r->flags);
	ret->mapping = ktypes_field_get(buf, r->mapping);
	ret->index = ktypes_field_get(buf, r->index);
	ret->refcount = ktypes_field_get_signed(buf, r->count);
	size_t n = 0, size = sizeof(ret->flag_names);
	for (int64_t b = 0; b < r->nr_flags && n + 1 < size; b++) {
		if (!(ret->flags >> b & 1) || !r->by_bit[b])
			continue;
		int w = snprintf(ret->flag_names + n, size - n, "%s%s",
				 n ? "," : "", r->by_bit[b]);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
}

struct lkdb_error *kernel_read_page(struct kernel *k, uint64_t page,
				    struct kernel_page *ret)
{
	struct page_reader r;
	unsigned char buf[256];
	memset(ret, 0, sizeof(*ret));
	struct lkdb_error *err = page_reader_init(k, &r);
	if (!err)
		err = k->memory.read(k->memory.context, page, buf, r.size);
	if (err)
		return lkdb_error_prefix(err, "struct page at 0x%" PRIx64, page);
	page_decode(&r, page, buf, ret);
	return NULL;
}

struct lkdb_error *kernel_read_pages(struct kernel *k, uint64_t pfn, size_t n,
				     struct kernel_page *ret, bool *valid)
{
	struct page_reader r;
	uint64_t first;
	struct lkdb_error *err = page_reader_init(k, &r);
	if (!err)
		err = kernel_pfn_to_page(k, pfn, &first);
	if (err)
		return err;
	unsigned char *buf = malloc(n * r.size);
	if (!buf)
		return &lkdb_error_oom;
	/* All in one read; where that fails, each on its own. */
	err = k->memory.read(k->memory.context, first, buf, n * r.size);
	bool whole = !err;
	if (err && err->code == LKDB_ERROR_INTERRUPTED) {
		free(buf);
		return err;
	}
	lkdb_error_destroy(err);
	err = NULL;
	for (size_t i = 0; i < n && !err; i++) {
		uint64_t at = first + i * r.size;
		valid[i] = whole;
		if (!whole) {
			struct lkdb_error *e = k->memory.read(
				k->memory.context, at, buf + i * r.size, r.size);
			valid[i] = !e;
			if (e && e->code == LKDB_ERROR_INTERRUPTED)
				err = e;
			else
				lkdb_error_destroy(e);
		}
		if (valid[i])
			page_decode(&r, at, buf + i * r.size, &ret[i]);
	}
	free(buf);
	return err;
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
