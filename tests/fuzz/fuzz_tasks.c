// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the task list walk (kernel-helpers/tasks/tasks.c) over a fake
 * kernel: memory, layout and symbols from the input (tests/unit/
 * walker_input.h), so the walk meets cycles, wild pointers, absurd counts
 * and odd layouts.  Seeds: the fake kernels of tests/unit/test_tasks.c.
 * Besides crashes, leaks and undefined behaviour it aborts when a promise
 * of tasks.h is broken: the walk is bounded (TASKS_MAX tasks plus two per
 * CPU, a bounded number of reads per task), every task's comm and state
 * are strings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/tasks/tasks.h"
#include "walker_input.h"

/* Reads a task, its thread list, mm, parent may cost; the CPUs' reads. */
#define READS_PER_TASK 64
#define READS_FIXED 64

static void check(const struct task_list *list, unsigned int reads)
{
	if (list->nr_cpus > 8192 ||
	    list->nr_tasks > TASKS_MAX + 2 * (size_t)list->nr_cpus)
		abort();
	if (reads > READS_FIXED + READS_PER_TASK *
		    (list->nr_tasks + list->nr_cpus + list->nr_warnings))
		abort();
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct task_info *t = &list->tasks[i];
		if (!memchr(t->comm, '\0', sizeof(t->comm)) ||
		    !memchr(t->state, '\0', sizeof(t->state)))
			abort();
	}
	walker_check_warnings(list->warnings, list->nr_warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walker_input in;
	struct ktypes *types;
	struct kernel_memory_reader reader;

	if (walker_input_start(data, size, &in, &types, &reader)) {
		struct tasks_symbols syms;
		uint64_t kaslr_offset;
		struct task_list *list = NULL;
		walker_tasks_unpack(in.values, &syms, &kaslr_offset);
		struct lkdb_error *err = tasks_read(&reader, &syms,
						    kaslr_offset, types, &list);
		if (err) {
			walker_check_error(err, list);
		} else {
			check(list, in.memory.reads);
			task_list_sort(list);
			task_list_destroy(list);
		}
	}
	walker_input_finish(&in, types);
	return 0;
}
