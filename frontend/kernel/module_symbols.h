/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Module symbols as a service: which modules' object files this session gave
 * gdb (add-symbol-file at the section addresses the kernel reports), finding
 * and checking those files, and keeping gdb's view in step when a module's
 * init memory is freed or the module goes.  The table is the session's
 * (s->module_symbols), not process-wide.  Used by mod (-s, -S, the OBJECT
 * FILE column), the panic report, bt/sym's file:line for module frames, and
 * the insmod/rmmod tracking (module_sync.c).
 */
#ifndef LKDB_MODULE_SYMBOLS_H
#define LKDB_MODULE_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "frontend/core/session.h"
#include "kernel-helpers/symbols/modfiles.h"
#include "kernel-helpers/symbols/modules.h"

/*
 * The object file loaded for the struct module at module_addr in this
 * session (as found: the compressed file, if it was), or NULL.
 */
const char *module_symbols_file(struct lkdb_session *s, uint64_t module_addr);

/*
 * The search path for module object files: --module-path first, then
 * modfiles_default_path() for the session's vmlinux and release.
 */
struct lkdb_error *module_symbols_path(struct lkdb_session *s,
				       struct modfiles_path *path);

/* "MODULE: no object file found in DIR:DIR (...)" for the path searched. */
struct lkdb_error *module_symbols_not_found(const char *module,
					    const struct modfiles_path *path);

/*
 * Give gdb module m's symbols from file (shown as found; a compressed file
 * is decompressed first) at the addresses of the sections that lie there
 * now.  The file must be m's object, built for this kernel, and the loaded
 * build where the kernel keeps something to tell (modfiles_check()).
 * Loaded before: replaced.
 */
struct lkdb_error *module_symbols_load(struct lkdb_session *s,
				       struct kmodule *m, const char *file);

/*
 * The module list as read now, its warnings (a damaged list) printed as
 * "lkdb: mod: warning: ..." on stderr.
 */
struct lkdb_error *module_symbols_read_modules(struct lkdb_session *s,
					       struct kmodule_list **ret);

/*
 * Load the symbols of the module whose core text holds addr from the file
 * on the search path, printing nothing; *name_ret gets the module's name
 * (malloc'd) when one holds addr, even if its symbols could not be
 * loaded.  Loaded already: nothing to do.
 */
struct lkdb_error *module_symbols_load_at(struct lkdb_session *s,
					  uint64_t addr, char **name_ret);
/* The same for module m, of a module list the caller has read already. */
struct lkdb_error *module_symbols_load_module(struct lkdb_session *s,
					      const struct kmodule *m);

/*
 * mod -S on the search path, quietly: modules without a file are passed
 * over; a file that fails is skipped with a line on stderr.
 */
struct lkdb_error *module_symbols_load_all_quiet(struct lkdb_session *s);

/*
 * Reload without them the symbols of modules whose init sections gdb was
 * given and whose init memory the kernel has freed since (what lies there
 * now may be another module's code).  Reads the module list only when gdb
 * has some init sections.
 */
struct lkdb_error *module_symbols_refresh(struct lkdb_session *s);

/* Drop the symbols loaded for the struct module at module_addr. */
struct lkdb_error *module_symbols_forget(struct lkdb_session *s,
					 uint64_t module_addr);

#endif
