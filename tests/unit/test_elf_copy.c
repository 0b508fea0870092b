// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The copy of a vmlinux that gdb maps (kernel-helpers/core/elf_copy.h),
 * over the stand-in vmlinux linked with --emit-relocs (so it has
 * .rela.debug_* as an x86_64 KASLR kernel does) and without.
 *   test-elf-copy VMLINUX-WITH-DEBUG-RELOCS VMLINUX-WITHOUT
 */
#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel-helpers/core/elf_copy.h"
#include "kernel-helpers/core/vmlinux.h"
#include "tap.h"

static const char *with_relocs, *without_relocs;
static char dir[] = "/tmp/lkdb-elf-copy-XXXXXX";

static unsigned char *slurp(const char *path, size_t *size_ret)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	unsigned char *buf = malloc(st.st_size ? st.st_size : 1);
	if (buf && pread(fd, buf, st.st_size, 0) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*size_ret = st.st_size;
	return buf;
}

static const Elf64_Shdr *shdr(const unsigned char *f, unsigned int i)
{
	const Elf64_Ehdr *e = (const Elf64_Ehdr *)f;
	return (const Elf64_Shdr *)(f + e->e_shoff) + i;
}

static const char *section_name(const unsigned char *f, unsigned int i)
{
	const Elf64_Ehdr *e = (const Elf64_Ehdr *)f;
	return (const char *)f + shdr(f, e->e_shstrndx)->sh_offset +
	       shdr(f, i)->sh_name;
}

static char *copy_of(const char *path, const char *build_id)
{
	char *copy = NULL;
	struct lkdb_error *err = elf_copy_without_debug_relocs(path, build_id,
							       dir, &copy);
	if (err)
		printf("#   error: %s\n", err->message);
	CHECK(!err);
	lkdb_error_destroy(err);
	return copy;
}

static char *build_id_of(const char *path)
{
	struct vmlinux *vm = NULL;
	struct lkdb_error *err = vmlinux_open(path, &vm);
	lkdb_error_destroy(err);
	char *id = vm && vmlinux_build_id(vm) ? strdup(vmlinux_build_id(vm)) :
						NULL;
	vmlinux_destroy(vm);
	return id;
}

/*
 * The copy has every byte of the original but those of the relocation
 * sections of debug sections, which are SHT_NOBITS; the same build-id.
 */
TEST(copy_drops_only_the_debug_relocations)
{
	char *id = build_id_of(with_relocs);
	CHECK(id != NULL);
	char *copy = id ? copy_of(with_relocs, id) : NULL;
	CHECK(copy != NULL);
	if (!copy) {
		free(id);
		return;
	}
	size_t n_orig, n_copy;
	unsigned char *orig = slurp(with_relocs, &n_orig);
	unsigned char *cp = slurp(copy, &n_copy);
	CHECK(orig && cp && n_orig == n_copy);
	if (orig && cp && n_orig == n_copy) {
		const Elf64_Ehdr *e = (const Elf64_Ehdr *)orig;
		unsigned char *mask = calloc(n_orig, 1);
		unsigned int nr_dropped = 0, nr_debug = 0;
		for (unsigned int i = 0; mask && i < e->e_shnum; i++) {
			const Elf64_Shdr *o = shdr(orig, i), *c = shdr(cp, i);
			const char *name = section_name(orig, i);
			bool drop = (o->sh_type == SHT_RELA ||
				     o->sh_type == SHT_REL) &&
				    !strncmp(name, ".rela.debug_", 12);
			nr_debug += !strncmp(name, ".debug_", 7);
			if (drop) {
				nr_dropped++;
				CHECK(c->sh_type == SHT_NOBITS);
				memset(mask + o->sh_offset, 1, o->sh_size);
			} else {
				/* .rela.text & co. (allocated targets) stay */
				CHECK(c->sh_type == o->sh_type);
			}
			CHECK(c->sh_offset == o->sh_offset &&
			      c->sh_size == o->sh_size);
		}
		printf("#   %u debug sections, %u relocation sections dropped\n",
		       nr_debug, nr_dropped);
		CHECK(nr_debug > 0 && nr_dropped > 0);
		/* Headers aside, every byte outside the dropped ones. */
		size_t shtab = e->e_shoff, shend = shtab +
			(size_t)e->e_shnum * sizeof(Elf64_Shdr);
		size_t differ = 0;
		for (size_t i = 0; mask && i < n_orig; i++) {
			if (!mask[i] && (i < shtab || i >= shend) &&
			    orig[i] != cp[i])
				differ++;
		}
		CHECK(mask && differ == 0);
		free(mask);
		char *copy_id = build_id_of(copy);
		CHECK_STR(copy_id, id);
		free(copy_id);
	}
	free(orig);
	free(cp);
	free(copy);
	free(id);
}

