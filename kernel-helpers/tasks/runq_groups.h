/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Each CPU's fair run queue by task group, as crash's runq -g shows it.
 *
 * The groups (CONFIG_FAIR_GROUP_SCHED: cgroups with the cpu controller,
 * and autogroups) hang from root_task_group by task_group.children and
 * .siblings; each has its own cfs_rq per CPU (task_group.cfs_rq[cpu]),
 * queued in its parent's tree as a sched_entity whose my_q is that cfs_rq.
 * A group is named by its cgroup's kernfs node (an autogroup has none).
 * Walking a CPU's root cfs_rq, each group entity met is shown as a
 * TASK_GROUP line and its own queue below it, one level deeper; the
 * current task (rq->curr, not in the tree) is shown where its entity is
 * cfs_rq->curr.  A group that holds tasks but is not queued (throttled by
 * its cpu.max: CONFIG_CFS_BANDWIDTH) is shown after its parent's queue,
 * with those of its ancestors not shown yet, as crash does
 * (dump_tasks_in_lower_dequeued_cfs_rq).
 *
 * Real-time groups (CONFIG_RT_GROUP_SCHED, task_group.rt_rq) are not
 * walked: on such kernels a warning says so.  Walks are bounded; a queue
 * or task met twice, or one that cannot be read, is a warning naming the
 * CPU, the rest kept.
 */
#ifndef LKDB_RUNQ_GROUPS_H
#define LKDB_RUNQ_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/tasks/runq.h"

struct kernel;

enum runq_line_kind {
	RUNQ_LINE_GROUP,	/* TASK_GROUP: group  CFS_RQ: rq  <name> */
	RUNQ_LINE_TASK,		/* [prio] PID: ... [CURRENT] */
	RUNQ_LINE_EMPTY,	/* [no tasks queued] */
};

struct runq_line {
	enum runq_line_kind kind;
	unsigned int depth;	/* 0: the root group's queue */
	/* RUNQ_LINE_GROUP */
	uint64_t group, cfs_rq;
	char name[64];		/* "" when the group has no cgroup */
	bool throttled;
	/* RUNQ_LINE_TASK */
	struct kernel_runq_task task;
	bool current;		/* the CPU's current task, not in the tree */
};

struct runq_cpu_groups {
	unsigned int cpu;
	struct kernel_runq_task curr;
	uint64_t cfs_rq;	/* the root group's on this CPU */
	struct runq_line *lines;
	size_t nr;
};

struct runq_groups {
	const char *root_name;	/* "ROOT" (root_task_group) or "INIT" */
	uint64_t root;		/* root_task_group */
	struct runq_cpu_groups *cpus;	/* the possible CPUs */
	size_t nr;
	char **warnings;
	size_t nr_warnings;
};

/*
 * LKDB_ERROR_NOT_FOUND when the kernel has no fair group scheduling
 * (no sched_entity.my_q or no task_group.cfs_rq).
 */
struct lkdb_error *kernel_read_runq_groups(struct kernel *k,
					   struct runq_groups *ret);
void runq_groups_deinit(struct runq_groups *g);

#endif
