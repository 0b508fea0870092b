// SPDX-License-Identifier: GPL-2.0-or-later
#include "mi/gdb_console.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool starts(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && !memcmp(line, prefix, n);
}

static bool ends(const char *line, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && !memcmp(line + len - n, suffix, n);
}

/* "Thread 12 " or "Thread 12 \"name\" ": its length, else 0. */
static size_t thread_prefix(const char *line, size_t len)
{
	if (!starts(line, len, "Thread "))
		return 0;
	size_t i = 7;
	if (i >= len || !isdigit((unsigned char)line[i]))
		return 0;
	while (i < len && (isdigit((unsigned char)line[i]) || line[i] == '.'))
		i++;
	if (i >= len || line[i] != ' ')
		return 0;
	i++;
	if (i < len && line[i] == '"') {
		const char *q = memchr(line + i + 1, '"', len - i - 1);
		if (!q || (size_t)(q - line) + 1 >= len || q[1] != ' ')
			return 0;
		i = (size_t)(q - line) + 2;
	}
	return i;
}

static bool missing_source(const char *line, size_t len)
{
	size_t i = 0;
	while (i < len && isdigit((unsigned char)line[i]))
		i++;
	return i && i < len && line[i] == '\t' &&
	       ends(line, len, ": No such file or directory.");
}

bool gdb_console_line_shown(const char *line, size_t len, size_t *start_ret)
{
	*start_ret = 0;
	if (starts(line, len, "[Switching to Thread ") && ends(line, len, "]"))
		return false;
	if (starts(line, len, "Program received signal SIGINT"))
		return false;
	size_t t = thread_prefix(line, len);
	if (t && starts(line + t, len - t, "received signal SIGINT"))
		return false;
	if (t && starts(line + t, len - t, "hit ")) {
		*start_ret = t + 4;
		return true;
	}
	/* "NNN\tFILE: No such file or directory." after a stop's location */
	return !missing_source(line, len);
}

static void emit(struct gdb_console *c, const char *line, size_t len,
		 bool newline)
{
	size_t start = 0;
	if (!(c->keep_missing_source && missing_source(line, len)) &&
	    !gdb_console_line_shown(line, len, &start))
		return;
	c->write(c->context, line + start, len - start);
	if (newline)
		c->write(c->context, "\n", 1);
}

void gdb_console_push(struct gdb_console *c, const char *text, size_t len)
{
	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;
		if (!nl || c->len) {
			/* Keep the piece; a line may come in several. */
			if (c->len + n + 1 > c->cap) {
				size_t cap = c->cap ? c->cap : 256;
				while (cap < c->len + n + 1)
					cap *= 2;
				char *p = realloc(c->partial, cap);
				if (!p) {
					/* Show it unfiltered rather than lose it. */
					c->write(c->context, c->partial, c->len);
					c->len = 0;
					c->write(c->context, text, len);
					return;
				}
				c->partial = p;
				c->cap = cap;
			}
			memcpy(c->partial + c->len, text, n);
			c->len += n;
		}
		if (!nl)
			return;
		if (c->len) {
			emit(c, c->partial, c->len, true);
			c->len = 0;
		} else {
			emit(c, text, n, true);
		}
		text += n + 1;
		len -= n + 1;
	}
}

void gdb_console_flush(struct gdb_console *c)
{
	if (!c->len)
		return;
	emit(c, c->partial, c->len, false);
	c->len = 0;
}

void gdb_console_deinit(struct gdb_console *c)
{
	free(c->partial);
	c->partial = NULL;
	c->len = c->cap = 0;
}
