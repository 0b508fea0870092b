/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Find the KASLR offset of a running kernel: the amount its image was moved
 * from the vmlinux's link-time addresses.  Found by probing for the
 * vmlinux's linux_banner at every offset the kernel could have been placed
 * at; a miss means the vmlinux is not the running kernel.
 */
#ifndef LKDB_KASLR_H
#define LKDB_KASLR_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/target.h"

struct vmlinux;

/*
 * Where the kernel image may be placed: every candidate offset is a
 * multiple of align and keeps the whole image inside
 * [region_start, region_end).
 */
struct kaslr_layout {
	uint64_t region_start, region_end, align;
};

/*
 * x86_64: the image lives in [__START_KERNEL_map, +KERNEL_IMAGE_SIZE (1 GiB
 * with KASLR)) and arch/x86/boot/compressed/kaslr.c only moves it up from
 * its link address, in steps of CONFIG_PHYSICAL_ALIGN (Debian: 0x200000).
 */
extern const struct kaslr_layout kaslr_layout_x86_64;

/* What a probe cost: each read is a round trip to the target. */
struct kaslr_stats {
	unsigned int candidates;	/* offsets tried */
	unsigned int reads;		/* calls of reader->read */
	unsigned int failed_reads;	/* of which failed (unmapped) */
	size_t bytes;			/* bytes asked for */
};

/*
 * Find the offset at which the running kernel holds banner[0, banner_len)
 * at banner_link_addr + offset, the image [image_start_link,
 * image_end_link) being placed per layout.  Offset 0 (nokaslr) is tried
 * first, then the multiples of layout->align upwards.  Only a 14-byte
 * prefix ("Linux version ") is read at each candidate, the rest only where
 * it matches.  Pass the banner's NUL in banner_len to match it exactly.
 *
 * Errors: LKDB_ERROR_MISMATCH when no candidate holds the banner (naming the
 * running kernel's banner if one was seen at a candidate), LKDB_ERROR_FAULT
 * when no candidate was readable at all, else the reader's error.
 * On a MISMATCH where another banner was seen, *offset_ret is its offset (a
 * rebuilt kernel usually keeps the layout: the best guess for going on).
 * stats_ret (may be NULL) is filled on success and on error.
 */
struct lkdb_error *kaslr_probe(const char *banner, size_t banner_len,
			       uint64_t banner_link_addr,
			       uint64_t image_start_link,
			       uint64_t image_end_link,
			       const struct kaslr_layout *layout,
			       const struct kernel_memory_reader *reader,
			       uint64_t *offset_ret,
			       struct kaslr_stats *stats_ret);

/*
 * Every offset by which the image [image_start_link, image_end_link) may
 * have been moved per layout, in kaslr_probe()'s order: 0 (nokaslr), then
 * the multiples of layout->align upwards.  *offsets_ret is malloc'd.
 */
struct lkdb_error *kaslr_candidates(uint64_t image_start_link,
				   uint64_t image_end_link,
				   const struct kaslr_layout *layout,
				   uint64_t **offsets_ret, size_t *n_ret);
/* kaslr_probe() for vm's linux_banner and [_text, _end) on x86_64. */
struct lkdb_error *kaslr_find_offset(const struct vmlinux *vm,
				     const struct kernel_memory_reader *reader,
				     uint64_t *offset_ret,
				     struct kaslr_stats *stats_ret);

/*
 * Check a KASLR offset given by the user: LKDB_ERROR_MISMATCH unless the
 * running kernel holds vm's linux_banner at its address + offset.  One read.
 */
struct lkdb_error *kaslr_check_offset(const struct vmlinux *vm,
				      const struct kernel_memory_reader *reader,
				      uint64_t offset);

#endif
