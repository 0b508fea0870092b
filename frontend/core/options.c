// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/core/options.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "kernel-helpers/decode/panic.h"

void lkdb_print_usage(FILE *out)
{
	fputs(
"Usage: lkdb [OPTIONS] VMLINUX                   symbols only, no target\n"
"       lkdb [OPTIONS] -r HOST:PORT VMLINUX      attach to a QEMU gdbstub (-s)\n"
"       lkdb [OPTIONS] VMLINUX VMCORE            post-mortem on a dump\n"
"       lkdb decode [--modules DIR]... [--json] [VMLINUX] < LOG\n"
"                                                a log's frames to file:line\n"
"       lkdb qemu [OPTIONS] VMLINUX -- QEMU-ARGS  start QEMU, attach, wait\n"
"\n"
"A Linux kernel debugger: drives gdb over GDB/MI and adds kernel awareness.\n"
"On attach it finds the KASLR offset, checks that VMLINUX is the running\n"
"kernel (linux_banner) and loads the symbols relocated.  A VMCORE (kdump ELF,\n"
"QEMU dump-guest-memory ELF or -z, kdump-compressed) is read in-process and\n"
"served to gdb by lkdb-dump-server: one thread per CPU; the vmlinux must have\n"
"the dump's build-id.  Commands that lkdb does not know are passed to gdb\n"
"(p, x, bt, frame, info registers, ...).\n"
"\n"
"Panic stops: attached live, lkdb puts hardware breakpoints on panic() and\n"
"the oops path (__die: page faults, BUG, traps); on a stop it prints a\n"
"report (reason, CPU, task, faulting frame, backtrace, registers, the last\n"
"log lines) and gives the prompt.  A terminal session continues the guest\n"
"and waits for such a stop (Ctrl-C: the prompt); batch mode does only with\n"
"--wait.  The breakpoints are removed when lkdb detaches.\n"
"\n"
"lkdb qemu runs qemu-system-x86_64 ($LKDB_QEMU) with QEMU-ARGS, halted, plus\n"
"a gdb stub on a socket lkdb listens on, and the serial console (the first\n"
"serial port, ttyS0) shown live and kept in a file, attaches, and waits as\n"
"--wait does.  Quitting lkdb ends that QEMU; `detach` leaves it running.\n"
"It gives the guest its RAM as a shared memfd, which lkdb reads directly\n"
"while the guest is stopped.\n"
"\n"
"A guest whose kernel has not started yet (QEMU -S) is let boot until the\n"
"kernel runs at its KASLR addresses, before start_kernel: panic stops and\n"
"your early breakpoints are in place for the kernel's whole boot.\n"
"\n"
"Guest RAM: when QEMU keeps the guest's RAM in a shared file\n"
"(-object memory-backend-file,id=ram,size=SIZE,mem-path=/dev/shm/FILE,\n"
"share=on -machine memory-backend=ram), lkdb finds it through the monitor\n"
"and reads kernel memory from it, walking the kernel's page tables itself,\n"
"instead of one gdb stub round trip per read.\n"
"\n"
"Options:\n"
"  -r, --remote HOST:PORT  attach to a gdb remote stub (QEMU -s: :1234)\n"
"  -c, --command CMD       run CMD (repeatable), then exit\n"
"  -x, --script FILE       run the commands in FILE, then exit\n"
"      --gdb PATH          gdb to run (default: " LKDB_DEFAULT_GDB ")\n"
"      --wait              continue a live guest, wait for a panic or oops\n"
"                          and print its report before running commands\n"
"      --no-wait           a terminal session gives the prompt at once\n"
"      --stop-on KINDS     stop on these kernel reports too (comma-\n"
"                          separated), each with a report as a panic's:\n"
"                          warn (WARN), softlockup, hung-task, rcu-stall,\n"
"                          oom (before the kill), slab (slub_debug's\n"
"                          checks), all; a debug kernel's kasan, kfence,\n"
"                          ubsan and lockdep are on already\n"
"      --no-stop-on KINDS  do not stop on these (kasan, ..., or all)\n"
"      --break-on-warn     --stop-on warn\n"
"      --source DIR        the kernel's source tree, where a report finds\n"
"                          the culprit's line (default: the Debian package\n"
"                          linux-source-X.Y of the kernel's release, unpacked\n"
"                          once into $XDG_CACHE_HOME/lkdb/source)\n"
"      --module-path DIR   look for module objects (.ko) in DIR first; a\n"
"                          report loads the symbols of the faulting module,\n"
"                          and modules inserted while the guest runs get\n"
"                          their symbols before their init runs\n"
"      --timing            say how long each stop's report took (stderr)\n"
"      --console-log FILE  lkdb qemu: keep the console there (default\n"
"                          lkdb-console.log in the current directory)\n"
"      --force             go on even if VMLINUX does not match the target\n"
"      --kaslr-offset OFF  use this KASLR offset instead of probing\n"
"      --connect-timeout S give up connecting after S seconds (default 10)\n"
"      --no-index-cache    no gdb index cache; gdb reads the vmlinux itself\n"
"      --no-guest-ram      read guest memory through gdb only\n"
"      --json              print command rows as JSON\n"
"  -q, --quiet             no banner or progress messages\n"
"  -h, --help              show this help\n"
"  -V, --version           show the version\n"
"\n"
"Commands read from a non-terminal stdin run in batch mode too.  Any\n"
"command's output may go to a shell command or a file: CMD | SHELL-CMD,\n"
"CMD > FILE, CMD >> FILE; at the prompt long output is paged ($PAGER, else\n"
"less; `set pager off`).  The exit status is 0 when every command succeeded,\n"
"1 when one failed, 2 when lkdb could not start (bad arguments, no\n"
"connection, bad dump, vmlinux mismatch); a terminal session exits 0\n"
"unless its target went away; 128+N when ended by signal N.\n"
"`lkdb decode --help` describes decode, which needs no gdb or target.\n"
"The symbol index cache lives in $XDG_CACHE_HOME/lkdb/gdb-index (by build-id),\n"
"the prompt history in $XDG_STATE_HOME/lkdb/history.\n"
"Environment: LKDB_MI_TRACE=FILE (the MI conversation with gdb),\n"
"LKDB_MODULE_PATH (module objects), LKDB_QEMU, LKDB_DUMP_SERVER, PAGER, LESS,\n"
"TMPDIR, XDG_CACHE_HOME, XDG_STATE_HOME, HOME; lkdb(1) says what each does.\n",
	      out);
}

