// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/core/session.h"
#include "common/clock.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "config.h"
#include "kernel-helpers/dumps/dump.h"
#include "frontend/target/breakpoints.h"
#include "frontend/target/gdb_target.h"
#include "frontend/target/guest_ram_live.h"
#include "kernel-helpers/memory/guestram.h"
#include "mi/mi_command.h"
#include "frontend/target/remote_probe.h"
#include "kernel-helpers/memory/kaslr.h"
#include "kernel-helpers/core/elf_copy.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/vmlinux.h"
#include "common/xdg.h"
#include "frontend/terminal/output.h"

/*
 * gdb reading a 600 MB distro vmlinux cold takes 2-4 s here and up to half a
 * minute on a slow disk: never time out.
 */
#define SYMBOL_LOAD_TIMEOUT GDB_TIMEOUT_NONE
#define SETUP_TIMEOUT_MS 10000
/* How long a dump's prompt waits for gdb's symbols at most. */
#define PROMPT_HOLD_MS 1000

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
	/*
	 * Console text (results) and log text (diagnostics) come in lines,
	 * with gdb's chatter taken out; inferior text as it is.
	 */
	if (kind == MI_OUTPUT_CONSOLE) {
		gdb_console_push(&s->console, text, len);
		return;
	}
	if (kind == MI_OUTPUT_LOG) {
		gdb_console_push(&s->log, text, len);
		return;
	}
	fwrite(text, 1, len, stdout);
	fflush(stdout);
}

static void write_stream(void *context, const char *text, size_t len)
{
	FILE *out = context;
	fwrite(text, 1, len, out);
	fflush(out);
}

void lkdb_session_flush_console(struct lkdb_session *s)
{
	gdb_console_flush(&s->console);
	gdb_console_flush(&s->log);
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
	return gdb_driver_console_ok(s->gdb, GDB_CALL_QUIET, timeout_ms, cmd,
				     NULL, NULL);
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
	bool collected;		/* its result is in */
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
	s->setup_done = 0;
}

/*
 * The file gdb is to read the vmlinux from: a cached copy without its
 * debug relocation sections, which gdb then maps instead of reading some
 * 225 MB on its first lookup (kernel-helpers/core/elf_copy.h); NULL: the
 * vmlinux itself (nothing to gain, --no-index-cache, or no copy could be
 * made: said, and gdb is only slower).
 */
static char *gdb_view_of_vmlinux(struct lkdb_session *s)
{
	const char *build_id = vmlinux_build_id(s->kernel.vmlinux);
	if (s->options->no_index_cache || !build_id)
		return NULL;
	char *dir = cache_dir(s, "gdb-vmlinux");
	char *copy = NULL;
	struct lkdb_error *err = NULL;
	if (dir && mkdir_p(dir))
		err = lkdb_error_errno(errno, "cannot make %s", dir);
	else if (dir)
		err = elf_copy_without_debug_relocs(s->options->vmlinux,
						    build_id, dir, &copy);
	if (err)
		lkdb_note(s, "warning: gdb reads %s itself, which is slower: %s",
			  s->options->vmlinux, err->message);
	lkdb_error_destroy(err);
	free(dir);
	return copy;
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
	bool warm = index_cached(dir, vmlinux_build_id(s->kernel.vmlinux));
	free(dir);
	/* gdb's list finds the tree's files (its names are relative). */
	if (!err && o->source_dir)
		err = lkdb_session_source_directory(s, o->source_dir, false);
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
	char *view = err ? NULL : gdb_view_of_vmlinux(s);
	char *quoted = gdb_cli_quote(view ? view : o->vmlinux);
	free(view);
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
			       s->kernel.kaslr_offset,
			       s->kernel.percpu_at_zero ? " -s .data..percpu 0" : "");
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
	/*
	 * On a dump, while the user reads the prompt: gdb's first expansion
	 * of a compilation unit costs ~0.3 s of one-time DWARF reading
	 * whatever the unit, and a small one (jiffies') takes that cost off
	 * the user's first command.  Not live, where setup holds the prompt.
	 */
	if (!err && s->dump)
		err = add_step(s, SETUP_IGNORE, false, "whatis jiffies");
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
				      struct setup_step *step, int timeout_ms)
{
	struct gdb_call_result r;
	struct lkdb_error *err;
	struct progress progress = { s, "reading symbols" };
	/* Collected before a Ctrl-C broke the wait for its *stopped. */
	if (step->collected)
		return gdb_driver_wait_stopped(s->gdb, SETUP_TIMEOUT_MS, NULL);
	if (step->slow)
		current_progress = &progress;
	if (step->sent)
		err = gdb_driver_collect(s->gdb, GDB_CALL_QUIET, timeout_ms,
					 step->token, &r);
	else
		err = gdb_driver_console(s->gdb, GDB_CALL_QUIET, timeout_ms,
					 step->command, &r);
	current_progress = NULL;
	if (s->progress_shown) {
		fputs("\n", stderr);
		s->progress_shown = false;
	}
	if (err)
		return err;
	err = gdb_result_error(r.record, NULL);
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
	step->collected = true;
	if (step->connects)
		return gdb_driver_wait_stopped(s->gdb, SETUP_TIMEOUT_MS, NULL);
	return NULL;
}

