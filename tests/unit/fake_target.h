/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A stand-in kernel for the dump server's tests: FAKE_MEM_SIZE bytes of
 * memory at FAKE_MEM_BASE (byte i is fake_mem_byte(i)), FAKE_NR_CPUS CPUs
 * with fixed registers (fake_cpu_regs()).  Anything outside the memory is a
 * FAULT, except FAKE_LOST_ADDR, which fails as a lost target would.
 * fake.broken_cpu (if below nr_cpus) has no registers.
 */
#ifndef LKDB_FAKE_TARGET_H
#define LKDB_FAKE_TARGET_H

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "kernel-helpers/core/target.h"

#define FAKE_MEM_BASE 0xffffffff81000000ull
#define FAKE_MEM_SIZE 0x2000ull		/* two pages */
#define FAKE_LOST_ADDR 0xffffffff8badf000ull
#define FAKE_NR_CPUS 2

struct fake_target {
	unsigned int nr_cpus;
	unsigned int broken_cpu;
	unsigned char mem[FAKE_MEM_SIZE];
};

static inline unsigned char fake_mem_byte(uint64_t i)
{
	return (unsigned char)(i * 7 + 0x11);
}

/* Distinct values: rip and rsp are plausible kernel addresses. */
static inline void fake_cpu_regs(unsigned int cpu, struct x86_64_regs *r)
{
	uint64_t tag = (uint64_t)(cpu + 1) << 40;

	memset(r, 0, sizeof(*r));
	r->rax = tag | 0x1;
	r->rbx = tag | 0x2;
	r->rcx = tag | 0x3;
	r->rdx = tag | 0x4;
	r->rsi = tag | 0x5;
	r->rdi = tag | 0x6;
	r->rbp = 0xffffc90000004000ull + cpu * 0x10000;
	r->rsp = 0xffffc90000003f00ull + cpu * 0x10000;
	r->r8 = tag | 0x8;
	r->r9 = tag | 0x9;
	r->r10 = tag | 0x10;
	r->r11 = tag | 0x11;
	r->r12 = tag | 0x12;
	r->r13 = tag | 0x13;
	r->r14 = tag | 0x14;
	r->r15 = tag | 0x15;
	r->orig_rax = UINT64_MAX;
	r->rip = FAKE_MEM_BASE + 0x10 + cpu * 0x10;
	r->cs = 0x10;
	r->eflags = 0x246;
	r->ss = 0x18;
	r->fs_base = 0;
	r->gs_base = 0xffff88803ec00000ull + cpu * 0x40000;
	r->ds = r->es = r->fs = r->gs = 0;
}

static inline struct lkdb_error *fake_read(void *context, uint64_t addr,
					   void *buf, size_t len)
{
	struct fake_target *fake = context;

	if (addr == FAKE_LOST_ADDR)
		return lkdb_error_create(LKDB_ERROR_TARGET_LOST,
					 "the fake target went away");
	if (addr < FAKE_MEM_BASE || addr - FAKE_MEM_BASE > FAKE_MEM_SIZE ||
	    len > FAKE_MEM_SIZE - (addr - FAKE_MEM_BASE))
		return lkdb_error_create(LKDB_ERROR_FAULT,
					 "cannot read memory at 0x%" PRIx64,
					 addr);
	memcpy(buf, fake->mem + (addr - FAKE_MEM_BASE), len);
	return NULL;
}

static inline unsigned int fake_nr_cpus(void *context)
{
	return ((struct fake_target *)context)->nr_cpus;
}

static inline struct lkdb_error *fake_regs(void *context, unsigned int cpu,
					   struct x86_64_regs *ret)
{
	struct fake_target *fake = context;

	if (cpu >= fake->nr_cpus || cpu == fake->broken_cpu)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no registers for CPU %u", cpu);
	fake_cpu_regs(cpu, ret);
	return NULL;
}

/* fake must outlive target. */
static inline void fake_target_init(struct fake_target *fake,
				    unsigned int nr_cpus,
				    struct lkdb_target *target)
{
	fake->nr_cpus = nr_cpus;
	fake->broken_cpu = UINT32_MAX;
	for (uint64_t i = 0; i < FAKE_MEM_SIZE; i++)
		fake->mem[i] = fake_mem_byte(i);
	target->memory.context = fake;
	target->memory.read = fake_read;
	target->context = fake;
	target->nr_cpus = fake_nr_cpus;
	target->cpu_regs = fake_regs;
}

#endif
