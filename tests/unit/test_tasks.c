// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/tasks/tasks.c over fake memory: a few task_structs
 * on init_task's list (one process with three threads, a zombie, a kernel
 * thread), per-CPU runqueues with an idle task on no list, mm RSS counters
 * with per-thread deltas; then a cycle in the list, a bad pointer, and a
 * kernel whose RSS counters are unknown.  Layouts come from a ktypes table.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/tasks/tasks.h"
#include "tap.h"

#include "fake_memory.h"
#include "walker_input.h"

/* A small task_struct; the offsets are made up, the names the kernel's. */
#define TASK_SIZE 128
static const char layout[] =
	"task_struct 0 128\n"
	"task_struct.tasks.next 0 8\n"
	"task_struct.pid 16 4\n"
	"task_struct.tgid 20 4\n"
	"task_struct.__state 24 4\n"
	"task_struct.exit_state 28 4\n"
	"task_struct.mm 32 8\n"
	"task_struct.real_parent 40 8\n"
	"task_struct.signal 48 8\n"
	"task_struct.comm 56 16\n"
	"task_struct.thread_node.next 72 8\n"
	"task_struct.thread_info.cpu 88 4\n"
	"task_struct.rss_stat.count 96 16\n"
	"signal_struct 0 64\n"
	"signal_struct.thread_head.next 8 8\n"
	"mm_struct 0 128\n"
	"mm_struct.total_vm 16 8\n"
	"mm_struct.rss_stat.count 32 32\n"
	"mm_rss_stat 0 32\n"
	"mm_rss_stat.count 0 32\n"
	"atomic_long_t 0 8\n"
	"rq 0 64\n"
	"rq.curr 16 8\n"
	"rq.idle 24 8\n";

/* As 6.2+ (percpu_counter RSS): no mm_rss_stat. */
static const char layout_no_rss[] =
	"task_struct 0 128\n"
	"task_struct.tasks.next 0 8\n"
	"task_struct.pid 16 4\n"
	"task_struct.tgid 20 4\n"
	"task_struct.__state 24 4\n"
	"task_struct.exit_state 28 4\n"
	"task_struct.mm 32 8\n"
	"task_struct.real_parent 40 8\n"
	"task_struct.signal 48 8\n"
	"task_struct.comm 56 16\n"
	"task_struct.thread_node.next 72 8\n"
	"task_struct.thread_info.cpu 88 4\n"
	"signal_struct 0 64\n"
	"signal_struct.thread_head.next 8 8\n"
	"mm_struct 0 128\n"
	"mm_struct.total_vm 16 8\n"
	"mm_struct.rss_stat 32 128\n"
	"rq 0 64\n"
	"rq.curr 16 8\n"
	"rq.idle 24 8\n";

#define KASLR 0x10000000ULL
#define INIT_TASK_SYM 0xffffffff82000000ULL
#define PCPU_OFFSET_SYM 0xffffffff82100000ULL
#define NR_CPU_IDS_SYM 0xffffffff82100100ULL
#define TOTALRAM_SYM 0xffffffff82100200ULL
#define RUNQUEUES 0x30000ULL	/* per-CPU offset */
#define PCPU_BASE 0xffff88807fc00000ULL
#define HEAP 0xffff888001000000ULL

enum {
	INIT, A, B, C, D, D2, D3, E, IDLE1, NTASKS
};

static uint64_t task_addr(int i)
{
	return i == INIT ? INIT_TASK_SYM + KASLR : HEAP + (uint64_t)i * 0x1000;
}

static uint64_t signal_addr(int i)
{
	return HEAP + 0x100000 + (uint64_t)i * 0x100;
}

#define MM(i) (HEAP + 0x200000 + (uint64_t)(i) * 0x100)

struct fake_kernel {
	struct fake_memory m;
	unsigned char *t[NTASKS];
};

static void set_task(struct fake_kernel *k, int i, int pid, int tgid,
		     const char *comm, uint64_t state, uint64_t mm, int parent,
		     int cpu)
{
	unsigned char *p = k->t[i];
	put(p + 16, pid, 4);
	put(p + 20, tgid, 4);
	put(p + 24, state, 4);
	put(p + 32, mm, 8);
	put(p + 40, task_addr(parent), 8);
	strncpy((char *)p + 56, comm, 16);
	put(p + 88, cpu, 4);
}

