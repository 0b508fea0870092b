// SPDX-License-Identifier: GPL-2.0-or-later
/* The program test_gdb_driver debugs: returns at once, or spins forever. */
volatile unsigned long counter;

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		for (;;)
			counter++;
	}
	return 0;
}
