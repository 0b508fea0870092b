// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The program test_gdb_driver debugs: returns at once; with "spin" spins
 * for ever; with "deaf" spins with SIGINT blocked, so that gdb's
 * interrupt never stops it (a target that does not stop when asked).
 */
#include <signal.h>
#include <string.h>

volatile unsigned long counter;

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "deaf")) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	if (argc > 1) {
		for (;;)
			counter++;
	}
	return 0;
}
