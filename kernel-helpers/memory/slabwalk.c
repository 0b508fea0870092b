// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/slabwalk.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/printable.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/listwalk.h"
#include "kernel-helpers/memory/nodes.h"
#include "kernel-helpers/memory/pages.h"
#include "kernel-helpers/memory/percpu.h"

#define SLABWALK_NODES_MAX 1024
#define SLABWALK_OBJECTS_MAX 32767

struct lkdb_error *kernel_slab_freelist_code(struct kernel *k, uint64_t cache,
					     struct slab_freelist_code *ret)
{
	struct ktypes *t;
	uint64_t off, size;
	memset(ret, 0, sizeof(*ret));
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = ktypes_member(t, "kmem_cache", "offset", &off, &size)) ||
	    (err = kernel_read_uint(k, cache + off, size, &ret->offset)))
		return err;
	/* kmem_cache.random: CONFIG_SLAB_FREELIST_HARDENED. */
	ret->hardened = ktypes_has_member(t, "kmem_cache", "random");
	if (ret->hardened &&
	    ((err = ktypes_member(t, "kmem_cache", "random", &off, NULL)) ||
	     (err = kernel_read_uint(k, cache + off, 8, &ret->random))))
		return err;
	return NULL;
}

struct lkdb_error *kernel_slab_freelist(struct kernel *k,
					const struct slab_freelist_code *c,
					uint64_t first, uint64_t lo,
					uint64_t hi, uint32_t max,
					uint64_t *objs, uint32_t *nr_ret)
{
	uint32_t n = 0;
	struct lkdb_error *err = NULL;
	for (uint64_t p = first; p && !err;) {
		for (uint32_t i = 0; i < n && !err; i++)
			if (objs[i] == p)
				err = lkdb_error_create(LKDB_ERROR_INVALID,
							"the freelist meets 0x%" PRIx64 " twice (after %" PRIu32 " objects)",
							p, n);
		if (!err && (p < lo || p >= hi))
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"freelist object 0x%" PRIx64 " is outside the slab (0x%" PRIx64 "-0x%" PRIx64 ")",
						p, lo, hi);
		if (!err && n == max)
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"the freelist links more than the slab's %" PRIu32 " objects",
						max);
		if (err)
			break;
		objs[n++] = p;
		uint64_t at = p + c->offset, stored;
		err = kernel_read_uint(k, at, 8, &stored);
		if (err)
			err = lkdb_error_prefix(err, "the freelist at 0x%" PRIx64,
						p);
		else
			p = c->hardened ? stored ^ c->random ^ __builtin_bswap64(at) :
					  stored;
	}
	*nr_ret = n;
	return err;
}

struct walk_layout {
	const char *slab_type;			/* "slab" or "page" */
	uint64_t slab_list, slab_next, slab_freelist;
	uint64_t counters_word, inuse_bit, inuse_bits, objects_bit,
		 objects_bits;
	uint64_t c_freelist, c_slab, c_partial;	/* in kmem_cache_cpu */
	bool has_cpu_partial;
	uint64_t n_nr_partial, n_nr_slabs, n_partial, n_full;
	bool has_full;
};

