// SPDX-License-Identifier: GPL-2.0-or-later
#include "mi/gdb_driver.h"
#include "common/clock.h"
#include "common/fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mi/mi_command.h"
#include "mi/mi_parser.h"

/* Asynchronous records kept for the caller; older ones are dropped. */
#define ASYNC_QUEUE_MAX 4096
/* How much of gdb's stderr is kept to explain its death. */
#define STDERR_TAIL_MAX 2048
#define TICK_MS 250
/* How long gdb may take to answer after a Ctrl-C (SIGINT) before lkdb
 * stops waiting for it. */
#define INTERRUPT_GRACE_MS 1500
/* How long a running target may take to stop after a Ctrl-C. */
#define STOP_GRACE_MS 10000
/* A Ctrl-C this soon after the first is the same one. */
#define SECOND_CTRL_C_MS 500

struct record_node {
	struct mi_output *out;
	struct record_node *next;
};

struct record_queue {
	struct record_node *head, *tail;
	size_t count;
};

struct gdb_driver {
	pid_t pid;
	int to_gdb, from_gdb, err_from_gdb;
	struct mi_parser *parser;
	struct gdb_driver_callbacks cb;
	volatile sig_atomic_t *interrupt_flag;
	unsigned long long next_token;
	/* Records parsed but not yet looked at. */
	struct record_queue incoming;
	/* Asynchronous records for gdb_driver_next_async(). */
	struct record_queue async;
	/* Tokens sent by gdb_driver_send() and not yet collected ... */
	unsigned long long *sent;
	size_t nr_sent;
	/* ... and the results of theirs that already arrived. */
	struct record_queue kept;
	/*
	 * Every command sent and not yet answered, oldest first.  gdb runs
	 * them in order, so stream output belongs to the oldest one.
	 */
	unsigned long long *inflight;
	size_t nr_inflight, cap_inflight;
	/* The token wait_result() is waiting for, 0 if none. */
	unsigned long long awaited;
	/* When a Ctrl-C was passed to busy gdb as SIGINT, 0 if none. */
	long interrupted_ms;
	/* How many times busy gdb got SIGINT (a wait's answer may be Quit). */
	unsigned long sigints;
	/* The wait in progress is for a background command's result. */
	bool background_wait;
	/* The wait in progress must not be broken by Ctrl-C (cleanup). */
	bool uninterruptible;
	/* When a running target was asked to stop, 0 if it was not. */
	long stop_asked_ms;
	bool running;
	unsigned long resumes;	/* *running records seen */
	unsigned long memory_writes;	/* =memory-changed records seen */
	/*
	 * The target was resumed by a CLI command (-interpreter-exec).  gdb
	 * then runs it in the foreground, and -exec-interrupt makes gdb 13
	 * report QEMU's target as exited; SIGINT stops it as a terminal's
	 * Ctrl-C would.
	 */
	bool resumed_by_cli;
	/* Set once gdb is gone; every later call fails with it. */
	struct lkdb_error *dead;
	char stderr_tail[STDERR_TAIL_MAX];
	size_t stderr_len;
	/* Capture buffer of the call in progress (GDB_CALL_CAPTURE). */
	char *capture;
	size_t capture_len, capture_cap;
	bool capturing;
	bool quiet;
	bool capture_target;
	/* $LKDB_MI_TRACE: every line to and from gdb, for bug reports. */
	FILE *trace;
};

static bool is_sent(const struct gdb_driver *d, unsigned long long token)
{
	for (size_t i = 0; i < d->nr_sent; i++) {
		if (d->sent[i] == token)
			return true;
	}
	return false;
}

static void answered(struct gdb_driver *d, unsigned long long token)
{
	for (size_t i = 0; i < d->nr_inflight; i++) {
		if (d->inflight[i] == token) {
			memmove(&d->inflight[i], &d->inflight[i + 1],
				(d->nr_inflight - i - 1) * sizeof(*d->inflight));
			d->nr_inflight--;
			return;
		}
	}
}

static void queue_push(struct record_queue *q, struct record_node *node)
{
	node->next = NULL;
	if (q->tail)
		q->tail->next = node;
	else
		q->head = node;
	q->tail = node;
	q->count++;
}

static struct record_node *queue_pop(struct record_queue *q)
{
	struct record_node *node = q->head;
	if (!node)
		return NULL;
	q->head = node->next;
	if (!q->head)
		q->tail = NULL;
	q->count--;
	return node;
}

static void queue_clear(struct record_queue *q)
{
	struct record_node *node;
	while ((node = queue_pop(q))) {
		mi_output_destroy(node->out);
		free(node);
	}
}

