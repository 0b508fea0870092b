// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * struct and union (and crash's "*NAME" shorthand): a type's layout, or
 * its contents or members at an address, in crash's layout.  gdb knows
 * every type and prints the values; lkdb shapes the output as crash does
 * (no "type = " or "$1 = ", SIZE:, [OFFSET] columns, "  member = value,").
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "common/json.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/gdb_value.h"
#include "frontend/kernel/struct_print.h"
#include "frontend/terminal/output.h"

/* More structures than anyone reads at once; crash has no bound. */
#define STRUCT_MAX_COUNT 100000

struct struct_request {
	const char *keyword;	/* "struct" or "union" */
	char *type;		/* the name, members cut off */
	char *members;		/* "pid,comm" or NULL */
	bool offsets;		/* -o */
	bool have_addr;
	uint64_t addr, count;
};

/* gdb's ptype /o: a comment of 27 columns, then the line ptype has. */
#define PTYPE_O_COLUMN 27
#define PTYPE_DEPTH_MAX 32

/* Where ptype's lines go in crash's -o layout: the column of offsets. */
struct offset_column {
	bool offsets;		/* -o */
	bool have_base;		/* absolute addresses */
	uint64_t base;
	int width;		/* of "  [SIZE]" or "  [BASE+SIZE]" */
};

/*
 * One of ptype's lines (its 4 columns a level) in the layout: with -o, a
 * member with an offset gets "  [OFFSET]" then the line less 3 columns,
 * any other line is indented past the offsets' column.
 */
static void layout_line(FILE *out, const struct offset_column *c,
			const char *line, bool have_off, unsigned long off)
{
	char field[40];
	if (!c->offsets) {
		fprintf(out, "%s\n", line);
		return;
	}
	if (!have_off) {
		fprintf(out, "%*s%s\n", c->width + 1, "",
			strlen(line) > 4 ? line + 4 : line);
		return;
	}
	if (c->have_base)
		snprintf(field, sizeof(field), "  [%" PRIx64 "]", c->base + off);
	else
		snprintf(field, sizeof(field), "  [%lu]", off);
	fprintf(out, "%*s%s\n", c->width, field, strlen(line) > 3 ? line + 3 : "");
}

/*
 * ptype /o's lines as crash's struct prints them: with offsets, each
 * member's "  [OFFSET]" right-aligned in the width of "  [SIZE]" (of
 * "  [ADDR]" with an address), then ptype's line less 3 columns; nested
 * openers and closers indented past that column.  A union's members have
 * its offset (gdb gives them none).  gdb's holes and sizes are left out;
 * without offsets, the lines as ptype has them, anonymous members
 * expanded (as crash shows them; gdb's ptype alone cuts them short).
 */
