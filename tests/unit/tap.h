/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Minimal TAP producer for unit tests (meson: protocol : 'tap').
 *   TEST(name) { CHECK(cond); CHECK_STR(a, b); }
 *   int main(void) { RUN(name); ...; return tap_done(); }
 *   RUN_IF(cond, name, "why not") runs it or reports a skip.
 */
#ifndef LKDB_TAP_H
#define LKDB_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed, tap_current_failed;
/* The running test's name (for files a test writes). */
static const char *tap_current_name = "";

#define TEST(name) static void test_##name(void)

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			printf("#   %s:%d: CHECK(%s) failed\n",		\
			       __FILE__, __LINE__, #cond);		\
			tap_current_failed = 1;				\
		}							\
	} while (0)

#define CHECK_STR(a, b)							\
	do {								\
		const char *tap_a = (a), *tap_b = (b);			\
		if (!tap_a || !tap_b || strcmp(tap_a, tap_b) != 0) {	\
			printf("#   %s:%d: \"%s\" != \"%s\"\n",		\
			       __FILE__, __LINE__,			\
			       tap_a ? tap_a : "(null)",		\
			       tap_b ? tap_b : "(null)");		\
			tap_current_failed = 1;				\
		}							\
	} while (0)

#define RUN(name)							\
	do {								\
		tap_current_failed = 0;					\
		tap_current_name = #name;				\
		test_##name();						\
		tap_count++;						\
		if (tap_current_failed)					\
			tap_failed++;					\
		printf("%s %d - %s\n", tap_current_failed ? "not ok" : "ok", \
		       tap_count, #name);				\
		fflush(stdout);						\
	} while (0)

/* RUN(name) if cond holds, else a TAP skip saying why. */
#define RUN_IF(cond, name, why)						\
	do {								\
		if (cond) {						\
			RUN(name);					\
		} else {						\
			printf("ok %d - %s # SKIP %s\n", ++tap_count,	\
			       #name, why);				\
			fflush(stdout);					\
		}							\
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