/* A one-thread group: its own signal_struct, the leader alone on it. */
static void single_thread(struct fake_kernel *k, int i)
{
	uint64_t head = signal_addr(i) + 8;
	unsigned char *s = map(&k->m, signal_addr(i), 64);
	put(s + 8, task_addr(i) + 72, 8);
	put(s + 16, task_addr(i) + 72, 8);
	put(k->t[i] + 48, signal_addr(i), 8);
	put(k->t[i] + 72, head, 8);
	put(k->t[i] + 80, head, 8);
}

static void build(struct fake_kernel *k)
{
	memset(k, 0, sizeof(*k));
	for (int i = 0; i < NTASKS; i++)
		k->t[i] = map(&k->m, task_addr(i), TASK_SIZE);
	set_task(k, INIT, 0, 0, "swapper/0", 0, 0, INIT, 0);
	set_task(k, A, 1, 1, "init", 1, MM(1), INIT, 0);
	set_task(k, B, 2, 2, "kthreadd", 1, 0, INIT, 1);
	set_task(k, C, 100, 100, "sleep", 1, MM(2), A, 0);
	set_task(k, D, 200, 200, "app", 0, MM(3), A, 1);
	set_task(k, D2, 201, 200, "app-worker", 2, MM(3), A, 0);
	set_task(k, D3, 202, 200, "app-idle", 0x402, MM(3), A, 0);
	set_task(k, E, 300, 300, "zombie", 0, 0, A, 0);
	put(k->t[E] + 28, 0x20, 4);
	set_task(k, IDLE1, 0, 0, "swapper/1", 0, 0, A, 1);
	/* init_task -> A -> B -> C -> D -> E -> init_task */
	int order[] = { INIT, A, B, C, D, E, INIT };
	for (int i = 0; i + 1 < 7; i++)
		put(k->t[order[i]], task_addr(order[i + 1]), 8);
	for (int i = 0; i < 6; i++)
		single_thread(k, order[i]);
	/* D's group: head -> D -> D2 -> D3 -> head */
	uint64_t head = signal_addr(D) + 8;
	unsigned char *s = at(&k->m, signal_addr(D));
	put(s + 8, task_addr(D) + 72, 8);
	put(k->t[D] + 72, task_addr(D2) + 72, 8);
	put(k->t[D2] + 72, task_addr(D3) + 72, 8);
	put(k->t[D3] + 72, head, 8);
	put(k->t[D2] + 48, signal_addr(D), 8);
	put(k->t[D3] + 48, signal_addr(D), 8);
	/* RSS: mm counters plus per-thread deltas (file, anon, swap, shmem). */
	unsigned char *mm1 = map(&k->m, MM(1), 128);
	put(mm1 + 16, 500, 8);
	put(mm1 + 32, 10, 8), put(mm1 + 40, 20, 8), put(mm1 + 48, 5, 8),
		put(mm1 + 56, 3, 8);
	put(k->t[A] + 96, 1, 4), put(k->t[A] + 100, 1, 4);
	unsigned char *mm2 = map(&k->m, MM(2), 128);
	put(mm2 + 16, 100, 8);
	put(mm2 + 40, 7, 8);
	unsigned char *mm3 = map(&k->m, MM(3), 128);
	put(mm3 + 16, 9000, 8);
	put(mm3 + 32, 100, 8), put(mm3 + 40, 200, 8);
	put(k->t[D] + 96, 5, 4);
	put(k->t[D2] + 100, (uint64_t)-10, 4);
	put(k->t[D3] + 96, 1, 4);
	/* CPUs */
	unsigned char *p = map(&k->m, NR_CPU_IDS_SYM + KASLR, 4);
	put(p, 2, 4);
	p = map(&k->m, PCPU_OFFSET_SYM + KASLR, 16);
	put(p, PCPU_BASE, 8);
	put(p + 8, PCPU_BASE + 0x100000, 8);
	unsigned char *rq0 = map(&k->m, PCPU_BASE + RUNQUEUES, 64);
	put(rq0 + 16, task_addr(INIT), 8);
	put(rq0 + 24, task_addr(INIT), 8);
	unsigned char *rq1 = map(&k->m, PCPU_BASE + 0x100000 + RUNQUEUES, 64);
	put(rq1 + 16, task_addr(D), 8);
	put(rq1 + 24, task_addr(IDLE1), 8);
	p = map(&k->m, TOTALRAM_SYM + KASLR, 8);
	put(p, 1000, 8);
}

