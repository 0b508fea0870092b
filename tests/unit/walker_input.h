/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake kernel as one byte string: the input of the memory walkers' fuzz
 * targets (tests/fuzz/fuzz_{tasks,modules,printk,...}.c), and the writer the
 * unit tests use to save the kernels they build as the targets' seeds
 * (run a unit test with LKDB_FUZZ_SEED_DIR=DIR).  Little-endian:
 *
 *   u32 flags                 bit 0: the reader takes batches (live targets)
 *   u32 layout_len            then a ktypes table of that many bytes
 *                             (ktypes_create_from_table's format)
 *   u32 nr_values             then that many u64: the walker's symbols and
 *                             such, in the order its target documents;
 *                             values not given are 0
 *   regions, to the end:      u64 addr, u32 len, u32 stored, then stored
 *                             bytes (at most len) that begin the region;
 *                             the rest is zeros, so a short input can map
 *                             a big region
 *
 * Bounds keep every input cheap: at most WALKER_VALUES_MAX values,
 * FAKE_MEMORY_REGIONS regions, WALKER_REGION_MAX bytes a region and
 * WALKER_MEMORY_MAX in all; what lies beyond is ignored.
 */
#ifndef LKDB_WALKER_INPUT_H
#define LKDB_WALKER_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/log/printk.h"
#include "kernel-helpers/memory/nodes.h"
#include "kernel-helpers/memory/percpu.h"
#include "kernel-helpers/memory/slabwalk.h"
#include "kernel-helpers/tasks/tasks.h"

#define WALKER_VALUES_MAX 16
#define WALKER_REGION_MAX (1u << 20)
#define WALKER_MEMORY_MAX (8u << 20)
#define WALKER_FLAG_BATCH 1u

struct walker_input {
	uint32_t flags;
	char *layout;		/* NUL-terminated */
	uint64_t values[WALKER_VALUES_MAX];
	struct fake_memory memory;
};

static inline uint64_t walker_get(const uint8_t *p, unsigned int size)
{
	uint64_t v = 0;
	for (unsigned int i = size; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* False when the input is too short for its header (or out of memory). */
static inline bool walker_input_parse(const uint8_t *data, size_t size,
				      struct walker_input *in)
{
	size_t pos = 0, mapped = 0;
	memset(in, 0, sizeof(*in));
	if (size < 8)
		return false;
	in->flags = (uint32_t)walker_get(data, 4);
	uint64_t layout_len = walker_get(data + 4, 4);
	pos = 8;
	if (layout_len > size - pos)
		return false;
	in->layout = malloc(layout_len + 1);
	if (!in->layout)
		return false;
	memcpy(in->layout, data + pos, layout_len);
	in->layout[layout_len] = '\0';
	pos += layout_len;
	if (size - pos < 4)
		return false;
	uint64_t nr_values = walker_get(data + pos, 4);
	pos += 4;
	for (uint64_t i = 0; i < nr_values && size - pos >= 8; i++, pos += 8) {
		if (i < WALKER_VALUES_MAX)
			in->values[i] = walker_get(data + pos, 8);
	}
	while (size - pos >= 16 && in->memory.n < FAKE_MEMORY_REGIONS) {
		uint64_t addr = walker_get(data + pos, 8);
		uint64_t len = walker_get(data + pos + 8, 4);
		uint64_t stored = walker_get(data + pos + 12, 4);
		pos += 16;
		size_t have = stored < size - pos ? (size_t)stored : size - pos;
		if (have > len)
			have = (size_t)len;
		if (len && len <= WALKER_REGION_MAX &&
		    len <= WALKER_MEMORY_MAX - mapped) {
			unsigned char *bytes = map(&in->memory, addr, len);
			if (!bytes)
				return false;
			memcpy(bytes, data + pos, have);
			mapped += len;
		}
		pos += have;
	}
	return true;
}

static inline void walker_input_deinit(struct walker_input *in)
{
	free(in->layout);
	unmap_all(&in->memory);
}

/*
 * A fuzz target's start: the input parsed, its layout as ktypes, a reader
 * of its memory (in batches if the input says so).  False when the input
 * is unusable; walker_input_finish() in every case.
 */
static inline bool walker_input_start(const uint8_t *data, size_t size,
				      struct walker_input *in,
				      struct ktypes **types_ret,
				      struct kernel_memory_reader *reader_ret)
{
	*types_ret = NULL;
	if (!walker_input_parse(data, size, in))
		return false;
	struct lkdb_error *err = ktypes_create_from_table(in->layout,
							  types_ret);
	if (err) {
		lkdb_error_destroy(err);
		return false;
	}
	reader_ret->context = &in->memory;
	reader_ret->read = fake_read;
	reader_ret->read_batch = in->flags & WALKER_FLAG_BATCH ?
				 fake_read_batch : NULL;
	return true;
}

static inline void walker_input_finish(struct walker_input *in,
				       struct ktypes *types)
{
	ktypes_destroy(types);
	walker_input_deinit(in);
}

/* A fuzz target's checks: every warning one line of text ... */
static inline void walker_check_warnings(char *const *warnings, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!warnings[i] || strchr(warnings[i], '\n'))
			abort();
	}
}

/* ... an error one line, with no result besides; it is freed. */
static inline void walker_check_error(struct lkdb_error *err,
				      const void *result)
{
	if (result || !err->message || strchr(err->message, '\n'))
		abort();
	lkdb_error_destroy(err);
}

static inline void walker_put(FILE *f, uint64_t v, unsigned int size)
{
	for (unsigned int i = 0; i < size; i++)
		fputc((int)(v >> (8 * i)) & 0xff, f);
}

/*
 * Save a fake kernel as $LKDB_FUZZ_SEED_DIR/TEST-N, N counting the seeds
 * of test (nothing without the variable); trailing zeros of each region
 * are left out.  Returns false only when asked to write and that failed.
 */
static inline bool walker_seed_save(const char *test, uint32_t flags,
				    const char *layout, const uint64_t *values,
				    size_t nr_values, const struct fake_memory *m)
{
	static char last[256];
	static unsigned int count;
	const char *dir = getenv("LKDB_FUZZ_SEED_DIR");
	char path[4096];
	if (!dir || !*dir)
		return true;
	if (strcmp(last, test) != 0) {
		snprintf(last, sizeof(last), "%s", test);
		count = 0;
	}
	snprintf(path, sizeof(path), "%s/%s-%u", dir, test, ++count);
	FILE *f = fopen(path, "wbe");
	if (!f)
		return false;
	walker_put(f, flags, 4);
	walker_put(f, strlen(layout), 4);
	fputs(layout, f);
	walker_put(f, nr_values, 4);
	for (size_t i = 0; i < nr_values; i++)
		walker_put(f, values[i], 8);
	for (size_t i = 0; i < m->n; i++) {
		const struct region *r = &m->regions[i];
		size_t used = r->len;
		while (used && !r->bytes[used - 1])
			used--;
		walker_put(f, r->addr, 8);
		walker_put(f, r->len, 4);
		walker_put(f, used, 4);
		fwrite(r->bytes, 1, used, f);
	}
	return fclose(f) == 0;
}

/*
 * The values of each walker's input, in this order (packed by the unit
 * tests, unpacked by the fuzz targets).
 */

/* tasks_read: kaslr_offset, then struct tasks_symbols's fields in order. */
#define WALKER_TASKS_VALUES 11
static inline void walker_tasks_pack(const struct tasks_symbols *s,
				     uint64_t kaslr_offset, uint64_t *v)
{
	uint64_t values[WALKER_TASKS_VALUES] = {
		kaslr_offset, s->init_task, s->runqueues, s->runqueues_percpu,
		s->current_task, s->current_task_percpu, s->per_cpu_offset,
		s->nr_cpu_ids, s->totalram_pages_atomic, s->totalram_pages,
		s->task_state_array_size,
	};
	memcpy(v, values, sizeof(values));
}

static inline void walker_tasks_unpack(const uint64_t *v,
				       struct tasks_symbols *s,
				       uint64_t *kaslr_offset)
{
	*kaslr_offset = v[0];
	s->init_task = v[1];
	s->runqueues = v[2];
	s->runqueues_percpu = v[3] != 0;
	s->current_task = v[4];
	s->current_task_percpu = v[5] != 0;
	s->per_cpu_offset = v[6];
	s->nr_cpu_ids = v[7];
	s->totalram_pages_atomic = v[8];
	s->totalram_pages = v[9];
	s->task_state_array_size = v[10];
}

/* printk_read_log: kaslr_offset, then struct printk_symbols's fields. */
#define WALKER_PRINTK_VALUES 10
static inline void walker_printk_pack(const struct printk_symbols *s,
				      uint64_t kaslr_offset, uint64_t *v)
{
	uint64_t values[WALKER_PRINTK_VALUES] = {
		kaslr_offset, s->prb, s->log_buf, s->log_buf_len,
		s->log_first_idx, s->log_next_idx, s->log_first_seq,
		s->log_next_seq, s->vprintk_emit, s->tk_core,
	};
	memcpy(v, values, sizeof(values));
}

static inline void walker_printk_unpack(const uint64_t *v,
					struct printk_symbols *s,
					uint64_t *kaslr_offset)
{
	*kaslr_offset = v[0];
	s->prb = v[1];
	s->log_buf = v[2];
	s->log_buf_len = v[3];
	s->log_first_idx = v[4];
	s->log_next_idx = v[5];
	s->log_first_seq = v[6];
	s->log_next_seq = v[7];
	s->vprintk_emit = v[8];
	s->tk_core = v[9];
}

/*
 * kmodules_read and unwinder_add_module: kaslr_offset, the modules list
 * head's symbol, then a struct module whose ORC table is read and the
 * start and end of its code.
 */
enum {
	WALKER_MODULES_KASLR,
	WALKER_MODULES_HEAD,
	WALKER_MODULES_ORC_MODULE,
	WALKER_MODULES_ORC_START,
	WALKER_MODULES_ORC_END,
	WALKER_MODULES_VALUES
};

/* maple_tree_read: the struct maple_tree's address. */
enum {
	WALKER_MAPLE_TREE,
	WALKER_MAPLE_VALUES
};

/*
 * kernel_rbtree_walk and kernel_xarray_walk: the root node of a red-black
 * tree, an XArray's address, and which walks (bit 0: in order, bit 1: the
 * XArray's address is a node).
 */
enum {
	WALKER_TREES_RB_NODE,
	WALKER_TREES_XARRAY,
	WALKER_TREES_MODE,
	WALKER_TREES_VALUES
};

/*
 * kernel_slab_walk_in: the struct kmem_cache, the direct map's and the
 * page array's starts, two CPUs' per-CPU offsets (bits 0 and 1 of MODE:
 * CPU 0, CPU 1 possible), and node 0's page frames (it starts at 0).
 */
enum {
	WALKER_SLAB_CACHE,
	WALKER_SLAB_DIRECT_MAP,
	WALKER_SLAB_PAGE_ARRAY,
	WALKER_SLAB_CPU0,
	WALKER_SLAB_CPU1,
	WALKER_SLAB_MODE,
	WALKER_SLAB_NODE_PAGES,
	WALKER_SLAB_VALUES
};

/* The env of kernel_slab_walk_in made from those values (e.env). */
struct walker_slab_env {
	uint64_t offsets[2];
	bool possible[2];
	struct percpu_cpus cpus;
	struct kernel_node node;
	struct kernel_nodes nodes;
	struct slab_walk_env env;
};

static inline void walker_slab_env(const uint64_t *v,
				   struct walker_slab_env *e)
{
	e->offsets[0] = v[WALKER_SLAB_CPU0];
	e->offsets[1] = v[WALKER_SLAB_CPU1];
	e->possible[0] = v[WALKER_SLAB_MODE] & 1;
	e->possible[1] = v[WALKER_SLAB_MODE] >> 1 & 1;
	e->cpus = (struct percpu_cpus){ .nr_cpu_ids = 2, .offsets = e->offsets,
					.possible = e->possible,
					.online = e->possible };
	e->node = (struct kernel_node){ .spanned = v[WALKER_SLAB_NODE_PAGES] };
	e->nodes = (struct kernel_nodes){ .nodes = &e->node, .nr = 1 };
	e->env = (struct slab_walk_env){
		.direct_map = v[WALKER_SLAB_DIRECT_MAP],
		.page_array = v[WALKER_SLAB_PAGE_ARRAY],
		.cpus = &e->cpus, .nodes = &e->nodes };
}

/*
 * kernel_read_zones_in: node 0's pglist_data, the number of vm_stat
 * items, and MODE (bit 0: walk the free lists).
 */
enum {
	WALKER_ZONES_PGDAT,
	WALKER_ZONES_ITEMS,
	WALKER_ZONES_MODE,
	WALKER_ZONES_VALUES
};

struct walker_zones_env {
	struct kernel_node node;
	struct kernel_nodes nodes;
};

static inline void walker_zones_env(const uint64_t *v,
				    struct walker_zones_env *e)
{
	e->node = (struct kernel_node){ .pgdat = v[WALKER_ZONES_PGDAT] };
	e->nodes = (struct kernel_nodes){ .nodes = &e->node, .nr = 1 };
}

/*
 * kernel_read_wait_on_stack: the task, its stack's start and size, its
 * saved stack pointer and the kind of wait (taken modulo the kinds); then
 * kernel_read_waitqueue: a wait_queue_head.
 */
enum {
	WALKER_WAITS_TASK,
	WALKER_WAITS_STACK,
	WALKER_WAITS_STACK_SIZE,
	WALKER_WAITS_SP,
	WALKER_WAITS_KIND,
	WALKER_WAITS_QUEUE,
	WALKER_WAITS_VALUES
};

/*
 * kernel_read_timer_wheel and kernel_read_hrtimers: the KASLR offset.
 * Their symbols (jiffies, timer_bases, hrtimer_bases and the per-CPU
 * ones) are the absolute symbols of the stand-in vmlinux timers-fixture
 * (tests/unit/meson.build), which the unit test and the fuzz target share.
 */
enum {
	WALKER_TIMERS_KASLR,
	WALKER_TIMERS_VALUES
};

/*
 * kernel_read_netdevs: a task (its nsproxy's net namespace);
 * kernel_read_socket: a struct file.
 */
enum {
	WALKER_NET_TASK,
	WALKER_NET_FILE,
	WALKER_NET_VALUES
};

#endif