static void print_layout(FILE *out, const char *ptype, bool offsets,
			 uint64_t size, uint64_t base, bool have_base)
{
	char field[40];
	struct offset_column col = {
		offsets, have_base, base,
		have_base ? snprintf(field, sizeof(field), "  [%" PRIx64 "]",
				     base + size) :
			    snprintf(field, sizeof(field), "  [%" PRIu64 "]", size),
	};
	/* The open blocks: a union's offset for its members, -1 for a struct. */
	long long blocks[PTYPE_DEPTH_MAX];
	int depth = 0;
	/*
	 * A member of a named struct type: ptype /o spells its type out, crash
	 * (and ptype) give one line, "struct NAME member;": skip to its close.
	 */
	int skip = 0;
	char named[512] = "";
	unsigned long named_off = 0;
	bool named_have_off = false;
	for (const char *l = ptype; l && *l;) {
		const char *nl = strchr(l, '\n');
		int len = nl ? (int)(nl - l) : (int)strlen(l);
		char line[1024];
		snprintf(line, sizeof(line), "%.*s", len, l);
		l = nl ? nl + 1 : NULL;
		const char *type = strstr(line, "type = ");
		const char *trimmed = line + strspn(line, " ");
		size_t tlen = strlen(trimmed);
		if (type && !strncmp(line, "/* offset", 9)) {
			fprintf(out, "%s\n", type + 7);
			continue;
		}
		if (!*trimmed || !strncmp(trimmed, "/* total size", 13) ||
		    !strncmp(line, "/* XXX", 6))
			continue;
		if (skip) {
			if (trimmed[0] == '}' && !--skip) {
				/* "} member;": the collapsed member's line */
				const char *name = trimmed + 1 + strspn(trimmed + 1, " ");
				char rest_line[1100];
				snprintf(rest_line, sizeof(rest_line), "%s %s", named, name);
				layout_line(out, &col, rest_line, named_have_off,
					    named_off);
			} else if (trimmed[0] != '}' && tlen &&
				   trimmed[tlen - 1] == '{') {
				skip++;
			}
			continue;
		}
		if (!strncmp(line, "/*", 2) && (int)strlen(line) > PTYPE_O_COLUMN &&
		    !strncmp(line + PTYPE_O_COLUMN - 2, "*/", 2)) {
			const char *rest = line + PTYPE_O_COLUMN;
			unsigned long off = 0;
			bool opener = rest[strlen(rest) - 1] == '{';
			bool have_off = memchr(line, '|', PTYPE_O_COLUMN) &&
					sscanf(line + 2, "%lu", &off) == 1;
			if (!have_off && depth && blocks[depth - 1] >= 0) {
				off = (unsigned long)blocks[depth - 1];
				have_off = true;
			}
			const char *decl = rest + strspn(rest, " ");
			if (opener && strcmp(decl, "union {") && strcmp(decl, "struct {")) {
				/* a named struct, union or enum member: one line */
				snprintf(named, sizeof(named), "%.*s%.*s",
					 (int)(decl - rest), rest,
					 (int)(strlen(decl) - 2), decl);
				named_off = off;
				named_have_off = have_off;
				skip = 1;
				continue;
			}
			if (opener && depth < PTYPE_DEPTH_MAX)
				blocks[depth++] = strstr(rest, "union {") && have_off ?
							  (long long)off : -1;
			layout_line(out, &col, rest, have_off && !opener, off);
		} else if (!strcmp(trimmed, "}")) {
			fputs("}\n", out);
		} else if (tlen && trimmed[0] == '}' && len > PTYPE_O_COLUMN) {
			/* a nested block's close, at its members' column */
			if (depth)
				depth--;
			layout_line(out, &col, line + PTYPE_O_COLUMN, false, 0);
		} else {
			fprintf(out, "%s\n", trimmed);
		}
	}
}

static struct lkdb_error *layout(struct lkdb_command_context *ctx,
				 const struct struct_request *r)
{
	char *cmd = NULL, *text = NULL, *size = NULL;
	struct lkdb_error *err = NULL;
	if (asprintf(&cmd, "ptype /o %s %s", r->keyword, r->type) < 0)
		return &lkdb_error_oom;
	err = gdb_value_text(ctx->session, cmd, &text);
	free(cmd);
	cmd = NULL;
	if (!err && asprintf(&cmd, "print sizeof(%s %s)", r->keyword, r->type) < 0)
		err = &lkdb_error_oom;
	if (!err)
		err = gdb_value_text(ctx->session, cmd, &size);
	free(cmd);
	if (!err && ctx->json) {
		char *def = NULL;
		size_t def_len = 0;
		FILE *mem = open_memstream(&def, &def_len);
		if (!mem) {
			err = &lkdb_error_oom;
		} else {
			print_layout(mem, text, r->offsets,
				     strtoull(size, NULL, 10), r->addr,
				     r->have_addr);
			fclose(mem);
			printf("{\"type\": ");
			json_write_string(stdout, r->type);
			printf(", \"size\": %s, \"definition\": ", size);
			json_write_string(stdout, def);
			fputs("}\n", stdout);
		}
		free(def);
	} else if (!err) {
		print_layout(stdout, text, r->offsets,
			     strtoull(size, NULL, 10), r->addr, r->have_addr);
		printf("SIZE: %s\n", size);
	}
	free(text);
	free(size);
	return err;
}

