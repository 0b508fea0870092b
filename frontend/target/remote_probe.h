/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Before gdb connects to a remote stub, lkdb connects itself: an unknown
 * host, a refused connection, one that nobody answers, a port that speaks
 * something else and a stub that another debugger holds each get their
 * own one-line error within --connect-timeout, instead of gdb retrying for
 * half a minute and being blamed for it.
 *
 * The probe sends one qSupported packet and reads the first byte of the
 * answer.  QEMU's stub pauses the guest when a client connects, as gdb's
 * own connection right after would.  Given up on a busy stub, the probe
 * queues a detach behind it, so that the guest runs on once QEMU takes
 * the connection.
 */
#ifndef LKDB_REMOTE_PROBE_H
#define LKDB_REMOTE_PROBE_H

#include "common/error.h"

/*
 * Probe REMOTE (gdb's HOST:PORT, :PORT, tcp:HOST:PORT, [v6]:PORT); serial
 * devices and pipes are left to gdb.  Errors are LKDB_ERROR_TARGET_LOST
 * with a message naming REMOTE.
 */
struct lkdb_error *remote_probe(const char *remote, int timeout_s);

#endif
