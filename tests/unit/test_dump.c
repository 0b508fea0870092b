// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/dumps/dump.c and flattened.c on files made here:
 * format detection, flattened reassembly byte for byte, every kind of bad
 * input, and a complete little x86_64 ELF core (VMCOREINFO, two CPUs'
 * NT_PRSTATUS, four-level page tables) read through libkdumpfile.
 *
 * argv[1] is the stand-in vmlinux built from test_vmlinux.c (release
 * 9.9.9-lkdbtest, with a build id) for dump_check_vmlinux().
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel-helpers/dumps/dump.h"
#include "kernel-helpers/dumps/flattened.h"
#include "tap.h"
#include "kernel-helpers/core/vmlinux.h"

/*
 * libkdumpfile 0.5.1 leaks ~100 bytes in its page reader for libaddrxlat
 * when a page table is not in the dump; LeakSanitizer would fail the test.
 */
#if defined(__SANITIZE_ADDRESS__)
#define LIBRARY_LEAK_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LIBRARY_LEAK_CHECKED 1
#endif
#endif

static const char *vmlinux_fixture;
static char tmpdir[4096];

/* A path in the test's directory (static: valid for 4 more calls). */
static const char *tmp_path(const char *name)
{
	static char paths[4][8192];
	static unsigned int next;
	char *path = paths[next++ % 4];

	snprintf(path, sizeof(paths[0]), "%s/%s", tmpdir, name);
	return path;
}

static bool write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

/*
 * err is one line of the given code naming the file and containing what;
 * consumes err.
 */
static bool error_is(struct lkdb_error *err, enum lkdb_error_code code,
		     const char *file, const char *what)
{
	bool ok;

	if (!err) {
		printf("#   expected an error containing \"%s\", got success\n",
		       what);
		return false;
	}
	ok = err->code == code && !strchr(err->message, '\n') &&
	     (!file || strstr(err->message, file)) &&
	     strstr(err->message, what);
	if (!ok)
		printf("#   unexpected error (code %d): %s\n", err->code,
		       err->message);
	else
		printf("#   ok: %s\n", err->message);
	lkdb_error_destroy(err);
	return ok;
}

/* dump_open(path) fails with what in a one-line message naming path. */
static bool open_fails(const char *path, const char *what)
{
	struct lkdb_dump *dump = NULL;
	struct lkdb_error *err = dump_open(path, &dump);

	if (!err)
		dump_destroy(dump);
	return error_is(err, LKDB_ERROR_INVALID, path, what);
}

/* --- growable byte buffer --------------------------------------------- */

struct buf {
	unsigned char *data;
	size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t len)
{
	if (len <= b->cap)
		return;
	b->cap = len * 2;
	b->data = realloc(b->data, b->cap);
	if (!b->data)
		abort();
}

static void buf_put_at(struct buf *b, size_t offset, const void *p,
		       size_t len)
{
	buf_reserve(b, offset + len);
	if (offset > b->len)
		memset(b->data + b->len, 0, offset - b->len);
	memcpy(b->data + offset, p, len);
	if (offset + len > b->len)
		b->len = offset + len;
}

static void buf_add(struct buf *b, const void *p, size_t len)
{
	buf_put_at(b, b->len, p, len);
}

static void buf_zeros(struct buf *b, size_t len)
{
	buf_reserve(b, b->len + len);
	memset(b->data + b->len, 0, len);
	b->len += len;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

/* --- flattened files ---------------------------------------------------- */

static void flat_header(struct buf *b, const char *sig, int64_t type,
			int64_t version)
{
	unsigned char h[FLATTENED_HEADER_SIZE] = { 0 };

	memcpy(h, sig, strlen(sig));
	put_be64(h + 16, (uint64_t)type);
	put_be64(h + 24, (uint64_t)version);
	buf_add(b, h, sizeof(h));
}

static void flat_record(struct buf *b, int64_t offset, int64_t size,
			const void *data)
{
	unsigned char h[16];

	put_be64(h, (uint64_t)offset);
	put_be64(h + 8, (uint64_t)size);
	buf_add(b, h, sizeof(h));
	if (data && size > 0)
		buf_add(b, data, (size_t)size);
}

static void flat_end(struct buf *b)
{
	flat_record(b, -1, -1, NULL);
}

/* A memory reader handing out at most step bytes per call. */
struct mem_reader {
	const unsigned char *data;
	size_t len, pos, step;
};

static struct lkdb_error *mem_read(void *context, void *p, size_t len,
				   size_t *got_ret)
{
	struct mem_reader *r = context;
	size_t n = r->len - r->pos;

	if (n > len)
		n = len;
	if (n > r->step)
		n = r->step;
	memcpy(p, r->data + r->pos, n);
	r->pos += n;
	*got_ret = n;
	return NULL;
}

static struct lkdb_error *mem_write(void *context, uint64_t offset,
				    const void *p, size_t len)
{
	buf_put_at(context, (size_t)offset, p, len);
	return NULL;
}

static struct lkdb_error *reassemble_mem(const struct buf *in, size_t step,
					 uint64_t max_size, struct buf *out,
					 struct flattened_stats *stats)
{
	struct mem_reader r = { in->data, in->len, 0, step };
	struct flattened_reader reader = { &r, mem_read };
	struct flattened_writer writer = { out, mem_write };

	return flattened_reassemble("mem.flat", &reader, &writer, max_size,
				    stats);
}

/*
 * The expected kdump file and a flattened file of it: records out of
 * order, a hole, an overwrite and an empty record, as QEMU and makedumpfile
 * may write them.
 */
static void sample_flattened(struct buf *flat, struct buf *expect)
{
	unsigned char a[100], c[5000], d[64];
	unsigned char kdump_head[16] = "KDUMP   ";

	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (unsigned char)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(c); i++)
		c[i] = (unsigned char)(i * 13 + 5);
	memset(d, 0xdd, sizeof(d));

	flat_header(flat, FLATTENED_SIGNATURE, 1, 1);
	flat_record(flat, 0, sizeof(kdump_head), kdump_head);
	flat_record(flat, 9000, sizeof(c), c);	/* beyond a hole */
	flat_record(flat, 4096, sizeof(a), a);		/* out of order */
	flat_record(flat, 4096 + 50, sizeof(d), d);	/* overwrites a */
	flat_record(flat, 64, 0, NULL);			/* empty */
	flat_end(flat);

	buf_zeros(expect, 9000 + sizeof(c));
	memcpy(expect->data, kdump_head, sizeof(kdump_head));
	memcpy(expect->data + 4096, a, sizeof(a));
	memcpy(expect->data + 4096 + 50, d, sizeof(d));
	memcpy(expect->data + 9000, c, sizeof(c));
}

