// SPDX-License-Identifier: GPL-2.0-or-later
/* vm: crash's memory map of a task: its mm, and each VMA with flags and file. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "common/json.h"
#include "frontend/kernel/task_lookup.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/tasks/vma.h"

static void print_text(FILE *out, const struct task_info *t, uint64_t pgd,
		       uint64_t page_size, const struct kernel_vmas *v)
{
	char rss[32], total[32], buf[32];
	task_lookup_print_header(out, t);
	output_centered(out, "MM", 16, false);
	fputs("  ", out);
	output_centered(out, "PGD", 16, false);
	fputs("  ", out);
	output_centered(out, "RSS", 6, false);
	fputs("  ", out);
	output_centered(out, "TOTAL_VM", 8, false);
	fputs("\n", out);
	snprintf(rss, sizeof(rss), "%" PRIu64 "k", t->rss_pages * page_size / 1024);
	snprintf(total, sizeof(total), "%" PRIu64 "k",
		 t->vm_pages * page_size / 1024);
	snprintf(buf, sizeof(buf), "%" PRIx64, t->mm);
	output_centered(out, buf, 16, false);
	fputs("  ", out);
	snprintf(buf, sizeof(buf), "%" PRIx64, pgd);
	output_centered(out, buf, 16, false);
	fputs("  ", out);
	output_centered(out, rss, 6, false);
	fputs("  ", out);
	output_centered(out, total, 8, false);
	fputs("\n", out);
	output_centered(out, "VMA", 16, false);
	fputs(" ", out);
	output_centered(out, "START", 16, true);
	fputs(" ", out);
	output_centered(out, "END", 16, true);
	fputs("  FLAGS FILE\n", out);
	for (size_t i = 0; i < v->nr; i++) {
		const struct kernel_vma *m = &v->vmas[i];
		fprintf(out, "%016" PRIx64 " %16" PRIx64 " %16" PRIx64 " %6" PRIx64 " %s\n",
			m->vma, m->start, m->end, m->flags,
			m->path ? m->path : "");
	}
}

static void print_json(FILE *out, const struct task_info *t, uint64_t pgd,
		       uint64_t page_size, const struct kernel_vmas *v)
{
	fprintf(out, "{\"pid\": %" PRId32 ", \"task\": \"%" PRIx64 "\", \"mm\": \"%" PRIx64 "\", \"pgd\": \"%" PRIx64 "\", \"rss_bytes\": %" PRIu64 ", \"total_vm_bytes\": %" PRIu64 ", \"vmas\": [",
		t->pid, t->task, t->mm, pgd, t->rss_pages * page_size,
		t->vm_pages * page_size);
	for (size_t i = 0; i < v->nr; i++) {
		const struct kernel_vma *m = &v->vmas[i];
		fprintf(out, "%s{\"vma\": \"%" PRIx64 "\", \"start\": \"%" PRIx64 "\", \"end\": \"%" PRIx64 "\", \"flags\": \"%" PRIx64 "\", \"pgoff\": %" PRIu64 ", \"file\": ",
			i ? ",\n  " : "\n  ", m->vma, m->start, m->end, m->flags,
			m->pgoff);
		if (m->path)
			json_write_string(out, m->path);
		else
			fputs("null", out);
		fputs("}", out);
	}
	fputs("]}", out);
}

static struct lkdb_error *one_task(struct lkdb_command_context *ctx,
				   struct kernel *k, const struct task_info *t,
				   bool *first)
{
	if (!t->mm) {
		if (ctx->json) {
			printf("%s{\"pid\": %" PRId32 ", \"task\": \"%" PRIx64 "\", \"mm\": null, \"pgd\": null, \"rss_bytes\": null, \"total_vm_bytes\": null, \"vmas\": []}",
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
	if (ctx->json) {
		if (!*first)
			fputs(",\n", stdout);
		print_json(stdout, t, pgd, kernel_page_size(k), &v);
	} else {
		if (!*first)
			fputs("\n", stdout);
		print_text(stdout, t, pgd, kernel_page_size(k), &v);
	}
	*first = false;
	kernel_vmas_deinit(&v);
	return NULL;
}

static struct lkdb_error *cmd_vm(struct lkdb_command_context *ctx)
{
	for (int i = 1; i < ctx->argc; i++) {
		if (ctx->argv[i][0] == '-')
			return lkdb_usage_error(ctx, "unknown option %s",
						ctx->argv[i]);
	}
	struct lkdb_session *s = ctx->session;
	struct kernel *k = lkdb_session_kernel(s);
	struct task_list *list = NULL;
	struct lkdb_error *err = task_lookup_read(s, "vm", &list);
	if (err)
		return err;
	bool first = true;
	if (ctx->json)
		fputs("[", stdout);
	const struct task_info *t;
	if (ctx->argc == 1) {
		err = task_lookup_context(s, list, &t);
		if (!err)
			err = one_task(ctx, k, t, &first);
	}
	for (int i = 1; i < ctx->argc && !err; i++) {
		err = task_lookup_find(list, ctx->argv[i], &t);
		if (!err)
			err = one_task(ctx, k, t, &first);
	}
	if (ctx->json)
		fputs("]\n", stdout);
	fflush(stdout);
	task_list_destroy(list);
	return err;
}

const struct lkdb_command lkdb_command_vm = {
	.name = "vm",
	.handler = cmd_vm,
	.summary = "a task's memory map: its mm and each VMA with flags and file",
	.usage = "vm [--json] [PID|TASK]...\n"
		 "crash's vm: for each task (the context task by default: the panicking\n"
		 "one on a dump, see task) its header, the mm_struct, its page tables\n"
		 "(PGD), RSS and TOTAL_VM, then each VMA in address order: the\n"
		 "vm_area_struct, START, END, FLAGS (vm_flags in hex) and FILE (the\n"
		 "mapped file's full path), as /proc/PID/maps has them.  VMAs come\n"
		 "from the maple tree (6.1+) or the mmap list before it; crash 8.0.2\n"
		 "cannot read 6.1's.\n"
		 "  --json  an array of {pid, task, mm, pgd, rss_bytes, total_vm_bytes,\n"
		 "          vmas: [{vma, start, end, flags (hex strings), pgoff, file\n"
		 "          (null if anonymous)}]}; mm, pgd, rss_bytes, total_vm_bytes\n"
		 "          null for a kernel thread",
	.man = ".BR vm \" [\" PID | TASK \"] ...\"\n"
	       "A task's memory map as crash's vm prints it: the mm, page tables, RSS and\n"
	       "total size, then each VMA with its range, flags and file path.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
};
