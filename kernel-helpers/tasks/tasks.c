// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/tasks/tasks.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/addrset.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/vmlinux.h"

/* More CPUs than any kernel's NR_CPUS (8192): a corrupt nr_cpu_ids. */
/* The most per-CPU RSS deltas read (3 counters x 64 CPUs x 5000 tasks is 960k). */
#define RSS_DELTA_READS_MAX (1u << 20)
#define CPUS_MAX 8192
/* A struct bigger than this is not a layout this code knows. */
#define OBJECT_MAX (1 << 20)

void tasks_symbols_lookup(const struct vmlinux *vm, struct tasks_symbols *ret)
{
	struct vmlinux_symbol_info info;
	struct lkdb_error *err;
	memset(ret, 0, sizeof(*ret));
#define SYM(name, field, percpu)                                       \
	do {                                                           \
		err = vmlinux_symbol_info(vm, name, &info);            \
		if (!err) {                                            \
			ret->field = info.addr;                        \
			percpu;                                        \
		}                                                      \
		lkdb_error_destroy(err);                               \
	} while (0)
	SYM("init_task", init_task, (void)0);
	SYM("runqueues", runqueues, ret->runqueues_percpu = info.percpu);
	SYM("current_task", current_task,
	    ret->current_task_percpu = info.percpu);
	SYM("__per_cpu_offset", per_cpu_offset, (void)0);
	SYM("nr_cpu_ids", nr_cpu_ids, (void)0);
	SYM("_totalram_pages", totalram_pages_atomic, (void)0);
	SYM("totalram_pages", totalram_pages, (void)0);
	SYM("task_state_array", task_state_array_size,
	    ret->task_state_array_size = info.size);
#undef SYM
}

const struct task_info *task_list_find(const struct task_list *list,
				       uint64_t task)
{
	for (size_t i = 0; task && i < list->nr_tasks; i++)
		if (list->tasks[i].task == task)
			return &list->tasks[i];
	return NULL;
}

void task_list_destroy(struct task_list *list)
{
	if (!list)
		return;
	free(list->tasks);
	lkdb_warnings_free(list->warnings, list->nr_warnings);
	free(list);
}

static int compare_tasks(const void *a, const void *b)
{
	const struct task_info *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	return 0;
}

void task_list_sort(struct task_list *list)
{
	if (list->nr_tasks)
		qsort(list->tasks, list->nr_tasks, sizeof(list->tasks[0]),
		      compare_tasks);
}

static struct lkdb_error *warn(struct task_list *list, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct lkdb_error *warn(struct task_list *list, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct lkdb_error *err = lkdb_warning_vappend(&list->warnings,
						      &list->nr_warnings, fmt,
						      ap);
	va_end(ap);
	return err;
}

/* ---- layouts ---- */

/* ktypes_field() where the kernel may lack it: *found false, no error. */
static struct lkdb_error *struct_size(struct ktypes *types, const char *type,
				      uint64_t *ret)
{
	struct lkdb_error *err = ktypes_size(types, type, ret);
	if (err)
		return err;
	if (*ret == 0 || *ret > OBJECT_MAX)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "struct %s: unexpected size %" PRIu64,
					 type, *ret);
	return NULL;
}

/* ktypes_member() as a yes/no: a layout this code may do without. */
static bool has(struct ktypes *types, const char *type, const char *path,
		uint64_t *offset_ret, uint64_t *size_ret)
{
	struct lkdb_error *err = ktypes_member(types, type, path, offset_ret,
					       size_ret);
	lkdb_error_destroy(err);
	return !err;
}

static bool has_size(struct ktypes *types, const char *type, uint64_t *ret)
{
	struct lkdb_error *err = ktypes_size(types, type, ret);
	lkdb_error_destroy(err);
	return !err;
}

enum cpu_source {
	CPU_UNKNOWN,
	CPU_IN_TASK,		/* task->thread_info.cpu or task->cpu */
	CPU_IN_STACK,		/* the thread_info at task->stack */
};

/* The counters of RSS: MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES. */
#define RSS_COUNTERS_MAX 8

/*
 * Each task_struct is read in spans that hold the fields used, and fields
 * closer than TASK_SPAN_GAP bytes share a read.  Through gdb, a read costs
 * a round trip and every byte is hex-encoded twice (stub to gdb, gdb to
 * lkdb): on 6.1 the fields lie in 0x0-0x1c and 0x890-0xc08 of a 9.6 KiB
 * struct, and two reads of 916 bytes beat one of 3080 (5000 tasks, QEMU
 * TCG: ps 2.83 s instead of 3.02 s, medians of 4).
 */
#define TASK_SPANS_MAX 16
#define TASK_SPAN_GAP 1024

struct layout {
	uint64_t task_size;
	/* Bytes of task_struct that hold fields used (the buffer's size). */
	uint64_t task_read;
	/* The spans of task_struct read: used fields, close ones merged. */
	struct { uint64_t start, end; } task_spans[TASK_SPANS_MAX];
	size_t nr_task_spans;
	uint64_t tasks;			/* list_head in task_struct */
	struct ktypes_field pid, tgid, state, exit_state, mm, real_parent, signal;
	uint64_t comm, comm_size;
	bool thread_head;		/* signal->thread_head/thread_node */
	uint64_t thread_node;		/* or thread_group: a list_head */
	uint64_t signal_thread_head;
	enum cpu_source cpu_source;
	struct ktypes_field cpu;		/* in task_struct or thread_info */
	struct ktypes_field stack;		/* task->stack for CPU_IN_STACK */
	/* RSS */
	bool rss;
	uint64_t mm_size;
	uint64_t mm_read_start, mm_read_end;	/* the span read of an mm */
	struct ktypes_field total_vm;
	uint64_t mm_rss;		/* offset of count[] in mm_struct */
	uint64_t mm_rss_elem;		/* from one counter to the next */
	uint64_t mm_rss_field;		/* size of one counter's count */
	/* 6.2+: each counter's s32 __percpu *counters, from its count. */
	bool rss_percpu;
	int64_t rss_counters_rel;
	unsigned int nr_counters;
	unsigned int swapents;		/* MM_SWAPENTS: not resident */
	bool task_rss;			/* per-thread task->rss_stat.count */
	uint64_t task_rss_off, task_rss_elem;
	/* runqueues */
	struct ktypes_field rq_curr, rq_idle;
	bool has_rq;
	/* state bits: 4.14 renumbered them */
	bool new_state_bits;
};

