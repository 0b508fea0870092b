// SPDX-License-Identifier: GPL-2.0-or-later
#include "modfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ---- the search path ---- */

void modfiles_path_deinit(struct modfiles_path *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->dirs[i]);
	free(p->dirs);
	p->dirs = NULL;
	p->n = 0;
}

struct lkdb_error *modfiles_path_add(struct modfiles_path *p, const char *dir,
				     bool *added_ret)
{
	struct stat st;
	if (added_ret)
		*added_ret = false;
	char *real = realpath(dir, NULL);
	if (!real)
		return NULL;
	if (stat(real, &st) || !S_ISDIR(st.st_mode)) {
		free(real);
		return NULL;
	}
	for (size_t i = 0; i < p->n; i++) {
		if (!strcmp(p->dirs[i], real)) {
			free(real);
			return NULL;
		}
	}
	char **grown = realloc(p->dirs, (p->n + 1) * sizeof(*grown));
	if (!grown) {
		free(real);
		return &lkdb_error_oom;
	}
	p->dirs = grown;
	p->dirs[p->n++] = real;
	if (added_ret)
		*added_ret = true;
	return NULL;
}

static bool add_dir(struct modfiles_path *p, const char *dir)
{
	return !modfiles_path_add(p, dir, NULL);
}

static bool add_dirf(struct modfiles_path *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool add_dirf(struct modfiles_path *p, const char *fmt, ...)
{
	va_list ap;
	char *dir;
	va_start(ap, fmt);
	int n = vasprintf(&dir, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	bool ok = add_dir(p, dir);
	free(dir);
	return ok;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

struct lkdb_error *modfiles_default_path(struct modfiles_path *p,
					 const char *vmlinux_path,
					 const char *rel)
{
	bool ok = true;
	const char *env = getenv("LKDB_MODULE_PATH");
	if (env && *env) {
		char *copy = strdup(env), *save = NULL;
		if (!copy)
			return &lkdb_error_oom;
		for (char *d = strtok_r(copy, ":", &save); d && ok;
		     d = strtok_r(NULL, ":", &save))
			ok = add_dir(p, d);
		free(copy);
	}
	char *dir = vmlinux_path ? realpath(vmlinux_path, NULL) : NULL;
	if (dir) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		char *order;
		if (ok && asprintf(&order, "%s/modules.order", dir) >= 0) {
			if (access(order, R_OK) == 0)
				ok = add_dir(p, dir);
			free(order);
		}
		const char *tails[] = { "/usr/lib/debug/boot", "/boot" };
		for (size_t i = 0; i < 2 && ok && rel; i++) {
			if (!ends_with(dir, tails[i]))
				continue;
			dir[strlen(dir) - strlen(tails[i])] = '\0';
			ok = add_dirf(p, "%s/usr/lib/debug/lib/modules/%s", dir,
				      rel) &&
			     add_dirf(p, "%s/lib/modules/%s", dir, rel);
			break;
		}
		free(dir);
	}
	if (ok && rel)
		ok = add_dirf(p, "/usr/lib/debug/lib/modules/%s", rel) &&
		     add_dirf(p, "/lib/modules/%s", rel);
	return ok ? NULL : &lkdb_error_oom;
}

/* ---- finding object files ---- */

static const char *const suffixes[] = {
	/* best first */
	".ko.debug", ".ko", ".ko.zst", ".ko.xz", ".ko.gz",
};
#define NR_SUFFIXES (sizeof(suffixes) / sizeof(suffixes[0]))

/* The suffix index of a module file name, or -1; *stem_len its name. */
static int module_file_suffix(const char *base, size_t *stem_len)
{
	for (size_t i = 0; i < NR_SUFFIXES; i++) {
		if (ends_with(base, suffixes[i])) {
			*stem_len = strlen(base) - strlen(suffixes[i]);
			return *stem_len ? (int)i : -1;
		}
	}
	return -1;
}

static bool stem_matches(const char *stem, size_t len, const char *name)
{
	for (size_t i = 0; i < len; i++, name++) {
		char x = stem[i] == '-' ? '_' : stem[i];
		char y = *name == '-' ? '_' : *name;
		if (!y || x != y)
			return false;
	}
	return !*name;
}

/* One walk of a directory tree finds files for all wanted modules. */
struct finder {
	const char *const *wanted;
	size_t n;
	char **found;		/* per wanted module, in this directory */
	int *rank;		/* suffix index of found */
	bool oom;
};
/* nftw() has no context argument. */
static struct finder *current_finder;

static int find_visit(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	struct finder *f = current_finder;
	if (type != FTW_F)
		return 0;
	size_t len;
	int rank = module_file_suffix(path + ftw->base, &len);
	if (rank < 0)
		return 0;
	for (size_t i = 0; i < f->n; i++) {
		if (f->found[i] && f->rank[i] <= rank)
			continue;
		if (!stem_matches(path + ftw->base, len, f->wanted[i]))
			continue;
		char *copy = strdup(path);
		if (!copy) {
			f->oom = true;
			return 1;
		}
		free(f->found[i]);
		f->found[i] = copy;
		f->rank[i] = rank;
	}
	return 0;
}

struct lkdb_error *modfiles_find(const struct modfiles_path *path,
				 const char *const *names, size_t n,
				 char **files_ret)
{
	struct finder f = { names, n, NULL, NULL, false };
	f.found = calloc(n ? n : 1, sizeof(*f.found));
	f.rank = calloc(n ? n : 1, sizeof(*f.rank));
	if (!f.found || !f.rank) {
		free(f.found);
		free(f.rank);
		return &lkdb_error_oom;
	}
	for (size_t d = 0; d < path->n && !f.oom; d++) {
		size_t missing = 0;
		for (size_t i = 0; i < n; i++)
			missing += !files_ret[i];
		if (!missing)
			break;
		current_finder = &f;
		nftw(path->dirs[d], find_visit, 32, FTW_PHYS);
		current_finder = NULL;
		for (size_t i = 0; i < n; i++) {
			if (!files_ret[i])
				files_ret[i] = f.found[i];
			else
				free(f.found[i]);
			f.found[i] = NULL;
		}
	}
	free(f.found);
	free(f.rank);
	return f.oom ? &lkdb_error_oom : NULL;
}

/* ---- decompression ---- */

bool modfiles_compressed(const char *file)
{
	return ends_with(file, ".zst") || ends_with(file, ".xz") ||
	       ends_with(file, ".gz");
}

/* Decompressed copies, removed when the process exits. */
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

/* Run argv with stdout to out_fd; error naming what failed. */
static struct lkdb_error *run_to_fd(char *const argv[], int out_fd)
{
	posix_spawn_file_actions_t fa;
	if (posix_spawn_file_actions_init(&fa))
		return &lkdb_error_oom;
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
					 argv[2], status);
	return NULL;
}

struct lkdb_error *modfiles_decompress(const char *file, const char *name,
				       const char **ret)
{
	const char *tool = ends_with(file, ".zst") ? "zstd" :
			   ends_with(file, ".xz") ? "xz" : "gzip";
	if (!temp_dir) {
		const char *tmp = getenv("TMPDIR");
		char *templ;
		if (asprintf(&templ, "%s/lkdb-mod.XXXXXX",
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
	char *out;
	if (asprintf(&out, "%s/%s.%zu.ko", temp_dir, name, nr_temp_files) < 0)
		return &lkdb_error_oom;
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		struct lkdb_error *err = lkdb_error_errno(errno, "cannot create %s",
							  out);
		free(out);
		return err;
	}
	temp_files[nr_temp_files++] = out;
	char *argv[] = { (char *)tool, (char *)"-dc", (char *)file, NULL };
	struct lkdb_error *err = run_to_fd(argv, fd);
	close(fd);
	if (err)
		return lkdb_error_prefix(err, "decompressing %s", file);
	*ret = out;
	return NULL;
}
