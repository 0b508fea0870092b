// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of common/error.c's message helpers. */
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

int main(void)
{
	RUN(message_names);
	return tap_done();
}
