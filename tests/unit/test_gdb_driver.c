// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The gdb driver against a real gdb debugging a tiny program (argv[1]).
 * gdb comes from PATH (or $LKDB_TEST_GDB).
 */
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mi/gdb_driver.h"
#include "tap.h"

static const char *inferior;
static const char *gdb_path;
static volatile sig_atomic_t interrupt_flag;

static struct gdb_driver *start(void)
{
	struct gdb_driver_options o = {
		.gdb_path = gdb_path,
		.interrupt_flag = &interrupt_flag,
	};
	struct gdb_driver *d = NULL;
	struct lkdb_error *err = gdb_driver_create(&o, NULL, &d);
	if (err) {
		printf("# %s\n", err->message);
		lkdb_error_destroy(err);
		return NULL;
	}
	return d;
}

static bool call_done(struct gdb_driver *d, const char *op,
		      const char *const *argv, size_t argc)
{
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_call(d, 0, 10000, op, argv, argc,
						 &r);
	if (err) {
		printf("# %s: %s\n", op, err->message);
		lkdb_error_destroy(err);
		return false;
	}
	bool ok = r.record->result_class == MI_CLASS_DONE ||
		  r.record->result_class == MI_CLASS_RUNNING;
	if (!ok)
		printf("# %s: %s\n", op, r.record->line);
	gdb_call_result_deinit(&r);
	return ok;
}

static char *console(struct gdb_driver *d, const char *cmd)
{
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_console(d, GDB_CALL_CAPTURE, 10000,
						    cmd, &r);
	if (err) {
		lkdb_error_destroy(err);
		return NULL;
	}
	char *text = r.console;
	r.console = NULL;
	gdb_call_result_deinit(&r);
	return text;
}

TEST(missing_gdb_gives_a_clear_error)
{
	struct gdb_driver_options o = { .gdb_path = "/nonexistent/gdb" };
	struct gdb_driver *d = NULL;
	struct lkdb_error *err = gdb_driver_create(&o, NULL, &d);
	CHECK(err != NULL && d == NULL);
	CHECK(err && strstr(err->message, "/nonexistent/gdb"));
	CHECK(err && strstr(err->message, "No such file"));
	lkdb_error_destroy(err);
}

TEST(console_output_is_captured)
{
	struct gdb_driver *d = start();
	CHECK(d != NULL);
	if (!d)
		return;
	char *text = console(d, "print 40 + 2");
	CHECK_STR(text, "$1 = 42\n");
	free(text);
	gdb_driver_destroy(d);
}

TEST(gdb_error_is_data_not_failure)
{
	struct gdb_driver *d = start();
	if (!d)
		return;
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_console(d, 0, 10000,
						    "no-such-command", &r);
	CHECK(err == NULL);
	CHECK(!err && r.record->result_class == MI_CLASS_ERROR);
	const char *msg = err ? NULL : gdb_result_error_message(r.record);
	CHECK(msg && strstr(msg, "Undefined command"));
	if (!err)
		gdb_call_result_deinit(&r);
	lkdb_error_destroy(err);
	/* call_ok turns it into an lkdb error carrying gdb's message. */
	err = gdb_driver_call_ok(d, 0, 10000, "-no-such-mi-command", NULL, 0,
				 &r);
	CHECK(err && err->code == LKDB_ERROR_GDB);
	CHECK(err && strstr(err->message, "-no-such-mi-command"));
	lkdb_error_destroy(err);
	gdb_driver_destroy(d);
}

TEST(breakpoint_stop_is_queued_as_async)
{
	struct gdb_driver *d = start();
	if (!d)
		return;
	const char *file[] = { inferior };
	CHECK(call_done(d, "-file-exec-and-symbols", file, 1));
	const char *bp[] = { "main" };
	CHECK(call_done(d, "-break-insert", bp, 1));
	CHECK(call_done(d, "-exec-run", NULL, 0));
	struct mi_output *stopped = NULL;
	struct lkdb_error *err = gdb_driver_wait_stopped(d, 20000, &stopped);
	CHECK(err == NULL && stopped != NULL);
	CHECK(!gdb_driver_target_running(d));
	if (stopped) {
		CHECK_STR(mi_value_string(stopped->results, "reason"),
			  "breakpoint-hit");
		const struct mi_value *frame = mi_value_find(stopped->results,
							     "frame");
		CHECK(frame && frame->kind == MI_VALUE_TUPLE);
		CHECK_STR(frame ? mi_value_string(frame->children, "func") :
			  NULL, "main");
	}
	mi_output_destroy(stopped);
	lkdb_error_destroy(err);
	gdb_driver_destroy(d);
}

