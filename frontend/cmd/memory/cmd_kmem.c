// SPDX-License-Identifier: GPL-2.0-or-later
/* kmem: crash's memory views; -s/-S in cmd_kmem_slab.c, -z/-f/-v in cmd_kmem_zones.c. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "common/json.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/memory/meminfo.h"
#include "kernel-helpers/memory/slab.h"
#include "kernel-helpers/memory/slabobj.h"
#include "kernel-helpers/memory/vmalloc.h"
#include "kernel-helpers/memory/vmstat.h"
#include "kernel-helpers/memory/pages.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/tasks/tasks.h"
#include "kernel-helpers/x86_64/pagewalk.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/module_names.h"
#include "frontend/kernel/task_lookup.h"
#include <stdlib.h>
#include "frontend/terminal/output.h"
#include "frontend/cmd/memory/kmem_views.h"

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

static bool in_vmalloc(struct kernel *k, uint64_t addr)
{
	struct x86_64_regions r;
	struct lkdb_error *err = x86_64_kernel_regions(k, &r);
	lkdb_error_destroy(err);
	return !err && x86_64_region_of(&r, addr) == X86_64_REGION_VMALLOC;
}

/* The task whose kernel stack (task->stack, THREAD_SIZE long) holds addr. */
static const struct task_info *stack_owner(struct kernel *k,
					   const struct task_list *list,
					   uint64_t addr, uint64_t *stack_ret)
{
	for (size_t i = 0; i < list->nr_tasks; i++) {
		uint64_t stack, size;
		struct lkdb_error *err = kernel_task_stack(
			k, list->tasks[i].task, &stack, &size);
		if (err) {
			lkdb_error_destroy(err);
			continue;
		}
		if (stack && addr >= stack && addr - stack < size) {
			*stack_ret = stack;
			return &list->tasks[i];
		}
	}
	return NULL;
}

static const char *const state_names[] = { "allocated", "free", "unknown" };

static void print_slab_object(FILE *out, const struct kernel_slab_object *o,
			      uint64_t addr, bool json)
{
	if (json) {
		fprintf(out, "{\"address\": \"0x%" PRIx64 "\", \"kind\": \"slab\", \"cache\": \"0x%" PRIx64 "\", \"name\": ",
			addr, o->cache);
		json_write_string(out, o->cache_name);
		fprintf(out, ", \"object_size\": %u, \"size\": %u, \"slab\": \"0x%" PRIx64 "\", \"slab_memory\": \"0x%" PRIx64 "\", \"objects\": %u, \"object\": ",
			o->object_size, o->size, o->slab, o->slab_base, o->objects);
		if (o->in_tail)
			fputs("null, \"state\": null}\n", out);
		else
			fprintf(out, "\"0x%" PRIx64 "\", \"offset\": %" PRIu64 ", \"state\": \"%s\"}\n",
				o->object, addr - o->object, state_names[o->state]);
		return;
	}
	fprintf(out, "CACHE             OBJSIZE   SIZE  NAME\n%016" PRIx64 " %8u %6u  %s\n",
		o->cache, o->object_size, o->size, o->cache_name);
	fprintf(out, "  SLAB              MEMORY            OBJECTS\n  %016" PRIx64 "  %016" PRIx64 "  %7u\n",
		o->slab, o->slab_base, o->objects);
	if (o->in_tail) {
		fprintf(out, "  %" PRIx64 " is past the slab's last object\n", addr);
		return;
	}
	fprintf(out, "  OBJECT            OFFSET  STATE\n  %016" PRIx64 "  %6" PRIu64 "  %s",
		o->object, addr - o->object, state_names[o->state]);
	if (o->state == SLAB_OBJECT_UNKNOWN && o->state_why[0])
		fprintf(out, " (%s)", o->state_why);
	fputs("\n", out);
}

