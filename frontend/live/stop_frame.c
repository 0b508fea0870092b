// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/live/stop_frame.h"
#include "common/fdio.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel-helpers/x86_64/entry_cfi.h"
#include "mi/mi_command.h"
#include "frontend/kernel/task_lookup.h"
#include "common/tempfiles.h"
#include "kernel-helpers/x86_64/unwind.h"
#include "kernel-helpers/core/vmlinux.h"

/* How deep gdb's backtrace is searched for the culprit. */
#define STOP_FRAME_DEPTH 64
#define MI_TIMEOUT_MS 10000

/* The entry code's frame information, written and given to gdb. */
static struct lkdb_error *teach_entry(struct lkdb_session *s)
{
	struct ktypes *types;
	struct lkdb_error *err = kernel_types(&s->kernel, &types);
	struct unwinder *u = NULL;
	if (!err)
		err = s->kernel.arch->unwinder_create(s->kernel.vmlinux, types, s->kernel.kaslr_offset, &u);
	struct unwind_regs_range *ranges = NULL;
	size_t nr = 0;
	if (!err)
		err = unwinder_regs_ranges(u, &ranges, &nr);
	unwinder_destroy(u);
	void *image = NULL;
	size_t size = 0;
	if (!err)
		err = entry_cfi_image(ranges, nr, s->kernel.kaslr_offset, &image,
				      &size);
	free(ranges);
	int fd = -1;
	const char *path = NULL;
	if (!err)
		err = lkdb_temp_file("entry-cfi.elf", &fd, &path);
	if (!err)
		if (lkdb_write_all(fd, image, size))
			err = lkdb_error_errno(errno, "writing %s", path);
	if (fd >= 0)
		close(fd);
	free(image);
	char *quoted = NULL, *cmd = NULL;
	if (!err && (!(quoted = gdb_cli_quote(path)) ||
		     asprintf(&cmd, "add-symbol-file %s -o 0x%" PRIx64, quoted,
			      s->kernel.kaslr_offset) < 0)) {
		cmd = NULL;
		err = &lkdb_error_oom;
	}
	free(quoted);
	if (!err)
		err = task_lookup_gdb_quiet(s, cmd, NULL);
	free(cmd);
	return err ? lkdb_error_prefix(err, "the entry code's frames for gdb") :
		     NULL;
}

/*
 * The level of the first frame above level 0 whose pc is pc, or -1; with
 * outermost, the last of the frames in a row with that pc (the function
 * the calls at pc were inlined into).
 */
static struct lkdb_error *find_level(struct lkdb_session *s, int thread,
				     uint64_t pc, bool outermost,
				     int *level_ret)
{
	*level_ret = -1;
	char thread_arg[16], high[16];
	snprintf(thread_arg, sizeof(thread_arg), "%d", thread);
	snprintf(high, sizeof(high), "%d", STOP_FRAME_DEPTH - 1);
	const char *argv[] = { "--thread", thread_arg, "0", high };
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_call_ok(s->gdb, GDB_CALL_QUIET,
						    MI_TIMEOUT_MS,
						    "-stack-list-frames", argv,
						    4, &r);
	if (err)
		return err;
	const struct mi_value *stack = mi_value_find(r.record->results,
						     "stack");
	for (const struct mi_value *f = stack ? stack->children : NULL; f;
	     f = f->next) {
		const char *level = mi_value_string(f->children, "level");
		const char *addr = mi_value_string(f->children, "addr");
		if (!level || !addr || !atoi(level))
			continue;
		if (strtoull(addr, NULL, 16) == pc) {
			*level_ret = atoi(level);
			if (!outermost)
				break;
		} else if (*level_ret >= 0) {
			break;
		}
	}
	gdb_call_result_deinit(&r);
	return NULL;
}

struct lkdb_error *stop_frame_select(struct lkdb_session *s, int thread,
				     uint64_t pc, bool outermost,
				     char **frame_ret)
{
	*frame_ret = NULL;
	if (!s->entry_cfi_loaded) {
		struct lkdb_error *err = teach_entry(s);
		if (err)
			return err;
		s->entry_cfi_loaded = true;
	}
	int level;
	struct lkdb_error *err = find_level(s, thread, pc, outermost, &level);
	if (err)
		return err;
	if (level < 0)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "0x%" PRIx64 " is in none of the first %d frames of gdb's backtrace",
					 pc, STOP_FRAME_DEPTH);
	char cmd[32];
	snprintf(cmd, sizeof(cmd), "thread %d", thread);
	err = task_lookup_gdb_quiet(s, cmd, NULL);
	snprintf(cmd, sizeof(cmd), "frame %d", level);
	if (!err)
		err = task_lookup_gdb_quiet(s, cmd, frame_ret);
	return err;
}
