/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel virtual to physical addresses, the one translator every target
 * uses: libaddrxlat (libkdumpfile's address translation) walks the page
 * tables, with 4 and 5 levels and 2 MiB / 1 GiB pages, for a dump (the
 * translation libkdumpfile sets up from VMCOREINFO) and for a live guest's
 * RAM (the kernel's x86_64 page tables read through a physical-memory
 * callback).  Translations are kept per 4 KiB page until a flush.
 */
#ifndef LKDB_XLAT_H
#define LKDB_XLAT_H

#include <stddef.h>
#include <stdint.h>

#include <libkdumpfile/addrxlat.h>

#include "common/error.h"

struct kernel_xlat;

/*
 * Translate with a context and system libkdumpfile made (a reference to
 * each is taken).  tables names the page tables in messages ("the dump's
 * page tables").
 */
struct lkdb_error *kernel_xlat_wrap(addrxlat_ctx_t *ctx, addrxlat_sys_t *sys,
				    const char *tables,
				    struct kernel_xlat **ret);

/* Physical memory for the page walk: len bytes at paddr, or an error. */
typedef struct lkdb_error *kernel_xlat_read_phys_fn(void *context,
						    uint64_t paddr, void *buf,
						    size_t len);

/*
 * x86_64 page tables whose top level (PML4, or PML5 when levels is 5) is
 * at physical address root, read through read_phys.
 */
struct lkdb_error *kernel_xlat_x86_64(uint64_t root, unsigned levels,
				      kernel_xlat_read_phys_fn *read_phys,
				      void *context, const char *tables,
				      struct kernel_xlat **ret);

/*
 * vaddr's physical address.  LKDB_ERROR_FAULT when it is not mapped or the
 * tables cannot be read ("address 0x...: not mapped in TABLES (why)").
 */
struct lkdb_error *kernel_xlat_vtop(struct kernel_xlat *x, uint64_t vaddr,
				    uint64_t *paddr_ret);

/* Forget kept translations and page-table pages: the tables may differ. */
void kernel_xlat_flush(struct kernel_xlat *x);

void kernel_xlat_destroy(struct kernel_xlat *x);

#endif
