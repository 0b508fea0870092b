// SPDX-License-Identifier: GPL-2.0-or-later
#include "session.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "dump.h"
#include "gdb_target.h"
#include "guest_ram_live.h"
#include "guestram.h"
#include "mi_command.h"
#include "kaslr.h"
#include "ktypes.h"
#include "module_sync.h"
#include "panic_stop.h"
#include "vmlinux.h"
#include "xdg.h"

volatile sig_atomic_t lkdb_interrupted;

/*
 * gdb reading a 600 MB distro vmlinux cold takes 2-4 s here and up to half a
 * minute on a slow disk: never time out.
 */
#define SYMBOL_LOAD_TIMEOUT GDB_TIMEOUT_NONE
#define SETUP_TIMEOUT_MS 10000

void lkdb_note(struct lkdb_session *s, const char *fmt, ...)
{
	if (s->options && s->options->quiet)
		return;
	if (s->progress_shown) {
		fputs("\n", stderr);
		s->progress_shown = false;
	}
	va_list ap;
	va_start(ap, fmt);
	fputs("lkdb: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\n", stderr);
	va_end(ap);
}

/* Set while lkdb steps a booting guest: its stops are not news. */
static bool streams_muted;

static void on_stream(void *context, enum mi_output_kind kind,
		      const char *text, size_t len)
{
	struct lkdb_session *s = context;
	if (streams_muted)
		return;
	if (s->progress_shown) {
		fputs("\n", stderr);
		s->progress_shown = false;
	}
	if (kind == MI_OUTPUT_LOG) {
		size_t n = len < sizeof(s->last_log) - 1 ?
			   len : sizeof(s->last_log) - 1;
		memcpy(s->last_log, text, n);
		s->last_log[n] = '\0';
	}
	/* Console and inferior text are results; gdb's log is diagnostics. */
	FILE *out = kind == MI_OUTPUT_LOG ? stderr : stdout;
	fwrite(text, 1, len, out);
	fflush(out);
}

struct progress {
	struct lkdb_session *session;
	const char *what;
};

static struct progress *current_progress;

static void on_tick(void *context, long elapsed_ms)
{
	struct lkdb_session *s = context;
	if (!current_progress || s->options->quiet || elapsed_ms < 1000)
		return;
	if (isatty(STDERR_FILENO)) {
		fprintf(stderr, "\rlkdb: %s ... %ld s ", current_progress->what,
			elapsed_ms / 1000);
		s->progress_shown = true;
	}
	fflush(stderr);
}

static struct lkdb_error *console_ok(struct lkdb_session *s, const char *cmd,
				     int timeout_ms)
{
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_console(s->gdb, GDB_CALL_QUIET,
						    timeout_ms, cmd, &r);
	if (err)
		return err;
	if (r.record->result_class == MI_CLASS_ERROR) {
		const char *msg = gdb_result_error_message(r.record);
		err = lkdb_error_create(LKDB_ERROR_GDB, "%s",
					msg ? msg : "gdb error");
	}
	gdb_call_result_deinit(&r);
	return err;
}

/* lkdb's cache directory leaf by the XDG rules, or NULL (with a note). */
static char *cache_dir(struct lkdb_session *s, const char *leaf)
{
	char *rest = NULL;
	if (asprintf(&rest, "lkdb/%s", leaf) < 0)
		return NULL;
	char *dir = xdg_cache_path(rest);
	free(rest);
	if (!dir)
		lkdb_note(s, "no cache directory (neither XDG_CACHE_HOME nor HOME is an absolute path): gdb's index and the type layouts are not kept");
	return dir;
}

static int mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int r = mkdir(path, 0755);
		*p = '/';
		if (r && errno != EEXIST)
			return -1;
	}
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

/*
 * gdb names its index-cache entries after the build-id; when one exists the
 * load takes ~0.5 s instead of seconds, so only a cold load gets a note.
 */
static bool index_cached(const char *dir, const char *build_id)
{
	if (!dir || !build_id)
		return false;
	char *path;
	if (asprintf(&path, "%s/%s.gdb-index", dir, build_id) < 0)
		return false;
	bool found = access(path, R_OK) == 0;
	free(path);
	return found;
}

/*
 * gdb's setup after connecting: index cache, the dump's target (dumps),
 * the symbols, and on a cold cache a lookup that waits for the index.  Run
 * at once, or (dumps) sent now and collected by lkdb_session_need_gdb().
 */