TEST(detect_format_from_magic)
{
	CHECK(dump_detect_format("\177ELF\2\1\1", 7) == DUMP_FORMAT_ELF);
	CHECK(dump_detect_format("KDUMP   \6", 9) == DUMP_FORMAT_KDUMP);
	CHECK(dump_detect_format("DISKDUMP", 8) == DUMP_FORMAT_DISKDUMP);
	CHECK(dump_detect_format("makedumpfile\0\0\0", 16) ==
	      DUMP_FORMAT_FLATTENED);
	/* too short for the magic, or other files */
	CHECK(dump_detect_format("\177EL", 3) == DUMP_FORMAT_UNKNOWN);
	CHECK(dump_detect_format("KDUMP  ", 7) == DUMP_FORMAT_UNKNOWN);
	CHECK(dump_detect_format("makedump", 8) == DUMP_FORMAT_UNKNOWN);
	CHECK(dump_detect_format("#!/bin/sh\n", 10) == DUMP_FORMAT_UNKNOWN);
	CHECK(dump_detect_format("", 0) == DUMP_FORMAT_UNKNOWN);
	CHECK_STR(dump_format_string(DUMP_FORMAT_ELF), "ELF");
	CHECK_STR(dump_format_string(DUMP_FORMAT_KDUMP), "kdump-compressed");
	CHECK_STR(dump_format_string(DUMP_FORMAT_FLATTENED), "flattened");
	CHECK_STR(dump_format_string(DUMP_FORMAT_UNKNOWN), "unknown");
}

TEST(probe_format_of_tiny_files)
{
	static const struct {
		const char *name, *bytes;
		size_t len;
		enum dump_format format;
	} files[] = {
		{ "tiny.elf", "\177ELF\2\1\1\0", 8, DUMP_FORMAT_ELF },
		{ "tiny.kdump", "KDUMP   \6\0\0\0", 12, DUMP_FORMAT_KDUMP },
		{ "tiny.diskdump", "DISKDUMP", 8, DUMP_FORMAT_DISKDUMP },
		{ "tiny.flat", "makedumpfile\0\0\0\0", 16,
		  DUMP_FORMAT_FLATTENED },
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *path = tmp_path(files[i].name);
		enum dump_format format = DUMP_FORMAT_UNKNOWN;

		CHECK(write_file(path, files[i].bytes, files[i].len));
		CHECK(!dump_probe_format(path, &format));
		CHECK(format == files[i].format);
	}
}

TEST(probe_and_open_errors_name_the_file)
{
	enum dump_format format;
	const char *path;

	path = tmp_path("empty");
	CHECK(write_file(path, "", 0));
	CHECK(error_is(dump_probe_format(path, &format), LKDB_ERROR_INVALID,
		       path, "empty file"));
	CHECK(open_fails(path, "empty file"));

	path = tmp_path("text");
	CHECK(write_file(path, "hello, world\n", 13));
	CHECK(error_is(dump_probe_format(path, &format), LKDB_ERROR_INVALID,
		       path, "unknown header"));
	CHECK(open_fails(path, "unknown header"));

	CHECK(error_is(dump_probe_format(tmpdir, &format), LKDB_ERROR_INVALID,
		       tmpdir, "is a directory"));
	CHECK(open_fails(tmpdir, "is a directory"));

	path = tmp_path("does-not-exist");
	CHECK(error_is(dump_probe_format(path, &format), LKDB_ERROR_OS, path,
		       "No such file or directory"));
	{
		struct lkdb_dump *dump;

		CHECK(error_is(dump_open(path, &dump), LKDB_ERROR_OS, path,
			       "No such file or directory"));
	}
	CHECK(open_fails("/dev/null", "not a regular file"));
}

TEST(flattened_reassembly_is_byte_exact)
{
	struct buf flat = { 0 }, expect = { 0 }, got = { 0 };
	struct flattened_stats stats;
	const char *in_path = tmp_path("sample.flat");
	const char *out_path = tmp_path("sample.kdump");
	int in_fd, out_fd;
	struct stat st;

	sample_flattened(&flat, &expect);
	CHECK(write_file(in_path, flat.data, flat.len));
	in_fd = open(in_path, O_RDONLY);
	out_fd = open(out_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(in_fd >= 0 && out_fd >= 0);
	CHECK(!flattened_reassemble_fd(in_path, in_fd, out_fd,
				       FLATTENED_DEFAULT_MAX_SIZE, &stats));
	CHECK(stats.records == 5);
	CHECK(stats.size == expect.len);
	CHECK(stats.data_bytes == 16 + 5000 + 100 + 64);
	CHECK(fstat(out_fd, &st) == 0 && (size_t)st.st_size == expect.len);
	buf_reserve(&got, expect.len);
	CHECK(pread(out_fd, got.data, expect.len, 0) == (ssize_t)expect.len);
	CHECK(memcmp(got.data, expect.data, expect.len) == 0);
	close(in_fd);
	close(out_fd);

	/* The same through the temporary file dump_open() uses. */
	in_fd = open(in_path, O_RDONLY);
	CHECK(in_fd >= 0);
	{
		int tmp_fd = -1;

		CHECK(!flattened_reassemble_tmpfile(in_path, in_fd,
						    FLATTENED_DEFAULT_MAX_SIZE,
						    &tmp_fd, NULL));
		CHECK(tmp_fd >= 0 && fstat(tmp_fd, &st) == 0 &&
		      (size_t)st.st_size == expect.len && st.st_nlink == 0);
		CHECK(pread(tmp_fd, got.data, expect.len, 0) ==
		      (ssize_t)expect.len);
		CHECK(memcmp(got.data, expect.data, expect.len) == 0);
		if (tmp_fd >= 0)
			close(tmp_fd);
	}
	close(in_fd);
	free(flat.data);
	free(expect.data);
	free(got.data);
}

TEST(flattened_reassembly_does_not_depend_on_read_sizes)
{
	struct buf flat = { 0 }, expect = { 0 };
	static const size_t steps[] = { 1, 3, 16, 4095, 1 << 20 };

	sample_flattened(&flat, &expect);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct buf out = { 0 };

		CHECK(!reassemble_mem(&flat, steps[i], 1 << 20, &out, NULL));
		CHECK(out.len == expect.len &&
		      memcmp(out.data, expect.data, expect.len) == 0);
		free(out.data);
	}
	free(flat.data);
	free(expect.data);
}

