// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/slab.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/printable.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/listwalk.h"

#define SLAB_CACHES_MAX 65536
#define SLAB_PARTIAL_MAX (1u << 22)
#define SLAB_NODES_MAX 1024
#define CACHE_BYTES_MAX 16384
#define OO_SHIFT 16

struct slab_layout {
	uint64_t cache_size, list, node, node_size;
	struct ktypes_field name, object_size, size, oo;
	uint64_t n_slabs, n_total, n_partial;	/* in kmem_cache_node */
	const char *slab_type;			/* "slab" or "page" */
	uint64_t slab_list;
	uint64_t inuse_bit, inuse_bits, objects_bit, objects_bits;
};

static void warn(struct kernel_slab_caches *c, struct lkdb_error *err)
{
	lkdb_error_destroy(lkdb_warning_append(&c->warnings, &c->nr_warnings,
					       "%s", err->message));
	lkdb_error_destroy(err);
}

/* Which type a partial list links, and by which member. */
static struct lkdb_error *slab_variant(struct ktypes *t, struct slab_layout *l)
{
	static const struct {
		const char *type, *member;
	} variants[] = {
		{ "slab", "slab_list" },	/* 5.17+ */
		{ "page", "slab_list" },
		{ "page", "lru" },
	};
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		if (!ktypes_has_member(t, variants[i].type, "inuse") ||
		    !ktypes_has_member(t, variants[i].type, variants[i].member))
			continue;
		l->slab_type = variants[i].type;
		struct lkdb_error *err = ktypes_member(t, l->slab_type,
						       variants[i].member,
						       &l->slab_list, NULL);
		if (!err)
			err = ktypes_bitfield(t, l->slab_type, "inuse",
					      &l->inuse_bit, &l->inuse_bits);
		if (!err)
			err = ktypes_bitfield(t, l->slab_type, "objects",
					      &l->objects_bit, &l->objects_bits);
		return err;
	}
	return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
				 "neither struct slab nor struct page has a slab list with inuse counts");
}

static struct lkdb_error *get_layout(struct ktypes *t, struct slab_layout *l)
{
	const char *c = "kmem_cache";
	struct lkdb_error *err;
	if (!ktypes_has_member(t, c, "cpu_slab") || !ktypes_has_member(t, c, "oo"))
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "this kernel's slab allocator is not SLUB (struct kmem_cache has no cpu_slab and oo): kmem -s reads SLUB's caches");
	if (!ktypes_has_member(t, "kmem_cache_node", "nr_slabs"))
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "this kernel has no CONFIG_SLUB_DEBUG (struct kmem_cache_node has no nr_slabs): the slab counts need it");
	if ((err = ktypes_size_within(t, c, CACHE_BYTES_MAX, &l->cache_size)) ||
	    (err = ktypes_member(t, c, "list", &l->list, NULL)) ||
	    (err = ktypes_member(t, c, "node", &l->node, &l->node_size)) ||
	    (err = ktypes_field(t, c, "name", l->cache_size, &l->name)) ||
	    (err = ktypes_field(t, c, "object_size", l->cache_size,
				&l->object_size)) ||
	    (err = ktypes_field(t, c, "size", l->cache_size, &l->size)) ||
	    (err = ktypes_field(t, c, "oo", l->cache_size, &l->oo)) ||
	    (err = ktypes_member(t, "kmem_cache_node", "nr_slabs", &l->n_slabs,
				 NULL)) ||
	    (err = ktypes_member(t, "kmem_cache_node", "total_objects",
				 &l->n_total, NULL)) ||
	    (err = ktypes_member(t, "kmem_cache_node", "partial",
				 &l->n_partial, NULL)))
		return err;
	if (l->node + l->node_size > l->cache_size || l->node_size % 8)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "kmem_cache.node has %" PRIu64 " bytes at %" PRIu64,
					 l->node_size, l->node);
	return slab_variant(t, l);
}

static uint64_t bits(uint64_t word, uint64_t bit, uint64_t n)
{
	return (word >> (bit % 64)) & (n >= 64 ? ~0ULL : (1ULL << n) - 1);
}

/* The free objects of the slabs on a node's partial list. */
static struct lkdb_error *count_partial(struct kernel *k,
					const struct slab_layout *l,
					uint64_t node, uint64_t *free_ret)
{
	struct list_walk w;
	struct lkdb_error *err = kernel_list_walk(kernel_memory(k),
						  node + l->n_partial,
						  l->slab_list, LIST_HEAD, 0,
						  SLAB_PARTIAL_MAX, &w);
	uint64_t free = 0;
	for (size_t i = 0; !err && i < w.nr; i++) {
		/* inuse and objects share one word (bit offsets from the struct). */
		uint64_t word_at = w.entries[i] + l->inuse_bit / 64 * 8, word;
		if (l->objects_bit / 64 != l->inuse_bit / 64) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"struct %s's inuse and objects are not in one word",
						l->slab_type);
			break;
		}
		err = kernel_read_uint(k, word_at, 8, &word);
		if (err) {
			err = lkdb_error_prefix(err, "struct %s 0x%" PRIx64,
						l->slab_type, w.entries[i]);
			break;
		}
		uint64_t objects = bits(word, l->objects_bit, l->objects_bits);
		uint64_t inuse = bits(word, l->inuse_bit, l->inuse_bits);
		if (inuse <= objects)
			free += objects - inuse;
	}
	list_walk_deinit(&w);
	*free_ret = free;
	return err;
}

