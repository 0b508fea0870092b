// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/xlat.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TLB_SIZE 512u
#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)

struct tlb_entry {
	uint64_t vpage_plus1;	/* 0: empty */
	uint64_t ppage;
};

struct kernel_xlat {
	addrxlat_ctx_t *ctx;	/* NULL after a flush that ran out of memory */
	addrxlat_sys_t *sys;
	char *tables;
	/* Ours (x86_64 over a callback), not libkdumpfile's. */
	bool own;
	kernel_xlat_read_phys_fn *read_phys;
	void *read_context;
	struct tlb_entry tlb[TLB_SIZE];
};

static struct kernel_xlat *xlat_new(const char *tables)
{
	struct kernel_xlat *x = calloc(1, sizeof(*x));
	if (x && !(x->tables = strdup(tables))) {
		free(x);
		x = NULL;
	}
	return x;
}

struct lkdb_error *kernel_xlat_wrap(addrxlat_ctx_t *ctx, addrxlat_sys_t *sys,
				    const char *tables,
				    struct kernel_xlat **ret)
{
	struct kernel_xlat *x = xlat_new(tables);
	if (!x)
		return &lkdb_error_oom;
	addrxlat_ctx_incref(ctx);
	addrxlat_sys_incref(sys);
	x->ctx = ctx;
	x->sys = sys;
	*ret = x;
	return NULL;
}

/* ---- x86_64 page tables over a physical reader ---- */

static void put_page(const addrxlat_buffer_t *buf)
{
	free(buf->priv);
}

/*
 * libaddrxlat keeps a few pages it was given (its read cache), so a walk
 * reads the top levels once: hand it the whole page around the entry.
 * Where the page is not all RAM, the entry alone.
 */
static addrxlat_status get_page(const addrxlat_cb_t *cb, addrxlat_buffer_t *buf)
{
	struct kernel_xlat *x = cb->priv;
	uint64_t want = buf->addr.addr;
	uint64_t start = want & ~(PAGE_SIZE - 1);
	unsigned char *page = malloc(PAGE_SIZE);
	if (!page)
		return addrxlat_ctx_err(x->ctx, ADDRXLAT_ERR_NOMEM,
					"out of memory");
	size_t size = PAGE_SIZE;
	struct lkdb_error *err = x->read_phys(x->read_context, start, page,
					      PAGE_SIZE);
	if (err) {
		lkdb_error_destroy(err);
		start = want;
		size = sizeof(uint64_t);
		err = x->read_phys(x->read_context, start, page, size);
	}
	if (err) {
		addrxlat_status st = addrxlat_ctx_err(
			x->ctx, ADDRXLAT_ERR_NODATA, "%s", err->message);
		lkdb_error_destroy(err);
		free(page);
		return st;
	}
	buf->addr.addr = start;
	buf->ptr = page;
	buf->size = size;
	buf->byte_order = ADDRXLAT_HOST_ENDIAN;
	buf->put_page = put_page;
	buf->priv = page;
	return ADDRXLAT_OK;
}

static unsigned long read_caps(const addrxlat_cb_t *cb)
{
	(void)cb;
	return ADDRXLAT_CAPS(ADDRXLAT_KPHYSADDR);
}

/* A context reading through x's callback, its page cache empty. */
static struct lkdb_error *own_context(struct kernel_xlat *x)
{
	addrxlat_ctx_t *ctx = addrxlat_ctx_new();
	addrxlat_cb_t *cb = ctx ? addrxlat_ctx_add_cb(ctx) : NULL;
	if (!cb) {
		if (ctx)
			addrxlat_ctx_decref(ctx);
		return &lkdb_error_oom;
	}
	cb->priv = x;
	cb->get_page = get_page;
	cb->read_caps = read_caps;
	x->ctx = ctx;
	return NULL;
}

