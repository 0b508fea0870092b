// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The MI command writer must keep every argument inside its command: the
 * result is one line, and reading the quoted argument back (with our own
 * MI c-string parser, which follows the same escaping rules as gdb's)
 * gives the original bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "mi/mi_command.h"
#include "mi/mi_parser.h"
#include "tap.h"

static char *build1(const char *op, const char *arg)
{
	char *line = NULL;
	const char *argv[] = { arg };
	struct lkdb_error *err = mi_command_build(7, op, argv, arg ? 1 : 0,
						  &line);
	if (err) {
		lkdb_error_destroy(err);
		return NULL;
	}
	return line;
}

/* Quote arg, then parse it back as the text of a ~ stream record. */
static char *roundtrip(const char *arg, size_t *len_ret)
{
	char *quoted = NULL;
	size_t len = 0;
	if (mi_quote_append(&quoted, &len, arg))
		return NULL;
	char *line;
	if (quoted[0] == '"') {
		if (asprintf(&line, "~%s", quoted) < 0)
			line = NULL;
	} else {
		/* a plain word stands for itself */
		*len_ret = len;
		return quoted;
	}
	free(quoted);
	struct mi_output *out = NULL;
	if (!line || mi_parse_line(line, strlen(line), &out) ||
	    out->kind != MI_OUTPUT_CONSOLE) {
		free(line);
		mi_output_destroy(out);
		return NULL;
	}
	free(line);
	char *text = malloc(out->text_len + 1);
	memcpy(text, out->text, out->text_len);
	text[out->text_len] = '\0';
	*len_ret = out->text_len;
	mi_output_destroy(out);
	return text;
}

static size_t count_char(const char *s, char c)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

TEST(plain_words_stay_unquoted)
{
	char *line = build1("-data-read-memory-bytes", "0xffffffff81000000");
	CHECK_STR(line, "7-data-read-memory-bytes 0xffffffff81000000\n");
	free(line);
	line = build1("-gdb-exit", NULL);
	CHECK_STR(line, "7-gdb-exit\n");
	free(line);
}

TEST(empty_argument_is_quoted)
{
	char *line = build1("-gdb-set", "");
	CHECK_STR(line, "7-gdb-set \"\"\n");
	free(line);
}

TEST(quotes_backslashes_and_spaces_are_escaped)
{
	char *line = build1("-interpreter-exec", "p \"a\\b\"");
	CHECK_STR(line, "7-interpreter-exec \"p \\\"a\\\\b\\\"\"\n");
	free(line);
}

TEST(newline_cannot_start_a_second_command)
{
	const char *attacks[] = {
		"x\n-gdb-exit",
		"x\"\n8-gdb-exit\n",
		"\\\"\n-target-detach",
		"x\r\n-gdb-exit",
		"\n",
		"\"",
		"\\",
		"a\\",
	};
	for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
		char *line = build1("-interpreter-exec", attacks[i]);
		CHECK(line != NULL);
		if (!line)
			continue;
		CHECK(count_char(line, '\n') == 1);
		CHECK(count_char(line, '\r') == 0);
		CHECK(line[strlen(line) - 1] == '\n');
		free(line);
	}
}

TEST(every_byte_survives_a_roundtrip)
{
	char arg[256];
	for (int c = 1; c < 256; c++)
		arg[c - 1] = (char)c;
	arg[255] = '\0';
	size_t len = 0;
	char *back = roundtrip(arg, &len);
	CHECK(back != NULL);
	CHECK(back && len == 255 && !memcmp(back, arg, 255));
	free(back);
	const char *samples[] = { "", "plain", "two words", "tab\there",
				  "esc\x1b[0m", "del\x7f", "quote\"end",
				  "\"\"\"", "back\\slash\\" };
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		back = roundtrip(samples[i], &len);
		CHECK(back && len == strlen(samples[i]) &&
		      !memcmp(back, samples[i], len));
		free(back);
	}
}

TEST(bad_operations_are_refused)
{
	const char *bad[] = { "", "-", "gdb-exit", "-gdb exit",
			      "-gdb-exit\n-x", "-GDB", "-a\"b" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *line = NULL;
		struct lkdb_error *err = mi_command_build(1, bad[i], NULL, 0,
							  &line);
		CHECK(err && err->code == LKDB_ERROR_INVALID);
		CHECK(line == NULL);
		lkdb_error_destroy(err);
	}
}

TEST(cli_quote_for_gdb_buildargv)
{
	char *q = gdb_cli_quote("/tmp/my dir/vmlinux");
	CHECK_STR(q, "\"/tmp/my dir/vmlinux\"");
	free(q);
	q = gdb_cli_quote("a\"b\\c");
	CHECK_STR(q, "\"a\\\"b\\\\c\"");
	free(q);
	q = gdb_cli_quote("");
	CHECK_STR(q, "\"\"");
	free(q);
}

int main(void)
{
	RUN(plain_words_stay_unquoted);
	RUN(empty_argument_is_quoted);
	RUN(quotes_backslashes_and_spaces_are_escaped);
	RUN(newline_cannot_start_a_second_command);
	RUN(every_byte_survives_a_roundtrip);
	RUN(bad_operations_are_refused);
	RUN(cli_quote_for_gdb_buildargv);
	return tap_done();
}
