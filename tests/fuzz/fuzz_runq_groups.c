// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for each CPU's fair run queue by task group
 * (kernel_read_runq_groups, kernel-helpers/tasks/runq_groups.c, as
 * runq -g uses it) over a fake kernel: memory and layout from the input
 * (tests/unit/walker_input.h), the KASLR offset its value, the symbols
 * those of the stand-in vmlinux runq-groups-fixture (its path built in as
 * LKDB_RUNQ_GROUPS_FIXTURE), opened once.  Seeds: the fake kernels of
 * tests/unit/test_runq_groups.c.  Besides crashes, leaks, undefined
 * behaviour and hangs it aborts when a promise is broken: the possible
 * CPUs in order, at most LINES_MAX lines a CPU, each of a known kind no
 * deeper than the groups' bound, a group line with its task group, a
 * task at most once a CPU, the current one only as itself, names and
 * commands NUL-terminated, no result besides an error, warnings and
 * errors one line each.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/memory/percpu.h"
#include "kernel-helpers/tasks/runq_groups.h"
#include "walker_input.h"

/* The input's values, as tests/unit/test_runq_groups.c saves them. */
enum {
	RUNQ_GROUPS_KASLR,
	RUNQ_GROUPS_VALUES
};

/* runq_groups.c's bounds: lines a CPU, and how deep groups nest (16) + 1. */
#define LINES_MAX (1u << 16)
#define DEPTH_MAX 17

static void check_line(const struct runq_cpu_groups *c,
		       const struct runq_line *l, size_t *currents)
{
	if (l->depth > DEPTH_MAX)
		abort();
	switch (l->kind) {
	case RUNQ_LINE_GROUP:
		if (!l->group || !memchr(l->name, '\0', sizeof(l->name)) ||
		    strchr(l->name, '\n') || l->current)
			abort();
		break;
	case RUNQ_LINE_TASK:
		if (!memchr(l->task.comm, '\0', sizeof(l->task.comm)) ||
		    l->group || l->throttled)
			abort();
		/* The current task is shown where it runs, once. */
		if (l->current && (l->task.task != c->curr.task ||
				   ++*currents > 1))
			abort();
		break;
	case RUNQ_LINE_EMPTY:
		if (l->group || l->current)
			abort();
		break;
	default:
		abort();
	}
}

static int by_addr(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void check(const struct runq_groups *g)
{
	if (!g->root_name || g->nr > PERCPU_MAX_CPUS || (g->nr && !g->cpus))
		abort();
	for (size_t i = 0; i < g->nr; i++) {
		const struct runq_cpu_groups *c = &g->cpus[i];
		size_t currents = 0, nr_tasks = 0;
		if (c->cpu >= PERCPU_MAX_CPUS ||
		    (i && c->cpu <= g->cpus[i - 1].cpu) ||
		    c->nr > LINES_MAX || (c->nr && !c->lines) ||
		    !memchr(c->curr.comm, '\0', sizeof(c->curr.comm)))
			abort();
		uint64_t *tasks = malloc((c->nr ? c->nr : 1) * sizeof(*tasks));
		if (!tasks)
			abort();
		for (size_t j = 0; j < c->nr; j++) {
			check_line(c, &c->lines[j], &currents);
			if (c->lines[j].kind == RUNQ_LINE_TASK)
				tasks[nr_tasks++] = c->lines[j].task.task;
		}
		/* A task met twice on a CPU is a warning, never twice listed. */
		qsort(tasks, nr_tasks, sizeof(*tasks), by_addr);
		for (size_t j = 1; j < nr_tasks; j++)
			if (tasks[j] == tasks[j - 1])
				abort();
		free(tasks);
	}
	walker_check_warnings(g->warnings, g->nr_warnings);
}

static struct vmlinux *fixture(void)
{
	static struct vmlinux *vm;
	if (!vm) {
		struct lkdb_error *err = vmlinux_open(LKDB_RUNQ_GROUPS_FIXTURE,
						      &vm);
		if (err) {
			fprintf(stderr, "fuzz_runq_groups: %s\n", err->message);
			exit(1);
		}
	}
	return vm;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walker_input in;
	struct kernel k = { .arch = &kernel_arch_x86_64, .vmlinux = fixture() };
	if (walker_input_start(data, size, &in, &k.types, &k.memory)) {
		k.kaslr_offset = in.values[RUNQ_GROUPS_KASLR];
		struct runq_groups g;
		struct lkdb_error *err = kernel_read_runq_groups(&k, &g);
		if (err) {
			/* Nothing besides the error, warnings neither. */
			if (g.nr || g.warnings || g.nr_warnings)
				abort();
			walker_check_error(err, g.cpus);
		} else {
			check(&g);
		}
		/* Always: after an error g is empty and deinit harmless. */
		runq_groups_deinit(&g);
	}
	walker_input_finish(&in, k.types);
	return 0;
}
