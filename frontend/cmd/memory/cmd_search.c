// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * search: crash's memory search.  Kernel virtual memory is every mapping
 * of the kernel's page tables (walked, each table read once), user memory
 * the context task's tables, physical memory up to max_pfn, or the kernel
 * stacks of the tasks; the mapped memory is read a chunk at a time through
 * the physical reader and scanned in-process (kernel-helpers/memory/
 * search.h).  Hits come in address order with crash's lines.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "common/json.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/gdb_value.h"
#include "frontend/kernel/task_lookup.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/memory/search.h"
#include "kernel-helpers/tasks/tasks.h"
#include "kernel-helpers/x86_64/pagewalk.h"

/* Bytes read and scanned at a time. */
#define SEARCH_CHUNK (1u << 20)
/* Bytes of a string hit shown, as crash. */
#define SEARCH_TEXT 56
#define SEARCH_MAX_ARGS 64
#define SEARCH_MAX_CONTEXT 256

enum space { SPACE_KERNEL, SPACE_USER, SPACE_PHYSICAL, SPACE_STACKS };
static const char *const space_names[] = { "kernel", "user", "physical",
					   "kernel" };

struct search_run {
	struct lkdb_command_context *ctx;
	struct kernel *k;
	enum space space;
	char skip;		/* 'K' or 'V': regions -k leaves out */
	struct x86_64_regions regions;
	uint64_t root_paddr;	/* kernel or user tables */
	unsigned int levels;
	struct mem_search spec;
	uint64_t values[SEARCH_MAX_ARGS];
	const char *shown_as[SEARCH_MAX_ARGS];	/* "(sym)"-style, or NULL */
	const char *args[SEARCH_MAX_ARGS];	/* the arguments, as typed */
	char *owned[SEARCH_MAX_ARGS];
	unsigned int context;	/* -x */
	unsigned char *buf;
	/* The end of the last chunk, for a string across two. */
	unsigned char carry[MEM_SEARCH_MAX_STRING];
	size_t carry_len;
	uint64_t carry_end;
	/* -t/-T: the task whose stack is searched, its header not yet out. */
	const struct task_info *task;
	bool header_due;
	unsigned int tasks_shown;
	bool first_json;
	uint64_t hits;
	uint64_t unreadable;	/* pages that could not be read */
};

/* len bytes at addr of the space searched, through its page tables. */
static struct lkdb_error *read_space(struct search_run *r, uint64_t addr,
				     unsigned char *buf, size_t len)
{
	if (r->space == SPACE_PHYSICAL)
		return kernel_read_phys(r->k, addr, buf, len);
	return x86_64_read_virtual(r->k, r->root_paddr, r->levels, addr, buf,
				   len);
}

