// SPDX-License-Identifier: GPL-2.0
/*
 * pokeme — a small module for lkdb's test fixture.  Its code is a few
 * dozen bytes, so inserted after the boot modules it lands where one of
 * their init sections was (freed once a module is live): the address of
 * its fault must be named by what lies there now, not by the init code of
 * the module that had it before.
 *
 * Writing a number to /sys/module/pokeme/parameters/poke stores it through
 * NULL in pokeme_poke, the first function of the module's text: an oops.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>

/* Never set: the store in pokeme_poke goes through NULL. */
static int *pokeme_target;

static noinline void pokeme_poke(int *where, int value)
{
	WRITE_ONCE(*where, value);	/* the oops */
}

static int pokeme_set(const char *val, const struct kernel_param *kp)
{
	int value;
	int err = kstrtoint(val, 0, &value);

	if (err)
		return err;
	pokeme_poke(READ_ONCE(pokeme_target), value);
	return 0;
}

static const struct kernel_param_ops pokeme_ops = {
	.set = pokeme_set,
};
module_param_cb(poke, &pokeme_ops, NULL, 0200);
MODULE_PARM_DESC(poke, "write a number: it is stored through NULL (an oops)");

static int __init pokeme_init(void)
{
	pr_info("pokeme: loaded\n");
	return 0;
}

module_init(pokeme_init);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("lkdb test fixture");
MODULE_DESCRIPTION("A small module whose NULL store oopses at the start of its text");
