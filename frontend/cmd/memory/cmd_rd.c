// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rd: crash's memory display: kernel virtual or physical memory as 8-,
 * 16-, 32- or 64-bit hex or decimal entries with their ASCII at the end
 * of each line, values as symbols (-s), or as a string (-a); crash's
 * layout, read in-process through the kernel handle.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "common/json.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/module_names.h"
#include "frontend/kernel/task_lookup.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/x86_64/pagewalk.h"

/* The most an unbounded -a string is read for (crash: to a non-printable). */
#define RD_ASCII_MAX 65536
/* The most entries one rd reads (2^24 lines of crash's output). */
#define RD_MAX_ENTRIES (1ULL << 26)
#define RD_ADDR_WIDTH 16
/* Bytes read and printed at a time (a whole number of lines). */
#define RD_CHUNK 65536
/* The most -a reads with a COUNT or -e (held whole: its lines run on). */
#define RD_STRING_MAX (1 << 20)

enum rd_radix { RD_HEX, RD_SIGNED, RD_UNSIGNED };

struct rd_options {
	unsigned int size;	/* bytes per entry; 0: -a */
	enum rd_radix radix;
	bool symbols;		/* -s */
	bool no_ascii;		/* -x */
	bool net_endian;	/* -N */
	bool physical;		/* -p */
	bool user;		/* -u */
	bool have_count;
	const char *end_arg;	/* -e */
	uint64_t offset, count;
};

struct rd_run {
	struct lkdb_command_context *ctx;
	const struct rd_options *o;
	struct kernel *k;
	struct address_arg_context names;
	FILE *out;
	bool first_json;
	/* -u: the context task's page tables. */
	uint64_t user_root;
	unsigned int user_levels;
};

static struct lkdb_error *read_mem(struct rd_run *r, uint64_t addr, void *buf,
				   size_t len)
{
	if (r->o->user)
		return x86_64_read_virtual(r->k, r->user_root, r->user_levels,
					   addr, buf, len);
	return r->o->physical ? kernel_read_phys(r->k, addr, buf, len) :
				r->k->memory.read(r->k->memory.context, addr,
						  buf, len);
}

