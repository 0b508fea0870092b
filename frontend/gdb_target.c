// SPDX-License-Identifier: GPL-2.0-or-later
#include "gdb_target.h"

#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One read costs a round trip to the stub (~250 us): callers read spans. */
struct lkdb_error *gdb_target_read(struct gdb_driver *gdb, uint64_t addr,
				   void *buf, size_t len)
{
	char addr_s[32], len_s[32];
	snprintf(addr_s, sizeof(addr_s), "0x%" PRIx64, addr);
	snprintf(len_s, sizeof(len_s), "%zu", len);
	const char *argv[] = { addr_s, len_s };
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_call(gdb, 0, 30000,
						 "-data-read-memory-bytes",
						 argv, 2, &r);
	if (err)
		return err;
	if (r.record->result_class != MI_CLASS_DONE) {
		const char *msg = gdb_result_error_message(r.record);
		err = lkdb_error_create(LKDB_ERROR_FAULT,
					"cannot read %zu bytes at 0x%" PRIx64 ": %s",
					len, addr, msg ? msg : "error");
		goto out;
	}
	/* memory=[{begin=,offset=,end=,contents=}...]: need all of it. */
	const struct mi_value *memory = mi_value_find(r.record->results,
						      "memory");
	size_t got = 0;
	for (const struct mi_value *block = memory ? memory->children : NULL;
	     block; block = block->next) {
		const char *offset = mi_value_string(block->children,
						     "offset");
		const char *contents = mi_value_string(block->children,
						       "contents");
		if (!offset || !contents)
			continue;
		unsigned long long off = strtoull(offset, NULL, 0);
		size_t n = strlen(contents) / 2;
		if (off > len || n > len - off)
			continue;
		unsigned char *out = (unsigned char *)buf + off;
		for (size_t i = 0; i < n; i++) {
			int hi = hex_digit(contents[2 * i]);
			int lo = hex_digit(contents[2 * i + 1]);
			if (hi < 0 || lo < 0) {
				n = i;
				break;
			}
			out[i] = (unsigned char)(hi << 4 | lo);
		}
		if (off == got)
			got += n;
	}
	if (got < len)
		err = lkdb_error_create(LKDB_ERROR_FAULT,
					"cannot read %zu bytes at 0x%" PRIx64 ": only %zu readable",
					len, addr, got);
out:
	gdb_call_result_deinit(&r);
	return err;
}

static struct lkdb_error *read_cb(void *context, uint64_t addr, void *buf,
				  size_t len)
{
	return gdb_target_read(context, addr, buf, len);
}

void gdb_target_memory_reader(struct gdb_driver *gdb,
			      struct kernel_memory_reader *ret)
{
	ret->context = gdb;
	ret->read = read_cb;
}
