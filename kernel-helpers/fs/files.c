// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/fs/files.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/printable.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/fs/dpath.h"
#include "kernel-helpers/fs/mounts.h"

#define FILES_PATH_MAX 4096

struct files_layout {
	uint64_t t_files, t_fs;			/* task_struct */
	uint64_t fdt, max_fds, fd;		/* files_struct, fdtable */
	uint64_t root, pwd, p_mnt, p_dentry;	/* fs_struct, path */
	uint64_t f_mnt, f_dentry;		/* file.f_path */
	uint64_t d_inode, d_name;		/* dentry */
	uint64_t i_mode, i_ino, i_sb;		/* inode */
	uint64_t s_type, fs_name;		/* super_block, type */
};

static struct lkdb_error *get_layout(struct ktypes *t, struct files_layout *l)
{
	struct lkdb_error *err;
	if ((err = ktypes_member(t, "task_struct", "files", &l->t_files, NULL)) ||
	    (err = ktypes_member(t, "task_struct", "fs", &l->t_fs, NULL)) ||
	    (err = ktypes_member(t, "files_struct", "fdt", &l->fdt, NULL)) ||
	    (err = ktypes_member(t, "fdtable", "max_fds", &l->max_fds, NULL)) ||
	    (err = ktypes_member(t, "fdtable", "fd", &l->fd, NULL)) ||
	    (err = ktypes_member(t, "fs_struct", "root", &l->root, NULL)) ||
	    (err = ktypes_member(t, "fs_struct", "pwd", &l->pwd, NULL)) ||
	    (err = ktypes_member(t, "path", "mnt", &l->p_mnt, NULL)) ||
	    (err = ktypes_member(t, "path", "dentry", &l->p_dentry, NULL)) ||
	    (err = ktypes_member(t, "file", "f_path.mnt", &l->f_mnt, NULL)) ||
	    (err = ktypes_member(t, "file", "f_path.dentry", &l->f_dentry,
				 NULL)) ||
	    (err = ktypes_member(t, "dentry", "d_inode", &l->d_inode, NULL)) ||
	    (err = ktypes_member(t, "dentry", "d_name.name", &l->d_name,
				 NULL)) ||
	    (err = ktypes_member(t, "inode", "i_mode", &l->i_mode, NULL)) ||
	    (err = ktypes_member(t, "inode", "i_ino", &l->i_ino, NULL)) ||
	    (err = ktypes_member(t, "inode", "i_sb", &l->i_sb, NULL)) ||
	    (err = ktypes_member(t, "super_block", "s_type", &l->s_type,
				 NULL)))
		return err;
	return ktypes_member(t, "file_system_type", "name", &l->fs_name, NULL);
}

static void warn(struct kernel_files *f, struct lkdb_error *err)
{
	lkdb_error_destroy(lkdb_warning_append(&f->warnings, &f->nr_warnings,
					       "%s", err->message));
	lkdb_error_destroy(err);
}

/* The string the pointer at addr points to, into buf; "" when unreadable. */
static void pointed(struct kernel *k, uint64_t addr, char *buf, size_t size)
{
	uint64_t p = 0;
	struct lkdb_error *err = kernel_read_uint(k, addr, 8, &p);
	if (!err)
		err = kernel_read_string(k, p, buf, size);
	if (err)
		buf[0] = '\0';
	lkdb_error_destroy(err);
}

/* The path at a struct path (fs_struct's root or pwd). */
static char *path_at(struct kernel *k, const struct files_layout *l,
		     uint64_t path, struct kernel_files *f)
{
	uint64_t mnt, dentry;
	char *buf = malloc(FILES_PATH_MAX);
	if (!buf)
		return NULL;
	struct lkdb_error *err = kernel_read_uint(k, path + l->p_mnt, 8, &mnt);
	if (!err)
		err = kernel_read_uint(k, path + l->p_dentry, 8, &dentry);
	if (!err)
		err = kernel_path(k, mnt, dentry, buf, FILES_PATH_MAX);
	if (err) {
		warn(f, err);
		snprintf(buf, FILES_PATH_MAX, "?");
	}
	lkdb_printable(buf, buf, FILES_PATH_MAX, "");
	return buf;
}