/*
 * task_struct: its size and the members every task's line reads (list
 * links, ids, state, mm, parent, signal, comm).
 */
static struct lkdb_error *layout_task_struct(struct ktypes *types,
					     struct layout *l)
{
	const char *T = "task_struct";
	struct ktypes_field f;
	struct lkdb_error *err = struct_size(types, T, &l->task_size);
	if (err)
		return err;
	uint64_t sz = l->task_size;
	err = ktypes_field(types, T, "tasks.next", sz, &f);
	l->tasks = f.offset;
	if (!err)
		err = ktypes_field(types, T, "pid", sz, &l->pid);
	if (!err)
		err = ktypes_field(types, T, "tgid", sz, &l->tgid);
	if (!err)
		err = ktypes_field(types, T, "exit_state", sz, &l->exit_state);
	if (!err)
		err = ktypes_field(types, T, "mm", sz, &l->mm);
	if (!err)
		err = ktypes_field(types, T, "real_parent", sz, &l->real_parent);
	if (!err)
		err = ktypes_field(types, T, "signal", sz, &l->signal);
	if (!err)
		err = ktypes_member(types, T, "comm", &l->comm, &l->comm_size);
	if (err)
		return err;
	if (l->comm_size == 0 || l->comm_size > 16 ||
	    l->comm + l->comm_size > sz)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "task_struct.comm: unexpected layout");
	/* __state: commit 2f064a59a11f "sched: Change task_struct::state" (5.14). */
	static const char *const state[] = { "__state", "state", NULL };
	unsigned int which;
	return ktypes_field_variant(types, T, state, sz, &l->state, &which);
}

/*
 * Threads: signal->thread_head and task->thread_node since commit
 * 0c740d0afc3b (3.14); the headless task->thread_group before.
 */
static struct lkdb_error *layout_threads(struct ktypes *types,
					 struct layout *l)
{
	const char *T = "task_struct";
	uint64_t sz = l->task_size, sig_size;
	struct ktypes_field f;
	static const char *const node[] = { "thread_node.next",
					     "thread_group.next", NULL };
	unsigned int which;
	struct lkdb_error *err = ktypes_field_variant(types, T, node, sz, &f,
						      &which);
	if (err)
		return err;
	l->thread_node = f.offset;
	if (which == 1)
		return NULL;
	l->thread_head = true;
	err = struct_size(types, "signal_struct", &sig_size);
	if (!err)
		err = ktypes_field(types, "signal_struct", "thread_head.next",
				   sig_size, &f);
	if (err)
		return err;
	l->signal_thread_head = f.offset;
	return NULL;
}

/*
 * CPU: task->thread_info.cpu (CONFIG_THREAD_INFO_IN_TASK since
 * commit bcf9033e5449 "sched: move CPU field back into thread_info if
 * THREAD_INFO_IN_TASK=y", 5.16), task->cpu (commit c65eacbe290b,
 * 4.9 - 5.15), else the thread_info at the bottom of task->stack.
 */
