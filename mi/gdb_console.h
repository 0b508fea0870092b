/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gdb's CLI console text as lkdb shows it: whole lines, with gdb's chatter
 * about its own machinery taken out or put the way gdb prints it for a
 * single-threaded program.  lkdb's threads are CPUs, its breakpoints and
 * interrupts its own business, and a kernel's sources are rarely where
 * the vmlinux was built:
 *   "[Switching to Thread 1.2]"                          dropped
 *   "Thread 2 hit Breakpoint 3, f () at a.c:9"           "Breakpoint 3, f () at a.c:9"
 *   "Thread 1 received signal SIGINT, Interrupt."        dropped (lkdb says it)
 *   "913\tinit/main.c: No such file or directory."        dropped
 */
#ifndef LKDB_GDB_CONSOLE_H
#define LKDB_GDB_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One line of console text (without its newline): false to drop it, else
 * *start_ret is where the line to show begins (a prefix taken off).
 */
bool gdb_console_line_shown(const char *line, size_t len, size_t *start_ret);

/* Console or log text cut into lines, each passed through the filter above. */
struct gdb_console {
	char *partial;		/* the unfinished last line */
	size_t len, cap;
	/*
	 * Keep "NNN\tFILE: No such file or directory." (gdb's `list`: the
	 * user asked for the source and must hear it is not there).
	 */
	bool keep_missing_source;
	/* Where shown text goes. */
	void (*write)(void *context, const char *text, size_t len);
	void *context;
};

/* Take text; every finished line goes out (or not) at once. */
void gdb_console_push(struct gdb_console *c, const char *text, size_t len);
/* Let an unfinished line out as it is (gdb finished its command). */
void gdb_console_flush(struct gdb_console *c);
void gdb_console_deinit(struct gdb_console *c);

#endif
