// SPDX-License-Identifier: GPL-2.0-or-later
/* quit: the session ends; lkdb_session_end() detaches. */
#include "commands.h"

struct lkdb_error *cmd_quit(struct lkdb_command_context *ctx)
{
	if (ctx->argc > 1)
		return lkdb_error_create(LKDB_ERROR_INVALID, "usage: quit");
	ctx->session->quit_requested = true;
	return NULL;
}
