/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A command line's output redirection, as crash users write it:
 *   ps | grep nc        log | tail -3        bt -a > bt.txt      sys >> notes
 * A '|', '>' or '>>' redirects when it stands as a word of its own (white
 * space before it) outside quotes and outside (), [] and {}, and for '>'
 * and '|' when what follows is not a number, a $variable, a parenthesis
 * or an operator; so gdb's expressions keep theirs: p a>b, p (a > b),
 * p x->y, p a || b, p x >= 1, p x > 10, p a >> 2, p n > $max,
 * p/x f | 0x10, set var x |= 4, p a >>= 2.  A file name loses its quotes,
 * and a leading ~/ is $HOME's.
 */
#ifndef LKDB_REDIRECT_H
#define LKDB_REDIRECT_H

#include <stddef.h>

#include "common/error.h"

enum redirect_kind {
	REDIRECT_NONE,
	REDIRECT_PIPE,		/* to a shell command */
	REDIRECT_FILE,		/* '>': the file is truncated */
	REDIRECT_APPEND,	/* '>>' */
};

struct redirect {
	enum redirect_kind kind;
	/* The shell command or the file name (malloc'd); NULL for NONE. */
	char *target;
	/* How much of the line is the command itself (blanks trimmed). */
	size_t command_len;
};

/*
 * Find line's redirection.  Errors (LKDB_ERROR_INVALID): nothing after the
 * operator.  The caller frees ret->target.
 */
struct lkdb_error *redirect_parse(const char *line, struct redirect *ret);

#endif