static void on_output(void *context, struct mi_output *out)
{
	struct gdb_driver *d = context;
	struct record_node *node = malloc(sizeof(*node));
	if (!node) {
		/* Dropping one record beats aborting the session. */
		mi_output_destroy(out);
		return;
	}
	node->out = out;
	queue_push(&d->incoming, node);
}

static void stderr_keep(struct gdb_driver *d, const char *buf, size_t n)
{
	if (n >= STDERR_TAIL_MAX) {
		buf += n - (STDERR_TAIL_MAX - 1);
		n = STDERR_TAIL_MAX - 1;
	}
	if (d->stderr_len + n >= STDERR_TAIL_MAX) {
		size_t drop = d->stderr_len + n - (STDERR_TAIL_MAX - 1);
		memmove(d->stderr_tail, d->stderr_tail + drop,
			d->stderr_len - drop);
		d->stderr_len -= drop;
	}
	memcpy(d->stderr_tail + d->stderr_len, buf, n);
	d->stderr_len += n;
	d->stderr_tail[d->stderr_len] = '\0';
}

/* The last non-empty line gdb wrote to stderr, for death messages. */
static const char *stderr_last_line(struct gdb_driver *d, char *buf,
				    size_t size)
{
	size_t end = d->stderr_len;
	while (end && (d->stderr_tail[end - 1] == '\n' ||
		       d->stderr_tail[end - 1] == '\r'))
		end--;
	size_t start = end;
	while (start && d->stderr_tail[start - 1] != '\n')
		start--;
	size_t n = end - start < size - 1 ? end - start : size - 1;
	memcpy(buf, d->stderr_tail + start, n);
	buf[n] = '\0';
	return buf;
}

static struct lkdb_error *mark_dead(struct gdb_driver *d)
{
	if (d->dead)
		return d->dead;
	int status = 0;
	pid_t r = -1;
	/* gdb closed its pipes: it is exiting; give it a moment. */
	for (int i = 0; i < 100; i++) {
		r = waitpid(d->pid, &status, WNOHANG);
		if (r != 0)
			break;
		usleep(10000);
	}
	char how[64], last[256];
	if (r == d->pid && WIFEXITED(status))
		snprintf(how, sizeof(how), "exit status %d",
			 WEXITSTATUS(status));
	else if (r == d->pid && WIFSIGNALED(status))
		snprintf(how, sizeof(how), "killed by signal %d",
			 WTERMSIG(status));
	else
		snprintf(how, sizeof(how), "closed its output");
	if (r == d->pid)
		d->pid = -1;
	stderr_last_line(d, last, sizeof(last));
	d->dead = lkdb_error_create(LKDB_ERROR_GDB_EXITED,
				    "gdb exited unexpectedly (%s)%s%s", how,
				    last[0] ? ": " : "", last);
	d->running = false;
	return d->dead;
}

/*
 * Wait up to timeout_ms for gdb output and feed it to the parser.  Returns
 * with records in d->incoming, on timeout, or with an error if gdb died.
 */
static struct lkdb_error *pump(struct gdb_driver *d, int timeout_ms)
{
	if (d->dead)
		return d->dead;
	struct pollfd fds[2] = {
		{ .fd = d->from_gdb, .events = POLLIN },
		{ .fd = d->err_from_gdb, .events = POLLIN },
	};
	int nfds = d->err_from_gdb >= 0 ? 2 : 1;
	int r = poll(fds, nfds, timeout_ms);
	if (r < 0) {
		if (errno == EINTR)
			return NULL;
		return lkdb_error_errno(errno, "poll on gdb's output");
	}
	if (nfds == 2 && (fds[1].revents & (POLLIN | POLLHUP))) {
		char buf[1024];
		ssize_t n = read(d->err_from_gdb, buf, sizeof(buf));
		if (n > 0) {
			stderr_keep(d, buf, (size_t)n);
			if (d->cb.stream)
				d->cb.stream(d->cb.context, MI_OUTPUT_LOG,
					     buf, (size_t)n);
		} else if (n == 0) {
			close(d->err_from_gdb);
			d->err_from_gdb = -1;
		}
	}
	if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
		char buf[65536];
		ssize_t n = read(d->from_gdb, buf, sizeof(buf));
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return mark_dead(d);
		if (n == 0)
			return mark_dead(d);
		if (n > 0) {
			if (d->trace) {
				fwrite(buf, 1, (size_t)n, d->trace);
				fflush(d->trace);
			}
			struct lkdb_error *err = mi_parser_push(d->parser, buf,
								(size_t)n);
			if (err)
				return err;
		}
	}
	return NULL;
}

