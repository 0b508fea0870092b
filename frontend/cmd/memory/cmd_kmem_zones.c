// SPDX-License-Identifier: GPL-2.0-or-later
/* kmem -z, -f and -v: the memory zones, their free lists, the vmalloc areas. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/printable.h"
#include "frontend/cmd/memory/kmem_views.h"
#include "frontend/core/commands.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/memory/pages.h"
#include "kernel-helpers/memory/vmalloc.h"
#include "kernel-helpers/memory/zones.h"

/*
 * s centered in width as crash's mkstring(CENTER) does: an odd space
 * left over goes right, or left with rjust.
 */
static struct lkdb_error *read_zones(struct lkdb_command_context *ctx,
				     bool walk, struct kernel_zones *zs)
{
	struct lkdb_error *err = kernel_read_zones(
		ctx->kernel, walk, zs);
	if (err)
		return err;
	for (size_t i = 0; i < zs->nr_warnings; i++)
		lkdb_warn("kmem", "%s", zs->warnings[i]);
	fflush(stderr);
	return NULL;
}

/* vm_stat[NR_FREE_PAGES]: item 0 by name, as crash reads it. */
static uint64_t zone_free(const struct kernel_zones *zs,
			  const struct kernel_zone *z)
{
	for (size_t i = 0; i < zs->nr_items; i++)
		if (zs->item_names[i] &&
		    !strcmp(zs->item_names[i], "NR_FREE_PAGES"))
			return z->vm_stat[i];
	return 0;
}

static void zone_json(const struct kernel_zones *zs,
		      const struct kernel_zone *z)
{
	printf("{\"node\": %u, \"zone\": %u, \"address\": ", z->node, z->index);
	json_write_address(stdout, z->addr);
	fputs(", \"name\": ", stdout);
	json_write_string(stdout, z->name);
	printf(", \"size\": %" PRIu64 ", \"present\": %" PRIu64 ", \"managed\": %" PRIu64 ", \"start_pfn\": %" PRIu64 ", \"min\": %" PRIu64 ", \"low\": %" PRIu64 ", \"high\": %" PRIu64 ", \"vm_stat\": {",
	       z->spanned, z->present, z->managed, z->start_pfn, z->min, z->low,
	       z->high);
	bool first = true;
	for (size_t i = 0; i < zs->nr_items; i++) {
		if (!zs->item_names[i])
			continue;
		printf("%s\"%s\": %" PRId64, first ? "" : ", ",
		       zs->item_names[i], (int64_t)z->vm_stat[i]);
		first = false;
	}
	fputs("}}", stdout);
}

/* kmem -z: each zone as crash shows it, its vm_stat counters named. */
struct lkdb_error *kmem_zones(struct lkdb_command_context *ctx)
{
	struct kernel_zones zs;
	struct lkdb_error *err = read_zones(ctx, false, &zs);
	if (err)
		return err;
	int width = 0;
	for (size_t i = 0; i < zs.nr_items; i++)
		if (zs.item_names[i] && (int)strlen(zs.item_names[i]) > width)
			width = (int)strlen(zs.item_names[i]);
	if (ctx->json)
		putchar('[');
	for (size_t i = 0; i < zs.nr; i++) {
		const struct kernel_zone *z = &zs.zones[i];
		if (ctx->json) {
			fputs(i ? ",\n " : "", stdout);
			zone_json(&zs, z);
			continue;
		}
		printf("NODE: %u  ZONE: %u  ADDR: %" PRIx64 "  NAME: \"%s\"\n",
		       z->node, z->index, z->addr, z->name);
		if (!z->spanned) {
			puts("  [unpopulated]\n");
			continue;
		}
		printf("  SIZE: %" PRIu64, z->spanned);
		if (z->present < z->spanned)
			printf("  PRESENT: %" PRIu64, z->present);
		printf("  MIN/LOW/HIGH: %" PRIu64 "/%" PRIu64 "/%" PRIu64 "\n  VM_STAT:\n",
		       z->min, z->low, z->high);
		for (size_t s = 0; s < zs.nr_items; s++)
			if (zs.item_names[s])
				printf("%*s: %" PRId64 "\n", width,
				       zs.item_names[s], (int64_t)z->vm_stat[s]);
		puts("\n");
	}
	if (ctx->json)
		puts("]");
	fflush(stdout);
	kernel_zones_deinit(&zs);
	return NULL;
}

