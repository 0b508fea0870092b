// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of common/error.c's message helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "tap.h"

/* An address or a name is said once: is it in the message already? */
TEST(message_names)
{
	const char *gdb = "Cannot access memory at address 0xffffc90000000000";
	CHECK(lkdb_message_names(gdb, "0xffffc90000000000"));
	/* a longer address is another address */
	CHECK(!lkdb_message_names("Cannot access memory at address 0x10000",
				  "0x1000"));
	CHECK(!lkdb_message_names("Cannot access memory at address 0x10",
				  "0x1"));
	CHECK(lkdb_message_names("address 0x1000.", "0x1000"));
	CHECK(lkdb_message_names("0x1000: page not in the dump", "0x1000"));
	/* a word inside another word is not named */
	CHECK(!lkdb_message_names("No symbol \"panic_cpu\"", "panic"));
	CHECK(lkdb_message_names("No symbol \"panic\" in current context.",
				 "panic"));
	/* an expression is matched whole, punctuation and all */
	CHECK(lkdb_message_names("cannot read panic+3 now", "panic+3"));
	CHECK(!lkdb_message_names("anything", ""));
}

/*
 * A walk may warn about each of many thousand nodes: every warning is
 * kept, in order, and the array grows by doubling (fuzz-tasks timed out
 * on one realloc per warning).
 */
TEST(warnings_kept_in_order_however_many)
{
	char **w = NULL;
	size_t n = 0;
	bool ok = true;
	for (int i = 0; i < 200000 && ok; i++)
		ok = !lkdb_warning_append(&w, &n, "task %d: bad", i);
	CHECK(ok && n == 200000);
	char want[32];
	bool same = true;
	for (size_t i = 0; i < n; i += 9973) {
		snprintf(want, sizeof(want), "task %zu: bad", i);
		same = same && !strcmp(w[i], want);
	}
	CHECK(same && !strcmp(w[n - 1], "task 199999: bad"));
	lkdb_warnings_free(w, n);
	w = NULL;
	n = 0;
	CHECK(!lkdb_warning_append(&w, &n, "one") && n == 1 && !strcmp(w[0], "one"));
	lkdb_warnings_free(w, n);
}

int main(void)
{
	RUN(message_names);
	RUN(warnings_kept_in_order_however_many);
	return tap_done();
}
