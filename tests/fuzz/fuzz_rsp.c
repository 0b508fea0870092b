// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the GDB remote protocol: the packet decoder and the dump
 * server's packet handler over the fake target (tests/unit/fake_target.h).
 * Besides crashes, leaks and undefined behaviour it checks two promises,
 * aborting when one is broken:
 *   - the decoder's events do not depend on how the bytes were chunked;
 *   - every reply fits the advertised packet size and comes back intact
 *     through rsp_frame() and the decoder.
 * The first byte picks the number of CPUs (0..3) and a CPU without
 * registers; every packet is handled, whatever its checksum (as after
 * QStartNoAckMode).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/dump_server.h"
#include "fake_target.h"
#include "server/rsp.h"

static struct fake_target fake;
static struct lkdb_target target;

/* The events of a decoder run, serialized for comparison. */
static bool record_event(struct rsp_buf *log, const struct rsp_event *ev)
{
	unsigned char head[2] = { (unsigned char)ev->kind, ev->checksum_ok };
	size_t len = ev->kind == RSP_EVENT_PACKET ? ev->len : 0;

	if (rsp_buf_append(log, head, sizeof(head)) ||
	    rsp_buf_append(log, &len, sizeof(len)) ||
	    rsp_buf_append(log, &ev->why, sizeof(ev->why)))
		return false;
	return !len || !rsp_buf_append(log, ev->data, len);
}

/*
 * Decodes data: first bytes in one push, then step at a time.  With
 * packets, each packet's payload is appended too (length, then bytes).
 */
static bool decode(const uint8_t *data, size_t size, size_t first,
		   size_t step, struct rsp_buf *log, struct rsp_buf *packets)
{
	struct rsp_decoder *dec;
	size_t pos = 0;
	bool ok = true;

	if (rsp_decoder_create(&dec))
		return false;
	while (ok && pos < size) {
		size_t n = pos == 0 ? first : step;

		if (n == 0 || n > size - pos)
			n = size - pos;
		for (size_t off = 0; ok && off < n;) {
			struct rsp_event ev;
			size_t used = rsp_decoder_push(dec, data + pos + off,
						       n - off, &ev);

			if (used > n - off ||
			    (used == 0 && ev.kind == RSP_EVENT_NONE))
				abort();	/* no progress */
			off += used;
			if (ev.kind == RSP_EVENT_NONE)
				continue;
			if (ev.kind == RSP_EVENT_PACKET &&
			    (ev.len > RSP_MAX_PAYLOAD || ev.data[ev.len]))
				abort();
			ok = record_event(log, &ev);
			if (ok && packets && ev.kind == RSP_EVENT_PACKET)
				ok = !rsp_buf_append(packets, &ev.len,
						     sizeof(ev.len)) &&
				     !rsp_buf_append(packets, ev.data, ev.len);
		}
		pos += n;
	}
	rsp_decoder_destroy(dec);
	return ok;
}

static bool same(const struct rsp_buf *a, const struct rsp_buf *b)
{
	return a->len == b->len && (!a->len ||
				    memcmp(a->data, b->data, a->len) == 0);
}

/* Frames the reply, decodes it back: one good packet, the same bytes. */
static struct lkdb_error *check_reply(void *context, const char *payload,
				      size_t len)
{
	struct rsp_buf frame = { 0 };
	struct rsp_decoder *dec;
	struct rsp_event ev;
	struct lkdb_error *err;

	(void)context;
	if (len > RSP_MAX_PAYLOAD)
		abort();
	err = rsp_frame(payload, len, &frame);
	if (err)
		return err;
	err = rsp_decoder_create(&dec);
	if (err) {
		rsp_buf_free(&frame);
		return err;
	}
	if (rsp_decoder_push(dec, frame.data, frame.len, &ev) != frame.len ||
	    ev.kind != RSP_EVENT_PACKET || !ev.checksum_ok ||
	    ev.len != len || memcmp(ev.data, payload, len) != 0)
		abort();
	rsp_decoder_destroy(dec);
	rsp_buf_free(&frame);
	return NULL;
}

static void serve(const uint8_t *config, const struct rsp_buf *packets)
{
	struct rsp_sink sink = { .context = NULL, .send = check_reply };
	struct dump_server *server;
	struct lkdb_error *err;
	size_t pos = 0;

	fake.nr_cpus = config[0] & 3;
	fake.broken_cpu = (config[0] >> 2) & 3;
	err = dump_server_create(&target, &server);
	if (err) {
		lkdb_error_destroy(err);
		return;
	}
	while (pos < packets->len) {
		enum dump_server_action action;
		size_t len;

		memcpy(&len, packets->data + pos, sizeof(len));
		pos += sizeof(len);
		err = dump_server_handle(server, packets->data + pos, len,
					 &sink, &action);
		pos += len;
		if (err) {
			lkdb_error_destroy(err);
			break;
		}
		/* Past D and k too: more states to reach. */
	}
	dump_server_destroy(server);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsp_buf whole = { 0 }, bytes = { 0 }, split = { 0 };
	struct rsp_buf packets = { 0 };
	size_t cut = size ? data[0] % size : 0;

	if (!target.memory.read)
		fake_target_init(&fake, FAKE_NR_CPUS, &target);
	if (decode(data, size, size, size, &whole, &packets) &&
	    decode(data, size, 1, 1, &bytes, NULL) &&
	    decode(data, size, cut, 7, &split, NULL)) {
		if (!same(&whole, &bytes) || !same(&whole, &split))
			abort();
		if (size)
			serve(data, &packets);
	}
	rsp_buf_free(&whole);
	rsp_buf_free(&bytes);
	rsp_buf_free(&split);
	rsp_buf_free(&packets);
	return 0;
}
