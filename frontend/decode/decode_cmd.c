// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lkdb decode: a kernel log on stdin, the same log on stdout with every
 * stack frame turned into source lines (kernel-helpers/decode/decode.c) and the
 * Code: line disassembled (kernel-helpers/x86_64/disasm.c).  No gdb, no target.
 */
#include "frontend/decode/decode_cmd.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/decode/decode.h"
#include "kernel-helpers/x86_64/disasm.h"
#include "common/json.h"
#include "kernel-helpers/log/logparse.h"
#include "frontend/terminal/output.h"

/* Kernel lines are at most 1 KiB; far longer ones are not log lines. */
#define MAX_PARSED_LINE 65536

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_START_FAILED = 2 };

static void print_usage(FILE *out)
{
	fputs(
"Usage: lkdb decode [OPTIONS] [VMLINUX] < LOG > DECODED\n"
"\n"
"Decodes a kernel log (console, dmesg, vmcore-dmesg.txt): every stack\n"
"frame func+0xoff/0xsize [module] becomes func (file:line ...) with the\n"
"chain of inlined calls, innermost first, as addr2line -i gives it; the\n"
"Code: line is disassembled with the faulting instruction marked; Rust and\n"
"C++ names are demangled.  Other lines pass through unchanged.  Without\n"
"VMLINUX frames are only demangled.  A frame whose size in the log differs\n"
"from the symbol's in VMLINUX (another build) is noted, not decoded.\n"
"\n"
"Options:\n"
"  -m, --modules DIR      search DIR for module object files (repeatable;\n"
"                         default: the module trees beside VMLINUX, then\n"
"                         /usr/lib/debug/lib/modules/R and /lib/modules/R)\n"
"      --json             one JSON object per input line\n"
"      --exact-addresses  look return addresses up as printed, not one\n"
"                         byte back at the call (decode_stacktrace.sh's way)\n"
"  -h, --help             show this help\n",
	      out);
}

struct decode_options {
	const char *vmlinux;
	const char **module_dirs;
	size_t nr_module_dirs;
	bool json;
	bool exact_addresses;
};

/* 0: go on; else the exit status (after --help, or a usage error). */
static int parse_options(int argc, char **argv, struct decode_options *o)
{
	static const struct option long_options[] = {
		{ "modules", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "exact-addresses", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof(*o));
	o->module_dirs = calloc(argc, sizeof(*o->module_dirs));
	if (!o->module_dirs) {
		fputs("lkdb: decode: out of memory\n", stderr);
		return EXIT_START_FAILED;
	}
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "m:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'm':
			o->module_dirs[o->nr_module_dirs++] = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'e':
			o->exact_addresses = true;
			break;
		case 'h':
			print_usage(stdout);
			return -1;
		default:
			if (optopt == 'm')
				fputs("lkdb: decode: --modules needs a directory\n",
				      stderr);
			else
				fprintf(stderr, "lkdb: decode: unknown option %s (see lkdb decode --help)\n",
					argv[optind - 1]);
			return EXIT_START_FAILED;
		}
	}
	if (optind < argc)
		o->vmlinux = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "lkdb: decode: unexpected argument \"%s\" (one VMLINUX; the log comes on stdin)\n",
			argv[optind]);
		return EXIT_START_FAILED;
	}
	return 0;
}

/* The line without its "\n" or "\r\n"; *eol_ret what was cut. */
static size_t content_length(const char *line, size_t len, size_t *eol_ret)
{
	size_t n = len;
	if (n && line[n - 1] == '\n')
		n--;
	if (n && line[n - 1] == '\r')
		n--;
	*eol_ret = len - n;
	return n;
}

static void write_source(FILE *out, const struct decode_result *r)
{
	for (size_t i = 0; i < r->nr_frames; i++) {
		const struct symbolize_frame *f = &r->frames[i];
		if (i)
			fputc(' ', out);
		fputs(f->file ? f->file : "??", out);
		if (f->line)
			fprintf(out, ":%u", f->line);
		else
			fputs(":?", out);
	}
}

