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
	char *r = reason(log, PANIC_STOP_PANIC);
	CHECK_STR(r, "Kernel panic - not syncing: sysrq triggered crash");
	free(r);
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
	char *r = reason(log, PANIC_STOP_OOPS);
	CHECK_STR(r, "BUG: kernel NULL pointer dereference, address: 0000000000000020");
	free(r);
	r = reason(log, PANIC_STOP_PANIC);
	CHECK(r == NULL);
	printk_log_destroy(log);
}

TEST(bug_trap_line_inside_a_multi_line_record)
{
	static const char *const texts[] = {
		"crashme: calling BUG()",
		"------------[ cut here ]------------\nkernel BUG at crashme.c:66!\n",
	};
	struct printk_log *log = make_log(texts, 2);
	char *r = reason(log, PANIC_STOP_OOPS);
	CHECK_STR(r, "kernel BUG at crashme.c:66!");
	free(r);
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
	char *r = reason(log, PANIC_STOP_HUNG_TASK);
	CHECK_STR(r, "INFO: task crashme:93 blocked for more than 2 seconds.");
	free(r);
	r = reason(log, PANIC_STOP_RCU_STALL);
	CHECK_STR(r, "rcu: INFO: rcu_preempt self-detected stall on CPU");
	free(r);
	r = reason(log, PANIC_STOP_SOFTLOCKUP);
	CHECK_STR(r, "watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [sh:90]");
	free(r);
	/* An OOM stop comes before the kernel's report. */
	CHECK(reason(log, PANIC_STOP_OOM) == NULL);
	/* "BUG: soft lockup" is no oops. */
	r = reason(log, PANIC_STOP_OOPS);
	CHECK(r == NULL);
	printk_log_destroy(log);
	static const char *const bare[] = {
		"BUG: soft lockup - CPU#0 stuck for 23s! [sh:1]",
	};
	log = make_log(bare, 1);
	r = reason(log, PANIC_STOP_SOFTLOCKUP);
	CHECK_STR(r, "BUG: soft lockup - CPU#0 stuck for 23s! [sh:1]");
	free(r);
	CHECK(reason(log, PANIC_STOP_OOPS) == NULL);
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
	char *r = reason(log, PANIC_STOP_OOPS);
	CHECK_STR(r, texts[0]);
	free(r);
	printk_log_destroy(log);
	/* Too far back: another report's. */
	static const char *const far[] = {
		"list_del corruption, ffff8880 is NULL",
		"a", "b", "c",
		"kernel BUG at crashme.c:66!",
	};
	log = make_log(far, 5);
	r = reason(log, PANIC_STOP_OOPS);
	CHECK_STR(r, "kernel BUG at crashme.c:66!");
	free(r);
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
	RUN(search_is_bounded_to_the_newest_records);
	RUN(pt_regs_in_kernel_order);
	return tap_done();
}
