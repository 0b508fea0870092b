// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/error.h"

#include <errno.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lkdb_error lkdb_error_oom = {
	.code = LKDB_ERROR_NOMEM,
	.message = (char *)"out of memory",
};

struct lkdb_error *lkdb_error_createv(enum lkdb_error_code code,
				      const char *fmt, va_list ap)
{
	struct lkdb_error *err = calloc(1, sizeof(*err));
	if (!err)
		return &lkdb_error_oom;
	if (vasprintf(&err->message, fmt, ap) < 0) {
		free(err);
		return &lkdb_error_oom;
	}
	err->code = code;
	return err;
}

struct lkdb_error *lkdb_error_create(enum lkdb_error_code code,
				     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct lkdb_error *err = lkdb_error_createv(code, fmt, ap);
	va_end(ap);
	return err;
}

static struct lkdb_error *error_with_suffix(enum lkdb_error_code code,
					    const char *suffix,
					    const char *fmt, va_list ap)
{
	char *head;
	if (vasprintf(&head, fmt, ap) < 0)
		return &lkdb_error_oom;
	struct lkdb_error *err = lkdb_error_create(code, "%s: %s", head,
						   suffix);
	free(head);
	return err;
}

struct lkdb_error *lkdb_error_errno(int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct lkdb_error *err = error_with_suffix(LKDB_ERROR_OS,
						   strerror(errnum), fmt, ap);
	va_end(ap);
	if (err != &lkdb_error_oom)
		err->errnum = errnum;
	return err;
}

struct lkdb_error *lkdb_error_libelf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct lkdb_error *err = error_with_suffix(LKDB_ERROR_ELF,
						   elf_errmsg(-1), fmt, ap);
	va_end(ap);
	return err;
}

struct lkdb_error *lkdb_error_prefix(struct lkdb_error *err,
				     const char *fmt, ...)
{
	if (!err || err == &lkdb_error_oom)
		return err;
	char *head;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&head, fmt, ap);
	va_end(ap);
	if (n < 0)
		return err;
	char *joined;
	if (asprintf(&joined, "%s: %s", head, err->message) >= 0) {
		free(err->message);
		err->message = joined;
	}
	free(head);
	return err;
}

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

bool lkdb_message_names(const char *message, const char *word)
{
	size_t len = strlen(word);
	if (!len)
		return false;
	for (const char *p = message; (p = strstr(p, word)); p++) {
		bool starts = p == message || !word_char(p[-1]) ||
			      !word_char(word[0]);
		bool ends = !word_char(p[len]) || !word_char(word[len - 1]);
		if (starts && ends)
			return true;
	}
	return false;
}

void lkdb_error_destroy(struct lkdb_error *err)
{
	if (!err || err == &lkdb_error_oom)
		return;
	free(err->message);
	free(err);
}

struct lkdb_error *lkdb_warning_vappend(char ***warnings, size_t *nr_warnings,
					const char *fmt, va_list ap)
{
	/*
	 * The array's room is the power of two at or above the count: it
	 * grows when the count reaches one, so that a walk warning about
	 * every one of many thousand tasks costs no quadratic copying.
	 */
	size_t n = *nr_warnings;
	char **grown = *warnings;
	if (!(n & (n - 1))) {
		grown = realloc(*warnings, (n ? 2 * n : 1) * sizeof(*grown));
		if (!grown)
			return &lkdb_error_oom;
		*warnings = grown;
	}
	if (vasprintf(&grown[*nr_warnings], fmt, ap) < 0)
		return &lkdb_error_oom;
	(*nr_warnings)++;
	return NULL;
}

void lkdb_warnings_free(char **warnings, size_t nr_warnings)
{
	for (size_t i = 0; i < nr_warnings; i++)
		free(warnings[i]);
	free(warnings);
}

struct lkdb_error *lkdb_warning_append(char ***warnings, size_t *nr_warnings,
				       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct lkdb_error *err = lkdb_warning_vappend(warnings, nr_warnings,
						      fmt, ap);
	va_end(ap);
	return err;
}

struct lkdb_error *lkdb_error_interrupted(void)
{
	return lkdb_error_create(LKDB_ERROR_INTERRUPTED, "interrupted (Ctrl-C)");
}
