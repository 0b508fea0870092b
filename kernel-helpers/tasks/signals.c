// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/tasks/signals.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/listwalk.h"

#define SIGQUEUE_MAX 4096
/* x86_64's TIF_SIGPENDING (arch/x86/include/asm/thread_info.h): ABI-fixed. */
#define X86_64_TIF_SIGPENDING 2

struct sig_layout {
	uint64_t t_signal, t_sighand, t_blocked, t_pending, t_ti_flags;
	uint64_t nr_threads, shared_pending;	/* signal_struct */
	uint64_t action, ka_size;		/* sighand_struct, k_sigaction */
	uint64_t sa_handler, sa_flags, sa_mask;	/* in k_sigaction */
	uint64_t p_list, p_signal;		/* sigpending */
	uint64_t q_list, q_signo, q_info;	/* sigqueue */
};

static struct lkdb_error *get_layout(struct ktypes *t, struct sig_layout *l)
{
	struct lkdb_error *err;
	if ((err = ktypes_member(t, "task_struct", "signal", &l->t_signal, NULL)) ||
	    (err = ktypes_member(t, "task_struct", "sighand", &l->t_sighand,
				 NULL)) ||
	    (err = ktypes_member(t, "task_struct", "blocked", &l->t_blocked,
				 NULL)) ||
	    (err = ktypes_member(t, "task_struct", "pending", &l->t_pending,
				 NULL)) ||
	    (err = ktypes_member(t, "task_struct", "thread_info.flags",
				 &l->t_ti_flags, NULL)) ||
	    (err = ktypes_member(t, "signal_struct", "nr_threads",
				 &l->nr_threads, NULL)) ||
	    (err = ktypes_member(t, "signal_struct", "shared_pending",
				 &l->shared_pending, NULL)) ||
	    (err = ktypes_member(t, "sighand_struct", "action", &l->action,
				 NULL)) ||
	    (err = ktypes_size(t, "k_sigaction", &l->ka_size)) ||
	    (err = ktypes_member(t, "k_sigaction", "sa.sa_handler",
				 &l->sa_handler, NULL)) ||
	    (err = ktypes_member(t, "k_sigaction", "sa.sa_flags", &l->sa_flags,
				 NULL)) ||
	    (err = ktypes_member(t, "k_sigaction", "sa.sa_mask", &l->sa_mask,
				 NULL)) ||
	    (err = ktypes_member(t, "sigpending", "list", &l->p_list, NULL)) ||
	    (err = ktypes_member(t, "sigpending", "signal", &l->p_signal,
				 NULL)) ||
	    (err = ktypes_member(t, "sigqueue", "list", &l->q_list, NULL)) ||
	    (err = ktypes_member(t, "sigqueue", "info", &l->q_info, NULL)))
		return err;
	return ktypes_member(t, "sigqueue", "info.si_signo", &l->q_signo, NULL);
}

static void warn(struct kernel_signals *s, struct lkdb_error *err)
{
	lkdb_error_destroy(lkdb_warning_append(&s->warnings, &s->nr_warnings,
					       "%s", err->message));
	lkdb_error_destroy(err);
}

/* A struct sigpending: its set and its queue of siginfos. */
static struct lkdb_error *read_pending(struct kernel *k,
				       const struct sig_layout *l,
				       uint64_t pending, const char *what,
				       struct kernel_signals *s,
				       struct kernel_sigpending *p)
{
	struct lkdb_error *err = kernel_read_uint(k, pending + l->p_signal, 8,
						  &p->signal);
	if (err)
		return lkdb_error_prefix(err, "%s", what);
	struct list_walk w;
	err = kernel_list_walk(kernel_memory(k), pending + l->p_list, l->q_list,
			       LIST_HEAD, 0, SIGQUEUE_MAX, &w);
	if (err == &lkdb_error_oom)
		return err;
	if (err)
		warn(s, lkdb_error_prefix(err, "%s", what));
	p->queue = calloc(w.nr ? w.nr : 1, sizeof(*p->queue));
	if (!p->queue) {
		list_walk_deinit(&w);
		return &lkdb_error_oom;
	}
	for (size_t i = 0; i < w.nr; i++) {
		uint64_t sig = 0;
		if ((err = kernel_read_uint(k, w.entries[i] + l->q_signo, 4, &sig))) {
			warn(s, lkdb_error_prefix(err, "%s", what));
			continue;
		}
		p->queue[p->nr++] = (struct kernel_sigqueued){
			(int)sig, w.entries[i] + l->q_info };
	}
	list_walk_deinit(&w);
	return NULL;
}

