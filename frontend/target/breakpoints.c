// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/target/breakpoints.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/target/gdb_target.h"

#define MI_TIMEOUT_MS 10000

#define LOC_MAX 64

/*
 * The MI operation and arguments that put one at addr: -break-insert at
 * *addr, or with BREAK_WATCH_ACCESS -break-watch -a over len bytes (loc:
 * the caller's buffer).
 */
static size_t insert_args(uint64_t addr, unsigned flags, size_t len,
			  char loc[LOC_MAX], const char *argv[3],
			  const char **op_ret)
{
	size_t argc = 0;
	if (flags & BREAK_WATCH_ACCESS) {
		*op_ret = "-break-watch";
		snprintf(loc, LOC_MAX, "*(char (*)[%zu])0x%" PRIx64, len, addr);
		argv[argc++] = "-a";
		argv[argc++] = loc;
		return argc;
	}
	*op_ret = "-break-insert";
	snprintf(loc, LOC_MAX, "*0x%" PRIx64, addr);
	if (flags & BREAK_HARDWARE)
		argv[argc++] = "-h";
	if (flags & BREAK_TEMPORARY)
		argv[argc++] = "-t";
	argv[argc++] = loc;
	return argc;
}

/* The number of a -break-insert or -break-watch result. */
static struct lkdb_error *inserted_number(struct gdb_call_result *r,
					  int *number_ret)
{
	static const char *const kinds[] = { "bkpt", "wpt", "hw-awpt",
					     "hw-rwpt" };
	const char *number = NULL;
	for (size_t i = 0; !number && i < sizeof(kinds) / sizeof(kinds[0]);
	     i++) {
		const struct mi_value *v = mi_value_find(r->record->results,
							 kinds[i]);
		number = v ? mi_value_string(v->children, "number") : NULL;
	}
	if (!number)
		return lkdb_error_create(LKDB_ERROR_GDB,
					 "gdb gave no breakpoint number");
	*number_ret = atoi(number);
	return NULL;
}

struct lkdb_error *breakpoint_insert(struct gdb_driver *gdb, uint64_t addr,
				     unsigned flags, int *number_ret)
{
	char loc[LOC_MAX];
	const char *argv[3], *op;
	size_t argc = insert_args(addr, flags, 1, loc, argv, &op);
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_call_ok(gdb, GDB_CALL_QUIET,
						    MI_TIMEOUT_MS, op, argv,
						    argc, &r);
	if (err)
		return err;
	err = inserted_number(&r, number_ret);
	gdb_call_result_deinit(&r);
	if (err || !(flags & BREAK_SILENT))
		return err;
	char n[16];
	snprintf(n, sizeof(n), "%d", *number_ret);
	const char *cmds[] = { n, "silent" };
	err = gdb_driver_call_ok(gdb, GDB_CALL_QUIET, MI_TIMEOUT_MS,
				 "-break-commands", cmds, 2, &r);
	if (!err)
		gdb_call_result_deinit(&r);
	return err;
}

struct lkdb_error *breakpoints_insert_many(struct gdb_driver *gdb,
					   const uint64_t *addrs, size_t n,
					   unsigned flags, size_t len,
					   int *numbers_ret)
{
	unsigned long long *tokens = calloc(n ? n : 1, sizeof(*tokens));
	if (!tokens)
		return &lkdb_error_oom;
	struct lkdb_error *err = NULL;
	size_t sent;
	for (sent = 0; !err && sent < n; sent++) {
		char loc[LOC_MAX];
		const char *argv[3], *op;
		size_t argc = insert_args(addrs[sent], flags, len, loc, argv,
					  &op);
		err = gdb_driver_send(gdb, op, argv, argc, &tokens[sent]);
		numbers_ret[sent] = -1;
	}
	if (err)
		sent--;
	/* Every sent one is collected, so none is left behind unknown. */
	for (size_t i = 0; i < sent; i++) {
		struct gdb_call_result r;
		/* Not broken by Ctrl-C: each one must be known to be deleted. */
		struct lkdb_error *e = gdb_driver_collect(
			gdb, GDB_CALL_QUIET | GDB_CALL_UNINTERRUPTED,
			MI_TIMEOUT_MS, tokens[i], &r);
		if (!e && r.record->result_class == MI_CLASS_ERROR) {
			const char *msg = gdb_result_error_message(r.record);
			e = lkdb_error_create(LKDB_ERROR_GDB, "%s", msg ? msg : "error");
		} else if (!e) {
			e = inserted_number(&r, &numbers_ret[i]);
		}
		if (r.record)
			gdb_call_result_deinit(&r);
		if (e && !err)
			err = e;
		else
			lkdb_error_destroy(e);
	}
	free(tokens);
	if (err)
		breakpoints_delete(gdb, numbers_ret, sent);
	return err;
}

void breakpoint_delete(struct gdb_driver *gdb, int number)
{
	if (number < 0)
		return;
	char n[16];
	snprintf(n, sizeof(n), "%d", number);
	const char *argv[] = { n };
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_call(gdb, GDB_CALL_QUIET,
						 MI_TIMEOUT_MS, "-break-delete",
						 argv, 1, &r);
	if (!err)
		gdb_call_result_deinit(&r);
	lkdb_error_destroy(err);
}

void breakpoints_delete(struct gdb_driver *gdb, const int *numbers, size_t n)
{
	const char **argv = calloc(n ? n : 1, sizeof(*argv));
	char (*text)[16] = calloc(n ? n : 1, sizeof(*text));
	size_t argc = 0;
	for (size_t i = 0; argv && text && i < n; i++) {
		if (numbers[i] < 0)
			continue;
		snprintf(text[argc], sizeof(text[argc]), "%d", numbers[i]);
		argv[argc] = text[argc];
		argc++;
	}
	if (argc) {
		struct gdb_call_result r;
		struct lkdb_error *err = gdb_driver_call(gdb, GDB_CALL_QUIET,
							 MI_TIMEOUT_MS,
							 "-break-delete", argv,
							 argc, &r);
		if (!err)
			gdb_call_result_deinit(&r);
		lkdb_error_destroy(err);
	}
	free(argv);
	free(text);
}

int breakpoint_stop_index(struct gdb_driver *gdb,
			  const struct mi_output *stopped, const int *numbers,
			  const uint64_t *addrs, size_t n)
{
	if (!stopped)
		return -1;
	const char *reason = mi_value_string(stopped->results, "reason");
	const char *bkptno = mi_value_string(stopped->results, "bkptno");
	if (reason && bkptno && !strcmp(reason, "breakpoint-hit")) {
		int number = atoi(bkptno);
		for (size_t i = 0; i < n; i++) {
			if (numbers[i] == number)
				return (int)i;
		}
		return -1;
	}
	if (reason)
		return -1;
	uint64_t pc;
	struct lkdb_error *err = gdb_target_value(gdb, "$pc", &pc);
	if (err) {
		lkdb_error_destroy(err);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (numbers[i] >= 0 && addrs[i] == pc)
			return (int)i;
	}
	return -1;
}
