// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/fs/dpath.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"

#define DPATH_DEPTH_MAX 256
#define DPATH_NAME_MAX 256

struct dpath_layout {
	uint64_t f_mnt, f_dentry;		/* file.f_path */
	uint64_t d_parent, d_name;		/* dentry, d_name.name */
	uint64_t mnt_root;			/* vfsmount */
	uint64_t mount_mnt, mnt_parent, mnt_mountpoint; /* struct mount */
};

static struct lkdb_error *get_layout(struct ktypes *t, struct dpath_layout *l)
{
	struct lkdb_error *err;
	if ((err = ktypes_member(t, "file", "f_path.mnt", &l->f_mnt, NULL)) ||
	    (err = ktypes_member(t, "file", "f_path.dentry", &l->f_dentry,
				 NULL)) ||
	    (err = ktypes_member(t, "dentry", "d_parent", &l->d_parent,
				 NULL)) ||
	    (err = ktypes_member(t, "dentry", "d_name.name", &l->d_name,
				 NULL)) ||
	    (err = ktypes_member(t, "vfsmount", "mnt_root", &l->mnt_root,
				 NULL)) ||
	    (err = ktypes_member(t, "mount", "mnt", &l->mount_mnt, NULL)) ||
	    (err = ktypes_member(t, "mount", "mnt_parent", &l->mnt_parent,
				 NULL)))
		return err;
	return ktypes_member(t, "mount", "mnt_mountpoint", &l->mnt_mountpoint,
			     NULL);
}

/* A dentry's name, NUL-terminated; "?" when it cannot be read. */
static void dentry_name(struct kernel *k, const struct dpath_layout *l,
			uint64_t dentry, char *name)
{
	uint64_t p;
	struct lkdb_error *err = kernel_read_uint(k, dentry + l->d_name, 8, &p);
	if (!err)
		err = kernel_read_string(k, p, name, DPATH_NAME_MAX);
	if (err)
		strcpy(name, "?");
	lkdb_error_destroy(err);
}

struct lkdb_error *kernel_file_path(struct kernel *k, uint64_t file,
				    char *buf, size_t size)
{
	struct ktypes *t;
	struct dpath_layout l;
	uint64_t mnt, dentry;
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = get_layout(t, &l);
	if (!err)
		err = kernel_read_uint(k, file + l.f_mnt, 8, &mnt);
	if (!err)
		err = kernel_read_uint(k, file + l.f_dentry, 8, &dentry);
	if (!err)
		err = kernel_path(k, mnt, dentry, buf, size);
	return err ? lkdb_error_prefix(err, "the path of file 0x%" PRIx64, file) :
		     NULL;
}

struct lkdb_error *kernel_path(struct kernel *k, uint64_t mnt, uint64_t dentry,
			       char *buf, size_t size)
{
	struct ktypes *t;
	struct dpath_layout l;
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = get_layout(t, &l);
	if (err)
		return err;
	char (*names)[DPATH_NAME_MAX] = malloc(DPATH_DEPTH_MAX *
					       sizeof(*names));
	if (!names)
		return &lkdb_error_oom;
	unsigned int depth = 0;
	for (unsigned int step = 0; step < 2 * DPATH_DEPTH_MAX; step++) {
		uint64_t root, parent;
		if ((err = kernel_read_uint(k, mnt + l.mnt_root, 8, &root)))
			break;
		if (dentry == root) {
			/* The top of this mount: on into its parent's tree. */
			uint64_t mount = mnt - l.mount_mnt, up;
			if ((err = kernel_read_uint(k, mount + l.mnt_parent, 8,
						    &up)))
				break;
			if (!up || up == mount)
				break;
			if ((err = kernel_read_uint(k, mount + l.mnt_mountpoint,
						    8, &dentry)))
				break;
			mnt = up + l.mount_mnt;
			continue;
		}
		if ((err = kernel_read_uint(k, dentry + l.d_parent, 8, &parent)))
			break;
		if (depth == DPATH_DEPTH_MAX || parent == dentry)
			break;
		dentry_name(k, &l, dentry, names[depth++]);
		dentry = parent;
	}
	if (err) {
		free(names);
		return err;
	}
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned int i = depth; i-- > 0 && n + 1 < size;) {
		int w = snprintf(buf + n, size - n, "/%s", names[i]);
		if (w < 0)
			break;
		n += (size_t)w < size - n ? (size_t)w : size - n - 1;
	}
	if (!depth)
		snprintf(buf, size, "/");
	free(names);
	return NULL;
}
