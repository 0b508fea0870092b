/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The monotonic clock, for timeouts and --timing/--stats figures. */
#ifndef LKDB_CLOCK_H
#define LKDB_CLOCK_H

#include <time.h>

static inline double lkdb_now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline long lkdb_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

#endif
