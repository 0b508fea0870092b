// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/tasks/runq.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/printable.h"
#include "kernel-helpers/core/addrset.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/listwalk.h"
#include "kernel-helpers/core/trees.h"
#include "kernel-helpers/memory/percpu.h"

#define RUNQ_TASKS_MAX (1u << 16)
#define RUNQ_GROUP_DEPTH_MAX 16

struct runq_layout {
	uint64_t curr, cfs, rt;			/* in rq */
	uint64_t timeline, cfs_curr;		/* in cfs_rq */
	uint64_t rt_active, rt_queue, rt_queues;	/* rt_rq.active.queue[] */
	uint64_t run_node, my_q;		/* in sched_entity */
	bool has_my_q;
	uint64_t rt_run_list, rt_my_q;		/* in sched_rt_entity */
	bool has_rt_my_q;
	uint64_t t_rt;				/* in task_struct */
	struct kernel_runq_task_layout task;
};

struct walker {
	struct kernel *k;
	const struct runq_layout *l;
	struct kernel_runqs *r;
	struct addr_set seen;		/* tasks, per run queue */
	struct addr_set queues;		/* cfs_rq and rt_rq walked */
	unsigned int cpu;
};

static void warn(struct walker *w, struct lkdb_error *err)
{
	lkdb_error_destroy(lkdb_warning_append(&w->r->warnings,
					       &w->r->nr_warnings, "CPU %u: %s",
					       w->cpu, err->message));
	lkdb_error_destroy(err);
}

static struct lkdb_error *task_layout(struct ktypes *t,
				      struct kernel_runq_task_layout *l)
{
	struct lkdb_error *err;
	memset(l, 0, sizeof(*l));
	if ((err = ktypes_member(t, "task_struct", "se", &l->se, NULL)) ||
	    (err = ktypes_member(t, "task_struct", "pid", &l->pid, NULL)) ||
	    (err = ktypes_member(t, "task_struct", "comm", &l->comm, NULL)) ||
	    (err = ktypes_member(t, "task_struct", "prio", &l->prio, NULL)))
		return err;
	/* 6.12: delayed dequeue (commit 152e11f6df29 "sched/fair: Implement delayed dequeue"). */
	l->has_delayed = ktypes_has_member(t, "sched_entity", "sched_delayed");
	if (l->has_delayed &&
	    (err = ktypes_member(t, "sched_entity", "sched_delayed",
				 &l->delayed, NULL)))
		return err;
	return NULL;
}

static struct lkdb_error *get_layout(struct ktypes *t, struct runq_layout *l)
{
	uint64_t size;
	struct lkdb_error *err;
	memset(l, 0, sizeof(*l));
	if ((err = ktypes_member(t, "rq", "curr", &l->curr, NULL)) ||
	    (err = ktypes_member(t, "rq", "cfs", &l->cfs, NULL)) ||
	    (err = ktypes_member(t, "rq", "rt", &l->rt, NULL)) ||
	    (err = ktypes_member(t, "cfs_rq", "tasks_timeline", &l->timeline,
				 NULL)) ||
	    (err = ktypes_member(t, "cfs_rq", "curr", &l->cfs_curr, NULL)) ||
	    (err = ktypes_member(t, "rt_rq", "active", &l->rt_active, NULL)) ||
	    (err = ktypes_member(t, "rt_rq", "active.queue", &l->rt_queue,
				 &size)) ||
	    (err = ktypes_member(t, "sched_entity", "run_node", &l->run_node,
				 NULL)) ||
	    (err = ktypes_member(t, "sched_rt_entity", "run_list",
				 &l->rt_run_list, NULL)) ||
	    (err = ktypes_member(t, "task_struct", "rt", &l->t_rt, NULL)) ||
	    (err = task_layout(t, &l->task)))
		return err;
	l->rt_queues = size / 16;
	/* Group scheduling: an entity may be a group with its own queue. */
	l->has_my_q = ktypes_has_member(t, "sched_entity", "my_q");
	if (l->has_my_q &&
	    (err = ktypes_member(t, "sched_entity", "my_q", &l->my_q, NULL)))
		return err;
	l->has_rt_my_q = ktypes_has_member(t, "sched_rt_entity", "my_q");
	if (l->has_rt_my_q &&
	    (err = ktypes_member(t, "sched_rt_entity", "my_q", &l->rt_my_q,
				 NULL)))
		return err;
	return NULL;
}

struct lkdb_error *kernel_runq_task_layout(struct kernel *k,
					   struct kernel_runq_task_layout *ret)
{
	struct ktypes *t;
	struct lkdb_error *err = kernel_types(k, &t);
	return err ? err : task_layout(t, ret);
}

