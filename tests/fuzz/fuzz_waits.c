// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for what a blocked task waits on and a wait queue's entries
 * (kernel_read_wait_on_stack and kernel_read_waitqueue,
 * kernel-helpers/tasks/waits.c, as hang and waitq use them) over a fake
 * kernel: memory and layout from the input (tests/unit/walker_input.h),
 * the task, its stack, its stack pointer, the kind of wait and the queue
 * its values.  Seeds: the fake kernels of tests/unit/test_waits.c.
 * Besides crashes, leaks, undefined behaviour and hangs it aborts when a
 * promise is broken: the answer of the kind asked, an owner only with an
 * object and without its flag bits, readers only for an rwsem, a stack
 * size out of range an error, a queue's entries within
 * KERNEL_WAITQUEUE_MAX, warnings and errors one line each.
 */
#include <stdint.h>
#include <stdlib.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/tasks/waits.h"
#include "walker_input.h"

static void check_wait(const struct kernel_wait *w, enum kernel_wait_kind kind)
{
	bool rwsem = kind == KERNEL_WAIT_RWSEM_READ ||
		     kind == KERNEL_WAIT_RWSEM_WRITE;
	if (w->kind != kind || (!w->object && (w->owner || w->readers)) ||
	    (w->owner & 7) || (w->readers && !rwsem))
		abort();
	if ((kind == KERNEL_WAIT_NONE || kind == KERNEL_WAIT_SLEEP) &&
	    w->object)
		abort();
}

static void check_queue(const struct kernel_waitqueue *q)
{
	if (q->nr > KERNEL_WAITQUEUE_MAX || !q->entries)
		abort();
	walker_check_warnings(q->warnings, q->nr_warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walker_input in;
	struct kernel k = { .arch = &kernel_arch_x86_64 };
	if (walker_input_start(data, size, &in, &k.types, &k.memory)) {
		const uint64_t *v = in.values;
		enum kernel_wait_kind kind = (enum kernel_wait_kind)(
			v[WALKER_WAITS_KIND] % (KERNEL_WAIT_SLEEP + 1));
		uint64_t stack_size = v[WALKER_WAITS_STACK_SIZE];
		struct kernel_wait w;
		struct lkdb_error *err = kernel_read_wait_on_stack(
			&k, v[WALKER_WAITS_TASK], v[WALKER_WAITS_STACK],
			stack_size, v[WALKER_WAITS_SP], kind, &w);
		if (err) {
			walker_check_error(err, NULL);
		} else {
			/* Only the kinds that need no stack take any size. */
			if ((!stack_size || stack_size > (1u << 20)) &&
			    kind != KERNEL_WAIT_NONE && kind != KERNEL_WAIT_SLEEP &&
			    kind != KERNEL_WAIT_RT_MUTEX)
				abort();
			check_wait(&w, kind);
		}
		struct kernel_waitqueue q;
		err = kernel_read_waitqueue(&k, v[WALKER_WAITS_QUEUE], &q);
		if (err) {
			walker_check_error(err, q.entries);
		} else {
			check_queue(&q);
			kernel_waitqueue_deinit(&q);
		}
	}
	walker_input_finish(&in, k.types);
	return 0;
}
