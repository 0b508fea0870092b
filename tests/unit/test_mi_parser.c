// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tests for the GDB/MI output parser.  argv[1] is tests/data/mi: real gdb 13
 * transcripts (gdb13-*.mi, see capture/capture.sh) and hand-written files.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mi/mi_parser.h"
#include "tap.h"

static const char *data_dir;

/*
 * Allocation failure injection.  The test links with -Wl,--wrap for malloc,
 * calloc and realloc, which reroutes the calls made by the statically linked
 * parser (and by this file) through here; libc's own allocations and the
 * sanitizers are unaffected.  fail_countdown >= 0 fails the allocation that
 * many calls ahead, once.
 */
static long fail_countdown = -1;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

static bool inject_failure(void)
{
	if (fail_countdown < 0)
		return false;
	return fail_countdown-- == 0;
}

void *__wrap_malloc(size_t size)
{
	return inject_failure() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return inject_failure() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return inject_failure() ? NULL : __real_realloc(p, size);
}

/* ---- helpers ---------------------------------------------------------- */

struct records {
	struct mi_output **v;
	size_t n, cap;
};

static void collect(void *context, struct mi_output *out)
{
	struct records *r = context;

	if (r->n == r->cap) {
		/* Not subject to failure injection. */
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = __real_realloc(r->v, r->cap * sizeof(*r->v));
		if (!r->v)
			abort();
	}
	r->v[r->n++] = out;
}

static void records_free(struct records *r)
{
	for (size_t i = 0; i < r->n; i++)
		mi_output_destroy(r->v[i]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static struct mi_parser *parser_new(struct records *r)
{
	struct mi_parser_callbacks cb = { .context = r, .output = collect };
	struct mi_parser *parser = NULL;

	if (mi_parser_create(&cb, &parser))
		abort();
	return parser;
}

static void push(struct mi_parser *parser, const char *data, size_t len)
{
	if (mi_parser_push(parser, data, len))
		abort();
}

/* Chunk sizes: 0 = whole buffer, CHUNK_RANDOM = random from seed, mostly
 * shorter than a line, sometimes spanning several. */
#define CHUNK_RANDOM SIZE_MAX

static struct records parse_chunked(const char *data, size_t len,
				    size_t chunk, unsigned int seed)
{
	struct records r = { 0 };
	struct mi_parser *parser = parser_new(&r);

	srand(seed);
	for (size_t pos = 0; pos < len;) {
		size_t n = chunk == 0 ? len :
			   chunk == CHUNK_RANDOM ?
				1 + (size_t)rand() % (rand() % 4 ? 64 : 1024) :
			   chunk;

		if (n > len - pos)
			n = len - pos;
		push(parser, data + pos, n);
		pos += n;
	}
	mi_parser_destroy(parser);
	return r;
}

static struct records parse_string(const char *s)
{
	return parse_chunked(s, strlen(s), 0, 0);
}

static bool records_equal(const struct records *a, const struct records *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		if (!mi_output_equal(a->v[i], b->v[i])) {
			printf("#   record %zu differs: \"%s\"\n", i,
			       a->v[i]->line);
			return false;
		}
	}
	return true;
}

static char *read_data(const char *name, size_t *len_ret)
{
	char path[4096];
	FILE *f;
	char *data;
	long len;

	snprintf(path, sizeof(path), "%s/%s", data_dir, name);
	f = fopen(path, "rb");
	if (!f) {
		printf("# cannot open %s\n", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	data = malloc((size_t)len + 1);
	if (!data || fread(data, 1, (size_t)len, f) != (size_t)len)
		abort();
	data[len] = '\0';
	fclose(f);
	*len_ret = (size_t)len;
	return data;
}

static struct records parse_file(const char *name)
{
	size_t len;
	char *data = read_data(name, &len);
	struct records r = { 0 };

	if (data) {
		r = parse_chunked(data, len, 0, 0);
		free(data);
	}
	return r;
}

/* The .mi files in the data directory, sorted, NULL terminated. */
static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **data_files(size_t *count)
{
	DIR *dir = opendir(data_dir);
	struct dirent *entry;
	char **names = calloc(256, sizeof(*names));
	size_t n = 0;

	if (!dir || !names)
		abort();
	while ((entry = readdir(dir)) && n < 255) {
		size_t len = strlen(entry->d_name);

		if (len > 3 && strcmp(entry->d_name + len - 3, ".mi") == 0)
			names[n++] = strdup(entry->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), compare_names);
	*count = n;
	return names;
}

static void free_names(char **names)
{
	for (size_t i = 0; names[i]; i++)
		free(names[i]);
	free(names);
}

/* The first record of kind (and class, if not NULL) at or after *i. */
static const struct mi_output *next_record(const struct records *r,
					   size_t *i, enum mi_output_kind kind,
					   const char *class)
{
	for (; *i < r->n; (*i)++) {
		const struct mi_output *out = r->v[*i];

		if (out->kind == kind && (!class ||
		    (out->async_class && strcmp(out->async_class, class) == 0)))
			return r->v[(*i)++];
	}
	return NULL;
}

static const struct mi_output *find_token(const struct records *r,
					  unsigned long long token)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i]->has_token && r->v[i]->token == token &&
		    r->v[i]->kind == MI_OUTPUT_RESULT)
			return r->v[i];
	}
	return NULL;
}

static size_t count_values(const struct mi_value *v)
{
	size_t n = 0;

	for (; v; v = v->next)
		n++;
	return n;
}

/* The children of the result named name, or NULL. */
static const struct mi_value *children(const struct mi_value *first,
				       const char *name)
{
	const struct mi_value *v = mi_value_find(first, name);

	return v ? v->children : NULL;
}

