/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Just enough JSON output for command rows. */
#ifndef LKDB_JSON_H
#define LKDB_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Write s as a JSON string literal, escaping as RFC 8259 requires. */
void json_write_string(FILE *out, const char *s);
/*
 * len bytes of any content as a JSON string: NULs and control bytes
 * escaped, bytes that are not UTF-8 written as U+FFFD.
 */
void json_write_bytes(FILE *out, const char *s, size_t len);

#endif
