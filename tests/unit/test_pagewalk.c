// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every mapping of a set of x86_64 page tables (x86_64_mapped), over
 * tables built in a fake physical memory: 4 KiB, 2 MiB and 1 GiB pages in
 * ascending virtual order, the upper half's addresses canonical, runs
 * contiguous in virtual and physical memory joined, [start, end) clipped,
 * absent entries skipped, a table that cannot be read counted and passed
 * over, a table pointing back at itself walked once.
 */
#include <stdio.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/x86_64/pagewalk.h"
#include "tap.h"

#define PHYS_SIZE (64 * 4096)
#define P 1ULL		/* present */
#define PSE (1ULL << 7)

static unsigned char phys[PHYS_SIZE];

static struct lkdb_error *read_phys(void *context, uint64_t addr, void *buf,
				    size_t len)
{
	(void)context;
	if (addr >= PHYS_SIZE || len > PHYS_SIZE - addr)
		return lkdb_error_create(LKDB_ERROR_FAULT,
					 "physical 0x%llx not in the dump",
					 (unsigned long long)addr);
	memcpy(buf, phys + addr, len);
	return NULL;
}

/* Entry i of the table in physical page t. */
static void set(unsigned int t, unsigned int i, uint64_t e)
{
	for (int b = 0; b < 8; b++)
		phys[t * 4096 + i * 8 + b] = (unsigned char)(e >> (8 * b));
}

struct runs {
	char text[2048];
};

static struct lkdb_error *collect(void *context, uint64_t vaddr,
				  uint64_t paddr, uint64_t size)
{
	struct runs *r = context;
	size_t n = strlen(r->text);
	snprintf(r->text + n, sizeof(r->text) - n, "%s%llx>%llx+%llx",
		 n ? " " : "", (unsigned long long)vaddr,
		 (unsigned long long)paddr, (unsigned long long)size);
	return NULL;
}

static struct kernel k = { .arch = &kernel_arch_x86_64,
			   .phys = { .read = read_phys } };

/*
 * Page 1: PGD.  [0] -> PUD page 2: [0] -> PMD page 3: [0] -> PTE page 4
 * (pages 0x10000, 0x11000 mapped at 0 and 0x1000, 0x13000 at 0x3000),
 * [1] a 2 MiB page at 0x200000.  PUD [1]: a 1 GiB page at 0x40000000.
 * PGD [511] (0xffffff8000000000) -> PUD page 5: [511] -> PMD page 6:
 * [0] -> PTE page 7: [0] 0x14000.  PGD [256] -> page 63 (cannot be read:
 * outside the fake memory).  PGD [3] -> the PGD itself.
 */
static void build(void)
{
	memset(phys, 0, sizeof(phys));
	set(1, 0, 2 * 4096 | P);
	set(2, 0, 3 * 4096 | P);
	set(3, 0, 4 * 4096 | P);
	set(4, 0, 0x10000 | P);
	set(4, 1, 0x11000 | P);
	set(4, 2, 0x12000);		/* not present */
	set(4, 3, 0x13000 | P);
	set(3, 1, 0x200000 | P | PSE);
	set(2, 1, 0x40000000 | P | PSE);
	set(1, 511, 5 * 4096 | P);
	set(5, 511, 6 * 4096 | P);
	set(6, 0, 7 * 4096 | P);
	set(7, 0, 0x14000 | P);
	set(1, 256, 0x1000000 | P);	/* beyond the fake memory */
	set(1, 3, 1 * 4096 | P);	/* back to the PGD */
}

TEST(every_mapping_in_ascending_order_runs_joined)
{
	build();
	struct runs r = { "" };
	uint64_t unreadable = 0;
	CHECK(!x86_64_mapped(&k, 4096, 4, 0, 0, collect, &r, &unreadable));
	CHECK_STR(r.text, "0>10000+2000 3000>13000+1000 200000>200000+200000 "
			  "40000000>40000000+40000000 "
			  "ffffffffc0000000>14000+1000");
	CHECK(unreadable == 1);
}

