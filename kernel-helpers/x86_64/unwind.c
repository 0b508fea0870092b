// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/x86_64/unwind.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ORC's register numbers (arch/x86/include/asm/orc_types.h). */
enum {
	ORC_REG_UNDEFINED = 0,
	ORC_REG_PREV_SP = 1,
	ORC_REG_DX = 2,
	ORC_REG_DI = 3,
	ORC_REG_BP = 4,
	ORC_REG_SP = 5,
	ORC_REG_R10 = 6,
	ORC_REG_R13 = 7,
	ORC_REG_BP_INDIRECT = 8,
	ORC_REG_SP_INDIRECT = 9,
};

/* Frame types, one numbering for both layouts. */
enum orc_kind {
	ORC_KIND_UNDEFINED,
	ORC_KIND_END,
	ORC_KIND_CALL,
	ORC_KIND_REGS,
	ORC_KIND_REGS_PARTIAL,
};

#define ORC_ENTRY_SIZE 6
/* offsetof(struct pt_regs, ip): the iret frame starts there. */
#define PT_REGS_IP_OFFSET (16 * 8)
#define PT_REGS_SIZE (X86_64_PT_REGS_WORDS * 8)

const struct unwind_orc_format unwind_orc_format_v1 = {
	.sp_reg_bit = 32,
	.bp_reg_bit = 36,
	.type_bit = 40,
	.type_bits = 2,
	.end_bit = 42,
	.signal_bit = -1,
};

struct orc_table {
	char *name;
	uint64_t start, end;
	uint64_t *ips;
	unsigned char *entries;
	size_t n;
};

struct unwinder {
	struct unwind_orc_format format;
	struct orc_table *tables;
	size_t nr_tables;
};

struct orc_entry {
	int16_t sp_offset, bp_offset;
	unsigned int sp_reg, bp_reg;
	enum orc_kind kind;
	bool end, signal;
};

static unsigned int bits(uint64_t v, unsigned int bit, unsigned int width)
{
	return (unsigned int)(v >> bit) & ((1u << width) - 1);
}

static void decode_entry(const struct unwind_orc_format *f,
			 const unsigned char *p, struct orc_entry *e)
{
	uint64_t v = 0;
	for (int i = ORC_ENTRY_SIZE; i-- > 0;)
		v = v << 8 | p[i];
	e->sp_offset = (int16_t)(v & 0xffff);
	e->bp_offset = (int16_t)(v >> 16 & 0xffff);
	e->sp_reg = bits(v, f->sp_reg_bit, 4);
	e->bp_reg = bits(v, f->bp_reg_bit, 4);
	unsigned int type = bits(v, f->type_bit, f->type_bits);
	e->end = f->end_bit >= 0 && bits(v, (unsigned int)f->end_bit, 1);
	e->signal = f->signal_bit >= 0 && bits(v, (unsigned int)f->signal_bit, 1);
	if (f->type_bits >= 3) {
		static const enum orc_kind kinds[] = {
			ORC_KIND_UNDEFINED, ORC_KIND_END, ORC_KIND_CALL,
			ORC_KIND_REGS, ORC_KIND_REGS_PARTIAL,
		};
		e->kind = type < 5 ? kinds[type] : ORC_KIND_UNDEFINED;
	} else {
		static const enum orc_kind kinds[] = {
			ORC_KIND_CALL, ORC_KIND_REGS, ORC_KIND_REGS_PARTIAL,
			ORC_KIND_UNDEFINED,
		};
		e->kind = kinds[type & 3];
		/* Before 6.4 the end of a stack is "sp undefined, end". */
		if (e->sp_reg == ORC_REG_UNDEFINED)
			e->kind = e->end ? ORC_KIND_END : ORC_KIND_UNDEFINED;
	}
	if (e->kind == ORC_KIND_REGS || e->kind == ORC_KIND_REGS_PARTIAL)
		e->signal = true;
}

struct lkdb_error *unwinder_create_empty(const struct unwind_orc_format *format,
					 struct unwinder **ret)
{
	struct unwinder *u = calloc(1, sizeof(*u));
	if (!u)
		return &lkdb_error_oom;
	u->format = *format;
	*ret = u;
	return NULL;
}

void unwinder_destroy(struct unwinder *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->nr_tables; i++) {
		free(u->tables[i].name);
		free(u->tables[i].ips);
		free(u->tables[i].entries);
	}
	free(u->tables);
	free(u);
}

