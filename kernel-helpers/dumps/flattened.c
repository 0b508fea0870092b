// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/dumps/flattened.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIGNATURE_FIELD 16	/* the signature, NUL-padded */
#define TYPE_FLAT_HEADER 1
#define VERSION_FLAT_HEADER 1
#define RECORD_HEADER_SIZE 16
#define END_FLAG (-1)
/* Bytes moved per read/write while copying a record's data. */
#define CHUNK_SIZE (256 * 1024)

static uint64_t get_be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

bool flattened_has_signature(const void *buf, size_t len)
{
	size_t n = strlen(FLATTENED_SIGNATURE);

	return len >= n && memcmp(buf, FLATTENED_SIGNATURE, n) == 0;
}

struct lkdb_error *flattened_check_header(const char *name, const void *buf,
					  size_t len)
{
	const unsigned char *p = buf;
	size_t n = strlen(FLATTENED_SIGNATURE);
	int64_t type, version;

	if (!flattened_has_signature(buf, len))
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: not a flattened dump (no \"%s\" signature)",
			name, FLATTENED_SIGNATURE);
	if (len < FLATTENED_HEADER_SIZE)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: truncated flattened dump: header has %zu of %d bytes",
			name, len, FLATTENED_HEADER_SIZE);
	for (size_t i = n; i < SIGNATURE_FIELD; i++) {
		if (p[i])
			return lkdb_error_create(LKDB_ERROR_INVALID,
				"%s: not a flattened dump (bad signature: byte %zu after \"%s\" is not NUL)",
				name, i, FLATTENED_SIGNATURE);
	}
	type = (int64_t)get_be64(p + SIGNATURE_FIELD);
	version = (int64_t)get_be64(p + SIGNATURE_FIELD + 8);
	if (type != TYPE_FLAT_HEADER)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: flattened dump of unknown type %" PRId64 " (expected %d)",
			name, type, TYPE_FLAT_HEADER);
	if (version != VERSION_FLAT_HEADER)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: flattened dump of unknown version %" PRId64 " (expected %d)",
			name, version, VERSION_FLAT_HEADER);
	return NULL;
}

/* Read up to len bytes, fewer only at the end of the input. */
static struct lkdb_error *read_full(const struct flattened_reader *in,
				    void *buf, size_t len, size_t *got_ret)
{
	size_t got = 0;

	while (got < len) {
		size_t n = 0;
		struct lkdb_error *err = in->read(in->context,
						  (char *)buf + got,
						  len - got, &n);

		if (err)
			return err;
		if (!n)
			break;
		if (n > len - got)	/* a reader must not overfill */
			return lkdb_error_create(LKDB_ERROR_INVALID,
				"flattened reader returned %zu bytes for %zu",
				n, len - got);
		got += n;
	}
	*got_ret = got;
	return NULL;
}

/*
 * Record index's header at pos: its offset and size, or *end for the end
 * marker; every way it can be wrong is an error naming the record.
 */
static struct lkdb_error *record_header(const char *name,
					const struct flattened_reader *in,
					uint64_t index, uint64_t pos,
					uint64_t max_size, int64_t *offset_ret,
					int64_t *size_ret, bool *end)
{
	unsigned char head[RECORD_HEADER_SIZE];
	size_t got;
	struct lkdb_error *err = read_full(in, head, sizeof(head), &got);
	if (err)
		return lkdb_error_prefix(err, "%s", name);
	if (!got)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: truncated flattened dump: no end marker after record %" PRIu64 " (file ends at 0x%" PRIx64 ")",
			name, index, pos);
	if (got < sizeof(head))
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: truncated flattened dump: record %" PRIu64 " at 0x%" PRIx64 " has %zu of %zu header bytes",
			name, index, pos, got, sizeof(head));
	int64_t offset = (int64_t)get_be64(head), size = (int64_t)get_be64(head + 8);
	*end = offset == END_FLAG;
	if (*end && size != END_FLAG)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: corrupt flattened dump: end marker (record %" PRIu64 " at 0x%" PRIx64 ") has size %" PRId64 ", expected -1",
			name, index, pos, size);
	if (*end)
		return NULL;
	if (offset < 0 || size < 0)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: corrupt flattened dump: record %" PRIu64 " at 0x%" PRIx64 " has negative %s %" PRId64,
			name, index, pos, offset < 0 ? "offset" : "size",
			offset < 0 ? offset : size);
	if ((uint64_t)size > max_size ||
	    (uint64_t)offset > max_size - (uint64_t)size)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: corrupt flattened dump: record %" PRIu64 " at 0x%" PRIx64 " (offset 0x%" PRIx64 ", size 0x%" PRIx64 ") ends past the limit of 0x%" PRIx64 " bytes",
			name, index, pos, (uint64_t)offset, (uint64_t)size,
			max_size);
	*offset_ret = offset;
	*size_ret = size;
	return NULL;
}

