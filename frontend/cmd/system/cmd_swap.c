// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swap: the swap areas in use, as crash's swap prints them (and
 * /proc/swaps counts them).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/printable.h"
#include "frontend/core/commands.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/devices/swap.h"

static void print_text(const struct kernel_swaps *s)
{
	unsigned int shift = s->page_shift - 10;
	fputs("SWAP_INFO_STRUCT    TYPE       SIZE       USED     PCT  PRI  FILENAME\n", stdout);
	for (size_t i = 0; i < s->nr; i++) {
		const struct kernel_swap *w = &s->swaps[i];
		char size[32], used[32], pct[16], path[sizeof(w->path)];
		uint64_t kb = w->pages << shift, used_kb = w->inuse_pages << shift;
		snprintf(size, sizeof(size), "%" PRIu64 "k", kb);
		snprintf(used, sizeof(used), "%" PRIu64 "k", used_kb);
		snprintf(pct, sizeof(pct), "%2" PRIu64 "%%", kb ? used_kb * 100 / kb : 0);
		lkdb_printable(path, w->path, sizeof(path) - 1, "");
		printf("%-16" PRIx64 "  %s ", w->info, w->partition ? "PARTITION" : "  FILE   ");
		lkdb_print_centered(stdout, 10, size, true);
		fputc(' ', stdout);
		lkdb_print_centered(stdout, 10, used, true);
		fputc(' ', stdout);
		lkdb_print_centered(stdout, 4, pct, true);
		printf(" %4d  %s\n", w->prio, path);
	}
}

static void print_json(const struct kernel_swaps *s)
{
	unsigned int shift = s->page_shift - 10;
	fputc('[', stdout);
	for (size_t i = 0; i < s->nr; i++) {
		const struct kernel_swap *w = &s->swaps[i];
		uint64_t kb = w->pages << shift, used_kb = w->inuse_pages << shift;
		printf("%s{\"swap_info_struct\": \"0x%" PRIx64 "\", \"index\": %u, \"type\": \"%s\", "
		       "\"size_kb\": %" PRIu64 ", \"used_kb\": %" PRIu64 ", \"priority\": %d, \"filename\": ",
		       i ? ", " : "", w->info, w->index, w->partition ? "partition" : "file",
		       kb, used_kb, w->prio);
		json_write_string(stdout, w->path);
		fputc('}', stdout);
	}
	fputs("]\n", stdout);
}

static struct lkdb_error *cmd_swap(struct lkdb_command_context *ctx)
{
	if (ctx->argc > 1)
		return lkdb_usage_error(ctx, "unexpected argument \"%s\"", ctx->argv[1]);
	struct kernel_swaps s;
	struct lkdb_error *err = kernel_read_swaps(ctx->kernel, &s);
	if (err)
		return err;
	for (size_t i = 0; i < s.nr_warnings; i++)
		lkdb_warn("swap", "%s", s.warnings[i]);
	fflush(stderr);
	if (ctx->json)
		print_json(&s);
	else
		print_text(&s);
	fflush(stdout);
	kernel_swaps_deinit(&s);
	return NULL;
}

const struct lkdb_command lkdb_command_swap = {
	.name = "swap",
	.handler = cmd_swap,
	.summary = "the swap areas in use, as crash's swap",
	.usage = "swap [--json]\n"
		 "Each swap area in use (swap_info[], SWP_USED): its struct\n"
		 "swap_info_struct, TYPE (PARTITION for a block device, FILE), SIZE and\n"
		 "USED in KiB, PCT used, PRI (priority) and FILENAME, as crash's swap\n"
		 "prints them; /proc/swaps shows the same areas.\n"
		 "  --json  an array of {swap_info_struct, index, type (\"partition\" or\n"
		 "          \"file\"), size_kb, used_kb, priority, filename}",
	.man = ".B swap\n"
	       "The swap areas in use (size, used, priority, file name), as crash's swap.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = lkdb_complete_nothing,
};
