// SPDX-License-Identifier: GPL-2.0-or-later
/* The report's pieces: the reason line found in a log, pt_regs decoding. */
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/decode/panic.h"
#include "tap.h"

static struct printk_log *make_log(const char *const *texts, size_t n)
{
	struct printk_log *log = calloc(1, sizeof(*log));
	log->records = calloc(n, sizeof(*log->records));
	log->nr_records = n;
	for (size_t i = 0; i < n; i++) {
		log->records[i].seq = i;
		log->records[i].text = strdup(texts[i]);
		log->records[i].text_len = strlen(texts[i]);
	}
	return log;
}

static char *reason(const struct printk_log *log, enum panic_stop_kind kind);

/* The reason line for kind is expected (NULL: none). */
static void check_reason(const struct printk_log *log,
			 enum panic_stop_kind kind, const char *expected)
{
	char *r = reason(log, kind);
	if (expected)
		CHECK_STR(r, expected);
	else
		CHECK(r == NULL);
	free(r);
}

static char *reason(const struct printk_log *log, enum panic_stop_kind kind)
{
	const char *line = NULL;
	size_t len = 0;
	struct lkdb_error *err = panic_reason_in_log(log, kind, &line, &len);
	if (err) {
		lkdb_error_destroy(err);
		return NULL;
	}
	return strndup(line, len);
}

TEST(panic_line_is_the_newest_one)
{
	static const char *const texts[] = {
		"Kernel panic - not syncing: an old one",
		"sysrq: Trigger a crash",
		"Kernel panic - not syncing: sysrq triggered crash",
		"CPU: 1 PID: 57 Comm: sh",
	};
	struct printk_log *log = make_log(texts, 4);
	check_reason(log, PANIC_STOP_PANIC, "Kernel panic - not syncing: sysrq triggered crash");
	printk_log_destroy(log);
}

TEST(oops_line_is_the_first_one_printed_for_it)
{
	static const char *const texts[] = {
		"crashme: loaded",
		"BUG: kernel NULL pointer dereference, address: 0000000000000020",
		"#PF: supervisor write access in kernel mode",
		"PGD 0 P4D 0 ",
	};
	struct printk_log *log = make_log(texts, 4);
	check_reason(log, PANIC_STOP_OOPS, "BUG: kernel NULL pointer dereference, address: 0000000000000020");
	check_reason(log, PANIC_STOP_PANIC, NULL);
	printk_log_destroy(log);
}

TEST(bug_trap_line_inside_a_multi_line_record)
{
	static const char *const texts[] = {
		"crashme: calling BUG()",
		"------------[ cut here ]------------\nkernel BUG at crashme.c:66!\n",
	};
	struct printk_log *log = make_log(texts, 2);
	check_reason(log, PANIC_STOP_OOPS, "kernel BUG at crashme.c:66!");
	printk_log_destroy(log);
}

/* At the stop on __warn its own line is not logged yet: this is another's. */
TEST(an_earlier_warning_line_is_not_the_reason)
{
	static const char *const texts[] = {
		"WARNING: CPU: 0 PID: 1 at crashme.c:69 crashme_write+0x1/0x2",
		"Modules linked in: crashme",
	};
	struct printk_log *log = make_log(texts, 2);
	char *r = reason(log, PANIC_STOP_WARN);
	CHECK(r == NULL);
	printk_log_destroy(log);
}

TEST(report_lines_of_soft_lockup_hung_task_and_rcu_stall)
{
	static const char *const texts[] = {
		"INFO: task sh:71 is not the line",
		"INFO: task crashme:93 blocked for more than 2 seconds.",
		"      Not tainted 6.1.0-57-amd64 #1 Debian 6.1.192-3",
		"rcu: INFO: rcu_preempt self-detected stall on CPU",
		"rcu: \t1-....: (5249 ticks this GP)",
		"watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [sh:90]",
		"Modules linked in: crashme",
	};
	struct printk_log *log = make_log(texts, 7);
	check_reason(log, PANIC_STOP_HUNG_TASK, "INFO: task crashme:93 blocked for more than 2 seconds.");
	check_reason(log, PANIC_STOP_RCU_STALL, "rcu: INFO: rcu_preempt self-detected stall on CPU");
	check_reason(log, PANIC_STOP_SOFTLOCKUP, "watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [sh:90]");
	/* An OOM stop comes before the kernel's report. */
	check_reason(log, PANIC_STOP_OOM, NULL);
	/* "BUG: soft lockup" is no oops. */
	check_reason(log, PANIC_STOP_OOPS, NULL);
	printk_log_destroy(log);
	static const char *const bare[] = {
		"BUG: soft lockup - CPU#0 stuck for 23s! [sh:1]",
	};
	log = make_log(bare, 1);
	check_reason(log, PANIC_STOP_SOFTLOCKUP, "BUG: soft lockup - CPU#0 stuck for 23s! [sh:1]");
	check_reason(log, PANIC_STOP_OOPS, NULL);
	printk_log_destroy(log);
}

