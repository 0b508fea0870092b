// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/tasks/waits.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/listwalk.h"
#include "kernel-helpers/tasks/tasks.h"

/* A kernel stack is at most this big (x86_64: 16 KiB, 32 KiB with KASAN). */
#define WAIT_STACK_MAX (1u << 20)
/* A wait list is walked for at most this many nodes. */
#define WAIT_LIST_MAX 4096
/* Below a task_struct's alignment: the flag bits of lock owner words. */
#define OWNER_FLAGS 0x7ULL

static const struct {
	const char *name;
	enum kernel_wait_kind kind;
} blocking[] = {
	{ "__mutex_lock", KERNEL_WAIT_MUTEX },
	{ "__mutex_lock_slowpath", KERNEL_WAIT_MUTEX },
	{ "__mutex_lock_killable_slowpath", KERNEL_WAIT_MUTEX },
	{ "__mutex_lock_interruptible_slowpath", KERNEL_WAIT_MUTEX },
	{ "mutex_lock", KERNEL_WAIT_MUTEX },
	{ "mutex_lock_io", KERNEL_WAIT_MUTEX },
	{ "mutex_lock_killable", KERNEL_WAIT_MUTEX },
	{ "mutex_lock_interruptible", KERNEL_WAIT_MUTEX },
	{ "mutex_lock_nested", KERNEL_WAIT_MUTEX },
	{ "rwsem_down_read_slowpath", KERNEL_WAIT_RWSEM_READ },
	{ "__down_read", KERNEL_WAIT_RWSEM_READ },
	{ "__down_read_common", KERNEL_WAIT_RWSEM_READ },
	{ "__down_read_killable", KERNEL_WAIT_RWSEM_READ },
	{ "down_read", KERNEL_WAIT_RWSEM_READ },
	{ "down_read_killable", KERNEL_WAIT_RWSEM_READ },
	{ "down_read_interruptible", KERNEL_WAIT_RWSEM_READ },
	{ "rwsem_down_write_slowpath", KERNEL_WAIT_RWSEM_WRITE },
	{ "__down_write", KERNEL_WAIT_RWSEM_WRITE },
	{ "__down_write_common", KERNEL_WAIT_RWSEM_WRITE },
	{ "down_write", KERNEL_WAIT_RWSEM_WRITE },
	{ "down_write_killable", KERNEL_WAIT_RWSEM_WRITE },
	{ "down_write_nested", KERNEL_WAIT_RWSEM_WRITE },
	{ "rt_mutex_slowlock", KERNEL_WAIT_RT_MUTEX },
	{ "__rt_mutex_slowlock", KERNEL_WAIT_RT_MUTEX },
	{ "__rt_mutex_slowlock_locked", KERNEL_WAIT_RT_MUTEX },
	{ "rt_mutex_slowlock_block", KERNEL_WAIT_RT_MUTEX },
	{ "rtlock_slowlock_locked", KERNEL_WAIT_RT_MUTEX },
	{ "rt_mutex_lock", KERNEL_WAIT_RT_MUTEX },
	{ "folio_wait_bit_common", KERNEL_WAIT_FOLIO },
	{ "folio_wait_bit", KERNEL_WAIT_FOLIO },
	{ "folio_wait_bit_killable", KERNEL_WAIT_FOLIO },
	{ "folio_wait_writeback", KERNEL_WAIT_FOLIO },
	{ "__folio_lock", KERNEL_WAIT_FOLIO },
	{ "__folio_lock_killable", KERNEL_WAIT_FOLIO },
	{ "__lock_page", KERNEL_WAIT_FOLIO },
	{ "wait_on_page_bit_common", KERNEL_WAIT_FOLIO },
	{ "wait_for_completion", KERNEL_WAIT_COMPLETION },
	{ "wait_for_completion_io", KERNEL_WAIT_COMPLETION },
	{ "wait_for_completion_timeout", KERNEL_WAIT_COMPLETION },
	{ "wait_for_completion_io_timeout", KERNEL_WAIT_COMPLETION },
	{ "wait_for_completion_killable", KERNEL_WAIT_COMPLETION },
	{ "wait_for_completion_interruptible", KERNEL_WAIT_COMPLETION },
	{ "wait_for_completion_state", KERNEL_WAIT_COMPLETION },
	{ "__wait_for_common", KERNEL_WAIT_COMPLETION },
	{ "wait_for_common", KERNEL_WAIT_COMPLETION },
	{ "wait_for_common_io", KERNEL_WAIT_COMPLETION },
	{ "do_wait_for_common", KERNEL_WAIT_COMPLETION },
	{ "msleep", KERNEL_WAIT_SLEEP },
	{ "usleep_range_state", KERNEL_WAIT_SLEEP },
};

