// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/devices/swap.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/fs/dpath.h"

#define SWP_USED 1		/* include/linux/swap.h, every release */

struct swap_layout {
	uint64_t flags, flags_size, prio, prio_size, pages, pages_size;
	uint64_t inuse, inuse_size, file, f_inode, i_mode;
};

static void warn(struct kernel_swaps *r, struct lkdb_error *err)
{
	lkdb_error_destroy(lkdb_warning_append(&r->warnings, &r->nr_warnings,
					       "%s", err->message));
	lkdb_error_destroy(err);
}

static struct lkdb_error *get_layout(struct ktypes *t, struct swap_layout *l)
{
	struct lkdb_error *err;
	if ((err = ktypes_member(t, "swap_info_struct", "flags", &l->flags, &l->flags_size)) ||
	    (err = ktypes_member(t, "swap_info_struct", "prio", &l->prio, &l->prio_size)) ||
	    (err = ktypes_member(t, "swap_info_struct", "pages", &l->pages, &l->pages_size)) ||
	    (err = ktypes_member(t, "swap_info_struct", "inuse_pages", &l->inuse, &l->inuse_size)) ||
	    (err = ktypes_member(t, "swap_info_struct", "swap_file", &l->file, NULL)) ||
	    (err = ktypes_member(t, "file", "f_inode", &l->f_inode, NULL)) ||
	    (err = ktypes_member(t, "inode", "i_mode", &l->i_mode, NULL)))
		return err;
	if (l->flags_size > 8 || l->prio_size > 8 || l->pages_size > 8 ||
	    l->inuse_size > 8)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "swap_info_struct: a member wider than 8 bytes");
	return NULL;
}

/* One area, or a warning naming it; *used false when it is not in use. */
static struct lkdb_error *read_area(struct kernel *k, const struct swap_layout *l,
				    uint64_t info, struct kernel_swap *s, bool *used)
{
	uint64_t flags, prio, pages, inuse, file, inode, mode;
	struct lkdb_error *err;
	*used = false;
	if ((err = kernel_read_uint(k, info + l->flags, l->flags_size, &flags)))
		return err;
	if (!(flags & SWP_USED))
		return NULL;
	*used = true;
	if ((err = kernel_read_uint(k, info + l->prio, l->prio_size, &prio)) ||
	    (err = kernel_read_uint(k, info + l->pages, l->pages_size, &pages)) ||
	    (err = kernel_read_uint(k, info + l->inuse, l->inuse_size, &inuse)) ||
	    (err = kernel_read_uint(k, info + l->file, 8, &file)))
		return err;
	/* prio is signed (a short in 6.1 and 6.12). */
	unsigned int bits = 8 * (unsigned int)l->prio_size;
	s->prio = (int)(bits < 64 && (prio >> (bits - 1)) & 1 ?
				(int64_t)(prio | ~0ULL << bits) : (int64_t)prio);
	s->info = info;
	s->pages = pages;
	s->inuse_pages = inuse;
	if (!file) {
		snprintf(s->path, sizeof(s->path), "(unknown)");
		return NULL;
	}
	if ((err = kernel_read_uint(k, file + l->f_inode, 8, &inode)) ||
	    (err = kernel_read_uint(k, inode + l->i_mode, 2, &mode)))
		return err;
	s->partition = S_ISBLK((mode_t)mode);
	return kernel_file_path(k, file, s->path, sizeof(s->path));
}

struct lkdb_error *kernel_read_swaps(struct kernel *k, struct kernel_swaps *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->page_shift = k->arch->page_shift;
	struct ktypes *t;
	struct swap_layout l;
	uint64_t array, array_size, nr;
	struct lkdb_error *err;
	if ((err = kernel_need_symbol(k, "swap_info", "built without CONFIG_SWAP?", &array)) ||
	    (err = kernel_types(k, &t)) ||
	    (err = ktypes_var_member(t, "swap_info", NULL, &nr, &array_size)) ||
	    (err = get_layout(t, &l)) ||
	    (err = kernel_read_variable_uint(k, "nr_swapfiles", "built without CONFIG_SWAP?",
					     0, 4, &nr)))
		return err;
	array += k->kaslr_offset;
	uint64_t slots = array_size / 8;
	if (nr > slots || slots > KERNEL_SWAPS_MAX)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "nr_swapfiles %" PRIu64 " for %" PRIu64 " swap_info slots",
					 nr, slots);
	ret->swaps = calloc(nr ? nr : 1, sizeof(*ret->swaps));
	if (!ret->swaps)
		return &lkdb_error_oom;
	for (unsigned int i = 0; i < nr; i++) {
		uint64_t info;
		if ((err = kernel_read_uint(k, array + 8 * i, 8, &info))) {
			warn(ret, lkdb_error_prefix(err, "swap_info[%u]", i));
			continue;
		}
		if (!info)
			continue;
		struct kernel_swap *s = &ret->swaps[ret->nr];
		bool used;
		s->index = i;
		if ((err = read_area(k, &l, info, s, &used))) {
			warn(ret, lkdb_error_prefix(err, "swap_info[%u] at 0x%" PRIx64,
						    i, info));
			continue;
		}
		if (used)
			ret->nr++;
	}
	return NULL;
}

void kernel_swaps_deinit(struct kernel_swaps *s)
{
	free(s->swaps);
	lkdb_warnings_free(s->warnings, s->nr_warnings);
	memset(s, 0, sizeof(*s));
}