static struct tasks_symbols syms(void)
{
	struct tasks_symbols s = {
		.init_task = INIT_TASK_SYM,
		.runqueues = RUNQUEUES,
		.runqueues_percpu = true,
		.per_cpu_offset = PCPU_OFFSET_SYM,
		.nr_cpu_ids = NR_CPU_IDS_SYM,
		.totalram_pages_atomic = TOTALRAM_SYM,
		.task_state_array_size = 72,
	};
	return s;
}

static int err_code;

static bool use_batches;

static struct task_list *run(struct fake_kernel *k, const char *table)
{
	struct ktypes *t = NULL;
	struct lkdb_error *err = ktypes_create_from_table(table, &t);
	struct task_list *list = NULL;
	if (!err) {
		struct kernel_memory_reader reader = {
			&k->m, fake_read, use_batches ? fake_read_batch : NULL
		};
		struct tasks_symbols s = syms();
		uint64_t values[WALKER_TASKS_VALUES];
		walker_tasks_pack(&s, KASLR, values);
		if (!walker_seed_save(tap_current_name,
				      use_batches ? WALKER_FLAG_BATCH : 0,
				      table, values, WALKER_TASKS_VALUES, &k->m))
			printf("# cannot save a fuzz seed\n");
		k->m.reads = 0;
		err = tasks_read(&reader, &s, KASLR, t, &list);
	}
	err_code = err ? (int)err->code : 0;
	if (err)
		printf("# error: %s\n", err->message);
	lkdb_error_destroy(err);
	ktypes_destroy(t);
	if (list) {
		for (size_t i = 0; i < list->nr_warnings; i++)
			printf("# warning: %s\n", list->warnings[i]);
		task_list_sort(list);
	}
	return list;
}

static const struct task_info *by_pid(const struct task_list *l, int pid,
				      int cpu)
{
	for (size_t i = 0; i < l->nr_tasks; i++) {
		if (l->tasks[i].pid == pid &&
		    (cpu < 0 || l->tasks[i].cpu == cpu))
			return &l->tasks[i];
	}
	return NULL;
}

TEST(walk_leaders_threads_idle_and_current)
{
	struct fake_kernel k;
	build(&k);
	struct task_list *l = run(&k, layout);
	CHECK(err_code == 0);
	if (!l)
		goto out;
	CHECK(l->nr_warnings == 0);
	CHECK(l->nr_tasks == NTASKS);
	CHECK(l->nr_cpus == 2);
	CHECK(l->totalram_pages == 1000);
	CHECK(l->rss_supported);
	/* One read per task, one per mm, a few for the CPUs, no more. */
	printf("# %u reads, %" PRIu64 " bytes\n", l->reads, l->bytes_read);
	CHECK(l->reads <= NTASKS + 3 + 1 + 1 + 2 + 1 + 1);
	CHECK(l->reads == k.m.reads);
	/* Sorted by PID, the two swappers by CPU. */
	for (size_t i = 1; i < l->nr_tasks; i++)
		CHECK(l->tasks[i - 1].pid <= l->tasks[i].pid);
	const struct task_info *t = &l->tasks[0];
	CHECK_STR(t->comm, "swapper/0");
	CHECK(t->cpu == 0 && t->running && t->kernel_thread && t->ppid == 0);
	CHECK_STR(t->state, "RU");
	t = &l->tasks[1];
	CHECK_STR(t->comm, "swapper/1");
	CHECK(t->cpu == 1 && !t->running && t->ppid == 0);
	CHECK(t->task == task_addr(IDLE1));
	t = by_pid(l, 1, -1);
	CHECK(t && t->ppid == 0 && !t->kernel_thread && t->mm_known);
	CHECK(t && t->rss_pages == 10 + 20 + 3 + 2 && t->vm_pages == 500);
	CHECK_STR(t ? t->state : NULL, "IN");
	t = by_pid(l, 2, -1);
	CHECK(t && t->kernel_thread && t->ppid == 0 && t->cpu == 1);
	t = by_pid(l, 100, -1);
	CHECK(t && t->ppid == 1 && t->rss_pages == 7);
	CHECK_STR(t ? t->comm : NULL, "sleep");
	/* The group's RSS: the mm's and every thread's delta. */
	t = by_pid(l, 200, -1);
	CHECK(t && t->running && t->cpu == 1 && t->leader);
	CHECK(t && t->rss_pages == 300 + 5 - 10 + 1);
	CHECK_STR(t ? t->state : NULL, "RU");
	t = by_pid(l, 201, -1);
	CHECK(t && t->tgid == 200 && !t->leader && t->ppid == 1 &&
	      !t->running && t->rss_pages == 296);
	CHECK_STR(t ? t->state : NULL, "UN");
	t = by_pid(l, 202, -1);
	CHECK_STR(t ? t->state : NULL, "ID");
	t = by_pid(l, 300, -1);
	CHECK_STR(t ? t->state : NULL, "ZO");
	int running = 0;
	for (size_t i = 0; i < l->nr_tasks; i++)
		running += l->tasks[i].running;
	CHECK(running == 2);
out:
	task_list_destroy(l);
	unmap_all(&k.m);
}

