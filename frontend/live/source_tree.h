/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's source tree for a report's source lines: --source DIR, else
 * the Debian linux-source package of the kernel's release
 * (/usr/src/linux-source-MAJOR.MINOR.tar.xz), unpacked once into
 * $XDG_CACHE_HOME/lkdb/source/ (a minute; later sessions reuse it).
 */
#ifndef LKDB_SOURCE_TREE_H
#define LKDB_SOURCE_TREE_H

#include <stdio.h>

#include "frontend/core/session.h"

/*
 * The tree's directory (looked for once per session: s->source_tree), or NULL with a note
 * saying why there is none.  A tree whose Makefile says another release
 * than the kernel's banner is used with a note that lines may be off.
 */
const char *source_tree_dir(struct lkdb_session *s);

/*
 * The source file of a DWARF file name: an absolute name itself if it
 * opens (a module's, a tree built in place), else the name under dir with
 * its leading directories dropped one by one (Debian's vmlinux names
 * "debian/build/build_amd64_none_amd64/kernel/panic.c").  NULL when none
 * opens; *path_ret (malloc'd) is the file opened.
 */
FILE *source_tree_open(const char *dir, const char *file, char **path_ret);

#endif
