/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's loaded modules and their own symbol tables (mod->kallsyms,
 * kernel-helpers/modsyms.h), read once per command: module addresses to
 * "function+offset [module]" and module symbol names to addresses, with
 * no object file and no gdb.  Shared by bt and sym.
 */
#ifndef LKDB_MODULE_NAMES_H
#define LKDB_MODULE_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "modsyms.h"
#include "modules.h"
#include "session.h"

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

/* The module whose core contains addr, or NULL. */
const struct kmodule *module_names_module_at(const struct module_names *mn,
					     uint64_t addr);
/*
 * The symbol of module m containing addr, NULL if none (the module's
 * symbols are read on first use; a failure is a warning, once).
 */
const struct modsym *module_names_symbol(struct module_names *mn,
					 const struct kmodule *m,
					 uint64_t addr);
/* A symbol by name in any module; *module_ret its module. */
const struct modsym *module_names_find(struct module_names *mn,
				       const char *name,
				       const struct kmodule **module_ret);

#endif
