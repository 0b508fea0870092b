// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/kaslr.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/printable.h"
#include "kernel-helpers/core/vmlinux.h"

/*
 * CONFIG_PHYSICAL_ALIGN must be a multiple of 2 MiB on x86_64 (the image is
 * mapped with 2 MiB pages), so 2 MiB steps cover every kernel config.
 */
const struct kaslr_layout kaslr_layout_x86_64 = {
	.region_start = 0xffffffff80000000,	/* __START_KERNEL_map */
	.region_end = 0xffffffffc0000000,	/* + KERNEL_IMAGE_SIZE (1 GiB) */
	.align = 0x200000,
};

/* strlen("Linux version "): a wrong candidate almost never matches it. */
#define PROBE_PREFIX_LEN 14

/*
 * The first line of a banner for an error message: up to a newline or NUL,
 * "..." if neither is within len, unprintable bytes as '?'.
 */
static char *one_line(const char *text, size_t len)
{
	size_t n = 0;
	while (n < len && text[n] != '\n' && text[n] != '\0')
		n++;
	bool cut = n == len;
	char *line = malloc(n + (cut ? 4 : 1));
	if (!line)
		return NULL;
	lkdb_printable(line, text, n, "");
	strcpy(line + n, cut ? "..." : "");
	return line;
}

static struct lkdb_error *differ_error(const char *banner, size_t banner_len,
				       const char *running, uint64_t offset)
{
	char *ours = one_line(banner, banner_len);
	char *theirs = one_line(running, banner_len);
	struct lkdb_error *err = &lkdb_error_oom;
	if (ours && theirs)
		err = lkdb_error_create(LKDB_ERROR_MISMATCH,
					"vmlinux is \"%s\" but the running kernel is \"%s\" (at offset 0x%" PRIx64 ")",
					ours, theirs, offset);
	free(ours);
	free(theirs);
	return err;
}

/* State of one kaslr_probe(). */
struct probe {
	const char *banner;
	size_t banner_len, prefix_len;
	const struct kernel_memory_reader *reader;
	struct kaslr_stats stats;
	char *buf;		/* banner_len bytes read at a candidate */
	bool any_mapped;
	char *other;		/* first other banner seen, else NULL */
	uint64_t other_off;
};

/*
 * Read len bytes at addr, counting the cost.  *mapped_ret is false when the
 * reader reported a fault (the address is not mapped); other errors are
 * returned.
 */
static struct lkdb_error *probe_read(struct probe *p, uint64_t addr,
				     void *buf, size_t len, bool *mapped_ret)
{
	p->stats.reads++;
	p->stats.bytes += len;
	struct lkdb_error *err = p->reader->read(p->reader->context, addr, buf,
						 len);
	*mapped_ret = !err;
	if (!err)
		return NULL;
	p->stats.failed_reads++;
	if (err->code == LKDB_ERROR_FAULT) {
		lkdb_error_destroy(err);
		return NULL;
	}
	return lkdb_error_prefix(err, "KASLR probe: reading 0x%" PRIx64, addr);
}

/* Is the banner at addr?  The rest is read only after the prefix matched. */
static struct lkdb_error *probe_candidate(struct probe *p, uint64_t addr,
					  uint64_t off, bool *match_ret)
{
	bool mapped;
	*match_ret = false;
	p->stats.candidates++;
	struct lkdb_error *err = probe_read(p, addr, p->buf, p->prefix_len,
					    &mapped);
	if (err || !mapped)
		return err;
	p->any_mapped = true;
	if (memcmp(p->buf, p->banner, p->prefix_len) != 0)
		return NULL;
	if (p->banner_len > p->prefix_len) {
		err = probe_read(p, addr + p->prefix_len,
				 p->buf + p->prefix_len,
				 p->banner_len - p->prefix_len, &mapped);
		if (err || !mapped)
			return err;
	}
	if (memcmp(p->buf, p->banner, p->banner_len) == 0) {
		*match_ret = true;
		return NULL;
	}
	/* another kernel's banner: remember it, but keep looking */
	if (!p->other) {
		p->other = malloc(p->banner_len);
		if (!p->other)
			return &lkdb_error_oom;
		memcpy(p->other, p->buf, p->banner_len);
		p->other_off = off;
	}
	return NULL;
}

static struct lkdb_error *not_found_error(const struct probe *p)
{
	if (p->other)
		return differ_error(p->banner, p->banner_len, p->other,
				    p->other_off);
	char *ours = one_line(p->banner, p->banner_len);
	if (!ours)
		return &lkdb_error_oom;
	struct lkdb_error *err;
	if (p->any_mapped)
		err = lkdb_error_create(LKDB_ERROR_MISMATCH,
					"linux_banner of vmlinux (%s) not found in the running kernel at any KASLR offset: the vmlinux does not match the running kernel",
					ours);
	else
		/* rather an unreadable target than a wrong vmlinux */
		err = lkdb_error_create(LKDB_ERROR_FAULT,
					"linux_banner of vmlinux (%s) not found: no candidate KASLR offset was readable in the running kernel (%u tried)",
					ours, p->stats.candidates);
	free(ours);
	return err;
}

/* Smallest multiple of align that is >= x and > 0; false on overflow. */
static bool first_multiple(uint64_t x, uint64_t align, uint64_t *ret)
{
	uint64_t m = x / align * align;
	if (m < x) {
		if (m > UINT64_MAX - align)
			return false;
		m += align;
	}
	*ret = m ? m : align;
	return true;
}

