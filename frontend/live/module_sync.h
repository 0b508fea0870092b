/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Module symbols that follow the running guest.  When lkdb lets a live
 * guest run (panic stops armed), the symbols of every loaded module found
 * on the module path are loaded at attach; in every live session two
 * breakpoints of lkdb's own keep
 * gdb in step: do_init_module(mod) -- the module is laid out, its
 * sections known, its init function not yet run -- loads a new module's
 * symbols, so a breakpoint in its init hits; free_module(mod) drops a
 * removed one's.  These stops are handled and the guest continued without
 * the user seeing them; the breakpoints are deleted before detaching.
 */
#ifndef LKDB_MODULE_SYNC_H
#define LKDB_MODULE_SYNC_H

#include <stdbool.h>

#include "common/error.h"
#include "mi/mi_output.h"
#include "frontend/core/session.h"

/*
 * Put the breakpoints in; load_loaded: first load the symbols of the
 * modules loaded now (found on the module path).
 */
struct lkdb_error *module_sync_arm(struct lkdb_session *s, bool load_loaded);
/* Delete the breakpoints (if gdb and the target are still there). */
void module_sync_disarm(struct lkdb_session *s);

/*
 * If stopped is at one of module sync's breakpoints, do its work and
 * return true: the caller continues the target at once.
 */
bool module_sync_on_stop(struct lkdb_session *s,
			 const struct mi_output *stopped);

#endif