static const char *mode_type(uint64_t mode)
{
	switch (mode & 0170000) {
	case 0100000: return "REG ";
	case 0120000: return "LNK ";
	case 0040000: return "DIR ";
	case 0020000: return "CHR ";
	case 0060000: return "BLK ";
	case 0010000: return "FIFO";
	case 0140000: return "SOCK";
	default: return "UNKN";
	}
}

static struct lkdb_error *read_file(struct kernel *k,
				    const struct files_layout *l,
				    struct kernel_open_file *o)
{
	uint64_t mode, ino, sb, type;
	char fs[32], name[256];
	struct lkdb_error *err;
	if ((err = kernel_read_uint(k, o->file + l->f_mnt, 8, &o->mnt)) ||
	    (err = kernel_read_uint(k, o->file + l->f_dentry, 8, &o->dentry)) ||
	    (err = kernel_read_uint(k, o->dentry + l->d_inode, 8, &o->inode)) ||
	    (err = kernel_read_uint(k, o->inode + l->i_mode, 2, &mode)) ||
	    (err = kernel_read_uint(k, o->inode + l->i_ino, 8, &ino)) ||
	    (err = kernel_read_uint(k, o->inode + l->i_sb, 8, &sb)) ||
	    (err = kernel_read_uint(k, sb + l->s_type, 8, &type)))
		return lkdb_error_prefix(err, "fd %u (file 0x%" PRIx64 ")", o->fd,
					 o->file);
	pointed(k, type + l->fs_name, fs, sizeof(fs));
	snprintf(o->type, sizeof(o->type), "%s", mode_type(mode));
	if (!(o->path = malloc(FILES_PATH_MAX)))
		return &lkdb_error_oom;
	/* The pseudo file systems' names, as their d_dname makes them. */
	if (!strcmp(fs, "sockfs")) {
		snprintf(o->path, FILES_PATH_MAX, "socket:[%" PRIu64 "]", ino);
	} else if (!strcmp(fs, "pipefs")) {
		snprintf(o->type, sizeof(o->type), "PIPE");
		snprintf(o->path, FILES_PATH_MAX, "pipe:[%" PRIu64 "]", ino);
	} else if (!strcmp(fs, "anon_inodefs")) {
		pointed(k, o->dentry + l->d_name, name, sizeof(name));
		snprintf(o->path, FILES_PATH_MAX, "anon_inode:%s", name);
	} else if ((err = kernel_path(k, o->mnt, o->dentry, o->path,
				      FILES_PATH_MAX))) {
		snprintf(o->path, FILES_PATH_MAX, "?");
		return lkdb_error_prefix(err, "fd %u's path", o->fd);
	}
	lkdb_printable(o->path, o->path, FILES_PATH_MAX, "");
	return NULL;
}

