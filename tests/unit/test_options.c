// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lkdb's command line (frontend/core/options.c): the forms it takes, and for
 * each bad one the single line main() prints after "lkdb: ".
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "frontend/core/options.h"
#include "kernel-helpers/decode/panic.h"
#include "tap.h"

/* argv as main() gets it: getopt permutes it, lkdb qemu cuts it. */
#define ARGV(...) ((char *[]){ "lkdb", __VA_ARGS__, NULL })

static struct lkdb_error *parse(char **argv, struct lkdb_options *ret)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	return lkdb_options_parse(argc, argv, ret);
}

/* What the process writes on fd (1 or 2) between begin and end. */
struct capture {
	int fd;
	int saved;
	FILE *file;
};

static void capture_begin(struct capture *c, int fd)
{
	fflush(NULL);
	c->fd = fd;
	c->file = tmpfile();
	c->saved = dup(fd);
	CHECK(c->file && c->saved >= 0 && dup2(fileno(c->file), fd) == fd);
}

static char *capture_end(struct capture *c)
{
	fflush(NULL);
	if (!c->file || c->saved < 0)
		return NULL;
	dup2(c->saved, c->fd);
	close(c->saved);
	off_t size = lseek(fileno(c->file), 0, SEEK_END);
	char *text = calloc(1, size > 0 ? (size_t)size + 1 : 1);
	if (text && size > 0 &&
	    pread(fileno(c->file), text, (size_t)size, 0) != size) {
		free(text);
		text = NULL;
	}
	fclose(c->file);
	return text;
}

/*
 * The message of argv's error, or NULL when argv parses.  Parsing prints
 * nothing itself (getopt's own complaints are off), so main()'s line is
 * all the user sees.
 */
static char *error_of(char **argv)
{
	struct capture out, err_out;
	struct lkdb_options o;
	capture_begin(&out, 1);
	capture_begin(&err_out, 2);
	struct lkdb_error *err = parse(argv, &o);
	char *printed_err = capture_end(&err_out);
	char *printed = capture_end(&out);
	CHECK_STR(printed, "");
	CHECK_STR(printed_err, "");
	free(printed);
	free(printed_err);
	if (!err) {
		lkdb_options_deinit(&o);
		return NULL;
	}
	CHECK(err->code == LKDB_ERROR_INVALID);
	char *message = strdup(err->message);
	lkdb_error_destroy(err);
	return message;
}

#define CHECK_ERROR(want, ...)						\
	do {								\
		char *got = error_of(ARGV(__VA_ARGS__));		\
		CHECK_STR(got, want);					\
		CHECK(!got || !strchr(got, '\n'));			\
		free(got);						\
	} while (0)

/* Parse argv into *o, or fail the test and leave it. */
#define PARSE_OK(argv, o)						\
	do {								\
		struct lkdb_error *parse_err = parse((argv), (o));	\
		if (parse_err) {					\
			printf("#   %s:%d: refused: %s\n", __FILE__,	\
			       __LINE__, parse_err->message);		\
			lkdb_error_destroy(parse_err);			\
			tap_current_failed = 1;				\
			return;						\
		}							\
	} while (0)

TEST(vmlinux_alone_is_symbols_only_with_the_defaults)
{
	struct lkdb_options o;
	PARSE_OK(ARGV("vmlinux"), &o);
	CHECK_STR(o.vmlinux, "vmlinux");
	CHECK(!o.vmcore && !o.remote && !o.qemu);
	CHECK_STR(o.gdb_path, LKDB_DEFAULT_GDB);
	CHECK(o.connect_timeout_s == 10);
	CHECK(!o.has_kaslr_offset && !o.force && !o.json && !o.quiet);
	CHECK(!o.no_index_cache && !o.no_guest_ram && !o.timing);
	CHECK(!o.wait && !o.no_wait && !o.stop_on && !o.exit_now);
	CHECK(!o.module_path && !o.console_log && o.script_len == 0);
	lkdb_options_deinit(&o);
}

TEST(vmlinux_and_vmcore_is_a_dump)
{
	struct lkdb_options o;
	PARSE_OK(ARGV("vmlinux", "vmcore"), &o);
	CHECK_STR(o.vmlinux, "vmlinux");
	CHECK_STR(o.vmcore, "vmcore");
	CHECK(!o.remote && !o.qemu);
	lkdb_options_deinit(&o);
}

