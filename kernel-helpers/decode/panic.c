// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/decode/panic.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/memory/percpu.h"

static uint64_t symbol_or_zero(const struct vmlinux *vm, const char *name)
{
	uint64_t addr = 0;
	struct lkdb_error *err = vmlinux_symbol(vm, name, &addr, NULL);
	if (err) {
		lkdb_error_destroy(err);
		return 0;
	}
	return addr;
}

/*
 * Whether the function fn holds a call (e8 rel32) to target, read from
 * the vmlinux (link addresses).  A byte e8 inside another instruction may
 * look like one: then a breakpoint is missing where it would do no harm
 * to have one, never the other way round.
 */
#define CALL_SCAN_MAX 4096
static bool calls_function(const struct vmlinux *vm, const char *fn,
			   uint64_t target)
{
	struct vmlinux_symbol_info info;
	struct lkdb_error *err = vmlinux_symbol_info(vm, fn, &info);
	if (err) {
		lkdb_error_destroy(err);
		return false;
	}
	size_t size = info.size < CALL_SCAN_MAX ? (size_t)info.size : CALL_SCAN_MAX;
	unsigned char code[CALL_SCAN_MAX];
	if (size < 5 || (err = vmlinux_read(vm, info.addr, code, size))) {
		lkdb_error_destroy(err);
		/* Unknown: as if it called it (no second stop on one oops). */
		return true;
	}
	for (size_t i = 0; i + 5 <= size; i++) {
		if (code[i] != 0xe8)
			continue;
		int32_t rel;
		memcpy(&rel, &code[i + 1], 4);
		if (info.addr + i + 5 + (uint64_t)(int64_t)rel == target)
			return true;
	}
	return false;
}

void panic_symbols_lookup(const struct vmlinux *vm, struct panic_symbols *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->panic = symbol_or_zero(vm, "panic");
	ret->die = symbol_or_zero(vm, "__die");
	ret->warn = symbol_or_zero(vm, "__warn");
	static const char *const dies[] = { "die", "die_addr" };
	size_t n = 0;
	for (size_t i = 0; ret->die && i < sizeof(dies) / sizeof(dies[0]); i++) {
		uint64_t addr = symbol_or_zero(vm, dies[i]);
		if (addr && !calls_function(vm, dies[i], ret->die)) {
			ret->die_inlined[n] = addr;
			ret->die_inlined_names[n++] = dies[i];
		}
	}
	static const char *const after[] = { "kgdb_panic", "__crash_kexec" };
	for (size_t i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		ret->after_message = symbol_or_zero(vm, after[i]);
		if (ret->after_message) {
			ret->after_message_name = after[i];
			break;
		}
	}
}

static const char *const softlockup_callers[] = { "watchdog_timer_fn", NULL };
static const char *const hung_task_callers[] = {
	"check_hung_task", "check_hung_uninterruptible_tasks", "watchdog", NULL
};

/*
 * lockdep's report printers (kernel/locking/lockdep.c), each ending with
 * dump_stack(), and the functions they are inlined into in 6.1 and 6.12
 * (6.1.192's print_circular_bug() is inside check_noncircular()).
 */
static const char *const lockdep_callers[] = {
	"print_circular_bug", "check_noncircular", "print_bfs_bug",
	"print_bad_irq_dependency", "check_irq_usage", "check_prev_add",
	"check_prevs_add", "print_deadlock_bug", "check_deadlock",
	"validate_chain", "print_usage_bug", "valid_state", "mark_lock",
	"mark_lock_irq", "print_irq_inversion_bug", "check_usage_forwards",
	"check_usage_backwards", "print_lock_invalid_wait_context",
	"check_wait_context", "print_unlock_imbalance_bug",
	"print_lock_contention_bug", "__lock_contended", "__lock_acquired",
	"print_freed_lock_bug", "debug_check_no_locks_freed",
	"print_held_locks_bug", "debug_check_no_locks_held",
	"lockdep_sys_exit", "print_collision", "check_no_collision",
	"lockdep_rcu_suspicious", "__lock_acquire", "lock_acquire",
	"lock_release", "__lock_release", "__lock_set_class",
	"__lock_downgrade", "look_up_lock_class", "register_lock_class",
	NULL
};

