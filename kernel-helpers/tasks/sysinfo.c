// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/tasks/sysinfo.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/log/printk.h"
#include "kernel-helpers/core/vmlinux.h"

/*
 * The most tasks counted before giving up on a list that does not end (a
 * loop is found sooner; see read_tasks).
 */
#define SYSINFO_MAX_TASKS (1u << 22)

static uint64_t symbol_sized(const struct vmlinux *vm, const char *name,
			     uint64_t *size_ret)
{
	uint64_t addr, size;
	struct lkdb_error *err = vmlinux_symbol(vm, name, &addr, &size);
	if (err) {
		lkdb_error_destroy(err);
		addr = size = 0;
	}
	if (size_ret)
		*size_ret = size;
	return addr;
}

static uint64_t symbol(const struct vmlinux *vm, const char *name)
{
	return symbol_sized(vm, name, NULL);
}

void sysinfo_symbols_lookup(const struct vmlinux *vm,
			    struct sysinfo_symbols *ret)
{
	memset(ret, 0, sizeof(*ret));
	percpu_symbols_lookup(vm, &ret->percpu);
	ret->init_uts_ns = symbol(vm, "init_uts_ns");
	ret->tk_core = symbol(vm, "tk_core");
	ret->avenrun = symbol(vm, "avenrun");
	ret->init_task = symbol(vm, "init_task");
	ret->tainted_mask = symbol(vm, "tainted_mask");
	ret->taint_flags = symbol_sized(vm, "taint_flags",
					&ret->taint_flags_size);
	ret->node_states = symbol(vm, "node_states");
	ret->node_data = symbol_sized(vm, "node_data", &ret->node_data_size);
	ret->contig_page_data = symbol(vm, "contig_page_data");
}

void sysinfo_destroy(struct sysinfo *info)
{
	if (!info)
		return;
	lkdb_warnings_free(info->warnings, info->nr_warnings);
	free(info);
}

/* Record a warning "what: err" and free err; best effort on OOM. */
static void warn(struct sysinfo *info, struct lkdb_error *err,
		 const char *what)
{
	lkdb_error_destroy(lkdb_warning_append(&info->warnings,
					       &info->nr_warnings, "%s: %s",
					       what, err->message));
	lkdb_error_destroy(err);
}

static uint64_t get_u64(const unsigned char *p, uint64_t size)
{
	uint64_t v = 0;
	for (uint64_t i = 0; i < size && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static struct lkdb_error *read_uts(const struct kernel_memory_reader *mem,
				   const struct sysinfo_symbols *syms,
				   uint64_t kaslr_offset, struct ktypes *types,
				   struct sysinfo *info)
{
	if (!syms->init_uts_ns)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the kernel has no init_uts_ns symbol");
	uint64_t name_off, name_size;
	struct lkdb_error *err = ktypes_var_member(types, "init_uts_ns", "name",
						   &name_off, &name_size);
	if (err)
		return err;
	static const char *const fields[] = {
		"sysname", "nodename", "release", "version", "machine",
	};
	char *dest[] = {
		info->sysname, info->nodename, info->release, info->version,
		info->machine,
	};
	uint64_t off[5], size[5];
	for (int i = 0; i < 5; i++) {
		err = ktypes_member(types, "new_utsname", fields[i], &off[i],
				    &size[i]);
		if (err)
			return err;
		if (off[i] + size[i] > name_size)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "new_utsname.%s is outside init_uts_ns.name",
						 fields[i]);
	}
	if (name_size > 4096)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "init_uts_ns.name has %" PRIu64 " bytes",
					 name_size);
	unsigned char buf[4096];
	err = mem->read(mem->context, syms->init_uts_ns + kaslr_offset +
			name_off, buf, name_size);
	if (err)
		return lkdb_error_prefix(err, "reading init_uts_ns.name");
	for (int i = 0; i < 5; i++) {
		size_t n = size[i] < SYSINFO_UTS_LEN ? size[i] :
			   SYSINFO_UTS_LEN - 1;
		size_t len = strnlen((char *)buf + off[i], n);
		if (len == SYSINFO_UTS_LEN)
			len--;
		memcpy(dest[i], buf + off[i], len);
		dest[i][len] = '\0';
	}
	return NULL;
}

