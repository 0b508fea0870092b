/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel type layouts: struct sizes and member offsets, from the vmlinux's
 * DWARF (elfutils libdw), so kernel-aware code reads whole objects and
 * decodes them with the running kernel's own layout instead of hard-coded
 * offsets.
 *
 * Finding a struct: the DWARF of Debian's 633 MB vmlinux has ~2400 units and
 * ~3.9 million top-level DIEs.  ktypes walks units in order, looking at
 * top-level DIEs only (struct/union/typedef/variable names), indexes every
 * name it passes and stops at the end of the unit that holds what was asked
 * for; later lookups continue from there.  Finding the printk types (in
 * kernel/printk/printk.c, unit ~350) costs ~0.1 s; proving a name absent
 * costs a walk of every unit (~0.4 s).
 *
 * Caching: with a build id, every answer (found or absent) is kept in
 * $XDG_CACHE_HOME/lkdb/types/<build-id> (XDG rules: $HOME/.cache when that
 * is not an absolute path, no cache when neither is), a small text file
 * written atomically; a later ktypes over the same build answers from
 * it without opening the DWARF at all.  The file is lines of
 *
 *	NAME OFFSET SIZE [BIT-OFFSET BIT-SIZE]	found
 *	NAME -					absent
 *
 * where NAME is "TYPE" (OFFSET 0, SIZE its size), "TYPE.MEMBER.PATH",
 * "var:VARIABLE[.MEMBER.PATH]", "fn:FUNCTION@ADDR" or "enum:ENUMERATOR", numbers in decimal; bit fields carry their
 * bit offset from the start of TYPE and their width.  Tests preload such a
 * table with ktypes_create_from_table().
 *
 * TYPE is a struct, union or typedef name ("printk_info", "atomic_long_t");
 * a struct or union wins over a typedef of the same name, and the first
 * definition in unit order wins over later ones (two different structs of
 * one name in two files are rare in the kernel; a struct defined inside a
 * function is not found).  A member path goes through nested structs and
 * unions ("desc_ring.count_bits") and finds members of anonymous structs
 * and unions by their own name.
 *
 * Not thread-safe.  Errors: LKDB_ERROR_NOT_FOUND naming the type and member
 * that the kernel does not have (the usual way to detect a kernel
 * difference), LKDB_ERROR_ELF when the DWARF cannot be read (a vmlinux
 * without debug info says so).
 */
#ifndef LKDB_KTYPES_H
#define LKDB_KTYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

struct ktypes;

/*
 * Types of the vmlinux at path.  Opening reads only the cache file (if
 * build_id is given and one exists); the DWARF is opened on the first
 * lookup the cache cannot answer.  build_id NULL: no cache.
 */
struct lkdb_error *ktypes_open(const char *vmlinux_path, const char *build_id,
			       struct ktypes **ret);
/*
 * Types from a table in the cache file's format only (unit tests, or a
 * layout known some other way); a lookup of a name the table lacks is
 * LKDB_ERROR_NOT_FOUND.  LKDB_ERROR_INVALID naming the line if malformed.
 */
struct lkdb_error *ktypes_create_from_table(const char *table,
					    struct ktypes **ret);
/* Saves new answers to the cache (best effort, see ktypes_save).  NULL ok. */
void ktypes_destroy(struct ktypes *t);
/* Write new answers to the cache file now; NULL when nothing to do. */
struct lkdb_error *ktypes_save(struct ktypes *t);

/* sizeof(type). */
struct lkdb_error *ktypes_size(struct ktypes *t, const char *type,
			       uint64_t *size_ret);
/*
 * sizeof(type), checked to be in 1..max (a struct read whole into a
 * buffer); LKDB_ERROR_INVALID naming the struct otherwise.
 */
struct lkdb_error *ktypes_size_within(struct ktypes *t, const char *type,
				      uint64_t max, uint64_t *size_ret);
/*
 * offsetof(type, member) and sizeof the member; member is a path
 * ("desc_ring.count_bits").  For a bit field: the bytes that hold its bits.
 * size_ret may be NULL.
 */
struct lkdb_error *ktypes_member(struct ktypes *t, const char *type,
				 const char *member, uint64_t *offset_ret,
				 uint64_t *size_ret);
/*
 * A member's bit offset from the start of type and its width in bits
 * (8 * offset and 8 * size for a member that is not a bit field).
 * Bits are numbered from the least significant bit of byte 0 (x86_64).
 */
