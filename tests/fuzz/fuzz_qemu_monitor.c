// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the QEMU monitor text lkdb parses to find a guest's RAM
 * file (kernel-helpers/memory/guestram.c): info memdev, qom-get's string, info
 * mtree -f, and -m sizes.  Besides crashes and reads past the input (it is
 * copied to a buffer of exactly its size plus the NUL), it checks that the
 * ranges found are sorted, non-empty and apart, that the unquoted string
 * is no longer than the input, and that the backends' ids are terminated.
 * A violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/memory/guestram.h"

static void check_mtree(const char *text, const char *region)
{
	struct guest_ram_range *r = NULL;
	size_t n = 0;
	struct lkdb_error *err = guest_ram_parse_mtree(text, region, &r, &n);
	if (err) {
		lkdb_error_destroy(err);
		return;
	}
	if (!n)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (r[i].end <= r[i].start)
			abort();
		if (i && r[i].start < r[i - 1].start)
			abort();
	}
	free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	struct guest_ram_backend b[4];
	size_t n = 0;
	guest_ram_parse_memdev(text, b, 4, &n);
	for (size_t i = 0; i < n && i < 4; i++)
		if (!memchr(b[i].id, '\0', sizeof(b[i].id)))
			abort();

	char *s = guest_ram_parse_qom_string(text);
	if (s && strlen(s) > size)
		abort();
	free(s);

	check_mtree(text, "lkdb-ram");
	check_mtree(text, "pc.ram");
	/* The region named by the first backend the text lists, if any. */
	if (n && b[0].id[0])
		check_mtree(text, b[0].id);

	(void)guest_ram_parse_qemu_size(text);
	free(text);
	return 0;
}
