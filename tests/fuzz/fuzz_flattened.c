// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the flattened-dump reassembler (kernel-helpers/
 * flattened.c).  Besides crashes, leaks and out-of-bounds writes it checks
 * that:
 *   - the header check agrees with the signature test,
 *   - errors are one line naming the file,
 *   - the result does not depend on how the input is chunked by the reader
 *     (whole, byte by byte, odd steps): same error or same bytes,
 *   - nothing is written past the limit, and a success's size covers
 *     everything written.
 * A difference aborts.  Output goes to memory, bounded by MAX_SIZE.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/dumps/flattened.h"

#define NAME "fuzz.flat"
#define MAX_SIZE (1u << 20)

struct input {
	const uint8_t *data;
	size_t size, pos, step;
};

static struct lkdb_error *input_read(void *context, void *buf, size_t len,
				     size_t *got_ret)
{
	struct input *in = context;
	size_t n = in->size - in->pos;

	if (n > len)
		n = len;
	if (n > in->step)
		n = in->step;
	memcpy(buf, in->data + in->pos, n);
	in->pos += n;
	*got_ret = n;
	return NULL;
}

struct output {
	uint8_t *data;
	size_t len, cap;
	bool oom;
};

static struct lkdb_error *output_write(void *context, uint64_t offset,
				       const void *buf, size_t len)
{
	struct output *out = context;

	/* The reassembler promised offset + len <= MAX_SIZE. */
	if (offset > MAX_SIZE || len > MAX_SIZE - offset)
		abort();
	if (offset + len > out->cap) {
		size_t cap = out->cap ? out->cap : 4096;
		uint8_t *p;

		while (cap < offset + len)
			cap *= 2;
		p = realloc(out->data, cap);
		if (!p) {
			out->oom = true;
			return &lkdb_error_oom;
		}
		memset(p + out->cap, 0, cap - out->cap);	/* holes */
		out->data = p;
		out->cap = cap;
	}
	memcpy(out->data + offset, buf, len);
	if (offset + len > out->len)
		out->len = offset + len;
	return NULL;
}

struct result {
	struct output out;
	struct lkdb_error *err;
	struct flattened_stats stats;
};

static void reassemble(const uint8_t *data, size_t size, size_t step,
		       struct result *r)
{
	struct input in = { data, size, 0, step ? step : 1 };
	struct flattened_reader reader = { &in, input_read };
	struct flattened_writer writer = { &r->out, output_write };

	memset(r, 0, sizeof(*r));
	r->err = flattened_reassemble(NAME, &reader, &writer, MAX_SIZE,
				      &r->stats);
	if (r->err && r->err != &lkdb_error_oom &&
	    (strchr(r->err->message, '\n') ||
	     strncmp(r->err->message, NAME ": ", strlen(NAME) + 2) != 0))
		abort();
	/* Empty records count in the size without writing. */
	if (!r->err && (r->stats.size < r->out.len ||
			r->stats.size > MAX_SIZE))
		abort();
}

static void result_free(struct result *r)
{
	lkdb_error_destroy(r->err);
	free(r->out.data);
}

static void check_same(const struct result *a, const struct result *b)
{
	if (a->out.oom || b->out.oom)
		return;
	if (!a->err != !b->err)
		abort();
	if (a->err) {
		if (strcmp(a->err->message, b->err->message) != 0)
			abort();
		return;
	}
	if (a->out.len != b->out.len ||
	    (a->out.len && memcmp(a->out.data, b->out.data, a->out.len) != 0))
		abort();
	if (a->stats.records != b->stats.records ||
	    a->stats.size != b->stats.size ||
	    a->stats.data_bytes != b->stats.data_bytes)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result whole, bytes, odd;
	struct lkdb_error *err;
	size_t step = size ? 1 + data[size - 1] % 61 : 1;

	err = flattened_check_header(NAME, data, size);
	if (!err && !flattened_has_signature(data, size))
		abort();
	if (err && strchr(err->message, '\n'))
		abort();
	lkdb_error_destroy(err);

	reassemble(data, size, size, &whole);
	/* Byte by byte is slow on big inputs; odd steps cover those. */
	if (size <= 64 * 1024) {
		reassemble(data, size, 1, &bytes);
		check_same(&whole, &bytes);
		result_free(&bytes);
	}
	reassemble(data, size, step, &odd);
	check_same(&whole, &odd);
	result_free(&odd);
	result_free(&whole);
	return 0;
}
