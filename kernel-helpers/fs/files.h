/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A task's open files as crash's files lists them and /proc/PID/fd names
 * them: its root and working directory (task->fs), and each fd of its fd
 * table (task->files->fdt: max_fds slots of struct file *) with the file,
 * its dentry and inode, the inode's type (REG, DIR, CHR, BLK, FIFO, PIPE,
 * SOCK, LNK) and the file's path through the mounts.  Files of the kernel's
 * pseudo file systems are named as their d_dname does: "socket:[INODE]"
 * (sockfs), "pipe:[INODE]" (pipefs), "anon_inode:NAME" (anon_inodefs).
 * The fd table is read bounded (FILES_FDS_MAX slots); a file that cannot
 * be read is a warning naming the fd.
 */
#ifndef LKDB_FILES_H
#define LKDB_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

#define FILES_FDS_MAX (1u << 20)

struct kernel_open_file {
	unsigned int fd;
	uint64_t file, dentry, inode;
	char type[5];
	char *path;
};

struct kernel_files {
	char *root, *cwd;		/* NULL: the task has no fs (exiting) */
	struct kernel_open_file *files;	/* in fd order */
	size_t nr;
	char **warnings;
	size_t nr_warnings;
};

struct lkdb_error *kernel_read_files(struct kernel *k, uint64_t task,
				     struct kernel_files *ret);
void kernel_files_deinit(struct kernel_files *f);

/*
 * A dentry as crash's files -d shows it: its inode (0: a negative dentry),
 * super block (the inode's, else the dentry's d_sb), type, and path
 * through the mount of task's namespace that has that super block (the
 * last such in the list, as crash takes it; "" when none has).
 */
struct kernel_dentry_info {
	uint64_t dentry, inode, sb;
	char type[5];		/* "REG ", "DIR " ...; "N/A" without inode */
	char *path;
};
struct lkdb_error *kernel_read_dentry_info(struct kernel *k, uint64_t dentry,
					   uint64_t task,
					   struct kernel_dentry_info *ret);
void kernel_dentry_info_deinit(struct kernel_dentry_info *d);

#endif