/* A zone's line of kmem -f (MEM_MAP: the struct page of its first frame). */
static void free_zone_line(struct kernel *k, const struct kernel_zone *z,
			   uint64_t free)
{
	char s[40];
	uint64_t mem_map = 0;
	if (z->spanned) {
		struct lkdb_error *err = kernel_pfn_to_page(k, z->start_pfn,
							    &mem_map);
		lkdb_error_destroy(err);
		if (err)
			mem_map = 0;
	}
	uint64_t mapnr = mem_map && z->start_pfn >= z->node_start_pfn ?
				 z->start_pfn - z->node_start_pfn : 0;
	snprintf(s, sizeof(s), "%" PRIx64, mem_map);
	printf("%3u   %-9s %6" PRIu64 "  %6" PRIu64 "  ", z->index, z->name,
	       z->spanned, free);
	lkdb_print_centered(stdout, 16, s, false);
	snprintf(s, sizeof(s), "%" PRIx64, z->start_pfn << k->arch->page_shift);
	fputs("  ", stdout);
	lkdb_print_centered(stdout, 11, s, true);
	snprintf(s, sizeof(s), "%" PRIu64, mapnr);
	fputs("  ", stdout);
	lkdb_print_centered(stdout, 11, s, true);
	putchar('\n');
}

static void free_zone_json(struct kernel *k, const struct kernel_zones *zs,
			   const struct kernel_zone *z, uint64_t free,
			   uint64_t *found)
{
	uint64_t mem_map = 0;
	if (z->spanned) {
		struct lkdb_error *err = kernel_pfn_to_page(k, z->start_pfn,
							    &mem_map);
		lkdb_error_destroy(err);
	}
	printf("{\"node\": %u, \"zone\": %u, \"name\": ", z->node, z->index);
	json_write_string(stdout, z->name);
	printf(", \"size\": %" PRIu64 ", \"free\": %" PRIu64 ", \"mem_map\": ",
	       z->spanned, free);
	json_write_address(stdout, mem_map);
	fputs(", \"start_paddr\": ", stdout);
	json_write_address(stdout, z->start_pfn << k->arch->page_shift);
	printf(", \"start_mapnr\": %" PRIu64 ", \"areas\": [",
	       mem_map ? z->start_pfn - z->node_start_pfn : 0);
	for (unsigned int o = 0; free && z->blocks && o < zs->nr_orders; o++) {
		printf("%s{\"order\": %u, \"size_kb\": %" PRIu64 ", \"nr_free\": %" PRIu64 ", \"free_lists\": [",
		       o ? ", " : "", o,
		       (kernel_page_size(k) << o) / 1024, z->nr_free[o]);
		for (unsigned int t = 0; t < zs->nr_types; t++) {
			uint64_t blocks = z->blocks[o * zs->nr_types + t];
			printf("%s{\"migrate_type\": %u, \"address\": ",
			       t ? ", " : "", t);
			json_write_address(stdout,
					   kernel_zone_free_list(zs, z, o, t));
			printf(", \"blocks\": %" PRIu64 ", \"pages\": %" PRIu64 "}",
			       blocks, blocks << o);
			*found += blocks << o;
		}
		fputs("]}", stdout);
	}
	fputs("]}", stdout);
}

/*
 * kmem -f: per zone crash's line and its free lists (each order and
 * migrate type, blocks counted by walking them), then the free pages the
 * zones count against those the walks found.
 */
