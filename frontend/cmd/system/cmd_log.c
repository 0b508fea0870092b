// SPDX-License-Identifier: GPL-2.0-or-later
/* log: the kernel's log buffer (dmesg), read from the target's memory. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontend/core/commands.h"
#include "common/clock.h"
#include "frontend/target/gdb_target.h"
#include "common/json.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/log/printk.h"
#include "kernel-helpers/core/vmlinux.h"
#include "frontend/terminal/output.h"

struct log_options {
	bool wall_time;		/* -T */
	bool levels;		/* -m */
	bool stats;		/* --stats */
};

/* The kernel's print_time(): "[%5lu.%06lu]". */
static void format_ts(uint64_t ts_nsec, char *buf, size_t size)
{
	snprintf(buf, size, "[%5" PRIu64 ".%06" PRIu64 "]",
		 ts_nsec / 1000000000, ts_nsec % 1000000000 / 1000);
}

/* A record's wall-clock time in ns; false if a corrupt time overflows. */
static bool wall_ns(int64_t boot_ns, uint64_t ts_nsec, int64_t *ret)
{
	return ts_nsec <= INT64_MAX &&
	       !__builtin_add_overflow(boot_ns, (int64_t)ts_nsec, ret);
}

/* As dmesg -T: "[Sun Nov 22 04:57:00 2026]", local time. */
static void format_wall(int64_t boot_ns, uint64_t ts_nsec, char *buf,
			size_t size)
{
	int64_t ns;
	struct tm tm;
	if (wall_ns(boot_ns, ts_nsec, &ns)) {
		time_t secs = (time_t)(ns / 1000000000);
		if (localtime_r(&secs, &tm) &&
		    strftime(buf, size, "[%a %b %e %H:%M:%S %Y]", &tm))
			return;
	}
	snprintf(buf, size, "[?]");
}

/*
 * One line of text as the terminal gets it: control bytes (ESC, ...) are
 * shown as \xNN, as dmesg does, so a log cannot drive the terminal.
 */
