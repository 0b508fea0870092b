// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the kernel log line parser (kernel-helpers/log/logparse.c).
 * Besides crashes and out-of-bounds reads (the input is copied to a buffer
 * of exactly its size) it checks that every span lies inside the line,
 * that a frame's function is inside its symbol, that a trailing newline
 * changes nothing, and that a Code: line's marked byte is one it read.
 * A violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/log/logparse.h"

static void check_span(struct logline_span s, size_t len)
{
	if (s.len && (s.start > len || s.len > len - s.start))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size ? size : 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	struct logline l;
	logline_parse(line, size, &l);
	if (l.body > size)
		abort();
	check_span(l.timestamp, size);
	check_span(l.caller, size);
	check_span(l.symbol, size);
	check_span(l.func, size);
	check_span(l.module, size);
	check_span(l.build_id, size);
	check_span(l.text, size);
	if (l.func.len && (l.func.start < l.symbol.start ||
			   l.func.start + l.func.len >
			   l.symbol.start + l.symbol.len))
		abort();
	if (l.kind == LOGLINE_CODE) {
		uint8_t bytes[256];
		size_t n;
		long marked;
		logline_code_bytes(line + l.text.start, l.text.len, bytes,
				   sizeof(bytes), &n, &marked);
		if (n > sizeof(bytes) || marked >= (long)n)
			abort();
	}
	logline_code_continuation(line, size);

	char *nl = malloc(size + 1);
	if (nl) {
		memcpy(nl, data, size);
		nl[size] = '\n';
		struct logline with;
		logline_parse(nl, size + 1, &with);
		/* a line already ending in \n or \r\n parses the same */
		if (!(size && (data[size - 1] == '\n' || data[size - 1] == '\r')) &&
		    memcmp(&l, &with, sizeof(l)))
			abort();
		free(nl);
	}
	free(line);
	return 0;
}