static struct lkdb_error *contents(struct lkdb_command_context *ctx,
				   const struct struct_request *r)
{
	char size_cmd[300], *size_text = NULL;
	snprintf(size_cmd, sizeof(size_cmd), "print sizeof(%s %s)", r->keyword,
		 r->type);
	struct lkdb_error *err = gdb_value_text(ctx->session, size_cmd, &size_text);
	if (err)
		return err;
	uint64_t size = strtoull(size_text, NULL, 10);
	free(size_text);
	/* Named once: gdb looks a type's name up anew in each expression. */
	if ((err = struct_print_set_type(ctx->session, r->keyword, r->type)))
		return err;
	if (ctx->json)
		fputs("[", stdout);
	for (uint64_t i = 0; i < r->count && !err && !ferror(stdout); i++) {
		uint64_t at = r->addr + i * size;
		char *expr = NULL, *value = NULL;
		if (ctx->json)
			printf("%s{\"address\": \"0x%" PRIx64 "\", \"values\": {",
			       i ? ",\n " : "", at);
		else if (i)
			fputs("\n", stdout);
		if (!r->members) {
			if (asprintf(&expr, "*(typeof($lkdb_struct_print))0x%" PRIx64,
				     at) < 0)
				err = &lkdb_error_oom;
			if (!err)
				err = gdb_value_print(ctx->session, expr, &value);
			if (!err && ctx->json) {
				fputs("\"*\": ", stdout);
				json_write_string(stdout, value);
			} else if (!err) {
				printf("%s %s %s\n", r->keyword, r->type, value);
			}
			free(expr);
			free(value);
		}
		char *list = r->members ? strdup(r->members) : NULL, *save = NULL;
		bool first = true;
		for (char *m = list ? strtok_r(list, ",", &save) : NULL; m && !err;
		     m = strtok_r(NULL, ",", &save)) {
			if (asprintf(&expr, "((typeof($lkdb_struct_print))0x%" PRIx64 ")->%s",
				     at, m) < 0) {
				err = &lkdb_error_oom;
				break;
			}
			err = gdb_value_print(ctx->session, expr, &value);
			free(expr);
			if (err)
				break;
			if (ctx->json) {
				fputs(first ? "" : ", ", stdout);
				json_write_string(stdout, m);
				fputs(": ", stdout);
				json_write_string(stdout, value);
			} else {
				printf("  %s = ", m);
				for (const char *p = value; *p; p++) {
					fputc(*p, stdout);
					if (*p == '\n' && p[1])
						fputs("  ", stdout);
				}
				fputs(",\n", stdout);
			}
			first = false;
			free(value);
		}
		free(list);
		if (ctx->json)
			fputs("}}", stdout);
	}
	if (ctx->json)
		fputs("]\n", stdout);
	return err;
}