static struct lkdb_error *get_walk_layout(struct ktypes *t,
					  struct walk_layout *l)
{
	memset(l, 0, sizeof(*l));
	/* struct slab since 5.17 (d122019bf061), struct page before. */
	l->slab_type = ktypes_has_member(t, "slab", "slab_cache") ? "slab" :
								    "page";
	const char *cpu_slab = ktypes_has_member(t, "kmem_cache_cpu", "slab") ?
				       "slab" : "page";
	struct lkdb_error *err;
	if (!ktypes_has_member(t, "kmem_cache", "cpu_slab"))
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "this kernel's slab allocator is not SLUB (struct kmem_cache has no cpu_slab): kmem -S walks SLUB's slabs");
	if ((err = ktypes_member(t, l->slab_type, "slab_list", &l->slab_list,
				 NULL)) ||
	    (err = ktypes_member(t, l->slab_type, "freelist", &l->slab_freelist,
				 NULL)) ||
	    (err = ktypes_bitfield(t, l->slab_type, "inuse", &l->inuse_bit,
				   &l->inuse_bits)) ||
	    (err = ktypes_bitfield(t, l->slab_type, "objects", &l->objects_bit,
				   &l->objects_bits)) ||
	    (err = ktypes_member(t, "kmem_cache_cpu", "freelist",
				 &l->c_freelist, NULL)) ||
	    (err = ktypes_member(t, "kmem_cache_cpu", cpu_slab, &l->c_slab,
				 NULL)) ||
	    (err = ktypes_member(t, "kmem_cache_node", "nr_partial",
				 &l->n_nr_partial, NULL)) ||
	    (err = ktypes_member(t, "kmem_cache_node", "partial", &l->n_partial,
				 NULL)))
		return err;
	if (l->inuse_bit / 64 != l->objects_bit / 64)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "struct %s's inuse and objects are not in one word",
					 l->slab_type);
	l->counters_word = l->inuse_bit / 64 * 8;
	/* kmem_cache_node.nr_slabs and .full: CONFIG_SLUB_DEBUG. */
	if (!ktypes_has_member(t, "kmem_cache_node", "nr_slabs"))
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "this kernel has no CONFIG_SLUB_DEBUG (struct kmem_cache_node has no nr_slabs): kmem -S needs it");
	if ((err = ktypes_member(t, "kmem_cache_node", "nr_slabs",
				 &l->n_nr_slabs, NULL)))
		return err;
	l->has_full = ktypes_has_member(t, "kmem_cache_node", "full");
	if (l->has_full &&
	    (err = ktypes_member(t, "kmem_cache_node", "full", &l->n_full, NULL)))
		return err;
	/* CONFIG_SLUB_CPU_PARTIAL: kmem_cache_cpu.partial, linked by next. */
	l->has_cpu_partial = ktypes_has_member(t, "kmem_cache_cpu", "partial") &&
			     ktypes_has_member(t, l->slab_type, "next");
	if (l->has_cpu_partial &&
	    ((err = ktypes_member(t, "kmem_cache_cpu", "partial", &l->c_partial,
				  NULL)) ||
	     (err = ktypes_member(t, l->slab_type, "next", &l->slab_next, NULL))))
		return err;
	return NULL;
}

/* A cache flag: its enum _slab_flag_bits enumerator, else its old value. */
static struct lkdb_error *cache_flag(struct ktypes *t, const char *enumerator,
				     uint64_t old_value, uint64_t *ret)
{
	int64_t bit;
	struct lkdb_error *err = ktypes_enumerator(t, enumerator, &bit);
	if (err && err->code == LKDB_ERROR_NOT_FOUND) {
		lkdb_error_destroy(err);
		*ret = old_value;
		return NULL;
	}
	if (!err && (bit < 0 || bit > 63))
		return lkdb_error_create(LKDB_ERROR_INVALID, "%s is %" PRId64,
					 enumerator, bit);
	if (!err)
		*ret = 1ULL << bit;
	return err;
}

struct lkdb_error *kernel_slab_red_left_pad(struct kernel *k, uint64_t cache,
					    uint32_t size, uint32_t *pad_ret)
{
	struct ktypes *t;
	uint64_t off, fsize, flags, red_zone, v;
	*pad_ret = 0;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = ktypes_member(t, "kmem_cache", "flags", &off, &fsize)) ||
	    (err = kernel_read_uint(k, cache + off, fsize, &flags)) ||
	    (err = cache_flag(t, "_SLAB_RED_ZONE", 0x400, &red_zone)))
		return err;
	/* kmem_cache.red_left_pad (4.6+): the red zone left of an object. */
	if (!(flags & red_zone) ||
	    !ktypes_has_member(t, "kmem_cache", "red_left_pad"))
		return NULL;
	if ((err = ktypes_member(t, "kmem_cache", "red_left_pad", &off, &fsize)) ||
	    (err = kernel_read_uint(k, cache + off, fsize, &v)))
		return err;
	if (v >= size)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "kmem_cache 0x%" PRIx64 "'s red_left_pad %" PRIu64 " is not within its %" PRIu32 "-byte objects",
					 cache, v, size);
	*pad_ret = (uint32_t)v;
	return NULL;
}

