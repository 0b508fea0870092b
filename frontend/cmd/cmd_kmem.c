// SPDX-License-Identifier: GPL-2.0-or-later
/* kmem: crash's memory views; -i, the memory summary, so far. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "common/json.h"
#include "kernel-helpers/memory/meminfo.h"
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

static struct lkdb_error *cmd_kmem(struct lkdb_command_context *ctx)
{
	bool info = false;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (a[0] != '-' || !a[1])
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"",
						a);
		for (const char *c = a + 1; *c; c++) {
			if (*c == 'i')
				info = true;
			else
				return lkdb_usage_error(ctx, "unknown option -%c (lkdb's kmem has -i so far)",
							*c);
		}
	}
	if (!info)
		return lkdb_usage(ctx);
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
	.summary = "kernel memory: -i, the memory summary",
	.usage = "kmem -i [--json]\n"
		 "crash's kmem -i, from the kernel's own counters as /proc/meminfo\n"
		 "computes them: TOTAL MEM (MemTotal), FREE (MemFree), USED, BUFFERS,\n"
		 "CACHED, SLAB; TOTAL HUGE and HUGE FREE (every huge page size, in\n"
		 "base pages); TOTAL SWAP, SWAP USED, SWAP FREE; COMMIT LIMIT and\n"
		 "COMMITTED (CommitLimit, Committed_AS).  PAGES counts base pages;\n"
		 "a figure that cannot be read is left out with a warning.  Unlike\n"
		 "crash 8.0.2, SLAB counts the unreclaimable slab too and COMMITTED\n"
		 "the per-CPU deltas, as the kernel does; SHARED is not shown.\n"
		 "  -i      the memory summary\n"
		 "  --json  an array of {item, pages, bytes, percent, of}: percent is\n"
		 "          of the item named by of, both null where crash prints ----",
	.man = ".BR kmem \" \" \\-i \" [\" \\-\\-json ]\n"
	       "The memory summary as crash's kmem \\-i prints it, from the kernel's own\n"
	       "counters as /proc/meminfo computes them: total, free, used, buffers, cached,\n"
	       "slab, huge pages, swap, commit limit and committed memory.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
};
