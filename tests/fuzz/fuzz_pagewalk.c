// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the walk of every mapping of a set of page tables
 * (x86_64_mapped, kernel-helpers/x86_64/pagewalk.c) and the search over
 * what it maps (kernel-helpers/memory/search.c), as search uses them.
 * Input: a byte choosing 4 or 5 levels, 8 bytes of start and 8 of end
 * (little-endian), then the physical memory, the top table at 0.  Besides
 * crashes, leaks and undefined behaviour it aborts when a promise is
 * broken: runs of non-zero size, in ascending virtual order without
 * overlap, inside [start, end); each table read once; hits inside the run
 * scanned, in order.  Seeds: tests/fuzz/corpus/pagewalk (the unit test's
 * tables, and tables pointing back at themselves).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/memory/search.h"
#include "kernel-helpers/x86_64/pagewalk.h"

struct input {
	const uint8_t *mem;
	size_t len;
	unsigned int table_reads;
	uint64_t start, end, last_end;
	bool any;
	uint64_t last_hit;
	bool any_hit;
	uint64_t run_vaddr, run_size;
};

static struct lkdb_error *read_phys(void *context, uint64_t addr, void *buf,
				    size_t len)
{
	struct input *in = context;
	if (addr >= in->len || len > in->len - addr)
		return lkdb_error_create(LKDB_ERROR_FAULT, "not in the input");
	if (len == 4096)
		in->table_reads++;
	memcpy(buf, in->mem + addr, len);
	return NULL;
}

static struct lkdb_error *on_hit(void *context, const struct mem_search_hit *h)
{
	struct input *in = context;
	if (h->addr < in->run_vaddr || h->addr - in->run_vaddr >= in->run_size ||
	    (in->any_hit && h->addr < in->last_hit))
		abort();
	in->last_hit = h->addr;
	in->any_hit = true;
	return NULL;
}

static struct lkdb_error *on_run(void *context, uint64_t vaddr, uint64_t paddr,
				 uint64_t size)
{
	struct input *in = context;
	if (!size || vaddr < in->start || (in->end && vaddr + size - 1 >= in->end) ||
	    vaddr + size - 1 < vaddr || (in->any && vaddr < in->last_end))
		abort();
	in->any = true;
	in->last_end = vaddr + size;
	/* What search does with a run: read what the input has, scan it. */
	if (paddr < in->len) {
		size_t n = in->len - paddr < size ? in->len - paddr : size;
		n = n > 65536 ? 65536 : n;
		uint64_t v = 0x41;
		const char *s[] = { "AB", "A" };
		struct mem_search values = { .size = 2, .mask = 0xff00,
					     .values = &v, .nr_values = 1 };
		struct mem_search strings = { .strings = s, .nr_strings = 2 };
		in->run_vaddr = vaddr;
		in->run_size = n;
		in->any_hit = false;
		lkdb_error_destroy(mem_search_scan(&values, in->mem + paddr, n,
						   vaddr, 0, on_hit, in));
		in->any_hit = false;
		lkdb_error_destroy(mem_search_scan(&strings, in->mem + paddr, n,
						   vaddr, 1, on_hit, in));
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 17)
		return 0;
	struct input in = { .mem = data + 17, .len = size - 17 };
	unsigned int levels = data[0] & 1 ? 5 : 4;
	for (int i = 7; i >= 0; i--) {
		in.start = in.start << 8 | data[1 + i];
		in.end = in.end << 8 | data[9 + i];
	}
	struct kernel k = { .arch = &kernel_arch_x86_64,
			    .phys = { .context = &in, .read = read_phys } };
	uint64_t unreadable = 0;
	struct lkdb_error *err = x86_64_mapped(&k, 0, levels, in.start, in.end,
					       on_run, &in, &unreadable);
	/* Each table read at most once. */
	if (in.table_reads > in.len / 4096 + 1)
		abort();
	lkdb_error_destroy(err);
	return 0;
}