static uint64_t get_le(const unsigned char *p, unsigned int size)
{
	uint64_t v = 0;
	for (unsigned int i = size; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static int format_entry(struct rd_run *r, uint64_t v, char *buf, size_t size)
{
	const struct rd_options *o = r->o;
	unsigned int bits = 8 * o->size;
	if (o->radix == RD_HEX && o->symbols) {
		char sym[256];
		if (address_arg_word_name(&r->names, v, sym, sizeof(sym)))
			return snprintf(buf, size, "%-16s ", sym);
	}
	if (o->radix == RD_HEX)
		return snprintf(buf, size, "%0*" PRIx64 " ", (int)(2 * o->size),
				v);
	/* crash's widths: 64-bit %15ld/%20lu, 32-bit %12d, 16 %5d, 8 %3d. */
	int width = bits == 64 ? (o->radix == RD_SIGNED ? 15 : 20) :
		    bits == 32 ? 12 : bits == 16 ? 5 : 3;
	if (o->radix == RD_SIGNED && bits >= 32) {
		int64_t sv = bits == 64 ? (int64_t)v : (int32_t)(uint32_t)v;
		return snprintf(buf, size, "%*" PRId64 " ", width, sv);
	}
	return snprintf(buf, size, "%*" PRIu64 " ", width, v);
}

/* Where crash starts the ASCII column, after the address and entries. */
static int ascii_column(unsigned int size)
{
	return RD_ADDR_WIDTH + (size == 8 ? 37 : size == 4 ? 39 :
				size == 2 ? 43 : 51);
}

static void json_entry(struct rd_run *r, uint64_t addr, uint64_t v)
{
	char sym[256];
	bool have = r->o->symbols && address_arg_word_name(&r->names, v, sym, sizeof(sym));
	fprintf(r->out, "%s{\"address\": \"0x%" PRIx64 "\", \"value\": %" PRIu64 ", \"symbol\": ",
		r->first_json ? "" : ",\n ", addr, v);
	r->first_json = false;
	if (have)
		json_write_string(r->out, sym);
	else
		fputs("null", r->out);
	fputs("}", r->out);
}

/* Entries of o->size bytes from data (n of them, at addr) in crash's lines. */
static void print_entries(struct rd_run *r, uint64_t addr,
			  const unsigned char *data, uint64_t n)
{
	const struct rd_options *o = r->o;
	unsigned int per_line = 16 / o->size;
	bool ascii = o->radix == RD_HEX && !o->symbols && !o->no_ascii;
	char line[512], chars[17];
	int len = 0, nchars = 0;
	for (uint64_t i = 0; i < n; i++) {
		const unsigned char *p = data + i * o->size;
		uint64_t v = get_le(p, o->size);
		if (o->net_endian && o->size == 4)
			v = __builtin_bswap32((uint32_t)v);
		else if (o->net_endian && o->size == 2)
			v = __builtin_bswap16((uint16_t)v);
		if (r->ctx->json) {
			json_entry(r, addr + i * o->size, v);
			continue;
		}
		if (i % per_line == 0) {
			len = snprintf(line, sizeof(line), "%*" PRIx64 ":  ",
				       RD_ADDR_WIDTH, addr + i * o->size);
			nchars = 0;
		}
		len += format_entry(r, v, line + len, sizeof(line) - len);
		for (unsigned int b = 0; b < o->size; b++)
			chars[nchars++] = p[b] >= 0x20 && p[b] < 0x7f ? p[b] : '.';
		if (i % per_line == per_line - 1 || i == n - 1) {
			chars[nchars] = '\0';
			if (ascii)
				fprintf(r->out, "%s%*s  %s\n", line,
					len < ascii_column(o->size) ?
						ascii_column(o->size) - len : 0,
					"", chars);
			else
				fprintf(r->out, "%s\n", line);
		}
	}
}

/*
 * -a: printable bytes 60 to a line; unbounded (no count), up to the first
 * byte that is not printable; with a count, such bytes are skipped and the
 * next printable one starts a new line.
 */
static void print_string(struct rd_run *r, uint64_t addr,
			 const unsigned char *data, uint64_t n, bool bounded)
{
	if (r->ctx->json) {
		uint64_t len = 0;
		while (len < n && isprint(data[len]))
			len++;
		fprintf(r->out, "{\"address\": \"0x%" PRIx64 "\", \"string\": ",
			addr);
		json_write_bytes(r->out, (const char *)data, len);
		fputs("}", r->out);
		return;
	}
	unsigned int on_line = 0;
	bool open = false;
	for (uint64_t i = 0; i < n; i++) {
		if (!isprint(data[i])) {
			if (!bounded)
				break;
			on_line = 0;
			continue;
		}
		if (on_line % 60 == 0) {
			if (open)
				fputs("\n", r->out);
			fprintf(r->out, "%*" PRIx64 ":  ", RD_ADDR_WIDTH,
				addr + i);
			open = true;
		}
		fputc(data[i], r->out);
		on_line++;
	}
	if (open)
		fputs("\n", r->out);
}

/*
 * Read up to len bytes at addr, a page at a time: *got_ret is how many
 * could be read before the first error, which is returned.
 */
static struct lkdb_error *read_range(struct rd_run *r, uint64_t addr,
				     unsigned char *buf, uint64_t len,
				     bool stop_at_nul, uint64_t *got_ret)
{
	uint64_t got = 0, page = kernel_page_size(r->k);
	struct lkdb_error *err = NULL;
	while (got < len) {
		uint64_t at = addr + got;
		uint64_t chunk = page - (at & (page - 1));
		if (chunk > len - got)
			chunk = len - got;
		err = read_mem(r, at, buf + got, chunk);
		if (err)
			break;
		got += chunk;
		if (stop_at_nul && memchr(buf + got - chunk, '\0', chunk))
			break;
	}
	*got_ret = got;
	return err;
}

static struct lkdb_error *parse_options(struct lkdb_command_context *ctx,
					struct rd_options *o,
					const char **addr_arg)
{
	o->size = 8;
	*addr_arg = NULL;
	const char *count_arg = NULL;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (a[0] != '-' || !a[1]) {
			if (!*addr_arg)
				*addr_arg = a;
			else if (!count_arg)
				count_arg = a;
			else
				return lkdb_usage_error(ctx, "unexpected argument \"%s\"",
							a);
			continue;
		}
		if (isdigit((unsigned char)a[1])) {
			unsigned long bits = strtoul(a + 1, NULL, 10);
			if (strcmp(a, "-8") && strcmp(a, "-16") &&
			    strcmp(a, "-32") && strcmp(a, "-64"))
				return lkdb_usage_error(ctx, "unknown option %s (sizes: -8, -16, -32, -64)",
							a);
			o->size = (unsigned int)bits / 8;
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			if (*c == 'o' || *c == 'e') {
				/* The value is the rest of this word, or the next. */
				const char *v = c[1] ? c + 1 : ctx->argv[++i];
				if (!v)
					return lkdb_usage_error(ctx, "-%c needs %s", *c,
								*c == 'e' ? "an end address" : "an offset");
				if (*c == 'e')
					o->end_arg = v;
				else if (!address_arg_number(v, false, &o->offset))
					return lkdb_usage_error(ctx, "-o needs an offset, not \"%s\"",
								v);
				break;
			}
			switch (*c) {
			case 'a': o->size = 0; break;
			case 's': o->symbols = true; break;
			case 'x': o->no_ascii = true; break;
			case 'd': o->radix = RD_SIGNED; break;
			case 'D': o->radix = RD_UNSIGNED; break;
			case 'N': o->net_endian = true; break;
			case 'p': o->physical = true; break;
			case 'u': o->user = true; break;
			default:
				return lkdb_usage_error(ctx, "unknown option -%c",
							*c);
			}
		}
	}
	if (!*addr_arg)
		return lkdb_usage(ctx);
	if (o->physical && o->user)
		return lkdb_usage_error(ctx, "-p and -u together");
	if (o->symbols && o->size != 8)
		return lkdb_usage_error(ctx, "-s is only allowed with 64-bit entries");
	if (o->size == 0 && (o->symbols || o->radix != RD_HEX))
		return lkdb_usage_error(ctx, "-a shows characters: not with -s, -d or -D");
	if (count_arg) {
		if (!address_arg_number(count_arg, false, &o->count) ||
		    !o->count || o->count > RD_MAX_ENTRIES)
			return lkdb_usage_error(ctx, "COUNT \"%s\" is not a number of entries from 1 to %llu",
						count_arg, RD_MAX_ENTRIES);
		o->have_count = true;
	}
	return NULL;
}

static struct lkdb_error *cmd_rd(struct lkdb_command_context *ctx)
{
	struct rd_options o = { 0 };
	const char *addr_arg;
	struct lkdb_error *err = parse_options(ctx, &o, &addr_arg);
	if (err)
		return err;
	struct rd_run r = {
		.ctx = ctx, .o = &o, .k = ctx->kernel,
		.names = { .s = ctx->session, .cmd = "rd" },
		.out = stdout, .first_json = true,
	};
	uint64_t addr;
	if (o.physical || o.user) {
		if (!address_arg_number(addr_arg, true, &addr))
			err = lkdb_usage_error(ctx, "-%c takes a %s address, not \"%s\"",
					       o.user ? 'u' : 'p',
					       o.user ? "user" : "physical",
					       addr_arg);
		if (!err && o.user)
			err = task_lookup_user_tables(ctx->session, "rd",
						      &r.user_root,
						      &r.user_levels);
	} else {
		err = address_arg_parse(&r.names, addr_arg, &addr);
	}
	if (err)
		goto out;
	addr += o.offset;
	if (!o.physical && (err = x86_64_check_canonical(r.k, addr)))
		goto out;
	if (o.user && addr >> 63) {
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"-u 0x%" PRIx64 " is a kernel address", addr);
		goto out;
	}
	unsigned int unit = o.size ? o.size : 1;
	uint64_t n = o.count, end = 0;
	if (!o.have_count && o.end_arg) {
		if ((o.physical || o.user) &&
		    !address_arg_number(o.end_arg, true, &end))
			err = lkdb_usage_error(ctx, "-e takes a %s address with -%c, not \"%s\"",
					       o.user ? "user" : "physical",
					       o.user ? 'u' : 'p', o.end_arg);
		else if (!o.physical && !o.user)
			err = address_arg_parse(&r.names, o.end_arg, &end);
		if (!err && end <= addr)
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"-e 0x%" PRIx64 " is not above the start 0x%" PRIx64,
						end, addr);
		if (err)
			goto out;
		n = (end - addr) / unit;
		if (!n)
			n = 1;
		if (n > RD_MAX_ENTRIES) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"0x%" PRIx64 "-0x%" PRIx64 " is more than %llu entries",
						addr, end, RD_MAX_ENTRIES);
			goto out;
		}
	} else if (!o.have_count) {
		n = o.size ? 1 : RD_ASCII_MAX;
	}
	if (!o.size && n > RD_STRING_MAX) {
		err = lkdb_usage_error(ctx, "-a reads at most %d bytes", RD_STRING_MAX);
		goto out;
	}
	/*
	 * Entries a chunk at a time, printed as read: memory stays bounded,
	 * and a Ctrl-C (the next read fails with it) or a closed pipe ends a
	 * long rd at once.  A chunk is a whole number of 16-byte lines.
	 */
	bool unbounded_string = !o.size && !o.have_count && !o.end_arg;
	uint64_t total = n * unit, done = 0;
	size_t chunk = o.size ? RD_CHUNK : (size_t)total;
	unsigned char *buf = malloc(chunk);
	if (!buf) {
		err = &lkdb_error_oom;
		goto out;
	}
	if (ctx->json)
		fputs(o.size ? "[" : "", stdout);
	while (done < total && !err) {
		uint64_t len = total - done < chunk ? total - done : chunk, got;
		err = read_range(&r, addr + done, buf, len, unbounded_string,
				 &got);
		/* A string ends where the memory does: no error after some of it. */
		if (err && unbounded_string && got) {
			lkdb_error_destroy(err);
			err = NULL;
		}
		if (o.size)
			print_entries(&r, addr + done, buf, got / unit);
		else
			print_string(&r, addr, buf, got, !unbounded_string);
		done += got;
		if (err && done)
			err = lkdb_error_prefix(err, "after %" PRIu64 " of %" PRIu64 " bytes",
						done, total);
		if (!o.size || ferror(stdout) || got < len)
			break;
	}
	if (ctx->json)
		fputs(o.size ? "]\n" : "\n", stdout);
	free(buf);
	fflush(stdout);