/* A record's size bytes of data, written at offset, CHUNK_SIZE at a time. */
static struct lkdb_error *copy_record(const char *name,
				      const struct flattened_reader *in,
				      const struct flattened_writer *out,
				      unsigned char *buf, uint64_t index,
				      uint64_t record_pos, int64_t offset,
				      int64_t size)
{
	for (uint64_t done = 0; done < (uint64_t)size;) {
		uint64_t left = (uint64_t)size - done;
		size_t want = left < CHUNK_SIZE ? (size_t)left : CHUNK_SIZE, got;
		struct lkdb_error *err = read_full(in, buf, want, &got);
		if (err)
			return lkdb_error_prefix(err, "%s", name);
		if (got && (err = out->write(out->context,
					      (uint64_t)offset + done, buf,
					      got)))
			return err;
		done += got;
		if (got < want)
			return lkdb_error_create(LKDB_ERROR_INVALID,
				"%s: truncated flattened dump: record %" PRIu64 " at 0x%" PRIx64 " has %" PRIu64 " of %" PRId64 " data bytes",
				name, index, record_pos, done, size);
	}
	return NULL;
}

struct lkdb_error *flattened_reassemble(const char *name,
					const struct flattened_reader *in,
					const struct flattened_writer *out,
					uint64_t max_size,
					struct flattened_stats *stats_ret)
{
	struct flattened_stats stats = { 0 };
	struct lkdb_error *err = NULL;
	uint64_t pos = FLATTENED_HEADER_SIZE;	/* offset in the flattened file */
	size_t got;
	unsigned char *buf = malloc(CHUNK_SIZE > FLATTENED_HEADER_SIZE ?
				    CHUNK_SIZE : FLATTENED_HEADER_SIZE);
	if (!buf)
		err = &lkdb_error_oom;
	if (!err && (err = read_full(in, buf, FLATTENED_HEADER_SIZE, &got)))
		err = lkdb_error_prefix(err, "%s", name);
	if (!err && !got)
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"%s: empty file, not a flattened dump",
					name);
	if (!err)
		err = flattened_check_header(name, buf, got);
	for (bool end = false; !err && !end;) {
		int64_t offset = 0, size = 0;
		err = record_header(name, in, stats.records, pos, max_size,
				    &offset, &size, &end);
		if (err || end)
			break;
		err = copy_record(name, in, out, buf, stats.records, pos, offset,
				  size);
		if (err)
			break;
		pos += RECORD_HEADER_SIZE + (uint64_t)size;
		stats.records++;
		stats.data_bytes += (uint64_t)size;
		if ((uint64_t)offset + (uint64_t)size > stats.size)
			stats.size = (uint64_t)offset + (uint64_t)size;
	}
	if (!err) {
		/* Nothing may follow the end marker. */
		pos += RECORD_HEADER_SIZE;
		if ((err = read_full(in, buf, 1, &got)))
			err = lkdb_error_prefix(err, "%s", name);
		else if (got)
			err = lkdb_error_create(LKDB_ERROR_INVALID,
				"%s: corrupt flattened dump: data after the end marker at 0x%" PRIx64,
				name, pos);
	}
	free(buf);
	if (stats_ret)
		*stats_ret = stats;
	return err;
}

/* A buffered reader of a file descriptor. */
struct fd_reader {
	int fd;
	unsigned char *buf;
	size_t cap, len, pos;
};

static struct lkdb_error *fd_read(void *context, void *buf, size_t len,
				  size_t *got_ret)
{
	struct fd_reader *r = context;
	size_t n;

	if (r->pos == r->len) {
		ssize_t got;

		do {
			got = read(r->fd, r->buf, r->cap);
		} while (got < 0 && errno == EINTR);
		if (got < 0)
			return lkdb_error_errno(errno, "read");
		r->len = (size_t)got;
		r->pos = 0;
	}
	n = r->len - r->pos < len ? r->len - r->pos : len;
	memcpy(buf, r->buf + r->pos, n);
	r->pos += n;
	*got_ret = n;
	return NULL;
}

/*
 * Records are small (QEMU writes ~16 KiB each) and mostly follow each
 * other in the output: a run of them is gathered and written at once,
 * which halves the time of a reassembly (a page cache that grows in big
 * steps rather than 2700 small ones for a 1 GiB guest's dump).
 */
#define GATHER_SIZE (4 * 1024 * 1024)

struct fd_writer {
	int fd;
	const char *name;	/* of the output, for errors */
	unsigned char *gather;	/* GATHER_SIZE bytes due at gather_offset */
	uint64_t gather_offset;
	size_t gathered;
};

