// SPDX-License-Identifier: GPL-2.0-or-later
/* Output redirection of a command line: what is the command, what the target. */
#include <stdlib.h>
#include <string.h>

#include "common/redirect.h"
#include "tap.h"

/* "KIND|COMMAND|TARGET" of a line, or "error: MESSAGE". */
static char *parsed(const char *line)
{
	struct redirect r;
	struct lkdb_error *err = redirect_parse(line, &r);
	char *out = NULL;
	if (err) {
		if (asprintf(&out, "error: %s", err->message) < 0)
			out = NULL;
		lkdb_error_destroy(err);
		return out;
	}
	static const char *const kinds[] = { "none", "pipe", "file", "append" };
	if (asprintf(&out, "%s|%.*s|%s", kinds[r.kind], (int)r.command_len,
		     line, r.target ? r.target : "") < 0)
		out = NULL;
	free(r.target);
	return out;
}

#define CHECK_PARSE(line, want)                                                \
	do {                                                                   \
		char *got = parsed(line);                                      \
		CHECK_STR(got, want);                                          \
		free(got);                                                     \
	} while (0)

TEST(crash_style_pipes_and_files)
{
	CHECK_PARSE("ps | grep nc", "pipe|ps|grep nc");
	CHECK_PARSE("log | tail -3", "pipe|log|tail -3");
	CHECK_PARSE("bt -a > bt.txt", "file|bt -a|bt.txt");
	CHECK_PARSE("sys >> notes.txt  ", "append|sys|notes.txt");
	/* A pipeline after the first '|' is the shell's. */
	CHECK_PARSE("ps | grep sh | wc -l", "pipe|ps|grep sh | wc -l");
	CHECK_PARSE("bt > \"a b.txt\"", "file|bt|a b.txt");
	setenv("HOME", "/home/me", 1);
	CHECK_PARSE("sys > ~/notes", "file|sys|/home/me/notes");
	CHECK_PARSE("p jiffies", "none|p jiffies|");
}

TEST(gdb_expressions_keep_their_operators)
{
	CHECK_PARSE("p a>b", "none|p a>b|");
	CHECK_PARSE("p (a > b)", "none|p (a > b)|");
	CHECK_PARSE("p task->pid", "none|p task->pid|");
	CHECK_PARSE("p a || b", "none|p a || b|");
	CHECK_PARSE("p x >= 1", "none|p x >= 1|");
	CHECK_PARSE("p arr[i > 1]", "none|p arr[i > 1]|");
	CHECK_PARSE("echo \"a > b\"\\n", "none|echo \"a > b\"\\n|");
	CHECK_PARSE("p 'x | y'", "none|p 'x | y'|");
	CHECK_PARSE("p sizeof(linux_banner) > 10",
		    "none|p sizeof(linux_banner) > 10|");
	CHECK_PARSE("p a >> 2", "none|p a >> 2|");
	CHECK_PARSE("p n > $max", "none|p n > $max|");
	CHECK_PARSE("p n > (m)", "none|p n > (m)|");
	CHECK_PARSE("p/x flags | 0x10", "none|p/x flags | 0x10|");
	CHECK_PARSE("set var x |= 4", "none|set var x |= 4|");
	CHECK_PARSE("p a >>= 2", "none|p a >>= 2|");
}

TEST(nothing_after_the_operator_is_an_error)
{
	char *got = parsed("ps |");
	CHECK(got && strstr(got, "error: nothing after '|'"));
	free(got);
	got = parsed("ps >   ");
	CHECK(got && strstr(got, "error: nothing after '>'"));
	free(got);
}

int main(void)
{
	RUN(crash_style_pipes_and_files);
	RUN(gdb_expressions_keep_their_operators);
	RUN(nothing_after_the_operator_is_an_error);
	return tap_done();
}