struct walker {
	struct kernel *k;
	struct walk_layout l;
	struct slab_freelist_code code;
	const struct slab_walk_env *env;
	uint64_t page_size;		/* of struct page */
	struct kernel_slab_walk *w;
	uint64_t *objs;			/* scratch for freelists */
	uint32_t objs_max;
	const char *name;
};

static void warn(struct walker *wk, struct lkdb_error *err)
{
	lkdb_error_destroy(lkdb_warning_append(&wk->w->warnings,
					       &wk->w->nr_warnings,
					       "slab cache %s: %s", wk->name,
					       err->message));
	lkdb_error_destroy(err);
}

static uint64_t bits(uint64_t word, uint64_t bit, uint64_t n)
{
	return (word >> (bit % 64)) & (n >= 64 ? ~0ULL : (1ULL << n) - 1);
}

/* Room for a freelist of n objects in the scratch array. */
static struct lkdb_error *scratch(struct walker *wk, uint32_t n)
{
	if (n <= wk->objs_max)
		return NULL;
	uint64_t *p = realloc(wk->objs, (size_t)n * sizeof(*p));
	if (!p)
		return &lkdb_error_oom;
	wk->objs = p;
	wk->objs_max = n;
	return NULL;
}

/* Mark the slots of a freelist's objects free; one outside is an error. */
static struct lkdb_error *mark_free(const struct walker *wk,
				    struct kernel_slab *s, uint32_t nr)
{
	uint32_t size = wk->w->size;
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t q = wk->objs[i] - wk->w->red_left_pad;
		uint64_t slot = (q - s->memory) / size;
		if (q < s->memory || slot >= s->objects ||
		    (q - s->memory) % size)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "slab 0x%" PRIx64 ": freelist object 0x%" PRIx64 " is not one of its objects",
						 s->slab, wk->objs[i]);
		s->free[slot] = true;
	}
	return NULL;
}

/*
 * One slab's counts; with cpu_freelist given (a CPU's own slab, cpu >= 0)
 * or list set, its objects listed free or allocated.
 */
