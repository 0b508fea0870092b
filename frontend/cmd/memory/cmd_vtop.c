// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vtop and ptov: crash's address translations.  vtop walks the page
 * tables itself (kernel-helpers/x86_64/pagewalk.h) and shows every entry,
 * the page's flags and its struct page; ptov is the kernel's direct map.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/printable.h"
#include "frontend/core/commands.h"
#include "common/json.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/task_lookup.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/memory/pages.h"
#include "kernel-helpers/x86_64/pagewalk.h"

/* The upper half of the address space is the kernel's. */
#define KERNEL_HALF (1ULL << 63)

struct vtop_space {
	bool user;
	uint64_t root_paddr, root_vaddr;
	unsigned int levels;
	const struct task_info *task;	/* user: whose mm */
	int phys_width;		/* of the page line's PHYSICAL */
};

static void print_pte(FILE *out, uint64_t pte, uint64_t paddr)
{
	char ptebuf[32], physbuf[32], flags[128];
	snprintf(ptebuf, sizeof(ptebuf), "%" PRIx64, pte);
	snprintf(physbuf, sizeof(physbuf), "%" PRIx64, paddr);
	int w1 = strlen(ptebuf) > 3 ? (int)strlen(ptebuf) : 3;
	int w2 = strlen(physbuf) > 8 ? (int)strlen(physbuf) : 8;
	x86_64_pte_flags(pte, flags, sizeof(flags));
	lkdb_print_centered(out, w1, "PTE", false);
	fputs("  ", out);
	lkdb_print_centered(out, w2, "PHYSICAL", false);
	fprintf(out, "  FLAGS\n%*s  %*s  (%s)\n", w1, ptebuf, w2, physbuf,
		flags);
}

static void print_page(FILE *out, const struct kernel_page *p, uint64_t paddr,
		       int phys_width)
{
	char header[128], line[512];
	kernel_page_header(phys_width, header, sizeof(header));
	kernel_page_format(p, paddr, phys_width, line, sizeof(line));
	fprintf(out, "%s\n%s\n", header, line);
}

static void print_text(FILE *out, const struct vtop_space *sp,
		       const struct x86_64_walk *w, const struct kernel_page *page)
{
	fprintf(out, "VIRTUAL           PHYSICAL        \n");
	if (w->mapped) {
		char phys[32];
		snprintf(phys, sizeof(phys), "%" PRIx64, w->paddr);
		fprintf(out, "%-16" PRIx64 "  %-16s\n\n", w->vaddr, phys);
	} else {
		fprintf(out, "%-16" PRIx64 "  (not mapped)\n\n", w->vaddr);
	}
	fprintf(out, "PGD DIRECTORY: %" PRIx64 "\n", sp->root_vaddr);
	for (unsigned int i = 0; i < w->nr_steps; i++) {
		const struct x86_64_walk_step *s = &w->steps[i];
		if (i == 0)
			fprintf(out, "PAGE DIRECTORY: %" PRIx64 "\n", s->entry);
		else
			fprintf(out, "   %s: %" PRIx64 " => %" PRIx64 "\n",
				s->level, s->entry_paddr, s->entry);
	}
	if (w->mapped) {
		const char *size = w->page_size == (1ULL << 30) ? "  (1GB)" :
				   w->page_size == (1ULL << 21) ? "  (2MB)" : "";
		fprintf(out, "  PAGE: %" PRIx64 "%s\n\n", w->page_paddr, size);
		print_pte(out, w->leaf, w->page_paddr);
	} else if (w->leaf) {
		fputs("\n", out);
		print_pte(out, w->leaf, w->leaf & X86_64_PTE_ADDR_MASK);
	}
	fputs("\n", out);
	if (page)
		print_page(out, page, w->paddr & ~0xfffULL, sp->phys_width);
}

