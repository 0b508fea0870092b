// SPDX-License-Identifier: GPL-2.0-or-later
#include "server/dump_server.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A register of the target description; offset into x86_64_regs. */
struct reg_info {
	const char *name;
	unsigned char bytes;
	unsigned char feature;
	const char *type;
	size_t offset;		/* NO_VALUE: never available */
};

enum { FEATURE_CORE, FEATURE_SEGMENTS, FEATURE_LINUX };

static const char *const feature_names[] = {
	[FEATURE_CORE] = "org.gnu.gdb.i386.core",
	[FEATURE_SEGMENTS] = "org.gnu.gdb.i386.segments",
	[FEATURE_LINUX] = "org.gnu.gdb.i386.linux",
};

#define NO_VALUE SIZE_MAX
#define REG(name, bytes, feature, type, field) \
	{ #name, bytes, feature, type, offsetof(struct x86_64_regs, field) }
#define GPR(name, type) REG(name, 8, FEATURE_CORE, type, name)
#define SEG(name) REG(name, 4, FEATURE_CORE, "int32", name)
#define X87(name, bytes, type) { #name, bytes, FEATURE_CORE, type, NO_VALUE }

/* gdb's amd64 register order (its regnums are the "p" numbers). */
static const struct reg_info regs_info[] = {
	GPR(rax, "int64"), GPR(rbx, "int64"), GPR(rcx, "int64"),
	GPR(rdx, "int64"), GPR(rsi, "int64"), GPR(rdi, "int64"),
	GPR(rbp, "data_ptr"), GPR(rsp, "data_ptr"),
	GPR(r8, "int64"), GPR(r9, "int64"), GPR(r10, "int64"),
	GPR(r11, "int64"), GPR(r12, "int64"), GPR(r13, "int64"),
	GPR(r14, "int64"), GPR(r15, "int64"),
	GPR(rip, "code_ptr"),
	REG(eflags, 4, FEATURE_CORE, "x86_64_eflags", eflags),
	SEG(cs), SEG(ss), SEG(ds), SEG(es), SEG(fs), SEG(gs),
	X87(st0, 10, "i387_ext"), X87(st1, 10, "i387_ext"),
	X87(st2, 10, "i387_ext"), X87(st3, 10, "i387_ext"),
	X87(st4, 10, "i387_ext"), X87(st5, 10, "i387_ext"),
	X87(st6, 10, "i387_ext"), X87(st7, 10, "i387_ext"),
	X87(fctrl, 4, "int"), X87(fstat, 4, "int"), X87(ftag, 4, "int"),
	X87(fiseg, 4, "int"), X87(fioff, 4, "int"), X87(foseg, 4, "int"),
	X87(fooff, 4, "int"), X87(fop, 4, "int"),
	REG(fs_base, 8, FEATURE_SEGMENTS, "int", fs_base),
	REG(gs_base, 8, FEATURE_SEGMENTS, "int", gs_base),
	REG(orig_rax, 8, FEATURE_LINUX, "int", orig_rax),
};

#define NR_REGS (sizeof(regs_info) / sizeof(regs_info[0]))

/* RFLAGS bits, Intel SDM vol. 1, 3.4.3. */
static const struct {
	const char *name;
	unsigned char bit;
} eflags_bits[] = {
	{ "CF", 0 }, { "", 1 }, { "PF", 2 }, { "AF", 4 }, { "ZF", 6 },
	{ "SF", 7 }, { "TF", 8 }, { "IF", 9 }, { "DF", 10 }, { "OF", 11 },
	{ "NT", 14 }, { "RF", 16 }, { "VM", 17 }, { "AC", 18 },
	{ "VIF", 19 }, { "VIP", 20 }, { "ID", 21 },
};

/* Thread ids for qfThreadInfo replies, at most this long. */
#define THREAD_LIST_LIMIT (RSP_MAX_PAYLOAD - 32)
/* Bytes per "m" reply: two hex digits each. */
#define MEMORY_READ_LIMIT (RSP_MAX_PAYLOAD / 2)
/* The granule of a partial read after a fault. */
#define PAGE_SIZE 4096

/* How long to wait for gdb's ack of the last reply before ending. */
#define ACK_TIMEOUT_MS 2000

#define ERROR_FAULT "E14"	/* EFAULT */
#define ERROR_IO "E05"		/* EIO */
#define ERROR_INVALID "E00"
#define ERROR_REFUSED "E01"

static const char cannot_resume_message[] =
	"lkdb-dump-server: a dump cannot be resumed (continue, step, signals, "
	"calling functions are not possible)\n";

struct dump_server {
	struct lkdb_target target;
	unsigned int nr_cpus;
	unsigned int nr_threads;	/* CPU threads: max(nr_cpus, 1) */
	unsigned int general_thread;	/* Hg */
	unsigned int continue_thread;	/* Hc; 0 when any or all */
	unsigned int next_listed;	/* qsThreadInfo position */
	bool have_context;
	unsigned int context_thread;
	struct x86_64_regs context_regs;
	struct rsp_buf target_xml;
	struct rsp_buf reply;		/* scratch */
	unsigned char memory[MEMORY_READ_LIMIT];
};

static struct lkdb_error *build_target_xml(struct rsp_buf *xml)
{
	struct lkdb_error *err;
	int feature = -1;

	err = rsp_buf_printf(xml,
			     "<?xml version=\"1.0\"?>\n"
			     "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
			     "<target version=\"1.0\">\n"
			     "  <architecture>i386:x86-64</architecture>\n");
	for (size_t i = 0; !err && i < NR_REGS; i++) {
		const struct reg_info *r = &regs_info[i];

		if (r->feature != feature) {
			if (feature >= 0)
				err = rsp_buf_printf(xml, "  </feature>\n");
			feature = r->feature;
			if (!err)
				err = rsp_buf_printf(xml,
						     "  <feature name=\"%s\">\n",
						     feature_names[feature]);
			if (!err && feature == FEATURE_CORE) {
				err = rsp_buf_printf(xml,
						     "    <flags id=\"x86_64_eflags\" size=\"4\">\n");
				for (size_t b = 0; !err &&
				     b < sizeof(eflags_bits) / sizeof(eflags_bits[0]);
				     b++)
					err = rsp_buf_printf(xml,
							     "      <field name=\"%s\" start=\"%u\" end=\"%u\"/>\n",
							     eflags_bits[b].name,
							     eflags_bits[b].bit,
							     eflags_bits[b].bit);
				if (!err)
					err = rsp_buf_printf(xml,
							     "    </flags>\n");
			}
		}
		if (!err)
			err = rsp_buf_printf(xml,
					     "    <reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%zu\"/>\n",
					     r->name, r->bytes * 8u, r->type, i);
	}
	if (!err)
		err = rsp_buf_printf(xml, "  </feature>\n</target>\n");
	return err;
}

struct lkdb_error *dump_server_create(const struct lkdb_target *target,
				      struct dump_server **ret)
{
	struct dump_server *server = calloc(1, sizeof(*server));
	struct lkdb_error *err;

	if (!server)
		return &lkdb_error_oom;
	server->target = *target;
	server->nr_cpus = target->nr_cpus(target->context);
	server->nr_threads = server->nr_cpus ? server->nr_cpus : 1;
	server->general_thread = 1;
	err = build_target_xml(&server->target_xml);
	if (err) {
		dump_server_destroy(server);
		return err;
	}
	*ret = server;
	return NULL;
}

void dump_server_destroy(struct dump_server *server)
{
	if (!server)
		return;
	rsp_buf_free(&server->target_xml);
	rsp_buf_free(&server->reply);
	free(server);
}

struct lkdb_error *dump_server_set_context(struct dump_server *server,
					   unsigned int thread_id,
					   const struct x86_64_regs *regs)
{
	if (!regs) {
		server->have_context = false;
		return NULL;
	}
	if (thread_id > INT_MAX)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "thread id %u is too large (at most %d)",
					 thread_id, INT_MAX);
	server->have_context = true;
	server->context_thread = thread_id ? thread_id
					   : server->nr_threads + 1;
	server->context_regs = *regs;
	return NULL;
}