static struct lkdb_error *read_time(const struct kernel_memory_reader *mem,
				    const struct sysinfo_symbols *syms,
				    uint64_t kaslr_offset,
				    struct ktypes *types, struct sysinfo *info)
{
	if (!syms->tk_core)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the kernel has no tk_core symbol");
	uint64_t xt, xt_size, base, base_size, boot, boot_size;
	struct lkdb_error *err;
	if ((err = ktypes_var_member(types, "tk_core", "timekeeper.xtime_sec",
				     &xt, &xt_size)) ||
	    (err = ktypes_var_member(types, "tk_core",
				     "timekeeper.tkr_mono.base", &base,
				     &base_size)) ||
	    (err = ktypes_var_member(types, "tk_core", "timekeeper.offs_boot",
				     &boot, &boot_size)))
		return err;
	/* The three members in one read: they are within the timekeeper. */
	uint64_t lo = xt < base ? xt : base, hi = xt + xt_size;
	if (boot < lo)
		lo = boot;
	if (base + base_size > hi)
		hi = base + base_size;
	if (boot + boot_size > hi)
		hi = boot + boot_size;
	if (hi - lo > 4096 || xt_size != 8 || base_size != 8 ||
	    boot_size != 8)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "unexpected tk_core.timekeeper layout");
	unsigned char buf[4096];
	err = mem->read(mem->context, syms->tk_core + kaslr_offset + lo, buf,
			hi - lo);
	if (err)
		return lkdb_error_prefix(err, "reading tk_core");
	info->time_sec = (int64_t)get_u64(buf + (xt - lo), 8);
	info->have_time = true;
	int64_t mono = (int64_t)get_u64(buf + (base - lo), 8);
	int64_t offs = (int64_t)get_u64(buf + (boot - lo), 8);
	int64_t up;
	if (!__builtin_add_overflow(mono, offs, &up) && up >= 0) {
		info->uptime_ns = (uint64_t)up;
		info->have_uptime = true;
	} else {
		warn(info, lkdb_error_create(LKDB_ERROR_INVALID,
					     "tkr_mono.base %" PRId64 " + offs_boot %" PRId64 " is not a time",
					     mono, offs),
		     "uptime");
	}
	return NULL;
}

static struct lkdb_error *read_load(const struct kernel_memory_reader *mem,
				    const struct sysinfo_symbols *syms,
				    uint64_t kaslr_offset,
				    struct sysinfo *info)
{
	if (!syms->avenrun)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the kernel has no avenrun symbol");
	uint64_t v[3];
	struct lkdb_error *err = mem->read(mem->context,
					   syms->avenrun + kaslr_offset, v,
					   sizeof(v));
	if (err)
		return lkdb_error_prefix(err, "reading avenrun");
	for (int i = 0; i < 3; i++)
		info->avenrun[i] = v[i];
	info->have_load = true;
	return NULL;
}

/* The bits of node_states[N_ONLINE], up to max_nodes. */
static struct lkdb_error *online_nodes(const struct kernel_memory_reader *mem,
				       const struct sysinfo_symbols *syms,
				       uint64_t kaslr_offset,
				       struct ktypes *types, uint64_t max_nodes,
				       uint64_t *mask, size_t words)
{
	enum { N_ONLINE = 1 };
	uint64_t mask_size;
	struct lkdb_error *err = ktypes_size(types, "nodemask_t", &mask_size);
	if (err)
		return err;
	if (mask_size % 8 || mask_size > words * 8)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "nodemask_t has %" PRIu64 " bytes",
					 mask_size);
	memset(mask, 0, words * 8);
	err = mem->read(mem->context, syms->node_states + kaslr_offset +
			N_ONLINE * mask_size, mask, mask_size);
	if (err)
		return lkdb_error_prefix(err, "reading node_states[N_ONLINE]");
	for (uint64_t n = max_nodes; n < words * 64; n++)
		mask[n / 64] &= ~(1ull << (n % 64));
	return NULL;
}

