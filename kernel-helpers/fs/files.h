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
	uint64_t mnt;		/* f_path.mnt: the struct vfsmount */
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

/*
 * The open files of each mount (crash's mount -f): crash read them from
 * super_block.s_files, which Linux 3.17 removed (commit eee5cc270292 "get
 * rid of s_files and files_lock"); lkdb finds them in the fd tables of the
 * tasks instead, each struct file once (threads share a table), on the
 * mount its f_path.mnt names.  Sockets, pipes and anonymous inodes are on
 * no mount of a namespace and are left out.  A task whose table cannot be
 * read is a warning; its files are missed.
 */
struct kernel_mounts;
struct kernel_mount_file {
	size_t mount;		/* index into the kernel_mounts */
	size_t found;		/* in the order the walk found them */
	int32_t pid;		/* the first task found holding it */
	struct kernel_open_file file;	/* fd: that task's */
};
struct kernel_mount_files {
	struct kernel_mount_file *files;	/* by mount, then as found */
	size_t nr;
	char **warnings;
	size_t nr_warnings;
};
struct lkdb_error *kernel_read_mount_files(struct kernel *k,
					   const struct kernel_mounts *m,
					   const uint64_t *tasks,
					   const int32_t *pids, size_t nr_tasks,
					   struct kernel_mount_files *ret);
void kernel_mount_files_deinit(struct kernel_mount_files *f);

#endif