static void print_json(FILE *out, bool *first, const struct vtop_space *sp,
		       const struct x86_64_walk *w,
		       const struct kernel_page *page)
{
	char flags[128];
	fprintf(out, "%s{\"virtual\": \"0x%" PRIx64 "\", \"space\": \"%s\", \"physical\": ",
		*first ? "" : ",\n ", w->vaddr, sp->user ? "user" : "kernel");
	*first = false;
	if (w->mapped)
		fprintf(out, "\"0x%" PRIx64 "\", \"page_size\": %" PRIu64,
			w->paddr, w->page_size);
	else
		fputs("null, \"page_size\": null", out);
	fprintf(out, ", \"pgd\": \"0x%" PRIx64 "\", \"levels\": [", sp->root_vaddr);
	for (unsigned int i = 0; i < w->nr_steps; i++)
		fprintf(out, "%s{\"level\": \"%s\", \"entry_address\": \"0x%" PRIx64 "\", \"entry\": \"0x%" PRIx64 "\"}",
			i ? ", " : "", w->steps[i].level,
			w->steps[i].entry_paddr, w->steps[i].entry);
	x86_64_pte_flags(w->leaf, flags, sizeof(flags));
	fputs("], \"flags\": ", out);
	json_write_string(out, flags);
	fputs(", \"page\": ", out);
	if (page) {
		fprintf(out, "{\"address\": \"0x%" PRIx64 "\", \"mapping\": \"0x%" PRIx64 "\", \"index\": %" PRIu64 ", \"count\": %" PRId64 ", \"flags\": \"0x%" PRIx64 "\", \"flag_names\": ",
			page->address, page->mapping, page->index,
			page->refcount, page->flags);
		json_write_string(out, page->flag_names);
		fputs("}", out);
	} else {
		fputs("null", out);
	}
	fputs("}", out);
}

/* The context task's (or -c's) page tables: mm->pgd, a direct-map address. */
static struct lkdb_error *user_space(struct lkdb_command_context *ctx,
				     struct kernel *k, const char *task_arg,
				     struct task_list **list,
				     struct vtop_space *sp)
{
	struct lkdb_error *err = NULL;
	if (!*list)
		err = task_lookup_read(ctx->session, "vtop", list);
	if (!err)
		err = task_arg ? task_lookup_find(*list, task_arg, &sp->task) :
				 task_lookup_context(ctx->session, *list,
						     &sp->task);
	if (err)
		return err;
	if (!sp->task->mm)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "PID %d (%s) is a kernel thread: it has no user address space (-c PID for another task)",
					 sp->task->pid, sp->task->comm);
	err = x86_64_mm_tables(k, sp->task->mm, &sp->root_paddr,
			       &sp->root_vaddr, &sp->levels);
	if (err)
		return lkdb_error_prefix(err, "the page tables of PID %d",
					 sp->task->pid);
	sp->user = true;
	return NULL;
}

static struct lkdb_error *cmd_vtop(struct lkdb_command_context *ctx)
{
	bool force_user = false, force_kernel = false;
	const char *task_arg = NULL;
	int first_addr = 0;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (!strcmp(a, "-u")) {
			force_user = true;
		} else if (!strcmp(a, "-k")) {
			force_kernel = true;
		} else if (!strcmp(a, "-c")) {
			if (++i == ctx->argc)
				return lkdb_usage_error(ctx, "-c needs a PID or task address");
			task_arg = ctx->argv[i];
		} else if (a[0] == '-') {
			return lkdb_usage_error(ctx, "unknown option %s", a);
		} else if (!first_addr) {
			first_addr = i;
		}
	}
	if (force_user && force_kernel)
		return lkdb_usage_error(ctx, "-u and -k together");
	if (!first_addr)
		return lkdb_usage(ctx);
	struct kernel *k = ctx->kernel;
	struct address_arg_context names = { .s = ctx->session, .cmd = "vtop" };
	struct task_list *list = NULL;
	struct vtop_space kspace = { 0 }, uspace = { 0 };
	kspace.phys_width = uspace.phys_width = kernel_page_phys_width(k);
	bool have_k = false, have_u = false, first = true;
	struct lkdb_error *err = NULL;
	if (ctx->json)
		fputs("[", stdout);
	for (int i = first_addr; i < ctx->argc && !err; i++) {
		const char *a = ctx->argv[i];
		if (a[0] == '-') {
			i += !strcmp(a, "-c");
			continue;
		}
		uint64_t vaddr;
		if ((err = address_arg_parse(&names, a, &vaddr)) ||
		    (err = x86_64_check_canonical(k, vaddr)))
			break;
		bool user = force_user || (!force_kernel && !(vaddr & KERNEL_HALF));
		struct vtop_space *sp = user ? &uspace : &kspace;
		if (user && !have_u) {
			err = user_space(ctx, k, task_arg, &list, sp);
			have_u = !err;
		} else if (!user && !have_k) {
			err = x86_64_kernel_tables(k, &sp->root_paddr,
						   &sp->root_vaddr, &sp->levels);
			have_k = !err;
		}
		struct x86_64_walk w;
		if (!err)
			err = x86_64_walk(k, sp->root_paddr, sp->levels, vaddr, &w);
		if (err)
			break;
		struct kernel_page page;
		uint64_t page_addr;
		bool have_page = false;
		if (w.mapped) {
			/* A page outside RAM (device memory) has no struct page to read. */
			struct lkdb_error *e = kernel_pfn_to_page(k, w.paddr >> 12,
								  &page_addr);
			if (!e)
				e = kernel_read_page(k, page_addr, &page);
			have_page = !e;
			if (e && !ctx->json)
				lkdb_warn("vtop", "0x%" PRIx64 ": no page struct: %s",
					  vaddr, e->message);
			lkdb_error_destroy(e);
		}
		if (ctx->json)
			print_json(stdout, &first, sp, &w, have_page ? &page : NULL);
		else
			print_text(stdout, sp, &w, have_page ? &page : NULL);
	}
	if (ctx->json)
		fputs("]\n", stdout);
	fflush(stdout);
	task_lookup_release(ctx->session, list);
	address_arg_deinit(&names);
	return err;
}