static void *raise_interrupt(void *arg)
{
	(void)arg;
	usleep(500000);
	interrupt_flag = 1;
	return NULL;
}

TEST(interrupt_stops_a_running_target)
{
	struct gdb_driver *d = start();
	if (!d)
		return;
	const char *file[] = { inferior };
	CHECK(call_done(d, "-file-exec-and-symbols", file, 1));
	const char *args[] = { "spin" };
	CHECK(call_done(d, "-exec-arguments", args, 1));
	CHECK(call_done(d, "-exec-run", NULL, 0));
	CHECK(gdb_driver_target_running(d));
	pthread_t t;
	pthread_create(&t, NULL, raise_interrupt, NULL);
	struct mi_output *stopped = NULL;
	struct lkdb_error *err = gdb_driver_wait_stopped(d, 20000, &stopped);
	pthread_join(t, NULL);
	CHECK(err == NULL && stopped != NULL);
	if (stopped) {
		CHECK_STR(mi_value_string(stopped->results, "reason"),
			  "signal-received");
		CHECK_STR(mi_value_string(stopped->results, "signal-name"),
			  "SIGINT");
	}
	CHECK(!gdb_driver_target_running(d));
	mi_output_destroy(stopped);
	lkdb_error_destroy(err);
	gdb_driver_destroy(d);
}

TEST(timeout_then_late_reply_is_dropped)
{
	struct gdb_driver *d = start();
	if (!d)
		return;
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_console(d, 0, 200, "shell sleep 1",
						    &r);
	CHECK(err && err->code == LKDB_ERROR_TIMEOUT);
	lkdb_error_destroy(err);
	/* The next answer must be this call's, not the stale ^done. */
	char *text = console(d, "print 7");
	CHECK_STR(text, "$1 = 7\n");
	free(text);
	gdb_driver_destroy(d);
}

TEST(gdb_death_is_reported_not_hung)
{
	struct gdb_driver *d = start();
	if (!d)
		return;
	struct gdb_call_result r;
	/* The shell's parent is gdb. */
	struct lkdb_error *err = gdb_driver_console(d, 0, 10000,
						    "shell kill -9 $PPID", &r);
	CHECK(err && err->code == LKDB_ERROR_GDB_EXITED);
	CHECK(err && strstr(err->message, "signal 9"));
	lkdb_error_destroy(err);
	CHECK(!gdb_driver_alive(d));
	err = gdb_driver_console(d, 0, 10000, "print 1", &r);
	CHECK(err && err->code == LKDB_ERROR_GDB_EXITED);
	lkdb_error_destroy(err);
	gdb_driver_destroy(d);
}

TEST(injected_newline_stays_one_argument)
{
	struct gdb_driver *d = start();
	if (!d)
		return;
	/*
	 * -interpreter-exec decodes its quoted arguments; "echo" prints its
	 * text back (it would interpret backslashes itself, so none here).
	 */
	const char *payload = "a\"b\n-gdb-exit\n9-gdb-exit\x01 \"end";
	char *cmd;
	CHECK(asprintf(&cmd, "echo %s", payload) > 0);
	char *text = console(d, cmd);
	free(cmd);
	CHECK_STR(text, payload);
	free(text);
	CHECK(gdb_driver_alive(d));
	text = console(d, "print 5");
	CHECK_STR(text, "$1 = 5\n");
	free(text);
	gdb_driver_destroy(d);
}

TEST(sent_commands_are_collected_by_token_in_any_order)
{
	struct gdb_driver *d = start();
	if (!d)
		return;
	const char *a[] = { "console", "print 11" };
	const char *b[] = { "console", "print 22" };
	unsigned long long ta = 0, tb = 0;
	CHECK(!gdb_driver_send(d, "-interpreter-exec", a, 2, &ta));
	CHECK(!gdb_driver_send(d, "-interpreter-exec", b, 2, &tb));
	CHECK(ta != tb);
	/* A synchronous call in between must not eat their results. */
	char *text = console(d, "print 33");
	CHECK_STR(text, "$3 = 33\n");
	free(text);
	struct gdb_call_result r;
	CHECK(!gdb_driver_collect(d, GDB_CALL_QUIET, 10000, tb, &r));
	CHECK(r.record && r.record->has_token && r.record->token == tb);
	CHECK(r.record && r.record->result_class == MI_CLASS_DONE);
	gdb_call_result_deinit(&r);
	CHECK(!gdb_driver_collect(d, GDB_CALL_QUIET, 10000, ta, &r));
	CHECK(r.record && r.record->token == ta);
	gdb_call_result_deinit(&r);
	/* Collected once: a second collect is an error, not a hang. */
	struct lkdb_error *err = gdb_driver_collect(d, 0, 1000, ta, &r);
	CHECK(err && err->code == LKDB_ERROR_INVALID);
	lkdb_error_destroy(err);
	gdb_driver_destroy(d);
}

