/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's timers, as crash's timer and timer -r list them.
 *
 * The timer wheel (4.8+, commit 500462a9de65 "timers: Switch to a
 * non-cascading wheel"): per CPU, the struct timer_base array timer_bases
 * (BASE_STD and BASE_DEF; 6.9's commit 83a665dc99a7 "timers: Keep the
 * pinned timers separate from the others" made it BASE_LOCAL, BASE_GLOBAL
 * and BASE_DEF: the count comes from the variable's size, the names from
 * the BASE_GLOBAL enumerator), each with vectors[], hlist heads of
 * struct timer_list (entry, expires in jiffies, function).  A bucket's
 * walk is bounded and stops at a loop or an unreadable node, with a
 * warning.
 *
 * hrtimers: per CPU, hrtimer_bases (struct hrtimer_cpu_base) with
 * clock_base[HRTIMER_MAX_CLOCK_BASES], each an rbtree (active, a struct
 * timerqueue_head) of struct hrtimer (node.expires, _softexpires,
 * function), walked in order; its clock (get_time) and offset.
 */
#ifndef LKDB_TIMERS_H
#define LKDB_TIMERS_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

/* Timers on one wheel base (all its buckets), or one clock base, at most. */
#define KERNEL_TIMERS_MAX 100000

struct kernel_timer {
	uint64_t addr;		/* struct timer_list or struct hrtimer */
	uint64_t expires;	/* jiffies; hrtimer: ns of its clock */
	uint64_t softexpires;	/* hrtimer only */
	uint64_t function;
	size_t seq;		/* the order read: a sort's tie-break */
};

struct kernel_timer_base {
	unsigned int cpu;
	const char *name;	/* "BASE_STD" ...; hrtimer: NULL */
	unsigned int index;	/* hrtimer: the clock base's index */
	uint64_t addr;
	uint64_t get_time;	/* hrtimer: the clock's function */
	int64_t offset;		/* hrtimer: the clock's offset, ns */
	struct kernel_timer *timers;	/* wheel: as read; hrtimer: in order */
	size_t nr;
};

struct kernel_timers {
	uint64_t jiffies;	/* the jiffies variable */
	struct kernel_timer_base *bases;	/* by CPU, then base */
	size_t nr;
	char **warnings;
	size_t nr_warnings;
};

/* Every possible CPU's wheel bases and their timers. */
struct lkdb_error *kernel_read_timer_wheel(struct kernel *k,
					   struct kernel_timers *ret);
/* Every possible CPU's hrtimer clock bases and their timers. */
struct lkdb_error *kernel_read_hrtimers(struct kernel *k,
					struct kernel_timers *ret);
/* hrtimer_bases' address on cpu (the HRTIMER_CPU_BASE crash prints). */
struct lkdb_error *kernel_hrtimer_cpu_base(struct kernel *k, unsigned int cpu,
					   uint64_t *ret);
void kernel_timers_deinit(struct kernel_timers *t);

#endif
