// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/core/kernel.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/vmlinux.h"

struct lkdb_error *kernel_open(struct kernel *k, const char *vmlinux_path,
			       const struct kernel_arch_ops *arch)
{
	memset(k, 0, sizeof(*k));
	k->arch = arch;
	struct lkdb_error *err = vmlinux_open(vmlinux_path, &k->vmlinux);
	if (err)
		return err;
	uint64_t percpu_addr;
	err = vmlinux_section(k->vmlinux, ".data..percpu", &percpu_addr, NULL);
	k->percpu_at_zero = !err && percpu_addr == 0;
	lkdb_error_destroy(err);
	return NULL;
}

void kernel_close(struct kernel *k)
{
	ktypes_destroy(k->types);
	k->types = NULL;
	vmlinux_destroy(k->vmlinux);
	k->vmlinux = NULL;
}

struct lkdb_error *kernel_types(struct kernel *k, struct ktypes **ret)
{
	if (!k->types) {
		struct lkdb_error *err = ktypes_open(
			vmlinux_path(k->vmlinux), vmlinux_build_id(k->vmlinux),
			&k->types);
		if (err)
			return err;
	}
	*ret = k->types;
	return NULL;
}

struct lkdb_error *kernel_need_symbol(const struct kernel *k, const char *name,
				      const char *why, uint64_t *link_addr_ret)
{
	struct lkdb_error *err = vmlinux_symbol(k->vmlinux, name, link_addr_ret,
						NULL);
	if (!err || err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	lkdb_error_destroy(err);
	return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
				 "this kernel has no %s (%s): %s has no such symbol",
				 name, why, vmlinux_path(k->vmlinux));
}

const char *kernel_release(const struct kernel *k)
{
	return vmlinux_release(k->vmlinux);
}

struct lkdb_error *kernel_read_uint(const struct kernel *k, uint64_t addr,
				    size_t size, uint64_t *ret)
{
	unsigned char b[8];
	if (size == 0 || size > 8 || (size & (size - 1)))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "cannot read a %zu-byte integer at 0x%" PRIx64,
					 size, addr);
	struct lkdb_error *err = k->memory.read(k->memory.context, addr, b,
						size);
	if (err)
		return err;
	uint64_t v = 0;
	for (size_t i = size; i-- > 0;)
		v = v << 8 | b[i];
	*ret = v;
	return NULL;
}

bool kernel_read_uint_ok(const struct kernel *k, uint64_t addr, size_t size,
			 uint64_t *ret)
{
	struct lkdb_error *err = kernel_read_uint(k, addr, size, ret);
	lkdb_error_destroy(err);
	return !err;
}

struct lkdb_error *kernel_read_variable_uint(const struct kernel *k,
					     const char *name, const char *why,
					     uint64_t offset, size_t size,
					     uint64_t *ret)
{
	uint64_t addr;
	struct lkdb_error *err = kernel_need_symbol(k, name, why, &addr);
	if (!err)
		err = kernel_read_uint(k, addr + k->kaslr_offset + offset, size,
				       ret);
	return err && err->code != LKDB_ERROR_NOT_FOUND ?
		       lkdb_error_prefix(err, "reading %s", name) : err;
}

/*
 * page_offset_base is a variable under CONFIG_RANDOMIZE_MEMORY (KASLR of
 * the direct map, since 4.8: commit 021182e52fe0 "x86/mm: Enable KASLR for
 * physical mapping memory regions"); without it the direct map is at
 * __PAGE_OFFSET_BASE_L4, or _L5 when __pgtable_l5_enabled says 5 levels.
 */
struct lkdb_error *kernel_direct_map(const struct kernel *k, uint64_t *ret)
{
	struct lkdb_error *err = kernel_read_variable_uint(
		k, "page_offset_base", "the direct map", 0, 8, ret);
	if (!err || err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	lkdb_error_destroy(err);
	uint64_t l5 = 0;
	err = kernel_read_variable_uint(k, "__pgtable_l5_enabled", "5 levels",
					0, 4, &l5);
	if (err && err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	lkdb_error_destroy(err);
	*ret = l5 ? 0xff11000000000000ULL : 0xffff888000000000ULL;
	return NULL;
}

struct lkdb_error *kernel_read_phys(const struct kernel *k, uint64_t paddr,
				    void *buf, size_t len)
{
	if (k->phys.read)
		return k->phys.read(k->phys.context, paddr, buf, len);
	uint64_t base;
	struct lkdb_error *err = kernel_direct_map(k, &base);
	if (err)
		return err;
	err = k->memory.read(k->memory.context, base + paddr, buf, len);
	return err ? lkdb_error_prefix(err, "physical address 0x%" PRIx64,
				       paddr) : NULL;
}

struct lkdb_error *kernel_read_string(const struct kernel *k, uint64_t addr,
				      char *buf, size_t size)
{
	size_t got = 0;
	uint64_t page = kernel_page_size(k);
	if (!size)
		return NULL;
	while (got + 1 < size) {
		size_t room = page - (addr & (page - 1));
		size_t n = size - 1 - got < room ? size - 1 - got : room;
		struct lkdb_error *err = k->memory.read(k->memory.context, addr,
							buf + got, n);
		if (err && !got) {
			buf[0] = '\0';
			return err;
		}
		lkdb_error_destroy(err);
		if (err)
			break;
		void *nul = memchr(buf + got, '\0', n);
		got += n;
		addr += n;
		if (nul)
			return NULL;
	}
	buf[got] = '\0';
	return NULL;
}

struct lkdb_error *kernel_read_stack_words(const struct kernel_memory_reader *mem,
					   uint64_t lo, uint64_t hi, uint64_t max,
					   uint64_t **words_ret, size_t *n_ret)
{
	*words_ret = NULL;
	*n_ret = 0;
	if (hi <= lo || (lo & 7) || (hi & 7) || hi - lo > max)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "stack [0x%" PRIx64 ", 0x%" PRIx64 "): empty, unaligned or over %" PRIu64 " bytes",
					 lo, hi, max);
	size_t n = (size_t)((hi - lo) / 8);
	uint64_t *words = malloc(n * 8);
	if (!words)
		return &lkdb_error_oom;
	struct lkdb_error *err = mem->read(mem->context, lo, words, n * 8);
	if (err) {
		free(words);
		return lkdb_error_prefix(err, "stack at 0x%" PRIx64, lo);
	}
	*words_ret = words;
	*n_ret = n;
	return NULL;
}