/* ---- real gdb transcripts --------------------------------------------- */

/* Every line of a gdb transcript is one record, none is an error. */
TEST(transcripts_parse_cleanly)
{
	size_t count, checked = 0;
	char **names = data_files(&count);

	for (size_t f = 0; f < count; f++) {
		if (strncmp(names[f], "gdb", 3) != 0)
			continue;

		size_t len, lines = 0;
		char *data = read_data(names[f], &len);
		struct records r;
		char *line, *save;

		CHECK(data != NULL);
		if (!data)
			continue;
		r = parse_chunked(data, len, 0, 0);
		for (line = strtok_r(data, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			CHECK(lines < r.n);
			if (lines < r.n)
				CHECK_STR(r.v[lines]->line, line);
			if (lines < r.n &&
			    r.v[lines]->kind == MI_OUTPUT_PARSE_ERROR) {
				printf("# %s:%zu: %s at column %zu\n",
				       names[f], lines + 1,
				       r.v[lines]->error_message,
				       r.v[lines]->error_column);
				CHECK(0);
			}
			lines++;
		}
		CHECK(lines == r.n);
		CHECK(lines > 40);
		records_free(&r);
		free(data);
		checked++;
	}
	CHECK(checked == 3);
	free_names(names);
}

/* Whole, byte by byte, random chunks and CRLF give the same records. */
TEST(chunking_is_invisible)
{
	size_t count;
	char **names = data_files(&count);

	CHECK(count >= 6);
	for (size_t f = 0; f < count; f++) {
		size_t len, crlf_len = 0;
		char *data = read_data(names[f], &len);
		char *crlf = malloc(2 * len + 1);
		struct records whole, other;

		CHECK(data && crlf);
		if (!data || !crlf)
			continue;
		for (size_t i = 0; i < len; i++) {
			if (data[i] == '\n')
				crlf[crlf_len++] = '\r';
			crlf[crlf_len++] = data[i];
		}

		whole = parse_chunked(data, len, 0, 0);
		CHECK(whole.n > 0);

		other = parse_chunked(data, len, 1, 0);
		CHECK(records_equal(&whole, &other));
		records_free(&other);
		for (unsigned int seed = 1; seed <= 5; seed++) {
			other = parse_chunked(data, len, CHUNK_RANDOM, seed);
			CHECK(records_equal(&whole, &other));
			records_free(&other);
		}
		other = parse_chunked(crlf, crlf_len, 0, 0);
		CHECK(records_equal(&whole, &other));
		records_free(&other);
		other = parse_chunked(crlf, crlf_len, 1, 0);
		CHECK(records_equal(&whole, &other));
		records_free(&other);
		other = parse_chunked(crlf, crlf_len, CHUNK_RANDOM, 42);
		CHECK(records_equal(&whole, &other));
		records_free(&other);

		records_free(&whole);
		free(data);
		free(crlf);
	}
	free_names(names);
}

/* The small hand-written files, cut in two at every offset. */
TEST(every_split_point)
{
	static const char *const files[] = {
		"malformed.mi", "escapes.mi", "structures.mi",
	};

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t len;
		char *data = read_data(files[f], &len);
		struct records whole;

		CHECK(data != NULL);
		if (!data)
			continue;
		whole = parse_chunked(data, len, 0, 0);
		for (size_t cut = 0; cut <= len; cut++) {
			struct records r = { 0 };
			struct mi_parser *parser = parser_new(&r);

			push(parser, data, cut);
			push(parser, data + cut, len - cut);
			mi_parser_destroy(parser);
			if (!records_equal(&whole, &r)) {
				printf("# %s: cut at %zu\n", files[f], cut);
				CHECK(0);
			}
			records_free(&r);
		}
		records_free(&whole);
		free(data);
	}
}

