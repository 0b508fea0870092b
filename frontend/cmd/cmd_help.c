// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * help and lkdb(1)'s command list, generated from the command table; other
 * help topics are gdb's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "common/json.h"

static void print_json_list(void)
{
	fputs("[", stdout);
	for (size_t i = 0; i < lkdb_ncommands; i++) {
		const struct lkdb_command *c = lkdb_commands[i];
		fputs(i ? ",\n {\"name\": " : "{\"name\": ", stdout);
		json_write_string(stdout, c->name);
		fputs(", \"aliases\": ", stdout);
		json_write_string(stdout, c->aliases ? c->aliases : "");
		fputs(", \"summary\": ", stdout);
		json_write_string(stdout, c->summary);
		fputs(", \"usage\": ", stdout);
		json_write_string(stdout, c->usage);
		fputs("}", stdout);
	}
	fputs("]\n", stdout);
}

void lkdb_commands_write_man(FILE *out)
{
	for (size_t i = 0; i < lkdb_ncommands; i++)
		fprintf(out, ".TP\n%s", lkdb_commands[i]->man);
}

static struct lkdb_error *cmd_help(struct lkdb_command_context *ctx)
{
	if (ctx->argc > 2)
		return lkdb_usage(ctx);
	if (ctx->argc == 2) {
		const struct lkdb_command *c = lkdb_command_find(ctx->argv[1]);
		if (!c) {
			/* Not ours: gdb knows its own commands. */
			char *line;
			if (asprintf(&line, "help %s", ctx->argv[1]) < 0)
				return &lkdb_error_oom;
			bool ok = lkdb_run_gdb_command(ctx->session, line);
			free(line);
			return ok ? NULL :
			       lkdb_error_create(LKDB_ERROR_NOT_FOUND,
						 "no lkdb or gdb command \"%s\"",
						 ctx->argv[1]);
		}
		if (ctx->json) {
			fputs("{\"name\": ", stdout);
			json_write_string(stdout, c->name);
			fputs(", \"usage\": ", stdout);
			json_write_string(stdout, c->usage);
			fputs("}\n", stdout);
		} else {
			printf("%s - %s\n", c->name, c->summary);
			if (c->aliases)
				printf("Aliases: %s\n", c->aliases);
			printf("Usage: %s\n", c->usage);
		}
		return NULL;
	}
	if (ctx->json) {
		print_json_list();
		return NULL;
	}
	printf("lkdb commands:\n");
	for (size_t i = 0; i < lkdb_ncommands; i++)
		printf("  %-10s %s\n", lkdb_commands[i]->name,
		       lkdb_commands[i]->summary);
	printf("\nAny other command goes to gdb: p, x, frame, info registers,\n"
	       "info threads, list, disassemble, break, continue ...  Ctrl-C stops a\n"
	       "running target.  \"help COMMAND\" shows one command's usage.\n");
	return NULL;
}

/* help's argument: a command name. */
static bool complete_help(const struct lkdb_command_context *ctx,
			  const char *text, void (*add)(const char *word))
{
	(void)ctx;
	size_t n = strlen(text);
	for (size_t i = 0; i < lkdb_ncommands; i++)
		if (!strncmp(lkdb_commands[i]->name, text, n))
			add(lkdb_commands[i]->name);
	return true;
}

const struct lkdb_command lkdb_command_help = {
	.name = "help",
	.handler = cmd_help,
	.summary = "list lkdb commands, or show one command's usage",
	.usage = "help [--json] [COMMAND]\n"
		 "Without COMMAND, list lkdb's commands.  COMMAND may be an lkdb\n"
		 "command or any gdb command (help is then gdb's).",
	.man = ".BR help \" [\" \\-\\-json \"] [\" \\fICOMMAND\\fR ]\n"
	       "List lkdb's commands, or show one command's usage (gdb's help for gdb\n"
	       "commands).\n",
	.flags = CMD_JSON | CMD_NO_GDB,
	.complete = complete_help,
};
