/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's tasks (what crash's ps shows), read from any target through
 * a kernel_memory_reader: a pure computation over memory, symbol addresses
 * and type layouts (ktypes.h), so a byte buffer can stand in for a kernel.
 *
 * Thread-group leaders are found through init_task.tasks, the threads of
 * each group through signal->thread_head/task->thread_node (3.14+, commit
 * 0c740d0afc3b "introduce for_each_thread() to replace the buggy
 * while_each_thread()") or task->thread_group (older), told apart by
 * member.  The idle tasks of CPUs other than 0 (swapper/N, on no list) and
 * each CPU's current task come from the per-CPU runqueues (rq->idle,
 * rq->curr), or the per-CPU current_task when the kernel has no
 * runqueues symbol.
 *
 * Cost: one read per task of its task_struct up to the last member used
 * (~3 KiB of 6.1's 9.6; through gdb a read is a round trip, so fields are
 * never read one by one), one read of the RSS counters' span of the
 * mm_struct per process, a few reads for the CPUs.
 *
 * The walk is bounded (TASKS_MAX tasks) and stops at a task seen before
 * (a cycle) or an address that cannot be read, with a warning naming it;
 * what was read so far is kept.
 */
#ifndef LKDB_TASKS_H
#define LKDB_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/target.h"

struct kernel;

struct vmlinux;

#define TASKS_MAX 1000000

/* Link-time addresses (0: the kernel does not have the symbol). */
struct tasks_symbols {
	uint64_t init_task;
	uint64_t runqueues;		/* per-CPU struct rq */
	bool runqueues_percpu;		/* an offset from the per-CPU base */
	uint64_t current_task;		/* per-CPU struct task_struct * (x86) */
	bool current_task_percpu;
	uint64_t per_cpu_offset;	/* unsigned long __per_cpu_offset[] */
	uint64_t nr_cpu_ids;		/* unsigned int */
	uint64_t totalram_pages_atomic;	/* atomic_long_t _totalram_pages */
	uint64_t totalram_pages;	/* unsigned long (before 5.0) */
	/* fs/proc/array.c's names of states: its size tells the bits. */
	uint64_t task_state_array_size;
};

/* Fill syms from vm's symbol table; absent symbols are 0.  Never fails. */
void tasks_symbols_lookup(const struct vmlinux *vm,
			  struct tasks_symbols *ret);

struct task_info {
	uint64_t task;		/* address of the task_struct */
	int32_t pid, tgid;
	int32_t ppid;		/* real_parent->tgid; -1 if unreadable */
	char comm[17];
	char state[3];		/* crash's: RU IN UN ST TR ZO DE PA ID WA NE ?? */
	uint64_t state_raw;	/* __state / state */
	uint32_t exit_state;
	int cpu;		/* -1: unknown */
	bool running;		/* the current task of its CPU */
	bool kernel_thread;	/* mm == NULL */
	bool leader;		/* a thread-group leader (or an idle task) */
	uint64_t mm;
	uint64_t real_parent;
	bool mm_known;		/* rss_pages and vm_pages are valid */
	uint64_t rss_pages;	/* file + anon + shmem pages of the mm */
	uint64_t vm_pages;	/* mm->total_vm */
};

struct task_list {
	struct task_info *tasks;	/* in walk order */
	size_t nr_tasks;
	unsigned int nr_cpus;		/* CPUs looked at for current tasks */
	/* 0 if unknown: %MEM cannot be computed. */
	uint64_t totalram_pages;
	/* Whether RSS can be computed on this kernel at all. */
	bool rss_supported;
	char **warnings;
	size_t nr_warnings;
	unsigned int reads;		/* calls of the memory reader */
	uint64_t bytes_read;
};

/*
 * Read all tasks.  syms are link-time addresses (kaslr_offset is added to
 * those not per-CPU).  Errors: NOT_FOUND when the kernel lacks init_task
 * or the types needed, INVALID for absurd layouts, the reader's errors
 * when init_task itself cannot be read.  Problems further on are
 * warnings in the returned list.
 */
struct lkdb_error *tasks_read(const struct kernel_memory_reader *mem,
			      const struct tasks_symbols *syms,
			      uint64_t kaslr_offset, struct ktypes *types,
			      struct task_list **ret);
/* Accepts NULL. */
void task_list_destroy(struct task_list *list);

/* The task whose task_struct is at task, or NULL (0: NULL). */
const struct task_info *task_list_find(const struct task_list *list,
				       uint64_t task);

/* Sort by PID, then CPU, then address, as crash's ps shows them. */
void task_list_sort(struct task_list *list);

/* tasks_read() of the kernel k. */
struct lkdb_error *kernel_read_tasks(struct kernel *k, struct task_list **ret);
/* A task's times and saved stack pointer, as crash's ps -l, -m, -t, -s. */
struct task_times {
	bool have_last_arrival;	/* CONFIG_SCHED_INFO */
	uint64_t last_arrival;	/* sched_info.last_arrival: rq clock, ns */
	uint64_t start_time;	/* ns (CLOCK_MONOTONIC at fork) */
	uint64_t utime, stime;	/* ns */
	uint64_t ksp;		/* thread.sp: its saved kernel stack pointer */
};
struct lkdb_error *kernel_read_task_times(struct kernel *k, uint64_t task,
					  struct task_times *ret);
/*
 * jiffies since boot and HZ: jiffies_64 in memory less its initial value,
 * INITIAL_JIFFIES = (u32)(-300 * HZ), read from the vmlinux file (the
 * variable's static value), which gives HZ too.
 */
struct lkdb_error *kernel_jiffies_since_boot(struct kernel *k,
					     uint64_t *jiffies_ret,
					     unsigned int *hz_ret);
/* The size of a task's kernel stack (THREAD_SIZE), 0 if unknown. */
uint64_t kernel_thread_size(const struct kernel *k);
/* A task's kernel stack: task->stack and THREAD_SIZE. */
struct lkdb_error *kernel_task_stack(struct kernel *k, uint64_t task,
				     uint64_t *base_ret, uint64_t *size_ret);

#endif