TEST(break_transcript_values)
{
	struct records r = parse_file("gdb13-break.mi");
	const struct mi_output *out;
	const struct mi_value *v, *frame;
	size_t i = 0;

	CHECK(r.n > 0);
	if (!r.n)
		return;

	/* =thread-group-added,id="i1" opens every session. */
	out = r.v[0];
	CHECK(out->kind == MI_OUTPUT_NOTIFY_ASYNC);
	CHECK(!out->has_token);
	CHECK_STR(out->async_class, "thread-group-added");
	CHECK_STR(mi_value_string(out->results, "id"), "i1");
	CHECK(r.v[1]->kind == MI_OUTPUT_CONSOLE);
	CHECK_STR(r.v[1]->text, "Reading symbols from ./prog...\n");
	CHECK(r.v[2]->kind == MI_OUTPUT_PROMPT);
	CHECK_STR(r.v[2]->line, "(gdb) ");

	/* 1^done,bkpt={...,thread-groups=["i1"],...} */
	out = find_token(&r, 1);
	CHECK(out && out->result_class == MI_CLASS_DONE);
	if (out) {
		CHECK_STR(out->async_class, "done");
		v = mi_value_find(out->results, "bkpt");
		CHECK(v && v->kind == MI_VALUE_TUPLE);
		CHECK_STR(mi_value_string(children(out->results, "bkpt"),
					  "func"), "main");
		v = mi_value_find(children(out->results, "bkpt"),
				  "thread-groups");
		CHECK(v && v->kind == MI_VALUE_LIST);
		CHECK(v && v->children && !v->children->name &&
		      v->children->kind == MI_VALUE_CONST);
		CHECK_STR(v ? v->children->cstring : NULL, "i1");
	}

	/* The first *stopped: breakpoint 1 in main, args=[]. */
	out = next_record(&r, &i, MI_OUTPUT_EXEC_ASYNC, "stopped");
	CHECK(out != NULL);
	if (out) {
		CHECK_STR(mi_value_string(out->results, "reason"),
			  "breakpoint-hit");
		frame = children(out->results, "frame");
		CHECK_STR(mi_value_string(frame, "func"), "main");
		v = mi_value_find(frame, "args");
		CHECK(v && v->kind == MI_VALUE_LIST && !v->children);
	}

	/* 3^done,stack=[frame={...}]: results inside a list. */
	out = find_token(&r, 3);
	CHECK(out != NULL);
	if (out) {
		v = mi_value_find(out->results, "stack");
		CHECK(v && v->kind == MI_VALUE_LIST);
		CHECK(v && count_values(v->children) == 1);
		CHECK_STR(v && v->children ? v->children->name : NULL,
			  "frame");
	}

	/* The second *stopped: in leaf, tag with octal-escaped UTF-8. */
	out = next_record(&r, &i, MI_OUTPUT_EXEC_ASYNC, "stopped");
	CHECK(out != NULL);
	if (out) {
		frame = children(out->results, "frame");
		CHECK_STR(mi_value_string(frame, "func"), "leaf");
		v = children(frame, "args");
		CHECK(count_values(v) == 2);
		CHECK_STR(mi_value_string(v ? v->children : NULL, "name"),
			  "depth");
		CHECK_STR(mi_value_string(v ? v->next->children : NULL,
					  "value"),
			  "0x555555556013 \"caf\xc3\xa9 \xc2\xa0nbsp "
			  "\\\"quoted\\\"\"");
	}

	/* bt through the console: &"bt\n" then ~ lines with escapes. */
	out = next_record(&r, &i, MI_OUTPUT_LOG, NULL);
	CHECK(out && out->text_len == 3);
	CHECK_STR(out ? out->text : NULL, "bt\n");
	out = next_record(&r, &i, MI_OUTPUT_CONSOLE, NULL);
	CHECK_STR(out ? out->text : NULL,
		  "#0  leaf (depth=5, tag=0x555555556013 \"caf\xc3\xa9 "
		  "\xc2\xa0nbsp \\\"quoted\\\"\") at prog.c:17\n");

	/* 4^done: three frames. */
	out = find_token(&r, 4);
	CHECK(out && count_values(children(out->results, "stack")) == 3);
	if (out) {
		v = children(out->results, "stack");
		CHECK_STR(mi_value_string(v->next->next->children, "func"),
			  "main");
	}

	/* 5^done,memory=[{begin=...,contents="00011b7fc3a90a00"}] */
	out = find_token(&r, 5);
	CHECK(out != NULL);
	if (out) {
		v = children(out->results, "memory");
		CHECK(v && v->kind == MI_VALUE_TUPLE && !v->name);
		CHECK_STR(mi_value_string(v ? v->children : NULL,
					  "contents"), "00011b7fc3a90a00");
	}

	/* 6^error,msg=...,code="undefined-command" */
	out = find_token(&r, 6);
	CHECK(out && out->result_class == MI_CLASS_ERROR);
	CHECK_STR(out ? out->async_class : NULL, "error");
	CHECK_STR(out ? mi_value_string(out->results, "msg") : NULL,
		  "Undefined MI command: this-command-does-not-exist");
	CHECK_STR(out ? mi_value_string(out->results, "code") : NULL,
		  "undefined-command");

	/* print "tab\tnew..." echoes the escapes back, escaped twice. */
	i = 0;
	while ((out = next_record(&r, &i, MI_OUTPUT_CONSOLE, NULL))) {
		if (strncmp(out->text, "$1 = ", 5) == 0)
			break;
	}
	CHECK_STR(out ? out->text : NULL,
		  "$1 = \"tab\\tnew\\nline\\033esc\\a\\b\\f\\v\"\n");

	/* echo hello\tworld\n: a real tab and newline. */
	i = 0;
	while ((out = next_record(&r, &i, MI_OUTPUT_CONSOLE, NULL))) {
		if (strncmp(out->text, "hello", 5) == 0)
			break;
	}
	CHECK_STR(out ? out->text : NULL, "hello\tworld\n");

	/* -break-list: body=[bkpt={...},bkpt={...}] inside a tuple. */
	i = 0;
	for (out = NULL; i < r.n; i++) {
		if (mi_value_find(r.v[i]->results, "BreakpointTable")) {
			out = r.v[i];
			break;
		}
	}
	CHECK(out != NULL);
	if (out) {
		v = children(out->results, "BreakpointTable");
		CHECK_STR(mi_value_string(v, "nr_rows"), "2");
		CHECK(count_values(children(v, "hdr")) == 6);
		v = children(v, "body");
		CHECK(count_values(v) == 2);
		CHECK_STR(v ? v->name : NULL, "bkpt");
		CHECK_STR(v ? mi_value_string(v->next->children, "func") :
			  NULL, "leaf");
	}

	/* The session ends with ^exit. */
	CHECK(r.v[r.n - 1]->result_class == MI_CLASS_EXIT);
	records_free(&r);
}

