/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's loaded modules and their own symbol tables (mod->kallsyms,
 * kernel-helpers/symbols/modsyms.h), read once per command: module addresses to
 * "function+offset [module]" and module symbol names to addresses, with
 * no object file and no gdb.  Shared by bt and sym.
 */
#ifndef LKDB_MODULE_NAMES_H
#define LKDB_MODULE_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel-helpers/symbols/modsyms.h"
#include "kernel-helpers/symbols/modules.h"
#include "frontend/core/session.h"
#include "kernel-helpers/symbols/symbolize.h"

struct module_names;

/*
 * Read the module list (a kernel without modules has an empty one);
 * warnings go to stderr as "lkdb: CMD: warning: ...".
 */
struct lkdb_error *module_names_create(struct lkdb_session *s,
				       const char *cmd,
				       struct module_names **ret);
void module_names_destroy(struct module_names *mn);

/* The list read (NULL when the kernel has none). */
const struct kmodule_list *module_names_list(const struct module_names *mn);

/*
 * The module whose core contains addr, or whose init code does (a module
 * being inserted), or NULL.
 */
const struct kmodule *module_names_module_at(struct module_names *mn,
					     uint64_t addr);
/*
 * The symbol of module m containing addr, NULL if none (the module's
 * symbols are read on first use; a failure is a warning, once).
 */
const struct modsym *module_names_symbol(struct module_names *mn,
					 const struct kmodule *m,
					 uint64_t addr);
/*
 * sym's size (a symbol of m) as the kernel's kallsyms has it: up to the
 * next symbol, at most to the end of m's core text when sym is in it.
 */
uint64_t module_names_symbol_size(struct module_names *mn,
				  const struct kmodule *m,
				  const struct modsym *sym);

/* A code address's name, as the kernel prints it. */
struct code_name {
	const char *function;	/* NULL: no symbol holds the address */
	uint64_t offset;	/* from the address itself */
	uint64_t size;		/* kallsyms' */
	const char *module;	/* NULL: the vmlinux */
};

/*
 * addr named as the kernel's %pS does (where a CPU is) or, with
 * return_address, as %pB does (the call before it, whose function it may
 * end when the callee does not return), in the vmlinux or a loaded
 * module.  The strings live as long as mn and the session's vmlinux.
 */
void module_names_name(struct module_names *mn, uint64_t addr,
		       bool return_address, struct code_name *ret);
/*
 * addr as crash's value_to_symstr() names it (timer functions, device
 * operations): "function" or "function+OFFSET" (decimal), "" when no
 * symbol holds it, addr is 0 or mn is NULL.
 */
void module_names_symstr(struct module_names *mn, uint64_t addr, char *buf,
			 size_t size);
/*
 * "function+0xOFF/0xSIZE [module]" (symbolize_format()), or "0xADDR
 * [module]" when no symbol holds it; malloc'd, NULL on OOM.
 */
char *code_name_format(const struct code_name *n, uint64_t addr);

/* A symbol by name in any module; *module_ret its module. */
const struct modsym *module_names_find(struct module_names *mn,
				       const char *name,
				       const struct kmodule **module_ret);

/*
 * Source lines (innermost first, as symbolize.h's) of function+offset in
 * module m, from its object file: the one mod -s loaded, else one found on
 * the module search path (kernel-helpers/decode/decode.h reads the .ko's DWARF).
 * exact: offset is where the CPU was, not a return address (looked up one
 * byte back).  *nr_ret 0 when no file or no line is found; *object_ret
 * (may be NULL) the file used, malloc'd.
 */
void module_names_source(struct lkdb_session *s, const struct kmodule *m,
			 const char *function, uint64_t offset, uint64_t size,
			 bool exact, struct symbolize_frame **frames_ret,
			 size_t *nr_ret, char **object_ret);

/*
 * Source lines (innermost first, as symbolize.h's) of a code address in
 * the vmlinux or a loaded module: of addr itself when exact (where a CPU
 * was), else of the call before a return address (addr - 1).  *nr_ret 0
 * when there is no line (no DWARF, no object file for the module).
 */
void module_names_lines(struct module_names *mn, uint64_t addr, bool exact,
			struct symbolize_frame **frames_ret, size_t *nr_ret);

#endif