enum {
	OPT_GDB = 256,
	OPT_FORCE,
	OPT_KASLR_OFFSET,
	OPT_JSON,
	OPT_NO_INDEX_CACHE,
	OPT_CONNECT_TIMEOUT,
	OPT_WAIT,
	OPT_NO_WAIT,
	OPT_BREAK_ON_WARN,
	OPT_STOP_ON,
	OPT_NO_STOP_ON,
	OPT_SOURCE,
	OPT_MODULE_PATH,
	OPT_TIMING,
	OPT_CONSOLE_LOG,
	OPT_NO_GUEST_RAM,
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
	{ "no-guest-ram", no_argument, NULL, OPT_NO_GUEST_RAM },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ "no-wait", no_argument, NULL, OPT_NO_WAIT },
	{ "break-on-warn", no_argument, NULL, OPT_BREAK_ON_WARN },
	{ "stop-on", required_argument, NULL, OPT_STOP_ON },
	{ "no-stop-on", required_argument, NULL, OPT_NO_STOP_ON },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "module-path", required_argument, NULL, OPT_MODULE_PATH },
	{ "timing", no_argument, NULL, OPT_TIMING },
	{ "console-log", required_argument, NULL, OPT_CONSOLE_LOG },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/*
 * The option getopt_long() just refused, as the user wrote it: a long
 * option's word (glibc moved optind past it), else the short option
 * optopt, which may sit in a group (-qz: optind still at the group).
 */