TEST(list_corruption_line_is_the_title_of_its_bug)
{
	static const char *const texts[] = {
		"list_add corruption. next->prev should be prev (ffffffffc0a01040), but was ffffffffc0a01060. (next=ffffffffc0a01050).",
		"------------[ cut here ]------------",
		"kernel BUG at lib/list_debug.c:30!",
		"invalid opcode: 0000 [#1] PREEMPT SMP NOPTI",
	};
	struct printk_log *log = make_log(texts, 4);
	check_reason(log, PANIC_STOP_OOPS, texts[0]);
	printk_log_destroy(log);
	/* Too far back: another report's. */
	static const char *const far[] = {
		"list_del corruption, ffff8880 is NULL",
		"a", "b", "c",
		"kernel BUG at crashme.c:66!",
	};
	log = make_log(far, 5);
	check_reason(log, PANIC_STOP_OOPS, "kernel BUG at crashme.c:66!");
	printk_log_destroy(log);
}

TEST(a_site_is_a_report_only_from_its_detector)
{
	size_t nr;
	const struct panic_stop_site *sites = panic_stop_sites(&nr);
	const struct panic_stop_site *lockup = NULL, *hung = NULL, *oom = NULL;
	for (size_t i = 0; i < nr; i++) {
		if (sites[i].kind == PANIC_STOP_SOFTLOCKUP)
			lockup = &sites[i];
		if (sites[i].kind == PANIC_STOP_HUNG_TASK)
			hung = &sites[i];
		if (sites[i].kind == PANIC_STOP_OOM)
			oom = &sites[i];
	}
	CHECK(lockup && hung && oom);
	CHECK(panic_stop_caller_matches(lockup, "watchdog_timer_fn"));
	CHECK(panic_stop_caller_matches(lockup, "watchdog_timer_fn.cold"));
	/* print_modules() from an oops or a warning is not a lockup. */
	CHECK(!panic_stop_caller_matches(lockup, "__warn"));
	CHECK(!panic_stop_caller_matches(lockup, "watchdog_timer_fn_x"));
	CHECK(!panic_stop_caller_matches(lockup, "watchdog"));
	CHECK(!panic_stop_caller_matches(lockup, NULL));
	/* sched_show_task() from sysrq-t is not a hung task. */
	CHECK(panic_stop_caller_matches(hung, "watchdog.cold"));
	CHECK(panic_stop_caller_matches(hung, "check_hung_uninterruptible_tasks"));
	CHECK(!panic_stop_caller_matches(hung, "show_state_filter"));
	CHECK(panic_stop_caller_matches(oom, "out_of_memory"));
	CHECK_STR(panic_stop_kind_name(PANIC_STOP_HUNG_TASK), "hung task");
}