static char *shell_quote(const char *s);
static char *find_dump_server(void);

enum setup_policy {
	SETUP_FATAL,	/* gdb is unusable without it */
	SETUP_NOTE,	/* say so and go on */
	SETUP_IGNORE,	/* an expected error (the index barrier) */
};

struct setup_step {
	char *command;
	enum setup_policy policy;
	bool connects;		/* target remote: a *stopped follows */
	bool slow;		/* show progress while waiting */
	bool sent;
	unsigned long long token;
};

static struct lkdb_error *add_step(struct lkdb_session *s,
				   enum setup_policy policy, bool slow,
				   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static struct lkdb_error *add_step(struct lkdb_session *s,
				   enum setup_policy policy, bool slow,
				   const char *fmt, ...)
{
	struct setup_step *grown = realloc(s->setup, (s->nr_setup + 1) *
						     sizeof(*grown));
	if (!grown)
		return &lkdb_error_oom;
	s->setup = grown;
	struct setup_step *step = &grown[s->nr_setup];
	memset(step, 0, sizeof(*step));
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&step->command, fmt, ap);
	va_end(ap);
	if (n < 0)
		return &lkdb_error_oom;
	step->policy = policy;
	step->slow = slow;
	s->nr_setup++;
	return NULL;
}

static void clear_steps(struct lkdb_session *s)
{
	for (size_t i = 0; i < s->nr_setup; i++)
		free(s->setup[i].command);
	free(s->setup);
	s->setup = NULL;
	s->nr_setup = 0;
}

static struct lkdb_error *plan_setup(struct lkdb_session *s)
{
	const struct lkdb_options *o = s->options;
	char *dir = o->no_index_cache ? NULL : cache_dir(s, "gdb-index");
	struct lkdb_error *err = NULL;
	if (dir && mkdir_p(dir) == 0) {
		/* This setting takes the rest of the line as the path. */
		err = add_step(s, SETUP_NOTE, false,
			       "set index-cache directory %s", dir);
		if (!err)
			err = add_step(s, SETUP_NOTE, false,
				       "set index-cache enabled on");
	}
	bool warm = index_cached(dir, vmlinux_build_id(s->vmlinux));
	free(dir);
	if (!err && s->dump) {
		/* -target-select would quote the pipe command: the CLI form. */
		char *server = find_dump_server();
		char *qserver = server ? shell_quote(server) : NULL;
		char *qdump = shell_quote(o->vmcore);
		if (qserver && qdump)
			err = add_step(s, SETUP_FATAL, false,
				       "target remote | %s %s", qserver, qdump);
		else
			err = &lkdb_error_oom;
		if (!err)
			s->setup[s->nr_setup - 1].connects = true;
		free(server);
		free(qserver);
		free(qdump);
	}
	char *quoted = gdb_cli_quote(o->vmlinux);
	if (!quoted)
		return &lkdb_error_oom;
	/*
	 * KASLR moves the image but not the per-CPU section: its symbols are
	 * offsets from each CPU's per-CPU base, linked at 0 (x86_64
	 * CONFIG_SMP).  symbol-file -o would shift them too, so per-CPU
	 * variables would read garbage.
	 */
	if (!err && s->attached)
		err = add_step(s, SETUP_FATAL, true,
			       "add-symbol-file %s -o 0x%" PRIx64 "%s", quoted,
			       s->kaslr_offset,
			       s->percpu_at_zero ? " -s .data..percpu 0" : "");
	else if (!err)
		err = add_step(s, SETUP_FATAL, true, "file %s", quoted);
	free(quoted);
	/*
	 * gdb 13 indexes DWARF in the background after the symbols are added
	 * and saves the index cache only when indexing completes; a lookup
	 * that must search every unit waits for that.  Without it, a short
	 * session would exit before the cache is written and every start
	 * would stay cold.
	 */
	if (!err && !warm && !o->no_index_cache)
		err = add_step(s, SETUP_IGNORE, true,
			       "ptype struct lkdb_wait_for_symbol_index");
	if (!err && !warm && !o->quiet)
		lkdb_note(s, "reading symbols of %s; the first load of a kernel build takes a while, later starts use gdb's index cache",
			  o->vmlinux);
	return err;
}