/*
 * Records of several MiB, runs longer than the writer gathers, a record
 * overwriting one written long before, a hole: still byte for byte.
 */
TEST(flattened_reassembly_of_big_runs_is_byte_exact)
{
	static const struct {
		size_t offset, size;
	} records[] = {
		{ 0, 3 << 20 },			/* a run of 3 MiB ... */
		{ 3 << 20, 2 << 20 },		/* ... continued past 4 MiB */
		{ 5 << 20, 5 << 20 },		/* bigger than a whole run */
		{ 1 << 20, 100 },		/* overwrites the first */
		{ 10 << 20, 10 },
		{ (10 << 20) + 4096, 1 << 20 },	/* after a hole */
	};
	struct buf flat = { 0 }, expect = { 0 }, got = { 0 };
	const char *in_path = tmp_path("big.flat");
	unsigned char *data = malloc(5 << 20);
	int in_fd, out_fd = -1;

	flat_header(&flat, FLATTENED_SIGNATURE, 1, 1);
	for (size_t i = 0; data && i < sizeof(records) / sizeof(records[0]);
	     i++) {
		for (size_t k = 0; k < records[i].size; k++)
			data[k] = (unsigned char)(k * 31 + i * 17 + (k >> 12));
		flat_record(&flat, (int64_t)records[i].offset,
			    (int64_t)records[i].size, data);
		buf_put_at(&expect, records[i].offset, data, records[i].size);
	}
	flat_end(&flat);
	CHECK(data && write_file(in_path, flat.data, flat.len));
	in_fd = open(in_path, O_RDONLY);
	CHECK(in_fd >= 0);
	CHECK(!flattened_reassemble_tmpfile(in_path, in_fd,
					    FLATTENED_DEFAULT_MAX_SIZE,
					    &out_fd, NULL));
	buf_reserve(&got, expect.len);
	CHECK(out_fd >= 0 &&
	      pread(out_fd, got.data, expect.len, 0) == (ssize_t)expect.len &&
	      lseek(out_fd, 0, SEEK_END) == (off_t)expect.len);
	CHECK(memcmp(got.data, expect.data, expect.len) == 0);
	if (out_fd >= 0)
		close(out_fd);
	close(in_fd);
	free(data);
	free(flat.data);
	free(expect.data);
	free(got.data);
}

/* The value dump_open() publishes for flat_path's copy open as copy_fd. */
static void reassembled_env(const char *flat_path, int copy_fd,
			    int proc_fd, char *buf, size_t size)
{
	struct stat flat, copy;

	if (stat(flat_path, &flat) < 0 || fstat(copy_fd, &copy) < 0) {
		snprintf(buf, size, "(stat failed)");
		return;
	}
	snprintf(buf, size, "%ju:%ju:%jd:%jd.%09ld %ju:%ju /proc/self/fd/%d",
		 (uintmax_t)flat.st_dev, (uintmax_t)flat.st_ino,
		 (intmax_t)flat.st_size, (intmax_t)flat.st_mtim.tv_sec,
		 flat.st_mtim.tv_nsec, (uintmax_t)copy.st_dev,
		 (uintmax_t)copy.st_ino, proc_fd);
}

/*
 * dump_open() of a flattened file reuses the copy named in
 * LKDB_DUMP_REASSEMBLED (as lkdb-dump-server reuses lkdb's) only when it
 * is that very file, unchanged, and the descriptor is still the copy.
 * With TMPDIR unusable, reassembling fails; the sample's content is not a
 * whole kdump file, so a reused copy fails later, at its header.
 */
