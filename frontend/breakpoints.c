// SPDX-License-Identifier: GPL-2.0-or-later
#include "breakpoints.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define MI_TIMEOUT_MS 10000

struct lkdb_error *breakpoint_insert(struct gdb_driver *gdb, uint64_t addr,
				     unsigned flags, int *number_ret)
{
	char loc[32];
	snprintf(loc, sizeof(loc), "*0x%" PRIx64, addr);
	const char *argv[3];
	size_t argc = 0;
	if (flags & BREAK_HARDWARE)
		argv[argc++] = "-h";
	if (flags & BREAK_TEMPORARY)
		argv[argc++] = "-t";
	argv[argc++] = loc;
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_call_ok(gdb, GDB_CALL_QUIET,
						    MI_TIMEOUT_MS,
						    "-break-insert", argv,
						    argc, &r);
	if (err)
		return err;
	const struct mi_value *bkpt = mi_value_find(r.record->results, "bkpt");
	const char *number = bkpt ? mi_value_string(bkpt->children, "number") :
			     NULL;
	if (number)
		*number_ret = atoi(number);
	else
		err = lkdb_error_create(LKDB_ERROR_GDB,
					"-break-insert gave no breakpoint number");
	gdb_call_result_deinit(&r);
	if (err || !(flags & BREAK_SILENT))
		return err;
	char n[16];
	snprintf(n, sizeof(n), "%d", *number_ret);
	const char *cmds[] = { n, "silent" };
	err = gdb_driver_call_ok(gdb, GDB_CALL_QUIET, MI_TIMEOUT_MS,
				 "-break-commands", cmds, 2, &r);
	if (!err)
		gdb_call_result_deinit(&r);
	return err;
}

void breakpoint_delete(struct gdb_driver *gdb, int number)
{
	if (number < 0)
		return;
	char n[16];
	snprintf(n, sizeof(n), "%d", number);
	const char *argv[] = { n };
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_call(gdb, GDB_CALL_QUIET,
						 MI_TIMEOUT_MS, "-break-delete",
						 argv, 1, &r);
	if (!err)
		gdb_call_result_deinit(&r);
	lkdb_error_destroy(err);
}
