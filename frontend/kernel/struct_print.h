/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What crash's list and tree do with each entry: -o/-r offsets given as a
 * number or STRUCT.MEMBER, and -s STRUCT[.MEMBER,...] printed by gdb,
 * which knows every type.
 */
#ifndef LKDB_STRUCT_PRINT_H
#define LKDB_STRUCT_PRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "frontend/core/session.h"

/* arg as an offset: a number, or STRUCT.MEMBER's from the types. */
struct lkdb_error *struct_print_offset(struct kernel *k, const char *option,
				       const char *arg, uint64_t *ret);
/*
 * -s STRUCT[.MEMBER,...] for the entries of one command: give each entry
 * to struct_print_members, which prints crash's "struct NAME {...}" or
 * "  MEMBER = VALUE" lines, each ended by member_end (crash's tree puts a
 * comma there), or (json) , "values": {"MEMBER": "VALUE"}.
 *
 * gdb looks a struct's name up anew in every expression that names it
 * (~40 ms in Debian's vmlinux); so the first entry sets a gdb convenience
 * variable of the struct's pointer type and every entry is cast with
 * typeof() of it (~6 ms a print).
 */
struct struct_printer {
	struct lkdb_session *s;
	const char *spec;	/* STRUCT[.MEMBER,...] */
	bool prepared;		/* $lkdb_struct_print is set */
};

struct lkdb_error *struct_print_members(struct struct_printer *p, bool json,
					uint64_t entry,
					const char *member_end);
/* Set $lkdb_struct_print to (KEYWORD TYPE *)0 ("struct", "union"). */
struct lkdb_error *struct_print_set_type(struct lkdb_session *s,
					 const char *keyword, const char *type);

#endif
