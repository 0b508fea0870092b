/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lkdb's own breakpoints at kernel addresses (panic stops, module sync). */
#ifndef LKDB_BREAKPOINTS_H
#define LKDB_BREAKPOINTS_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "mi/gdb_driver.h"

enum {
	BREAK_HARDWARE = 1 << 0,	/* hbreak */
	BREAK_TEMPORARY = 1 << 1,	/* deleted when hit */
	/* gdb shows nothing when it is hit (commands: silent) */
	BREAK_SILENT = 1 << 2,
	/* an access (read or write) watchpoint, not a breakpoint */
	BREAK_WATCH_ACCESS = 1 << 3,
};

/* -break-insert at *addr; *number_ret gets gdb's breakpoint number. */
struct lkdb_error *breakpoint_insert(struct gdb_driver *gdb, uint64_t addr,
				     unsigned flags, int *number_ret);
/*
 * One breakpoint at each of addrs[0, n) (BREAK_WATCH_ACCESS: a watchpoint
 * over [addr, addr + len)), sent to gdb together (one round trip's
 * latency for the lot); numbers_ret[i] gets each one's number.  On an
 * error none is left inserted.
 */
struct lkdb_error *breakpoints_insert_many(struct gdb_driver *gdb,
					   const uint64_t *addrs, size_t n,
					   unsigned flags, size_t len,
					   int *numbers_ret);
/* -break-delete; errors ignored (gdb or the target may be gone). */
void breakpoint_delete(struct gdb_driver *gdb, int number);
/* The same for several (numbers < 0 are skipped), in one command. */
void breakpoints_delete(struct gdb_driver *gdb, const int *numbers, size_t n);
/*
 * Which of lkdb's breakpoints (numbers[i], at addrs[i]) a *stopped record
 * is for: its index, else -1.  A silent breakpoint's stop after a CLI
 * continue comes as a bare *stopped (no reason, no bkptno): it is told by
 * where the CPU is.
 */
int breakpoint_stop_index(struct gdb_driver *gdb,
			  const struct mi_output *stopped, const int *numbers,
			  const uint64_t *addrs, size_t n);

#endif
