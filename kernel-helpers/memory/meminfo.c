// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/meminfo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/addrset.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/memory/percpu.h"

/* More block device inodes than any machine has: the list is broken. */
#define MEMINFO_MAX_BDEV_INODES (1u << 20)
/* HUGE_MAX_HSTATE is 2 on x86_64; a larger count is a damaged variable. */
#define MEMINFO_MAX_HSTATES 64

static void warn(struct kernel_meminfo *m, const char *what,
		 struct lkdb_error *err)
{
	lkdb_error_destroy(lkdb_warning_append(&m->warnings, &m->nr_warnings,
					       "%s: %s", what, err->message));
	lkdb_error_destroy(err);
}

/*
 * An item of a global vm stat array (vm_zone_stat or vm_node_stat) of
 * count atomic_long_t, as global_*_page_state() reads it: below 0 is 0
 * (per-CPU deltas not yet folded in).
 */
static struct lkdb_error *vm_stat(struct kernel *k, struct ktypes *t,
				  const char *array, const char *count,
				  const char *item, uint64_t *ret)
{
	int64_t index, n;
	struct lkdb_error *err = ktypes_enumerator(t, item, &index);
	if (!err)
		err = ktypes_enumerator(t, count, &n);
	if (err)
		return err;
	if (index < 0 || index >= n)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s is %" PRId64 ", outside %s[%" PRId64 "]",
					 item, index, array, n);
	uint64_t v;
	err = kernel_read_variable_uint(k, array, "the vm statistics", (uint64_t)index * 8,
			    8, &v);
	if (err)
		return err;
	*ret = (int64_t)v < 0 ? 0 : v;
	return NULL;
}

static struct lkdb_error *node_stat(struct kernel *k, struct ktypes *t,
				    const char *item, uint64_t *ret)
{
	return vm_stat(k, t, "vm_node_stat", "NR_VM_NODE_STAT_ITEMS", item,
		       ret);
}

static struct lkdb_error *read_total(struct kernel *k, uint64_t *ret)
{
	/* commit ca79b0c211af (5.0) made it _totalram_pages. */
	uint64_t addr;
	const char *name = "_totalram_pages";
	struct lkdb_error *err = vmlinux_symbol(k->vmlinux, name, &addr, NULL);
	if (err && err->code == LKDB_ERROR_NOT_FOUND) {
		lkdb_error_destroy(err);
		name = "totalram_pages";
		err = NULL;
	}
	lkdb_error_destroy(err);
	return kernel_read_variable_uint(k, name, "the RAM the kernel manages", 0, 8, ret);
}

/* nr_blockdev_pages(): each block device inode's i_mapping->nrpages. */
static struct lkdb_error *read_buffers(struct kernel *k, struct ktypes *t,
				       uint64_t *ret)
{
	uint64_t s_inodes, i_sb_list, i_mapping, nrpages, nrpages_size;
	struct lkdb_error *err;
	if ((err = ktypes_member(t, "super_block", "s_inodes", &s_inodes,
				 NULL)) ||
	    (err = ktypes_member(t, "inode", "i_sb_list", &i_sb_list, NULL)) ||
	    (err = ktypes_member(t, "inode", "i_mapping", &i_mapping, NULL)) ||
	    (err = ktypes_member(t, "address_space", "nrpages", &nrpages,
				 &nrpages_size)))
		return err;
	uint64_t sb;
	err = kernel_read_variable_uint(k, "blockdev_superblock", "block devices", 0, 8,
			    &sb);
	if (err)
		return err;
	uint64_t head = sb + s_inodes, pos, total = 0;
	if ((err = kernel_read_uint(k, head, 8, &pos)))
		return lkdb_error_prefix(err, "blockdev_superblock->s_inodes at 0x%" PRIx64,
					 head);
	struct addr_set seen = { 0 };
	for (unsigned int n = 0; pos != head && !err; n++) {
		uint64_t inode = pos - i_sb_list, mapping, pages;
		int added = n < MEMINFO_MAX_BDEV_INODES ?
				    addr_set_add(&seen, pos) : 0;
		if (added < 0) {
			err = &lkdb_error_oom;
		} else if (!added) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"blockdev_superblock->s_inodes at 0x%" PRIx64 " loops back to inode 0x%" PRIx64 " after %u inodes",
						head, inode, n);
		} else if ((err = kernel_read_uint(k, inode + i_mapping, 8,
						   &mapping))) {
			err = lkdb_error_prefix(err, "block device inode 0x%" PRIx64,
						inode);
		} else if ((err = kernel_read_uint(k, mapping + nrpages,
						   nrpages_size, &pages)) ||
			   (err = kernel_read_uint(k, pos, 8, &pos))) {
			err = lkdb_error_prefix(err, "block device inode 0x%" PRIx64 " (i_mapping 0x%" PRIx64 ")",
						inode, mapping);
		} else {
			total += pages;
		}
	}
	addr_set_deinit(&seen);
	if (!err)
		*ret = total;
	return err;
}