TEST(varobj_transcript_values)
{
	struct records r = parse_file("gdb13-varobj.mi");
	const struct mi_output *out;
	const struct mi_value *v;
	size_t i;

	/* -data-disassemble mode 5: lists of results holding lists. */
	for (i = 0, out = NULL; i < r.n; i++) {
		v = mi_value_find(r.v[i]->results, "asm_insns");
		if (v && v->children && v->children->name) {
			out = r.v[i];
			break;
		}
	}
	CHECK(out != NULL);
	if (out) {
		v = children(out->results, "asm_insns");
		CHECK(count_values(v) == 3);
		CHECK_STR(v ? v->name : NULL, "src_and_asm_line");
		CHECK_STR(mi_value_string(v ? v->children : NULL, "line"),
			  "23");
		v = children(v ? v->next->children : NULL, "line_asm_insn");
		CHECK(count_values(v) == 6);
		CHECK_STR(mi_value_string(v ? v->children : NULL, "opcodes"),
			  "8b 45 fc");
	}

	/* 7^done,register-names=["rax","rbx","rcx"] */
	out = find_token(&r, 7);
	CHECK(out != NULL);
	if (out) {
		v = children(out->results, "register-names");
		CHECK(count_values(v) == 3);
		CHECK_STR(v ? v->next->next->cstring : NULL, "rcx");
	}

	/* -var-list-children: children=[child={...},...] */
	for (i = 0, out = NULL; i < r.n; i++) {
		if (mi_value_find(r.v[i]->results, "children")) {
			out = r.v[i];
			break;
		}
	}
	CHECK(out != NULL);
	if (out) {
		v = children(out->results, "children");
		CHECK_STR(v ? v->name : NULL, "child");
		CHECK_STR(mi_value_string(v ? v->children : NULL, "value"),
			  "0x555555556029 \"tri\"");
	}

	/* -symbol-info-functions: a tuple of lists of tuples of lists. */
	for (i = 0, out = NULL; i < r.n; i++) {
		if (mi_value_find(r.v[i]->results, "symbols")) {
			out = r.v[i];
			break;
		}
	}
	CHECK(out != NULL);
	if (out) {
		v = children(children(out->results, "symbols"), "debug");
		CHECK(count_values(v) == 2);
		v = children(v ? v->next->children : NULL, "symbols");
		CHECK_STR(mi_value_string(v ? v->children : NULL,
					  "description"),
			  "static int leaf(int, const char *);");
	}

	/* "Saved registers:\n " - a console line ending in a space. */
	i = 0;
	while ((out = next_record(&r, &i, MI_OUTPUT_CONSOLE, NULL))) {
		if (strncmp(out->text, " Saved", 6) == 0)
			break;
	}
	CHECK_STR(out ? out->text : NULL, " Saved registers:\n ");
	records_free(&r);
}

TEST(async_transcript_values)
{
	struct records r = parse_file("gdb13-async.mi");
	const struct mi_output *out;
	const struct mi_value *v;
	size_t i;

	for (i = 0, out = NULL; i < r.n; i++) {
		if (mi_value_find(r.v[i]->results, "features")) {
			out = r.v[i];
			break;
		}
	}
	CHECK(out != NULL);
	if (out) {
		v = children(out->results, "features");
		CHECK(count_values(v) > 5);
		CHECK_STR(v ? v->cstring : NULL, "frozen-varobjs");
	}
	i = 0;
	out = next_record(&r, &i, MI_OUTPUT_RESULT, "done");
	CHECK(out && !out->results && !out->has_token);
	i = 0;
	out = next_record(&r, &i, MI_OUTPUT_EXEC_ASYNC, "running");
	CHECK_STR(out ? mi_value_string(out->results, "thread-id") : NULL,
		  "all");
	/* Stopped in worker, in the second thread. */
	out = next_record(&r, &i, MI_OUTPUT_EXEC_ASYNC, "stopped");
	CHECK_STR(out ? mi_value_string(out->results, "thread-id") : NULL,
		  "2");
	CHECK_STR(out ? mi_value_string(children(out->results, "frame"),
					"func") : NULL, "worker");
	out = next_record(&r, &i, MI_OUTPUT_RESULT, "exit");
	CHECK(out && out->result_class == MI_CLASS_EXIT);
	records_free(&r);
}

/* ---- hand-written data ------------------------------------------------ */