/* kmem ADDR: what the address is. */
static struct lkdb_error *what_is(struct lkdb_command_context *ctx,
				  const char *arg)
{
	struct lkdb_session *s = ctx->session;
	struct kernel *k = ctx->kernel;
	struct address_arg_context names = { .s = s, .cmd = "kmem" };
	uint64_t addr, text, end;
	struct lkdb_error *err = address_arg_parse(&names, arg, &addr);
	if (err) {
		address_arg_deinit(&names);
		return err;
	}
	FILE *out = stdout;
	/* The kernel image or a module: a symbol, as sym names it. */
	struct lkdb_error *e = vmlinux_symbol(k->vmlinux, "_text", &text, NULL);
	if (!e)
		e = vmlinux_symbol(k->vmlinux, "_end", &end, NULL);
	bool image = !e && addr >= text + k->kaslr_offset &&
		     addr < end + k->kaslr_offset;
	lkdb_error_destroy(e);
	struct module_names *mn = image || addr >= SYMBOLIZE_MODULES_START ?
					  address_arg_modules(&names) : NULL;
	const struct kmodule *m = mn ? module_names_module_at(mn, addr) : NULL;
	if (image || m) {
		struct code_name cn = { 0 };
		struct vmlinux_symbol_info si;
		if (mn) {
			module_names_name(mn, addr, false, &cn);
		} else if (!(e = vmlinux_symbol_near(k->vmlinux,
						     addr - k->kaslr_offset,
						     &si, NULL))) {
			cn.function = si.name;
			cn.offset = addr - k->kaslr_offset - si.addr;
		}
		lkdb_error_destroy(e);
		char *name = code_name_format(&cn, addr);
		if (ctx->json) {
			fprintf(out, "{\"address\": \"0x%" PRIx64 "\", \"kind\": \"%s\", \"symbol\": ",
				addr, m ? "module" : "kernel");
			json_write_string(out, name ? name : "");
			fputs("}\n", out);
		} else {
			fprintf(out, "%" PRIx64 ": %s, in %s\n", addr,
				name ? name : "?", m ? "a module" : "the kernel image");
		}
		free(name);
		address_arg_deinit(&names);
		return NULL;
	}
	address_arg_deinit(&names);
	bool is_slab;
	struct kernel_slab_object o;
	if ((err = kernel_slab_object(k, addr, &is_slab, &o)))
		return err;
	if (is_slab) {
		print_slab_object(out, &o, addr, ctx->json);
		return NULL;
	}
	if (o.page) {
		/* In the direct map, no slab's: its page. */
		struct kernel_page page;
		uint64_t base;
		if ((err = kernel_read_page(k, o.page, &page)) ||
		    (err = kernel_direct_map(k, &base)))
			return err;
		uint64_t phys = (addr - base) & ~0xfffULL;
		if (ctx->json) {
			fprintf(out, "{\"address\": \"0x%" PRIx64 "\", \"kind\": \"page\", \"page\": \"0x%" PRIx64 "\", \"physical\": \"0x%" PRIx64 "\", \"mapping\": \"0x%" PRIx64 "\", \"index\": %" PRIu64 ", \"count\": %" PRId64 ", \"flags\": \"0x%" PRIx64 "\", \"flag_names\": ",
				addr, page.address, phys, page.mapping, page.index,
				page.refcount, page.flags);
			json_write_string(out, page.flag_names);
			fputs("}\n", out);
		} else {
			/* The page line kmem -p and vtop print (INDEX in hex). */
			char head[160], line[512];
			int width = kernel_page_phys_width(k);
			kernel_page_header(width, head, sizeof(head));
			kernel_page_format(&page, phys, width, line, sizeof(line));
			fprintf(out, "%" PRIx64 ": in the direct map, a page of no slab\n%s\n%s\n",
				addr, head, line);
		}
		return NULL;
	}
	struct task_list *list = NULL;
	uint64_t stack = 0;
	const struct task_info *owner = NULL;
	struct lkdb_error *te = task_lookup_read(s, "kmem", &list);
	if (te)
		lkdb_warn("kmem", "no task stacks looked at: %s", te->message);
	lkdb_error_destroy(te);
	if (list)
		owner = stack_owner(k, list, addr, &stack);
	const char *kind = owner ? "stack" : in_vmalloc(k, addr) ? "vmalloc" : "unknown";
	/* A vmalloc address: the busy vmap area that holds it, if one does. */
	struct kernel_vmap_area area = { 0 };
	if (!strcmp(kind, "vmalloc")) {
		struct kernel_vmap_areas va;
		struct lkdb_error *ve = kernel_read_vmap_areas(k, &va);
		for (size_t i = 0; !ve && i < va.nr; i++)
			if (addr >= va.areas[i].start && addr < va.areas[i].end)
				area = va.areas[i];
		if (!ve)
			kernel_vmap_areas_deinit(&va);
		lkdb_error_destroy(ve);
	}
	if (ctx->json) {
		fprintf(out, "{\"address\": \"0x%" PRIx64 "\", \"kind\": \"%s\"", addr, kind);
		if (owner)
			fprintf(out, ", \"pid\": %" PRId32 ", \"task\": \"0x%" PRIx64 "\", \"stack\": \"0x%" PRIx64 "\"",
				owner->pid, owner->task, stack);
		if (area.va)
			fprintf(out, ", \"vmap_area\": \"0x%" PRIx64 "\", \"vm_struct\": \"0x%" PRIx64 "\", \"start\": \"0x%" PRIx64 "\", \"end\": \"0x%" PRIx64 "\"",
				area.va, area.vm, area.start, area.end);
		fputs("}\n", out);
	} else if (owner) {
		char comm[17];
		task_lookup_safe_comm(owner->comm, comm);
		fprintf(out, "%" PRIx64 ": the kernel stack of PID %" PRId32 " (%s, task %" PRIx64 "), %" PRIu64 " bytes into it at %" PRIx64 "\n",
			addr, owner->pid, comm, owner->task, addr - stack, stack);
	} else if (area.va) {
		fprintf(out, "%" PRIx64 ": in the vmalloc area, %" PRIu64 " bytes into VMAP_AREA %" PRIx64 " (VM_STRUCT %" PRIx64 ", %" PRIx64 " - %" PRIx64 ", %" PRIu64 " bytes; see vtop for its page)\n",
			addr, addr - area.start, area.va, area.vm, area.start,
			area.end, area.end - area.start);
	} else if (!strcmp(kind, "vmalloc")) {
		fprintf(out, "%" PRIx64 ": in the vmalloc area, in no busy vmap area (see vtop for its page)\n", addr);
	} else {
		fprintf(out, "%" PRIx64 ": not in the kernel image, a module, the direct map, a task's stack or the vmalloc area\n",
			addr);
	}
	task_lookup_release(s, list);
	return NULL;
}