static bool extra_context_thread(const struct dump_server *server)
{
	return server->have_context &&
	       server->context_thread > server->nr_threads;
}

static bool thread_exists(const struct dump_server *server, uint64_t thread)
{
	return (thread >= 1 && thread <= server->nr_threads) ||
	       (extra_context_thread(server) &&
		thread == server->context_thread);
}

/* false: the thread's registers are unknown. */
static bool thread_regs(struct dump_server *server, unsigned int thread,
			struct x86_64_regs *regs)
{
	struct lkdb_error *err;

	if (server->have_context && thread == server->context_thread) {
		*regs = server->context_regs;
		return true;
	}
	if (thread < 1 || thread > server->nr_cpus)
		return false;
	err = server->target.cpu_regs(server->target.context, thread - 1,
				      regs);
	if (err) {
		lkdb_error_destroy(err);
		return false;
	}
	return true;
}

static struct lkdb_error *append_reg(struct rsp_buf *out,
				     const struct reg_info *r,
				     const struct x86_64_regs *regs)
{
	static const char unavailable[2 * 10 + 1] = "xxxxxxxxxxxxxxxxxxxx";
	unsigned char bytes[8];
	uint64_t value;

	if (!regs || r->offset == NO_VALUE)
		return rsp_buf_append(out, unavailable, 2 * r->bytes);
	memcpy(&value, (const char *)regs + r->offset, sizeof(value));
	for (unsigned int i = 0; i < r->bytes; i++) {
		bytes[i] = (unsigned char)value;	/* little-endian */
		value >>= 8;
	}
	return rsp_buf_append_hex(out, bytes, r->bytes);
}