static struct lkdb_error *layout_cpu(struct ktypes *types, struct layout *l)
{
	const char *T = "task_struct";
	uint64_t sz = l->task_size, ti_size;
	bool found;
	static const char *const cpu[] = { "thread_info.cpu", "cpu", NULL };
	unsigned int which;
	struct lkdb_error *err = ktypes_field_variant(types, T, cpu, sz,
						      &l->cpu, &which);
	if (!err) {
		l->cpu_source = CPU_IN_TASK;
		return NULL;
	}
	if (err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	lkdb_error_destroy(err);
	err = ktypes_field(types, T, "stack", sz, &l->stack);
	if (!err)
		err = struct_size(types, "thread_info", &ti_size);
	if (!err)
		err = ktypes_field_optional(types, "thread_info", "cpu", ti_size,
					    &l->cpu, &found);
	if (err)
		return err;
	if (found)
		l->cpu_source = CPU_IN_STACK;
	return NULL;
}

/*
 * With SPLIT_RSS_COUNTING each thread keeps a task->rss_stat.count[] (as
 * many counters as the mm's) not yet added to the mm's; without it, none.
 */
static void layout_thread_rss(struct ktypes *types, struct layout *l)
{
	uint64_t off, size;
	if (has(types, "task_struct", "rss_stat.count", &off, &size) &&
	    size % l->nr_counters == 0 && off + size <= l->task_size &&
	    (size / l->nr_counters == 4 || size / l->nr_counters == 8)) {
		l->task_rss = true;
		l->task_rss_off = off;
		l->task_rss_elem = size / l->nr_counters;
	}
}

/*
 * mm_struct: total_vm, and the RSS counters: struct mm_rss_stat
 * { atomic_long_t count[NR_MM_COUNTERS]; } until 6.2, then an array
 * struct percpu_counter rss_stat[NR_MM_COUNTERS] (commit f1a7941243c1
 * "mm: convert mm's rss stats into percpu_counter"), whose counts are
 * what /proc/PID/status shows (get_mm_counter() reads the count alone);
 * found by member.  MM_SWAPENTS's counter, not resident, is left out (its
 * enumerator, 2 when the DWARF lacks it).  A kernel without mm_struct or
 * its total_vm leaves mm_size 0: no memory columns, no error.
 */
static struct lkdb_error *layout_mm_struct(struct ktypes *types,
					   struct layout *l)
{
	uint64_t rss_size = 0, elem = 0;
	struct lkdb_error *err = struct_size(types, "mm_struct", &l->mm_size);
	if (!err)
		err = ktypes_field(types, "mm_struct", "total_vm", l->mm_size,
				   &l->total_vm);
	uint64_t count = 0, count_size = 8, counters = 0;
	bool percpu = false;
	if (!err && ktypes_has_member(types, "mm_rss_stat", "count")) {
		if (!has(types, "mm_struct", "rss_stat.count", &l->mm_rss,
			 &rss_size) ||
		    !has_size(types, "atomic_long_t", &elem))
			elem = 0;
		count_size = elem;
	} else if (!err && ktypes_has_member(types, "percpu_counter", "count") &&
		   has(types, "mm_struct", "rss_stat", &l->mm_rss, &rss_size) &&
		   has_size(types, "percpu_counter", &elem) &&
		   has(types, "percpu_counter", "count", &count, &count_size) &&
		   has(types, "percpu_counter", "counters", &counters, NULL)) {
		percpu = true;
	}
	if (!err && elem && rss_size % elem == 0 && rss_size / elem >= 2 &&
	    rss_size / elem <= RSS_COUNTERS_MAX &&
	    (count_size == 4 || count_size == 8) &&
	    l->mm_rss + rss_size <= l->mm_size) {
		int64_t swapents = 2;
		struct lkdb_error *e = ktypes_enumerator(types, "MM_SWAPENTS",
							 &swapents);
		lkdb_error_destroy(e);
		l->rss = true;
		l->mm_rss += count;
		l->mm_rss_elem = elem;
		l->mm_rss_field = count_size;
		l->nr_counters = rss_size / elem;
		l->swapents = (unsigned int)swapents;
		/*
		 * 6.2 dropped the per-thread counters with the atomics; its
		 * per-CPU deltas are summed in, as /proc/PID/status does.
		 */
		l->rss_percpu = percpu;
		l->rss_counters_rel = (int64_t)counters - (int64_t)count;
		if (!percpu)
			layout_thread_rss(types, l);
	}
	if (err) {
		if (err->code != LKDB_ERROR_NOT_FOUND)
			return err;
		lkdb_error_destroy(err);
		l->mm_size = 0;
	}
	return NULL;
}

/* struct rq: the per-CPU runqueue's curr and idle tasks. */
static struct lkdb_error *layout_rq(struct ktypes *types, struct layout *l)
{
	uint64_t rq_size;
	struct lkdb_error *err = struct_size(types, "rq", &rq_size);
	if (!err)
		err = ktypes_field(types, "rq", "curr", rq_size, &l->rq_curr);
	if (!err)
		err = ktypes_field(types, "rq", "idle", rq_size, &l->rq_idle);
	if (err)
		return err;
	l->has_rq = true;
	return NULL;
}

/*
 * The spans of task_struct to read: the members used, sorted by offset,
 * those closer than TASK_SPAN_GAP merged; task_read, the end of the last.
 */
static struct lkdb_error *plan_task_spans(struct layout *l)
{
	struct ktypes_field used[] = {
		{ l->tasks, 8 }, l->pid, l->tgid, l->state, l->exit_state,
		l->mm, l->real_parent, l->signal, { l->comm, l->comm_size },
		{ l->thread_node, 16 },
		l->cpu_source == CPU_IN_TASK ? l->cpu : l->stack,
		{ l->task_rss_off,
		  l->task_rss ? l->task_rss_elem * l->nr_counters : 0 },
	};
	size_t nused = sizeof(used) / sizeof(used[0]);
	for (size_t i = 0; i < nused; i++) {
		if (used[i].offset + used[i].size > l->task_read)
			l->task_read = used[i].offset + used[i].size;
	}
	/* Sort by offset (a dozen fields), then merge into spans. */
	for (size_t i = 1; i < nused; i++) {
		for (size_t j = i; j > 0 && used[j].offset < used[j - 1].offset; j--) {
			struct ktypes_field tmp = used[j];
			used[j] = used[j - 1];
			used[j - 1] = tmp;
		}
	}
	for (size_t i = 0; i < nused; i++) {
		uint64_t start = used[i].offset, end = start + used[i].size;
		if (!used[i].size)
			continue;
		size_t n = l->nr_task_spans;
		if (n && start <= l->task_spans[n - 1].end + TASK_SPAN_GAP) {
			if (end > l->task_spans[n - 1].end)
				l->task_spans[n - 1].end = end;
		} else if (n < TASK_SPANS_MAX) {
			l->task_spans[n].start = start;
			l->task_spans[n].end = end;
			l->nr_task_spans++;
		} else {
			/* Out of spans: the last one grows. */
			if (end > l->task_spans[n - 1].end)
				l->task_spans[n - 1].end = end;
		}
	}
	if (l->task_read > l->task_size)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "task_struct: members beyond its size %" PRIu64,
					 l->task_size);
	return NULL;
}

/* The span of an mm_struct to read: total_vm and the RSS counters. */
static void plan_mm_span(struct layout *l)
{
	if (!l->mm_size)
		return;
	l->mm_read_start = l->total_vm.offset;
	l->mm_read_end = l->total_vm.offset + l->total_vm.size;
	if (l->rss) {
		uint64_t start = l->mm_rss, end = l->mm_rss +
			(l->nr_counters - 1) * l->mm_rss_elem + l->mm_rss_field;
		if (l->rss_percpu) {
			uint64_t ptr = l->mm_rss + l->rss_counters_rel;
			if (ptr < start)
				start = ptr;
			if (ptr + (l->nr_counters - 1) * l->mm_rss_elem + 8 > end)
				end = ptr + (l->nr_counters - 1) * l->mm_rss_elem + 8;
		}
		if (start < l->mm_read_start)
			l->mm_read_start = start;
		if (end > l->mm_read_end)
			l->mm_read_end = end;
	}
}

/* The layouts of the kernel's structures that the walk reads. */
static struct lkdb_error *get_layout(struct ktypes *types,
				     const struct tasks_symbols *syms,
				     struct layout *l)
{
	memset(l, 0, sizeof(*l));
	struct lkdb_error *err = layout_task_struct(types, l);
	if (!err)
		err = layout_threads(types, l);
	if (!err)
		err = layout_cpu(types, l);
	if (!err)
		err = layout_mm_struct(types, l);
	if (!err && syms->runqueues)
		err = layout_rq(types, l);
	if (err)
		return err;
	/*
	 * fs/proc/array.c's task_state_array grew "P (parked)" and
	 * "I (idle)" (9 entries) when the state bits were renumbered
	 * (commits 8ef9925b02c2 and 06eb61844d84, 4.14).
	 */
	l->new_state_bits = syms->task_state_array_size == 0 ||
			    syms->task_state_array_size >= 9 * 8;
	err = plan_task_spans(l);
	if (err)
		return err;
	plan_mm_span(l);
	return NULL;
}

/* crash's two-letter state of a task. */
static void state_string(const struct layout *l, uint64_t state,
			 uint32_t exit_state, char out[3])
{
	/* include/linux/sched.h, 4.14+ and before. */
	const uint64_t stopped = 0x4, traced = 0x8, exit_dead = 0x10,
		       exit_zombie = 0x20;
	uint64_t parked = l->new_state_bits ? 0x40 : 0x200;
	uint64_t dead = l->new_state_bits ? 0x80 : 0x40;
	uint64_t waking = l->new_state_bits ? 0x200 : 0x100;
	uint64_t noload = l->new_state_bits ? 0x400 : 0x400;
	uint64_t new = l->new_state_bits ? 0x800 : 0x800;
	const char *s = "??";
	if (exit_state & exit_zombie)
		s = "ZO";
	else if (exit_state & exit_dead)
		s = "DE";
	else if (state == 0)
		s = "RU";
	else if (state & 1)
		s = "IN";
	else if (state & 2)
		s = (state & noload) ? "ID" : "UN";
	else if (state & stopped)
		s = "ST";
	else if (state & traced)
		s = "TR";
	else if (state & parked)
		s = "PA";
	else if (state & dead)
		s = "DE";
	else if (state & waking)
		s = "WA";
	else if (state & new)
		s = "NE";
	memcpy(out, s, 3);
}

