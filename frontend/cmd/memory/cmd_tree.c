// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tree: crash's red-black tree and XArray (radix tree) dump, and maple
 * trees (which crash 8.0.2 cannot walk).  The walks are lkdb's own,
 * in-process and bounded (kernel-helpers/core/trees.h, mapletree.h); with
 * -s each entry's struct or members are printed by gdb.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "common/json.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/struct_print.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/mapletree.h"
#include "kernel-helpers/core/trees.h"

struct tree_options {
	bool xarray, maple, linear, position, node;
	const char *root_off_arg, *node_off_arg, *struct_arg, *start_arg;
};

static struct lkdb_error *parse(struct lkdb_command_context *ctx,
				struct tree_options *o)
{
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		const char **value = NULL;
		if (!strcmp(a, "-t")) {
			if (++i == ctx->argc)
				return lkdb_usage_error(ctx, "-t needs a type");
			const char *t = ctx->argv[i];
			o->xarray = o->maple = false;
			if (!strcmp(t, "rbtree") || !strcmp(t, "rb"))
				;
			else if (!strcmp(t, "xarray") || !strcmp(t, "x") ||
				 !strcmp(t, "radix") || !strcmp(t, "ra"))
				o->xarray = true;
			else if (!strcmp(t, "maple") || !strcmp(t, "m"))
				o->maple = true;
			else
				return lkdb_usage_error(ctx, "-t %s: the types are rbtree (rb), xarray (x), radix (ra) and maple (m)",
							t);
		} else if (!strcmp(a, "-l")) {
			o->linear = true;
		} else if (!strcmp(a, "-p")) {
			o->position = true;
		} else if (!strcmp(a, "-N")) {
			o->node = true;
		} else if (!strcmp(a, "-r")) {
			value = &o->root_off_arg;
		} else if (!strcmp(a, "-o")) {
			value = &o->node_off_arg;
		} else if (!strcmp(a, "-s")) {
			value = &o->struct_arg;
		} else if (a[0] == '-' && a[1]) {
			return lkdb_usage_error(ctx, "unknown option %s", a);
		} else if (o->start_arg) {
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"", a);
		} else {
			o->start_arg = a;
		}
		if (value) {
			if (++i == ctx->argc)
				return lkdb_usage_error(ctx, "%s needs a value", a);
			*value = ctx->argv[i];
		}
	}
	if (!o->start_arg)
		return lkdb_usage(ctx);
	if ((o->xarray || o->maple) && (o->linear || o->node_off_arg))
		return lkdb_usage_error(ctx, "-l and -o are for red-black trees");
	if (o->maple && o->node)
		return lkdb_usage_error(ctx, "-N is for red-black trees and XArrays: a maple tree starts at its struct maple_tree");
	if (o->node && o->root_off_arg)
		return lkdb_usage_error(ctx, "-N starts at a node: no -r");
	return NULL;
}

/* -t maple: each entry with the range of indexes it covers (-p). */
static struct lkdb_error *maple_entries(struct lkdb_command_context *ctx,
					const struct tree_options *o,
					uint64_t root)
{
	struct lkdb_session *s = ctx->session;
	struct maple_entries m;
	struct lkdb_error *err = maple_tree_read(ctx->kernel, root,
						 &m);
	if (err)
		return err;
	for (size_t i = 0; i < m.nr_warnings; i++)
		lkdb_warn("tree", "%s", m.warnings[i]);
	fflush(stderr);
	struct struct_printer printer = { .s = s, .spec = o->struct_arg };
	if (ctx->json)
		fputs("[", stdout);
	for (size_t i = 0; i < m.nr && !err && !ferror(stdout) &&
			   !lkdb_interrupted; i++) {
		const struct maple_entry *e = &m.entries[i];
		if (ctx->json) {
			fputs(i ? ",\n {\"address\": " : "{\"address\": ", stdout);
			json_write_address(stdout, e->value);
			fputs(", \"first\": ", stdout);
			json_write_address(stdout, e->first);
			fputs(", \"last\": ", stdout);
			json_write_address(stdout, e->last);
		} else {
			printf("%" PRIx64 "\n", e->value);
			if (o->position)
				printf("  range: %" PRIx64 "-%" PRIx64 "\n",
				       e->first, e->last);
		}
		if (o->struct_arg)
			err = struct_print_members(&printer, ctx->json,
						   e->value, ",");
		if (ctx->json)
			fputs("}", stdout);
	}
	if (ctx->json)
		fputs("]\n", stdout);
	fflush(stdout);
	maple_entries_deinit(&m);
	return err;
}