/* Parsing: a cursor over [*p, end). */

static bool parse_hex(const char **p, const char *end, uint64_t *ret)
{
	const char *s = *p;
	uint64_t value = 0;
	int digits = 0;

	for (; s < end && isxdigit((unsigned char)*s); s++) {
		if (++digits > 16)
			return false;
		value = value << 4 |
			(uint64_t)(isdigit((unsigned char)*s) ?
				   *s - '0' : (tolower((unsigned char)*s) - 'a' + 10));
	}
	if (!digits)
		return false;
	*p = s;
	*ret = value;
	return true;
}

static bool parse_char(const char **p, const char *end, char c)
{
	if (*p < end && **p == c) {
		(*p)++;
		return true;
	}
	return false;
}

/* A thread id: hex, or -1 (all threads), stored as UINT64_MAX. */
static bool parse_thread(const char **p, const char *end, uint64_t *ret)
{
	if (end - *p >= 2 && (*p)[0] == '-' && (*p)[1] == '1') {
		*p += 2;
		*ret = UINT64_MAX;
		return true;
	}
	return parse_hex(p, end, ret);
}

static bool has_prefix(const char *payload, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(payload, prefix, n) == 0;
}

static bool is(const char *payload, size_t len, const char *packet)
{
	return len == strlen(packet) && memcmp(payload, packet, len) == 0;
}

static struct lkdb_error *send_str(const struct rsp_sink *sink,
				   const char *s)
{
	return sink->send(sink->context, s, strlen(s));
}

static struct lkdb_error *send_reply(struct dump_server *server,
				     const struct rsp_sink *sink)
{
	return sink->send(sink->context, server->reply.data,
			  server->reply.len);
}

/* An 'O' packet: text for gdb's console. */
static struct lkdb_error *send_console(struct dump_server *server,
				       const struct rsp_sink *sink,
				       const char *text, size_t len)
{
	struct lkdb_error *err;

	server->reply.len = 0;
	err = rsp_buf_append(&server->reply, "O", 1);
	if (!err)
		err = rsp_buf_append_hex(&server->reply, text, len);
	if (!err)
		err = send_reply(server, sink);
	return err;
}

static struct lkdb_error *handle_g(struct dump_server *server,
				   const struct rsp_sink *sink)
{
	struct x86_64_regs regs;
	bool known = thread_regs(server, server->general_thread, &regs);
	struct lkdb_error *err = NULL;

	server->reply.len = 0;
	for (size_t i = 0; !err && i < NR_REGS; i++)
		err = append_reg(&server->reply, &regs_info[i],
				 known ? &regs : NULL);
	return err ? err : send_reply(server, sink);
}

static struct lkdb_error *handle_p(struct dump_server *server,
				   const char *p, const char *end,
				   const struct rsp_sink *sink)
{
	struct x86_64_regs regs;
	struct lkdb_error *err;
	uint64_t n;
	bool known;

	if (!parse_hex(&p, end, &n) || p != end || n >= NR_REGS)
		return send_str(sink, ERROR_INVALID);
	known = thread_regs(server, server->general_thread, &regs);
	server->reply.len = 0;
	err = append_reg(&server->reply, &regs_info[n], known ? &regs : NULL);
	return err ? err : send_reply(server, sink);
}

