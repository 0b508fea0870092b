// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/target/guest_ram_live.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/tempfiles.h"
#include "frontend/target/gdb_target.h"
#include "kernel-helpers/memory/guestram.h"
#include "kernel-helpers/core/vmlinux.h"

#define MONITOR_TIMEOUT_MS 10000
#define MAX_BACKENDS 16
/* x86_64: the kernel image's virtual base (__START_KERNEL_map). */
#define START_KERNEL_MAP 0xffffffff80000000ull

/* What QEMU's monitor prints for CMD; NOT_FOUND when the stub has none. */
static struct lkdb_error *monitor(const struct guest_ram_live *s, const char *cmd,
				  char **text_ret)
{
	size_t size = strlen(cmd) + sizeof("monitor ");
	char *line = malloc(size);
	if (!line)
		return &lkdb_error_oom;
	snprintf(line, size, "monitor %s", cmd);
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_console(
		s->gdb, GDB_CALL_QUIET | GDB_CALL_CAPTURE_TARGET,
		MONITOR_TIMEOUT_MS, line, &r);
	if (err) {
		free(line);
		return err;
	}
	if (r.record->result_class != MI_CLASS_DONE) {
		const char *msg = gdb_result_error_message(r.record);
		err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					"the gdb stub has no QEMU monitor (%s: %s)",
					line, msg ? msg : "error");
		free(line);
		gdb_call_result_deinit(&r);
		return err;
	}
	free(line);
	*text_ret = r.console;
	r.console = NULL;
	gdb_call_result_deinit(&r);
	return NULL;
}

/*
 * A memfd backend has no path: lkdb qemu's QEMU is lkdb's child, whose
 * descriptors it may open through /proc.  Matched by name and size.
 */
static int open_memfd(int pid, uint64_t size, char *name, size_t name_size)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int fd = -1;
	struct dirent *e;
	while (fd < 0 && (e = readdir(d))) {
		char path[320], target[256];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, "/memfd:memory-backend-memfd", 27))
			continue;
		int candidate = open(path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (candidate >= 0 && !fstat(candidate, &st) &&
		    (uint64_t)st.st_size == size) {
			fd = candidate;
			snprintf(name, name_size, "QEMU's memfd (%.200s)", path);
		} else if (candidate >= 0) {
			close(candidate);
		}
	}
	closedir(d);
	return fd;
}

/* The backend's file, opened; NOT_FOUND when lkdb cannot reach it. */
static struct lkdb_error *open_backend(const struct guest_ram_live *s,
				       const struct guest_ram_backend *b,
				       int *fd_ret, char *name,
				       size_t name_size)
{
	char cmd[160], *text = NULL;
	snprintf(cmd, sizeof(cmd), "qom-get /objects/%.63s mem-path", b->id);
	struct lkdb_error *err = monitor(s, cmd, &text);
	if (err)
		return err;
	char *path = guest_ram_parse_qom_string(text);
	free(text);
	if (path) {
		snprintf(name, name_size, "%s", path);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			err = lkdb_error_errno(errno,
					       "cannot open the guest's RAM file %s",
					       path);
		free(path);
		*fd_ret = fd;
		return err;
	}
	int fd = s->qemu_pid > 0 ?
		 open_memfd(s->qemu_pid, b->size, name, name_size) :
		 -1;
	if (fd < 0)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "QEMU's memory backend %s has no file lkdb can open",
					 b->id);
	*fd_ret = fd;
	return NULL;
}

static struct lkdb_error *symbol_at(const struct guest_ram_live *s, const char *name,
				    uint64_t *addr_ret)
{
	struct lkdb_error *err = vmlinux_symbol(s->kernel->vmlinux, name, addr_ret,
						NULL);
	if (!err)
		*addr_ret += s->kernel->kaslr_offset;
	return err;
}

/*
 * The kernel's own page tables (init_top_pgt, what swapper_pg_dir names on
 * x86_64) hold every kernel mapping; a task's CR3 may be PTI's user copy.
 * Its physical address: __pa_symbol(), i.e. minus __START_KERNEL_map plus
 * phys_base (where the image was put in physical memory).
 */
