// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/tempfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char *temp_dir;
static char **temp_files;
static size_t nr_temp_files;

static void remove_temp_files(void)
{
	for (size_t i = 0; i < nr_temp_files; i++) {
		unlink(temp_files[i]);
		free(temp_files[i]);
	}
	free(temp_files);
	temp_files = NULL;
	nr_temp_files = 0;
	if (temp_dir) {
		rmdir(temp_dir);
		free(temp_dir);
		temp_dir = NULL;
	}
}

struct lkdb_error *lkdb_temp_file(const char *name, int *fd_ret,
				  const char **path_ret)
{
	if (!temp_dir) {
		const char *tmp = getenv("TMPDIR");
		char *templ;
		if (asprintf(&templ, "%s/lkdb.XXXXXX",
			     tmp && *tmp ? tmp : "/tmp") < 0)
			return &lkdb_error_oom;
		if (!mkdtemp(templ)) {
			struct lkdb_error *err = lkdb_error_errno(errno,
				"cannot create a temporary directory %s", templ);
			free(templ);
			return err;
		}
		temp_dir = templ;
		atexit(remove_temp_files);
	}
	char **grown = realloc(temp_files, (nr_temp_files + 1) * sizeof(*grown));
	if (!grown)
		return &lkdb_error_oom;
	temp_files = grown;
	char *path;
	if (asprintf(&path, "%s/%s", temp_dir, name) < 0)
		return &lkdb_error_oom;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		struct lkdb_error *err = lkdb_error_errno(errno, "cannot create %s",
							  path);
		free(path);
		return err;
	}
	temp_files[nr_temp_files++] = path;
	*fd_ret = fd;
	*path_ret = path;
	return NULL;
}
