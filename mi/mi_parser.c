// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * GDB/MI3 output parser, in three layers:
 *
 *   - the push machinery cuts the byte stream into lines;
 *   - a lexer reads tokens, names and c-strings off a line with a cursor;
 *   - a recursive-descent grammar turns those into struct mi_output.
 *
 * A line is parsed only once it is complete, so the grammar never has to
 * suspend; the push side only looks at each new byte once.
 *
 * Empty lines (also "\r\n" alone) produce no record from mi_parser_push():
 * gdb never prints them, and reporting them as errors would only be noise.
 * mi_parse_line() on an empty line must return a record, so it gives a
 * parse error there.
 */
#include "mi/mi_parser.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Deeper nesting is a parse error; keeps the recursion here and in
 * mi_value_destroy() well within any stack. */
#define MI_MAX_DEPTH 512
/* error_token is a hint for humans, not a copy of the rest of the line. */
#define MI_ERROR_TOKEN_MAX 32
/* An idle parser gives back a buffer grown by one huge line. */
#define MI_KEEP_BUFFER (64 * 1024)

/* ---- lexer ------------------------------------------------------------ */

enum status {
	PARSE_OK,
	PARSE_SYNTAX,	/* the cursor holds the error */
	PARSE_NOMEM,
};

struct cursor {
	const char *s;
	size_t len;
	size_t pos;
	unsigned int depth;
	/*
	 * The syntax error: err_pos <= len, and err_pos + err_len <= len;
	 * err_len 0 means "the fragment at err_pos".
	 */
	size_t err_pos;
	size_t err_len;
	const char *err_msg;
};

static enum status syntax_error(struct cursor *c, size_t pos, size_t len,
				const char *msg)
{
	c->err_pos = pos;
	c->err_len = len;
	c->err_msg = msg;
	return PARSE_SYNTAX;
}

static bool at(const struct cursor *c, char ch)
{
	return c->pos < c->len && c->s[c->pos] == ch;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Variable names and classes: "thread-id", "bkpt", "library-loaded". */
static bool is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       is_digit(ch) || ch == '-' || ch == '_';
}

/* Where an error_token ends when the error does not say. */
static bool is_delimiter(char ch)
{
	return ch == '\0' || strchr(",={}[]\" ", ch) != NULL;
}

/* Length of the name at the cursor, 0 if there is none. */
static size_t name_span(const struct cursor *c)
{
	size_t i = c->pos;

	while (i < c->len && is_name_char(c->s[i]))
		i++;
	return i - c->pos;
}

static char *copy_bytes(const char *s, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy) {
		if (len)	/* s may be NULL then */
			memcpy(copy, s, len);
		copy[len] = '\0';
	}
	return copy;
}

/*
 * Decode the escape at s[*i] (the byte after the backslash) into *ch.
 * Octal escapes take up to three digits, as gdb prints them ("\302\240",
 * "\000"); anything gdb's printchar() cannot emit is an error.
 */
static bool unescape(const char *s, size_t end, size_t *i, char *ch)
{
	static const char simple[] = "n\nt\tr\r\"\"\\\\a\ab\bf\fv\ve\033''";
	char e = s[*i];

	if (e >= '0' && e <= '7') {
		unsigned int value = 0;
		int digits = 0;

		while (digits < 3 && *i < end && s[*i] >= '0' && s[*i] <= '7') {
			value = value * 8 + (unsigned int)(s[*i] - '0');
			(*i)++;
			digits++;
		}
		if (value > 0xff)
			return false;
		*ch = (char)value;
		return true;
	}
	for (size_t k = 0; e && simple[k]; k += 2) {
		if (simple[k] == e) {
			*ch = simple[k + 1];
			(*i)++;
			return true;
		}
	}
	return false;
}

/* A c-string starting at the cursor's '"'; the result is NUL terminated. */
static enum status lex_cstring(struct cursor *c, char **text_ret,
			       size_t *len_ret)
{
	const char *s = c->s;
	size_t start = c->pos, end = start + 1;

	/* Find the closing quote first so the text can be sized once. */
	for (;;) {
		if (end >= c->len) {
			return syntax_error(c, start, c->len - start,
					    "unterminated c-string");
		}
		if (s[end] == '"')
			break;
		end += s[end] == '\\' ? 2 : 1;
	}

	char *text = malloc(end - start);
	size_t n = 0;

	if (!text)
		return PARSE_NOMEM;
	for (size_t i = start + 1; i < end;) {
		if (s[i] == '\0') {
			free(text);
			return syntax_error(c, i, 1, "NUL byte in c-string");
		}
		if (s[i] != '\\') {
			text[n++] = s[i++];
			continue;
		}
		size_t esc = i++;

		if (!unescape(s, end, &i, &text[n++])) {
			free(text);
			return syntax_error(c, esc, i > esc + 1 ? i - esc : 2,
					    "invalid escape sequence");
		}
	}
	text[n] = '\0';
	c->pos = end + 1;
	*text_ret = text;
	*len_ret = n;
	return PARSE_OK;
}

