// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/fs/mounts.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/printable.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/listwalk.h"
#include "kernel-helpers/core/trees.h"
#include "kernel-helpers/fs/dpath.h"

#define MOUNT_PATH_MAX 4096
#define MOUNT_NAME_MAX 256

static void warn(struct kernel_mounts *m, struct lkdb_error *err)
{
	lkdb_error_destroy(lkdb_warning_append(&m->warnings, &m->nr_warnings,
					       "%s", err->message));
	lkdb_error_destroy(err);
}

/* The namespace's struct mount addresses, in /proc/mounts' order. */
static struct lkdb_error *mount_addresses(struct kernel *k, struct ktypes *t,
					  uint64_t ns, struct kernel_mounts *m,
					  uint64_t **ret, size_t *nr_ret)
{
	uint64_t head, link;
	struct lkdb_error *err;
	*ret = NULL;
	*nr_ret = 0;
	/* mnt_namespace.mounts was a count before 6.8: mnt_node tells. */
	if (ktypes_has_member(t, "mount", "mnt_node")) {
		/* 6.8+: an rbtree of mnt_node, in order. */
		uint64_t node;
		struct tree_entries te;
		if ((err = ktypes_member(t, "mnt_namespace", "mounts", &head,
					 NULL)) ||
		    (err = ktypes_member(t, "mount", "mnt_node", &link, NULL)) ||
		    (err = kernel_read_uint(k, ns + head, 8, &node)))
			return err;
		if ((err = kernel_rbtree_walk(k, node, true, &te)))
			return err;
		for (size_t i = 0; i < te.nr_warnings; i++)
			warn(m, lkdb_error_create(LKDB_ERROR_INVALID,
						  "the mount tree: %s",
						  te.warnings[i]));
		*ret = calloc(te.nr ? te.nr : 1, sizeof(**ret));
		for (size_t i = 0; *ret && i < te.nr; i++)
			(*ret)[i] = te.entries[i].entry - link;
		*nr_ret = *ret ? te.nr : 0;
		tree_entries_deinit(&te);
		return *ret ? NULL : &lkdb_error_oom;
	}
	struct list_walk w;
	if ((err = ktypes_member(t, "mnt_namespace", "list", &head, NULL)) ||
	    (err = ktypes_member(t, "mount", "mnt_list", &link, NULL)))
		return err;
	err = kernel_list_walk(kernel_memory(k), ns + head, link, LIST_HEAD, 0,
			       KERNEL_MOUNTS_MAX, &w);
	if (err == &lkdb_error_oom)
		return err;
	if (err)
		warn(m, lkdb_error_prefix(err, "the mount list"));
	*ret = w.entries;
	*nr_ret = w.nr;
	return NULL;
}

/* A string at the pointer at addr (a name), printable; "(unknown)" else. */
static char *pointed_string(struct kernel *k, uint64_t addr, size_t max)
{
	char *buf = malloc(max);
	uint64_t p = 0;
	if (!buf)
		return NULL;
	struct lkdb_error *err = kernel_read_uint(k, addr, 8, &p);
	if (!err)
		err = kernel_read_string(k, p, buf, max);
	if (err)
		snprintf(buf, max, "(unknown)");
	lkdb_error_destroy(err);
	lkdb_printable(buf, buf, max, "");
	return buf;
}

struct mount_layout {
	uint64_t mnt, sb, devname, parent, mountpoint, s_type, fs_name;
};

