/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel module object files on disk: a search path of directories, the
 * best file for each module name in it (debug files first, then plain and
 * compressed .ko; '-' and '_' are the same in module names), and
 * compressed files decompressed to temporary copies.  Used by `mod -s/-S`
 * (symbols for gdb) and `decode` (module frames of a log).
 */
#ifndef LKDB_MODFILES_H
#define LKDB_MODFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Directories searched in order; absolute, resolved, no duplicates. */
struct modfiles_path {
	char **dirs;
	size_t n;
};

/* Frees the directories; the path is empty afterwards. */
void modfiles_path_deinit(struct modfiles_path *p);

/*
 * Add dir if it is an existing directory not yet on the path (anything
 * else is skipped: *added_ret, which may be NULL, says which).  Fails only
 * on OOM.
 */
struct lkdb_error *modfiles_path_add(struct modfiles_path *p, const char *dir,
				     bool *added_ret);

/*
 * The default path for a kernel whose vmlinux is vmlinux_path (may be
 * NULL) and release is release (may be NULL), first match wins:
 *  1. $LKDB_MODULE_PATH (directories separated by ':');
 *  2. beside the vmlinux: for PREFIX/usr/lib/debug/boot/vmlinux-R or
 *     PREFIX/boot/vmlinux-R (an unpacked package tree),
 *     PREFIX/usr/lib/debug/lib/modules/R and PREFIX/lib/modules/R; a
 *     kernel build tree (modules.order beside the vmlinux) itself;
 *  3. /usr/lib/debug/lib/modules/R, /lib/modules/R.
 */
struct lkdb_error *modfiles_default_path(struct modfiles_path *p,
					 const char *vmlinux_path,
					 const char *release);

/*
 * files_ret[i] (malloc'd, or left NULL): the file for module names[i] in
 * the first directory of path that has one; within a directory the best
 * suffix wins: .ko.debug, .ko, .ko.zst, .ko.xz, .ko.gz.  Entries of
 * files_ret already set are kept and not searched for.  Each directory
 * tree is walked once for all names.  Fails only on OOM.
 */
struct lkdb_error *modfiles_find(const struct modfiles_path *path,
				 const char *const *names, size_t n,
				 char **files_ret);

/* Whether file ends in .zst, .xz or .gz. */
bool modfiles_compressed(const char *file);

/*
 * Decompress file (zstd, xz or gzip by its suffix, run as a command) to a
 * temporary file named after module name; *ret is its path, owned here:
 * valid, and the file kept, until the process exits.  Errors name the file
 * and the tool.
 */
struct lkdb_error *modfiles_decompress(const char *file, const char *name,
				       const char **ret);

#endif
