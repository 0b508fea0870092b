/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A debugging session: one gdb, one vmlinux, at most one target.  Owns the
 * gdb driver and the opened vmlinux.
 */
#ifndef LKDB_SESSION_H
#define LKDB_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "mi/gdb_console.h"
#include "mi/gdb_driver.h"
#include "mi/gdb_replay.h"
#include "kernel-helpers/core/kernel.h"
#include "frontend/core/options.h"
#include "kernel-helpers/core/target.h"
#include "frontend/terminal/terminal.h"

struct lkdb_dump;
struct setup_step;
struct panic_stops;
struct module_sync;
struct module_symbols;
struct guest_ram;
struct task_list;
struct backtrace_env;

/*
 * What the parts above the session (lkdb qemu's console) register to be
 * told; the session never calls up into them.
 */
struct mi_output;
struct lkdb_session;

/*
 * What lkdb's live parts (the panic stops, module symbols following
 * insmod/rmmod: live_hooks.c) do at the session's events.  The session and
 * the command dispatcher call these and know nothing else of them; a
 * lower room never calls up into the live room.
 */
struct lkdb_live_hooks {
	/*
	 * A gdb command is about to resume the live guest: arm what watches
	 * it while it runs.  Returns whether it armed something that
	 * resume_end() takes out again.
	 */
	bool (*resume_begin)(struct lkdb_session *s);
	void (*resume_end)(struct lkdb_session *s);
	/*
	 * The guest stopped while a gdb command ran it.  own_stop: the stop
	 * was lkdb's own (handled; the guest is to be resumed).  report_stop:
	 * whether the stop was reported (a panic or oops).
	 */
	bool (*own_stop)(struct lkdb_session *s, const struct mi_output *stopped);
	bool (*report_stop)(struct lkdb_session *s,
			    const struct mi_output *stopped);
	/* Ctrl-C stopped the guest: a short look at what it was doing. */
	void (*interrupted)(struct lkdb_session *s);
	/* Before lkdb detaches: every breakpoint of lkdb's goes. */
	void (*end)(struct lkdb_session *s);
};

struct lkdb_session_hooks {
	void *context;
	/*
	 * Before lkdb prints a stop's report or gives the prompt: output
	 * that happened before it (the guest's console) goes out first.
	 */
	void (*quiesce)(void *context);
	/* NULL: no live parts (a dump, or nothing of them linked). */
	const struct lkdb_live_hooks *live;
};

struct lkdb_session {
	const struct lkdb_options *options;
	struct lkdb_session_hooks hooks;
	struct gdb_driver *gdb;
	/*
	 * The kernel: vmlinux, KASLR offset, type layouts, and the target's
	 * memory (lkdb_session_kernel() points it at the target).
	 */
	struct kernel kernel;
	/* Post-mortem: the vmcore, read in-process (gdb reads it through
	 * lkdb-dump-server). */
	struct lkdb_dump *dump;
	bool attached;		/* gdb has a target (remote stub or dump) */
	/*
	 * gdb's setup (target, symbols) sent but not collected: on dumps
	 * gdb loads while in-process commands answer.  See
	 * lkdb_session_need_gdb().
	 */
	struct setup_step *setup;
	size_t nr_setup;
	size_t setup_done;	/* steps collected so far */
	/* Why gdb could not be set up; later gdb commands fail with it. */
	struct lkdb_error *gdb_failed;
	/*
	 * The commands that made gdb's state (the user's settings, the task
	 * context, module symbols), for a new gdb: lkdb_session_gdb_state().
	 */
	struct gdb_replay gdb_replay;
	/* The task `task` chose (its task_struct), 0 for the default. */
	uint64_t context_task;
	/* Set while foreach runs task for each task: the context stays. */
	bool keep_context;
	/*
	 * While foreach runs its command for each task: the task list it
	 * read, lent to every run (task_lookup_lend()), and bt's unwinder
	 * made by the first run and kept for the rest
	 * (backtrace_env_end_loan()).  The commands release them
	 * (task_lookup_release(), backtrace_env_destroy()), never free them.
	 */
	struct task_list *lent_tasks;
	struct backtrace_env *lent_bt_env;
	bool interactive;	/* a terminal is on stdin and stdout */
	bool quit_requested;
	/* `detach`: lkdb qemu leaves QEMU running (else as quit). */
	bool detach_requested;
	/* `set pager off`: long output is not paged at the prompt. */
	bool pager_off;
	/*
	 * When lkdb saw a booting guest's kernel at its final addresses
	 * (lkdb_now_seconds()), 0 if it attached to a running kernel.
	 */
	double t_kernel_seen;
	/* A progress line is up on stderr (needs a newline first). */
	bool progress_shown;
	/* The target went away (QEMU died, connection closed). */
	bool target_lost;
	/* lkdb's breakpoints on the panic and oops paths (panic_stop.h). */
	struct panic_stops *panic_stops;
	/* gdb has the entry code's frame information (stop_frame.h). */
	bool entry_cfi_loaded;
	/*
	 * The kernel's source tree for reports (source_tree.h), looked for
	 * once; NULL: none.  source_told: gdb's directory has it.
	 */
	bool source_looked;
	char *source_tree;
	bool source_told;
	/* Module symbols following insmod/rmmod (module_sync.h). */
	struct module_sync *module_sync;
	/*
	 * The modules whose symbols this session gave gdb
	 * (frontend/kernel/module_symbols.h, which sets the destructor that
	 * lkdb_session_end() calls).
	 */
	struct module_symbols *module_symbols;
	void (*module_symbols_destroy)(struct module_symbols *table);
	/*
	 * Live: the guest's RAM in QEMU's shared file, read directly while
	 * the guest is stopped (guest_ram_live.h); NULL: through gdb.
	 */
	struct guest_ram *guest_ram;
	/*
	 * Checked against gdb's reads (guest_ram_live_check) as of the stop
	 * counted guest_ram_checked; until then, and for good once a check
	 * failed, reads go through gdb.
	 */
	bool guest_ram_ready;
	bool guest_ram_failed;
	unsigned long guest_ram_checked;
	/* gdb's last log (&) text, so its error is not printed twice. */
	char last_log[512];
	/*
	 * The target's memory (the dump, gdb, or QEMU's RAM file then gdb)
	 * behind the kernel's reader, which adds Ctrl-C.
	 */
	struct kernel_memory_reader memory;
	/* gdb's console and log text on their way out (gdb_console.h). */
	struct gdb_console console, log;
};


