/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lkdb owns the user's terminal: its modes and descriptor flags are saved
 * at start and put back on every way out (normal exit, SIGTERM, SIGHUP, a
 * crash).  Signals only set flags here; the loops that wait look at them.
 * Nothing here ever signals a process group: Ctrl-C already reached every
 * process in the terminal's foreground group (children that must not get
 * it run in groups of their own).
 */
#ifndef LKDB_TERMINAL_H
#define LKDB_TERMINAL_H

#include <signal.h>
#include <stdbool.h>

/* Ctrl-C (SIGINT): set by the handler; the gdb driver forwards it. */
extern volatile sig_atomic_t lkdb_interrupted;
/* SIGTERM or SIGHUP: the signal that asks lkdb to detach and end, or 0. */
extern volatile sig_atomic_t lkdb_terminating;
/* SIGWINCH: the terminal changed size. */
extern volatile sig_atomic_t lkdb_resized;
/* lkdb was stopped (Ctrl-Z) and continued: the line editor redraws. */
extern volatile sig_atomic_t lkdb_continued;
/*
 * The pager's process while one shows a command's output, else 0.  A
 * Ctrl-C ends it with the command (lkdb may be blocked writing to it), so
 * that the prompt comes back.
 */
extern volatile sig_atomic_t lkdb_pager_pid;

/*
 * Save the terminal's state and install lkdb's signal handlers: SIGINT,
 * SIGTERM, SIGHUP, SIGWINCH set the flags above; SIGTSTP (Ctrl-Z) puts the
 * terminal back before lkdb stops and sets lkdb_continued when it goes
 * on; SIGPIPE is ignored (a closed pipe is an error on write); fatal
 * signals restore the terminal and then take their default action.
 */
void terminal_init(void);
/* Put the saved terminal state back (idempotent, async-signal-safe). */
void terminal_restore(void);
/* Clear O_NONBLOCK on fd if something set it (a child sharing the tty). */
void terminal_make_blocking(int fd);
/* True when stdin and stdout are a terminal. */
bool terminal_interactive(void);

#endif
