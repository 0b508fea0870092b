/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a helper program (xz, zstd, tar) to its end. */
#ifndef LKDB_RUN_H
#define LKDB_RUN_H

#include "common/error.h"

/*
 * Run argv (argv[0] found on PATH) with its stdout on out_fd (-1: lkdb's
 * own) and wait for it.  Errors name argv[0] and argv[last]: it could not
 * be started, or it exited other than with status 0.
 */
struct lkdb_error *lkdb_run(char *const argv[], int out_fd);

#endif
