/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a blocked task waits on, read from kernel memory: the lock (mutex,
 * rw_semaphore, rt_mutex), the completion, the folio or the wait queue, and
 * where the lock records one, its owner.  No gdb, no terminal: the hang
 * view (frontend) builds its chains of waiters and owners on it.
 *
 * The kind comes from the task's backtrace (the blocking function, by
 * name); the object from the waiter the blocking function put on the
 * task's own stack and linked into the object's wait list:
 *   mutex         struct mutex_waiter { list, task, ... } on mutex.wait_list
 *   rw_semaphore  struct rwsem_waiter { list, task, type, ... } on
 *                 rw_semaphore.wait_list (kernel/locking/rwsem.c)
 *   completion    struct swait_queue { task, task_list } on
 *                 completion.wait.task_list (swait since 4.19's commit
 *                 a5c6234e1028 "completion: Use simple wait queues")
 *   wait queue    struct wait_queue_entry { flags, private, func, entry }
 *                 on wait_queue_head.head; a folio's lock waits in one
 *                 inside struct wait_page_queue, whose folio (page before
 *                 5.16's folio conversion) is named
 *   rt_mutex      task->pi_blocked_on, a struct rt_mutex_waiter whose lock
 *                 is the rt_mutex_base (rt_mutex before 5.15)
 * A waiter is known by its task pointer and by a list whose neighbours
 * point back at it; the list's head is the one node that is not some
 * task's waiter on that task's stack.  Every walk is bounded.
 *
 * Owners: mutex.owner and rw_semaphore.owner hold the owning task with
 * flag bits below the task_struct's alignment (MUTEX_FLAGS 0x07;
 * RWSEM_READER_OWNED bit 0: readers hold it, the field names the last of
 * them, a hint); rt_mutex_base.owner with bit 0 RT_MUTEX_HAS_WAITERS.
 */
#ifndef LKDB_WAITS_H
#define LKDB_WAITS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/kernel.h"

enum kernel_wait_kind {
	KERNEL_WAIT_NONE,	/* not a blocking function */
	KERNEL_WAIT_MUTEX,
	KERNEL_WAIT_RWSEM_READ,
	KERNEL_WAIT_RWSEM_WRITE,
	KERNEL_WAIT_RT_MUTEX,
	KERNEL_WAIT_FOLIO,
	KERNEL_WAIT_COMPLETION,
	KERNEL_WAIT_QUEUE,	/* a wait queue (wait_event, poll, ...) */
	KERNEL_WAIT_SLEEP,	/* msleep / schedule_timeout: no object */
};

/* "mutex", "rwsem (read)", ... for a kind. */
const char *kernel_wait_kind_name(enum kernel_wait_kind kind);

/*
 * The kind a function of a blocked task's backtrace says ("__mutex_lock",
 * "down_read", "wait_for_completion", "folio_wait_bit_common", "msleep",
 * ...; a ".constprop.0"-style suffix is ignored); KERNEL_WAIT_NONE for any
 * other function.
 */
enum kernel_wait_kind kernel_wait_kind_of(const char *function);

/* Whether function is the scheduler's own (schedule, __schedule, ...). */
bool kernel_wait_is_scheduler(const char *function);

struct kernel_wait {
	enum kernel_wait_kind kind;
	uint64_t object;	/* the lock, completion, folio or queue head */
	uint64_t owner;		/* its owner's task_struct; 0: none known */
	bool readers;		/* an rwsem held by readers (owner: the last) */
};

/*
 * What task (blocked, its saved stack pointer sp) waits on, as kind says:
 * ret->object 0 when no waiter of that kind is on its stack (the answer is
 * then only the kind).  An error only when the layouts cannot be read.
 */
struct lkdb_error *kernel_read_wait(struct kernel *k, uint64_t task,
				    uint64_t sp, enum kernel_wait_kind kind,
				    struct kernel_wait *ret);
/* The same with the task's stack given: [stack, stack + stack_size). */
struct lkdb_error *kernel_read_wait_on_stack(struct kernel *k, uint64_t task,
					     uint64_t stack, uint64_t stack_size,
					     uint64_t sp,
					     enum kernel_wait_kind kind,
					     struct kernel_wait *ret);

/* A wait queue's entries, as crash's waitq lists them. */
#define KERNEL_WAITQUEUE_MAX 65536
struct kernel_waitqueue_entry {
	uint64_t entry;		/* the struct wait_queue_entry */
	uint64_t private;	/* its private: the waiting task, mostly */
	uint64_t func;		/* its wake function */
};
struct kernel_waitqueue {
	struct kernel_waitqueue_entry *entries;
	size_t nr;
	char **warnings;	/* a damaged list: where the walk stopped */
	size_t nr_warnings;
};
/*
 * The entries on the wait_queue_head at head (head.head, each entry's
 * entry member), bounded by KERNEL_WAITQUEUE_MAX; a list that loops or
 * cannot be read ends with a warning, what was read kept.
 */
struct lkdb_error *kernel_read_waitqueue(struct kernel *k, uint64_t head,
					 struct kernel_waitqueue *ret);
void kernel_waitqueue_deinit(struct kernel_waitqueue *q);

#endif