/*
 * KASAN's reports end in end_report() (mm/kasan/report.c, static, inlined
 * into its callers) with add_taint(TAINT_BAD_PAGE, ...), also under
 * kasan_multi_shot, where its check_panic_on_warn("KASAN") is skipped.
 */
static const char *const kasan_callers[] = {
	"end_report", "kasan_report", "kasan_report_invalid_free",
	"kasan_report_async", "kasan_report_invalid_double_free", NULL
};

/* mm/slub.c's reporters and the checks they are inlined into (6.1, 6.12). */
static const char *const slab_callers[] = {
	"object_err", "slab_err", "check_bytes_and_report", "check_object",
	"check_pad_bytes", "slab_pad_check", "check_slab", "on_freelist",
	"free_consistency_checks", "alloc_consistency_checks",
	"free_debug_processing", "alloc_debug_processing",
	"free_to_partial_list", "validate_slab", "__slab_free", NULL
};

static const struct panic_stop_site sites[] = {
	{ PANIC_STOP_WARN, "warn", "__warn", NULL, NULL, NULL, false },
	{ PANIC_STOP_SOFTLOCKUP, "softlockup", "print_modules",
	  softlockup_callers, NULL, NULL, false },
	{ PANIC_STOP_HUNG_TASK, "hung-task", "sched_show_task",
	  hung_task_callers, NULL, NULL, false },
	{ PANIC_STOP_RCU_STALL, "rcu-stall", "rcu_check_gp_kthread_starvation",
	  NULL, NULL, NULL, false },
	{ PANIC_STOP_OOM, "oom", "oom_kill_process", NULL, NULL, NULL, false },
	{ PANIC_STOP_KASAN, "kasan", "add_taint", kasan_callers, NULL,
	  "kasan_report", true },
	{ PANIC_STOP_KFENCE, "kfence", "check_panic_on_warn", NULL, "KFENCE",
	  "kfence_report_error", true },
	{ PANIC_STOP_UBSAN, "ubsan", "check_panic_on_warn", NULL, "UBSAN",
	  "__ubsan_handle_shift_out_of_bounds", true },
	/* lockdep_rcu_suspicious: global, built with PROVE_LOCKING (PROVE_RCU) */
	{ PANIC_STOP_LOCKDEP, "lockdep", "dump_stack", lockdep_callers, NULL,
	  "lockdep_rcu_suspicious", true },
	/* Off unless asked: slub_debug is off by default, and distro
	 * kernels have SLUB_DEBUG (KVM's debug registers are few). */
	{ PANIC_STOP_SLAB, "slab", "add_taint", slab_callers, NULL,
	  "check_bytes_and_report", false },
};

#define CLONE_NUMBERS 4
struct lkdb_error *panic_site_symbol(const struct vmlinux *vm,
				     const char *name, uint64_t *addr_ret,
				     char *found, size_t size)
{
	static const char *const kinds[] = { "constprop", "isra", "part" };
	snprintf(found, size, "%s", name);
	struct lkdb_error *err = vmlinux_symbol(vm, name, addr_ret, NULL);
	char cand[256];
	if (!err || strlen(name) + 32 > sizeof(cand))
		return err;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (int n = 0; n < CLONE_NUMBERS; n++) {
			snprintf(cand, sizeof(cand), "%s.%s.%d", name, kinds[k], n);
			uint64_t addr = symbol_or_zero(vm, cand);
			for (int m = 0; !addr && k == 0 && m < CLONE_NUMBERS; m++) {
				snprintf(cand, sizeof(cand), "%s.constprop.%d.isra.%d",
					 name, n, m);
				addr = symbol_or_zero(vm, cand);
			}
			if (addr) {
				lkdb_error_destroy(err);
				*addr_ret = addr;
				snprintf(found, size, "%s", cand);
				return NULL;
			}
		}
	}
	return err;
}

const struct panic_stop_site *panic_stop_sites(size_t *nr_ret)
{
	*nr_ret = sizeof(sites) / sizeof(sites[0]);
	return sites;
}

bool panic_stop_caller_matches(const struct panic_stop_site *site,
			       const char *caller)
{
	if (!site->callers)
		return true;
	if (!caller)
		return false;
	/* "name.cold", "name.part.0", "name.isra.0": the function's parts. */
	size_t len = strcspn(caller, ".");
	for (const char *const *c = site->callers; *c; c++) {
		if (strlen(*c) == len && !memcmp(*c, caller, len))
			return true;
	}
	return false;
}