TEST(remote_host_port_is_a_live_target_before_or_after_vmlinux)
{
	struct lkdb_options o;
	PARSE_OK(ARGV("-r", "localhost:1234", "vmlinux"), &o);
	CHECK_STR(o.remote, "localhost:1234");
	CHECK_STR(o.vmlinux, "vmlinux");
	CHECK(!o.vmcore);
	lkdb_options_deinit(&o);
	PARSE_OK(ARGV("vmlinux", "--remote", ":1234"), &o);
	CHECK_STR(o.remote, ":1234");
	CHECK_STR(o.vmlinux, "vmlinux");
	lkdb_options_deinit(&o);
	PARSE_OK(ARGV("--remote=10.0.0.2:1", "vmlinux"), &o);
	CHECK_STR(o.remote, "10.0.0.2:1");
	lkdb_options_deinit(&o);
}

TEST(commands_and_scripts_are_kept_in_the_order_given)
{
	struct lkdb_options o;
	PARSE_OK(ARGV("-c", "sys", "vmlinux", "-x", "setup.lkdb",
		      "--command=ps --json", "-c", "sys", "--script", "b.lkdb"),
		 &o);
	CHECK_STR(o.vmlinux, "vmlinux");
	CHECK(o.script_len == 5);
	if (o.script_len == 5) {
		static const struct {
			enum lkdb_script_kind kind;
			const char *text;
		} want[] = {
			{ SCRIPT_COMMAND, "sys" },
			{ SCRIPT_FILE, "setup.lkdb" },
			{ SCRIPT_COMMAND, "ps --json" },
			{ SCRIPT_COMMAND, "sys" },
			{ SCRIPT_FILE, "b.lkdb" },
		};
		for (size_t i = 0; i < 5; i++) {
			CHECK(o.script[i].kind == want[i].kind);
			CHECK_STR(o.script[i].text, want[i].text);
		}
	}
	lkdb_options_deinit(&o);
	CHECK(!o.script && o.script_len == 0);
}

TEST(switches_and_paths)
{
	struct lkdb_options o;
	PARSE_OK(ARGV("--json", "-q", "--force", "--no-index-cache",
		      "--no-guest-ram", "--timing", "--gdb", "/opt/gdb",
		      "--module-path", "/lib/modules/x", "vmlinux"), &o);
	CHECK(o.json && o.quiet && o.force && o.no_index_cache);
	CHECK(o.no_guest_ram && o.timing);
	CHECK_STR(o.gdb_path, "/opt/gdb");
	CHECK_STR(o.module_path, "/lib/modules/x");
	CHECK(!o.wait && !o.stop_on);
	lkdb_options_deinit(&o);
	PARSE_OK(ARGV("--quiet", "--module-path=mods", "vmlinux"), &o);
	CHECK(o.quiet);
	CHECK_STR(o.module_path, "mods");
	lkdb_options_deinit(&o);
}

TEST(kaslr_offset_and_connect_timeout_take_numbers)
{
	struct lkdb_options o;
	PARSE_OK(ARGV("--kaslr-offset", "0x1e000000", "vmlinux"), &o);
	CHECK(o.has_kaslr_offset && o.kaslr_offset == 0x1e000000);
	lkdb_options_deinit(&o);
	/* 0 is an offset (KASLR off), not "none given" */
	PARSE_OK(ARGV("--kaslr-offset=0", "vmlinux"), &o);
	CHECK(o.has_kaslr_offset && o.kaslr_offset == 0);
	lkdb_options_deinit(&o);
	PARSE_OK(ARGV("--kaslr-offset", "0xffffffffffffffff", "vmlinux"), &o);
	CHECK(o.kaslr_offset == UINT64_MAX);
	lkdb_options_deinit(&o);
	PARSE_OK(ARGV("--connect-timeout", "1", "vmlinux"), &o);
	CHECK(o.connect_timeout_s == 1);
	lkdb_options_deinit(&o);
	PARSE_OK(ARGV("--connect-timeout=3600", "vmlinux"), &o);
	CHECK(o.connect_timeout_s == 3600);
	lkdb_options_deinit(&o);
}

TEST(wait_and_no_wait_for_a_live_target)
{
	struct lkdb_options o;
	PARSE_OK(ARGV("-r", ":1234", "--wait", "--break-on-warn", "vmlinux"),
		 &o);
	CHECK(o.wait && !o.no_wait && o.stop_on == 1u << PANIC_STOP_WARN);
	lkdb_options_deinit(&o);
	PARSE_OK(ARGV("-r", ":1234", "--no-wait", "vmlinux"), &o);
	CHECK(!o.wait && o.no_wait);
	lkdb_options_deinit(&o);
}

