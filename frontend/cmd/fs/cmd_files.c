// SPDX-License-Identifier: GPL-2.0-or-later
/* files: a task's root, working directory and open files, as crash's files. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/printable.h"
#include "frontend/core/commands.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/task_lookup.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/fs/files.h"

#define FILES_TASKS_MAX 64

static void print_files(const struct task_info *t, const struct kernel_files *f)
{
	task_lookup_print_header(stdout, t);
	if (f->root)
		printf("ROOT: %s    CWD: %s\n", f->root, f->cwd);
	if (!f->nr) {
		puts("No open files");
		return;
	}
	puts(" FD        FILE             DENTRY            INODE        TYPE  PATH");
	for (size_t i = 0; i < f->nr; i++) {
		const struct kernel_open_file *o = &f->files[i];
		printf("%3u  %16" PRIx64 "  %16" PRIx64 "  %16" PRIx64 "  %s  %s\n",
		       o->fd, o->file, o->dentry, o->inode, o->type, o->path);
	}
}

static void files_json(const struct task_info *t, const struct kernel_files *f,
		       bool first)
{
	printf("%s{\"pid\": %" PRId32 ", \"task\": ", first ? "" : ",\n ", t->pid);
	json_write_address(stdout, t->task);
	fputs(", \"root\": ", stdout);
	if (f->root)
		json_write_string(stdout, f->root);
	else
		fputs("null", stdout);
	fputs(", \"cwd\": ", stdout);
	if (f->cwd)
		json_write_string(stdout, f->cwd);
	else
		fputs("null", stdout);
	fputs(", \"files\": [", stdout);
	for (size_t i = 0; i < f->nr; i++) {
		const struct kernel_open_file *o = &f->files[i];
		printf("%s{\"fd\": %u, \"file\": ", i ? ", " : "", o->fd);
		json_write_address(stdout, o->file);
		fputs(", \"dentry\": ", stdout);
		json_write_address(stdout, o->dentry);
		fputs(", \"inode\": ", stdout);
		json_write_address(stdout, o->inode);
		char type[5];
		snprintf(type, sizeof(type), "%s", o->type);
		char *sp = strchr(type, ' ');
		if (sp)
			*sp = '\0';
		fputs(", \"type\": ", stdout);
		json_write_string(stdout, type);
		fputs(", \"path\": ", stdout);
		json_write_string(stdout, o->path);
		putchar('}');
	}
	fputs("]}", stdout);
}

/* files -d DENTRY, as crash's: the dentry's inode, super block, type, path. */
static struct lkdb_error *dentry_info(struct lkdb_command_context *ctx,
				      const char *arg)
{
	struct address_arg_context names = { .s = ctx->session, .cmd = "files" };
	uint64_t dentry;
	struct lkdb_error *err = address_arg_parse(&names, arg, &dentry);
	address_arg_deinit(&names);
	if (err)
		return err;
	struct task_list *tasks = NULL;
	const struct task_info *init;
	const char *one = "1";
	int n;
	/* The mounts of init's namespace, as crash takes them. */
	if ((err = task_lookup_args(ctx->session, "files", &one, 1, &tasks, &init, &n))) {
		task_lookup_release(ctx->session, tasks);
		return err;
	}
	struct kernel_dentry_info d;
	err = kernel_read_dentry_info(ctx->kernel, dentry, init->task, &d);
	task_lookup_release(ctx->session, tasks);
	if (err)
		return err;
	if (ctx->json) {
		fputs("{\"dentry\": ", stdout);
		json_write_address(stdout, d.dentry);
		fputs(", \"inode\": ", stdout);
		json_write_address(stdout, d.inode);
		fputs(", \"superblock\": ", stdout);
		json_write_address(stdout, d.sb);
		char type[5];
		snprintf(type, sizeof(type), "%.*s", (int)strcspn(d.type, " "), d.type);
		fputs(", \"type\": ", stdout);
		json_write_string(stdout, type);
		fputs(", \"path\": ", stdout);
		json_write_string(stdout, d.path);
		puts("}");
	} else {
		char sb[24];
		/* crash's columns, one space (MINSPACE) apart. */
		lkdb_print_centered(stdout, 16, "DENTRY", false);
		putchar(' ');
		lkdb_print_centered(stdout, 16, "INODE", false);
		putchar(' ');
		lkdb_print_centered(stdout, 16, "SUPERBLK", false);
		fputs(" TYPE PATH\n", stdout);
		printf("%16" PRIx64 " %16" PRIx64 " ", d.dentry, d.inode);
		snprintf(sb, sizeof(sb), "%" PRIx64, d.sb);
		lkdb_print_centered(stdout, 16, sb, false);
		printf(" %s %s\n", d.type, d.path);
	}
	fflush(stdout);
	kernel_dentry_info_deinit(&d);
	return NULL;
}