/* ---- grammar ---------------------------------------------------------- */

static enum status parse_value(struct cursor *c, struct mi_value **ret);

static struct mi_value *value_new(enum mi_value_kind kind)
{
	struct mi_value *v = calloc(1, sizeof(*v));

	if (v)
		v->kind = kind;
	return v;
}

/* result: variable "=" value */
static enum status parse_result(struct cursor *c, struct mi_value **ret)
{
	size_t name_pos = c->pos, name_len = name_span(c);

	if (!name_len)
		return syntax_error(c, c->pos, 0, "expected variable name");
	c->pos += name_len;
	if (!at(c, '=')) {
		return syntax_error(c, c->pos, 0,
				    "expected '=' after variable name");
	}
	c->pos++;

	struct mi_value *v;
	enum status st = parse_value(c, &v);

	if (st != PARSE_OK)
		return st;
	v->name = copy_bytes(c->s + name_pos, name_len);
	if (!v->name) {
		mi_value_destroy(v);
		return PARSE_NOMEM;
	}
	*ret = v;
	return PARSE_OK;
}

static bool starts_value(const struct cursor *c)
{
	return at(c, '"') || at(c, '{') || at(c, '[');
}

/*
 * tuple: "{}" | "{" result ("," result)* "}"
 * list:  "[]" | "[" value ("," value)* "]" | "[" result ("," result)* "]"
 * The first element of a list decides which of the two it is.  A tuple of
 * bare values is taken too: gdb 13 writes a breakpoint's commands as
 * script={"silent"} in =breakpoint-modified and -break-info.
 */
static enum status parse_container(struct cursor *c, struct mi_value **ret)
{
	bool tuple = at(c, '{');
	char close = tuple ? '}' : ']';

	if (c->depth >= MI_MAX_DEPTH) {
		return syntax_error(c, c->pos, 1,
				    "nesting deeper than 512 levels");
	}
	c->depth++;
	c->pos++;

	struct mi_value *v = value_new(tuple ? MI_VALUE_TUPLE : MI_VALUE_LIST);
	bool results = !starts_value(c);
	enum status st = PARSE_OK;

	if (!v)
		return PARSE_NOMEM;

	struct mi_value **tail = &v->children;

	if (at(c, close)) {
		c->pos++;
		goto out;
	}
	for (;;) {
		st = results ? parse_result(c, tail) : parse_value(c, tail);
		if (st != PARSE_OK)
			goto out;
		tail = &(*tail)->next;
		if (at(c, close)) {
			c->pos++;
			break;
		}
		if (!at(c, ',')) {
			st = syntax_error(c, c->pos, 0, tuple ?
					  "expected ',' or '}' in tuple" :
					  "expected ',' or ']' in list");
			goto out;
		}
		c->pos++;
	}
out:
	if (st != PARSE_OK) {
		mi_value_destroy(v);
		return st;
	}
	c->depth--;
	*ret = v;
	return PARSE_OK;
}

/* value: const | tuple | list */
static enum status parse_value(struct cursor *c, struct mi_value **ret)
{
	if (!starts_value(c)) {
		return syntax_error(c, c->pos, 0,
				    "expected value: c-string, tuple or list");
	}
	if (!at(c, '"'))
		return parse_container(c, ret);

	struct mi_value *v = value_new(MI_VALUE_CONST);
	size_t len;
	enum status st;

	if (!v)
		return PARSE_NOMEM;
	st = lex_cstring(c, &v->cstring, &len);
	if (st != PARSE_OK) {
		free(v);
		return st;
	}
	*ret = v;
	return PARSE_OK;
}

/*
 * ( "," result )* up to the end of the line.  A bare value is accepted too,
 * as an unnamed result: gdb prints "+download,{section=...}".
 */
static enum status parse_results(struct cursor *c, struct mi_output *out)
{
	struct mi_value **tail = &out->results;

	while (c->pos < c->len) {
		if (!at(c, ','))
			return syntax_error(c, c->pos, 0,
					    "expected ',' or end of line");
		c->pos++;

		enum status st = starts_value(c) ? parse_value(c, tail) :
						   parse_result(c, tail);

		if (st != PARSE_OK)
			return st;
		tail = &(*tail)->next;
	}
	return PARSE_OK;
}

