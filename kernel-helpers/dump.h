/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A vmcore opened in-process with libkdumpfile: ELF from kdump's
 * /proc/vmcore, ELF from QEMU dump-guest-memory (physical addresses only),
 * kdump-compressed, and the flattened makedumpfile format QEMU 7.2 writes
 * for dump-guest-memory -z (reassembled transparently: libkdumpfile 0.5.1
 * cannot read it).  Kernel virtual addresses are translated through the
 * dump's page tables using VMCOREINFO.
 */
#ifndef LKDB_DUMP_H
#define LKDB_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "target.h"

struct lkdb_dump;
struct vmlinux;

/*
 * Open path.  Errors name the file and what is wrong: not found, not a
 * dump (unknown header), truncated or corrupt, no VMCOREINFO (a QEMU dump
 * of a guest without -device vmcoreinfo: say so).
 */
struct lkdb_error *dump_open(const char *path, struct lkdb_dump **ret);
void dump_destroy(struct lkdb_dump *dump);

const char *dump_path(const struct lkdb_dump *dump);
/* "ELF", "kdump-compressed", "flattened", ... as crash's DUMPFILE line. */
const char *dump_format_name(const struct lkdb_dump *dump);
/* A VMCOREINFO value ("OSRELEASE", "BUILD-ID", "KERNELOFFSET", ...). */
const char *dump_vmcoreinfo(const struct lkdb_dump *dump, const char *key);
uint64_t dump_kaslr_offset(const struct lkdb_dump *dump);
/*
 * LKDB_ERROR_MISMATCH naming both when the vmlinux's build-id (or, when
 * the dump has none, its release) differs from VMCOREINFO's.
 */
struct lkdb_error *dump_check_vmlinux(const struct lkdb_dump *dump,
				      const struct vmlinux *vm);

/* Kernel virtual memory; a filtered or absent page is a FAULT naming it. */
struct lkdb_error *dump_read(struct lkdb_dump *dump, uint64_t addr,
			     void *buf, size_t len);
unsigned int dump_nr_cpus(const struct lkdb_dump *dump);
struct lkdb_error *dump_cpu_regs(struct lkdb_dump *dump, unsigned int cpu,
				 struct x86_64_regs *ret);
/* The dump as a target; valid as long as the dump. */
void dump_target(struct lkdb_dump *dump, struct lkdb_target *ret);

#endif
