// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sym: addresses to symbol+offset/size and source line, names to
 * addresses, from the vmlinux itself (kernel-helpers/symbols/symbolize.h): no gdb
 * round trip, no target needed.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "common/json.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/module_names.h"
#include "kernel-helpers/symbols/symbolize.h"
#include "kernel-helpers/core/vmlinux.h"
#include "frontend/terminal/output.h"

/* A lookup's answer: a module's symbol has module set. */
struct sym_result {
	struct symbolize_result r;
	const char *module;
	const char *object;	/* the module's file its lines came from */
};

/* Source lines from the module's object file, if one is found. */
static void module_source(struct address_arg_context *c, const struct kmodule *m,
			  struct sym_result *ret)
{
	char *object = NULL;
	/* the decoder checks the size against the .ko's st_size */
	module_names_source(c->s, m, ret->r.symbol.name, ret->r.offset,
			    ret->r.symbol.size, true, &ret->r.frames,
			    &ret->r.nr_frames, &object);
	ret->object = object;
}

static void from_modsym(struct module_names *mn, const struct kmodule *m,
			const struct modsym *sym, uint64_t addr,
			struct sym_result *ret)
{
	ret->module = m->name;
	ret->r.address = addr;
	ret->r.symbol.name = sym->name;
	ret->r.symbol.addr = sym->value;
	ret->r.symbol.size = sym->size;
	ret->r.symbol.type = sym->type;
	ret->r.offset = addr - sym->value;
	ret->r.size = module_names_symbol_size(mn, m, sym);
}

/* addr in a module: its symbol, else the vmlinux's error stands. */
static bool module_address(struct address_arg_context *c, uint64_t addr,
			   struct sym_result *ret)
{
	struct module_names *mn = address_arg_modules(c);
	const struct kmodule *m = mn ? module_names_module_at(mn, addr) : NULL;
	const struct modsym *sym = m ? module_names_symbol(mn, m, addr) : NULL;
	if (!sym)
		return false;
	from_modsym(mn, m, sym, addr, ret);
	module_source(c, m, ret);
	return true;
}

/*
 * One argument: ADDRESS or NAME, then optionally +OFFSET or -OFFSET, then
 * optionally /SIZE (ignored: an oops' "panic+0x139/0x2b0" pastes as is).
 * A bare word of hex digits is a name if the vmlinux has such a symbol.
 */
static struct lkdb_error *lookup(struct address_arg_context *c, const char *arg,
				 struct sym_result *result)
{
	struct lkdb_session *s = c->s;
	struct symbolize_result *ret = &result->r;
	memset(result, 0, sizeof(*result));
	char *word = strdup(arg);
	if (!word)
		return &lkdb_error_oom;
	struct lkdb_error *err = NULL;
	uint64_t value;
	char *slash = strchr(word, '/');
	if (slash) {
		if (!address_arg_number(slash + 1, false, &value)) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"%s: bad size \"%s\" (expected NAME+OFFSET/SIZE)",
						arg, slash + 1);
			goto out;
		}
		*slash = '\0';
	}
	uint64_t delta;
	bool minus;
	char *op = strpbrk(word, "+-");
	if ((err = address_arg_offset(word, arg, &minus, &delta)))
		goto out;
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
	} else if (address_arg_all_hex(word)) {
		struct lkdb_error *miss = vmlinux_symbol_info(s->kernel.vmlinux, word,
							      &info);
		is_address = miss != NULL;
		lkdb_error_destroy(miss);
	}
	uint64_t addr;
	if (is_address) {
		if (!address_arg_number(word, true, &addr)) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"%s: bad address", arg);
			goto out;
		}
	} else {
		err = symbolize_name(s->kernel.vmlinux, s->kernel.kaslr_offset, word, ret);
		if (err && err->code == LKDB_ERROR_NOT_FOUND) {
			/* Not the vmlinux's: a loaded module's? */
			struct module_names *mn = address_arg_modules(c);
			const struct kmodule *m;
			const struct modsym *sym =
				mn ? module_names_find(mn, word, &m) : NULL;
			if (sym) {
				lkdb_error_destroy(err);
				err = NULL;
				symbolize_result_deinit(ret);
				memset(ret, 0, sizeof(*ret));
				from_modsym(mn, m, sym, sym->value, result);
				if (!op)
					module_source(c, m, result);
			}
		}
		if (!op)
			goto out;
		/* NAME+OFFSET is an address */
		addr = ret->address;
		symbolize_result_deinit(ret);
		memset(result, 0, sizeof(*result));
		if (err)
			goto out;
	}
	addr = minus ? addr - delta : addr + delta;
	err = symbolize_address(s->kernel.vmlinux, s->kernel.kaslr_offset, addr, ret);
	if (err && err->code == LKDB_ERROR_NOT_FOUND &&
	    addr >= SYMBOLIZE_MODULES_START && module_address(c, addr, result)) {
		lkdb_error_destroy(err);
		err = NULL;
	}
	/* the message names the address; say where it came from */
	if (err && (op || !is_address))
		err = lkdb_error_prefix(err, "%s", arg);
