/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel stack unwinding with the kernel's own ORC tables (x86_64), over a
 * kernel_memory_reader: the same walk the kernel's unwinder does for an
 * oops, so a dump, a live guest (through gdb) or a byte buffer all unwind
 * alike, sleeping tasks included.
 *
 * ORC ("Oops Rewind Capability", commit ee9f8fce9964 "x86/unwind: Add the
 * ORC unwinder", 4.14) gives for every text address how to find the
 * caller's stack pointer (the CFA), its frame pointer, and whether the
 * frame is a plain call, a full struct pt_regs (an interrupt, exception or
 * system call entry) or only the hardware's iret frame.  vmlinux's tables
 * (.orc_unwind_ip: 32-bit self-relative addresses, .orc_unwind: 6-byte
 * entries) are read from the file; a module's from the struct module in
 * memory (mod->arch.orc_unwind_ip/orc_unwind/num_orcs).
 *
 * Layout of struct orc_entry, told by member (ktypes):
 *  - 4.14 - 6.2: sp_reg:4 bp_reg:4 type:2 end:1; types CALL=0, REGS=1,
 *    REGS_PARTIAL=2; sp_reg UNDEFINED with end=1 marks the end of a stack;
 *  - 6.3: a signal:1 bit after type (commit ffb1b4a41016 "x86/unwind/orc:
 *    Add 'signal' field to ORC metadata");
 *  - 6.4+: type:3 with UNDEFINED=0, END_OF_STACK=1, CALL=2, REGS=3,
 *    REGS_PARTIAL=4, no end bit (commit fb799447ae29 "x86,objtool: Split
 *    UNWIND_HINT_EMPTY in two").
 *
 * Code objtool leaves without data (STACK_FRAME_NON_STANDARD functions,
 * such as __crash_kexec, where kdump saves the panicking CPU's registers)
 * is left, for the first frame only, by scanning the stack for a return
 * address (code with ORC data right after a call instruction); the frame
 * says so.
 *
 * The walk ends at the end-of-stack mark (kernel threads, idle), at a
 * struct pt_regs of user mode (the system call or interrupt entry: those
 * are the user's registers), or with a reason when it cannot go on (no ORC
 * data for an address, unreadable stack, a stack going the wrong way, the
 * frame limit): never an endless loop.
 */
#ifndef LKDB_UNWIND_H
#define LKDB_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/target.h"
#include "kernel-helpers/core/vmlinux.h"

/* A walk gives up after this many frames. */
#define UNWIND_MAX_FRAMES 256
/* A module's ORC table read from memory holds at most this many entries. */
#define UNWIND_MODULE_ORCS_MAX (1u << 21)

/* Where struct orc_entry's fields are: bit offsets in its 6 bytes. */
struct unwind_orc_format {
	unsigned int sp_reg_bit, bp_reg_bit, type_bit, type_bits;
	int end_bit;		/* -1: none (6.4+) */
	int signal_bit;		/* -1: none (before 6.3) */
};

/* 4.14 - 6.2 (the fixture's 6.1 among them). */
extern const struct unwind_orc_format unwind_orc_format_v1;

struct unwinder;

/*
 * An unwinder with vmlinux's ORC tables relocated by kaslr_offset; the
 * layout of struct orc_entry from types.  LKDB_ERROR_NOT_FOUND if the
 * vmlinux has no ORC tables (a frame-pointer or guess unwinder kernel).
 */
struct lkdb_error *unwinder_create(struct vmlinux *vm, struct ktypes *types,
				   uint64_t kaslr_offset,
				   struct unwinder **ret);
/* An unwinder without tables (unit tests add their own). */
struct lkdb_error *unwinder_create_empty(const struct unwind_orc_format *format,
					 struct unwinder **ret);
void unwinder_destroy(struct unwinder *u);

/*
 * Add a table covering [start, end): ips[i] are RUN-TIME addresses in
 * ascending order (sorted here if they are not), entries 6 bytes each.
 * name: a module's name, NULL for vmlinux.  Copies everything.
 */
struct lkdb_error *unwinder_add_table(struct unwinder *u, const char *name,
				      uint64_t start, uint64_t end,
				      const uint64_t *ips,
				      const unsigned char *entries, size_t n);

/*
 * Add the ORC table of the struct module at module_addr, whose code is
 * [start, end), read through mem (mod->arch).  A module without ORC data
 * (num_orcs 0) adds nothing.  LKDB_ERROR_INVALID naming the module for a
 * num_orcs larger than the module's size allows (its 10 bytes an entry lie
 * in the module's own memory, [start, end) being its core size) or than
 * UNWIND_MODULE_ORCS_MAX: nothing is read or allocated for it.
 */
struct lkdb_error *unwinder_add_module(struct unwinder *u,
				       const struct kernel_memory_reader *mem,
				       struct ktypes *types, const char *name,
				       uint64_t module_addr, uint64_t start,
				       uint64_t end);

/* Whether some table covers addr. */
bool unwinder_covers(const struct unwinder *u, uint64_t addr);

/*
 * Where ORC says a struct pt_regs is, in code whose frame is one (the
 * kernel's entry code: interrupts, exceptions, system calls).  The
 * registers' address is computed from the frame's own registers:
 */
enum unwind_regs_base {
	UNWIND_REGS_AT_SP,		/* rsp + offset */
	UNWIND_REGS_AT_BP,		/* rbp + offset */
	UNWIND_REGS_AT_SP_INDIRECT,	/* *(rsp) + offset */
	UNWIND_REGS_AT_BP_INDIRECT,	/* *(rbp + offset) */
	UNWIND_REGS_AT_DX,		/* rdx + offset */
	UNWIND_REGS_AT_DI,		/* rdi + offset */
	UNWIND_REGS_AT_R10,		/* r10 + offset */
	UNWIND_REGS_AT_R13,		/* r13 + offset */
};

/* Code [start, end) whose frame is a struct pt_regs. */
struct unwind_regs_range {
	uint64_t start, end;	/* run-time addresses */
	enum unwind_regs_base base;
	int16_t offset;
	/*
	 * Only the hardware's iret frame (rip cs eflags rsp ss) is there:
	 * the address is that of pt_regs.ip, not of the struct.
	 */
	bool partial;
};

/*
 * The ranges of vmlinux's table (not modules') where a frame is a struct
 * pt_regs, in address order, equal neighbours merged; *ret malloc'd.
 */
struct lkdb_error *unwinder_regs_ranges(const struct unwinder *u,
					struct unwind_regs_range **ret,
					size_t *nr_ret);

/* struct pt_regs: 21 words, r15 first, ss last (x86_64, every release). */
#define X86_64_PT_REGS_WORDS 21
/* The registers of a struct pt_regs read as words (the other fields 0 as given). */
void x86_64_regs_from_pt_regs(const uint64_t w[X86_64_PT_REGS_WORDS],
			      struct x86_64_regs *regs);

struct unwind_frame {
	uint64_t ip;
	/*
	 * Where the frame's return address was read from (crash's
	 * "[ADDRESS]"); for the first frame and a frame interrupted by an
	 * exception, the stack pointer it had.
	 */
	uint64_t sp;
	/*
	 * ip is where execution was (the first frame, or one an interrupt or
	 * exception stopped), not a return address: look it up as is rather
	 * than ip - 1.
	 */
	bool exact;
	/*
	 * This frame saved a struct pt_regs (an entry stub): regs holds it.
	 * partial: only the iret frame (rip cs eflags rsp ss) is valid.
	 */
	bool has_regs;
	bool partial;
	bool user;		/* regs are user mode: the kernel stack ends */
	uint64_t regs_addr;	/* where the struct pt_regs is */
	struct x86_64_regs regs;
	/*
	 * ORC had no data for this frame (code objtool skips, such as
	 * __crash_kexec where kdump saves the registers): its caller was
	 * found by scanning the stack for a return address, a guess.
	 */
	bool scanned;
	/* A module's name when a module's table covered ip; else NULL. */
	const char *module;
};

struct unwind_trace {
	struct unwind_frame *frames;
	size_t nr_frames;
	/*
	 * Why the walk stopped before the end of the stack, as a sentence
	 * ("no ORC data for 0xffffffff..."); NULL when it reached the end-of-
	 * stack mark or user mode.
	 */
	char *stop_reason;
};

/*
 * Walk from regs.  exact: regs.rip is where the CPU was (a CPU's saved
 * registers); false when it is a return address (a sleeping task's
 * inactive_task_frame.ret_addr).  Errors only for running out of memory:
 * trouble on the stack ends the walk with stop_reason.
 */
struct lkdb_error *unwind_stack(const struct unwinder *u,
				const struct kernel_memory_reader *mem,
				const struct x86_64_regs *regs, bool exact,
				struct unwind_trace *ret);
void unwind_trace_deinit(struct unwind_trace *t);

#endif
