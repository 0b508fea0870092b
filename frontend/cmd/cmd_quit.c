// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * quit and detach: the session ends; lkdb_session_end() detaches.  They
 * differ under lkdb qemu only: quit ends QEMU, detach leaves it running.
 */
#include "frontend/core/commands.h"

static struct lkdb_error *cmd_quit(struct lkdb_command_context *ctx)
{
	if (ctx->argc > 1)
		return lkdb_usage(ctx);
	ctx->session->quit_requested = true;
	return NULL;
}

static struct lkdb_error *cmd_detach(struct lkdb_command_context *ctx)
{
	if (ctx->argc > 1)
		return lkdb_usage(ctx);
	if (!ctx->session->options->remote)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "nothing to detach from: no live target");
	ctx->session->quit_requested = true;
	ctx->session->detach_requested = true;
	return NULL;
}

const struct lkdb_command lkdb_command_detach = {
	.name = "detach",
	.handler = cmd_detach,
	.summary = "detach and leave lkdb; under lkdb qemu, QEMU keeps running",
	.usage = "detach\n"
		 "Like quit: lkdb's breakpoints are removed, the guest goes on\n"
		 "running and lkdb exits.  Under lkdb qemu, quit ends QEMU;\n"
		 "detach leaves it running, its console still written to the\n"
		 "console log, and prints how to attach again (lkdb -r).",
	.man = ".B detach\n"
	       "As\n"
	       ".BR quit ;\n"
	       "under\n"
	       ".B lkdb qemu\n"
	       "QEMU keeps running and lkdb says how to attach to it again.\n",
	.flags = CMD_NO_GDB | CMD_NO_PAGER,
	.complete = lkdb_complete_nothing,
};

const struct lkdb_command lkdb_command_quit = {
	.name = "quit",
	.aliases = "q exit",
	.handler = cmd_quit,
	.summary = "detach and leave lkdb (the target keeps running; lkdb qemu ends QEMU)",
	.usage = "quit\n"
		 "Detach from the target, which goes on running, and exit\n"
		 "(lkdb qemu ends its QEMU; detach leaves it running).\n"
		 "No breakpoint lkdb or you set is left in the target.",
	.man = ".BR quit \" (also \" q \", \" exit )\n"
	       "Detach and leave; the target keeps running (under\n"
	       ".BR \"lkdb qemu\" ,\n"
	       "QEMU ends).\n",
	.flags = CMD_NO_GDB | CMD_NO_PAGER,
	.complete = lkdb_complete_nothing,
};
