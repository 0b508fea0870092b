// SPDX-License-Identifier: GPL-2.0-or-later
/* lkdb: a Linux kernel debugger over gdb. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "frontend/core/commands.h"
#include "frontend/decode/decode_cmd.h"
#include "frontend/core/options.h"
#include "frontend/live/live_hooks.h"
#include "frontend/live/module_sync.h"
#include "frontend/live/panic_stop.h"
#include "frontend/live/qemu_launch.h"
#include "frontend/core/repl.h"
#include "frontend/core/session.h"
#include "frontend/terminal/terminal.h"

/* Exit statuses: documented in --help and lkdb(1). */
enum { EXIT_OK = 0, EXIT_COMMAND_FAILED = 1, EXIT_START_FAILED = 2 };

static void drain_console(void *context)
{
	qemu_launch_drain(context);
}

/*
 * lkdb qemu could not attach: when QEMU is gone, that is the reason, not
 * the connection's failure.  True if it said so.
 */
static bool explain_start_failure(struct qemu_launch *qemu,
				  const struct lkdb_options *o)
{
	char how[64];
	qemu_launch_drain(qemu);
	/* A QEMU that failed at once is reported a moment after. */
	if (qemu->guardian <= 0 ||
	    !qemu_launch_exited(qemu, 1000, how, sizeof(how)))
		return false;
	fprintf(stderr, "lkdb: QEMU exited (%s) before lkdb could attach; its messages are above%s\n",
		how,
		o->no_guest_ram ? "" :
		" (lkdb gave it a shared memfd as RAM, sized by -m: --no-guest-ram leaves that out)");
	return true;
}

static int run(struct lkdb_options *options, struct qemu_launch *qemu)
{
	bool batch = options->script_len > 0;
	bool interactive = !batch && terminal_interactive();
	struct lkdb_session_hooks hooks = { .live = &lkdb_live_hooks };
	if (options->qemu) {
		hooks.context = qemu;
		hooks.quiesce = drain_console;
	}
	struct lkdb_session session;
	struct lkdb_error *err = lkdb_session_start(&session, options, &hooks,
						    interactive);
	if (err) {
		if (!options->qemu || !explain_start_failure(qemu, options))
			fprintf(stderr, "lkdb: %s\n", err->message);
		lkdb_error_destroy(err);
		lkdb_session_end(&session);
		return EXIT_START_FAILED;
	}
	int failures = 0;
	/*
	 * Live: panic stops in a terminal session or when asked to wait;
	 * a plain batch run leaves the guest as it found it.
	 */
	bool wait = options->wait || (interactive && !options->no_wait);
	if (options->remote && (interactive || wait)) {
		err = panic_stops_arm(&session);
		if (!err)
			err = module_sync_arm(&session, true);
		if (!err && wait && !lkdb_terminating)
			err = panic_stops_continue_and_wait(&session);
		if (err) {
			if (!lkdb_terminating)
				fprintf(stderr, "lkdb: %s\n", err->message);
			lkdb_error_destroy(err);
			failures++;
		}
	}
	bool usable = !session.target_lost && gdb_driver_alive(session.gdb) &&
		      !lkdb_terminating;
	if (usable && batch)
		failures += lkdb_run_script(&session);
	else if (usable && interactive)
		/*
		 * At the prompt a failed command is the user's to see, not
		 * the exit status's (gdb's way); a lost target still is.
		 */
		lkdb_repl(&session);
	else if (usable)
		failures += lkdb_run_stream(&session, stdin, "stdin");
	if (lkdb_terminating)
		fprintf(stderr, "\nlkdb: %s: detaching and leaving\n",
			lkdb_terminating == SIGHUP ? "the terminal went away (SIGHUP)" :
			"terminated (SIGTERM)");
	char how[64];
	if (options->qemu && qemu_launch_exited(qemu, 0, how, sizeof(how)))
		fprintf(stderr, "lkdb: QEMU exited (%s)\n", how);
	bool detach = session.detach_requested && options->qemu &&
		      !qemu->exited && !lkdb_terminating;
	/* The leaving itself (breakpoints out, detach) is not interrupted. */
	lkdb_interrupted = 0;
	lkdb_session_end(&session);
	if (detach) {
		int pid = (int)qemu->pid;
		char remote[sizeof(qemu->remote)];
		memcpy(remote, qemu->remote, sizeof(remote));
		qemu_launch_detach(qemu);
		fprintf(stderr, "lkdb: QEMU (pid %d) keeps running: its gdb stub is on %s, its console goes on into %s\n"
			"lkdb: attach again with: lkdb -r %s %s   (end it with: kill %d)\n",
			pid, remote, options->console_log, remote,
			options->vmlinux, pid);
	}
	if (lkdb_terminating)
		return 128 + lkdb_terminating;
	return failures || session.target_lost ? EXIT_COMMAND_FAILED : EXIT_OK;
}

int main(int argc, char **argv)
{
	/* decode reads a log offline: no gdb, no session */
	if (argc > 1 && !strcmp(argv[1], "decode"))
		return lkdb_decode_main(argc - 1, argv + 1);
	/* Not in --help: lkdb(1)'s command list, checked by a unit test. */
	if (argc == 2 && !strcmp(argv[1], "--help-commands=man")) {
		lkdb_commands_write_man(stdout);
		return EXIT_OK;
	}

	struct lkdb_options options;
	struct lkdb_error *err = lkdb_options_parse(argc, argv, &options);
	if (err) {
		fprintf(stderr, "lkdb: %s\n", err->message);
		lkdb_error_destroy(err);
		return EXIT_START_FAILED;
	}
	if (options.exit_now)
		return EXIT_OK;
	terminal_init();

	struct qemu_launch qemu = { .pid = -1, .guardian = -1 };
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
	int status = run(&options, &qemu);
	/* lkdb started it: it ends with lkdb, as gdb's own inferiors do. */
	if (options.qemu && qemu.guardian > 0) {
		bool was_running = !qemu.exited;
		qemu_launch_stop(&qemu);
		if (was_running && !options.quiet)
			fprintf(stderr, "lkdb: stopped QEMU\n");
	}
	lkdb_options_deinit(&options);
	terminal_restore();
	return status;
}
