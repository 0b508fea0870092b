// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/tasks/timers.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/addrset.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/trees.h"
#include "kernel-helpers/memory/percpu.h"

static struct lkdb_error *warn(struct kernel_timers *t, const char *fmt,
			       uint64_t a, const char *why)
{
	return lkdb_warning_append(&t->warnings, &t->nr_warnings, fmt, a, why);
}

static struct lkdb_error *add_timer(struct kernel_timer_base *b, size_t *cap,
				    const struct kernel_timer *tm)
{
	if (b->nr == *cap) {
		size_t n = *cap ? *cap * 2 : 16;
		struct kernel_timer *p = realloc(b->timers, n * sizeof(*p));
		if (!p)
			return &lkdb_error_oom;
		b->timers = p;
		*cap = n;
	}
	b->timers[b->nr] = *tm;
	b->timers[b->nr].seq = b->nr;
	b->nr++;
	return NULL;
}

static struct lkdb_error *add_base(struct kernel_timers *t, size_t *cap,
				   struct kernel_timer_base **ret)
{
	if (t->nr == *cap) {
		size_t n = *cap ? *cap * 2 : 8;
		struct kernel_timer_base *p = realloc(t->bases, n * sizeof(*p));
		if (!p)
			return &lkdb_error_oom;
		t->bases = p;
		*cap = n;
	}
	*ret = &t->bases[t->nr++];
	memset(*ret, 0, sizeof(**ret));
	return NULL;
}

struct wheel_layout {
	uint64_t base_size, vectors, nr_vectors;
	uint64_t entry, expires, function;	/* struct timer_list */
};

/*
 * One bucket's hlist of timer_lists.  seen is the base's: a timer met
 * again (a loop, or buckets whose chains merge) ends the bucket with a
 * warning, and so does the base's KERNEL_TIMERS_MAX.
 */
static struct lkdb_error *walk_bucket(struct kernel *k, struct kernel_timers *t,
				      const struct wheel_layout *l,
				      struct kernel_timer_base *b, size_t *cap,
				      struct addr_set *seen, uint64_t node)
{
	struct lkdb_error *err = NULL;
	while (node && !err) {
		if (b->nr == KERNEL_TIMERS_MAX)
			return warn(t, "timer_base 0x%" PRIx64 ": %s", b->addr,
				    "too many timers: the walk stopped");
		int added = addr_set_add(seen, node);
		if (added < 0)
			return &lkdb_error_oom;
		if (!added)
			return warn(t, "timer list node 0x%" PRIx64 ": %s", node,
				    "seen twice (a loop)");
		struct kernel_timer tm = { .addr = node - l->entry };
		uint64_t next;
		struct lkdb_error *e = kernel_read_uint(k, node, 8, &next);
		if (!e)
			e = kernel_read_uint(k, tm.addr + l->expires, 8, &tm.expires);
		if (!e)
			e = kernel_read_uint(k, tm.addr + l->function, 8, &tm.function);
		if (e) {
			err = warn(t, "timer_list 0x%" PRIx64 ": %s", tm.addr, e->message);
			lkdb_error_destroy(e);
			break;
		}
		err = add_timer(b, cap, &tm);
		node = next;
	}
	return err;
}