static struct lkdb_error *read_slab(struct walker *wk, uint64_t slab, int cpu,
				    uint64_t cpu_freelist, bool list,
				    struct kernel_slab *s)
{
	memset(s, 0, sizeof(*s));
	s->slab = slab;
	s->cpu = cpu;
	s->node = -1;
	uint64_t word, freelist;
	struct lkdb_error *err;
	if (slab < wk->env->page_array ||
	    (slab - wk->env->page_array) % wk->page_size)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "slab 0x%" PRIx64 " is not a struct page of the page array at 0x%" PRIx64,
					 slab, wk->env->page_array);
	uint64_t pfn = (slab - wk->env->page_array) / wk->page_size;
	s->memory = wk->env->direct_map + (pfn << wk->k->arch->page_shift);
	s->node = kernel_nodes_of_pfn(wk->env->nodes, pfn);
	if ((err = kernel_read_uint(wk->k, slab + wk->l.counters_word, 8,
				    &word)) ||
	    (err = kernel_read_uint(wk->k, slab + wk->l.slab_freelist, 8,
				    &freelist)))
		return lkdb_error_prefix(err, "slab 0x%" PRIx64, slab);
	s->objects = (uint32_t)bits(word, wk->l.objects_bit, wk->l.objects_bits);
	s->inuse = (uint32_t)bits(word, wk->l.inuse_bit, wk->l.inuse_bits);
	/* SLUB's MAX_OBJS_PER_PAGE: the 15 bits of slab.objects. */
	if (s->objects > SLABWALK_OBJECTS_MAX) {
		uint32_t objects = s->objects;
		s->objects = s->inuse = 0;
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "slab 0x%" PRIx64 " has %" PRIu32 " objects, more than a slab holds",
					 slab, objects);
	}
	if (s->inuse > s->objects) {
		uint32_t inuse = s->inuse;
		s->inuse = s->objects;
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "slab 0x%" PRIx64 " has %" PRIu32 " objects in use of %" PRIu32,
					 slab, inuse, s->objects);
	}
	if (!list && cpu < 0)
		return NULL;
	if (!s->objects)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "slab 0x%" PRIx64 " has no objects", slab);
	s->free = calloc(s->objects, sizeof(*s->free));
	if (!s->free || (err = scratch(wk, s->objects)))
		return &lkdb_error_oom;
	uint32_t nr = 0, free_on_cpu = 0;
	uint64_t end = s->memory + (uint64_t)s->objects * wk->w->size;
	/* The slab's own freelist: objects other CPUs freed to it. */
	err = kernel_slab_freelist(wk->k, &wk->code, freelist, s->memory, end,
				   s->objects, wk->objs, &nr);
	if (!err)
		err = mark_free(wk, s, nr);
	if (!err && cpu >= 0) {
		err = kernel_slab_freelist(wk->k, &wk->code, cpu_freelist,
					   s->memory, end, s->objects, wk->objs,
					   &free_on_cpu);
		if (!err)
			err = mark_free(wk, s, free_on_cpu);
		/* As SLUB counts a CPU's slab: inuse counts its CPU's free too. */
		uint32_t free = free_on_cpu +
				(freelist && s->inuse <= s->objects ?
					 s->objects - s->inuse : 0);
		s->inuse = free <= s->objects ? s->objects - free : 0;
	}
	return err ? lkdb_error_prefix(err, "slab 0x%" PRIx64, slab) : NULL;
}

/* The slabs of a list (a node's partial or full list, or a CPU's partial). */
static void read_list(struct walker *wk, uint64_t start, uint64_t offset,
		      enum list_walk_mode mode, const char *what, bool list,
		      struct kernel_slab **slabs_ret, size_t *nr_ret)
{
	struct list_walk lw;
	struct lkdb_error *err = kernel_list_walk(kernel_memory(wk->k), start,
						  offset, mode, 0,
						  SLABWALK_SLABS_MAX, &lw);
	if (err)
		warn(wk, lkdb_error_prefix(err, "%s", what));
	*slabs_ret = calloc(lw.nr ? lw.nr : 1, sizeof(**slabs_ret));
	if (!*slabs_ret) {
		list_walk_deinit(&lw);
		warn(wk, lkdb_error_create(LKDB_ERROR_INVALID, "%s: out of memory",
					   what));
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < lw.nr; i++) {
		struct kernel_slab *s = &(*slabs_ret)[n];
		err = read_slab(wk, lw.entries[i], -1, 0, list, s);
		if (err) {
			warn(wk, lkdb_error_prefix(err, "%s", what));
			if (!s->objects) {
				free(s->free);
				continue;
			}
		}
		n++;
	}
	*nr_ret = n;
	list_walk_deinit(&lw);
}