static void capture_add(struct gdb_driver *d, const char *text, size_t len)
{
	if (d->capture_len + len + 1 > d->capture_cap) {
		size_t cap = d->capture_cap ? d->capture_cap : 256;
		while (cap < d->capture_len + len + 1)
			cap *= 2;
		char *p = realloc(d->capture, cap);
		if (!p)
			return;
		d->capture = p;
		d->capture_cap = cap;
	}
	memcpy(d->capture + d->capture_len, text, len);
	d->capture_len += len;
	d->capture[d->capture_len] = '\0';
}

/*
 * Look at one record: streams are shown or captured, async records update
 * the run state and are queued.  Returns the node if it is a result record
 * (the caller decides whether it is the awaited one), else NULL.
 */
static struct record_node *dispatch(struct gdb_driver *d,
				    struct record_node *node)
{
	struct mi_output *out = node->out;
	switch (out->kind) {
	case MI_OUTPUT_RESULT:
		if (out->result_class == MI_CLASS_RUNNING)
			d->running = true;
		if (out->has_token)
			answered(d, out->token);
		return node;
	case MI_OUTPUT_EXEC_ASYNC:
		if (out->async_class && !strcmp(out->async_class, "running")) {
			d->running = true;
			d->resumes++;
		}
		else if (out->async_class &&
			 !strcmp(out->async_class, "stopped")) {
			d->running = false;
			d->stop_asked_ms = 0;
		}
		/* fall through */
	case MI_OUTPUT_STATUS_ASYNC:
	case MI_OUTPUT_NOTIFY_ASYNC:
		if (out->kind == MI_OUTPUT_NOTIFY_ASYNC && out->async_class &&
		    !strcmp(out->async_class, "memory-changed"))
			d->memory_writes++;
		if (d->async.count >= ASYNC_QUEUE_MAX) {
			struct record_node *old = queue_pop(&d->async);
			mi_output_destroy(old->out);
			free(old);
		}
		queue_push(&d->async, node);
		return NULL;
	case MI_OUTPUT_CONSOLE:
	case MI_OUTPUT_TARGET:
	case MI_OUTPUT_LOG: {
		/* Whose output is it?  The oldest command gdb has not answered. */
		unsigned long long owner = d->nr_inflight ? d->inflight[0] : 0;
		bool mine = owner && owner == d->awaited;
		/*
		 * A background command's output, or one's that lkdb gave up
		 * waiting for (timed out, interrupted): never shown.
		 */
		if (owner && !mine)
			break;
		if (mine && d->capturing &&
		    (out->kind == MI_OUTPUT_CONSOLE ||
		     (out->kind == MI_OUTPUT_TARGET && d->capture_target)))
			capture_add(d, out->text, out->text_len);
		else if (d->cb.stream && !(mine && d->quiet))
			d->cb.stream(d->cb.context, out->kind, out->text,
				     out->text_len);
		break;
	}
	case MI_OUTPUT_PARSE_ERROR:
		/* Not MI: e.g. a local inferior writing to gdb's terminal. */
		if (d->cb.stream && out->line) {
			d->cb.stream(d->cb.context, out->kind, out->line,
				     strlen(out->line));
			d->cb.stream(d->cb.context, out->kind, "\n", 1);
		}
		break;
	case MI_OUTPUT_PROMPT:
		break;
	}
	mi_output_destroy(out);
	free(node);
	return NULL;
}

static struct lkdb_error *send_line(struct gdb_driver *d, const char *line)
{
	size_t len = strlen(line);
	if (d->trace) {
		fprintf(d->trace, ">>> %s", line);
		fflush(d->trace);
	}
	while (len) {
		ssize_t n = write(d->to_gdb, line, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				return mark_dead(d);
			return lkdb_error_errno(errno, "write to gdb");
		}
		line += n;
		len -= (size_t)n;
	}
	return NULL;
}

static struct lkdb_error *send_command(struct gdb_driver *d,
				       unsigned long long token,
				       const char *operation,
				       const char *const *argv, size_t argc)
{
	char *line;
	struct lkdb_error *err = mi_command_build(token, operation, argv,
						  argc, &line);
	if (err)
		return err;
	if (d->nr_inflight == d->cap_inflight) {
		size_t cap = d->cap_inflight ? 2 * d->cap_inflight : 16;
		unsigned long long *grown = realloc(d->inflight,
						    cap * sizeof(*grown));
		if (!grown) {
			free(line);
			return &lkdb_error_oom;
		}
		d->inflight = grown;
		d->cap_inflight = cap;
	}
	err = send_line(d, line);
	free(line);
	if (!err)
		d->inflight[d->nr_inflight++] = token;
	return err;
}


