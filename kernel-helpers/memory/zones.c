// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/zones.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/printable.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/listwalk.h"
#include "kernel-helpers/memory/nodes.h"
#include "kernel-helpers/memory/vmstat.h"

#define ZONES_MAX_PER_NODE 16
#define ZONE_BYTES_MAX 65536
#define ZONE_ORDERS_MAX 64
#define ZONE_TYPES_MAX 16
#define ZONE_ITEMS_MAX 512
/* The most blocks a free list is walked for (a zone of 256 GiB). */
#define ZONE_FREE_LIST_MAX (1u << 26)

struct zone_layout {
	uint64_t node_zones, zone_size, nr_zones;
	struct ktypes_field name, start_pfn, spanned, present, managed;
	uint64_t watermark;		/* the array's offset */
	int64_t wmark[3];		/* WMARK_MIN, LOW, HIGH */
	uint64_t free_area, nr_free;	/* nr_free: in struct free_area */
	uint64_t vm_stat;
	uint64_t page_list;		/* page.buddy_list (or lru) */
};

static struct lkdb_error *get_layout(struct ktypes *t, struct kernel_zones *zs,
				     struct zone_layout *l)
{
	static const char *const watermark[] = { "_watermark", "watermark" };
	static const char *const wmarks[] = { "WMARK_MIN", "WMARK_LOW",
					      "WMARK_HIGH" };
	static const char *const page_list[] = { "buddy_list", "lru" };
	uint64_t nz_size, fa_size, fl_size, wm_size;
	unsigned int which = !ktypes_has_member(t, "zone", watermark[0]);
	unsigned int list = !ktypes_has_member(t, "page", page_list[0]);
	struct lkdb_error *err;
	if ((err = ktypes_member(t, "pglist_data", "node_zones", &l->node_zones,
				 &nz_size)) ||
	    (err = ktypes_size_within(t, "zone", ZONE_BYTES_MAX, &l->zone_size)) ||
	    (err = ktypes_field(t, "zone", "name", l->zone_size, &l->name)) ||
	    (err = ktypes_field(t, "zone", "zone_start_pfn", l->zone_size,
				&l->start_pfn)) ||
	    (err = ktypes_field(t, "zone", "spanned_pages", l->zone_size,
				&l->spanned)) ||
	    (err = ktypes_field(t, "zone", "present_pages", l->zone_size,
				&l->present)) ||
	    (err = ktypes_field(t, "zone", "managed_pages", l->zone_size,
				&l->managed)) ||
	    (err = ktypes_member(t, "zone", watermark[which], &l->watermark,
				 &wm_size)) ||
	    (err = ktypes_member(t, "zone", "free_area", &l->free_area,
				 &fa_size)) ||
	    (err = ktypes_size(t, "free_area", &zs->free_area_size)) ||
	    (err = ktypes_member(t, "free_area", "free_list",
				 &zs->free_list_offset, &fl_size)) ||
	    (err = ktypes_member(t, "free_area", "nr_free", &l->nr_free,
				 NULL)) ||
	    (err = ktypes_size(t, "list_head", &zs->list_head_size)) ||
	    (err = ktypes_member(t, "zone", "vm_stat", &l->vm_stat, NULL)) ||
	    (err = ktypes_member(t, "page", page_list[list], &l->page_list,
				 NULL)))
		return err;
	for (int i = 0; i < 3; i++)
		if ((err = ktypes_enumerator(t, wmarks[i], &l->wmark[i])))
			return err;
	l->nr_zones = nz_size / l->zone_size;
	zs->nr_orders = (unsigned int)(zs->free_area_size ?
				       fa_size / zs->free_area_size : 0);
	zs->nr_types = (unsigned int)(zs->list_head_size ?
				      fl_size / zs->list_head_size : 0);
	for (int i = 0; i < 3 && !err; i++)
		if (l->wmark[i] < 0 || (uint64_t)l->wmark[i] >= wm_size / 8)
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"%s is %" PRId64 ", past zone.%s",
						wmarks[i], l->wmark[i],
						watermark[which]);
	if (!err && (!l->nr_zones || l->nr_zones > ZONES_MAX_PER_NODE ||
		     !zs->nr_orders || zs->nr_orders > ZONE_ORDERS_MAX ||
		     !zs->nr_types || zs->nr_types > ZONE_TYPES_MAX ||
		     l->vm_stat + 8 * zs->nr_items > l->zone_size ||
		     l->watermark + wm_size > l->zone_size ||
		     l->nr_free + 8 > zs->free_area_size ||
		     zs->free_list_offset + fl_size > zs->free_area_size ||
		     l->free_area + fa_size > l->zone_size))
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"unexpected zone layout: %" PRIu64 " zones of %" PRIu64 " bytes, %u orders, %u migrate types",
					l->nr_zones, l->zone_size, zs->nr_orders,
					zs->nr_types);
	return err;
}

