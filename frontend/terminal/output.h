/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where one command's output goes while it runs: the terminal, a pager
 * (interactive, output longer than the screen), a shell command ("| cmd")
 * or a file ("> f", ">> f").  lkdb's stdout is pointed there for the
 * command, so lkdb's own rows and gdb's answers go alike; stderr (errors,
 * notes) stays on the terminal.
 */
#ifndef LKDB_OUTPUT_H
#define LKDB_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/redirect.h"

struct output_sink {
	int saved_stdout;	/* -1: stdout not redirected */
	pid_t child;		/* the shell or the pager, -1 if none */
	bool pager;		/* child is the pager */
};

/*
 * Point stdout at r's target, or at the pager when page is set and r
 * redirects nothing.  The pager is $PAGER (through sh), else less with
 * LESS=FRX when LESS is unset (one screen or less: no paging).  Errors
 * name the file or command.
 */
struct lkdb_error *output_open(const struct redirect *r, bool page,
			       struct output_sink *ret);
/*
 * Put stdout back and wait for the shell or pager to finish; when a
 * Ctrl-C interrupted the command, the pager is ended rather than waited
 * for, so the prompt comes back at once.
 */
void output_close(struct output_sink *sink, bool interrupted);

/*
 * "lkdb: CMD: warning: MESSAGE" (without "CMD: " when cmd is NULL) on
 * stderr, one line: something a command could not read or show, said
 * while it goes on.
 */

void lkdb_warn(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