/*
 * Collect the setup steps in order: all of them, or (until_symbols) up to
 * the one that loads the vmlinux's symbols, within timeout_ms (-1: no
 * limit).  A timeout or a Ctrl-C leaves the rest for later.
 */
static struct lkdb_error *collect_setup(struct lkdb_session *s,
					bool until_symbols, int timeout_ms)
{
	if (s->gdb_failed)
		return lkdb_error_create(s->gdb_failed->code, "%s",
					 s->gdb_failed->message);
	double end = lkdb_now_seconds() + timeout_ms / 1000.0;
	struct lkdb_error *err = NULL;
	while (!err && s->setup_done < s->nr_setup) {
		struct setup_step *step = &s->setup[s->setup_done];
		int left = timeout_ms;
		if (timeout_ms >= 0) {
			left = (int)((end - lkdb_now_seconds()) * 1000);
			if (left <= 0)
				return lkdb_error_create(LKDB_ERROR_TIMEOUT,
							 "gdb is still reading the symbols");
		}
		err = finish_step(s, step, left);
		/* Ctrl-C or time: stop waiting; gdb goes on, later calls wait again. */
		if (err && (err->code == LKDB_ERROR_INTERRUPTED ||
			    (timeout_ms >= 0 && err->code == LKDB_ERROR_TIMEOUT)))
			return lkdb_error_prefix(err, "gdb is still reading the symbols");
		s->setup_done++;
		if (!err && until_symbols && step->slow)
			return NULL;
	}
	clear_steps(s);
	if (err) {
		/* Collecting consumed the replies: remember why, for later. */
		s->gdb_failed = err;
		return lkdb_error_create(err->code, "%s", err->message);
	}
	return NULL;
}

struct lkdb_error *lkdb_session_need_gdb(struct lkdb_session *s)
{
	return collect_setup(s, false, SYMBOL_LOAD_TIMEOUT);
}