static const char *option_word(char **argv, int ind)
{
	static char short_opt[3];
	const char *word = ind > 0 ? argv[ind - 1] : "";
	if (!optopt)
		return word;	/* a long option it does not know */
	if (!strncmp(word, "--", 2)) {
		size_t len = strcspn(word + 2, "=");
		for (const struct option *o = long_options; o->name; o++) {
			if (o->val == optopt && len &&
			    !strncmp(o->name, word + 2, len))
				return word;
		}
	}
	snprintf(short_opt, sizeof(short_opt), "-%c", optopt);
	return short_opt;
}

/* Unknown, ambiguous, or given a value it does not take. */
static struct lkdb_error *bad_option(char **argv, int ind)
{
	const char *word = option_word(argv, ind);
	if (strncmp(word, "--", 2))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "unknown option %s", word);
	size_t len = strcspn(word + 2, "=");
	char *names = NULL;
	size_t n = 0;
	for (const struct option *o = long_options; o->name; o++) {
		if (strncmp(o->name, word + 2, len))
			continue;
		if (strlen(o->name) == len && word[2 + len] == '=')
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "option --%s takes no argument",
						 o->name);
		char *more = NULL;
		if (asprintf(&more, "%s%s--%s", names ? names : "",
			     names ? ", " : "", o->name) < 0) {
			free(names);
			return &lkdb_error_oom;
		}
		free(names);
		names = more;
		n++;
	}
	struct lkdb_error *err =
		n > 1 ? lkdb_error_create(LKDB_ERROR_INVALID,
					  "ambiguous option %.*s (%s)",
					  (int)len + 2, word, names) :
			lkdb_error_create(LKDB_ERROR_INVALID,
					  "unknown option %s", word);
	free(names);
	return err;
}

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
	/* Decimal, or hex after 0x; no sign, space or C's octal. */
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *digits = hex ? s + 2 : s;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(digits, &end, hex ? 16 : 10);
	if (errno || end == digits || *end ||
	    !(hex ? isxdigit((unsigned char)*digits) :
		    isdigit((unsigned char)*digits)))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: not a number: \"%s\"", opt, s);
	*ret = v;
	return NULL;
}

/* --stop-on KIND[,KIND...]: the words of panic_stop_sites(), or all. */
static struct lkdb_error *parse_stop_on(const char *opt, const char *list,
					unsigned int *ret)
{
	size_t nr;
	const struct panic_stop_site *sites = panic_stop_sites(&nr);
	const char *p = list;
	do {
		size_t len = strcspn(p, ",");
		bool known = false;
		for (size_t i = 0; i < nr; i++) {
			bool all = len == 3 && !memcmp(p, "all", 3);
			if (all || (strlen(sites[i].option) == len &&
				    !memcmp(p, sites[i].option, len))) {
				*ret |= 1u << sites[i].kind;
				known = true;
			}
		}
		if (!known) {
			char words[160] = "";
			for (size_t i = 0; i < nr; i++) {
				strncat(words, sites[i].option,
					sizeof(words) - strlen(words) - 1);
				strncat(words, ", ", sizeof(words) - strlen(words) - 1);
			}
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "%s: unknown kind \"%.*s\" (%sall)",
						 opt, (int)len, p, words);
		}
		p += len;
	} while (*p++ == ',');
	return NULL;
}

/* lkdb qemu [OPTIONS] VMLINUX -- QEMU-ARGS: options end at "--". */
static struct lkdb_error *split_qemu_args(int *argc, char ***argv,
					  struct lkdb_options *o)
{
	o->qemu = true;
	int dashes = 2;
	while (dashes < *argc && strcmp((*argv)[dashes], "--"))
		dashes++;
	if (dashes == *argc)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "lkdb qemu: no \"--\" before QEMU's arguments (lkdb qemu [OPTIONS] VMLINUX -- QEMU-ARGS)");
	o->qemu_args = *argv + dashes + 1;
	o->qemu_nargs = *argc - dashes - 1;
	(*argv)[dashes] = NULL;
	/* getopt sees "qemu" as the program name. */
	(*argv)++;
	*argc = dashes - 1;
	return NULL;
}