/*
 * Deliver a pending Ctrl-C.  A running target is stopped (-exec-interrupt,
 * or SIGINT to gdb when a CLI command resumed it) and the wait goes on for
 * its *stopped: the interrupt is used up.  Otherwise gdb itself is busy:
 * it gets SIGINT (gdb's Quit) and INTERRUPT_GRACE_MS to answer, after
 * which the wait gives up with LKDB_ERROR_INTERRUPTED and the flag stays
 * set for the caller to see.  A background command (gdb_driver_collect)
 * is never signalled: the caller stops waiting at once and may collect it
 * later.
 */
static struct lkdb_error *forward_interrupt(struct gdb_driver *d,
					    bool background)
{
	long now = lkdb_now_ms();
	bool asked = d->interrupt_flag && *d->interrupt_flag;
	if (d->running) {
		/*
		 * A target asked to stop that does not (a hung stub, a lost
		 * network): give up waiting at a second Ctrl-C, or after
		 * STOP_GRACE_MS, rather than wait for ever.
		 */
		long since = now - d->stop_asked_ms;
		/* A burst of SIGINTs (a group kill, a key held) is one. */
		if (d->stop_asked_ms && asked && since < SECOND_CTRL_C_MS) {
			*d->interrupt_flag = 0;
			return NULL;
		}
		if (d->stop_asked_ms && (asked || since >= STOP_GRACE_MS)) {
			if (asked)
				*d->interrupt_flag = 0;
			long waited = now - d->stop_asked_ms;
			d->stop_asked_ms = 0;
			return lkdb_error_create(LKDB_ERROR_TARGET_LOST,
						 "the target did not stop within %.1f s of Ctrl-C: gave up waiting for it",
						 waited / 1000.0);
		}
		if (!asked)
			return NULL;
		*d->interrupt_flag = 0;
		d->interrupted_ms = 0;
		d->stop_asked_ms = now;
		if (!d->resumed_by_cli)
			/* Its reply is dropped as a stale token. */
			send_command(d, d->next_token++, "-exec-interrupt",
				     NULL, 0);
		else if (d->pid > 0)
			kill(d->pid, SIGINT);
		return NULL;
	}
	if (!asked || d->uninterruptible) {
		d->interrupted_ms = 0;
		return NULL;
	}
	if (!background && !d->interrupted_ms) {
		d->interrupted_ms = now;
		d->sigints++;
		if (d->pid > 0)
			kill(d->pid, SIGINT);
		return NULL;
	}
	if (background || now - d->interrupted_ms >= INTERRUPT_GRACE_MS) {
		d->interrupted_ms = 0;
		return lkdb_error_create(LKDB_ERROR_INTERRUPTED,
					 "interrupted (Ctrl-C)%s",
					 background ? "" :
					 ": gdb did not stop what it was doing");
	}
	return NULL;
}


/*
 * A result record nobody is waiting for right now: a background command's
 * (gdb_driver_send) is kept for gdb_driver_collect(); any other is a late
 * reply to a call that timed out or was interrupted, and is dropped.
 */
static void keep_or_drop_result(struct gdb_driver *d, struct record_node *node)
{
	if (node->out->has_token && is_sent(d, node->out->token)) {
		queue_push(&d->kept, node);
		return;
	}
	mi_output_destroy(node->out);
	free(node);
}

/*
 * Wait for the result record with token, dispatching everything else.
 * On success *ret owns the record.
 */
static struct lkdb_error *wait_result_for(struct gdb_driver *d,
					  unsigned long long token,
					  int timeout_ms,
					  struct mi_output **ret);

static struct lkdb_error *wait_result(struct gdb_driver *d,
				      unsigned long long token,
				      int timeout_ms, struct mi_output **ret)
{
	d->awaited = token;
	struct lkdb_error *err = wait_result_for(d, token, timeout_ms, ret);
	d->awaited = 0;
	return err;
}

static struct lkdb_error *wait_result_for(struct gdb_driver *d,
					  unsigned long long token,
					  int timeout_ms,
					  struct mi_output **ret)
{
	long start = lkdb_now_ms(), last_tick = start;
	unsigned long sigints = d->sigints;
	for (;;) {
		struct record_node *node;
		while ((node = queue_pop(&d->incoming))) {
			node = dispatch(d, node);
			if (!node)
				continue;
			if (node->out->has_token && node->out->token == token &&
			    d->sigints != sigints &&
			    node->out->result_class == MI_CLASS_ERROR) {
				/* gdb's Quit: the Ctrl-C lkdb passed it. */
				mi_output_destroy(node->out);
				free(node);
				return lkdb_error_interrupted();
			}
			if (node->out->has_token && node->out->token == token) {
				*ret = node->out;
				free(node);
				return NULL;
			}
			keep_or_drop_result(d, node);
		}
		long now = lkdb_now_ms();
		if (timeout_ms >= 0 && now - start >= timeout_ms)
			return lkdb_error_create(LKDB_ERROR_TIMEOUT,
						 "gdb did not answer within %d ms",
						 timeout_ms);
		if (d->cb.tick && now - last_tick >= TICK_MS) {
			last_tick = now;
			d->cb.tick(d->cb.context, now - start);
		}
		struct lkdb_error *err = forward_interrupt(d,
							   d->background_wait);
		if (err)
			return err;
		int wait = TICK_MS;
		if (timeout_ms >= 0 && timeout_ms - (now - start) < wait)
			wait = (int)(timeout_ms - (now - start));
		err = pump(d, wait);
		if (err)
			return err;
	}
}

