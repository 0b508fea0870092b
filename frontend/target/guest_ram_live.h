/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A live QEMU guest's RAM read from the file QEMU keeps it in
 * (kernel-helpers/memory/guestram.h), found through the monitor over gdb's
 * connection (`monitor info memdev`, `qom-get`, `info mtree -f`): a
 * memory-backend-file with share=on by its mem-path, or the memfd lkdb
 * qemu gives its QEMU, through /proc/PID/fd.
 */
#ifndef LKDB_GUEST_RAM_LIVE_H
#define LKDB_GUEST_RAM_LIVE_H

#include <stdbool.h>

#include "common/error.h"
#include "mi/gdb_driver.h"
#include "kernel-helpers/core/kernel.h"

struct guest_ram;

/* What the live guest's RAM is found and checked through. */
struct guest_ram_live {
	struct gdb_driver *gdb;
	const struct kernel *kernel;
	/* QEMU's PID when lkdb qemu started it (its memfd), else 0. */
	int qemu_pid;
};

/*
 * Find the guest's RAM, set up the kernel's page tables over it and check
 * it (guest_ram_live_check).  LKDB_ERROR_NOT_FOUND when QEMU shares no RAM
 * (or the stub is not QEMU's): reads stay with gdb; other errors say what
 * is wrong with the RAM that was found.  *ready_ret false: too early in
 * boot to check; check again at a later stop before reading.
 */
struct lkdb_error *guest_ram_live_open(const struct guest_ram_live *s,
				       struct guest_ram **ret,
				       bool *ready_ret);
/*
 * Does the file hold what gdb reads (init_top_pgt, linux_banner,
 * phys_base)?  LKDB_ERROR_MISMATCH if not.  *ready_ret false and no error:
 * the kernel's page tables are not up yet (early boot), nothing to read
 * or compare.
 */
struct lkdb_error *guest_ram_live_check(const struct guest_ram_live *s,
					struct guest_ram *g, bool *ready_ret);

#endif