static struct lkdb_error *handle_m(struct dump_server *server,
				   const char *p, const char *end,
				   const struct rsp_sink *sink)
{
	unsigned char *buf = server->memory;
	uint64_t addr, len;
	size_t done = 0;
	struct lkdb_error *err;

	if (!parse_hex(&p, end, &addr) || !parse_char(&p, end, ',') ||
	    !parse_hex(&p, end, &len) || p != end)
		return send_str(sink, ERROR_INVALID);
	if (len > MEMORY_READ_LIMIT)
		len = MEMORY_READ_LIMIT;
	if (addr && len > -addr)	/* no wrapping past 2^64 */
		len = -addr;
	err = len ? target_read(&server->target, addr, buf, len) : NULL;
	if (err) {
		bool fault = err->code == LKDB_ERROR_FAULT;

		lkdb_error_destroy(err);
		if (!fault)
			return send_str(sink, ERROR_IO);
		/* The readable part up to the first unreadable page. */
		while (done < len) {
			uint64_t at = addr + done;
			size_t n = PAGE_SIZE - at % PAGE_SIZE;

			if (n > len - done)
				n = len - done;
			err = target_read(&server->target, at, buf + done, n);
			if (err) {
				lkdb_error_destroy(err);
				break;
			}
			done += n;
		}
		if (!done)
			return send_str(sink, ERROR_FAULT);
		len = done;
	}
	server->reply.len = 0;
	err = rsp_buf_append_hex(&server->reply, buf, len);
	return err ? err : send_reply(server, sink);
}

static struct lkdb_error *handle_H(struct dump_server *server,
				   const char *p, const char *end,
				   const struct rsp_sink *sink)
{
	char op;
	uint64_t thread;

	if (p == end)
		return send_str(sink, ERROR_INVALID);
	op = *p++;
	if (!parse_thread(&p, end, &thread) || p != end)
		return send_str(sink, ERROR_INVALID);
	if (thread != 0 && thread != UINT64_MAX &&
	    !thread_exists(server, thread))
		return send_str(sink, ERROR_REFUSED);
	if (op == 'c') {
		server->continue_thread = thread == UINT64_MAX ? 0
				: (unsigned int)thread;
	} else if (op == 'g' && thread != 0 && thread != UINT64_MAX) {
		/* 0 is any thread, -1 all: keep the one selected. */
		server->general_thread = (unsigned int)thread;
	}
	return send_str(sink, "OK");
}

static struct lkdb_error *handle_T(struct dump_server *server,
				   const char *p, const char *end,
				   const struct rsp_sink *sink)
{
	uint64_t thread;

	if (!parse_thread(&p, end, &thread) || p != end)
		return send_str(sink, ERROR_INVALID);
	return send_str(sink, thread_exists(server, thread) ? "OK"
							    : ERROR_REFUSED);
}

static struct lkdb_error *handle_thread_list(struct dump_server *server,
					     bool first,
					     const struct rsp_sink *sink)
{
	unsigned int total = server->nr_threads +
			     (extra_context_thread(server) ? 1 : 0);
	struct lkdb_error *err = NULL;

	if (first)
		server->next_listed = 0;
	server->reply.len = 0;
	if (server->next_listed >= total)
		return send_str(sink, "l");
	while (!err && server->next_listed < total &&
	       server->reply.len < THREAD_LIST_LIMIT) {
		unsigned int i = server->next_listed++;
		unsigned int thread = i < server->nr_threads
				      ? i + 1 : server->context_thread;

		err = rsp_buf_printf(&server->reply, "%c%x",
				     server->reply.len ? ',' : 'm', thread);
	}
	return err ? err : send_reply(server, sink);
}