TEST(report_lines_of_kasan_kfence_ubsan_and_lockdep)
{
	/* As 6.1's debug kernel logs them (the test module debugme). */
	static const char *const texts[] = {
		"==================================================================",
		"BUG: KASAN: use-after-free in debugme_use_after_free+0x6d/0x80 [debugme]",
		"Read of size 1 at addr ffff888004e8c2c0 by task sh/98",
		"==================================================================",
		"BUG: KFENCE: use-after-free read in debugme_kfence+0x8e/0xd0 [debugme]",
		"================================================================================",
		"UBSAN: shift-out-of-bounds in /tmp/crashme/debugme.c:86:4",
		"shift exponent 70 is too large for 64-bit type 'long long unsigned int'",
		"WARNING: CPU: 0 PID: 98 at kernel/locking/lockdep.c:232 hlock_class+0x4e/0x130",
		"======================================================",
		"WARNING: possible circular locking dependency detected",
		"6.1.192-lkdb #1 Tainted: G    B      O",
	};
	struct printk_log *log = make_log(texts, 12);
	check_reason(log, PANIC_STOP_KASAN, texts[1]);
	check_reason(log, PANIC_STOP_KFENCE, texts[4]);
	check_reason(log, PANIC_STOP_UBSAN, texts[6]);
	check_reason(log, PANIC_STOP_LOCKDEP, texts[10]);
	/* The detectors' "BUG: " lines are no oops. */
	check_reason(log, PANIC_STOP_OOPS, NULL);
	check_reason(log, PANIC_STOP_SLAB, NULL);
	printk_log_destroy(log);
	static const char *const slab[] = {
		"=============================================================================",
		"BUG kmalloc-32 (Tainted: G           O      ): Right Redzone overwritten",
		"-----------------------------------------------------------------------------",
		"0xffff8880041b1820-0xffff8880041b1820 @offset=2080. First byte 0x78 instead of 0xcc",
		"Allocated in crashme_corrupt_slab+0x1c/0x40 [crashme] age=0 cpu=1 pid=96",
	};
	log = make_log(slab, 5);
	check_reason(log, PANIC_STOP_SLAB, slab[1]);
	check_reason(log, PANIC_STOP_OOPS, NULL);
	printk_log_destroy(log);
	static const char *const others[] = {
		"WARNING: suspicious RCU usage",
		"[ BUG: Invalid wait context ]",
		"WARNING: CPU: 1 PID: 7 at kernel/locking/lockdep.c:232 x+0x1/0x2",
	};
	log = make_log(others, 1);
	check_reason(log, PANIC_STOP_LOCKDEP, others[0]);
	printk_log_destroy(log);
	log = make_log(others + 1, 2);
	/* A WARN's line is never lockdep's, even from lockdep.c. */
	check_reason(log, PANIC_STOP_LOCKDEP, others[1]);
	printk_log_destroy(log);
	/* Long reports: far back, but within the long bound. */
	const char **many = calloc(PANIC_REASON_RECORDS_LONG + 1, sizeof(*many));
	many[0] = "WARNING: inconsistent lock state";
	for (size_t i = 1; i <= PANIC_REASON_RECORDS_LONG; i++)
		many[i] = " lock_acquire+0x1/0x2";
	log = make_log(many, PANIC_REASON_RECORDS_LONG);
	check_reason(log, PANIC_STOP_LOCKDEP, many[0]);
	printk_log_destroy(log);
	log = make_log(many, PANIC_REASON_RECORDS_LONG + 1);
	check_reason(log, PANIC_STOP_LOCKDEP, NULL);
	printk_log_destroy(log);
	free(many);
}

TEST(detector_sites_are_told_apart_by_origin_or_caller)
{
	size_t nr;
	const struct panic_stop_site *sites = panic_stop_sites(&nr);
	unsigned int seen = 0;
	const struct panic_stop_site *lockdep = NULL;
	for (size_t i = 0; i < nr; i++) {
		const struct panic_stop_site *site = &sites[i];
		if (site->kind == PANIC_STOP_LOCKDEP)
			lockdep = site;
		if (site->kind == PANIC_STOP_KASAN) {
			CHECK_STR(site->function, "add_taint");
			CHECK(panic_stop_caller_matches(site, "kasan_report"));
			/* a module's taint, a WARN's: not KASAN's */
			CHECK(!panic_stop_caller_matches(site, "load_module"));
			CHECK(!panic_stop_caller_matches(site, "__warn"));
			continue;
		}
		if (site->kind < PANIC_STOP_KFENCE || site->kind > PANIC_STOP_UBSAN)
			continue;
		seen |= 1u << site->kind;
		CHECK_STR(site->function, "check_panic_on_warn");
		CHECK(site->by_default && site->requires && !site->callers);
	}
	CHECK(seen == (1u << PANIC_STOP_KFENCE | 1u << PANIC_STOP_UBSAN));
	/* Each origin once: one site per detector. */
	for (size_t i = 0; i < nr; i++)
		for (size_t j = i + 1; j < nr; j++)
			CHECK(!sites[i].origin || !sites[j].origin ||
			      strcmp(sites[i].origin, sites[j].origin));
	CHECK(lockdep && lockdep->by_default);
	CHECK(panic_stop_caller_matches(lockdep, "print_circular_bug"));
	CHECK(panic_stop_caller_matches(lockdep, "print_usage_bug.part.0"));
	/* 6.1.192: print_circular_bug() inlined, dump_stack() tail-called */
	CHECK(panic_stop_caller_matches(lockdep, "check_noncircular"));
	/* dump_stack() from sysrq or a driver is not lockdep's. */
	CHECK(!panic_stop_caller_matches(lockdep, "sysrq_handle_showstate"));
	/* The older kinds stay off unless asked for. */
	for (size_t i = 0; i < nr; i++)
		if (sites[i].kind <= PANIC_STOP_OOM)
			CHECK(!sites[i].by_default);
}

