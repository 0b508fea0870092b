// SPDX-License-Identifier: GPL-2.0-or-later
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

void lkdb_print_usage(FILE *out)
{
	fputs(
"Usage: lkdb [OPTIONS] VMLINUX                   symbols only, no target\n"
"       lkdb [OPTIONS] -r HOST:PORT VMLINUX      attach to a QEMU gdbstub (-s)\n"
"       lkdb [OPTIONS] VMLINUX VMCORE            post-mortem on a dump\n"
"       lkdb decode [--modules DIR]... [--json] [VMLINUX] < LOG\n"
"                                                a log's frames to file:line\n"
"\n"
"A Linux kernel debugger: drives gdb over GDB/MI and adds kernel awareness.\n"
"On attach it finds the KASLR offset, checks that VMLINUX is the running\n"
"kernel (linux_banner) and loads the symbols relocated.  A VMCORE (kdump ELF,\n"
"QEMU dump-guest-memory ELF or -z, kdump-compressed) is read in-process and\n"
"served to gdb by lkdb-dump-server: one thread per CPU; the vmlinux must have\n"
"the dump's build-id.  Commands that lkdb does not know are passed to gdb\n"
"(p, x, bt, frame, info registers, ...).\n"
"\n"
"Options:\n"
"  -r, --remote HOST:PORT  attach to a gdb remote stub (QEMU -s: :1234)\n"
"  -c, --command CMD       run CMD (repeatable), then exit\n"
"  -x, --script FILE       run the commands in FILE, then exit\n"
"      --gdb PATH          gdb to run (default: " LKDB_DEFAULT_GDB ")\n"
"      --force             go on even if VMLINUX does not match the target\n"
"      --kaslr-offset OFF  use this KASLR offset instead of probing\n"
"      --connect-timeout S give up connecting after S seconds (default 10)\n"
"      --no-index-cache    do not use gdb's symbol index cache\n"
"      --json              print command rows as JSON\n"
"  -q, --quiet             no banner or progress messages\n"
"  -h, --help              show this help\n"
"  -V, --version           show the version\n"
"\n"
"Commands read from a non-terminal stdin run in batch mode too.  The exit\n"
"status is 0 when every command succeeded, 1 when one failed, 2 when lkdb\n"
"could not start (bad arguments, no connection, bad dump, vmlinux mismatch).\n"
"`lkdb decode --help` describes decode, which needs no gdb or target.\n"
"The symbol index cache lives in $XDG_CACHE_HOME/lkdb/gdb-index (by build-id),\n"
"the prompt history in $XDG_STATE_HOME/lkdb/history.\n",
	      out);
}

enum {
	OPT_GDB = 256,
	OPT_FORCE,
	OPT_KASLR_OFFSET,
	OPT_JSON,
	OPT_NO_INDEX_CACHE,
	OPT_CONNECT_TIMEOUT,
};

static const struct option long_options[] = {
	{ "remote", required_argument, NULL, 'r' },
	{ "command", required_argument, NULL, 'c' },
	{ "script", required_argument, NULL, 'x' },
	{ "gdb", required_argument, NULL, OPT_GDB },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "kaslr-offset", required_argument, NULL, OPT_KASLR_OFFSET },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "no-index-cache", no_argument, NULL, OPT_NO_INDEX_CACHE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static struct lkdb_error *add_script(struct lkdb_options *o,
				     enum lkdb_script_kind kind,
				     const char *text)
{
	struct lkdb_script_item *items = realloc(
		o->script, (o->script_len + 1) * sizeof(*items));
	if (!items)
		return &lkdb_error_oom;
	o->script = items;
	o->script[o->script_len++] = (struct lkdb_script_item){ kind, text };
	return NULL;
}

static struct lkdb_error *parse_u64(const char *opt, const char *s,
				    uint64_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: not a number: \"%s\"", opt, s);
	*ret = v;
	return NULL;
}

struct lkdb_error *lkdb_options_parse(int argc, char **argv,
				      struct lkdb_options *ret)
{
	struct lkdb_options o = {
		.gdb_path = LKDB_DEFAULT_GDB,
		.connect_timeout_s = 10,
	};
	struct lkdb_error *err = NULL;
	uint64_t n;
	int c;
	opterr = 0;
	optind = 1;
	while (!err && (c = getopt_long(argc, argv, ":r:c:x:qhV",
					long_options, NULL)) != -1) {
		switch (c) {
		case 'r':
			o.remote = optarg;
			break;
		case 'c':
			err = add_script(&o, SCRIPT_COMMAND, optarg);
			break;
		case 'x':
			err = add_script(&o, SCRIPT_FILE, optarg);
			break;
		case OPT_GDB:
			o.gdb_path = optarg;
			break;
		case OPT_FORCE:
			o.force = true;
			break;
		case OPT_KASLR_OFFSET:
			err = parse_u64("--kaslr-offset", optarg,
					&o.kaslr_offset);
			o.has_kaslr_offset = true;
			break;
		case OPT_CONNECT_TIMEOUT:
			err = parse_u64("--connect-timeout", optarg, &n);
			if (!err && (n == 0 || n > 3600))
				err = lkdb_error_create(LKDB_ERROR_INVALID,
							"--connect-timeout: %s is not between 1 and 3600 seconds",
							optarg);
			o.connect_timeout_s = (int)n;
			break;
		case OPT_NO_INDEX_CACHE:
			o.no_index_cache = true;
			break;
		case OPT_JSON:
			o.json = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			lkdb_print_usage(stdout);
			o.exit_now = true;
			break;
		case 'V':
			printf("lkdb %s\n", LKDB_VERSION);
			o.exit_now = true;
			break;
		case ':':
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"option %s needs an argument",
						argv[optind - 1]);
			break;
		default:
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"unknown option %s",
						argv[optind - 1]);
			break;
		}
	}
	if (!err && !o.exit_now) {
		int rest = argc - optind;
		if (rest < 1)
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"missing VMLINUX (see lkdb --help)");
		else if (rest > 2)
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"too many arguments: \"%s\" (see lkdb --help)",
						argv[optind + 2]);
		else {
			o.vmlinux = argv[optind];
			o.vmcore = rest == 2 ? argv[optind + 1] : NULL;
		}
		if (!err && o.vmcore && o.remote)
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"give either --remote or a VMCORE, not both");
	}
	if (err) {
		free(o.script);
		return err;
	}
	*ret = o;
	return NULL;
}

void lkdb_options_deinit(struct lkdb_options *options)
{
	free(options->script);
	options->script = NULL;
	options->script_len = 0;
}