static const char *const scheduler[] = {
	"__schedule", "schedule", "schedule_preempt_disabled",
	"schedule_timeout", "schedule_timeout_uninterruptible",
	"io_schedule", "io_schedule_timeout", "schedule_hrtimeout_range_clock",
	"schedule_hrtimeout_range", "schedule_hrtimeout", "__cond_resched",
	"preempt_schedule_common", "__switch_to", "__switch_to_asm",
};

/* function's name without a compiler suffix (".constprop.0", ".isra.0"). */
static bool same_function(const char *function, const char *name)
{
	size_t n = strlen(name);
	return !strncmp(function, name, n) &&
	       (function[n] == '\0' || function[n] == '.');
}

const char *kernel_wait_kind_name(enum kernel_wait_kind kind)
{
	switch (kind) {
	case KERNEL_WAIT_MUTEX: return "mutex";
	case KERNEL_WAIT_RWSEM_READ: return "rwsem (read)";
	case KERNEL_WAIT_RWSEM_WRITE: return "rwsem (write)";
	case KERNEL_WAIT_RT_MUTEX: return "rt_mutex";
	case KERNEL_WAIT_FOLIO: return "folio";
	case KERNEL_WAIT_COMPLETION: return "completion";
	case KERNEL_WAIT_QUEUE: return "wait queue";
	case KERNEL_WAIT_SLEEP: return "sleep";
	case KERNEL_WAIT_NONE: break;
	}
	return "-";
}

enum kernel_wait_kind kernel_wait_kind_of(const char *function)
{
	for (size_t i = 0; i < sizeof(blocking) / sizeof(blocking[0]); i++)
		if (same_function(function, blocking[i].name))
			return blocking[i].kind;
	return KERNEL_WAIT_NONE;
}

bool kernel_wait_is_scheduler(const char *function)
{
	for (size_t i = 0; i < sizeof(scheduler) / sizeof(scheduler[0]); i++)
		if (same_function(function, scheduler[i]))
			return true;
	return false;
}

struct wait_scan {
	struct kernel *k;
	uint64_t task_stack_off, thread_size;
	uint64_t list, task;	/* the waiter's list_head and task pointer */
};

static uint64_t word(struct kernel *k, uint64_t addr, bool *ok)
{
	uint64_t v = 0;
	struct lkdb_error *err = kernel_read_uint(k, addr, 8, &v);
	if (err) {
		*ok = false;
		lkdb_error_destroy(err);
	}
	return v;
}

/* Whether node is a waiter's list_head on its own task's stack. */
static bool is_waiter(const struct wait_scan *w, uint64_t node)
{
	bool ok = true;
	uint64_t t = word(w->k, node - w->list + w->task, &ok);
	if (!ok || !t)
		return false;
	uint64_t base = word(w->k, t + w->task_stack_off, &ok);
	return ok && base && node >= base && node < base + w->thread_size;
}

/*
 * A waiter of task on its stack [lo, hi) (buf holds it) whose list is
 * consistent: the node and the head of the list it is on.
 */
