/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Each CPU's run queue as crash's runq shows it: the runqueues per-CPU
 * struct rq, its current task (rq->curr), the real-time queues (rq->rt's
 * rt_prio_array: a list of struct sched_rt_entity per priority) and the
 * fair class's tree (rq->cfs.tasks_timeline: struct sched_entity by
 * run_node, in order, leftmost first), descending into a group's own
 * cfs_rq (sched_entity.my_q, CONFIG_FAIR_GROUP_SCHED) as crash does: the
 * current entity's group first, then the tree's.
 *
 * The tree is ordered by vruntime under CFS and by deadline under EEVDF
 * (6.6, commit 147f3efaa241 "sched/fair: Implement an EEVDF-like
 * scheduling policy"): read the same way.  Since 6.12 a task that slept
 * may stay in the tree until it is picked (delayed dequeue,
 * sched_entity.sched_delayed): such tasks are marked, found by member.
 * Walks are bounded; a task met twice or a node that cannot be read is a
 * warning naming the CPU, the rest kept.
 */
#ifndef LKDB_RUNQ_H
#define LKDB_RUNQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

struct kernel_runq_task {
	uint64_t task;
	int32_t pid;
	int prio;		/* task->prio; an RT queue's index for RT */
	char comm[16];		/* NUL-terminated */
	bool delayed;		/* sched_delayed: asleep, still queued */
};

struct kernel_runq {
	unsigned int cpu;
	uint64_t rq;
	struct kernel_runq_task curr;
	uint64_t rt_array;		/* rq->rt.active */
	struct kernel_runq_task *rt;
	size_t nr_rt;
	uint64_t cfs_root;		/* rq->cfs.tasks_timeline */
	struct kernel_runq_task *cfs;
	size_t nr_cfs;
};

struct kernel_runqs {
	struct kernel_runq *cpus;	/* the possible CPUs */
	size_t nr;
	char **warnings;
	size_t nr_warnings;
};

struct lkdb_error *kernel_read_runqs(struct kernel *k,
				     struct kernel_runqs *ret);
/* The task_struct members a run queue's line reads, looked up once. */
struct kernel_runq_task_layout {
	uint64_t se, pid, comm, prio;
	bool has_delayed;
	uint64_t delayed;		/* in sched_entity */
};
struct lkdb_error *kernel_runq_task_layout(struct kernel *k,
					   struct kernel_runq_task_layout *ret);
/* The task at task as a run queue lists it (pid, prio, comm, delayed). */
struct lkdb_error *kernel_runq_read_task(struct kernel *k,
					 const struct kernel_runq_task_layout *l,
					 uint64_t task,
					 struct kernel_runq_task *ret);
void kernel_runqs_deinit(struct kernel_runqs *r);

/* CPU ids whose clocks kernel_sched_clock_now and ps -m read. */
#define KERNEL_RQ_CLOCKS_MAX 8192

/*
 * Each possible CPU's run queue clock (rq->clock, ns), as crash's ps -m
 * reads it: clocks[cpu] for cpu < max (0 where the CPU is not possible or
 * its queue cannot be read); *n_ret the number of CPU ids.
 */
struct lkdb_error *kernel_rq_clocks(struct kernel *k, uint64_t *clocks,
				    unsigned int max, unsigned int *n_ret);
/*
 * The scheduler's clock now: the latest of the run queue clocks (an idle
 * CPU's stops).
 */
struct lkdb_error *kernel_sched_clock_now(struct kernel *k, uint64_t *ret);

#endif
