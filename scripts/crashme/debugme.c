// SPDX-License-Identifier: GPL-2.0
/*
 * debugme — bugs for a debug kernel's detectors, for lkdb's test fixture
 * (the built kernel of scripts/build-kernel.sh: KASAN, KFENCE, UBSAN,
 * lockdep).  Built with KASAN and UBSAN instrumentation (Kbuild), so the
 * detectors see this module's accesses as they see the kernel's.
 *
 * Creates /proc/debugme.  Writing to it:
 *   "u"  reads a kmalloc'd object after kfree(): KASAN use-after-free, with
 *        the allocation and free stacks KASAN recorded
 *   "o"  writes one byte past a 24-byte kmalloc object: KASAN
 *        slab-out-of-bounds
 *   "k"  allocates until KFENCE samples an allocation, frees it and reads
 *        it: KFENCE use-after-free (the read traps on KFENCE's guard page)
 *   "s"  shifts a 64-bit value by 70: UBSAN shift-out-of-bounds
 *   "l"  takes lock A then B, later B then A: lockdep's "possible circular
 *        locking dependency" (one task, so no real deadlock)
 * On a kernel without the detector the same write is a silent bug (or
 * nothing); the tests use it on the debug kernel only.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/delay.h>
#include <linux/spinlock.h>
#include <linux/kfence.h>

static struct proc_dir_entry *debugme_proc;
static DEFINE_SPINLOCK(debugme_lock_a);
static DEFINE_SPINLOCK(debugme_lock_b);
static volatile unsigned int debugme_shift_by = 70;
static volatile char debugme_sink;

/*
 * kmalloc(size), but not from KFENCE's pool: KFENCE samples allocations,
 * and a sampled object's bug is KFENCE's report, not KASAN's.
 */
static noinline char *debugme_kasan_alloc(size_t size)
{
	char *buf;
	int i;

	for (i = 0; i < 100; i++) {
		buf = kmalloc(size, GFP_KERNEL);
		if (!buf || !is_kfence_address(buf))
			return buf;
		kfree(buf);
	}
	return NULL;
}

static noinline void debugme_use_after_free(void)
{
	char *buf = debugme_kasan_alloc(32);

	if (!buf)
		return;
	buf[0] = 'u';
	kfree(buf);
	debugme_sink = buf[0];	/* the bug: read after kfree */
}

static noinline void debugme_out_of_bounds(void)
{
	char *buf = debugme_kasan_alloc(24);

	if (!buf)
		return;
	buf[24] = 'o';		/* the bug: one past the end */
	kfree(buf);
}

/* KFENCE samples one allocation every kfence.sample_interval ms. */
#define DEBUGME_KFENCE_TRIES 20000
static noinline __no_sanitize_address void debugme_kfence(void)
{
	char *buf = NULL;
	int i;

	for (i = 0; i < DEBUGME_KFENCE_TRIES; i++) {
		buf = kmalloc(32, GFP_KERNEL);
		if (!buf || is_kfence_address(buf))
			break;
		kfree(buf);
		buf = NULL;
		usleep_range(500, 1000);
	}
	if (!buf) {
		pr_err("debugme: no KFENCE allocation after %d tries\n", i);
		return;
	}
	kfree(buf);
	debugme_sink = READ_ONCE(buf[0]);	/* the bug: KFENCE's page */
}

static noinline void debugme_shift(void)
{
	unsigned long long v = 1;

	v <<= debugme_shift_by;	/* the bug: shift by more than 63 */
	debugme_sink = (char)v;
}

static noinline void debugme_abba(void)
{
	spin_lock(&debugme_lock_a);
	spin_lock(&debugme_lock_b);
	spin_unlock(&debugme_lock_b);
	spin_unlock(&debugme_lock_a);

	spin_lock(&debugme_lock_b);
	spin_lock(&debugme_lock_a);	/* the bug: B then A */
	spin_unlock(&debugme_lock_a);
	spin_unlock(&debugme_lock_b);
}

static ssize_t debugme_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char cmd[8] = { 0 };

	if (len == 0)
		return 0;
	if (copy_from_user(cmd, ubuf, min(len, sizeof(cmd) - 1)))
		return -EFAULT;
	switch (cmd[0]) {
	case 'u':
		debugme_use_after_free();
		break;
	case 'o':
		debugme_out_of_bounds();
		break;
	case 'k':
		debugme_kfence();
		break;
	case 's':
		debugme_shift();
		break;
	case 'l':
		debugme_abba();
		break;
	default:
		return -EINVAL;
	}
	return len;
}

static const struct proc_ops debugme_proc_ops = {
	.proc_write = debugme_write,
};

static int __init debugme_init(void)
{
	debugme_proc = proc_create("debugme", 0200, NULL, &debugme_proc_ops);
	if (!debugme_proc)
		return -ENOMEM;
	pr_info("debugme: loaded, /proc/debugme ready\n");
	return 0;
}

static void __exit debugme_exit(void)
{
	proc_remove(debugme_proc);
}

module_init(debugme_init);
module_exit(debugme_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lkdb test fixture: bugs for KASAN, KFENCE, UBSAN and lockdep");
