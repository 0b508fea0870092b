// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/tasks/runq_groups.h"

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

#define GROUPS_MAX 4096		/* task groups looked at */
#define GROUP_DEPTH_MAX 16	/* how deep groups nest */
#define LINES_MAX (1u << 16)	/* lines per CPU */

struct groups_layout {
	uint64_t rq_curr, rq_cfs;			/* in rq */
	uint64_t timeline, cfs_curr, cfs_tg, nr_running; /* in cfs_rq */
	uint64_t throttled;
	bool has_throttled;
	uint64_t run_node, my_q;			/* in sched_entity */
	struct kernel_runq_task_layout task;		/* in task_struct */
	uint64_t tg_children, tg_siblings, tg_cfs_rq;	/* in task_group */
	uint64_t tg_cgroup;		/* task_group.css.cgroup */
	uint64_t cg_kn, kn_name, kn_parent;	/* cgroup, kernfs_node */
	bool has_names;
};

/* A task group: depth 0 is the root. */
struct group {
	uint64_t tg;
	unsigned int depth;
	size_t order;		/* as collected */
	uint64_t parent;	/* its parent's task_group; 0 for the root */
	char name[64];
	bool in_use;		/* not shown yet on this CPU */
};

struct walker {
	struct kernel *k;
	const struct groups_layout *l;
	struct runq_groups *g;
	struct group *groups;
	size_t nr_groups;
	struct runq_cpu_groups *c;
	const struct percpu_cpus *cpus;
	struct addr_set seen;		/* tasks shown on this CPU */
	struct addr_set queues;		/* cfs_rqs walked on this CPU */
	struct addr_set dequeued;	/* cfs_rqs looked under, this CPU */
	struct addr_set group_set;	/* task groups collected */
	bool too_many;			/* collect() said so once */
};

static void warn(struct walker *w, struct lkdb_error *err)
{
	if (w->c)
		lkdb_error_destroy(lkdb_warning_append(
			&w->g->warnings, &w->g->nr_warnings, "CPU %u: %s",
			w->c->cpu, err->message));
	else
		lkdb_error_destroy(lkdb_warning_append(
			&w->g->warnings, &w->g->nr_warnings, "%s",
			err->message));
	lkdb_error_destroy(err);
}

static struct lkdb_error *get_layout(struct ktypes *t, struct groups_layout *l)
{
	struct lkdb_error *err;
	memset(l, 0, sizeof(*l));
	if (!ktypes_has_member(t, "sched_entity", "my_q") ||
	    !ktypes_has_member(t, "task_group", "cfs_rq"))
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "this kernel has no fair group scheduling (sched_entity.my_q, task_group.cfs_rq: built without CONFIG_FAIR_GROUP_SCHED?)");
	/*
	 * cfs_rq.nr_running became nr_queued in 6.14 (commit 736c55a02c47
	 * "sched/fair: Rename cfs_rq.nr_running into nr_queued").
	 */
	const char *nr = ktypes_has_member(t, "cfs_rq", "nr_running") ?
			 "nr_running" : "nr_queued";
	if ((err = ktypes_member(t, "rq", "curr", &l->rq_curr, NULL)) ||
	    (err = ktypes_member(t, "rq", "cfs", &l->rq_cfs, NULL)) ||
	    (err = ktypes_member(t, "cfs_rq", "tasks_timeline", &l->timeline,
				 NULL)) ||
	    (err = ktypes_member(t, "cfs_rq", "curr", &l->cfs_curr, NULL)) ||
	    (err = ktypes_member(t, "cfs_rq", "tg", &l->cfs_tg, NULL)) ||
	    (err = ktypes_member(t, "cfs_rq", nr, &l->nr_running, NULL)) ||
	    (err = ktypes_member(t, "sched_entity", "run_node", &l->run_node,
				 NULL)) ||
	    (err = ktypes_member(t, "sched_entity", "my_q", &l->my_q, NULL)) ||
	    (err = ktypes_member(t, "task_group", "children", &l->tg_children,
				 NULL)) ||
	    (err = ktypes_member(t, "task_group", "siblings", &l->tg_siblings,
				 NULL)) ||
	    (err = ktypes_member(t, "task_group", "cfs_rq", &l->tg_cfs_rq,
				 NULL)))
		return err;
	/* CONFIG_CFS_BANDWIDTH: a group held back by its cpu.max. */
	l->has_throttled = ktypes_has_member(t, "cfs_rq", "throttled");
	if (l->has_throttled &&
	    (err = ktypes_member(t, "cfs_rq", "throttled", &l->throttled,
				 NULL)))
		return err;
	/*
	 * Names: the cgroup's kernfs node (cgroup.kn since 3.15); its parent
	 * became __parent in 6.15 (commit 633488947ef6 "kernfs: Use RCU to
	 * access kernfs_node::parent.").
	 */
	const char *parent = ktypes_has_member(t, "kernfs_node", "__parent") ?
			     "__parent" : "parent";
	struct lkdb_error *e = ktypes_member(t, "task_group", "css.cgroup",
					     &l->tg_cgroup, NULL);
	if (!e)
		e = ktypes_member(t, "cgroup", "kn", &l->cg_kn, NULL);
	if (!e)
		e = ktypes_member(t, "kernfs_node", "name", &l->kn_name, NULL);
	if (!e)
		e = ktypes_member(t, "kernfs_node", parent, &l->kn_parent, NULL);
	l->has_names = !e;
	lkdb_error_destroy(e);
	return NULL;
}

