// SPDX-License-Identifier: GPL-2.0-or-later
#include "mi/mi_command.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Characters that may stand unquoted in an argument.  gdb splits unquoted
 * arguments at white space only, but keeping the set small means anything
 * unusual takes the quoted path, whose decoding gdb documents.
 */
static bool is_plain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("-_./:+*$@=,%&", c);
}

static bool is_plain_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!is_plain_char((unsigned char)*s))
			return false;
	}
	return true;
}

struct strbuf {
	char *data;
	size_t len, cap;
};

static bool strbuf_reserve(struct strbuf *sb, size_t more)
{
	if (sb->len + more + 1 <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + more + 1)
		cap *= 2;
	char *data = realloc(sb->data, cap);
	if (!data)
		return false;
	sb->data = data;
	sb->cap = cap;
	return true;
}

static bool strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
	if (!strbuf_reserve(sb, n))
		return false;
	memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
	return true;
}

static bool quote_into(struct strbuf *sb, const char *arg)
{
	if (is_plain_word(arg))
		return strbuf_add(sb, arg, strlen(arg));
	if (!strbuf_add(sb, "\"", 1))
		return false;
	for (const unsigned char *p = (const unsigned char *)arg; *p; p++) {
		char esc[5];
		size_t n;
		switch (*p) {
		case '"':  n = 2; memcpy(esc, "\\\"", 2); break;
		case '\\': n = 2; memcpy(esc, "\\\\", 2); break;
		case '\n': n = 2; memcpy(esc, "\\n", 2); break;
		case '\r': n = 2; memcpy(esc, "\\r", 2); break;
		case '\t': n = 2; memcpy(esc, "\\t", 2); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				/* gdb's parse_escape takes three octal digits */
				snprintf(esc, sizeof(esc), "\\%03o", *p);
				n = 4;
			} else {
				esc[0] = (char)*p;
				n = 1;
			}
		}
		if (!strbuf_add(sb, esc, n))
			return false;
	}
	return strbuf_add(sb, "\"", 1);
}

struct lkdb_error *mi_quote_append(char **buf, size_t *len, const char *arg)
{
	struct strbuf sb = { .data = *buf, .len = *len,
			     .cap = *buf ? *len + 1 : 0 };
	if (!quote_into(&sb, arg)) {
		*buf = sb.data;
		return &lkdb_error_oom;
	}
	*buf = sb.data;
	*len = sb.len;
	return NULL;
}

static bool is_operation(const char *op)
{
	if (op[0] != '-' || !op[1])
		return false;
	for (const char *p = op + 1; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-'))
			return false;
	}
	return true;
}

struct lkdb_error *mi_command_build(unsigned long long token,
				    const char *operation,
				    const char *const *argv, size_t argc,
				    char **ret)
{
	if (!is_operation(operation))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "not an MI operation: \"%s\"",
					 operation);
	struct strbuf sb = { 0 };
	char head[32];
	int n = snprintf(head, sizeof(head), "%llu", token);
	bool ok = strbuf_add(&sb, head, (size_t)n) &&
		  strbuf_add(&sb, operation, strlen(operation));
	for (size_t i = 0; ok && i < argc; i++)
		ok = strbuf_add(&sb, " ", 1) && quote_into(&sb, argv[i]);
	if (!ok || !strbuf_add(&sb, "\n", 1)) {
		free(sb.data);
		return &lkdb_error_oom;
	}
	*ret = sb.data;
	return NULL;
}

char *gdb_cli_quote(const char *s)
{
	size_t n = 3;
	for (const char *p = s; *p; p++)
		n += (*p == '"' || *p == '\\') ? 2 : 1;
	char *q = malloc(n), *o = q;
	if (!q)
		return NULL;
	*o++ = '"';
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o++ = '"';
	*o = '\0';
	return q;
}