/* The decoded text of a frame line, without its end of line. */
static void write_frame_text(FILE *out, const char *line, size_t len,
			     const struct logline *l,
			     const struct decode_result *r)
{
	const struct logline_span *sym = &l->symbol;
	fwrite(line, 1, sym->start, out);
	if (r->demangled)
		fputs(r->demangled, out);
	else
		fwrite(line + l->func.start, 1, l->func.len, out);
	if (r->nr_frames) {
		fputs(" (", out);
		write_source(out, r);
		fputc(')', out);
	} else {
		size_t rest = l->func.start + l->func.len;
		fwrite(line + rest, 1, sym->start + sym->len - rest, out);
	}
	fwrite(line + sym->start + sym->len, 1,
	       len - (sym->start + sym->len), out);
	if (r->note)
		fprintf(out, " (lkdb: %s)", r->note);
}

static const char *const kind_names[] = {
	[LOGLINE_OTHER] = "other", [LOGLINE_FRAME] = "frame",
	[LOGLINE_RIP] = "rip", [LOGLINE_CODE] = "code",
	[LOGLINE_MARKER] = "marker",
};

static void json_span(FILE *out, const char *key, const char *line,
		      struct logline_span s)
{
	if (!s.len)
		return;
	fprintf(out, ", \"%s\": ", key);
	json_write_bytes(out, line + s.start, s.len);
}

static void json_frame(FILE *out, const char *line, size_t len,
		       const struct logline *l, const struct decode_result *r)
{
	json_span(out, "function", line, l->func);
	if (r->demangled) {
		fputs(", \"demangled\": ", out);
		json_write_string(out, r->demangled);
	}
	if (l->has_offset)
		fprintf(out, ", \"offset\": \"0x%" PRIx64 "\"", l->offset);
	if (l->has_size)
		fprintf(out, ", \"size\": \"0x%" PRIx64 "\"", l->size);
	json_span(out, "module", line, l->module);
	json_span(out, "build_id", line, l->build_id);
	if (l->has_address)
		fprintf(out, ", \"printed_address\": \"0x%" PRIx64 "\"",
			l->address);
	fprintf(out, ", \"unreliable\": %s, \"truncated\": %s",
		l->unreliable ? "true" : "false",
		l->truncated ? "true" : "false");
	if (r->resolved) {
		fputs(", \"object\": ", out);
		json_write_string(out, r->object);
		fprintf(out, ", \"address\": \"0x%" PRIx64 "\"", r->address);
		fputs(", \"source\": [", out);
		for (size_t i = 0; i < r->nr_frames; i++) {
			const struct symbolize_frame *f = &r->frames[i];
			fputs(i ? ", {\"function\": " : "{\"function\": ", out);
			if (f->function)
				json_write_string(out, f->function);
			else
				fputs("null", out);
			fputs(", \"file\": ", out);
			if (f->file)
				json_write_string(out, f->file);
			else
				fputs("null", out);
			fprintf(out, ", \"line\": %u}", f->line);
		}
		fputs("]", out);
	}
	if (r->note) {
		fputs(", \"note\": ", out);
		json_write_string(out, r->note);
	}
	/* the text line, for tools that only want to show it */
	char *text = NULL;
	size_t text_len = 0;
	FILE *mem = open_memstream(&text, &text_len);
	if (mem) {
		write_frame_text(mem, line, len, l, r);
		if (!fclose(mem)) {
			fputs(", \"decoded\": ", out);
			json_write_bytes(out, text, text_len);
		}
	}
	free(text);
}

/* The Code: bytes of line (and its wrapped rest, if any). */
struct code_listing {
	struct disasm_insn *insns;
	size_t nr;
	uint8_t bytes[256];
	size_t nr_bytes;
	long marked;
};

static struct lkdb_error *disassemble(const char *text, size_t len,
				      struct code_listing *c)
{
	memset(c, 0, sizeof(*c));
	if (!logline_code_bytes(text, len, c->bytes, sizeof(c->bytes),
				&c->nr_bytes, &c->marked))
		return NULL;
	return disasm_code(c->bytes, c->nr_bytes, c->marked, &c->insns,
			   &c->nr);
}