static bool find_waiter(const struct wait_scan *w, uint64_t task,
			const unsigned char *buf, uint64_t lo, uint64_t hi,
			uint64_t *node_ret, uint64_t *head_ret)
{
	/* hi may be the last byte of the address space: no sum may wrap. */
	for (uint64_t node = lo; hi - node >= 16; node += 8) {
		uint64_t tp = node - w->list + w->task;
		if (tp < lo || tp > hi || hi - tp < 8)
			continue;
		uint64_t v, next, prev;
		memcpy(&v, buf + (tp - lo), 8);
		if (v != task)
			continue;
		memcpy(&next, buf + (node - lo), 8);
		memcpy(&prev, buf + (node + 8 - lo), 8);
		bool ok = true;
		if (!next || !prev || word(w->k, next + 8, &ok) != node ||
		    word(w->k, prev, &ok) != node || !ok)
			continue;
		/*
		 * The head is the one node of the ring that is no task's
		 * waiter on that task's stack.  A ring that does not come back
		 * here, or with more than one such node (a wait queue with
		 * epoll or poll entries), names no object: none rather than a
		 * wrong one.
		 */
		uint64_t n = next, head = 0;
		unsigned int others = 0;
		for (size_t i = 0; i < WAIT_LIST_MAX && n != node && ok; i++) {
			if (!is_waiter(w, n)) {
				head = n;
				others++;
			}
			n = word(w->k, n, &ok);
		}
		if (ok && n == node && others == 1) {
			*node_ret = node;
			*head_ret = head;
			return true;
		}
	}
	return false;
}

/* The task's stack from sp up, read a page at a time. */
static struct lkdb_error *read_stack(struct kernel *k, uint64_t base,
				     uint64_t size, uint64_t sp,
				     unsigned char **buf_ret, uint64_t *lo_ret,
				     uint64_t *hi_ret)
{
	struct lkdb_error *err;
	uint64_t lo = sp >= base && sp < base + size ? sp & ~7ULL : base;
	uint64_t hi = base + size;
	unsigned char *buf = malloc(hi - lo);
	if (!buf)
		return &lkdb_error_oom;
	uint64_t page = kernel_page_size(k), at = lo;
	while (at < hi) {
		uint64_t end = (at / page + 1) * page;
		if (end > hi || end < at)	/* or the last page's end wrapped */
			end = hi;
		if ((err = kernel_memory(k)->read(kernel_memory(k)->context, at,
						  buf + (at - lo), end - at))) {
			lkdb_error_destroy(err);
			break;
		}
		at = end;
	}
	*buf_ret = buf;
	*lo_ret = lo;
	*hi_ret = at;
	return NULL;
}

static struct lkdb_error *rt_mutex_wait(struct kernel *k, struct ktypes *t,
					uint64_t task, struct kernel_wait *ret)
{
	uint64_t off, lock_off, owner_off, waiter, lock, owner;
	struct lkdb_error *err;
	if (!ktypes_has_member(t, "task_struct", "pi_blocked_on"))
		return NULL;	/* CONFIG_RT_MUTEXES off */
	/* rt_mutex_base: 5.15's commit 830e6acc8a1c "locking/rtmutex: Split out the inner parts of 'struct rtmutex'". */
	const char *base = ktypes_has_member(t, "rt_mutex_base", "owner") ?
				   "rt_mutex_base" : "rt_mutex";
	if ((err = ktypes_member(t, "task_struct", "pi_blocked_on", &off, NULL)) ||
	    (err = ktypes_member(t, "rt_mutex_waiter", "lock", &lock_off, NULL)) ||
	    (err = ktypes_member(t, base, "owner", &owner_off, NULL)))
		return err;
	bool ok = true;
	waiter = word(k, task + off, &ok);
	if (!ok || !waiter)
		return NULL;
	lock = word(k, waiter + lock_off, &ok);
	if (!ok || !lock)
		return NULL;
	owner = word(k, lock + owner_off, &ok);
	ret->object = lock;
	ret->owner = ok ? owner & ~OWNER_FLAGS : 0;
	return NULL;
}

