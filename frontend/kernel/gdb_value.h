/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A value as gdb prints it, for the commands that show kernel structures
 * through gdb (struct, union, list -s): pretty over lines, every repeated
 * element spelled out (crash's way), "$N = " cut off.
 *
 * A NULL pointer prints as "0x0", a small number as itself: gdb would
 * name them after per-CPU symbols (<fixed_percpu_data>, <irq_stack_backing_
 * store+1>), which lkdb's symbol load keeps at their offsets from 0
 * (core/session.c); values inside the per-CPU section's extent lose gdb's
 * <name>.
 */
#ifndef LKDB_GDB_VALUE_H
#define LKDB_GDB_VALUE_H

#include "common/error.h"
#include "frontend/core/session.h"

/* The value of the C expression expr (malloc'd into *ret). */
struct lkdb_error *gdb_value_print(struct lkdb_session *s, const char *expr,
				   char **ret);
/*
 * Drop gdb's <name> after values inside the per-CPU section's extent in
 * text (in place): "0x0 <fixed_percpu_data>" becomes "0x0".
 */
void gdb_value_drop_percpu_names(struct lkdb_session *s, char *text);
/* gdb's answer to a command, "$N = " or "type = " cut off, no final newline. */
struct lkdb_error *gdb_value_text(struct lkdb_session *s, const char *command,
				  char **ret);

#endif