/* One option getopt_long returned (c) into o. */
static struct lkdb_error *take_option(int c, char **argv,
				      struct lkdb_options *o)
{
	uint64_t n = 0;
	struct lkdb_error *err = NULL;
	switch (c) {
	case 'r':
		o->remote = optarg;
		break;
	case 'c':
		return add_script(o, SCRIPT_COMMAND, optarg);
	case 'x':
		return add_script(o, SCRIPT_FILE, optarg);
	case OPT_GDB:
		o->gdb_path = optarg;
		break;
	case OPT_FORCE:
		o->force = true;
		break;
	case OPT_KASLR_OFFSET:
		o->has_kaslr_offset = true;
		return parse_u64("--kaslr-offset", optarg, &o->kaslr_offset);
	case OPT_CONNECT_TIMEOUT:
		err = parse_u64("--connect-timeout", optarg, &n);
		if (!err && (n == 0 || n > 3600))
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"--connect-timeout: %s is not between 1 and 3600 seconds",
						optarg);
		o->connect_timeout_s = (int)n;
		return err;
	case OPT_NO_INDEX_CACHE:
		o->no_index_cache = true;
		break;
	case OPT_NO_GUEST_RAM:
		o->no_guest_ram = true;
		break;
	case OPT_JSON:
		o->json = true;
		break;
	case OPT_WAIT:
		o->wait = true;
		break;
	case OPT_NO_WAIT:
		o->no_wait = true;
		break;
	case OPT_BREAK_ON_WARN:
		o->stop_on |= 1u << PANIC_STOP_WARN;
		break;
	case OPT_STOP_ON:
		return parse_stop_on("--stop-on", optarg, &o->stop_on);
	case OPT_NO_STOP_ON:
		return parse_stop_on("--no-stop-on", optarg, &o->stop_off);
	case OPT_SOURCE:
		o->source_dir = optarg;
		break;
	case OPT_MODULE_PATH:
		o->module_path = optarg;
		break;
	case OPT_TIMING:
		o->timing = true;
		break;
	case OPT_CONSOLE_LOG:
		o->console_log = optarg;
		break;
	case 'q':
		o->quiet = true;
		break;
	case 'h':
		lkdb_print_usage(stdout);
		o->exit_now = true;
		break;
	case 'V':
		printf("lkdb %s\n", LKDB_VERSION);
		o->exit_now = true;
		break;
	case ':':
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "option %s needs an argument",
					 option_word(argv, optind));
	default:
		return bad_option(argv, optind);
	}
	return NULL;
}

/* VMLINUX [VMCORE] after the options, and the options that clash. */
static struct lkdb_error *check_operands(int argc, char **argv,
					 struct lkdb_options *o)
{
	int rest = argc - optind;
	if (rest < 1)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "missing VMLINUX (see lkdb --help)");
	if (rest > 2)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "too many arguments: \"%s\" (see lkdb --help)",
					 argv[optind + 2]);
	o->vmlinux = argv[optind];
	o->vmcore = rest == 2 ? argv[optind + 1] : NULL;
	if (o->vmcore && o->remote)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "give either --remote or a VMCORE, not both");
	if (o->qemu && (o->remote || o->vmcore))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "lkdb qemu: QEMU is the target; no --remote or VMCORE");
	if (o->qemu && !o->qemu_nargs)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "lkdb qemu: no QEMU arguments after \"--\" (at least -kernel FILE)");
	if (o->wait && o->no_wait)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "give either --wait or --no-wait, not both");
	if (o->wait && !o->remote && !o->qemu)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "--wait needs a live target (--remote HOST:PORT or lkdb qemu)");
	if (o->qemu && o->no_wait)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "lkdb qemu always waits; --no-wait does not apply");
	if (o->console_log && !o->qemu)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "--console-log is for lkdb qemu");
	if (o->qemu) {
		o->wait = true;
		if (!o->console_log)
			o->console_log = "lkdb-console.log";
	}
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
	int c;
	if (argc > 1 && !strcmp(argv[1], "qemu") &&
	    (err = split_qemu_args(&argc, &argv, &o)))
		return err;
	opterr = 0;
	optind = 1;
	while (!err && (c = getopt_long(argc, argv, ":r:c:x:qhV",
					long_options, NULL)) != -1)
		err = take_option(c, argv, &o);
	if (!err && !o.exit_now)
		err = check_operands(argc, argv, &o);
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