/*
 * Start gdb, open the vmlinux, attach to the remote target if one was
 * given (finding the KASLR offset and refusing a mismatching vmlinux unless
 * --force), and load the symbols relocated.
 */
struct lkdb_error *lkdb_session_start(struct lkdb_session *s,
				      const struct lkdb_options *options,
				      const struct lkdb_session_hooks *hooks,
				      bool interactive);
/*
 * The session's kernel with its memory reader pointed at the target as of
 * now: the dump in-process when there is one (no gdb round trips), else
 * the live target through gdb (QEMU's RAM file first once it is open).
 * Every kernel command reads through it.
 */
struct kernel *lkdb_session_kernel(struct lkdb_session *s);

/*
 * Wait until gdb has its target and symbols (on dumps they load in the
 * background); every use of gdb goes through here first.  Commands that
 * only read the target in-process need not.
 */
struct lkdb_error *lkdb_session_need_gdb(struct lkdb_session *s);

/*
 * Look at what gdb reported asynchronously since the last command; notices
 * a lost target (sets target_lost and says so on stderr).
 */
void lkdb_session_poll_events(struct lkdb_session *s);
/*
 * Wait up to timeout_ms (GDB_TIMEOUT_NONE: no limit) for the running
 * target's next *stopped (*ret; NULL at the timeout).  A target that goes
 * away (gdb: =thread-group-exited when the remote connection closes, or a
 * stop "exited") is LKDB_ERROR_TARGET_LOST, and the session has no target
 * after it.  Ctrl-C is forwarded by the driver.
 */
struct lkdb_error *lkdb_session_next_stop(struct lkdb_session *s,
					  int timeout_ms, struct mi_output **ret);
/*
 * The one loop after the guest was resumed: wait for its stop, and pass
 * over lkdb's own (the live hooks' own_stop: a module inserted or
 * removed, handled there), continuing the guest after each; *ret is the
 * first stop that is not lkdb's own.  At a terminal, what was typed while
 * the guest ran is dropped with a note: the guest's console takes no
 * input from lkdb's terminal, and those lines would run as commands at
 * the prompt (gdb's `clear` deletes breakpoints).
 */
struct lkdb_error *lkdb_session_wait_stop(struct lkdb_session *s,
					  struct mi_output **ret);
/*
 * gdb's list looks for source files in dir too (gdb's directory; kept for
 * a new gdb).  now: at once (gdb must be idle), else as a set-up step of
 * the session.  A dir with blanks or colons is left out with a note.
 */
struct lkdb_error *lkdb_session_source_directory(struct lkdb_session *s,
						const char *dir, bool now);

/*
 * Remember commands that set gdb's state, so that a new gdb gets them
 * (lkdb_session_recover_gdb): the commands under key replace those
 * given before under it (n == 0: none left); key NULL appends (the
 * user's set commands, the oldest dropped past a cap).
 */
struct lkdb_error *lkdb_session_gdb_state(struct lkdb_session *s,
					  const char *key,
					  const char *const *commands,
					  size_t n);
/*
 * After a command: on a dump, gdb still working on one it was asked to
 * stop (a Ctrl-C it does not check for, as in `info functions .`, which
 * reads every DWARF unit first) would hold every later gdb command for
 * as long: it is ended, and a new one started in the background with
 * the remembered state (lkdb_session_gdb_state).  Said on stderr.  A
 * live target's gdb is kept: its connection to the stub is the session.
 */
void lkdb_session_recover_gdb(struct lkdb_session *s);
/* Detach (the target keeps running) and stop gdb. */
void lkdb_session_end(struct lkdb_session *s);

/* Let out a console line gdb left unfinished (its command is done). */
void lkdb_session_flush_console(struct lkdb_session *s);
/*
 * Before lkdb prints on its own: gdb's unfinished console line, then the
 * quiesce hook, if any (see struct lkdb_session_hooks).
 */
void lkdb_session_quiesce(struct lkdb_session *s);

/* Print a progress/status message on stderr unless --quiet. */
void lkdb_note(struct lkdb_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