static void write_line(FILE *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

static void print_text(FILE *out, const struct printk_log *log,
		       const struct log_options *o, bool have_boot,
		       int64_t boot_ns)
{
	for (size_t i = 0; i < log->nr_records && !lkdb_interrupted; i++) {
		const struct printk_record *r = &log->records[i];
		char prefix[128], level[8] = "";
		if (o->wall_time && have_boot)
			format_wall(boot_ns, r->ts_nsec, prefix,
				    sizeof(prefix));
		else
			format_ts(r->ts_nsec, prefix, sizeof(prefix));
		size_t n = strlen(prefix);
		if (log->prints_caller) {
			char caller[12];
			printk_caller_string(r->caller_id, caller);
			snprintf(prefix + n, sizeof(prefix) - n, "[%6s]",
				 caller);
		}
		/* crash's log -m: the level just before the text */
		if (o->levels)
			snprintf(level, sizeof(level), "<%u>", r->level);
		/*
		 * Each line of a multi-line record gets the prefix, as the
		 * kernel's record_print_text() gives the console and syslog.
		 */
		const char *p = r->text, *end = r->text + r->text_len;
		for (;;) {
			const char *nl = memchr(p, '\n', end - p);
			fputs(prefix, out);
			fputc(' ', out);
			fputs(level, out);
			write_line(out, p, (nl ? nl : end) - p);
			fputc('\n', out);
			if (!nl)
				break;
			p = nl + 1;
		}
	}
}

static void print_json(FILE *out, const struct printk_log *log,
		       bool have_boot, int64_t boot_ns)
{
	fputs("[", out);
	for (size_t i = 0; i < log->nr_records && !lkdb_interrupted; i++) {
		const struct printk_record *r = &log->records[i];
		fprintf(out, "%s{\"seq\": %" PRIu64 ", \"ts_nsec\": %" PRIu64 ", \"level\": %u, \"facility\": %u",
			i ? ",\n " : "", r->seq, r->ts_nsec, r->level,
			r->facility);
		int64_t ns;
		if (have_boot && wall_ns(boot_ns, r->ts_nsec, &ns)) {
			char wall[64];
			format_wall(boot_ns, r->ts_nsec, wall, sizeof(wall));
			fprintf(out, ", \"wall_time_ns\": %" PRId64 ", \"wall_time\": ",
				ns);
			/* without the brackets */
			wall[strlen(wall) - 1] = '\0';
			json_write_string(out, wall + 1);
		}
		fputs(", \"caller\": ", out);
		if (log->prints_caller) {
			char caller[12];
			printk_caller_string(r->caller_id, caller);
			json_write_string(out, caller);
		} else {
			fputs("null", out);
		}
		fputs(", \"text\": ", out);
		json_write_bytes(out, r->text, r->text_len);
		fputs("}", out);
	}
	fputs("]\n", out);
}

static struct lkdb_error *cmd_log(struct lkdb_command_context *ctx)
{
	struct log_options o = { 0 };
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (!strcmp(a, "--stats")) {
			o.stats = true;
		} else if (a[0] == '-' && a[1] && a[1] != '-') {
			for (const char *c = a + 1; *c; c++) {
				if (*c == 'T')
					o.wall_time = true;
				else if (*c == 'm')
					o.levels = true;
				else
					return lkdb_usage_error(ctx, "unknown option -%c",
								*c);
			}
		} else {
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"",
						a);
		}
	}

	double t0 = lkdb_now_seconds();
	struct kernel *k = ctx->kernel;
	struct printk_log *log = NULL;
	struct lkdb_error *err = kernel_read_log(k, &log);
	if (err)
		goto out;

	bool have_boot = false;
	int64_t boot_ns = 0;
	if (o.wall_time) {
		struct lkdb_error *e = kernel_log_boot_time(k, &boot_ns);
		if (e) {
			lkdb_warn("log", "no wall-clock time (%s); times are since boot",
				e->message);
			lkdb_error_destroy(e);
		} else {
			have_boot = true;
		}
	}
	double t1 = lkdb_now_seconds();
	/* Warnings first: they say what the records below may lack. */
	for (size_t i = 0; i < log->nr_warnings; i++)
		lkdb_warn("log", "%s", log->warnings[i]);
	fflush(stderr);
	if (ctx->json)
		print_json(stdout, log, have_boot, boot_ns);
	else
		print_text(stdout, log, &o, have_boot, boot_ns);
	fflush(stdout);
	if (o.stats) {
		struct ktypes_stats ts;
		ktypes_get_stats(k->types, &ts);
		fprintf(stderr, "lkdb: log: %zu records (%s, capacity %" PRIu64 "%s) in %.1f ms: %u reads, %.1f KiB; types: %u lookups, %u cached, DWARF %s (%u units, %.1f ms)\n",
			log->nr_records,
			log->format == PRINTK_FORMAT_LOCKLESS ?
				"lockless ring buffer" : "log_buf",
			log->capacity,
			log->format == PRINTK_FORMAT_LOCKLESS ?
				" descriptors" : " bytes",
			(t1 - t0) * 1000, log->reads,
			log->bytes_read / 1024.0, ts.lookups, ts.cached,
			ts.dwarf_opened ? "read" : "not opened",
			ts.units_scanned, ts.dwarf_seconds * 1000);
	}
out:
	printk_log_destroy(log);
	return err;
}

const struct lkdb_command lkdb_command_log = {
	.name = "log",
	.handler = cmd_log,
	.summary = "show the kernel's log buffer (dmesg) from the target's memory",
	.usage = "log [-T] [-m] [--json] [--stats]\n"
		 "The kernel's printk records, oldest first, as the console shows\n"
		 "them: \"[seconds.micro] text\"; each line of a multi-line record\n"
		 "repeats the prefix.  Read from memory, so it works on a hung or\n"
		 "crashed kernel too.  Caller ids (\"[    T123]\") are shown when the\n"
		 "kernel prints them (CONFIG_PRINTK_CALLER).\n"
		 "  -T       wall-clock times (\"[Sun Nov 22 04:57:00 2026]\", local\n"
		 "           time): boot time from the kernel's timekeeper plus the\n"
		 "           record's time since boot, as dmesg -T (off by any time\n"
		 "           spent suspended); times stay since boot if unknown\n"
		 "  -m       the record's level before its text, as crash:\n"
		 "           \"[    4.357603] <6>...\"\n"
		 "  --json   an array of {seq, ts_nsec, level, facility, caller, text}\n"
		 "           (caller null unless shown; with -T also wall_time_ns,\n"
		 "           wall_time); multi-line text keeps its newlines\n"
		 "  --stats  reads, bytes and time taken, on stderr",
	.man = ".BR log \" [\" \\-T \"] [\" \\-m \"] [\" \\-\\-json ]\n"
	       "The kernel's printk buffer read from the target's memory (live guest or\n"
	       "dump):\n"
	       ".B \\-T\n"
	       "wall-clock times,\n"
	       ".B \\-m\n"
	       "levels, before the text as crash puts them\n"
	       ".RB ( \"[    2.571729] <0>Kernel panic ...\" ).\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = lkdb_complete_nothing,
};
