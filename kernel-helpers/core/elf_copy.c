// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/core/elf_copy.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fdio.h"

/* Copies kept in the directory, the most recently used first. */
#define KEEP_COPIES 3

struct layout {
	Elf64_Ehdr ehdr;
	Elf64_Shdr *shdrs;
	/* The relocation sections of non-allocated sections. */
	unsigned int *drop;
	size_t nr_drop;
};

static void layout_deinit(struct layout *l)
{
	free(l->shdrs);
	free(l->drop);
}

static bool little_endian_host(void)
{
	const uint16_t one = 1;
	return *(const unsigned char *)&one == 1;
}

/*
 * The ELF header and section headers of fd; l->nr_drop == 0 when the file
 * is not a little-endian ELF64 file or has nothing to drop.
 */
static struct lkdb_error *read_layout(int fd, const char *path, off_t size,
				      struct layout *l)
{
	memset(l, 0, sizeof(*l));
	ssize_t n = pread(fd, &l->ehdr, sizeof(l->ehdr), 0);
	if (n < 0)
		return lkdb_error_errno(errno, "%s", path);
	if (n != sizeof(l->ehdr) || memcmp(l->ehdr.e_ident, ELFMAG, SELFMAG) ||
	    l->ehdr.e_ident[EI_CLASS] != ELFCLASS64 ||
	    l->ehdr.e_ident[EI_DATA] != ELFDATA2LSB || !little_endian_host())
		return NULL;
	const Elf64_Ehdr *e = &l->ehdr;
	if (e->e_shentsize != sizeof(Elf64_Shdr) || !e->e_shnum ||
	    e->e_shoff > (uint64_t)size ||
	    (uint64_t)size - e->e_shoff < (uint64_t)e->e_shnum * sizeof(Elf64_Shdr))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: bad ELF section header table",
					 path);
	size_t bytes = (size_t)e->e_shnum * sizeof(Elf64_Shdr);
	l->shdrs = malloc(bytes);
	l->drop = calloc(e->e_shnum, sizeof(*l->drop));
	if (!l->shdrs || !l->drop)
		return &lkdb_error_oom;
	n = pread(fd, l->shdrs, bytes, (off_t)e->e_shoff);
	if (n != (ssize_t)bytes)
		return n < 0 ? lkdb_error_errno(errno, "%s", path) :
			       lkdb_error_create(LKDB_ERROR_INVALID,
						 "%s: short section header table",
						 path);
	for (unsigned int i = 0; i < e->e_shnum; i++) {
		const Elf64_Shdr *s = &l->shdrs[i];
		if ((s->sh_type != SHT_RELA && s->sh_type != SHT_REL) ||
		    !s->sh_info || s->sh_info >= e->e_shnum ||
		    (l->shdrs[s->sh_info].sh_flags & SHF_ALLOC))
			continue;
		if (s->sh_offset > (uint64_t)size ||
		    (uint64_t)size - s->sh_offset < s->sh_size)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "%s: section %u lies outside the file",
						 path, i);
		l->drop[l->nr_drop++] = i;
	}
	return NULL;
}

/* Whether i is one of the sections the copy leaves out. */
static bool dropped(const struct layout *l, unsigned int i)
{
	for (size_t k = 0; k < l->nr_drop; k++) {
		if (l->drop[k] == i)
			return true;
	}
	return false;
}

/*
 * Whether copy is the copy of the file laid out as l: the same size and
 * section headers, the dropped ones SHT_NOBITS.
 */
static bool copy_is_good(const char *copy, off_t size, const struct layout *l)
{
	int fd = open(copy, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	struct layout c;
	bool good = !fstat(fd, &st) && st.st_size == size;
	if (good) {
		struct lkdb_error *err = read_layout(fd, copy, size, &c);
		good = !err && c.shdrs &&
		       !memcmp(&c.ehdr, &l->ehdr, sizeof(c.ehdr));
		lkdb_error_destroy(err);
		for (unsigned int i = 0; good && i < l->ehdr.e_shnum; i++) {
			Elf64_Shdr want = l->shdrs[i];
			if (dropped(l, i))
				want.sh_type = SHT_NOBITS;
			good = !memcmp(&want, &c.shdrs[i], sizeof(want));
		}
		layout_deinit(&c);
	}
	close(fd);
	return good;
}

/* Copy [from, to) of in to the same place of out. */
static struct lkdb_error *copy_range(int in, int out, off_t from, off_t to,
				     const char *path)
{
	while (from < to) {
		off_t in_off = from, out_off = from;
		ssize_t n = copy_file_range(in, &in_off, out, &out_off,
					    (size_t)(to - from), 0);
		if (n > 0) {
			from += n;
			continue;
		}
		if (n == 0)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "%s: shorter than its sections say",
						 path);
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL &&
		    errno != EOPNOTSUPP)
			return lkdb_error_errno(errno, "copying %s", path);
		/* No copy_file_range between these files: by hand. */
		char buf[1 << 16];
		size_t len = to - from < (off_t)sizeof(buf) ?
				     (size_t)(to - from) : sizeof(buf);
		ssize_t r = pread(in, buf, len, from);
		if (r <= 0)
			return r < 0 ? lkdb_error_errno(errno, "%s", path) :
				       lkdb_error_create(LKDB_ERROR_INVALID,
							 "%s: shorter than its sections say",
							 path);
		if (lkdb_write_all(out, buf, (size_t)r) < 0 ||
		    lseek(out, from + r, SEEK_SET) < 0)
			return lkdb_error_errno(errno, "writing a copy of %s",
						path);
		from += r;
	}
	return NULL;
}