/* Made once: a second session finds it and leaves it as it is. */
TEST(copy_is_reused)
{
	char *id = build_id_of(with_relocs);
	char *a = id ? copy_of(with_relocs, id) : NULL;
	struct stat before, after;
	CHECK(a && !stat(a, &before));
	char *b = id ? copy_of(with_relocs, id) : NULL;
	CHECK(a && b && !strcmp(a, b) && !stat(b, &after));
	CHECK(before.st_ino == after.st_ino &&
	      before.st_size == after.st_size);
	free(a);
	free(b);
	free(id);
}

/* A copy that is not right (damaged, another file) is made again. */
TEST(damaged_copy_is_made_again)
{
	char *id = build_id_of(with_relocs);
	char *a = id ? copy_of(with_relocs, id) : NULL;
	CHECK(a != NULL);
	if (a) {
		int fd = open(a, O_WRONLY | O_TRUNC);
		CHECK(fd >= 0 && write(fd, "junk", 4) == 4);
		close(fd);
	}
	char *b = id ? copy_of(with_relocs, id) : NULL;
	struct stat st_b, st_orig;
	CHECK(b && !stat(b, &st_b) && !stat(with_relocs, &st_orig) &&
	      st_b.st_size == st_orig.st_size);
	char *again = b ? build_id_of(b) : NULL;
	CHECK_STR(again, id);
	free(again);
	free(a);
	free(b);
	free(id);
}

/* Nothing to gain, nothing made: a vmlinux without debug relocations. */
TEST(no_copy_without_debug_relocations)
{
	char *id = build_id_of(without_relocs);
	char *copy = id ? copy_of(without_relocs, id) : NULL;
	CHECK(id && !copy);
	char *path = NULL;
	CHECK(id && asprintf(&path, "%s/%s.vmlinux", dir, id) > 0 &&
	      access(path, F_OK) != 0);
	free(path);
	free(id);
	/* Not ELF at all: no copy, no error. */
	char *none = copy_of("/proc/self/status", "0000");
	CHECK(!none);
}

/* A section table past the end of the file: an error naming the file. */
TEST(bad_section_table_is_an_error)
{
	char *bad = NULL;
	CHECK(asprintf(&bad, "%s/bad.elf", dir) > 0);
	size_t n;
	unsigned char *f = slurp(with_relocs, &n);
	CHECK(f != NULL);
	if (f && bad) {
		Elf64_Ehdr *e = (Elf64_Ehdr *)f;
		e->e_shoff = n + 4096;
		int fd = open(bad, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		CHECK(fd >= 0 && write(fd, f, n) == (ssize_t)n);
		close(fd);
		char *copy = NULL;
		struct lkdb_error *err = elf_copy_without_debug_relocs(
			bad, "feed", dir, &copy);
		CHECK(err && !copy);
		if (err) {
			char want[512];
			snprintf(want, sizeof(want),
				 "%s: bad ELF section header table", bad);
			CHECK_STR(err->message, want);
		}
		lkdb_error_destroy(err);
		unlink(bad);
	}
	free(f);
	free(bad);
}

/* The three most recently used copies stay; older ones go. */
TEST(only_three_copies_are_kept)
{
	char *id = build_id_of(with_relocs);
	char *mine = NULL;
	CHECK(id && asprintf(&mine, "%s/%s.vmlinux", dir, id) > 0);
	if (mine)
		unlink(mine);	/* made again below: the newest */
	const char *old[] = { "a1", "a2", "a3", "a4" };
	for (int i = 0; i < 4; i++) {
		char *p = NULL;
		CHECK(asprintf(&p, "%s/%s.vmlinux", dir, old[i]) > 0);
		int fd = p ? open(p, O_WRONLY | O_CREAT, 0644) : -1;
		CHECK(fd >= 0);
		close(fd);
		/* a4 used most recently, a1 longest ago */
		struct timespec t[2] = { { 1000000 + i * 10, 0 },
					 { 1000000 + i * 10, 0 } };
		CHECK(p && !utimensat(AT_FDCWD, p, t, 0));
		free(p);
	}
	char *copy = id ? copy_of(with_relocs, id) : NULL;
	CHECK(copy && !strcmp(copy, mine));
	for (int i = 0; i < 4; i++) {
		char *p = NULL;
		CHECK(asprintf(&p, "%s/%s.vmlinux", dir, old[i]) > 0);
		bool kept = p && access(p, F_OK) == 0;
		CHECK(kept == (i >= 2));
		if (p)
			unlink(p);
		free(p);
	}
	CHECK(mine && access(mine, F_OK) == 0);
	free(copy);
	free(mine);
	free(id);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s VMLINUX-WITH-DEBUG-RELOCS VMLINUX\n",
			argv[0]);
		return 99;
	}
	with_relocs = argv[1];
	without_relocs = argv[2];
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 99;
	}
	RUN(copy_drops_only_the_debug_relocations);
	RUN(copy_is_reused);
	RUN(damaged_copy_is_made_again);
	RUN(no_copy_without_debug_relocations);
	RUN(bad_section_table_is_an_error);
	RUN(only_three_copies_are_kept);
	char *rm = NULL;
	if (asprintf(&rm, "rm -rf '%s'", dir) > 0 && system(rm) != 0)
		printf("# could not remove %s\n", dir);
	free(rm);
	return tap_done();
}
