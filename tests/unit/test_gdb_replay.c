// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The replay of a gdb's state into a new gdb (mi/gdb_replay.h): the
 * commands come back in the order given; a key's new commands replace
 * its old ones and go last; no commands under a key forget it; unkeyed
 * commands (the user's settings) are kept in order up to the cap, the
 * oldest dropped first, and keyed ones never are.
 */
#include <stdio.h>
#include <string.h>

#include "mi/gdb_replay.h"
#include "tap.h"

/* The commands joined with ';', for comparison. */
static const char *joined(const struct gdb_replay *r)
{
	static char buf[4096];
	buf[0] = '\0';
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			strcat(buf, ";");
		strcat(buf, r->entries[i].command);
	}
	return buf;
}

static void set(struct gdb_replay *r, const char *key, const char *a,
		const char *b)
{
	const char *cmds[] = { a, b };
	size_t n = b ? 2 : a ? 1 : 0;
	CHECK(gdb_replay_set(r, key, cmds, n) == NULL);
}

TEST(commands_come_back_in_the_order_given)
{
	struct gdb_replay r = { 0 };
	set(&r, NULL, "set print pretty on", NULL);
	set(&r, "task", "set $task = 1", "thread 3");
	set(&r, NULL, "set listsize 5", NULL);
	CHECK_STR(joined(&r), "set print pretty on;set $task = 1;thread 3;set listsize 5");
	gdb_replay_deinit(&r);
	CHECK(r.n == 0 && r.entries == NULL);
}

TEST(a_key_replaces_its_old_commands_and_goes_last)
{
	struct gdb_replay r = { 0 };
	set(&r, "task", "set $task = 1", "thread 3");
	set(&r, "module 0x10", "add-symbol-file a.ko 0x10", NULL);
	set(&r, "task", "set $task = 2", NULL);
	CHECK_STR(joined(&r), "add-symbol-file a.ko 0x10;set $task = 2");
	gdb_replay_deinit(&r);
}

TEST(no_commands_under_a_key_forget_it)
{
	struct gdb_replay r = { 0 };
	set(&r, "module 0x10", "add-symbol-file a.ko 0x10", NULL);
	set(&r, "module 0x20", "add-symbol-file b.ko 0x20", NULL);
	set(&r, "module 0x10", NULL, NULL);
	CHECK_STR(joined(&r), "add-symbol-file b.ko 0x20");
	set(&r, "module 0x99", NULL, NULL);
	CHECK_STR(joined(&r), "add-symbol-file b.ko 0x20");
	gdb_replay_deinit(&r);
}

TEST(unkeyed_commands_are_capped_oldest_first_and_keyed_ones_stay)
{
	struct gdb_replay r = { 0 };
	set(&r, "task", "set $task = 1", NULL);
	char cmd[64];
	for (int i = 0; i < GDB_REPLAY_UNKEYED_MAX + 3; i++) {
		snprintf(cmd, sizeof(cmd), "set $v%d = %d", i, i);
		set(&r, NULL, cmd, NULL);
	}
	CHECK(r.n == GDB_REPLAY_UNKEYED_MAX + 1);
	CHECK_STR(r.entries[0].command, "set $task = 1");
	CHECK_STR(r.entries[1].command, "set $v3 = 3");
	snprintf(cmd, sizeof(cmd), "set $v%d = %d", GDB_REPLAY_UNKEYED_MAX + 2,
		 GDB_REPLAY_UNKEYED_MAX + 2);
	CHECK_STR(r.entries[r.n - 1].command, cmd);
	gdb_replay_deinit(&r);
}

int main(void)
{
	RUN(commands_come_back_in_the_order_given);
	RUN(a_key_replaces_its_old_commands_and_goes_last);
	RUN(no_commands_under_a_key_forget_it);
	RUN(unkeyed_commands_are_capped_oldest_first_and_keyed_ones_stay);
	return tap_done();
}
