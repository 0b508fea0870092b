/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lkdb's own breakpoints at kernel addresses (panic stops, module sync). */
#ifndef LKDB_BREAKPOINTS_H
#define LKDB_BREAKPOINTS_H

#include <stdint.h>

#include "../common/error.h"
#include "gdb_driver.h"

enum {
	BREAK_HARDWARE = 1 << 0,	/* hbreak */
	BREAK_TEMPORARY = 1 << 1,	/* deleted when hit */
	/* gdb shows nothing when it is hit (commands: silent) */
	BREAK_SILENT = 1 << 2,
};

/* -break-insert at *addr; *number_ret gets gdb's breakpoint number. */
struct lkdb_error *breakpoint_insert(struct gdb_driver *gdb, uint64_t addr,
				     unsigned flags, int *number_ret);
/* -break-delete; errors ignored (gdb or the target may be gone). */
void breakpoint_delete(struct gdb_driver *gdb, int number);

#endif