static void warn(struct kernel_zones *zs, struct lkdb_error *err)
{
	lkdb_error_destroy(lkdb_warning_append(&zs->warnings, &zs->nr_warnings,
					       "%s", err->message));
	lkdb_error_destroy(err);
}

uint64_t kernel_zone_free_list(const struct kernel_zones *zs,
			       const struct kernel_zone *z, unsigned int order,
			       unsigned int type)
{
	return z->free_area + order * zs->free_area_size +
	       zs->free_list_offset + type * zs->list_head_size;
}

/* Count each free list's blocks (bounded by the zone's pages). */
static void walk_free_lists(struct kernel *k, const struct zone_layout *l,
			    struct kernel_zones *zs, struct kernel_zone *z)
{
	for (unsigned int o = 0; o < zs->nr_orders; o++) {
		for (unsigned int t = 0; t < zs->nr_types; t++) {
			struct list_walk w;
			uint64_t head = kernel_zone_free_list(zs, z, o, t);
			struct lkdb_error *err = kernel_list_walk(
				kernel_memory(k), head, l->page_list, LIST_HEAD,
				0, (size_t)(z->spanned < ZONE_FREE_LIST_MAX ?
					    z->spanned : ZONE_FREE_LIST_MAX),
				&w);
			z->blocks[o * zs->nr_types + t] = w.nr;
			list_walk_deinit(&w);
			if (err)
				warn(zs, lkdb_error_prefix(err, "node %u zone %s: free list of order %u, migrate type %u",
							   z->node, z->name, o, t));
		}
	}
}

/* One zone, read in one piece from its struct zone. */
static struct lkdb_error *read_zone(struct kernel *k,
				    const struct zone_layout *l,
				    struct kernel_zones *zs,
				    unsigned char *buf, bool walk,
				    struct kernel_zone *z)
{
	struct lkdb_error *err = k->memory.read(k->memory.context, z->addr, buf,
						l->zone_size);
	if (err)
		return lkdb_error_prefix(err, "node %u zone %u's struct zone at 0x%" PRIx64,
					 z->node, z->index, z->addr);
	uint64_t name = ktypes_field_get(buf, l->name);
	struct lkdb_error *e = name ? kernel_read_string(k, name, z->name,
							 sizeof(z->name)) :
				      NULL;
	if (e || !name)
		snprintf(z->name, sizeof(z->name), "(unknown)");
	lkdb_error_destroy(e);
	lkdb_printable(z->name, z->name, sizeof(z->name), "\"");
	z->start_pfn = ktypes_field_get(buf, l->start_pfn);
	z->spanned = ktypes_field_get(buf, l->spanned);
	z->present = ktypes_field_get(buf, l->present);
	z->managed = ktypes_field_get(buf, l->managed);
	uint64_t *marks[] = { &z->min, &z->low, &z->high };
	for (int i = 0; i < 3; i++) {
		struct ktypes_field f = { l->watermark + 8 * (uint64_t)l->wmark[i],
					  8 };
		*marks[i] = ktypes_field_get(buf, f);
	}
	z->free_area = z->addr + l->free_area;
	z->vm_stat = calloc(zs->nr_items ? zs->nr_items : 1, 8);
	z->nr_free = calloc(zs->nr_orders, 8);
	if (walk)
		z->blocks = calloc((size_t)zs->nr_orders * zs->nr_types, 8);
	if (!z->vm_stat || !z->nr_free || (walk && !z->blocks))
		return &lkdb_error_oom;
	for (size_t i = 0; i < zs->nr_items; i++)
		z->vm_stat[i] = ktypes_field_get(
			buf, (struct ktypes_field){ l->vm_stat + 8 * i, 8 });
	for (unsigned int o = 0; o < zs->nr_orders; o++)
		z->nr_free[o] = ktypes_field_get(
			buf, (struct ktypes_field){ l->free_area +
					o * zs->free_area_size + l->nr_free, 8 });
	if (walk && z->spanned)
		walk_free_lists(k, l, zs, z);
	return NULL;
}