static struct lkdb_error *connect_remote(struct lkdb_session *s)
{
	const struct lkdb_options *o = s->options;
	/* lkdb qemu's own stub needs no probe. */
	struct lkdb_error *probe_err = o->qemu ? NULL :
		remote_probe(o->remote, o->connect_timeout_s);
	if (probe_err)
		return probe_err;
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
			      o->connect_timeout_s * 1000,
			      "-target-select", argv, 2, &r);
	if (err && err->code == LKDB_ERROR_TIMEOUT) {
		lkdb_error_destroy(err);
		return lkdb_error_create(LKDB_ERROR_TARGET_LOST,
					 "cannot attach to %s: its gdb stub did not finish answering within %d s (--connect-timeout)",
					 o->remote, o->connect_timeout_s);
	}
	if (err)
		return lkdb_error_prefix(err, "cannot attach to %s", o->remote);
	if (r.record->result_class == MI_CLASS_ERROR) {
		const char *msg = gdb_result_error_message(r.record);
		size_t rlen = strlen(o->remote);
		/* gdb's "HOST:PORT: Connection refused.": the target once */
		if (msg && !strncmp(msg, o->remote, rlen) &&
		    !strncmp(msg + rlen, ": ", 2))
			msg += rlen + 2;
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
		s->kernel.kaslr_offset = o->kaslr_offset;
		err = kaslr_check_offset(s->kernel.vmlinux, &reader, o->kaslr_offset);
	} else {
		struct kaslr_stats stats = { 0 };
		err = kaslr_find_offset(s->kernel.vmlinux, &reader, &s->kernel.kaslr_offset,
					&stats);
	}
	if (err && err->code == LKDB_ERROR_MISMATCH && o->force) {
		lkdb_note(s, "warning: %s; going on because of --force (KASLR offset 0x%" PRIx64 ")",
			  err->message, s->kernel.kaslr_offset);
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

/* Where x86_64 kernel text runs: __START_KERNEL_map's 1 GiB (and above). */
#define KERNEL_TEXT_REGION 0xffffffff80000000ull

static struct lkdb_error *exec_quiet(struct lkdb_session *s, const char *op)
{
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_call_ok(s->gdb, GDB_CALL_QUIET,
						    SETUP_TIMEOUT_MS, op, NULL,
						    0, &r);
	if (!err)
		gdb_call_result_deinit(&r);
	return err;
}

/*
 * Wait up to timeout_ms for the guest to stop; on timeout stop it (its
 * *stopped is consumed).  *hit_ret: the breakpoint number it stopped at,
 * or watchpoint it stopped at, else -1.  Ctrl-C (or SIGTERM) gives
 * LKDB_ERROR_INTERRUPTED.
 */
static struct lkdb_error *run_for(struct lkdb_session *s, int timeout_ms,
				  int *hit_ret)
{
	*hit_ret = -1;
	struct mi_output *stopped = NULL;
	struct lkdb_error *err = gdb_driver_wait_stopped(s->gdb, timeout_ms,
							 &stopped);
	bool timed_out = err && err->code == LKDB_ERROR_TIMEOUT;
	if (timed_out) {
		lkdb_error_destroy(err);
		err = exec_quiet(s, "-exec-interrupt");
		if (!err)
			err = gdb_driver_wait_stopped(s->gdb, SETUP_TIMEOUT_MS,
						      &stopped);
	}
	if (!err && stopped) {
		const char *reason = mi_value_string(stopped->results,
						     "reason");
		const char *bkptno = mi_value_string(stopped->results,
						     "bkptno");
		if (reason && !strncmp(reason, "exited", 6))
			err = lkdb_error_create(LKDB_ERROR_TARGET_LOST,
						"the guest went away while it booted");
		else if (reason && !strcmp(reason, "breakpoint-hit") && bkptno)
			*hit_ret = atoi(bkptno);
		else if (reason &&
			 !strcmp(reason, "access-watchpoint-trigger")) {
			const struct mi_value *wp = mi_value_find(
				stopped->results, "hw-awpt");
			const char *number = wp ?
				mi_value_string(wp->children, "number") : NULL;
			if (number)
				*hit_ret = atoi(number);
		}
		else if (!timed_out && reason &&
			 !strcmp(reason, "signal-received"))
			err = lkdb_error_create(LKDB_ERROR_INTERRUPTED,
						"interrupted (Ctrl-C) before the kernel started");
	}
	mi_output_destroy(stopped);
	return err;
}

/*
 * The probe found nothing mapped: has the guest not started its kernel
 * yet (its CPU outside the kernel's text region)?
 */
static bool kernel_not_started(struct lkdb_session *s, uint64_t *pc_ret)
{
	struct lkdb_error *err = gdb_target_value(s->gdb, "$pc", pc_ret);
	bool outside = !err && *pc_ret < KERNEL_TEXT_REGION;
	lkdb_error_destroy(err);
	return outside;
}

/*
 * A guest whose kernel has not started (QEMU -S at the reset vector, the
 * firmware, a boot loader, the decompressor): nothing of it is mapped
 * where the KASLR probe looks.  lkdb lets it boot until the kernel first
 * runs at its final (KASLR) addresses, before x86_64_start_kernel and
 * start_kernel, so that breakpoints on the kernel's earliest C code hit.
 *
 * The first thing the kernel does there is use its boot stack, the top
 * of init_stack, at its final address (before that it runs at physical
 * addresses).  lkdb watches that stack's top at each address KASLR may
 * have put it at: one access watchpoint per candidate offset.  Under
 * QEMU's TCG these cost nothing until a page they cover is mapped, where
 * hardware breakpoints at as many addresses slow the whole boot about 40
 * times (QEMU looks each one up at every indirect jump); they never touch
 * guest memory either.  The watchpoint hit names the offset.
 *
 * Where the stub refuses them (KVM has four debug registers), or the
 * kernel does not pass there, the guest is looked at every BOOT_LOOK_MS
 * instead: once the probe finds the banner, it is found.
 */
#define BOOT_LOOK_MS 300
#define BOOT_ENTRY_WAIT_MS 20000
#define BOOT_WAIT_MS 600000
/* The part of the boot stack's top watched (the kernel's first frames). */
#define BOOT_STACK_WATCH 512

static struct lkdb_error *boot_stack_top(struct lkdb_session *s,
					 uint64_t *ret)
{
	/*
	 * __end_init_task became __end_init_stack in 2024 (vmlinux.lds.h,
	 * "rename __start/__end_init_task"); both end init_stack.
	 */
	struct lkdb_error *err = vmlinux_symbol(s->kernel.vmlinux, "__end_init_stack",
						ret, NULL);
	if (err && err->code == LKDB_ERROR_NOT_FOUND) {
		lkdb_error_destroy(err);
		err = vmlinux_symbol(s->kernel.vmlinux, "__end_init_task", ret, NULL);
	}
	return err;
}

static struct lkdb_error *boot_by_stack_watch(struct lkdb_session *s)
{
	uint64_t top, start, end;
	struct lkdb_error *err = boot_stack_top(s, &top);
	if (err)
		return err;
	vmlinux_text_range(s->kernel.vmlinux, &start, &end);
	uint64_t *offsets = NULL;
	size_t n = 0;
	err = kaslr_candidates(start, end, &kaslr_layout_x86_64, &offsets, &n);
	uint64_t *addrs = err ? NULL : malloc(n * sizeof(*addrs));
	int *numbers = err ? NULL : malloc(n * sizeof(*numbers));
	if (!err && (!addrs || !numbers))
		err = &lkdb_error_oom;
	for (size_t i = 0; !err && i < n; i++)
		addrs[i] = top - BOOT_STACK_WATCH + offsets[i];
	if (!err)
		err = breakpoints_insert_many(s->gdb, addrs, n,
					      BREAK_WATCH_ACCESS,
					      BOOT_STACK_WATCH, numbers);
	if (err) {
		free(offsets);
		free(addrs);
		free(numbers);
		return err;
	}
	/* Refused here when the stub has too few debug registers. */
	err = exec_quiet(s, "-exec-continue");
	int hit = -1;
	/*
	 * Firmware or a boot loader may take any time (a menu waits for a
	 * key): look now and then whether the CPU is in the kernel without
	 * having been seen arriving (a vmlinux of another build).
	 */
	uint64_t pc = 0;
	while (!err) {
		err = run_for(s, BOOT_ENTRY_WAIT_MS, &hit);
		if (err || hit >= 0 || !kernel_not_started(s, &pc))
			break;
		err = exec_quiet(s, "-exec-continue");
	}
	breakpoints_delete(s->gdb, numbers, n);
	if (!err && hit >= 0)
		s->t_kernel_seen = lkdb_now_seconds();
	if (!err && hit >= 0) {
		err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					"stopped at breakpoint %d, not on the kernel's boot stack",
					hit);
		for (size_t i = 0; i < n; i++) {
			if (numbers[i] != hit)
				continue;
			lkdb_error_destroy(err);
			err = NULL;
			s->kernel.kaslr_offset = offsets[i];
		}
	} else if (!err) {
		err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					"the CPU is in the kernel (0x%" PRIx64 ") but was not seen arriving",
					pc);
	}
	free(offsets);
	free(addrs);
	free(numbers);
	return err;
}