static void page_json(const struct kernel_page *p, uint64_t paddr, bool *first)
{
	printf("%s{\"page\": \"0x%" PRIx64 "\", \"physical\": \"0x%" PRIx64 "\", \"mapping\": \"0x%" PRIx64 "\", \"index\": %" PRIu64 ", \"count\": %" PRId64 ", \"flags\": \"0x%" PRIx64 "\", \"flag_names\": ",
	       *first ? "" : ",\n ", p->address, paddr, p->mapping, p->index,
	       p->refcount, p->flags);
	json_write_string(stdout, p->flag_names);
	putchar('}');
	*first = false;
}

/*
 * The physical address arg stands for, as crash's kmem -p takes it: a
 * struct page (in the page array), a kernel virtual address (translated),
 * or a physical address.
 */
static struct lkdb_error *page_of_arg(struct lkdb_command_context *ctx,
				      struct kernel *k, const char *arg,
				      uint64_t *paddr_ret)
{
	struct address_arg_context names = { .s = ctx->session, .cmd = "kmem" };
	uint64_t addr, root, ignore, base0, size;
	unsigned int levels;
	struct x86_64_regions r;
	struct ktypes *t;
	struct lkdb_error *err = address_arg_parse(&names, arg, &addr);
	address_arg_deinit(&names);
	if (!err)
		err = x86_64_kernel_regions(k, &r);
	if (!err)
		err = kernel_pfn_to_page(k, 0, &base0);
	if (!err)
		err = kernel_types(k, &t);
	if (!err)
		err = ktypes_size(t, "page", &size);
	if (err)
		return err;
	if (x86_64_region_of(&r, addr) == X86_64_REGION_VMEMMAP) {
		*paddr_ret = (addr - base0) / size * kernel_page_size(k);
		return NULL;
	}
	if (!(addr >> 63)) {
		*paddr_ret = addr;
		return NULL;
	}
	struct x86_64_walk w;
	if ((err = x86_64_kernel_tables(k, &root, &ignore, &levels)) ||
	    (err = x86_64_walk(k, root, levels, addr, &w)))
		return err;
	if (!w.mapped)
		return lkdb_error_create(LKDB_ERROR_FAULT,
					 "0x%" PRIx64 " is not mapped", addr);
	*paddr_ret = w.paddr;
	return NULL;
}