/* Present pages of one node's pglist_data (spanned when 0, as crash). */
static struct lkdb_error *node_pages(const struct kernel_memory_reader *mem,
				     struct ktypes *types, uint64_t pgdat,
				     uint64_t *pages_ret)
{
	uint64_t present, spanned, psize, ssize;
	struct lkdb_error *err;
	if ((err = ktypes_member(types, "pglist_data", "node_present_pages",
				 &present, &psize)) ||
	    (err = ktypes_member(types, "pglist_data", "node_spanned_pages",
				 &spanned, &ssize)))
		return err;
	if (psize != 8 || ssize != 8)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "unexpected pglist_data layout");
	uint64_t lo = present < spanned ? present : spanned;
	uint64_t hi = (present > spanned ? present : spanned) + 8;
	if (hi - lo > 4096)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "unexpected pglist_data layout");
	unsigned char buf[4096];
	err = mem->read(mem->context, pgdat + lo, buf, hi - lo);
	if (err)
		return lkdb_error_prefix(err, "reading pglist_data at 0x%" PRIx64,
					 pgdat);
	*pages_ret = get_u64(buf + (present - lo), 8);
	if (!*pages_ret)
		*pages_ret = get_u64(buf + (spanned - lo), 8);
	return NULL;
}

/* The most nodes looked at (MAX_NUMNODES is 1 << CONFIG_NODES_SHIFT <= 1024). */
#define SYSINFO_MAX_NODES 1024

static struct lkdb_error *read_memory(const struct kernel_memory_reader *mem,
				      const struct sysinfo_symbols *syms,
				      uint64_t kaslr_offset,
				      struct ktypes *types,
				      struct sysinfo *info)
{
	uint64_t pages = 0;
	struct lkdb_error *err;
	if (!syms->node_data) {
		if (!syms->contig_page_data)
			return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
						 "the kernel has neither node_data nor contig_page_data");
		err = node_pages(mem, types,
				 syms->contig_page_data + kaslr_offset, &pages);
		if (err)
			return err;
		info->memory_bytes = pages * 4096;
		info->have_memory = true;
		return NULL;
	}
	if (!syms->node_states)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the kernel has no node_states symbol");
	uint64_t max_nodes = syms->node_data_size / 8;
	if (!max_nodes || max_nodes > SYSINFO_MAX_NODES ||
	    syms->node_data_size % 8)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "node_data has %" PRIu64 " bytes",
					 syms->node_data_size);
	uint64_t mask[SYSINFO_MAX_NODES / 64];
	err = online_nodes(mem, syms, kaslr_offset, types, max_nodes, mask,
			   SYSINFO_MAX_NODES / 64);
	if (err)
		return err;
	uint64_t last = 0;
	bool any = false;
	for (uint64_t n = 0; n < max_nodes; n++) {
		if (mask[n / 64] >> (n % 64) & 1) {
			last = n;
			any = true;
		}
	}
	if (!any)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "node_states[N_ONLINE] has no node");
	/* node_data up to the last online node, in one read. */
	uint64_t pgdats[SYSINFO_MAX_NODES];
	err = mem->read(mem->context, syms->node_data + kaslr_offset, pgdats,
			(last + 1) * 8);
	if (err)
		return lkdb_error_prefix(err, "reading node_data");
	for (uint64_t n = 0; n <= last; n++) {
		if (!(mask[n / 64] >> (n % 64) & 1))
			continue;
		if (!pgdats[n])
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "node %" PRIu64 " is online but node_data[%" PRIu64 "] is NULL",
						 n, n);
		uint64_t p;
		err = node_pages(mem, types, pgdats[n], &p);
		if (err)
			return lkdb_error_prefix(err, "node %" PRIu64, n);
		pages += p;
	}
	info->memory_bytes = pages * 4096;
	info->have_memory = true;
	return NULL;
}

/*
 * tainted_mask and the letters of its bits from taint_flags[]; no letters
 * (only the mask) when the kernel has no such table.
 */