static struct lkdb_error *boot_by_looking(struct lkdb_session *s)
{
	for (int waited_ms = 0;; waited_ms += BOOT_LOOK_MS) {
		struct lkdb_error *err = find_kaslr(s);
		if (!err || err->code != LKDB_ERROR_FAULT)
			return err;
		if (waited_ms >= BOOT_WAIT_MS)
			return lkdb_error_prefix(err, "the kernel did not come up within %d s",
						 BOOT_WAIT_MS / 1000);
		lkdb_error_destroy(err);
		err = exec_quiet(s, "-exec-continue");
		int hit;
		if (!err)
			err = run_for(s, BOOT_LOOK_MS, &hit);
		if (err)
			return err;
	}
}

static struct lkdb_error *boot_to_kernel(struct lkdb_session *s)
{
	/* The guest's boot is not news; lkdb's stops in it are its own. */
	streams_muted = true;
	struct lkdb_error *err = boot_by_stack_watch(s);
	if (!err) {
		/* Found by address; the banner proves the vmlinux. */
		struct kernel_memory_reader reader;
		gdb_target_memory_reader(s->gdb, &reader);
		err = kaslr_check_offset(s->kernel.vmlinux, &reader, s->kernel.kaslr_offset);
		if (err && err->code == LKDB_ERROR_MISMATCH && s->options->force) {
			lkdb_note(s, "warning: %s; going on because of --force",
				  err->message);
			lkdb_error_destroy(err);
			err = NULL;
		} else if (err && err->code == LKDB_ERROR_MISMATCH) {
			err = lkdb_error_prefix(err, "%s",
						s->options->vmlinux);
		}
	} else if (err->code != LKDB_ERROR_INTERRUPTED &&
		   err->code != LKDB_ERROR_TARGET_LOST &&
		   err->code != LKDB_ERROR_GDB_EXITED) {
		lkdb_error_destroy(err);
		err = boot_by_looking(s);
	}
	streams_muted = false;
	return err;
}

