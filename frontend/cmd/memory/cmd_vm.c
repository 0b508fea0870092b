// SPDX-License-Identifier: GPL-2.0-or-later
/* vm: crash's memory map of a task: its mm, and each VMA with flags and file. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/printable.h"
#include "frontend/core/commands.h"
#include "common/json.h"
#include "frontend/kernel/task_lookup.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/tasks/vma.h"
#include "kernel-helpers/x86_64/pagewalk.h"

#include <stdlib.h>

/* vm -p: the page tables and what each page of a VMA is. */
struct vm_pages {
	struct kernel *k;
	uint64_t root_paddr;
	unsigned int levels;
	int phys_width;		/* crash's: max physical address's digits, >= 8 */
	bool json;
	/* The present runs of the VMA being shown. */
	struct { uint64_t vaddr, paddr, size; } *runs;
	size_t nr_runs, cap_runs;
};

static struct lkdb_error *add_run(void *context, uint64_t vaddr,
				  uint64_t paddr, uint64_t size)
{
	struct vm_pages *p = context;
	if (p->nr_runs == p->cap_runs) {
		size_t cap = p->cap_runs ? 2 * p->cap_runs : 16;
		void *grown = realloc(p->runs, cap * sizeof(*p->runs));
		if (!grown)
			return &lkdb_error_oom;
		p->runs = grown;
		p->cap_runs = cap;
	}
	p->runs[p->nr_runs].vaddr = vaddr;
	p->runs[p->nr_runs].paddr = paddr;
	p->runs[p->nr_runs++].size = size;
	return NULL;
}

/*
 * Each page of m as crash's vm -p: its physical address, else its swap
 * file and offset, else its file and offset in it, else "(not mapped)".
 */
static struct lkdb_error *print_pages(FILE *out, struct vm_pages *p,
				      const struct kernel_vma *m)
{
	uint64_t page = kernel_page_size(p->k);
	p->nr_runs = 0;
	uint64_t unreadable = 0, unwalked = 0;
	struct lkdb_error *err = x86_64_mapped(p->k, p->root_paddr, p->levels,
					       m->start, m->end, add_run, p,
					       &unreadable);
	if (err)
		return err;
	if (!p->json)
		fprintf(out, "%-16s  %-*s\n", "VIRTUAL", p->phys_width,
			"PHYSICAL");
	size_t r = 0;
	for (uint64_t va = m->start; va < m->end; va += page) {
		if (lkdb_interrupted)
			return lkdb_error_interrupted();
		if (ferror(out))
			return NULL;
		while (r < p->nr_runs && va >= p->runs[r].vaddr + p->runs[r].size)
			r++;
		const char *sep = va == m->start ? "" : ",";
		if (r < p->nr_runs && va >= p->runs[r].vaddr) {
			uint64_t pa = p->runs[r].paddr + (va - p->runs[r].vaddr);
			if (p->json)
				fprintf(out, "%s\n    {\"virtual\": \"0x%" PRIx64 "\", \"physical\": \"0x%" PRIx64 "\"}",
					sep, va, pa);
			else
				fprintf(out, "%-16" PRIx64 "  %*" PRIx64 "\n", va,
					p->phys_width, pa);
			continue;
		}
		/* Not present: a swap entry, or the file's page, or nothing. */
		struct x86_64_walk w;
		char path[512];
		unsigned int type;
		uint64_t offset;
		bool swap = false;
		struct lkdb_error *e = x86_64_walk(p->k, p->root_paddr, p->levels,
						   va, &w);
		unwalked += e != NULL;
		if (!e && !w.mapped && w.nr_steps == p->levels && w.leaf) {
			x86_64_swap_entry(w.leaf, &type, &offset);
			e = kernel_swap_file(p->k, type, path, sizeof(path));
			swap = !e;
		}
		lkdb_error_destroy(e);
		uint64_t file_off = ((va - m->start) / page + m->pgoff) * page;
		if (p->json) {
			fprintf(out, "%s\n    {\"virtual\": \"0x%" PRIx64 "\", \"physical\": null", sep, va);
			if (swap) {
				fputs(", \"swap\": ", out);
				json_write_string(out, path);
				fprintf(out, ", \"swap_offset\": %" PRIu64, offset);
			} else if (m->path) {
				fputs(", \"file\": ", out);
				json_write_string(out, m->path);
				fprintf(out, ", \"file_offset\": \"0x%" PRIx64 "\"", file_off);
			}
			fputs("}", out);
		} else if (swap) {
			fprintf(out, "%-16" PRIx64 "  SWAP: %s  OFFSET: %" PRIu64 "\n",
				va, path, offset);
		} else if (m->path) {
			fprintf(out, "%-16" PRIx64 "  FILE: %s  OFFSET: %" PRIx64 "\n",
				va, m->path, file_off);
		} else {
			fprintf(out, "%-16" PRIx64 "  (not mapped)\n", va);
		}
	}
	/* Tables the dump lacks: their pages show as not present. */
	if (unreadable || unwalked)
		lkdb_warn("vm", "VMA %" PRIx64 "-%" PRIx64 ": %" PRIu64 " page tables could not be read (not in the dump): their pages are shown as not present",
			  m->start, m->end, unreadable + unwalked);
	return NULL;
}