static struct lkdb_error *read_taint(const struct kernel_memory_reader *mem,
				     const struct sysinfo_symbols *syms,
				     uint64_t kaslr_offset,
				     struct ktypes *types, struct sysinfo *info)
{
	if (!syms->tainted_mask)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the kernel has no tainted_mask symbol");
	uint64_t mask;
	struct lkdb_error *err = mem->read(mem->context,
					   syms->tainted_mask + kaslr_offset,
					   &mask, sizeof(mask));
	if (err)
		return lkdb_error_prefix(err, "reading tainted_mask");
	info->tainted_mask = mask;
	info->have_taint = true;
	info->taint_flags[0] = '\0';
	uint64_t flag_size, c_true, c_false;
	if (!syms->taint_flags ||
	    (err = ktypes_size(types, "taint_flag", &flag_size)) ||
	    (err = ktypes_member(types, "taint_flag", "c_true", &c_true,
				 NULL)) ||
	    (err = ktypes_member(types, "taint_flag", "c_false", &c_false,
				 NULL))) {
		if (err && err->code != LKDB_ERROR_NOT_FOUND)
			return err;
		lkdb_error_destroy(err);
		return NULL;
	}
	uint64_t n = flag_size ? syms->taint_flags_size / flag_size : 0;
	unsigned char table[64 * 16];
	if (n > 64 || n * flag_size > sizeof(table) || c_true >= flag_size ||
	    c_false >= flag_size)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "taint_flags: unexpected layout (%" PRIu64 " bytes of %" PRIu64 ")",
					 syms->taint_flags_size, flag_size);
	err = mem->read(mem->context, syms->taint_flags + kaslr_offset, table,
			n * flag_size);
	if (err)
		return lkdb_error_prefix(err, "reading taint_flags");
	size_t len = 0;
	for (uint64_t i = 0; i < n; i++) {
		const unsigned char *f = table + i * flag_size;
		/* crash's sys -t: a set bit's letter, and unset ones' unless blank */
		char c = (mask >> i & 1) ? f[c_true] : f[c_false];
		if (!(mask >> i & 1) && (c == ' ' || c == '-' || c == 'G'))
			continue;
		if (c >= 0x21 && c < 0x7f)
			info->taint_flags[len++] = c;
	}
	info->taint_flags[len] = '\0';
	return NULL;
}

static struct lkdb_error *read_tasks(const struct kernel_memory_reader *mem,
				     const struct sysinfo_symbols *syms,
				     uint64_t kaslr_offset,
				     struct ktypes *types,
				     struct sysinfo *info)
{
	if (!syms->init_task)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the kernel has no init_task symbol");
	uint64_t tasks_off, signal_off, nr_off, nr_size;
	struct lkdb_error *err;
	if ((err = ktypes_member(types, "task_struct", "tasks", &tasks_off,
				 NULL)) ||
	    (err = ktypes_member(types, "task_struct", "signal", &signal_off,
				 NULL)) ||
	    (err = ktypes_member(types, "signal_struct", "nr_threads", &nr_off,
				 &nr_size)))
		return err;
	/* tasks.next and signal in one read per task. */
	uint64_t lo = tasks_off < signal_off ? tasks_off : signal_off;
	uint64_t hi = (tasks_off > signal_off ? tasks_off : signal_off) + 8;
	if (hi - lo > 65536 || nr_size > 8)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "unexpected task_struct layout");
	unsigned char *buf = malloc(hi - lo);
	if (!buf)
		return &lkdb_error_oom;
	uint64_t head = syms->init_task + kaslr_offset + tasks_off;
	uint64_t task = syms->init_task + kaslr_offset, count = 0;
	uint64_t saved = task, power = 1, lap = 0;
	for (uint64_t n = 0;; n++) {
		if (n >= SYSINFO_MAX_TASKS) {
			info->tasks_truncated = true;
			break;
		}
		err = mem->read(mem->context, task + lo, buf, hi - lo);
		if (err) {
			err = lkdb_error_prefix(err,
						"reading task_struct at 0x%" PRIx64,
						task);
			break;
		}
		uint64_t next = get_u64(buf + (tasks_off - lo), 8);
		uint64_t signal = get_u64(buf + (signal_off - lo), 8);
		unsigned char nrb[8] = { 0 };
		uint64_t nr = 1;
		/* An unreadable signal_struct: count the task alone. */
		struct lkdb_error *e = signal ?
			mem->read(mem->context, signal + nr_off, nrb, nr_size) :
			NULL;
		if (signal && !e) {
			nr = get_u64(nrb, nr_size);
			if (nr == 0 || nr > SYSINFO_MAX_TASKS)
				nr = 1;
		}
		lkdb_error_destroy(e);
		count += nr;
		if (next == head)
			break;
		if (next < tasks_off) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"task list pointer 0x%" PRIx64 " at task 0x%" PRIx64,
						next, task);
			break;
		}
		task = next - tasks_off;
		/* Brent: a loop that misses init_task ends in ~2 laps. */
		if (task == saved) {
			info->tasks_truncated = true;
			break;
		}
		if (++lap == power) {
			saved = task;
			power *= 2;
			lap = 0;
		}
	}
	free(buf);
	if (info->tasks_truncated)
		warn(info, lkdb_error_create(LKDB_ERROR_INVALID,
					     "init_task.tasks does not come back to init_task; counted %" PRIu64 " so far",
					     count),
		     "tasks");
	if (err && !count)
		return err;
	if (err)
		warn(info, err, "tasks (counted so far)");
	/* The other CPUs' idle tasks are on no list; crash counts them. */
	if (info->nr_online > 1)
		count += info->nr_online - 1;
	info->tasks = count;
	info->have_tasks = true;
	return NULL;
}

