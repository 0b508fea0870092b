/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bytes from the target or a file (a task's comm, a module's name, a
 * dump's machine name) made safe to print: they cannot drive the terminal
 * or end a message's line.
 */
#ifndef LKDB_PRINTABLE_H
#define LKDB_PRINTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * s up to its NUL, max bytes of it at the most, into out (room for the
 * bytes and a NUL; out may be s), with control bytes, DEL, non-ASCII
 * bytes and the bytes in also (e.g. "\"" where the text is shown in
 * quotes) as '?'.  Returns whether a byte was replaced.
 */
bool lkdb_printable(char *out, const char *s, size_t max, const char *also);

/*
 * s centered in width on out, as crash's mkstring(CENTER) places it: an odd
 * space goes right, or left with rjust.
 */
void lkdb_print_centered(FILE *out, int width, const char *s, bool rjust);

/*
 * A name too long for its line, broken as crash breaks dev -i's: at the
 * last space (not the first byte) with at least over bytes after it, which
 * becomes a NUL; returns what follows it, NULL when no space qualifies (s
 * stays whole).
 */
char *lkdb_break_at_space(char *s, size_t over);

#endif
