// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/x86_64/entry_cfi.h"

#include <elf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* DWARF 5, 7.7.1 and 7.24 (the operations and rules used here). */
enum {
	DW_OP_deref = 0x06,
	DW_OP_consts = 0x11,
	DW_OP_plus = 0x22,
	DW_OP_plus_uconst = 0x23,
	DW_OP_breg0 = 0x70,
	DW_CFA_def_cfa_expression = 0x0f,
	DW_CFA_expression = 0x10,
	DW_CFA_val_expression = 0x16,
	DW_CFA_nop = 0x00,
};

/* The x86_64 psABI's DWARF register numbers. */
enum {
	DWARF_RAX = 0, DWARF_RDX = 1, DWARF_RCX = 2, DWARF_RBX = 3,
	DWARF_RSI = 4, DWARF_RDI = 5, DWARF_RBP = 6, DWARF_RSP = 7,
	DWARF_R8 = 8, DWARF_R9 = 9, DWARF_R10 = 10, DWARF_R11 = 11,
	DWARF_R12 = 12, DWARF_R13 = 13, DWARF_R14 = 14, DWARF_R15 = 15,
	DWARF_RIP = 16,	/* the return address column */
	DWARF_RFLAGS = 49, DWARF_CS = 51, DWARF_SS = 52,
};

/* Where each register is in struct pt_regs (arch/x86/include/asm/ptrace.h). */
static const struct {
	unsigned int reg, offset;
} pt_regs_slots[] = {
	{ DWARF_R15, 0 * 8 }, { DWARF_R14, 1 * 8 }, { DWARF_R13, 2 * 8 },
	{ DWARF_R12, 3 * 8 }, { DWARF_RBP, 4 * 8 }, { DWARF_RBX, 5 * 8 },
	{ DWARF_R11, 6 * 8 }, { DWARF_R10, 7 * 8 }, { DWARF_R9, 8 * 8 },
	{ DWARF_R8, 9 * 8 }, { DWARF_RAX, 10 * 8 }, { DWARF_RCX, 11 * 8 },
	{ DWARF_RDX, 12 * 8 }, { DWARF_RSI, 13 * 8 }, { DWARF_RDI, 14 * 8 },
	/* orig_ax (15) is no register */
	{ DWARF_RIP, 16 * 8 }, { DWARF_CS, 17 * 8 }, { DWARF_RFLAGS, 18 * 8 },
	{ DWARF_SS, 20 * 8 },
};
#define PT_REGS_IP (16 * 8)
#define PT_REGS_SP (19 * 8)

struct buf {
	unsigned char *data;
	size_t len, cap;
	bool oom;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *grown = realloc(b->data, cap);
		if (!grown) {
			b->oom = true;
			return;
		}
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void put_u8(struct buf *b, unsigned int v)
{
	unsigned char c = (unsigned char)v;
	put(b, &c, 1);
}

static void put_le(struct buf *b, uint64_t v, size_t n)
{
	unsigned char bytes[8];
	for (size_t i = 0; i < n; i++)
		bytes[i] = (unsigned char)(v >> (8 * i));
	put(b, bytes, n);
}

static void put_uleb(struct buf *b, uint64_t v)
{
	do {
		unsigned char c = v & 0x7f;
		v >>= 7;
		put_u8(b, v ? c | 0x80 : c);
	} while (v);
}

static void put_sleb(struct buf *b, int64_t v)
{
	for (;;) {
		unsigned char c = v & 0x7f;
		v >>= 7;	/* arithmetic: gcc and clang keep the sign */
		bool done = (v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40));
		put_u8(b, done ? c : c | 0x80);
		if (done)
			return;
	}
}

/* Pushes the address ORC gives for the registers (see unwind.h). */
static void put_regs_address(struct buf *b, const struct unwind_regs_range *r)
{
	static const unsigned int plain[] = {
		[UNWIND_REGS_AT_SP] = DWARF_RSP,
		[UNWIND_REGS_AT_BP] = DWARF_RBP,
		[UNWIND_REGS_AT_DX] = DWARF_RDX,
		[UNWIND_REGS_AT_DI] = DWARF_RDI,
		[UNWIND_REGS_AT_R10] = DWARF_R10,
		[UNWIND_REGS_AT_R13] = DWARF_R13,
	};
	switch (r->base) {
	case UNWIND_REGS_AT_SP_INDIRECT:
		put_u8(b, DW_OP_breg0 + DWARF_RSP);
		put_sleb(b, 0);
		put_u8(b, DW_OP_deref);
		put_u8(b, DW_OP_consts);
		put_sleb(b, r->offset);
		put_u8(b, DW_OP_plus);
		return;
	case UNWIND_REGS_AT_BP_INDIRECT:
		put_u8(b, DW_OP_breg0 + DWARF_RBP);
		put_sleb(b, r->offset);
		put_u8(b, DW_OP_deref);
		return;
	default:
		put_u8(b, DW_OP_breg0 + plain[r->base]);
		put_sleb(b, r->offset);
		return;
	}
}

/* An expression: the registers' address plus offset, dereferenced or not. */
static void put_expression(struct buf *b, const struct unwind_regs_range *r,
			   unsigned int offset, bool deref)
{
	struct buf e = { 0 };
	put_regs_address(&e, r);
	if (offset) {
		put_u8(&e, DW_OP_plus_uconst);
		put_uleb(&e, offset);
	}
	if (deref)
		put_u8(&e, DW_OP_deref);
	if (e.oom) {
		b->oom = true;
		free(e.data);
		return;
	}
	put_uleb(b, e.len);
	put(b, e.data, e.len);
	free(e.data);
}

