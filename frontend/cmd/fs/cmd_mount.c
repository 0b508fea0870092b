// SPDX-License-Identifier: GPL-2.0-or-later
/* mount: the mounts of a task's mount namespace, as crash's mount. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "frontend/core/commands.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/task_lookup.h"
#include "frontend/terminal/output.h"
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
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (!strcmp(a, "-n")) {
			if (++i == ctx->argc)
				return lkdb_usage_error(ctx, "-n needs a PID or task address");
			task_arg = ctx->argv[i];
		} else if (a[0] == '-' && a[1]) {
			return lkdb_usage_error(ctx, "unknown option %s (lkdb's mount has -n so far)",
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
	if (!err)
		err = kernel_read_mounts(ctx->kernel, t->task, &m);
	task_list_destroy(tasks);
	if (err)
		return err;
	for (size_t i = 0; i < m.nr_warnings; i++)
		lkdb_warn("mount", "%s", m.warnings[i]);
	fflush(stderr);
	uint64_t addr = 0;
	bool is_addr = only && address_arg_number(only, true, &addr);
	size_t shown = 0;
	if (ctx->json)
		putchar('[');
	for (size_t i = 0; i < m.nr; i++) {
		const struct kernel_mount *e = &m.mounts[i];
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
			putchar('}');
		} else {
			if (!shown)
				puts("     MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME");
			print_mount(e);
		}
		shown++;
	}
	if (ctx->json)
		puts("]");
	fflush(stdout);
	kernel_mounts_deinit(&m);
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
	.usage = "mount [-n PID|TASK] [MOUNT|SUPERBLOCK|DEVNAME|DIRNAME] [--json]\n"
		 "The mounts of the context task's mount namespace, in /proc/mounts'\n"
		 "order, as crash's mount shows them: MOUNT (the struct mount),\n"
		 "SUPERBLK, TYPE (the file system's name), DEVNAME and DIRNAME (the\n"
		 "mount point's path through the parent mounts).  Read from the\n"
		 "namespace's rbtree of mounts (6.8+) or its list (before).\n"
		 "  -n PID|TASK  that task's namespace\n"
		 "  MOUNT|SUPERBLOCK|DEVNAME|DIRNAME  only the mounts with that struct\n"
		 "          mount or super block address, device name or mount point\n"
		 "  --json  an array of {mount, superblock, type, devname, dirname}",
	.man = ".BR mount \" [\" \\-n\n"
	       ".IR PID | TASK \"] [\" MOUNT | SUPERBLOCK | DEVNAME | DIRNAME ]\n"
	       "The mounts of the context task's (or \\-n's) mount namespace in\n"
	       "/proc/mounts' order, as crash's mount: struct mount, super block, type,\n"
	       "device and mount point.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = lkdb_complete_nothing,
};
