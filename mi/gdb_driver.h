/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gdb driver: runs `gdb --interpreter=mi3 -nx -q` on pipes, numbers every
 * command with a token, waits for its result record with a timeout, queues
 * asynchronous records (*stopped, =thread-created, ...) and notices when gdb
 * dies.  It knows MI, not kernels.
 *
 * gdb runs in its own process group so a terminal Ctrl-C reaches lkdb only;
 * lkdb forwards it: -exec-interrupt while the target runs, SIGINT to gdb while
 * gdb itself is busy (e.g. reading symbols).
 */
#ifndef LKDB_GDB_DRIVER_H
#define LKDB_GDB_DRIVER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"
#include "mi/mi_output.h"

struct gdb_driver;

struct gdb_driver_callbacks {
	void *context;
	/*
	 * Stream output that is not being captured: console (~), target (@),
	 * log (&), and lines that are not MI at all (MI_OUTPUT_PARSE_ERROR:
	 * text a local inferior printed on gdb's terminal).  May be NULL.
	 */
	void (*stream)(void *context, enum mi_output_kind kind,
		       const char *text, size_t len);
	/* Called about every 250 ms while a call waits.  May be NULL. */
	void (*tick)(void *context, long elapsed_ms);
};

struct gdb_driver_options {
	const char *gdb_path;			/* "gdb" searches PATH */
	const char *const *extra_args;		/* NULL-terminated, may be NULL */
	/* Set (to non-zero) by a signal handler to ask for an interrupt. */
	volatile sig_atomic_t *interrupt_flag;
	/* How long gdb may take to show its first prompt. */
	int start_timeout_ms;
};

/* What one command produced. */
struct gdb_call_result {
	struct mi_output *record;	/* the ^ result record, owned */
	char *console;			/* captured ~ text (GDB_CALL_CAPTURE) */
	size_t console_len;
};

enum {
	/* Collect console (~) output in the result instead of showing it. */
	GDB_CALL_CAPTURE = 1 << 0,
	/* Show nothing of this call: console captured, log dropped. */
	GDB_CALL_QUIET = 1 << 1,
	/*
	 * Capture target (@) output too, with the console's: what a remote
	 * stub answers to `monitor CMD` (qRcmd) arrives there.
	 */
	GDB_CALL_CAPTURE_TARGET = 1 << 2,
	/*
	 * A Ctrl-C does not break this wait (cleanup that must finish, as
	 * collecting breakpoints that are to be deleted); the timeout does.
	 */
	GDB_CALL_UNINTERRUPTED = 1 << 3,
};

#define GDB_TIMEOUT_NONE (-1)

struct lkdb_error *gdb_driver_create(const struct gdb_driver_options *options,
				     const struct gdb_driver_callbacks *cb,
				     struct gdb_driver **ret);
/*
 * Asks gdb to exit and waits for it: gdb 13 finishes writing its symbol
 * index cache in the background before it exits, which takes a few seconds
 * after a first load.  Kills it after GDB_EXIT_GRACE_MS, or at once when
 * commands sent to it are still unanswered (nobody wants their results).
 * Accepts NULL.
 */
#define GDB_EXIT_GRACE_MS 30000
void gdb_driver_destroy(struct gdb_driver *d);

/*
 * Run one MI command and wait up to timeout_ms (GDB_TIMEOUT_NONE: forever)
 * for its result record.  A ^error reply is not an lkdb error: it is in
 * ret->record for the caller to show.  Errors: LKDB_ERROR_TIMEOUT,
 * LKDB_ERROR_GDB_EXITED, LKDB_ERROR_INTERRUPTED (a Ctrl-C while gdb was
 * busy: gdb answered with an error after it, or did not answer in time),
 * LKDB_ERROR_INVALID.
 */
struct lkdb_error *gdb_driver_call(struct gdb_driver *d, unsigned flags,
				   int timeout_ms, const char *operation,
				   const char *const *argv, size_t argc,
				   struct gdb_call_result *ret);
