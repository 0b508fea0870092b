// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/vmstat.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/memory/percpu.h"

/* More items than any of the enums has (vm_event_item: ~110 in 6.12). */
#define VMSTAT_ITEMS_MAX 512

struct group_source {
	const char *title;
	const char *first;	/* the enum's first enumerator */
	const char *count;	/* its count enumerator */
	const char *array;	/* the global array, or the per-CPU struct */
	bool percpu;
};

/*
 * The enums' first enumerators: NR_FREE_PAGES since 2.6.18; NR_LRU_BASE
 * since node_stat_item came in 4.8 (commit 75ef71840539 "mm, vmstat: add
 * infrastructure for per-node vmstats"); PGPGIN since vm_event_item came
 * in 2.6.18.
 */
static const struct group_source sources[] = {
	{ "VM_ZONE_STAT", "NR_FREE_PAGES", "NR_VM_ZONE_STAT_ITEMS",
	  "vm_zone_stat", false },
	{ "VM_NODE_STAT", "NR_LRU_BASE", "NR_VM_NODE_STAT_ITEMS",
	  "vm_node_stat", false },
	{ "VM_EVENT_STATES", "PGPGIN", "NR_VM_EVENT_ITEMS",
	  "vm_event_states", true },
};

/* Names by number: the last enumerator of each number below count. */
static struct lkdb_error *group_names(struct ktypes *t,
				      const struct group_source *src,
				      struct kernel_vmstat_group *g)
{
	int64_t count;
	struct lkdb_error *err = ktypes_enumerator(t, src->count, &count);
	if (err)
		return err;
	if (count <= 0 || count > VMSTAT_ITEMS_MAX)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s is %" PRId64 ": not a number of items",
					 src->count, count);
	char **names;
	int64_t *values;
	size_t n;
	err = ktypes_enumerators_from(t, src->first, VMSTAT_ITEMS_MAX, &names,
				      &values, &n);
	if (err)
		return err;
	g->names = calloc((size_t)count, sizeof(*g->names));
	g->values = calloc((size_t)count, sizeof(*g->values));
	if (!g->names || !g->values)
		err = &lkdb_error_oom;
	for (size_t i = 0; !err && i < n; i++) {
		if (values[i] < 0 || values[i] >= count)
			continue;
		free(g->names[values[i]]);
		g->names[values[i]] = names[i];
		names[i] = NULL;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(values);
	g->n = err ? 0 : (size_t)count;
	g->title = src->title;
	return err;
}

static struct lkdb_error *read_values(struct kernel *k,
				      const struct group_source *src,
				      struct kernel_vmstat_group *g)
{
	uint64_t addr;
	struct lkdb_error *err = kernel_need_symbol(k, src->array,
						    "vm statistics", &addr);
	if (err)
		return err;
	if (!src->percpu) {
		uint64_t *raw = malloc(8 * g->n);
		if (!raw)
			return &lkdb_error_oom;
		err = k->memory.read(k->memory.context, addr + k->kaslr_offset,
				     raw, 8 * g->n);
		for (size_t i = 0; !err && i < g->n; i++)
			g->values[i] = raw[i];
		free(raw);
		return err ? lkdb_error_prefix(err, "reading %s", src->array) :
			     NULL;
	}
	struct percpu_cpus *cpus;
	if ((err = kernel_read_cpus(k, &cpus)))
		return err;
	uint64_t *raw = malloc(8 * g->n);
	if (!raw)
		err = &lkdb_error_oom;
	for (unsigned int cpu = 0; !err && cpu < cpus->nr_cpu_ids; cpu++) {
		uint64_t at;
		if (!cpus->possible[cpu])
			continue;
		err = percpu_address(cpus, cpu, addr, &at);
		if (!err)
			err = k->memory.read(k->memory.context, at, raw, 8 * g->n);
		if (err)
			err = lkdb_error_prefix(err, "%s of CPU %u", src->array,
						cpu);
		for (size_t i = 0; !err && i < g->n; i++)
			g->values[i] += raw[i];
	}
	free(raw);
	percpu_cpus_destroy(cpus);
	return err;
}

struct lkdb_error *kernel_read_vmstat(struct kernel *k,
				      struct kernel_vmstat *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		struct kernel_vmstat_group *g = &ret->groups[ret->nr_groups];
		err = group_names(t, &sources[i], g);
		if (!err)
			err = read_values(k, &sources[i], g);
		if (!err) {
			ret->nr_groups++;
			continue;
		}
		/* The events need CONFIG_VM_EVENT_COUNTERS: said, not fatal. */
		bool optional = sources[i].percpu &&
				err->code == LKDB_ERROR_NOT_FOUND;
		kernel_vmstat_group_deinit(g);
		if (!optional) {
			kernel_vmstat_deinit(ret);
			return err;
		}
		struct lkdb_error *e = lkdb_warning_append(
			&ret->warnings, &ret->nr_warnings,
			"no vm events (CONFIG_VM_EVENT_COUNTERS off?): %s",
			err->message);
		lkdb_error_destroy(err);
		if (e)
			return e;
	}
	return NULL;
}

struct lkdb_error *kernel_vmstat_zone_items(struct kernel *k,
					    struct kernel_vmstat_group *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = group_names(t, &sources[0], ret);
	if (err)
		kernel_vmstat_group_deinit(ret);
	return err;
}

void kernel_vmstat_group_deinit(struct kernel_vmstat_group *g)
{
	for (size_t j = 0; j < g->n; j++)
		free(g->names[j]);
	free(g->names);
	free(g->values);
	memset(g, 0, sizeof(*g));
}

void kernel_vmstat_deinit(struct kernel_vmstat *v)
{
	for (size_t i = 0; i < v->nr_groups; i++)
		kernel_vmstat_group_deinit(&v->groups[i]);
	lkdb_warnings_free(v->warnings, v->nr_warnings);
	memset(v, 0, sizeof(*v));
}