static uint64_t get_le(const unsigned char *p, unsigned int size)
{
	uint64_t v = 0;
	for (unsigned int i = size; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* crash's context line: entries, padded to a full line, and their bytes. */
static void context_line(uint64_t addr, const unsigned char *p,
			 unsigned int n, unsigned int size)
{
	char line[256];
	int len = 0;
	for (unsigned int i = 0; i < n; i++)
		len += snprintf(line + len, sizeof(line) - len, "%0*" PRIx64 " ",
				(int)(2 * size), get_le(p + i * size, size));
	/* A full line: 16 bytes of entries, and two spaces. */
	int full = (int)(16 / size) * (int)(2 * size + 1);
	printf("%16" PRIx64 ":  %s%*s  ", addr, line, full - len, "");
	for (unsigned int i = 0; i < n * size; i++)
		putchar(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.');
	putchar('\n');
}

static void json_context(struct search_run *r, const char *name,
			 const unsigned char *p, unsigned int n)
{
	printf(", \"%s\": [", name);
	for (unsigned int i = 0; i < n; i++)
		printf("%s\"0x%" PRIx64 "\"", i ? ", " : "",
		       get_le(p + i * r->spec.size, r->spec.size));
	putchar(']');
}

static void task_header(struct search_run *r)
{
	const struct task_info *t = r->task;
	if (!r->header_due || r->ctx->json)
		return;
	char comm[17], cpu[16];
	task_lookup_safe_comm(t->comm, comm);
	snprintf(cpu, sizeof(cpu), t->cpu >= 0 ? "%d" : "-", t->cpu);
	/* search -t's header is not bt's: crash's widths; a blank line between. */
	if (r->tasks_shown++ && !r->context)
		putchar('\n');
	printf("PID: %-8" PRId32 " TASK: %016" PRIx64 "  CPU: %-4s COMMAND: \"%s\"\n",
	       t->pid, t->task, cpu, comm);
	r->header_due = false;
}

static void print_hit_json(struct search_run *r, const struct mem_search_hit *h,
			   const char *text)
{
	printf("%s{\"address\": \"0x%" PRIx64 "\", \"space\": \"%s\"",
	       r->first_json ? "" : ",\n ", h->addr, space_names[r->space]);
	r->first_json = false;
	if (r->task)
		printf(", \"pid\": %" PRId32 ", \"task\": \"0x%" PRIx64 "\"",
		       r->task->pid, r->task->task);
	if (r->spec.size) {
		printf(", \"value\": \"0x%" PRIx64 "\", \"as\": ", h->value);
		if (r->shown_as[h->index])
			json_write_string(stdout, r->args[h->index]);
		else
			fputs("null", stdout);
	} else {
		fputs(", \"string\": ", stdout);
		json_write_string(stdout, r->spec.strings[h->index]);
		fputs(", \"text\": ", stdout);
		json_write_string(stdout, text);
	}
}

static struct lkdb_error *on_hit(void *context, const struct mem_search_hit *h)
{
	struct search_run *r = context;
	r->hits++;
	task_header(r);
	if (!r->spec.size) {
		/* crash's view of a string hit: the bytes from it on. */
		unsigned char b[SEARCH_TEXT];
		char text[SEARCH_TEXT + 1];
		size_t n = 0;
		for (; n < SEARCH_TEXT; n++) {
			struct lkdb_error *e = read_space(r, h->addr + n, b + n, 1);
			if (e) {
				lkdb_error_destroy(e);
				break;
			}
			text[n] = b[n] >= 0x20 && b[n] < 0x7f ? (char)b[n] : '.';
		}
		text[n] = '\0';
		if (r->ctx->json) {
			print_hit_json(r, h, text);
			putchar('}');
		} else {
			printf("%" PRIx64 ": %s\n", h->addr, text);
		}
		return NULL;
	}
	unsigned int size = r->spec.size, c = r->context;
	const char *as = r->shown_as[h->index];
	unsigned char before[SEARCH_MAX_CONTEXT * 8], after[SEARCH_MAX_CONTEXT * 8];
	bool have_before = false, have_after = false;
	if (c && h->addr >= c * size) {
		struct lkdb_error *e = read_space(r, h->addr - c * size, before,
						  c * size);
		have_before = !e;
		lkdb_error_destroy(e);
	}
	if (c) {
		struct lkdb_error *e;
		e = read_space(r, h->addr + size, after, c * size);
		have_after = !e;
		lkdb_error_destroy(e);
	}
	if (r->ctx->json) {
		print_hit_json(r, h, NULL);
		if (c) {
			json_context(r, "before", before, have_before ? c : 0);
			json_context(r, "after", after, have_after ? c : 0);
		}
		putchar('}');
		return NULL;
	}
	if (!c) {
		printf("%" PRIx64 ": %" PRIx64 " %s\n", h->addr, h->value,
		       as ? as : "");
		return NULL;
	}
	/* -x: lines of at most 16 bytes, the hit on its own line. */
	unsigned int per_line = 16 / size;
	for (unsigned int i = 0; have_before && i < c; i += per_line)
		context_line(h->addr - (c - i) * size, before + i * size,
			     c - i < per_line ? c - i : per_line, size);
	printf("%16" PRIx64 ":  %0*" PRIx64 " %s\n", h->addr, (int)(2 * size),
	       h->value, as ? as : "");
	for (unsigned int i = 0; have_after && i < c; i += per_line)
		context_line(h->addr + size + i * size, after + i * size,
			     c - i < per_line ? c - i : per_line, size);
	putchar('\n');
	return NULL;
}

/* Scan len bytes just read at addr, with the carried end of the last chunk. */
static struct lkdb_error *scan_chunk(struct search_run *r, uint64_t addr,
				     const unsigned char *data, size_t len)
{
	size_t keep = mem_search_carry(&r->spec);
	size_t carried = r->carry_len && r->carry_end == addr ? r->carry_len : 0;
	unsigned char *joined = NULL;
	const unsigned char *scan = data;
	if (carried) {
		joined = malloc(carried + len);
		if (!joined)
			return &lkdb_error_oom;
		memcpy(joined, r->carry, carried);
		memcpy(joined + carried, data, len);
		scan = joined;
	}
	struct lkdb_error *err = mem_search_scan(&r->spec, scan, carried + len,
						 addr - carried, carried,
						 on_hit, r);
	if (keep) {
		size_t total = carried + len;
		size_t n = total < keep ? total : keep;
		memcpy(r->carry, scan + total - n, n);
		r->carry_len = n;
		r->carry_end = addr + len;
	}
	free(joined);
	return err;
}

/*
 * size bytes at vaddr (physical paddr): read a chunk at a time; a chunk
 * that cannot be read whole is read a page at a time, pages that cannot
 * be read (not in the dump) passed over.
 */
static struct lkdb_error *search_block(struct search_run *r, uint64_t vaddr,
				       uint64_t paddr, uint64_t size)
{
	uint64_t page = kernel_page_size(r->k);
	while (size) {
		if (lkdb_interrupted)
			return lkdb_error_interrupted();
		if (ferror(stdout))
			return NULL;
		uint64_t n = SEARCH_CHUNK - (vaddr & (SEARCH_CHUNK - 1));
		n = n < size ? n : size;
		struct lkdb_error *err = kernel_read_phys(r->k, paddr, r->buf, n);
		if (!err) {
			err = scan_chunk(r, vaddr, r->buf, n);
		} else if (err->code != LKDB_ERROR_INTERRUPTED) {
			lkdb_error_destroy(err);
			err = NULL;
			for (uint64_t off = 0; off < n && !err;) {
				uint64_t m = page - ((paddr + off) & (page - 1));
				m = m < n - off ? m : n - off;
				struct lkdb_error *e = kernel_read_phys(
					r->k, paddr + off, r->buf, m);
				if (!e)
					err = scan_chunk(r, vaddr + off, r->buf, m);
				else if (e->code == LKDB_ERROR_INTERRUPTED)
					err = e;
				else
					r->unreadable++;
				if (e && !err)
					lkdb_error_destroy(e);
				off += m;
			}
		}
		if (err)
			return err;
		vaddr += n;
		paddr += n;
		size -= n;
	}
	return NULL;
}

/* A run of mapped memory from the page-table walk; -K/-V leave some out. */
static struct lkdb_error *on_mapped(void *context, uint64_t vaddr,
				    uint64_t paddr, uint64_t size)
{
	struct search_run *r = context;
	while (size) {
		enum x86_64_region region = x86_64_region_of(&r->regions, vaddr);
		uint64_t n = size;
		if (region != X86_64_REGION_OTHER &&
		    r->regions.end[region] - vaddr < n)
			n = r->regions.end[region] - vaddr;
		bool skip = r->skip == 'K' ?
			(region == X86_64_REGION_VMALLOC ||
			 region == X86_64_REGION_MODULES ||
			 region == X86_64_REGION_VMEMMAP) :
			r->skip == 'V' && (region == X86_64_REGION_DIRECT ||
					   region == X86_64_REGION_IMAGE);
		struct lkdb_error *err = skip ? NULL :
			search_block(r, vaddr, paddr, n);
		if (err)
			return err;
		vaddr += n;
		paddr += n;
		size -= n;
	}
	return NULL;
}

struct search_options {
	enum space space;
	char skip;
	bool active_only;	/* -T */
	const char *start_arg, *end_arg, *length_arg;
	bool have_mask;
	uint64_t mask;
	int first_value;
};

static struct lkdb_error *parse_options(struct lkdb_command_context *ctx,
					struct search_run *r,
					struct search_options *o)
{
	char space_opt = 0, kind_opt = 0;
	int i;
	for (i = 1; i < ctx->argc && ctx->argv[i][0] == '-' &&
		    ctx->argv[i][1]; i++) {
		const char *a = ctx->argv[i];
		if (strlen(a) != 2)
			return lkdb_usage_error(ctx, "unknown option %s", a);
		char c = a[1];
		const char **with_arg = c == 's' ? &o->start_arg :
					c == 'e' ? &o->end_arg :
					c == 'l' ? &o->length_arg : NULL;
		if (with_arg || c == 'm' || c == 'x') {
			if (++i == ctx->argc)
				return lkdb_usage_error(ctx, "%s needs a value", a);
			const char *v = ctx->argv[i];
			uint64_t n;
			if (with_arg)
				*with_arg = v;
			else if (c == 'm' && address_arg_number(v, true, &n))
				o->mask = n, o->have_mask = true;
			else if (c == 'x' && address_arg_number(v, false, &n) &&
				 n >= 1 && n <= SEARCH_MAX_CONTEXT)
				r->context = (unsigned int)n;
			else
				return lkdb_usage_error(ctx, c == 'm' ?
					"-m takes a hex mask, not \"%s\"" :
					"-x takes a count from 1 to 256, not \"%s\"",
					v);
			continue;
		}
		if (strchr("kKVuptT", c)) {
			if (space_opt && space_opt != c)
				return lkdb_usage_error(ctx, "-%c and -%c together",
							space_opt, c);
			space_opt = c;
			o->space = c == 'u' ? SPACE_USER : c == 'p' ? SPACE_PHYSICAL :
				   c == 't' || c == 'T' ? SPACE_STACKS : SPACE_KERNEL;
			o->skip = c == 'K' || c == 'V' ? c : 0;
			o->active_only = c == 'T';
		} else if (c == 'c' || c == 'w' || c == 'h') {
			if (kind_opt && kind_opt != c)
				return lkdb_usage_error(ctx, "-%c and -%c together",
							kind_opt, c);
			kind_opt = c;
			r->spec.size = c == 'c' ? 0 : c == 'w' ? 4 : 2;
		} else {
			return lkdb_usage_error(ctx, "unknown option %s", a);
		}
	}
	o->first_value = i;
	if (i == ctx->argc)
		return lkdb_usage_error(ctx, "nothing to search for");
	if (ctx->argc - i > SEARCH_MAX_ARGS)
		return lkdb_usage_error(ctx, "more than %d values", SEARCH_MAX_ARGS);
	if (o->end_arg && o->length_arg)
		return lkdb_usage_error(ctx, "-e and -l together");
	if (o->space == SPACE_STACKS &&
	    (o->start_arg || o->end_arg || o->length_arg))
		return lkdb_usage_error(ctx, "-%c searches whole stacks: no -s, -e or -l",
					o->active_only ? 'T' : 't');
	if (!r->spec.size && (o->have_mask || r->context))
		return lkdb_usage_error(ctx, "-c searches strings: no -m or -x");
	return NULL;
}

/* The values (or strings) to search for, from the arguments. */
static struct lkdb_error *parse_values(struct lkdb_command_context *ctx,
				       struct search_run *r,
				       const struct search_options *o,
				       struct address_arg_context *names)
{
	int n = ctx->argc - o->first_value;
	if (!r->spec.size) {
		r->spec.strings = (const char *const *)&ctx->argv[o->first_value];
		r->spec.nr_strings = (size_t)n;
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		const char *a = ctx->argv[o->first_value + i];
		uint64_t v;
		struct lkdb_error *err = NULL;
		r->args[i] = a;
		if (a[0] == '(') {
			/* An expression: gdb's value of it, shown as typed. */
			char *cmd = NULL, *text = NULL;
			err = lkdb_session_need_gdb(ctx->session);
			if (!err && asprintf(&cmd, "p/x %s", a) < 0)
				err = &lkdb_error_oom;
			if (!err && (err = gdb_value_text(ctx->session, cmd, &text)))
				err = lkdb_error_prefix(err, "%s", a);
			free(cmd);
			if (!err && !address_arg_number(text, true, &v))
				err = lkdb_error_create(LKDB_ERROR_INVALID,
							"%s is %s, not a number",
							a, text);
			free(text);
			r->shown_as[i] = a;
		} else if (address_arg_all_hex(a) || !strncmp(a, "0x", 2)) {
			if (!address_arg_number(a, true, &v))
				err = lkdb_error_create(LKDB_ERROR_INVALID,
							"\"%s\" is not a hex number", a);
		} else {
			err = address_arg_parse(names, a, &v);
			if (!err && asprintf(&r->owned[i], "(%s)", a) < 0)
				err = &lkdb_error_oom;
			r->shown_as[i] = r->owned[i];
		}
		if (!err && r->spec.size < 8 && v >> (8 * r->spec.size))
			err = r->shown_as[i] ?
				lkdb_error_create(LKDB_ERROR_INVALID,
						  "%s is 0x%" PRIx64 ": more than %u bytes (-%c)",
						  a, v, r->spec.size,
						  r->spec.size == 4 ? 'w' : 'h') :
				lkdb_error_create(LKDB_ERROR_INVALID,
						  "0x%" PRIx64 " is more than %u bytes (-%c)",
						  v, r->spec.size,
						  r->spec.size == 4 ? 'w' : 'h');
		if (err)
			return err;
		r->values[i] = v;
	}
	r->spec.values = r->values;
	r->spec.nr_values = (size_t)n;
	r->spec.mask = o->have_mask ? o->mask : 0;
	return NULL;
}

/* [start, end) of the space from -s, -e and -l (end 0: to the top). */
static struct lkdb_error *bounds(struct lkdb_command_context *ctx,
				 struct search_run *r,
				 const struct search_options *o,
				 struct address_arg_context *names,
				 uint64_t *start_ret, uint64_t *end_ret)
{
	/* Where the space begins and ends (0: the top of the addresses). */
	uint64_t user_top = r->levels == 5 ? 1ULL << 56 : 1ULL << 47;
	uint64_t start = r->space == SPACE_KERNEL ? 1ULL << 63 : 0;
	uint64_t top = r->space == SPACE_USER ? user_top : 0, end;
	struct lkdb_error *err = NULL;
	bool phys = r->space == SPACE_PHYSICAL;
	if (phys) {
		uint64_t max_pfn;
		err = kernel_read_variable_uint(r->k, "max_pfn",
						"the extent of RAM", 0, 8,
						&max_pfn);
		if (err)
			return err;
		top = max_pfn << r->k->arch->page_shift;
	}
	end = top;
	if (o->start_arg)
		err = phys ? (address_arg_number(o->start_arg, true, &start) ? NULL :
			      lkdb_usage_error(ctx, "\"%s\" is not a physical address",
					       o->start_arg)) :
			     address_arg_parse(names, o->start_arg, &start);
	if (!err && o->end_arg)
		err = phys ? (address_arg_number(o->end_arg, true, &end) ? NULL :
			      lkdb_usage_error(ctx, "\"%s\" is not a physical address",
					       o->end_arg)) :
			     address_arg_parse(names, o->end_arg, &end);
	if (!err && o->length_arg) {
		uint64_t len;
		if (!address_arg_number(o->length_arg, false, &len) || !len)
			return lkdb_usage_error(ctx, "-l takes a length in bytes, not \"%s\"",
						o->length_arg);
		/* Past the top of the addresses: to the top. */
		end = start + len < start ? 0 : start + len;
	}
	if (err)
		return err;
	if (r->space == SPACE_KERNEL && !(start >> 63))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "-s 0x%" PRIx64 " is a user address: search -u searches user memory",
					 start);
	if (r->space == SPACE_USER && start >= user_top)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "-s 0x%" PRIx64 " is not a user address",
					 start);
	if (phys && start >= top)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "-s 0x%" PRIx64 " is above the RAM's end 0x%" PRIx64 " (max_pfn)",
					 start, top);
	if (end && end <= start)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "the end 0x%" PRIx64 " is not above the start 0x%" PRIx64,
					 end, start);
	/* User and physical searches stop at their space's end. */
	if (top && (!end || end > top))
		end = top;
	/* crash's rule: values are searched from an aligned start. */
	if (r->spec.size)
		start &= ~(uint64_t)(r->spec.size - 1);
	*start_ret = start;
	*end_ret = end;
	return NULL;
}