static struct lkdb_error *find_kernel(struct lkdb_session *s)
{
	const struct lkdb_options *o = s->options;
	struct lkdb_error *err = find_kaslr(s);
	uint64_t pc = 0;
	if (!err || err->code != LKDB_ERROR_FAULT ||
	    !kernel_not_started(s, &pc))
		return err;
	lkdb_error_destroy(err);
	if (!o->qemu)
		lkdb_note(s, "%s: the guest has not started its kernel yet (CPU at 0x%" PRIx64 "); letting it boot to the kernel's entry",
			  o->remote, pc);
	return boot_to_kernel(s);
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
	err = dump_check_vmlinux(s->dump, s->kernel.vmlinux);
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
	s->kernel.kaslr_offset = dump_kaslr_offset(s->dump);
	return NULL;
}

static struct lkdb_error *dump_read_cb(void *context, uint64_t addr,
				       void *buf, size_t len)
{
	return dump_read(context, addr, buf, len);
}

static struct lkdb_error *dump_read_phys_cb(void *context, uint64_t paddr,
					    void *buf, size_t len)
{
	struct lkdb_session *s = context;
	if (lkdb_interrupted)
		return lkdb_error_interrupted();
	return dump_read_phys(s->dump, paddr, buf, len);
}

/*
 * Every walk of kernel memory reads through here, so a Ctrl-C ends each
 * one at its next read (LKDB_ERROR_INTERRUPTED, which walkers pass on
 * rather than turn into a warning): a log of 16 MB or ps of thousands of
 * tasks stops at once and the prompt comes back.
 */
static struct lkdb_error *interruptible_read(void *context, uint64_t addr,
					     void *buf, size_t len)
{
	struct lkdb_session *s = context;
	if (lkdb_interrupted)
		return lkdb_error_interrupted();
	return s->memory.read(s->memory.context, addr, buf, len);
}

static struct lkdb_error *interruptible_batch(void *context,
					      struct kernel_read_request *reqs,
					      size_t n)
{
	struct lkdb_session *s = context;
	if (lkdb_interrupted) {
		for (size_t i = 0; i < n; i++)
			reqs[i].err = lkdb_error_interrupted();
		return lkdb_error_interrupted();
	}
	return kernel_read_batch(&s->memory, reqs, n);
}

struct kernel *lkdb_session_kernel(struct lkdb_session *s)
{
	struct kernel_memory_reader *m = &s->memory;
	if (s->dump) {
		m->context = s->dump;
		m->read = dump_read_cb;
		m->read_batch = NULL;
	} else {
		gdb_target_memory_reader(s->gdb, m);
		if (s->guest_ram) {
			struct kernel_memory_reader gdb = *m;
			guest_ram_reader(s->guest_ram, &gdb, m);
		}
	}
	s->kernel.memory.context = s;
	s->kernel.memory.read = interruptible_read;
	s->kernel.memory.read_batch = interruptible_batch;
	/* Live, physical memory is read through the kernel's direct map. */
	s->kernel.phys = (struct kernel_memory_reader){
		.context = s,
		.read = s->dump ? dump_read_phys_cb : NULL,
	};
	return &s->kernel;
}

static void open_guest_ram(struct lkdb_session *s);

/* The gdb connection and kernel the guest's RAM is found and checked by. */
static struct guest_ram_live ram_live(struct lkdb_session *s)
{
	return (struct guest_ram_live){ .gdb = s->gdb, .kernel = &s->kernel,
					.qemu_pid = s->options->qemu_pid };
}