TEST(stop_on_takes_kinds_by_word_or_all)
{
	struct lkdb_options o;
	PARSE_OK(ARGV("-r", ":1234", "--stop-on", "softlockup,hung-task",
		      "--stop-on=oom", "vmlinux"), &o);
	CHECK(o.stop_on == (1u << PANIC_STOP_SOFTLOCKUP |
			    1u << PANIC_STOP_HUNG_TASK | 1u << PANIC_STOP_OOM));
	lkdb_options_deinit(&o);
	PARSE_OK(ARGV("-r", ":1234", "--stop-on", "all", "vmlinux"), &o);
	CHECK(o.stop_on == (1u << PANIC_STOP_WARN | 1u << PANIC_STOP_SOFTLOCKUP |
			    1u << PANIC_STOP_HUNG_TASK |
			    1u << PANIC_STOP_RCU_STALL | 1u << PANIC_STOP_OOM |
			    1u << PANIC_STOP_KASAN | 1u << PANIC_STOP_KFENCE |
			    1u << PANIC_STOP_UBSAN | 1u << PANIC_STOP_LOCKDEP |
			    1u << PANIC_STOP_SLAB));
	CHECK(o.stop_off == 0);
	lkdb_options_deinit(&o);
	/* The debug kernel's detectors, on by default, turned off by word. */
	PARSE_OK(ARGV("-r", ":1234", "--no-stop-on", "kasan,lockdep", "vmlinux"),
		 &o);
	CHECK(o.stop_on == 0 &&
	      o.stop_off == (1u << PANIC_STOP_KASAN | 1u << PANIC_STOP_LOCKDEP));
	lkdb_options_deinit(&o);
	struct lkdb_error *off = parse(ARGV("-r", ":1234", "--no-stop-on",
					    "kasn", "vmlinux"), &o);
	CHECK(off && strstr(off->message, "--no-stop-on: unknown kind \"kasn\"") &&
	      strstr(off->message, "kfence"));
	lkdb_error_destroy(off);
	struct lkdb_error *err = parse(ARGV("-r", ":1234", "--stop-on",
					    "oom,lockup", "vmlinux"), &o);
	CHECK(err && strstr(err->message, "--stop-on: unknown kind \"lockup\"") &&
	      strstr(err->message, "rcu-stall") && !strchr(err->message, '\n'));
	lkdb_error_destroy(err);
	err = parse(ARGV("-r", ":1234", "--stop-on", "warn,", "vmlinux"), &o);
	CHECK(err && strstr(err->message, "unknown kind \"\""));
	lkdb_error_destroy(err);
}

TEST(qemu_takes_lkdb_options_before_dashes_and_qemu_arguments_after)
{
	char **argv = ARGV("qemu", "--json", "vmlinux", "--", "-kernel",
			   "bzImage", "-c", "x", "--json");
	struct lkdb_options o;
	PARSE_OK(argv, &o);
	CHECK(o.qemu && o.json);
	CHECK_STR(o.vmlinux, "vmlinux");
	CHECK(!o.remote && !o.vmcore);
	/* QEMU's -c is QEMU's */
	CHECK(o.script_len == 0);
	CHECK(o.qemu_nargs == 5);
	if (o.qemu_nargs == 5) {
		CHECK_STR(o.qemu_args[0], "-kernel");
		CHECK_STR(o.qemu_args[1], "bzImage");
		CHECK_STR(o.qemu_args[2], "-c");
		CHECK_STR(o.qemu_args[4], "--json");
	}
	/* lkdb qemu always waits; its console goes to a file */
	CHECK(o.wait);
	CHECK_STR(o.console_log, "lkdb-console.log");
	lkdb_options_deinit(&o);

	argv = ARGV("qemu", "--console-log", "boot.log", "-c", "sys",
		    "vmlinux", "--", "-m", "256");
	PARSE_OK(argv, &o);
	CHECK_STR(o.console_log, "boot.log");
	CHECK(o.script_len == 1 && o.script[0].kind == SCRIPT_COMMAND);
	CHECK(o.qemu_nargs == 2);
	lkdb_options_deinit(&o);
}

/* What argv prints on stdout; it must parse and have lkdb exit. */
static char *printed_to_exit(char **argv)
{
	struct lkdb_options o;
	struct capture out;
	capture_begin(&out, 1);
	struct lkdb_error *err = parse(argv, &o);
	char *printed = capture_end(&out);
	CHECK(!err);
	if (err) {
		lkdb_error_destroy(err);
		return printed;
	}
	CHECK(o.exit_now);
	lkdb_options_deinit(&o);
	return printed;
}

