// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/kernel/struct_print.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "frontend/kernel/address_arg.h"
#include "frontend/kernel/gdb_value.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"

struct lkdb_error *struct_print_offset(struct kernel *k, const char *option,
				       const char *arg, uint64_t *ret)
{
	if (address_arg_number(arg, false, ret))
		return NULL;
	const char *dot = strchr(arg, '.');
	if (!dot || dot == arg || !dot[1])
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s takes an offset or STRUCT.MEMBER, not \"%s\"",
					 option, arg);
	char *type = strndup(arg, (size_t)(dot - arg));
	if (!type)
		return &lkdb_error_oom;
	struct ktypes *t;
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = ktypes_member(t, type, dot + 1, ret, NULL);
	free(type);
	return err;
}

/* Print text with every line after the first indented by indent. */
static void print_indented(FILE *out, const char *text, const char *indent)
{
	for (const char *p = text; *p; p++) {
		fputc(*p, out);
		if (*p == '\n' && p[1])
			fputs(indent, out);
	}
}

struct lkdb_error *struct_print_set_type(struct lkdb_session *s,
					 const char *keyword, const char *type)
{
	char *cmd = NULL, *out = NULL;
	if (asprintf(&cmd, "set $lkdb_struct_print = (%s %s *)0", keyword,
		     type) < 0)
		return &lkdb_error_oom;
	struct lkdb_error *err = gdb_value_text(s, cmd, &out);
	free(cmd);
	free(out);
	return err;
}

struct lkdb_error *struct_print_members(struct struct_printer *p, bool json,
					uint64_t entry,
					const char *member_end)
{
	struct lkdb_session *s = p->s;
	char *type = strdup(p->spec);
	if (!type)
		return &lkdb_error_oom;
	char *members = strchr(type, '.');
	if (members)
		*members++ = '\0';
	struct lkdb_error *err = p->prepared ? NULL :
				 struct_print_set_type(s, "struct", type);
	p->prepared = !err;
	char *expr = NULL, *value = NULL;
	bool first = true;
	if (json)
		fputs(", \"values\": {", stdout);
	char *save = NULL;
	const char *m = members ? strtok_r(members, ",", &save) : NULL;
	while (!err) {
		if (m && asprintf(&expr, "((typeof($lkdb_struct_print))0x%" PRIx64 ")->%s",
				  entry, m) < 0)
			err = &lkdb_error_oom;
		else if (!m && asprintf(&expr, "*(typeof($lkdb_struct_print))0x%" PRIx64,
					entry) < 0)
			err = &lkdb_error_oom;
		if (!err)
			err = gdb_value_print(s, expr, &value);
		free(expr);
		expr = NULL;
		if (err)
			break;
		if (json) {
			fputs(first ? "" : ", ", stdout);
			json_write_string(stdout, m ? m : "*");
			fputs(": ", stdout);
			json_write_string(stdout, value);
		} else if (m) {
			printf("  %s = ", m);
			print_indented(stdout, value, "  ");
			printf("%s\n", member_end);
		} else {
			printf("struct %s ", type);
			print_indented(stdout, value, "");
			fputs("\n", stdout);
		}
		first = false;
		free(value);
		value = NULL;
		if (!m || !(m = strtok_r(NULL, ",", &save)))
			break;
	}
	if (json)
		fputs("}", stdout);
	free(type);
	return err;
}