/* crash's get_task_group_name(): the kernfs node's name, "/" the root's. */
static void group_name(struct walker *w, uint64_t tg, char *buf, size_t size)
{
	const struct groups_layout *l = w->l;
	uint64_t cgroup, kn, parent, name;
	buf[0] = '\0';
	if (!l->has_names ||
	    !kernel_read_uint_ok(w->k, tg + l->tg_cgroup, 8, &cgroup) ||
	    !cgroup || !kernel_read_uint_ok(w->k, cgroup + l->cg_kn, 8, &kn) ||
	    !kn || !kernel_read_uint_ok(w->k, kn + l->kn_parent, 8, &parent))
		return;
	if (!parent) {
		snprintf(buf, size, "/");
		return;
	}
	struct lkdb_error *err = kernel_read_uint(w->k, kn + l->kn_name, 8,
						  &name);
	if (!err && name)
		err = kernel_read_string(w->k, name, buf, size);
	if (err || !name)
		buf[0] = '\0';
	lkdb_error_destroy(err);
	lkdb_printable(buf, buf, size, "");
}

/* tg and its descendants, depth first, each after its parent. */
static struct lkdb_error *collect(struct walker *w, uint64_t tg,
				  unsigned int depth, uint64_t parent)
{
	const struct groups_layout *l = w->l;
	if (w->too_many)
		return NULL;
	if (w->nr_groups >= GROUPS_MAX) {
		w->too_many = true;
		warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
					  "more than %u task groups: the rest left out",
					  GROUPS_MAX));
		return NULL;
	}
	/* Lists that share entries (damage) would repeat groups. */
	int added = addr_set_add(&w->group_set, tg);
	if (added < 0)
		return &lkdb_error_oom;
	if (!added) {
		warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
					  "task group 0x%" PRIx64 " met twice", tg));
		return NULL;
	}
	struct group *g = &w->groups[w->nr_groups];
	g->order = w->nr_groups++;
	g->tg = tg;
	g->depth = depth;
	g->parent = parent;
	group_name(w, tg, g->name, sizeof(g->name));
	if (depth >= GROUP_DEPTH_MAX) {
		if (!w->too_many)
			warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
						  "task groups nested deeper than %u at 0x%" PRIx64,
						  GROUP_DEPTH_MAX, tg));
		w->too_many = true;
		return NULL;
	}
	struct list_walk lw;
	struct lkdb_error *err = kernel_list_walk(
		kernel_memory(w->k), tg + l->tg_children, l->tg_siblings,
		LIST_HEAD, 0, GROUPS_MAX, &lw);
	if (err == &lkdb_error_oom)
		return err;
	if (err)
		warn(w, lkdb_error_prefix(err, "the children of task group 0x%" PRIx64,
					  tg));
	err = NULL;
	for (size_t i = 0; i < lw.nr && !err; i++)
		err = collect(w, lw.entries[i], depth + 1, tg);
	list_walk_deinit(&lw);
	return err;
}