TEST(malformed_lines)
{
	static const struct {
		const char *line;	/* NULL: a good line */
		size_t column;
		const char *token;
		const char *message;
	} expect[] = {
		{ NULL, 0, NULL, NULL },
		{ "garbage line here", 1, "garbage",
		  "expected one of ^ * + = ~ @ & or \"(gdb)\"" },
		{ NULL, 0, NULL, NULL },
		{ "^done,value=\"unterminated", 13, "\"unterminated",
		  "unterminated c-string" },
		{ NULL, 0, NULL, NULL },
		{ "^done,a=\"1\"xyz", 12, "xyz",
		  "expected ',' or end of line" },
		{ "^done,foo", 10, "", "expected '=' after variable name" },
		{ "^done,foo:\"1\"", 10, ":",
		  "expected '=' after variable name" },
		{ "^bogus,a=\"1\"", 2, "bogus", "unknown result class" },
		{ "123456789012345678901234567890^done", 1,
		  "123456789012345678901234567890", "token out of range" },
		{ "12~\"stream with token\"", 3, "~",
		  "token before a record that takes none" },
		{ "~\"bad \\q escape\"", 7, "\\q", "invalid escape sequence" },
		{ "~\"octal \\777 too big\"", 9, "\\777",
		  "invalid escape sequence" },
		{ "^done,a={b=\"1\"", 15, "", "expected ',' or '}' in tuple" },
		{ "^done,a=[\"1\",b=\"2\"]", 14, "b",
		  "expected value: c-string, tuple or list" },
		{ "^done,a=[b=\"1\",\"2\"]", 16, "\"",
		  "expected variable name" },
		{ "*", 2, "", "expected async class" },
		{ "^", 2, "", "expected result class" },
		{ "^done,,a=\"1\"", 7, ",", "expected variable name" },
		{ "~\"trailing\"junk", 12, "junk",
		  "unexpected text after c-string" },
		{ "(gdb)x", 6, "x", "unexpected text after prompt" },
		{ "(gd", 1, "(gd", "expected \"(gdb)\"" },
		{ "42", 3, "", "expected record type after token" },
		{ "^done,a={b=\"1\",}", 16, "}", "expected variable name" },
		{ "&no-quote", 2, "no-quote", "expected c-string" },
		{ "{\"1\"}", 1, "{",
		  "expected one of ^ * + = ~ @ & or \"(gdb)\"" },
		{ "~\"this c-string runs on past the end of the line "
		  "without a quote", 2, "\"this c-string runs on past the ",
		  "unterminated c-string" },
		{ NULL, 0, NULL, NULL },
		{ NULL, 0, NULL, NULL },
	};
	size_t n = sizeof(expect) / sizeof(expect[0]);
	struct records r = parse_file("malformed.mi");

	CHECK(r.n == n);
	for (size_t i = 0; i < n && i < r.n; i++) {
		const struct mi_output *out = r.v[i];

		if (!expect[i].line) {
			CHECK(out->kind != MI_OUTPUT_PARSE_ERROR);
			CHECK(!out->error_message && !out->error_token);
			continue;
		}
		CHECK(out->kind == MI_OUTPUT_PARSE_ERROR);
		CHECK_STR(out->line, expect[i].line);
		CHECK_STR(out->error_token, expect[i].token);
		CHECK_STR(out->error_message, expect[i].message);
		if (out->error_column != expect[i].column) {
			printf("#   line %zu: column %zu, expected %zu\n",
			       i + 1, out->error_column, expect[i].column);
			CHECK(0);
		}
		CHECK(!out->results && !out->text && !out->async_class);
		CHECK(out->result_class == MI_CLASS_NONE);
	}
	if (r.n == n) {
		/* Good lines between bad ones are intact. */
		CHECK_STR(mi_value_string(r.v[2]->results, "value"), "1");
		CHECK(r.v[4]->kind == MI_OUTPUT_CONSOLE);
		CHECK_STR(r.v[4]->text, "ok");
		CHECK_STR(r.v[27]->async_class, "stopped");
		CHECK(r.v[28]->kind == MI_OUTPUT_PROMPT);
		/* A valid token survives the error; an overflowing one not. */
		CHECK(r.v[10]->has_token && r.v[10]->token == 12);
		CHECK(r.v[22]->has_token && r.v[22]->token == 42);
		CHECK(!r.v[9]->has_token);
		CHECK(!r.v[1]->has_token);
	}
	records_free(&r);
}

TEST(escapes)
{
	struct records r = parse_file("escapes.mi");
	static const char all[] = "newline\n tab\t cr\r quote\" backslash\\ "
				  "bell\a bs\b ff\f vt\v esc\033 apos'";
	static const char nul[] = "nul\0byte and \0 short \n octal";

	CHECK(r.n == 9);
	if (r.n != 9)
		goto out;
	for (size_t i = 0; i < r.n; i++)
		CHECK(r.v[i]->kind != MI_OUTPUT_PARSE_ERROR);
	CHECK(r.v[0]->text_len == sizeof(all) - 1);
	CHECK(memcmp(r.v[0]->text, all, sizeof(all)) == 0);
	CHECK_STR(r.v[1]->text, "utf-8 octal: caf\xc3\xa9 nbsp\xc2\xa0.");
	CHECK(r.v[2]->text_len == sizeof(nul) - 1);
	CHECK(memcmp(r.v[2]->text, nul, sizeof(nul)) == 0);
	CHECK_STR(r.v[3]->text, "octal then digit: 08");
	CHECK(r.v[4]->kind == MI_OUTPUT_TARGET);
	CHECK_STR(r.v[4]->text, "target stream \"text\"\n");
	CHECK(r.v[5]->kind == MI_OUTPUT_LOG);
	CHECK_STR(r.v[5]->text, "log stream\n");
	CHECK_STR(r.v[6]->text, "raw utf-8 \xc3\xa9 and tab\tkept");
	CHECK(r.v[7]->text && r.v[7]->text_len == 0);
	CHECK_STR(r.v[7]->text, "");
	CHECK_STR(mi_value_string(r.v[8]->results, "value"), "caf\xc3\xa9");
	CHECK_STR(mi_value_string(r.v[8]->results, "empty"), "");
	CHECK_STR(mi_value_string(r.v[8]->results, "quoted"), "\"\\n\"");
out:
	records_free(&r);
}