static bool sorted(const uint64_t *ips, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (ips[i] < ips[i - 1])
			return false;
	}
	return true;
}

struct sort_item {
	uint64_t ip;
	unsigned char entry[ORC_ENTRY_SIZE];
};

static int compare_items(const void *a, const void *b)
{
	uint64_t x = ((const struct sort_item *)a)->ip;
	uint64_t y = ((const struct sort_item *)b)->ip;
	return x < y ? -1 : x > y;
}

/* Kernels before 5.6 sorted the table at boot (commit 57fa18994285
 * "scripts/sorttable: Implement build-time ORC unwind table sorting"). */
static struct lkdb_error *sort_table(struct orc_table *t)
{
	struct sort_item *items = calloc(t->n, sizeof(*items));
	if (!items)
		return &lkdb_error_oom;
	for (size_t i = 0; i < t->n; i++) {
		items[i].ip = t->ips[i];
		memcpy(items[i].entry, t->entries + i * ORC_ENTRY_SIZE,
		       ORC_ENTRY_SIZE);
	}
	qsort(items, t->n, sizeof(*items), compare_items);
	for (size_t i = 0; i < t->n; i++) {
		t->ips[i] = items[i].ip;
		memcpy(t->entries + i * ORC_ENTRY_SIZE, items[i].entry,
		       ORC_ENTRY_SIZE);
	}
	free(items);
	return NULL;
}

struct lkdb_error *unwinder_add_table(struct unwinder *u, const char *name,
				      uint64_t start, uint64_t end,
				      const uint64_t *ips,
				      const unsigned char *entries, size_t n)
{
	struct orc_table *tables = realloc(u->tables,
					   (u->nr_tables + 1) * sizeof(*tables));
	if (!tables)
		return &lkdb_error_oom;
	u->tables = tables;
	struct orc_table *t = &tables[u->nr_tables];
	memset(t, 0, sizeof(*t));
	t->start = start;
	t->end = end;
	t->n = n;
	t->name = name ? strdup(name) : NULL;
	t->ips = malloc(n ? n * sizeof(*ips) : 1);
	t->entries = malloc(n ? n * ORC_ENTRY_SIZE : 1);
	if ((name && !t->name) || !t->ips || !t->entries) {
		free(t->name);
		free(t->ips);
		free(t->entries);
		return &lkdb_error_oom;
	}
	memcpy(t->ips, ips, n * sizeof(*ips));
	memcpy(t->entries, entries, n * ORC_ENTRY_SIZE);
	if (!sorted(t->ips, n)) {
		struct lkdb_error *err = sort_table(t);
		if (err) {
			free(t->name);
			free(t->ips);
			free(t->entries);
			return err;
		}
	}
	u->nr_tables++;
	return NULL;
}

/* The layout of struct orc_entry in this kernel. */
static struct lkdb_error *orc_format(struct ktypes *types,
				     struct unwind_orc_format *f)
{
	uint64_t off, width;
	struct lkdb_error *err;
	err = ktypes_bitfield(types, "orc_entry", "sp_reg", &off, &width);
	if (err)
		return err;
	f->sp_reg_bit = (unsigned int)off;
	err = ktypes_bitfield(types, "orc_entry", "bp_reg", &off, &width);
	if (err)
		return err;
	f->bp_reg_bit = (unsigned int)off;
	err = ktypes_bitfield(types, "orc_entry", "type", &off, &width);
	if (err)
		return err;
	f->type_bit = (unsigned int)off;
	f->type_bits = (unsigned int)width;
	f->end_bit = -1;
	f->signal_bit = -1;
	if (ktypes_has_member(types, "orc_entry", "end")) {
		err = ktypes_bitfield(types, "orc_entry", "end", &off, &width);
		if (err)
			return err;
		f->end_bit = (int)off;
	}
	if (ktypes_has_member(types, "orc_entry", "signal")) {
		err = ktypes_bitfield(types, "orc_entry", "signal", &off,
				      &width);
		if (err)
			return err;
		f->signal_bit = (int)off;
	}
	if (f->sp_reg_bit + 4 > 48 || f->bp_reg_bit + 4 > 48 ||
	    f->type_bit + f->type_bits > 48 || f->type_bits < 2 ||
	    f->type_bits > 3 || f->end_bit >= 48 || f->signal_bit >= 48)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "struct orc_entry has a layout lkdb does not know");
	return NULL;
}