static const char *const result_classes[] = {
	[MI_CLASS_DONE] = "done",
	[MI_CLASS_RUNNING] = "running",
	[MI_CLASS_CONNECTED] = "connected",
	[MI_CLASS_ERROR] = "error",
	[MI_CLASS_EXIT] = "exit",
};

/* [token] ("^" | "*" | "+" | "=") class ( "," result )* */
static enum status parse_class_record(struct cursor *c, struct mi_output *out)
{
	char type = c->s[c->pos++];
	size_t class_pos = c->pos, class_len = name_span(c);

	if (!class_len) {
		return syntax_error(c, c->pos, 0, type == '^' ?
				    "expected result class" :
				    "expected async class");
	}
	if (type == '^') {
		for (size_t i = 1; i < sizeof(result_classes) /
					 sizeof(result_classes[0]); i++) {
			if (strlen(result_classes[i]) == class_len &&
			    memcmp(result_classes[i], c->s + class_pos,
				   class_len) == 0) {
				out->result_class = i;
				break;
			}
		}
		if (out->result_class == MI_CLASS_NONE) {
			return syntax_error(c, class_pos, class_len,
					    "unknown result class");
		}
	}
	out->kind = type == '^' ? MI_OUTPUT_RESULT :
		    type == '*' ? MI_OUTPUT_EXEC_ASYNC :
		    type == '+' ? MI_OUTPUT_STATUS_ASYNC :
		    MI_OUTPUT_NOTIFY_ASYNC;
	out->async_class = copy_bytes(c->s + class_pos, class_len);
	if (!out->async_class)
		return PARSE_NOMEM;
	c->pos += class_len;
	return parse_results(c, out);
}

/* ("~" | "@" | "&") c-string */
static enum status parse_stream_record(struct cursor *c, struct mi_output *out)
{
	char type = c->s[c->pos++];
	enum status st;

	if (!at(c, '"'))
		return syntax_error(c, c->pos, 0, "expected c-string");
	st = lex_cstring(c, &out->text, &out->text_len);
	if (st != PARSE_OK)
		return st;
	if (c->pos != c->len) {
		return syntax_error(c, c->pos, 0,
				    "unexpected text after c-string");
	}
	out->kind = type == '~' ? MI_OUTPUT_CONSOLE :
		    type == '@' ? MI_OUTPUT_TARGET : MI_OUTPUT_LOG;
	return PARSE_OK;
}

/* "(gdb)", which gdb follows with a space */
static enum status parse_prompt(struct cursor *c, struct mi_output *out)
{
	static const char prompt[] = "(gdb)";
	size_t n = sizeof(prompt) - 1;

	if (c->len - c->pos < n || memcmp(c->s + c->pos, prompt, n) != 0)
		return syntax_error(c, c->pos, 0, "expected \"(gdb)\"");
	c->pos += n;
	while (at(c, ' '))
		c->pos++;
	if (c->pos != c->len) {
		return syntax_error(c, c->pos, 0,
				    "unexpected text after prompt");
	}
	out->kind = MI_OUTPUT_PROMPT;
	return PARSE_OK;
}

static enum status parse_record(struct cursor *c, struct mi_output *out)
{
	unsigned long long token = 0;
	bool overflow = false;

	while (c->pos < c->len && is_digit(c->s[c->pos])) {
		unsigned int d = (unsigned int)(c->s[c->pos] - '0');

		if (token > (ULLONG_MAX - d) / 10)
			overflow = true;
		token = token * 10 + d;
		c->pos++;
	}
	if (overflow)
		return syntax_error(c, 0, c->pos, "token out of range");
	out->has_token = c->pos > 0;
	out->token = token;
	if (c->pos == c->len) {
		return syntax_error(c, c->pos, 0, out->has_token ?
				    "expected record type after token" :
				    "empty line");
	}

	switch (c->s[c->pos]) {
	case '^':
	case '*':
	case '+':
	case '=':
		return parse_class_record(c, out);
	case '~':
	case '@':
	case '&':
	case '(':
		if (out->has_token) {
			return syntax_error(c, c->pos, 1,
				"token before a record that takes none");
		}
		return at(c, '(') ? parse_prompt(c, out) :
				    parse_stream_record(c, out);
	default:
		return syntax_error(c, c->pos, 0,
			"expected one of ^ * + = ~ @ & or \"(gdb)\"");
	}
}

/* Turn a half-built record into a parse error record for the cursor's
 * error; the token stays (see mi_output.h). */