TEST(structures)
{
	struct records r = parse_file("structures.mi");
	const struct mi_value *v, *w;

	CHECK(r.n == 12);
	if (r.n != 12)
		goto out;
	CHECK(r.v[0]->result_class == MI_CLASS_DONE && !r.v[0]->results);

	/* a={},b=[],c=[[]],d=[{}] */
	v = r.v[1]->results;
	CHECK(count_values(v) == 4);
	CHECK(v->kind == MI_VALUE_TUPLE && !v->children);
	CHECK(v->next->kind == MI_VALUE_LIST && !v->next->children);
	w = v->next->next->children;
	CHECK(w && w->kind == MI_VALUE_LIST && !w->children && !w->next);
	w = v->next->next->next->children;
	CHECK(w && w->kind == MI_VALUE_TUPLE && !w->children && !w->next);

	/* nested=[[["1","2"],[]],[["3"]]] */
	v = children(r.v[2]->results, "nested");
	CHECK(count_values(v) == 2);
	CHECK(count_values(v->children) == 2);
	CHECK_STR(v->children->children->next->cstring, "2");
	CHECK(v->children->next->kind == MI_VALUE_LIST &&
	      !v->children->next->children);
	CHECK_STR(v->next->children->children->cstring, "3");

	/* stack=[frame={level="0"},frame={level="1"}] */
	v = children(r.v[3]->results, "stack");
	CHECK(count_values(v) == 2);
	CHECK_STR(v->next->name, "frame");
	CHECK_STR(mi_value_string(v->next->children, "level"), "1");

	/* t={inner={deeper={deepest="x"}},list=[{a="1"},{a="2"}]} */
	v = children(r.v[4]->results, "t");
	CHECK_STR(mi_value_string(children(children(v, "inner"), "deeper"),
				  "deepest"), "x");
	CHECK_STR(mi_value_string(children(v, "list")->next->children, "a"),
		  "2");

	CHECK(r.v[5]->has_token && r.v[5]->token == 7);
	CHECK(r.v[5]->result_class == MI_CLASS_CONNECTED);
	CHECK_STR(r.v[5]->async_class, "connected");
	CHECK(r.v[6]->result_class == MI_CLASS_RUNNING);
	CHECK(r.v[7]->kind == MI_OUTPUT_EXEC_ASYNC && !r.v[7]->results);
	CHECK(r.v[7]->result_class == MI_CLASS_NONE);

	/* +download,{...}: gdb's unnamed tuple in result position */
	CHECK(r.v[8]->kind == MI_OUTPUT_STATUS_ASYNC);
	CHECK_STR(r.v[8]->async_class, "download");
	v = r.v[8]->results;
	CHECK(v && !v->name && v->kind == MI_VALUE_TUPLE);
	CHECK_STR(mi_value_string(v->children, "section-size"), "1234");

	CHECK(r.v[9]->kind == MI_OUTPUT_NOTIFY_ASYNC);
	CHECK(r.v[10]->has_token && r.v[10]->token == 0);
	CHECK(r.v[10]->result_class == MI_CLASS_EXIT);
	CHECK(r.v[11]->kind == MI_OUTPUT_PROMPT);
out:
	records_free(&r);
}

/* ---- generated input -------------------------------------------------- */

TEST(tokens)
{
	struct records r = parse_string(
		"18446744073709551615^done\n"
		"18446744073709551616^done\n"
		"00042*stopped\n"
		"99999999999999999999999=x\n");

	CHECK(r.n == 4);
	if (r.n == 4) {
		CHECK(r.v[0]->has_token);
		CHECK(r.v[0]->token == 18446744073709551615ULL);
		CHECK(r.v[1]->kind == MI_OUTPUT_PARSE_ERROR);
		CHECK_STR(r.v[1]->error_token, "18446744073709551616");
		CHECK(r.v[2]->has_token && r.v[2]->token == 42);
		CHECK(r.v[2]->kind == MI_OUTPUT_EXEC_ASYNC);
		CHECK_STR(r.v[3]->error_message, "token out of range");
	}
	records_free(&r);
}

/* "^done,a=[[...]]\n" with depth brackets */
static char *nested_lists(size_t depth)
{
	char *s = malloc(8 + 2 * depth + 2);

	if (!s)
		abort();
	memcpy(s, "^done,a=", 8);
	memset(s + 8, '[', depth);
	memset(s + 8 + depth, ']', depth);
	memcpy(s + 8 + 2 * depth, "\n", 2);
	return s;
}

TEST(nesting_limit)
{
	char *ok = nested_lists(512);
	char *deep = nested_lists(513);
	struct records r;

	r = parse_string(ok);
	CHECK(r.n == 1 && r.v[0]->kind == MI_OUTPUT_RESULT);
	records_free(&r);

	r = parse_string(deep);
	CHECK(r.n == 1 && r.v[0]->kind == MI_OUTPUT_PARSE_ERROR);
	if (r.n == 1) {
		CHECK(r.v[0]->error_column == 9 + 512);
		CHECK_STR(r.v[0]->error_token, "[");
		CHECK_STR(r.v[0]->error_message,
			  "nesting deeper than 512 levels");
	}
	records_free(&r);
	free(ok);
	free(deep);

	/* The same through tuples: a={a={...}}, and a million levels. */
	size_t depth = 1000000;
	char *s = malloc(8 + 4 * depth + 1);
	size_t n = 8;

	if (!s)
		abort();
	memcpy(s, "^done,a=", 8);
	for (size_t i = 0; i + 1 < depth; i++) {
		memcpy(s + n, "{a=", 3);
		n += 3;
	}
	s[n++] = '{';
	memset(s + n, '}', depth);
	n += depth;
	r = parse_chunked(s, n, 0, 0);
	CHECK(r.n == 0);	/* no newline yet */
	records_free(&r);
	s[n++] = '\n';
	r = parse_chunked(s, n, 0, 0);
	CHECK(r.n == 1 && r.v[0]->kind == MI_OUTPUT_PARSE_ERROR);
	CHECK(r.n == 1 && r.v[0]->error_column == 9 + 3 * 512);
	records_free(&r);
	free(s);
}

