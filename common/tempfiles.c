// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/tempfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* lkdb's directories: under $TMPDIR, and under /dev/shm (memory). */
static char *temp_dirs[2];
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
	for (size_t i = 0; i < 2; i++) {
		if (temp_dirs[i])
			rmdir(temp_dirs[i]);
		free(temp_dirs[i]);
		temp_dirs[i] = NULL;
	}
}

/* *dir, made under base on first use. */
static struct lkdb_error *make_dir(char **dir, const char *base)
{
	static bool registered;
	if (*dir)
		return NULL;
	char *templ;
	if (asprintf(&templ, "%s/lkdb.XXXXXX", base) < 0)
		return &lkdb_error_oom;
	if (!mkdtemp(templ)) {
		struct lkdb_error *err = lkdb_error_errno(errno,
			"cannot create a temporary directory %s", templ);
		free(templ);
		return err;
	}
	*dir = templ;
	if (!registered) {
		registered = true;
		atexit(remove_temp_files);
	}
	return NULL;
}

static struct lkdb_error *create_in(const char *dir, const char *name,
				    int *fd_ret, const char **path_ret)
{
	char **grown = realloc(temp_files, (nr_temp_files + 1) * sizeof(*grown));
	if (!grown)
		return &lkdb_error_oom;
	temp_files = grown;
	char *path;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
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

struct lkdb_error *lkdb_temp_file(const char *name, int *fd_ret,
				  const char **path_ret)
{
	const char *tmp = getenv("TMPDIR");
	struct lkdb_error *err = make_dir(&temp_dirs[0],
					  tmp && *tmp ? tmp : "/tmp");
	if (err)
		return err;
	return create_in(temp_dirs[0], name, fd_ret, path_ret);
}

struct lkdb_error *lkdb_memory_temp_file(const char *name, int *fd_ret,
					 const char **path_ret)
{
	struct lkdb_error *err = make_dir(&temp_dirs[1], "/dev/shm");
	if (!err)
		return create_in(temp_dirs[1], name, fd_ret, path_ret);
	lkdb_error_destroy(err);
	return lkdb_temp_file(name, fd_ret, path_ret);
}
