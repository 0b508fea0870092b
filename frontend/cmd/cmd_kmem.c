// SPDX-License-Identifier: GPL-2.0-or-later
/* kmem: crash's memory views: -i, the memory summary; -s, the slab caches. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "common/json.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/memory/meminfo.h"
#include "kernel-helpers/memory/slab.h"
#include "frontend/terminal/output.h"

/* One line of kmem -i; of NULL: no percentage ("----"). */
struct kmem_row {
	const char *item;
	uint64_t pages;
	const char *of;
	uint64_t whole;	/* pages of "of" */
	bool gap;	/* a blank line before it, as crash groups them */
};

/* crash's size column: "927.7 MB", "1 GB" (".0" dropped), "512 KB", "0". */
static void format_size(uint64_t pages, uint64_t page_size, char *buf,
			size_t size)
{
	double bytes = (double)pages * (double)page_size;
	if (!pages)
		snprintf(buf, size, "0");
	else if (bytes >= 1024.0 * 1024 * 1024)
		snprintf(buf, size, "%.1f GB", bytes / (1024.0 * 1024 * 1024));
	else if (bytes >= 1024.0 * 1024)
		snprintf(buf, size, "%.1f MB", bytes / (1024.0 * 1024));
	else
		snprintf(buf, size, "%" PRIu64 " KB",
			 (uint64_t)(bytes / 1024.0));
	char *p = strstr(buf, ".0 ");
	if (p)
		memmove(p, p + 2, strlen(p + 2) + 1);
}

static uint64_t percent(const struct kmem_row *r)
{
	return r->whole ? r->pages * 100 / r->whole : 0;
}

static size_t meminfo_rows(const struct kernel_meminfo *m,
			   struct kmem_row *rows)
{
	size_t n = 0;
	const char *mem = "TOTAL MEM";
	rows[n++] = (struct kmem_row){ mem, m->total, NULL, 0, false };
	if (m->have_free) {
		rows[n++] = (struct kmem_row){ "FREE", m->free, mem, m->total,
					       false };
		rows[n++] = (struct kmem_row){
			"USED", m->total > m->free ? m->total - m->free : 0,
			mem, m->total, false };
	}
	if (m->have_buffers)
		rows[n++] = (struct kmem_row){ "BUFFERS", m->buffers, mem,
					       m->total, false };
	if (m->have_cached)
		rows[n++] = (struct kmem_row){ "CACHED", m->cached, mem,
					       m->total, false };
	if (m->have_slab)
		rows[n++] = (struct kmem_row){ "SLAB", m->slab, mem, m->total,
					       false };
	if (m->have_huge) {
		rows[n++] = (struct kmem_row){ "TOTAL HUGE", m->huge_total,
					       NULL, 0, true };
		rows[n++] = (struct kmem_row){ "HUGE FREE", m->huge_free,
					       "TOTAL HUGE", m->huge_total,
					       false };
	}
	if (m->have_swap) {
		const char *swap = "TOTAL SWAP";
		uint64_t used = m->swap_total > m->swap_free ?
					m->swap_total - m->swap_free : 0;
		rows[n++] = (struct kmem_row){ swap, m->swap_total, NULL, 0,
					       true };
		rows[n++] = (struct kmem_row){ "SWAP USED", used, swap,
					       m->swap_total, false };
		rows[n++] = (struct kmem_row){ "SWAP FREE",
					       m->swap_total - used, swap,
					       m->swap_total, false };
	}
	if (m->have_commit) {
		rows[n++] = (struct kmem_row){ "COMMIT LIMIT", m->commit_limit,
					       NULL, 0, true };
		rows[n++] = (struct kmem_row){ "COMMITTED", m->committed,
					       "TOTAL LIMIT", m->commit_limit,
					       false };
	}
	return n;
}

#define KMEM_MAX_ROWS 16

static void print_meminfo(FILE *out, const struct kernel_meminfo *m,
			  bool json)
{
	struct kmem_row rows[KMEM_MAX_ROWS];
	size_t n = meminfo_rows(m, rows);
	if (json)
		fputs("[", out);
	else
		fputs("                 PAGES        TOTAL      PERCENTAGE\n",
		      out);
	for (size_t i = 0; i < n; i++) {
		const struct kmem_row *r = &rows[i];
		if (json) {
			fprintf(out, "%s{\"item\": ", i ? ", " : "");
			json_write_string(out, r->item);
			fprintf(out, ", \"pages\": %" PRIu64 ", \"bytes\": %" PRIu64,
				r->pages, r->pages * m->page_size);
			if (r->of) {
				fprintf(out, ", \"percent\": %" PRIu64 ", \"of\": ",
					percent(r));
				json_write_string(out, r->of);
			} else {
				fputs(", \"percent\": null, \"of\": null", out);
			}
			fputs("}", out);
			continue;
		}
		char size[32];
		format_size(r->pages, m->page_size, size, sizeof(size));
		if (r->gap)
			fputs("\n", out);
		if (r->of)
			fprintf(out, "%13s  %7" PRIu64 "  %11s  %3" PRIu64 "%% of %s\n",
				r->item, r->pages, size, percent(r), r->of);
		else
			fprintf(out, "%13s  %7" PRIu64 "  %11s         ----\n",
				r->item, r->pages, size);
	}
	if (json)
		fputs("]\n", out);
}