struct lkdb_error *sysinfo_read(const struct kernel_memory_reader *mem,
				const struct sysinfo_symbols *syms,
				uint64_t kaslr_offset, struct ktypes *types,
				struct sysinfo **ret)
{
	struct sysinfo *info = calloc(1, sizeof(*info));
	if (!info)
		return &lkdb_error_oom;
	struct lkdb_error *err = read_uts(mem, syms, kaslr_offset, types,
					  info);
	if (err) {
		sysinfo_destroy(info);
		return err;
	}
	struct percpu_cpus *cpus = NULL;
	err = percpu_read_cpus(mem, &syms->percpu, kaslr_offset, &cpus);
	if (err) {
		warn(info, err, "CPUs");
	} else {
		info->nr_cpu_ids = cpus->nr_cpu_ids;
		info->nr_online = cpus->nr_online;
		percpu_cpus_destroy(cpus);
	}
	if ((err = read_time(mem, syms, kaslr_offset, types, info)))
		warn(info, err, "time");
	if ((err = read_load(mem, syms, kaslr_offset, info)))
		warn(info, err, "load average");
	if ((err = read_tasks(mem, syms, kaslr_offset, types, info)))
		warn(info, err, "tasks");
	if ((err = read_memory(mem, syms, kaslr_offset, types, info)))
		warn(info, err, "memory");
	if ((err = read_taint(mem, syms, kaslr_offset, types, info)))
		warn(info, err, "taint");
	*ret = info;
	return NULL;
}

/* include/linux/sched/loadavg.h */
#define FSHIFT 11
#define FIXED_1 (1UL << FSHIFT)
#define LOAD_INT(x) ((x) >> FSHIFT)
#define LOAD_FRAC(x) LOAD_INT(((x) & (FIXED_1 - 1)) * 100)

void sysinfo_format_load(const unsigned long avenrun[3], char *buf,
			 size_t size)
{
	unsigned long a[3];
	for (int i = 0; i < 3; i++)
		a[i] = avenrun[i] + FIXED_1 / 200;
	snprintf(buf, size, "%lu.%02lu, %lu.%02lu, %lu.%02lu",
		 LOAD_INT(a[0]), LOAD_FRAC(a[0]), LOAD_INT(a[1]),
		 LOAD_FRAC(a[1]), LOAD_INT(a[2]), LOAD_FRAC(a[2]));
}

void sysinfo_format_memory(uint64_t bytes, char *buf, size_t size)
{
	const uint64_t gib = 1ull << 30, mib = 1ull << 20;
	uint64_t next = (bytes + gib - 1) / gib * gib;
	if (next - bytes <= 64 * mib)
		bytes = next;
	if (bytes >= gib)
		snprintf(buf, size, "%.1f GB", (double)bytes / gib);
	else if (bytes >= mib)
		snprintf(buf, size, "%.1f MB", (double)bytes / mib);
	else
		snprintf(buf, size, "%" PRIu64 " KB", bytes / 1024);
	/* "4.0 GB" is "4 GB" */
	char *zero = strstr(buf, ".0 ");
	if (zero)
		memmove(zero, zero + 2, strlen(zero + 2) + 1);
}

