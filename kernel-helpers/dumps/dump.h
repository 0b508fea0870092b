/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A vmcore opened in-process with libkdumpfile: ELF from kdump's
 * /proc/vmcore, ELF from QEMU dump-guest-memory (physical addresses only),
 * kdump-compressed, and the flattened makedumpfile format QEMU 7.2 writes
 * for dump-guest-memory -z (reassembled transparently: libkdumpfile 0.5.1
 * cannot read it).  Kernel virtual addresses are translated through the
 * dump's page tables using VMCOREINFO.
 *
 * A flattened dump is reassembled into an unlinked file in $TMPDIR (default
 * /tmp) at dump_open(), which needs about the dump's size there, once per
 * session: dump_open() names its copy in $LKDB_DUMP_REASSEMBLED (until
 * dump_destroy()), and a child process (lkdb-dump-server, started by gdb)
 * that opens the same unchanged file reads that copy instead.  libkdumpfile
 * is told the OS ("linux") and, for QEMU's kdump files, the architecture
 * before it opens the file.  A dump is not safe to use from several threads
 * at once.
 */
#ifndef LKDB_DUMP_H
#define LKDB_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/target.h"

struct lkdb_dump;
struct vmlinux;

/* Where dump_open() names a flattened dump's reassembled copy. */
#define LKDB_DUMP_REASSEMBLED_ENV "LKDB_DUMP_REASSEMBLED"

enum dump_format {
	DUMP_FORMAT_UNKNOWN,
	DUMP_FORMAT_ELF,	/* "\177ELF": kdump's /proc/vmcore, QEMU */
	DUMP_FORMAT_KDUMP,	/* "KDUMP   ": makedumpfile -c/-l/-p, QEMU */
	DUMP_FORMAT_DISKDUMP,	/* "DISKDUMP": the old diskdump */
	DUMP_FORMAT_FLATTENED,	/* "makedumpfile": flattened KDUMP */
};

/* The format a file's first len bytes announce (magic only). */
enum dump_format dump_detect_format(const void *buf, size_t len);
/* "ELF", "kdump-compressed", "diskdump", "flattened"; "unknown". */
const char *dump_format_string(enum dump_format format);
/*
 * Open path only far enough to tell its format from its first bytes.
 * Errors as dump_open()'s for a missing file, a directory, an empty file
 * or an unknown header.
 */
struct lkdb_error *dump_probe_format(const char *path,
				     enum dump_format *format_ret);

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
/*
 * A VMCOREINFO value ("OSRELEASE", "BUILD-ID", "KERNELOFFSET",
 * "SYMBOL(init_uts_ns)", ...) as the kernel wrote it, or NULL; valid as
 * long as the dump.
 */
const char *dump_vmcoreinfo(const struct lkdb_dump *dump, const char *key);
uint64_t dump_kaslr_offset(const struct lkdb_dump *dump);
/*
 * LKDB_ERROR_MISMATCH naming both when the vmlinux's build-id (or, when
 * the dump has none, its release) differs from VMCOREINFO's.
 */
struct lkdb_error *dump_check_vmlinux(const struct lkdb_dump *dump,
				      const struct vmlinux *vm);

/*
 * Kernel virtual memory; a filtered or absent page, or an address the page
 * tables do not map, is a FAULT naming the first byte not read.
 */
struct lkdb_error *dump_read(struct lkdb_dump *dump, uint64_t addr,
			     void *buf, size_t len);
unsigned int dump_nr_cpus(const struct lkdb_dump *dump);
struct lkdb_error *dump_cpu_regs(struct lkdb_dump *dump, unsigned int cpu,
				 struct x86_64_regs *ret);
enum dump_format dump_format(const struct lkdb_dump *dump);
/* Kernel physical memory; an address not in the dump is a FAULT. */
struct lkdb_error *dump_read_phys(struct lkdb_dump *dump, uint64_t paddr,
				  void *buf, size_t len);
/* The dump as a target; valid as long as the dump. */
void dump_target(struct lkdb_dump *dump, struct lkdb_target *ret);

#endif