/*
 * The dump session's shape: setup commands sent in the background, then a
 * wait for an asynchronous record while their results arrive.  The results
 * must be kept for collecting, not dropped (a prompt that hung forever).
 */
TEST(results_of_sent_commands_survive_an_async_wait)
{
	struct gdb_driver *d = start();
	if (!d)
		return;
	const char *a[] = { "console", "print 11" };
	unsigned long long ta = 0;
	CHECK(!gdb_driver_send(d, "-interpreter-exec", a, 2, &ta));
	/* Its ^done arrives while nobody collects (startup records first). */
	struct mi_output *out = NULL;
	struct lkdb_error *err;
	do {
		mi_output_destroy(out);
		err = gdb_driver_next_async(d, 1000, &out);
	} while (!err && out);
	CHECK(err == NULL);
	struct gdb_call_result r;
	err = gdb_driver_collect(d, GDB_CALL_QUIET, 2000, ta, &r);
	CHECK(err == NULL);
	CHECK(!err && r.record->token == ta &&
	      r.record->result_class == MI_CLASS_DONE);
	if (!err)
		gdb_call_result_deinit(&r);
	lkdb_error_destroy(err);
	gdb_driver_destroy(d);
}

/*
 * Ctrl-C while gdb is busy with a command that ignores SIGINT: lkdb stops
 * waiting (LKDB_ERROR_INTERRUPTED) and the session goes on; the stale
 * answer and its output are never taken for a later command's.
 */
TEST(interrupt_of_busy_gdb_returns_and_session_goes_on)
{
	struct gdb_driver *d = start();
	if (!d)
		return;
	pthread_t t;
	pthread_create(&t, NULL, raise_interrupt, NULL);
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_console(
		d, 0, GDB_TIMEOUT_NONE,
		"shell trap '' INT; sleep 4; echo late-output", &r);
	pthread_join(t, NULL);
	CHECK(err && err->code == LKDB_ERROR_INTERRUPTED);
	/* The flag stays set for the caller's own loops to see. */
	CHECK(interrupt_flag == 1);
	lkdb_error_destroy(err);
	interrupt_flag = 0;
	char *text = console(d, "print 8");
	CHECK_STR(text, "$1 = 8\n");
	free(text);
	gdb_driver_destroy(d);
}

/* Ctrl-C while collecting a background command: it can be collected later. */
TEST(interrupted_collect_can_be_collected_again)
{
	struct gdb_driver *d = start();
	if (!d)
		return;
	const char *a[] = { "console", "shell sleep 1" };
	unsigned long long ta = 0;
	CHECK(!gdb_driver_send(d, "-interpreter-exec", a, 2, &ta));
	interrupt_flag = 1;
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_collect(d, GDB_CALL_QUIET,
						    GDB_TIMEOUT_NONE, ta, &r);
	CHECK(err && err->code == LKDB_ERROR_INTERRUPTED);
	lkdb_error_destroy(err);
	interrupt_flag = 0;
	err = gdb_driver_collect(d, GDB_CALL_QUIET, 10000, ta, &r);
	CHECK(err == NULL);
	CHECK(!err && r.record->token == ta &&
	      r.record->result_class == MI_CLASS_DONE);
	if (!err)
		gdb_call_result_deinit(&r);
	lkdb_error_destroy(err);
	gdb_driver_destroy(d);
}

/*
 * Ctrl-C while gdb works on a command it can stop: gdb answers with an
 * error (its Quit), which the driver reports as the interrupt it is.
 */
TEST(interrupt_answered_by_gdb_is_interrupted_not_an_error)
{
	struct gdb_driver *d = start();
	if (!d)
		return;
	pthread_t t;
	pthread_create(&t, NULL, raise_interrupt, NULL);
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_console(
		d, 0, GDB_TIMEOUT_NONE, "python import time; time.sleep(5)",
		&r);
	pthread_join(t, NULL);
	CHECK(err && err->code == LKDB_ERROR_INTERRUPTED);
	lkdb_error_destroy(err);
	interrupt_flag = 0;
	char *text = console(d, "print 9");
	CHECK_STR(text, "$1 = 9\n");
	free(text);
	gdb_driver_destroy(d);
}