bool panic_reporting_function(const char *function)
{
	/* Prefixes: the families of the detectors and of the lock calls. */
	static const char *const prefixes[] = {
		"kasan_", "__kasan_", "____kasan_", "__asan_", "check_region",
		"kfence_", "__kfence_", "ubsan_", "__ubsan_",
		"dump_stack", "show_stack", "show_regs", "show_trace",
		"lock_acquire", "lock_release", "__lock_acquire",
		"__lock_release", "lockdep_", "_raw_spin_lock", "_raw_read_lock",
		"_raw_write_lock", "do_raw_spin_lock", "do_raw_read_lock",
		"do_raw_write_lock", "mutex_lock", "__mutex_lock", "down_read",
		"down_write", "asm_exc_", "exc_", "asm_sysvec_",
	};
	/* Whole names (a ".cold" or ".isra.0" part counts as the function). */
	static const char *const names[] = {
		"check_panic_on_warn", "add_taint", "print_report", "end_report",
		"start_report", "validate_chain", "check_prev_add",
		"check_prevs_add", "check_noncircular", "check_deadlock",
		"check_irq_usage", "mark_lock", "mark_lock_irq", "mark_usage",
		"valid_state", "check_wait_context", "print_circular_bug",
		"print_deadlock_bug", "print_usage_bug", "print_bad_irq_dependency",
		"print_irq_inversion_bug", "print_lock_invalid_wait_context",
		"print_unlock_imbalance_bug", "page_fault_oops",
		"kernelmode_fixup_or_oops", "__bad_area_nosemaphore",
		"bad_area_nosemaphore", "do_kern_addr_fault", "do_user_addr_fault",
		"handle_page_fault", "spurious_kernel_fault", "report_bug",
		"handle_bug", "__warn", "warn_slowpath_fmt", "panic", "die",
		"die_addr", "__die", "oops_end", "do_trap", "do_error_trap",
		"memcpy", "memset", "memmove",
		/* where KASAN finds a double or invalid free */
		"kfree", "kmem_cache_free", "__kmem_cache_free", "slab_free",
		"slab_free_hook", "slab_free_freelist_hook", "do_slab_free",
		"__slab_free", "free_to_partial_list", "free_debug_processing",
		"check_object", "check_bytes_and_report", "object_err",
		"slab_err", "on_freelist", "alloc_debug_processing",
		"___slab_alloc", "__slab_alloc", "slab_alloc_node",
		"__kmem_cache_alloc_node", "kmalloc_trace", "__kmalloc",
		"kmem_cache_alloc",
	};
	if (!function)
		return false;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (!strncmp(function, prefixes[i], strlen(prefixes[i])))
			return true;
	}
	size_t len = strcspn(function, ".");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i]) == len && !memcmp(names[i], function, len))
			return true;
	}
	return false;
}

const char *panic_stop_kind_name(enum panic_stop_kind kind)
{
	switch (kind) {
	case PANIC_STOP_PANIC:
		return "panic";
	case PANIC_STOP_OOPS:
		return "oops";
	case PANIC_STOP_WARN:
		return "warning";
	case PANIC_STOP_SOFTLOCKUP:
		return "soft lockup";
	case PANIC_STOP_HUNG_TASK:
		return "hung task";
	case PANIC_STOP_RCU_STALL:
		return "RCU stall";
	case PANIC_STOP_OOM:
		return "OOM kill";
	case PANIC_STOP_KASAN:
		return "KASAN error";
	case PANIC_STOP_KFENCE:
		return "KFENCE error";
	case PANIC_STOP_UBSAN:
		return "UBSAN error";
	case PANIC_STOP_LOCKDEP:
		return "lockdep warning";
	case PANIC_STOP_SLAB:
		return "slab corruption";
	case PANIC_STOP_NR_KINDS:
		break;
	}
	return "stop";
}