/* A million siblings: destroy must not recurse along next. */
TEST(long_sibling_list)
{
	size_t count = 1000000, n = 0;
	char *s = malloc(16 + 4 * count);
	struct records r;

	if (!s)
		abort();
	n += (size_t)sprintf(s, "^done,a=[");
	for (size_t i = 0; i < count; i++) {
		memcpy(s + n, "\"x\",", 4);
		n += 4;
	}
	s[n - 1] = ']';
	s[n++] = '\n';
	r = parse_chunked(s, n, 0, 0);
	CHECK(r.n == 1 && r.v[0]->kind == MI_OUTPUT_RESULT);
	if (r.n == 1)
		CHECK(count_values(children(r.v[0]->results, "a")) == count);
	records_free(&r);
	free(s);
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A 10 MB -data-read-memory-bytes answer, whole, in 4 KiB pieces and
 * byte by byte: the same record either way.  The times are figures (a
 * quadratic parser would run into the test's timeout). */
TEST(huge_line)
{
	static const char head[] = "12^done,memory=[{begin=\"0x1000\","
				   "offset=\"0x0\",end=\"0x501000\","
				   "contents=\"";
	static const char tail[] = "\"}]\n";
	size_t hex = 10 * 1024 * 1024;
	size_t len = sizeof(head) - 1 + hex + sizeof(tail) - 1;
	char *s = malloc(len);
	const size_t chunks[] = { 0, 4096, 1 };

	if (!s)
		abort();
	memcpy(s, head, sizeof(head) - 1);
	for (size_t i = 0; i < hex; i++)
		s[sizeof(head) - 1 + i] = "0123456789abcdef"[i % 16];
	memcpy(s + len - (sizeof(tail) - 1), tail, sizeof(tail) - 1);

	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		double start = seconds();
		struct records r = parse_chunked(s, len, chunks[c], 0);
		double elapsed = seconds() - start;
		const struct mi_value *mem;
		const char *contents;

		printf("# chunk %zu: %.3f s\n", chunks[c], elapsed);
		CHECK(r.n == 1);
		if (r.n != 1)
			continue;
		CHECK(r.v[0]->token == 12);
		mem = children(r.v[0]->results, "memory");
		contents = mem ? mi_value_string(mem->children, "contents") :
				 NULL;
		CHECK(contents && strlen(contents) == hex);
		CHECK(contents && contents[hex - 1] == 'f');
		CHECK(strlen(r.v[0]->line) == len - 1);
		records_free(&r);
	}
	free(s);
}

TEST(empty_lines_are_skipped)
{
	struct records r = parse_string("\n\r\n\n^done\n\n\r\n(gdb) \n\n");
	struct mi_output *out = NULL;

	CHECK(r.n == 2);
	CHECK(r.n == 2 && r.v[1]->kind == MI_OUTPUT_PROMPT);
	records_free(&r);

	/* mi_parse_line() must return a record: a parse error. */
	CHECK(mi_parse_line("", 0, &out) == NULL);
	CHECK(out && out->kind == MI_OUTPUT_PARSE_ERROR);
	CHECK(out && out->error_column == 1);
	CHECK_STR(out ? out->error_message : NULL, "empty line");
	CHECK_STR(out ? out->line : NULL, "");
	mi_output_destroy(out);
}

TEST(line_endings)
{
	/* Only one '\r' before '\n' is part of the line ending. */
	struct records r = parse_string("(gdb)\r\r\n~\"a\r\"\r\n^done\r");

	CHECK(r.n == 2);
	if (r.n == 2) {
		CHECK(r.v[0]->kind == MI_OUTPUT_PARSE_ERROR);
		CHECK(r.v[0]->error_column == 6);
		CHECK(r.v[1]->kind == MI_OUTPUT_CONSOLE);
		CHECK_STR(r.v[1]->text, "a\r");
	}
	records_free(&r);

	/* A trailing "\r" alone waits for its "\n". */
	struct mi_parser *parser = parser_new(&r);

	push(parser, "^done\r", 6);
	CHECK(r.n == 0);
	push(parser, "\n", 1);
	CHECK(r.n == 1);
	CHECK_STR(r.n ? r.v[0]->line : NULL, "^done");
	mi_parser_destroy(parser);
	records_free(&r);
}

TEST(prompts)
{
	struct records r = parse_string("(gdb)\n(gdb) \n(gdb)   \n1(gdb)\n");

	CHECK(r.n == 4);
	if (r.n == 4) {
		CHECK(r.v[0]->kind == MI_OUTPUT_PROMPT);
		CHECK(r.v[1]->kind == MI_OUTPUT_PROMPT);
		CHECK(r.v[2]->kind == MI_OUTPUT_PROMPT);
		CHECK(r.v[3]->kind == MI_OUTPUT_PARSE_ERROR);
		CHECK(r.v[3]->error_column == 2);
	}
	records_free(&r);
}

TEST(nul_bytes)
{
	static const char in[] = "~\"a\0b\"\n^do\0ne\n~\"\\000\"\n";
	struct records r = parse_chunked(in, sizeof(in) - 1, 1, 0);

	CHECK(r.n == 3);
	if (r.n == 3) {
		CHECK(r.v[0]->kind == MI_OUTPUT_PARSE_ERROR);
		CHECK_STR(r.v[0]->error_message, "NUL byte in c-string");
		CHECK(r.v[0]->error_column == 4);
		CHECK(r.v[1]->kind == MI_OUTPUT_PARSE_ERROR);
		CHECK_STR(r.v[1]->error_token, "do");
		CHECK(r.v[2]->kind == MI_OUTPUT_CONSOLE);
		CHECK(r.v[2]->text_len == 1 && r.v[2]->text[0] == '\0');
	}
	records_free(&r);
}

/* An unfinished line is dropped, not leaked, by mi_parser_destroy(). */
TEST(unfinished_line)
{
	struct records r = { 0 };
	struct mi_parser *parser = parser_new(&r);

	push(parser, "^done\n^done,a=\"", 15);
	push(parser, "partial", 7);
	push(parser, "", 0);
	CHECK(r.n == 1);
	mi_parser_destroy(parser);
	CHECK(r.n == 1);
	records_free(&r);
}

/* Without an output callback records are simply dropped. */
TEST(no_callback)
{
	static const char in[] = "^done,a=\"1\"\n(gdb)\n";
	struct mi_parser_callbacks cb = { 0 };
	struct mi_parser *parser = NULL;

	CHECK(mi_parser_create(&cb, &parser) == NULL);
	CHECK(mi_parser_push(parser, in, sizeof(in) - 1) == NULL);
	mi_parser_destroy(parser);
}

static const char oom_input[] =
	"^done,a={b=[\"1\",\"2\"]}\n~\"x\"\n12^error\n";

/* Push oom_input in chunks of step bytes (0: whole) with the allocation
 * fail calls ahead failing; returns whether it did fail. */
static bool oom_push(size_t step, long fail)
{
	struct records r = { 0 };
	struct mi_parser *parser = parser_new(&r);
	size_t len = sizeof(oom_input) - 1;
	int failures = 0;
	bool fired;

	fail_countdown = fail;
	for (size_t pos = 0; pos < len;) {
		size_t n = step && step < len - pos ? step : len - pos;
		struct lkdb_error *err = mi_parser_push(parser,
							oom_input + pos, n);

		if (err) {
			CHECK(err->code == LKDB_ERROR_NOMEM);
			lkdb_error_destroy(err);
			failures++;
		}
		pos += n;
	}
	fired = fail_countdown < 0;
	fail_countdown = -1;
	CHECK(failures == (fired ? 1 : 0));
	CHECK(r.n <= 3);

	/* A fresh line after the failure parses again. */
	push(parser, "\n^done\n", 7);
	CHECK(r.n > 0 && r.v[r.n - 1]->result_class == MI_CLASS_DONE);
	CHECK(fired ? r.n <= 4 : r.n == 4);
	mi_parser_destroy(parser);
	records_free(&r);
	return fired;
}

/*
 * Fail each allocation in turn: pushes report LKDB_ERROR_NOMEM, nothing
 * leaks or crashes, and after a failure the parser resumes at the next line.
 */
TEST(out_of_memory)
{
	size_t line_len = (size_t)(strchr(oom_input, '\n') - oom_input);
	bool fired = true;

	for (long fail = 0; fired && fail < 10000; fail++) {
		struct mi_output *out = NULL;
		struct lkdb_error *err;

		fired = oom_push(0, fail);
		fired |= oom_push(1, fail);
		fired |= oom_push(5, fail);

		fail_countdown = fail;
		err = mi_parse_line(oom_input, line_len, &out);
		fail_countdown = -1;
		CHECK(err ? err == &lkdb_error_oom && !out :
			    out && out->kind == MI_OUTPUT_RESULT);
		mi_output_destroy(out);
	}
	CHECK(!fired);
}

TEST(parse_line_and_lookup)
{
	static const char line[] = "5^done,a=\"1\",t={b=\"2\"},l=[\"3\"]";
	struct mi_output *out = NULL, *again = NULL;

	CHECK(mi_parse_line(line, sizeof(line) - 1, &out) == NULL);
	CHECK(mi_parse_line(line, sizeof(line) - 1, &again) == NULL);
	if (!out || !again)
		return;
	CHECK(out->has_token && out->token == 5);
	CHECK_STR(out->line, line);
	CHECK_STR(mi_value_string(out->results, "a"), "1");
	CHECK(mi_value_string(out->results, "t") == NULL);
	CHECK(mi_value_string(out->results, "l") == NULL);
	CHECK(mi_value_string(out->results, "missing") == NULL);
	CHECK(mi_value_find(NULL, "a") == NULL);
	CHECK_STR(mi_value_string(children(out->results, "t"), "b"), "2");
	CHECK(mi_value_find(children(out->results, "l"), "x") == NULL);

	CHECK(mi_output_equal(out, again));
	free(again->results->cstring);
	again->results->cstring = strdup("2");
	CHECK(!mi_output_equal(out, again));
	CHECK(!mi_output_equal(out, NULL));
	CHECK(mi_output_equal(NULL, NULL));
	mi_output_destroy(out);
	mi_output_destroy(again);
	mi_output_destroy(NULL);
	mi_value_destroy(NULL);
}

/* gdb 13's breakpoint commands: a tuple of bare values, taken as given. */
TEST(tuple_of_values_from_breakpoint_script)
{
	static const char line[] =
		"=breakpoint-modified,bkpt={number=\"1\",times=\"1\","
		"script={\"silent\",\"bt\"},original-location=\"*0x1\"}";
	struct mi_output *out = NULL;
	CHECK(mi_parse_line(line, sizeof(line) - 1, &out) == NULL);
	if (!out)
		return;
	CHECK(out->kind == MI_OUTPUT_NOTIFY_ASYNC);
	const struct mi_value *bkpt = children(out->results, "bkpt");
	const struct mi_value *script = mi_value_find(bkpt, "script");
	CHECK(script && script->kind == MI_VALUE_TUPLE);
	CHECK(script && script->children && !script->children->name);
	CHECK_STR(script && script->children ? script->children->cstring : NULL,
		  "silent");
	CHECK_STR(mi_value_string(bkpt, "original-location"), "*0x1");
	mi_output_destroy(out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DATA-DIR\n", argv[0]);
		return 2;
	}
	data_dir = argv[1];

	RUN(transcripts_parse_cleanly);
	RUN(chunking_is_invisible);
	RUN(every_split_point);
	RUN(break_transcript_values);
	RUN(varobj_transcript_values);
	RUN(async_transcript_values);
	RUN(malformed_lines);
	RUN(tuple_of_values_from_breakpoint_script);
	RUN(escapes);
	RUN(structures);
	RUN(tokens);
	RUN(nesting_limit);
	RUN(long_sibling_list);
	RUN(huge_line);
	RUN(empty_lines_are_skipped);
	RUN(line_endings);
	RUN(prompts);
	RUN(nul_bytes);
	RUN(unfinished_line);
	RUN(no_callback);
	RUN(out_of_memory);
	RUN(parse_line_and_lookup);
	return tap_done();
}