static void read_counts(struct kernel *k, const struct slab_layout *l,
			const unsigned char *buf, uint64_t nr_nodes,
			struct kernel_slab_cache *c,
			struct kernel_slab_caches *out)
{
	struct lkdb_error *err = NULL;
	for (uint64_t n = 0; n < nr_nodes && !err; n++) {
		struct ktypes_field f = { l->node + 8 * n, 8 };
		uint64_t node = ktypes_field_get(buf, f), slabs, total, free;
		if (!node)
			continue;
		if (!(err = kernel_read_uint(k, node + l->n_slabs, 8, &slabs)) &&
		    !(err = kernel_read_uint(k, node + l->n_total, 8, &total)) &&
		    !(err = count_partial(k, l, node, &free))) {
			c->slabs += slabs;
			c->objects += total;
			c->free += free;
		}
	}
	if (err) {
		warn(out, lkdb_error_prefix(err, "slab cache %s (0x%" PRIx64 ")",
					    c->name, c->addr));
		return;
	}
	c->counted = true;
}

struct lkdb_error *kernel_read_slab_caches(struct kernel *k,
					   struct kernel_slab_caches *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct slab_layout l;
	uint64_t head, nr_nodes = 1;
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = get_layout(t, &l);
	if (!err)
		err = kernel_need_symbol(k, "slab_caches", "slab allocators",
					 &head);
	if (err)
		return err;
	/* nr_node_ids exists when MAX_NUMNODES > 1; otherwise one node. */
	err = kernel_read_variable_uint(k, "nr_node_ids", "NUMA", 0, 4,
					&nr_nodes);
	if (err && err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	lkdb_error_destroy(err);
	if (!nr_nodes || nr_nodes > l.node_size / 8 || nr_nodes > SLAB_NODES_MAX)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "nr_node_ids is %" PRIu64 ", more than kmem_cache.node holds",
					 nr_nodes);
	struct list_walk w;
	err = kernel_list_walk(kernel_memory(k), head + k->kaslr_offset, l.list,
			       LIST_HEAD, 0, SLAB_CACHES_MAX, &w);
	if (err == &lkdb_error_oom)
		return err;
	if (err)
		warn(ret, lkdb_error_prefix(err, "slab_caches"));
	ret->caches = calloc(w.nr ? w.nr : 1, sizeof(*ret->caches));
	/*
	 * SLUB allocates struct kmem_cache with node[] cut to nr_node_ids
	 * (kmem_cache_init(): offsetof(node) + nr_node_ids pointers): reading
	 * all of node[MAX_NUMNODES] runs into whatever follows the object, a
	 * page a filtered dump may lack.
	 */
	uint64_t read_size = l.cache_size;
	if (l.node + l.node_size == l.cache_size)
		read_size = l.node + nr_nodes * 8;
	unsigned char *buf = calloc(1, l.cache_size);
	if (!ret->caches || !buf) {
		free(buf);
		list_walk_deinit(&w);
		kernel_slab_caches_deinit(ret);
		return &lkdb_error_oom;
	}
	for (size_t i = 0; i < w.nr; i++) {
		struct kernel_slab_cache *c = &ret->caches[ret->nr];
		c->addr = w.entries[i];
		err = k->memory.read(k->memory.context, c->addr, buf, read_size);
		if (err) {
			warn(ret, lkdb_error_prefix(err, "struct kmem_cache 0x%" PRIx64,
						    c->addr));
			continue;
		}
		uint64_t name = ktypes_field_get(buf, l.name);
		struct lkdb_error *e = NULL;
		if (!name ||
		    (e = kernel_read_string(k, name, c->name, sizeof(c->name))))
			snprintf(c->name, sizeof(c->name), "?");
		lkdb_printable(c->name, c->name, sizeof(c->name), "");
		lkdb_error_destroy(e);
		c->object_size = (uint32_t)ktypes_field_get(buf, l.object_size);
		c->size = (uint32_t)ktypes_field_get(buf, l.size);
		uint64_t oo = ktypes_field_get(buf, l.oo);
		c->objects_per_slab = (uint32_t)(oo & ((1u << OO_SHIFT) - 1));
		c->order = (uint32_t)(oo >> OO_SHIFT);
		read_counts(k, &l, buf, nr_nodes, c, ret);
		ret->nr++;
	}
	free(buf);
	list_walk_deinit(&w);
	return NULL;
}

void kernel_slab_caches_deinit(struct kernel_slab_caches *c)
{
	free(c->caches);
	lkdb_warnings_free(c->warnings, c->nr_warnings);
	memset(c, 0, sizeof(*c));
}
