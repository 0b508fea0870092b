// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/run.h"

#include <errno.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

struct lkdb_error *lkdb_run(char *const argv[], int out_fd)
{
	const char *last = argv[0];
	for (char *const *a = argv; *a; a++)
		last = *a;
	posix_spawn_file_actions_t fa;
	if (posix_spawn_file_actions_init(&fa))
		return &lkdb_error_oom;
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return lkdb_error_errno(rc, "cannot run %s", argv[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return lkdb_error_errno(errno, "waiting for %s",
						argv[0]);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return lkdb_error_create(LKDB_ERROR_OS,
					 "%s %s failed (status 0x%x)", argv[0],
					 last, status);
	return NULL;
}