struct lkdb_error *kernel_read_signals(struct kernel *k, uint64_t task,
				       struct kernel_signals *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct sig_layout l;
	uint64_t sighand, flags, nr;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = get_layout(t, &l)))
		return err;
	if ((err = kernel_read_uint(k, task + l.t_signal, 8, &ret->signal_struct)) ||
	    (err = kernel_read_uint(k, task + l.t_sighand, 8, &sighand)) ||
	    (err = kernel_read_uint(k, task + l.t_blocked, 8, &ret->blocked)) ||
	    (err = kernel_read_uint(k, task + l.t_ti_flags, 8, &flags)))
		return lkdb_error_prefix(err, "task 0x%" PRIx64, task);
	ret->sigpending = flags >> X86_64_TIF_SIGPENDING & 1;
	if (!ret->signal_struct)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "task 0x%" PRIx64 " has no signal_struct (it is exiting)",
					 task);
	if ((err = kernel_read_uint(k, ret->signal_struct + l.nr_threads, 4, &nr)))
		return lkdb_error_prefix(err, "signal_struct 0x%" PRIx64,
					 ret->signal_struct);
	ret->nr_threads = (int)(int32_t)nr;
	for (unsigned int i = 0; sighand && i < KERNEL_NSIG; i++) {
		struct kernel_sigaction *a = &ret->actions[i];
		a->action = sighand + l.action + i * l.ka_size;
		if ((err = kernel_read_uint(k, a->action + l.sa_handler, 8,
					    &a->handler)) ||
		    (err = kernel_read_uint(k, a->action + l.sa_flags, 8,
					    &a->flags)) ||
		    (err = kernel_read_uint(k, a->action + l.sa_mask, 8,
					    &a->mask))) {
			warn(ret, lkdb_error_prefix(err, "signal %u's action", i + 1));
			break;
		}
	}
	/* Each queue on its own: one that cannot be read hides not the other. */
	const struct {
		uint64_t at;
		const char *what;
		struct kernel_sigpending *p;
	} queues[] = {
		{ task + l.t_pending, "the private pending queue",
		  &ret->private_pending },
		{ ret->signal_struct + l.shared_pending,
		  "the shared pending queue", &ret->shared_pending },
	};
	for (size_t i = 0; i < 2; i++) {
		err = read_pending(k, &l, queues[i].at, queues[i].what, ret,
				   queues[i].p);
		if (err == &lkdb_error_oom) {
			kernel_signals_deinit(ret);
			return err;
		}
		if (err)
			warn(ret, err);
	}
	return NULL;
}

uint64_t kernel_signals_ignored(const struct kernel_signals *s)
{
	uint64_t m = 0;
	for (unsigned int i = 0; i < KERNEL_NSIG; i++)
		if (s->actions[i].handler == 1)
			m |= 1ULL << i;
	return m;
}

uint64_t kernel_signals_caught(const struct kernel_signals *s)
{
	uint64_t m = 0;
	for (unsigned int i = 0; i < KERNEL_NSIG; i++)
		if (s->actions[i].handler > 1)
			m |= 1ULL << i;
	return m;
}

void kernel_signals_deinit(struct kernel_signals *s)
{
	free(s->private_pending.queue);
	free(s->shared_pending.queue);
	lkdb_warnings_free(s->warnings, s->nr_warnings);
	memset(s, 0, sizeof(*s));
}