static struct lkdb_error *cmd_ptov(struct lkdb_command_context *ctx)
{
	if (ctx->argc < 2)
		return lkdb_usage(ctx);
	uint64_t base;
	struct kernel *k = ctx->kernel;
	struct lkdb_error *err = kernel_direct_map(k, &base);
	if (err)
		return err;
	if (ctx->json)
		fputs("[", stdout);
	for (int i = 1; i < ctx->argc; i++) {
		uint64_t paddr;
		if (!address_arg_number(ctx->argv[i], true, &paddr) ||
		    paddr >= (1ULL << 52))
			return lkdb_usage_error(ctx, "\"%s\" is not a physical address",
						ctx->argv[i]);
		if (ctx->json) {
			printf("%s{\"physical\": \"0x%" PRIx64 "\", \"virtual\": \"0x%" PRIx64 "\"}",
			       i > 1 ? ",\n " : "", paddr, base + paddr);
			continue;
		}
		char phys[32];
		snprintf(phys, sizeof(phys), "%" PRIx64, paddr);
		printf("VIRTUAL           PHYSICAL        \n%-16" PRIx64 "  %-16s\n",
		       base + paddr, phys);
		if (i + 1 < ctx->argc)
			fputs("\n", stdout);
	}
	if (ctx->json)
		fputs("]\n", stdout);
	fflush(stdout);
	return NULL;
}

const struct lkdb_command lkdb_command_vtop = {
	.name = "vtop",
	.handler = cmd_vtop,
	.summary = "virtual to physical: every page-table entry, the page's flags and struct page",
	.usage = "vtop [-u|-k] [-c PID|TASK] [--json] ADDR...\n"
		 "Translate each ADDR (hex, or SYMBOL[+OFF]) through the page tables as\n"
		 "crash's vtop shows it: the physical address (or \"not mapped\"), each\n"
		 "level's entry (PAGE DIRECTORY is the top level's, then P4D with 5\n"
		 "levels, PUD, PMD, PTE), the page (2MB, 1GB pages too), the last entry's\n"
		 "flags and the page's struct page (mapping, index, count, flags).\n"
		 "Unlike crash, kernel-image addresses are walked too, never computed.\n"
		 "  -u      ADDR is a user address, in the context task's page tables\n"
		 "          (the panicking task on a dump; task PID changes it)\n"
		 "  -k      ADDR is a kernel address (the upper half is, by default)\n"
		 "  -c PID  use this task's page tables for user addresses\n"
		 "  --json  an array of {virtual, space (\"kernel\"|\"user\"), physical,\n"
		 "          page_size, pgd, levels: [{level, entry_address, entry}],\n"
		 "          flags, page: {address, mapping, index, count, flags,\n"
		 "          flag_names}}; addresses as \"0x...\" strings, null where\n"
		 "          not mapped",
	.man = ".BR vtop \" [\" \\-u | \\-k \"] [\" \\-c\n"
	       ".IR PID \"] \" ADDR ...\n"
	       "Virtual to physical through the page tables, every entry shown as crash\n"
	       "shows it, with the page's flags and struct page; \\-u for user addresses of\n"
	       "the context task (or \\-c's).\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
};

const struct lkdb_command lkdb_command_ptov = {
	.name = "ptov",
	.handler = cmd_ptov,
	.summary = "physical to virtual: the kernel's direct map",
	.usage = "ptov [--json] PADDR...\n"
		 "The kernel virtual address of each physical address (hex, 0x optional)\n"
		 "in the kernel's direct map of RAM (page_offset_base), as crash's ptov.\n"
		 "  --json  an array of {physical, virtual} (\"0x...\" strings)",
	.man = ".BR ptov \" \" PADDR ...\n"
	       "Physical to virtual through the kernel's direct map, as crash's ptov.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
};