static struct lkdb_error *pwrite_full(struct fd_writer *w, uint64_t offset,
				      const void *buf, size_t len)
{
	const char *p = buf;

	if (offset > (uint64_t)INT64_MAX - len)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: offset 0x%" PRIx64 " too large", w->name, offset);
	while (len) {
		ssize_t n = pwrite(w->fd, p, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return lkdb_error_errno(n < 0 ? errno : EIO,
				"%s: writing at 0x%" PRIx64, w->name, offset);
		p += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
	return NULL;
}

static struct lkdb_error *fd_flush(struct fd_writer *w)
{
	struct lkdb_error *err = NULL;

	if (w->gathered)
		err = pwrite_full(w, w->gather_offset, w->gather, w->gathered);
	w->gathered = 0;
	return err;
}

/* In order: a write that does not continue the gathered run flushes it. */
static struct lkdb_error *fd_write(void *context, uint64_t offset,
				   const void *buf, size_t len)
{
	struct fd_writer *w = context;
	struct lkdb_error *err;

	if (w->gathered && (offset != w->gather_offset + w->gathered ||
			    len > GATHER_SIZE - w->gathered)) {
		err = fd_flush(w);
		if (err)
			return err;
	}
	if (len >= GATHER_SIZE)
		return pwrite_full(w, offset, buf, len);
	if (!w->gathered)
		w->gather_offset = offset;
	memcpy(w->gather + w->gathered, buf, len);
	w->gathered += len;
	return NULL;
}

static struct lkdb_error *reassemble_fd(const char *name, int in_fd,
					int out_fd, const char *out_name,
					uint64_t max_size,
					struct flattened_stats *stats_ret)
{
	struct fd_reader r = { .fd = in_fd, .cap = CHUNK_SIZE };
	struct fd_writer w = { .fd = out_fd, .name = out_name };
	struct flattened_reader in = { .context = &r, .read = fd_read };
	struct flattened_writer out = { .context = &w, .write = fd_write };
	struct flattened_stats stats;
	struct lkdb_error *err;

	r.buf = malloc(r.cap);
	w.gather = malloc(GATHER_SIZE);
	if (!r.buf || !w.gather) {
		free(r.buf);
		free(w.gather);
		return &lkdb_error_oom;
	}
	err = flattened_reassemble(name, &in, &out, max_size, &stats);
	if (!err)
		err = fd_flush(&w);
	free(r.buf);
	free(w.gather);
	if (!err && ftruncate(out_fd, (off_t)stats.size) < 0)
		err = lkdb_error_errno(errno, "%s: setting its size to %" PRIu64,
				       out_name, stats.size);
	if (stats_ret)
		*stats_ret = stats;
	return err;
}

struct lkdb_error *flattened_reassemble_fd(const char *name, int in_fd,
					   int out_fd, uint64_t max_size,
					   struct flattened_stats *stats_ret)
{
	return reassemble_fd(name, in_fd, out_fd, "reassembled output",
			     max_size, stats_ret);
}

/* An unlinked file in dir, open read-write. */
static struct lkdb_error *open_tmpfile(const char *dir, int *fd_ret)
{
	char *template;
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0) {
		*fd_ret = fd;
		return NULL;
	}
	/* Filesystems without O_TMPFILE: create and unlink at once. */
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return lkdb_error_errno(errno, "%s", dir);
	if (asprintf(&template, "%s/lkdb-flattened-XXXXXX", dir) < 0)
		return &lkdb_error_oom;
	fd = mkostemp(template, O_CLOEXEC);
	if (fd < 0) {
		struct lkdb_error *err = lkdb_error_errno(errno, "%s", dir);

		free(template);
		return err;
	}
	unlink(template);
	free(template);
	*fd_ret = fd;
	return NULL;
}

struct lkdb_error *flattened_reassemble_tmpfile(const char *path, int in_fd,
						uint64_t max_size, int *fd_ret,
						struct flattened_stats *stats_ret)
{
	const char *dir = getenv("TMPDIR");
	struct lkdb_error *err;
	char *out_name;
	int fd = -1;

	if (!dir || !*dir)
		dir = "/tmp";
	if (lseek(in_fd, 0, SEEK_SET) < 0)
		return lkdb_error_errno(errno, "%s", path);
	err = open_tmpfile(dir, &fd);
	if (err)
		return lkdb_error_prefix(err,
			"%s: cannot create a temporary file for reassembling the flattened dump",
			path);
	if (asprintf(&out_name, "%s: reassembling the flattened dump in %s",
		     path, dir) < 0) {
		close(fd);
		return &lkdb_error_oom;
	}
	err = reassemble_fd(path, in_fd, fd, out_name, max_size, stats_ret);
	free(out_name);
	if (err) {
		close(fd);
		return err;
	}
	*fd_ret = fd;
	return NULL;
}
