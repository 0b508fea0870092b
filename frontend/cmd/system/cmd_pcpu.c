// SPDX-License-Identifier: GPL-2.0-or-later
/* pcpu: a per-CPU variable's address and value on each CPU. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/core/commands.h"
#include "common/json.h"
#include "kernel-helpers/memory/percpu.h"
#include "kernel-helpers/core/vmlinux.h"

#define PCPU_GDB_TIMEOUT_MS 60000

/* Run a gdb CLI command quietly; its console text in *text_ret (owned). */
static struct lkdb_error *gdb_capture(struct lkdb_session *s,
				      const char *cmd, char **text_ret)
{
	return gdb_driver_console_ok(s->gdb, GDB_CALL_QUIET,
				     PCPU_GDB_TIMEOUT_MS, cmd, cmd, text_ret);
}

static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/*
 * The pointer type to print the variable through, from whatis' "type =
 * TYPE": "TYPE *", or for an array "ELEM [N]" "ELEM (*)[N]".
 */
static struct lkdb_error *pointer_type(const char *var, const char *whatis,
				       char **ret)
{
	const char *t = strstr(whatis, "type = ");
	if (!t)
		return lkdb_error_create(LKDB_ERROR_GDB,
					 "unexpected whatis %s answer: %s",
					 var, whatis);
	t += strlen("type = ");
	char *type = strdup(t);
	if (!type)
		return &lkdb_error_oom;
	chomp(type);
	if (strchr(type, '(')) {
		free(type);
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s has a function or pointer-to-array type, which pcpu cannot print",
					 var);
	}
	char *bracket = strchr(type, '[');
	int n;
	if (bracket) {
		size_t head = bracket - type;
		while (head && type[head - 1] == ' ')
			head--;
		n = asprintf(ret, "%.*s (*)%s", (int)head, type, bracket);
	} else {
		n = asprintf(ret, "%s *", type);
	}
	free(type);
	return n < 0 ? &lkdb_error_oom : NULL;
}

/* "$12 = value" -> "value". */
static const char *strip_history(const char *text)
{
	if (text[0] != '$')
		return text;
	const char *p = text + 1;
	while (isdigit((unsigned char)*p))
		p++;
	return strncmp(p, " = ", 3) ? text : p + 3;
}

static struct lkdb_error *parse_cpu(const struct lkdb_command_context *ctx,
				     const char *arg, unsigned int *ret)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(arg, &end, 10);
	if (!*arg || *end || errno || v > PERCPU_MAX_CPUS || arg[0] == '-')
		return lkdb_usage_error(ctx, "CPU \"%s\" is not a CPU number",
					arg);
	*ret = (unsigned int)v;
	return NULL;
}

static struct lkdb_error *cmd_pcpu(struct lkdb_command_context *ctx)
{
	struct lkdb_session *s = ctx->session;
	if (ctx->argc < 2 || ctx->argc > 3)
		return lkdb_usage(ctx);
	const char *var = ctx->argv[1];
	bool one = ctx->argc == 3;
	unsigned int only = 0;
	struct lkdb_error *err;
	char *cmd = NULL, *whatis = NULL, *ptype = NULL;
	if (one && (err = parse_cpu(ctx, ctx->argv[2], &only)))
		return err;

	struct vmlinux_symbol_info si;
	err = vmlinux_symbol_info(ctx->kernel->vmlinux, var, &si);
	if (err)
		return err;
	if (!si.percpu || !ctx->kernel->percpu_at_zero)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s is not a per-CPU symbol", var);

	struct percpu_cpus *cpus;
	err = kernel_read_cpus(ctx->kernel, &cpus);
	if (err)
		return err;
	uint64_t addr;
	if (one && (err = percpu_address(cpus, only, si.addr, &addr)))
		goto out;

	if (asprintf(&cmd, "whatis %s", var) < 0) {
		err = &lkdb_error_oom;
		goto out;
	}
	err = gdb_capture(s, cmd, &whatis);
	free(cmd);
	if (!err)
		err = pointer_type(var, whatis, &ptype);
	free(whatis);
	if (err)
		goto out;

	FILE *out = stdout;
	bool first = true;
	if (ctx->json)
		fputs("[", out);
	for (unsigned int cpu = one ? only : 0; cpu < cpus->nr_cpu_ids;
	     cpu++) {
		if (one && cpu != only)
			break;
		if (!cpus->possible[cpu])
			continue;
		percpu_address(cpus, cpu, si.addr, &addr);
		char *value = NULL;
		if (asprintf(&cmd, "print *(%s)0x%" PRIx64, ptype, addr) < 0) {
			err = &lkdb_error_oom;
			break;
		}
		struct lkdb_error *e = gdb_capture(s, cmd, &value);
		free(cmd);
		if (e && e->code != LKDB_ERROR_GDB) {
			err = e;
			break;
		}
		if (ctx->json) {
			fprintf(out, "%s{\"cpu\": %u, \"online\": %s, \"address\": \"0x%" PRIx64 "\", \"value\": ",
				first ? "" : ",\n ", cpu,
				cpus->online[cpu] ? "true" : "false", addr);
			if (value) {
				chomp(value);
				json_write_string(out, strip_history(value));
			} else {
				fputs("null", out);
			}
			fputs(", \"error\": ", out);
			if (e)
				json_write_string(out, e->message);
			else
				fputs("null", out);
			fputs("}", out);
		} else {
			fprintf(out, "CPU %u: %" PRIx64 "%s\n", cpu, addr,
				cpus->online[cpu] ? "" : " (offline)");
			if (value)
				fputs(value, out);
			else
				fprintf(out, "  (%s)\n", e->message);
		}
		first = false;
		free(value);
		lkdb_error_destroy(e);
	}
	if (ctx->json)
		fputs("]\n", out);
	fflush(out);
out:
	free(ptype);
	percpu_cpus_destroy(cpus);
	return err;
}

const struct lkdb_command lkdb_command_pcpu = {
	.name = "pcpu",
	.handler = cmd_pcpu,
	.summary = "a per-CPU variable's address and value on each CPU",
	.usage = "pcpu [--json] VARIABLE [CPU]\n"
		 "For each possible CPU (or only CPU): \"CPU n: ADDRESS\", CPU n's copy\n"
		 "of the per-CPU VARIABLE (its per-CPU offset + __per_cpu_offset[n]),\n"
		 "then its value as gdb prints it (print *(TYPE *)ADDRESS).  Offline\n"
		 "CPUs are marked (offline).\n"
		 "  --json  an array of {cpu, online, address (hex string), value (gdb's\n"
		 "          text), error (null, or why gdb could not print it)}",
	.man = ".BR pcpu \" \\fIVAR\\fR [\\fICPU\\fR] [\" \\-\\-json ]\n"
	       "A per-CPU variable's address and value on each CPU (or one).\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON,
};