TEST(flattened_copy_reused_only_for_the_same_file)
{
	struct buf flat = { 0 }, expect = { 0 };
	const char *path = tmp_path("shared.flat");
	const char *other = tmp_path("other.flat");
	const char *saved = getenv("TMPDIR");
	char *saved_tmpdir = saved ? strdup(saved) : NULL;
	char value[512];
	int in_fd, copy_fd = -1, other_fd = -1;

	sample_flattened(&flat, &expect);
	CHECK(write_file(path, flat.data, flat.len));
	CHECK(write_file(other, flat.data, flat.len));
	in_fd = open(path, O_RDONLY);
	CHECK(in_fd >= 0);
	CHECK(!flattened_reassemble_tmpfile(path, in_fd,
					    FLATTENED_DEFAULT_MAX_SIZE,
					    &copy_fd, NULL));
	other_fd = open(other, O_RDONLY);
	CHECK(copy_fd >= 0 && other_fd >= 0);
	setenv("TMPDIR", "/nonexistent/lkdb-test", 1);

	reassembled_env(path, copy_fd, copy_fd, value, sizeof(value));
	setenv(LKDB_DUMP_REASSEMBLED_ENV, value, 1);
	CHECK(open_fails(path, "corrupt kdump header"));
	/* another file with the same bytes is not the same dump */
	CHECK(error_is(dump_open(other, &(struct lkdb_dump *){ NULL }),
		       LKDB_ERROR_OS, other, "cannot create a temporary file"));
	/* the descriptor now holds something else than the copy */
	reassembled_env(path, copy_fd, other_fd, value, sizeof(value));
	setenv(LKDB_DUMP_REASSEMBLED_ENV, value, 1);
	CHECK(error_is(dump_open(path, &(struct lkdb_dump *){ NULL }),
		       LKDB_ERROR_OS, path, "cannot create a temporary file"));
	/* the dump changed since (its modification time) */
	reassembled_env(path, copy_fd, copy_fd, value, sizeof(value));
	setenv(LKDB_DUMP_REASSEMBLED_ENV, value, 1);
	CHECK(utimensat(AT_FDCWD, path,
			(struct timespec[]){ { 1, 0 }, { 1, 0 } }, 0) == 0);
	CHECK(error_is(dump_open(path, &(struct lkdb_dump *){ NULL }),
		       LKDB_ERROR_OS, path, "cannot create a temporary file"));
	/* only /proc paths are taken */
	reassembled_env(path, copy_fd, copy_fd, value, sizeof(value));
	char *proc = strstr(value, "/proc/self/fd/");
	if (proc)
		memcpy(proc, "/tmp/", 5);
	setenv(LKDB_DUMP_REASSEMBLED_ENV, value, 1);
	CHECK(error_is(dump_open(path, &(struct lkdb_dump *){ NULL }),
		       LKDB_ERROR_OS, path, "cannot create a temporary file"));

	unsetenv(LKDB_DUMP_REASSEMBLED_ENV);
	if (saved_tmpdir)
		setenv("TMPDIR", saved_tmpdir, 1);
	else
		unsetenv("TMPDIR");
	free(saved_tmpdir);
	close(in_fd);
	if (copy_fd >= 0)
		close(copy_fd);
	if (other_fd >= 0)
		close(other_fd);
	free(flat.data);
	free(expect.data);
}

/* Write b to name and expect dump_open to fail with what. */
static bool flat_open_fails(const char *name, const struct buf *b,
			    const char *what)
{
	const char *path = tmp_path(name);

	return write_file(path, b->data, b->len) && open_fails(path, what);
}

TEST(flattened_bad_inputs_are_clear_errors)
{
	unsigned char data[64] = { 1, 2, 3 };
	struct buf b = { 0 };

	/* truncated header */
	flat_header(&b, FLATTENED_SIGNATURE, 1, 1);
	b.len = 2000;
	CHECK(flat_open_fails("trunc-header.flat", &b,
			      "header has 2000 of 4096 bytes"));

	/* bad signature, type and version */
	b.len = 0;
	flat_header(&b, "makedumpfileX", 1, 1);
	flat_end(&b);
	CHECK(flat_open_fails("bad-sig.flat", &b, "bad signature"));
	b.len = 0;
	flat_header(&b, FLATTENED_SIGNATURE, 2, 1);
	flat_end(&b);
	CHECK(flat_open_fails("bad-type.flat", &b, "unknown type 2"));
	b.len = 0;
	flat_header(&b, FLATTENED_SIGNATURE, 1, 7);
	flat_end(&b);
	CHECK(flat_open_fails("bad-version.flat", &b, "unknown version 7"));

	/* record past the limit (2^47), as the third record (index 2) */
	b.len = 0;
	flat_header(&b, FLATTENED_SIGNATURE, 1, 1);
	flat_record(&b, 0, 3, data);
	flat_record(&b, 4096, 3, data);
	flat_record(&b, INT64_C(1) << 50, 3, data);
	flat_end(&b);
	CHECK(flat_open_fails("past-limit.flat", &b,
			      "record 2 at 0x1026 (offset 0x4000000000000, size 0x3) ends past the limit"));

	/* negative offset and size; an offset + size that overflows */
	b.len = 0;
	flat_header(&b, FLATTENED_SIGNATURE, 1, 1);
	flat_record(&b, -5, 3, data);
	flat_end(&b);
	CHECK(flat_open_fails("neg-offset.flat", &b,
			      "record 0 at 0x1000 has negative offset -5"));
	b.len = 0;
	flat_header(&b, FLATTENED_SIGNATURE, 1, 1);
	flat_record(&b, 0, -2, NULL);
	flat_end(&b);
	CHECK(flat_open_fails("neg-size.flat", &b,
			      "record 0 at 0x1000 has negative size -2"));
	b.len = 0;
	flat_header(&b, FLATTENED_SIGNATURE, 1, 1);
	flat_record(&b, INT64_MAX - 10, 64, data);
	flat_end(&b);
	CHECK(flat_open_fails("overflow.flat", &b,
			      "record 0 at 0x1000 (offset 0x7ffffffffffffff5, size 0x40) ends past the limit"));
	b.len = 0;
	flat_header(&b, FLATTENED_SIGNATURE, 1, 1);
	flat_record(&b, 0, INT64_MAX, NULL);
	CHECK(flat_open_fails("huge-size.flat", &b, "ends past the limit"));

	/* missing end marker; input ending inside a record */
	b.len = 0;
	flat_header(&b, FLATTENED_SIGNATURE, 1, 1);
	flat_record(&b, 0, 3, data);
	CHECK(flat_open_fails("no-end.flat", &b,
			      "no end marker after record 1"));
	b.len -= 3 + 8;
	CHECK(flat_open_fails("trunc-record.flat", &b,
			      "record 0 at 0x1000 has 8 of 16 header bytes"));
	b.len = 0;
	flat_header(&b, FLATTENED_SIGNATURE, 1, 1);
	flat_record(&b, 0, 64, data);
	b.len -= 40;
	CHECK(flat_open_fails("trunc-data.flat", &b,
			      "record 0 at 0x1000 has 24 of 64 data bytes"));

	/* bad end marker; data after it */
	b.len = 0;
	flat_header(&b, FLATTENED_SIGNATURE, 1, 1);
	flat_record(&b, -1, 0, NULL);
	CHECK(flat_open_fails("bad-end.flat", &b,
			      "end marker (record 0 at 0x1000) has size 0"));
	b.len = 0;
	flat_header(&b, FLATTENED_SIGNATURE, 1, 1);
	flat_end(&b);
	buf_add(&b, "x", 1);
	CHECK(flat_open_fails("after-end.flat", &b,
			      "data after the end marker at 0x1010"));

	/* well-formed, but not holding a kdump file */
	b.len = 0;
	flat_header(&b, FLATTENED_SIGNATURE, 1, 1);
	flat_record(&b, 0, 5, "hello");
	flat_end(&b);
	CHECK(flat_open_fails("not-kdump.flat", &b,
			      "not a kdump-compressed dump"));

	/* The limit is the caller's: a small one in memory. */
	b.len = 0;
	flat_header(&b, FLATTENED_SIGNATURE, 1, 1);
	flat_record(&b, 0, 64, data);
	flat_record(&b, 4000, 64, data);
	flat_end(&b);
	{
		struct buf out = { 0 };

		/* record 1 ends at 4064 */
		CHECK(error_is(reassemble_mem(&b, 1 << 20, 4063, &out, NULL),
			       LKDB_ERROR_INVALID, "mem.flat",
			       "record 1 at 0x1050 (offset 0xfa0, size 0x40) ends past the limit of 0xfdf bytes"));
		out.len = 0;
		CHECK(!reassemble_mem(&b, 1 << 20, 4064, &out, NULL));
		CHECK(out.len == 4064);
		free(out.data);
	}
	free(b.data);
}