struct lkdb_error *ktypes_bitfield(struct ktypes *t, const char *type,
				   const char *member, uint64_t *bit_offset_ret,
				   uint64_t *bit_size_ret);
/*
 * Like ktypes_member for a global or static variable's type, which may be
 * anonymous ("static struct { ... } tk_core"); member "" or NULL: offset 0
 * and the size of the variable.
 */
struct lkdb_error *ktypes_var_member(struct ktypes *t, const char *variable,
				     const char *member, uint64_t *offset_ret,
				     uint64_t *size_ret);

/*
 * Whether the DWARF unit whose code covers link-time address addr (take a
 * function's symbol address) has a function named name: a static function
 * that its file compiles only under some CONFIG option, even if inlined.
 * Found through .debug_aranges, so only that unit is read.  Cached as
 * "fn:NAME@ADDR" (hex).
 */
struct lkdb_error *ktypes_unit_has_function(struct ktypes *t, uint64_t addr,
					    const char *name, bool *ret);

/*
 * The value of an enumerator ("NR_FREE_PAGES"), cached as "enum:NAME"
 * with the value (two's complement) as OFFSET and SIZE 0.  The enum's own
 * name does not matter: enumerator names are unique in the kernel.
 */
struct lkdb_error *ktypes_enumerator(struct ktypes *t, const char *name,
				     int64_t *value_ret);

/*
 * The enumerators of an enum in declaration order, from first on (at most
 * max): names (malloc'd, each and the array) and values.  Read from the
 * DWARF each time (not cached): for the few commands that list an enum.
 */
struct lkdb_error *ktypes_enumerators_from(struct ktypes *t, const char *first,
					   size_t max, char ***names_ret,
					   int64_t **values_ret, size_t *n_ret);

/* Whether type has member (path); false on any error. */
bool ktypes_has_member(struct ktypes *t, const char *type,
		       const char *member);

struct ktypes_stats {
	unsigned int lookups;		/* answers asked for */
	unsigned int cached;		/* of which answered from the table */
	bool dwarf_opened;
	unsigned int units_scanned;	/* DWARF units walked */
	unsigned long dies_scanned;	/* top-level DIEs looked at */
	double dwarf_seconds;		/* spent opening and walking DWARF */
};
void ktypes_get_stats(const struct ktypes *t, struct ktypes_stats *ret);

/*
 * An integer member (1, 2, 4 or 8 bytes) checked to lie inside a struct of
 * struct_size bytes, for decoding a struct read in one piece.
 */
struct ktypes_field {
	uint64_t offset, size;
};

/* LKDB_ERROR_INVALID naming type.path if the member is not such a field. */
struct lkdb_error *ktypes_field(struct ktypes *t, const char *type,
				const char *path, uint64_t struct_size,
				struct ktypes_field *ret);

/*
 * As ktypes_field, for a member some kernels lack: *present says whether
 * it exists; only other errors (a bad layout) are returned.
 */
struct lkdb_error *ktypes_field_optional(struct ktypes *t, const char *type,
					 const char *path, uint64_t struct_size,
					 struct ktypes_field *ret, bool *present);

/*
 * A member that kernel releases name differently (renamed or moved):
 * the first of paths (NULL-terminated, newest first) that type has, found
 * by the type information, never by a version number.  *which_ret is its
 * index.  None: LKDB_ERROR_NOT_FOUND naming them all ("struct task_struct
 * has none of __state, state"); a bad layout is LKDB_ERROR_INVALID.
 */
struct lkdb_error *ktypes_field_variant(struct ktypes *t, const char *type,
					const char *const *paths,
					uint64_t struct_size,
					struct ktypes_field *ret,
					unsigned int *which_ret);

/* The little-endian value of a checked field of the struct at p. */
static inline uint64_t ktypes_field_get(const unsigned char *p,
					struct ktypes_field f)
{
	uint64_t v = 0;
	for (uint64_t i = f.size; i-- > 0;)
		v = v << 8 | p[f.offset + i];
	return v;
}

static inline int64_t ktypes_field_get_signed(const unsigned char *p,
					      struct ktypes_field f)
{
	uint64_t v = ktypes_field_get(p, f);
	if (f.size < 8 && (v >> (8 * f.size - 1)) & 1)
		v |= ~0ULL << (8 * f.size);
	return (int64_t)v;
}

#endif