static struct lkdb_error *set_paging(const struct guest_ram_live *s,
				     struct guest_ram *g, uint64_t top,
				     uint64_t phys_base_addr,
				     uint64_t *phys_base_ret, uint64_t *root_ret)
{
	struct kernel_memory_reader gdb;
	gdb_target_memory_reader(s->gdb, &gdb);
	uint64_t phys_base;
	struct lkdb_error *err = gdb.read(gdb.context, phys_base_addr,
					  &phys_base, sizeof(phys_base));
	if (err)
		return err;
	/*
	 * 5-level paging is chosen at boot (CONFIG_X86_5LEVEL and a CPU with
	 * LA57); the kernel records the choice in __pgtable_l5_enabled.
	 * Kernels without the variable use 4 levels.
	 */
	unsigned levels = 4;
	uint64_t l5_addr;
	uint32_t l5 = 0;
	struct lkdb_error *e = symbol_at(s, "__pgtable_l5_enabled", &l5_addr);
	if (!e)
		e = gdb.read(gdb.context, l5_addr, &l5, sizeof(l5));
	if (!e && l5)
		levels = 5;
	lkdb_error_destroy(e);
	*phys_base_ret = phys_base;
	*root_ret = top - START_KERNEL_MAP + phys_base;
	return guest_ram_set_paging(g, *root_ret, levels);
}

#define PAGE 4096

/*
 * Is this the guest's RAM?  The kernel's top page table (init_top_pgt),
 * read from the file at its physical address, must be what gdb reads at
 * its virtual one: a page table names physical pages all over RAM, no
 * other file holds the same.  Then the page walk must give linux_banner
 * and phys_base as gdb reads them.  Early in boot (lkdb qemu attaches as
 * soon as the banner is readable) the kernel still runs on early_top_pgt
 * and init_top_pgt is empty or half built: not ready, no error; lkdb
 * checks again at a later stop.
 */
struct lkdb_error *guest_ram_live_check(const struct guest_ram_live *s,
					struct guest_ram *g, bool *ready_ret)
{
	*ready_ret = false;
	struct kernel_memory_reader gdb;
	gdb_target_memory_reader(s->gdb, &gdb);
	uint64_t top, phys_base_addr, phys_base, banner_addr, root;
	struct lkdb_error *err = symbol_at(s, "init_top_pgt", &top);
	if (!err)
		err = symbol_at(s, "phys_base", &phys_base_addr);
	if (!err)
		err = symbol_at(s, "linux_banner", &banner_addr);
	if (!err)
		err = set_paging(s, g, top, phys_base_addr, &phys_base, &root);
	if (err)
		return err;
	const char *banner = vmlinux_banner(s->kernel->vmlinux);
	size_t len = strlen(banner);
	uint64_t *via_gdb = malloc(PAGE), *via_file = malloc(PAGE);
	char *seen = malloc(len + 1);
	if (!via_gdb || !via_file || !seen) {
		err = &lkdb_error_oom;
		goto out;
	}
	err = gdb.read(gdb.context, top, via_gdb, PAGE);
	if (err)
		goto out;
	bool populated = false;
	for (size_t i = PAGE / 16; i < PAGE / 8; i++)
		populated |= via_gdb[i] != 0;
	if (!populated)
		goto out;
	err = guest_ram_read_phys(g, root, via_file, PAGE);
	if (err || memcmp(via_file, via_gdb, PAGE)) {
		struct lkdb_error *why = lkdb_error_create(
			LKDB_ERROR_MISMATCH,
			"it does not hold the memory gdb reads (init_top_pgt differs%s%s)",
			err ? ": " : "", err ? err->message : "");
		lkdb_error_destroy(err);
		err = why;
		goto out;
	}
	/* The guest's RAM: whatever fails now is the tables being built. */
	uint64_t direct_phys_base = 0;
	struct lkdb_error *e = guest_ram_read(g, banner_addr, seen, len);
	if (!e)
		e = guest_ram_read(g, phys_base_addr, &direct_phys_base,
				   sizeof(direct_phys_base));
	*ready_ret = !e && !memcmp(seen, banner, len) &&
		     direct_phys_base == phys_base;
	lkdb_error_destroy(e);
out:
	free(via_gdb);
	free(via_file);
	free(seen);
	return err;
}