static struct lkdb_error *run(struct lkdb_command_context *ctx,
			      const char *keyword)
{
	struct struct_request r = { .keyword = keyword, .count = 1 };
	const char *name = NULL, *addr_arg = NULL, *count_arg = NULL;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (!strcmp(a, "-o"))
			r.offsets = true;
		else if (a[0] == '-' && a[1])
			return lkdb_usage_error(ctx, "unknown option %s", a);
		else if (!name)
			name = a;
		else if (!addr_arg)
			addr_arg = a;
		else if (!count_arg)
			count_arg = a;
		else
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"", a);
	}
	if (!name)
		return lkdb_usage(ctx);
	for (const char *p = name; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr("_.,", *p))
			return lkdb_usage_error(ctx, "\"%s\" is not a %s name (NAME or NAME.MEMBER,...)",
						name, keyword);
	}
	struct lkdb_error *err = NULL;
	struct address_arg_context names = { .s = ctx->session, .cmd = keyword };
	if (addr_arg)
		err = address_arg_parse(&names, addr_arg, &r.addr);
	address_arg_deinit(&names);
	if (err)
		return err;
	r.have_addr = addr_arg != NULL;
	if (count_arg && (!address_arg_number(count_arg, false, &r.count) ||
			  !r.count || r.count > STRUCT_MAX_COUNT))
		return lkdb_usage_error(ctx, "COUNT \"%s\" is not a number from 1 to %d",
					count_arg, STRUCT_MAX_COUNT);
	r.type = strdup(name);
	if (!r.type)
		return &lkdb_error_oom;
	char *dot = strchr(r.type, '.');
	if (dot) {
		*dot = '\0';
		r.members = dot + 1;
	}
	if (!*r.type || (r.members && !*r.members)) {
		free(r.type);
		return lkdb_usage_error(ctx, "\"%s\" is not a %s name (NAME or NAME.MEMBER,...)",
					name, keyword);
	}
	if ((r.members || r.have_addr) && r.offsets && r.have_addr) {
		/* -o with an address: the layout at that address, as crash. */
		r.members = NULL;
		err = lkdb_session_need_gdb(ctx->session);
		if (!err)
			err = layout(ctx, &r);
	} else if (!r.have_addr) {
		err = lkdb_session_need_gdb(ctx->session);
		if (!err && r.members)
			err = lkdb_usage_error(ctx, "members need an address: %s %s ADDR",
					       keyword, name);
		else if (!err)
			err = layout(ctx, &r);
	} else {
		err = lkdb_session_need_gdb(ctx->session);
		if (!err)
			err = contents(ctx, &r);
	}
	fflush(stdout);
	free(r.type);
	return err;
}

static struct lkdb_error *cmd_struct(struct lkdb_command_context *ctx)
{
	return run(ctx, "struct");
}

static struct lkdb_error *cmd_union(struct lkdb_command_context *ctx)
{
	return run(ctx, "union");
}

#define STRUCT_USAGE(kw)                                                        \
	kw " [-o] [--json] NAME[.MEMBER,...] [ADDR|SYMBOL [COUNT]]\n"             \
	"crash's " kw ": without an address, the " kw "'s definition (with -o each\n" \
	"member's offset in brackets) and SIZE:; with one, its contents there (COUNT\n" \
	"of them, one after another), or only the MEMBERs, \"  member = value,\".\n" \
	"gdb prints the values (pretty, repeats spelled out); ADDR is hex or\n"   \
	"SYMBOL[+OFF].  -o with an address shows each member's address.\n"       \
	"crash's shorthand *NAME ... is struct NAME ....\n"                      \
	"  --json  without an address {type, size, definition (the text shown)};\n" \
	"          with one an array of {address (\"0x...\"), values: {MEMBER:\n" \
	"          text}} (\"*\" for the whole " kw ")"

const struct lkdb_command lkdb_command_struct = {
	.name = "struct",
	.handler = cmd_struct,
	.summary = "a struct's layout, or its contents or members at an address",
	.usage = STRUCT_USAGE("struct"),
	.man = ".BR struct \" [\" \\-o \"] \" NAME [. MEMBER ,...] \" [\" ADDR \" [\" COUNT ]]\n"
	       "A struct's definition (\\-o: with offsets) and size, or its contents or members\n"
	       "at an address, as crash prints them (gdb prints the values); *NAME is struct NAME.\n",
	.flags = CMD_JSON | CMD_NO_GDB,
};

const struct lkdb_command lkdb_command_union = {
	.name = "union",
	.handler = cmd_union,
	.summary = "a union's layout, or its contents or members at an address",
	.usage = STRUCT_USAGE("union"),
	.man = ".BR union \" [\" \\-o \"] \" NAME [. MEMBER ,...] \" [\" ADDR \" [\" COUNT ]]\n"
	       "As struct, for a union.\n",
	.flags = CMD_JSON | CMD_NO_GDB,
};
