/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Just enough JSON output for command rows. */
#ifndef LKDB_JSON_H
#define LKDB_JSON_H

#include <stdio.h>

/* Write s as a JSON string literal, escaping as RFC 8259 requires. */
void json_write_string(FILE *out, const char *s);

#endif
