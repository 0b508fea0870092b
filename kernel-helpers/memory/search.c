// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/search.h"

#include <stdlib.h>
#include <string.h>

struct lkdb_error *mem_search_check(const struct mem_search *s)
{
	if (s->size) {
		if (s->size != 2 && s->size != 4 && s->size != 8)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "a value is 2, 4 or 8 bytes, not %u",
						 s->size);
		if (!s->nr_values)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "no value to search for");
		return NULL;
	}
	if (!s->nr_strings)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "no string to search for");
	for (size_t i = 0; i < s->nr_strings; i++) {
		size_t n = strlen(s->strings[i]);
		if (!n || n > MEM_SEARCH_MAX_STRING)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "string \"%.40s\" is %zu bytes: 1 to %d can be searched",
						 s->strings[i], n,
						 MEM_SEARCH_MAX_STRING);
	}
	return NULL;
}

size_t mem_search_carry(const struct mem_search *s)
{
	size_t longest = 0;
	for (size_t i = 0; !s->size && i < s->nr_strings; i++) {
		size_t n = strlen(s->strings[i]);
		if (n > longest)
			longest = n;
	}
	return longest ? longest - 1 : 0;
}

static struct lkdb_error *scan_values(const struct mem_search *s,
				      const unsigned char *buf, size_t len,
				      uint64_t addr, size_t from,
				      mem_search_fn fn, void *context)
{
	unsigned int size = s->size;
	uint64_t keep = ~s->mask;
	if (size < 8)
		keep &= (1ULL << (8 * size)) - 1;
	/* The first aligned address at or after addr + from. */
	size_t off = from + ((size - ((addr + from) & (size - 1))) & (size - 1));
	for (; off + size <= len; off += size) {
		uint64_t v = 0;
		for (unsigned int b = size; b-- > 0;)
			v = v << 8 | buf[off + b];
		for (size_t i = 0; i < s->nr_values; i++) {
			if (((v ^ s->values[i]) & keep) != 0)
				continue;
			struct mem_search_hit hit = { addr + off, i, v };
			struct lkdb_error *err = fn(context, &hit);
			if (err)
				return err;
		}
	}
	return NULL;
}

static struct lkdb_error *scan_strings(const struct mem_search *s,
				       const unsigned char *buf, size_t len,
				       uint64_t addr, size_t carried,
				       mem_search_fn fn, void *context)
{
	/* Where each string is next found at or after off (len: nowhere). */
	size_t *next = calloc(s->nr_strings, sizeof(*next));
	size_t *lens = calloc(s->nr_strings, sizeof(*lens));
	if (!next || !lens) {
		free(next);
		free(lens);
		return &lkdb_error_oom;
	}
	for (size_t i = 0; i < s->nr_strings; i++) {
		lens[i] = strlen(s->strings[i]);
		/* One reaching past the carried bytes starts after this. */
		size_t first = carried >= lens[i] ? carried - lens[i] + 1 : 0;
		const unsigned char *p = first < len ?
			memmem(buf + first, len - first, s->strings[i], lens[i]) :
			NULL;
		next[i] = p ? (size_t)(p - buf) : len;
	}
	struct lkdb_error *err = NULL;
	for (;;) {
		size_t at = len;
		for (size_t i = 0; i < s->nr_strings; i++)
			at = next[i] < at ? next[i] : at;
		if (at == len)
			break;
		for (size_t i = 0; !err && i < s->nr_strings; i++) {
			if (next[i] != at)
				continue;
			struct mem_search_hit hit = { addr + at, i, 0 };
			err = fn(context, &hit);
			const unsigned char *p = at + 1 < len ?
				memmem(buf + at + 1, len - at - 1,
				       s->strings[i], lens[i]) : NULL;
			next[i] = p ? (size_t)(p - buf) : len;
		}
		if (err)
			break;
	}
	free(next);
	free(lens);
	return err;
}

struct lkdb_error *mem_search_scan(const struct mem_search *s,
				   const unsigned char *buf, size_t len,
				   uint64_t addr, size_t carried,
				   mem_search_fn fn, void *context)
{
	if (carried > len)
		carried = len;
	if (s->size)
		return scan_values(s, buf, len, addr, carried, fn, context);
	return scan_strings(s, buf, len, addr, carried, fn, context);
}
