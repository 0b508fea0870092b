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

#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

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
 *  3. /usr/lib/debug/lib/modules/R, /lib/modules/R;
 *  4. the current directory if it has a modules.order (an out-of-tree
 *     module's build directory: make M=DIR).
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

/* What a module object file says it is (modfiles_identify()). */
struct modfile_identity {
	char name[65];		/* the module's name */
	char vermagic[256];	/* modinfo vermagic=, "" if none */
	char srcversion[64];	/* modinfo srcversion=, "" if none */
	char *build_id;		/* lowercase hex, NULL if none; malloc'd */
};

/*
 * Read path as a kernel module object (errors name it as shown: the file
 * the user gave, when path is its decompressed copy): an x86_64 ELF
 * relocatable (ET_REL)
 * with a .gnu.linkonce.this_module section (its struct module), its name
 * from .modinfo's name= or, when that is missing, from that struct module
 * at this_module_name_offset (offsetof(struct module, name); 0 if
 * unknown), its vermagic= and srcversion=, and its build id.
 * LKDB_ERROR_INVALID naming the file and what it is instead (not ELF, an
 * executable such as a vmlinux, no struct module).  Deinit with
 * modfile_identity_deinit().
 */
struct lkdb_error *modfiles_identify(const char *path, const char *shown,
				     uint64_t this_module_name_offset,
				     struct modfile_identity *ret);
void modfile_identity_deinit(struct modfile_identity *id);

/*
 * Whether the module object elf was built in the kernel's tree: modpost
 * gives every such module modinfo intree=Y; one built outside (make
 * M=DIR) has none.
 */
bool modfiles_in_tree(Elf *elf);

/* What a loaded module's object must be; NULL members are not checked. */
struct modfile_expect {
	const char *name;	/* '-' and '_' alike */
	const char *release;	/* the kernel's: vermagic's first word */
	const char *srcversion;	/* the kernel's mod->srcversion */
	/* the kernel's mod->build_id in hex, zero-padded to its array size */
	const char *build_id;
};

/*
 * Whether the file identified as id (shown as shown) is what expect says:
 * LKDB_ERROR_INVALID naming the file and the first thing that differs
 * ("is module vfat, not crashme", "was built for Linux R", "is another
 * build of M: srcversion ...", "... build id ...").
 */
struct lkdb_error *modfiles_check(const struct modfile_identity *id,
				  const char *shown,
				  const struct modfile_expect *expect);

#endif