/* A target that takes batches gets the mm reads at once, same answers. */
TEST(batched_reads_give_the_same_list)
{
	struct fake_kernel k;
	build(&k);
	struct task_list *one = run(&k, layout);
	use_batches = true;
	fake_batches = 0;
	fake_largest_batch = 0;
	struct task_list *many = run(&k, layout);
	use_batches = false;
	CHECK(one && many);
	if (!one || !many)
		goto out;
	CHECK(fake_batches > 0);
	/* init's, 100's and 200's mm_structs in one batch. */
	CHECK(fake_largest_batch >= 3);
	CHECK(one->nr_tasks == many->nr_tasks && one->reads == many->reads);
	for (size_t i = 0; i < one->nr_tasks && i < many->nr_tasks; i++) {
		const struct task_info *a = &one->tasks[i], *b = &many->tasks[i];
		CHECK(a->pid == b->pid && a->ppid == b->ppid &&
		      a->cpu == b->cpu && a->running == b->running &&
		      a->rss_pages == b->rss_pages &&
		      a->vm_pages == b->vm_pages && a->mm_known == b->mm_known &&
		      !strcmp(a->comm, b->comm) && !strcmp(a->state, b->state));
	}
out:
	task_list_destroy(one);
	task_list_destroy(many);
	unmap_all(&k.m);
}

TEST(cycle_in_the_task_list_stops_with_a_warning)
{
	struct fake_kernel k;
	build(&k);
	/* C -> A: never back to init_task. */
	put(k.t[C], task_addr(A), 8);
	struct task_list *l = run(&k, layout);
	CHECK(err_code == 0);
	if (!l)
		goto out;
	CHECK(l->nr_warnings == 1);
	CHECK(l->nr_warnings && strstr(l->warnings[0], "cycle"));
	/* init, A, B, C and both idle/current extras: D is running, so read. */
	CHECK(by_pid(l, 1, -1) && by_pid(l, 2, -1) && by_pid(l, 100, -1));
	CHECK(by_pid(l, 300, -1) == NULL);
	CHECK(by_pid(l, 200, -1) && by_pid(l, 200, -1)->running);
	CHECK(by_pid(l, 0, 1) != NULL);
out:
	task_list_destroy(l);
	unmap_all(&k.m);
}

