/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small descriptor helpers shared by lkdb's parts. */
#ifndef LKDB_FDIO_H
#define LKDB_FDIO_H

#include <stddef.h>

/*
 * write() all of buf, again after EINTR and short writes.  Returns 0, or
 * -1 with errno set (the caller words the error).
 */
int lkdb_write_all(int fd, const void *buf, size_t len);
/* close(*fd) if it is open and mark it closed (-1). */
void lkdb_close_fd(int *fd);

#endif