/* The waiter's shape and where the head lies in the object, for kind. */
static struct lkdb_error *shape(struct ktypes *t, enum kernel_wait_kind kind,
				struct wait_scan *w, uint64_t *head_off,
				uint64_t *owner_off)
{
	struct lkdb_error *err = NULL;
	*owner_off = UINT64_MAX;
	switch (kind) {
	case KERNEL_WAIT_MUTEX:
		if ((err = ktypes_member(t, "mutex_waiter", "list", &w->list, NULL)) ||
		    (err = ktypes_member(t, "mutex_waiter", "task", &w->task, NULL)) ||
		    (err = ktypes_member(t, "mutex", "wait_list", head_off, NULL)))
			return err;
		return ktypes_member(t, "mutex", "owner", owner_off, NULL);
	case KERNEL_WAIT_RWSEM_READ:
	case KERNEL_WAIT_RWSEM_WRITE:
		if ((err = ktypes_member(t, "rwsem_waiter", "list", &w->list, NULL)) ||
		    (err = ktypes_member(t, "rwsem_waiter", "task", &w->task, NULL)) ||
		    (err = ktypes_member(t, "rw_semaphore", "wait_list", head_off, NULL)))
			return err;
		return ktypes_member(t, "rw_semaphore", "owner", owner_off, NULL);
	case KERNEL_WAIT_COMPLETION:
		if ((err = ktypes_member(t, "swait_queue", "task_list", &w->list, NULL)) ||
		    (err = ktypes_member(t, "swait_queue", "task", &w->task, NULL)))
			return err;
		return ktypes_member(t, "completion", "wait.task_list", head_off, NULL);
	case KERNEL_WAIT_QUEUE:
	case KERNEL_WAIT_FOLIO:
		if ((err = ktypes_member(t, "wait_queue_entry", "entry", &w->list, NULL)) ||
		    (err = ktypes_member(t, "wait_queue_entry", "private", &w->task, NULL)))
			return err;
		return ktypes_member(t, "wait_queue_head", "head", head_off, NULL);
	default:
		return lkdb_error_create(LKDB_ERROR_INVALID, "no waiter for a %s",
					 kernel_wait_kind_name(kind));
	}
}

/* A folio's lock: the struct wait_page_queue around the entry at node. */
static uint64_t waited_folio(struct kernel *k, struct ktypes *t,
			     const struct wait_scan *w, uint64_t node)
{
	uint64_t wait_off, folio_off;
	/* folio since 5.16's commit df4d4f12 "mm/filemap: Convert page wait queues to be folios"; page before. */
	const char *member = ktypes_has_member(t, "wait_page_queue", "folio") ?
				     "folio" : "page";
	struct lkdb_error *err = ktypes_member(t, "wait_page_queue", "wait",
					       &wait_off, NULL);
	if (!err)
		err = ktypes_member(t, "wait_page_queue", member, &folio_off, NULL);
	if (err) {
		lkdb_error_destroy(err);
		return 0;
	}
	bool ok = true;
	uint64_t f = word(k, node - w->list - wait_off + folio_off, &ok);
	return ok ? f : 0;
}

struct lkdb_error *kernel_read_wait(struct kernel *k, uint64_t task,
				    uint64_t sp, enum kernel_wait_kind kind,
				    struct kernel_wait *ret)
{
	uint64_t base = 0, size = 0;
	if (kind != KERNEL_WAIT_NONE && kind != KERNEL_WAIT_SLEEP &&
	    kind != KERNEL_WAIT_RT_MUTEX) {
		struct lkdb_error *err = kernel_task_stack(k, task, &base, &size);
		if (err)
			return err;
	}
	return kernel_read_wait_on_stack(k, task, base, size, sp, kind, ret);
}