#define CHECK_PRINTS_AND_EXITS(want, ...)				\
	do {								\
		char *printed = printed_to_exit(ARGV(__VA_ARGS__));	\
		CHECK_STR(printed, want);				\
		free(printed);						\
	} while (0)

TEST(help_and_version_print_and_exit_without_vmlinux)
{
	char *usage = NULL;
	size_t usage_len;
	FILE *f = open_memstream(&usage, &usage_len);
	CHECK(f);
	if (!f)
		return;
	lkdb_print_usage(f);
	fclose(f);
	CHECK(!strncmp(usage, "Usage: lkdb [OPTIONS] VMLINUX ", 30));
	CHECK_PRINTS_AND_EXITS(usage, "-h");
	CHECK_PRINTS_AND_EXITS(usage, "--help");
	CHECK_PRINTS_AND_EXITS(usage, "-q", "--help");
	free(usage);
	CHECK_PRINTS_AND_EXITS("lkdb " LKDB_VERSION "\n", "-V");
	CHECK_PRINTS_AND_EXITS("lkdb " LKDB_VERSION "\n", "--version");
}

TEST(an_unknown_option_is_named)
{
	CHECK_ERROR("unknown option --bogus", "--bogus", "vmlinux");
	CHECK_ERROR("unknown option --bogus=1", "vmlinux", "--bogus=1");
	CHECK_ERROR("unknown option -z", "-z", "vmlinux");
	/* in a group of short options: the one refused, not a word near it */
	CHECK_ERROR("unknown option -z", "-qz", "vmlinux");
	CHECK_ERROR("unknown option -z", "vmlinux", "-qz");
	CHECK_ERROR("unknown option -z", "--json", "-zq", "vmlinux");
	/* a value for an option that takes none, an ambiguous abbreviation */
	CHECK_ERROR("option --json takes no argument", "vmlinux", "--json=1");
	CHECK_ERROR("option --quiet takes no argument", "--quiet=yes",
		    "vmlinux");
	CHECK_ERROR("ambiguous option --no (--no-index-cache, --no-guest-ram, --no-wait, --no-stop-on)",
		    "vmlinux", "--no");
	/* the -c before it is freed (ASan's leak check) */
	CHECK_ERROR("unknown option --bogus", "-c", "sys", "--bogus",
		    "vmlinux");
}

TEST(an_option_without_its_argument_is_named)
{
	CHECK_ERROR("option -c needs an argument", "vmlinux", "-c");
	CHECK_ERROR("option -r needs an argument", "vmlinux", "-r");
	CHECK_ERROR("option -x needs an argument", "vmlinux", "-x");
	CHECK_ERROR("option --remote needs an argument", "vmlinux",
		    "--remote");
	CHECK_ERROR("option --gdb needs an argument", "vmlinux", "--gdb");
	CHECK_ERROR("option --kaslr-offset needs an argument", "vmlinux",
		    "--kaslr-offset");
	CHECK_ERROR("option --connect-timeout needs an argument", "vmlinux",
		    "--connect-timeout");
	CHECK_ERROR("option --module-path needs an argument", "vmlinux",
		    "--module-path");
	CHECK_ERROR("option --console-log needs an argument", "qemu",
		    "vmlinux", "--console-log", "--", "-kernel", "x");
}

TEST(a_bad_number_is_named_with_its_option)
{
	CHECK_ERROR("--kaslr-offset: not a number: \"12zz\"",
		    "--kaslr-offset", "12zz", "vmlinux");
	CHECK_ERROR("--kaslr-offset: not a number: \"\"",
		    "--kaslr-offset=", "vmlinux");
	CHECK_ERROR("--kaslr-offset: not a number: \"-1\"",
		    "--kaslr-offset", "-1", "vmlinux");
	CHECK_ERROR("--kaslr-offset: not a number: \"0x10000000000000000\"",
		    "--kaslr-offset", "0x10000000000000000", "vmlinux");
	CHECK_ERROR("--connect-timeout: not a number: \"ten\"",
		    "--connect-timeout", "ten", "vmlinux");
	CHECK_ERROR("--connect-timeout: not a number: \"5s\"",
		    "--connect-timeout=5s", "vmlinux");
	CHECK_ERROR("--connect-timeout: 0 is not between 1 and 3600 seconds",
		    "--connect-timeout", "0", "vmlinux");
	CHECK_ERROR("--connect-timeout: 3601 is not between 1 and 3600 seconds",
		    "--connect-timeout", "3601", "vmlinux");
	/* no space or sign before it, no bare 0x */
	CHECK_ERROR("--kaslr-offset: not a number: \" -1\"",
		    "--kaslr-offset", " -1", "vmlinux");
	CHECK_ERROR("--kaslr-offset: not a number: \"+16\"",
		    "--kaslr-offset", "+16", "vmlinux");
	CHECK_ERROR("--kaslr-offset: not a number: \"0x\"",
		    "--kaslr-offset", "0x", "vmlinux");
}

