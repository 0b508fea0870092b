/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crash's `sys` summary computed from kernel memory: a pure computation over
 * a kernel_memory_reader, symbol addresses and type layouts (ktypes.h), so a
 * byte buffer can stand in for a kernel.  One read per object (the whole uts
 * name, the three load averages, ...).
 *
 * Where the numbers come from:
 *  - utsname: init_uts_ns.name (struct new_utsname).
 *  - CPUs: nr_cpu_ids and the online mask (percpu.h).
 *  - time now: tk_core.timekeeper.xtime_sec (CLOCK_REALTIME seconds at the
 *    last tick).
 *  - uptime: CLOCK_BOOTTIME as the kernel's ktime_get_boottime() computes
 *    it at the last tick, tk_core.timekeeper.tkr_mono.base + offs_boot (ns),
 *    the clock /proc/uptime shows; no CONFIG_HZ needed.
 *  - load average: avenrun[3], fixed point with FSHIFT 11, rounded as
 *    /proc/loadavg rounds (+ FIXED_1/200).
 *  - tasks: every thread of every thread group on init_task.tasks (sum of
 *    signal->nr_threads), plus the idle tasks of the other online CPUs
 *    (not on the list), as crash counts them.
 *  - memory: as crash, the present pages of the online memory nodes
 *    (pglist_data.node_present_pages, node_spanned_pages when that is 0),
 *    not totalram: the RAM the machine has, not what the kernel manages.
 *    Online nodes: node_states[N_ONLINE] (N_ONLINE is 1 since 2.6.23,
 *    commit 13808910713a "Memoryless nodes: Generic management of
 *    nodemasks for various purposes"); their pglist_data: node_data[]
 *    (NUMA), else contig_page_data (node 0 only).
 *  - taint: tainted_mask, and its letters from the kernel's own
 *    taint_flags[] (struct taint_flag {c_true, c_false, module}, since
 *    4.10, commit 7fd8329ba502 "taint/module: Clean up global and module
 *    taint flags handling"): the letter of each set bit, as crash's
 *    sys -t shows them.
 */
#ifndef LKDB_SYSINFO_H
#define LKDB_SYSINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/memory/percpu.h"
#include "kernel-helpers/core/target.h"

struct kernel;

struct vmlinux;
struct printk_log;

/* Link-time addresses; 0 for a symbol the kernel lacks. */
struct sysinfo_symbols {
	struct percpu_symbols percpu;
	uint64_t init_uts_ns;
	uint64_t tk_core;
	uint64_t avenrun;
	uint64_t init_task;
	uint64_t tainted_mask;
	uint64_t taint_flags, taint_flags_size;	/* the array, its bytes */
	uint64_t node_states;
	uint64_t node_data, node_data_size;	/* pointers (NUMA) */
	uint64_t contig_page_data;		/* !NUMA */
};

void sysinfo_symbols_lookup(const struct vmlinux *vm,
			    struct sysinfo_symbols *ret);

#define SYSINFO_UTS_LEN 65

struct sysinfo {
	char sysname[SYSINFO_UTS_LEN], nodename[SYSINFO_UTS_LEN];
	char release[SYSINFO_UTS_LEN], version[SYSINFO_UTS_LEN];
	char machine[SYSINFO_UTS_LEN];
	unsigned int nr_cpu_ids, nr_online;	/* 0 if unknown */
	bool have_time;
	int64_t time_sec;		/* CLOCK_REALTIME, seconds */
	bool have_uptime;
	uint64_t uptime_ns;		/* CLOCK_BOOTTIME */
	bool have_load;
	unsigned long avenrun[3];
	bool have_tasks;
	uint64_t tasks;
	bool tasks_truncated;		/* list walk cut short */
	bool have_memory;
	uint64_t memory_bytes;		/* present pages of online nodes */
	bool have_taint;
	uint64_t tainted_mask;
	/* The letters of the set bits ("OE"); "" if the kernel has no table. */
	char taint_flags[65];
	/* One line per value that could not be had, naming why. */
	char **warnings;
	size_t nr_warnings;
};

/*
 * Read everything; what cannot be read is left out (have_* false) with a
 * warning.  Only the uts name is required: its errors are returned.
 */
struct lkdb_error *sysinfo_read(const struct kernel_memory_reader *mem,
				const struct sysinfo_symbols *syms,
				uint64_t kaslr_offset, struct ktypes *types,
				struct sysinfo **ret);
void sysinfo_destroy(struct sysinfo *info);

/* "0.00, 0.01, 0.05" as /proc/loadavg rounds. */
void sysinfo_format_load(const unsigned long avenrun[3], char *buf,
			 size_t size);
/*
 * As crash's MEMORY: rounded up to the next GiB when at most 64 MiB short
 * of it, then "4 GB", "1.9 GB", "960 MB", "512.5 MB", "900 KB".
 */
void sysinfo_format_memory(uint64_t bytes, char *buf, size_t size);
/* "0 00:00:06.298" (days hh:mm:ss.ms) as crash's translate_nanoseconds(). */
void sysinfo_format_ns(uint64_t ns, char *buf, size_t size);
/* As crash: "00:04:09", "3 days, 01:02:03". */
void sysinfo_format_uptime(uint64_t ns, char *buf, size_t size);
/*
 * The panic message in a log: the last line starting "Kernel panic - not
 * syncing: ", else the last oops line ("BUG: ", "Oops: ", "general
 * protection fault", "kernel BUG at "), copied into buf; false if none.
 */
bool sysinfo_panic_message(const struct printk_log *log, char *buf,
			   size_t size);

/*
 * Whether the kernel has panicked: panic() claims panic_cpu (an atomic_t,
 * PANIC_CPU_INVALID = -1 until then; since 4.5, commit 1717f2096b54 "panic,
 * x86: Fix re-entrance problem due to panic on NMI").  *ret is false when
 * the kernel has no panic_cpu.
 */
struct lkdb_error *sysinfo_panicked(const struct kernel_memory_reader *mem,
				    const struct vmlinux *vm,
				    uint64_t kaslr_offset, bool *ret);
/* The CPU that panicked (panic_cpu), -1 if none did or it is not known. */
struct lkdb_error *sysinfo_panic_cpu(const struct kernel_memory_reader *mem,
				     const struct vmlinux *vm,
				     uint64_t kaslr_offset, int *cpu_ret);

/* sysinfo_read(), sysinfo_panicked(), sysinfo_panic_cpu() of the kernel k. */
struct lkdb_error *kernel_read_sysinfo(struct kernel *k, struct sysinfo **ret);
struct lkdb_error *kernel_panicked(struct kernel *k, bool *ret);
struct lkdb_error *kernel_panic_cpu(struct kernel *k, int *cpu_ret);

#endif