struct lkdb_error *kernel_read_files(struct kernel *k, uint64_t task,
				     struct kernel_files *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct files_layout l;
	uint64_t files, fs, fdt, max_fds, fd_array;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = get_layout(t, &l)) ||
	    (err = kernel_read_uint(k, task + l.t_files, 8, &files)) ||
	    (err = kernel_read_uint(k, task + l.t_fs, 8, &fs)))
		return err;
	if (fs) {
		ret->root = path_at(k, &l, fs + l.root, ret);
		ret->cwd = path_at(k, &l, fs + l.pwd, ret);
		if (!ret->root || !ret->cwd) {
			kernel_files_deinit(ret);
			return &lkdb_error_oom;
		}
	}
	if (!files)
		return NULL;
	if ((err = kernel_read_uint(k, files + l.fdt, 8, &fdt)) ||
	    (err = kernel_read_uint(k, fdt + l.max_fds, 4, &max_fds)) ||
	    (err = kernel_read_uint(k, fdt + l.fd, 8, &fd_array))) {
		kernel_files_deinit(ret);
		return lkdb_error_prefix(err, "the fd table of task 0x%" PRIx64,
					 task);
	}
	if (max_fds > FILES_FDS_MAX) {
		warn(ret, lkdb_error_create(LKDB_ERROR_INVALID,
					    "max_fds is %" PRIu64 ": the first %u read",
					    max_fds, FILES_FDS_MAX));
		max_fds = FILES_FDS_MAX;
	}
	uint64_t *fds = malloc((max_fds ? max_fds : 1) * 8);
	if (!fds) {
		kernel_files_deinit(ret);
		return &lkdb_error_oom;
	}
	err = k->memory.read(k->memory.context, fd_array, fds, max_fds * 8);
	size_t nr = 0;
	for (uint64_t i = 0; !err && i < max_fds; i++)
		nr += fds[i] != 0;
	ret->files = calloc(nr ? nr : 1, sizeof(*ret->files));
	if (!err && !ret->files)
		err = &lkdb_error_oom;
	for (uint64_t i = 0; !err && i < max_fds; i++) {
		if (!fds[i])
			continue;
		struct kernel_open_file *o = &ret->files[ret->nr++];
		o->fd = (unsigned int)i;
		o->file = fds[i];
		snprintf(o->type, sizeof(o->type), "?   ");
		struct lkdb_error *e = read_file(k, &l, o);
		if (e == &lkdb_error_oom)
			err = e;
		else if (e)
			warn(ret, e);
		if (!o->path && !err)
			o->path = strdup("?");
	}
	free(fds);
	if (err) {
		kernel_files_deinit(ret);
		return lkdb_error_prefix(err, "the fd table of task 0x%" PRIx64,
					 task);
	}
	return NULL;
}

void kernel_files_deinit(struct kernel_files *f)
{
	for (size_t i = 0; i < f->nr; i++)
		free(f->files[i].path);
	free(f->files);
	free(f->root);
	free(f->cwd);
	lkdb_warnings_free(f->warnings, f->nr_warnings);
	memset(f, 0, sizeof(*f));
}

struct lkdb_error *kernel_read_dentry_info(struct kernel *k, uint64_t dentry,
					   uint64_t task,
					   struct kernel_dentry_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->dentry = dentry;
	struct ktypes *t;
	struct files_layout l;
	uint64_t d_sb, mount_mnt, mode = 0;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = get_layout(t, &l)) ||
	    (err = ktypes_member(t, "dentry", "d_sb", &d_sb, NULL)) ||
	    (err = ktypes_member(t, "mount", "mnt", &mount_mnt, NULL)))
		return err;
	if ((err = kernel_read_uint(k, dentry + l.d_inode, 8, &ret->inode)))
		return lkdb_error_prefix(err, "dentry 0x%" PRIx64, dentry);
	if (ret->inode)
		err = kernel_read_uint(k, ret->inode + l.i_sb, 8, &ret->sb);
	else
		err = kernel_read_uint(k, dentry + d_sb, 8, &ret->sb);
	if (!err && ret->inode)
		err = kernel_read_uint(k, ret->inode + l.i_mode, 2, &mode);
	if (err)
		return lkdb_error_prefix(err, "dentry 0x%" PRIx64 "'s inode", dentry);
	snprintf(ret->type, sizeof(ret->type), "%s", ret->inode ? mode_type(mode) : "N/A");
	if (!(ret->path = calloc(1, FILES_PATH_MAX)))
		return &lkdb_error_oom;
	struct kernel_mounts m;
	if (!ret->sb)
		return NULL;
	if ((err = kernel_read_mounts(k, task, &m))) {
		kernel_dentry_info_deinit(ret);
		return lkdb_error_prefix(err, "the mounts");
	}
	uint64_t mnt = 0;
	for (size_t i = 0; i < m.nr; i++)
		if (m.mounts[i].sb == ret->sb)
			mnt = m.mounts[i].mount + mount_mnt;
	kernel_mounts_deinit(&m);
	if (mnt && (err = kernel_path(k, mnt, dentry, ret->path, FILES_PATH_MAX))) {
		kernel_dentry_info_deinit(ret);
		return lkdb_error_prefix(err, "dentry 0x%" PRIx64 "'s path", dentry);
	}
	lkdb_printable(ret->path, ret->path, FILES_PATH_MAX, "");
	return NULL;
}