struct lkdb_error *kernel_read_timer_wheel(struct kernel *k,
					   struct kernel_timers *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *types;
	struct wheel_layout l;
	uint64_t bases, bases_size, vec_size, link, var_off;
	struct percpu_cpus *cpus;
	struct lkdb_error *err = kernel_types(k, &types);
	if (err || (err = ktypes_size(types, "timer_base", &l.base_size)) ||
	    (err = ktypes_member(types, "timer_base", "vectors", &l.vectors, &vec_size)) ||
	    (err = ktypes_member(types, "timer_list", "entry", &l.entry, NULL)) ||
	    (err = ktypes_member(types, "timer_list", "expires", &l.expires, NULL)) ||
	    (err = ktypes_member(types, "timer_list", "function", &l.function, NULL)) ||
	    (err = ktypes_var_member(types, "timer_bases", NULL, &var_off, &bases_size)) ||
	    (err = kernel_need_symbol(k, "timer_bases", "the timer wheel", &bases)) ||
	    (err = kernel_need_symbol(k, "jiffies", "the timer tick", &link)) ||
	    (err = kernel_read_uint(k, link + k->kaslr_offset, 8, &ret->jiffies)))
		return err;
	l.nr_vectors = vec_size / 8;
	/* A size of 0 (a layout that is no kernel's) is no divisor. */
	uint64_t count = l.base_size ? bases_size / l.base_size : 0;
	unsigned int nr_bases = count <= 8 ? (unsigned int)count : 0;
	if (!nr_bases || !l.nr_vectors || l.nr_vectors > 4096)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "timer_bases: %" PRIu64 " bytes of %" PRIu64 "-byte bases with %" PRIu64 " vectors",
					 bases_size, l.base_size, l.nr_vectors);
	/*
	 * The bases are macros (kernel/time/timer.c), not an enum: told by
	 * their count.  6.9+: BASE_LOCAL, BASE_GLOBAL, BASE_DEF; before,
	 * BASE_STD and BASE_DEF (NO_HZ_COMMON) or BASE_STD alone.
	 */
	static const char *const two[] = { "BASE_STD", "BASE_DEF" };
	static const char *const three[] = { "BASE_LOCAL", "BASE_GLOBAL", "BASE_DEF" };
	const char *const *names = nr_bases == 3 ? three : two;
	unsigned int nr_names = nr_bases == 3 ? 3 : 2;
	struct lkdb_error *e;
	if ((err = kernel_read_cpus(k, &cpus)))
		return err;
	uint64_t *vectors = calloc(l.nr_vectors, 8);
	if (!vectors) {
		percpu_cpus_destroy(cpus);
		return &lkdb_error_oom;
	}
	size_t bcap = 0;
	for (unsigned int cpu = 0; cpu < cpus->nr_cpu_ids && !err; cpu++) {
		uint64_t first;
		if (!cpus->possible[cpu])
			continue;
		if ((err = percpu_address(cpus, cpu, bases, &first)))
			break;
		for (unsigned int i = 0; i < nr_bases && !err; i++) {
			struct kernel_timer_base *b;
			if ((err = add_base(ret, &bcap, &b)))
				break;
			b->cpu = cpu;
			b->index = i;
			b->name = i < nr_names ? names[i] : "BASE_?";
			b->addr = first + i * l.base_size;
			e = kernel_memory(k)->read(kernel_memory(k)->context,
						   b->addr + l.vectors, vectors,
						   l.nr_vectors * 8);
			if (e) {
				err = warn(ret, "timer_base 0x%" PRIx64 ": %s", b->addr,
					   e->message);
				lkdb_error_destroy(e);
				continue;
			}
			size_t cap = 0;
			struct addr_set seen = { 0 };
			for (uint64_t j = 0; j < l.nr_vectors && !err; j++)
				if (vectors[j])
					err = walk_bucket(k, ret, &l, b, &cap, &seen,
							  vectors[j]);
			addr_set_deinit(&seen);
		}
	}
	free(vectors);
	percpu_cpus_destroy(cpus);
	if (err)
		kernel_timers_deinit(ret);
	return err;
}

struct lkdb_error *kernel_hrtimer_cpu_base(struct kernel *k, unsigned int cpu,
					   uint64_t *ret)
{
	uint64_t bases;
	struct percpu_cpus *cpus;
	struct lkdb_error *err = kernel_need_symbol(k, "hrtimer_bases", "hrtimers",
						    &bases);
	if (err || (err = kernel_read_cpus(k, &cpus)))
		return err;
	err = percpu_address(cpus, cpu, bases, ret);
	percpu_cpus_destroy(cpus);
	return err;
}

