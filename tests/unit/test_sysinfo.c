// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/memory/percpu.c and sysinfo.c over byte buffers: a
 * fake kernel with two of four CPUs online, a uts name, a timekeeper, load
 * averages, a task list of three thread groups, two online memory nodes of
 * four and a taint mask with the kernel's taint_flags table; layouts
 * from a ktypes table with 6.1's x86_64 offsets.  Also the formatting and
 * the panic message search of a printk log.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/memory/percpu.h"
#include "kernel-helpers/log/printk.h"
#include "kernel-helpers/tasks/sysinfo.h"
#include "tap.h"

#include "fake_memory.h"

#define KASLR 0x1000000ULL
/* Link-time symbol addresses. */
#define SYM_PER_CPU_OFFSET 0xffffffff82000000ULL
#define SYM_POSSIBLE 0xffffffff82001000ULL
#define SYM_ONLINE 0xffffffff82001100ULL
#define SYM_NR_CPU_IDS 0xffffffff82001200ULL
#define SYM_UTS 0xffffffff82002000ULL
#define SYM_TK_CORE 0xffffffff82003000ULL
#define SYM_AVENRUN 0xffffffff82004000ULL
#define SYM_NODE_STATES 0xffffffff82005000ULL
#define SYM_NODE_DATA 0xffffffff82005800ULL
#define SYM_TAINTED_MASK 0xffffffff82006000ULL
#define SYM_TAINT_FLAGS 0xffffffff82006100ULL
#define PGDAT_0 0xffff88803ffd5000ULL
#define PGDAT_2 0xffff88807ffd5000ULL
/* 6.1: sizeof(nodemask_t) with NODES_SHIFT 6; pglist_data offsets */
#define NODEMASK_SIZE 8
#define PRESENT_OFF 0x1f90
#define SPANNED_OFF 0x1f98
#define SYM_INIT_TASK 0xffffffff82010000ULL
#define TASK_SIZE 4096
#define TASKS_OFF 2192
#define SIGNAL_OFF 3072

static const char layout_6_1[] =
	"new_utsname 0 390\n"
	"new_utsname.sysname 0 65\n"
	"new_utsname.nodename 65 65\n"
	"new_utsname.release 130 65\n"
	"new_utsname.version 195 65\n"
	"new_utsname.machine 260 65\n"
	"var:init_uts_ns.name 0 390\n"
	"var:tk_core.timekeeper.tkr_mono.base 48 8\n"
	"var:tk_core.timekeeper.xtime_sec 120 8\n"
	"var:tk_core.timekeeper.offs_boot 160 8\n"
	"task_struct.tasks 2192 16\n"
	"task_struct.signal 3072 8\n"
	"signal_struct.nr_threads 8 4\n"
	"nodemask_t 0 8\n"
	"pglist_data.node_present_pages 8080 8\n"
	"pglist_data.node_spanned_pages 8088 8\n"
	"taint_flag 0 3\n"
	"taint_flag.c_true 0 1\n"
	"taint_flag.c_false 1 1\n";

static struct sysinfo_symbols fake_syms(void)
{
	struct sysinfo_symbols s = { 0 };
	s.percpu.per_cpu_offset = SYM_PER_CPU_OFFSET;
	s.percpu.possible_mask = SYM_POSSIBLE;
	s.percpu.possible_mask_size = 8;
	s.percpu.online_mask = SYM_ONLINE;
	s.percpu.online_mask_size = 8;
	s.percpu.nr_cpu_ids = SYM_NR_CPU_IDS;
	s.init_uts_ns = SYM_UTS;
	s.tk_core = SYM_TK_CORE;
	s.avenrun = SYM_AVENRUN;
	s.init_task = SYM_INIT_TASK;
	s.node_states = SYM_NODE_STATES;
	s.node_data = SYM_NODE_DATA;
	s.node_data_size = 64 * 8;
	s.tainted_mask = SYM_TAINTED_MASK;
	s.taint_flags = SYM_TAINT_FLAGS;
	s.taint_flags_size = 19 * 3;
	return s;
}

