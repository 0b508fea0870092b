// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/core/listwalk.c (crash's list), and of
 * kernel_read_string() (names across a page's end), over fake
 * memory: the three ways a list is linked, its ends (NULL, back at the
 * start or head, -e), and the damaged ones: a loop that does not come back
 * to the start, a pointer that cannot be read, a list longer than the
 * bound.  The entries before the damage are kept.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/listwalk.h"
#include "tap.h"

/* Structures of 0x40 bytes at BASE + 0x100 * i, their link at 0x10. */
#define BASE 0x10000ULL
#define HEAD 0x20000ULL
#define OFF 0x10
#define S(i) (BASE + 0x100 * (uint64_t)(i))

static struct fake_memory m;
static struct kernel_memory_reader reader = { &m, fake_read, NULL };

static void link_at(uint64_t addr, uint64_t to)
{
	put(at(&m, addr), to, 8);
}

static void build(void)
{
	memset(&m, 0, sizeof(m));
	map(&m, BASE, 0x1000);
	map(&m, HEAD, 16);
}

static bool walk(uint64_t start, enum list_walk_mode mode, uint64_t end,
		 size_t max, struct list_walk *w)
{
	take_error(kernel_list_walk(&reader, start, OFF, mode, end, max, w));
	if (err_code)
		printf("# %s\n", err_message);
	return err_code == 0;
}

static bool entries(const struct list_walk *w, size_t n, ...)
{
	va_list ap;
	va_start(ap, n);
	bool ok = w->nr == n;
	for (size_t i = 0; ok && i < n; i++)
		ok = w->entries[i] == S(va_arg(ap, int));
	va_end(ap);
	return ok;
}

TEST(next_pointer_to_structures_ends_at_null_or_start)
{
	struct list_walk w;
	build();
	link_at(S(0) + OFF, S(1));
	link_at(S(1) + OFF, S(2));
	CHECK(walk(S(0), LIST_NEXT_STRUCT, 0, 100, &w) && entries(&w, 3, 0, 1, 2));
	list_walk_deinit(&w);
	link_at(S(2) + OFF, S(0));	/* circular */
	CHECK(walk(S(0), LIST_NEXT_STRUCT, 0, 100, &w) && entries(&w, 3, 0, 1, 2));
	list_walk_deinit(&w);
	CHECK(walk(S(0), LIST_NEXT_STRUCT, S(2), 100, &w) && entries(&w, 2, 0, 1));
	list_walk_deinit(&w);
	unmap_all(&m);
}

TEST(list_heads_embedded_and_a_head_of_its_own)
{
	struct list_walk w;
	build();
	/* HEAD -> S(3) -> S(4) -> S(5) -> HEAD, through their list_heads. */
	link_at(HEAD, S(3) + OFF);
	link_at(S(3) + OFF, S(4) + OFF);
	link_at(S(4) + OFF, S(5) + OFF);
	link_at(S(5) + OFF, HEAD);
	CHECK(walk(HEAD, LIST_HEAD, 0, 100, &w) && entries(&w, 3, 3, 4, 5));
	list_walk_deinit(&w);
	/* -h from S(4): on through HEAD's "entry" would be wrong; a circle of three. */
	link_at(S(5) + OFF, S(3) + OFF);
	CHECK(walk(S(4), LIST_EMBEDDED, 0, 100, &w) && entries(&w, 3, 4, 5, 3));
	list_walk_deinit(&w);
	/* An empty list: the head points at itself. */
	link_at(HEAD, HEAD);
	CHECK(walk(HEAD, LIST_HEAD, 0, 100, &w) && w.nr == 0);
	list_walk_deinit(&w);
	unmap_all(&m);
}

TEST(loop_not_back_to_the_start_is_named)
{
	struct list_walk w;
	build();
	link_at(S(0) + OFF, S(1));
	link_at(S(1) + OFF, S(2));
	link_at(S(2) + OFF, S(1));
	CHECK(!walk(S(0), LIST_NEXT_STRUCT, 0, 100, &w));
	CHECK(err_code == LKDB_ERROR_INVALID);
	char want[128];
	snprintf(want, sizeof(want), "list loops back to 0x%" PRIx64 " after 3 entries",
		 (uint64_t)S(1));
	CHECK_STR(err_message, want);
	CHECK(entries(&w, 3, 0, 1, 2));
	list_walk_deinit(&w);
	unmap_all(&m);
}

TEST(unreadable_pointer_and_the_bound_stop_with_what_was_read)
{
	struct list_walk w;
	build();
	link_at(S(0) + OFF, S(1));
	link_at(S(1) + OFF, 0x90000);	/* not mapped */
	CHECK(!walk(S(0), LIST_NEXT_STRUCT, 0, 100, &w));
	CHECK(err_code == LKDB_ERROR_FAULT && strstr(err_message, "list entry 2 (0x90000)"));
	/* The entry is listed (as crash does); its pointer is what failed. */
	CHECK(w.nr == 3 && w.entries[1] == S(1) && w.entries[2] == 0x90000);
	list_walk_deinit(&w);
	for (int i = 0; i < 15; i++)
		link_at(S(i) + OFF, S(i + 1));
	CHECK(!walk(S(0), LIST_NEXT_STRUCT, 0, 10, &w));
	CHECK(strstr(err_message, "does not end after 10 entries") && w.nr == 10);
	list_walk_deinit(&w);
	take_error(kernel_list_walk(&reader, 0x90000, OFF, LIST_HEAD, 0, 10, &w));
	CHECK(err_code == LKDB_ERROR_FAULT && strstr(err_message, "list head 0x90000") && !w.nr);
	list_walk_deinit(&w);
	unmap_all(&m);
}

/* A name that starts 3 bytes before a page's end is read whole. */
TEST(string_across_a_page_end)
{
	struct kernel k = { .arch = &kernel_arch_x86_64, .memory = reader };
	char buf[64];
	memset(&m, 0, sizeof(m));
	unsigned char *a = map(&m, 0x30000, 4096);
	memcpy(a + 4093, "ano", 3);
	take_error(kernel_read_string(&k, 0x30000 + 4093, buf, sizeof(buf)));
	/* the next page is not there: what was read, no error */
	CHECK(err_code == 0);
	CHECK_STR(buf, "ano");
	memcpy(map(&m, 0x31000, 4096), "n_vma", 6);
	take_error(kernel_read_string(&k, 0x30000 + 4093, buf, sizeof(buf)));
	CHECK(err_code == 0);
	CHECK_STR(buf, "anon_vma");
	/* bounded by the buffer */
	take_error(kernel_read_string(&k, 0x30000 + 4093, buf, 5));
	CHECK_STR(buf, "anon");
	/* nothing readable: an error, an empty string */
	take_error(kernel_read_string(&k, 0x90000, buf, sizeof(buf)));
	CHECK(err_code == LKDB_ERROR_FAULT && buf[0] == '\0');
	unmap_all(&m);
}

int main(void)
{
	RUN(next_pointer_to_structures_ends_at_null_or_start);
	RUN(list_heads_embedded_and_a_head_of_its_own);
	RUN(loop_not_back_to_the_start_is_named);
	RUN(unreadable_pointer_and_the_bound_stop_with_what_was_read);
	RUN(string_across_a_page_end);
	return tap_done();
}