struct lkdb_error *gdb_driver_call(struct gdb_driver *d, unsigned flags,
				   int timeout_ms, const char *operation,
				   const char *const *argv, size_t argc,
				   struct gdb_call_result *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (d->dead)
		return d->dead == &lkdb_error_oom ? d->dead :
		       lkdb_error_create(d->dead->code, "%s",
					 d->dead->message);
	unsigned long long token = d->next_token++;
	struct lkdb_error *err = send_command(d, token, operation, argv,
					      argc);
	if (err)
		goto copy_dead;
	d->capturing = flags & (GDB_CALL_CAPTURE | GDB_CALL_QUIET |
				GDB_CALL_CAPTURE_TARGET);
	d->capture_target = flags & GDB_CALL_CAPTURE_TARGET;
	d->quiet = flags & GDB_CALL_QUIET;
	d->capture_len = 0;
	d->uninterruptible = flags & GDB_CALL_UNINTERRUPTED;
	err = wait_result(d, token, timeout_ms, &ret->record);
	d->uninterruptible = false;
	d->capturing = d->quiet = d->capture_target = false;
	if (!err && ret->record->result_class == MI_CLASS_RUNNING)
		d->resumed_by_cli = !strcmp(operation, "-interpreter-exec");
	if (!err && (flags & (GDB_CALL_CAPTURE | GDB_CALL_QUIET |
			      GDB_CALL_CAPTURE_TARGET))) {
		ret->console = d->capture ? d->capture : strdup("");
		ret->console_len = d->capture_len;
		d->capture = NULL;
		d->capture_len = d->capture_cap = 0;
		if (!ret->console) {
			gdb_call_result_deinit(ret);
			return &lkdb_error_oom;
		}
	}
copy_dead:
	/* d->dead stays owned by the driver; hand out a copy. */
	if (err && err == d->dead)
		err = lkdb_error_create(err->code, "%s", err->message);
	return err;
}

struct lkdb_error *gdb_driver_send(struct gdb_driver *d,
				   const char *operation,
				   const char *const *argv, size_t argc,
				   unsigned long long *token_ret)
{
	if (d->dead)
		return lkdb_error_create(d->dead->code, "%s", d->dead->message);
	unsigned long long *grown = realloc(d->sent, (d->nr_sent + 1) *
						     sizeof(*grown));
	if (!grown)
		return &lkdb_error_oom;
	d->sent = grown;
	unsigned long long token = d->next_token++;
	struct lkdb_error *err = send_command(d, token, operation, argv,
					      argc);
	if (err)
		return err == d->dead ?
		       lkdb_error_create(err->code, "%s", err->message) : err;
	d->sent[d->nr_sent++] = token;
	*token_ret = token;
	return NULL;
}

struct lkdb_error *gdb_driver_collect(struct gdb_driver *d, unsigned flags,
				      int timeout_ms, unsigned long long token,
				      struct gdb_call_result *ret)
{
	memset(ret, 0, sizeof(*ret));
	size_t i;
	for (i = 0; i < d->nr_sent && d->sent[i] != token; i++)
		;
	if (i == d->nr_sent)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "gdb command %llu was not sent or was collected already",
					 token);
	d->sent[i] = d->sent[--d->nr_sent];
	/* Already here? */
	struct record_queue rest = { 0 };
	struct record_node *node;
	struct mi_output *found = NULL;
	while ((node = queue_pop(&d->kept))) {
		if (!found && node->out->token == token) {
			found = node->out;
			free(node);
		} else {
			queue_push(&rest, node);
		}
	}
	d->kept = rest;
	if (found) {
		ret->record = found;
		return NULL;
	}
	if (d->dead)
		return lkdb_error_create(d->dead->code, "%s", d->dead->message);
	d->capturing = flags & (GDB_CALL_CAPTURE | GDB_CALL_QUIET |
				GDB_CALL_CAPTURE_TARGET);
	d->capture_target = flags & GDB_CALL_CAPTURE_TARGET;
	d->quiet = flags & GDB_CALL_QUIET;
	d->capture_len = 0;
	d->background_wait = true;
	d->uninterruptible = flags & GDB_CALL_UNINTERRUPTED;
	struct lkdb_error *err = wait_result(d, token, timeout_ms,
					     &ret->record);
	d->uninterruptible = false;
	d->background_wait = false;
	d->capturing = d->quiet = d->capture_target = false;
	/* Not collected: it stays a background command, for later. */
	if (err && err != d->dead)
		d->sent[d->nr_sent++] = token;
	if (err && err == d->dead)
		err = lkdb_error_create(err->code, "%s", err->message);
	return err;
}