/* A leading 0 is decimal (not C's octal): 010 seconds are ten. */
TEST(numbers_are_decimal_or_0x_hex)
{
	struct lkdb_options o;
	PARSE_OK(ARGV("-r", ":1234", "--connect-timeout", "010", "vmlinux"),
		 &o);
	CHECK(o.connect_timeout_s == 10);
	lkdb_options_deinit(&o);
	PARSE_OK(ARGV("--kaslr-offset", "0X2A00000", "vmlinux"), &o);
	CHECK(o.kaslr_offset == 0x2a00000);
	lkdb_options_deinit(&o);
}

TEST(wrong_operands_and_combinations_are_refused)
{
	char *got = error_of((char *[]){ "lkdb", NULL });
	CHECK_STR(got, "missing VMLINUX (see lkdb --help)");
	free(got);
	CHECK_ERROR("missing VMLINUX (see lkdb --help)", "-c", "sys");
	CHECK_ERROR("too many arguments: \"c\" (see lkdb --help)",
		    "a", "b", "c");
	CHECK_ERROR("give either --remote or a VMCORE, not both",
		    "-r", ":1", "vmlinux", "vmcore");
	CHECK_ERROR("give either --wait or --no-wait, not both",
		    "--wait", "--no-wait", "-r", ":1", "vmlinux");
	CHECK_ERROR("--wait needs a live target (--remote HOST:PORT or lkdb qemu)",
		    "--wait", "vmlinux");
	CHECK_ERROR("--wait needs a live target (--remote HOST:PORT or lkdb qemu)",
		    "--wait", "vmlinux", "vmcore");
	CHECK_ERROR("--console-log is for lkdb qemu",
		    "--console-log", "x", "vmlinux");
}

TEST(lkdb_qemu_misuse_is_refused)
{
	CHECK_ERROR("lkdb qemu: no \"--\" before QEMU's arguments (lkdb qemu [OPTIONS] VMLINUX -- QEMU-ARGS)",
		    "qemu", "vmlinux", "-kernel", "x");
	CHECK_ERROR("lkdb qemu: no QEMU arguments after \"--\" (at least -kernel FILE)",
		    "qemu", "vmlinux", "--");
	CHECK_ERROR("missing VMLINUX (see lkdb --help)",
		    "qemu", "--", "-kernel", "x");
	CHECK_ERROR("lkdb qemu: QEMU is the target; no --remote or VMCORE",
		    "qemu", "-r", ":1", "vmlinux", "--", "-kernel", "x");
	CHECK_ERROR("lkdb qemu: QEMU is the target; no --remote or VMCORE",
		    "qemu", "vmlinux", "vmcore", "--", "-kernel", "x");
	CHECK_ERROR("lkdb qemu always waits; --no-wait does not apply",
		    "qemu", "--no-wait", "vmlinux", "--", "-kernel", "x");
}

int main(void)
{
	RUN(vmlinux_alone_is_symbols_only_with_the_defaults);
	RUN(vmlinux_and_vmcore_is_a_dump);
	RUN(remote_host_port_is_a_live_target_before_or_after_vmlinux);
	RUN(commands_and_scripts_are_kept_in_the_order_given);
	RUN(switches_and_paths);
	RUN(kaslr_offset_and_connect_timeout_take_numbers);
	RUN(wait_and_no_wait_for_a_live_target);
	RUN(stop_on_takes_kinds_by_word_or_all);
	RUN(qemu_takes_lkdb_options_before_dashes_and_qemu_arguments_after);
	RUN(help_and_version_print_and_exit_without_vmlinux);
	RUN(an_unknown_option_is_named);
	RUN(an_option_without_its_argument_is_named);
	RUN(a_bad_number_is_named_with_its_option);
	RUN(numbers_are_decimal_or_0x_hex);
	RUN(wrong_operands_and_combinations_are_refused);
	RUN(lkdb_qemu_misuse_is_refused);
	return tap_done();
}