static struct lkdb_error *cmd_tree(struct lkdb_command_context *ctx)
{
	struct tree_options o = { 0 };
	struct lkdb_error *err = parse(ctx, &o);
	if (err)
		return err;
	struct lkdb_session *s = ctx->session;
	struct kernel *k = ctx->kernel;
	struct address_arg_context names = { .s = s, .cmd = "tree" };
	uint64_t start, root_off = 0, node_off = 0;
	err = address_arg_parse(&names, o.start_arg, &start);
	address_arg_deinit(&names);
	if (!err && o.root_off_arg)
		err = struct_print_offset(k, "-r", o.root_off_arg, &root_off);
	if (!err && o.node_off_arg)
		err = struct_print_offset(k, "-o", o.node_off_arg, &node_off);
	if (!err && o.struct_arg)
		err = lkdb_session_need_gdb(s);
	if (err)
		return err;
	struct tree_entries t;
	uint64_t root = start + root_off;
	if (o.maple)
		return maple_entries(ctx, &o, root);
	if (o.xarray) {
		err = kernel_xarray_walk(k, root, o.node, &t);
	} else {
		/* An rb_root (or rb_root_cached) starts with its rb_node. */
		uint64_t node = root;
		if (!o.node)
			err = kernel_read_uint(k, root, 8, &node);
		if (err)
			return lkdb_error_prefix(err, "the rb_root at 0x%" PRIx64,
						 root);
		err = kernel_rbtree_walk(k, node, o.linear, &t);
	}
	if (err)
		return err;
	for (size_t i = 0; i < t.nr_warnings; i++)
		lkdb_warn("tree", "%s", t.warnings[i]);
	fflush(stderr);
	struct struct_printer printer = { .s = s, .spec = o.struct_arg };
	if (ctx->json)
		fputs("[", stdout);
	/* A closed pipe (| head) ends it: no more gdb prints for nobody. */
	for (size_t i = 0; i < t.nr && !err && !ferror(stdout) &&
			   !lkdb_interrupted; i++) {
		const struct tree_entry *e = &t.entries[i];
		uint64_t entry = o.xarray ? e->entry : e->entry - node_off;
		char pos[4 * TREE_MAX_DEPTH + 8];
		tree_entry_position(e, !o.xarray, pos, sizeof(pos));
		if (ctx->json) {
			printf("%s{\"address\": \"0x%" PRIx64 "\", \"position\": \"%s\"",
			       i ? ",\n " : "", entry, pos);
			if (o.xarray)
				printf(", \"index\": %" PRIu64, e->index);
		} else {
			printf("%" PRIx64 "\n", entry);
			if (o.position && o.xarray)
				printf("  index: %" PRIu64 "  position: %s\n",
				       e->index, pos);
			else if (o.position)
				printf("  position: %s\n", pos);
		}
		if (o.struct_arg)
			err = struct_print_members(&printer, ctx->json, entry,
						   ",");
		if (ctx->json)
			fputs("}", stdout);
	}
	if (ctx->json)
		fputs("]\n", stdout);
	fflush(stdout);
	tree_entries_deinit(&t);
	return err;
}

/* After -t, the tree types; else an address or symbol. */
static bool complete_tree(const struct lkdb_command_context *ctx,
			  const char *text, void (*add)(const char *word))
{
	static const char *const types[] = { "rbtree", "xarray", "radix", "maple", NULL };
	if (strcmp(ctx->argv[ctx->argc - 1], "-t"))
		return false;
	lkdb_complete_words(types, text, add);
	return true;
}

const struct lkdb_command lkdb_command_tree = {
	.name = "tree",
	.handler = cmd_tree,
	.summary = "a red-black tree's nodes, an XArray's (radix tree's) or a maple tree's entries, as crash's tree",
	.usage = "tree [-t rbtree|xarray|radix|maple] [-r OFF] [-o OFF] [-s STRUCT[.MEMBER,...]] [-l] [-p] [-N] [--json] START\n"
		 "The entries of the tree whose root is at START (an address or SYMBOL):\n"
		 "a red-black tree's (struct rb_root or rb_root_cached; the default)\n"
		 "in pre-order, root first, as crash lists them; an XArray's (struct\n"
		 "xarray, which radix_tree_root is since 4.20) in index order; a maple\n"
		 "tree's (struct maple_tree: a task's VMAs at mm_struct.mm_mt, 6.1+) in\n"
		 "index order, which crash 8.0.2 cannot walk.  The walk is bounded; a\n"
		 "node that cannot be read or is met twice is a warning.\n"
		 "  -t TYPE rbtree (rb), xarray (x), radix (ra) or maple (m)\n"
		 "  -r OFF  the root is at START + OFF (a number or STRUCT.MEMBER)\n"
		 "  -o OFF  rbtree: the rb_node is at OFF in each entry, which is shown\n"
		 "  -N      START is a node (rb_node or xa_node), not the root\n"
		 "  -l      rbtree: in order, the leftmost first\n"
		 "  -p      each entry's position: root/l/r (rbtree), its index and\n"
		 "          slot offsets (XArray), or the range of indexes it covers,\n"
		 "          FIRST-LAST in hex (maple)\n"
		 "  -s STRUCT[.MEMBER,...]  each entry as that struct, or those members\n"
		 "          (printed by gdb; crash's lines, a comma after each member)\n"
		 "  --json  an array of {address, position, index (XArray), values (with\n"
		 "          -s: {MEMBER: gdb's value})}; maple: {address, first, last,\n"
		 "          values}; addresses as \"0x...\" strings",
	.man = ".BR tree \" [\" \\-t\n"
	       ".IR TYPE \"] [\" \\-r\n"
	       ".IR OFF \"] [\" \\-o\n"
	       ".IR OFF \"] [\" \\-s\n"
	       ".IR STRUCT [. MEMBER ,...]] [ \\-l ] [ \\-p ] [ \\-N ] \" START\n"
	       "A red-black tree's nodes (pre-order, or in order with \\-l), an\n"
	       "XArray's (radix tree's) or a maple tree's entries in index order, as\n"
	       "crash's tree lists them, with their positions (\\-p) and members (\\-s).\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = complete_tree,
};