struct lkdb_error *kernel_runq_read_task(struct kernel *k,
					 const struct kernel_runq_task_layout *l,
					 uint64_t task,
					 struct kernel_runq_task *out)
{
	uint64_t pid, prio;
	struct lkdb_error *err;
	memset(out, 0, sizeof(*out));
	out->task = task;
	if ((err = kernel_read_uint(k, task + l->pid, 4, &pid)) ||
	    (err = kernel_read_uint(k, task + l->prio, 4, &prio)) ||
	    (err = k->memory.read(k->memory.context, task + l->comm,
				  out->comm, 15)))
		return lkdb_error_prefix(err, "task 0x%" PRIx64, task);
	out->comm[15] = '\0';
	lkdb_printable(out->comm, out->comm, sizeof(out->comm), "\"");
	out->pid = (int32_t)pid;
	out->prio = (int)(int32_t)prio;
	if (l->has_delayed) {
		uint64_t d;
		if (kernel_read_uint_ok(k, task + l->se + l->delayed, 1, &d))
			out->delayed = d != 0;
	}
	return NULL;
}

static struct lkdb_error *read_task(struct walker *w, uint64_t task,
				    struct kernel_runq_task *out)
{
	return kernel_runq_read_task(w->k, &w->l->task, task, out);
}

/* Append task to (*list, *nr): once per run queue, bounded. */
static void add(struct walker *w, uint64_t task, int prio_override,
		struct kernel_runq_task **list, size_t *nr)
{
	if (*nr >= RUNQ_TASKS_MAX)
		return;
	int added = addr_set_add(&w->seen, task);
	if (added < 0)
		return;
	if (!added) {
		warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
					  "task 0x%" PRIx64 " queued twice", task));
		return;
	}
	struct kernel_runq_task *p = realloc(*list, (*nr + 1) * sizeof(*p));
	if (!p)
		return;
	*list = p;
	struct lkdb_error *err = read_task(w, task, &p[*nr]);
	if (err) {
		warn(w, err);
		return;
	}
	if (prio_override >= 0)
		p[*nr].prio = prio_override;
	(*nr)++;
}

/* A cfs_rq's tasks: the current group's first, then the tree in order. */
static void walk_cfs(struct walker *w, uint64_t cfs_rq, unsigned int depth,
		     struct kernel_runq *q)
{
	const struct runq_layout *l = w->l;
	uint64_t curr, my_q, root, leftmost;
	struct lkdb_error *err;
	if (depth > RUNQ_GROUP_DEPTH_MAX) {
		warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
					  "task groups nested deeper than %u",
					  RUNQ_GROUP_DEPTH_MAX));
		return;
	}
	/* A group queue met again (a damaged my_q): walked once. */
	if (addr_set_add(&w->queues, cfs_rq) != 1) {
		warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
					  "cfs_rq 0x%" PRIx64 " met twice", cfs_rq));
		return;
	}
	if (l->has_my_q &&
	    kernel_read_uint_ok(w->k, cfs_rq + l->cfs_curr, 8, &curr) && curr &&
	    kernel_read_uint_ok(w->k, curr + l->my_q, 8, &my_q) && my_q)
		walk_cfs(w, my_q, depth + 1, q);
	if ((err = kernel_read_uint(w->k, cfs_rq + l->timeline, 8, &root)) ||
	    (err = kernel_read_uint(w->k, cfs_rq + l->timeline + 8, 8,
				    &leftmost))) {
		warn(w, lkdb_error_prefix(err, "cfs_rq 0x%" PRIx64, cfs_rq));
		return;
	}
	if (!leftmost || !root)
		return;
	struct tree_entries te;
	if ((err = kernel_rbtree_walk(w->k, root, true, &te))) {
		warn(w, lkdb_error_prefix(err, "cfs_rq 0x%" PRIx64, cfs_rq));
		return;
	}
	for (size_t i = 0; i < te.nr_warnings; i++)
		warn(w, lkdb_error_create(LKDB_ERROR_INVALID, "cfs_rq 0x%" PRIx64 ": %s",
					  cfs_rq, te.warnings[i]));
	for (size_t i = 0; i < te.nr; i++) {
		uint64_t se = te.entries[i].entry - l->run_node;
		if (l->has_my_q &&
		    kernel_read_uint_ok(w->k, se + l->my_q, 8, &my_q) && my_q) {
			walk_cfs(w, my_q, depth + 1, q);
			continue;
		}
		add(w, se - l->task.se, -1, &q->cfs, &q->nr_cfs);
	}
	tree_entries_deinit(&te);
}