/* --- a little x86_64 ELF core ----------------------------------------- */

#define PAGE 4096ull
#define START_KERNEL_MAP 0xffffffff80000000ull
#define KERNEL_OFFSET 0x20000000ull
#define TEXT (0xffffffff81000000ull + KERNEL_OFFSET)	/* at physical 0 */
#define PHYS_BASE (0 - (TEXT - START_KERNEL_MAP))
#define DIRECT_MAP 0xffff888000000000ull
#define VMALLOC 0xffffc90000000000ull
#define ABSENT_PAGE (TEXT + 16 * PAGE)	/* mapped to physical 1 MiB */
#define UNMAPPED (TEXT + 32 * PAGE)
/* its PTE table would be at physical 2 MiB, not in the dump */
#define NO_PAGE_TABLE (VMALLOC + 0x200000)
#define NR_PAGES 10
#define BANNER_AT 0x100
#define UTS_AT 0x400
#define FAKE_RELEASE "6.1.0-fake"
#define FAKE_BANNER "Linux version " FAKE_RELEASE " (test) #1 SMP\n"
#define PTE_PRESENT_RW 0x3ull
#define PTE_HUGE 0x80ull

/* Physical pages of the fake machine. */
enum {
	P_IMAGE, P_PGD, P_PUD_TEXT, P_PMD_TEXT, P_PTE_TEXT, P_VMALLOC_DATA,
	P_PUD_VMALLOC, P_PMD_VMALLOC, P_PTE_VMALLOC, P_PUD_DIRECT,
};

struct core_options {
	bool vmcoreinfo;
	const char *build_id;	/* NULL: no BUILD-ID line */
	const char *release;	/* OSRELEASE */
	uint16_t type, machine;
	size_t truncate_to;	/* 0: keep whole */
	uint64_t load_vaddr;	/* PT_LOAD p_vaddr: 0 as QEMU, or kdump's */
};

static const struct core_options good_core = {
	.vmcoreinfo = true, .release = FAKE_RELEASE,
	.type = ET_CORE, .machine = EM_X86_64,
};

static void set_entry(unsigned char *mem, unsigned int table,
		      unsigned int index, uint64_t value)
{
	memcpy(mem + table * PAGE + index * 8, &value, 8);
}

static unsigned int idx(uint64_t va, int level)
{
	return (unsigned int)(va >> (12 + 9 * level)) & 511;
}

static void build_memory(unsigned char *mem)
{
	char uts[6 * 65] = { 0 };

	memcpy(mem + BANNER_AT, FAKE_BANNER, sizeof(FAKE_BANNER));
	strcpy(uts, "Linux");
	strcpy(uts + 2 * 65, FAKE_RELEASE);
	memcpy(mem + UTS_AT, uts, sizeof(uts));
	for (unsigned int i = 0; i < PAGE; i++)
		mem[P_VMALLOC_DATA * PAGE + i] = (unsigned char)(i ^ 0x5a);

	/* kernel image: TEXT + i pages -> physical page i */
	set_entry(mem, P_PGD, idx(TEXT, 3),
		  P_PUD_TEXT * PAGE | PTE_PRESENT_RW);
	set_entry(mem, P_PUD_TEXT, idx(TEXT, 2),
		  P_PMD_TEXT * PAGE | PTE_PRESENT_RW);
	set_entry(mem, P_PMD_TEXT, idx(TEXT, 1),
		  P_PTE_TEXT * PAGE | PTE_PRESENT_RW);
	for (unsigned int i = 0; i < NR_PAGES; i++)
		set_entry(mem, P_PTE_TEXT, idx(TEXT, 0) + i,
			  i * PAGE | PTE_PRESENT_RW);
	/* mapped, but physical 1 MiB is not in the dump */
	set_entry(mem, P_PTE_TEXT, idx(ABSENT_PAGE, 0),
		  0x100000 | PTE_PRESENT_RW);

	/* one vmalloc page */
	set_entry(mem, P_PGD, idx(VMALLOC, 3),
		  P_PUD_VMALLOC * PAGE | PTE_PRESENT_RW);
	set_entry(mem, P_PUD_VMALLOC, idx(VMALLOC, 2),
		  P_PMD_VMALLOC * PAGE | PTE_PRESENT_RW);
	set_entry(mem, P_PMD_VMALLOC, idx(VMALLOC, 1),
		  P_PTE_VMALLOC * PAGE | PTE_PRESENT_RW);
	set_entry(mem, P_PTE_VMALLOC, idx(VMALLOC, 0),
		  P_VMALLOC_DATA * PAGE | PTE_PRESENT_RW);
	set_entry(mem, P_PMD_VMALLOC, idx(NO_PAGE_TABLE, 1),
		  0x200000 | PTE_PRESENT_RW);

	/* direct map: one 1 GiB page at physical 0 */
	set_entry(mem, P_PGD, idx(DIRECT_MAP, 3),
		  P_PUD_DIRECT * PAGE | PTE_PRESENT_RW);
	set_entry(mem, P_PUD_DIRECT, idx(DIRECT_MAP, 2),
		  0 | PTE_PRESENT_RW | PTE_HUGE);
}

