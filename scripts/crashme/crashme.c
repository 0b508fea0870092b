// SPDX-License-Identifier: GPL-2.0
/*
 * crashme — a deliberately buggy module for lkdb's test fixture.
 *
 * Creates /proc/crashme.  Writing to it:
 *   "0"  records the write, harmless
 *   "1"  NULL pointer dereference (writes a member of a device that was
 *        never registered, as a driver bug would) -> oops in crashme_write
 *   "2"  BUG()
 *   "3"  WARN_ON(1), then carries on
 *   "4"  panic("crashme: ...")
 *   "5"  sleeps 15 s uninterruptibly (msleep): a task in D state, as a
 *        driver stuck waiting on its hardware leaves one
 *   "6"  spins 8 s with preemption off (crashme_spin), as a driver polling
 *        its hardware in a loop does: the watchdog's soft lockup (after
 *        2 * kernel.watchdog_thresh s) and an RCU CPU stall (after
 *        rcupdate.rcu_cpu_stall_timeout s)
 *   "7"  adds to a list whose first entry's prev was overwritten:
 *        CONFIG_DEBUG_LIST's "list_add corruption" (a BUG with
 *        CONFIG_BUG_ON_DATA_CORRUPTION, as Debian builds, else a WARN)
 *   "8"  writes one byte past a 32-byte kmalloc object, then frees it:
 *        with slub_debug=FZPU, SLUB's "Right Redzone overwritten" report
 *        at the kfree (crashme_corrupt_slab), with its alloc/free tracks
 * Reading it prints the state and this list.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/bug.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/preempt.h>

#define CRASHME_NDEV 4

struct crashme_dev {
	int id;
	char name[16];
	unsigned long writes;
	size_t last_len;
};

/* Only slot 0 is ever registered; "1" uses slot 1, which is NULL. */
static struct crashme_dev *crashme_devs[CRASHME_NDEV];
static struct proc_dir_entry *crashme_proc;
static unsigned long crashme_total_writes;

static noinline struct crashme_dev *crashme_lookup(unsigned int id)
{
	return id < CRASHME_NDEV ? READ_ONCE(crashme_devs[id]) : NULL;
}

static noinline void crashme_spin(unsigned int seconds)
{
	unsigned long end = jiffies + seconds * HZ;

	preempt_disable();
	while (time_before(jiffies, end))
		cpu_relax();
	preempt_enable();
}

static LIST_HEAD(crashme_list);
static struct list_head crashme_entries[2];

/* A stray write into a list entry, then a list_add() next to it. */
static noinline void crashme_corrupt_list(void)
{
	INIT_LIST_HEAD(&crashme_list);
	list_add(&crashme_entries[0], &crashme_list);
	crashme_entries[0].prev = &crashme_entries[1];
	list_add(&crashme_entries[1], &crashme_list);
}

/* Not a constant: the compiler's bounds checks do not see the bug. */
static volatile size_t crashme_slab_size = 32;

static noinline void crashme_corrupt_slab(void)
{
	char *buf = kmalloc(crashme_slab_size, GFP_KERNEL);

	if (!buf)
		return;
	buf[crashme_slab_size] = 'x';	/* the bug: into the right redzone */
	kfree(buf);
	barrier();	/* no tail call: this frame stays in the backtrace */
}

static ssize_t crashme_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	struct crashme_dev *dev;
	char cmd[8] = { 0 };

	if (len == 0)
		return 0;
	if (copy_from_user(cmd, ubuf, min(len, sizeof(cmd) - 1)))
		return -EFAULT;
	crashme_total_writes++;

	switch (cmd[0]) {
	case '0':
		dev = crashme_lookup(0);
		dev->writes++;
		dev->last_len = len;
		break;
	case '1':
		/* The bug: no NULL check on the looked-up device. */
		dev = crashme_lookup(1);
		dev->last_len = len;	/* store through NULL: oops */
		break;
	case '2':
		pr_emerg("crashme: calling BUG()\n");
		BUG();
		break;
	case '3':
		WARN_ON(1);
		break;
	case '4':
		panic("crashme: panic requested (%lu writes)", crashme_total_writes);
		break;
	case '5':
		msleep(15 * 1000);
		break;
	case '6':
		crashme_spin(8);
		break;
	case '7':
		crashme_corrupt_list();
		break;
	case '8':
		crashme_corrupt_slab();
		break;
	default:
		return -EINVAL;
	}
	return len;
}

static int crashme_show(struct seq_file *m, void *v)
{
	struct crashme_dev *dev = crashme_devs[0];

	seq_printf(m, "writes %lu dev0 %s writes %lu last_len %zu\n",
		   crashme_total_writes, dev->name, dev->writes, dev->last_len);
	seq_puts(m, "0 ok, 1 NULL dereference, 2 BUG, 3 WARN_ON, 4 panic, 5 D-state sleep, 6 spin, 7 list corruption\n");
	return 0;
}

static int crashme_open(struct inode *inode, struct file *file)
{
	return single_open(file, crashme_show, NULL);
}

static const struct proc_ops crashme_proc_ops = {
	.proc_open = crashme_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = crashme_write,
};

static int __init crashme_init(void)
{
	struct crashme_dev *dev;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->id = 0;
	strscpy(dev->name, "crashme0", sizeof(dev->name));
	crashme_devs[0] = dev;

	crashme_proc = proc_create("crashme", 0600, NULL, &crashme_proc_ops);
	if (!crashme_proc) {
		kfree(dev);
		crashme_devs[0] = NULL;
		return -ENOMEM;
	}
	pr_info("crashme: loaded, /proc/crashme ready\n");
	return 0;
}

static void __exit crashme_exit(void)
{
	proc_remove(crashme_proc);
	kfree(crashme_devs[0]);
	crashme_devs[0] = NULL;
	pr_info("crashme: unloaded\n");
}

module_init(crashme_init);
module_exit(crashme_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("lkdb test fixture");
MODULE_DESCRIPTION("Deliberately buggy module to produce oopses for lkdb tests");