struct lkdb_error *gdb_driver_call_ok(struct gdb_driver *d, unsigned flags,
				      int timeout_ms, const char *operation,
				      const char *const *argv, size_t argc,
				      struct gdb_call_result *ret)
{
	struct lkdb_error *err = gdb_driver_call(d, flags, timeout_ms,
						 operation, argv, argc, ret);
	if (err)
		return err;
	const char *msg = gdb_result_error_message(ret->record);
	if (ret->record->result_class == MI_CLASS_ERROR) {
		err = lkdb_error_create(LKDB_ERROR_GDB, "%s: %s", operation,
					msg ? msg : "error");
		gdb_call_result_deinit(ret);
	}
	return err;
}

struct lkdb_error *gdb_driver_console(struct gdb_driver *d, unsigned flags,
				      int timeout_ms, const char *command,
				      struct gdb_call_result *ret)
{
	const char *argv[] = { "console", command };
	return gdb_driver_call(d, flags, timeout_ms, "-interpreter-exec",
			       argv, 2, ret);
}

struct lkdb_error *gdb_driver_console_ok(struct gdb_driver *d, unsigned flags,
					 int timeout_ms, const char *command,
					 const char *what, char **text_ret)
{
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_console(d, flags, timeout_ms,
						    command, &r);
	if (err)
		return err;
	err = gdb_result_error(r.record, what);
	if (!err && text_ret) {
		*text_ret = r.console ? r.console : strdup("");
		r.console = NULL;
		if (!*text_ret)
			err = &lkdb_error_oom;
	}
	gdb_call_result_deinit(&r);
	return err;
}

void gdb_call_result_deinit(struct gdb_call_result *result)
{
	mi_output_destroy(result->record);
	free(result->console);
	memset(result, 0, sizeof(*result));
}

const char *gdb_result_error_message(const struct mi_output *record)
{
	if (!record || record->result_class != MI_CLASS_ERROR)
		return NULL;
	return mi_value_string(record->results, "msg");
}

struct lkdb_error *gdb_result_error(const struct mi_output *record,
				    const char *what)
{
	if (!record || record->result_class != MI_CLASS_ERROR)
		return NULL;
	const char *msg = gdb_result_error_message(record);
	if (!msg)
		msg = "gdb error";
	if (what)
		return lkdb_error_create(LKDB_ERROR_GDB, "%s: %s", what, msg);
	return lkdb_error_create(LKDB_ERROR_GDB, "%s", msg);
}

struct lkdb_error *gdb_driver_next_async(struct gdb_driver *d, int timeout_ms,
					 struct mi_output **ret)
{
	*ret = NULL;
	long start = lkdb_now_ms();
	for (;;) {
		struct record_node *node;
		while ((node = queue_pop(&d->incoming))) {
			node = dispatch(d, node);
			if (node)
				keep_or_drop_result(d, node);
		}
		node = queue_pop(&d->async);
		if (node) {
			*ret = node->out;
			free(node);
			return NULL;
		}
		long elapsed = lkdb_now_ms() - start;
		if (timeout_ms >= 0 && elapsed >= timeout_ms)
			return NULL;
		struct lkdb_error *err = forward_interrupt(d, false);
		if (err)
			return err;
		int wait = TICK_MS;
		if (timeout_ms >= 0 && timeout_ms - elapsed < wait)
			wait = (int)(timeout_ms - elapsed);
		err = pump(d, wait);
		if (err)
			return err == d->dead ?
			       lkdb_error_create(err->code, "%s",
						 err->message) : err;
	}
}

