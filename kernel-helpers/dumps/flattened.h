/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * makedumpfile's "flattened" format, which `makedumpfile -F` and QEMU < 8.2
 * (dump-guest-memory -z/-l/-s) write so that a dump can go down a pipe:
 *
 *   header    4096 bytes: "makedumpfile" NUL-padded to 16 bytes, then
 *             big-endian int64 type (1) and version (1), then zeros
 *   records   big-endian int64 offset, int64 size, then size bytes that
 *             belong at offset of the real (kdump-compressed) file
 *   end       offset = size = -1
 *
 * Records may come in any order and leave holes (zeros).  Reassembling
 * means writing every record at its offset; the result is an ordinary
 * kdump-compressed file, `makedumpfile -R` byte for byte.
 *
 * The reassembler is a pure function over a reader and a writer, so it can
 * be fuzzed in memory; every offset and size is checked before it is used.
 */
#ifndef LKDB_FLATTENED_H
#define LKDB_FLATTENED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define FLATTENED_HEADER_SIZE 4096
#define FLATTENED_SIGNATURE "makedumpfile"
/*
 * Default bound on the reassembled file's size: 2^47 bytes, twice what
 * x86_64's 46-bit physical address space could hold, so no real dump
 * reaches it.
 */
#define FLATTENED_DEFAULT_MAX_SIZE (UINT64_C(1) << 47)

/* Does buf (the first len bytes of a file) start with the signature? */
bool flattened_has_signature(const void *buf, size_t len);

/*
 * Check the header (the first len bytes of the file named name): at least
 * FLATTENED_HEADER_SIZE bytes, the signature, type 1 and version 1.
 */
struct lkdb_error *flattened_check_header(const char *name, const void *buf,
					  size_t len);

struct flattened_reader {
	void *context;
	/*
	 * Read up to len bytes of the flattened file, in order; *got_ret = 0
	 * only at its end.
	 */
	struct lkdb_error *(*read)(void *context, void *buf, size_t len,
				   size_t *got_ret);
};

struct flattened_writer {
	void *context;
	/* Write len bytes at offset of the reassembled file. */
	struct lkdb_error *(*write)(void *context, uint64_t offset,
				    const void *buf, size_t len);
};

struct flattened_stats {
	uint64_t records;	/* data records (not counting the end) */
	uint64_t data_bytes;	/* sum of their sizes */
	uint64_t size;		/* reassembled size: max of offset+size */
};

/*
 * Reassemble the flattened file read from in (header included) into out.
 * Every record must lie within [0, max_size).  Errors are one line naming
 * name and, for a bad record, its index (0 = first after the header) and
 * file offset: bad header, negative or overflowing offset or size, a
 * record past max_size, input ending inside the header or a record or
 * before the end marker, data after the end marker, or an error of in or
 * out (passed on, prefixed).  stats_ret may be NULL.
 */
struct lkdb_error *flattened_reassemble(const char *name,
					const struct flattened_reader *in,
					const struct flattened_writer *out,
					uint64_t max_size,
					struct flattened_stats *stats_ret);

/*
 * flattened_reassemble() from in_fd (read from its current position) into
 * out_fd (pwrite), which is then truncated to the reassembled size, so
 * out_fd holds exactly the reassembled file.
 */
struct lkdb_error *flattened_reassemble_fd(const char *name, int in_fd,
					   int out_fd, uint64_t max_size,
					   struct flattened_stats *stats_ret);

/*
 * Reassemble the flattened file path (open as in_fd, at any position) into
 * an unlinked temporary file in $TMPDIR (default /tmp), which stays as long
 * as the returned descriptor (opened read-write) is open.  Needs as much
 * space there as the reassembled dump takes.
 */
struct lkdb_error *flattened_reassemble_tmpfile(const char *path, int in_fd,
						uint64_t max_size, int *fd_ret,
						struct flattened_stats *stats_ret);

#endif