static struct lkdb_error *handle_extra_info(struct dump_server *server,
					    const char *p, const char *end,
					    const struct rsp_sink *sink)
{
	char text[64];
	uint64_t thread;
	struct lkdb_error *err;

	if (!parse_thread(&p, end, &thread) || p != end ||
	    !thread_exists(server, thread))
		return send_str(sink, ERROR_INVALID);
	if (thread > server->nr_threads)
		snprintf(text, sizeof(text), "context");
	else if (!server->nr_cpus)
		snprintf(text, sizeof(text), "no CPU registers in the dump");
	else
		snprintf(text, sizeof(text), "CPU %u%s",
			 (unsigned int)thread - 1,
			 server->have_context &&
			 server->context_thread == thread ? ", context" : "");
	server->reply.len = 0;
	err = rsp_buf_append_hex(&server->reply, text, strlen(text));
	return err ? err : send_reply(server, sink);
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static struct lkdb_error *handle_features_read(struct dump_server *server,
					       const char *p, const char *end,
					       const struct rsp_sink *sink)
{
	static const char annex[] = "target.xml:";
	const struct rsp_buf *xml = &server->target_xml;
	uint64_t offset, len;
	struct lkdb_error *err;

	if ((size_t)(end - p) < sizeof(annex) - 1 ||
	    memcmp(p, annex, sizeof(annex) - 1) != 0)
		return send_str(sink, ERROR_INVALID);
	p += sizeof(annex) - 1;
	if (!parse_hex(&p, end, &offset) || !parse_char(&p, end, ',') ||
	    !parse_hex(&p, end, &len) || p != end)
		return send_str(sink, ERROR_INVALID);
	if (offset > xml->len)
		return send_str(sink, ERROR_INVALID);
	/* Room for escaping every byte. */
	if (len > RSP_MAX_PAYLOAD / 2 - 1)
		len = RSP_MAX_PAYLOAD / 2 - 1;
	if (len > xml->len - offset)
		len = xml->len - offset;
	server->reply.len = 0;
	err = rsp_buf_append(&server->reply,
			     offset + len < xml->len ? "m" : "l", 1);
	if (!err)
		err = rsp_buf_append(&server->reply, xml->data + offset, len);
	return err ? err : send_reply(server, sink);
}

/* Monitor commands. */

struct words {
	char *text;
	char *v[64];
	size_t n;
};

static bool split_words(char *text, struct words *w)
{
	char *s = text;

	w->n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			return true;
		if (w->n == sizeof(w->v) / sizeof(w->v[0]))
			return false;
		w->v[w->n++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n')
			s++;
		if (*s)
			*s++ = '\0';
	}
}

static const struct reg_info *context_reg(const char *name, size_t len)
{
	for (size_t i = 0; i < NR_REGS; i++) {
		if (regs_info[i].offset != NO_VALUE &&
		    strlen(regs_info[i].name) == len &&
		    memcmp(regs_info[i].name, name, len) == 0)
			return &regs_info[i];
	}
	return NULL;
}

static bool parse_number(const char *s, int base, uint64_t *ret)
{
	const char *p = s, *end = s + strlen(s);

	if (base == 0) {
		if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			return parse_number(s + 2, 16, ret);
		if (!*s || end - s > 19)
			return false;
		*ret = 0;
		for (; *p; p++) {
			if (!isdigit((unsigned char)*p))
				return false;
			*ret = *ret * 10 + (uint64_t)(*p - '0');
		}
		return true;
	}
	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		p += 2;
	return parse_hex(&p, end, ret) && p == end;
}

/*
 * Runs a monitor command; output and failure message go to *out, *ok_ret
 * says whether it succeeded.
 */
static struct lkdb_error *monitor_context(struct dump_server *server,
					  struct words *w, struct rsp_buf *out,
					  bool *ok_ret)
{
	struct x86_64_regs regs = { 0 };
	uint64_t thread = 0;
	struct lkdb_error *err;

	*ok_ret = false;
	if (w->n == 1) {
		*ok_ret = true;
		if (!server->have_context)
			return rsp_buf_printf(out, "no context\n");
		err = rsp_buf_printf(out, "thread %u",
				     server->context_thread);
		for (size_t i = 0; !err && i < NR_REGS; i++) {
			uint64_t value;

			if (regs_info[i].offset == NO_VALUE)
				continue;
			memcpy(&value, (const char *)&server->context_regs +
			       regs_info[i].offset, sizeof(value));
			if (value)
				err = rsp_buf_printf(out, " %s=%" PRIx64,
						     regs_info[i].name, value);
		}
		return err ? err : rsp_buf_printf(out, "\n");
	}
	if (w->n == 2 && strcmp(w->v[1], "clear") == 0) {
		*ok_ret = true;
		return dump_server_set_context(server, 0, NULL);
	}
	for (size_t i = 1; i < w->n; i++) {
		const char *word = w->v[i];
		const char *eq = strchr(word, '=');
		const struct reg_info *r;
		uint64_t value;

		if (!eq)
			return rsp_buf_printf(out,
					      "lkdb-context: expected REG=HEX, got \"%.40s\"\n",
					      word);
		if (eq - word == 6 && memcmp(word, "thread", 6) == 0) {
			if (!parse_number(eq + 1, 0, &thread) || !thread ||
			    thread > INT_MAX)
				return rsp_buf_printf(out,
						      "lkdb-context: bad thread id \"%.40s\"\n",
						      eq + 1);
			continue;
		}
		r = context_reg(word, (size_t)(eq - word));
		if (!r)
			return rsp_buf_printf(out,
					      "lkdb-context: unknown register \"%.*s\"\n",
					      eq - word > 40 ? 40 : (int)(eq - word),
					      word);
		if (!parse_number(eq + 1, 16, &value))
			return rsp_buf_printf(out,
					      "lkdb-context: bad value for %s: \"%.40s\"\n",
					      r->name, eq + 1);
		memcpy((char *)&regs + r->offset, &value, sizeof(value));
	}
	err = dump_server_set_context(server, (unsigned int)thread, &regs);
	if (err)
		return err;
	*ok_ret = true;
	return rsp_buf_printf(out, "thread %u\n", server->context_thread);
}

static const char monitor_help[] =
	"lkdb-context [thread=ID] REG=HEX...  registers of a task as a thread\n"
	"lkdb-context clear                   remove that thread\n"
	"lkdb-context                         show it\n";

static struct lkdb_error *handle_rcmd(struct dump_server *server,
				      const char *p, const char *end,
				      const struct rsp_sink *sink)
{
	size_t n = (size_t)(end - p) / 2;
	struct rsp_buf out = { 0 };
	struct lkdb_error *err = NULL;
	struct words w;
	bool ok = false;
	char *text;

	if ((end - p) % 2)
		return send_str(sink, ERROR_INVALID);
	text = malloc(n + 1);
	if (!text)
		return &lkdb_error_oom;
	for (size_t i = 0; i < n; i++) {
		uint64_t byte;
		const char *q = p + 2 * i;

		/* Two digits at a time: parse_hex stops at the end given. */
		if (!parse_hex(&q, p + 2 * i + 2, &byte) ||
		    q != p + 2 * i + 2 || !byte) {
			free(text);
			return send_str(sink, ERROR_INVALID);
		}
		text[i] = (char)byte;
	}
	text[n] = '\0';
	if (!split_words(text, &w))
		err = rsp_buf_printf(&out, "too many words (at most 64)\n");
	else if (w.n == 0 || strcmp(w.v[0], "help") == 0) {
		ok = true;
		err = rsp_buf_printf(&out, "%s", monitor_help);
	} else if (strcmp(w.v[0], "lkdb-context") == 0)
		err = monitor_context(server, &w, &out, &ok);
	else
		err = rsp_buf_printf(&out,
				     "unknown monitor command \"%.40s\" (see \"monitor help\")\n",
				     w.v[0]);
	free(text);
	if (!err && out.len)
		err = send_console(server, sink, out.data, out.len);
	rsp_buf_free(&out);
	if (!err)
		err = send_str(sink, ok ? "OK" : ERROR_REFUSED);
	return err;
}

/*
 * A stop reply.  gdb takes the thread it names as the one "g" reads from
 * now on (remote.c's record_currthread), so Hg follows.
 */
static struct lkdb_error *send_stop(struct dump_server *server, int signal,
				    unsigned int thread,
				    const struct rsp_sink *sink)
{
	struct lkdb_error *err;

	if (!thread_exists(server, thread))
		thread = 1;
	server->general_thread = thread;
	server->reply.len = 0;
	err = rsp_buf_printf(&server->reply, "T%02xthread:%x;", signal,
			     thread);
	return err ? err : send_reply(server, sink);
}

static struct lkdb_error *handle_resume(struct dump_server *server,
					const struct rsp_sink *sink)
{
	struct lkdb_error *err;

	err = send_console(server, sink, cannot_resume_message,
			   sizeof(cannot_resume_message) - 1);
	if (err)
		return err;
	/* Stopped where it was: signal 0, which gdb shows as "stopped". */
	return send_stop(server, 0, server->continue_thread ?
			 server->continue_thread : server->general_thread, sink);
}

static struct lkdb_error *handle_query(struct dump_server *server,
				       const char *payload, size_t len,
				       const struct rsp_sink *sink)
{
	const char *end = payload + len;

	if (has_prefix(payload, len, "qSupported"))
		return send_str(sink, "PacketSize=4000;QStartNoAckMode+;"
				"qXfer:features:read+");
	if (is(payload, len, "qAttached") || has_prefix(payload, len,
							"qAttached:"))
		return send_str(sink, "1");
	if (is(payload, len, "qC"))
		return send_str(sink, "QC1");
	if (is(payload, len, "qfThreadInfo"))
		return handle_thread_list(server, true, sink);
	if (is(payload, len, "qsThreadInfo"))
		return handle_thread_list(server, false, sink);
	if (has_prefix(payload, len, "qThreadExtraInfo,"))
		return handle_extra_info(server, payload + 17, end, sink);
	if (has_prefix(payload, len, "qXfer:features:read:"))
		return handle_features_read(server, payload + 20, end, sink);
	if (has_prefix(payload, len, "qRcmd,"))
		return handle_rcmd(server, payload + 6, end, sink);
	if (has_prefix(payload, len, "qSymbol:"))
		return send_str(sink, "OK");
	return send_str(sink, "");
}

struct lkdb_error *dump_server_handle(struct dump_server *server,
				      const char *payload, size_t len,
				      const struct rsp_sink *sink,
				      enum dump_server_action *action_ret)
{
	const char *end = payload + len;

	*action_ret = DUMP_SERVER_CONTINUE;
	if (!len)
		return send_str(sink, "");
	switch (payload[0]) {
	case '?':
		return send_stop(server, 5, 1, sink);	/* SIGTRAP */
	case 'g':
		return len == 1 ? handle_g(server, sink) : send_str(sink, "");
	case 'p':
		return handle_p(server, payload + 1, end, sink);
	case 'm':
		return handle_m(server, payload + 1, end, sink);
	case 'H':
		return handle_H(server, payload + 1, end, sink);
	case 'T':
		return handle_T(server, payload + 1, end, sink);
	case 'G': case 'P': case 'M': case 'X':
		return send_str(sink, ERROR_REFUSED);
	case 'c': case 'C': case 's': case 'S':
		return handle_resume(server, sink);
	case 'v':
		if (has_prefix(payload, len, "vCont;"))
			return handle_resume(server, sink);
		return send_str(sink, "");
	case 'D':
		*action_ret = DUMP_SERVER_EXIT;
		return send_str(sink, "OK");
	case 'k':
		*action_ret = DUMP_SERVER_EXIT;
		return NULL;
	case 'q':
		return handle_query(server, payload, len, sink);
	case 'Q':
		if (is(payload, len, "QStartNoAckMode")) {
			*action_ret = DUMP_SERVER_START_NOACK;
			return send_str(sink, "OK");
		}
		return send_str(sink, "");
	default:
		return send_str(sink, "");
	}
}

struct lkdb_error *dump_server_run(struct dump_server *server, int in_fd,
				   int out_fd)
{
	struct rsp_conn *conn;
	struct rsp_sink sink;
	struct lkdb_error *err;

	err = rsp_conn_create(in_fd, out_fd, &conn);
	if (err)
		return err;
	rsp_conn_sink(conn, &sink);
	for (;;) {
		enum dump_server_action action;
		const char *payload;
		size_t len;

		err = rsp_conn_recv(conn, &payload, &len);
		if (err || !payload)
			break;
		err = dump_server_handle(server, payload, len, &sink, &action);
		if (!err && action == DUMP_SERVER_EXIT)
			err = rsp_conn_wait_ack(conn, ACK_TIMEOUT_MS);
		if (err || action == DUMP_SERVER_EXIT)
			break;
		if (action == DUMP_SERVER_START_NOACK)
			rsp_conn_set_noack(conn);
	}
	rsp_conn_destroy(conn);
	return err;
}