/* Tasks: init_task (1 thread) -> A (3 threads) -> B (signal unreadable). */
#define TASK_A 0xffff888001000000ULL
#define TASK_B 0xffff888002000000ULL
#define SIGNAL_INIT 0xffff888003000000ULL
#define SIGNAL_A 0xffff888003001000ULL

static void fake_kernel(struct fake_memory *m)
{
	unsigned char *p = map(m, SYM_PER_CPU_OFFSET + KASLR, 8 * 4);
	for (int i = 0; i < 4; i++)
		put(p + 8 * i, 0xffff88807ec00000ULL + 0x100000ULL * i, 8);
	put(map(m, SYM_POSSIBLE + KASLR, 8), 0xf, 8);
	put(map(m, SYM_ONLINE + KASLR, 8), 0x5, 8);	/* CPUs 0 and 2 */
	put(map(m, SYM_NR_CPU_IDS + KASLR, 4), 4, 4);
	unsigned char *uts = map(m, SYM_UTS + KASLR, 432);
	strcpy((char *)uts, "Linux");
	strcpy((char *)uts + 65, "host");
	strcpy((char *)uts + 130, "6.1.0-56-amd64");
	strcpy((char *)uts + 195, "#1 SMP PREEMPT_DYNAMIC Debian");
	memset(uts + 260, 'x', 65);	/* no NUL: cut at 64 */
	unsigned char *tk = map(m, SYM_TK_CORE + KASLR, 288);
	put(tk + 48, 3000000000ULL, 8);		/* tkr_mono.base: 3 s */
	put(tk + 120, 1795325361ULL, 8);	/* xtime_sec */
	put(tk + 160, 86400000000000ULL + 2000000000ULL, 8); /* offs_boot */
	unsigned char *av = map(m, SYM_AVENRUN + KASLR, 24);
	put(av, 0, 8);
	put(av + 8, 21, 8);	/* 21/2048 = 0.0103 + 0.005 -> 0.01 */
	put(av + 16, 2048 * 3 / 2, 8);	/* 1.50 */
	/* node_states[N_ONLINE]: nodes 0 and 2 of 0-3 (possible) */
	unsigned char *ns = map(m, SYM_NODE_STATES + KASLR, 6 * NODEMASK_SIZE);
	put(ns, 0xf, 8);
	put(ns + NODEMASK_SIZE, 0x5, 8);
	unsigned char *nd = map(m, SYM_NODE_DATA + KASLR, 64 * 8);
	put(nd, PGDAT_0, 8);
	put(nd + 8, 0xffff888000dead00ULL, 8);	/* offline: not read */
	put(nd + 16, PGDAT_2, 8);
	/* 1023.5 MiB present (crash: "1 GB"); node 2 has spanned pages only */
	unsigned char *p0 = map(m, PGDAT_0, 0x2000);
	put(p0 + PRESENT_OFF, 262014 - 2048, 8);
	put(p0 + SPANNED_OFF, 262111, 8);
	unsigned char *p2 = map(m, PGDAT_2, 0x2000);
	put(p2 + SPANNED_OFF, 2048, 8);
	/* TAINT_OOT_MODULE (12) and TAINT_UNSIGNED_MODULE (13), as 6.1 */
	put(map(m, SYM_TAINTED_MASK + KASLR, 8), 0x3000, 8);
	static const char letters[] = "PFSRMBUDAWCIOELKXT";
	unsigned char *tf = map(m, SYM_TAINT_FLAGS + KASLR, 19 * 3);
	for (int i = 0; i < 19; i++) {
		tf[3 * i] = i < 18 ? letters[i] : 'N';
		tf[3 * i + 1] = i == 0 ? 'G' : ' ';
	}
	unsigned char *t0 = map(m, SYM_INIT_TASK + KASLR, TASK_SIZE);
	unsigned char *ta = map(m, TASK_A, TASK_SIZE);
	unsigned char *tb = map(m, TASK_B, TASK_SIZE);
	uint64_t head = SYM_INIT_TASK + KASLR + TASKS_OFF;
	put(t0 + TASKS_OFF, TASK_A + TASKS_OFF, 8);
	put(ta + TASKS_OFF, TASK_B + TASKS_OFF, 8);
	put(tb + TASKS_OFF, head, 8);
	put(t0 + SIGNAL_OFF, SIGNAL_INIT, 8);
	put(ta + SIGNAL_OFF, SIGNAL_A, 8);
	put(tb + SIGNAL_OFF, 0xffff888009000000ULL, 8);	/* unmapped */
	put(map(m, SIGNAL_INIT, 64) + 8, 1, 4);
	put(map(m, SIGNAL_A, 64) + 8, 3, 4);
}

