/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The commands that made a gdb's state (settings, a selected thread,
 * symbol files added), kept so that a new gdb started in its place can be
 * given the same state by running them again, in the order kept.  Entries
 * under a key replace the ones given before under it (a module's symbols
 * loaded again, another task made the context); unkeyed entries (settings
 * as the user typed them) are appended, the oldest dropped beyond
 * GDB_REPLAY_UNKEYED_MAX.
 */
#ifndef LKDB_GDB_REPLAY_H
#define LKDB_GDB_REPLAY_H

#include <stddef.h>

#include "common/error.h"

#define GDB_REPLAY_UNKEYED_MAX 512

struct gdb_replay_entry {
	char *key;		/* NULL: unkeyed */
	char *command;
};

struct gdb_replay {
	struct gdb_replay_entry *entries;
	size_t n;
};

/*
 * Keep commands[0..n) under key (NULL: unkeyed), after the entries kept so
 * far; a key's earlier entries go first (n == 0 just forgets them).  Out
 * of memory: the replay is as before, less the key's old entries.
 */
struct lkdb_error *gdb_replay_set(struct gdb_replay *r, const char *key,
				  const char *const *commands, size_t n);
void gdb_replay_deinit(struct gdb_replay *r);

#endif
