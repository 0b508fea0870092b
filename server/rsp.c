// SPDX-License-Identifier: GPL-2.0-or-later
#include "server/rsp.h"
#include "common/fdio.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum decoder_state {
	DEC_IDLE,		/* between packets */
	DEC_BODY,
	DEC_ESCAPE,		/* after '}' */
	DEC_RUN,		/* after '*' */
	DEC_CHECKSUM1,
	DEC_CHECKSUM2,
};

struct rsp_decoder {
	enum decoder_state state;
	unsigned char sum;	/* of the bytes between '$' and '#' */
	unsigned char checksum;	/* the one sent */
	/* The first thing wrong with the packet being read, or NULL. */
	const char *why;
	size_t len;
	char buf[RSP_MAX_PAYLOAD + 1];
};

struct lkdb_error *rsp_decoder_create(struct rsp_decoder **ret)
{
	struct rsp_decoder *dec = calloc(1, sizeof(*dec));

	if (!dec)
		return &lkdb_error_oom;
	*ret = dec;
	return NULL;
}

void rsp_decoder_destroy(struct rsp_decoder *dec)
{
	free(dec);
}

static void put_byte(struct rsp_decoder *dec, char c)
{
	if (dec->why)
		return;
	if (dec->len == RSP_MAX_PAYLOAD) {
		dec->why = "packet too long";
		return;
	}
	dec->buf[dec->len++] = c;
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void set_event(struct rsp_event *ev, enum rsp_event_kind kind)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
}

static void malformed(struct rsp_decoder *dec, struct rsp_event *ev,
		      const char *why)
{
	set_event(ev, RSP_EVENT_MALFORMED);
	ev->why = why;
	dec->state = DEC_IDLE;
}

size_t rsp_decoder_push(struct rsp_decoder *dec, const void *data, size_t len,
			struct rsp_event *ev)
{
	const unsigned char *bytes = data;

	set_event(ev, RSP_EVENT_NONE);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = bytes[i];
		int digit;

		if (dec->state != DEC_IDLE && dec->state != DEC_CHECKSUM2 &&
		    c == '$') {
			/* Not consumed: it starts the next packet. */
			malformed(dec, ev, dec->state == DEC_CHECKSUM1 ?
				  "'$' instead of a checksum" :
				  "'$' inside a packet");
			return i;
		}
		switch (dec->state) {
		case DEC_IDLE:
			switch (c) {
			case '$':
				dec->state = DEC_BODY;
				dec->sum = 0;
				dec->len = 0;
				dec->why = NULL;
				break;
			case '+':
				set_event(ev, RSP_EVENT_ACK);
				return i + 1;
			case '-':
				set_event(ev, RSP_EVENT_NAK);
				return i + 1;
			case 0x03:
				set_event(ev, RSP_EVENT_INTERRUPT);
				return i + 1;
			default:
				break;	/* noise between packets */
			}
			break;
		case DEC_BODY:
			if (c == '#') {
				dec->state = DEC_CHECKSUM1;
				break;
			}
			dec->sum += c;
			if (c == '}')
				dec->state = DEC_ESCAPE;
			else if (c == '*')
				dec->state = DEC_RUN;
			else
				put_byte(dec, c);
			break;
		case DEC_ESCAPE:
			if (c == '#') {
				if (!dec->why)
					dec->why = "'}' at the end of a packet";
				dec->state = DEC_CHECKSUM1;
				break;
			}
			dec->sum += c;
			put_byte(dec, c ^ 0x20);
			dec->state = DEC_BODY;
			break;
		case DEC_RUN:
			if (c == '#') {
				if (!dec->why)
					dec->why = "'*' at the end of a packet";
				dec->state = DEC_CHECKSUM1;
				break;
			}
			dec->sum += c;
			dec->state = DEC_BODY;
			if (dec->why)
				break;
			if (dec->len == 0) {
				dec->why = "'*' with nothing to repeat";
			} else if (c < ' ' || c > '~') {
				dec->why = "bad run-length count";
			} else {
				char repeated = dec->buf[dec->len - 1];

				for (int n = c - 29; n > 0; n--)
					put_byte(dec, repeated);
			}
			break;
		case DEC_CHECKSUM1:
			digit = hex_value(c);
			if (digit < 0) {
				malformed(dec, ev, "bad checksum digit");
				return i + 1;
			}
			dec->checksum = digit << 4;
			dec->state = DEC_CHECKSUM2;
			break;
		case DEC_CHECKSUM2:
			digit = hex_value(c);
			if (digit < 0) {
				malformed(dec, ev, "bad checksum digit");
				/* A '$' still starts the next packet. */
				return c == '$' ? i : i + 1;
			}
			dec->checksum |= digit;
			dec->state = DEC_IDLE;
			if (dec->why) {
				malformed(dec, ev, dec->why);
				return i + 1;
			}
			dec->buf[dec->len] = '\0';
			set_event(ev, RSP_EVENT_PACKET);
			ev->data = dec->buf;
			ev->len = dec->len;
			ev->checksum_ok = dec->checksum == dec->sum;
			return i + 1;
		}
	}
	return len;
}

