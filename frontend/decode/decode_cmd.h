/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef LKDB_DECODE_CMD_H
#define LKDB_DECODE_CMD_H

/*
 * `lkdb decode ...`: argv[0] is "decode".  Runs without gdb or a target;
 * returns the exit status (0 ok, 1 a read/write failure, 2 bad arguments
 * or an unusable vmlinux or module directory).
 */
int lkdb_decode_main(int argc, char **argv);

#endif
