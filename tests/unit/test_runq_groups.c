// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/tasks/runq_groups.c (runq -g) over a fake
 * kernel: the stand-in vmlinux runq-groups-fixture (argv[1]) gives the
 * symbols (root_task_group, runqueues, the per-CPU ones, all absolute),
 * fake memory the rest.  Two CPUs; root_task_group's children are group A
 * (cgroup "grp-a", with a child A1, "grp-a1") and group B (an autogroup:
 * no cgroup), each with a cfs_rq per CPU.  CPU 0's root queue holds a
 * task T1 and A's entity, A's queue A1's entity and T2, A1's queue the
 * current task T3 (its cfs_rq->curr, not in the tree); B is throttled,
 * not queued, with T4: shown after the root's queue as crash's runq -g
 * shows a dequeued group.  CPU 1's queue is empty.  Every line is
 * checked in order (kind, depth, group, cfs_rq, name, throttled; task,
 * pid, current), KASLR moving root_task_group but not the per-CPU
 * offsets; then the current entity's groups walked first, a throttled
 * group below dequeued ones shown after its ancestors, the members renamed
 * in 6.14 and 6.15, and real-time groups a warning.  Then damage: a
 * children list that loops, a cfs_rq met twice, a task queued twice, an
 * rbtree with a cycle, a task_struct that cannot be read, each one
 * warning line (naming the CPU where it is one CPU's), the rest kept; a
 * kernel without sched_entity.my_q is LKDB_ERROR_NOT_FOUND.
 * With LKDB_FUZZ_SEED_DIR each fake kernel is saved as a seed of
 * tests/fuzz/fuzz_runq_groups.c.
 */
#include <inttypes.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/tasks/runq_groups.h"
#include "tap.h"
#include "walker_input.h"

/*
 * The values of a seed: the KASLR offset (the symbols are the fixture's).
 * tests/fuzz/fuzz_runq_groups.c reads them in this order.
 */
enum {
	RUNQ_GROUPS_KASLR,
	RUNQ_GROUPS_VALUES
};

/*
 * Every member runq_groups.c and runq.c's kernel_runq_task_layout look up;
 * tasks_timeline is an rb_root_cached (rb_root, then rb_leftmost), as
 * since 4.14.
 */
static const char table_text[] =
	"rq 0 2048\n"
	"rq.curr 8 8\n"
	"rq.cfs 64 128\n"
	"rq.rt 192 1616\n"
	"cfs_rq 0 128\n"
	"cfs_rq.nr_running 16 4\n"
	"cfs_rq.tasks_timeline 32 16\n"
	"cfs_rq.curr 48 8\n"
	"cfs_rq.tg 64 8\n"
	"cfs_rq.throttled 72 4\n"
	"rt_rq 0 1616\n"
	"rt_rq.active 0 1616\n"
	"rt_rq.active.queue 16 1600\n"
	"sched_entity 0 128\n"
	"sched_entity.run_node 16 24\n"
	"sched_entity.my_q 64 8\n"
	"sched_rt_entity 0 48\n"
	"sched_rt_entity.run_list 0 16\n"
	"task_struct 0 288\n"
	"task_struct.se 64 128\n"
	"task_struct.rt 192 48\n"
	"task_struct.pid 256 4\n"
	"task_struct.prio 260 4\n"
	"task_struct.comm 264 16\n"
	"task_group 0 64\n"
	"task_group.css.cgroup 0 8\n"
	"task_group.cfs_rq 16 8\n"
	"task_group.siblings 32 16\n"
	"task_group.children 48 16\n"
	"cgroup 0 32\n"
	"cgroup.kn 16 8\n"
	"kernfs_node 0 64\n"
	"kernfs_node.parent 8 8\n"
	"kernfs_node.name 32 8\n"
	"rb_node 0 24\n"
	"rb_node.rb_right 8 8\n"
	"rb_node.rb_left 16 8\n";

/* The table's offsets. */
#define RQ_SIZE 2048ULL
#define RQ_CURR 8
#define RQ_CFS 64
#define CFS_NR 16
#define CFS_TIMELINE 32
#define CFS_CURR 48
#define CFS_TG 64
#define CFS_THROTTLED 72
#define SE_SIZE 128
#define SE_RUN_NODE 16
#define SE_MY_Q 64
#define T_SE 64
#define T_PID 256
#define T_PRIO 260
#define T_COMM 264
#define TASK_SIZE 288
#define TG_SIZE 64
#define TG_CGROUP 0
#define TG_CFS_RQ 16
#define TG_SIBLINGS 32
#define TG_CHILDREN 48
#define CG_KN 16
#define KN_PARENT 8
#define KN_NAME 32
#define RB_RIGHT 8
#define RB_LEFT 16

/* The task groups; ROOT is root_task_group; A2 (A1's) and A3 (A's) one test's. */
enum { ROOT, GA, GA1, GB, GA2, GA3 };

#define PCPU0 0xffff88807fa00000ULL
#define PCPU1 0xffff88807fc00000ULL
/* Small objects close together: the seeds stay small. */
#define TG(g) (0xffff888006000000ULL + (g) * 0x40ULL)
#define CFS(g, cpu) (0xffff888007000000ULL + ((g) * 2 + (cpu)) * 0x80ULL)
#define SE(g, cpu) (0xffff888008000000ULL + ((g) * 2 + (cpu)) * 0x80ULL)
#define TASK(n) (0xffff888009000000ULL + (n) * 0x1000ULL)
#define MISC 0xffff88800a000000ULL
#define ARRAY(g) (MISC + (g) * 0x10ULL)		/* task_group.cfs_rq[] */
#define CGROUP(g) (MISC + 0x100 + (g) * 0x20ULL)
#define KN(g) (MISC + 0x200 + (g) * 0x40ULL)
#define NAME(g) (MISC + 0x400 + (g) * 0x10ULL)
#define UNMAPPED 0xffff888099000000ULL
#define IDLE1 9			/* CPU 1's current task: its idle task */
#define PID(n) ((int32_t)(100 + (n)))

static struct fake_memory m;
static struct kernel k;
static char table[2048];
/* The fixture's symbols. */
static uint64_t sym_offsets, sym_nr_cpu_ids, sym_possible, sym_online,
	sym_root, sym_runqueues;

static uint64_t pcpu(int cpu)
{
	return cpu ? PCPU1 : PCPU0;
}

static uint64_t rq(int cpu)
{
	return pcpu(cpu) + sym_runqueues;
}

/* Task group g: root_task_group is a variable, KASLR moves it. */
static uint64_t tg(unsigned int g)
{
	return g == ROOT ? sym_root + k.kaslr_offset : TG(g);
}

/* Group g's cfs_rq on cpu: the root's is the run queue's own. */
static uint64_t cfs(unsigned int g, int cpu)
{
	return g == ROOT ? rq(cpu) + RQ_CFS : CFS(g, cpu);
}

/* The rb_node of task n's, or of group g's sched_entity on cpu. */
static uint64_t task_node(unsigned int n)
{
	return TASK(n) + T_SE + SE_RUN_NODE;
}

static uint64_t group_node(unsigned int g, int cpu)
{
	return SE(g, cpu) + SE_RUN_NODE;
}

static void rb(uint64_t node, uint64_t left, uint64_t right)
{
	put(at(&m, node + RB_LEFT), left, 8);
	put(at(&m, node + RB_RIGHT), right, 8);
}

/* A cfs_rq's tree (its root rb_node and leftmost) and nr_running. */
static void queue(uint64_t cfs_rq, uint64_t root, uint64_t leftmost,
		  unsigned int nr)
{
	put(at(&m, cfs_rq + CFS_TIMELINE), root, 8);
	put(at(&m, cfs_rq + CFS_TIMELINE + 8), leftmost, 8);
	put(at(&m, cfs_rq + CFS_NR), nr, 4);
}

/* Task n, in a region of its own (the damage tests move it away). */
static void task(unsigned int n, int32_t pid, const char *comm)
{
	unsigned char *t = map(&m, TASK(n), TASK_SIZE);
	put(t + T_PID, (uint32_t)pid, 4);
	put(t + T_PRIO, 120, 4);
	memcpy(t + T_COMM, comm, strlen(comm));
}

/*
 * Group g, child of parent: its cfs_rq on each CPU, an empty children
 * list, and its cgroup's kernfs node called name (no cgroup when name is
 * NULL, as an autogroup has none).
 */
static void group(unsigned int g, unsigned int parent, const char *name)
{
	put(at(&m, tg(g) + TG_CFS_RQ), ARRAY(g), 8);
	for (int cpu = 0; cpu < 2; cpu++) {
		put(at(&m, ARRAY(g) + 8 * cpu), cfs(g, cpu), 8);
		put(at(&m, cfs(g, cpu) + CFS_TG), tg(g), 8);
	}
	put(at(&m, tg(g) + TG_CHILDREN), tg(g) + TG_CHILDREN, 8);
	put(at(&m, tg(g) + TG_CHILDREN + 8), tg(g) + TG_CHILDREN, 8);
	if (!name)
		return;
	put(at(&m, tg(g) + TG_CGROUP), CGROUP(g), 8);
	put(at(&m, CGROUP(g) + CG_KN), KN(g), 8);
	put(at(&m, KN(g) + KN_PARENT), g == ROOT ? 0 : KN(parent), 8);
	put(at(&m, KN(g) + KN_NAME), NAME(g), 8);
	memcpy(at(&m, NAME(g)), name, strlen(name) + 1);
}

/* parent's children list: kids by their siblings, as the kernel links them. */
static void children(unsigned int parent, size_t n, const unsigned int *kids)
{
	uint64_t head = tg(parent) + TG_CHILDREN, prev = head;
	for (size_t i = 0; i < n; i++) {
		uint64_t node = tg(kids[i]) + TG_SIBLINGS;
		put(at(&m, prev), node, 8);
		put(at(&m, node + 8), prev, 8);
		prev = node;
	}
	put(at(&m, prev), head, 8);
	put(at(&m, head + 8), prev, 8);
}

/*
 * The fake kernel of the file's comment, the variables moved by kaslr.
 * CPU 0: the root's tree is A's entity with T1 on its left; A's is T2
 * with A1's entity on its left; A1's is empty, T3 its curr (and rq->curr);
 * B's (throttled, not in the root's tree) is T4.  CPU 1: all queues empty,
 * rq->curr its idle task.
 */
static void build(uint64_t kaslr)
{
	unmap_all(&m);
	snprintf(table, sizeof(table), "%s", table_text);
	ktypes_destroy(k.types);
	k.types = NULL;
	take_error(ktypes_create_from_table(table, &k.types));
	k.kaslr_offset = kaslr;
	unsigned char *o = map(&m, sym_offsets + kaslr, 16);
	put(o, PCPU0, 8);
	put(o + 8, PCPU1, 8);
	put(map(&m, sym_nr_cpu_ids + kaslr, 4), 2, 4);
	put(map(&m, sym_possible + kaslr, 8), 3, 8);
	put(map(&m, sym_online + kaslr, 8), 3, 8);
	map(&m, sym_root + kaslr, TG_SIZE);
	map(&m, rq(0), RQ_SIZE);
	map(&m, rq(1), RQ_SIZE);
	map(&m, TG(0), 0x200);
	map(&m, CFS(0, 0), 0x600);
	map(&m, SE(0, 0), 0x600);
	map(&m, MISC, 0x500);
	group(ROOT, ROOT, "");
	group(GA, ROOT, "grp-a");
	group(GA1, GA, "grp-a1");
	group(GB, ROOT, NULL);
	children(ROOT, 2, (const unsigned int[]){ GA, GB });
	children(GA, 1, (const unsigned int[]){ GA1 });
	for (unsigned int n = 1; n <= 4; n++) {
		char comm[16];
		snprintf(comm, sizeof(comm), "t%u", n);
		task(n, PID(n), comm);
	}
	task(IDLE1, 0, "swapper/1");
	/* The group entities queued on CPU 0, each with its group's queue. */
	put(at(&m, SE(GA, 0) + SE_MY_Q), cfs(GA, 0), 8);
	put(at(&m, SE(GA1, 0) + SE_MY_Q), cfs(GA1, 0), 8);
	put(at(&m, rq(0) + RQ_CURR), TASK(3), 8);
	queue(cfs(ROOT, 0), group_node(GA, 0), task_node(1), 2);
	rb(group_node(GA, 0), task_node(1), 0);
	queue(cfs(GA, 0), task_node(2), group_node(GA1, 0), 2);
	rb(task_node(2), group_node(GA1, 0), 0);
	queue(cfs(GA1, 0), 0, 0, 1);
	put(at(&m, cfs(GA1, 0) + CFS_CURR), TASK(3) + T_SE, 8);
	queue(cfs(GB, 0), task_node(4), task_node(4), 1);
	put(at(&m, cfs(GB, 0) + CFS_THROTTLED), 1, 4);
	put(at(&m, rq(1) + RQ_CURR), TASK(IDLE1), 8);
}

/* With LKDB_FUZZ_SEED_DIR: the fake kernel as a seed of fuzz_runq_groups. */
static void save_seed(void)
{
	uint64_t values[RUNQ_GROUPS_VALUES] = {
		[RUNQ_GROUPS_KASLR] = k.kaslr_offset,
	};
	if (!walker_seed_save(tap_current_name, 0, table, values,
			      RUNQ_GROUPS_VALUES, &m))
		printf("# cannot save a fuzz seed\n");
}

static void read_groups(struct runq_groups *g, bool seed)
{
	if (seed)
		save_seed();
	take_error(kernel_read_runq_groups(&k, g));
}

static void show_warnings(const struct runq_groups *g)
{
	for (size_t i = 0; i < g->nr_warnings; i++)
		printf("# %s\n", g->warnings[i]);
}

/* A line as expected: a group's or a task's. */
struct want {
	enum runq_line_kind kind;
	unsigned int depth;
	uint64_t addr;		/* the group's task_group, or the task */
	uint64_t cfs_rq;	/* a group's on this CPU */
	const char *name;	/* a group's */
	bool flag;		/* a group: throttled; a task: current */
};

#define GROUP_LINE(d, g, cpu, name, throttled) \
	{ RUNQ_LINE_GROUP, d, tg(g), cfs(g, cpu), name, throttled }
#define TASK_LINE(d, n, current) \
	{ RUNQ_LINE_TASK, d, TASK(n), 0, NULL, current }
#define EMPTY_LINE(d) \
	{ RUNQ_LINE_EMPTY, d, 0, 0, NULL, false }

static bool line_is(const struct runq_line *l, const struct want *w)
{
	if (l->kind != w->kind || l->depth != w->depth)
		return false;
	switch (w->kind) {
	case RUNQ_LINE_GROUP:
		return l->group == w->addr && l->cfs_rq == w->cfs_rq &&
		       !strcmp(l->name, w->name) && l->throttled == w->flag &&
		       !l->current;
	case RUNQ_LINE_TASK: {
		/* Tasks 1-8 are "tN", pid 100+N, prio 120. */
		char comm[16];
		unsigned int n = (unsigned int)((w->addr - TASK(0)) / 0x1000);
		snprintf(comm, sizeof(comm), "t%u", n);
		return l->task.task == w->addr && l->current == w->flag &&
		       l->task.pid == PID(n) && l->task.prio == 120 &&
		       !strcmp(l->task.comm, comm) && !l->group;
	}
	case RUNQ_LINE_EMPTY:
		return !l->group && !l->task.task && !l->current;
	}
	return false;
}

/* CPU i of g is cpu, with exactly the lines listed (each mismatch shown). */
static bool lines_are(const struct runq_groups *g, size_t i, unsigned int cpu,
		      size_t nr, const struct want *want)
{
	if (i >= g->nr)
		return false;
	const struct runq_cpu_groups *c = &g->cpus[i];
	bool ok = c->cpu == cpu && c->cfs_rq == cfs(ROOT, (int)cpu) &&
		  c->nr == nr;
	if (c->nr != nr)
		printf("#   CPU %u: %zu lines, not %zu\n", cpu, c->nr, nr);
	for (size_t j = 0; j < c->nr; j++) {
		const struct runq_line *l = &c->lines[j];
		if (j < nr && line_is(l, &want[j]))
			continue;
		ok = false;
		printf("#   CPU %u line %zu: kind %d depth %u group 0x%" PRIx64
		       " cfs_rq 0x%" PRIx64 " <%s>%s task 0x%" PRIx64 " pid %" PRId32 "%s\n",
		       cpu, j, (int)l->kind, l->depth, l->group, l->cfs_rq,
		       l->name, l->throttled ? " throttled" : "", l->task.task,
		       l->task.pid, l->current ? " current" : "");
	}
	return ok;
}

/* CPU 0's lines as build() makes it, as crash's runq -g prints them. */
static bool cpu0_as_built(const struct runq_groups *g)
{
	const struct want want[] = {
		TASK_LINE(0, 1, false),
		GROUP_LINE(1, GA, 0, "grp-a", false),
		GROUP_LINE(2, GA1, 0, "grp-a1", false),
		TASK_LINE(2, 3, true),
		TASK_LINE(1, 2, false),
		/* Not queued: after the root's queue, from the dequeued path. */
		GROUP_LINE(1, GB, 0, "", true),
		TASK_LINE(1, 4, false),
	};
	return lines_are(g, 0, 0, sizeof(want) / sizeof(want[0]), want);
}

/* CPU 1's: an empty root queue, one line. */
static bool cpu1_empty(const struct runq_groups *g)
{
	const struct want want[] = { EMPTY_LINE(0) };
	return lines_are(g, 1, 1, 1, want);
}

/* One warning, one line, containing what (and "CPU 0: " first or not). */
static bool one_warning(const struct runq_groups *g, const char *what,
			bool cpu0)
{
	if (g->nr_warnings != 1 || strchr(g->warnings[0], '\n') ||
	    !strstr(g->warnings[0], what))
		return false;
	return cpu0 ? !strncmp(g->warnings[0], "CPU 0: ", 7) :
		      strncmp(g->warnings[0], "CPU ", 4) != 0;
}

TEST(every_cpu_by_task_group_as_crash_runq_g)
{
	struct runq_groups g;
	build(0);
	read_groups(&g, true);
	show_warnings(&g);
	CHECK(err_code == 0 && g.nr_warnings == 0 && g.nr == 2);
	CHECK_STR(g.root_name, "ROOT");
	CHECK(g.root == sym_root);
	CHECK(cpu0_as_built(&g));
	CHECK(cpu1_empty(&g));
	if (g.nr == 2) {
		CHECK(g.cpus[0].curr.task == TASK(3) &&
		      g.cpus[0].curr.pid == PID(3));
		CHECK(g.cpus[1].curr.task == TASK(IDLE1) &&
		      g.cpus[1].curr.pid == 0);
		CHECK_STR(g.cpus[1].curr.comm, "swapper/1");
	}
	runq_groups_deinit(&g);
	CHECK(!g.cpus && g.nr == 0 && !g.warnings);
}

TEST(kaslr_moves_the_variables_not_the_per_cpu_offsets)
{
	struct runq_groups g;
	build(0x1e000000);
	read_groups(&g, true);
	show_warnings(&g);
	CHECK(err_code == 0 && g.nr_warnings == 0 && g.nr == 2);
	CHECK(g.root == sym_root + 0x1e000000);
	CHECK(g.nr == 2 && g.cpus[0].cfs_rq == PCPU0 + sym_runqueues + RQ_CFS);
	CHECK(cpu0_as_built(&g));
	CHECK(cpu1_empty(&g));
	runq_groups_deinit(&g);
}

TEST(the_current_entitys_groups_come_first_as_cfs_rq_curr)
{
	/*
	 * As the kernel keeps it: each level's current entity is its
	 * cfs_rq->curr and not in its tree.  A's entity is the root's curr,
	 * A1's A's; their queues come before the trees' tasks.
	 */
	struct runq_groups g;
	build(0);
	put(at(&m, cfs(ROOT, 0) + CFS_CURR), SE(GA, 0), 8);
	queue(cfs(ROOT, 0), task_node(1), task_node(1), 2);
	put(at(&m, cfs(GA, 0) + CFS_CURR), SE(GA1, 0), 8);
	queue(cfs(GA, 0), task_node(2), task_node(2), 2);
	rb(task_node(2), 0, 0);
	read_groups(&g, true);
	show_warnings(&g);
	CHECK(err_code == 0 && g.nr_warnings == 0 && g.nr == 2);
	const struct want want[] = {
		GROUP_LINE(1, GA, 0, "grp-a", false),
		GROUP_LINE(2, GA1, 0, "grp-a1", false),
		TASK_LINE(2, 3, true),
		TASK_LINE(1, 2, false),
		TASK_LINE(0, 1, false),
		GROUP_LINE(1, GB, 0, "", true),
		TASK_LINE(1, 4, false),
	};
	CHECK(lines_are(&g, 0, 0, sizeof(want) / sizeof(want[0]), want));
	CHECK(cpu1_empty(&g));
	runq_groups_deinit(&g);
}

TEST(a_throttled_group_below_dequeued_ones_comes_after_its_ancestors)
{
	/*
	 * A2, A1's child; on CPU 1 A2 throttled with T5, A1 and A holding
	 * nothing else (nr_running 0), none queued: crash's
	 * dump_tasks_in_lower_dequeued_cfs_rq goes down through A and A1
	 * and prints their headers (not shown yet), outermost first, before
	 * A2's queue.  A3, A's second child, throttled too with T6: after
	 * A2's, and A's header not again.
	 */
	struct runq_groups g;
	build(0);
	group(GA2, GA1, "grp-a2");
	children(GA1, 1, (const unsigned int[]){ GA2 });
	group(GA3, GA, "grp-a3");
	children(GA, 2, (const unsigned int[]){ GA1, GA3 });
	task(5, PID(5), "t5");
	queue(cfs(GA2, 1), task_node(5), task_node(5), 1);
	put(at(&m, cfs(GA2, 1) + CFS_THROTTLED), 1, 4);
	task(6, PID(6), "t6");
	queue(cfs(GA3, 1), task_node(6), task_node(6), 1);
	put(at(&m, cfs(GA3, 1) + CFS_THROTTLED), 1, 4);
	read_groups(&g, true);
	show_warnings(&g);
	CHECK(err_code == 0 && g.nr_warnings == 0 && g.nr == 2);
	/* On CPU 0 A2 and A3 hold nothing: not shown. */
	CHECK(cpu0_as_built(&g));
	const struct want want[] = {
		GROUP_LINE(1, GA, 1, "grp-a", false),
		GROUP_LINE(2, GA1, 1, "grp-a1", false),
		GROUP_LINE(3, GA2, 1, "grp-a2", true),
		TASK_LINE(3, 5, false),
		GROUP_LINE(2, GA3, 1, "grp-a3", true),
		TASK_LINE(2, 6, false),
	};
	CHECK(lines_are(&g, 1, 1, sizeof(want) / sizeof(want[0]), want));
	runq_groups_deinit(&g);
}

/* The table with from replaced by to. */
static void replace_in_table(const char *from, const char *to)
{
	char copy[sizeof(table)];
	char *p = strstr(table, from);
	if (!p)
		return;
	snprintf(copy, sizeof(copy), "%.*s%s%s", (int)(p - table), table, to,
		 p + strlen(from));
	snprintf(table, sizeof(table), "%s", copy);
	ktypes_destroy(k.types);
	k.types = NULL;
	take_error(ktypes_create_from_table(table, &k.types));
}

TEST(cfs_rq_nr_queued_of_6_14_and_kernfs_parent_of_6_15)
{
	struct runq_groups g;
	build(0);
	replace_in_table("cfs_rq.nr_running ", "cfs_rq.nr_queued ");
	replace_in_table("kernfs_node.parent ", "kernfs_node.__parent ");
	read_groups(&g, true);
	show_warnings(&g);
	CHECK(err_code == 0 && g.nr_warnings == 0 && g.nr == 2);
	/* B still found by its nr_queued; the names by __parent. */
	CHECK(cpu0_as_built(&g));
	CHECK(cpu1_empty(&g));
	runq_groups_deinit(&g);
}

TEST(real_time_task_groups_are_one_warning)
{
	struct runq_groups g;
	build(0);
	replace_in_table("task_group.cfs_rq 16 8\n",
			 "task_group.cfs_rq 16 8\ntask_group.rt_rq 24 8\n");
	read_groups(&g, true);
	show_warnings(&g);
	CHECK(err_code == 0 && g.nr == 2);
	CHECK(one_warning(&g, "CONFIG_RT_GROUP_SCHED", false));
	CHECK(cpu0_as_built(&g));
	CHECK(cpu1_empty(&g));
	runq_groups_deinit(&g);
}

TEST(a_children_list_that_loops_is_a_warning)
{
	struct runq_groups g;
	build(0);
	/* B's next sibling is A again: A, B, A ... */
	put(at(&m, tg(GB) + TG_SIBLINGS), tg(GA) + TG_SIBLINGS, 8);
	read_groups(&g, true);
	show_warnings(&g);
	CHECK(err_code == 0 && g.nr == 2);
	/* Read before any CPU's queue: no CPU named. */
	CHECK(one_warning(&g, "loops back", false));
	CHECK(cpu0_as_built(&g));
	CHECK(cpu1_empty(&g));
	runq_groups_deinit(&g);
}

TEST(a_cfs_rq_met_twice_is_a_warning)
{
	struct runq_groups g;
	build(0);
	/* A1's entity on CPU 0 has A's queue, its parent's, as its own. */
	put(at(&m, SE(GA1, 0) + SE_MY_Q), cfs(GA, 0), 8);
	read_groups(&g, true);
	show_warnings(&g);
	CHECK(err_code == 0 && g.nr == 2);
	CHECK(one_warning(&g, "met twice", true));
	/* A1 (nr_running 1) then shows as a group A's tree did not hold. */
	const struct want want[] = {
		TASK_LINE(0, 1, false),
		GROUP_LINE(1, GA, 0, "grp-a", false),
		TASK_LINE(1, 2, false),
		GROUP_LINE(2, GA1, 0, "grp-a1", false),
		TASK_LINE(2, 3, true),
		GROUP_LINE(1, GB, 0, "", true),
		TASK_LINE(1, 4, false),
	};
	CHECK(lines_are(&g, 0, 0, sizeof(want) / sizeof(want[0]), want));
	CHECK(cpu1_empty(&g));
	runq_groups_deinit(&g);
}

TEST(a_task_queued_twice_is_a_warning)
{
	struct runq_groups g;
	build(0);
	/* T3, current in A1, also after T4 in B's tree. */
	rb(task_node(4), 0, task_node(3));
	read_groups(&g, true);
	show_warnings(&g);
	CHECK(err_code == 0 && g.nr == 2);
	char what[64];
	snprintf(what, sizeof(what), "task 0x%" PRIx64 " queued twice",
		 (uint64_t)TASK(3));
	CHECK(one_warning(&g, what, true));
	CHECK(cpu0_as_built(&g));
	CHECK(cpu1_empty(&g));
	runq_groups_deinit(&g);
}

TEST(an_rbtree_with_a_cycle_is_a_warning)
{
	struct runq_groups g;
	build(0);
	/* T1's left child is the root's tree's root, A's entity. */
	rb(task_node(1), group_node(GA, 0), 0);
	read_groups(&g, true);
	show_warnings(&g);
	CHECK(err_code == 0 && g.nr == 2);
	CHECK(one_warning(&g, "twice", true));
	CHECK(g.nr_warnings != 1 || strstr(g.warnings[0], "cfs_rq 0x"));
	CHECK(cpu0_as_built(&g));
	CHECK(cpu1_empty(&g));
	runq_groups_deinit(&g);
}

/* The region of task n. */
static struct region *task_region(unsigned int n)
{
	for (size_t i = 0; i < m.n; i++)
		if (m.regions[i].addr == TASK(n))
			return &m.regions[i];
	return NULL;
}

TEST(a_task_struct_that_cannot_be_read_is_a_warning)
{
	struct runq_groups g;
	build(0);
	/* Only T2's sched_entity readable: its pid, prio and comm not. */
	task_region(2)->len = T_SE + SE_SIZE;
	read_groups(&g, true);
	show_warnings(&g);
	CHECK(err_code == 0 && g.nr == 2);
	char what[64];
	snprintf(what, sizeof(what), "task 0x%" PRIx64, (uint64_t)TASK(2));
	CHECK(one_warning(&g, what, true));
	const struct want want[] = {
		TASK_LINE(0, 1, false),
		GROUP_LINE(1, GA, 0, "grp-a", false),
		GROUP_LINE(2, GA1, 0, "grp-a1", false),
		TASK_LINE(2, 3, true),
		GROUP_LINE(1, GB, 0, "", true),
		TASK_LINE(1, 4, false),
	};
	CHECK(lines_are(&g, 0, 0, sizeof(want) / sizeof(want[0]), want));
	CHECK(cpu1_empty(&g));
	runq_groups_deinit(&g);
	/* T4 not mapped at all: B's tree cannot be read, B's queue empty. */
	build(0);
	task_region(4)->addr = UNMAPPED;
	read_groups(&g, true);
	show_warnings(&g);
	CHECK(err_code == 0 && g.nr == 2);
	CHECK(one_warning(&g, "cannot be read", true));
	const struct want want4[] = {
		TASK_LINE(0, 1, false),
		GROUP_LINE(1, GA, 0, "grp-a", false),
		GROUP_LINE(2, GA1, 0, "grp-a1", false),
		TASK_LINE(2, 3, true),
		TASK_LINE(1, 2, false),
		GROUP_LINE(1, GB, 0, "", true),
		EMPTY_LINE(1),
	};
	CHECK(lines_are(&g, 0, 0, sizeof(want4) / sizeof(want4[0]), want4));
	CHECK(cpu1_empty(&g));
	runq_groups_deinit(&g);
}

TEST(no_fair_group_scheduling_is_not_found)
{
	struct runq_groups g;
	build(0);
	replace_in_table("sched_entity.my_q 64 8\n", "");
	read_groups(&g, true);
	CHECK(err_code == LKDB_ERROR_NOT_FOUND && !g.cpus && g.nr == 0 &&
	      g.nr_warnings == 0 && !strchr(err_message, '\n'));
	CHECK(strstr(err_message, "my_q") != NULL);
}

static bool symbol(const char *name, uint64_t *ret)
{
	take_error(vmlinux_symbol(k.vmlinux, name, ret, NULL));
	return err_code == 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		printf("Bail out! usage: test-runq-groups RUNQ-GROUPS-FIXTURE\n");
		return 1;
	}
	take_error(kernel_open(&k, argv[1], &kernel_arch_x86_64));
	if (err_code || !symbol("__per_cpu_offset", &sym_offsets) ||
	    !symbol("nr_cpu_ids", &sym_nr_cpu_ids) ||
	    !symbol("__cpu_possible_mask", &sym_possible) ||
	    !symbol("__cpu_online_mask", &sym_online) ||
	    !symbol("root_task_group", &sym_root) ||
	    !symbol("runqueues", &sym_runqueues)) {
		printf("Bail out! the stand-in vmlinux %s\n", argv[1]);
		return 1;
	}
	k.memory = (struct kernel_memory_reader){ &m, fake_read, NULL };
	RUN(every_cpu_by_task_group_as_crash_runq_g);
	RUN(kaslr_moves_the_variables_not_the_per_cpu_offsets);
	RUN(the_current_entitys_groups_come_first_as_cfs_rq_curr);
	RUN(a_throttled_group_below_dequeued_ones_comes_after_its_ancestors);
	RUN(cfs_rq_nr_queued_of_6_14_and_kernfs_parent_of_6_15);
	RUN(real_time_task_groups_are_one_warning);
	RUN(a_children_list_that_loops_is_a_warning);
	RUN(a_cfs_rq_met_twice_is_a_warning);
	RUN(a_task_queued_twice_is_a_warning);
	RUN(an_rbtree_with_a_cycle_is_a_warning);
	RUN(a_task_struct_that_cannot_be_read_is_a_warning);
	RUN(no_fair_group_scheduling_is_not_found);
	int status = tap_done();
	unmap_all(&m);
	ktypes_destroy(k.types);
	k.types = NULL;
	kernel_close(&k);
	return status;
}