void rsp_buf_free(struct rsp_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}

static struct lkdb_error *buf_reserve(struct rsp_buf *buf, size_t more)
{
	size_t need;

	if (more > SIZE_MAX - 1 - buf->len)
		return &lkdb_error_oom;
	need = buf->len + more + 1;
	if (need > buf->cap) {
		size_t cap = buf->cap ? buf->cap : 64;
		char *data;

		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
		data = realloc(buf->data, cap);
		if (!data)
			return &lkdb_error_oom;
		buf->data = data;
		buf->cap = cap;
	}
	return NULL;
}

struct lkdb_error *rsp_buf_append(struct rsp_buf *buf, const void *data,
				  size_t len)
{
	struct lkdb_error *err = buf_reserve(buf, len);

	if (err)
		return err;
	if (len)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
	return NULL;
}

struct lkdb_error *rsp_buf_printf(struct rsp_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int n;
	struct lkdb_error *err;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "cannot format \"%s\"", fmt);
	err = buf_reserve(buf, (size_t)n);
	if (err)
		return err;
	va_start(ap, fmt);
	vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
	return NULL;
}

static const char hex_digits[] = "0123456789abcdef";

struct lkdb_error *rsp_buf_append_hex(struct rsp_buf *buf, const void *data,
				      size_t len)
{
	const unsigned char *bytes = data;
	struct lkdb_error *err;
	char *out;

	if (len > (SIZE_MAX - 1) / 2)
		return &lkdb_error_oom;
	err = buf_reserve(buf, 2 * len);
	if (err)
		return err;
	out = buf->data + buf->len;
	for (size_t i = 0; i < len; i++) {
		*out++ = hex_digits[bytes[i] >> 4];
		*out++ = hex_digits[bytes[i] & 0xf];
	}
	buf->len += 2 * len;
	buf->data[buf->len] = '\0';
	return NULL;
}

struct lkdb_error *rsp_frame(const void *payload, size_t len,
			     struct rsp_buf *buf)
{
	const unsigned char *bytes = payload;
	unsigned char sum = 0;
	struct lkdb_error *err;
	char *out;

	buf->len = 0;
	if (len > (SIZE_MAX - 5) / 2)
		return &lkdb_error_oom;
	/* At worst every byte is escaped. */
	err = buf_reserve(buf, 2 * len + 4);
	if (err)
		return err;
	out = buf->data;
	*out++ = '$';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = bytes[i];

		if (c == '$' || c == '#' || c == '}' || c == '*') {
			*out++ = '}';
			sum += '}';
			c ^= 0x20;
		}
		*out++ = c;
		sum += c;
	}
	*out++ = '#';
	*out++ = hex_digits[sum >> 4];
	*out++ = hex_digits[sum & 0xf];
	buf->len = out - buf->data;
	buf->data[buf->len] = '\0';
	return NULL;
}

struct rsp_conn {
	int in_fd, out_fd;
	bool noack;
	struct rsp_decoder *dec;
	size_t in_pos, in_len;
	char in[4096];
	struct rsp_buf last;	/* the last packet sent, framed */
};

struct lkdb_error *rsp_conn_create(int in_fd, int out_fd,
				   struct rsp_conn **ret)
{
	struct rsp_conn *conn = calloc(1, sizeof(*conn));
	struct lkdb_error *err;

	if (!conn)
		return &lkdb_error_oom;
	err = rsp_decoder_create(&conn->dec);
	if (err) {
		free(conn);
		return err;
	}
	conn->in_fd = in_fd;
	conn->out_fd = out_fd;
	*ret = conn;
	return NULL;
}

void rsp_conn_destroy(struct rsp_conn *conn)
{
	if (!conn)
		return;
	rsp_decoder_destroy(conn->dec);
	rsp_buf_free(&conn->last);
	free(conn);
}

