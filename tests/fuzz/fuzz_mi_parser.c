// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the MI output parser.  Besides looking for crashes and
 * leaks it checks the push parser's promise: the records must not depend on
 * how the bytes were chunked.  A difference aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "mi/mi_parser.h"

struct records {
	struct mi_output **v;
	size_t n, cap;
	bool oom;
};

static void collect(void *context, struct mi_output *out)
{
	struct records *r = context;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct mi_output **v = realloc(r->v, cap * sizeof(*v));

		if (!v) {
			r->oom = true;
			mi_output_destroy(out);
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = out;
}

static void records_free(struct records *r)
{
	for (size_t i = 0; i < r->n; i++)
		mi_output_destroy(r->v[i]);
	free(r->v);
}

/* Push data as first bytes (maybe none), then chunks of step bytes. */
static bool parse_chunked(const uint8_t *data, size_t size, size_t first,
			  size_t step, struct records *r)
{
	struct mi_parser_callbacks cb = { .context = r, .output = collect };
	struct mi_parser *parser;
	struct lkdb_error *err;
	size_t pos = first < size ? first : size;

	err = mi_parser_create(&cb, &parser);
	if (err) {
		lkdb_error_destroy(err);
		return false;
	}
	err = mi_parser_push(parser, (const char *)data, pos);
	while (!err && pos < size) {
		size_t n = size - pos < step ? size - pos : step;

		err = mi_parser_push(parser, (const char *)data + pos, n);
		pos += n;
	}
	mi_parser_destroy(parser);
	lkdb_error_destroy(err);
	return !err && !r->oom;
}

static void check_same(const struct records *a, const struct records *b)
{
	if (a->n != b->n)
		abort();
	for (size_t i = 0; i < a->n; i++) {
		if (!mi_output_equal(a->v[i], b->v[i]))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct records whole = { 0 }, bytes = { 0 }, split = { 0 };
	size_t cut = size ? data[0] % size : 0;
	struct mi_output *out;

	if (parse_chunked(data, size, size, size, &whole) &&
	    parse_chunked(data, size, 1, 1, &bytes) &&
	    parse_chunked(data, size, cut, 7, &split)) {
		check_same(&whole, &bytes);
		check_same(&whole, &split);
	}
	records_free(&whole);
	records_free(&bytes);
	records_free(&split);

	/* The whole input as one line, newlines and all. */
	if (!mi_parse_line((const char *)data, size, &out))
		mi_output_destroy(out);
	return 0;
}
