/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One error convention for all of lkdb: a fallible function returns
 * struct lkdb_error * (NULL on success) and hands results back through
 * trailing *_ret parameters.  The caller owns a returned error and frees it
 * with lkdb_error_destroy(), which accepts NULL and the static OOM error.
 */
#ifndef LKDB_ERROR_H
#define LKDB_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum lkdb_error_code {
	LKDB_ERROR_NOMEM = 1,
	LKDB_ERROR_OS,		/* a system call failed; errnum is set */
	LKDB_ERROR_INVALID,	/* bad argument or bad input data */
	LKDB_ERROR_TIMEOUT,
	LKDB_ERROR_GDB_EXITED,	/* the gdb child died or closed its pipes */
	LKDB_ERROR_GDB,		/* gdb answered ^error (a message for the user) */
	LKDB_ERROR_MISMATCH,	/* vmlinux does not match the target */
	LKDB_ERROR_NOT_FOUND,
	LKDB_ERROR_FAULT,	/* memory at an address could not be read */
	LKDB_ERROR_INTERRUPTED,
	LKDB_ERROR_TARGET_LOST,	/* the remote target went away */
	LKDB_ERROR_ELF,		/* libelf / libdw reported an error */
};

struct lkdb_error {
	enum lkdb_error_code code;
	int errnum;		/* errno for LKDB_ERROR_OS, else 0 */
	char *message;		/* one line, no trailing newline */
};

/* Returned when memory for an error itself cannot be had; never freed. */
extern struct lkdb_error lkdb_error_oom;

struct lkdb_error *lkdb_error_create(enum lkdb_error_code code,
				     const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct lkdb_error *lkdb_error_createv(enum lkdb_error_code code,
				      const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* "<formatted>: <strerror(errnum)>" with code LKDB_ERROR_OS. */
struct lkdb_error *lkdb_error_errno(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "<formatted>: <elf_errmsg(-1)>" with code LKDB_ERROR_ELF. */
struct lkdb_error *lkdb_error_libelf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Prefix an error's message with "<formatted>: "; returns err. */
struct lkdb_error *lkdb_error_prefix(struct lkdb_error *err,
				     const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lkdb_error_destroy(struct lkdb_error *err);
/* LKDB_ERROR_INTERRUPTED, "interrupted (Ctrl-C)": the user stopped it. */
struct lkdb_error *lkdb_error_interrupted(void);
/*
 * Whether message names word as a whole ("0x1000" is in "address 0x1000."
 * but not in "address 0x10000"): whether prefixing it would say it twice.
 */
bool lkdb_message_names(const char *message, const char *word);

/*
 * Append a formatted warning to a growing array of strings (*warnings,
 * *nr_warnings), as the kernel walkers collect them.  Only fails on OOM.
 */
struct lkdb_error *lkdb_warning_vappend(char ***warnings, size_t *nr_warnings,
					const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
struct lkdb_error *lkdb_warning_append(char ***warnings, size_t *nr_warnings,
				       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Free such an array and its strings; accepts NULL. */
void lkdb_warnings_free(char **warnings, size_t nr_warnings);

#endif
