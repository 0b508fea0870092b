// SPDX-License-Identifier: GPL-2.0
/*
 * hangme — a module for lkdb's test fixture that hangs on purpose, the way
 * a driver with an ABBA lock-order bug does.  Loading it starts kernel
 * threads that never finish (the module cannot be unloaded):
 *   lkdb-abba-1   takes hangme_rwsem for writing and hangme_lock_a, then
 *                 wants hangme_lock_b;
 *   lkdb-abba-2   takes hangme_lock_b, then wants hangme_lock_a: with
 *                 lkdb-abba-1, a deadlock;
 *   lkdb-abba-3   wants hangme_lock_a behind them (a waiter of the cycle);
 *   lkdb-hang-r   wants hangme_rwsem for reading (its writer is abba-1);
 *   lkdb-hang-c   waits for hangme_done, a completion nobody completes;
 *   lkdb-hang-rd  holds hangme_rwsem2 for reading and waits for hangme_done;
 *   lkdb-hang-w   wants hangme_rwsem2 for writing, behind that reader.
 * All of them wait uninterruptibly (D state).  The threads' PIDs are
 * printed on the console as "hangme: NAME pid N".
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/completion.h>
#include <linux/delay.h>

static DEFINE_MUTEX(hangme_lock_a);
static DEFINE_MUTEX(hangme_lock_b);
static DECLARE_RWSEM(hangme_rwsem);
static DECLARE_RWSEM(hangme_rwsem2);
static DECLARE_COMPLETION(hangme_done);
static DECLARE_COMPLETION(hangme_read_held);
/* Both ABBA threads hold their first lock before either takes its second. */
static DECLARE_COMPLETION(hangme_first_a);
static DECLARE_COMPLETION(hangme_first_b);

static noinline int hangme_abba_1(void *unused)
{
	down_write(&hangme_rwsem);
	mutex_lock(&hangme_lock_a);
	complete_all(&hangme_first_a);
	wait_for_completion(&hangme_first_b);
	mutex_lock(&hangme_lock_b);	/* never returns */
	return 0;
}

static noinline int hangme_abba_2(void *unused)
{
	mutex_lock(&hangme_lock_b);
	complete_all(&hangme_first_b);
	wait_for_completion(&hangme_first_a);
	mutex_lock(&hangme_lock_a);	/* never returns */
	return 0;
}

static noinline int hangme_abba_3(void *unused)
{
	wait_for_completion(&hangme_first_a);
	msleep(200);
	mutex_lock(&hangme_lock_a);	/* behind the cycle */
	return 0;
}

static noinline int hangme_reader(void *unused)
{
	wait_for_completion(&hangme_first_a);
	msleep(200);
	down_read(&hangme_rwsem);	/* its writer is lkdb-abba-1 */
	return 0;
}

static noinline int hangme_waiter(void *unused)
{
	wait_for_completion(&hangme_done);	/* nobody completes it */
	return 0;
}

static noinline int hangme_holds_read(void *unused)
{
	down_read(&hangme_rwsem2);
	complete_all(&hangme_read_held);
	wait_for_completion(&hangme_done);	/* holding it, for ever */
	return 0;
}

static noinline int hangme_wants_write(void *unused)
{
	wait_for_completion(&hangme_read_held);
	down_write(&hangme_rwsem2);	/* behind the reader */
	return 0;
}

static int __init hangme_init(void)
{
	static const struct {
		int (*fn)(void *);
		const char *name;
	} threads[] = {
		{ hangme_abba_1, "lkdb-abba-1" },
		{ hangme_abba_2, "lkdb-abba-2" },
		{ hangme_abba_3, "lkdb-abba-3" },
		{ hangme_reader, "lkdb-hang-r" },
		{ hangme_waiter, "lkdb-hang-c" },
		{ hangme_holds_read, "lkdb-hang-rd" },
		{ hangme_wants_write, "lkdb-hang-w" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(threads); i++) {
		struct task_struct *t = kthread_run(threads[i].fn, NULL, "%s",
						    threads[i].name);

		if (IS_ERR(t))
			return PTR_ERR(t);
		pr_info("hangme: %s pid %d\n", threads[i].name, task_pid_nr(t));
	}
	return 0;
}

module_init(hangme_init);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("lkdb test fixture");
MODULE_DESCRIPTION("Kernel threads in an ABBA deadlock, for lkdb's hang view");