static void write_insn_bytes(FILE *out, const struct code_listing *c,
			     const struct disasm_insn *insn, int width)
{
	int n = 0;
	for (size_t b = 0; b < insn->len && insn->offset + b < c->nr_bytes; b++)
		n += fprintf(out, "%s%02x", b ? " " : "",
			     c->bytes[insn->offset + b]);
	fprintf(out, "%*s", width - n > 0 ? width - n : 0, "");
}

static void text_code(FILE *out, const char *line, const struct logline *l,
		      const struct code_listing *c)
{
	for (size_t i = 0; i < c->nr; i++) {
		const struct disasm_insn *insn = &c->insns[i];
		fwrite(line, 1, l->body, out);
		fprintf(out, "  %4zx:%c ", insn->offset,
			insn->faulting ? '*' : ' ');
		write_insn_bytes(out, c, insn, 24);
		fprintf(out, " %s%s\n", insn->text,
			insn->faulting ? "\t<-- trapping instruction" : "");
	}
}

static void json_code(FILE *out, const struct code_listing *c)
{
	if (c->marked >= 0)
		fprintf(out, ", \"faulting_byte\": %ld", c->marked);
	fputs(", \"instructions\": [", out);
	for (size_t i = 0; i < c->nr; i++) {
		const struct disasm_insn *insn = &c->insns[i];
		fprintf(out, "%s{\"offset\": %zu, \"bytes\": \"", i ? ", " : "",
			insn->offset);
		write_insn_bytes(out, c, insn, 0);
		fputs("\", \"text\": ", out);
		json_write_string(out, insn->text);
		fprintf(out, ", \"faulting\": %s}",
			insn->faulting ? "true" : "false");
	}
	fputs("]", out);
}

struct reader {
	FILE *in;
	char *line[2];
	size_t cap[2];
	ssize_t len[2];
	int cur;
	bool have_next;
};

/* The next line into r->line[r->cur]; false at the end of input. */
static bool next_line(struct reader *r)
{
	if (r->have_next) {
		r->cur ^= 1;
		r->have_next = false;
		return true;
	}
	r->len[r->cur] = getline(&r->line[r->cur], &r->cap[r->cur], r->in);
	return r->len[r->cur] >= 0;
}

/* The line after the current one, read ahead; NULL at the end. */
static const char *peek_line(struct reader *r, size_t *len_ret)
{
	int other = r->cur ^ 1;
	if (!r->have_next) {
		r->len[other] = getline(&r->line[other], &r->cap[other], r->in);
		if (r->len[other] < 0)
			return NULL;
		r->have_next = true;
	}
	*len_ret = r->len[other];
	return r->line[other];
}

static void print_warnings(struct decoder *d)
{
	char **warnings;
	size_t n;
	decoder_take_warnings(d, &warnings, &n);
	for (size_t i = 0; i < n; i++)
		lkdb_warn("decode", "%s", warnings[i]);
	lkdb_warnings_free(warnings, n);
}

