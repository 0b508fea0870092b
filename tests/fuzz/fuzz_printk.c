// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the kernel log reader (kernel-helpers/log/printk.c), the
 * 5.10+ lockless ring and the older log_buf, over a fake kernel: memory,
 * layout and symbols from the input (tests/unit/walker_input.h).  Seeds:
 * the fake kernels of tests/unit/test_printk.c.  Besides crashes, leaks
 * and undefined behaviour it aborts when a promise of printk.h is broken:
 * the walk is bounded by the buffer's capacity (records and reads), each
 * record's text is text_len bytes and a NUL, records come in seq order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/log/printk.h"
#include "walker_input.h"

/* "At most two reads" per span, a few spans, the header and pointers. */
#define READS_FIXED 64

static void check(const struct printk_log *log, unsigned int reads)
{
	if (log->nr_records > log->capacity)
		abort();
	/* The legacy log reads record by record: one or two each. */
	if (reads > READS_FIXED + 2 * log->nr_records + 2 * log->nr_warnings)
		abort();
	for (size_t i = 0; i < log->nr_records; i++) {
		const struct printk_record *r = &log->records[i];
		if (!r->text || r->text[r->text_len] != '\0' || r->level > 7)
			abort();
		if (i && r->seq <= log->records[i - 1].seq)
			abort();
	}
	walker_check_warnings(log->warnings, log->nr_warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walker_input in;
	struct ktypes *types;
	struct kernel_memory_reader reader;

	if (walker_input_start(data, size, &in, &types, &reader)) {
		struct printk_symbols syms;
		uint64_t kaslr_offset;
		struct printk_log *log = NULL;
		walker_printk_unpack(in.values, &syms, &kaslr_offset);
		struct lkdb_error *err = printk_read_log(&reader, &syms,
							 kaslr_offset, types,
							 &log);
		if (err) {
			walker_check_error(err, log);
		} else {
			check(log, in.memory.reads);
			printk_log_destroy(log);
		}
		int64_t boot_ns;
		lkdb_error_destroy(printk_boot_time(&reader, &syms,
						    kaslr_offset, types,
						    &boot_ns));
	}
	walker_input_finish(&in, types);
	return 0;
}