static void vma_header(FILE *out)
{
	lkdb_print_centered(out, 16, "VMA", false);
	fputs(" ", out);
	lkdb_print_centered(out, 16, "START", true);
	fputs(" ", out);
	lkdb_print_centered(out, 16, "END", true);
	fputs("  FLAGS FILE\n", out);
}

static struct lkdb_error *print_text(FILE *out, const struct task_info *t,
				     uint64_t pgd, uint64_t page_size,
				     const struct kernel_vmas *v,
				     struct vm_pages *pages)
{
	char rss[32], total[32], buf[32];
	task_lookup_print_header(out, t);
	lkdb_print_centered(out, 16, "MM", false);
	fputs("  ", out);
	lkdb_print_centered(out, 16, "PGD", false);
	fputs("  ", out);
	lkdb_print_centered(out, 6, "RSS", false);
	fputs("  ", out);
	lkdb_print_centered(out, 8, "TOTAL_VM", false);
	fputs("\n", out);
	snprintf(rss, sizeof(rss), "%" PRIu64 "k", t->rss_pages * page_size / 1024);
	snprintf(total, sizeof(total), "%" PRIu64 "k",
		 t->vm_pages * page_size / 1024);
	snprintf(buf, sizeof(buf), "%" PRIx64, t->mm);
	lkdb_print_centered(out, 16, buf, false);
	fputs("  ", out);
	snprintf(buf, sizeof(buf), "%" PRIx64, pgd);
	lkdb_print_centered(out, 16, buf, false);
	fputs("  ", out);
	lkdb_print_centered(out, 6, rss, false);
	fputs("  ", out);
	lkdb_print_centered(out, 8, total, false);
	fputs("\n", out);
	if (!pages)
		vma_header(out);
	for (size_t i = 0; i < v->nr; i++) {
		const struct kernel_vma *m = &v->vmas[i];
		/* -p: crash repeats the header over each VMA and its pages. */
		if (pages)
			vma_header(out);
		fprintf(out, "%016" PRIx64 " %16" PRIx64 " %16" PRIx64 " %6" PRIx64 " %s\n",
			m->vma, m->start, m->end, m->flags,
			m->path ? m->path : "");
		struct lkdb_error *err = pages ? print_pages(out, pages, m) : NULL;
		if (err)
			return err;
	}
	return NULL;
}

static struct lkdb_error *print_json(FILE *out, const struct task_info *t,
				     uint64_t pgd, uint64_t page_size,
				     const struct kernel_vmas *v,
				     struct vm_pages *pages)
{
	fprintf(out, "{\"pid\": %" PRId32 ", \"task\": \"0x%" PRIx64 "\", \"mm\": \"0x%" PRIx64 "\", \"pgd\": \"0x%" PRIx64 "\", \"rss_bytes\": %" PRIu64 ", \"total_vm_bytes\": %" PRIu64 ", \"vmas\": [",
		t->pid, t->task, t->mm, pgd, t->rss_pages * page_size,
		t->vm_pages * page_size);
	for (size_t i = 0; i < v->nr; i++) {
		const struct kernel_vma *m = &v->vmas[i];
		fprintf(out, "%s{\"vma\": \"0x%" PRIx64 "\", \"start\": \"0x%" PRIx64 "\", \"end\": \"0x%" PRIx64 "\", \"flags\": \"0x%" PRIx64 "\", \"pgoff\": %" PRIu64 ", \"file\": ",
			i ? ",\n  " : "\n  ", m->vma, m->start, m->end, m->flags,
			m->pgoff);
		if (m->path)
			json_write_string(out, m->path);
		else
			fputs("null", out);
		if (pages) {
			fputs(", \"pages\": [", out);
			struct lkdb_error *err = print_pages(out, pages, m);
			if (err)
				return err;
			fputs("]", out);
		}
		fputs("}", out);
	}
	fputs("]}", out);
	return NULL;
}

