/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live parts' answers to the session's events (struct lkdb_live_hooks):
 * the panic stops (panic_stop.h) and module symbols following insmod and
 * rmmod (module_sync.h).  main() hands them to the session.
 */
#ifndef LKDB_LIVE_HOOKS_H
#define LKDB_LIVE_HOOKS_H

#include "frontend/core/session.h"

extern const struct lkdb_live_hooks lkdb_live_hooks;

#endif
