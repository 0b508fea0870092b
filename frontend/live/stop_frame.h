/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gdb's frames at a panic stop.  lkdb stops at its breakpoint (__die,
 * panic, __crash_kexec), but the frame a person wants is the culprit's:
 * the function that faulted, with the registers of the fault, or the one
 * that called panic().  gdb's backtrace cannot leave the kernel's entry
 * code by itself, so lkdb first hands gdb call frame information for it
 * (kernel-helpers/x86_64/entry_cfi.h, from the kernel's ORC data; once per
 * session), then selects the culprit's frame: `info locals`, `list`,
 * `up` and `down` work there at once.  The guest's registers are never
 * written.
 */
#ifndef LKDB_STOP_FRAME_H
#define LKDB_STOP_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend/core/session.h"

/*
 * In gdb thread `thread`, select the first frame above the innermost
 * whose pc is pc (an exception's interrupted rip, or panic()'s return
 * address); with outermost, the last of the frames in a row at pc (the
 * function the calls at pc were inlined into).  *frame_ret (malloc'd) is
 * gdb's `frame` text for it.  Teaches gdb the entry code first if it does
 * not know it yet.  Errors say why no frame was selected (gdb's frames
 * are then as they were).
 */
struct lkdb_error *stop_frame_select(struct lkdb_session *s, int thread,
				     uint64_t pc, bool outermost,
				     char **frame_ret);

#endif