static struct lkdb_error *read_section(struct vmlinux *vm, const char *name,
				       uint64_t *addr_ret, void **data_ret,
				       uint64_t *size_ret)
{
	uint64_t addr, size;
	struct lkdb_error *err = vmlinux_section(vm, name, &addr, &size);
	if (err)
		return err;
	void *data = malloc(size);
	if (!data)
		return &lkdb_error_oom;
	err = vmlinux_read(vm, addr, data, size);
	if (err) {
		free(data);
		return err;
	}
	*addr_ret = addr;
	*data_ret = data;
	*size_ret = size;
	return NULL;
}

static int32_t get_s32(const unsigned char *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
			 (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

struct lkdb_error *unwinder_create(struct vmlinux *vm, struct ktypes *types,
				   uint64_t kaslr_offset,
				   struct unwinder **ret)
{
	struct unwind_orc_format format;
	struct lkdb_error *err = orc_format(types, &format);
	if (err)
		return lkdb_error_prefix(err, "ORC unwinder");
	uint64_t ip_addr, ip_size, ent_addr, ent_size;
	void *ip_data = NULL, *ent_data = NULL;
	uint64_t *ips = NULL;
	err = read_section(vm, ".orc_unwind_ip", &ip_addr, &ip_data, &ip_size);
	if (!err)
		err = read_section(vm, ".orc_unwind", &ent_addr, &ent_data,
				   &ent_size);
	if (err) {
		err = lkdb_error_prefix(err, "%s has no ORC unwind tables",
					vmlinux_path(vm));
		goto out;
	}
	size_t n = ip_size / 4;
	if (ent_size / ORC_ENTRY_SIZE < n)
		n = ent_size / ORC_ENTRY_SIZE;
	ips = malloc(n ? n * sizeof(*ips) : 1);
	if (!ips) {
		err = &lkdb_error_oom;
		goto out;
	}
	const unsigned char *p = ip_data;
	for (size_t i = 0; i < n; i++)
		ips[i] = ip_addr + 4 * i + (uint64_t)(int64_t)get_s32(p + 4 * i) +
			 kaslr_offset;
	uint64_t text_start, text_end;
	vmlinux_text_range(vm, &text_start, &text_end);
	err = unwinder_create_empty(&format, ret);
	if (!err) {
		err = unwinder_add_table(*ret, NULL, text_start + kaslr_offset,
					 text_end + kaslr_offset, ips,
					 ent_data, n);
		if (err) {
			unwinder_destroy(*ret);
			*ret = NULL;
		}
	}
out:
	free(ips);
	free(ip_data);
	free(ent_data);
	return err;
}

struct lkdb_error *unwinder_add_module(struct unwinder *u,
				       const struct kernel_memory_reader *mem,
				       struct ktypes *types, const char *name,
				       uint64_t module_addr, uint64_t start,
				       uint64_t end)
{
	uint64_t num_off, ip_off, ent_off;
	struct lkdb_error *err;
	err = ktypes_member(types, "module", "arch.num_orcs", &num_off, NULL);
	if (!err)
		err = ktypes_member(types, "module", "arch.orc_unwind_ip",
				    &ip_off, NULL);
	if (!err)
		err = ktypes_member(types, "module", "arch.orc_unwind",
				    &ent_off, NULL);
	if (err)
		return err;
	uint32_t num;
	uint64_t ip_ptr, ent_ptr;
	err = mem->read(mem->context, module_addr + num_off, &num, sizeof(num));
	if (!err)
		err = mem->read(mem->context, module_addr + ip_off, &ip_ptr,
				sizeof(ip_ptr));
	if (!err)
		err = mem->read(mem->context, module_addr + ent_off, &ent_ptr,
				sizeof(ent_ptr));
	if (err)
		return lkdb_error_prefix(err, "module %s", name);
	if (!num || !ip_ptr || !ent_ptr)
		return NULL;
	/*
	 * The table lies in the module's own read-only data, 10 bytes an
	 * entry, so it cannot be larger than the module; and the core size
	 * read from memory may be corrupt too, so a hard cap as well
	 * (amdgpu, the largest module of Debian's 6.1, has 107342 entries).
	 */
	if (num > UNWIND_MODULE_ORCS_MAX || end <= start ||
	    (uint64_t)num * (4 + ORC_ENTRY_SIZE) > end - start)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "module %s at 0x%" PRIx64 ": implausible ORC table of %" PRIu32 " entries (%" PRIu64 " bytes of module, at most %u entries): its ORC data ignored",
					 name, module_addr, num,
					 end > start ? end - start : 0,
					 UNWIND_MODULE_ORCS_MAX);
	unsigned char *raw_ips = malloc((size_t)num * 4);
	unsigned char *entries = malloc((size_t)num * ORC_ENTRY_SIZE);
	uint64_t *ips = malloc((size_t)num * sizeof(*ips));
	if (!raw_ips || !entries || !ips) {
		err = &lkdb_error_oom;
		goto out;
	}
	err = mem->read(mem->context, ip_ptr, raw_ips, (size_t)num * 4);
	if (!err)
		err = mem->read(mem->context, ent_ptr, entries,
				(size_t)num * ORC_ENTRY_SIZE);
	if (err) {
		err = lkdb_error_prefix(err, "module %s's ORC table", name);
		goto out;
	}
	for (uint32_t i = 0; i < num; i++)
		ips[i] = ip_ptr + 4 * (uint64_t)i +
			 (uint64_t)(int64_t)get_s32(raw_ips + 4 * (size_t)i);
	err = unwinder_add_table(u, name, start, end, ips, entries, num);
out:
	free(raw_ips);
	free(entries);
	free(ips);
	return err;
}

static const struct orc_table *find_table(const struct unwinder *u,
					  uint64_t addr)
{
	for (size_t i = 0; i < u->nr_tables; i++) {
		const struct orc_table *t = &u->tables[i];
		if (addr >= t->start && addr < t->end)
			return t;
	}
	/* A module's init text is outside its core range: its table says. */
	for (size_t i = 0; i < u->nr_tables; i++) {
		const struct orc_table *t = &u->tables[i];
		if (t->name && t->n && addr >= t->ips[0] &&
		    addr < t->ips[t->n - 1] + 4096)
			return t;
	}
	return NULL;
}

bool unwinder_covers(const struct unwinder *u, uint64_t addr)
{
	return find_table(u, addr) != NULL;
}

/* The entry covering addr: the last one at or below it. */
static bool find_entry(const struct unwinder *u, uint64_t addr,
		       struct orc_entry *e, const struct orc_table **table_ret)
{
	const struct orc_table *t = find_table(u, addr);
	if (!t || !t->n || addr < t->ips[0])
		return false;
	size_t lo = 0, hi = t->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->ips[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	decode_entry(&u->format, t->entries + lo * ORC_ENTRY_SIZE, e);
	*table_ret = t;
	return true;
}

/* The ORC registers a struct pt_regs is found from, as unwind.h names them. */
static bool regs_base(unsigned int sp_reg, enum unwind_regs_base *ret)
{
	static const struct {
		unsigned int orc;
		enum unwind_regs_base base;
	} bases[] = {
		{ ORC_REG_SP, UNWIND_REGS_AT_SP },
		{ ORC_REG_BP, UNWIND_REGS_AT_BP },
		{ ORC_REG_SP_INDIRECT, UNWIND_REGS_AT_SP_INDIRECT },
		{ ORC_REG_BP_INDIRECT, UNWIND_REGS_AT_BP_INDIRECT },
		{ ORC_REG_DX, UNWIND_REGS_AT_DX },
		{ ORC_REG_DI, UNWIND_REGS_AT_DI },
		{ ORC_REG_R10, UNWIND_REGS_AT_R10 },
		{ ORC_REG_R13, UNWIND_REGS_AT_R13 },
	};
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (bases[i].orc == sp_reg) {
			*ret = bases[i].base;
			return true;
		}
	}
	return false;
}

struct lkdb_error *unwinder_regs_ranges(const struct unwinder *u,
					struct unwind_regs_range **ret,
					size_t *nr_ret)
{
	*ret = NULL;
	*nr_ret = 0;
	const struct orc_table *t = NULL;
	for (size_t i = 0; i < u->nr_tables && !t; i++) {
		if (!u->tables[i].name)
			t = &u->tables[i];
	}
	if (!t || !t->n)
		return NULL;
	size_t n = 0, cap = 0;
	struct unwind_regs_range *ranges = NULL;
	for (size_t i = 0; i < t->n; i++) {
		struct orc_entry e;
		decode_entry(&u->format, t->entries + i * ORC_ENTRY_SIZE, &e);
		enum unwind_regs_base base;
		bool regs = e.kind == ORC_KIND_REGS ||
			    e.kind == ORC_KIND_REGS_PARTIAL;
		if (!regs || !regs_base(e.sp_reg, &base))
			continue;
		uint64_t start = t->ips[i];
		uint64_t end = i + 1 < t->n ? t->ips[i + 1] : t->end;
		if (end <= start)
			continue;
		bool partial = e.kind == ORC_KIND_REGS_PARTIAL;
		struct unwind_regs_range *last = n ? &ranges[n - 1] : NULL;
		if (last && last->end == start && last->base == base &&
		    last->offset == e.sp_offset && last->partial == partial) {
			last->end = end;
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			struct unwind_regs_range *grown =
				realloc(ranges, cap * sizeof(*grown));
			if (!grown) {
				free(ranges);
				return &lkdb_error_oom;
			}
			ranges = grown;
		}
		ranges[n++] = (struct unwind_regs_range){
			start, end, base, e.sp_offset, partial,
		};
	}
	*ret = ranges;
	*nr_ret = n;
	return NULL;
}

/* Stack reads go a page at a time: a live target pays per read. */
#define CACHE_PAGES 8
#define PAGE 4096u

struct stack_reader {
	const struct kernel_memory_reader *mem;
	uint64_t page[CACHE_PAGES];
	bool valid[CACHE_PAGES];
	unsigned char data[CACHE_PAGES][PAGE];
	unsigned int next;
};

static bool read_direct(struct stack_reader *r, uint64_t addr, void *buf,
			size_t len)
{
	struct lkdb_error *err = r->mem->read(r->mem->context, addr, buf, len);
	if (err) {
		lkdb_error_destroy(err);
		return false;
	}
	return true;
}

static bool read_stack(struct stack_reader *r, uint64_t addr, void *buf,
		       size_t len)
{
	uint64_t page = addr & ~(uint64_t)(PAGE - 1);
	if (addr + len < addr || addr - page + len > PAGE)
		return read_direct(r, addr, buf, len);
	for (unsigned int i = 0; i < CACHE_PAGES; i++) {
		if (r->valid[i] && r->page[i] == page) {
			memcpy(buf, r->data[i] + (addr - page), len);
			return true;
		}
	}
	unsigned int slot = r->next++ % CACHE_PAGES;
	if (!read_direct(r, page, r->data[slot], PAGE)) {
		r->valid[slot] = false;
		return read_direct(r, addr, buf, len);
	}
	r->page[slot] = page;
	r->valid[slot] = true;
	memcpy(buf, r->data[slot] + (addr - page), len);
	return true;
}

static bool read_word(struct stack_reader *r, uint64_t addr, uint64_t *ret)
{
	unsigned char b[8];
	if (!read_stack(r, addr, b, 8))
		return false;
	uint64_t v = 0;
	for (int i = 8; i-- > 0;)
		v = v << 8 | b[i];
	*ret = v;
	return true;
}

void x86_64_regs_from_pt_regs(const uint64_t w[X86_64_PT_REGS_WORDS],
			      struct x86_64_regs *regs)
{
	/* struct x86_64_regs starts with struct pt_regs' 21 words. */
	uint64_t *dst[] = {
		&regs->r15, &regs->r14, &regs->r13, &regs->r12, &regs->rbp,
		&regs->rbx, &regs->r11, &regs->r10, &regs->r9, &regs->r8,
		&regs->rax, &regs->rcx, &regs->rdx, &regs->rsi, &regs->rdi,
		&regs->orig_rax, &regs->rip, &regs->cs, &regs->eflags,
		&regs->rsp, &regs->ss,
	};
	for (size_t i = 0; i < X86_64_PT_REGS_WORDS; i++)
		*dst[i] = w[i];
}

static bool read_pt_regs(struct stack_reader *r, uint64_t addr,
			 struct x86_64_regs *regs)
{
	uint64_t w[X86_64_PT_REGS_WORDS];
	for (size_t i = 0; i < X86_64_PT_REGS_WORDS; i++) {
		if (!read_word(r, addr + 8 * i, &w[i]))
			return false;
	}
	x86_64_regs_from_pt_regs(w, regs);
	return true;
}

static bool read_iret_regs(struct stack_reader *r, uint64_t addr,
			   struct x86_64_regs *regs)
{
	uint64_t w[5];
	for (size_t i = 0; i < 5; i++) {
		if (!read_word(r, addr + 8 * i, &w[i]))
			return false;
	}
	regs->rip = w[0];
	regs->cs = w[1];
	regs->eflags = w[2];
	regs->rsp = w[3];
	regs->ss = w[4];
	return true;
}

/*
 * The first word at or above sp (within SCAN_WORDS) that is a return
 * address: code with ORC data right after a call instruction (e8 rel32,
 * or ff /2 through a register or memory: 2 to 7 bytes).
 */
#define SCAN_WORDS 512

static bool after_call(struct stack_reader *r, uint64_t ret_ip)
{
	unsigned char b[7];
	if (!read_direct(r, ret_ip - 7, b, sizeof(b)))
		return false;
	if (b[2] == 0xe8)
		return true;
	/* ff /2: the ModRM byte's reg field is 2, 2 to 7 bytes back. */
	for (int len = 2; len <= 7; len++) {
		const unsigned char *op = b + 7 - len;
		if (op[0] == 0xff && ((op[1] >> 3) & 7) == 2)
			return true;
	}
	return false;
}

/* A return address: code with ORC data right after a call. */
static bool return_address(const struct unwinder *u, struct stack_reader *r,
			   uint64_t word, struct orc_entry *e)
{
	const struct orc_table *t;
	return find_entry(u, word - 1, e, &t) &&
	       e->kind != ORC_KIND_UNDEFINED && after_call(r, word);
}

/*
 * Whether the word at slot is the ip of a struct pt_regs rather than a
 * return address: followed by cs and, three words on, ss of the kernel
 * (__KERNEL_CS 0x10, __KERNEL_DS 0x18).  kdump's fixed_regs on
 * __crash_kexec's stack is such a copy, and its ip (the faulting
 * instruction, or __crash_kexec's own) may well follow a call.
 */
static bool saved_ip(struct stack_reader *r, uint64_t slot)
{
	uint64_t cs, ss;
	return read_word(r, slot + 8, &cs) && read_word(r, slot + 32, &ss) &&
	       cs == 0x10 && ss == 0x18;
}

/* The first return address at or above sp, saved registers' ip aside. */
static bool scan_for_return(const struct unwinder *u, struct stack_reader *r,
			    uint64_t sp, uint64_t *ip_ret, uint64_t *slot_ret)
{
	for (unsigned int i = 0; i < SCAN_WORDS; i++) {
		uint64_t slot = sp + 8 * (uint64_t)i, word;
		if (!read_word(r, slot, &word))
			return false;
		struct orc_entry e;
		if (!return_address(u, r, word, &e) || saved_ip(r, slot))
			continue;
		*ip_ret = word;
		*slot_ret = slot;
		return true;
	}
	return false;
}

struct walk {
	const struct unwinder *u;
	struct stack_reader *reader;
	struct unwind_trace *trace;
	size_t cap;
	bool oom;
	/* Where the walk stands: the registers of the frame being unwound. */
	struct x86_64_regs regs;
	bool regs_valid;	/* every register in regs is known */
	uint64_t ip, sp, bp;
	bool signal;		/* ip is where the CPU was: look it up as is */
};

static struct unwind_frame *add_frame(struct walk *w)
{
	struct unwind_trace *t = w->trace;
	if (t->nr_frames == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 32;
		struct unwind_frame *f = realloc(t->frames, cap * sizeof(*f));
		if (!f) {
			w->oom = true;
			return NULL;
		}
		t->frames = f;
		w->cap = cap;
	}
	struct unwind_frame *f = &t->frames[t->nr_frames++];
	memset(f, 0, sizeof(*f));
	return f;
}

static void stop(struct walk *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void stop(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		w->oom = true;
	else
		w->trace->stop_reason = s;
	va_end(ap);
}

/* A register ORC names, from the last full register set. */
static bool orc_reg(const struct x86_64_regs *regs, bool valid,
		    unsigned int reg, uint64_t *ret)
{
	if (!valid)
		return false;
	switch (reg) {
	case ORC_REG_DX:
		*ret = regs->rdx;
		return true;
	case ORC_REG_DI:
		*ret = regs->rdi;
		return true;
	case ORC_REG_R10:
		*ret = regs->r10;
		return true;
	case ORC_REG_R13:
		*ret = regs->r13;
		return true;
	default:
		return false;
	}
}

static bool user_mode(const struct x86_64_regs *regs)
{
	return (regs->cs & 3) == 3;
}

/*
 * The frame the walk starts at; NULL when there is nothing to unwind (out
 * of memory, or stopped in user mode: the user's registers are all).
 */
static struct unwind_frame *first_frame(struct walk *w,
					const struct x86_64_regs *start,
					bool exact)
{
	struct unwind_frame *f = add_frame(w);
	if (!f)
		return NULL;
	f->ip = w->ip;
	f->sp = w->sp;
	f->exact = exact;
	if (exact && user_mode(start)) {
		f->has_regs = true;
		f->user = true;
		f->regs = *start;
		return NULL;
	}
	return f;
}

/*
 * Move the walk on to the caller (ip, sp) and add its frame, whose return
 * address lay at slot; NULL when out of memory.
 */
static struct unwind_frame *caller_frame(struct walk *w, uint64_t ip,
					 uint64_t sp, uint64_t slot,
					 bool signal)
{
	w->ip = ip;
	w->sp = sp;
	w->signal = signal;
	struct unwind_frame *f = add_frame(w);
	if (!f)
		return NULL;
	f->ip = ip;
	f->sp = slot;
	f->exact = signal;
	return f;
}

/*
 * Code objtool skips (STACK_FRAME_NON_STANDARD, e.g. __crash_kexec, where
 * kdump saves the panicking CPU's registers): on the first frame, find
 * the caller by scanning; elsewhere the walk stops.
 */
static struct unwind_frame *scan_caller(struct walk *w,
					struct unwind_frame *f)
{
	uint64_t ret_ip, slot;
	if (w->trace->nr_frames == 1 &&
	    scan_for_return(w->u, w->reader, w->sp, &ret_ip, &slot)) {
		f->scanned = true;
		w->regs_valid = false;
		return caller_frame(w, ret_ip, slot + 8, slot, false);
	}
	stop(w, "ORC marks the stack undefined at 0x%" PRIx64, w->ip);
	return NULL;
}

/* The CFA (the caller's stack pointer) as e computes it; false: stopped. */
static bool find_cfa(struct walk *w, const struct orc_entry *e,
		     uint64_t *cfa_ret)
{
	uint64_t cfa;
	bool ok = true;
	switch (e->sp_reg) {
	case ORC_REG_SP:
		cfa = w->sp + (uint64_t)(int64_t)e->sp_offset;
		break;
	case ORC_REG_BP:
		cfa = w->bp + (uint64_t)(int64_t)e->sp_offset;
		break;
	case ORC_REG_SP_INDIRECT:
		ok = read_word(w->reader, w->sp, &cfa);
		cfa += (uint64_t)(int64_t)e->sp_offset;
		break;
	case ORC_REG_BP_INDIRECT:
		ok = read_word(w->reader,
			       w->bp + (uint64_t)(int64_t)e->sp_offset, &cfa);
		break;
	default:
		if (!orc_reg(&w->regs, w->regs_valid, e->sp_reg, &cfa)) {
			stop(w, "the stack pointer at 0x%" PRIx64
			     " is in a register not saved (ORC reg %u)",
			     w->ip, e->sp_reg);
			return false;
		}
		break;
	}
	if (!ok) {
		stop(w, "cannot read the stack at 0x%" PRIx64
		     " (unwinding 0x%" PRIx64 ")", w->sp, w->ip);
		return false;
	}
	*cfa_ret = cfa;
	return true;
}

/* Where the caller resumes, and where its return address lay. */
struct caller {
	uint64_t ip, sp, slot;
	bool signal;
};

/*
 * The caller of f, from what lies at the CFA: a return address (a call),
 * a struct pt_regs (an entry) or only the iret frame (other registers as
 * they were); f keeps the registers.  false: stopped.
 */
static bool read_caller(struct walk *w, const struct orc_entry *e,
			uint64_t cfa, struct unwind_frame *f,
			struct caller *c)
{
	if (e->kind == ORC_KIND_CALL) {
		c->slot = cfa - 8;
		if (!read_word(w->reader, c->slot, &c->ip)) {
			stop(w, "cannot read the return address at 0x%" PRIx64,
			     c->slot);
			return false;
		}
		c->sp = cfa;
		c->signal = false;
		w->regs_valid = false;
		return true;
	}
	if (e->kind == ORC_KIND_REGS) {
		if (!read_pt_regs(w->reader, cfa, &w->regs)) {
			stop(w, "cannot read the registers saved at 0x%" PRIx64,
			     cfa);
			return false;
		}
		w->regs_valid = true;
		f->regs_addr = cfa;
	} else {
		if (!read_iret_regs(w->reader, cfa, &w->regs)) {
			stop(w, "cannot read the iret frame at 0x%" PRIx64,
			     cfa);
			return false;
		}
		f->partial = true;
		f->regs_addr = cfa - PT_REGS_IP_OFFSET;
	}
	f->has_regs = true;
	f->regs = w->regs;
	c->ip = w->regs.rip;
	c->sp = w->regs.rsp;
	c->slot = w->regs.rsp;
	c->signal = true;
	return true;
}

/* The caller's frame pointer, where e says it was saved; false: stopped. */
static bool caller_bp(struct walk *w, const struct orc_entry *e, uint64_t cfa)
{
	bool ok = true;
	switch (e->bp_reg) {
	case ORC_REG_UNDEFINED:
		if (w->regs_valid && e->kind != ORC_KIND_CALL)
			w->bp = w->regs.rbp;
		break;
	case ORC_REG_PREV_SP:
		ok = read_word(w->reader, cfa + (uint64_t)(int64_t)e->bp_offset,
			       &w->bp);
		break;
	case ORC_REG_BP:
		ok = read_word(w->reader, w->bp + (uint64_t)(int64_t)e->bp_offset,
			       &w->bp);
		break;
	default:
		break;
	}
	if (!ok)
		stop(w, "cannot read the saved frame pointer (unwinding 0x%" PRIx64 ")",
		     w->ip);
	return ok;
}

/*
 * One step: from f, the frame at the walk's ip, to its caller's frame,
 * added; NULL when the walk ends (the end of the stack, user mode,
 * trouble said in stop_reason, or out of memory).
 */
static struct unwind_frame *unwind_frame(struct walk *w,
					 struct unwind_frame *f)
{
	if (w->trace->nr_frames >= UNWIND_MAX_FRAMES) {
		stop(w, "more than %d frames", UNWIND_MAX_FRAMES);
		return NULL;
	}
	struct orc_entry e;
	const struct orc_table *table;
	uint64_t look = w->signal ? w->ip : w->ip - 1;
	if (!find_entry(w->u, look, &e, &table)) {
		stop(w, "no ORC unwind data for 0x%" PRIx64
		     " (not kernel text, or a module lkdb does not know)",
		     w->ip);
		return NULL;
	}
	f->module = table->name;
	if (e.kind == ORC_KIND_END)
		return NULL;
	if (e.kind == ORC_KIND_UNDEFINED)
		return scan_caller(w, f);
	uint64_t cfa;
	struct caller c;
	if (!find_cfa(w, &e, &cfa) || !read_caller(w, &e, cfa, f, &c))
		return NULL;
	if (f->has_regs && user_mode(&f->regs)) {
		f->user = true;
		return NULL;
	}
	if (!caller_bp(w, &e, cfa))
		return NULL;
	/*
	 * A call frame's caller is higher on the same stack; bad
	 * data could loop.  Entries (pt_regs) may switch stacks.
	 */
	if (e.kind == ORC_KIND_CALL &&
	    e.sp_reg != ORC_REG_SP_INDIRECT && c.sp <= w->sp) {
		stop(w, "the stack goes the wrong way at 0x%" PRIx64, w->ip);
		return NULL;
	}
	return caller_frame(w, c.ip, c.sp, c.slot, c.signal);
}

struct lkdb_error *unwind_stack(const struct unwinder *u,
				const struct kernel_memory_reader *mem,
				const struct x86_64_regs *start, bool exact,
				struct unwind_trace *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct stack_reader *reader = calloc(1, sizeof(*reader));
	if (!reader)
		return &lkdb_error_oom;
	reader->mem = mem;
	struct walk w = {
		.u = u,
		.reader = reader,
		.trace = ret,
		.regs = *start,
		.regs_valid = true,
		.ip = start->rip,
		.sp = start->rsp,
		.bp = start->rbp,
		.signal = exact,
	};
	struct unwind_frame *f = first_frame(&w, start, exact);
	while (f && !w.oom)
		f = unwind_frame(&w, f);
	free(reader);
	if (w.oom) {
		unwind_trace_deinit(ret);
		return &lkdb_error_oom;
	}
	return NULL;
}

void unwind_trace_deinit(struct unwind_trace *t)
{
	free(t->frames);
	free(t->stop_reason);
	memset(t, 0, sizeof(*t));
}
