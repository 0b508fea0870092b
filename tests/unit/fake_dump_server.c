// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fake-dump-server [NR_CPUS]: the dump server over the fake target
 * (fake_target.h) on stdin/stdout, for tests with a real gdb.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "server/dump_server.h"
#include "fake_target.h"

static struct fake_target fake;

int main(int argc, char **argv)
{
	struct dump_server *server;
	struct lkdb_target target;
	struct lkdb_error *err;

	signal(SIGPIPE, SIG_IGN);
	fake_target_init(&fake, argc > 1 ? (unsigned int)atoi(argv[1])
					 : FAKE_NR_CPUS, &target);
	err = dump_server_create(&target, &server);
	if (!err) {
		err = dump_server_run(server, 0, 1);
		dump_server_destroy(server);
	}
	if (err) {
		fprintf(stderr, "fake-dump-server: %s\n", err->message);
		lkdb_error_destroy(err);
		return 1;
	}
	return 0;
}