static int by_depth(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	/* Stable: as collected (crash sorts with a bubble sort). */
	return (x->order > y->order) - (x->order < y->order);
}

static struct runq_line *add_line(struct walker *w, enum runq_line_kind kind,
				  unsigned int depth)
{
	struct runq_cpu_groups *c = w->c;
	if (c->nr >= LINES_MAX)
		return NULL;
	struct runq_line *p = realloc(c->lines, (c->nr + 1) * sizeof(*p));
	if (!p)
		return NULL;
	c->lines = p;
	p = &c->lines[c->nr++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->depth = depth;
	return p;
}

static void add_task(struct walker *w, uint64_t task, unsigned int depth,
		     bool current)
{
	struct kernel_runq_task t;
	struct lkdb_error *err = kernel_runq_read_task(w->k, &w->l->task, task, &t);
	if (err) {
		warn(w, err);
		return;
	}
	struct runq_line *line = add_line(w, RUNQ_LINE_TASK, depth);
	if (line) {
		line->task = t;
		line->current = current;
	}
}

/* The group whose task_group is tg, or NULL. */
static struct group *find_group(struct walker *w, uint64_t tg)
{
	for (size_t i = 0; i < w->nr_groups; i++)
		if (w->groups[i].tg == tg)
			return &w->groups[i];
	return NULL;
}

static void add_group_line(struct walker *w, const struct group *g,
			   uint64_t cfs_rq, unsigned int depth)
{
	struct runq_line *line = add_line(w, RUNQ_LINE_GROUP, depth);
	if (!line)
		return;
	line->group = g->tg;
	line->cfs_rq = cfs_rq;
	snprintf(line->name, sizeof(line->name), "%s", g->name);
	uint64_t throttled = 0;
	if (w->l->has_throttled &&
	    kernel_read_uint_ok(w->k, cfs_rq + w->l->throttled, 4, &throttled))
		line->throttled = throttled != 0;
}

/* Group g's cfs_rq on this CPU (task_group.cfs_rq[cpu]). */
static struct lkdb_error *group_cfs_rq(struct walker *w, const struct group *g,
				       uint64_t *ret)
{
	uint64_t array;
	struct lkdb_error *err = kernel_read_uint(w->k, g->tg + w->l->tg_cfs_rq,
						  8, &array);
	if (!err)
		err = kernel_read_uint(w->k, array + 8 * w->c->cpu, 8, ret);
	return err;
}

static size_t walk(struct walker *w, uint64_t cfs_rq, unsigned int depth);

/* crash's print_parent_task_group_fair: ancestors not shown yet, outermost first. */
static void show_ancestors(struct walker *w, struct group *g)
{
	struct group *p = g->parent ? find_group(w, g->parent) : NULL;
	if (!p || !p->in_use)
		return;
	show_ancestors(w, p);
	uint64_t rq;
	struct lkdb_error *err = group_cfs_rq(w, p, &rq);
	if (err) {
		warn(w, err);
		return;
	}
	add_group_line(w, p, rq, p->depth);
	p->in_use = false;
}

/*
 * crash's dump_tasks_in_lower_dequeued_cfs_rq: the child groups of
 * cfs_rq's group that hold tasks but are not in its tree.
 */
static size_t walk_dequeued(struct walker *w, uint64_t cfs_rq,
			    unsigned int depth)
{
	size_t total = 0;
	uint64_t tg;
	if (depth >= GROUP_DEPTH_MAX ||
	    !kernel_read_uint_ok(w->k, cfs_rq + w->l->cfs_tg, 8, &tg))
		return 0;
	for (size_t i = 0; i < w->nr_groups; i++) {
		struct group *g = &w->groups[i];
		if (!g->in_use || g->depth != depth + 1 || g->parent != tg)
			continue;
		uint64_t rq, nr;
		struct lkdb_error *err = group_cfs_rq(w, g, &rq);
		if (!err && rq != cfs_rq)
			err = kernel_read_uint(w->k, rq + w->l->nr_running, 4,
					       &nr);
		if (err) {
			warn(w, err);
			continue;
		}
		if (rq == cfs_rq)
			continue;
		if (!nr) {
			/* Each empty queue looked under once: no exponential walk. */
			if (addr_set_add(&w->dequeued, rq) == 1)
				total += walk_dequeued(w, rq, depth + 1);
			continue;
		}
		show_ancestors(w, g);
		total++;
		total += walk(w, rq, depth + 1);
	}
	return total;
}

/* crash's dump_tasks_in_task_group_cfs_rq: cfs_rq's lines; how many. */
static size_t walk(struct walker *w, uint64_t cfs_rq, unsigned int depth)
{
	const struct groups_layout *l = w->l;
	size_t total = 0;
	uint64_t tg, curr = 0, curr_my_q = 0, root, leftmost;
	struct lkdb_error *err;
	if (depth > GROUP_DEPTH_MAX) {
		warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
					  "task groups nested deeper than %u",
					  GROUP_DEPTH_MAX));
		return 0;
	}
	if (addr_set_add(&w->queues, cfs_rq) != 1) {
		warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
					  "cfs_rq 0x%" PRIx64 " met twice", cfs_rq));
		return 0;
	}
	if (depth && kernel_read_uint_ok(w->k, cfs_rq + l->cfs_tg, 8, &tg)) {
		struct group *g = find_group(w, tg);
		if (g) {
			add_group_line(w, g, cfs_rq, depth);
			g->in_use = false;
		}
	}
	if (kernel_read_uint_ok(w->k, cfs_rq + l->cfs_curr, 8, &curr) && curr &&
	    kernel_read_uint_ok(w->k, curr + l->my_q, 8, &curr_my_q) &&
	    curr_my_q) {
		total++;
		total += walk(w, curr_my_q, depth + 1);
	}
	/* The current task is not in the tree: shown where its entity is curr. */
	if (!curr_my_q && curr && curr - l->task.se == w->c->curr.task &&
	    addr_set_add(&w->seen, w->c->curr.task) == 1) {
		total++;
		add_task(w, w->c->curr.task, depth, true);
	}
	if ((err = kernel_read_uint(w->k, cfs_rq + l->timeline, 8, &root)) ||
	    (err = kernel_read_uint(w->k, cfs_rq + l->timeline + 8, 8,
				    &leftmost))) {
		warn(w, lkdb_error_prefix(err, "cfs_rq 0x%" PRIx64, cfs_rq));
		root = leftmost = 0;
	}
	if (root && leftmost) {
		struct tree_entries te;
		if ((err = kernel_rbtree_walk(w->k, root, true, &te))) {
			warn(w, lkdb_error_prefix(err, "cfs_rq 0x%" PRIx64, cfs_rq));
			te = (struct tree_entries){ 0 };
		}
		for (size_t i = 0; i < te.nr_warnings; i++)
			warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
						  "cfs_rq 0x%" PRIx64 ": %s",
						  cfs_rq, te.warnings[i]));
		for (size_t i = 0; i < te.nr; i++) {
			uint64_t se = te.entries[i].entry - l->run_node, my_q;
			if (kernel_read_uint_ok(w->k, se + l->my_q, 8, &my_q) &&
			    my_q) {
				total++;
				total += walk(w, my_q, depth + 1);
				continue;
			}
			uint64_t task = se - l->task.se;
			if (addr_set_add(&w->seen, task) != 1) {
				warn(w, lkdb_error_create(LKDB_ERROR_INVALID,
							  "task 0x%" PRIx64 " queued twice",
							  task));
				break;
			}
			add_task(w, task, depth, false);
			total++;
		}
		tree_entries_deinit(&te);
	}
	total += walk_dequeued(w, cfs_rq, depth);
	if (!total)
		add_line(w, RUNQ_LINE_EMPTY, depth);
	return total;
}

