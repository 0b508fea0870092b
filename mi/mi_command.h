/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MI command writer.  A command line is
 *     <token><operation>[ <arg>]...\n
 * Every argument that is not a plain word is written as an MI c-string, so
 * no user-supplied text (quotes, backslashes, newlines, control bytes) can
 * end the command early or smuggle in a second one.
 */
#ifndef LKDB_MI_COMMAND_H
#define LKDB_MI_COMMAND_H

#include <stddef.h>

#include "common/error.h"

/*
 * Append arg to *buf (a malloc'd string of length *len, may start NULL) as
 * one MI argument: unchanged when it is a plain word, else quoted and
 * escaped.  A NUL byte cannot be expressed: args are C strings.
 */
struct lkdb_error *mi_quote_append(char **buf, size_t *len, const char *arg);

/*
 * Build a complete command line, newline-terminated.  operation must look
 * like an MI operation ("-data-read-memory-bytes"): a dash, then letters,
 * digits and dashes; anything else is refused with LKDB_ERROR_INVALID.
 * argv holds argc arguments.  The caller frees *ret.
 */
struct lkdb_error *mi_command_build(unsigned long long token,
				    const char *operation,
				    const char *const *argv, size_t argc,
				    char **ret);

/*
 * Quote s as one argument of a gdb CLI command that splits its arguments
 * with gdb_buildargv (symbol-file, add-symbol-file, ...): "..." with \" and
 * \\.  The caller frees the result; NULL on out-of-memory.
 */
char *gdb_cli_quote(const char *s);

#endif