/* ---- the walk ---- */

struct walk {
	const struct kernel_memory_reader *mem;
	const struct layout *l;
	struct task_list *list;
	size_t cap;
	unsigned char *buf;		/* one task_struct */
	struct addr_set seen;		/* tasks read */
	bool stopped;			/* TASKS_MAX reached */
	/* Each CPU's per-CPU base (read_cpus), for per-CPU RSS deltas. */
	uint64_t *cpu_offsets;
	uint32_t nr_cpu_offsets;
	unsigned int delta_reads;
	bool deltas_stopped;
	size_t thread_rss_cap;		/* of the caller's thread_rss array */
};

static struct lkdb_error *read_mem(struct walk *w, uint64_t addr, void *buf,
				   size_t len)
{
	w->list->reads++;
	struct lkdb_error *err = w->mem->read(w->mem->context, addr, buf, len);
	if (!err)
		w->list->bytes_read += len;
	return err;
}

/*
 * Independent reads at once (a live target pipelines them); the first
 * error is returned, the requests' own errors are freed.
 */
static struct lkdb_error *read_many(struct walk *w,
				    struct kernel_read_request *reqs, size_t n)
{
	struct lkdb_error *fatal = kernel_read_batch(w->mem, reqs, n);
	struct lkdb_error *first = NULL;
	for (size_t i = 0; i < n; i++) {
		w->list->reads++;
		if (!reqs[i].err)
			w->list->bytes_read += reqs[i].len;
		else if (!first && !fatal)
			first = reqs[i].err;
		else
			lkdb_error_destroy(reqs[i].err);
		reqs[i].err = NULL;
	}
	return fatal ? fatal : first;
}

static struct lkdb_error *mark_seen(struct walk *w, uint64_t addr)
{
	return addr_set_add(&w->seen, addr) < 0 ? &lkdb_error_oom : NULL;
}

/*
 * Read the task at addr into w->buf and add it.  *ok false (with a
 * warning) when it cannot be read, was seen before or the list is full;
 * what names the list it was found on.
 */
static struct lkdb_error *read_task(struct walk *w, uint64_t addr,
				    bool leader, const char *what, bool *ok)
{
	const struct layout *l = w->l;
	*ok = false;
	if (w->list->nr_tasks >= TASKS_MAX) {
		if (!w->stopped) {
			w->stopped = true;
			return warn(w->list, "more than %d tasks: walk stopped",
				    TASKS_MAX);
		}
		return NULL;
	}
	if (addr_set_has(&w->seen, addr))
		return warn(w->list, "task 0x%" PRIx64 " seen twice (a cycle in %s): walk of that list stopped",
			    addr, what);
	struct kernel_read_request reqs[TASK_SPANS_MAX];
	for (size_t i = 0; i < l->nr_task_spans; i++)
		reqs[i] = (struct kernel_read_request){
			addr + l->task_spans[i].start,
			w->buf + l->task_spans[i].start,
			l->task_spans[i].end - l->task_spans[i].start, NULL,
		};
	struct lkdb_error *err = read_many(w, reqs, l->nr_task_spans);
	if (err) {
		if (err->code != LKDB_ERROR_FAULT)
			return err;
		struct lkdb_error *e = warn(w->list, "cannot read task 0x%" PRIx64 " (on %s): %s",
					    addr, what, err->message);
		lkdb_error_destroy(err);
		return e;
	}
	err = mark_seen(w, addr);
	if (err)
		return err;
	if (w->list->nr_tasks == w->cap) {
		size_t ncap = w->cap ? 2 * w->cap : 256;
		struct task_info *n = realloc(w->list->tasks,
					      ncap * sizeof(*n));
		if (!n)
			return &lkdb_error_oom;
		w->list->tasks = n;
		w->cap = ncap;
	}
	struct task_info *t = &w->list->tasks[w->list->nr_tasks++];
	const unsigned char *b = w->buf;
	memset(t, 0, sizeof(*t));
	t->task = addr;
	t->pid = (int32_t)ktypes_field_get_signed(b, l->pid);
	t->tgid = (int32_t)ktypes_field_get_signed(b, l->tgid);
	t->ppid = -1;
	memcpy(t->comm, b + l->comm, l->comm_size);
	t->comm[l->comm_size] = '\0';
	t->state_raw = ktypes_field_get(b, l->state);
	t->exit_state = (uint32_t)ktypes_field_get(b, l->exit_state);
	state_string(l, t->state_raw, t->exit_state, t->state);
	t->mm = ktypes_field_get(b, l->mm);
	t->real_parent = ktypes_field_get(b, l->real_parent);
	t->kernel_thread = t->mm == 0;
	t->leader = leader;
	t->cpu = -1;
	if (l->cpu_source == CPU_IN_TASK) {
		t->cpu = (int)ktypes_field_get(b, l->cpu);
	} else if (l->cpu_source == CPU_IN_STACK) {
		unsigned char cpu[8];
		uint64_t stack = ktypes_field_get(b, l->stack);
		err = read_mem(w, stack + l->cpu.offset, cpu, l->cpu.size);
		if (!err) {
			struct ktypes_field f = { 0, l->cpu.size };
			t->cpu = (int)ktypes_field_get(cpu, f);
		}
		lkdb_error_destroy(err);
	}
	*ok = true;
	return NULL;
}

static uint64_t ptr_at(const unsigned char *b, uint64_t offset)
{
	struct ktypes_field f = { offset, 8 };
	return ktypes_field_get(b, f);
}

/*
 * RSS counters are signed (a thread's delta may be negative) and come
 * from memory that may be corrupt: their sums saturate instead of
 * overflowing.
 */
static void rss_add(int64_t *sum, int64_t v)
{
	if (__builtin_add_overflow(*sum, v, sum))
		*sum = v < 0 ? INT64_MIN : INT64_MAX;
}