void lkdb_session_quiesce(struct lkdb_session *s)
{
	lkdb_session_flush_console(s);
	if (s->hooks.quiesce)
		s->hooks.quiesce(s->hooks.context);
}

/*
 * A vmlinux without DWARF (stripped of debug info, or a kernel built
 * without it) still has its symbols: say once, at start, what it lacks.
 * A warning, so --quiet does not hide it.
 */
static void warn_without_dwarf(struct lkdb_session *s)
{
	if (!vmlinux_has_dwarf(s->kernel.vmlinux))
		lkdb_warn(NULL, "%s has no DWARF debugging information: symbols only, so no file:line and no types (gdb's ptype and struct values, and lkdb's commands that read kernel structs); use the vmlinux with debug info (Debian: linux-image-RELEASE-dbg)",
			vmlinux_path(s->kernel.vmlinux));
}

static struct lkdb_error *start_gdb(struct lkdb_session *s)
{
	struct gdb_driver_options gopts = {
		.gdb_path = s->options->gdb_path,
		.interrupt_flag = &lkdb_interrupted,
	};
	struct gdb_driver_callbacks cb = {
		.context = s,
		.stream = on_stream,
		.tick = on_tick,
	};
	return gdb_driver_create(&gopts, &cb, &s->gdb);
}

struct lkdb_error *lkdb_session_source_directory(struct lkdb_session *s,
						const char *dir, bool now)
{
	/* gdb's directory splits at blanks and colons. */
	if (strpbrk(dir, " \t:")) {
		lkdb_note(s, "gdb's list does not look in %s: its name has a blank or a colon",
			  dir);
		return NULL;
	}
	if (!now)
		return add_step(s, SETUP_NOTE, false, "directory %s", dir);
	char *cmd = NULL;
	if (asprintf(&cmd, "directory %s", dir) < 0)
		return &lkdb_error_oom;
	const char *cmds[] = { cmd };
	struct lkdb_error *err = lkdb_session_gdb_state(s, "source-directory",
							 cmds, 1);
	if (!err)
		err = console_ok(s, cmd, SETUP_TIMEOUT_MS);
	free(cmd);
	return err;
}

struct lkdb_error *lkdb_session_gdb_state(struct lkdb_session *s,
					  const char *key,
					  const char *const *commands,
					  size_t n)
{
	return gdb_replay_set(&s->gdb_replay, key, commands, n);
}

void lkdb_session_recover_gdb(struct lkdb_session *s)
{
	if (!s->gdb || !s->dump || !gdb_driver_abandoned(s->gdb))
		return;
	/* The Ctrl-C that gave the command up is used up. */
	lkdb_interrupted = 0;
	gdb_driver_destroy(s->gdb);
	s->gdb = NULL;
	clear_steps(s);
	lkdb_error_destroy(s->gdb_failed);
	s->gdb_failed = NULL;
	s->entry_cfi_loaded = false;
	struct lkdb_error *err = start_gdb(s);
	if (!err)
		err = plan_setup(s);
	for (size_t i = 0; !err && i < s->gdb_replay.n; i++)
		err = add_step(s, SETUP_NOTE, false, "%s",
			       s->gdb_replay.entries[i].command);
	if (!err)
		err = send_setup(s);
	if (err) {
		/* gdb commands fail with it; lkdb's own go on. */
		s->gdb_failed = lkdb_error_prefix(err, "starting a new gdb");
		fprintf(stderr, "lkdb: gdb: %s\n", s->gdb_failed->message);
		return;
	}
	fprintf(stderr, "lkdb: gdb: a new gdb takes its place (its set commands, the task context and module symbols carried over)\n");
}