static struct lkdb_error *one_task(struct lkdb_command_context *ctx,
				   struct kernel *k, const struct task_info *t,
				   bool *first, struct vm_pages *pages)
{
	if (!t->mm) {
		if (ctx->json) {
			printf("%s{\"pid\": %" PRId32 ", \"task\": \"0x%" PRIx64 "\", \"mm\": null, \"pgd\": null, \"rss_bytes\": null, \"total_vm_bytes\": null, \"vmas\": []}",
			       *first ? "" : ",\n", t->pid, t->task);
		} else {
			task_lookup_print_header(stdout, t);
			/* crash prints only the header for a kernel thread. */
			printf("       MM               PGD          RSS    TOTAL_VM\n"
			       "       0                0            0k      0k     \n");
		}
		*first = false;
		return NULL;
	}
	struct ktypes *types;
	uint64_t off, pgd;
	struct lkdb_error *err = kernel_types(k, &types);
	if (!err)
		err = ktypes_member(types, "mm_struct", "pgd", &off, NULL);
	if (!err)
		err = kernel_read_uint(k, t->mm + off, 8, &pgd);
	if (err)
		return lkdb_error_prefix(err, "PID %" PRId32 "'s mm 0x%" PRIx64,
					 t->pid, t->mm);
	struct kernel_vmas v;
	if ((err = kernel_read_vmas(k, t->mm, &v)))
		return err;
	for (size_t i = 0; i < v.nr_warnings; i++)
		lkdb_warn("vm", "PID %" PRId32 ": %s", t->pid, v.warnings[i]);
	fflush(stderr);
	uint64_t ignore;
	if (pages)
		err = x86_64_mm_tables(k, t->mm, &pages->root_paddr, &ignore,
				       &pages->levels);
	if (!err && ctx->json) {
		if (!*first)
			fputs(",\n", stdout);
		err = print_json(stdout, t, pgd, kernel_page_size(k), &v, pages);
	} else if (!err) {
		if (!*first)
			fputs("\n", stdout);
		err = print_text(stdout, t, pgd, kernel_page_size(k), &v, pages);
	}
	*first = false;
	kernel_vmas_deinit(&v);
	return err;
}

static struct lkdb_error *cmd_vm(struct lkdb_command_context *ctx)
{
	bool want_pages = false;
	int first_arg = 1;
	for (int i = 1; i < ctx->argc; i++) {
		if (!strcmp(ctx->argv[i], "-p") && i == first_arg) {
			want_pages = true;
			first_arg++;
		} else if (ctx->argv[i][0] == '-') {
			return lkdb_usage_error(ctx, "unknown option %s",
						ctx->argv[i]);
		}
	}
	struct lkdb_session *s = ctx->session;
	struct kernel *k = ctx->kernel;
	struct vm_pages pages = { .k = k, .json = ctx->json, .phys_width = 8 };
	struct task_list *list = NULL;
	struct lkdb_error *err = NULL;
	if (want_pages) {
		/* crash's width: the digits of the highest physical address. */
		uint64_t max_pfn;
		err = kernel_read_variable_uint(k, "max_pfn", "the extent of RAM",
						0, 8, &max_pfn);
		if (err)
			return err;
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "%" PRIx64,
				 max_pfn * kernel_page_size(k));
		pages.phys_width = n > 8 ? n : 8;
	}
	err = task_lookup_read(s, "vm", &list);
	if (err)
		return err;
	bool first = true;
	if (ctx->json)
		fputs("[", stdout);
	const struct task_info *t;
	struct vm_pages *p = want_pages ? &pages : NULL;
	if (ctx->argc == first_arg) {
		err = task_lookup_context(s, list, &t);
		if (!err)
			err = one_task(ctx, k, t, &first, p);
	}
	for (int i = first_arg; i < ctx->argc && !err; i++) {
		err = task_lookup_find(list, ctx->argv[i], &t);
		if (!err)
			err = one_task(ctx, k, t, &first, p);
	}
	if (ctx->json)
		fputs("]\n", stdout);
	fflush(stdout);
	free(pages.runs);
	task_lookup_release(s, list);
	return err;
}

const struct lkdb_command lkdb_command_vm = {
	.name = "vm",
	.handler = cmd_vm,
	.summary = "a task's memory map: its mm and each VMA with flags and file",
	.usage = "vm [-p] [--json] [PID|TASK]...\n"
		 "crash's vm: for each task (the context task by default: the panicking\n"
		 "one on a dump, see task) its header, the mm_struct, its page tables\n"
		 "(PGD), RSS and TOTAL_VM, then each VMA in address order: the\n"
		 "vm_area_struct, START, END, FLAGS (vm_flags in hex) and FILE (the\n"
		 "mapped file's full path), as /proc/PID/maps has them.  VMAs come\n"
		 "from the maple tree (6.1+) or the mmap list before it; crash 8.0.2\n"
		 "cannot read 6.1's.\n"
		 "  -p      each VMA under its own header, then each of its pages:\n"
		 "          VIRTUAL and PHYSICAL from the task's page tables, or SWAP:\n"
		 "          FILE  OFFSET: N (swapped out), FILE: PATH  OFFSET: HEX (a file's\n"
		 "          page not in memory), or (not mapped)\n"
		 "  --json  an array of {pid, task, mm, pgd, rss_bytes, total_vm_bytes,\n"
		 "          vmas: [{vma, start, end, flags (hex strings), pgoff, file\n"
		 "          (null if anonymous)}]}; mm, pgd, rss_bytes, total_vm_bytes\n"
		 "          null for a kernel thread; with -p each VMA has pages:\n"
		 "          [{virtual, physical (null if not present), and swap and\n"
		 "          swap_offset, or file and file_offset, when so}]",
	.man = ".BR vm \" [\" \\-p \"] [\" PID | TASK \"] ...\"\n"
	       "A task's memory map as crash's vm prints it: the mm, page tables, RSS and\n"
	       "total size, then each VMA with its range, flags and file path; \\-p adds\n"
	       "each page's physical address (or its swap or file offset).\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = task_lookup_complete_pids,
};