/* Send every step now; lkdb_session_need_gdb() collects them. */
static struct lkdb_error *send_setup(struct lkdb_session *s)
{
	for (size_t i = 0; i < s->nr_setup; i++) {
		const char *argv[] = { "console", s->setup[i].command };
		struct lkdb_error *err = gdb_driver_send(
			s->gdb, "-interpreter-exec", argv, 2,
			&s->setup[i].token);
		if (err)
			return err;
		s->setup[i].sent = true;
	}
	return NULL;
}

static struct lkdb_error *finish_step(struct lkdb_session *s,
				      struct setup_step *step)
{
	struct gdb_call_result r;
	struct lkdb_error *err;
	struct progress progress = { s, "reading symbols" };
	if (step->slow)
		current_progress = &progress;
	if (step->sent)
		err = gdb_driver_collect(s->gdb, GDB_CALL_QUIET,
					 SYMBOL_LOAD_TIMEOUT, step->token, &r);
	else
		err = gdb_driver_console(s->gdb, GDB_CALL_QUIET,
					 SYMBOL_LOAD_TIMEOUT, step->command,
					 &r);
	current_progress = NULL;
	if (s->progress_shown) {
		fputs("\n", stderr);
		s->progress_shown = false;
	}
	if (err)
		return err;
	if (r.record->result_class == MI_CLASS_ERROR) {
		const char *msg = gdb_result_error_message(r.record);
		err = lkdb_error_create(LKDB_ERROR_GDB, "%s",
					msg ? msg : "gdb error");
	}
	gdb_call_result_deinit(&r);
	if (err && step->policy == SETUP_IGNORE) {
		lkdb_error_destroy(err);
		return NULL;
	}
	if (err && step->policy == SETUP_NOTE) {
		/* A slower start is better than no start. */
		lkdb_note(s, "gdb: %s: %s", step->command, err->message);
		lkdb_error_destroy(err);
		return NULL;
	}
	if (err && step->connects)
		return lkdb_error_prefix(err, "%s: gdb cannot read the dump",
					 s->options->vmcore);
	if (err)
		return lkdb_error_prefix(err, "gdb: %s", step->command);
	if (step->connects)
		return gdb_driver_wait_stopped(s->gdb, SETUP_TIMEOUT_MS, NULL);
	return NULL;
}

struct lkdb_error *lkdb_session_need_gdb(struct lkdb_session *s)
{
	if (s->gdb_failed)
		return lkdb_error_create(s->gdb_failed->code, "%s",
					 s->gdb_failed->message);
	struct lkdb_error *err = NULL;
	for (size_t i = 0; !err && i < s->nr_setup; i++)
		err = finish_step(s, &s->setup[i]);
	clear_steps(s);
	if (err) {
		/* Collecting consumed the replies: remember why, for later. */
		s->gdb_failed = err;
		return lkdb_error_create(err->code, "%s", err->message);
	}
	return NULL;
}

static struct lkdb_error *connect_remote(struct lkdb_session *s)
{
	const struct lkdb_options *o = s->options;
	char timeout[16];
	snprintf(timeout, sizeof(timeout), "%d", o->connect_timeout_s);
	/* Fail at once on "connection refused" instead of retrying. */
	struct lkdb_error *err = console_ok(s, "set tcp auto-retry off",
					    SETUP_TIMEOUT_MS);
	lkdb_error_destroy(err);
	char *cmd;
	if (asprintf(&cmd, "set tcp connect-timeout %s", timeout) >= 0) {
		lkdb_error_destroy(console_ok(s, cmd, SETUP_TIMEOUT_MS));
		free(cmd);
	}
	const char *argv[] = { "remote", o->remote };
	struct gdb_call_result r;
	/* gdb's "no executable" warning and stop line are noise here. */
	err = gdb_driver_call(s->gdb, GDB_CALL_QUIET,
			      (o->connect_timeout_s + 5) * 1000,
			      "-target-select", argv, 2, &r);
	if (err)
		return lkdb_error_prefix(err, "cannot attach to %s", o->remote);
	if (r.record->result_class == MI_CLASS_ERROR) {
		const char *msg = gdb_result_error_message(r.record);
		err = lkdb_error_create(LKDB_ERROR_TARGET_LOST,
					"cannot attach to %s: %s (is QEMU running with -s or -gdb tcp::PORT?)",
					o->remote, msg ? msg : "error");
		gdb_call_result_deinit(&r);
		return err;
	}
	gdb_call_result_deinit(&r);
	s->attached = true;
	/* Connecting stops the target; consume that *stopped. */
	return gdb_driver_wait_stopped(s->gdb, SETUP_TIMEOUT_MS, NULL);
}