static struct lkdb_error *cmd_files(struct lkdb_command_context *ctx)
{
	const char *args[FILES_TASKS_MAX];
	int nargs = 0;
	if (ctx->argc > 1 && !strcmp(ctx->argv[1], "-d")) {
		if (ctx->argc != 3)
			return lkdb_usage_error(ctx, "-d takes one dentry address");
		return dentry_info(ctx, ctx->argv[2]);
	}
	for (int i = 1; i < ctx->argc; i++) {
		if (ctx->argv[i][0] == '-')
			return lkdb_usage_error(ctx, "unknown option %s (lkdb's files has -d so far)",
						ctx->argv[i]);
		if (nargs == FILES_TASKS_MAX)
			return lkdb_usage_error(ctx, "at most 64 tasks");
		args[nargs++] = ctx->argv[i];
	}
	struct task_list *tasks = NULL;
	const struct task_info *chosen[FILES_TASKS_MAX];
	int n;
	struct lkdb_error *err = task_lookup_args(ctx->session, "files", args, nargs,
						  &tasks, chosen, &n);
	/* Opened, the array is closed whatever happens next. */
	bool opened = ctx->json && !err;
	if (opened)
		putchar('[');
	for (int i = 0; i < n && !err; i++) {
		struct kernel_files f;
		err = kernel_read_files(ctx->kernel, chosen[i]->task, &f);
		if (err)
			break;
		for (size_t w = 0; w < f.nr_warnings; w++)
			lkdb_warn("files", "%s", f.warnings[w]);
		fflush(stderr);
		if (ctx->json) {
			files_json(chosen[i], &f, !i);
		} else {
			if (i)
				putchar('\n');
			print_files(chosen[i], &f);
		}
		kernel_files_deinit(&f);
	}
	if (opened)
		puts("]");
	fflush(stdout);
	task_lookup_release(ctx->session, tasks);
	return err;
}

const struct lkdb_command lkdb_command_files = {
	.name = "files",
	.handler = cmd_files,
	.summary = "a task's root, working directory and open files, as crash's files",
	.usage = "files [PID|TASK...] | files -d DENTRY [--json]\n"
		 "The context task's (or each given task's) ROOT and CWD, and its open\n"
		 "files as crash's files lists them: FD, the struct FILE, its DENTRY and\n"
		 "INODE, the TYPE (REG DIR CHR BLK FIFO PIPE SOCK LNK) and the PATH\n"
		 "through the mounts; sockets, pipes and anonymous inodes are named as\n"
		 "/proc/PID/fd names them (socket:[INODE], pipe:[INODE],\n"
		 "anon_inode:NAME).\n"
		 "  -d DENTRY  that dentry's INODE, SUPERBLK, TYPE and PATH (through\n"
		 "          the mount of init's namespace with its super block), as\n"
		 "          crash's files -d\n"
		 "  --json  an array of {pid, task, root, cwd, files: [{fd, file, dentry,\n"
		 "          inode, type, path}]}; with -d {dentry, inode, superblock,\n"
		 "          type, path}",
	.man = ".BR files \" [\"\n"
	       ".IR PID | TASK \" ...] | \"\n"
	       ".BI \"files \\-d \" DENTRY\n"
	       "A task's root and working directory and its open files: fd, file, dentry,\n"
	       "inode, type and path, sockets and pipes named as /proc/PID/fd names them;\n"
	       "\\-d: a dentry's inode, super block, type and path.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = task_lookup_complete_pids,
};