static void print_cache_json(FILE *out, const struct kernel_slab_cache *c,
			     uint64_t page_size, bool first)
{
	fprintf(out, "%s{\"cache\": \"%" PRIx64 "\", \"name\": ", first ? "" : ",\n ",
		c->addr);
	json_write_string(out, c->name);
	fprintf(out, ", \"object_size\": %u, \"size\": %u, \"objects_per_slab\": %u, \"slab_bytes\": %" PRIu64,
		c->object_size, c->size, c->objects_per_slab,
		page_size << c->order);
	if (c->counted)
		fprintf(out, ", \"allocated\": %" PRIu64 ", \"total\": %" PRIu64 ", \"slabs\": %" PRIu64 "}",
			c->objects - c->free, c->objects, c->slabs);
	else
		fputs(", \"allocated\": null, \"total\": null, \"slabs\": null}", out);
}

/* kmem -s [NAME]: crash's table of slab caches, counted as /proc/slabinfo. */
static struct lkdb_error *slab_caches(struct lkdb_command_context *ctx,
				      const char *only)
{
	struct kernel *k = lkdb_session_kernel(ctx->session);
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
	else
		fputs("CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME\n",
		      stdout);
	for (size_t i = 0; i < c.nr; i++) {
		const struct kernel_slab_cache *s = &c.caches[i];
		if (only && strcmp(s->name, only))
			continue;
		if (ctx->json) {
			print_cache_json(stdout, s, page, !shown);
		} else if (s->counted) {
			printf("%016" PRIx64 " %8u  %9" PRIu64 "  %8" PRIu64 "  %5" PRIu64 "  %4" PRIu64 "k  %s\n",
			       s->addr, s->object_size, s->objects - s->free,
			       s->objects, s->slabs, (page << s->order) / 1024,
			       s->name);
		} else {
			printf("%016" PRIx64 " %8u  %9s  %8s  %5s  %4" PRIu64 "k  %s\n",
			       s->addr, s->object_size, "?", "?", "?",
			       (page << s->order) / 1024, s->name);
		}
		shown++;
	}
	if (ctx->json)
		fputs("]\n", stdout);
	fflush(stdout);
	kernel_slab_caches_deinit(&c);
	return NULL;
}

static struct lkdb_error *cmd_kmem(struct lkdb_command_context *ctx)
{
	bool info = false, slabs = false;
	const char *only = NULL;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (a[0] != '-' || !a[1]) {
			if (slabs && !only) {
				only = a;
				continue;
			}
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"",
						a);
		}
		for (const char *c = a + 1; *c; c++) {
			if (*c == 'i')
				info = true;
			else if (*c == 's')
				slabs = true;
			else
				return lkdb_usage_error(ctx, "unknown option -%c (lkdb's kmem has -i and -s so far)",
							*c);
		}
	}
	if (info == slabs)
		return info ? lkdb_usage_error(ctx, "one of -i and -s") :
			      lkdb_usage(ctx);
	if (slabs)
		return slab_caches(ctx, only);
	struct kernel_meminfo m;
	struct lkdb_error *err = kernel_read_meminfo(
		lkdb_session_kernel(ctx->session), &m);
	if (err)
		return err;
	for (size_t i = 0; i < m.nr_warnings; i++)
		lkdb_warn("kmem", "%s", m.warnings[i]);
	fflush(stderr);
	print_meminfo(stdout, &m, ctx->json);
	fflush(stdout);
	kernel_meminfo_deinit(&m);
	return NULL;
}

const struct lkdb_command lkdb_command_kmem = {
	.name = "kmem",
	.handler = cmd_kmem,
	.summary = "kernel memory: -i, the memory summary; -s, the slab caches",
	.usage = "kmem -i | -s [CACHE] [--json]\n"
		 "crash's kmem -i, from the kernel's own counters as /proc/meminfo\n"
		 "computes them: TOTAL MEM (MemTotal), FREE (MemFree), USED, BUFFERS,\n"
		 "CACHED, SLAB; TOTAL HUGE and HUGE FREE (every huge page size, in\n"
		 "base pages); TOTAL SWAP, SWAP USED, SWAP FREE; COMMIT LIMIT and\n"
		 "COMMITTED (CommitLimit, Committed_AS).  PAGES counts base pages;\n"
		 "a figure that cannot be read is left out with a warning.  Unlike\n"
		 "crash 8.0.2, SLAB counts the unreclaimable slab too and COMMITTED\n"
		 "the per-CPU deltas, as the kernel does; SHARED is not shown.\n"
		 "  -i      the memory summary\n"
		 "  -s [CACHE]  SLUB's caches (or one) as crash's table: CACHE (the\n"
		 "          kmem_cache), OBJSIZE (the object), ALLOCATED and TOTAL objects,\n"
		 "          SLABS, SSIZE (a slab's size), NAME; counted as /proc/slabinfo\n"
		 "          counts them: objects of per-CPU slabs are allocated (crash\n"
		 "          walks their freelists and may show fewer); needs\n"
		 "          CONFIG_SLUB_DEBUG, as /proc/slabinfo does\n"
		 "  --json  -i: an array of {item, pages, bytes, percent, of}: percent is\n"
		 "          of the item named by of, both null where crash prints ----;\n"
		 "          -s: an array of {cache, name, object_size, size (the slot),\n"
		 "          objects_per_slab, slab_bytes, allocated, total, slabs}",
	.man = ".BR kmem \" \" \\-i | \\-s \" [\" CACHE \"] [\" \\-\\-json ]\n"
	       "The memory summary as crash's kmem \\-i prints it, from the kernel's own\n"
	       "counters as /proc/meminfo computes them: total, free, used, buffers, cached,\n"
	       "slab, huge pages, swap, commit limit and committed memory.  \\-s: the slab\n"
	       "caches as crash's table, counted as /proc/slabinfo counts them.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
};
