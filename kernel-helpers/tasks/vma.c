// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/tasks/vma.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/addrset.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/mapletree.h"
#include "kernel-helpers/fs/dpath.h"

/* More VMAs than vm.max_map_count allows (65530 by default). */
#define VMAS_MAX (1u << 22)
#define VMA_BYTES_MAX 512

struct vma_layout {
	uint64_t size;
	struct ktypes_field start, end, flags, pgoff, file, next;
	bool have_next;
};

static void warn(struct kernel_vmas *v, struct lkdb_error *err)
{
	lkdb_error_destroy(lkdb_warning_append(&v->warnings, &v->nr_warnings,
					       "%s", err->message));
	lkdb_error_destroy(err);
}

static struct lkdb_error *get_layout(struct ktypes *t, struct vma_layout *l)
{
	const char *s = "vm_area_struct";
	struct lkdb_error *err = ktypes_size_within(t, s, VMA_BYTES_MAX,
						    &l->size);
	if (!err)
		err = ktypes_field(t, s, "vm_start", l->size, &l->start);
	if (!err)
		err = ktypes_field(t, s, "vm_end", l->size, &l->end);
	if (!err)
		err = ktypes_field(t, s, "vm_flags", l->size, &l->flags);
	if (!err)
		err = ktypes_field(t, s, "vm_pgoff", l->size, &l->pgoff);
	if (!err)
		err = ktypes_field(t, s, "vm_file", l->size, &l->file);
	if (!err)
		err = ktypes_field_optional(t, s, "vm_next", l->size, &l->next,
					    &l->have_next);
	return err;
}

/* Read the VMA at addr and add it; false (with a warning) if it cannot be. */
static bool add_vma(struct kernel *k, const struct vma_layout *l,
		    struct kernel_vmas *v, size_t *cap, uint64_t addr,
		    uint64_t *next_ret)
{
	unsigned char buf[VMA_BYTES_MAX];
	struct lkdb_error *err = k->memory.read(k->memory.context, addr, buf,
						l->size);
	if (err) {
		warn(v, lkdb_error_prefix(err, "VMA 0x%" PRIx64, addr));
		return false;
	}
	if (v->nr == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		struct kernel_vma *grown = realloc(v->vmas,
						   ncap * sizeof(*grown));
		if (!grown)
			return false;
		v->vmas = grown;
		*cap = ncap;
	}
	struct kernel_vma *m = &v->vmas[v->nr++];
	memset(m, 0, sizeof(*m));
	m->vma = addr;
	m->start = ktypes_field_get(buf, l->start);
	m->end = ktypes_field_get(buf, l->end);
	m->flags = ktypes_field_get(buf, l->flags);
	m->pgoff = ktypes_field_get(buf, l->pgoff);
	m->file = ktypes_field_get(buf, l->file);
	if (next_ret)
		*next_ret = l->have_next ? ktypes_field_get(buf, l->next) : 0;
	if (m->file) {
		char path[4096];
		err = kernel_file_path(k, m->file, path, sizeof(path));
		if (err)
			warn(v, lkdb_error_prefix(err, "VMA 0x%" PRIx64, addr));
		else
			m->path = strdup(path);
	}
	return true;
}

static struct lkdb_error *from_maple(struct kernel *k,
				     const struct vma_layout *l, uint64_t tree,
				     struct kernel_vmas *v)
{
	struct maple_entries e;
	struct lkdb_error *err = maple_tree_read(k, tree, &e);
	if (err)
		return err;
	for (size_t i = 0; i < e.nr_warnings; i++)
		lkdb_error_destroy(lkdb_warning_append(&v->warnings,
						       &v->nr_warnings, "%s",
						       e.warnings[i]));
	size_t cap = 0;
	for (size_t i = 0; i < e.nr && v->nr < VMAS_MAX; i++)
		add_vma(k, l, v, &cap, e.entries[i].value, NULL);
	maple_entries_deinit(&e);
	return NULL;
}

static struct lkdb_error *from_list(struct kernel *k,
				    const struct vma_layout *l, uint64_t first,
				    struct kernel_vmas *v)
{
	struct addr_set seen = { 0 };
	size_t cap = 0;
	for (uint64_t vma = first; vma;) {
		int added = v->nr < VMAS_MAX ? addr_set_add(&seen, vma) : 0;
		if (added < 0) {
			addr_set_deinit(&seen);
			return &lkdb_error_oom;
		}
		if (!added) {
			warn(v, lkdb_error_create(LKDB_ERROR_INVALID,
						  "the VMA list loops back to 0x%" PRIx64 " after %zu VMAs: walk stopped",
						  vma, v->nr));
			break;
		}
		if (!add_vma(k, l, v, &cap, vma, &vma))
			break;
	}
	addr_set_deinit(&seen);
	return NULL;
}

struct lkdb_error *kernel_read_vmas(struct kernel *k, uint64_t mm,
				    struct kernel_vmas *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct vma_layout l;
	uint64_t off, first;
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = get_layout(t, &l);
	if (err)
		return err;
	if (ktypes_has_member(t, "mm_struct", "mm_mt")) {
		err = ktypes_member(t, "mm_struct", "mm_mt", &off, NULL);
		if (!err)
			err = from_maple(k, &l, mm + off, ret);
	} else if (!(err = ktypes_member(t, "mm_struct", "mmap", &off, NULL)) &&
		   !(err = kernel_read_uint(k, mm + off, 8, &first))) {
		err = l.have_next ? from_list(k, &l, first, ret) :
				    lkdb_error_create(LKDB_ERROR_NOT_FOUND,
						      "vm_area_struct has no vm_next for mm_struct.mmap's list");
	}
	if (err) {
		kernel_vmas_deinit(ret);
		return lkdb_error_prefix(err, "the VMAs of mm 0x%" PRIx64, mm);
	}
	return NULL;
}

void kernel_vmas_deinit(struct kernel_vmas *v)
{
	for (size_t i = 0; i < v->nr; i++)
		free(v->vmas[i].path);
	free(v->vmas);
	lkdb_warnings_free(v->warnings, v->nr_warnings);
	memset(v, 0, sizeof(*v));
}

struct lkdb_error *kernel_swap_file(struct kernel *k, unsigned int type,
				    char *buf, size_t size)
{
	uint64_t nr, info, si, file, off;
	struct ktypes *t;
	struct lkdb_error *err = kernel_read_variable_uint(
		k, "nr_swapfiles", "swap", 0, 4, &nr);
	if (err)
		return err;
	if (type >= nr)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "swap type %u is not one of the %" PRIu64 " swap files",
					 type, nr);
	if ((err = kernel_need_symbol(k, "swap_info", "swap", &info)) ||
	    (err = kernel_read_uint(k, info + k->kaslr_offset + 8ULL * type, 8,
				    &si)) ||
	    (err = kernel_types(k, &t)) ||
	    (err = ktypes_member(t, "swap_info_struct", "swap_file", &off,
				 NULL)) ||
	    (err = kernel_read_uint(k, si + off, 8, &file)))
		return err;
	if (!file)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "swap type %u has no file", type);
	return kernel_file_path(k, file, buf, size);
}