/* kmem -p: crash's line for every page of RAM, or for the pages given. */
/* kmem -V: crash's vm statistics, names right-aligned by group. */
static struct lkdb_error *vm_stats(struct lkdb_command_context *ctx)
{
	struct kernel_vmstat v;
	struct lkdb_error *err = kernel_read_vmstat(
		ctx->kernel, &v);
	if (err)
		return err;
	for (size_t i = 0; i < v.nr_warnings; i++)
		lkdb_warn("kmem", "%s", v.warnings[i]);
	fflush(stderr);
	/* crash aligns the zone and node counters together, events apart. */
	int width[3] = { 0 };
	for (size_t g = 0; g < v.nr_groups; g++) {
		int *w = &width[g < 2 ? 0 : 2];
		for (size_t i = 0; i < v.groups[g].n; i++) {
			const char *name = v.groups[g].names[i];
			if (name && (int)strlen(name) > *w)
				*w = (int)strlen(name);
		}
	}
	if (ctx->json)
		putchar('{');
	for (size_t g = 0; g < v.nr_groups; g++) {
		const struct kernel_vmstat_group *gr = &v.groups[g];
		if (ctx->json)
			printf("%s\"%s\": {", g ? ",\n " : "", gr->title);
		else
			printf("%s  %s:\n", g ? "\n" : "", gr->title);
		bool first = true;
		for (size_t i = 0; i < gr->n; i++) {
			const char *name = gr->names[i];
			if (!name)
				continue;
			if (ctx->json) {
				printf("%s\"%s\": %" PRIu64, first ? "" : ", ",
				       name, gr->values[i]);
			} else {
				printf("%*s: %" PRIu64 "\n", width[g < 2 ? 0 : 2],
				       name, gr->values[i]);
			}
			first = false;
		}
		if (ctx->json)
			putchar('}');
	}
	if (ctx->json)
		puts("}");
	fflush(stdout);
	kernel_vmstat_deinit(&v);
	return NULL;
}

/* One page's line (or JSON object); the header before the first line. */
static void page_line(const struct kernel_page *p, uint64_t paddr, int width,
		      bool json, bool *first)
{
	if (json) {
		page_json(p, paddr, first);
		return;
	}
	char line[512];
	if (*first) {
		kernel_page_header(width, line, sizeof(line));
		puts(line);
	}
	*first = false;
	kernel_page_format(p, paddr, width, line, sizeof(line));
	puts(line);
}

/* Struct pages read at a time by kmem -p. */
#define PAGES_CHUNK 256