out:
	free(word);
	return err;
}

static void print_text(const struct sym_result *result)
{
	const struct symbolize_result *r = &result->r;
	char *name = symbolize_format(r->symbol.name, r->offset, r->size,
				      result->module);
	printf("%016" PRIx64 " (%c) %s", r->address, r->symbol.type,
	       name ? name : r->symbol.name);
	free(name);
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

static void print_json(const struct sym_result *result)
{
	const struct symbolize_result *r = &result->r;
	printf("{\"address\": \"0x%" PRIx64 "\", \"type\": \"%c\", \"name\": ",
	       r->address, r->symbol.type);
	json_write_string(stdout, r->symbol.name);
	fputs(", \"module\": ", stdout);
	json_string_or_null(result->module);
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

static struct lkdb_error *cmd_sym(struct lkdb_command_context *ctx)
{
	struct lkdb_session *s = ctx->session;
	if (ctx->argc < 2)
		return lkdb_usage(ctx);
	if (!s->kernel.vmlinux)
		return lkdb_error_create(LKDB_ERROR_INVALID, "no vmlinux");
	int n = ctx->argc - 1;
	struct sym_result *results = calloc(n, sizeof(*results));
	if (!results)
		return &lkdb_error_oom;
	struct address_arg_context c = { .s = s, .cmd = "sym" };
	struct lkdb_error *err = NULL;
	int done = 0;
	/* text goes out as it comes; JSON only when every lookup worked */
	for (; done < n; done++) {
		err = lookup(&c, ctx->argv[done + 1], &results[done]);
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
	for (int i = 0; i < done; i++) {
		symbolize_result_deinit(&results[i].r);
		free((char *)results[i].object);
	}
	free(results);
	address_arg_deinit(&c);
	fflush(stdout);
	return err;
}

const struct lkdb_command lkdb_command_sym = {
	.name = "sym",
	.handler = cmd_sym,
	.summary = "address to symbol+offset and source line, or symbol to address",
	.usage = "sym [--json] ADDRESS|NAME[+OFFSET]...\n"
		 "Symbolize each argument from the vmlinux itself (no gdb, no target\n"
		 "needed), one line each, like crash's sym:\n"
		 "  ffffffff81a01d99 (T) panic+0xe9/0x2f4 kernel/panic.c:331\n"
		 "address, nm's type letter (T/t text, D/d data, R/r read-only, B/b bss,\n"
		 "W/V weak; lower case: local), symbol+offset/size in hex (size as\n"
		 "kallsyms and the kernel's traces have it: up to the next symbol,\n"
		 "padding included), and the source line, relative to the kernel\n"
		 "source tree.  Code inlined from\n"
		 "other functions is followed by the inline chain, innermost first:\n"
		 "      inlined pde_read at fs/proc/inode.c:314\n"
		 "      in proc_reg_read at fs/proc/inode.c:326\n"
		 "ADDRESS is hex, 0x optional; NAME+OFFSET or ADDRESS-OFFSET (0x for\n"
		 "hex, else decimal) is an address too, and an oops' panic+0x139/0x2b0\n"
		 "pastes as is.  For a NAME the offset is 0 and the line is where the\n"
		 "function starts (data has no line).  Addresses are run-time\n"
		 "addresses (the target's KASLR offset is applied; 0 without a\n"
		 "target); per-CPU symbols show their offset, marked (per-CPU offset).\n"
		 "With a target, loaded modules' symbols are known too, from each\n"
		 "module's own symbol table: crashme_write+0x5/0xff [crashme].\n"
		 "  --json  an array of {address (hex string), type, name, module, offset,\n"
		 "          size, file, line, percpu, inlined: [{function, file, line,\n"
		 "          call_file, call_line}, ...]} (file and line null if unknown)",
	.man = ".BR sym \" \" \\fIADDRESS\\fR|\\fINAME\\fR...\n"
	       "An address as symbol+offset/size with its source line (and inline chain), or\n"
	       "a symbol's address.  The size is kallsyms' (up to the next symbol), as in the\n"
	       "kernel's own traces; \\fBbt\\fR names a frame by the call before its return\n"
	       "address, as the kernel's %pB does.\n",
	.flags = CMD_JSON | CMD_NO_GDB,
};