static struct lkdb_error *read_mount(struct kernel *k,
				     const struct mount_layout *l,
				     uint64_t mount, struct kernel_mount *m)
{
	uint64_t type, parent, mountpoint;
	struct lkdb_error *err;
	m->mount = mount;
	m->vfsmount = mount + l->mnt;
	if ((err = kernel_read_uint(k, mount + l->mnt + l->sb, 8, &m->sb)))
		return lkdb_error_prefix(err, "struct mount 0x%" PRIx64, mount);
	if (!m->sb)
		return NULL;
	if ((err = kernel_read_uint(k, m->sb + l->s_type, 8, &type)) ||
	    (err = kernel_read_uint(k, mount + l->parent, 8, &parent)) ||
	    (err = kernel_read_uint(k, mount + l->mountpoint, 8, &mountpoint)))
		return lkdb_error_prefix(err, "struct mount 0x%" PRIx64, mount);
	char *name = pointed_string(k, type + l->fs_name, sizeof(m->type));
	if (name)
		snprintf(m->type, sizeof(m->type), "%s", name);
	free(name);
	m->devname = pointed_string(k, mount + l->devname, MOUNT_NAME_MAX);
	m->dir = malloc(MOUNT_PATH_MAX);
	if (!m->devname || !m->dir)
		return &lkdb_error_oom;
	/* The mount point: a dentry of the parent mount's tree. */
	err = kernel_path(k, parent + l->mnt, mountpoint, m->dir,
			  MOUNT_PATH_MAX);
	if (err) {
		snprintf(m->dir, MOUNT_PATH_MAX, "(unknown)");
		return lkdb_error_prefix(err, "the mount point of 0x%" PRIx64,
					 mount);
	}
	lkdb_printable(m->dir, m->dir, MOUNT_PATH_MAX, "");
	return NULL;
}

struct lkdb_error *kernel_read_mounts(struct kernel *k, uint64_t task,
				      struct kernel_mounts *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct mount_layout l;
	uint64_t nsproxy_off, mnt_ns_off, nsproxy, ns;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err ||
	    (err = ktypes_member(t, "task_struct", "nsproxy", &nsproxy_off,
				 NULL)) ||
	    (err = ktypes_member(t, "nsproxy", "mnt_ns", &mnt_ns_off, NULL)) ||
	    (err = ktypes_member(t, "mount", "mnt", &l.mnt, NULL)) ||
	    (err = ktypes_member(t, "vfsmount", "mnt_sb", &l.sb, NULL)) ||
	    (err = ktypes_member(t, "mount", "mnt_devname", &l.devname,
				 NULL)) ||
	    (err = ktypes_member(t, "mount", "mnt_parent", &l.parent, NULL)) ||
	    (err = ktypes_member(t, "mount", "mnt_mountpoint", &l.mountpoint,
				 NULL)) ||
	    (err = ktypes_member(t, "super_block", "s_type", &l.s_type,
				 NULL)) ||
	    (err = ktypes_member(t, "file_system_type", "name", &l.fs_name,
				 NULL)))
		return err;
	if ((err = kernel_read_uint(k, task + nsproxy_off, 8, &nsproxy)))
		return lkdb_error_prefix(err, "task 0x%" PRIx64, task);
	if (!nsproxy)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "task 0x%" PRIx64 " has no namespaces (exiting?)",
					 task);
	if ((err = kernel_read_uint(k, nsproxy + mnt_ns_off, 8, &ns)))
		return lkdb_error_prefix(err, "nsproxy 0x%" PRIx64, nsproxy);
	uint64_t *addrs;
	size_t n;
	if ((err = mount_addresses(k, t, ns, ret, &addrs, &n))) {
		kernel_mounts_deinit(ret);
		return err;
	}
	ret->mounts = calloc(n ? n : 1, sizeof(*ret->mounts));
	if (!ret->mounts) {
		free(addrs);
		kernel_mounts_deinit(ret);
		return &lkdb_error_oom;
	}
	for (size_t i = 0; i < n; i++) {
		struct kernel_mount *m = &ret->mounts[ret->nr];
		err = read_mount(k, &l, addrs[i], m);
		if (err == &lkdb_error_oom) {
			free(m->devname);
			free(m->dir);
			free(addrs);
			kernel_mounts_deinit(ret);
			return err;
		}
		if (err)
			warn(ret, err);
		/*
		 * No super block: a /proc/mounts reader's cursor; no names: a
		 * mount that could not be read (warned).
		 */
		if (!m->sb || !m->devname || !m->dir) {
			free(m->devname);
			free(m->dir);
			memset(m, 0, sizeof(*m));
			continue;
		}
		ret->nr++;
	}
	free(addrs);
	return NULL;
}

void kernel_mounts_deinit(struct kernel_mounts *m)
{
	for (size_t i = 0; i < m->nr; i++) {
		free(m->mounts[i].devname);
		free(m->mounts[i].dir);
	}
	free(m->mounts);
	lkdb_warnings_free(m->warnings, m->nr_warnings);
	memset(m, 0, sizeof(*m));
}
