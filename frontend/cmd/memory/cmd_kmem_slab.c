// SPDX-License-Identifier: GPL-2.0-or-later
/* kmem -s and -S: SLUB's caches, and one cache's slabs and objects. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "frontend/cmd/memory/kmem_views.h"
#include "frontend/core/commands.h"
#include "frontend/terminal/output.h"
#include "frontend/terminal/terminal.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/memory/slab.h"
#include "kernel-helpers/memory/slabwalk.h"

static const char cache_header[] =
	"CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME\n";
static const char slab_header[] =
	"SLAB              MEMORY            NODE  TOTAL  ALLOCATED  FREE\n";

static void print_cache_json(FILE *out, const struct kernel_slab_cache *c,
			     uint64_t page_size)
{
	fputs("{\"cache\": ", out);
	json_write_address(out, c->addr);
	fputs(", \"name\": ", out);
	json_write_string(out, c->name);
	fprintf(out, ", \"object_size\": %u, \"size\": %u, \"objects_per_slab\": %u, \"slab_bytes\": %" PRIu64,
		c->object_size, c->size, c->objects_per_slab,
		page_size << c->order);
	if (c->counted)
		fprintf(out, ", \"allocated\": %" PRIu64 ", \"total\": %" PRIu64 ", \"slabs\": %" PRIu64,
			c->objects - c->free, c->objects, c->slabs);
	else
		fputs(", \"allocated\": null, \"total\": null, \"slabs\": null", out);
}

static void print_cache_line(FILE *out, const struct kernel_slab_cache *s,
			     uint64_t page)
{
	if (s->counted)
		fprintf(out, "%016" PRIx64 " %8u  %9" PRIu64 "  %8" PRIu64 "  %5" PRIu64 "  %4" PRIu64 "k  %s\n",
			s->addr, s->object_size, s->objects - s->free,
			s->objects, s->slabs, (page << s->order) / 1024,
			s->name);
	else
		fprintf(out, "%016" PRIx64 " %8u  %9s  %8s  %5s  %4" PRIu64 "k  %s\n",
			s->addr, s->object_size, "?", "?", "?",
			(page << s->order) / 1024, s->name);
}

/* crash's line of a slab: SLAB, MEMORY, NODE, TOTAL, ALLOCATED, FREE. */
static void print_slab_line(FILE *out, const struct kernel_slab *s)
{
	fprintf(out, "  %-16" PRIx64 "  %-16" PRIx64 "  %4d  %5u  %9u  %4u\n",
		s->slab, s->memory, s->node, s->objects, s->inuse,
		s->objects - s->inuse);
}

/* A listed slab: its header and line, then each object, [allocated]. */
static void print_slab_objects(FILE *out, const struct kernel_slab_walk *w,
			       const struct kernel_slab *s)
{
	fprintf(out, "  %s", slab_header);
	print_slab_line(out, s);
	fputs("  FREE / [ALLOCATED]\n", out);
	for (uint32_t i = 0; s->free && i < s->objects; i++) {
		uint64_t obj = s->memory + (uint64_t)i * w->size + w->red_left_pad;
		if (!s->free[i])
			fprintf(out, "  [%" PRIx64 "]\n", obj);
		else if (s->cpu >= 0)
			fprintf(out, "   %" PRIx64 "  (cpu %d cache)\n", obj,
				s->cpu);
		else
			fprintf(out, "   %" PRIx64 "  \n", obj);
	}
}

static void print_slab_list(FILE *out, const char *title,
			    const struct kernel_slab *slabs, size_t nr)
{
	fprintf(out, "%s\n", title);
	if (!nr)
		fputs("  (empty)\n", out);
	else
		fprintf(out, "  %s", slab_header);
	for (size_t i = 0; i < nr; i++)
		print_slab_line(out, &slabs[i]);
}

