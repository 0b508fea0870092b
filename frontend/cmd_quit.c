// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * quit and detach: the session ends; lkdb_session_end() detaches.  They
 * differ under lkdb qemu only: quit ends QEMU, detach leaves it running.
 */
#include "commands.h"

struct lkdb_error *cmd_quit(struct lkdb_command_context *ctx)
{
	if (ctx->argc > 1)
		return lkdb_error_create(LKDB_ERROR_INVALID, "usage: quit");
	ctx->session->quit_requested = true;
	return NULL;
}

struct lkdb_error *cmd_detach(struct lkdb_command_context *ctx)
{
	if (ctx->argc > 1)
		return lkdb_error_create(LKDB_ERROR_INVALID, "usage: detach");
	if (!ctx->session->options->remote)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "nothing to detach from: no live target");
	ctx->session->quit_requested = true;
	ctx->session->detach_requested = true;
	return NULL;
}