/* The per-thread RSS not yet in the mm: task->rss_stat.count[]. */
static void add_thread_rss(const struct layout *l, const unsigned char *b,
			   int64_t *thread_rss)
{
	*thread_rss = 0;
	if (!l->task_rss)
		return;
	for (unsigned int i = 0; i < l->nr_counters; i++) {
		/* MM_SWAPENTS is not resident. */
		if (i == l->swapents)
			continue;
		struct ktypes_field f = { l->task_rss_off + i * l->task_rss_elem,
				   l->task_rss_elem };
		rss_add(thread_rss, ktypes_field_get_signed(b, f));
	}
}

/*
 * Remember the per-thread RSS of the task just read (the list's last).
 * The array grows as the task list does, by doubling: a realloc per task
 * was quadratic in a long list.
 */
static struct lkdb_error *note_rss(struct walk *w, int64_t **thread_rss,
				   size_t *nthread_rss)
{
	int64_t rss;
	size_t nr = w->list->nr_tasks;
	add_thread_rss(w->l, w->buf, &rss);
	if (nr > w->thread_rss_cap) {
		size_t cap = w->thread_rss_cap ? 2 * w->thread_rss_cap : 64;
		while (cap < nr)
			cap *= 2;
		int64_t *n = realloc(*thread_rss, cap * sizeof(*n));
		if (!n)
			return &lkdb_error_oom;
		*thread_rss = n;
		w->thread_rss_cap = cap;
	}
	for (size_t i = *nthread_rss; i < nr; i++)
		(*thread_rss)[i] = 0;
	(*thread_rss)[nr - 1] = rss;
	*nthread_rss = nr;
	return NULL;
}

/* Threads of the group whose leader (at addr) is in w->buf. */
static struct lkdb_error *walk_threads(struct walk *w, uint64_t leader,
				       int64_t **thread_rss, size_t *nthread_rss)
{
	const struct layout *l = w->l;
	const unsigned char *b = w->buf;
	struct lkdb_error *err;
	bool ok;
	uint64_t end, node, leader_next = ptr_at(b, l->thread_node);
	if (l->thread_head) {
		uint64_t signal = ktypes_field_get(b, l->signal);
		if (!signal)
			return NULL;
		end = signal + l->signal_thread_head;
		/* One thread, the leader: no need to read the head. */
		if (leader_next == end && ptr_at(b, l->thread_node + 8) == end)
			return NULL;
		unsigned char head[8];
		err = read_mem(w, end, head, 8);
		if (err) {
			if (err->code != LKDB_ERROR_FAULT)
				return err;
			lkdb_error_destroy(err);
			return warn(w->list, "cannot read the thread list of task 0x%" PRIx64 " at 0x%" PRIx64,
				    leader, end);
		}
		node = ptr_at(head, 0);
	} else {
		end = leader + l->thread_node;
		node = leader_next;
	}
	for (size_t steps = 0; node != end; steps++) {
		uint64_t t = node - l->thread_node;
		if (steps > TASKS_MAX)
			return warn(w->list, "thread list of task 0x%" PRIx64 " does not end", leader);
		if (t == leader) {
			node = leader_next;
			continue;
		}
		err = read_task(w, t, false, "a thread list", &ok);
		if (err || !ok)
			return err;
		if ((err = note_rss(w, thread_rss, nthread_rss)))
			return err;
		node = ptr_at(w->buf, l->thread_node);
	}
	return NULL;
}


static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct addr_index {
	uint64_t addr;
	size_t i;
};

static int compare_index(const void *a, const void *b)
{
	return compare_u64(&((const struct addr_index *)a)->addr,
			   &((const struct addr_index *)b)->addr);
}

static const struct addr_index *find(const struct addr_index *idx, size_t n,
				     uint64_t addr)
{
	struct addr_index key = { addr, 0 };
	return bsearch(&key, idx, n, sizeof(*idx), compare_index);
}

/* Per-CPU current and idle tasks. */
static struct lkdb_error *read_cpus(struct walk *w,
				    const struct tasks_symbols *syms,
				    uint64_t kaslr, uint64_t **curr_ret,
				    uint64_t **idle_ret)
{
	const struct layout *l = w->l;
	struct task_list *list = w->list;
	struct lkdb_error *err = NULL;
	uint32_t nr = 1;
	if (syms->nr_cpu_ids) {
		err = read_mem(w, syms->nr_cpu_ids + kaslr, &nr, sizeof(nr));
		if (err)
			return lkdb_error_prefix(err, "reading nr_cpu_ids");
		if (nr == 0 || nr > CPUS_MAX)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "nr_cpu_ids is %" PRIu32, nr);
	}
	uint64_t *offsets = calloc(nr, sizeof(*offsets));
	uint64_t *curr = calloc(nr, sizeof(*curr));
	uint64_t *idle = calloc(nr, sizeof(*idle));
	if (!offsets || !curr || !idle) {
		err = &lkdb_error_oom;
		goto out;
	}
	if (syms->per_cpu_offset) {
		err = read_mem(w, syms->per_cpu_offset + kaslr, offsets,
			       nr * sizeof(*offsets));
		if (err) {
			err = lkdb_error_prefix(err, "reading __per_cpu_offset");
			goto out;
		}
	}
	list->nr_cpus = nr;
	for (uint32_t cpu = 0; cpu < nr; cpu++) {
		if (l->has_rq) {
			uint64_t rq = syms->runqueues + offsets[cpu] +
				      (syms->runqueues_percpu ? 0 : kaslr);
			uint64_t lo = l->rq_curr.offset < l->rq_idle.offset ?
					      l->rq_curr.offset : l->rq_idle.offset;
			uint64_t hi = l->rq_curr.offset > l->rq_idle.offset ?
					      l->rq_curr.offset : l->rq_idle.offset;
			unsigned char buf[256];
			if (hi + 8 - lo > sizeof(buf)) {
				/* Far apart: two reads. */
				err = read_mem(w, rq + l->rq_curr.offset, buf, 8);
				if (!err)
					err = read_mem(w, rq + l->rq_idle.offset,
						       buf + 8, 8);
				if (!err) {
					curr[cpu] = ptr_at(buf, 0);
					idle[cpu] = ptr_at(buf, 8);
				}
			} else {
				err = read_mem(w, rq + lo, buf, hi + 8 - lo);
				if (!err) {
					curr[cpu] = ptr_at(buf, l->rq_curr.offset - lo);
					idle[cpu] = ptr_at(buf, l->rq_idle.offset - lo);
				}
			}
			if (err)
				err = lkdb_error_prefix(err, "reading the runqueue of CPU %" PRIu32 " at 0x%" PRIx64,
							cpu, rq);
		} else if (syms->current_task) {
			uint64_t a = syms->current_task + offsets[cpu] +
				     (syms->current_task_percpu ? 0 : kaslr);
			err = read_mem(w, a, &curr[cpu], 8);
			if (err)
				err = lkdb_error_prefix(err, "reading current_task of CPU %" PRIu32 " at 0x%" PRIx64,
							cpu, a);
		}
		if (err) {
			if (err->code != LKDB_ERROR_FAULT)
				goto out;
			struct lkdb_error *e = warn(list, "%s", err->message);
			lkdb_error_destroy(err);
			err = e;
			if (err)
				goto out;
		}
	}
	if (!l->has_rq && !syms->current_task)
		err = warn(list, "neither runqueues nor current_task: the tasks running on CPUs are unknown");
