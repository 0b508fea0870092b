/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A QEMU guest's RAM read straight from the file QEMU keeps it in (a
 * memory-backend-file or -memfd with share=on), with the kernel's x86_64
 * page tables walked over it (by libaddrxlat, xlat.h): kernel memory without a round trip through
 * gdb and the stub (~0.1-0.3 ms each), valid while the guest is stopped.
 * A guest whose RAM no file shares is read the same way from copies of
 * its RAM made on demand, a piece at a time (guest_ram_open_copied).
 *
 * The QEMU side (which backend, where its pages sit in the guest's
 * physical address space) comes from the monitor's text, parsed here;
 * frontend/target/guest_ram_live.c asks for it through gdb.
 */
#ifndef LKDB_GUESTRAM_H
#define LKDB_GUESTRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/target.h"

/* Guest physical [start, end) is at offset in the backend's file. */
struct guest_ram_range {
	uint64_t start, end, offset;
};

/* A memory backend as `info memdev` lists it. */
struct guest_ram_backend {
	char id[64];
	uint64_t size;
	bool share;
};

/*
 * `info memdev`: the backends (at most max; *n_ret may exceed max, only
 * max are filled).
 */
void guest_ram_parse_memdev(const char *text, struct guest_ram_backend *ret,
			    size_t max, size_t *n_ret);
/*
 * `qom-get PATH mem-path`: the quoted string it prints.  NULL when the
 * text is an error or not a string.  The caller frees it.
 */
char *guest_ram_parse_qom_string(const char *text);
/*
 * `info mtree -f`: the ranges of the flat view of the CPUs' address space
 * (AS "memory") that are backed by the memory region named region (RAM or
 * ROM), sorted, adjacent ones merged.  LKDB_ERROR_NOT_FOUND when there
 * are none.  The caller frees *ranges_ret.
 */
struct lkdb_error *guest_ram_parse_mtree(const char *text, const char *region,
					 struct guest_ram_range **ranges_ret,
					 size_t *n_ret);

/*
 * QEMU's -m value in bytes ("512" is MiB, "1G", "size=2G,slots=2,maxmem=8G"),
 * 0 when it is not one lkdb can tell (a fraction, a bad suffix).
 */
uint64_t guest_ram_parse_qemu_size(const char *value);

struct guest_ram;

/*
 * Take fd (the backend's file, owned from here on, closed on error too)
 * with its ranges; name says which file in messages.  LKDB_ERROR_INVALID
 * when a range lies past the end of the file.
 */
struct lkdb_error *guest_ram_open(int fd, const char *name,
				  const struct guest_ram_range *ranges,
				  size_t n, struct guest_ram **ret);
/*
 * Guest memory that no file shares, copied on demand (a plain QEMU's RAM,
 * which its monitor's pmemsave writes out): copy() fills buf with guest
 * physical [paddr, paddr + len), which lies in one range; release (may be
 * NULL) frees context when the guest_ram goes.
 */
struct guest_ram_copier {
	struct lkdb_error *(*copy)(void *context, uint64_t paddr, void *buf,
				   size_t len);
	void (*release)(void *context);
	void *context;
};
/* The pieces copied mode copies: 128 KiB, aligned. */
#define GUEST_RAM_COPY_SHIFT 17
#define GUEST_RAM_COPY_PIECE (1u << GUEST_RAM_COPY_SHIFT)
/*
 * Read ranges (sorted and apart; offsets unused) through copier, in
 * aligned pieces of GUEST_RAM_COPY_PIECE, each copied once between two
 * guest_ram_flush() calls.  The copier is released on error too.
 */
struct lkdb_error *guest_ram_open_copied(const char *name,
					 const struct guest_ram_range *ranges,
					 size_t n,
					 const struct guest_ram_copier *copier,
					 struct guest_ram **ret);
void guest_ram_destroy(struct guest_ram *g);
const char *guest_ram_name(const struct guest_ram *g);

/* Guest physical memory; LKDB_ERROR_FAULT outside the ranges. */
struct lkdb_error *guest_ram_read_phys(struct guest_ram *g, uint64_t paddr,
				       void *buf, size_t len);

/*
 * The kernel's page tables: the physical address of its top level
 * (init_top_pgt) and 4 or 5 levels, translated by libaddrxlat (xlat.h),
 * the translator dumps use too.
 */
struct lkdb_error *guest_ram_set_paging(struct guest_ram *g, uint64_t root,
					unsigned levels);
/*
 * Translate a kernel virtual address (4 KiB, 2 MiB and 1 GiB pages).
 * LKDB_ERROR_FAULT when it is not mapped (or no paging is set).
 * Translations are kept until guest_ram_flush().
 */
struct lkdb_error *guest_ram_vtop(struct guest_ram *g, uint64_t vaddr,
				  uint64_t *paddr_ret);
/*
 * Forget cached translations and copied memory: the guest ran (or was
 * written to), its memory and page tables may differ.
 */
void guest_ram_flush(struct guest_ram *g);
/* Kernel virtual memory through the page tables, from the file alone. */
struct lkdb_error *guest_ram_read(struct guest_ram *g, uint64_t vaddr,
				  void *buf, size_t len);

/*
 * A reader that reads from the file and hands any read it cannot do there
 * (not mapped, not RAM: e.g. device memory) to fallback, which then gives
 * the answer or the error.  fallback is copied; ret is valid as long as g.
 */
void guest_ram_reader(struct guest_ram *g,
		      const struct kernel_memory_reader *fallback,
		      struct kernel_memory_reader *ret);

/*
 * Optional: asked before each read of the reader.  Returns a number that
 * changes whenever the guest ran (cached translations are dropped then),
 * or GUEST_RAM_RUNNING while the file may not be read (the guest runs and
 * writes it, or the file is not known good yet): every read goes to the
 * fallback.
 */
#define GUEST_RAM_RUNNING UINT64_MAX
void guest_ram_set_guard(struct guest_ram *g,
			 uint64_t (*guard)(void *context), void *context);

struct guest_ram_stats {
	unsigned long direct;	/* reads answered from the file */
	unsigned long fallback;	/* reads handed to the fallback */
	unsigned long copies;	/* copier calls (copied mode) */
};
void guest_ram_stats(const struct guest_ram *g, struct guest_ram_stats *ret);

#endif
