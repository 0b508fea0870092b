// SPDX-License-Identifier: GPL-2.0-or-later
/* source_tree_open: a DWARF file name found in a source tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/live/source_tree.h"
#include "tap.h"

static char root[64];

static void make_file(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static bool opens(const char *dir, const char *file, const char *want)
{
	char *path = NULL;
	FILE *f = source_tree_open(dir, file, &path);
	bool ok = f && path && !strcmp(path, want);
	if (f)
		fclose(f);
	if (!ok)
		printf("#   %s under %s: %s, want %s\n", file, dir ? dir : "-",
		       path ? path : "none", want ? want : "none");
	free(path);
	return ok;
}

TEST(a_debian_dwarf_name_is_found_with_its_build_prefix_dropped)
{
	char want[256];
	snprintf(want, sizeof(want), "%s/kernel/panic.c", root);
	CHECK(opens(root, "debian/build/build_amd64_none_amd64/kernel/panic.c", want));
	CHECK(opens(root, "kernel/panic.c", want));
	/* An absolute name of another machine: its tail under the tree. */
	CHECK(opens(root, "/build/linux-6.1/kernel/panic.c", want));
}

TEST(an_existing_absolute_name_opens_as_it_is)
{
	char want[256];
	snprintf(want, sizeof(want), "%s/kernel/panic.c", root);
	CHECK(opens(NULL, want, want));
	CHECK(opens("/nonexistent", want, want));
}

TEST(a_file_the_tree_lacks_is_none)
{
	char *path = (char *)"x";
	CHECK(!source_tree_open(root, "debian/build/b/kernel/nothere.c", &path));
	CHECK(path == NULL);
	CHECK(!source_tree_open(NULL, "kernel/panic.c", &path));
	/* A relative name is never opened from the working directory. */
	CHECK(chdir(root) == 0);
	CHECK(!source_tree_open(NULL, "kernel/panic.c", &path));
	CHECK(!source_tree_open("/nonexistent", "kernel/panic.c", &path));
	CHECK(chdir("/") == 0);
	/* Only so many leading directories are dropped. */
	CHECK(!source_tree_open(root, "a/b/c/d/e/f/g/h/i/j/kernel/panic.c", &path));
	CHECK(!source_tree_open(root, "", &path));
}

int main(void)
{
	snprintf(root, sizeof(root), "/tmp/lkdb-source-tree.XXXXXX");
	if (!mkdtemp(root))
		return 1;
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/kernel", root);
	mkdir(dir, 0755);
	make_file("kernel/panic.c", "one\ntwo\n");
	RUN(a_debian_dwarf_name_is_found_with_its_build_prefix_dropped);
	RUN(an_existing_absolute_name_opens_as_it_is);
	RUN(a_file_the_tree_lacks_is_none);
	char path[256];
	snprintf(path, sizeof(path), "%s/kernel/panic.c", root);
	unlink(path);
	rmdir(dir);
	rmdir(root);
	return tap_done();
}