out:
	if (!err && syms->per_cpu_offset) {
		w->cpu_offsets = offsets;
		w->nr_cpu_offsets = nr;
	} else {
		free(offsets);
	}
	if (err) {
		free(curr);
		free(idle);
		return err;
	}
	*curr_ret = curr;
	*idle_ret = idle;
	return NULL;
}

/*
 * A percpu_counter's deltas not yet in its count: the s32 at counters on
 * each CPU (percpu_counter_sum()).  A delta that cannot be read is left
 * out, with the count kept.
 */
static void add_percpu_deltas(struct walk *w, uint64_t counters,
			      int64_t *sum)
{
	if (!counters || !w->cpu_offsets)
		return;
	for (uint32_t cpu = 0; cpu < w->nr_cpu_offsets; cpu++) {
		/* Bounded: a damaged nr_cpu_ids or task list stays cheap. */
		if (w->delta_reads++ >= RSS_DELTA_READS_MAX) {
			if (!w->deltas_stopped) {
				w->deltas_stopped = true;
				lkdb_error_destroy(warn(w->list,
					"more than %u per-CPU RSS deltas: the rest left out (RSS may be low)",
					RSS_DELTA_READS_MAX));
			}
			return;
		}
		int32_t delta;
		struct lkdb_error *err = read_mem(w, counters +
						  w->cpu_offsets[cpu],
						  &delta, sizeof(delta));
		/* An unreadable per-CPU area: this counter's deltas end there. */
		if (err) {
			lkdb_error_destroy(err);
			return;
		}
		rss_add(sum, delta);
	}
}

/* RSS of each process: one read of its mm_struct. */
/* mm_struct reads sent at once (bounded: their buffers). */
#define MM_BATCH 256

/* The distinct mm_structs of the tasks, sorted, into mms (nr_ret). */
static size_t unique_mms(const struct task_list *list, struct addr_index *mms)
{
	size_t nr = 0, u = 0;
	for (size_t i = 0; i < list->nr_tasks; i++) {
		if (list->tasks[i].mm)
			mms[nr++] = (struct addr_index){ list->tasks[i].mm, 0 };
	}
	qsort(mms, nr, sizeof(*mms), compare_index);
	for (size_t i = 0; i < nr; i++) {
		if (!u || mms[u - 1].addr != mms[i].addr)
			mms[u++] = mms[i];
	}
	for (size_t i = 0; i < u; i++)
		mms[i].i = i;
	return u;
}

/* One mm_struct's span in buf: its total_vm and its RSS counters. */
static void mm_counts(struct walk *w, const unsigned char *buf, uint64_t *vm,
		      int64_t *sum)
{
	const struct layout *l = w->l;
	*vm = ktypes_field_get(buf, l->total_vm);
	if (!l->rss)
		return;
	for (unsigned int c = 0; c < l->nr_counters; c++) {
		if (c == l->swapents)
			continue;
		struct ktypes_field f = { l->mm_rss + c * l->mm_rss_elem,
					  l->mm_rss_field };
		rss_add(sum, ktypes_field_get_signed(buf, f));
		if (l->rss_percpu)
			add_percpu_deltas(w, ptr_at(buf, l->mm_rss +
				c * l->mm_rss_elem + l->rss_counters_rel), sum);
	}
}

/*
 * Read the mm_structs MM_BATCH at a time (they are independent): vm[i],
 * sums[i] and ok[i] for mms[i]; one that cannot be read is a warning.
 */
static struct lkdb_error *read_mms(struct walk *w,
				   const struct addr_index *mms, size_t nr_mms,
				   uint64_t *vm, int64_t *sums, bool *ok)
{
	const struct layout *l = w->l;
	struct task_list *list = w->list;
	size_t span = l->mm_read_end - l->mm_read_start;
	struct kernel_read_request *reqs = calloc(MM_BATCH, sizeof(*reqs));
	unsigned char *spans = malloc(MM_BATCH * span);
	unsigned char *buf = malloc(l->mm_size);
	struct lkdb_error *err = NULL;
	if (!reqs || !spans || !buf)
		err = &lkdb_error_oom;
	for (size_t i = 0; i < nr_mms && !err; i++) {
		size_t slot = i % MM_BATCH;
		if (!slot) {
			size_t k = nr_mms - i < MM_BATCH ? nr_mms - i : MM_BATCH;
			for (size_t j = 0; j < k; j++)
				reqs[j] = (struct kernel_read_request){
					mms[i + j].addr + l->mm_read_start,
					spans + j * span, span, NULL,
				};
			struct lkdb_error *fatal = kernel_read_batch(w->mem,
								     reqs, k);
			list->reads += (unsigned int)k;
			if (fatal) {
				for (size_t j = 0; j < k; j++) {
					lkdb_error_destroy(reqs[j].err);
					reqs[j].err = NULL;
				}
				err = fatal;
				break;
			}
		}
		struct lkdb_error *e = reqs[slot].err;
		reqs[slot].err = NULL;
		if (e) {
			err = warn(list, "cannot read mm_struct 0x%" PRIx64 ": %s",
				   mms[i].addr, e->message);
			lkdb_error_destroy(e);
			continue;
		}
		list->bytes_read += span;
		memcpy(buf + l->mm_read_start, spans + slot * span, span);
		ok[i] = true;
		mm_counts(w, buf, &vm[i], &sums[i]);
	}
	/* Left over after an error: the batch's unread errors. */
	for (size_t j = 0; reqs && j < MM_BATCH; j++)
		lkdb_error_destroy(reqs[j].err);
	free(reqs);
	free(spans);
	free(buf);
	return err;
}

