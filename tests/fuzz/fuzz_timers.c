// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the timer wheel and the hrtimers
 * (kernel_read_timer_wheel, kernel_read_hrtimers and
 * kernel_hrtimer_cpu_base, kernel-helpers/tasks/timers.c, as timer and
 * timer -r use them) over a fake kernel: memory and layout from the input
 * (tests/unit/walker_input.h), the KASLR offset its value, the symbols
 * those of the stand-in vmlinux timers-fixture (its path built in as
 * LKDB_TIMERS_FIXTURE), opened once.  Seeds: the fake kernels of
 * tests/unit/test_timers.c.  Besides crashes, leaks, undefined behaviour
 * and hangs it aborts when a promise is broken: bases by CPU then index,
 * a wheel's at most 8 a CPU and named, a clock base's at most 16 and
 * unnamed, at most KERNEL_TIMERS_MAX timers a base, each numbered in the
 * order read, a wheel base's timers all different, no bases besides an
 * error, warnings and errors one line each.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/memory/percpu.h"
#include "kernel-helpers/tasks/timers.h"
#include "walker_input.h"

static int by_addr(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void check(const struct kernel_timers *t, bool wheel)
{
	for (size_t i = 0; i < t->nr; i++) {
		const struct kernel_timer_base *b = &t->bases[i];
		const struct kernel_timer_base *p = i ? &t->bases[i - 1] : NULL;
		if (b->cpu >= PERCPU_MAX_CPUS || b->index >= (wheel ? 8 : 16) ||
		    (wheel ? !b->name : b->name != NULL) ||
		    b->nr > KERNEL_TIMERS_MAX || (b->nr && !b->timers))
			abort();
		if (b->index != (p && p->cpu == b->cpu ? p->index + 1 : 0) ||
		    (p && p->cpu > b->cpu))
			abort();
		uint64_t *addrs = malloc((b->nr ? b->nr : 1) * sizeof(*addrs));
		if (!addrs)
			abort();
		for (size_t j = 0; j < b->nr; j++) {
			if (b->timers[j].seq != j)
				abort();
			addrs[j] = b->timers[j].addr;
		}
		/* A wheel's timer met twice is a warning, never twice listed. */
		qsort(addrs, b->nr, sizeof(*addrs), by_addr);
		for (size_t j = 1; wheel && j < b->nr; j++)
			if (addrs[j] == addrs[j - 1])
				abort();
		free(addrs);
	}
	walker_check_warnings(t->warnings, t->nr_warnings);
}

static struct vmlinux *fixture(void)
{
	static struct vmlinux *vm;
	if (!vm) {
		struct lkdb_error *err = vmlinux_open(LKDB_TIMERS_FIXTURE, &vm);
		if (err) {
			fprintf(stderr, "fuzz_timers: %s\n", err->message);
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
		k.kaslr_offset = in.values[WALKER_TIMERS_KASLR];
		for (int wheel = 1; wheel >= 0; wheel--) {
			struct kernel_timers t;
			struct lkdb_error *err = wheel ?
				kernel_read_timer_wheel(&k, &t) :
				kernel_read_hrtimers(&k, &t);
			if (err) {
				walker_check_error(err, t.bases);
			} else {
				check(&t, wheel);
				kernel_timers_deinit(&t);
			}
		}
		uint64_t base;
		struct lkdb_error *err = kernel_hrtimer_cpu_base(&k, 0, &base);
		if (err)
			walker_check_error(err, NULL);
	}
	walker_input_finish(&in, k.types);
	return 0;
}