TEST(percpu_cpus)
{
	struct fake_memory m = { 0 };
	fake_kernel(&m);
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct sysinfo_symbols s = fake_syms();
	struct percpu_cpus *c = NULL;
	take_error(percpu_read_cpus(&reader, &s.percpu, KASLR, &c));
	CHECK(err_code == 0);
	CHECK(m.reads == 4);
	if (c) {
		CHECK(c->nr_cpu_ids == 4);
		CHECK(c->nr_possible == 4);
		CHECK(c->nr_online == 2);
		CHECK(c->online[0] && !c->online[1] && c->online[2] &&
		      !c->online[3]);
		uint64_t addr = 0;
		take_error(percpu_address(c, 2, 0x1fb80, &addr));
		CHECK(err_code == 0);
		CHECK(addr == 0xffff88807ee00000ULL + 0x1fb80);
		take_error(percpu_address(c, 4, 0x1fb80, &addr));
		CHECK(err_code == LKDB_ERROR_INVALID);
		CHECK_STR(err_message, "CPU 4 out of range (possible CPUs: 0-3)");
		c->possible[1] = false;
		take_error(percpu_address(c, 1, 0, &addr));
		CHECK(err_code == LKDB_ERROR_INVALID);
		CHECK_STR(err_message, "CPU 1 out of range (possible CPUs: 0,2-3)");
	}
	percpu_cpus_destroy(c);

	/* An absurd nr_cpu_ids, a missing symbol, an unreadable array. */
	put(m.regions[3].bytes, 100000, 4);
	c = NULL;
	take_error(percpu_read_cpus(&reader, &s.percpu, KASLR, &c));
	CHECK(err_code == LKDB_ERROR_INVALID && !c);
	put(m.regions[3].bytes, 4, 4);
	s.percpu.per_cpu_offset = 0;
	take_error(percpu_read_cpus(&reader, &s.percpu, KASLR, &c));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND && !c);
	s.percpu.per_cpu_offset = SYM_PER_CPU_OFFSET + 0x100000;
	take_error(percpu_read_cpus(&reader, &s.percpu, KASLR, &c));
	CHECK(err_code == LKDB_ERROR_FAULT && !c);
	unmap_all(&m);
}

TEST(cpulist)
{
	bool mask[10] = { 1, 1, 1, 0, 1, 0, 1, 1, 0, 1 };
	char buf[64];
	percpu_format_cpulist(mask, 10, buf, sizeof(buf));
	CHECK_STR(buf, "0-2,4,6-7,9");
	percpu_format_cpulist(mask, 10, buf, 6);
	CHECK_STR(buf, "0-2,4");
	bool none[2] = { 0, 0 };
	percpu_format_cpulist(none, 2, buf, sizeof(buf));
	CHECK_STR(buf, "");
}