static struct lkdb_error *find_kaslr(struct lkdb_session *s)
{
	const struct lkdb_options *o = s->options;
	struct kernel_memory_reader reader;
	gdb_target_memory_reader(s->gdb, &reader);
	struct lkdb_error *err;
	if (o->has_kaslr_offset) {
		s->kaslr_offset = o->kaslr_offset;
		err = kaslr_check_offset(s->vmlinux, &reader, o->kaslr_offset);
	} else {
		struct kaslr_stats stats = { 0 };
		err = kaslr_find_offset(s->vmlinux, &reader, &s->kaslr_offset,
					&stats);
	}
	if (err && err->code == LKDB_ERROR_MISMATCH && o->force) {
		lkdb_note(s, "warning: %s; going on because of --force (KASLR offset 0x%" PRIx64 ")",
			  err->message, s->kaslr_offset);
		lkdb_error_destroy(err);
		return NULL;
	}
	if (err && err->code == LKDB_ERROR_MISMATCH) {
		struct lkdb_error *named = lkdb_error_create(
			LKDB_ERROR_MISMATCH, "%s: %s (--force to go on anyway)",
			o->vmlinux, err->message);
		lkdb_error_destroy(err);
		return named;
	}
	return err;
}

/*
 * lkdb qemu: QEMU starts halted (-S) at the reset vector, long before the
 * kernel is where the KASLR probe can see it.  Let it run in short steps
 * until linux_banner is readable at some candidate offset (the kernel's
 * page tables are up), then probe as usual.
 */
#define BOOT_WAIT_MS 120000
#define BOOT_STEP_US 300000

static struct lkdb_error *step_until_kernel(struct lkdb_session *s);

static struct lkdb_error *run_until_kernel(struct lkdb_session *s)
{
	streams_muted = true;
	struct lkdb_error *err = step_until_kernel(s);
	streams_muted = false;
	return err;
}

static struct lkdb_error *step_until_kernel(struct lkdb_session *s)
{
	for (int waited_ms = 0;; waited_ms += BOOT_STEP_US / 1000) {
		struct lkdb_error *err = find_kaslr(s);
		if (!err || err->code != LKDB_ERROR_FAULT)
			return err;
		if (waited_ms >= BOOT_WAIT_MS)
			return lkdb_error_prefix(err, "the kernel did not come up within %d s",
						 BOOT_WAIT_MS / 1000);
		lkdb_error_destroy(err);
		struct gdb_call_result r;
		err = gdb_driver_call_ok(s->gdb, GDB_CALL_QUIET,
					 SETUP_TIMEOUT_MS, "-exec-continue",
					 NULL, 0, &r);
		if (err)
			return err;
		gdb_call_result_deinit(&r);
		usleep(BOOT_STEP_US);
		err = gdb_driver_call_ok(s->gdb, GDB_CALL_QUIET,
					 SETUP_TIMEOUT_MS, "-exec-interrupt",
					 NULL, 0, &r);
		if (!err) {
			gdb_call_result_deinit(&r);
			err = gdb_driver_wait_stopped(s->gdb, SETUP_TIMEOUT_MS,
						      NULL);
		}
		if (err)
			return err;
	}
}

/* For /bin/sh: gdb runs "target remote | CMD" through the shell. */
static char *shell_quote(const char *s)
{
	size_t n = 3;
	for (const char *p = s; *p; p++)
		n += *p == '\'' ? 4 : 1;
	char *q = malloc(n), *o = q;
	if (!q)
		return NULL;
	*o++ = '\'';
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *p;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return q;
}

/*
 * lkdb-dump-server: $LKDB_DUMP_SERVER, else beside lkdb in the build tree
 * (build/frontend/lkdb, build/server/), else where meson installs it.
 */
static char *find_dump_server(void)
{
	const char *env = getenv("LKDB_DUMP_SERVER");
	if (env && *env)
		return strdup(env);
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		char *path;
		if (slash) {
			*slash = '\0';
			if (asprintf(&path, "%s/../server/lkdb-dump-server",
				     exe) >= 0) {
				if (access(path, X_OK) == 0)
					return path;
				free(path);
			}
		}
	}
	return strdup(LKDB_LIBEXECDIR "/lkdb/lkdb-dump-server");
}

