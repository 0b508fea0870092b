// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lkdb-dump-server VMCORE: serves the GDB remote protocol on stdin/stdout
 * over a vmcore, for gdb's "target remote | lkdb-dump-server VMCORE".
 * Errors go to stderr, one line each; the exit status is 0 after gdb
 * detaches or goes away, 1 on an error, 2 on a usage error.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "kernel-helpers/dumps/dump.h"
#include "server/dump_server.h"

#define PROG "lkdb-dump-server"

static int fail(struct lkdb_error *err)
{
	fprintf(stderr, PROG ": %s\n", err->message);
	lkdb_error_destroy(err);
	return 1;
}

int main(int argc, char **argv)
{
	struct lkdb_dump *dump;
	struct dump_server *server;
	struct lkdb_target target;
	struct lkdb_error *err;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: " PROG " VMCORE\n"
		       "Serves the GDB remote protocol over VMCORE on stdin/stdout:\n"
		       "  gdb -ex 'target remote | " PROG " VMCORE'\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, argc < 2 ? PROG ": missing VMCORE (usage: "
			PROG " VMCORE)\n" : PROG ": too many arguments "
			"(usage: " PROG " VMCORE)\n");
		return 2;
	}
	/* gdb going away must be a write error, not a silent death. */
	signal(SIGPIPE, SIG_IGN);

	err = dump_open(argv[1], &dump);
	if (err)
		return fail(err);
	dump_target(dump, &target);
	err = dump_server_create(&target, &server);
	if (!err) {
		err = dump_server_run(server, 0, 1);
		dump_server_destroy(server);
	}
	dump_destroy(dump);
	return err ? fail(err) : 0;
}
