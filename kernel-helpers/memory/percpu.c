// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/percpu.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/vmlinux.h"

static void lookup(const struct vmlinux *vm, const char *name,
		   uint64_t *addr_ret, uint64_t *size_ret)
{
	struct lkdb_error *err = vmlinux_symbol(vm, name, addr_ret, size_ret);
	if (err) {
		*addr_ret = 0;
		if (size_ret)
			*size_ret = 0;
		lkdb_error_destroy(err);
	}
}

void percpu_symbols_lookup(const struct vmlinux *vm,
			   struct percpu_symbols *ret)
{
	memset(ret, 0, sizeof(*ret));
	lookup(vm, "__per_cpu_offset", &ret->per_cpu_offset, NULL);
	lookup(vm, "nr_cpu_ids", &ret->nr_cpu_ids, NULL);
	/* Renamed in 4.5, commit c4c54dd1caf1. */
	lookup(vm, "__cpu_possible_mask", &ret->possible_mask,
	       &ret->possible_mask_size);
	if (!ret->possible_mask)
		lookup(vm, "cpu_possible_bits", &ret->possible_mask,
		       &ret->possible_mask_size);
	lookup(vm, "__cpu_online_mask", &ret->online_mask,
	       &ret->online_mask_size);
	if (!ret->online_mask)
		lookup(vm, "cpu_online_bits", &ret->online_mask,
		       &ret->online_mask_size);
}

void percpu_cpus_destroy(struct percpu_cpus *cpus)
{
	if (!cpus)
		return;
	free(cpus->offsets);
	free(cpus->possible);
	free(cpus->online);
	free(cpus);
}

/* Read a cpumask of size bytes at addr into n bools. */
static struct lkdb_error *read_mask(const struct kernel_memory_reader *mem,
				    const char *name, uint64_t addr,
				    uint64_t size, unsigned int n, bool *bits,
				    unsigned int *count_ret)
{
	if (!addr)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the kernel has no %s symbol", name);
	if (size < (n + 7) / 8)
		size = (n + 7) / 8;
	unsigned char *buf = malloc(size);
	if (!buf)
		return &lkdb_error_oom;
	struct lkdb_error *err = mem->read(mem->context, addr, buf, size);
	if (err) {
		free(buf);
		return lkdb_error_prefix(err, "reading %s", name);
	}
	unsigned int count = 0;
	for (unsigned int i = 0; i < n; i++) {
		bits[i] = buf[i / 8] >> (i % 8) & 1;
		count += bits[i];
	}
	free(buf);
	*count_ret = count;
	return NULL;
}

struct lkdb_error *percpu_read_cpus(const struct kernel_memory_reader *mem,
				    const struct percpu_symbols *syms,
				    uint64_t kaslr_offset,
				    struct percpu_cpus **ret)
{
	if (!syms->possible_mask)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the kernel has no __cpu_possible_mask or cpu_possible_bits symbol");
	if (!syms->per_cpu_offset)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the kernel has no __per_cpu_offset symbol (not an SMP kernel?)");
	struct lkdb_error *err;
	unsigned int n;
	if (syms->nr_cpu_ids) {
		uint32_t v;
		err = mem->read(mem->context, syms->nr_cpu_ids + kaslr_offset,
				&v, sizeof(v));
		if (err)
			return lkdb_error_prefix(err, "reading nr_cpu_ids");
		if (v == 0 || v > PERCPU_MAX_CPUS)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "nr_cpu_ids is %" PRIu32 ", not 1-%d",
						 v, PERCPU_MAX_CPUS);
		n = v;
	} else {
		uint64_t bits = syms->possible_mask_size * 8;
		if (bits == 0 || bits > PERCPU_MAX_CPUS)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "the possible CPU mask has %" PRIu64 " bits, not 1-%d",
						 bits, PERCPU_MAX_CPUS);
		n = (unsigned int)bits;
	}
	struct percpu_cpus *c = calloc(1, sizeof(*c));
	if (!c)
		return &lkdb_error_oom;
	c->nr_cpu_ids = n;
	c->offsets = calloc(n, sizeof(*c->offsets));
	c->possible = calloc(n, sizeof(*c->possible));
	c->online = calloc(n, sizeof(*c->online));
	if (!c->offsets || !c->possible || !c->online) {
		percpu_cpus_destroy(c);
		return &lkdb_error_oom;
	}
	err = read_mask(mem, "__cpu_possible_mask",
			syms->possible_mask + kaslr_offset,
			syms->possible_mask_size, n, c->possible,
			&c->nr_possible);
	if (!err && syms->online_mask)
		err = read_mask(mem, "__cpu_online_mask",
				syms->online_mask + kaslr_offset,
				syms->online_mask_size, n, c->online,
				&c->nr_online);
	if (!err) {
		err = mem->read(mem->context,
				syms->per_cpu_offset + kaslr_offset,
				c->offsets, n * sizeof(*c->offsets));
		if (err)
			err = lkdb_error_prefix(err, "reading __per_cpu_offset");
	}
	if (err) {
		percpu_cpus_destroy(c);
		return err;
	}
	*ret = c;
	return NULL;
}

void percpu_format_cpulist(const bool *mask, unsigned int n, char *buf,
			   size_t size)
{
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	for (unsigned int i = 0; i < n; i++) {
		if (!mask[i])
			continue;
		unsigned int j = i;
		while (j + 1 < n && mask[j + 1])
			j++;
		int w;
		if (j == i)
			w = snprintf(buf + len, size - len, "%s%u",
				     len ? "," : "", i);
		else
			w = snprintf(buf + len, size - len, "%s%u-%u",
				     len ? "," : "", i, j);
		if (w < 0 || (size_t)w >= size - len)
			return;
		len += w;
		i = j;
	}
}

struct lkdb_error *percpu_address(const struct percpu_cpus *cpus,
				  unsigned int cpu, uint64_t offset,
				  uint64_t *addr_ret)
{
	if (cpu >= cpus->nr_cpu_ids || !cpus->possible[cpu]) {
		char list[256];
		percpu_format_cpulist(cpus->possible, cpus->nr_cpu_ids, list,
				      sizeof(list));
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "CPU %u out of range (possible CPUs: %s)",
					 cpu, list);
	}
	*addr_ret = cpus->offsets[cpu] + offset;
	return NULL;
}

struct lkdb_error *kernel_read_cpus(struct kernel *k,
				    struct percpu_cpus **ret)
{
	struct percpu_symbols syms;
	percpu_symbols_lookup(k->vmlinux, &syms);
	return percpu_read_cpus(kernel_memory(k), &syms, k->kaslr_offset,
				ret);
}