/* Both slab counters, whichever names this kernel has. */
static struct lkdb_error *read_slab(struct kernel *k, struct ktypes *t,
				    uint64_t *ret)
{
	static const char *const names[][2] = {
		{ "NR_SLAB_RECLAIMABLE_B", "NR_SLAB_UNRECLAIMABLE_B" },
		{ "NR_SLAB_RECLAIMABLE", "NR_SLAB_UNRECLAIMABLE" },
	};
	int64_t probe;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct lkdb_error *err = ktypes_enumerator(t, names[i][0],
							   &probe);
		if (err && err->code == LKDB_ERROR_NOT_FOUND) {
			lkdb_error_destroy(err);
			continue;
		}
		if (err)
			return err;
		uint64_t r, u;
		if ((err = node_stat(k, t, names[i][0], &r)) ||
		    (err = node_stat(k, t, names[i][1], &u)))
			return err;
		*ret = r + u;
		return NULL;
	}
	return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
				 "this kernel has neither NR_SLAB_RECLAIMABLE_B nor NR_SLAB_RECLAIMABLE");
}

/* hugetlb_total_pages(), and the free ones likewise. */
static struct lkdb_error *read_huge(struct kernel *k, struct ktypes *t,
				    struct kernel_meminfo *m)
{
	uint64_t hstates, hstates_size, size, order, nr, nr_size, fr, fr_size,
		 order_size, count;
	struct lkdb_error *err = vmlinux_symbol(k->vmlinux, "hstates",
						&hstates, &hstates_size);
	if (err && err->code == LKDB_ERROR_NOT_FOUND) {
		/* Built without CONFIG_HUGETLBFS: no huge pages at all. */
		lkdb_error_destroy(err);
		return NULL;
	}
	if (err ||
	    (err = ktypes_size(t, "hstate", &size)) ||
	    (err = ktypes_member(t, "hstate", "order", &order, &order_size)) ||
	    (err = ktypes_member(t, "hstate", "nr_huge_pages", &nr,
				 &nr_size)) ||
	    (err = ktypes_member(t, "hstate", "free_huge_pages", &fr,
				 &fr_size)) ||
	    (err = kernel_read_variable_uint(k, "hugetlb_max_hstate", "huge pages", 0, 4,
				 &count)))
		return err;
	if (!size || count > hstates_size / size || count > MEMINFO_MAX_HSTATES)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "hugetlb_max_hstate is %" PRIu64 ", more than hstates[] holds",
					 count);
	uint64_t base = hstates + k->kaslr_offset;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t h = base + i * size, o, n, f;
		if ((err = kernel_read_uint(k, h + order, order_size, &o)) ||
		    (err = kernel_read_uint(k, h + nr, nr_size, &n)) ||
		    (err = kernel_read_uint(k, h + fr, fr_size, &f)))
			return lkdb_error_prefix(err, "hstates[%" PRIu64 "]", i);
		if (o >= 32)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "hstates[%" PRIu64 "] has order %" PRIu64,
						 i, o);
		m->huge_total += n << o;
		m->huge_free += f << o;
	}
	m->have_huge = true;
	return NULL;
}

static struct lkdb_error *read_swap(struct kernel *k, struct kernel_meminfo *m)
{
	uint64_t total, free;
	struct lkdb_error *err;
	if ((err = kernel_read_variable_uint(k, "total_swap_pages", "swap", 0, 8, &total)) ||
	    (err = kernel_read_variable_uint(k, "nr_swap_pages", "swap", 0, 8, &free)))
		return err;
	m->swap_total = (int64_t)total < 0 ? 0 : total;
	m->swap_free = (int64_t)free < 0 ? 0 : free;
	m->have_swap = true;
	return NULL;
}

/*
 * percpu_counter_sum(): the count plus each possible CPU's s32 delta not
 * yet folded in, as vm_memory_committed() sums them since Feng Tang's
 * "mm/util.c: make vm_memory_committed() more accurate" (5.8): the
 * deltas are large, so the count alone is far off (crash reads only it).
 */
