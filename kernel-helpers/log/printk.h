/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's log buffer (what dmesg shows), read from any target through
 * a kernel_memory_reader: a pure computation over memory, symbol addresses
 * and type layouts (ktypes.h), so a byte buffer can stand in for a kernel.
 *
 * Two formats, told apart by symbol:
 *  - 5.10+: the lockless ring buffer behind the `prb` pointer (commit
 *    896fbe20b4e2 "printk: use the lockless ringbuffer"): descriptors,
 *    record infos and a text data ring; their live spans (tail to head)
 *    are read in big chunks, at most two reads each.
 *  - 3.5 - 5.9: variable-length struct printk_log records in log_buf,
 *    from log_first_idx/log_first_seq to log_next_seq.
 *
 * The walk is bounded by the buffer's own capacity: ids or indexes that do
 * not add up give a warning and the records read so far, never a crash or
 * an endless loop.
 */
#ifndef LKDB_PRINTK_H
#define LKDB_PRINTK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/target.h"

struct kernel;

struct vmlinux;

/*
 * Link-time (unrelocated) addresses of the symbols the log lives in; 0 for
 * a symbol the kernel does not have.
 */
struct printk_symbols {
	uint64_t prb;		/* struct printk_ringbuffer *prb (5.10+) */
	uint64_t log_buf;	/* char *log_buf (3.5 - 5.9) */
	uint64_t log_buf_len;	/* u32 */
	uint64_t log_first_idx;	/* u32 */
	uint64_t log_next_idx;	/* u32 (a check only; may be 0) */
	uint64_t log_first_seq;	/* u64 */
	uint64_t log_next_seq;	/* u64 */
	/* Code of kernel/printk/printk.c, to look at that file's DWARF. */
	uint64_t vprintk_emit;
	uint64_t tk_core;	/* the timekeeper (boot time for -T) */
};

/* Fill syms from vm's symbol table; absent symbols are 0.  Never fails. */
void printk_symbols_lookup(const struct vmlinux *vm,
			   struct printk_symbols *ret);

/* LOG_NEWLINE/LOG_CONT in struct printk_info's flags. */
#define PRINTK_FLAG_NEWLINE 2
#define PRINTK_FLAG_CONT 8
/* caller_id: a CPU number with this bit, else a task's pid. */
#define PRINTK_CALLER_CPU 0x80000000u

struct printk_record {
	uint64_t seq;
	uint64_t ts_nsec;	/* local_clock() at the printk, ~ since boot */
	uint8_t level;		/* 0 KERN_EMERG .. 7 KERN_DEBUG */
	uint8_t facility;	/* 0 kernel, 1 user (/dev/kmsg), ... */
	uint8_t flags;		/* PRINTK_FLAG_* */
	uint32_t caller_id;	/* valid if the log's has_caller_id */
	char *text;		/* text_len bytes and a NUL; may hold '\n' */
	size_t text_len;
};

enum printk_format {
	PRINTK_FORMAT_LOCKLESS,	/* 5.10+ printk_ringbuffer */
	PRINTK_FORMAT_LEGACY,	/* 3.5 - 5.9 struct printk_log in log_buf */
};

struct printk_log {
	enum printk_format format;
	struct printk_record *records;	/* in seq order */
	size_t nr_records;
	/* Records carry the id of the task or CPU that printed them. */
	bool has_caller_id;
	/*
	 * The kernel itself shows caller ids ("[    T123]", after the time)
	 * in its console and syslog lines: CONFIG_PRINTK_CALLER.
	 */
	bool prints_caller;
	/* What was wrong in the buffer (records skipped, walk cut short). */
	char **warnings;
	size_t nr_warnings;
	/* Capacity: descriptors (lockless) or bytes of log_buf (legacy). */
	uint64_t capacity;
	unsigned int reads;		/* calls of the memory reader */
	uint64_t bytes_read;
};

/*
 * Read the whole log.  syms are link-time addresses (kaslr_offset is added
 * to them, not to the pointers read from memory).  Errors: NOT_FOUND when
 * the kernel has neither format's symbols or types, INVALID when the
 * buffer's header is absurd (e.g. a count_bits of 63), and the reader's
 * errors.  Problems inside the buffer are warnings in the returned log.
 */
struct lkdb_error *printk_read_log(const struct kernel_memory_reader *mem,
				   const struct printk_symbols *syms,
				   uint64_t kaslr_offset, struct ktypes *types,
				   struct printk_log **ret);
/* Accepts NULL. */
void printk_log_destroy(struct printk_log *log);

/* A caller id as the kernel shows it: "T123" (task) or "C1" (CPU). */
void printk_caller_string(uint32_t caller_id, char buf[12]);

/*
 * The wall-clock time at boot, in ns since the epoch, so that a record's
 * time is boot_ns + ts_nsec (as dmesg -T, only as good as local_clock()
 * tracks CLOCK_BOOTTIME): CLOCK_REALTIME - CLOCK_BOOTTIME is the
 * timekeeper's offs_real - offs_boot.  NOT_FOUND without tk_core (kernels
 * where the timekeeper was a plain variable) or those members.
 */
struct lkdb_error *printk_boot_time(const struct kernel_memory_reader *mem,
				    const struct printk_symbols *syms,
				    uint64_t kaslr_offset,
				    struct ktypes *types, int64_t *boot_ns_ret);

/* printk_read_log() and printk_boot_time() of the kernel k. */
struct lkdb_error *kernel_read_log(struct kernel *k, struct printk_log **ret);
struct lkdb_error *kernel_log_boot_time(struct kernel *k,
					int64_t *boot_ns_ret);

#endif
