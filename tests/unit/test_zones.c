// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/memory/zones.c over a fake node laid out
 * as 6.1 has it: two zones (DMA populated, Normal empty), watermarks by
 * their enumerators, vm_stat, and a buddy allocator of three orders and
 * two migrate types whose free lists are walked to the blocks nr_free
 * counts; then a free list that loops, a warning naming the zone, order
 * and type, the count before kept.
 */
#include <inttypes.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/memory/nodes.h"
#include "kernel-helpers/memory/zones.h"
#include "tap.h"
#include "walker_input.h"

static const char table[] =
	"pglist_data 0 1536\n"
	"pglist_data.node_zones 0 1024\n"
	"zone 0 512\n"
	"zone._watermark 0 24\n"
	"zone.zone_start_pfn 24 8\n"
	"zone.spanned_pages 32 8\n"
	"zone.present_pages 40 8\n"
	"zone.managed_pages 48 8\n"
	"zone.name 56 8\n"
	"zone.free_area 64 120\n"
	"zone.vm_stat 192 16\n"
	"free_area 0 40\n"
	"free_area.free_list 0 32\n"
	"free_area.nr_free 32 8\n"
	"list_head 0 16\n"
	"page 0 64\n"
	"page.buddy_list 8 16\n"
	"enum:WMARK_MIN 0 0\n"
	"enum:WMARK_LOW 1 0\n"
	"enum:WMARK_HIGH 2 0\n";

#define PGDAT 0xffff888000100000ULL
#define NAMES 0xffff888000200000ULL
#define PA 0xffffea0000000000ULL
#define PAGE(pfn) (PA + (pfn) * 64)
/* free_area[order].free_list[type] of zone 0 */
#define LIST(o, t) (PGDAT + 64 + (o) * 40 + (t) * 16)

static struct fake_memory m;
static struct kernel k = { .arch = &kernel_arch_x86_64 };
static uint64_t values[WALKER_ZONES_VALUES] = {
	[WALKER_ZONES_PGDAT] = PGDAT, [WALKER_ZONES_ITEMS] = 2,
	[WALKER_ZONES_MODE] = 1,
};

static bool setup(void)
{
	take_error(ktypes_create_from_table(table, &k.types));
	k.memory = (struct kernel_memory_reader){ &m, fake_read, NULL };
	return err_code == 0;
}

/* A list of pages at head: each page's buddy_list after the one before. */
static void free_list(uint64_t head, const uint64_t *pfns, size_t n)
{
	uint64_t prev = head;
	for (size_t i = 0; i < n; i++) {
		uint64_t node = PAGE(pfns[i]) + 8;
		put(at(&m, prev), node, 8);
		put(at(&m, node) + 8, prev, 8);
		prev = node;
	}
	put(at(&m, prev), head, 8);
	put(at(&m, head) + 8, prev, 8);
}

static void build(void)
{
	memset(&m, 0, sizeof(m));
	unsigned char *p = map(&m, PGDAT, 1536);
	map(&m, NAMES, 4096);
	memcpy(at(&m, NAMES), "DMA", 4);
	memcpy(at(&m, NAMES + 16), "Normal", 7);
	map(&m, PA, 64 * 16);
	/* zone 0: DMA, pfn 1-16 */
	put(p + 0, 10, 8);
	put(p + 8, 12, 8);
	put(p + 16, 14, 8);
	put(p + 24, 1, 8);
	put(p + 32, 16, 8);
	put(p + 40, 15, 8);
	put(p + 48, 12, 8);
	put(p + 56, NAMES, 8);
	for (unsigned int o = 0; o < 3; o++)
		for (unsigned int t = 0; t < 2; t++)
			free_list(LIST(o, t), NULL, 0);
	free_list(LIST(0, 0), (const uint64_t[]){ 3, 5 }, 2);
	free_list(LIST(1, 1), (const uint64_t[]){ 8 }, 1);
	put(p + 64 + 0 * 40 + 32, 2, 8);
	put(p + 64 + 1 * 40 + 32, 1, 8);
	put(p + 192, 4, 8);		/* vm_stat[0]: free pages */
	put(p + 200, 7, 8);
	/* zone 1: Normal, empty */
	put(p + 512 + 56, NAMES + 16, 8);
}

static void read_zones(struct kernel_zones *zs)
{
	struct walker_zones_env e;
	if (!walker_seed_save(tap_current_name, 0, table, values,
			      WALKER_ZONES_VALUES, &m))
		printf("# cannot save a fuzz seed\n");
	walker_zones_env(values, &e);
	memset(zs, 0, sizeof(*zs));
	take_error(kernel_read_zones_in(&k, &e.nodes, values[WALKER_ZONES_ITEMS],
					true, zs));
}

TEST(zones_watermarks_vm_stat_and_free_lists_as_nr_free_counts_them)
{
	struct kernel_zones zs;
	build();
	read_zones(&zs);
	CHECK(err_code == 0 && zs.nr == 2 && zs.nr_orders == 3 &&
	      zs.nr_types == 2 && zs.nr_warnings == 0);
	if (zs.nr == 2) {
		const struct kernel_zone *z = &zs.zones[0];
		CHECK_STR(z->name, "DMA");
		CHECK(z->start_pfn == 1 && z->spanned == 16 && z->present == 15 &&
		      z->managed == 12 && z->min == 10 && z->low == 12 &&
		      z->high == 14 && z->vm_stat[0] == 4 && z->vm_stat[1] == 7);
		CHECK(z->nr_free[0] == 2 && z->nr_free[1] == 1 && z->nr_free[2] == 0);
		CHECK(z->blocks[0] == 2 && z->blocks[1] == 0 && z->blocks[2] == 0 &&
		      z->blocks[3] == 1 && z->blocks[4] == 0 && z->blocks[5] == 0);
		CHECK(kernel_zone_free_list(&zs, z, 1, 1) == LIST(1, 1));
		CHECK_STR(zs.zones[1].name, "Normal");
		CHECK(zs.zones[1].spanned == 0 && zs.zones[1].index == 1);
	}
	kernel_zones_deinit(&zs);
	unmap_all(&m);
}

TEST(a_free_list_that_loops_is_a_warning_and_the_rest_is_kept)
{
	struct kernel_zones zs;
	build();
	/* order 0's second page points back at the first */
	put(at(&m, PAGE(5) + 8), PAGE(3) + 8, 8);
	read_zones(&zs);
	CHECK(err_code == 0 && zs.nr == 2 && zs.nr_warnings == 1);
	if (zs.nr_warnings == 1) {
		printf("# %s\n", zs.warnings[0]);
		CHECK(strstr(zs.warnings[0], "zone DMA: free list of order 0, migrate type 0") != NULL);
	}
	CHECK(zs.nr == 2 && zs.zones[0].blocks[0] == 2 && zs.zones[0].blocks[3] == 1);
	kernel_zones_deinit(&zs);
	unmap_all(&m);
}

int main(void)
{
	if (!setup()) {
		printf("Bail out! the type table\n");
		return 1;
	}
	RUN(zones_watermarks_vm_stat_and_free_lists_as_nr_free_counts_them);
	RUN(a_free_list_that_loops_is_a_warning_and_the_rest_is_kept);
	int status = tap_done();
	ktypes_destroy(k.types);
	return status;
}