struct lkdb_error *kernel_read_zones_in(struct kernel *k,
					const struct kernel_nodes *nodes,
					size_t nr_items, bool walk,
					struct kernel_zones *ret)
{
	char **names = ret->item_names;
	memset(ret, 0, sizeof(*ret));
	ret->item_names = names;
	ret->nr_items = nr_items;
	struct ktypes *t;
	struct zone_layout l;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err) {
		kernel_zones_deinit(ret);
		return err;
	}
	if (nr_items > ZONE_ITEMS_MAX)
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"%zu vm_stat items in a zone", nr_items);
	if (err || (err = get_layout(t, ret, &l))) {
		kernel_zones_deinit(ret);
		return err;
	}
	ret->zones = calloc(nodes->nr * l.nr_zones, sizeof(*ret->zones));
	unsigned char *buf = malloc(l.zone_size);
	if (!ret->zones || !buf)
		err = &lkdb_error_oom;
	for (size_t n = 0; !err && n < nodes->nr; n++) {
		for (unsigned int i = 0; !err && i < l.nr_zones; i++) {
			struct kernel_zone *z = &ret->zones[ret->nr];
			z->node = nodes->nodes[n].id;
			z->index = i;
			z->node_start_pfn = nodes->nodes[n].start_pfn;
			z->addr = nodes->nodes[n].pgdat + l.node_zones +
				  i * l.zone_size;
			err = read_zone(k, &l, ret, buf, walk, z);
			ret->nr++;
		}
	}
	free(buf);
	if (err)
		kernel_zones_deinit(ret);
	return err;
}

struct lkdb_error *kernel_read_zones(struct kernel *k, bool walk,
				     struct kernel_zones *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct kernel_nodes nodes;
	struct kernel_vmstat_group items;
	struct lkdb_error *err = kernel_vmstat_zone_items(k, &items);
	if (err)
		return err;
	free(items.values);
	if ((err = kernel_read_nodes(k, &nodes))) {
		for (size_t i = 0; i < items.n; i++)
			free(items.names[i]);
		free(items.names);
		return err;
	}
	ret->item_names = items.names;
	err = kernel_read_zones_in(k, &nodes, items.n, walk, ret);
	kernel_nodes_deinit(&nodes);
	return err;
}

void kernel_zones_deinit(struct kernel_zones *zs)
{
	for (size_t i = 0; zs->zones && i < zs->nr; i++) {
		free(zs->zones[i].vm_stat);
		free(zs->zones[i].nr_free);
		free(zs->zones[i].blocks);
	}
	free(zs->zones);
	for (size_t i = 0; zs->item_names && i < zs->nr_items; i++)
		free(zs->item_names[i]);
	free(zs->item_names);
	lkdb_warnings_free(zs->warnings, zs->nr_warnings);
	memset(zs, 0, sizeof(*zs));
}