static struct lkdb_error *read_rss(struct walk *w, const int64_t *thread_rss,
				   size_t nthread_rss)
{
	struct task_list *list = w->list;
	size_t n = list->nr_tasks;
	struct addr_index *mms = calloc(n ? n : 1, sizeof(*mms));
	int64_t *sums = calloc(n ? n : 1, sizeof(*sums));
	uint64_t *vm = calloc(n ? n : 1, sizeof(*vm));
	bool *ok = calloc(n ? n : 1, sizeof(*ok));
	struct lkdb_error *err = NULL;
	if (!mms || !sums || !vm || !ok)
		err = &lkdb_error_oom;
	size_t nr_mms = err ? 0 : unique_mms(list, mms);
	if (!err)
		err = read_mms(w, mms, nr_mms, vm, sums, ok);
	if (!err) {
		for (size_t i = 0; i < n && i < nthread_rss; i++) {
			const struct addr_index *m =
				find(mms, nr_mms, list->tasks[i].mm);
			if (m)
				rss_add(&sums[m->i], thread_rss[i]);
		}
		for (size_t i = 0; i < n; i++) {
			struct task_info *t = &list->tasks[i];
			const struct addr_index *m = find(mms, nr_mms, t->mm);
			if (!m || !ok[m->i])
				continue;
			t->mm_known = true;
			t->vm_pages = vm[m->i];
			t->rss_pages = sums[m->i] > 0 ? (uint64_t)sums[m->i] : 0;
		}
	}
	free(mms);
	free(sums);
	free(vm);
	free(ok);
	return err;
}

/*
 * The leaders on init_task's list (init, pid 0, swapper/0, heads it) and
 * the threads of each.
 */
static struct lkdb_error *walk_task_list(struct walk *w, uint64_t init,
					 int64_t **thread_rss,
					 size_t *nthread_rss)
{
	const struct layout *l = w->l;
	struct task_list *list = w->list;
	bool ok;
	struct lkdb_error *err = read_task(w, init, true, "the task list", &ok);
	if (!err && !ok)
		return lkdb_error_create(LKDB_ERROR_FAULT, "%s",
					 list->nr_warnings ?
						 list->warnings[list->nr_warnings - 1] :
						 "cannot read init_task");
	if (!err)
		err = note_rss(w, thread_rss, nthread_rss);
	uint64_t head = init + l->tasks;
	uint64_t next = ptr_at(w->buf, l->tasks);
	if (!err)
		err = walk_threads(w, init, thread_rss, nthread_rss);
	/* walk_threads reused the buffer: next was taken before. */
	while (!err && next != head) {
		uint64_t t = next - l->tasks;
		err = read_task(w, t, true, "the task list", &ok);
		if (err || !ok)
			break;
		next = ptr_at(w->buf, l->tasks);
		err = note_rss(w, thread_rss, nthread_rss);
		if (!err)
			err = walk_threads(w, t, thread_rss, nthread_rss);
	}
	return err;
}

/* The CPUs' idle tasks (on no list but CPU 0's) and current ones not seen. */
static struct lkdb_error *add_cpu_tasks(struct walk *w, const uint64_t *curr,
					const uint64_t *idle,
					int64_t **thread_rss,
					size_t *nthread_rss)
{
	struct lkdb_error *err;
	bool ok;
	for (unsigned int cpu = 0; cpu < w->list->nr_cpus; cpu++) {
		uint64_t extra[2] = { idle[cpu], curr[cpu] };
		for (int k = 0; k < 2; k++) {
			if (!extra[k] || addr_set_has(&w->seen, extra[k]))
				continue;
			err = read_task(w, extra[k], true,
					k ? "a runqueue's curr" : "a runqueue's idle",
					&ok);
			if (!err && ok)
				err = note_rss(w, thread_rss, nthread_rss);
			if (err)
				return err;
		}
	}
	return NULL;
}

/*
 * t's PPID: the tgid of its parent, found by address among the tasks
 * (idx, n) or read from memory.
 */
static struct lkdb_error *find_ppid(struct walk *w,
				    const struct addr_index *idx, size_t n,
				    struct task_info *t)
{
	const struct layout *l = w->l;
	/* The idle tasks: crash shows PPID 0 (swapper/N was forked by init). */
	if (t->pid == 0) {
		t->ppid = 0;
		return NULL;
	}
	const struct addr_index *a = find(idx, n, t->real_parent);
	if (a) {
		t->ppid = w->list->tasks[a->i].tgid;
		return NULL;
	}
	if (!t->real_parent)
		return NULL;
	/* A parent on no list (exiting): its tgid alone. */
	unsigned char tgid[8];
	struct lkdb_error *err = read_mem(w, t->real_parent + l->tgid.offset,
					  tgid, l->tgid.size);
	if (err) {
		if (err->code != LKDB_ERROR_FAULT)
			return err;
		lkdb_error_destroy(err);
		return warn(w->list, "cannot read the parent 0x%" PRIx64 " of task 0x%" PRIx64,
			    t->real_parent, t->task);
	}
	struct ktypes_field f = { 0, l->tgid.size };
	t->ppid = (int32_t)ktypes_field_get_signed(tgid, f);
	return NULL;
}

/* PPIDs and running tasks (each CPU's curr), by address. */
static struct lkdb_error *link_tasks(struct walk *w, const uint64_t *curr)
{
	struct task_list *list = w->list;
	size_t n = list->nr_tasks;
	struct addr_index *idx = calloc(n ? n : 1, sizeof(*idx));
	if (!idx)
		return &lkdb_error_oom;
	for (size_t i = 0; i < n; i++)
		idx[i] = (struct addr_index){ list->tasks[i].task, i };
	qsort(idx, n, sizeof(*idx), compare_index);
	for (unsigned int cpu = 0; cpu < list->nr_cpus; cpu++) {
		const struct addr_index *a = find(idx, n, curr[cpu]);
		if (a)
			list->tasks[a->i].running = true;
	}
	struct lkdb_error *err = NULL;
	for (size_t i = 0; i < n && !err; i++)
		err = find_ppid(w, idx, n, &list->tasks[i]);
	free(idx);
	return err;
}