/* As gdb_driver_call, but ^error becomes LKDB_ERROR_GDB with gdb's msg. */
struct lkdb_error *gdb_driver_call_ok(struct gdb_driver *d, unsigned flags,
				      int timeout_ms, const char *operation,
				      const char *const *argv, size_t argc,
				      struct gdb_call_result *ret);
/* Run a CLI command through -interpreter-exec console. */
struct lkdb_error *gdb_driver_console(struct gdb_driver *d, unsigned flags,
				      int timeout_ms, const char *command,
				      struct gdb_call_result *ret);
/*
 * gdb_driver_console() for a command that must work: a ^error reply is
 * the error gdb_result_error() makes of it (what: its prefix, or NULL);
 * with text_ret, the captured console text (owned; "" when none).
 */
struct lkdb_error *gdb_driver_console_ok(struct gdb_driver *d, unsigned flags,
					 int timeout_ms, const char *command,
					 const char *what, char **text_ret);
void gdb_call_result_deinit(struct gdb_call_result *result);

/*
 * Send a command without waiting: *token_ret identifies it for
 * gdb_driver_collect(), and its result is kept until collected.  Lets gdb
 * work (e.g. read symbols) while lkdb answers from elsewhere.
 */
struct lkdb_error *gdb_driver_send(struct gdb_driver *d,
				   const char *operation,
				   const char *const *argv, size_t argc,
				   unsigned long long *token_ret);
/*
 * Wait for a sent command's result, as gdb_driver_call() would (flags:
 * what to do with stream output that arrives meanwhile).
 */
struct lkdb_error *gdb_driver_collect(struct gdb_driver *d, unsigned flags,
				      int timeout_ms, unsigned long long token,
				      struct gdb_call_result *ret);

/*
 * Take the next queued asynchronous record (exec, status or notify), waiting
 * up to timeout_ms for one.  *ret is NULL on timeout.  The caller owns it.
 */
struct lkdb_error *gdb_driver_next_async(struct gdb_driver *d, int timeout_ms,
					 struct mi_output **ret);
/*
 * Wait until the target stops (*stopped), forwarding interrupts as
 * -exec-interrupt.  Returns at once when the target is not running.  *ret
 * (may be NULL) gets the *stopped record.
 */
struct lkdb_error *gdb_driver_wait_stopped(struct gdb_driver *d,
					   int timeout_ms,
					   struct mi_output **ret);

/*
 * Before ending a session: gdb still working on commands nobody waits for
 * (given up after a Ctrl-C) is asked to stop (SIGINT) and given up to
 * timeout_ms to answer them, so that the commands that follow (removing
 * breakpoints, detaching) run rather than queue behind them.
 */
void gdb_driver_settle(struct gdb_driver *d, int timeout_ms);
/*
 * gdb is still working on a command whose wait was given up (a Ctrl-C
 * it did not stop for): later commands queue behind it, and its answer
 * is dropped when it comes.
 */
bool gdb_driver_abandoned(const struct gdb_driver *d);

/* True between a *running and the next *stopped. */
bool gdb_driver_target_running(const struct gdb_driver *d);
/* How many times the target was resumed (*running) so far. */
unsigned long gdb_driver_resumes(const struct gdb_driver *d);
/*
 * How many times gdb said the target's memory was written by a command
 * (=memory-changed: `set var`, `print x = 1`) so far.
 */
unsigned long gdb_driver_memory_writes(const struct gdb_driver *d);
bool gdb_driver_alive(const struct gdb_driver *d);
pid_t gdb_driver_pid(const struct gdb_driver *d);
/* The gdb ^error message of a result record, or NULL. */
const char *gdb_result_error_message(const struct mi_output *record);
/*
 * A ^error result record as LKDB_ERROR_GDB with gdb's message ("gdb
 * error" when it has none), prefixed "WHAT: " when what is not NULL;
 * NULL for any other record.
 */
struct lkdb_error *gdb_result_error(const struct mi_output *record,
				    const char *what);

#endif