/*
 * A RAM no file shares, copied a piece at a time by QEMU's own monitor:
 * `pmemsave ADDR SIZE "FILE"` writes guest physical memory into FILE, a
 * file of lkdb's (in /dev/shm) that QEMU can write when it runs on this
 * host as this user (or root).  One monitor round trip a 128 KiB piece,
 * where gdb's reads take one a few bytes.
 */
struct pmemsave {
	struct guest_ram_live live;
	const char *path;	/* lkdb's temporary file, which QEMU writes */
	int fd;			/* it, to empty and read */
};

static void pmemsave_release(void *context)
{
	struct pmemsave *p = context;
	close(p->fd);
	free(p);
}

/* The first line of text, without its end. */
static void first_line(const char *text, char *line, size_t size)
{
	snprintf(line, size, "%.*s", (int)strcspn(text, "\r\n"), text);
}

static struct lkdb_error *pmemsave_copy(void *context, uint64_t paddr,
					void *buf, size_t len)
{
	struct pmemsave *p = context;
	if (ftruncate(p->fd, 0))
		return lkdb_error_errno(errno, "%s", p->path);
	size_t size = strlen(p->path) + 64;
	char *cmd = malloc(size);
	if (!cmd)
		return &lkdb_error_oom;
	snprintf(cmd, size, "pmemsave 0x%" PRIx64 " %zu \"%s\"", paddr, len,
		 p->path);
	char *text = NULL;
	struct lkdb_error *err = monitor(&p->live, cmd, &text);
	free(cmd);
	if (err)
		return err;
	/* QEMU says nothing when it wrote the file, else why not. */
	char why[160];
	first_line(text ? text : "", why, sizeof(why));
	free(text);
	size_t got = 0;
	while (!why[0] && got < len) {
		ssize_t n = pread(p->fd, (char *)buf + got, len - got,
				  (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == len)
		return NULL;
	return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
				 "QEMU's pmemsave did not write %zu bytes of physical 0x%" PRIx64 " into %s (%s)",
				 len, paddr, p->path,
				 why[0] ? why :
				 "QEMU runs on another host, or in another mount namespace");
}

static int range_start_cmp(const void *a, const void *b)
{
	const struct guest_ram_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * The RAM of the backends no file shares, copied through pmemsave.
 * NOT_FOUND when QEMU cannot write lkdb's file (another host, another
 * user): reads stay with gdb.
 */
static struct lkdb_error *open_copied(const struct guest_ram_live *s,
				      const struct guest_ram_backend *backends,
				      size_t n, const char *mtree,
				      struct guest_ram **ret)
{
	struct guest_ram_range *all = NULL;
	size_t nr_all = 0;
	char ids[128] = "";
	struct lkdb_error *err = NULL;
	for (size_t i = 0; i < n && !err; i++) {
		if (backends[i].share)
			continue;
		struct guest_ram_range *ranges = NULL, *grown;
		size_t nr = 0;
		struct lkdb_error *e = guest_ram_parse_mtree(mtree, backends[i].id,
							     &ranges, &nr);
		if (e) {
			lkdb_error_destroy(e);
			continue;
		}
		grown = realloc(all, (nr_all + nr) * sizeof(*all));
		if (!grown) {
			err = &lkdb_error_oom;
		} else {
			all = grown;
			memcpy(all + nr_all, ranges, nr * sizeof(*all));
			nr_all += nr;
			size_t used = strlen(ids);
			snprintf(ids + used, sizeof(ids) - used, "%s%.63s",
				 used ? ", " : "", backends[i].id);
		}
		free(ranges);
	}
	if (!err && !nr_all)
		err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					"QEMU's memory map has none of its memory backends");
	if (err) {
		free(all);
		return err;
	}
	qsort(all, nr_all, sizeof(*all), range_start_cmp);
	struct pmemsave *p = calloc(1, sizeof(*p));
	int fd = -1;
	const char *path = NULL;
	if (!p) {
		free(all);
		return &lkdb_error_oom;
	}
	static unsigned opened;
	char file[64];
	snprintf(file, sizeof(file), "guest-ram-%u.bin", opened++);
	/* In memory: QEMU writes it at ~1 GB/s there, ~0.5 GB/s to a disk's cache. */
	err = lkdb_memory_temp_file(file, &fd, &path);
	if (!err && strpbrk(path, "\"\\"))
		err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					"%s: a quote or backslash in the path, which the monitor cannot take",
					path);
	if (fd >= 0)
		close(fd);
	if (!err && (p->fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		err = lkdb_error_errno(errno, "%s", path);
	if (err) {
		free(all);
		free(p);
		return err;
	}
	p->live = *s;
	p->path = path;
	char name[256];
	snprintf(name, sizeof(name),
		 "copies of QEMU's RAM (%s) made by its monitor's pmemsave",
		 ids);
	struct guest_ram_copier copier = { .copy = pmemsave_copy,
					   .release = pmemsave_release,
					   .context = p };
	uint64_t first = all[0].start;
	err = guest_ram_open_copied(name, all, nr_all, &copier, ret);
	free(all);
	if (err)
		return err;
	/* Can QEMU write the file?  The first page of RAM tells. */
	unsigned char page[PAGE];
	err = guest_ram_read_phys(*ret, first, page, sizeof(page));
	if (err) {
		guest_ram_destroy(*ret);
		*ret = NULL;
	}
	return err;
}

struct lkdb_error *guest_ram_live_open(const struct guest_ram_live *s,
				       struct guest_ram **ret, bool *ready_ret)
{
	char *text = NULL;
	struct lkdb_error *err = monitor(s, "info memdev", &text);
	if (err)
		return err;
	struct guest_ram_backend backends[MAX_BACKENDS];
	size_t n;
	guest_ram_parse_memdev(text, backends, MAX_BACKENDS, &n);
	free(text);
	if (n > MAX_BACKENDS)
		n = MAX_BACKENDS;
	char *mtree = NULL;
	struct lkdb_error *last = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!backends[i].share)
			continue;
		if (!mtree) {
			err = monitor(s, "info mtree -f", &mtree);
			if (err)
				break;
		}
		int fd = -1;
		char name[256];
		err = open_backend(s, &backends[i], &fd, name, sizeof(name));
		struct guest_ram_range *ranges = NULL;
		size_t nr = 0;
		if (!err) {
			err = guest_ram_parse_mtree(mtree, backends[i].id,
						    &ranges, &nr);
			if (err)
				close(fd);
		}
		struct guest_ram *g = NULL;
		if (!err)
			err = guest_ram_open(fd, name, ranges, nr, &g);
		free(ranges);
		bool ready = false;
		if (!err) {
			err = guest_ram_live_check(s, g, &ready);
			if (err) {
				err = lkdb_error_prefix(err, "%s", name);
				guest_ram_destroy(g);
			}
		}
		if (!err) {
			free(mtree);
			lkdb_error_destroy(last);
			*ret = g;
			*ready_ret = ready;
			return NULL;
		}
		/* Keep the most telling reason: a file that failed a check. */
		if (!last || last->code == LKDB_ERROR_NOT_FOUND) {
			lkdb_error_destroy(last);
			last = err;
		} else {
			lkdb_error_destroy(err);
		}
		err = NULL;
	}
	/* A shared file that failed its check is the answer: say so. */
	if (err || (last && last->code != LKDB_ERROR_NOT_FOUND)) {
		free(mtree);
		if (err) {
			lkdb_error_destroy(last);
			return err;
		}
		return last;
	}
	lkdb_error_destroy(last);
	/* No RAM file: copies through the monitor. */
	if (!mtree && (err = monitor(s, "info mtree -f", &mtree)))
		return err;
	struct guest_ram *g = NULL;
	err = open_copied(s, backends, n, mtree, &g);
	free(mtree);
	bool ready = false;
	if (!err) {
		err = guest_ram_live_check(s, g, &ready);
		if (err) {
			err = lkdb_error_prefix(err, "%s", guest_ram_name(g));
			guest_ram_destroy(g);
		}
	}
	if (err)
		return err;
	*ret = g;
	*ready_ret = ready;
	return NULL;
}
