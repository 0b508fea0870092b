/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A kernel's memory for unit tests: zero-filled regions mapped at kernel
 * addresses; a read outside every region is a FAULT, as an unmapped page
 * is.  Counts reads so tests can prove "one read per object".
 */
#ifndef LKDB_FAKE_MEMORY_H
#define LKDB_FAKE_MEMORY_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "kernel-helpers/core/target.h"

struct region {
	uint64_t addr;
	unsigned char *bytes;
	size_t len;
};

#define FAKE_MEMORY_REGIONS 64

struct fake_memory {
	struct region regions[FAKE_MEMORY_REGIONS];
	size_t n;
	unsigned int reads;
	size_t largest_read;
};

/* A zeroed region of len bytes at addr; the test fills it in.  NULL
 * when all FAKE_MEMORY_REGIONS are taken (or out of memory). */
static inline unsigned char *map(struct fake_memory *m, uint64_t addr,
				 size_t len)
{
	if (m->n >= FAKE_MEMORY_REGIONS)
		return NULL;
	unsigned char *bytes = calloc(1, len ? len : 1);
	if (!bytes)
		return NULL;
	struct region *r = &m->regions[m->n++];
	r->addr = addr;
	r->len = len;
	r->bytes = bytes;
	return bytes;
}

/* The byte at addr inside a mapped region, or NULL. */
static inline unsigned char *at(struct fake_memory *m, uint64_t addr)
{
	for (size_t i = 0; i < m->n; i++) {
		if (addr >= m->regions[i].addr &&
		    addr < m->regions[i].addr + m->regions[i].len)
			return m->regions[i].bytes + (addr - m->regions[i].addr);
	}
	return NULL;
}

static inline void unmap_all(struct fake_memory *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->regions[i].bytes);
	m->n = 0;
	m->reads = 0;
	m->largest_read = 0;
}

static inline struct lkdb_error *fake_read(void *context, uint64_t addr,
					   void *buf, size_t len)
{
	struct fake_memory *m = context;
	m->reads++;
	if (len > m->largest_read)
		m->largest_read = len;
	for (size_t i = 0; i < m->n; i++) {
		struct region *r = &m->regions[i];
		if (addr >= r->addr && addr - r->addr <= r->len &&
		    len <= r->len - (addr - r->addr)) {
			memcpy(buf, r->bytes + (addr - r->addr), len);
			return NULL;
		}
	}
	return lkdb_error_create(LKDB_ERROR_FAULT,
				 "cannot read %zu bytes at 0x%" PRIx64, len,
				 addr);
}

/* A target that takes reads in batches (as the live one pipelines them). */
static unsigned int fake_batches;
static size_t fake_largest_batch;

static inline struct lkdb_error *fake_read_batch(void *context,
						 struct kernel_read_request *reqs,
						 size_t n)
{
	fake_batches++;
	if (n > fake_largest_batch)
		fake_largest_batch = n;
	for (size_t i = 0; i < n; i++)
		reqs[i].err = fake_read(context, reqs[i].addr, reqs[i].buf,
					reqs[i].len);
	return NULL;
}

/* Store v little-endian in size bytes. */
static inline void put(unsigned char *p, uint64_t v, unsigned int size)
{
	for (unsigned int i = 0; i < size; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static int err_code;
static char err_message[1024];

/* Keep an error's code and text for CHECKs, print it, free it. */
static inline void take_error(struct lkdb_error *err)
{
	err_code = err ? (int)err->code : 0;
	snprintf(err_message, sizeof(err_message), "%s",
		 err ? err->message : "");
	if (err)
		printf("#   error: %s\n", err->message);
	lkdb_error_destroy(err);
}

#endif
