// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/slabobj.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/printable.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/memory/pages.h"
#include "kernel-helpers/memory/percpu.h"
#include "kernel-helpers/memory/slabwalk.h"

/* Whether the head page is a slab's: PG_slab, or page_type's PGTY_slab. */
static struct lkdb_error *is_slab_page(struct kernel *k, struct ktypes *t,
				       uint64_t head, bool *ret)
{
	int64_t bit, type;
	uint64_t off, v;
	struct lkdb_error *err = ktypes_enumerator(t, "PG_slab", &bit);
	if (!err) {
		if ((err = ktypes_member(t, "page", "flags", &off, NULL)) ||
		    (err = kernel_read_uint(k, head + off, 8, &v)))
			return err;
		*ret = bit >= 0 && bit < 64 && (v >> bit & 1);
		return NULL;
	}
	if (err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	lkdb_error_destroy(err);
	err = ktypes_enumerator(t, "PGTY_slab", &type);
	if (err && err->code == LKDB_ERROR_NOT_FOUND) {
		lkdb_error_destroy(err);
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "this kernel has neither PG_slab nor PGTY_slab: its slab pages cannot be told");
	}
	if (err || (err = ktypes_member(t, "page", "page_type", &off, NULL)) ||
	    (err = kernel_read_uint(k, head + off, 4, &v)))
		return err;
	*ret = (int64_t)(v >> 24) == type;
	return NULL;
}

/* Whether obj is on the freelist starting at first (bounded by objects). */
static struct lkdb_error *on_freelist(struct kernel *k,
				      const struct slab_freelist_code *code,
				      uint64_t first,
				      const struct kernel_slab_object *o,
				      bool *ret)
{
	uint32_t objects = o->objects;
	uint64_t *objs = calloc(objects ? objects : 1, sizeof(*objs));
	uint32_t nr = 0;
	if (!objs)
		return &lkdb_error_oom;
	struct lkdb_error *err = kernel_slab_freelist(
		k, code, first, o->slab_base,
		o->slab_base + (uint64_t)objects * o->size, objects, objs, &nr);
	for (uint32_t i = 0; i < nr && !*ret; i++)
		*ret = objs[i] == o->object;
	free(objs);
	/* Found before where the list went wrong: the answer stands. */
	if (*ret) {
		lkdb_error_destroy(err);
		err = NULL;
	}
	return err;
}

/* Allocated or free: the slab's freelist, and its CPU's if it is one's. */
static struct lkdb_error *object_state(struct kernel *k, struct ktypes *t,
				       struct kernel_slab_object *o)
{
	struct slab_freelist_code code;
	uint64_t off, first, cpu_slab, c_freelist, c_slab;
	struct lkdb_error *err;
	if ((err = kernel_slab_freelist_code(k, o->cache, &code)))
		return err;
	bool free = false;
	if ((err = ktypes_member(t, "slab", "freelist", &off, NULL)) ||
	    (err = kernel_read_uint(k, o->slab + off, 8, &first)) ||
	    (err = on_freelist(k, &code, first, o, &free)))
		return err;
	if ((err = ktypes_member(t, "kmem_cache", "cpu_slab", &off, NULL)) ||
	    (err = kernel_read_uint(k, o->cache + off, 8, &cpu_slab)) ||
	    (err = ktypes_member(t, "kmem_cache_cpu", "freelist", &c_freelist,
				 NULL)) ||
	    (err = ktypes_member(t, "kmem_cache_cpu", "slab", &c_slab, NULL)))
		return err;
	struct percpu_cpus *cpus;
	if ((err = kernel_read_cpus(k, &cpus)))
		return err;
	for (unsigned int cpu = 0; cpu < cpus->nr_cpu_ids && !free && !err;
	     cpu++) {
		uint64_t c, slab, list;
		if (!cpus->possible[cpu] ||
		    (err = percpu_address(cpus, cpu, cpu_slab, &c)) ||
		    (err = kernel_read_uint(k, c + c_slab, 8, &slab)))
			continue;
		if (slab == o->slab &&
		    !(err = kernel_read_uint(k, c + c_freelist, 8, &list)))
			err = on_freelist(k, &code, list, o, &free);
	}
	percpu_cpus_destroy(cpus);
	if (!err)
		o->state = free ? SLAB_OBJECT_FREE : SLAB_OBJECT_ALLOCATED;
	return err;
}