static void add_note(struct buf *b, const char *name, uint32_t type,
		     const void *desc, size_t desc_len)
{
	uint32_t h[3] = { (uint32_t)strlen(name) + 1, (uint32_t)desc_len,
			  type };
	static const unsigned char pad[4];

	buf_add(b, h, sizeof(h));
	buf_add(b, name, h[0]);
	buf_add(b, pad, (4 - h[0] % 4) % 4);
	buf_add(b, desc, desc_len);
	buf_add(b, pad, (4 - desc_len % 4) % 4);
}

/* struct elf_prstatus on x86_64: 336 bytes, pr_pid at 32, pr_reg at 112 */
static void add_prstatus(struct buf *notes, unsigned int cpu)
{
	unsigned char desc[336] = { 0 };
	uint32_t pid = cpu + 1;

	memcpy(desc + 32, &pid, 4);
	for (unsigned int i = 0; i < 27; i++) {
		uint64_t v = 0x1000ull * (cpu + 1) + i;

		memcpy(desc + 112 + 8 * i, &v, 8);
	}
	add_note(notes, "CORE", NT_PRSTATUS, desc, sizeof(desc));
}

static bool write_core(const char *path, const struct core_options *o)
{
	struct buf notes = { 0 }, file = { 0 };
	unsigned char *mem = calloc(NR_PAGES, PAGE);
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph[2] = { { 0 } };
	char info[2048];
	size_t mem_offset;
	bool ok;

	build_memory(mem);
	add_prstatus(&notes, 0);
	add_prstatus(&notes, 1);
	if (o->vmcoreinfo) {
		int n = snprintf(info, sizeof(info),
			"OSRELEASE=%s\n"
			"%s%s%s"
			"PAGESIZE=4096\n"
			"SYMBOL(init_uts_ns)=%" PRIx64 "\n"
			"OFFSET(uts_namespace.name)=0\n"
			"SYMBOL(swapper_pg_dir)=%" PRIx64 "\n"
			"SYMBOL(_stext)=%" PRIx64 "\n"
			"SYMBOL(init_top_pgt)=%" PRIx64 "\n"
			"NUMBER(pgtable_l5_enabled)=0\n"
			"NUMBER(phys_base)=%" PRId64 "\n"
			"KERNELOFFSET=%" PRIx64 "\n"
			"NUMBER(KERNEL_IMAGE_SIZE)=1073741824\n",
			o->release,
			o->build_id ? "BUILD-ID=" : "",
			o->build_id ? o->build_id : "",
			o->build_id ? "\n" : "",
			(uint64_t)(TEXT + UTS_AT),
			(uint64_t)(TEXT + P_PGD * PAGE),
			(uint64_t)TEXT,
			(uint64_t)(TEXT + P_PGD * PAGE),
			(int64_t)PHYS_BASE, (uint64_t)KERNEL_OFFSET);

		add_note(&notes, "VMCOREINFO", 0, info, (size_t)n);
	}

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = o->type;
	eh.e_machine = o->machine;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 2;

	mem_offset = (sizeof(eh) + sizeof(ph) + notes.len + PAGE - 1) &
		     ~(PAGE - 1);
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = sizeof(eh) + sizeof(ph);
	ph[0].p_filesz = notes.len;
	/* physical only, as QEMU writes them */
	ph[1].p_type = PT_LOAD;
	ph[1].p_offset = mem_offset;
	ph[1].p_vaddr = o->load_vaddr;
	ph[1].p_filesz = ph[1].p_memsz = NR_PAGES * PAGE;
	ph[1].p_flags = PF_R | PF_W | PF_X;

	buf_add(&file, &eh, sizeof(eh));
	buf_add(&file, ph, sizeof(ph));
	buf_add(&file, notes.data, notes.len);
	buf_zeros(&file, mem_offset - file.len);
	buf_add(&file, mem, NR_PAGES * PAGE);
	if (o->truncate_to && o->truncate_to < file.len)
		file.len = o->truncate_to;
	ok = write_file(path, file.data, file.len);
	free(notes.data);
	free(file.data);
	free(mem);
	return ok;
}

static struct lkdb_dump *open_core(const char *name,
				   const struct core_options *o)
{
	const char *path = tmp_path(name);
	struct lkdb_dump *dump = NULL;
	struct lkdb_error *err;

	if (!write_core(path, o))
		return NULL;
	err = dump_open(path, &dump);
	if (err) {
		printf("#   %s\n", err->message);
		lkdb_error_destroy(err);
		return NULL;
	}
	return dump;
}

