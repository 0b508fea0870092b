/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-CPU areas and CPU masks of an x86_64 SMP kernel, read from any target
 * through a kernel_memory_reader: a pure computation over memory and symbol
 * addresses, so a byte buffer can stand in for a kernel.
 *
 * x86_64 links .data..percpu at 0: a per-CPU symbol's address is an offset
 * (KASLR does not move it) and CPU n's copy lives at that offset plus
 * __per_cpu_offset[n] (a normal, KASLR-relocated array of run-time bases).
 *
 * The masks are __cpu_possible_mask/__cpu_online_mask since 4.5 (commit
 * c4c54dd1caf1 "kernel/cpu.c: change type of cpu_possible_bits and
 * friends"), cpu_possible_bits/cpu_online_bits before; detected by symbol.
 */
#ifndef LKDB_PERCPU_H
#define LKDB_PERCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/target.h"

struct kernel;

struct vmlinux;

/* The most CPUs lkdb looks at (the kernel's NR_CPUS is at most 8192). */
#define PERCPU_MAX_CPUS 8192

/* Link-time addresses and sizes; 0 for a symbol the kernel lacks. */
struct percpu_symbols {
	uint64_t per_cpu_offset;	/* unsigned long __per_cpu_offset[] */
	uint64_t possible_mask, possible_mask_size;
	uint64_t online_mask, online_mask_size;
	uint64_t nr_cpu_ids;		/* unsigned int */
};

/* Fill syms from vm's symbol table; absent symbols are 0.  Never fails. */
void percpu_symbols_lookup(const struct vmlinux *vm,
			   struct percpu_symbols *ret);

struct percpu_cpus {
	unsigned int nr_cpu_ids;	/* CPU numbers are below this */
	uint64_t *offsets;		/* [nr_cpu_ids]: per-CPU bases */
	bool *possible;			/* [nr_cpu_ids] */
	bool *online;			/* [nr_cpu_ids] */
	unsigned int nr_possible, nr_online;
};

/*
 * Read nr_cpu_ids, the possible and online masks and __per_cpu_offset (one
 * read each).  Without nr_cpu_ids (NR_CPUS=1 builds) the mask's bits count.
 * Errors: NOT_FOUND naming the missing symbol, INVALID for an absurd
 * nr_cpu_ids, the reader's errors.
 */
struct lkdb_error *percpu_read_cpus(const struct kernel_memory_reader *mem,
				    const struct percpu_symbols *syms,
				    uint64_t kaslr_offset,
				    struct percpu_cpus **ret);
/* Accepts NULL. */
void percpu_cpus_destroy(struct percpu_cpus *cpus);

/*
 * The run-time address of a per-CPU variable at offset (its link-time
 * symbol address) on cpu.  INVALID naming the CPU when it is out of range
 * or not possible.
 */
struct lkdb_error *percpu_address(const struct percpu_cpus *cpus,
				  unsigned int cpu, uint64_t offset,
				  uint64_t *addr_ret);

/* "0-3,6" for the set CPUs of mask[n] into buf (truncated to size). */
void percpu_format_cpulist(const bool *mask, unsigned int n, char *buf,
			   size_t size);

/* percpu_read_cpus() of the kernel k. */
struct lkdb_error *kernel_read_cpus(struct kernel *k,
				    struct percpu_cpus **ret);

#endif