/* The RT queues: each priority's list of sched_rt_entity, in order. */
static void walk_rt(struct walker *w, uint64_t queue0, unsigned int depth,
		    struct kernel_runq *q)
{
	const struct runq_layout *l = w->l;
	if (addr_set_add(&w->queues, queue0) != 1) {
		warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
					  "rt_rq queues at 0x%" PRIx64 " met twice",
					  queue0));
		return;
	}
	for (uint64_t i = 0; i < l->rt_queues; i++) {
		struct list_walk lw;
		uint64_t head = queue0 + 16 * i;
		struct lkdb_error *err = kernel_list_walk(
			kernel_memory(w->k), head, l->rt_run_list, LIST_HEAD, 0,
			RUNQ_TASKS_MAX, &lw);
		if (err)
			warn(w, lkdb_error_prefix(err, "RT queue %" PRIu64, i));
		for (size_t j = 0; j < lw.nr; j++) {
			uint64_t my_q;
			if (l->has_rt_my_q && depth < RUNQ_GROUP_DEPTH_MAX &&
			    kernel_read_uint_ok(w->k, lw.entries[j] + l->rt_my_q, 8,
					      &my_q) && my_q) {
				walk_rt(w, my_q + l->rt_queue, depth + 1,
					q);
				continue;
			}
			add(w, lw.entries[j] - l->t_rt, (int)i, &q->rt, &q->nr_rt);
		}
		list_walk_deinit(&lw);
	}
}

struct lkdb_error *kernel_read_runqs(struct kernel *k, struct kernel_runqs *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct runq_layout l;
	struct percpu_cpus *cpus;
	uint64_t runqueues;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = get_layout(t, &l)) ||
	    (err = kernel_need_symbol(k, "runqueues", "the scheduler",
				      &runqueues)) ||
	    (err = kernel_read_cpus(k, &cpus)))
		return err;
	ret->cpus = calloc(cpus->nr_cpu_ids ? cpus->nr_cpu_ids : 1,
			   sizeof(*ret->cpus));
	if (!ret->cpus) {
		percpu_cpus_destroy(cpus);
		return &lkdb_error_oom;
	}
	struct walker w = { .k = k, .l = &l, .r = ret };
	for (unsigned int cpu = 0; cpu < cpus->nr_cpu_ids; cpu++) {
		if (!cpus->possible[cpu])
			continue;
		struct kernel_runq *q = &ret->cpus[ret->nr++];
		uint64_t curr;
		q->cpu = w.cpu = cpu;
		if ((err = percpu_address(cpus, cpu, runqueues, &q->rq)) ||
		    (err = kernel_read_uint(k, q->rq + l.curr, 8, &curr))) {
			warn(&w, err);
			continue;
		}
		if ((err = read_task(&w, curr, &q->curr)))
			warn(&w, err);
		q->rt_array = q->rq + l.rt + l.rt_active;
		q->cfs_root = q->rq + l.cfs + l.timeline;
		w.seen = (struct addr_set){ 0 };
		w.queues = (struct addr_set){ 0 };
		walk_rt(&w, q->rq + l.rt + l.rt_queue, 0, q);
		walk_cfs(&w, q->rq + l.cfs, 0, q);
		addr_set_deinit(&w.seen);
		addr_set_deinit(&w.queues);
	}
	percpu_cpus_destroy(cpus);
	return NULL;
}

void kernel_runqs_deinit(struct kernel_runqs *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		free(r->cpus[i].rt);
		free(r->cpus[i].cfs);
	}
	free(r->cpus);
	lkdb_warnings_free(r->warnings, r->nr_warnings);
	memset(r, 0, sizeof(*r));
}

struct lkdb_error *kernel_rq_clocks(struct kernel *k, uint64_t *clocks,
				    unsigned int max, unsigned int *n_ret)
{
	struct ktypes *t;
	uint64_t runqueues, clock_off;
	struct percpu_cpus *cpus;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = ktypes_member(t, "rq", "clock", &clock_off, NULL)) ||
	    (err = kernel_need_symbol(k, "runqueues", "the scheduler",
				      &runqueues)) ||
	    (err = kernel_read_cpus(k, &cpus)))
		return err;
	memset(clocks, 0, max * sizeof(*clocks));
	for (unsigned int cpu = 0; cpu < cpus->nr_cpu_ids && cpu < max; cpu++) {
		uint64_t rq;
		if (!cpus->possible[cpu])
			continue;
		struct lkdb_error *e = percpu_address(cpus, cpu, runqueues, &rq);
		if (!e)
			e = kernel_read_uint(k, rq + clock_off, 8, &clocks[cpu]);
		lkdb_error_destroy(e);
	}
	*n_ret = cpus->nr_cpu_ids;
	percpu_cpus_destroy(cpus);
	return NULL;
}

struct lkdb_error *kernel_sched_clock_now(struct kernel *k, uint64_t *ret)
{
	uint64_t clocks[KERNEL_RQ_CLOCKS_MAX], now = 0;
	unsigned int n;
	struct lkdb_error *err = kernel_rq_clocks(k, clocks, KERNEL_RQ_CLOCKS_MAX, &n);
	if (err)
		return err;
	for (unsigned int i = 0; i < n && i < KERNEL_RQ_CLOCKS_MAX; i++)
		if (clocks[i] > now)
			now = clocks[i];
	if (!now)
		return lkdb_error_create(LKDB_ERROR_FAULT,
					 "no CPU's run queue clock could be read");
	*ret = now;
	return NULL;
}