struct lkdb_error *kernel_slab_object(struct kernel *k, uint64_t addr,
				      bool *is_slab,
				      struct kernel_slab_object *o)
{
	memset(o, 0, sizeof(*o));
	*is_slab = false;
	struct ktypes *t;
	uint64_t base, max_pfn, head_off, head, off, size, objects_bit,
		 objects_bits, word;
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = kernel_direct_map(k, &base);
	if (!err)
		err = kernel_read_variable_uint(k, "max_pfn", "the RAM's extent",
						0, 8, &max_pfn);
	if (err)
		return err;
	if (addr < base || (addr - base) >> 12 >= max_pfn)
		return NULL;
	uint64_t pfn = (addr - base) >> 12;
	if ((err = kernel_pfn_to_page(k, pfn, &o->page)) ||
	    (err = ktypes_member(t, "page", "compound_head", &head_off, NULL)) ||
	    (err = kernel_read_uint(k, o->page + head_off, 8, &head)))
		return err;
	/* A tail page's compound_head is its head's address plus 1. */
	head = head & 1 ? head - 1 : o->page;
	bool slab = false;
	if ((err = is_slab_page(k, t, head, &slab)) || !slab)
		return err;
	*is_slab = true;
	o->slab = head;
	if ((err = ktypes_size(t, "page", &size)))
		return err;
	uint64_t head_pfn = pfn - (o->page - head) / size;
	o->slab_base = base + (head_pfn << 12);
	if ((err = ktypes_member(t, "slab", "slab_cache", &off, NULL)) ||
	    (err = kernel_read_uint(k, o->slab + off, 8, &o->cache)) ||
	    (err = ktypes_bitfield(t, "slab", "objects", &objects_bit,
				   &objects_bits)) ||
	    (err = kernel_read_uint(k, o->slab + objects_bit / 64 * 8, 8, &word)))
		return err;
	o->objects = (uint32_t)((word >> (objects_bit % 64)) &
				((1ULL << objects_bits) - 1));
	uint64_t v;
	if ((err = ktypes_member(t, "kmem_cache", "size", &off, &size)) ||
	    (err = kernel_read_uint(k, o->cache + off, size, &v)))
		return err;
	o->size = (uint32_t)v;
	if ((err = ktypes_member(t, "kmem_cache", "object_size", &off, &size)) ||
	    (err = kernel_read_uint(k, o->cache + off, size, &v)))
		return err;
	o->object_size = (uint32_t)v;
	if ((err = ktypes_member(t, "kmem_cache", "name", &off, NULL)) ||
	    (err = kernel_read_uint(k, o->cache + off, 8, &v)))
		return err;
	struct lkdb_error *e = kernel_read_string(k, v, o->cache_name,
						  sizeof(o->cache_name));
	if (e)
		snprintf(o->cache_name, sizeof(o->cache_name), "?");
	lkdb_printable(o->cache_name, o->cache_name, sizeof(o->cache_name), "");
	lkdb_error_destroy(e);
	if (!o->size)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "kmem_cache 0x%" PRIx64 " has objects of size 0",
					 o->cache);
	o->index = (uint32_t)((addr - o->slab_base) / o->size);
	/* With SLAB_RED_ZONE an object starts red_left_pad into its slot. */
	uint32_t pad = 0;
	e = kernel_slab_red_left_pad(k, o->cache, o->size, &pad);
	lkdb_error_destroy(e);
	o->object = o->slab_base + (uint64_t)o->index * o->size + pad;
	o->in_tail = o->index >= o->objects;
	o->state = SLAB_OBJECT_UNKNOWN;
	if (o->in_tail)
		return NULL;
	e = object_state(k, t, o);
	if (e) {
		o->state = SLAB_OBJECT_UNKNOWN;
		snprintf(o->state_why, sizeof(o->state_why), "%s", e->message);
		lkdb_error_destroy(e);
	}
	return NULL;
}
