/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mounts of a mount namespace as /proc/PID/mounts lists them and
 * crash's mount shows them: each struct mount with its super block, the
 * file system type's name, the device name and the mount point's path
 * (d_path through the parent mounts).
 *
 * Where the namespace keeps them, found by type (struct mount.mnt_node;
 * mnt_namespace.mounts was the count before): an rbtree of struct
 * mount by mnt_node at mnt_namespace.mounts since 6.8 (commit
 * 2eea9ce4310d "mounts: keep list of mounts in an rbtree"), walked in
 * order; the list mnt_namespace.list of struct mount by mnt_list before.
 * A /proc/mounts reader's cursor (a struct mount without a super block,
 * 5.8 to 6.7) is not a mount and is left out.  Walks are bounded; one
 * that loops or cannot be read is a warning, the mounts before it kept.
 */
#ifndef LKDB_MOUNTS_H
#define LKDB_MOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

#define KERNEL_MOUNTS_MAX (1u << 20)

struct kernel_mount {
	uint64_t mount;		/* struct mount */
	uint64_t vfsmount;	/* its mnt: what a file's f_path.mnt names */
	uint64_t sb;		/* struct super_block */
	char type[64];
	char *devname;
	char *dir;
};

struct kernel_mounts {
	struct kernel_mount *mounts;
	size_t nr;
	char **warnings;
	size_t nr_warnings;
};

/* The mounts of the namespace of the task at task (its nsproxy's). */
struct lkdb_error *kernel_read_mounts(struct kernel *k, uint64_t task,
				      struct kernel_mounts *ret);
void kernel_mounts_deinit(struct kernel_mounts *m);

#endif