static void put_fde(struct buf *b, const struct unwind_regs_range *r,
		    uint64_t link_bias)
{
	size_t start = b->len;
	put_le(b, 0, 4);		/* length, patched below */
	put_le(b, 0, 4);		/* the CIE at offset 0 */
	put_le(b, r->start - link_bias, 8);
	put_le(b, r->end - r->start, 8);
	/* Where the registers are, as offsets from the base ORC gives. */
	unsigned int sp = r->partial ? PT_REGS_SP - PT_REGS_IP : PT_REGS_SP;
	/* The frame is the interrupted one's: its stack pointer is saved. */
	put_u8(b, DW_CFA_def_cfa_expression);
	put_expression(b, r, sp, true);
	put_u8(b, DW_CFA_val_expression);
	put_uleb(b, DWARF_RSP);
	put_expression(b, r, sp, true);
	for (size_t i = 0; i < sizeof(pt_regs_slots) / sizeof(pt_regs_slots[0]);
	     i++) {
		unsigned int off = pt_regs_slots[i].offset;
		/* An iret frame has rip, cs, eflags, rsp, ss only. */
		if (r->partial && off < PT_REGS_IP)
			continue;
		put_u8(b, DW_CFA_expression);
		put_uleb(b, pt_regs_slots[i].reg);
		put_expression(b, r, r->partial ? off - PT_REGS_IP : off,
			       false);
	}
	while ((b->len - start) % 8)
		put_u8(b, DW_CFA_nop);
	if (!b->oom) {
		uint32_t len = (uint32_t)(b->len - start - 4);
		for (int i = 0; i < 4; i++)
			b->data[start + i] = (unsigned char)(len >> (8 * i));
	}
}

static void put_cie(struct buf *b)
{
	put_le(b, 0, 4);		/* length, patched below */
	put_le(b, 0xffffffff, 4);	/* .debug_frame's CIE id */
	put_u8(b, 1);			/* version */
	put(b, "S", 2);			/* a signal frame: pc is exact */
	put_uleb(b, 1);			/* code alignment */
	put_sleb(b, -8);		/* data alignment */
	put_u8(b, DWARF_RIP);		/* return address column */
	while (b->len % 8)
		put_u8(b, DW_CFA_nop);
	if (!b->oom) {
		uint32_t len = (uint32_t)(b->len - 4);
		for (int i = 0; i < 4; i++)
			b->data[i] = (unsigned char)(len >> (8 * i));
	}
}

struct lkdb_error *entry_cfi_image(const struct unwind_regs_range *ranges,
				   size_t nr, uint64_t link_bias,
				   void **image_ret, size_t *size_ret)
{
	*image_ret = NULL;
	*size_ret = 0;
	if (!nr)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no code whose frame is a struct pt_regs (no ORC entry of that type)");
	struct buf frame = { 0 };
	put_cie(&frame);
	for (size_t i = 0; i < nr; i++)
		put_fde(&frame, &ranges[i], link_bias);
	static const char shstrtab[] = "\0.text\0.debug_frame\0.shstrtab";
	enum { NAME_TEXT = 1, NAME_FRAME = 7, NAME_SHSTRTAB = 20 };

	struct buf elf = { 0 };
	Elf64_Ehdr eh = { 0 };
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 4;
	eh.e_shstrndx = 3;
	uint64_t frame_off = sizeof(Elf64_Ehdr);
	uint64_t strtab_off = frame_off + frame.len;
	eh.e_shoff = (strtab_off + sizeof(shstrtab) + 7) & ~(uint64_t)7;
	Elf64_Shdr sh[4] = { { 0 } };
	/*
	 * gdb relocates the frame information by the offset of the file's
	 * text section (add-symbol-file -o gives them all); empty, so that
	 * gdb maps no address to this file, whose ranges are vmlinux's.
	 */
	sh[1] = (Elf64_Shdr){
		.sh_name = NAME_TEXT, .sh_type = SHT_NOBITS,
		.sh_flags = SHF_ALLOC | SHF_EXECINSTR, .sh_offset = frame_off,
		.sh_addralign = 1,
	};
	sh[2] = (Elf64_Shdr){
		.sh_name = NAME_FRAME, .sh_type = SHT_PROGBITS,
		.sh_offset = frame_off, .sh_size = frame.len, .sh_addralign = 8,
	};
	sh[3] = (Elf64_Shdr){
		.sh_name = NAME_SHSTRTAB, .sh_type = SHT_STRTAB,
		.sh_offset = strtab_off, .sh_size = sizeof(shstrtab),
		.sh_addralign = 1,
	};
	put(&elf, &eh, sizeof(eh));
	put(&elf, frame.data, frame.len);
	put(&elf, shstrtab, sizeof(shstrtab));
	while (elf.len < eh.e_shoff)
		put_u8(&elf, 0);
	put(&elf, sh, sizeof(sh));
	bool oom = frame.oom || elf.oom;
	free(frame.data);
	if (oom) {
		free(elf.data);
		return &lkdb_error_oom;
	}
	*image_ret = elf.data;
	*size_ret = elf.len;
	return NULL;
}