static struct lkdb_error *open_dump(struct lkdb_session *s)
{
	const struct lkdb_options *o = s->options;
	struct lkdb_error *err = dump_open(o->vmcore, &s->dump);
	if (err)
		return err;
	err = dump_check_vmlinux(s->dump, s->vmlinux);
	if (err && err->code == LKDB_ERROR_MISMATCH && o->force) {
		lkdb_note(s, "warning: %s; going on because of --force",
			  err->message);
		lkdb_error_destroy(err);
		err = NULL;
	} else if (err && err->code == LKDB_ERROR_MISMATCH) {
		struct lkdb_error *named = lkdb_error_create(
			LKDB_ERROR_MISMATCH, "%s (--force to go on anyway)",
			err->message);
		lkdb_error_destroy(err);
		return named;
	}
	if (err)
		return err;
	s->kaslr_offset = dump_kaslr_offset(s->dump);
	return NULL;
}

static struct lkdb_error *dump_read_cb(void *context, uint64_t addr,
				       void *buf, size_t len)
{
	return dump_read(context, addr, buf, len);
}

void lkdb_session_memory(struct lkdb_session *s,
			 struct kernel_memory_reader *ret)
{
	if (s->dump) {
		ret->context = s->dump;
		ret->read = dump_read_cb;
		ret->read_batch = NULL;
	} else {
		gdb_target_memory_reader(s->gdb, ret);
		if (s->guest_ram) {
			struct kernel_memory_reader gdb = *ret;
			guest_ram_reader(s->guest_ram, &gdb, ret);
		}
	}
}

struct lkdb_error *lkdb_session_types(struct lkdb_session *s,
				      struct ktypes **ret)
{
	if (!s->types) {
		struct lkdb_error *err = ktypes_open(
			vmlinux_path(s->vmlinux), vmlinux_build_id(s->vmlinux),
			&s->types);
		if (err)
			return err;
	}
	*ret = s->types;
	return NULL;
}

static void open_guest_ram(struct lkdb_session *s);

struct lkdb_error *lkdb_session_start(struct lkdb_session *s,
				      const struct lkdb_options *options,
				      bool interactive)
{
	memset(s, 0, sizeof(*s));
	s->options = options;
	s->interactive = interactive;
	struct lkdb_error *err = vmlinux_open(options->vmlinux, &s->vmlinux);
	if (err)
		return err;
	uint64_t percpu_addr;
	err = vmlinux_section(s->vmlinux, ".data..percpu", &percpu_addr, NULL);
	s->percpu_at_zero = !err && percpu_addr == 0;
	lkdb_error_destroy(err);
	/* The dump is checked before gdb starts: a mismatch costs nothing. */
	if (options->vmcore) {
		err = open_dump(s);
		if (err)
			return err;
	}
	struct gdb_driver_options gopts = {
		.gdb_path = options->gdb_path,
		.interrupt_flag = &lkdb_interrupted,
	};
	struct gdb_driver_callbacks cb = {
		.context = s,
		.stream = on_stream,
		.tick = on_tick,
	};
	err = gdb_driver_create(&gopts, &cb, &s->gdb);
	if (err)
		return err;
	if (options->remote) {
		err = connect_remote(s);
		if (!err && options->qemu)
			err = run_until_kernel(s);
		else if (!err)
			err = find_kaslr(s);
		if (err)
			return err;
	}
	/* The dump is the target; gdb's view of it comes in the background. */
	if (s->dump)
		s->attached = true;
	err = plan_setup(s);
	if (!err && s->dump)
		err = send_setup(s);
	else if (!err)
		err = lkdb_session_need_gdb(s);
	if (err)
		return err;
	if (options->remote)
		lkdb_note(s, "attached to %s: Linux %s, KASLR offset 0x%" PRIx64,
			  options->remote, vmlinux_release(s->vmlinux),
			  s->kaslr_offset);
	else if (s->dump)
		lkdb_note(s, "%s [%s]: Linux %s, %u CPUs, KASLR offset 0x%" PRIx64,
			  options->vmcore, dump_format_name(s->dump),
			  vmlinux_release(s->vmlinux), dump_nr_cpus(s->dump),
			  s->kaslr_offset);
	if (options->remote && !options->no_guest_ram)
		open_guest_ram(s);
	return NULL;
}

