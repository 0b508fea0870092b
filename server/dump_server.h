/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A GDB remote protocol server over a struct lkdb_target (a vmcore): gdb
 * sees a stopped x86_64 target whose threads are the dump's CPUs and whose
 * memory is the dump's kernel virtual memory.  Nothing can run or change.
 *
 * Threads: thread id n (1..N) is CPU n-1; gdb shows "Thread n (CPU n-1)".
 * A dump without saved CPU registers still has thread 1, whose registers
 * are unavailable.  The first stop reply ("?") names thread 1.
 *
 * Registers (the target description, "g" and "p" order): rax rbx rcx rdx
 * rsi rdi rbp rsp r8-r15 rip (64 bits), eflags cs ss ds es fs gs (32),
 * st0-st7 (80) fctrl fstat ftag fiseg fioff foseg fooff fop (32) -- gdb
 * requires the x87 registers in org.gnu.gdb.i386.core; a dump has none,
 * so they are always unavailable -- then fs_base gs_base
 * (org.gnu.gdb.i386.segments) and orig_rax (org.gnu.gdb.i386.linux), 64.
 *
 * Packets: qSupported (PacketSize=4000, QStartNoAckMode+,
 * qXfer:features:read+), QStartNoAckMode, ?, qC, qAttached (1),
 * qfThreadInfo/qsThreadInfo, qThreadExtraInfo, Hg/Hc, T, g, p, m
 * (an unreadable address is E14: gdb says "Cannot access memory at
 * address ..."), qXfer:features:read:target.xml, qSymbol (OK), qRcmd
 * (below), D (OK, then the server ends), k (ends).  Writes (G, P, M, X)
 * are E01.  Resuming (c, C, s, S, vCont) prints "lkdb-dump-server: a dump
 * cannot be resumed (...)" on gdb's console and answers a stop with signal
 * 0 (T00) of the thread resumed, which gdb shows as "Thread N stopped." at
 * the same place; "step" and "next" stop at once too.  Breakpoints (Z)
 * are unsupported, so gdb falls back to writing memory, which fails when
 * it inserts them.  Everything else gets the empty "unsupported" reply.
 *
 * Task context: one extra set of registers, for unwinding a task that is
 * not running on a CPU (a sleeping task's saved rip/rsp/rbp).  It is
 * either an extra thread (id N+1 unless chosen) shown as "context", or it
 * replaces the registers of CPU thread n.  From gdb:
 *
 *   monitor lkdb-context [thread=ID] REG=HEX...   set (replaces any other)
 *   monitor lkdb-context clear                     remove
 *   monitor lkdb-context                           show
 *   monitor help
 *
 * REG is rax..r15, rip, eflags, cs, ss, ds, es, fs, gs, fs_base, gs_base
 * or orig_rax; HEX is 1 to 16 hex digits, "0x" allowed.  Registers not given are 0.  ID is a
 * thread id (decimal, or hex with 0x), default N+1; 1..N replaces that
 * CPU's registers.  Setting prints "thread ID" on gdb's console; a bad
 * command prints why and fails ("Protocol error with Rcmd").
 *
 * gdb caches registers and the thread list: after changing the context,
 * run "maintenance flush register-cache" (a CPU thread's or the context
 * thread's registers changed) and "info threads" or "thread find" (a new
 * context thread), then "thread N" with gdb's number for it.
 */
#ifndef LKDB_DUMP_SERVER_H
#define LKDB_DUMP_SERVER_H

#include <stddef.h>

#include "common/error.h"
#include "server/rsp.h"
#include "kernel-helpers/core/target.h"

struct dump_server;

/* The target is copied; what it points to must outlive the server. */
struct lkdb_error *dump_server_create(const struct lkdb_target *target,
				      struct dump_server **ret);
void dump_server_destroy(struct dump_server *server);

/*
 * Sets the task context (see above): thread_id 0 means N+1, 1..N replaces
 * that CPU's registers, more than N is an extra thread with that id (at
 * most INT_MAX).  regs NULL removes the context.
 */
struct lkdb_error *dump_server_set_context(struct dump_server *server,
					   unsigned int thread_id,
					   const struct x86_64_regs *regs);

enum dump_server_action {
	DUMP_SERVER_CONTINUE,
	DUMP_SERVER_START_NOACK,	/* stop acknowledging from now on */
	DUMP_SERVER_EXIT,		/* detached or killed: end */
};

/*
 * Handles one packet's payload (decoded, without '$' and '#'): sends the
 * reply (qRcmd may send console output packets first) to sink.  Only
 * fails if memory runs out or the sink fails.
 */
struct lkdb_error *dump_server_handle(struct dump_server *server,
				      const char *payload, size_t len,
				      const struct rsp_sink *sink,
				      enum dump_server_action *action_ret);

/*
 * Serves gdb on in_fd/out_fd until it detaches, kills or closes the
 * connection.
 */
struct lkdb_error *dump_server_run(struct dump_server *server, int in_fd,
				   int out_fd);

#endif