/* -t/-T: each task's kernel stack, its hits under its header. */
static struct lkdb_error *search_stacks(struct search_run *r, bool active_only)
{
	struct task_list *list = NULL;
	struct lkdb_error *err = task_lookup_read(r->ctx->session, "search",
						  &list);
	if (err)
		return err;
	task_list_sort(list);
	for (size_t i = 0; i < list->nr_tasks && !err; i++) {
		const struct task_info *t = &list->tasks[i];
		if (active_only && !t->running)
			continue;
		uint64_t base, size;
		err = kernel_task_stack(r->k, t->task, &base, &size);
		if (err && err->code == LKDB_ERROR_NOT_FOUND)
			break;
		if (err) {
			lkdb_warn("search", "PID %" PRId32 ": its stack pointer cannot be read: %s",
				  t->pid, err->message);
			lkdb_error_destroy(err);
			err = NULL;
			continue;
		}
		if (!base)
			continue;	/* a task that has exited */
		r->task = t;
		r->header_due = true;
		r->carry_len = 0;
		err = x86_64_mapped(r->k, r->root_paddr, r->levels, base,
				    base + size, on_mapped, r, NULL);
	}
	r->task = NULL;
	task_lookup_release(r->ctx->session, list);
	return err;
}

static struct lkdb_error *search_space(struct search_run *r,
				       const struct search_options *o,
				       uint64_t start, uint64_t end)
{
	if (r->space == SPACE_PHYSICAL)
		return start < end ? search_block(r, start, start, end - start) :
				     NULL;
	uint64_t unreadable = 0;
	struct lkdb_error *err = x86_64_mapped(r->k, r->root_paddr, r->levels,
					       start, end, on_mapped, r,
					       &unreadable);
	if (!err && unreadable)
		lkdb_warn("search", "%" PRIu64 " page tables could not be read (not in the dump): what they map was not searched",
			  unreadable);
	(void)o;
	return err;
}