out:
	address_arg_deinit(&r.names);
	return err;
}

const struct lkdb_command lkdb_command_rd = {
	.name = "rd",
	.handler = cmd_rd,
	.summary = "read memory: hex, decimal, symbols or a string, crash's layout",
	.usage = "rd [-8|-16|-32|-64] [-a] [-s] [-x] [-d|-D] [-N] [-p|-u] [-o OFF] [-e END] [--json] ADDR|SYMBOL [COUNT]\n"
		 "COUNT entries (default 1) of kernel memory at ADDR (hex, 0x optional) or\n"
		 "SYMBOL[+OFF], as crash's rd shows them: 16 bytes a line, the address,\n"
		 "the entries, and their characters at the end of the line.  A read\n"
		 "that fails shows what came before it, then the error naming the address.\n"
		 "  -8 -16 -32 -64  entry size in bits (64)\n"
		 "  -a      a string: printable characters, 60 a line; without COUNT up to\n"
		 "          the first byte that is not printable\n"
		 "  -s      64-bit values that are kernel or module addresses as SYMBOL+OFF\n"
		 "  -x      no characters at the end of the line\n"
		 "  -d, -D  signed, unsigned decimal\n"
		 "  -N      32- and 16-bit entries in network (big-endian) order (the\n"
		 "          characters stay in memory order; crash swaps them too)\n"
		 "  -p      ADDR is physical (the dump's memory; live, through the kernel's\n"
		 "          direct map)\n"
		 "  -u      ADDR is a user address of the context task (task PID chooses\n"
		 "          it), read through its page tables\n"
		 "  -o OFF  add OFF to ADDR;  -e END  entries up to END (an address or\n"
		 "          SYMBOL[+OFF]) instead of COUNT\n"
		 "  --json  an array of {address (\"0x...\"), value, symbol (with -s, else\n"
		 "          null)}; with -a, an object {address, string}",
	.man = ".BR rd \" [\" \\-8 | \\-16 | \\-32 | \\-64 \"] [\" \\-a \"] [\" \\-s \"] [\" \\-x \"] [\" \\-d | \\-D \"] [\" \\-p | \\-u \"] [\" \\-o\n"
	       ".IR OFF \"] [\" \\-e\n"
	       ".IR END \"] \" ADDR | SYMBOL \" [\" COUNT ]\n"
	       "Memory as crash's rd shows it: entries of 8 to 64 bits in hex with their\n"
	       "characters, in decimal (\\-d, \\-D), as symbols (\\-s) or as a string (\\-a);\n"
	       "\\-p reads physical memory, \\-u the context task's user memory.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
};