static bool line_matches(enum panic_stop_kind kind, const char *line,
			 size_t len)
{
	static const char *const panic_prefixes[] = {
		"Kernel panic - not syncing: ",
	};
	/* What the kernel prints first for an oops (arch/x86, lib/bug.c). */
	static const char *const oops_prefixes[] = {
		"BUG: ", "kernel BUG at ", "general protection fault",
		"Oops: ", "stack segment: ", "invalid opcode: ",
		"double fault: ",
	};
	/* "watchdog: " is kernel/watchdog.c's pr_fmt (since 4.15). */
	static const char *const softlockup_prefixes[] = {
		"watchdog: BUG: soft lockup - ", "BUG: soft lockup - "
	};
	static const char *const hung_task_prefixes[] = { "INFO: task " };
	static const char *const rcu_prefixes[] = { "rcu: INFO: " };
	static const char *const kasan_prefixes[] = { "BUG: KASAN: " };
	static const char *const kfence_prefixes[] = { "BUG: KFENCE: " };
	static const char *const ubsan_prefixes[] = { "UBSAN: " };
	const char *const *prefixes = panic_prefixes;
	const char *needle = NULL;
	size_t n = 1;
	switch (kind) {
	case PANIC_STOP_KASAN:
		prefixes = kasan_prefixes;
		break;
	case PANIC_STOP_KFENCE:
		prefixes = kfence_prefixes;
		break;
	case PANIC_STOP_UBSAN:
		prefixes = ubsan_prefixes;
		break;
	case PANIC_STOP_SLAB: {
		/* mm/slub.c's slab_bug(): "BUG %s (%s): %pV" (no colon after BUG) */
		static const char bug[] = "BUG ";
		return len > strlen(bug) && !memcmp(line, bug, strlen(bug)) &&
		       line[strlen(bug)] != ':' && memmem(line, len, "): ", 3);
	}
	case PANIC_STOP_LOCKDEP: {
		/* kernel/locking/lockdep.c's report headers */
		static const char bug[] = "[ BUG: ", warning[] = "WARNING: ",
				  warn_line[] = "WARNING: CPU: ";
		if (len >= strlen(bug) && !memcmp(line, bug, strlen(bug)))
			return true;
		return len >= strlen(warning) &&
		       !memcmp(line, warning, strlen(warning)) &&
		       !(len >= strlen(warn_line) &&
			 !memcmp(line, warn_line, strlen(warn_line))) &&
		       (memmem(line, len, "lock", 4) ||
			memmem(line, len, "RCU usage", 9));
	}
	case PANIC_STOP_OOPS:
		prefixes = oops_prefixes;
		n = sizeof(oops_prefixes) / sizeof(oops_prefixes[0]);
		break;
	case PANIC_STOP_SOFTLOCKUP:
		prefixes = softlockup_prefixes;
		n = 2;
		break;
	case PANIC_STOP_HUNG_TASK:
		prefixes = hung_task_prefixes;
		needle = " blocked for more than ";
		break;
	case PANIC_STOP_RCU_STALL:
		prefixes = rcu_prefixes;
		needle = "stall";
		break;
	default:
		break;
	}
	/* The soft lockup's and the detectors' "BUG: " lines are no oops'. */
	if (kind == PANIC_STOP_OOPS &&
	    (line_matches(PANIC_STOP_SOFTLOCKUP, line, len) ||
	     line_matches(PANIC_STOP_KASAN, line, len) ||
	     line_matches(PANIC_STOP_KFENCE, line, len)))
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(prefixes[i]);
		if (len >= plen && !memcmp(line, prefixes[i], plen))
			return !needle || memmem(line, len, needle, strlen(needle));
	}
	return false;
}

/*
 * CONFIG_DEBUG_LIST's checks (lib/list_debug.c, CHECK_DATA_CORRUPTION)
 * print what they found corrupt, then BUG() under
 * CONFIG_BUG_ON_DATA_CORRUPTION: that line, in the records just before
 * the oops' "kernel BUG at", is the report's title.
 */
#define CORRUPTION_RECORDS 3
static void corruption_before(const struct printk_log *log, size_t oops,
			      const char **line_ret, size_t *len_ret)
{
	static const char *const prefixes[] = {
		"list_add corruption", "list_del corruption",
	};
	for (size_t back = 1; back <= CORRUPTION_RECORDS && back <= oops; back++) {
		const struct printk_record *r = &log->records[oops - back];
		for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
			size_t plen = strlen(prefixes[i]);
			if (r->text_len < plen || memcmp(r->text, prefixes[i], plen))
				continue;
			const char *nl = memchr(r->text, '\n', r->text_len);
			*line_ret = r->text;
			*len_ret = nl ? (size_t)(nl - r->text) : r->text_len;
			return;
		}
	}
}