struct lkdb_error *gdb_driver_wait_stopped(struct gdb_driver *d,
					   int timeout_ms,
					   struct mi_output **ret)
{
	if (ret)
		*ret = NULL;
	long start = lkdb_now_ms();
	while (d->running || d->async.count) {
		long left = timeout_ms < 0 ? TICK_MS :
			    timeout_ms - (lkdb_now_ms() - start);
		if (left <= 0)
			return lkdb_error_create(LKDB_ERROR_TIMEOUT,
						 "target did not stop within %d ms",
						 timeout_ms);
		struct mi_output *out;
		struct lkdb_error *err = gdb_driver_next_async(
			d, left < TICK_MS ? (int)left : TICK_MS, &out);
		if (err)
			return err;
		if (!out)
			continue;
		if (mi_output_is(out, MI_OUTPUT_EXEC_ASYNC, "stopped")) {
			if (ret)
				*ret = out;
			else
				mi_output_destroy(out);
			if (!d->running)
				return NULL;
			continue;
		}
		mi_output_destroy(out);
	}
	return NULL;
}

bool gdb_driver_target_running(const struct gdb_driver *d)
{
	return d->running;
}

unsigned long gdb_driver_resumes(const struct gdb_driver *d)
{
	return d->resumes;
}

unsigned long gdb_driver_memory_writes(const struct gdb_driver *d)
{
	return d->memory_writes;
}

bool gdb_driver_alive(const struct gdb_driver *d)
{
	return !d->dead;
}

pid_t gdb_driver_pid(const struct gdb_driver *d)
{
	return d->pid;
}


static struct lkdb_error *spawn(struct gdb_driver *d,
				const struct gdb_driver_options *options)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	int exec_report[2] = { -1, -1 };
	struct lkdb_error *e = NULL;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) ||
	    pipe2(err, O_CLOEXEC) || pipe2(exec_report, O_CLOEXEC)) {
		e = lkdb_error_errno(errno, "cannot create pipes for gdb");
		goto out;
	}
	size_t nextra = 0;
	while (options->extra_args && options->extra_args[nextra])
		nextra++;
	const char **argv = calloc(nextra + 5, sizeof(*argv));
	if (!argv) {
		e = &lkdb_error_oom;
		goto out;
	}
	size_t argc = 0;
	argv[argc++] = options->gdb_path;
	argv[argc++] = "--interpreter=mi3";
	argv[argc++] = "-nx";
	argv[argc++] = "-q";
	for (size_t i = 0; i < nextra; i++)
		argv[argc++] = options->extra_args[i];
	argv[argc] = NULL;

	pid_t pid = fork();
	if (pid < 0) {
		e = lkdb_error_errno(errno, "cannot fork gdb");
		free(argv);
		goto out;
	}
	if (pid == 0) {
		/* Own process group: terminal Ctrl-C goes to lkdb only. */
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		execvp(argv[0], (char *const *)argv);
		int errnum = errno;
		if (write(exec_report[1], &errnum, sizeof(errnum)) < 0)
			_exit(127);
		_exit(127);
	}
	free(argv);
	lkdb_close_fd(&exec_report[1]);
	int errnum;
	ssize_t n;
	do {
		n = read(exec_report[0], &errnum, sizeof(errnum));
	} while (n < 0 && errno == EINTR);
	if (n == sizeof(errnum)) {
		waitpid(pid, NULL, 0);
		e = lkdb_error_create(LKDB_ERROR_OS,
				      "cannot run gdb \"%s\": %s (install gdb or give its path with --gdb PATH)",
				      options->gdb_path, strerror(errnum));
		goto out;
	}
	d->pid = pid;
	d->to_gdb = in[1];
	in[1] = -1;
	d->from_gdb = out[0];
	out[0] = -1;
	d->err_from_gdb = err[0];
	err[0] = -1;
out:
	lkdb_close_fd(&in[0]);
	lkdb_close_fd(&in[1]);
	lkdb_close_fd(&out[0]);
	lkdb_close_fd(&out[1]);
	lkdb_close_fd(&err[0]);
	lkdb_close_fd(&err[1]);
	lkdb_close_fd(&exec_report[0]);
	lkdb_close_fd(&exec_report[1]);
	return e;
}

/* Wait for gdb's first "(gdb)" prompt: proof that it runs and speaks MI. */
static struct lkdb_error *wait_prompt(struct gdb_driver *d, int timeout_ms)
{
	long start = lkdb_now_ms();
	for (;;) {
		struct record_node *node;
		while ((node = queue_pop(&d->incoming))) {
			bool prompt = node->out->kind == MI_OUTPUT_PROMPT;
			node = dispatch(d, node);
			if (node)
				keep_or_drop_result(d, node);
			if (prompt)
				return NULL;
		}
		long elapsed = lkdb_now_ms() - start;
		if (elapsed >= timeout_ms)
			return lkdb_error_create(LKDB_ERROR_TIMEOUT,
						 "gdb showed no MI prompt within %d ms",
						 timeout_ms);
		struct lkdb_error *err = pump(d, (int)(timeout_ms - elapsed));
		if (err)
			return err;
	}
}

