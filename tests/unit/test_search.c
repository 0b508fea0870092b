// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crash's search over a buffer (kernel-helpers/memory/search.h): values
 * only at their alignment and under the mask, in address order; strings
 * at any offset, several at one address in their order, and a string
 * across two chunks found once when the first chunk's end is carried.
 */
#include <stdio.h>
#include <string.h>

#include "kernel-helpers/memory/search.h"
#include "tap.h"

struct hits {
	char text[4096];
	size_t n;
};

static struct lkdb_error *collect(void *context, const struct mem_search_hit *h)
{
	struct hits *hs = context;
	size_t len = strlen(hs->text);
	snprintf(hs->text + len, sizeof(hs->text) - len, "%s%llx:%zu:%llx",
		 hs->n++ ? " " : "", (unsigned long long)h->addr, h->index,
		 (unsigned long long)h->value);
	return NULL;
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

TEST(values_only_at_their_alignment)
{
	unsigned char buf[64] = { 0 };
	put64(buf + 8, 0xdeadbeefcafe0001ULL);
	put64(buf + 20, 0xdeadbeefcafe0001ULL);	/* not 8-aligned */
	uint64_t v = 0xdeadbeefcafe0001ULL;
	struct mem_search s = { .size = 8, .values = &v, .nr_values = 1 };
	struct hits h = { "", 0 };
	CHECK(!mem_search_scan(&s, buf, sizeof(buf), 0x1000, 0, collect, &h));
	CHECK_STR(h.text, "1008:0:deadbeefcafe0001");
	/* At an address that is not aligned, the buffer's own offsets shift. */
	h = (struct hits){ "", 0 };
	CHECK(!mem_search_scan(&s, buf + 4, 56, 0x1004, 0, collect, &h));
	CHECK_STR(h.text, "1008:0:deadbeefcafe0001");
}

TEST(the_mask_leaves_bits_out_and_the_value_found_is_shown)
{
	unsigned char buf[16] = { 0 };
	put64(buf, 0x1234abcdULL);
	put64(buf + 8, 0x9999abcdULL);
	uint64_t v = 0xabcd;
	struct mem_search s = { .size = 4, .mask = 0xffff0000ULL,
				.values = &v, .nr_values = 1 };
	struct hits h = { "", 0 };
	CHECK(!mem_search_scan(&s, buf, sizeof(buf), 0, 0, collect, &h));
	CHECK_STR(h.text, "0:0:1234abcd 8:0:9999abcd");
	/* Shorts: each 2-byte slot. */
	uint64_t w = 0xabcd;
	struct mem_search s2 = { .size = 2, .values = &w, .nr_values = 1 };
	h = (struct hits){ "", 0 };
	CHECK(!mem_search_scan(&s2, buf, sizeof(buf), 0, 0, collect, &h));
	CHECK_STR(h.text, "0:0:abcd 8:0:abcd");
}

TEST(several_values_in_address_order)
{
	unsigned char buf[32] = { 0 };
	put64(buf, 2);
	put64(buf + 16, 1);
	uint64_t v[] = { 1, 2 };
	struct mem_search s = { .size = 8, .values = v, .nr_values = 2 };
	struct hits h = { "", 0 };
	CHECK(!mem_search_scan(&s, buf, sizeof(buf), 0, 0, collect, &h));
	CHECK_STR(h.text, "0:1:2 10:0:1");
}

TEST(strings_at_any_offset_several_at_one_address_in_their_order)
{
	const char *text = "xxLinux version yy Linux";
	const char *strs[] = { "Linux version", "Linux", "x" };
	struct mem_search s = { .strings = strs, .nr_strings = 3 };
	struct hits h = { "", 0 };
	CHECK(!mem_search_scan(&s, (const unsigned char *)text, strlen(text),
			       0x100, 0, collect, &h));
	CHECK_STR(h.text, "100:2:0 101:2:0 102:0:0 102:1:0 106:2:0 113:1:0 117:2:0");
}

TEST(a_string_across_two_chunks_is_found_once)
{
	const char *strs[] = { "panic", "an" };
	struct mem_search s = { .strings = strs, .nr_strings = 2 };
	CHECK(mem_search_carry(&s) == 4);
	/* Chunk 1 "...pa", chunk 2 (carried "k pa" + "nic an"). */
	struct hits h = { "", 0 };
	const char *c1 = "an k pa";
	CHECK(!mem_search_scan(&s, (const unsigned char *)c1, 7, 0, 0,
			       collect, &h));
	char c2[32];
	memcpy(c2, c1 + 3, 4);
	memcpy(c2 + 4, "nic an", 6);
	CHECK(!mem_search_scan(&s, (const unsigned char *)c2, 10, 3, 4,
			       collect, &h));
	/* "an" at 0 once (chunk 1), "pa|nic" at 5, "an" at 6 and 11. */
	CHECK_STR(h.text, "0:1:0 5:0:0 6:1:0 b:1:0");
}

TEST(what_cannot_be_searched_is_one_error)
{
	uint64_t v = 1;
	struct mem_search bad = { .size = 3, .values = &v, .nr_values = 1 };
	struct lkdb_error *err = mem_search_check(&bad);
	CHECK(err && strstr(err->message, "2, 4 or 8"));
	lkdb_error_destroy(err);
	const char *empty[] = { "" };
	struct mem_search s = { .strings = empty, .nr_strings = 1 };
	err = mem_search_check(&s);
	CHECK(err && strstr(err->message, "1 to 256"));
	lkdb_error_destroy(err);
	struct mem_search none = { .size = 8 };
	err = mem_search_check(&none);
	CHECK(err && strstr(err->message, "no value"));
	lkdb_error_destroy(err);
}

int main(void)
{
	RUN(values_only_at_their_alignment);
	RUN(the_mask_leaves_bits_out_and_the_value_found_is_shown);
	RUN(several_values_in_address_order);
	RUN(strings_at_any_offset_several_at_one_address_in_their_order);
	RUN(a_string_across_two_chunks_is_found_once);
	RUN(what_cannot_be_searched_is_one_error);
	return tap_done();
}
