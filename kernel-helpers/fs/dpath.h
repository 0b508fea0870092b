/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The path of an open file as the kernel's d_path() writes it: the
 * dentries' names from the file's up to the root of its mount, then on
 * through the mount point in the parent mount, to the root of the mount
 * tree (struct mount around the file's vfsmount: mnt_parent,
 * mnt_mountpoint).  Bounded at 256 levels; a name that cannot be read
 * becomes "?".
 */
#ifndef LKDB_DPATH_H
#define LKDB_DPATH_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

/* The path of the struct file at file into buf ("/bin/busybox"). */
struct lkdb_error *kernel_file_path(struct kernel *k, uint64_t file,
				    char *buf, size_t size);
/* The path of dentry in the mount whose struct vfsmount is at mnt. */
struct lkdb_error *kernel_path(struct kernel *k, uint64_t mnt, uint64_t dentry,
			       char *buf, size_t size);

#endif