/* The RAM's size in pages, for %MEM: 0 (with a warning) when unreadable. */
static struct lkdb_error *read_totalram(struct walk *w,
					const struct tasks_symbols *syms,
					uint64_t kaslr_offset)
{
	struct task_list *list = w->list;
	uint64_t ram = syms->totalram_pages_atomic ? syms->totalram_pages_atomic :
						    syms->totalram_pages;
	if (!ram)
		return NULL;
	/*
	 * _totalram_pages: an atomic_long_t since commit ca79b0c211af
	 * "mm: convert totalram_pages and totalhigh_pages variables to
	 * atomic" (5.0); a plain unsigned long before.  Both 8 bytes.
	 */
	struct lkdb_error *err = read_mem(w, ram + kaslr_offset,
					  &list->totalram_pages, 8);
	if (err) {
		if (err->code != LKDB_ERROR_FAULT)
			return err;
		lkdb_error_destroy(err);
		list->totalram_pages = 0;
		return warn(list, "cannot read totalram_pages: %%MEM unknown");
	}
	return NULL;
}

struct lkdb_error *tasks_read(const struct kernel_memory_reader *mem,
			      const struct tasks_symbols *syms,
			      uint64_t kaslr_offset, struct ktypes *types,
			      struct task_list **ret)
{
	if (!syms->init_task)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the kernel has no init_task symbol");
	struct layout l;
	struct lkdb_error *err = get_layout(types, syms, &l);
	if (err)
		return err;
	struct task_list *list = calloc(1, sizeof(*list));
	struct walk w = { .mem = mem, .l = &l, .list = list };
	int64_t *thread_rss = NULL;
	size_t nthread_rss = 0;
	uint64_t *curr = NULL, *idle = NULL;
	if (!list || !(w.buf = malloc(l.task_size))) {
		err = &lkdb_error_oom;
		goto out;
	}
	list->rss_supported = l.rss;

	err = walk_task_list(&w, syms->init_task + kaslr_offset, &thread_rss,
			     &nthread_rss);
	if (!err)
		err = read_cpus(&w, syms, kaslr_offset, &curr, &idle);
	if (!err)
		err = add_cpu_tasks(&w, curr, idle, &thread_rss, &nthread_rss);
	if (!err)
		err = link_tasks(&w, curr);
	if (!err && l.mm_size)
		err = read_rss(&w, thread_rss, nthread_rss);
	if (!err)
		err = read_totalram(&w, syms, kaslr_offset);
out:
	free(thread_rss);
	free(curr);
	free(idle);
	free(w.buf);
	addr_set_deinit(&w.seen);
	free(w.cpu_offsets);
	if (err) {
		task_list_destroy(list);
		return err;
	}
	*ret = list;
	return NULL;
}

struct lkdb_error *kernel_read_tasks(struct kernel *k, struct task_list **ret)
{
	struct ktypes *types;
	struct lkdb_error *err = kernel_types(k, &types);
	if (err)
		return err;
	struct tasks_symbols syms;
	tasks_symbols_lookup(k->vmlinux, &syms);
	return tasks_read(kernel_memory(k), &syms, k->kaslr_offset, types,
			  ret);
}

/*
 * THREAD_SIZE: the linker script puts init_task's stack between
 * __start_init_stack and __end_init_stack (named __start_init_task and
 * __end_init_task before 6.2's commit 3c8ea5e6 "x86/mm: Rename ..."),
 * THREAD_SIZE apart; found by symbol.
 */
uint64_t kernel_thread_size(const struct kernel *k)
{
	static const char *const names[][2] = {
		{ "__start_init_stack", "__end_init_stack" },
		{ "__start_init_task", "__end_init_task" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t start, end;
		struct lkdb_error *err = vmlinux_symbol(k->vmlinux, names[i][0],
							&start, NULL);
		if (!err)
			err = vmlinux_symbol(k->vmlinux, names[i][1], &end, NULL);
		lkdb_error_destroy(err);
		if (!err && end > start)
			return end - start;
	}
	return 0;
}

struct lkdb_error *kernel_task_stack(struct kernel *k, uint64_t task,
				     uint64_t *base_ret, uint64_t *size_ret)
{
	struct ktypes *t;
	uint64_t off;
	*size_ret = kernel_thread_size(k);
	if (!*size_ret)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the kernel stack size is unknown: the vmlinux has neither __start_init_stack nor __start_init_task");
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = ktypes_member(t, "task_struct", "stack", &off, NULL);
	if (!err)
		err = kernel_read_uint(k, task + off, 8, base_ret);
	return err;
}

struct lkdb_error *kernel_read_task_times(struct kernel *k, uint64_t task,
					  struct task_times *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	uint64_t start, ut, st, sp;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = ktypes_member(t, "task_struct", "start_time", &start, NULL)) ||
	    (err = ktypes_member(t, "task_struct", "utime", &ut, NULL)) ||
	    (err = ktypes_member(t, "task_struct", "stime", &st, NULL)) ||
	    (err = ktypes_member(t, "task_struct", "thread.sp", &sp, NULL)) ||
	    (err = kernel_read_uint(k, task + start, 8, &ret->start_time)) ||
	    (err = kernel_read_uint(k, task + ut, 8, &ret->utime)) ||
	    (err = kernel_read_uint(k, task + st, 8, &ret->stime)) ||
	    (err = kernel_read_uint(k, task + sp, 8, &ret->ksp)))
		return err;
	uint64_t la;
	if (ktypes_has_member(t, "task_struct", "sched_info.last_arrival")) {
		if ((err = ktypes_member(t, "task_struct", "sched_info.last_arrival",
					 &la, NULL)) ||
		    (err = kernel_read_uint(k, task + la, 8, &ret->last_arrival)))
			return err;
		ret->have_last_arrival = true;
	}
	return NULL;
}

struct lkdb_error *kernel_jiffies_since_boot(struct kernel *k,
					     uint64_t *jiffies_ret,
					     unsigned int *hz_ret)
{
	uint64_t link, initial = 0, now;
	struct lkdb_error *err = kernel_need_symbol(k, "jiffies_64", "the timer tick",
						    &link);
	if (!err)
		err = vmlinux_read(k->vmlinux, link, &initial, 8);
	if (!err)
		err = kernel_read_uint(k, link + k->kaslr_offset, 8, &now);
	if (err)
		return err;
	/* INITIAL_JIFFIES (include/linux/jiffies.h): (u32)(-300 * HZ). */
	uint64_t hz300 = (1ULL << 32) - initial;
	if (initial >= (1ULL << 32) || !initial || hz300 % 300 || hz300 / 300 > 10000)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "jiffies_64 starts at 0x%" PRIx64 " in the vmlinux, not INITIAL_JIFFIES: HZ unknown",
					 initial);
	*hz_ret = (unsigned int)(hz300 / 300);
	*jiffies_ret = now - initial;
	return NULL;
}