struct lkdb_error *kernel_xlat_x86_64(uint64_t root, unsigned levels,
				      kernel_xlat_read_phys_fn *read_phys,
				      void *context, const char *tables,
				      struct kernel_xlat **ret)
{
	struct kernel_xlat *x = xlat_new(tables);
	if (!x)
		return &lkdb_error_oom;
	x->own = true;
	x->read_phys = read_phys;
	x->read_context = context;
	/*
	 * One page-table method for every kernel address: offset (12 bits),
	 * then 9 bits a level, 4 or 5 levels (LA57).  libaddrxlat's x86_64
	 * entries stop at a PS bit on levels 2 and 3 (2 MiB, 1 GiB pages)
	 * and refuse a non-canonical address.
	 */
	addrxlat_meth_t meth = {
		.kind = ADDRXLAT_PGT,
		.target_as = ADDRXLAT_KPHYSADDR,
	};
	meth.param.pgt.root.addr = root;
	meth.param.pgt.root.as = ADDRXLAT_KPHYSADDR;
	meth.param.pgt.pf.pte_format = ADDRXLAT_PTE_X86_64;
	meth.param.pgt.pf.nfields = levels == 5 ? 6 : 5;
	meth.param.pgt.pf.fieldsz[0] = PAGE_SHIFT;
	for (unsigned i = 1; i < meth.param.pgt.pf.nfields; i++)
		meth.param.pgt.pf.fieldsz[i] = 9;
	addrxlat_range_t all = {
		.endoff = ADDRXLAT_ADDR_MAX,
		.meth = ADDRXLAT_SYS_METH_PGT,
	};
	addrxlat_map_t *map = addrxlat_map_new();
	x->sys = addrxlat_sys_new();
	struct lkdb_error *err = NULL;
	if (!map || !x->sys || addrxlat_map_set(map, 0, &all) != ADDRXLAT_OK)
		err = &lkdb_error_oom;
	if (!err) {
		addrxlat_sys_set_meth(x->sys, ADDRXLAT_SYS_METH_PGT, &meth);
		/* The system takes its own reference. */
		addrxlat_sys_set_map(x->sys, ADDRXLAT_SYS_MAP_KV_PHYS, map);
		err = own_context(x);
	}
	if (map)
		addrxlat_map_decref(map);
	if (err) {
		kernel_xlat_destroy(x);
		return err;
	}
	*ret = x;
	return NULL;
}

/* ---- translation ---- */

static struct lkdb_error *walk(struct kernel_xlat *x, uint64_t vaddr,
			       uint64_t *paddr_ret)
{
	if (!x->ctx)
		return &lkdb_error_oom;
	addrxlat_fulladdr_t fa = { .addr = vaddr, .as = ADDRXLAT_KVADDR };
	addrxlat_ctx_clear_err(x->ctx);
	addrxlat_status xs = addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR,
						    x->ctx, x->sys);
	if (xs == ADDRXLAT_OK) {
		*paddr_ret = fa.addr;
		return NULL;
	}
	const char *msg = addrxlat_ctx_get_err(x->ctx);
	if (!msg)
		msg = addrxlat_strerror(xs);
	if (xs == ADDRXLAT_ERR_NOTPRESENT)
		return lkdb_error_create(LKDB_ERROR_FAULT,
			"address 0x%" PRIx64 ": not mapped in %s (%s)",
			vaddr, x->tables, msg);
	/* e.g. a page table that is not in the dump */
	return lkdb_error_create(LKDB_ERROR_FAULT,
		"address 0x%" PRIx64 ": cannot translate it through %s (%s)",
		vaddr, x->tables, msg);
}

struct lkdb_error *kernel_xlat_vtop(struct kernel_xlat *x, uint64_t vaddr,
				    uint64_t *paddr_ret)
{
	uint64_t vpage = vaddr >> PAGE_SHIFT;
	struct tlb_entry *t = &x->tlb[vpage % TLB_SIZE];
	if (t->vpage_plus1 == vpage + 1) {
		*paddr_ret = t->ppage | (vaddr & (PAGE_SIZE - 1));
		return NULL;
	}
	uint64_t paddr = 0;
	struct lkdb_error *err = walk(x, vaddr, &paddr);
	if (err)
		return err;
	t->vpage_plus1 = vpage + 1;
	t->ppage = paddr & ~(PAGE_SIZE - 1);
	*paddr_ret = paddr;
	return NULL;
}

void kernel_xlat_flush(struct kernel_xlat *x)
{
	memset(x->tlb, 0, sizeof(x->tlb));
	if (!x->own)
		return;		/* a dump's tables do not change */
	/*
	 * libaddrxlat's read cache has no flush of its own: a new context
	 * starts empty.  Out of memory, translations fail until the next.
	 */
	if (x->ctx)
		addrxlat_ctx_decref(x->ctx);
	x->ctx = NULL;
	lkdb_error_destroy(own_context(x));
}

void kernel_xlat_destroy(struct kernel_xlat *x)
{
	if (!x)
		return;
	if (x->ctx)
		addrxlat_ctx_decref(x->ctx);
	if (x->sys)
		addrxlat_sys_decref(x->sys);
	free(x->tables);
	free(x);
}
