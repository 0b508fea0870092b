/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command table.  A line whose first word names an lkdb command runs its
 * handler; any other line goes to gdb unchanged.  Each command's file
 * defines its entry (lkdb_command_NAME) and command_list.h lists them; help,
 * Tab completion, argument errors and lkdb(1)'s command list are made from
 * the entries (ARCHITECTURE.md, "Adding a command").
 */
#ifndef LKDB_COMMANDS_H
#define LKDB_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "frontend/core/session.h"

enum {
	CMD_NEEDS_TARGET = 1 << 0,	/* refused without a target */
	CMD_JSON = 1 << 1,		/* takes --json */
	/* Reads the target in-process only: need not wait for gdb's setup. */
	CMD_NO_GDB = 1 << 2,
	/* Prints nothing worth paging (quit, detach). */
	CMD_NO_PAGER = 1 << 3,
};

struct lkdb_command;

struct lkdb_command_context {
	/*
	 * The kernel program handle: the target's memory, types, symbols and
	 * KASLR offset (NULL for a command run without a target).  What a
	 * command reads of the kernel, it reads through this; the session is
	 * for gdb, the task context and module symbols.
	 */
	struct kernel *kernel;
	struct lkdb_session *session;
	const struct lkdb_command *command;	/* the one running */
	int argc;
	char **argv;			/* argv[0] is the command name */
	bool json;			/* --json given (or global --json) */
};

struct lkdb_command {
	const char *name;
	const char *aliases;		/* space-separated, may be NULL */
	struct lkdb_error *(*handler)(struct lkdb_command_context *ctx);
	const char *summary;		/* help's one line */
	/*
	 * First line: the synopsis, which argument errors repeat and whose
	 * -words Tab completes.  The rest: what help COMMAND shows, the
	 * schema of --json's output among the options.
	 */
	const char *usage;
	/* Its entry in lkdb(1)'s COMMANDS section, roff after the .TP. */
	const char *man;
	unsigned flags;
	/*
	 * Optional, for a name gdb has too (list): whether this line is the
	 * lkdb command's; false sends the line to gdb unchanged.
	 */
	bool (*claims)(int argc, char *const *argv);
	/*
	 * Optional: Tab's candidates for the argument being typed, text, after
	 * the words in ctx->argv (argv[0] the command; ctx->kernel NULL without
	 * a target), each handed to add; false: this argument is an address
	 * or a symbol, offered gdb's symbols (as without a completer).  Must
	 * print nothing.
	 */
	bool (*complete)(const struct lkdb_command_context *ctx, const char *text,
			 void (*add)(const char *word));
};

/* A completer for commands whose arguments Tab offers nothing for. */
bool lkdb_complete_nothing(const struct lkdb_command_context *ctx,
			   const char *text, void (*add)(const char *word));
/* The words that start with text, handed to add (a NULL-ended list). */
void lkdb_complete_words(const char *const *words, const char *text,
			 void (*add)(const char *word));

#define LKDB_COMMAND(name) extern const struct lkdb_command lkdb_command_##name;
#include "frontend/core/command_list.h"
#undef LKDB_COMMAND

extern const struct lkdb_command *const lkdb_commands[];
extern const size_t lkdb_ncommands;

const struct lkdb_command *lkdb_command_find(const char *name);

/* The length of a command's synopsis, its usage's first line. */
static inline int lkdb_synopsis_len(const struct lkdb_command *c)
{
	return (int)strcspn(c->usage, "\n");
}
/*
 * An argument error of the running command, "WHAT; usage: SYNOPSIS": fmt
 * is a string literal.
 */
#define lkdb_usage_error(ctx, fmt, ...)					\
	lkdb_error_create(LKDB_ERROR_INVALID, fmt "; usage: %.*s",	\
			  ##__VA_ARGS__, lkdb_synopsis_len((ctx)->command), \
			  (ctx)->command->usage)
/* The argument error "usage: SYNOPSIS" of the running command. */
struct lkdb_error *lkdb_usage(const struct lkdb_command_context *ctx);

/* lkdb(1)'s command list, made from the table (lkdb --help-commands=man). */
void lkdb_commands_write_man(FILE *out);

/*
 * Run one line: an lkdb command, or a gdb command.  Errors are printed on
 * stderr.  Returns true when the command succeeded.
 */
bool lkdb_run_line(struct lkdb_session *s, const char *line);
/* Pass line to gdb as a CLI command; its output shows as gdb's would. */
bool lkdb_run_gdb_command(struct lkdb_session *s, const char *line);

#endif
