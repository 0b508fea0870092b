// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dis: crash's disassembly, from gdb's -data-disassemble so that every row
 * is structured (address, function, offset, instruction, source line) and
 * --json prints the same rows.  gdb resolves the target expression, so
 * module functions work once their symbols are loaded (mod -s).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "common/json.h"

#define DIS_TIMEOUT_MS 60000
/* x86_64's longest instruction, for an address range outside functions. */
#define MAX_INSN_LEN 15

struct dis_row {
	const char *address, *function, *offset, *inst;
	const char *file, *line;	/* -l only */
};

static void print_row(const struct dis_row *r, bool json, bool *first)
{
	if (json) {
		fputs(*first ? "[{\"address\": " : ",\n {\"address\": ", stdout);
		json_write_string(stdout, r->address);
		fputs(", \"function\": ", stdout);
		json_write_string(stdout, r->function ? r->function : "");
		printf(", \"offset\": %s, \"instruction\": ",
		       r->offset ? r->offset : "null");
		json_write_string(stdout, r->inst ? r->inst : "");
		fputs(", \"file\": ", stdout);
		if (r->file)
			json_write_string(stdout, r->file);
		else
			fputs("null", stdout);
		printf(", \"line\": %s}", r->line ? r->line : "null");
	} else {
		char where[256];
		if (!r->function)
			where[0] = '\0';
		else if (!r->offset || !strcmp(r->offset, "0"))
			snprintf(where, sizeof(where), " <%s>", r->function);
		else
			snprintf(where, sizeof(where), " <%s+%s>", r->function,
				 r->offset);
		printf("%s%s:\t%s\n", r->address, where, r->inst ? r->inst : "");
	}
	*first = false;
}

struct walk {
	bool json, first;
	unsigned long long start;	/* print from this address on */
	long remaining;			/* rows left to print, -1 = all */
	size_t printed;
};

static void emit(struct walk *w, const struct mi_value *insn,
		 const char *file, const char *line, bool *file_shown)
{
	struct dis_row r = {
		.address = mi_value_string(insn->children, "address"),
		.function = mi_value_string(insn->children, "func-name"),
		.offset = mi_value_string(insn->children, "offset"),
		.inst = mi_value_string(insn->children, "inst"),
		.file = file,
		.line = line,
	};
	if (!r.address || w->remaining == 0 ||
	    strtoull(r.address, NULL, 0) < w->start)
		return;
	/* crash shows the source line before its first instruction. */
	if (file && !w->json && !*file_shown) {
		printf("%s: %s\n", file, line ? line : "?");
		*file_shown = true;
	}
	print_row(&r, w->json, &w->first);
	w->printed++;
	if (w->remaining > 0)
		w->remaining--;
}

static void walk_insns(struct walk *w, const struct mi_value *insns,
		       bool with_source)
{
	for (const struct mi_value *v = insns ? insns->children : NULL; v;
	     v = v->next) {
		if (!with_source) {
			bool shown = true;
			emit(w, v, NULL, NULL, &shown);
			continue;
		}
		/* src_and_asm_line={line,file,line_asm_insn=[...]} */
		const char *file = mi_value_string(v->children, "file");
		const char *line = mi_value_string(v->children, "line");
		const struct mi_value *list = mi_value_find(v->children,
							    "line_asm_insn");
		bool shown = false;
		for (const struct mi_value *i = list ? list->children : NULL;
		     i; i = i->next)
			emit(w, i, file, line, &shown);
	}
}

static struct lkdb_error *disassemble(struct lkdb_session *s,
				      const char *const *argv, size_t argc,
				      struct gdb_call_result *r)
{
	struct lkdb_error *err = gdb_driver_call(s->gdb, 0, DIS_TIMEOUT_MS,
						 "-data-disassemble", argv,
						 argc, r);
	if (err)
		return err;
	if (r->record->result_class == MI_CLASS_ERROR) {
		const char *msg = gdb_result_error_message(r->record);
		err = lkdb_error_create(LKDB_ERROR_GDB, "%s",
					msg ? msg : "gdb cannot disassemble");
		gdb_call_result_deinit(r);
	}
	return err;
}

