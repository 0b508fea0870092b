/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Addresses as commands take them, the way crash and oopses write them:
 * 0xHEX, bare hex digits (unless a symbol has that name), or a symbol of
 * the vmlinux or of a loaded module, each optionally +OFFSET or -OFFSET
 * (decimal, or hex with 0x).  The loaded modules are read on the first
 * name the vmlinux lacks, once per command.
 */
#ifndef LKDB_ADDRESS_ARG_H
#define LKDB_ADDRESS_ARG_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "frontend/core/session.h"

struct module_names;

/* One command's lookups: zero it, set s and cmd (names warnings). */
struct address_arg_context {
	struct lkdb_session *s;
	const char *cmd;
	struct module_names *modules;
	bool modules_failed;
	/* The kernel image's run-time [_text, _end), for word names. */
	uint64_t image_start, image_end;
	bool image_known;
};

/*
 * The loaded modules, read on first call; NULL without a target or when
 * they cannot be read (a warning, once).
 */
struct module_names *address_arg_modules(struct address_arg_context *c);
void address_arg_deinit(struct address_arg_context *c);

/*
 * A number: hex with 0x; else hex when hex_default (addresses), decimal
 * otherwise (offsets, counts).
 */
bool address_arg_number(const char *s, bool hex_default, uint64_t *ret);
/* Whether s is one or more hex digits and nothing else. */
bool address_arg_all_hex(const char *s);

/*
 * Cut a +OFFSET or -OFFSET off word (a copy of arg, which errors name):
 * *delta_ret 0 when there is none.
 */
struct lkdb_error *address_arg_offset(char *word, const char *arg,
				      bool *minus_ret, uint64_t *delta_ret);

/*
 * arg's run-time address.  LKDB_ERROR_NOT_FOUND naming a symbol nobody
 * has; LKDB_ERROR_INVALID for a malformed number or offset.
 */
struct lkdb_error *address_arg_parse(struct address_arg_context *c,
				     const char *arg, uint64_t *ret);

/*
 * value named as crash names a memory word (rd -s, bt -F): "name" or
 * "name+OFFSET" (decimal) of the symbol at or below it in the kernel
 * image [_text, _end) or in a loaded module; false when it is in neither.
 */
bool address_arg_word_name(struct address_arg_context *c, uint64_t value,
			   char *buf, size_t size);

#endif