static struct lkdb_error *page_lines(struct lkdb_command_context *ctx,
				     const char *const *args, int nargs)
{
	struct kernel *k = ctx->kernel;
	uint64_t page = kernel_page_size(k), max_pfn = 0;
	bool first = true;
	int width = kernel_page_phys_width(k);
	struct lkdb_error *err = NULL;
	if (ctx->json)
		putchar('[');
	for (int i = 0; i < nargs && !err; i++) {
		uint64_t paddr = 0, pg;
		struct kernel_page p;
		if (!(err = page_of_arg(ctx, k, args[i], &paddr)) &&
		    !(err = kernel_pfn_to_page(k, paddr / page, &pg)) &&
		    !(err = kernel_read_page(k, pg, &p)))
			page_line(&p, paddr & ~(page - 1), width, ctx->json,
				  &first);
	}
	if (!nargs)
		err = kernel_read_variable_uint(k, "max_pfn", "the extent of RAM",
						0, 8, &max_pfn);
	/*
	 * Every page of the memory sections up to max_pfn: a section's struct
	 * pages all exist (x86_64's SECTION_SIZE_BITS 27, arch/x86/include/
	 * asm/sparsemem.h), those past max_pfn too, as crash lists them; a
	 * chunk of them read at once.
	 */
	uint64_t per_section = (1ULL << 27) / page, skipped = 0;
	uint64_t n = nargs ? 0 :
		(max_pfn + per_section - 1) / per_section * per_section;
	struct kernel_page *p = malloc(PAGES_CHUNK * sizeof(*p));
	bool valid[PAGES_CHUNK];
	if (!p && !err)
		err = &lkdb_error_oom;
	for (uint64_t pfn = 0; !err && pfn < n && !lkdb_interrupted &&
			       !ferror(stdout); pfn += PAGES_CHUNK) {
		size_t m = n - pfn < PAGES_CHUNK ? (size_t)(n - pfn) : PAGES_CHUNK;
		err = kernel_read_pages(k, pfn, m, p, valid);
		for (size_t j = 0; !err && j < m; j++) {
			if (valid[j])
				page_line(&p[j], (pfn + j) * page, width,
					  ctx->json, &first);
			else
				skipped++;	/* a hole in RAM */
		}
	}
	free(p);
	if (ctx->json)
		puts("]");
	fflush(stdout);
	if (!err && lkdb_interrupted)
		err = lkdb_error_interrupted();
	/* Not one page: not holes, the page array cannot be read. */
	if (!err && n && skipped == n)
		err = lkdb_error_create(LKDB_ERROR_FAULT,
					"no struct page could be read (the page array at vmemmap)");
	else if (!err && skipped)
		lkdb_warn("kmem", "%" PRIu64 " struct pages could not be read (holes in RAM, or not in the dump): left out",
			  skipped);
	return err;
}