TEST(sysinfo_read)
{
	struct fake_memory m = { 0 };
	fake_kernel(&m);
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct sysinfo_symbols s = fake_syms();
	struct ktypes *t = NULL;
	take_error(ktypes_create_from_table(layout_6_1, &t));
	struct sysinfo *info = NULL;
	take_error(sysinfo_read(&reader, &s, KASLR, t, &info));
	CHECK(err_code == 0);
	if (info) {
		CHECK_STR(info->sysname, "Linux");
		CHECK_STR(info->nodename, "host");
		CHECK_STR(info->release, "6.1.0-56-amd64");
		CHECK_STR(info->version, "#1 SMP PREEMPT_DYNAMIC Debian");
		CHECK(strlen(info->machine) == 64);
		CHECK(info->nr_cpu_ids == 4 && info->nr_online == 2);
		CHECK(info->have_time && info->time_sec == 1795325361);
		CHECK(info->have_uptime &&
		      info->uptime_ns == 86400000000000ULL + 5000000000ULL);
		CHECK(info->have_load && info->avenrun[1] == 21);
		/* 1 + 3 + 1 (B's signal unreadable) + 1 idle of CPU 2 */
		CHECK(info->have_tasks && info->tasks == 6);
		CHECK(!info->tasks_truncated);
		CHECK(info->have_memory &&
		      info->memory_bytes == 262014ULL * 4096);
		CHECK(info->have_taint && info->tainted_mask == 0x3000);
		CHECK_STR(info->taint_flags, "OE");
		CHECK(info->nr_warnings == 0);
		char buf[64];
		sysinfo_format_uptime(info->uptime_ns, buf, sizeof(buf));
		CHECK_STR(buf, "1 day, 00:00:05");
		sysinfo_format_load(info->avenrun, buf, sizeof(buf));
		CHECK_STR(buf, "0.00, 0.01, 1.50");
		sysinfo_format_memory(info->memory_bytes, buf, sizeof(buf));
		CHECK_STR(buf, "1 GB");
	}
	sysinfo_destroy(info);

	/* A task list that loops without coming back to init_task. */
	m.reads = 0;
	put(at(&m, TASK_B + TASKS_OFF), TASK_A + TASKS_OFF, 8);
	info = NULL;
	take_error(sysinfo_read(&reader, &s, KASLR, t, &info));
	CHECK(err_code == 0);
	if (info) {
		CHECK(info->have_tasks && info->tasks_truncated);
		CHECK(info->nr_warnings == 1);
		CHECK(m.reads < 100);
	}
	sysinfo_destroy(info);
	/* A broken link: the tasks so far, with a warning. */
	put(at(&m, TASK_B + TASKS_OFF), 0xffff888007000000ULL, 8);
	/* No taint_flags table: the mask alone. */
	s.taint_flags = 0;
	info = NULL;
	take_error(sysinfo_read(&reader, &s, KASLR, t, &info));
	CHECK(err_code == 0);
	if (info) {
		CHECK(info->have_taint && info->tainted_mask == 0x3000);
		CHECK_STR(info->taint_flags, "");
	}
	sysinfo_destroy(info);
	/* An online node without its pglist_data: a warning, no MEMORY. */
	put(at(&m, SYM_NODE_DATA + KASLR + 16), 0, 8);
	info = NULL;
	take_error(sysinfo_read(&reader, &s, KASLR, t, &info));
	CHECK(err_code == 0);
	if (info) {
		CHECK(!info->have_memory && info->nr_warnings >= 1);
		CHECK(info->nr_warnings >= 1 &&
		      strstr(info->warnings[info->nr_warnings - 1],
			     "memory: node 2 is online but node_data[2] is NULL"));
	}
	sysinfo_destroy(info);
	/* Missing symbols: warnings, the rest still there. */
	s.tk_core = 0;
	s.avenrun = 0;
	s.node_data = 0;
	s.tainted_mask = 0;
	info = NULL;
	take_error(sysinfo_read(&reader, &s, KASLR, t, &info));
	CHECK(err_code == 0);
	if (info) {
		CHECK(!info->have_time && !info->have_uptime &&
		      !info->have_load && !info->have_memory);
		CHECK(info->have_tasks && info->tasks == 1 + 3 + 1 + 1);
		CHECK(info->nr_warnings == 5);
		for (size_t i = 0; i < info->nr_warnings; i++)
			printf("# warning: %s\n", info->warnings[i]);
	}
	sysinfo_destroy(info);
	/* The uts name is required. */
	s.init_uts_ns = 0;
	info = NULL;
	take_error(sysinfo_read(&reader, &s, KASLR, t, &info));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND && !info);
	ktypes_destroy(t);
	unmap_all(&m);
}