void rsp_conn_set_noack(struct rsp_conn *conn)
{
	conn->noack = true;
}

/* The peer's end of the conversation: write all of it, or say why not. */
static struct lkdb_error *write_all(int fd, const char *data, size_t len)
{
	if (lkdb_write_all(fd, data, len))
		return lkdb_error_errno(errno, "writing to gdb");
	return NULL;
}

/*
 * The next event from in_fd.  timeout_ms < 0 waits for ever; a timeout
 * or the end of input gives RSP_EVENT_NONE.
 */
static struct lkdb_error *next_event(struct rsp_conn *conn, int timeout_ms,
				     struct rsp_event *ev)
{
	for (;;) {
		if (conn->in_pos == conn->in_len) {
			struct pollfd pfd = { .fd = conn->in_fd,
					      .events = POLLIN };
			ssize_t n;
			int ready = timeout_ms < 0 ? 1
					: poll(&pfd, 1, timeout_ms);

			if (ready < 0 && errno == EINTR)
				continue;
			if (ready < 0)
				return lkdb_error_errno(errno,
							"waiting for gdb");
			if (ready == 0) {
				ev->kind = RSP_EVENT_NONE;
				return NULL;
			}
			n = read(conn->in_fd, conn->in, sizeof(conn->in));
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return lkdb_error_errno(errno,
							"reading from gdb");
			}
			if (n == 0) {
				ev->kind = RSP_EVENT_NONE;
				return NULL;
			}
			conn->in_pos = 0;
			conn->in_len = (size_t)n;
		}
		conn->in_pos += rsp_decoder_push(conn->dec,
						 conn->in + conn->in_pos,
						 conn->in_len - conn->in_pos,
						 ev);
		if (ev->kind != RSP_EVENT_NONE)
			return NULL;
	}
}

struct lkdb_error *rsp_conn_recv(struct rsp_conn *conn, const char **data_ret,
				 size_t *len_ret)
{
	struct lkdb_error *err = NULL;

	for (;;) {
		struct rsp_event ev;

		err = next_event(conn, -1, &ev);
		if (err)
			return err;
		switch (ev.kind) {
		case RSP_EVENT_NONE:	/* end of input */
			*data_ret = NULL;
			*len_ret = 0;
			return NULL;
		case RSP_EVENT_ACK:
		case RSP_EVENT_INTERRUPT:	/* a dump never runs */
			break;
		case RSP_EVENT_NAK:
			if (!conn->noack && conn->last.len)
				err = write_all(conn->out_fd, conn->last.data,
						conn->last.len);
			break;
		case RSP_EVENT_MALFORMED:
			if (!conn->noack)
				err = write_all(conn->out_fd, "-", 1);
			break;
		case RSP_EVENT_PACKET:
			if (conn->noack) {
				*data_ret = ev.data;
				*len_ret = ev.len;
				return NULL;
			}
			err = write_all(conn->out_fd, ev.checksum_ok ? "+" : "-",
					1);
			if (!err && ev.checksum_ok) {
				*data_ret = ev.data;
				*len_ret = ev.len;
				return NULL;
			}
			break;
		}
		if (err)
			return err;
	}
}

struct lkdb_error *rsp_conn_wait_ack(struct rsp_conn *conn, int timeout_ms)
{
	struct lkdb_error *err;
	struct rsp_event ev;

	if (conn->noack || !conn->last.len)
		return NULL;
	for (;;) {
		err = next_event(conn, timeout_ms, &ev);
		if (err || ev.kind == RSP_EVENT_NONE ||
		    ev.kind == RSP_EVENT_ACK || ev.kind == RSP_EVENT_PACKET)
			return err;
		if (ev.kind == RSP_EVENT_NAK) {
			err = write_all(conn->out_fd, conn->last.data,
					conn->last.len);
			if (err)
				return err;
		}
	}
}

struct lkdb_error *rsp_conn_send(struct rsp_conn *conn, const char *payload,
				 size_t len)
{
	struct lkdb_error *err = rsp_frame(payload, len, &conn->last);

	if (err)
		return err;
	return write_all(conn->out_fd, conn->last.data, conn->last.len);
}

static struct lkdb_error *conn_sink_send(void *context, const char *payload,
					 size_t len)
{
	return rsp_conn_send(context, payload, len);
}

void rsp_conn_sink(struct rsp_conn *conn, struct rsp_sink *ret)
{
	ret->context = conn;
	ret->send = conn_sink_send;
}