/*
 * Two Ctrl-Cs as a person presses them: the second once the driver has
 * taken the first (it clears the flag) and more than a burst later.
 */
static void *raise_interrupt_twice(void *arg)
{
	(void)arg;
	interrupt_flag = 1;
	for (int i = 0; interrupt_flag && i < 2000; i++)
		usleep(10000);
	usleep(1000000);
	interrupt_flag = 1;
	return NULL;
}

/*
 * Whether the "deaf" inferior has blocked SIGINT yet (its SigBlk in
 * /proc): an interrupt before that would stop it.
 */
static bool deaf_inferior_ready(void)
{
	DIR *proc = opendir("/proc");
	bool ready = false;
	struct dirent *de;
	while (proc && !ready && (de = readdir(proc))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		char path[300], cmd[4096] = "";
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(cmd, 1, sizeof(cmd) - 1, f) : 0;
		if (f)
			fclose(f);
		/* argv[0] as gdb ran it (a full path), then "deaf" */
		const char *base = strrchr(inferior, '/');
		base = base ? base + 1 : inferior;
		size_t len = strlen(cmd), blen = strlen(base);
		if (len < blen || strcmp(cmd + len - blen, base) ||
		    (len > blen && cmd[len - blen - 1] != '/') ||
		    n != len + 6 || memcmp(cmd + len + 1, "deaf", 5))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", de->d_name);
		f = fopen(path, "r");
		char line[256];
		unsigned long long blocked = 0;
		while (f && fgets(line, sizeof(line), f)) {
			if (sscanf(line, "SigBlk: %llx", &blocked) == 1)
				break;
		}
		if (f)
			fclose(f);
		ready = blocked & (1ULL << (SIGINT - 1));
	}
	if (proc)
		closedir(proc);
	return ready;
}

/*
 * A running target that does not stop when asked (a hung stub, a lost
 * network): a second Ctrl-C gives up waiting instead of waiting for ever.
 */
TEST(second_interrupt_gives_up_on_a_target_that_does_not_stop)
{
	struct gdb_driver *d = start();
	if (!d)
		return;
	const char *file[] = { inferior };
	CHECK(call_done(d, "-file-exec-and-symbols", file, 1));
	const char *args[] = { "deaf" };
	CHECK(call_done(d, "-exec-arguments", args, 1));
	CHECK(call_done(d, "-exec-run", NULL, 0));
	bool ready = false;
	for (int i = 0; !ready && i < 2000; i++) {
		ready = deaf_inferior_ready();
		if (!ready)
			usleep(10000);
	}
	CHECK(ready);
	pthread_t t;
	pthread_create(&t, NULL, raise_interrupt_twice, NULL);
	struct mi_output *stopped = NULL;
	struct lkdb_error *err = gdb_driver_wait_stopped(d, 20000, &stopped);
	pthread_join(t, NULL);
	CHECK(err && err->code == LKDB_ERROR_TARGET_LOST);
	CHECK(err && strstr(err->message, "gave up waiting"));
	mi_output_destroy(stopped);
	lkdb_error_destroy(err);
	interrupt_flag = 0;
	gdb_driver_destroy(d);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s INFERIOR\n", argv[0]);
		return 2;
	}
	inferior = argv[1];
	gdb_path = getenv("LKDB_TEST_GDB") ? getenv("LKDB_TEST_GDB") : "gdb";
	RUN(missing_gdb_gives_a_clear_error);
	RUN(console_output_is_captured);
	RUN(gdb_error_is_data_not_failure);
	RUN(breakpoint_stop_is_queued_as_async);
	RUN(interrupt_stops_a_running_target);
	RUN(timeout_then_late_reply_is_dropped);
	RUN(gdb_death_is_reported_not_hung);
	RUN(injected_newline_stays_one_argument);
	RUN(sent_commands_are_collected_by_token_in_any_order);
	RUN(results_of_sent_commands_survive_an_async_wait);
	RUN(interrupt_of_busy_gdb_returns_and_session_goes_on);
	RUN(interrupted_collect_can_be_collected_again);
	RUN(interrupt_answered_by_gdb_is_interrupted_not_an_error);
	RUN(second_interrupt_gives_up_on_a_target_that_does_not_stop);
	return tap_done();
}