static int by_offset(const void *a, const void *b, void *shdrs)
{
	const Elf64_Shdr *s = shdrs;
	uint64_t x = s[*(const unsigned int *)a].sh_offset;
	uint64_t y = s[*(const unsigned int *)b].sh_offset;
	return x < y ? -1 : x > y;
}

/* Write the copy to fd: every byte but the dropped sections', patched. */
static struct lkdb_error *write_copy(int in, int out, const char *path,
				     off_t size, struct layout *l)
{
	if (ftruncate(out, size))
		return lkdb_error_errno(errno, "writing a copy of %s", path);
	qsort_r(l->drop, l->nr_drop, sizeof(*l->drop), by_offset, l->shdrs);
	off_t at = 0;
	struct lkdb_error *err = NULL;
	for (size_t k = 0; !err && k < l->nr_drop; k++) {
		const Elf64_Shdr *s = &l->shdrs[l->drop[k]];
		if ((off_t)s->sh_offset > at)
			err = copy_range(in, out, at, (off_t)s->sh_offset, path);
		if ((off_t)(s->sh_offset + s->sh_size) > at)
			at = (off_t)(s->sh_offset + s->sh_size);
	}
	if (!err)
		err = copy_range(in, out, at, size, path);
	for (size_t k = 0; !err && k < l->nr_drop; k++) {
		uint32_t type = SHT_NOBITS;
		off_t where = (off_t)(l->ehdr.e_shoff +
				      (uint64_t)l->drop[k] * sizeof(Elf64_Shdr) +
				      offsetof(Elf64_Shdr, sh_type));
		if (pwrite(out, &type, sizeof(type), where) != sizeof(type))
			err = lkdb_error_errno(errno, "writing a copy of %s",
					       path);
	}
	return err;
}

struct cached {
	char *path;
	struct timespec mtime;
};

static int newest_first(const void *a, const void *b)
{
	const struct cached *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec > y->mtime.tv_sec ? -1 : 1;
	return (x->mtime.tv_nsec > y->mtime.tv_nsec) ? -1 :
	       (x->mtime.tv_nsec < y->mtime.tv_nsec);
}

/* Keep the KEEP_COPIES most recently used copies in dir. */
static void evict(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct cached *all = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 9 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 8, ".vmlinux"))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			struct cached *grown = realloc(all, cap * sizeof(*all));
			if (!grown)
				break;
			all = grown;
		}
		struct stat st;
		char *p;
		if (asprintf(&p, "%s/%s", dir, de->d_name) < 0)
			break;
		if (stat(p, &st)) {
			free(p);
			continue;
		}
		all[n++] = (struct cached){ p, st.st_mtim };
	}
	closedir(d);
	qsort(all, n, sizeof(*all), newest_first);
	for (size_t i = 0; i < n; i++) {
		if (i >= KEEP_COPIES)
			unlink(all[i].path);
		free(all[i].path);
	}
	free(all);
}

struct lkdb_error *elf_copy_without_debug_relocs(const char *path,
						 const char *build_id,
						 const char *dir,
						 char **copy_ret)
{
	*copy_ret = NULL;
	int in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return lkdb_error_errno(errno, "%s", path);
	struct stat st;
	struct layout l = { 0 };
	struct lkdb_error *err = NULL;
	char *copy = NULL, *tmp = NULL;
	int out = -1;
	if (fstat(in, &st))
		err = lkdb_error_errno(errno, "%s", path);
	if (!err)
		err = read_layout(in, path, st.st_size, &l);
	if (err || !l.nr_drop)
		goto out;
	if (asprintf(&copy, "%s/%s.vmlinux", dir, build_id) < 0 ||
	    asprintf(&tmp, "%s/.%s.XXXXXX", dir, build_id) < 0) {
		err = &lkdb_error_oom;
		goto out;
	}
	if (copy_is_good(copy, st.st_size, &l)) {
		/* Used now: the last to be evicted. */
		utimensat(AT_FDCWD, copy, NULL, 0);
		goto done;
	}
	out = mkstemp(tmp);
	if (out < 0) {
		err = lkdb_error_errno(errno, "cannot make a file in %s", dir);
		goto out;
	}
	err = write_copy(in, out, path, st.st_size, &l);
	if (!err && fchmod(out, 0644))
		err = lkdb_error_errno(errno, "writing %s", tmp);
	if (close(out) && !err)
		err = lkdb_error_errno(errno, "writing %s", tmp);
	out = -1;
	if (!err && rename(tmp, copy))
		err = lkdb_error_errno(errno, "cannot rename %s to %s", tmp,
				       copy);
	if (err) {
		unlink(tmp);
		goto out;
	}
	evict(dir);
done:
	*copy_ret = copy;
	copy = NULL;
out:
	if (out >= 0) {
		close(out);
		unlink(tmp);
	}
	free(copy);
	free(tmp);
	layout_deinit(&l);
	close(in);
	return err;
}
