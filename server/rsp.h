/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GDB remote serial protocol framing (GDB manual, "Remote Protocol").
 *
 *   packet:  '$' payload '#' two hex digits (sum of the payload bytes as
 *            sent, modulo 256)
 *   acks:    '+' packet received, '-' please send it again; both are off
 *            after QStartNoAckMode
 *   escapes: '}' then the byte XOR 0x20, for '$', '#', '}' and '*'
 *   runs:    c '*' n repeats c (n - 29) more times; n is printable and
 *            neither '$' nor '#'
 *
 * struct rsp_decoder is pure: push bytes in any chunking, get events
 * (packets, acks, ^C, malformed packets) out.  Payloads come out unescaped
 * and run-length decoded.  struct rsp_conn runs the decoder over a pair of
 * file descriptors and does the acknowledging.
 */
#ifndef LKDB_RSP_H
#define LKDB_RSP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/* Largest payload accepted, decoded (what qSupported's PacketSize says). */
#define RSP_MAX_PAYLOAD 0x4000

enum rsp_event_kind {
	RSP_EVENT_NONE,		/* all bytes used up, no event yet */
	RSP_EVENT_PACKET,
	RSP_EVENT_ACK,		/* '+' */
	RSP_EVENT_NAK,		/* '-' */
	RSP_EVENT_INTERRUPT,	/* 0x03 between packets */
	RSP_EVENT_MALFORMED,	/* '$' ... that is not a packet; why says */
};

struct rsp_event {
	enum rsp_event_kind kind;
	/*
	 * RSP_EVENT_PACKET: the decoded payload, NUL-terminated (it may
	 * contain NULs itself); valid until the next rsp_decoder_push().
	 */
	const char *data;
	size_t len;
	/* RSP_EVENT_PACKET: whether the checksum matched. */
	bool checksum_ok;
	/* RSP_EVENT_MALFORMED: a static description. */
	const char *why;
};

struct rsp_decoder;

struct lkdb_error *rsp_decoder_create(struct rsp_decoder **ret);
void rsp_decoder_destroy(struct rsp_decoder *dec);
/*
 * Consumes bytes of data up to and including the end of the next event and
 * returns how many; *event_ret is RSP_EVENT_NONE when all len bytes were
 * consumed without completing one.  Call again with the rest.  Bytes
 * outside packets other than '+', '-' and 0x03 are skipped.  A '$' inside
 * a packet ends it as malformed and starts the next one.  Never fails.
 */
size_t rsp_decoder_push(struct rsp_decoder *dec, const void *data, size_t len,
			struct rsp_event *event_ret);

/* A growable byte buffer, always NUL-terminated after len when data. */
struct rsp_buf {
	char *data;
	size_t len, cap;
};

void rsp_buf_free(struct rsp_buf *buf);
struct lkdb_error *rsp_buf_append(struct rsp_buf *buf, const void *data,
				  size_t len);
struct lkdb_error *rsp_buf_printf(struct rsp_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Two lowercase hex digits per byte. */
struct lkdb_error *rsp_buf_append_hex(struct rsp_buf *buf, const void *data,
				      size_t len);
/* Replaces buf's content with the framed, escaped packet for payload. */
struct lkdb_error *rsp_frame(const void *payload, size_t len,
			     struct rsp_buf *buf);

/* Where a packet handler sends its replies (payloads, unframed). */
struct rsp_sink {
	void *context;
	struct lkdb_error *(*send)(void *context, const char *payload,
				   size_t len);
};

/*
 * A connection: packets in from in_fd, out to out_fd (the same fd for a
 * socket).  The fds stay the caller's.
 */
struct rsp_conn;

struct lkdb_error *rsp_conn_create(int in_fd, int out_fd,
				   struct rsp_conn **ret);
void rsp_conn_destroy(struct rsp_conn *conn);
/*
 * Waits for the next good packet; *data_ret is NULL at end of input.  In
 * acknowledgment mode it answers '+' to a good packet and '-' to a bad
 * one, and sends the last packet again on '-'.  Without acknowledgments
 * (after rsp_conn_set_noack()) a packet is taken whatever its checksum and
 * a malformed one is dropped.  Data stays valid until the next call.
 */
struct lkdb_error *rsp_conn_recv(struct rsp_conn *conn, const char **data_ret,
				 size_t *len_ret);
struct lkdb_error *rsp_conn_send(struct rsp_conn *conn, const char *payload,
				 size_t len);
/*
 * In acknowledgment mode, waits up to timeout_ms (< 0: for ever) for gdb
 * to acknowledge the last packet sent, sending it again on '-'; returns
 * at once without acknowledgments.  Before ending: gdb acknowledges the
 * reply to "D", and would find the connection closed.  A new packet or
 * the end of input counts as an acknowledgment.
 */
struct lkdb_error *rsp_conn_wait_ack(struct rsp_conn *conn, int timeout_ms);
void rsp_conn_set_noack(struct rsp_conn *conn);
/* A sink sending on conn. */
void rsp_conn_sink(struct rsp_conn *conn, struct rsp_sink *ret);

#endif