/* The body of crash's kmem -S for one cache. */
static void print_walk(FILE *out, const struct kernel_slab_walk *w)
{
	for (size_t i = 0; i < w->nr_cpus && !lkdb_interrupted; i++) {
		const struct kernel_slab_cpu *c = &w->cpus[i];
		fprintf(out, "CPU %u KMEM_CACHE_CPU:\n  %" PRIx64 "\n", c->cpu,
			c->kmem_cache_cpu);
		fprintf(out, "CPU %u SLAB:\n", c->cpu);
		if (!c->has_slab)
			fputs("  (empty)\n", out);
		else if (c->slab.objects)
			print_slab_objects(out, w, &c->slab);
		fprintf(out, "CPU %u PARTIAL:\n", c->cpu);
		if (!c->nr_partial)
			fputs("  (empty)\n", out);
		for (size_t p = 0; p < c->nr_partial; p++)
			print_slab_objects(out, w, &c->partial[p]);
	}
	for (size_t i = 0; i < w->nr_nodes && !lkdb_interrupted; i++) {
		const struct kernel_slab_node *n = &w->nodes[i];
		fputs("KMEM_CACHE_NODE   NODE  SLABS  PARTIAL  PER-CPU\n", out);
		fprintf(out, "%" PRIx64 "  %4u  %5" PRIu64 "  %7" PRIu64 "  %7" PRIu64 "\n",
			n->addr, n->node, n->nr_slabs, n->nr_partial,
			n->per_cpu);
		if (!n->addr)
			continue;
		char title[48];
		snprintf(title, sizeof(title), "NODE %u PARTIAL:", n->node);
		print_slab_list(out, title, n->partial, n->nr_partial_slabs);
		snprintf(title, sizeof(title), "NODE %u FULL:", n->node);
		if (n->full_tracked)
			print_slab_list(out, title, n->full, n->nr_full);
		else
			fprintf(out, "%s\n  (not tracked)\n", title);
	}
	fputs("\n", out);
}

static void slab_json(FILE *out, const struct kernel_slab_walk *w,
		      const struct kernel_slab *s)
{
	fputs("{\"slab\": ", out);
	json_write_address(out, s->slab);
	fputs(", \"memory\": ", out);
	json_write_address(out, s->memory);
	fprintf(out, ", \"node\": %d, \"total\": %u, \"allocated\": %u, \"free\": %u, \"cpu\": ",
		s->node, s->objects, s->inuse, s->objects - s->inuse);
	/* A CPU's own slab: its free objects are that CPU's cache. */
	if (s->cpu >= 0)
		fprintf(out, "%d", s->cpu);
	else
		fputs("null", out);
	if (s->free) {
		fputs(", \"objects\": [", out);
		for (uint32_t i = 0; i < s->objects; i++) {
			fputs(i ? ", {\"address\": " : "{\"address\": ", out);
			json_write_address(out, s->memory +
						(uint64_t)i * w->size +
						w->red_left_pad);
			fprintf(out, ", \"free\": %s}",
				s->free[i] ? "true" : "false");
		}
		fputs("]", out);
	}
	fputs("}", out);
}

static void slabs_json(FILE *out, const struct kernel_slab_walk *w,
		       const struct kernel_slab *s, size_t n)
{
	fputs("[", out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", out);
		slab_json(out, w, &s[i]);
	}
	fputs("]", out);
}

static void walk_json(FILE *out, const struct kernel_slab_walk *w)
{
	fputs(", \"cpus\": [", out);
	for (size_t i = 0; i < w->nr_cpus; i++) {
		const struct kernel_slab_cpu *c = &w->cpus[i];
		fprintf(out, "%s{\"cpu\": %u, \"online\": %s, \"kmem_cache_cpu\": ",
			i ? ", " : "", c->cpu, c->online ? "true" : "false");
		json_write_address(out, c->kmem_cache_cpu);
		fputs(", \"slab\": ", out);
		if (c->has_slab && c->slab.objects)
			slab_json(out, w, &c->slab);
		else
			fputs("null", out);
		fputs(", \"partial\": ", out);
		slabs_json(out, w, c->partial, c->nr_partial);
		fputs("}", out);
	}
	fputs("], \"nodes\": [", out);
	for (size_t i = 0; i < w->nr_nodes; i++) {
		const struct kernel_slab_node *n = &w->nodes[i];
		fprintf(out, "%s{\"node\": %u, \"kmem_cache_node\": ",
			i ? ", " : "", n->node);
		json_write_address(out, n->addr);
		fprintf(out, ", \"slabs\": %" PRIu64 ", \"partial\": %" PRIu64 ", \"per_cpu\": %" PRIu64 ", \"partial_slabs\": ",
			n->nr_slabs, n->nr_partial, n->per_cpu);
		slabs_json(out, w, n->partial, n->nr_partial_slabs);
		fputs(", \"full_slabs\": ", out);
		if (n->full_tracked)
			slabs_json(out, w, n->full, n->nr_full);
		else
			fputs("null", out);
		fputs("}", out);
	}
	fputs("]", out);
}