TEST(start_and_end_clip_the_runs)
{
	build();
	struct runs r = { "" };
	CHECK(!x86_64_mapped(&k, 4096, 4, 0x1800, 0x200800, collect, &r,
			     NULL));
	CHECK_STR(r.text, "1800>11800+800 3000>13000+1000 200000>200000+800");
	r.text[0] = '\0';
	/* The upper half only. */
	CHECK(!x86_64_mapped(&k, 4096, 4, 1ULL << 63, 0, collect, &r, NULL));
	CHECK_STR(r.text, "ffffffffc0000000>14000+1000");
	r.text[0] = '\0';
	CHECK(!x86_64_mapped(&k, 4096, 4, 0x5000, 0x5000, collect, &r, NULL));
	CHECK_STR(r.text, "");
}

TEST(five_levels_and_bad_levels)
{
	build();
	/* Page 8 as a level-5 table whose [0] is the 4-level PGD. */
	set(8, 0, 1 * 4096 | P);
	struct runs r = { "" };
	CHECK(!x86_64_mapped(&k, 8 * 4096, 5, 0, 0, collect, &r, NULL));
	/* The 4-level PGD's last entry is now in the lower half. */
	CHECK_STR(r.text, "0>10000+2000 3000>13000+1000 200000>200000+200000 "
			  "40000000>40000000+40000000 "
			  "ffffc0000000>14000+1000");
	struct lkdb_error *err = x86_64_mapped(&k, 4096, 3, 0, 0, collect, &r,
					       NULL);
	CHECK(err && strstr(err->message, "3 page-table levels"));
	lkdb_error_destroy(err);
}

static struct lkdb_error *stop_at_second(void *context, uint64_t vaddr,
					 uint64_t paddr, uint64_t size)
{
	(void)vaddr, (void)paddr, (void)size;
	if (++*(int *)context == 2)
		return lkdb_error_create(LKDB_ERROR_INTERRUPTED, "stop");
	return NULL;
}

TEST(the_callbacks_error_ends_the_walk)
{
	build();
	int calls = 0;
	struct lkdb_error *err = x86_64_mapped(&k, 4096, 4, 0, 0,
					       stop_at_second, &calls, NULL);
	CHECK(err && err->code == LKDB_ERROR_INTERRUPTED && calls == 2);
	lkdb_error_destroy(err);
}

/* A PROT_NONE PTE (bit 8, not present) maps its page, its frame inverted. */
TEST(a_prot_none_pte_maps_its_page)
{
	build();
	set(4, 2, (~0x12000ULL & X86_64_PTE_ADDR_MASK) | (1ULL << 8));
	struct runs r = { "" };
	CHECK(!x86_64_mapped(&k, 4096, 4, 0, 0x4000, collect, &r, NULL));
	CHECK_STR(r.text, "0>10000+4000");
	struct x86_64_walk w;
	CHECK(!x86_64_walk(&k, 4096, 4, 0x2010, &w));
	CHECK(w.mapped && w.paddr == 0x12010);
	/* Not canonical: an error, not a wrapped index. */
	struct lkdb_error *err = x86_64_walk(&k, 4096, 4, 1ULL << 47, &w);
	CHECK(err && strstr(err->message, "not canonical"));
	lkdb_error_destroy(err);
}

/* The direct map's extent is an upper bound: the regions inside it win. */
TEST(regions_inside_the_direct_maps_bound_are_theirs)
{
	struct x86_64_regions r = { 0 };
	r.start[X86_64_REGION_DIRECT] = 0xffff888000000000ULL;
	r.end[X86_64_REGION_DIRECT] = 0xffffc88000000000ULL;
	r.start[X86_64_REGION_VMALLOC] = 0xffffa00000000000ULL;
	r.end[X86_64_REGION_VMALLOC] = 0xffffc00000000000ULL;
	CHECK(x86_64_region_of(&r, 0xffffa00000001000ULL) == X86_64_REGION_VMALLOC);
	CHECK(x86_64_region_of(&r, 0xffff888000001000ULL) == X86_64_REGION_DIRECT);
	CHECK(x86_64_region_of(&r, 0x1000) == X86_64_REGION_OTHER);
}

int main(void)
{
	RUN(every_mapping_in_ascending_order_runs_joined);
	RUN(start_and_end_clip_the_runs);
	RUN(five_levels_and_bad_levels);
	RUN(the_callbacks_error_ends_the_walk);
	RUN(a_prot_none_pte_maps_its_page);
	RUN(regions_inside_the_direct_maps_bound_are_theirs);
	return tap_done();
}