struct lkdb_error *lkdb_session_start(struct lkdb_session *s,
				      const struct lkdb_options *options,
				      const struct lkdb_session_hooks *hooks,
				      bool interactive)
{
	memset(s, 0, sizeof(*s));
	s->options = options;
	if (hooks)
		s->hooks = *hooks;
	s->console.write = s->log.write = write_stream;
	s->console.context = stdout;
	s->log.context = stderr;
	s->interactive = interactive;
	struct lkdb_error *err = kernel_open(&s->kernel, options->vmlinux,
					     &kernel_arch_x86_64);
	if (err)
		return err;
	warn_without_dwarf(s);
	/* The dump is checked before gdb starts: a mismatch costs nothing. */
	if (options->vmcore) {
		err = open_dump(s);
		if (err)
			return err;
	}
	err = start_gdb(s);
	if (err)
		return err;
	if (options->remote) {
		err = connect_remote(s);
		if (!err)
			err = find_kernel(s);
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
	/*
	 * At a terminal, the dump's prompt comes once gdb has the vmlinux's
	 * symbols (~0.25 s after it starts, from the index cache), so the
	 * first gdb command typed at once answers within ~0.3 s instead of
	 * waiting out the load; not longer than PROMPT_HOLD_MS (a first,
	 * uncached load takes minutes: then the prompt comes and gdb goes
	 * on).  lkdb's own commands need none of it; a batch run never waits.
	 */
	if (s->dump && interactive) {
		struct lkdb_error *e = collect_setup(s, true, PROMPT_HOLD_MS);
		if (e && e->code != LKDB_ERROR_TIMEOUT &&
		    e->code != LKDB_ERROR_INTERRUPTED)
			lkdb_note(s, "warning: %s", e->message);
		lkdb_error_destroy(e);
	}
	if (options->remote)
		lkdb_note(s, "attached to %s: Linux %s, KASLR offset 0x%" PRIx64,
			  options->remote, kernel_release(&s->kernel),
			  s->kernel.kaslr_offset);
	else if (s->dump)
		lkdb_note(s, "%s [%s]: Linux %s, %u CPUs, KASLR offset 0x%" PRIx64,
			  options->vmcore, dump_format_name(s->dump),
			  kernel_release(&s->kernel), dump_nr_cpus(s->dump),
			  s->kernel.kaslr_offset);
	if (options->remote && !options->no_guest_ram)
		open_guest_ram(s);
	return NULL;
}

/*
 * Changes whenever the guest's memory may have: it ran, or a gdb command
 * wrote to it (copies of its RAM are stale then).
 */
static unsigned long guest_ram_generation(const struct lkdb_session *s)
{
	return gdb_driver_resumes(s->gdb) + gdb_driver_memory_writes(s->gdb);
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
	unsigned long now = guest_ram_generation(s);
	if (!s->guest_ram_ready && now != s->guest_ram_checked) {
		s->guest_ram_checked = now;
		bool ready = false;
		struct guest_ram_live live = ram_live(s);
		struct lkdb_error *err = guest_ram_live_check(&live,
							      s->guest_ram,
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
	struct guest_ram_live live = ram_live(s);
	struct lkdb_error *err = guest_ram_live_open(&live, &s->guest_ram,
						     &ready);
	if (!err) {
		s->guest_ram_ready = ready;
		s->guest_ram_checked = guest_ram_generation(s);
		guest_ram_set_guard(s->guest_ram, guest_ram_guard, s);
		lkdb_note(s, "reading guest memory from %s while the guest is stopped",
			  guest_ram_name(s->guest_ram));
	} else if (err->code != LKDB_ERROR_NOT_FOUND) {
		lkdb_note(s, "warning: not reading guest memory from QEMU's RAM file: %s; reading it through gdb",
			  err->message);
	}
	lkdb_error_destroy(err);
}

/* The target went away: the session has none now. */
static struct lkdb_error *target_gone(struct lkdb_session *s)
{
	s->attached = false;
	s->target_lost = true;
	return lkdb_error_create(LKDB_ERROR_TARGET_LOST,
				 "the target %s went away while it ran (connection closed: QEMU exited or was killed)",
				 s->options->remote ? s->options->remote : "");
}

struct lkdb_error *lkdb_session_next_stop(struct lkdb_session *s,
					  int timeout_ms, struct mi_output **ret)
{
	*ret = NULL;
	double end = lkdb_now_seconds() + timeout_ms / 1000.0;
	for (;;) {
		int left = 250;
		if (timeout_ms >= 0) {
			double rest = end - lkdb_now_seconds();
			if (rest <= 0)
				return NULL;
			if (rest * 1000 < left)
				left = (int)(rest * 1000) + 1;
		}
		struct mi_output *out;
		struct lkdb_error *err = gdb_driver_next_async(s->gdb, left,
							       &out);
		if (err)
			return err;
		if (!out)
			continue;
		if (mi_output_is(out, MI_OUTPUT_EXEC_ASYNC, "stopped")) {
			const char *reason = mi_value_string(out->results,
							     "reason");
			if (reason && !strncmp(reason, "exited", 6)) {
				mi_output_destroy(out);
				return target_gone(s);
			}
			*ret = out;
			return NULL;
		}
		bool exited = mi_output_is(out, MI_OUTPUT_NOTIFY_ASYNC,
					   "thread-group-exited");
		mi_output_destroy(out);
		if (exited)
			return target_gone(s);
	}
}

/* Characters typed at the terminal while the guest ran (see wait_stop). */
static void drop_typeahead(struct lkdb_session *s)
{
	int pending = 0;
	/* Not from the background: tcflush would stop lkdb (SIGTTOU). */
	if (!s->interactive || tcgetpgrp(STDIN_FILENO) != getpgrp() ||
	    ioctl(STDIN_FILENO, FIONREAD, &pending) || pending <= 0)
		return;
	tcflush(STDIN_FILENO, TCIFLUSH);
	lkdb_note(s, "dropped %d character%s typed while the guest ran: its console takes no input from here, and they would have run as commands",
		  pending, pending == 1 ? "" : "s");
}

struct lkdb_error *lkdb_session_wait_stop(struct lkdb_session *s,
					  struct mi_output **ret)
{
	const struct lkdb_live_hooks *live = s->hooks.live;
	for (;;) {
		struct lkdb_error *err = lkdb_session_next_stop(
			s, GDB_TIMEOUT_NONE, ret);
		if (!err)
			drop_typeahead(s);
		if (err || !live || !live->own_stop(s, *ret))
			return err;
		mi_output_destroy(*ret);
		*ret = NULL;
		struct gdb_call_result r;
		err = gdb_driver_call_ok(s->gdb, GDB_CALL_QUIET, 10000,
					 "-exec-continue", NULL, 0, &r);
		if (err)
			return err;
		gdb_call_result_deinit(&r);
	}
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
		if (s->attached && mi_output_is(out, MI_OUTPUT_NOTIFY_ASYNC,
						"thread-group-exited")) {
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
	/*
	 * A live guest is left running, without lkdb's breakpoints: a
	 * command given up after a Ctrl-C must not hold up the detach.  A
	 * dump has nothing to leave behind: gdb, busy or not, is ended at
	 * once below (its server goes with it).
	 */
	bool live = s->options && s->options->remote;
	if (s->gdb && live)
		gdb_driver_settle(s->gdb, 5000);
	/* lkdb's breakpoints go before the guest is left to run. */
	if (s->hooks.live)
		s->hooks.live->end(s);
	if (live && s->gdb && s->attached && !s->nr_setup && !s->gdb_failed &&
	    gdb_driver_alive(s->gdb)) {
		/* Leave the guest running: that is what quit promises. */
		struct gdb_call_result r;
		struct lkdb_error *err = gdb_driver_call(s->gdb, GDB_CALL_QUIET,
							 5000, "-target-detach",
							 NULL, 0, &r);
		/* lkdb qemu ends its QEMU after this, unless `detach`. */
		bool qemu_ends = s->options->qemu && !s->detach_requested;
		if (!err && r.record->result_class == MI_CLASS_DONE &&
		    s->options->remote)
			lkdb_note(s, "detached from %s%s", s->options->remote,
				  qemu_ends ? "" : "; the target keeps running");
		if (!err)
			gdb_call_result_deinit(&r);
		lkdb_error_destroy(err);
		s->attached = false;
	}
	/*
	 * Setup that no command waited for (a batch on a dump that needed
	 * no gdb): gdb is ended at once, not waited for; a later session
	 * that uses gdb writes its index cache.
	 */
	gdb_driver_destroy(s->gdb);
	s->gdb = NULL;
	clear_steps(s);
	gdb_replay_deinit(&s->gdb_replay);
	lkdb_error_destroy(s->gdb_failed);
	s->gdb_failed = NULL;
	guest_ram_destroy(s->guest_ram);
	s->guest_ram = NULL;
	dump_destroy(s->dump);
	s->dump = NULL;
	/* Saves newly found layouts to the per-build-id cache. */
	kernel_close(&s->kernel);
	if (s->module_symbols_destroy)
		s->module_symbols_destroy(s->module_symbols);
	s->module_symbols = NULL;
	free(s->source_tree);
	s->source_tree = NULL;
	s->source_looked = false;
	lkdb_session_flush_console(s);
	gdb_console_deinit(&s->console);
	gdb_console_deinit(&s->log);
}