static struct lkdb_error *cmd_dis(struct lkdb_command_context *ctx)
{
	struct lkdb_session *s = ctx->session;
	bool with_source = false;
	const char *target = NULL, *count_arg = NULL;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (!strcmp(a, "-l"))
			with_source = true;
		else if (a[0] == '-' && a[1] && !target)
			return lkdb_usage_error(ctx, "unknown option \"%s\"",
						a);
		else if (!target)
			target = a;
		else if (!count_arg)
			count_arg = a;
		else
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"",
						a);
	}
	if (!target)
		return lkdb_usage(ctx);
	long count = -1;
	if (count_arg) {
		char *end;
		errno = 0;
		count = strtol(count_arg, &end, 0);
		if (errno || *end || count <= 0 || count > 100000)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "COUNT \"%s\" is not a number from 1 to 100000",
						 count_arg);
	}
	const char *mode = with_source ? "4" : "0";

	/* The whole function around target: gdb finds its bounds. */
	const char *by_func[] = { "-a", target, "--", mode };
	struct gdb_call_result r;
	struct lkdb_error *err = disassemble(s, by_func, 4, &r);
	unsigned long long start = 0;
	if (err && count > 0) {
		/*
		 * Not inside a known function (e.g. a module without symbols):
		 * an address range instead, with room for count instructions.
		 */
		char *end_expr;
		if (asprintf(&end_expr, "(%s) + %ld", target,
			     count * MAX_INSN_LEN) < 0)
			return &lkdb_error_oom;
		const char *by_range[] = { "-s", target, "-e", end_expr, "--",
					   mode };
		lkdb_error_destroy(err);
		err = disassemble(s, by_range, 6, &r);
		free(end_expr);
	}
	if (err && strstr(err->message, "No function contains"))
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "%s: in no function gdb knows; give COUNT to disassemble from there",
					 target);
	/* gdb's message may name the address already: then only once */
	if (err && !lkdb_message_names(err->message, target))
		return lkdb_error_prefix(err, "%s", target);
	if (err)
		return err;
	/* "dis ADDR COUNT" starts at ADDR, not at its function's start. */
	if (count > 0) {
		const char *eval[] = { target };
		struct gdb_call_result v;
		char *expr;
		if (asprintf(&expr, "(unsigned long)(%s)", target) >= 0) {
			eval[0] = expr;
			if (!gdb_driver_call(s->gdb, 0, DIS_TIMEOUT_MS,
					     "-data-evaluate-expression", eval,
					     1, &v)) {
				const char *value = mi_value_string(
					v.record->results, "value");
				if (v.record->result_class == MI_CLASS_DONE &&
				    value)
					start = strtoull(value, NULL, 0);
				gdb_call_result_deinit(&v);
			}
			free(expr);
		}
	}
	struct walk w = {
		.json = ctx->json,
		.first = true,
		.start = start,
		.remaining = count,
	};
	walk_insns(&w, mi_value_find(r.record->results, "asm_insns"),
		   with_source);
	gdb_call_result_deinit(&r);
	if (ctx->json)
		fputs(w.first ? "[]\n" : "]\n", stdout);
	if (!w.printed)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "%s: no instructions there", target);
	return NULL;
}

const struct lkdb_command lkdb_command_dis = {
	.name = "dis",
	.handler = cmd_dis,
	.summary = "disassemble a function or from an address, with source lines",
	.usage = "dis [-l] [--json] FUNCTION|ADDRESS [COUNT]\n"
		 "Like crash's dis: the whole function, or COUNT instructions\n"
		 "from ADDRESS, as \"ADDRESS <function+offset>:  instruction\".\n"
		 "  -l      each source line (file: line) before its instructions\n"
		 "  --json  an array of {address, function, offset, instruction,\n"
		 "          file, line}\n"
		 "FUNCTION may be any gdb expression for an address; module\n"
		 "functions need their symbols (mod -s).",
	.man = ".BR dis \" [\" \\-l \"] [\" \\-\\-json \"] \\fIFUNCTION\\fR|\\fIADDRESS\\fR [\\fICOUNT\\fR]\"\n"
	       "Disassembly of a function, or COUNT instructions from an address;\n"
	       ".B \\-l\n"
	       "shows the source lines.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON,
};