TEST(bad_pointer_keeps_what_was_read)
{
	struct fake_kernel k;
	build(&k);
	put(k.t[B], 0xdead000000000100ULL, 8);
	/* and a thread list that leads nowhere */
	put(k.t[D2] + 72, 0xdead000000000200ULL + 72, 8);
	struct task_list *l = run(&k, layout);
	CHECK(err_code == 0);
	if (!l)
		goto out;
	CHECK(l->nr_warnings == 1);
	CHECK(l->nr_warnings &&
	      strstr(l->warnings[0], "0xdead000000000100") != NULL);
	CHECK(by_pid(l, 1, -1) && by_pid(l, 2, -1));
	CHECK(by_pid(l, 100, -1) == NULL);
	/* Only the running D and the idle task came from the CPUs. */
	CHECK(by_pid(l, 200, -1) && by_pid(l, 0, 1));
	task_list_destroy(l);

	unmap_all(&k.m);
	build(&k);
	put(k.t[D2] + 72, 0xdead000000000200ULL + 72, 8);
	l = run(&k, layout);
	CHECK(err_code == 0);
	if (!l)
		goto out;
	CHECK(l->nr_warnings == 1);
	CHECK(l->nr_warnings &&
	      strstr(l->warnings[0], "0xdead000000000200") != NULL);
	CHECK(by_pid(l, 201, -1) && !by_pid(l, 202, -1) && by_pid(l, 300, -1));
out:
	task_list_destroy(l);
	unmap_all(&k.m);
}

TEST(init_task_unreadable_is_an_error)
{
	struct fake_kernel k;
	build(&k);
	struct ktypes *t = NULL;
	CHECK(!ktypes_create_from_table(layout, &t));
	struct kernel_memory_reader reader = { &k.m, fake_read, NULL };
	struct tasks_symbols s = syms();
	struct task_list *l = NULL;
	struct lkdb_error *err = tasks_read(&reader, &s, KASLR + 0x1000, t, &l);
	CHECK(err && err->code == LKDB_ERROR_FAULT);
	CHECK(l == NULL);
	lkdb_error_destroy(err);
	s.init_task = 0;
	err = tasks_read(&reader, &s, KASLR, t, &l);
	CHECK(err && err->code == LKDB_ERROR_NOT_FOUND);
	lkdb_error_destroy(err);
	ktypes_destroy(t);
	unmap_all(&k.m);
}

TEST(unknown_rss_counters_say_so)
{
	struct fake_kernel k;
	build(&k);
	struct task_list *l = run(&k, layout_no_rss);
	CHECK(err_code == 0);
	if (!l)
		goto out;
	CHECK(!l->rss_supported);
	CHECK(l->nr_tasks == NTASKS);
	const struct task_info *t = by_pid(l, 1, -1);
	CHECK(t && t->mm_known && t->vm_pages == 500 && t->rss_pages == 0);
out:
	task_list_destroy(l);
	unmap_all(&k.m);
}

/* Corrupt counters near INT64_MAX saturate instead of overflowing. */
TEST(corrupt_rss_counters_saturate)
{
	struct fake_kernel k;
	build(&k);
	/* init's mm: file pages INT64_MAX, anon 20, then the thread's +1s */
	put(at(&k.m, MM(1)) + 32, INT64_MAX, 8);
	/* D's group: INT64_MIN file pages, a thread's delta -10 */
	put(at(&k.m, MM(3)) + 32, (uint64_t)INT64_MIN, 8);
	struct task_list *l = run(&k, layout);
	CHECK(err_code == 0);
	if (!l)
		goto out;
	const struct task_info *t = by_pid(l, 1, -1);
	CHECK(t && t->mm_known && t->rss_pages == INT64_MAX);
	t = by_pid(l, 200, -1);
	CHECK(t && t->mm_known && t->rss_pages == 0);
out:
	task_list_destroy(l);
	unmap_all(&k.m);
}

/*
 * Before 3.14: threads on the headless task->thread_group; before 5.14
 * task->state; 4.9 - 5.15 task->cpu; before 4.14 other state bits (a
 * 7-entry task_state_array); x86's per-CPU current_task, no runqueues.
 */
