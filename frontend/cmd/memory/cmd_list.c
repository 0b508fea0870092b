// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * list: crash's linked-list walk.  The walk is lkdb's own, in-process and
 * bounded (kernel-helpers/core/listwalk.h); with -s each entry's struct or
 * members are printed by gdb, which knows every type.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "common/json.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/struct_print.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/listwalk.h"

/* More entries than any kernel list has; crash has no bound at all. */
#define LIST_MAX_ENTRIES 1000000

struct list_options {
	enum list_walk_mode mode;
	const char *offset_arg, *end_arg, *struct_arg, *start_arg;
};

static struct lkdb_error *parse(struct lkdb_command_context *ctx,
				struct list_options *o)
{
	o->mode = LIST_NEXT_STRUCT;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		const char **value = NULL;
		if (!strcmp(a, "-H"))
			o->mode = LIST_HEAD;
		else if (!strcmp(a, "-h"))
			o->mode = LIST_EMBEDDED;
		else if (!strcmp(a, "-o"))
			value = &o->offset_arg;
		else if (!strcmp(a, "-e"))
			value = &o->end_arg;
		else if (!strcmp(a, "-s"))
			value = &o->struct_arg;
		else if (a[0] == '-' && a[1])
			return lkdb_usage_error(ctx, "unknown option %s", a);
		else if (o->start_arg)
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"", a);
		else
			o->start_arg = a;
		if (value) {
			if (++i == ctx->argc)
				return lkdb_usage_error(ctx, "%s needs a value", a);
			*value = ctx->argv[i];
		}
	}
	if (!o->start_arg)
		return lkdb_usage(ctx);
	return NULL;
}

static struct lkdb_error *cmd_list(struct lkdb_command_context *ctx)
{
	struct list_options o = { 0 };
	struct lkdb_error *err = parse(ctx, &o);
	if (err)
		return err;
	struct lkdb_session *s = ctx->session;
	struct kernel *k = ctx->kernel;
	struct address_arg_context names = { .s = s, .cmd = "list" };
	uint64_t start, offset = 0, end = 0;
	err = address_arg_parse(&names, o.start_arg, &start);
	if (!err && o.offset_arg)
		err = struct_print_offset(k, "-o", o.offset_arg, &offset);
	if (!err && o.end_arg)
		err = address_arg_parse(&names, o.end_arg, &end);
	if (!err && o.struct_arg)
		err = lkdb_session_need_gdb(s);
	address_arg_deinit(&names);
	if (err)
		return err;
	struct list_walk w;
	struct lkdb_error *walk_err = kernel_list_walk(
		kernel_memory(k), start, offset, o.mode, end, LIST_MAX_ENTRIES,
		&w);
	if (walk_err == &lkdb_error_oom)
		return walk_err;
	struct struct_printer printer = { .s = s, .spec = o.struct_arg };
	if (ctx->json)
		fputs("[", stdout);
	/* A closed pipe (| head) ends it: no more gdb prints for nobody. */
	for (size_t i = 0; i < w.nr && !err && !ferror(stdout); i++) {
		if (ctx->json)
			printf("%s{\"address\": \"0x%" PRIx64 "\"", i ? ",\n " : "",
			       w.entries[i]);
		else
			printf("%" PRIx64 "\n", w.entries[i]);
		if (o.struct_arg)
			err = struct_print_members(&printer, ctx->json,
						   w.entries[i], ",");
		if (ctx->json)
			fputs("}", stdout);
	}
	if (ctx->json)
		fputs("]\n", stdout);
	fflush(stdout);
	list_walk_deinit(&w);
	if (err) {
		lkdb_error_destroy(walk_err);
		return err;
	}
	return walk_err;
}

/*
 * gdb's list (source lines: "list", "list panic", "list file.c:10") stays
 * gdb's; a line with an option or an address as START is crash's.
 */
static bool claims(int argc, char *const *argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] == '-' && a[1])
			return true;
		if (!strncmp(a, "0x", 2) || !strncmp(a, "0X", 2) ||
		    (strlen(a) >= 12 && address_arg_all_hex(a)))
			return true;
	}
	return false;
}

const struct lkdb_command lkdb_command_list = {
	.name = "list",
	.handler = cmd_list,
	.summary = "walk a linked list: each entry's address, its struct or members",
	.usage = "list [-H|-h] [-o OFF|STRUCT.MEMBER] [-e END] [-s STRUCT[.MEMBER,...]] [--json] START\n"
		 "crash's list: the address of each structure of a linked list, from\n"
		 "START (an address or SYMBOL[+OFF]) until a NULL pointer, START again,\n"
		 "or END.  The walk is bounded and a structure met twice ends it with\n"
		 "an error naming it (\"list loops back to ADDR after N entries\").\n"
		 "A line with none of these options and no address (list, list panic,\n"
		 "list file.c:10) is gdb's list of source lines, as before.\n"
		 "  -o OFF  the next pointer is at OFF in each structure (a number or\n"
		 "          STRUCT.MEMBER, as module.list); 0 by default\n"
		 "  -h      START is a structure whose pointers point to the next\n"
		 "          one's list_head at OFF (struct list_head lists)\n"
		 "  -H      START is a list_head of its own (a list's head, as the\n"
		 "          symbol modules), not printed; its entries' list_heads are\n"
		 "          at OFF\n"
		 "  -e END  stop before the structure at END\n"
		 "  -s STRUCT[.MEMBER,...]  each structure, or the members, as gdb\n"
		 "          prints them (\"  name = ...\")\n"
		 "  --json  an array of {address (\"0x...\"), values: {MEMBER: text}\n"
		 "          (with -s; \"*\" for the whole struct)}",
	.man = ".BR list \" [\" \\-H | \\-h \"] [\" \\-o\n"
	       ".IR OFF \"] [\" \\-e\n"
	       ".IR END \"] [\" \\-s\n"
	       ".IR STRUCT [. MEMBER ,...]] \" START\"\n"
	       "A linked list's entries as crash's list prints them, walked in-process,\n"
	       "bounded, a loop named; \\-s prints each entry's struct or members through gdb.\n"
	       "Without an option or an address, list is gdb's list of source lines.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.claims = claims,
};
