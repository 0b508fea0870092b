// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/kernel/gdb_value.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/vmlinux.h"
#include "mi/gdb_driver.h"

#define GDB_VALUE_TIMEOUT_MS 60000

struct lkdb_error *gdb_value_text(struct lkdb_session *s, const char *command,
				  char **ret)
{
	char *text = NULL;
	/* gdb's own message says what is wrong; the command would only hide it. */
	struct lkdb_error *err = gdb_driver_console_ok(
		s->gdb, GDB_CALL_QUIET, GDB_VALUE_TIMEOUT_MS, command, NULL,
		&text);
	if (err)
		return err;
	char *v = text;
	if (!strncmp(v, "type = ", 7)) {
		v += 7;
	} else if (v[0] == '$') {
		char *eq = strstr(v, " = ");
		if (eq)
			v = eq + 3;
	}
	size_t n = strlen(v);
	while (n && v[n - 1] == '\n')
		v[--n] = '\0';
	*ret = strdup(v);
	free(text);
	return *ret ? NULL : &lkdb_error_oom;
}

/*
 * Drop gdb's " <SYMBOL+N>" after a hex value below end: a per-CPU offset
 * or a small number, never an address of what gdb names.
 */
static void drop_percpu_names(char *text, uint64_t end)
{
	for (char *p = text; (p = strstr(p, "0x"));) {
		bool word = p == text || !isalnum((unsigned char)p[-1]);
		char *after;
		unsigned long long v = strtoull(p + 2, &after, 16);
		if (word && after > p + 2 && v < end && !strncmp(after, " <", 2)) {
			char *close = strchr(after, '>');
			if (close)
				memmove(after, close + 1, strlen(close + 1) + 1);
		}
		p = after > p + 2 ? after : p + 2;
	}
}

struct lkdb_error *gdb_value_print(struct lkdb_session *s, const char *expr,
				   char **ret)
{
	char *cmd;
	if (asprintf(&cmd, "with print pretty on -- with print repeats unlimited -- print %s",
		     expr) < 0)
		return &lkdb_error_oom;
	struct lkdb_error *err = gdb_value_text(s, cmd, ret);
	free(cmd);
	if (!err)
		gdb_value_drop_percpu_names(s, *ret);
	return err;
}

void gdb_value_drop_percpu_names(struct lkdb_session *s, char *text)
{
	if (!s->kernel.percpu_at_zero)
		return;
	uint64_t addr, size;
	struct lkdb_error *e = vmlinux_section(s->kernel.vmlinux,
					       ".data..percpu", &addr, &size);
	if (!e)
		drop_percpu_names(text, addr + size);
	lkdb_error_destroy(e);
}
