// SPDX-License-Identifier: GPL-2.0-or-later
/* mount: the mounts of a task's mount namespace, as crash's mount. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/printable.h"
#include "frontend/core/commands.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/task_lookup.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/fs/files.h"
#include "kernel-helpers/fs/mounts.h"

/* crash's columns: TYPE and DEVNAME run together, trimmed to 17 wide. */
static void print_mount(const struct kernel_mount *m)
{
	char cols[512];
	snprintf(cols, sizeof(cols), "%-6s %-9s ", m->type, m->devname);
	size_t len = strlen(cols);
	while (len > 17 && cols[len - 2] == ' ')
		cols[--len - 1] = ' ', cols[len] = '\0';
	printf("%16" PRIx64 " %16" PRIx64 " %s%-10s\n", m->mount, m->sb, cols,
	       m->dir);
}

/* crash's mount -f block under a mount: OPEN FILES, then one per file. */
static void print_open_files(const struct kernel_mount_files *f, size_t from,
			     size_t to)
{
	lkdb_print_centered(stdout, 16, "OPEN FILES", false);
	putchar('\n');
	if (from == to) {
		puts("No open files found");
		return;
	}
	lkdb_print_centered(stdout, 16, "DENTRY", false);
	putchar(' ');
	lkdb_print_centered(stdout, 16, "INODE", false);
	fputs(" TYPE PATH\n", stdout);
	for (size_t i = from; i < to; i++) {
		const struct kernel_open_file *o = &f->files[i].file;
		printf("%16" PRIx64 " %16" PRIx64 " %s %s\n", o->dentry,
		       o->inode, o->type, o->path);
	}
}

static void json_open_files(const struct kernel_mount_files *f, size_t from,
			    size_t to)
{
	fputs(", \"open_files\": [", stdout);
	for (size_t i = from; i < to; i++) {
		const struct kernel_mount_file *o = &f->files[i];
		fputs(i > from ? ", {\"file\": " : "{\"file\": ", stdout);
		json_write_address(stdout, o->file.file);
		fputs(", \"dentry\": ", stdout);
		json_write_address(stdout, o->file.dentry);
		fputs(", \"inode\": ", stdout);
		json_write_address(stdout, o->file.inode);
		fputs(", \"type\": ", stdout);
		char type[5];
		snprintf(type, sizeof(type), "%.*s",
			 (int)strcspn(o->file.type, " "), o->file.type);
		json_write_string(stdout, type);
		fputs(", \"path\": ", stdout);
		json_write_string(stdout, o->file.path);
		printf(", \"pid\": %" PRId32 ", \"fd\": %u}", o->pid,
		       o->file.fd);
	}
	putchar(']');
}

/* The open files of m's mounts, from every task's fd table. */
static struct lkdb_error *read_open_files(struct lkdb_command_context *ctx,
					  const struct task_list *tasks,
					  const struct kernel_mounts *m,
					  struct kernel_mount_files *ret)
{
	size_t n = tasks->nr_tasks;
	uint64_t *addrs = malloc((n ? n : 1) * sizeof(*addrs));
	int32_t *pids = malloc((n ? n : 1) * sizeof(*pids));
	struct lkdb_error *err = NULL;
	if (!addrs || !pids) {
		err = &lkdb_error_oom;
	} else {
		for (size_t i = 0; i < n; i++) {
			addrs[i] = tasks->tasks[i].task;
			pids[i] = tasks->tasks[i].pid;
		}
		err = kernel_read_mount_files(ctx->kernel, m, addrs, pids, n,
					      ret);
	}
	free(addrs);
	free(pids);
	return err;
}

static bool matches(const struct kernel_mount *m, const char *only,
		    bool is_addr, uint64_t addr)
{
	if (!only)
		return true;
	if (is_addr && (addr == m->mount || addr == m->sb))
		return true;
	return !strcmp(only, m->devname) || !strcmp(only, m->dir);
}