static struct lkdb_error *cmd_search(struct lkdb_command_context *ctx)
{
	struct search_run r = { .ctx = ctx, .spec.size = 8, .first_json = true };
	struct search_options o = { .space = SPACE_KERNEL };
	struct address_arg_context names = { .s = ctx->session, .cmd = "search" };
	struct lkdb_error *err = parse_options(ctx, &r, &o);
	if (err)
		return err;
	r.space = o.space;
	r.skip = o.skip;
	r.k = ctx->kernel;
	uint64_t ignore, start = 0, end = 0;
	if (!(err = parse_values(ctx, &r, &o, &names)))
		err = mem_search_check(&r.spec);
	if (!err && r.space == SPACE_USER) {
		err = task_lookup_user_tables(ctx->session, "search",
					      &r.root_paddr, &r.levels);
	} else if (!err && r.space != SPACE_PHYSICAL) {
		err = x86_64_kernel_tables(r.k, &r.root_paddr, &ignore,
					   &r.levels);
		if (!err && r.skip)
			err = x86_64_kernel_regions(r.k, &r.regions);
	}
	if (!err && r.space != SPACE_STACKS)
		err = bounds(ctx, &r, &o, &names, &start, &end);
	if (!err && !(r.buf = malloc(SEARCH_CHUNK)))
		err = &lkdb_error_oom;
	if (err)
		goto out;
	if (ctx->json)
		putchar('[');
	if (r.space == SPACE_STACKS)
		err = search_stacks(&r, o.active_only);
	else
		err = search_space(&r, &o, start, end);
	if (ctx->json)
		puts("]");
	fflush(stdout);
	if (!err && r.unreadable)
		lkdb_warn("search", "%" PRIu64 " mapped pages are not in the dump (holes in RAM, or filtered out): not searched",
			  r.unreadable);
out:
	free(r.buf);
	for (int i = 0; i < SEARCH_MAX_ARGS; i++)
		free(r.owned[i]);
	address_arg_deinit(&names);
	return err;
}

