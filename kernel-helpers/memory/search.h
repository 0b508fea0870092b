/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crash's memory search over one buffer at a time: values of 2, 4 or 8
 * bytes at their own alignment (little-endian), compared with the bits of
 * a mask left out, or byte strings at any offset.  The caller reads the
 * memory (in chunks, across mappings) and hands each chunk here; a string
 * that runs across two chunks is found when the caller keeps the end of
 * the first (MEM_SEARCH_CARRY) in front of the second.  A pure
 * computation: no kernel, no reader.
 */
#ifndef LKDB_MEM_SEARCH_H
#define LKDB_MEM_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define MEM_SEARCH_MAX_STRING 256

struct mem_search {
	unsigned int size;		/* 2, 4 or 8; 0: strings */
	uint64_t mask;			/* bits that do not count */
	const uint64_t *values;
	size_t nr_values;
	const char *const *strings;	/* each 1..MEM_SEARCH_MAX_STRING bytes */
	size_t nr_strings;
};

struct mem_search_hit {
	uint64_t addr;
	size_t index;		/* of the value or string found */
	uint64_t value;		/* what is there (values) */
};

typedef struct lkdb_error *(*mem_search_fn)(void *context,
					    const struct mem_search_hit *hit);

/* A one-line error when s cannot be searched (sizes, lengths), else NULL. */
struct lkdb_error *mem_search_check(const struct mem_search *s);

/*
 * The longest string less one: how much of a chunk's end to put before
 * the next one (0 for values).
 */
size_t mem_search_carry(const struct mem_search *s);

/*
 * Report every hit in buf (len bytes at addr; values at addresses aligned
 * to their size) in address order, strings found at the same address in
 * their order.  The first carried bytes were in the previous chunk: only
 * hits that reach past them are reported.  fn's error stops the scan.
 */
struct lkdb_error *mem_search_scan(const struct mem_search *s,
				   const unsigned char *buf, size_t len,
				   uint64_t addr, size_t carried,
				   mem_search_fn fn, void *context);

#endif