static enum status set_parse_error(struct mi_output *out,
				   const struct cursor *c)
{
	size_t pos = c->err_pos, n = c->err_len;

	if (!n && pos < c->len) {
		n = 1;
		if (!is_delimiter(c->s[pos])) {
			while (pos + n < c->len && n < MI_ERROR_TOKEN_MAX &&
			       !is_delimiter(c->s[pos + n]))
				n++;
		}
	}
	if (n > MI_ERROR_TOKEN_MAX)
		n = MI_ERROR_TOKEN_MAX;

	free(out->async_class);
	out->async_class = NULL;
	mi_value_destroy(out->results);
	out->results = NULL;
	free(out->text);
	out->text = NULL;
	out->text_len = 0;
	out->result_class = MI_CLASS_NONE;
	out->kind = MI_OUTPUT_PARSE_ERROR;
	out->error_column = pos + 1;
	out->error_token = copy_bytes(c->s + pos, n);
	out->error_message = copy_bytes(c->err_msg, strlen(c->err_msg));
	if (!out->error_token || !out->error_message)
		return PARSE_NOMEM;
	return PARSE_OK;
}

struct lkdb_error *mi_parse_line(const char *line, size_t len,
				 struct mi_output **ret)
{
	struct mi_output *out = calloc(1, sizeof(*out));
	struct cursor c = { .s = line, .len = len };
	enum status st;

	if (!out)
		return &lkdb_error_oom;
	out->line = copy_bytes(line, len);
	if (!out->line) {
		free(out);
		return &lkdb_error_oom;
	}
	st = parse_record(&c, out);
	if (st == PARSE_SYNTAX)
		st = set_parse_error(out, &c);
	if (st == PARSE_NOMEM) {
		mi_output_destroy(out);
		return &lkdb_error_oom;
	}
	*ret = out;
	return NULL;
}

/* ---- push machinery --------------------------------------------------- */

struct mi_parser {
	struct mi_parser_callbacks cb;
	/* The start of an unfinished line. */
	char *buf;
	size_t len, cap;
	/* After a failed push: drop bytes up to the next newline. */
	bool resync;
};

struct lkdb_error *mi_parser_create(const struct mi_parser_callbacks *cb,
				    struct mi_parser **ret)
{
	struct mi_parser *parser = calloc(1, sizeof(*parser));

	if (!parser)
		return &lkdb_error_oom;
	parser->cb = *cb;
	*ret = parser;
	return NULL;
}

void mi_parser_destroy(struct mi_parser *parser)
{
	if (!parser)
		return;
	free(parser->buf);
	free(parser);
}

static bool buffer_append(struct mi_parser *parser, const char *data,
			  size_t len)
{
	if (len > SIZE_MAX - parser->len)
		return false;

	size_t need = parser->len + len;

	if (need > parser->cap) {
		size_t cap = parser->cap ? parser->cap : 256;
		char *buf;

		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
		buf = realloc(parser->buf, cap);
		if (!buf)
			return false;
		parser->buf = buf;
		parser->cap = cap;
	}
	memcpy(parser->buf + parser->len, data, len);
	parser->len = need;
	return true;
}

static struct lkdb_error *deliver(struct mi_parser *parser, const char *line,
				  size_t len)
{
	struct mi_output *out;
	struct lkdb_error *err;

	if (len && line[len - 1] == '\r')
		len--;
	if (!len)
		return NULL;
	err = mi_parse_line(line, len, &out);
	if (err)
		return err;
	if (parser->cb.output)
		parser->cb.output(parser->cb.context, out);
	else
		mi_output_destroy(out);
	return NULL;
}

/*
 * Only the new bytes are searched for '\n'.  A line that arrives whole is
 * parsed straight from data; only a line split across pushes is copied.
 */
struct lkdb_error *mi_parser_push(struct mi_parser *parser, const char *data,
				  size_t len)
{
	struct lkdb_error *err = NULL;

	while (len) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;

		if (parser->resync) {
			parser->resync = !nl;
		} else if (!nl || parser->len) {
			if (!buffer_append(parser, data, n)) {
				err = &lkdb_error_oom;
				break;
			}
			if (nl) {
				err = deliver(parser, parser->buf,
					      parser->len);
				parser->len = 0;
				if (parser->cap > MI_KEEP_BUFFER) {
					free(parser->buf);
					parser->buf = NULL;
					parser->cap = 0;
				}
			}
		} else {
			err = deliver(parser, data, n);
		}
		if (err)
			break;
		if (!nl)
			return NULL;
		data = nl + 1;
		len -= n + 1;
	}
	if (err) {
		/* The rest of data is lost: resume at the next line. */
		parser->len = 0;
		parser->resync = true;
	}
	return err;
}