/*
 * The file is read only while the guest is stopped, as of this stop, and
 * once it is known to be the guest's RAM: lkdb qemu attaches before the
 * kernel's own page tables are up, so the check may have to wait for a
 * later stop.
 */
static uint64_t guest_ram_guard(void *context)
{
	struct lkdb_session *s = context;
	if (s->guest_ram_failed || gdb_driver_target_running(s->gdb))
		return GUEST_RAM_RUNNING;
	unsigned long now = gdb_driver_resumes(s->gdb);
	if (!s->guest_ram_ready && now != s->guest_ram_checked) {
		s->guest_ram_checked = now;
		bool ready = false;
		struct lkdb_error *err = guest_ram_live_check(s, s->guest_ram,
							      &ready);
		if (err) {
			s->guest_ram_failed = true;
			lkdb_note(s, "warning: not reading guest memory from QEMU's RAM file: %s: %s; reading it through gdb",
				  guest_ram_name(s->guest_ram), err->message);
			lkdb_error_destroy(err);
		}
		s->guest_ram_ready = ready;
	}
	return s->guest_ram_ready ? now : GUEST_RAM_RUNNING;
}

/*
 * Reads from QEMU's shared RAM file when there is one; none is no error
 * (most guests have none), a file that fails its check is a warning.
 */
static void open_guest_ram(struct lkdb_session *s)
{
	bool ready = false;
	struct lkdb_error *err = guest_ram_live_open(s, &s->guest_ram, &ready);
	if (!err) {
		s->guest_ram_ready = ready;
		s->guest_ram_checked = gdb_driver_resumes(s->gdb);
		guest_ram_set_guard(s->guest_ram, guest_ram_guard, s);
		lkdb_note(s, "reading guest memory from %s while the guest is stopped",
			  guest_ram_name(s->guest_ram));
	} else if (err->code != LKDB_ERROR_NOT_FOUND) {
		lkdb_note(s, "warning: not reading guest memory from QEMU's RAM file: %s; reading it through gdb",
			  err->message);
	}
	lkdb_error_destroy(err);
}

void lkdb_session_poll_events(struct lkdb_session *s)
{
	struct mi_output *out;
	for (;;) {
		struct lkdb_error *err = gdb_driver_next_async(s->gdb, 0, &out);
		if (err) {
			lkdb_error_destroy(err);
			return;
		}
		if (!out)
			return;
		/*
		 * gdb reports a dropped remote connection as the inferior's
		 * thread group exiting (no exit code: nothing exited).
		 */
		if (s->attached && out->kind == MI_OUTPUT_NOTIFY_ASYNC &&
		    out->async_class &&
		    !strcmp(out->async_class, "thread-group-exited")) {
			s->attached = false;
			s->target_lost = true;
			fprintf(stderr, "lkdb: the target %s went away (connection closed: QEMU exited or was killed)\n",
				s->options->remote);
		}
		mi_output_destroy(out);
	}
}

void lkdb_session_end(struct lkdb_session *s)
{
	/* lkdb's breakpoints go before the guest is left to run. */
	panic_stops_disarm(s);
	module_sync_disarm(s);
	if (s->gdb && s->attached && !s->nr_setup && !s->gdb_failed &&
	    gdb_driver_alive(s->gdb)) {
		/* Leave the guest running: that is what quit promises. */
		struct gdb_call_result r;
		struct lkdb_error *err = gdb_driver_call(s->gdb, GDB_CALL_QUIET,
							 5000, "-target-detach",
							 NULL, 0, &r);
		if (!err && r.record->result_class == MI_CLASS_DONE &&
		    s->options->remote)
			lkdb_note(s, "detached from %s; the target keeps running",
				  s->options->remote);
		if (!err)
			gdb_call_result_deinit(&r);
		lkdb_error_destroy(err);
		s->attached = false;
	}
	/* Unfinished setup: gdb finishes it (saving its index) and exits. */
	gdb_driver_destroy(s->gdb);
	s->gdb = NULL;
	clear_steps(s);
	lkdb_error_destroy(s->gdb_failed);
	s->gdb_failed = NULL;
	guest_ram_destroy(s->guest_ram);
	s->guest_ram = NULL;
	/* Saves newly found layouts to the per-build-id cache. */
	ktypes_destroy(s->types);
	s->types = NULL;
	dump_destroy(s->dump);
	s->dump = NULL;
	vmlinux_destroy(s->vmlinux);
	s->vmlinux = NULL;
}