static struct lkdb_error *cmd_kmem(struct lkdb_command_context *ctx)
{
	bool info = false, slabs = false, per_slab = false, pages = false,
	     vm = false, zones = false, free_lists = false, vmalloc = false;
	const char *only = NULL;
	const char *args[64];
	int nargs = 0;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (a[0] != '-' || !a[1]) {
			if (pages && nargs == 64)
				return lkdb_usage_error(ctx, "at most 64 addresses");
			if (pages) {
				args[nargs++] = a;
				continue;
			}
			if (!only) {
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
			else if (*c == 'S')
				per_slab = true;
			else if (*c == 'p' && !only)
				pages = true;
			else if (*c == 'V')
				vm = true;
			else if (*c == 'z')
				zones = true;
			else if (*c == 'f')
				free_lists = true;
			else if (*c == 'v')
				vmalloc = true;
			else
				return lkdb_usage_error(ctx, "unknown option -%c (lkdb's kmem has -i, -s, -S, -p, -V, -z, -f and -v so far)",
							*c);
		}
	}
	if (info + slabs + per_slab + pages + vm + zones + free_lists +
	    vmalloc > 1)
		return lkdb_usage_error(ctx, "one of -i, -s, -S, -p, -V, -z, -f and -v");
	if ((vm || zones || free_lists || vmalloc) && only)
		return lkdb_usage_error(ctx, "unexpected argument \"%s\"", only);
	if (vm)
		return vm_stats(ctx);
	if (zones)
		return kmem_zones(ctx);
	if (free_lists)
		return kmem_free_lists(ctx);
	if (vmalloc)
		return kmem_vmalloc(ctx);
	if (pages)
		return page_lines(ctx, args, nargs);
	if (!info && !slabs && !per_slab && only)
		return what_is(ctx, only);
	if (info && only)
		return lkdb_usage_error(ctx, "unexpected argument \"%s\"", only);
	if (!info && !slabs && !per_slab)
		return lkdb_usage(ctx);
	if (slabs || per_slab)
		return kmem_slab_caches(ctx, only, per_slab);
	struct kernel_meminfo m;
	struct lkdb_error *err = kernel_read_meminfo(
		ctx->kernel, &m);
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

/* After -s or -S, a slab cache's name; else an address or symbol. */
static bool complete_kmem(const struct lkdb_command_context *ctx,
			  const char *text, void (*add)(const char *word))
{
	const char *prev = ctx->argv[ctx->argc - 1];
	if (strcmp(prev, "-s") && strcmp(prev, "-S"))
		return false;
	struct kernel_slab_caches c;
	struct lkdb_error *err = ctx->kernel ? kernel_read_slab_caches(ctx->kernel, &c) :
					       lkdb_error_create(LKDB_ERROR_INVALID, "no target");
	if (err) {
		lkdb_error_destroy(err);
		return true;
	}
	for (size_t i = 0; i < c.nr; i++)
		if (!strncmp(c.caches[i].name, text, strlen(text)))
			add(c.caches[i].name);
	kernel_slab_caches_deinit(&c);
	return true;
}

const struct lkdb_command lkdb_command_kmem = {
	.name = "kmem",
	.handler = cmd_kmem,
	.summary = "kernel memory: the summary (-i), slab caches (-s, -S), zones (-z, -f), vmalloc (-v), pages (-p), vm counters (-V), what an address is",
	.usage = "kmem -i | -s [CACHE] | -S [CACHE] | -p [ADDR...] | -V | -z | -f | -v | ADDR [--json]\n"
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
		 "  -S [CACHE]  as crash's kmem -S, each cache (or one) slab by slab: its\n"
		 "          line (ALLOCATED here counts the objects free on the CPUs'\n"
		 "          freelists as free, as crash does), then per CPU its\n"
		 "          KMEM_CACHE_CPU, its SLAB and its PARTIAL slabs, each with\n"
		 "          every object, FREE or [ALLOCATED]; per node its\n"
		 "          KMEM_CACHE_NODE (SLABS, PARTIAL, PER-CPU), its PARTIAL slabs\n"
		 "          and its FULL ones where the cache tracks them\n"
		 "          (SLAB_STORE_USER); a damaged list or freelist is a warning\n"
		 "          naming the slab, the rest is printed\n"
		 "  -p [ADDR...]  crash's line for each page of RAM (up to max_pfn): its\n"
		 "          struct page, PHYSICAL, MAPPING, INDEX, CNT (_refcount), FLAGS\n"
		 "          and their names; or for the pages of each ADDR: a struct page,\n"
		 "          a kernel virtual address or a physical address.  Holes in RAM\n"
		 "          (no struct pages) are left out\n"
		 "  -V      the vm counters as crash lists them: VM_ZONE_STAT and\n"
		 "          VM_NODE_STAT (the global counters, without the per-CPU\n"
		 "          deltas not yet folded in) and VM_EVENT_STATES (summed over\n"
		 "          the CPUs), each item by its enumerator's name\n"
		 "  -z      each zone of each node as crash shows it: its struct zone,\n"
		 "          name, SIZE (spanned pages), PRESENT (when fewer),\n"
		 "          MIN/LOW/HIGH watermarks and its vm_stat counters by name\n"
		 "  -f      each zone's buddy allocator as crash shows it: SIZE, FREE,\n"
		 "          MEM_MAP, START_PADDR, START_MAPNR, then per order and\n"
		 "          migrate type its free list, BLOCKS (counted by walking\n"
		 "          it) and PAGES; last, nr_free_pages (the zones' count),\n"
		 "          \"(verified)\" when the walks found as many\n"
		 "  -v      the vmalloc areas (each vmap_area with a vm_struct, in\n"
		 "          address order): VMAP_AREA, VM_STRUCT, ADDRESS RANGE, SIZE\n"
		 "  ADDR    what the address (hex or SYMBOL[+OFF]) is: a symbol of the\n"
		 "          kernel image or a module; a slab object (its cache, slab,\n"
		 "          object, offset, and allocated or free from the freelists);\n"
		 "          a page of the direct map (its struct page); a task's kernel\n"
		 "          stack; a vmalloc area (its VMAP_AREA, VM_STRUCT and range, as\n"
		 "          kmem -v lists it); or none of those\n"
		 "  --json  -i: an array of {item, pages, bytes, percent, of}: percent is\n"
		 "          of the item named by of, both null where crash prints ----;\n"
		 "          -s: an array of {cache, name, object_size, size (the slot),\n"
		 "          objects_per_slab, slab_bytes, allocated, total, slabs};\n"
		 "          -S: the same, each with cpus: [{cpu, online, kmem_cache_cpu,\n"
		 "          slab, partial: [SLAB]}] and nodes: [{node, kmem_cache_node,\n"
		 "          slabs, partial, per_cpu, partial_slabs: [SLAB], full_slabs:\n"
		 "          [SLAB] or null when not tracked}], a SLAB {slab, memory,\n"
		 "          node, total, allocated, free, cpu (the CPU whose own slab\n"
		 "          it is: its free objects are that CPU's cache, else null),\n"
		 "          and for the CPUs' slabs\n"
		 "          objects: [{address, free}]} (slab null: the CPU has none);\n"
		 "          ADDR: {address, kind (kernel, module, slab, page, stack,\n"
		 "          vmalloc, unknown), and symbol; cache, name, object_size,\n"
		 "          size, slab, slab_memory, objects, object, offset, state; page,\n"
		 "          physical, mapping, index, count, flags, flag_names; or pid,\n"
		 "          task, stack; or vmap_area, vm_struct, start, end};\n"
		 "          -p: an array of {page, physical, mapping, index, count, flags,\n"
		 "          flag_names}; -V: {VM_ZONE_STAT: {ITEM: value}, VM_NODE_STAT:\n"
		 "          {...}, VM_EVENT_STATES: {...}}; -z: an array of {node, zone,\n"
		 "          address, name, size, present, managed, start_pfn, min,\n"
		 "          low, high, vm_stat: {ITEM: value}}; -f: {zones: [{node,\n"
		 "          zone, name, size, free, mem_map, start_paddr,\n"
		 "          start_mapnr, areas: [{order, size_kb, nr_free,\n"
		 "          free_lists: [{migrate_type, address, blocks, pages}]}]}],\n"
		 "          nr_free_pages, found}; -v: an array of {vmap_area,\n"
		 "          vm_struct, start, end, size}",
	.man = ".BR kmem \" \" \\-i | \\-s \" [\" CACHE \"] | \" \\-S \" [\" CACHE \"] | \" \\-p \" [\" ADDR ...\"] | \" \\-V \" | \" \\-z \" | \" \\-f \" | \" \\-v \" | \" ADDR \" [\" \\-\\-json ]\n"
	       "The memory summary as crash's kmem \\-i prints it, from the kernel's own\n"
	       "counters as /proc/meminfo computes them: total, free, used, buffers, cached,\n"
	       "slab, huge pages, swap, commit limit and committed memory.  \\-s: the slab\n"
	       "caches as crash's table, counted as /proc/slabinfo counts them.  \\-S: each\n"
	       "cache's slabs and objects, free or allocated, per CPU and node.  \\-p: each\n"
	       "page's struct page, mapping, index, count and flags as crash lists them.  \\-V:\n"
	       "the vm counters and events.  \\-z: the zones with their watermarks and\n"
	       "counters.  \\-f: each zone's free lists by order and migrate type.  \\-v: the\n"
	       "vmalloc areas.  ADDR: what\n"
	       "the address is (symbol, slab object and whether it is free, page, stack).\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = complete_kmem,
};