struct lkdb_error *kernel_read_wait_on_stack(struct kernel *k, uint64_t task,
					     uint64_t stack, uint64_t stack_size,
					     uint64_t sp,
					     enum kernel_wait_kind kind,
					     struct kernel_wait *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->kind = kind;
	if (kind == KERNEL_WAIT_NONE || kind == KERNEL_WAIT_SLEEP)
		return NULL;
	struct ktypes *t;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err)
		return err;
	if (kind == KERNEL_WAIT_RT_MUTEX)
		return rt_mutex_wait(k, t, task, ret);
	struct wait_scan w = { .k = k, .thread_size = stack_size };
	uint64_t head_off, owner_off;
	if ((err = shape(t, kind, &w, &head_off, &owner_off)) ||
	    (err = ktypes_member(t, "task_struct", "stack", &w.task_stack_off,
				 NULL)))
		return err;
	unsigned char *buf;
	uint64_t lo, hi, node, head;
	if (!stack_size || stack_size > WAIT_STACK_MAX)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "a kernel stack of %" PRIu64 " bytes", stack_size);
	if (stack_size > UINT64_MAX - stack)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "a kernel stack at 0x%" PRIx64 " past the end of memory",
					 stack);
	if ((err = read_stack(k, stack, stack_size, sp, &buf, &lo, &hi)))
		return err;
	bool found = find_waiter(&w, task, buf, lo, hi, &node, &head);
	free(buf);
	if (!found)
		return NULL;
	if (kind == KERNEL_WAIT_FOLIO) {
		ret->object = waited_folio(k, t, &w, node);
		return NULL;
	}
	ret->object = head - head_off;
	if (owner_off != UINT64_MAX) {
		bool ok = true;
		uint64_t owner = word(k, ret->object + owner_off, &ok);
		if (ok) {
			ret->owner = owner & ~OWNER_FLAGS;
			/* RWSEM_READER_OWNED (kernel/locking/rwsem.c). */
			ret->readers = (kind == KERNEL_WAIT_RWSEM_READ ||
					kind == KERNEL_WAIT_RWSEM_WRITE) &&
				       (owner & 1);
		}
	}
	return NULL;
}

struct lkdb_error *kernel_read_waitqueue(struct kernel *k, uint64_t head,
					 struct kernel_waitqueue *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	uint64_t head_off, entry_off, private_off, func_off;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err ||
	    (err = ktypes_member(t, "wait_queue_head", "head", &head_off, NULL)) ||
	    (err = ktypes_member(t, "wait_queue_entry", "entry", &entry_off, NULL)) ||
	    (err = ktypes_member(t, "wait_queue_entry", "private", &private_off, NULL)) ||
	    (err = ktypes_member(t, "wait_queue_entry", "func", &func_off, NULL)))
		return err;
	struct list_walk w;
	err = kernel_list_walk(kernel_memory(k), head + head_off, entry_off,
			       LIST_HEAD, 0, KERNEL_WAITQUEUE_MAX, &w);
	if (err && err == &lkdb_error_oom)
		return err;
	/* Not one entry could be read: that is the answer, an error. */
	bool any = false;
	for (size_t i = 0; i < w.nr && err && !any; i++) {
		uint64_t v;
		struct lkdb_error *e = kernel_read_uint(k, w.entries[i] + private_off, 8, &v);
		any = !e;
		lkdb_error_destroy(e);
	}
	if (err && !any) {
		list_walk_deinit(&w);
		return lkdb_error_prefix(err, "wait queue 0x%" PRIx64, head);
	}
	if (err) {
		struct lkdb_error *e = lkdb_warning_append(&ret->warnings,
							   &ret->nr_warnings,
							   "wait queue 0x%" PRIx64 ": %s",
							   head, err->message);
		lkdb_error_destroy(err);
		if (e) {
			list_walk_deinit(&w);
			return e;
		}
	}
	ret->entries = calloc(w.nr ? w.nr : 1, sizeof(*ret->entries));
	if (!ret->entries) {
		list_walk_deinit(&w);
		kernel_waitqueue_deinit(ret);
		return &lkdb_error_oom;
	}
	for (size_t i = 0; i < w.nr; i++) {
		struct kernel_waitqueue_entry *e = &ret->entries[ret->nr];
		e->entry = w.entries[i];
		bool ok = true;
		e->private = word(k, e->entry + private_off, &ok);
		e->func = word(k, e->entry + func_off, &ok);
		/* An entry that cannot be read is the walk's warning. */
		ret->nr += ok;
	}
	list_walk_deinit(&w);
	return NULL;
}

void kernel_waitqueue_deinit(struct kernel_waitqueue *q)
{
	free(q->entries);
	lkdb_warnings_free(q->warnings, q->nr_warnings);
	memset(q, 0, sizeof(*q));
}