static void walk_cpus(struct walker *wk, uint64_t cpu_slab)
{
	const struct percpu_cpus *cpus = wk->env->cpus;
	struct lkdb_error *err;
	struct kernel_slab_walk *w = wk->w;
	w->cpus = calloc(cpus->nr_cpu_ids ? cpus->nr_cpu_ids : 1,
			 sizeof(*w->cpus));
	for (unsigned int cpu = 0; w->cpus && cpu < cpus->nr_cpu_ids; cpu++) {
		if (!cpus->possible[cpu])
			continue;
		struct kernel_slab_cpu *c = &w->cpus[w->nr_cpus++];
		c->cpu = cpu;
		c->online = cpus->online[cpu];
		uint64_t slab = 0, freelist = 0, partial = 0;
		if ((err = percpu_address(cpus, cpu, cpu_slab,
					  &c->kmem_cache_cpu)) ||
		    (err = kernel_read_uint(wk->k, c->kmem_cache_cpu + wk->l.c_slab,
					    8, &slab)) ||
		    (err = kernel_read_uint(wk->k,
					    c->kmem_cache_cpu + wk->l.c_freelist,
					    8, &freelist)) ||
		    (wk->l.has_cpu_partial &&
		     (err = kernel_read_uint(wk->k,
					     c->kmem_cache_cpu + wk->l.c_partial,
					     8, &partial)))) {
			warn(wk, lkdb_error_prefix(err, "CPU %u", cpu));
			continue;
		}
		if (slab) {
			c->has_slab = true;
			err = read_slab(wk, slab, (int)cpu, freelist, true,
					&c->slab);
			if (err)
				warn(wk, lkdb_error_prefix(err, "CPU %u", cpu));
		}
		if (partial) {
			char what[48];
			snprintf(what, sizeof(what), "CPU %u's partial slabs", cpu);
			read_list(wk, partial, wk->l.slab_next, LIST_NEXT_STRUCT,
				  what, true, &c->partial, &c->nr_partial);
		}
	}
	if (!w->cpus)
		warn(wk, lkdb_error_create(LKDB_ERROR_INVALID, "out of memory"));
}

static void walk_node(struct walker *wk, struct kernel_slab_node *n,
		      bool track_full)
{
	struct lkdb_error *err;
	if (!n->addr)
		return;
	if ((err = kernel_read_uint(wk->k, n->addr + wk->l.n_nr_partial, 8,
				    &n->nr_partial)) ||
	    (err = kernel_read_uint(wk->k, n->addr + wk->l.n_nr_slabs, 8,
				    &n->nr_slabs))) {
		warn(wk, lkdb_error_prefix(err, "kmem_cache_node 0x%" PRIx64,
					   n->addr));
		return;
	}
	char what[64];
	snprintf(what, sizeof(what), "node %u's partial list", n->node);
	read_list(wk, n->addr + wk->l.n_partial, wk->l.slab_list, LIST_HEAD,
		  what, false, &n->partial, &n->nr_partial_slabs);
	n->full_tracked = track_full && wk->l.has_full;
	if (n->full_tracked) {
		snprintf(what, sizeof(what), "node %u's full list", n->node);
		read_list(wk, n->addr + wk->l.n_full, wk->l.slab_list,
			  LIST_HEAD, what, false, &n->full, &n->nr_full);
	}
}

static struct lkdb_error *walk_nodes(struct walker *wk, uint64_t cache,
				     bool track_full)
{
	struct ktypes *t;
	uint64_t node_off, node_size;
	struct lkdb_error *err = kernel_types(wk->k, &t);
	if (err || (err = ktypes_member(t, "kmem_cache", "node", &node_off,
					&node_size)))
		return err;
	struct kernel_slab_walk *w = wk->w;
	const struct kernel_nodes *nodes = wk->env->nodes;
	w->nodes = calloc(nodes->nr ? nodes->nr : 1, sizeof(*w->nodes));
	if (!w->nodes)
		return &lkdb_error_oom;
	for (size_t i = 0; i < nodes->nr; i++) {
		struct kernel_slab_node *n = &w->nodes[w->nr_nodes++];
		n->node = nodes->nodes[i].id;
		if ((uint64_t)n->node * 8 + 8 > node_size) {
			warn(wk, lkdb_error_create(LKDB_ERROR_INVALID,
						   "node %u is past kmem_cache.node[]",
						   n->node));
			continue;
		}
		if ((err = kernel_read_uint(wk->k, cache + node_off + 8 * n->node,
					    8, &n->addr))) {
			warn(wk, err);
			continue;
		}
		for (size_t c = 0; c < w->nr_cpus; c++)
			if (w->cpus[c].has_slab &&
			    w->cpus[c].slab.node == (int)n->node)
				n->per_cpu++;
		walk_node(wk, n, track_full);
	}
	return NULL;
}