TEST(guilty_frame_skips_the_reporting_machinery)
{
	static const char *const machinery[] = {
		"check_panic_on_warn", "add_taint", "kasan_report", "__asan_load1",
		"__asan_store8_noabort", "kfence_report_error",
		"kfence_handle_page_fault", "__ubsan_handle_shift_out_of_bounds",
		"ubsan_epilogue", "dump_stack_lvl", "print_circular_bug",
		"check_noncircular", "validate_chain", "__lock_acquire",
		"lock_acquire", "_raw_spin_lock", "_raw_spin_lock_irqsave",
		"page_fault_oops", "exc_page_fault", "asm_exc_page_fault",
		"print_usage_bug.part.0", "mark_lock.cold", "__warn", "panic",
		"kfree", "____kasan_slab_free", "check_bytes_and_report",
		"free_to_partial_list", "kmalloc_trace",
	};
	for (size_t i = 0; i < sizeof(machinery) / sizeof(machinery[0]); i++)
		CHECK(panic_reporting_function(machinery[i]));
	static const char *const culprits[] = {
		"debugme_use_after_free", "debugme_abba", "crashme_write",
		"vfs_write", "crashme_corrupt_slab", "panicky", "dieter", "kfree_rcu_work",
		"proc_reg_write", "lockref_get",
	};
	for (size_t i = 0; i < sizeof(culprits) / sizeof(culprits[0]); i++)
		CHECK(!panic_reporting_function(culprits[i]));
	CHECK(!panic_reporting_function(NULL));
}

TEST(search_is_bounded_to_the_newest_records)
{
	const char **texts = calloc(PANIC_REASON_RECORDS + 1, sizeof(*texts));
	texts[0] = "Kernel panic - not syncing: too far back";
	for (size_t i = 1; i <= PANIC_REASON_RECORDS; i++)
		texts[i] = "noise";
	struct printk_log *log = make_log(texts, PANIC_REASON_RECORDS + 1);
	char *r = reason(log, PANIC_STOP_PANIC);
	CHECK(r == NULL);
	free(r);
	printk_log_destroy(log);
	free(texts);
}

static struct lkdb_error *buffer_read(void *context, uint64_t addr, void *buf,
				      size_t len)
{
	const unsigned char *mem = context;
	if (addr < 0x1000 || addr - 0x1000 + len > PANIC_PT_REGS_SIZE)
		return lkdb_error_create(LKDB_ERROR_FAULT, "cannot read 0x%llx",
					 (unsigned long long)addr);
	memcpy(buf, mem + (addr - 0x1000), len);
	return NULL;
}

TEST(pt_regs_in_kernel_order)
{
	uint64_t words[21];
	for (int i = 0; i < 21; i++)
		words[i] = 100 + i;
	struct kernel_memory_reader mem = { words, buffer_read, NULL };
	struct x86_64_regs r;
	struct lkdb_error *err = panic_read_pt_regs(&mem, 0x1000, &r);
	CHECK(!err);
	CHECK(r.r15 == 100 && r.rbp == 104 && r.rax == 110 &&
	      r.orig_rax == 115 && r.rip == 116 && r.cs == 117 &&
	      r.eflags == 118 && r.rsp == 119 && r.ss == 120);
	r.cs = 0x10;
	CHECK(!panic_regs_user_mode(&r));
	r.cs = 0x33;
	CHECK(panic_regs_user_mode(&r));
	err = panic_read_pt_regs(&mem, 0x2000, &r);
	CHECK(err && err->code == LKDB_ERROR_FAULT &&
	      strstr(err->message, "struct pt_regs at 0x2000"));
	lkdb_error_destroy(err);
}

int main(void)
{
	RUN(panic_line_is_the_newest_one);
	RUN(oops_line_is_the_first_one_printed_for_it);
	RUN(bug_trap_line_inside_a_multi_line_record);
	RUN(an_earlier_warning_line_is_not_the_reason);
	RUN(report_lines_of_soft_lockup_hung_task_and_rcu_stall);
	RUN(list_corruption_line_is_the_title_of_its_bug);
	RUN(a_site_is_a_report_only_from_its_detector);
	RUN(report_lines_of_kasan_kfence_ubsan_and_lockdep);
	RUN(detector_sites_are_told_apart_by_origin_or_caller);
	RUN(guilty_frame_skips_the_reporting_machinery);
	RUN(search_is_bounded_to_the_newest_records);
	RUN(pt_regs_in_kernel_order);
	return tap_done();
}