TEST(formats)
{
	char buf[64];
	unsigned long zero[3] = { 0, 0, 0 };
	sysinfo_format_load(zero, buf, sizeof(buf));
	CHECK_STR(buf, "0.00, 0.00, 0.00");
	/* /proc/loadavg rounds: 2047/2048 + 10/2048 -> 1.00 */
	unsigned long near[3] = { 2047, 2048 * 12 + 1024, 30 };
	sysinfo_format_load(near, buf, sizeof(buf));
	CHECK_STR(buf, "1.00, 12.50, 0.01");
	sysinfo_format_memory(4ULL << 30, buf, sizeof(buf));
	CHECK_STR(buf, "4 GB");
	/* crash: 64 MiB short of a GiB is the GiB; 65 MiB short is not */
	sysinfo_format_memory((2ULL << 30) - (64ULL << 20), buf, sizeof(buf));
	CHECK_STR(buf, "2 GB");
	sysinfo_format_memory((1ULL << 30) - (65ULL << 20), buf, sizeof(buf));
	CHECK_STR(buf, "959 MB");
	/* crash has no TB; a .0 is dropped whatever the digits before it */
	sysinfo_format_memory(4096ULL << 30, buf, sizeof(buf));
	CHECK_STR(buf, "4096 GB");
	sysinfo_format_memory((1ULL << 30) + (30ULL << 20), buf, sizeof(buf));
	CHECK_STR(buf, "1 GB");
	sysinfo_format_memory((4ULL << 30) - (100ULL << 20), buf, sizeof(buf));
	CHECK_STR(buf, "3.9 GB");
	sysinfo_format_memory(950ULL << 20, buf, sizeof(buf));
	CHECK_STR(buf, "950 MB");
	sysinfo_format_memory(900ULL << 10, buf, sizeof(buf));
	CHECK_STR(buf, "900 KB");
	sysinfo_format_uptime(249ULL * 1000000000, buf, sizeof(buf));
	CHECK_STR(buf, "00:04:09");
	sysinfo_format_uptime((3 * 86400ULL + 3723) * 1000000000, buf,
			      sizeof(buf));
	CHECK_STR(buf, "3 days, 01:02:03");
}

static struct printk_record rec(const char *text)
{
	struct printk_record r = { 0 };
	r.text = (char *)text;
	r.text_len = strlen(text);
	return r;
}

TEST(panic_message)
{
	struct printk_record recs[] = {
		rec("Linux version 6.1.0"),
		rec("BUG: kernel NULL pointer dereference, address: 0000000000000000"),
		rec("Oops: 0002 [#1] PREEMPT SMP NOPTI"),
		rec("Kernel panic - not syncing: sysrq triggered crash\nmore"),
		rec("Kernel Offset: 0x1000000"),
		rec("BUG: after the panic"),
	};
	struct printk_log log = { 0 };
	log.records = recs;
	log.nr_records = 6;
	char buf[128];
	CHECK(sysinfo_panic_message(&log, buf, sizeof(buf)));
	CHECK_STR(buf, "Kernel panic - not syncing: sysrq triggered crash");
	/* Without the panic line: the last oops line. */
	log.nr_records = 3;
	CHECK(sysinfo_panic_message(&log, buf, sizeof(buf)));
	CHECK_STR(buf, "Oops: 0002 [#1] PREEMPT SMP NOPTI");
	log.nr_records = 1;
	CHECK(!sysinfo_panic_message(&log, buf, sizeof(buf)));
	CHECK(!sysinfo_panic_message(NULL, buf, sizeof(buf)));
	/* Cut to the buffer. */
	log.nr_records = 4;
	CHECK(sysinfo_panic_message(&log, buf, 13));
	CHECK_STR(buf, "Kernel panic");
}

int main(void)
{
	RUN(percpu_cpus);
	RUN(cpulist);
	RUN(sysinfo_read);
	RUN(formats);
	RUN(panic_message);
	return tap_done();
}
