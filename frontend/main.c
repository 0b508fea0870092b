// SPDX-License-Identifier: GPL-2.0-or-later
/* lkdb: a Linux kernel debugger over gdb. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "decode_cmd.h"
#include "options.h"
#include "module_sync.h"
#include "panic_stop.h"
#include "qemu_launch.h"
#include "repl.h"
#include "session.h"

/* Exit statuses: documented in --help and lkdb(1). */
enum { EXIT_OK = 0, EXIT_COMMAND_FAILED = 1, EXIT_START_FAILED = 2 };

static void on_sigint(int sig)
{
	(void)sig;
	lkdb_interrupted = 1;
}

int main(int argc, char **argv)
{
	/* decode reads a log offline: no gdb, no session */
	if (argc > 1 && !strcmp(argv[1], "decode"))
		return lkdb_decode_main(argc - 1, argv + 1);

	struct lkdb_options options;
	struct lkdb_error *err = lkdb_options_parse(argc, argv, &options);
	if (err) {
		fprintf(stderr, "lkdb: %s\n", err->message);
		lkdb_error_destroy(err);
		return EXIT_START_FAILED;
	}
	if (options.exit_now)
		return EXIT_OK;

	struct sigaction sa = { .sa_handler = on_sigint };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct qemu_launch qemu = { .pid = -1 };
	if (options.qemu) {
		err = qemu_launch_start(&options, &qemu);
		if (err) {
			fprintf(stderr, "lkdb: %s\n", err->message);
			lkdb_error_destroy(err);
			lkdb_options_deinit(&options);
			return EXIT_START_FAILED;
		}
		options.remote = qemu.remote;
		options.qemu_pid = (int)qemu.pid;
		if (!options.quiet)
			fprintf(stderr, "lkdb: started QEMU (pid %d), gdb stub on %s, console kept in %s\n",
				(int)qemu.pid, qemu.remote, options.console_log);
	}

	bool batch = options.script_len > 0;
	bool interactive = !batch && isatty(STDIN_FILENO) &&
			   isatty(STDOUT_FILENO);
	struct lkdb_session session;
	err = lkdb_session_start(&session, &options, interactive);
	if (err) {
		fprintf(stderr, "lkdb: %s\n", err->message);
		lkdb_error_destroy(err);
		lkdb_session_end(&session);
		qemu_launch_stop(&qemu);
		lkdb_options_deinit(&options);
		return EXIT_START_FAILED;
	}
	int failures = 0;
	/*
	 * Live: panic stops in a terminal session or when asked to wait;
	 * a plain batch run leaves the guest as it found it.
	 */
	bool wait = options.wait || (interactive && !options.no_wait);
	if (options.remote && (interactive || wait)) {
		err = panic_stops_arm(&session);
		if (!err)
			err = module_sync_arm(&session, true);
		if (!err && wait)
			err = panic_stops_continue_and_wait(&session);
		if (err) {
			fprintf(stderr, "lkdb: %s\n", err->message);
			lkdb_error_destroy(err);
			failures++;
		}
	}
	bool usable = !session.target_lost && gdb_driver_alive(session.gdb);
	if (usable && batch)
		failures += lkdb_run_script(&session);
	else if (usable && interactive)
		failures += lkdb_repl(&session);
	else if (usable)
		failures += lkdb_run_stream(&session, stdin, "stdin");
	char how[64];
	if (options.qemu && qemu_launch_exited(&qemu, how, sizeof(how)))
		fprintf(stderr, "lkdb: QEMU exited (%s)\n", how);
	lkdb_session_end(&session);
	/* lkdb started it: it ends with lkdb, as gdb's own inferiors do. */
	if (options.qemu && qemu.pid > 0) {
		qemu_launch_stop(&qemu);
		if (!options.quiet)
			fprintf(stderr, "lkdb: stopped QEMU\n");
	}
	lkdb_options_deinit(&options);
	return failures ? EXIT_COMMAND_FAILED : EXIT_OK;
}
