// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * common/: the JSON string writer with its UTF-8 validator, and the XDG
 * directory rules.  Expected replacements follow Unicode 15, section 3.9
 * (U+FFFD for each maximal subpart; table 3-8 is its worked example).
 */
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/printable.h"
#include "tap.h"
#include "common/xdg.h"

/* json_write_bytes of len bytes, as a string (static buffer). */
static const char *json(const char *s, size_t len)
{
	static char result[512];
	char *text = NULL;
	size_t text_len = 0;
	FILE *f = open_memstream(&text, &text_len);
	if (!f)
		return "(open_memstream failed)";
	json_write_bytes(f, s, len);
	fclose(f);
	snprintf(result, sizeof(result), "%s", text);
	free(text);
	return result;
}

#define JSON(literal) json(literal, sizeof(literal) - 1)

TEST(valid_utf8_is_kept_as_is)
{
	CHECK_STR(JSON("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
	CHECK_STR(JSON("\xe2\x82\xac"), "\"\xe2\x82\xac\"");		/* U+20AC */
	CHECK_STR(JSON("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");	/* U+1F600 */
	/* the edges: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF,
	 * U+10000, U+10FFFF */
	CHECK_STR(JSON("\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf"),
		  "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\"");
	CHECK_STR(JSON("\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"),
		  "\"\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"");
}

TEST(overlong_forms_are_replaced)
{
	/* C0 and C1 never start a character: each byte is a subpart. */
	CHECK_STR(JSON("\xc0\x80"), "\"\\ufffd\\ufffd\"");
	CHECK_STR(JSON("\xc1\xbf"), "\"\\ufffd\\ufffd\"");
	/* E0 80..9F and F0 80..8F are overlong: E0/F0 alone is the
	 * subpart, then each continuation byte. */
	CHECK_STR(JSON("\xe0\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(JSON("\xe0\x9f\xbf"), "\"\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(JSON("\xf0\x80\x80\x80"),
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(JSON("\xf0\x8f\xbf\xbf"),
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

TEST(lone_continuation_bytes_are_replaced)
{
	CHECK_STR(JSON("a\x80" "b"), "\"a\\ufffdb\"");
	CHECK_STR(JSON("\xbf"), "\"\\ufffd\"");
	CHECK_STR(JSON("\xc3\xa9\xa9"), "\"\xc3\xa9\\ufffd\"");
}

TEST(truncated_sequences_are_one_replacement_each)
{
	/* at the end of the bytes */
	CHECK_STR(JSON("x\xe2\x82"), "\"x\\ufffd\"");
	CHECK_STR(JSON("x\xf0\x9f\x98"), "\"x\\ufffd\"");
	CHECK_STR(JSON("x\xc3"), "\"x\\ufffd\"");
	/* cut by an ASCII byte, which is kept */
	CHECK_STR(JSON("\xe2\x82" "A"), "\"\\ufffdA\"");
	CHECK_STR(JSON("\xf0\x9f\x98\"") , "\"\\ufffd\\\"\"");
	/* by the start of another sequence */
	CHECK_STR(JSON("\xe2\xc3\xa9"), "\"\\ufffd\xc3\xa9\"");
	/* Unicode 15 table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 */
	CHECK_STR(JSON("\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64"),
		  "\"a\\ufffd\\ufffd\\ufffdb\\ufffdc\\ufffd\\ufffdd\"");
}

TEST(surrogates_and_beyond_u10ffff_are_replaced)
{
	/* ED A0..BF would be U+D800..U+DFFF: ED alone is the subpart. */
	CHECK_STR(JSON("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(JSON("\xed\xbf\xbf"), "\"\\ufffd\\ufffd\\ufffd\"");
	/* a CESU-8 pair for U+1F600 */
	CHECK_STR(JSON("\xed\xa0\xbd\xed\xb8\x80"),
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* F4 90.. would be above U+10FFFF; F5..FF start nothing */
	CHECK_STR(JSON("\xf4\x90\x80\x80"),
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(JSON("\xf5\x80\x80\x80"),
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(JSON("\xff\xfe"), "\"\\ufffd\\ufffd\"");
}

TEST(control_bytes_quotes_and_nul_are_escaped)
{
	CHECK_STR(JSON("\"\\/"), "\"\\\"\\\\/\"");
	CHECK_STR(JSON("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
	CHECK_STR(JSON("\x01\x1b[31m\x1f\x7f"),
		  "\"\\u0001\\u001b[31m\\u001f\\u007f\"");
	CHECK_STR(JSON("a\0b"), "\"a\\u0000b\"");
	CHECK_STR(JSON(""), "\"\"");
	/* json_write_string is the same writer up to the NUL */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	CHECK(f != NULL);
	if (f) {
		json_write_string(f, "sh\xff\x1b");
		fclose(f);
		CHECK_STR(text, "\"sh\\ufffd\\u001b\"");
	}
	free(text);
}

TEST(utf8_next_reports_the_subpart_length)
{
	size_t n = 0;
	CHECK(utf8_next((const unsigned char *)"\xf0\x9f\x98\x80", 4, &n) &&
	      n == 4);
	CHECK(!utf8_next((const unsigned char *)"\xf0\x9f\x98\x80", 3, &n) &&
	      n == 3);
	CHECK(!utf8_next((const unsigned char *)"\xf0\x9f\x41", 3, &n) &&
	      n == 2);
	CHECK(!utf8_next((const unsigned char *)"\xe0\x80", 2, &n) && n == 1);
	CHECK(utf8_next((const unsigned char *)"A", 1, &n) && n == 1);
}

/* xdg_cache_path with the two variables set as given (NULL: unset). */
static char *cache(const char *xdg, const char *home)
{
	if (xdg)
		setenv("XDG_CACHE_HOME", xdg, 1);
	else
		unsetenv("XDG_CACHE_HOME");
	if (home)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
	return xdg_cache_path("lkdb/types/abc");
}

TEST(xdg_rules_absolute_variable_then_home_then_none)
{
	char *p = cache("/c", "/h");
	CHECK_STR(p, "/c/lkdb/types/abc");
	free(p);
	p = cache("rel", "/h");
	CHECK_STR(p, "/h/.cache/lkdb/types/abc");
	free(p);
	p = cache("", "/h");
	CHECK_STR(p, "/h/.cache/lkdb/types/abc");
	free(p);
	p = cache(NULL, NULL);
	CHECK(p == NULL);
	free(p);
	p = cache(NULL, "");
	CHECK(p == NULL);
	free(p);
	p = cache("rel", "home");
	CHECK(p == NULL);
	free(p);
	p = xdg_path("XDG_STATE_HOME", ".local/state", "lkdb/history");
	CHECK(p == NULL);
	free(p);
	setenv("HOME", "/h", 1);
	p = xdg_path("XDG_STATE_HOME", ".local/state", "lkdb/history");
	CHECK_STR(p, "/h/.local/state/lkdb/history");
	free(p);
}

TEST(printable_replaces_control_del_high_and_chosen_bytes)
{
	char out[32];
	CHECK(!lkdb_printable(out, "kworker/0:1", 16, ""));
	CHECK_STR(out, "kworker/0:1");
	CHECK(lkdb_printable(out, "a\tb\x1b[2Jc\x7f\xc3\xa9", 32, ""));
	CHECK_STR(out, "a?b?[2Jc???");
	CHECK(lkdb_printable(out, "say \"hi\" now", 32, "\" "));
	CHECK_STR(out, "say??hi??now");
	CHECK(!lkdb_printable(out, "say \"hi\"", 32, ""));
	CHECK_STR(out, "say \"hi\"");
}

TEST(printable_stops_at_max_or_nul_and_may_work_in_place)
{
	char out[32];
	CHECK(!lkdb_printable(out, "0123456789abcdefXYZ", 16, ""));
	CHECK_STR(out, "0123456789abcdef");
	CHECK(!lkdb_printable(out, "ab\0\x01", 8, ""));
	CHECK_STR(out, "ab");
	CHECK(!lkdb_printable(out, "", 8, ""));
	CHECK_STR(out, "");
	char s[] = "mod\nname";
	CHECK(lkdb_printable(s, s, sizeof(s), ""));
	CHECK_STR(s, "mod?name");
}

TEST(break_at_space_leaves_enough_after_the_last_fitting_space)
{
	char a[] = "ACPI Tables with a rather long name";
	char *rest = lkdb_break_at_space(a, 4);
	CHECK_STR(a, "ACPI Tables with a rather long");
	CHECK_STR(rest, "name");
	char b[] = "one two three";
	rest = lkdb_break_at_space(b, 6);
	CHECK_STR(b, "one");
	CHECK_STR(rest, "two three");
	char c[] = "nospacesatall";
	CHECK(lkdb_break_at_space(c, 1) == NULL);
	CHECK_STR(c, "nospacesatall");
	char d[] = " leading";
	CHECK(lkdb_break_at_space(d, 2) == NULL);
	char e[] = "";
	CHECK(lkdb_break_at_space(e, 0) == NULL);
	char f[] = "a b";
	CHECK(lkdb_break_at_space(f, 2) == NULL);
	CHECK_STR(f, "a b");
}

int main(void)
{
	RUN(valid_utf8_is_kept_as_is);
	RUN(overlong_forms_are_replaced);
	RUN(lone_continuation_bytes_are_replaced);
	RUN(truncated_sequences_are_one_replacement_each);
	RUN(surrogates_and_beyond_u10ffff_are_replaced);
	RUN(control_bytes_quotes_and_nul_are_escaped);
	RUN(utf8_next_reports_the_subpart_length);
	RUN(xdg_rules_absolute_variable_then_home_then_none);
	RUN(printable_replaces_control_del_high_and_chosen_bytes);
	RUN(printable_stops_at_max_or_nul_and_may_work_in_place);
	RUN(break_at_space_leaves_enough_after_the_last_fitting_space);
	return tap_done();
}
