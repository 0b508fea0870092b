// SPDX-License-Identifier: GPL-2.0-or-later
#include "mi/gdb_replay.h"

#include <stdlib.h>
#include <string.h>

static void remove_entry(struct gdb_replay *r, size_t i)
{
	free(r->entries[i].key);
	free(r->entries[i].command);
	memmove(&r->entries[i], &r->entries[i + 1],
		(r->n - i - 1) * sizeof(*r->entries));
	r->n--;
}

struct lkdb_error *gdb_replay_set(struct gdb_replay *r, const char *key,
				  const char *const *commands, size_t n)
{
	size_t unkeyed = 0;
	for (size_t i = r->n; i-- > 0;) {
		if (key && r->entries[i].key && !strcmp(r->entries[i].key, key))
			remove_entry(r, i);
		else if (!r->entries[i].key)
			unkeyed++;
	}
	/* The oldest unkeyed ones make room. */
	for (size_t i = 0; !key && unkeyed + n > GDB_REPLAY_UNKEYED_MAX &&
			   i < r->n;) {
		if (r->entries[i].key) {
			i++;
			continue;
		}
		remove_entry(r, i);
		unkeyed--;
	}
	if (!n)
		return NULL;
	struct gdb_replay_entry *grown = realloc(r->entries, (r->n + n) *
							     sizeof(*grown));
	if (!grown)
		return &lkdb_error_oom;
	r->entries = grown;
	size_t first = r->n;
	for (size_t i = 0; i < n; i++) {
		struct gdb_replay_entry *e = &grown[r->n];
		e->key = key ? strdup(key) : NULL;
		e->command = strdup(commands[i]);
		r->n++;
		if ((key && !e->key) || !e->command) {
			/* All of them or none: half a state is a wrong one. */
			while (r->n > first)
				remove_entry(r, r->n - 1);
			return &lkdb_error_oom;
		}
	}
	return NULL;
}

void gdb_replay_deinit(struct gdb_replay *r)
{
	while (r->n)
		remove_entry(r, r->n - 1);
	free(r->entries);
	r->entries = NULL;
}