TEST(elf_core_vmcoreinfo_and_registers)
{
	struct lkdb_dump *dump = open_core("good.core", &good_core);
	struct x86_64_regs regs;

	CHECK(dump);
	if (!dump)
		return;
	CHECK_STR(dump_format_name(dump), "ELF");
	CHECK(dump_format(dump) == DUMP_FORMAT_ELF);
	CHECK(strstr(dump_path(dump), "good.core"));
	CHECK_STR(dump_vmcoreinfo(dump, "OSRELEASE"), FAKE_RELEASE);
	CHECK_STR(dump_vmcoreinfo(dump, "KERNELOFFSET"), "20000000");
	CHECK_STR(dump_vmcoreinfo(dump, "OFFSET(uts_namespace.name)"), "0");
	CHECK(!dump_vmcoreinfo(dump, "BUILD-ID"));
	CHECK(!dump_vmcoreinfo(dump, "NO-SUCH-KEY"));
	CHECK(dump_kaslr_offset(dump) == KERNEL_OFFSET);

	CHECK(dump_nr_cpus(dump) == 2);
	CHECK(!dump_cpu_regs(dump, 1, &regs));
	/* pr_reg is struct x86_64_regs' order: r15 first, gs last */
	CHECK(regs.r15 == 0x2000 && regs.rip == 0x2000 + 16 &&
	      regs.eflags == 0x2000 + 18 && regs.rsp == 0x2000 + 19 &&
	      regs.fs_base == 0x2000 + 21 && regs.gs == 0x2000 + 26);
	CHECK(!dump_cpu_regs(dump, 0, &regs));
	CHECK(regs.rip == 0x1000 + 16 && regs.orig_rax == 0x1000 + 15);
	CHECK(error_is(dump_cpu_regs(dump, 2, &regs), LKDB_ERROR_NOT_FOUND,
		       "good.core", "no registers of CPU 2 in the dump (it has 2)"));
	dump_destroy(dump);
}

TEST(elf_core_reads_through_page_tables)
{
	struct lkdb_dump *dump = open_core("good.core", &good_core);
	unsigned char page[PAGE], expect[PAGE];
	char banner[sizeof(FAKE_BANNER)];
	struct lkdb_target target;
	uint64_t word;

	CHECK(dump);
	if (!dump)
		return;
	/* kernel image, vmalloc and the direct map (a 1 GiB page) */
	CHECK(!dump_read(dump, TEXT + BANNER_AT, banner, sizeof(banner)));
	CHECK(memcmp(banner, FAKE_BANNER, sizeof(banner)) == 0);
	for (unsigned int i = 0; i < PAGE; i++)
		expect[i] = (unsigned char)(i ^ 0x5a);
	CHECK(!dump_read(dump, VMALLOC, page, PAGE));
	CHECK(memcmp(page, expect, PAGE) == 0);
	CHECK(!dump_read(dump, DIRECT_MAP + P_VMALLOC_DATA * PAGE + 100,
			 page, 50));
	CHECK(memcmp(page, expect + 100, 50) == 0);
	CHECK(!dump_read(dump, DIRECT_MAP + BANNER_AT, banner,
			 sizeof(banner)));
	CHECK(memcmp(banner, FAKE_BANNER, sizeof(banner)) == 0);
	/* across a page boundary of the kernel image */
	CHECK(!dump_read(dump, TEXT + P_PGD * PAGE - 8, page, 16));
	CHECK(!dump_read_phys(dump, BANNER_AT, banner, sizeof(banner)));
	CHECK(memcmp(banner, FAKE_BANNER, sizeof(banner)) == 0);
	CHECK(!dump_read(dump, TEXT, page, 0));

	/* faults name the address */
	CHECK(error_is(dump_read(dump, ABSENT_PAGE + 8, &word, 8),
		       LKDB_ERROR_FAULT, NULL,
		       "address 0xffffffffa1010008: page not in the dump (filtered?)"));
	CHECK(error_is(dump_read(dump, UNMAPPED, &word, 8), LKDB_ERROR_FAULT,
		       NULL, "address 0xffffffffa1020000: not mapped"));
	CHECK(error_is(dump_read(dump, 0x1000, &word, 8), LKDB_ERROR_FAULT,
		       NULL, "address 0x1000: not mapped"));
#ifndef LIBRARY_LEAK_CHECKED
	CHECK(error_is(dump_read(dump, NO_PAGE_TABLE, &word, 8),
		       LKDB_ERROR_FAULT, NULL,
		       "address 0xffffc90000200000: cannot translate it through the dump's page tables"));
#endif
	CHECK(error_is(dump_read_phys(dump, 0x100000, &word, 8),
		       LKDB_ERROR_FAULT, NULL,
		       "physical address 0x100000: page not in the dump"));
	/* a read running into a missing page names its first byte */
	CHECK(error_is(dump_read(dump, TEXT + (NR_PAGES * PAGE) - 4, &word,
				 8),
		       LKDB_ERROR_FAULT, NULL, "address 0xffffffffa100a000"));
	CHECK(error_is(dump_read(dump, UINT64_MAX - 3, &word, 8),
		       LKDB_ERROR_FAULT, NULL, "wrap around"));

	/* the same through the target interface */
	dump_target(dump, &target);
	CHECK(target.nr_cpus(target.context) == 2);
	CHECK(!target_read(&target, TEXT + BANNER_AT, banner, 14));
	CHECK(memcmp(banner, "Linux version ", 14) == 0);
	{
		struct x86_64_regs regs;

		CHECK(!target.cpu_regs(target.context, 1, &regs));
		CHECK(regs.rip == 0x2000 + 16);
	}
	CHECK(error_is(target_read(&target, UNMAPPED, &word, 8),
		       LKDB_ERROR_FAULT, NULL, "not mapped"));
	dump_destroy(dump);
}

/*
 * kdump's /proc/vmcore gives PT_LOADs the direct-map address; reads still
 * go through the page tables, and where those do not map, nothing is read.
 */
