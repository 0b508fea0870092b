// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sym: addresses to symbol+offset/size and source line, names to
 * addresses, from the vmlinux itself (kernel-helpers/symbolize.h): no gdb
 * round trip, no target needed.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "symbolize.h"
#include "vmlinux.h"

/*
 * A number: hex with 0x; else hex when hex_default (addresses, as crash
 * and oopses write them), decimal otherwise (offsets, as gdb reads them).
 */
static bool parse_number(const char *s, bool hex_default, uint64_t *ret)
{
	int base = hex_default ? 16 : 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}

static bool all_hex(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isxdigit((unsigned char)*s))
			return false;
	}
	return true;
}

/*
 * One argument: ADDRESS or NAME, then optionally +OFFSET or -OFFSET, then
 * optionally /SIZE (ignored: an oops' "panic+0x139/0x2b0" pastes as is).
 * A bare word of hex digits is a name if the vmlinux has such a symbol.
 */
static struct lkdb_error *lookup(struct lkdb_session *s, const char *arg,
				 struct symbolize_result *ret)
{
	memset(ret, 0, sizeof(*ret));
	char *word = strdup(arg);
	if (!word)
		return &lkdb_error_oom;
	struct lkdb_error *err = NULL;
	uint64_t value;
	char *slash = strchr(word, '/');
	if (slash) {
		if (!parse_number(slash + 1, false, &value)) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"%s: bad size \"%s\" (expected NAME+OFFSET/SIZE)",
						arg, slash + 1);
			goto out;
		}
		*slash = '\0';
	}
	char *op = strpbrk(word, "+-");
	uint64_t delta = 0;
	bool minus = op && *op == '-';
	if (op) {
		if (!parse_number(op + 1, false, &delta)) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"%s: bad offset \"%s\" (a number: 0x for hex)",
						arg, op + 1);
			goto out;
		}
		*op = '\0';
	}
	if (!*word) {
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"%s: expected an address or a symbol name",
					arg);
		goto out;
	}

	struct vmlinux_symbol_info info;
	bool is_address = false;
	if (!strncmp(word, "0x", 2) || !strncmp(word, "0X", 2)) {
		is_address = true;
	} else if (all_hex(word)) {
		struct lkdb_error *miss = vmlinux_symbol_info(s->vmlinux, word,
							      &info);
		is_address = miss != NULL;
		lkdb_error_destroy(miss);
	}
	uint64_t addr;
	if (is_address) {
		if (!parse_number(word, true, &addr)) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"%s: bad address", arg);
			goto out;
		}
	} else if (!op) {
		err = symbolize_name(s->vmlinux, s->kaslr_offset, word, ret);
		goto out;
	} else {
		/* NAME+OFFSET is an address */
		err = symbolize_name(s->vmlinux, s->kaslr_offset, word, ret);
		addr = ret->address;
		symbolize_result_deinit(ret);
		if (err)
			goto out;
	}
	addr = minus ? addr - delta : addr + delta;
	err = symbolize_address(s->vmlinux, s->kaslr_offset, addr, ret);
	/* the message names the address; say where it came from */
	if (err && (op || !is_address))
		err = lkdb_error_prefix(err, "%s", arg);
out:
	free(word);
	return err;
}

static void print_text(const struct symbolize_result *r)
{
	printf("%016" PRIx64 " (%c) %s+0x%" PRIx64 "/0x%" PRIx64, r->address,
	       r->symbol.type, r->symbol.name, r->offset, r->size);
	if (r->nr_frames && r->frames[0].file)
		printf(" %s:%u", r->frames[0].file, r->frames[0].line);
	if (r->symbol.percpu)
		fputs(" (per-CPU offset)", stdout);
	fputs("\n", stdout);
	if (r->nr_frames < 2)
		return;
	for (size_t i = 0; i < r->nr_frames; i++) {
		const struct symbolize_frame *f = &r->frames[i];
		bool last = i + 1 == r->nr_frames;
		printf("    %s %s", last ? "in" : "inlined",
		       f->function ? f->function : "??");
		if (f->file)
			printf(" at %s:%u", f->file, f->line);
		fputs("\n", stdout);
	}
}

static void json_string_or_null(const char *s)
{
	if (s)
		json_write_string(stdout, s);
	else
		fputs("null", stdout);
}

static void print_json(const struct symbolize_result *r)
{
	printf("{\"address\": \"0x%" PRIx64 "\", \"type\": \"%c\", \"name\": ",
	       r->address, r->symbol.type);
	json_write_string(stdout, r->symbol.name);
	printf(", \"offset\": %" PRIu64 ", \"size\": %" PRIu64 ", \"file\": ",
	       r->offset, r->size);
	const struct symbolize_frame *first = r->nr_frames ? &r->frames[0] :
				       NULL;
	json_string_or_null(first ? first->file : NULL);
	if (first && first->line)
		printf(", \"line\": %u", first->line);
	else
		fputs(", \"line\": null", stdout);
	printf(", \"percpu\": %s, \"inlined\": [",
	       r->symbol.percpu ? "true" : "false");
	for (size_t i = 0; i + 1 < r->nr_frames; i++) {
		const struct symbolize_frame *f = &r->frames[i];
		const struct symbolize_frame *caller = &r->frames[i + 1];
		fputs(i ? ", {\"function\": " : "{\"function\": ", stdout);
		json_string_or_null(f->function);
		fputs(", \"file\": ", stdout);
		json_string_or_null(f->file);
		printf(", \"line\": %u, \"call_file\": ", f->line);
		json_string_or_null(caller->file);
		printf(", \"call_line\": %u}", caller->line);
	}
	fputs("]}", stdout);
}

struct lkdb_error *cmd_sym(struct lkdb_command_context *ctx)
{
	struct lkdb_session *s = ctx->session;
	if (ctx->argc < 2)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "usage: sym [--json] ADDRESS|NAME[+OFFSET]...");
	if (!s->vmlinux)
		return lkdb_error_create(LKDB_ERROR_INVALID, "no vmlinux");
	int n = ctx->argc - 1;
	struct symbolize_result *results = calloc(n, sizeof(*results));
	if (!results)
		return &lkdb_error_oom;
	struct lkdb_error *err = NULL;
	int done = 0;
	/* text goes out as it comes; JSON only when every lookup worked */
	for (; done < n; done++) {
		err = lookup(s, ctx->argv[done + 1], &results[done]);
		if (err)
			break;
		if (!ctx->json)
			print_text(&results[done]);
	}
	if (!err && ctx->json) {
		fputs("[", stdout);
		for (int i = 0; i < n; i++) {
			fputs(i ? ",\n " : "", stdout);
			print_json(&results[i]);
		}
		fputs("]\n", stdout);
	}
	for (int i = 0; i < done; i++)
		symbolize_result_deinit(&results[i]);
	free(results);
	fflush(stdout);
	return err;
}