struct lkdb_error *kernel_slab_walk_in(struct kernel *k,
				       const struct slab_walk_env *env,
				       uint64_t cache,
				       struct kernel_slab_walk *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->cache = cache;
	struct walker wk = { .k = k, .env = env, .w = ret };
	struct ktypes *t;
	uint64_t off, size, v, cpu_slab, flags, store_user, name;
	char cache_name[64] = "?";
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = get_walk_layout(t, &wk.l)) ||
	    (err = ktypes_size(t, "page", &wk.page_size)))
		return err;
	if (!wk.page_size)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "struct page has size 0");
	if ((err = kernel_slab_freelist_code(k, cache, &wk.code)) ||
	    (err = ktypes_member(t, "kmem_cache", "size", &off, &size)) ||
	    (err = kernel_read_uint(k, cache + off, size, &v)) ||
	    (err = ktypes_member(t, "kmem_cache", "cpu_slab", &off, NULL)) ||
	    (err = kernel_read_uint(k, cache + off, 8, &cpu_slab)) ||
	    (err = ktypes_member(t, "kmem_cache", "flags", &off, &size)) ||
	    (err = kernel_read_uint(k, cache + off, size, &flags)) ||
	    (err = ktypes_member(t, "kmem_cache", "name", &off, NULL)) ||
	    (err = kernel_read_uint(k, cache + off, 8, &name)) ||
	    (err = cache_flag(t, "_SLAB_STORE_USER", 0x10000, &store_user)))
		return lkdb_error_prefix(err, "kmem_cache 0x%" PRIx64, cache);
	if (!v || v > (1u << 30))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "kmem_cache 0x%" PRIx64 " has objects of %" PRIu64 " bytes",
					 cache, v);
	ret->size = (uint32_t)v;
	struct lkdb_error *e = kernel_read_string(k, name, cache_name,
						  sizeof(cache_name));
	if (e)
		snprintf(cache_name, sizeof(cache_name), "?");
	lkdb_error_destroy(e);
	lkdb_printable(cache_name, cache_name, sizeof(cache_name), "");
	wk.name = cache_name;
	if ((err = kernel_slab_red_left_pad(k, cache, ret->size,
					    &ret->red_left_pad)))
		return err;
	walk_cpus(&wk, cpu_slab);
	err = walk_nodes(&wk, cache, flags & store_user);
	free(wk.objs);
	if (err)
		kernel_slab_walk_deinit(ret);
	return err;
}

struct lkdb_error *kernel_slab_walk(struct kernel *k, uint64_t cache,
				    struct kernel_slab_walk *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct slab_walk_env env;
	struct kernel_nodes nodes;
	struct percpu_cpus *cpus;
	uint64_t page0;
	struct lkdb_error *err = kernel_direct_map(k, &env.direct_map);
	if (err || (err = kernel_pfn_to_page(k, 0, &page0)))
		return err;
	env.page_array = page0;
	if ((err = kernel_read_nodes(k, &nodes)))
		return err;
	if ((err = kernel_read_cpus(k, &cpus))) {
		kernel_nodes_deinit(&nodes);
		return err;
	}
	env.cpus = cpus;
	env.nodes = &nodes;
	err = kernel_slab_walk_in(k, &env, cache, ret);
	percpu_cpus_destroy(cpus);
	kernel_nodes_deinit(&nodes);
	return err;
}

static void slabs_free(struct kernel_slab *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i].free);
	free(s);
}

void kernel_slab_walk_deinit(struct kernel_slab_walk *w)
{
	for (size_t i = 0; i < w->nr_cpus; i++) {
		free(w->cpus[i].slab.free);
		slabs_free(w->cpus[i].partial, w->cpus[i].nr_partial);
	}
	free(w->cpus);
	for (size_t i = 0; i < w->nr_nodes; i++) {
		slabs_free(w->nodes[i].partial, w->nodes[i].nr_partial_slabs);
		slabs_free(w->nodes[i].full, w->nodes[i].nr_full);
	}
	free(w->nodes);
	lkdb_warnings_free(w->warnings, w->nr_warnings);
	memset(w, 0, sizeof(*w));
}