struct lkdb_error *kernel_read_runq_groups(struct kernel *k,
					   struct runq_groups *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct groups_layout l;
	struct percpu_cpus *cpus = NULL;
	uint64_t runqueues, root;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = get_layout(t, &l)) ||
	    (err = kernel_runq_task_layout(k, &l.task)))
		return err;
	/* root_task_group since 2.6.36, init_task_group before. */
	ret->root_name = "ROOT";
	struct lkdb_error *e = kernel_need_symbol(k, "root_task_group",
						  "fair group scheduling",
						  &root);
	if (e) {
		struct lkdb_error *old = kernel_need_symbol(
			k, "init_task_group", "fair group scheduling", &root);
		if (old) {
			lkdb_error_destroy(old);
			return e;
		}
		lkdb_error_destroy(e);
		ret->root_name = "INIT";
	}
	ret->root = root + k->kaslr_offset;
	if ((err = kernel_need_symbol(k, "runqueues", "the scheduler",
				      &runqueues)) ||
	    (err = kernel_read_cpus(k, &cpus)))
		return err;
	struct walker w = { .k = k, .l = &l, .g = ret, .cpus = cpus };
	w.groups = calloc(GROUPS_MAX, sizeof(*w.groups));
	ret->cpus = calloc(cpus->nr_cpu_ids ? cpus->nr_cpu_ids : 1,
			   sizeof(*ret->cpus));
	if (!w.groups || !ret->cpus ||
	    (err = collect(&w, ret->root, 0, 0)) == &lkdb_error_oom) {
		addr_set_deinit(&w.group_set);
		free(w.groups);
		percpu_cpus_destroy(cpus);
		runq_groups_deinit(ret);
		return &lkdb_error_oom;
	}
	qsort(w.groups, w.nr_groups, sizeof(*w.groups), by_depth);
	if (ktypes_has_member(t, "task_group", "rt_rq"))
		warn(&w, lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					   "real-time task groups (CONFIG_RT_GROUP_SCHED) are not shown"));
	for (unsigned int cpu = 0; cpu < cpus->nr_cpu_ids; cpu++) {
		if (!cpus->possible[cpu])
			continue;
		struct runq_cpu_groups *c = &ret->cpus[ret->nr++];
		c->cpu = cpu;
		w.c = c;
		uint64_t rq, curr = 0;
		if ((err = percpu_address(cpus, cpu, runqueues, &rq))) {
			warn(&w, err);
			continue;
		}
		/* Without its current task, the queue is still shown. */
		if ((err = kernel_read_uint(k, rq + l.rq_curr, 8, &curr)) ||
		    (err = kernel_runq_read_task(k, &l.task, curr, &c->curr)))
			warn(&w, err);
		err = NULL;
		c->cfs_rq = rq + l.rq_cfs;
		for (size_t i = 0; i < w.nr_groups; i++)
			w.groups[i].in_use = w.groups[i].depth != 0;
		w.seen = (struct addr_set){ 0 };
		w.queues = (struct addr_set){ 0 };
		w.dequeued = (struct addr_set){ 0 };
		walk(&w, c->cfs_rq, 0);
		addr_set_deinit(&w.seen);
		addr_set_deinit(&w.queues);
		addr_set_deinit(&w.dequeued);
	}
	w.c = NULL;
	addr_set_deinit(&w.group_set);
	free(w.groups);
	percpu_cpus_destroy(cpus);
	return NULL;
}

void runq_groups_deinit(struct runq_groups *g)
{
	for (size_t i = 0; i < g->nr; i++)
		free(g->cpus[i].lines);
	free(g->cpus);
	lkdb_warnings_free(g->warnings, g->nr_warnings);
	memset(g, 0, sizeof(*g));
}