static const char layout_old[] =
	"task_struct 0 128\n"
	"task_struct.tasks.next 0 8\n"
	"task_struct.pid 16 4\n"
	"task_struct.tgid 20 4\n"
	"task_struct.state 24 8\n"
	"task_struct.exit_state 28 4\n"
	"task_struct.mm 32 8\n"
	"task_struct.real_parent 40 8\n"
	"task_struct.signal 48 8\n"
	"task_struct.comm 56 16\n"
	"task_struct.thread_group.next 72 8\n"
	"task_struct.cpu 88 4\n"
	"mm_struct 0 128\n"
	"mm_struct.total_vm 16 8\n"
	"mm_struct.rss_stat.count 32 24\n"
	"mm_rss_stat 0 24\n"
	"mm_rss_stat.count 0 24\n"
	"atomic_long_t 0 8\n";

TEST(older_kernels_thread_group_state_cpu_current_task)
{
	struct fake_kernel k;
	build(&k);
	/* state is 8 bytes here: clear what was exit_state's place. */
	for (int i = 0; i < NTASKS; i++)
		put(k.t[i] + 28, 0, 4);
	put(k.t[E] + 24, 0x20ULL << 32, 8);	/* exit_state at 28 */
	put(k.t[B] + 24, 0x200, 4);		/* TASK_PARKED before 4.14 */
	int leaders[] = { INIT, A, B, C, E };
	for (int i = 0; i < 5; i++)
		put(k.t[leaders[i]] + 72, task_addr(leaders[i]) + 72, 8);
	put(k.t[D] + 72, task_addr(D2) + 72, 8);
	put(k.t[D2] + 72, task_addr(D3) + 72, 8);
	put(k.t[D3] + 72, task_addr(D) + 72, 8);
	unsigned char *p = map(&k.m, PCPU_BASE + 0x40000, 8);
	put(p, task_addr(INIT), 8);
	p = map(&k.m, PCPU_BASE + 0x100000 + 0x40000, 8);
	put(p, task_addr(D), 8);

	struct ktypes *t = NULL;
	CHECK(!ktypes_create_from_table(layout_old, &t));
	struct kernel_memory_reader reader = { &k.m, fake_read, NULL };
	struct tasks_symbols s = syms();
	s.runqueues = 0;
	s.current_task = 0x40000;
	s.current_task_percpu = true;
	s.task_state_array_size = 56;
	s.totalram_pages = s.totalram_pages_atomic;
	s.totalram_pages_atomic = 0;
	struct task_list *l = NULL;
	struct lkdb_error *err = tasks_read(&reader, &s, KASLR, t, &l);
	CHECK(!err);
	lkdb_error_destroy(err);
	ktypes_destroy(t);
	if (!l)
		goto out;
	for (size_t i = 0; i < l->nr_warnings; i++)
		printf("# warning: %s\n", l->warnings[i]);
	task_list_sort(l);
	CHECK(l->nr_warnings == 0);
	CHECK(l->nr_tasks == NTASKS - 1);	/* no runqueue: no swapper/1 */
	CHECK(l->totalram_pages == 1000 && l->rss_supported);
	const struct task_info *x = by_pid(l, 2, -1);
	CHECK_STR(x ? x->state : NULL, "PA");
	CHECK(x && x->cpu == 1);
	x = by_pid(l, 200, -1);
	CHECK(x && x->running && x->cpu == 1);
	/* three counters (no MM_SHMEMPAGES), no per-thread deltas */
	CHECK(x && x->rss_pages == 300);
	x = by_pid(l, 202, -1);
	CHECK(x && x->tgid == 200 && !x->leader);
	CHECK_STR(x ? x->state : NULL, "ID");
	x = by_pid(l, 300, -1);
	CHECK_STR(x ? x->state : NULL, "ZO");
	CHECK(by_pid(l, 0, 0) && by_pid(l, 0, 0)->running);
out:
	task_list_destroy(l);
	unmap_all(&k.m);
}

int main(void)
{
	RUN(walk_leaders_threads_idle_and_current);
	RUN(batched_reads_give_the_same_list);
	RUN(cycle_in_the_task_list_stops_with_a_warning);
	RUN(bad_pointer_keeps_what_was_read);
	RUN(init_task_unreadable_is_an_error);
	RUN(unknown_rss_counters_say_so);
	RUN(corrupt_rss_counters_saturate);
	RUN(older_kernels_thread_group_state_cpu_current_task);
	return tap_done();
}