const struct lkdb_command lkdb_command_search = {
	.name = "search",
	.handler = cmd_search,
	.summary = "search kernel, user or physical memory or the tasks' stacks for values or strings",
	.usage = "search [-s START] [-k|-K|-V|-u|-p|-t|-T] [-e END|-l LENGTH] [-m MASK] [-x COUNT] [-c|-w|-h] [--json] VALUE...\n"
		 "Search memory for each VALUE (hex, a SYMBOL[+OFF] shown as (SYMBOL), or\n"
		 "a gdb (EXPRESSION)), as crash's search: 8-byte values at 8-byte\n"
		 "addresses, \"ADDR: VALUE\" lines in address order.  Page tables are\n"
		 "walked reading each table once: memory that a table shared by two\n"
		 "entries maps (KASAN's shadow of zeros) is searched at its first\n"
		 "addresses only.\n"
		 "  -k      kernel memory (the default): every mapping of the kernel's page\n"
		 "          tables from START (crash skips cpu_entry_area and the fixmap)\n"
		 "  -K      as -k, without vmalloc, module and vmemmap memory\n"
		 "  -V      as -k, without the direct map and the kernel image\n"
		 "  -u      the context task's user memory (task PID chooses another)\n"
		 "  -p      physical memory, up to max_pfn\n"
		 "  -t, -T  the kernel stack of every task (-T: of the running ones), the\n"
		 "          hits under each task's header\n"
		 "  -s START, -e END, -l LENGTH   where to search (START rounded down to\n"
		 "          the value's size); a SYMBOL or hex (physical: hex)\n"
		 "  -m MASK leave the bits set in MASK out of the comparison\n"
		 "  -w, -h  4-byte or 2-byte values at their own alignment\n"
		 "  -c      strings at any address; each hit shows 56 bytes from it\n"
		 "  -x COUNT  show COUNT values before and after each hit (1-256)\n"
		 "Memory the dump does not have is passed over.  Ctrl-C stops.\n"
		 "  --json  an array of {address, space (\"kernel\"|\"user\"|\"physical\"),\n"
		 "          value, as (the argument when a symbol or expression, else null);\n"
		 "          with -c string and text instead of value and as; with -t/-T pid\n"
		 "          and task; with -x before and after (arrays)}; addresses and\n"
		 "          values as \"0x...\" strings",
	.man = ".BR search \" [\" \\-s\n"
	       ".IR START \"] [\" \\-k | \\-K | \\-V | \\-u | \\-p | \\-t | \\-T \"] [\" \\-e\n"
	       ".IR END \" | \" \\-l\n"
	       ".IR LENGTH \"] [\" \\-m\n"
	       ".IR MASK \"] [\" \\-x\n"
	       ".IR COUNT \"] [\" \\-c | \\-w | \\-h \"] \" VALUE ...\n"
	       "Search kernel memory (every mapping of its page tables), the context task's\n"
	       "user memory, physical memory or the tasks' kernel stacks for values,\n"
	       "symbols or strings, as crash's search.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
};
