/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef LKDB_OPTIONS_H
#define LKDB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/error.h"

enum lkdb_script_kind { SCRIPT_COMMAND, SCRIPT_FILE };

struct lkdb_script_item {
	enum lkdb_script_kind kind;
	const char *text;	/* the command, or the file name */
};

struct lkdb_options {
	const char *vmlinux;
	const char *vmcore;
	const char *remote;		/* HOST:PORT, ":PORT" means localhost */
	const char *gdb_path;
	bool force;
	bool has_kaslr_offset;
	uint64_t kaslr_offset;
	bool json;
	bool quiet;
	bool no_index_cache;
	/* Read guest memory through gdb even when QEMU shares its RAM. */
	bool no_guest_ram;
	int connect_timeout_s;
	/*
	 * Panic stops (live targets): continue the guest and wait for a
	 * panic or oops before running commands.  --wait asks for it in
	 * batch mode; a terminal session does it unless --no-wait.
	 */
	bool wait;
	bool no_wait;
	/*
	 * --stop-on: the report kinds stopped at besides panic and oops, a
	 * bit (1u << enum panic_stop_kind) each; --break-on-warn is warn's.
	 */
	unsigned int stop_on;
	/*
	 * --no-stop-on: kinds not stopped at, even those on by default (the
	 * sites' by_default: a debug kernel's detectors).
	 */
	unsigned int stop_off;
	/* --source: the kernel's source tree, for reports' source lines. */
	const char *source_dir;
	/* Where module objects are looked for first (mod -S, reports). */
	const char *module_path;
	/* Print how long a stop's report took (stderr). */
	bool timing;
	/* lkdb qemu: QEMU's arguments (after --) and the console log. */
	bool qemu;
	char **qemu_args;
	int qemu_nargs;
	const char *console_log;
	/* Set by main once lkdb qemu has started QEMU (its RAM is a memfd). */
	int qemu_pid;
	/* -c and -x in the order given */
	struct lkdb_script_item *script;
	size_t script_len;
	/* Set when --help or --version was handled: exit 0. */
	bool exit_now;
};

/*
 * Parse argv.  Prints --help/--version output itself.  On a usage error the
 * returned error's message is one line naming the option.
 */
struct lkdb_error *lkdb_options_parse(int argc, char **argv,
				      struct lkdb_options *ret);
void lkdb_options_deinit(struct lkdb_options *options);
void lkdb_print_usage(FILE *out);

#endif
