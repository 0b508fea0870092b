// SPDX-License-Identifier: GPL-2.0-or-later
/* The x86_64 operations of the kernel handle (kernel.h). */
#include "kernel-helpers/core/kernel.h"

#include <inttypes.h>
#include <string.h>

#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/x86_64/unwind.h"

static struct lkdb_error *read_u64(const struct kernel_memory_reader *mem,
				   uint64_t addr, uint64_t *ret)
{
	return mem->read(mem->context, addr, ret, sizeof(*ret));
}

/* What __switch_to_asm pushed: struct inactive_task_frame at thread.sp. */
static struct lkdb_error *
x86_64_task_saved_regs(const struct kernel_memory_reader *mem,
		       struct ktypes *types, uint64_t task,
		       struct x86_64_regs *regs)
{
	uint64_t sp_off, frame_size;
	struct lkdb_error *err = ktypes_member(types, "task_struct",
					       "thread.sp", &sp_off, NULL);
	if (!err)
		err = ktypes_size(types, "inactive_task_frame",
				  &frame_size);
	if (err)
		return err;
	static const char *const names[] = {
		"r15", "r14", "r13", "r12", "bx", "bp", "ret_addr",
	};
	uint64_t offs[7];
	for (size_t i = 0; i < 7; i++) {
		err = ktypes_member(types, "inactive_task_frame",
				    names[i], &offs[i], NULL);
		if (err)
			return err;
	}
	uint64_t sp;
	err = read_u64(mem, task + sp_off, &sp);
	if (err)
		return lkdb_error_prefix(err, "reading its thread.sp");
	uint64_t vals[7];
	for (size_t i = 0; i < 7 && !err; i++)
		err = read_u64(mem, sp + offs[i], &vals[i]);
	if (err)
		return lkdb_error_prefix(err, "reading the registers it saved at thread.sp 0x%" PRIx64,
					 sp);
	memset(regs, 0, sizeof(*regs));
	regs->r15 = vals[0];
	regs->r14 = vals[1];
	regs->r13 = vals[2];
	regs->r12 = vals[3];
	regs->rbx = vals[4];
	regs->rbp = vals[5];
	regs->rip = vals[6];
	regs->rsp = sp + frame_size;
	regs->cs = 0x10;	/* __KERNEL_CS: not user mode */
	return NULL;
}

const struct kernel_arch_ops kernel_arch_x86_64 = {
	.name = "x86_64",
	.page_shift = 12,
	.unwinder_create = unwinder_create,
	.task_saved_regs = x86_64_task_saved_regs,
};