struct lkdb_error *gdb_driver_create(const struct gdb_driver_options *options,
				     const struct gdb_driver_callbacks *cb,
				     struct gdb_driver **ret)
{
	struct gdb_driver *d = calloc(1, sizeof(*d));
	if (!d)
		return &lkdb_error_oom;
	d->pid = -1;
	d->to_gdb = d->from_gdb = d->err_from_gdb = -1;
	d->next_token = 1;
	d->interrupt_flag = options->interrupt_flag;
	if (cb)
		d->cb = *cb;
	const char *trace = getenv("LKDB_MI_TRACE");
	if (trace && *trace)
		d->trace = fopen(trace, "ae");
	/* A write to a dead gdb must be an EPIPE error, not our death. */
	struct sigaction old;
	if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);

	struct mi_parser_callbacks pcb = { .context = d,
					   .output = on_output };
	struct lkdb_error *err = mi_parser_create(&pcb, &d->parser);
	if (!err)
		err = spawn(d, options);
	if (!err)
		err = wait_prompt(d, options->start_timeout_ms > 0 ?
				     options->start_timeout_ms : 30000);
	/*
	 * mi-async lets gdb take -exec-interrupt while the target runs;
	 * confirmations and paging would wait for a terminal that isn't there.
	 */
	static const char *const setup[][2] = {
		{ "mi-async", "on" },
		{ "confirm", "off" },
		{ "pagination", "off" },
		{ "width", "0" },
		{ "height", "0" },
	};
	for (size_t i = 0; !err && i < sizeof(setup) / sizeof(setup[0]); i++) {
		struct gdb_call_result r;
		err = gdb_driver_call_ok(d, 0, 10000, "-gdb-set", setup[i], 2,
					 &r);
		if (!err)
			gdb_call_result_deinit(&r);
	}
	if (err) {
		if (err == d->dead)
			d->dead = NULL;
		gdb_driver_destroy(d);
		return lkdb_error_prefix(err, "starting gdb \"%s\"",
					 options->gdb_path);
	}
	*ret = d;
	return NULL;
}

void gdb_driver_destroy(struct gdb_driver *d)
{
	if (!d)
		return;
	/*
	 * gdb still busy with commands nobody will collect (a dump's
	 * symbol loading that no command needed, a connection attempt that
	 * timed out) would make the caller wait for work it does not want:
	 * it is ended at once.
	 */
	if (d->pid > 0 && !d->dead && !d->nr_inflight) {
		char line[64];
		snprintf(line, sizeof(line), "%llu-gdb-exit\n",
			 d->next_token++);
		if (!send_line(d, line)) {
			long start = lkdb_now_ms();
			while (!d->dead &&
			       lkdb_now_ms() - start < GDB_EXIT_GRACE_MS) {
				if (pump(d, 100))
					break;
				queue_clear(&d->incoming);
			}
		}
	}
	lkdb_close_fd(&d->to_gdb);
	lkdb_close_fd(&d->from_gdb);
	lkdb_close_fd(&d->err_from_gdb);
	if (d->pid > 0) {
		int status;
		if (waitpid(d->pid, &status, WNOHANG) == 0) {
			kill(d->pid, SIGTERM);
			usleep(100000);
			if (waitpid(d->pid, &status, WNOHANG) == 0) {
				kill(d->pid, SIGKILL);
				waitpid(d->pid, &status, 0);
			}
		}
	}
	queue_clear(&d->incoming);
	queue_clear(&d->async);
	queue_clear(&d->kept);
	free(d->sent);
	free(d->inflight);
	mi_parser_destroy(d->parser);
	if (d->dead)
		lkdb_error_destroy(d->dead);
	free(d->capture);
	if (d->trace)
		fclose(d->trace);
	free(d);
}

/* Commands in flight that nobody will collect: given up on, not sent. */
static size_t abandoned(const struct gdb_driver *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nr_inflight; i++) {
		if (!is_sent(d, d->inflight[i]))
			n++;
	}
	return n;
}

bool gdb_driver_abandoned(const struct gdb_driver *d)
{
	return !d->dead && abandoned(d) > 0;
}

void gdb_driver_settle(struct gdb_driver *d, int timeout_ms)
{
	if (d->dead || !abandoned(d))
		return;
	if (d->pid > 0)
		kill(d->pid, SIGINT);
	long start = lkdb_now_ms();
	while (!d->dead && abandoned(d) &&
	       lkdb_now_ms() - start < timeout_ms) {
		struct record_node *node;
		while ((node = queue_pop(&d->incoming))) {
			node = dispatch(d, node);
			if (node)
				keep_or_drop_result(d, node);
		}
		if (pump(d, 100))
			break;
	}
}
