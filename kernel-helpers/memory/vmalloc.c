// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/vmalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/listwalk.h"

#define VMAP_NODES_MAX 4096
#define VMAP_AREA_BYTES_MAX 4096

struct area_layout {
	uint64_t size;
	struct ktypes_field start, end, vm;
	uint64_t list;
};

static void warn(struct kernel_vmap_areas *a, struct lkdb_error *err)
{
	lkdb_error_destroy(lkdb_warning_append(&a->warnings, &a->nr_warnings,
					       "%s", err->message));
	lkdb_error_destroy(err);
}

/* The areas with a vm_struct on the list at head, appended to a. */
static struct lkdb_error *read_list(struct kernel *k,
				    const struct area_layout *l, uint64_t head,
				    const char *what,
				    struct kernel_vmap_areas *a)
{
	struct list_walk w;
	struct lkdb_error *err = kernel_list_walk(kernel_memory(k), head,
						  l->list, LIST_HEAD, 0,
						  VMALLOC_AREAS_MAX, &w);
	if (err == &lkdb_error_oom)
		return err;
	if (err)
		warn(a, lkdb_error_prefix(err, "%s", what));
	struct kernel_vmap_area *p = realloc(a->areas,
					     (a->nr + w.nr + 1) * sizeof(*p));
	unsigned char buf[VMAP_AREA_BYTES_MAX];
	if (!p) {
		list_walk_deinit(&w);
		return &lkdb_error_oom;
	}
	a->areas = p;
	for (size_t i = 0; i < w.nr; i++) {
		err = k->memory.read(k->memory.context, w.entries[i], buf,
				     l->size);
		if (err) {
			warn(a, lkdb_error_prefix(err, "struct vmap_area 0x%" PRIx64,
						  w.entries[i]));
			continue;
		}
		struct kernel_vmap_area v = {
			.va = w.entries[i], .vm = ktypes_field_get(buf, l->vm),
			.start = ktypes_field_get(buf, l->start),
			.end = ktypes_field_get(buf, l->end),
		};
		if (v.vm)
			a->areas[a->nr++] = v;
	}
	list_walk_deinit(&w);
	return NULL;
}

static int by_start(const void *x, const void *y)
{
	const struct kernel_vmap_area *a = x, *b = y;
	return a->start < b->start ? -1 : a->start > b->start;
}

/* 6.9+: each vmap node's busy list. */
static struct lkdb_error *read_nodes(struct kernel *k, struct ktypes *t,
				     const struct area_layout *l,
				     struct kernel_vmap_areas *a)
{
	uint64_t nodes, nr, node_size, head;
	struct lkdb_error *err;
	if ((err = kernel_read_variable_uint(k, "vmap_nodes", "vmalloc", 0, 8,
					     &nodes)) ||
	    (err = kernel_read_variable_uint(k, "nr_vmap_nodes", "vmalloc", 0,
					     4, &nr)) ||
	    (err = ktypes_size(t, "vmap_node", &node_size)) ||
	    (err = ktypes_member(t, "vmap_node", "busy.head", &head, NULL)))
		return err;
	if (!nr || nr > VMAP_NODES_MAX)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "nr_vmap_nodes is %" PRIu64, nr);
	for (uint64_t n = 0; n < nr && !err; n++) {
		char what[48];
		snprintf(what, sizeof(what), "vmap node %" PRIu64 "'s busy list",
			 n);
		err = read_list(k, l, nodes + n * node_size + head, what, a);
	}
	return err;
}

struct lkdb_error *kernel_read_vmap_areas(struct kernel *k,
					  struct kernel_vmap_areas *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct area_layout l;
	uint64_t sym;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err ||
	    (err = ktypes_size_within(t, "vmap_area", VMAP_AREA_BYTES_MAX,
				      &l.size)) ||
	    (err = ktypes_field(t, "vmap_area", "va_start", l.size, &l.start)) ||
	    (err = ktypes_field(t, "vmap_area", "va_end", l.size, &l.end)) ||
	    (err = ktypes_field(t, "vmap_area", "vm", l.size, &l.vm)) ||
	    (err = ktypes_member(t, "vmap_area", "list", &l.list, NULL)))
		return err;
	err = kernel_need_symbol(k, "vmap_nodes", "vmalloc", &sym);
	if (!err) {
		err = read_nodes(k, t, &l, ret);
	} else if (err->code == LKDB_ERROR_NOT_FOUND) {
		lkdb_error_destroy(err);
		err = kernel_need_symbol(k, "vmap_area_list",
					 "vmalloc (neither vmap_nodes nor vmap_area_list)",
					 &sym);
		if (!err)
			err = read_list(k, &l, sym + k->kaslr_offset,
					"vmap_area_list", ret);
	}
	if (err) {
		kernel_vmap_areas_deinit(ret);
		return err;
	}
	if (ret->nr)
		qsort(ret->areas, ret->nr, sizeof(*ret->areas), by_start);
	return NULL;
}

void kernel_vmap_areas_deinit(struct kernel_vmap_areas *a)
{
	free(a->areas);
	lkdb_warnings_free(a->warnings, a->nr_warnings);
	memset(a, 0, sizeof(*a));
}
