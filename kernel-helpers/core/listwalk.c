// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/core/listwalk.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/addrset.h"

static struct lkdb_error *add(struct list_walk *w, size_t *cap, uint64_t e)
{
	if (w->nr == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		uint64_t *grown = realloc(w->entries, ncap * sizeof(*grown));
		if (!grown)
			return &lkdb_error_oom;
		w->entries = grown;
		*cap = ncap;
	}
	w->entries[w->nr++] = e;
	return NULL;
}

static struct lkdb_error *read_ptr(const struct kernel_memory_reader *mem,
				   uint64_t addr, uint64_t *ret)
{
	unsigned char b[8];
	struct lkdb_error *err = mem->read(mem->context, addr, b, 8);
	if (err)
		return err;
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	*ret = v;
	return NULL;
}

struct lkdb_error *kernel_list_walk(const struct kernel_memory_reader *mem,
				    uint64_t start, uint64_t offset,
				    enum list_walk_mode mode, uint64_t end,
				    size_t max, struct list_walk *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct addr_set seen = { 0 };
	struct lkdb_error *err = NULL;
	size_t cap = 0;
	uint64_t entry = start, ptr;
	/* The pointer that comes back to the beginning ends the list. */
	uint64_t stop = mode == LIST_HEAD ? start : start + offset;
	if (mode == LIST_HEAD) {
		if ((err = read_ptr(mem, start, &ptr)))
			return lkdb_error_prefix(err, "list head 0x%" PRIx64,
						 start);
		if (!ptr || ptr == start)
			return NULL;
		entry = ptr - offset;
	}
	while (!err) {
		if (end && entry == end)
			break;
		if (ret->nr == max) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"list does not end after %zu entries: walk stopped",
						max);
			break;
		}
		int added = addr_set_add(&seen, entry);
		if (added < 0) {
			err = &lkdb_error_oom;
			break;
		}
		if (!added) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"list loops back to 0x%" PRIx64 " after %zu entries",
						entry, ret->nr);
			break;
		}
		if ((err = add(ret, &cap, entry)))
			break;
		if ((err = read_ptr(mem, entry + offset, &ptr))) {
			err = lkdb_error_prefix(err, "list entry %zu (0x%" PRIx64 ")",
						ret->nr - 1, entry);
			break;
		}
		if (!ptr)
			break;
		if (mode == LIST_NEXT_STRUCT) {
			if (ptr == start)
				break;
			entry = ptr;
		} else {
			if (ptr == stop)
				break;
			entry = ptr - offset;
		}
	}
	addr_set_deinit(&seen);
	if (err == &lkdb_error_oom)
		list_walk_deinit(ret);
	return err;
}

void list_walk_deinit(struct list_walk *w)
{
	free(w->entries);
	memset(w, 0, sizeof(*w));
}
