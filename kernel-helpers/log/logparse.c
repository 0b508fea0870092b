// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/log/logparse.h"

#include <string.h>

/* A cursor over one line: p .. end, positions relative to base. */
struct cursor {
	const char *base;
	size_t pos, end;
};

static bool at_end(const struct cursor *c)
{
	return c->pos >= c->end;
}

static char peek(const struct cursor *c, size_t ahead)
{
	return c->pos + ahead < c->end ? c->base[c->pos + ahead] : '\0';
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

static void skip_spaces(struct cursor *c)
{
	while (!at_end(c) && is_space(c->base[c->pos]))
		c->pos++;
}

static bool starts_with(const struct cursor *c, const char *s)
{
	size_t n = strlen(s);
	return c->end - c->pos >= n && !memcmp(c->base + c->pos, s, n);
}

static bool accept(struct cursor *c, const char *s)
{
	if (!starts_with(c, s))
		return false;
	c->pos += strlen(s);
	return true;
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Hex digits at the cursor (at most 16: a longer run is not an address):
 * the count read, 0 if none (cursor unmoved).
 */
static size_t read_hex(struct cursor *c, uint64_t *value_ret)
{
	uint64_t v = 0;
	size_t n = 0;
	while (hex_value(peek(c, n)) >= 0) {
		if (n == 16)
			return 0;
		v = v << 4 | (uint64_t)hex_value(peek(c, n));
		n++;
	}
	c->pos += n;
	*value_ret = v;
	return n;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* "[   12.345678]": the span, cursor after it; false (unmoved) if not. */
static bool read_timestamp(struct cursor *c, struct logline_span *ret)
{
	size_t i = 0;
	if (peek(c, i++) != '[')
		return false;
	while (peek(c, i) == ' ')
		i++;
	size_t digits = 0;
	while (is_digit(peek(c, i)))
		i++, digits++;
	if (!digits || peek(c, i++) != '.')
		return false;
	digits = 0;
	while (is_digit(peek(c, i)))
		i++, digits++;
	if (!digits || peek(c, i++) != ']')
		return false;
	*ret = (struct logline_span){ c->pos, i };
	c->pos += i;
	return true;
}

/* printk's caller id "[  T969]" or "[C1]": the span of "T969". */
static bool read_caller(struct cursor *c, struct logline_span *ret)
{
	size_t i = 0;
	if (peek(c, i++) != '[')
		return false;
	while (peek(c, i) == ' ')
		i++;
	size_t start = i;
	if (peek(c, i) != 'T' && peek(c, i) != 'C')
		return false;
	i++;
	size_t digits = 0;
	while (is_digit(peek(c, i)))
		i++, digits++;
	if (!digits || peek(c, i) != ']')
		return false;
	*ret = (struct logline_span){ c->pos + start, i - start };
	c->pos += i + 1;
	return true;
}

/*
 * A syslog or journal prefix ("Jan  2 03:04:05 host kernel: "): the
 * cursor moves past "kernel: " when it comes early in the line and
 * nothing before it looks like a frame.
 */
static void skip_syslog(struct cursor *c)
{
	const size_t limit = 128;
	size_t n = c->end - c->pos < limit ? c->end - c->pos : limit;
	const char *s = c->base + c->pos;
	for (size_t i = 0; i + 8 <= n; i++) {
		if (s[i] == '+' || s[i] == '[')
			return;
		if (!memcmp(s + i, "kernel: ", 8)) {
			c->pos += i + 8;
			return;
		}
	}
}

static void skip_prefix(struct cursor *c, struct logline *l)
{
	skip_syslog(c);
	skip_spaces(c);
	/* a console log level "<4>" */
	if (peek(c, 0) == '<' && is_digit(peek(c, 1)) && peek(c, 2) == '>')
		c->pos += 3;
	if (read_timestamp(c, &l->timestamp))
		skip_spaces(c);
	if (read_caller(c, &l->caller))
		skip_spaces(c);
	l->body = c->pos;
}

/* Only spaces (or nothing) from the cursor to the end. */
static bool only_spaces_left(struct cursor *c)
{
	skip_spaces(c);
	return at_end(c);
}

/* "<IRQ>", "</TASK>", "<#DF>", "<EOI>": the whole body. */
static bool read_marker(struct cursor *c, struct logline *l)
{
	struct cursor t = *c;
	if (!accept(&t, "<"))
		return false;
	size_t start = t.pos;
	accept(&t, "/");
	accept(&t, "#");
	size_t letters = 0;
	while (peek(&t, 0) >= 'A' && peek(&t, 0) <= 'Z')
		t.pos++, letters++;
	if (letters < 2 || letters > 8)
		return false;
	size_t len = t.pos - start;
	if (!accept(&t, ">") || !only_spaces_left(&t))
		return false;
	l->kind = LOGLINE_MARKER;
	l->text = (struct logline_span){ start, len };
	return true;
}

/* "[<ffffffff81234567>]" */
static bool read_bracket_address(struct cursor *c, uint64_t *addr_ret)
{
	struct cursor t = *c;
	uint64_t addr;
	if (!accept(&t, "[<") || !read_hex(&t, &addr) || !accept(&t, ">]"))
		return false;
	*c = t;
	*addr_ret = addr;
	return true;
}

/*
 * The module suffix " [name]" or " [name buildid]" after a symbol; the
 * cursor is at the '['.  A bracket cut at the console width ("[hellow")
 * marks the line truncated.
 */
static bool read_module(struct cursor *c, struct logline *l)
{
	struct cursor t = *c;
	if (!accept(&t, "["))
		return false;
	size_t start = t.pos;
	while (!at_end(&t) && peek(&t, 0) != ']' && !is_space(peek(&t, 0)) &&
	       peek(&t, 0) != '[')
		t.pos++;
	if (t.pos == start)
		return false;
	l->module = (struct logline_span){ start, t.pos - start };
	if (is_space(peek(&t, 0))) {
		t.pos++;
		size_t id = t.pos;
		while (hex_value(peek(&t, 0)) >= 0)
			t.pos++;
		if (t.pos > id)
			l->build_id = (struct logline_span){ id, t.pos - id };
	}
	if (!accept(&t, "]")) {
		if (!at_end(&t)) {
			l->module = l->build_id = (struct logline_span){ 0, 0 };
			return false;
		}
		l->truncated = true;
	}
	*c = t;
	return true;
}

/*
 * "func+0xoff/0xsize" as one token: func is everything before the last
 * '+'.  A token cut at the console width ends in ']' (the console's
 * marker) or just ends; what was read is kept and the line marked
 * truncated.
 */
static bool read_symbol(struct cursor *c, struct logline *l)
{
	struct cursor t = *c;
	size_t start = t.pos;
	while (!at_end(&t) && !is_space(peek(&t, 0)))
		t.pos++;
	size_t end = t.pos;
	size_t plus = end;
	for (size_t i = start; i < end; i++) {
		if (c->base[i] == '+')
			plus = i;
	}
	if (plus == end || plus == start)
		return false;
	for (size_t i = start; i < plus; i++) {
		if (c->base[i] == '[' || c->base[i] == ']' ||
		    c->base[i] == '(' || c->base[i] == ')')
			return false;
	}
	struct cursor n = { c->base, plus + 1, end };
	if (!accept(&n, "0x"))
		return false;
	bool cut = false;
	if (read_hex(&n, &l->offset)) {
		l->has_offset = true;
		if (accept(&n, "/0x") && read_hex(&n, &l->size))
			l->has_size = true;
		else
			cut = true;
	} else {
		cut = true;
	}
	if (cut) {
		/* the rest of a cut token: partial digits, then ']' */
		while (!at_end(&n) && (peek(&n, 0) == '/' ||
				       hex_value(peek(&n, 0)) >= 0 ||
				       peek(&n, 0) == 'x'))
			n.pos++;
		accept(&n, "]");
		if (!at_end(&n) || end != c->end)
			return false;
		l->truncated = true;
	} else if (!at_end(&n)) {
		return false;
	}
	l->func = (struct logline_span){ start, plus - start };
	l->symbol = (struct logline_span){ start, end - start };
	c->pos = end;
	return true;
}

/* A bare "0xffffffffc0123456" (no symbol known to the kernel). */
static bool read_bare_address(struct cursor *c, struct logline *l)
{
	struct cursor t = *c;
	size_t start = t.pos;
	uint64_t addr;
	if (!accept(&t, "0x") || !read_hex(&t, &addr))
		return false;
	if (!at_end(&t) && !is_space(peek(&t, 0)))
		return false;
	l->symbol = (struct logline_span){ start, t.pos - start };
	l->has_address = true;
	l->address = addr;
	*c = t;
	return true;
}

/* A symbol (or bare address), then an optional module. */
static bool read_location(struct cursor *c, struct logline *l)
{
	if (!read_symbol(c, l) && !read_bare_address(c, l))
		return false;
	struct cursor t = *c;
	skip_spaces(&t);
	if (peek(&t, 0) == '[' && read_module(&t, l))
		*c = t;
	return true;
}

/* "RIP: 0010:func+0x15/0x40 [mod]" and its older and arm64 cousins. */
static bool read_rip(struct cursor *c, struct logline *l)
{
	struct cursor t = *c;
	if (!accept(&t, "RIP: ") && !accept(&t, "EIP: ") &&
	    !accept(&t, "pc : ") && !accept(&t, "lr : ") &&
	    !accept(&t, "PC is at ") && !accept(&t, "LR is at "))
		return false;
	skip_spaces(&t);
	/* the code segment, "0010:" */
	struct cursor seg = t;
	uint64_t ignored;
	if (read_hex(&seg, &ignored) == 4 && accept(&seg, ":"))
		t = seg;
	/* 3.x: "RIP: 0010:[<ffffffff81>]  [<ffffffff81>] func+0x1/0x2" */
	uint64_t addr;
	while (read_bracket_address(&t, &addr)) {
		l->has_address = true;
		l->address = addr;
		skip_spaces(&t);
	}
	if (!read_location(&t, l))
		return false;
	/* "RIP: func+0x10/0x70 [mod] RSP: ..." goes on: that is fine */
	l->kind = LOGLINE_RIP;
	*c = t;
	return true;
}

static bool read_frame(struct cursor *c, struct logline *l)
{
	struct cursor t = *c;
	uint64_t addr;
	if (read_bracket_address(&t, &addr)) {
		l->has_address = true;
		l->address = addr;
		skip_spaces(&t);
	}
	if (accept(&t, "? ")) {
		l->unreliable = true;
		skip_spaces(&t);
	}
	struct logline saved = *l;
	if (!read_location(&t, l) || !only_spaces_left(&t)) {
		*l = saved;
		/* "[<ffffffff81234567>]" alone, or before text we cannot use */
		if (!l->has_address)
			return false;
		l->symbol = (struct logline_span){ 0, 0 };
	}
	l->kind = LOGLINE_FRAME;
	return true;
}

void logline_parse(const char *line, size_t len, struct logline *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (len && line[len - 1] == '\n')
		len--;
	if (len && line[len - 1] == '\r')
		len--;
	struct cursor c = { line, 0, len };
	skip_prefix(&c, ret);
	struct logline_span ts = ret->timestamp, caller = ret->caller;
	size_t body = ret->body;
	if (accept(&c, "Code: ")) {
		skip_spaces(&c);
		ret->kind = LOGLINE_CODE;
		ret->text = (struct logline_span){ c.pos, len - c.pos };
		return;
	}
	if (read_marker(&c, ret) || read_rip(&c, ret) || read_frame(&c, ret))
		return;
	memset(ret, 0, sizeof(*ret));
	ret->timestamp = ts;
	ret->caller = caller;
	ret->body = body;
}

bool logline_code_bytes(const char *text, size_t len, uint8_t *bytes_ret,
			size_t max, size_t *nr_ret, long *marked_ret)
{
	struct cursor c = { text, 0, len };
	size_t n = 0;
	*marked_ret = -1;
	for (;;) {
		skip_spaces(&c);
		if (at_end(&c) || n == max)
			break;
		char open = peek(&c, 0);
		char close = open == '<' ? '>' : open == '(' ? ')' : '\0';
		struct cursor t = c;
		if (close)
			t.pos++;
		int hi = hex_value(peek(&t, 0)), lo = hex_value(peek(&t, 1));
		if (hi < 0 || lo < 0)
			break;
		t.pos += 2;
		if (close && peek(&t, 0) != close)
			break;
		if (close)
			t.pos++;
		if (!at_end(&t) && !is_space(peek(&t, 0)))
			break;
		if (close)
			*marked_ret = (long)n;
		bytes_ret[n++] = (uint8_t)(hi << 4 | lo);
		c = t;
	}
	*nr_ret = n;
	return n > 0;
}

bool logline_code_continuation(const char *line, size_t len)
{
	if (len && line[len - 1] == '\n')
		len--;
	if (len && line[len - 1] == '\r')
		len--;
	if (!len || line[0] == '[' || is_space(line[0]))
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = line[i];
		if (hex_value(ch) < 0 && (!ch || !strchr(" <>().", ch)))
			return false;
	}
	return true;
}