struct lkdb_error *kmem_free_lists(struct lkdb_command_context *ctx)
{
	struct kernel *k = ctx->kernel;
	struct kernel_zones zs;
	struct lkdb_error *err = read_zones(ctx, true, &zs);
	if (err)
		return err;
	uint64_t sum = 0, found = 0;
	bool nodes = zs.nr && zs.zones[zs.nr - 1].node != zs.zones[0].node;
	if (ctx->json)
		fputs("{\"zones\": [", stdout);
	for (size_t i = 0; i < zs.nr; i++) {
		const struct kernel_zone *z = &zs.zones[i];
		uint64_t free = zone_free(&zs, z);
		sum += free;
		if (ctx->json) {
			fputs(i ? ",\n " : "", stdout);
			free_zone_json(k, &zs, z, free, &found);
			continue;
		}
		if (!z->index && nodes) {
			if (i)
				printf("\n%.74s\n",
				       "--------------------------------------------------------------------------");
			printf("%sNODE\n %2u\n", i ? "\n" : "", z->node);
		}
		printf("%sZONE  NAME        SIZE    FREE  ",
		       z->index ? "\n" : "");
		lkdb_print_centered(stdout, 16, "MEM_MAP", false);
		puts("  START_PADDR  START_MAPNR");
		free_zone_line(k, z, free);
		if (!free || !z->blocks)
			continue;
		puts("AREA    SIZE  FREE_AREA_STRUCT  BLOCKS  PAGES");
		for (unsigned int o = 0; o < zs.nr_orders; o++) {
			for (unsigned int t = 0; t < zs.nr_types; t++) {
				char size[24], s[24];
				uint64_t blocks = z->blocks[o * zs.nr_types + t];
				snprintf(size, sizeof(size), "%" PRIu64 "k",
					 (kernel_page_size(k) << o) / 1024);
				snprintf(s, sizeof(s), "%" PRIx64,
					 kernel_zone_free_list(&zs, z, o, t));
				printf("%3u  %7s  ", o, size);
				lkdb_print_centered(stdout, 16, s, false);
				printf("  %6" PRIu64 " %6" PRIu64 "\n", blocks,
				       blocks << o);
				found += blocks << o;
			}
		}
	}
	if (ctx->json) {
		printf("], \"nr_free_pages\": %" PRIu64 ", \"found\": %" PRIu64 "}\n",
		       sum, found);
	} else {
		printf("\nnr_free_pages: %" PRIu64 "  ", sum);
		if (sum == found)
			puts("(verified)");
		else
			printf("(found %" PRIu64 ")\n", found);
	}
	fflush(stdout);
	kernel_zones_deinit(&zs);
	return NULL;
}

/* kmem -v: the vmalloc areas as crash lists them. */
struct lkdb_error *kmem_vmalloc(struct lkdb_command_context *ctx)
{
	struct kernel_vmap_areas a;
	struct lkdb_error *err = kernel_read_vmap_areas(
		ctx->kernel, &a);
	if (err)
		return err;
	for (size_t i = 0; i < a.nr_warnings; i++)
		lkdb_warn("kmem", "%s", a.warnings[i]);
	fflush(stderr);
	if (ctx->json) {
		putchar('[');
	} else if (a.nr) {
		lkdb_print_centered(stdout, 16, "VMAP_AREA", false);
		fputs("  ", stdout);
		lkdb_print_centered(stdout, 16, "VM_STRUCT", false);
		fputs("  ", stdout);
		lkdb_print_centered(stdout, 35, "ADDRESS RANGE", false);
		puts("     SIZE");
	}
	for (size_t i = 0; i < a.nr; i++) {
		const struct kernel_vmap_area *v = &a.areas[i];
		if (ctx->json) {
			fputs(i ? ",\n {\"vmap_area\": " : "{\"vmap_area\": ",
			      stdout);
			json_write_address(stdout, v->va);
			fputs(", \"vm_struct\": ", stdout);
			json_write_address(stdout, v->vm);
			fputs(", \"start\": ", stdout);
			json_write_address(stdout, v->start);
			fputs(", \"end\": ", stdout);
			json_write_address(stdout, v->end);
			printf(", \"size\": %" PRIu64 "}", v->end - v->start);
			continue;
		}
		char s[24];
		snprintf(s, sizeof(s), "%" PRIx64, v->va);
		lkdb_print_centered(stdout, 16, s, false);
		snprintf(s, sizeof(s), "%" PRIx64, v->vm);
		fputs("  ", stdout);
		lkdb_print_centered(stdout, 16, s, false);
		printf("  %16" PRIx64 " - %-16" PRIx64 "  %7" PRIu64 "\n",
		       v->start, v->end, v->end - v->start);
	}
	if (ctx->json)
		puts("]");
	fflush(stdout);
	kernel_vmap_areas_deinit(&a);
	return NULL;
}