void sysinfo_format_uptime(uint64_t ns, char *buf, size_t size)
{
	uint64_t s = ns / 1000000000;
	uint64_t days = s / 86400;
	s %= 86400;
	if (days)
		snprintf(buf, size, "%" PRIu64 " day%s, %02u:%02u:%02u", days,
			 days == 1 ? "" : "s", (unsigned)(s / 3600),
			 (unsigned)(s / 60 % 60), (unsigned)(s % 60));
	else
		snprintf(buf, size, "%02u:%02u:%02u", (unsigned)(s / 3600),
			 (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

static bool starts(const char *p, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && !memcmp(p, prefix, n);
}

bool sysinfo_panic_message(const struct printk_log *log, char *buf,
			   size_t size)
{
	static const char *const oops[] = {
		"BUG: ", "Oops: ", "kernel BUG at ", "general protection fault",
	};
	const char *found = NULL;
	size_t found_len = 0;
	bool found_panic = false;
	for (size_t i = 0; log && i < log->nr_records; i++) {
		const struct printk_record *r = &log->records[i];
		const char *p = r->text, *end = r->text + r->text_len;
		while (p < end) {
			const char *nl = memchr(p, '\n', end - p);
			size_t len = (nl ? nl : end) - p;
			if (starts(p, len, "Kernel panic - not syncing: ")) {
				found = p, found_len = len;
				found_panic = true;
			} else if (!found_panic) {
				for (size_t k = 0;
				     k < sizeof(oops) / sizeof(oops[0]); k++) {
					if (starts(p, len, oops[k])) {
						found = p, found_len = len;
						break;
					}
				}
			}
			if (!nl)
				break;
			p = nl + 1;
		}
	}
	if (!found || !size)
		return false;
	while (found_len && (found[found_len - 1] == ' ' ||
			     found[found_len - 1] == '\r'))
		found_len--;
	if (found_len >= size)
		found_len = size - 1;
	memcpy(buf, found, found_len);
	buf[found_len] = '\0';
	return true;
}

struct lkdb_error *sysinfo_panic_cpu(const struct kernel_memory_reader *mem,
				     const struct vmlinux *vm,
				     uint64_t kaslr_offset, int *cpu_ret)
{
	uint64_t addr;
	*cpu_ret = -1;
	struct lkdb_error *err = vmlinux_symbol(vm, "panic_cpu", &addr, NULL);
	if (err) {
		bool absent = err->code == LKDB_ERROR_NOT_FOUND;
		lkdb_error_destroy(err);
		return absent ? NULL : lkdb_error_create(LKDB_ERROR_INVALID,
							 "panic_cpu lookup failed");
	}
	int32_t cpu;
	err = mem->read(mem->context, addr + kaslr_offset, &cpu, sizeof(cpu));
	if (err)
		return err;
	*cpu_ret = cpu < 0 ? -1 : cpu;
	return NULL;
}

struct lkdb_error *sysinfo_panicked(const struct kernel_memory_reader *mem,
				    const struct vmlinux *vm,
				    uint64_t kaslr_offset, bool *ret)
{
	int cpu;
	struct lkdb_error *err = sysinfo_panic_cpu(mem, vm, kaslr_offset, &cpu);
	*ret = !err && cpu >= 0;
	return err;
}

struct lkdb_error *kernel_read_sysinfo(struct kernel *k, struct sysinfo **ret)
{
	struct ktypes *types;
	struct lkdb_error *err = kernel_types(k, &types);
	if (err)
		return err;
	struct sysinfo_symbols syms;
	sysinfo_symbols_lookup(k->vmlinux, &syms);
	return sysinfo_read(kernel_memory(k), &syms, k->kaslr_offset, types,
			    ret);
}

struct lkdb_error *kernel_panicked(struct kernel *k, bool *ret)
{
	return sysinfo_panicked(kernel_memory(k), k->vmlinux, k->kaslr_offset,
				ret);
}

struct lkdb_error *kernel_panic_cpu(struct kernel *k, int *cpu_ret)
{
	return sysinfo_panic_cpu(kernel_memory(k), k->vmlinux,
				 k->kaslr_offset, cpu_ret);
}

void sysinfo_format_ns(uint64_t ns, char *buf, size_t size)
{
	uint64_t ms = ns / 1000000;
	snprintf(buf, size, "%" PRIu64 " %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64,
		 ms / 86400000, ms / 3600000 % 24, ms / 60000 % 60, ms / 1000 % 60,
		 ms % 1000);
}
