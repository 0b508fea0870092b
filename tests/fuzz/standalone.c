// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs a libFuzzer target without libFuzzer: every file named on the command
 * line, and every regular file in each directory named, is fed once to
 * LLVMFuzzerTestOneInput().  Lets the corpus run as an ordinary test.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t size = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (size == cap) {
			uint8_t *p;

			cap = cap ? cap * 2 : 4096;
			p = realloc(data, cap);
			if (!p) {
				fprintf(stderr, "%s: out of memory\n", path);
				free(data);
				fclose(f);
				return -1;
			}
			data = p;
		}
		size_t n = fread(data + size, 1, cap - size, f);

		if (!n)
			break;
		size += n;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: read error\n", path);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

/* Returns the number of inputs run, -1 on error. */
static long run_path(const char *path)
{
	struct stat st;
	struct dirent *entry;
	long count = 0;
	DIR *dir;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path) < 0 ? -1 : 1;
	dir = opendir(path);
	if (!dir) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((entry = readdir(dir))) {
		size_t len = strlen(path) + strlen(entry->d_name) + 2;
		char *child;

		if (entry->d_name[0] == '.')
			continue;
		child = malloc(len);
		if (!child) {
			count = -1;
			break;
		}
		snprintf(child, len, "%s/%s", path, entry->d_name);
		if (stat(child, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(child) < 0)
				count = -1;
			else if (count >= 0)
				count++;
		}
		free(child);
	}
	closedir(dir);
	return count;
}

int main(int argc, char **argv)
{
	long total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE-OR-DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		long n = run_path(argv[i]);

		if (n < 0)
			return 1;
		total += n;
	}
	printf("ran %ld inputs\n", total);
	/* An empty corpus means a wrong path, not a pass. */
	return total ? 0 : 1;
}
