// SPDX-License-Identifier: GPL-2.0-or-later
/* lkdb: a Linux kernel debugger over gdb. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "decode_cmd.h"
#include "options.h"
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

	bool batch = options.script_len > 0;
	bool interactive = !batch && isatty(STDIN_FILENO) &&
			   isatty(STDOUT_FILENO);
	struct lkdb_session session;
	err = lkdb_session_start(&session, &options, interactive);
	if (err) {
		fprintf(stderr, "lkdb: %s\n", err->message);
		lkdb_error_destroy(err);
		lkdb_session_end(&session);
		lkdb_options_deinit(&options);
		return EXIT_START_FAILED;
	}
	int failures;
	if (batch)
		failures = lkdb_run_script(&session);
	else if (interactive)
		failures = lkdb_repl(&session);
	else
		failures = lkdb_run_stream(&session, stdin, "stdin");
	lkdb_session_end(&session);
	lkdb_options_deinit(&options);
	return failures ? EXIT_COMMAND_FAILED : EXIT_OK;
}