void kernel_dentry_info_deinit(struct kernel_dentry_info *d)
{
	free(d->path);
	d->path = NULL;
}

static int by_file(const void *a, const void *b)
{
	const struct kernel_mount_file *x = a, *y = b;
	if (x->file.file != y->file.file)
		return x->file.file < y->file.file ? -1 : 1;
	return (x->found > y->found) - (x->found < y->found);
}

static int by_mount(const void *a, const void *b)
{
	const struct kernel_mount_file *x = a, *y = b;
	if (x->mount != y->mount)
		return x->mount < y->mount ? -1 : 1;
	return (x->found > y->found) - (x->found < y->found);
}

/* Which of m's mounts has vfsmount mnt: its index, or m->nr. */
static size_t mount_index(const struct kernel_mounts *m, uint64_t mnt)
{
	for (size_t i = 0; i < m->nr; i++)
		if (m->mounts[i].vfsmount == mnt)
			return i;
	return m->nr;
}

struct lkdb_error *kernel_read_mount_files(struct kernel *k,
					   const struct kernel_mounts *m,
					   const uint64_t *tasks,
					   const int32_t *pids, size_t nr_tasks,
					   struct kernel_mount_files *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	uint64_t t_files;
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = ktypes_member(t, "task_struct", "files", &t_files, NULL);
	if (err)
		return err;
	size_t cap = 0;
	uint64_t last_table = 0;
	for (size_t i = 0; i < nr_tasks && !err; i++) {
		/* Threads of a process share one table: read it once. */
		uint64_t table = 0;
		struct lkdb_error *e = kernel_read_uint(k, tasks[i] + t_files, 8,
							&table);
		if (!e && (!table || table == last_table))
			continue;
		last_table = table;
		struct kernel_files f;
		if (!e)
			e = kernel_read_files(k, tasks[i], &f);
		if (e == &lkdb_error_oom) {
			err = e;
			break;
		}
		if (e) {
			lkdb_error_destroy(lkdb_warning_append(
				&ret->warnings, &ret->nr_warnings,
				"PID %" PRId32 ": %s", pids[i], e->message));
			lkdb_error_destroy(e);
			continue;
		}
		for (size_t j = 0; j < f.nr && !err; j++) {
			size_t at = mount_index(m, f.files[j].mnt);
			if (at == m->nr)
				continue;
			if (ret->nr == cap) {
				size_t n = cap ? 2 * cap : 64;
				void *grown = realloc(ret->files,
						      n * sizeof(*ret->files));
				if (!grown) {
					err = &lkdb_error_oom;
					break;
				}
				ret->files = grown;
				cap = n;
			}
			struct kernel_mount_file *o = &ret->files[ret->nr++];
			o->mount = at;
			o->found = ret->nr - 1;
			o->pid = pids[i];
			o->file = f.files[j];
			f.files[j].path = NULL;
		}
		kernel_files_deinit(&f);
	}
	if (!err && ret->nr) {
		/* Each struct file once, the first found kept. */
		qsort(ret->files, ret->nr, sizeof(*ret->files), by_file);
		size_t kept = 0;
		for (size_t i = 0; i < ret->nr; i++) {
			if (kept && ret->files[kept - 1].file.file ==
					    ret->files[i].file.file) {
				free(ret->files[i].file.path);
				continue;
			}
			ret->files[kept++] = ret->files[i];
		}
		ret->nr = kept;
		qsort(ret->files, ret->nr, sizeof(*ret->files), by_mount);
	}
	if (err)
		kernel_mount_files_deinit(ret);
	return err;
}

void kernel_mount_files_deinit(struct kernel_mount_files *f)
{
	for (size_t i = 0; i < f->nr; i++)
		free(f->files[i].file.path);
	free(f->files);
	lkdb_warnings_free(f->warnings, f->nr_warnings);
	memset(f, 0, sizeof(*f));
}