static struct lkdb_error *cmd_mount(struct lkdb_command_context *ctx)
{
	const char *task_arg = NULL, *only = NULL;
	bool files = false;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (!strcmp(a, "-f")) {
			files = true;
		} else if (!strcmp(a, "-n")) {
			if (++i == ctx->argc)
				return lkdb_usage_error(ctx, "-n needs a PID or task address");
			task_arg = ctx->argv[i];
		} else if (a[0] == '-' && a[1]) {
			return lkdb_usage_error(ctx, "unknown option %s (lkdb's mount has -f and -n so far)",
						a);
		} else if (only) {
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"", a);
		} else {
			only = a;
		}
	}
	struct task_list *tasks;
	const struct task_info *t;
	struct lkdb_error *err = task_lookup_read(ctx->session, "mount", &tasks);
	if (err)
		return err;
	err = task_arg ? task_lookup_find(tasks, task_arg, &t) :
			 task_lookup_context(ctx->session, tasks, &t);
	struct kernel_mounts m;
	struct kernel_mount_files f = { 0 };
	if (!err)
		err = kernel_read_mounts(ctx->kernel, t->task, &m);
	if (!err && files) {
		err = read_open_files(ctx, tasks, &m, &f);
		if (err)
			kernel_mounts_deinit(&m);
	}
	task_lookup_release(ctx->session, tasks);
	if (err)
		return err;
	for (size_t i = 0; i < m.nr_warnings; i++)
		lkdb_warn("mount", "%s", m.warnings[i]);
	for (size_t i = 0; i < f.nr_warnings; i++)
		lkdb_warn("mount", "open files: %s", f.warnings[i]);
	fflush(stderr);
	uint64_t addr = 0;
	bool is_addr = only && address_arg_number(only, true, &addr);
	size_t shown = 0, next_file = 0;
	if (ctx->json)
		putchar('[');
	for (size_t i = 0; i < m.nr; i++) {
		const struct kernel_mount *e = &m.mounts[i];
		/* This mount's open files: f.files[from, to). */
		size_t from = next_file;
		while (from < f.nr && f.files[from].mount < i)
			from++;
		size_t to = from;
		while (to < f.nr && f.files[to].mount == i)
			to++;
		next_file = to;
		if (!matches(e, only, is_addr, addr))
			continue;
		if (ctx->json) {
			fputs(shown ? ",\n {\"mount\": " : "{\"mount\": ", stdout);
			json_write_address(stdout, e->mount);
			fputs(", \"superblock\": ", stdout);
			json_write_address(stdout, e->sb);
			fputs(", \"type\": ", stdout);
			json_write_string(stdout, e->type);
			fputs(", \"devname\": ", stdout);
			json_write_string(stdout, e->devname);
			fputs(", \"dirname\": ", stdout);
			json_write_string(stdout, e->dir);
			if (files)
				json_open_files(&f, from, to);
			putchar('}');
		} else {
			/* With -f, crash heads each mount. */
			if (!shown || files)
				puts("     MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME");
			print_mount(e);
			if (files)
				print_open_files(&f, from, to);
		}
		shown++;
	}
	if (ctx->json)
		puts("]");
	fflush(stdout);
	kernel_mounts_deinit(&m);
	kernel_mount_files_deinit(&f);
	if (only && !shown)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no mount of \"%s\" (a mount or super block address, a device or a mount point)",
					 only);
	return NULL;
}

const struct lkdb_command lkdb_command_mount = {
	.name = "mount",
	.handler = cmd_mount,
	.summary = "the mounts of a mount namespace, as crash's mount",
	.usage = "mount [-f] [-n PID|TASK] [MOUNT|SUPERBLOCK|DEVNAME|DIRNAME] [--json]\n"
		 "The mounts of the context task's mount namespace, in /proc/mounts'\n"
		 "order, as crash's mount shows them: MOUNT (the struct mount),\n"
		 "SUPERBLK, TYPE (the file system's name), DEVNAME and DIRNAME (the\n"
		 "mount point's path through the parent mounts).  Read from the\n"
		 "namespace's rbtree of mounts (6.8+) or its list (before).\n"
		 "  -f      each mount's open files (DENTRY, INODE, TYPE, PATH), as\n"
		 "          crash showed them from super_block.s_files before Linux\n"
		 "          3.17; found in every task's fd table, each file once\n"
		 "  -n PID|TASK  that task's namespace\n"
		 "  MOUNT|SUPERBLOCK|DEVNAME|DIRNAME  only the mounts with that struct\n"
		 "          mount or super block address, device name or mount point\n"
		 "  --json  an array of {mount, superblock, type, devname, dirname};\n"
		 "          with -f each has open_files: [{file, dentry, inode, type,\n"
		 "          path, pid, fd}] (pid and fd: the first task found holding it)",
	.man = ".BR mount \" [\" \\-f \"] [\" \\-n\n"
	       ".IR PID | TASK \"] [\" MOUNT | SUPERBLOCK | DEVNAME | DIRNAME ]\n"
	       "The mounts of the context task's (or \\-n's) mount namespace in\n"
	       "/proc/mounts' order, as crash's mount: struct mount, super block, type,\n"
	       "device and mount point;\n"
	       ".B \\-f\n"
	       "adds each mount's open files, found in every task's fd table.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = lkdb_complete_nothing,
};