/*
 * The objects free in the CPUs' slabs and per-CPU partial slabs, which
 * /proc/slabinfo counts allocated (crash's -S line counts them free).
 */
static uint64_t free_on_cpus(const struct kernel_slab_walk *w)
{
	uint64_t free = 0;
	for (size_t i = 0; i < w->nr_cpus; i++) {
		const struct kernel_slab_cpu *c = &w->cpus[i];
		if (c->has_slab)
			free += c->slab.objects - c->slab.inuse;
		for (size_t p = 0; p < c->nr_partial; p++)
			free += c->partial[p].objects - c->partial[p].inuse;
	}
	return free;
}

/* kmem -S: one cache's line, its slabs and objects (text or JSON). */
static struct lkdb_error *cache_slabs(struct lkdb_command_context *ctx,
				      struct kernel *k,
				      const struct kernel_slab_cache *s,
				      bool first)
{
	struct kernel_slab_walk w;
	struct lkdb_error *err = kernel_slab_walk(k, s->addr, &w);
	if (err)
		return err;
	struct kernel_slab_cache line = *s;
	uint64_t cpu_free = free_on_cpus(&w);
	if (line.counted && line.free + cpu_free <= line.objects)
		line.free += cpu_free;
	fflush(stdout);
	for (size_t i = 0; i < w.nr_warnings; i++)
		lkdb_warn("kmem", "%s", w.warnings[i]);
	fflush(stderr);
	if (ctx->json) {
		fputs(first ? "" : ",\n ", stdout);
		print_cache_json(stdout, &line, kernel_page_size(k));
		walk_json(stdout, &w);
		fputs("}", stdout);
	} else {
		fputs(cache_header, stdout);
		print_cache_line(stdout, &line, kernel_page_size(k));
		print_walk(stdout, &w);
	}
	kernel_slab_walk_deinit(&w);
	return NULL;
}

struct lkdb_error *kmem_slab_caches(struct lkdb_command_context *ctx,
				    const char *only, bool slabs)
{
	struct kernel *k = ctx->kernel;
	struct kernel_slab_caches c;
	struct lkdb_error *err = kernel_read_slab_caches(k, &c);
	if (err)
		return err;
	for (size_t i = 0; i < c.nr_warnings; i++)
		lkdb_warn("kmem", "%s", c.warnings[i]);
	fflush(stderr);
	uint64_t page = kernel_page_size(k);
	size_t shown = 0;
	bool found = !only;
	for (size_t i = 0; i < c.nr && !found; i++)
		found = !strcmp(c.caches[i].name, only);
	if (!found) {
		kernel_slab_caches_deinit(&c);
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no slab cache named \"%s\"", only);
	}
	if (ctx->json)
		fputs("[", stdout);
	for (size_t i = 0; i < c.nr && !err && !lkdb_interrupted; i++) {
		const struct kernel_slab_cache *s = &c.caches[i];
		if (only && strcmp(s->name, only))
			continue;
		if (slabs) {
			err = cache_slabs(ctx, k, s, !shown);
			/*
			 * Over all caches, one that cannot be walked is a
			 * warning: the others are still shown.
			 */
			if (err && !only && err != &lkdb_error_oom &&
			    err->code != LKDB_ERROR_INTERRUPTED) {
				lkdb_warn("kmem", "cache \"%s\" (%#" PRIx64 "): %s",
					  s->name, s->addr, err->message);
				fflush(stderr);
				lkdb_error_destroy(err);
				err = NULL;
				continue;
			}
		} else if (ctx->json) {
			fputs(shown ? ",\n " : "", stdout);
			print_cache_json(stdout, s, page);
			fputs("}", stdout);
		} else {
			if (!shown)
				fputs(cache_header, stdout);
			print_cache_line(stdout, s, page);
		}
		shown++;
	}
	if (ctx->json)
		fputs("]\n", stdout);
	fflush(stdout);
	kernel_slab_caches_deinit(&c);
	return err;
}