/* One line (and a Code: line's wrapped rest); errors are OOM only. */
static struct lkdb_error *decode_line(struct decoder *d, struct reader *rd,
				      const struct decode_options *o,
				      FILE *out)
{
	const char *line = rd->line[rd->cur];
	size_t eol, len = content_length(line, rd->len[rd->cur], &eol);
	struct logline l;
	if (len <= MAX_PARSED_LINE)
		logline_parse(line, len, &l);
	else
		memset(&l, 0, sizeof(l));

	struct decode_result r;
	struct lkdb_error *err = decoder_frame(d, line, &l, &r);
	if (err)
		return err;
	struct code_listing code = { .marked = -1 };
	char *joined = NULL;
	size_t wrapped_len = 0, wrapped_eol = 0;
	if (l.kind == LOGLINE_CODE) {
		const char *text = line + l.text.start;
		size_t text_len = l.text.len;
		size_t next_len;
		const char *next = peek_line(rd, &next_len);
		if (next && next_len <= MAX_PARSED_LINE &&
		    logline_code_continuation(next, next_len)) {
			/* wrapped at the console width, maybe mid-byte */
			wrapped_len = content_length(next, next_len,
						     &wrapped_eol);
			if (asprintf(&joined, "%.*s%.*s", (int)text_len, text,
				     (int)wrapped_len, next) < 0) {
				decode_result_deinit(&r);
				return &lkdb_error_oom;
			}
			text = joined;
			text_len = strlen(joined);
		}
		err = disassemble(text, text_len, &code);
		if (err && err->code == LKDB_ERROR_NOT_FOUND) {
			static bool told;
			if (!told)
				lkdb_warn("decode", "%s; Code: lines are not disassembled",
					err->message);
			told = true;
			lkdb_error_destroy(err);
			err = NULL;
		}
	}
	if (err) {
		free(joined);
		decode_result_deinit(&r);
		return err;
	}

	if (o->json) {
		fputs("{\"line\": ", out);
		json_write_bytes(out, line, len);
		fprintf(out, ", \"kind\": \"%s\"", kind_names[l.kind]);
		json_span(out, "timestamp", line, l.timestamp);
		json_span(out, "caller", line, l.caller);
		if (l.kind == LOGLINE_FRAME || l.kind == LOGLINE_RIP)
			json_frame(out, line, len, &l, &r);
		else if (l.kind == LOGLINE_MARKER)
			json_span(out, "marker", line, l.text);
		if (l.kind == LOGLINE_CODE) {
			if (joined) {
				fputs(", \"wrapped\": ", out);
				json_write_string(out, joined);
			}
			json_code(out, &code);
		}
		fputs("}\n", out);
	} else {
		if ((l.kind == LOGLINE_FRAME || l.kind == LOGLINE_RIP) &&
		    l.func.len)
			write_frame_text(out, line, len, &l, &r);
		else
			fwrite(line, 1, len, out);
		fwrite(line + len, 1, eol, out);
		if (!eol && (joined || code.nr))
			fputc('\n', out);
	}
	if (joined) {
		/* the wrapped rest is consumed with its line */
		next_line(rd);
		if (!o->json) {
			fwrite(rd->line[rd->cur], 1, rd->len[rd->cur], out);
			if (!wrapped_eol && code.nr)
				fputc('\n', out);
		}
	}
	if (!o->json)
		text_code(out, line, &l, &code);
	disasm_free(code.insns, code.nr);
	free(joined);
	decode_result_deinit(&r);
	print_warnings(d);
	return NULL;
}

int lkdb_decode_main(int argc, char **argv)
{
	struct decode_options o;
	int status = parse_options(argc, argv, &o);
	if (status) {
		free(o.module_dirs);
		return status < 0 ? EXIT_OK : status;
	}
	struct decoder_options dopts = {
		.vmlinux = o.vmlinux,
		.module_dirs = o.module_dirs,
		.nr_module_dirs = o.nr_module_dirs,
		.exact_addresses = o.exact_addresses,
	};
	struct decoder *d;
	struct lkdb_error *err = decoder_create(&dopts, &d);
	if (err) {
		fprintf(stderr, "lkdb: decode: %s\n", err->message);
		lkdb_error_destroy(err);
		free(o.module_dirs);
		return EXIT_START_FAILED;
	}
	struct reader rd = { .in = stdin };
	while (!err && next_line(&rd))
		err = decode_line(d, &rd, &o, stdout);
	status = EXIT_OK;
	if (err) {
		fprintf(stderr, "lkdb: decode: %s\n", err->message);
		lkdb_error_destroy(err);
		status = EXIT_FAILED;
	} else if (ferror(stdin)) {
		perror("lkdb: decode: reading stdin");
		status = EXIT_FAILED;
	}
	if (fflush(stdout) || ferror(stdout)) {
		perror("lkdb: decode: writing stdout");
		status = EXIT_FAILED;
	}
	free(rd.line[0]);
	free(rd.line[1]);
	decoder_destroy(d);
	free(o.module_dirs);
	return status;
}