TEST(elf_core_with_virtual_loads_as_kdump_writes)
{
	struct core_options o = good_core;
	char banner[sizeof(FAKE_BANNER)];
	struct lkdb_dump *dump;
	uint64_t word;

	o.load_vaddr = DIRECT_MAP;
	dump = open_core("kdump-style.core", &o);
	CHECK(dump);
	if (!dump)
		return;
	CHECK(!dump_read(dump, TEXT + BANNER_AT, banner, sizeof(banner)));
	CHECK(memcmp(banner, FAKE_BANNER, sizeof(banner)) == 0);
	CHECK(!dump_read(dump, DIRECT_MAP + BANNER_AT, banner,
			 sizeof(banner)));
	CHECK(memcmp(banner, FAKE_BANNER, sizeof(banner)) == 0);
	CHECK(error_is(dump_read(dump, 0x1000, &word, 8), LKDB_ERROR_FAULT,
		       NULL, "address 0x1000: not mapped"));
	dump_destroy(dump);
}

TEST(elf_core_bad_inputs)
{
	struct core_options o = good_core;
	const char *path;

	o.vmcoreinfo = false;
	path = tmp_path("no-vmcoreinfo.core");
	CHECK(write_core(path, &o));
	CHECK(open_fails(path,
			 "no VMCOREINFO in this dump (QEMU: start the guest with -device vmcoreinfo"));

	o = good_core;
	o.truncate_to = 3 * PAGE;
	path = tmp_path("truncated.core");
	CHECK(write_core(path, &o));
	CHECK(open_fails(path, "truncated: PT_LOAD segment 1"));
	o.truncate_to = 100;
	CHECK(write_core(path, &o));
	CHECK(open_fails(path, "truncated: 2 program headers"));
	o.truncate_to = 40;
	CHECK(write_core(path, &o));
	CHECK(open_fails(path, "truncated: ELF header has 40 of 64 bytes"));

	o = good_core;
	o.type = ET_EXEC;
	path = tmp_path("exec.core");
	CHECK(write_core(path, &o));
	CHECK(open_fails(path, "not a core dump (the vmlinux given"));
	o = good_core;
	o.machine = EM_AARCH64;
	path = tmp_path("arm.core");
	CHECK(write_core(path, &o));
	CHECK(open_fails(path, "lkdb reads x86_64 dumps only"));
	/* the vmlinux itself given as the dump */
	CHECK(open_fails(vmlinux_fixture, "an ELF executable, not a core dump"));
}

TEST(check_vmlinux_by_build_id_then_release)
{
	struct core_options o = good_core;
	struct vmlinux *vm = NULL;
	struct lkdb_dump *dump;
	struct lkdb_error *err;
	const char *id;

	err = vmlinux_open(vmlinux_fixture, &vm);
	CHECK(!err);
	if (err) {
		lkdb_error_destroy(err);
		return;
	}
	id = vmlinux_build_id(vm);
	CHECK(id && strlen(id) == 40);

	/* same build id (in upper case), though the releases differ */
	{
		char upper[64];

		snprintf(upper, sizeof(upper), "%s", id);
		for (char *c = upper; *c; c++)
			if (*c >= 'a' && *c <= 'f')
				*c = (char)(*c - 'a' + 'A');
		o.build_id = upper;
		dump = open_core("id-match.core", &o);
		CHECK(dump && !dump_check_vmlinux(dump, vm));
		dump_destroy(dump);
	}

	/* another build id, though the releases agree */
	o.build_id = "0123456789abcdef0123456789abcdef01234567";
	o.release = vmlinux_release(vm);
	dump = open_core("id-mismatch.core", &o);
	CHECK(dump);
	if (dump) {
		err = dump_check_vmlinux(dump, vm);
		CHECK(err && strstr(err->message, id) &&
		      strstr(err->message, vmlinux_fixture));
		CHECK(error_is(err, LKDB_ERROR_MISMATCH, "id-mismatch.core",
			       "build-id"));
		dump_destroy(dump);
	}

	/* no BUILD-ID: the release decides */
	o.build_id = NULL;
	dump = open_core("release-match.core", &o);
	CHECK(dump && !dump_check_vmlinux(dump, vm));
	dump_destroy(dump);
	o.release = FAKE_RELEASE;
	dump = open_core("release-mismatch.core", &o);
	CHECK(dump);
	if (dump) {
		err = dump_check_vmlinux(dump, vm);
		CHECK(err && strstr(err->message, vmlinux_release(vm)) &&
		      strstr(err->message, vmlinux_fixture));
		CHECK(error_is(err, LKDB_ERROR_MISMATCH, "release-mismatch.core",
			       "the dumped kernel's " FAKE_RELEASE));
		dump_destroy(dump);
	}
	vmlinux_destroy(vm);
}

static void remove_tmpdir(void)
{
	char cmd[8192];

	/* Only ever our own mkdtemp directory. */
	if (tmpdir[0] && strstr(tmpdir, "/lkdb-test-dump.")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
	}
}

int main(int argc, char **argv)
{
	const char *base = getenv("TMPDIR");

	if (argc != 2) {
		fprintf(stderr, "usage: %s VMLINUX-FIXTURE\n", argv[0]);
		return 2;
	}
	vmlinux_fixture = argv[1];
	snprintf(tmpdir, sizeof(tmpdir), "%s/lkdb-test-dump.XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return 1;
	}

	RUN(detect_format_from_magic);
	RUN(probe_format_of_tiny_files);
	RUN(probe_and_open_errors_name_the_file);
	RUN(flattened_reassembly_is_byte_exact);
	RUN(flattened_reassembly_does_not_depend_on_read_sizes);
	RUN(flattened_reassembly_of_big_runs_is_byte_exact);
	RUN(flattened_bad_inputs_are_clear_errors);
	RUN(flattened_copy_reused_only_for_the_same_file);
	RUN(elf_core_vmcoreinfo_and_registers);
	RUN(elf_core_reads_through_page_tables);
	RUN(elf_core_with_virtual_loads_as_kdump_writes);
	RUN(elf_core_bad_inputs);
	RUN(check_vmlinux_by_build_id_then_release);
	remove_tmpdir();
	return tap_done();
}