static struct lkdb_error *percpu_counter_sum(struct kernel *k,
					     struct ktypes *t,
					     const char *name, int64_t *ret)
{
	uint64_t count, count_size, counters, v, base;
	struct lkdb_error *err;
	if ((err = ktypes_member(t, "percpu_counter", "count", &count,
				 &count_size)) ||
	    (err = ktypes_member(t, "percpu_counter", "counters", &counters,
				 NULL)) ||
	    (err = kernel_read_variable_uint(k, name, "overcommit accounting", count,
				 count_size, &v)) ||
	    (err = kernel_read_variable_uint(k, name, "overcommit accounting", counters, 8,
				 &base)))
		return err;
	int64_t sum = (int64_t)v;
	struct percpu_cpus *cpus;
	if ((err = kernel_read_cpus(k, &cpus)))
		return err;
	for (unsigned int cpu = 0; cpu < cpus->nr_cpu_ids && !err; cpu++) {
		uint64_t addr, delta;
		if (!cpus->possible[cpu])
			continue;
		err = percpu_address(cpus, cpu, base, &addr);
		if (!err)
			err = kernel_read_uint(k, addr, 4, &delta);
		if (err)
			err = lkdb_error_prefix(err, "%s on CPU %u", name, cpu);
		else
			sum += (int32_t)(uint32_t)delta;
	}
	percpu_cpus_destroy(cpus);
	*ret = sum;
	return err;
}

/* vm_commit_limit() and vm_memory_committed(), as /proc/meminfo shows them. */
static struct lkdb_error *read_commit(struct kernel *k, struct ktypes *t,
				      struct kernel_meminfo *m)
{
	const char *why = "overcommit accounting";
	uint64_t kbytes, ratio;
	int64_t committed;
	struct lkdb_error *err;
	if ((err = kernel_read_variable_uint(k, "sysctl_overcommit_kbytes", why, 0, 8,
				 &kbytes)) ||
	    (err = kernel_read_variable_uint(k, "sysctl_overcommit_ratio", why, 0, 4,
				 &ratio)) ||
	    (err = percpu_counter_sum(k, t, "vm_committed_as", &committed)))
		return err;
	uint64_t shift = k->arch->page_shift - 10;
	if (kbytes)
		m->commit_limit = kbytes >> shift;
	else
		m->commit_limit = (m->total - m->huge_total) * (uint32_t)ratio /
				  100;
	m->commit_limit += m->swap_total;
	m->committed = committed < 0 ? 0 : (uint64_t)committed;
	m->have_commit = true;
	return NULL;
}

struct lkdb_error *kernel_read_meminfo(struct kernel *k,
				       struct kernel_meminfo *m)
{
	memset(m, 0, sizeof(*m));
	m->page_size = kernel_page_size(k);
	struct ktypes *t;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err)
		return err;
	if ((err = read_total(k, &m->total)))
		return lkdb_error_prefix(err, "TOTAL MEM");
	m->have_total = true;
	err = vm_stat(k, t, "vm_zone_stat", "NR_VM_ZONE_STAT_ITEMS",
		      "NR_FREE_PAGES", &m->free);
	if (err)
		warn(m, "FREE", err);
	else
		m->have_free = true;
	if ((err = read_buffers(k, t, &m->buffers)))
		warn(m, "BUFFERS", err);
	else
		m->have_buffers = true;
	if ((err = read_swap(k, m)))
		warn(m, "SWAP", err);
	uint64_t file = 0, swapcache = 0;
	err = node_stat(k, t, "NR_FILE_PAGES", &file);
	if (!err) {
		err = node_stat(k, t, "NR_SWAPCACHE", &swapcache);
		if (err && err->code == LKDB_ERROR_NOT_FOUND && m->have_swap &&
		    !m->swap_total) {
			/* No swap, so no swap cache. */
			lkdb_error_destroy(err);
			err = NULL;
		}
	}
	if (!err && !m->have_buffers)
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"needs BUFFERS, which could not be read");
	if (err) {
		warn(m, "CACHED", err);
	} else {
		uint64_t minus = swapcache + m->buffers;
		m->cached = file > minus ? file - minus : 0;
		m->have_cached = true;
	}
	if ((err = read_slab(k, t, &m->slab)))
		warn(m, "SLAB", err);
	else
		m->have_slab = true;
	bool huge_known = true;
	if ((err = read_huge(k, t, m))) {
		warn(m, "HUGE", err);
		huge_known = false;
	}
	/* The limit leaves out the huge pages and adds the swap. */
	if (!huge_known || !m->have_swap)
		warn(m, "COMMIT", lkdb_error_create(LKDB_ERROR_INVALID,
						    "needs %s, which could not be read",
						    huge_known ? "SWAP" : "HUGE"));
	else if ((err = read_commit(k, t, m)))
		warn(m, "COMMIT", err);
	return NULL;
}

void kernel_meminfo_deinit(struct kernel_meminfo *m)
{
	lkdb_warnings_free(m->warnings, m->nr_warnings);
	m->warnings = NULL;
	m->nr_warnings = 0;
}
