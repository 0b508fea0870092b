// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command table (frontend/core/commands.c): what help, Tab completion,
 * argument errors and lkdb(1) are made from is there for every entry; names
 * and aliases find their command; an argument error repeats the synopsis.
 */
#include <stdlib.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "tap.h"

/* The first line of a command's usage, its synopsis. */
static char *synopsis_of(const struct lkdb_command *c)
{
	const char *end = strchr(c->usage, '\n');
	return end ? strndup(c->usage, (size_t)(end - c->usage)) :
		     strdup(c->usage);
}

/* The error's message, which it frees; NULL for no error. */
static char *message_of(struct lkdb_error *err)
{
	if (!err)
		return NULL;
	CHECK(err->code == LKDB_ERROR_INVALID);
	char *message = strdup(err->message);
	lkdb_error_destroy(err);
	return message;
}

TEST(every_entry_has_a_name_handler_usage_and_help)
{
	CHECK(lkdb_ncommands > 0);
	for (size_t i = 0; i < lkdb_ncommands; i++) {
		const struct lkdb_command *c = lkdb_commands[i];
		CHECK(c && c->name && c->name[0]);
		if (!c || !c->name)
			continue;
		int failed_before = tap_current_failed;
		CHECK(!strpbrk(c->name, " \t\n"));
		CHECK(c->handler);
		/* help's list: one line */
		CHECK(c->summary && c->summary[0] && !strchr(c->summary, '\n'));
		/* the synopsis starts with the command's name as a word */
		size_t len = strlen(c->name);
		CHECK(c->usage && !strncmp(c->usage, c->name, len) &&
		      strchr(" \n", c->usage[len]));
		/* help COMMAND: text after the synopsis */
		const char *help = c->usage ? strchr(c->usage, '\n') : NULL;
		CHECK(help && help[1] && help[1] != '\n');
		/* lkdb(1)'s entry */
		CHECK(c->man && c->man[0]);
		if (tap_current_failed && !failed_before)
			printf("#   (the entry of %s)\n", c->name);
	}
}

TEST(no_name_or_alias_is_given_twice)
{
	/*
	 * find returns the first entry a word names: a word given twice
	 * finds the other entry at one of its two places.
	 */
	for (size_t i = 0; i < lkdb_ncommands; i++) {
		const struct lkdb_command *c = lkdb_commands[i];
		CHECK(lkdb_command_find(c->name) == c);
		if (!c->aliases)
			continue;
		char *aliases = strdup(c->aliases);
		char *save = NULL;
		for (char *a = strtok_r(aliases, " ", &save); a;
		     a = strtok_r(NULL, " ", &save))
			CHECK(lkdb_command_find(a) == c);
		free(aliases);
	}
}

TEST(find_takes_names_and_aliases_and_nothing_else)
{
	const struct lkdb_command *quit = lkdb_command_find("quit");
	CHECK(quit && !strcmp(quit->name, "quit"));
	CHECK(lkdb_command_find("q") == quit);
	CHECK(lkdb_command_find("exit") == quit);
	const struct lkdb_command *ps = lkdb_command_find("ps");
	CHECK(ps && !strcmp(ps->name, "ps"));
	const struct lkdb_command *detach = lkdb_command_find("detach");
	CHECK(detach && detach != quit);
	/* gdb's commands, prefixes, other spellings: NULL, so gdb runs them */
	CHECK(!lkdb_command_find("p"));
	CHECK(!lkdb_command_find("info"));
	CHECK(!lkdb_command_find("backtrace"));
	CHECK(!lkdb_command_find("pss"));
	CHECK(!lkdb_command_find("qu"));
	CHECK(!lkdb_command_find("ex"));
	CHECK(!lkdb_command_find("PS"));
	CHECK(!lkdb_command_find("q exit"));
	CHECK(!lkdb_command_find(""));
}

TEST(usage_error_puts_the_synopsis_after_usage)
{
	/* ARCHITECTURE.md's example, word for word */
	struct lkdb_command_context ctx = {
		.command = lkdb_command_find("ps"),
	};
	if (!ctx.command) {
		tap_current_failed = 1;
		return;
	}
	char *got = message_of(lkdb_usage_error(&ctx,
						"unexpected argument \"%s\"",
						"x"));
	CHECK_STR(got, "unexpected argument \"x\"; usage: ps [-S|-p|-c|-l|-m|-t] [-s] [-k|-u] [-G] [PID|TASK|COMM...] [--json] [--stats]");
	free(got);

	for (size_t i = 0; i < lkdb_ncommands; i++) {
		ctx.command = lkdb_commands[i];
		char *synopsis = synopsis_of(ctx.command);
		char *want_error = NULL, *want_usage = NULL;
		if (!synopsis ||
		    asprintf(&want_error, "no PID given; usage: %s",
			     synopsis) < 0 ||
		    asprintf(&want_usage, "usage: %s", synopsis) < 0) {
			tap_current_failed = 1;
			free(synopsis);
			free(want_error);
			return;
		}
		got = message_of(lkdb_usage_error(&ctx, "no PID given"));
		CHECK_STR(got, want_error);
		free(got);
		got = message_of(lkdb_usage(&ctx));
		CHECK_STR(got, want_usage);
		free(got);
		free(want_usage);
		free(want_error);
		free(synopsis);
	}
}

int main(void)
{
	RUN(every_entry_has_a_name_handler_usage_and_help);
	RUN(no_name_or_alias_is_given_twice);
	RUN(find_takes_names_and_aliases_and_nothing_else);
	RUN(usage_error_puts_the_synopsis_after_usage);
	return tap_done();
}