struct lkdb_error *kernel_read_hrtimers(struct kernel *k,
					struct kernel_timers *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *types;
	uint64_t bases, clock_base, clock_bases_size, cb_size, get_time, offset,
		active, root, node_node, h_node, h_expires, h_soft, h_function, link;
	struct percpu_cpus *cpus;
	struct lkdb_error *err = kernel_types(k, &types);
	if (err ||
	    (err = ktypes_member(types, "hrtimer_cpu_base", "clock_base", &clock_base,
				 &clock_bases_size)) ||
	    (err = ktypes_size(types, "hrtimer_clock_base", &cb_size)) ||
	    (err = ktypes_member(types, "hrtimer_clock_base", "get_time", &get_time, NULL)) ||
	    (err = ktypes_member(types, "hrtimer_clock_base", "offset", &offset, NULL)) ||
	    (err = ktypes_member(types, "hrtimer_clock_base", "active", &active, NULL)) ||
	    (err = ktypes_member(types, "timerqueue_head", "rb_root.rb_root.rb_node", &root,
				 NULL)) ||
	    (err = ktypes_member(types, "timerqueue_node", "node", &node_node, NULL)) ||
	    (err = ktypes_member(types, "hrtimer", "node", &h_node, NULL)) ||
	    (err = ktypes_member(types, "hrtimer", "node.expires", &h_expires, NULL)) ||
	    (err = ktypes_member(types, "hrtimer", "_softexpires", &h_soft, NULL)) ||
	    (err = ktypes_member(types, "hrtimer", "function", &h_function, NULL)) ||
	    (err = kernel_need_symbol(k, "hrtimer_bases", "hrtimers", &bases)) ||
	    (err = kernel_need_symbol(k, "jiffies", "the timer tick", &link)) ||
	    (err = kernel_read_uint(k, link + k->kaslr_offset, 8, &ret->jiffies)))
		return err;
	uint64_t count = cb_size ? clock_bases_size / cb_size : 0;
	unsigned int nr_clocks = count <= 16 ? (unsigned int)count : 0;
	if (!nr_clocks)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "hrtimer_cpu_base.clock_base: %" PRIu64 " bytes of %" PRIu64 "-byte clock bases",
					 clock_bases_size, cb_size);
	if ((err = kernel_read_cpus(k, &cpus)))
		return err;
	size_t bcap = 0;
	for (unsigned int cpu = 0; cpu < cpus->nr_cpu_ids && !err; cpu++) {
		uint64_t cpu_base;
		if (!cpus->possible[cpu])
			continue;
		if ((err = percpu_address(cpus, cpu, bases, &cpu_base)))
			break;
		for (unsigned int i = 0; i < nr_clocks && !err; i++) {
			struct kernel_timer_base *b;
			if ((err = add_base(ret, &bcap, &b)))
				break;
			b->cpu = cpu;
			b->index = i;
			b->addr = cpu_base + clock_base + i * cb_size;
			uint64_t off = 0, top = 0;
			struct lkdb_error *e = kernel_read_uint(k, b->addr + get_time, 8,
								&b->get_time);
			if (!e)
				e = kernel_read_uint(k, b->addr + offset, 8, &off);
			if (!e)
				e = kernel_read_uint(k, b->addr + active + root, 8, &top);
			b->offset = (int64_t)off;
			struct tree_entries tree = { 0 };
			if (!e)
				e = kernel_rbtree_walk(k, top, true, &tree);
			for (size_t w = 0; w < tree.nr_warnings && !err; w++)
				err = warn(ret, "hrtimer clock base 0x%" PRIx64 ": %s",
					   b->addr, tree.warnings[w]);
			if (e) {
				if (!err)
					err = warn(ret, "hrtimer clock base 0x%" PRIx64 ": %s",
						   b->addr, e->message);
				lkdb_error_destroy(e);
			}
			size_t cap = 0;
			for (size_t j = 0; j < tree.nr && !err; j++) {
				/* The bound timers.h promises for a clock base too. */
				if (b->nr == KERNEL_TIMERS_MAX) {
					err = warn(ret, "hrtimer clock base 0x%" PRIx64 ": %s",
						   b->addr, "too many timers: the walk stopped");
					break;
				}
				struct kernel_timer tm = {
					.addr = tree.entries[j].entry - node_node - h_node,
				};
				e = kernel_read_uint(k, tm.addr + h_expires, 8, &tm.expires);
				if (!e)
					e = kernel_read_uint(k, tm.addr + h_soft, 8, &tm.softexpires);
				if (!e)
					e = kernel_read_uint(k, tm.addr + h_function, 8,
							     &tm.function);
				if (e) {
					err = warn(ret, "hrtimer 0x%" PRIx64 ": %s", tm.addr,
						   e->message);
					lkdb_error_destroy(e);
					continue;
				}
				err = add_timer(b, &cap, &tm);
			}
			tree_entries_deinit(&tree);
		}
	}
	percpu_cpus_destroy(cpus);
	if (err)
		kernel_timers_deinit(ret);
	return err;
}

void kernel_timers_deinit(struct kernel_timers *t)
{
	for (size_t i = 0; i < t->nr; i++)
		free(t->bases[i].timers);
	free(t->bases);
	lkdb_warnings_free(t->warnings, t->nr_warnings);
	memset(t, 0, sizeof(*t));
}
