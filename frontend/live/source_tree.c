// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/live/source_tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/run.h"
#include "common/xdg.h"
#include "kernel-helpers/core/vmlinux.h"

/* Debian's linux-source packages put their tarball here. */
#define SOURCE_TARBALL_DIR "/usr/src"
/* How many leading directories of a DWARF name may be dropped. */
#define SOURCE_PREFIX_DROPS 8

FILE *source_tree_open(const char *dir, const char *file, char **path_ret)
{
	*path_ret = NULL;
	/* Relative names only under dir: not whatever tree lkdb runs in. */
	FILE *f = file[0] == '/' ? fopen(file, "r") : NULL;
	if (f) {
		*path_ret = strdup(file);
		return f;
	}
	const char *rest = file;
	while (*rest == '/')
		rest++;
	for (int i = 0; dir && rest && *rest && i <= SOURCE_PREFIX_DROPS; i++) {
		char *path = NULL;
		if (asprintf(&path, "%s/%s", dir, rest) < 0)
			return NULL;
		f = fopen(path, "r");
		if (f) {
			*path_ret = path;
			return f;
		}
		free(path);
		rest = strchr(rest, '/');
		if (rest)
			rest++;
	}
	return NULL;
}

/* "MAJOR.MINOR.SUBLEVEL" of the tree's Makefile into buf; false if unread. */
static bool tree_release(const char *dir, char *buf, size_t size)
{
	char *path = NULL;
	if (asprintf(&path, "%s/Makefile", dir) < 0)
		return false;
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return false;
	unsigned int v[3];
	bool have[3] = { false };
	static const char *const keys[] = { "VERSION = ", "PATCHLEVEL = ",
					    "SUBLEVEL = " };
	char line[128];
	for (int n = 0; n < 16 && fgets(line, sizeof(line), f); n++) {
		for (int k = 0; k < 3; k++) {
			size_t len = strlen(keys[k]);
			if (!strncmp(line, keys[k], len))
				have[k] = sscanf(line + len, "%u", &v[k]) == 1;
		}
	}
	fclose(f);
	if (!have[0] || !have[1] || !have[2])
		return false;
	snprintf(buf, size, "%u.%u.%u", v[0], v[1], v[2]);
	return true;
}

/* What an unpacking left (a tree on failure, an empty directory). */
static void remove_tree(const char *dir)
{
	char *argv[] = { (char *)"rm", (char *)"-rf", (char *)dir, NULL };
	lkdb_error_destroy(lkdb_run(argv, -1));
}

/* Unpack tarball (top directory top) into the cache; the tree's path. */
static char *unpack(struct lkdb_session *s, const char *tarball,
		    const char *top, const struct stat *st)
{
	char *cache = xdg_cache_path("lkdb/source");
	char *final = NULL, *tmp = NULL, *from = NULL;
	if (!cache ||
	    asprintf(&final, "%s/%s-%lld", cache, top, (long long)st->st_mtime) < 0) {
		free(cache);
		return NULL;
	}
	struct stat fst;
	/* Renamed into place only once complete: there is whole. */
	if (!stat(final, &fst) && S_ISDIR(fst.st_mode)) {
		free(cache);
		return final;
	}
	char *mkdir_argv[] = { (char *)"mkdir", (char *)"-p", cache, NULL };
	lkdb_error_destroy(lkdb_run(mkdir_argv, -1));
	if (asprintf(&tmp, "%s/.unpack.XXXXXX", cache) < 0 || !mkdtemp(tmp)) {
		lkdb_note(s, "report: no source lines: cannot make a directory in %s: %s",
			  cache, strerror(errno));
		goto fail;
	}
	lkdb_note(s, "report: unpacking %s into %s for source lines (once; about a minute)",
		  tarball, final);
	char *argv[] = { (char *)"tar", (char *)"-C", tmp, (char *)"-xJf",
			 (char *)tarball, NULL };
	struct lkdb_error *err = lkdb_run(argv, -1);
	if (err) {
		lkdb_note(s, "report: no source lines: %s", err->message);
		lkdb_error_destroy(err);
		goto fail;
	}
	if (asprintf(&from, "%s/%s", tmp, top) < 0)
		goto fail;
	if (rename(from, final)) {
		int e = errno;
		/* Another session unpacked it meanwhile: theirs serves. */
		if (!stat(final, &fst) && S_ISDIR(fst.st_mode))
			goto done;
		lkdb_note(s, "report: no source lines: %s to %s: %s", from,
			  final, strerror(e));
		goto fail;
	}
done:
	remove_tree(tmp);
	free(tmp);
	free(from);
	free(cache);
	return final;
fail:
	if (tmp)
		remove_tree(tmp);
	free(tmp);
	free(from);
	free(cache);
	free(final);
	return NULL;
}

const char *source_tree_dir(struct lkdb_session *s)
{
	if (s->source_looked)
		return s->source_tree;
	s->source_looked = true;
	char *dir = NULL;
	const char *release = vmlinux_release(s->kernel.vmlinux);
	if (s->options->source_dir) {
		dir = strdup(s->options->source_dir);
	} else {
		unsigned int major, minor;
		if (!release || sscanf(release, "%u.%u", &major, &minor) != 2) {
			lkdb_note(s, "report: no source lines: the kernel's release is not known (--source DIR gives the tree)");
			return NULL;
		}
		char top[64], *tarball = NULL;
		snprintf(top, sizeof(top), "linux-source-%u.%u", major, minor);
		struct stat st;
		if (asprintf(&tarball, "%s/%s.tar.xz", SOURCE_TARBALL_DIR, top) < 0)
			return NULL;
		if (stat(tarball, &st)) {
			lkdb_note(s, "report: no source lines: no --source DIR, and no %s (apt-get install %s)",
				  tarball, top);
			free(tarball);
			return NULL;
		}
		dir = unpack(s, tarball, top, &st);
		free(tarball);
		if (!dir)
			return NULL;
	}
	/* Banner: "Linux version 6.1.0-57-amd64 (...) ... Debian 6.1.192-3 ..." */
	char tree[48];
	const char *banner = vmlinux_banner(s->kernel.vmlinux);
	if (banner && tree_release(dir, tree, sizeof(tree))) {
		size_t len = strlen(tree);
		bool found = false;
		for (const char *p = strstr(banner, tree); p; p = strstr(p + 1, tree)) {
			char after = p[len];
			if (after < '0' || after > '9') {
				found = true;
				break;
			}
		}
		if (!found)
			lkdb_note(s, "report: the source tree %s is Linux %s, which the kernel's banner does not name: its lines may be off",
				  dir, tree);
	}
	s->source_tree = dir;
	return dir;
}
