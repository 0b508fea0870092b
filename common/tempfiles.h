/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Files that live as long as the process: in one private directory under
 * $TMPDIR (else /tmp), made on first use and removed, with the files, when
 * the process exits (atexit).  For what another program must read by name
 * for as long as lkdb runs: a decompressed module, the entry code's frame
 * information handed to gdb.
 */
#ifndef LKDB_TEMPFILES_H
#define LKDB_TEMPFILES_H

#include "common/error.h"

/*
 * Create DIR/NAME (NAME one path component, unique within the process)
 * for writing: *fd_ret (O_CLOEXEC; the caller closes it) and *path_ret,
 * owned here and valid until exit.  Errors name the file.
 */
struct lkdb_error *lkdb_temp_file(const char *name, int *fd_ret,
				  const char **path_ret);
/*
 * The same in a directory in memory (/dev/shm/lkdb.XXXXXX, a tmpfs; made
 * on first use and removed at exit) for what another program writes fast
 * and often, else as lkdb_temp_file when /dev/shm cannot be used.
 */
struct lkdb_error *lkdb_memory_temp_file(const char *name, int *fd_ret,
					 const char **path_ret);

#endif
