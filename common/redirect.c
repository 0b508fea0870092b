// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/redirect.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The target: the rest of the line without blanks around it. */
static char *trimmed(const char *start)
{
	while (isspace((unsigned char)*start))
		start++;
	size_t n = strlen(start);
	while (n && isspace((unsigned char)start[n - 1]))
		n--;
	return strndup(start, n);
}

/*
 * What follows a '>' reads as the rest of a comparison or shift, not a
 * file name: a number, a gdb variable, a parenthesis or an operator
 * (p x > 10, p a >> 2, p n > $max).  Writing output to a file named like
 * that would be a silent surprise.
 */
static bool expression_follows(const char *rest)
{
	/* "|=", ">>=": compound assignments, right after the operator */
	if (*rest == '=')
		return true;
	while (isspace((unsigned char)*rest))
		rest++;
	return isdigit((unsigned char)*rest) ||
	       (*rest && strchr("($-&*!+'=", *rest));
}

/*
 * A file target as the shell would take it: quotes removed, and a leading
 * "~/" is $HOME's (the only expansion done; no $VARIABLES).
 */
static char *file_name(char *target)
{
	size_t n = strlen(target);
	if (n >= 2 && (target[0] == '\'' || target[0] == '"') &&
	    target[n - 1] == target[0]) {
		memmove(target, target + 1, n - 2);
		target[n - 2] = '\0';
		return target;
	}
	const char *home = getenv("HOME");
	if (target[0] == '~' && target[1] == '/' && home && *home) {
		char *path;
		if (asprintf(&path, "%s%s", home, target + 1) < 0)
			return target;
		free(target);
		return path;
	}
	return target;
}

struct lkdb_error *redirect_parse(const char *line, struct redirect *ret)
{
	memset(ret, 0, sizeof(*ret));
	char quote = 0;
	int depth = 0;
	size_t i;
	for (i = 0; line[i]; i++) {
		char c = line[i];
		if (quote) {
			if (c == '\\' && line[i + 1])
				i++;
			else if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '\\' && line[i + 1]) {
			i++;
			continue;
		}
		if (c == '\'' || c == '"') {
			quote = c;
			continue;
		}
		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if ((c == ')' || c == ']' || c == '}') && depth > 0)
			depth--;
		if (depth || (c != '|' && c != '>') || !i ||
		    !isspace((unsigned char)line[i - 1]))
			continue;
		const char *rest;
		if (c == '|' && line[i + 1] != '|' &&
		    !expression_follows(line + i + 1)) {
			ret->kind = REDIRECT_PIPE;
			rest = line + i + 1;
		} else if (c == '>' && line[i + 1] == '>' &&
			   !expression_follows(line + i + 2)) {
			ret->kind = REDIRECT_APPEND;
			rest = line + i + 2;
		} else if (c == '>' && line[i + 1] != '=' && line[i + 1] != '>' &&
			   !expression_follows(line + i + 1)) {
			ret->kind = REDIRECT_FILE;
			rest = line + i + 1;
		} else {
			continue;
		}
		ret->target = trimmed(rest);
		if (!ret->target)
			return &lkdb_error_oom;
		if (!*ret->target) {
			free(ret->target);
			ret->target = NULL;
			enum redirect_kind k = ret->kind;
			ret->kind = REDIRECT_NONE;
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "nothing after '%s': %s",
						 k == REDIRECT_PIPE ? "|" :
						 k == REDIRECT_APPEND ? ">>" : ">",
						 k == REDIRECT_PIPE ?
						 "give a shell command to pipe the output to" :
						 "give a file to write the output to");
		}
		if (ret->kind != REDIRECT_PIPE)
			ret->target = file_name(ret->target);
		break;
	}
	size_t n = i;
	while (n && isspace((unsigned char)line[n - 1]))
		n--;
	ret->command_len = n;
	return NULL;
}