struct lkdb_error *kaslr_candidates(uint64_t image_start_link,
				   uint64_t image_end_link,
				   const struct kaslr_layout *layout,
				   uint64_t **offsets_ret, size_t *n_ret)
{
	if (!layout->align || image_start_link >= image_end_link)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "KASLR candidates: empty image or no alignment");
	/*
	 * Offsets past 0 run from first, the lowest multiple of align that
	 * puts the image at or above region_start, to max_off, the highest
	 * that keeps its end within region_end.
	 */
	uint64_t align = layout->align, first = 0, max_off = 0;
	bool positive = first_multiple(image_start_link < layout->region_start ?
				       layout->region_start - image_start_link : 0,
				       align, &first) &&
			image_end_link <= layout->region_end &&
			layout->region_end - image_end_link >= first;
	if (positive)
		max_off = layout->region_end - image_end_link;
	size_t n = positive ? (size_t)((max_off - first) / align) + 2 : 1;
	uint64_t *offsets = malloc(n * sizeof(*offsets));
	if (!offsets)
		return &lkdb_error_oom;
	offsets[0] = 0;
	for (size_t i = 1; i < n; i++)
		offsets[i] = first + (i - 1) * align;
	*offsets_ret = offsets;
	*n_ret = n;
	return NULL;
}

struct lkdb_error *kaslr_probe(const char *banner, size_t banner_len,
			       uint64_t banner_link_addr,
			       uint64_t image_start_link,
			       uint64_t image_end_link,
			       const struct kaslr_layout *layout,
			       const struct kernel_memory_reader *reader,
			       uint64_t *offset_ret,
			       struct kaslr_stats *stats_ret)
{
	struct probe p = {
		.banner = banner,
		.banner_len = banner_len,
		.prefix_len = banner_len < PROBE_PREFIX_LEN ? banner_len
							    : PROBE_PREFIX_LEN,
		.reader = reader,
	};
	struct lkdb_error *err = NULL;
	uint64_t *offsets = NULL;
	size_t n = 0;
	if (!banner_len || image_start_link >= image_end_link ||
	    banner_link_addr < image_start_link ||
	    banner_len > image_end_link - banner_link_addr)
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"KASLR probe: banner not inside the kernel image");
	else if (!(p.buf = malloc(banner_len)))
		err = &lkdb_error_oom;
	if (!err)
		err = kaslr_candidates(image_start_link, image_end_link, layout,
				       &offsets, &n);
	bool match = false;
	size_t i;
	for (i = 0; !err && i < n; i++) {
		err = probe_candidate(&p, banner_link_addr + offsets[i],
				      offsets[i], &match);
		if (match)
			break;
	}
	if (!err && !match)
		err = not_found_error(&p);
	if (match)
		*offset_ret = offsets[i];
	else if (p.other)
		/* another build at this offset: the best guess for --force */
		*offset_ret = p.other_off;
	free(offsets);
	free(p.other);
	free(p.buf);
	if (stats_ret)
		*stats_ret = p.stats;
	return err;
}

struct lkdb_error *kaslr_find_offset(const struct vmlinux *vm,
				     const struct kernel_memory_reader *reader,
				     uint64_t *offset_ret,
				     struct kaslr_stats *stats_ret)
{
	uint64_t banner_addr, start, end;
	struct lkdb_error *err = vmlinux_symbol(vm, "linux_banner",
						&banner_addr, NULL);
	if (err) {
		if (stats_ret)
			*stats_ret = (struct kaslr_stats){ 0 };
		return err;
	}
	vmlinux_text_range(vm, &start, &end);
	const char *banner = vmlinux_banner(vm);
	return kaslr_probe(banner, strlen(banner) + 1, banner_addr, start, end,
			   &kaslr_layout_x86_64, reader, offset_ret, stats_ret);
}

struct lkdb_error *kaslr_check_offset(const struct vmlinux *vm,
				      const struct kernel_memory_reader *reader,
				      uint64_t offset)
{
	uint64_t link_addr;
	struct lkdb_error *err = vmlinux_symbol(vm, "linux_banner", &link_addr,
						NULL);
	if (err)
		return err;
	const char *banner = vmlinux_banner(vm);
	size_t len = strlen(banner) + 1;
	uint64_t addr = link_addr + offset;
	char *buf = malloc(len);
	if (!buf)
		return &lkdb_error_oom;

	err = reader->read(reader->context, addr, buf, len);
	if (err && err->code == LKDB_ERROR_FAULT) {
		err = lkdb_error_prefix(err, "KASLR offset 0x%" PRIx64 ": linux_banner not readable at 0x%" PRIx64 " in the running kernel",
					offset, addr);
		err->code = LKDB_ERROR_MISMATCH;
	} else if (!err && memcmp(buf, banner, PROBE_PREFIX_LEN) != 0) {
		err = lkdb_error_create(LKDB_ERROR_MISMATCH,
					"KASLR offset 0x%" PRIx64 ": no linux_banner at 0x%" PRIx64 " in the running kernel (wrong offset, or the vmlinux does not match)",
					offset, addr);
	} else if (!err && memcmp(buf, banner, len) != 0) {
		err = differ_error(banner, len, buf, offset);
	}
	free(buf);
	return err;
}