struct lkdb_error *panic_reason_in_log(const struct printk_log *log,
				       enum panic_stop_kind kind,
				       const char **line_ret,
				       size_t *len_ret)
{
	/*
	 * __warn() prints its own "WARNING: CPU: C PID: P at FILE:LINE"
	 * (kernel/panic.c); the stop is at its entry, so any WARNING line
	 * already in the log is an earlier warning's.
	 */
	if (kind == PANIC_STOP_WARN)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "a warning's line is logged after the stop, by __warn itself");
	if (kind == PANIC_STOP_OOM)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the OOM report is logged after the stop");
	size_t looked = 0;
	size_t limit = kind >= PANIC_STOP_KASAN && kind <= PANIC_STOP_SLAB ?
		       PANIC_REASON_RECORDS_LONG : PANIC_REASON_RECORDS;
	for (size_t i = log->nr_records; i-- > 0 && looked < limit; looked++) {
		const struct printk_record *r = &log->records[i];
		/* A record may hold several lines; the last match wins. */
		const char *found = NULL;
		size_t found_len = 0;
		for (const char *p = r->text; p < r->text + r->text_len;) {
			const char *nl = memchr(p, '\n',
						(size_t)(r->text + r->text_len - p));
			size_t len = nl ? (size_t)(nl - p) :
				     (size_t)(r->text + r->text_len - p);
			if (line_matches(kind, p, len)) {
				found = p;
				found_len = len;
			}
			p = nl ? nl + 1 : r->text + r->text_len;
		}
		if (found) {
			*line_ret = found;
			*len_ret = found_len;
			if (kind == PANIC_STOP_OOPS)
				corruption_before(log, i, line_ret, len_ret);
			return NULL;
		}
	}
	return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
				 "no %s line in the last %zu log records",
				 panic_stop_kind_name(kind), looked);
}

struct lkdb_error *panic_read_pt_regs(const struct kernel_memory_reader *mem,
				      uint64_t addr, struct x86_64_regs *ret)
{
	uint64_t words[21];
	struct lkdb_error *err = mem->read(mem->context, addr, words,
					   sizeof(words));
	if (err)
		return lkdb_error_prefix(err, "struct pt_regs at 0x%" PRIx64,
					 addr);
	memset(ret, 0, sizeof(*ret));
	/* struct x86_64_regs starts with pt_regs' members, in its order. */
	memcpy(ret, words, sizeof(words));
	return NULL;
}

struct lkdb_error *panic_irq_regs(struct kernel *k, int cpu,
				  struct x86_64_regs *ret)
{
	struct percpu_cpus *cpus = NULL;
	uint64_t var, where, ptr;
	struct lkdb_error *err;
	if (cpu < 0)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the stopped CPU is not known");
	/* x86's per-CPU __irq_regs (asm/irq_regs.h), as the generic one. */
	if ((err = kernel_need_symbol(k, "__irq_regs", "the interrupted registers",
				      &var)) ||
	    (err = kernel_read_cpus(k, &cpus)) ||
	    (err = percpu_address(cpus, (unsigned int)cpu, var, &where)) ||
	    (err = kernel_read_uint(k, where, 8, &ptr))) {
		percpu_cpus_destroy(cpus);
		return err;
	}
	percpu_cpus_destroy(cpus);
	if (!ptr)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "CPU %d's irq_regs is NULL", cpu);
	return panic_read_pt_regs(kernel_memory(k), ptr, ret);
}

struct lkdb_error *panic_oom_victim(struct kernel *k, uint64_t oc,
				    uint64_t *task_ret)
{
	struct ktypes *t;
	uint64_t off;
	struct lkdb_error *err;
	if ((err = kernel_types(k, &t)) ||
	    (err = ktypes_member(t, "oom_control", "chosen", &off, NULL)) ||
	    (err = kernel_read_uint(k, oc + off, 8, task_ret)))
		return lkdb_error_prefix(err, "the OOM victim");
	return NULL;
}
