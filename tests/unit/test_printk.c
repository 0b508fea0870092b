// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/log/printk.c over byte buffers: a small 5.10+
 * lockless ring buffer written the way the kernel writes one (a wrapped
 * text block, a reusable and a reserved descriptor, a data-less record, a
 * multi-line record, a committed one), an older log_buf, and corrupt
 * variants of both, which must give warnings or errors and never crash.
 * Layouts come from a ktypes table with 6.1's x86_64 offsets.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/log/printk.h"
#include "tap.h"

/* ---- a fake kernel: regions of memory at kernel addresses ---- */

#include "fake_memory.h"
#include "walker_input.h"

static bool has_warning(const struct printk_log *log, const char *part)
{
	for (size_t i = 0; i < log->nr_warnings; i++) {
		if (strstr(log->warnings[i], part))
			return true;
	}
	return false;
}

static void show_warnings(const struct printk_log *log)
{
	for (size_t i = 0; log && i < log->nr_warnings; i++)
		printf("#   warning: %s\n", log->warnings[i]);
}

/* ---- 5.10+ ---- */

#define KASLR 0x2000000ULL
#define PRB_SYM 0xffffffff82a00000ULL
#define VPRINTK_EMIT_SYM 0xffffffff81100000ULL
#define TK_CORE_SYM 0xffffffff82b00000ULL
#define RB_ADDR 0xffff888000100000ULL
#define DESCS_ADDR 0xffff888000200000ULL
#define INFOS_ADDR 0xffff888000300000ULL
#define DATA_ADDR 0xffff888000400000ULL

/* kernel 6.1, x86_64 (as ktypes reads them from Debian's vmlinux) */
static const char layout_6_1[] =
	"printk_ringbuffer 0 88\n"
	"printk_ringbuffer.desc_ring.count_bits 0 4\n"
	"printk_ringbuffer.desc_ring.descs 8 8\n"
	"printk_ringbuffer.desc_ring.infos 16 8\n"
	"printk_ringbuffer.desc_ring.head_id 24 8\n"
	"printk_ringbuffer.desc_ring.tail_id 32 8\n"
	"printk_ringbuffer.text_data_ring.size_bits 48 4\n"
	"printk_ringbuffer.text_data_ring.data 56 8\n"
	"printk_ringbuffer.text_data_ring.head_lpos 64 8\n"
	"printk_ringbuffer.text_data_ring.tail_lpos 72 8\n"
	"prb_desc 0 24\n"
	"prb_desc.state_var 0 8\n"
	"prb_desc.text_blk_lpos.begin 8 8\n"
	"prb_desc.text_blk_lpos.next 16 8\n"
	"printk_info 0 88\n"
	"printk_info.seq 0 8\n"
	"printk_info.ts_nsec 8 8\n"
	"printk_info.text_len 16 2\n"
	"printk_info.facility 18 1\n"
	"printk_info.flags 19 1 152 5\n"
	"printk_info.level 19 1 157 3\n"
	"printk_info.caller_id 20 4\n"
	"var:tk_core.timekeeper.offs_real 152 8\n"
	"var:tk_core.timekeeper.offs_boot 160 8\n";

enum { RESERVED, COMMITTED, FINALIZED, REUSABLE };

struct fake_prb {
	struct fake_memory mem;
	unsigned int count_bits, size_bits;
	unsigned char *rb, *descs, *infos, *data;
	uint64_t head_lpos;
};

static uint64_t ring_size(const struct fake_prb *f)
{
	return 1ULL << f->size_bits;
}

/* Lay out a ring like prb_init(); records are added with push(). */
static void fake_prb_init(struct fake_prb *f, unsigned int count_bits,
			  unsigned int size_bits, uint64_t head_lpos,
			  uint64_t tail_id, uint64_t head_id)
{
	memset(f, 0, sizeof(*f));
	f->count_bits = count_bits;
	f->size_bits = size_bits;
	f->head_lpos = head_lpos;
	put(map(&f->mem, PRB_SYM + KASLR, 8), RB_ADDR, 8);
	f->rb = map(&f->mem, RB_ADDR, 88);
	f->descs = map(&f->mem, DESCS_ADDR, (24ULL << count_bits));
	f->infos = map(&f->mem, INFOS_ADDR, (88ULL << count_bits));
	f->data = map(&f->mem, DATA_ADDR, ring_size(f));
	put(f->rb + 0, count_bits, 4);
	put(f->rb + 8, DESCS_ADDR, 8);
	put(f->rb + 16, INFOS_ADDR, 8);
	put(f->rb + 24, head_id, 8);
	put(f->rb + 32, tail_id, 8);
	put(f->rb + 48, size_bits, 4);
	put(f->rb + 56, DATA_ADDR, 8);
	put(f->rb + 64, head_lpos, 8);
	put(f->rb + 72, head_lpos, 8);
}

/* seq and id share their index (prb_reserve()); seq = id + 64 here. */
static uint64_t seq_of(uint64_t id)
{
	return id + 64;
}

struct rec {
	uint64_t id;
	int state;
	const char *text;	/* NULL: data-less (NO_LPOS) */
	int level;
	int facility;
	uint32_t caller;
	uint64_t ts;
};

/* Write one record as data_alloc()/prb_commit() would. */
static void push(struct fake_prb *f, const struct rec *r)
{
	uint64_t idx = r->id & ((1ULL << f->count_bits) - 1);
	unsigned char *d = f->descs + 24 * idx;
	unsigned char *info = f->infos + 88 * idx;
	uint64_t begin = 3, next = 3;	/* NO_LPOS */
	size_t len = r->text ? strlen(r->text) : 0;
	if (r->text) {
		uint64_t size = (8 + len + 7) & ~7ULL;
		uint64_t rs = ring_size(f);
		begin = f->head_lpos;
		next = begin + size;
		uint64_t start = begin % rs;
		if (begin / rs != next / rs) {
			/* wraps: stored whole at the start of the ring */
			next = next / rs * rs + size;
			start = 0;
		}
		put(f->data + start, r->id, 8);
		memcpy(f->data + start + 8, r->text, len);
		f->head_lpos = next;
		put(f->rb + 64, next, 8);
	}
	put(d, (uint64_t)r->state << 62 | r->id, 8);
	put(d + 8, begin, 8);
	put(d + 16, next, 8);
	put(info, seq_of(r->id), 8);
	put(info + 8, r->ts, 8);
	put(info + 16, len, 2);
	put(info + 18, r->facility, 1);
	put(info + 19, (uint64_t)r->level << 5 | 2 /* LOG_NEWLINE */, 1);
	put(info + 20, r->caller, 4);
}

/*
 * 16 descriptors, a 256-byte text ring.  Tail id 36 (index 4) is reusable;
 * 37..41 are the records; head 42 is being written.  The text of 40 does
 * not fit before the end of the ring and wraps.
 */
static const struct rec standard[] = {
	{ 36, REUSABLE, "old, reusable", 6, 0, 1, 10 },
	{ 37, FINALIZED, "Linux version 9.9.9", 5, 0, 0, 0 },
	{ 38, FINALIZED, "line one\nline two", 6, 0, 0x80000001, 1234567890 },
	{ 39, FINALIZED, NULL, 6, 0, 1, 1234567891 },
	{ 40, FINALIZED, "a record that wraps around the text ring!", 4, 1, 321,
	  2000000000 },
	{ 41, COMMITTED, "committed, not finalized", 3, 0, 1, 2500000000 },
	{ 42, RESERVED, "being written", 7, 0, 1, 2600000000 },
};

#define NR_STANDARD (sizeof(standard) / sizeof(standard[0]))

/* The standard records with ids moved by shift. */
static void fake_standard_at(struct fake_prb *f, uint64_t shift)
{
	/* lpos: wrap 5, index 160 */
	fake_prb_init(f, 4, 8, 5 * 256 + 160, 36 + shift, 42 + shift);
	for (size_t i = 0; i < NR_STANDARD; i++) {
		struct rec r = standard[i];
		r.id += shift;
		push(f, &r);
	}
}

static void fake_standard(struct fake_prb *f)
{
	fake_standard_at(f, 0);
}

static struct printk_symbols prb_syms(void)
{
	struct printk_symbols s = { 0 };
	s.prb = PRB_SYM;
	s.vprintk_emit = VPRINTK_EMIT_SYM;
	s.tk_core = TK_CORE_SYM;
	return s;
}

static struct lkdb_error *read_log(struct fake_memory *m,
				   const struct printk_symbols *syms,
				   const char *table, struct printk_log **ret)
{
	struct ktypes *t = NULL;
	struct lkdb_error *err = ktypes_create_from_table(table, &t);
	if (err)
		return err;
	struct kernel_memory_reader reader = { m, fake_read, NULL };
	uint64_t values[WALKER_PRINTK_VALUES];
	walker_printk_pack(syms, KASLR, values);
	if (!walker_seed_save(tap_current_name, 0, table, values,
			      WALKER_PRINTK_VALUES, m))
		printf("# cannot save a fuzz seed\n");
	*ret = NULL;
	err = printk_read_log(&reader, syms, KASLR, t, ret);
	ktypes_destroy(t);
	return err;
}

static const struct printk_record *find_seq(const struct printk_log *log,
					    uint64_t seq)
{
	for (size_t i = 0; i < log->nr_records; i++) {
		if (log->records[i].seq == seq)
			return &log->records[i];
	}
	return NULL;
}

static void check_standard(const struct printk_log *log, uint64_t shift)
{
	show_warnings(log);
	CHECK(log->format == PRINTK_FORMAT_LOCKLESS);
	CHECK(log->nr_warnings == 0);
	CHECK(log->nr_records == 5);
	for (size_t i = 0; i < log->nr_records && i + 1 < NR_STANDARD; i++) {
		const struct printk_record *r = &log->records[i];
		const struct rec *want = &standard[i + 1];
		CHECK(r->seq == seq_of(want->id + shift));
		CHECK(r->ts_nsec == want->ts);
		CHECK(r->level == want->level);
		CHECK(r->facility == want->facility);
		CHECK(r->caller_id == want->caller);
		CHECK(r->flags == PRINTK_FLAG_NEWLINE);
		CHECK_STR(r->text, want->text ? want->text : "");
		CHECK(r->text_len == strlen(r->text));
	}
}

TEST(lockless_ring)
{
	struct fake_prb f;
	fake_standard(&f);
	/* the record meant to wrap really does */
	CHECK(memcmp(f.data + 8, "a record that wraps", 19) == 0);
	struct printk_symbols syms = prb_syms();
	struct printk_log *log = NULL;
	take_error(read_log(&f.mem, &syms, layout_6_1, &log));
	CHECK(err_code == 0);
	if (!log)
		goto out;
	check_standard(log, 0);
	CHECK(log->capacity == 16);
	CHECK(log->has_caller_id);
	CHECK(!log->prints_caller);
	/* reusable 36 and reserved 42 are not shown */
	CHECK(!find_seq(log, seq_of(36)) && !find_seq(log, seq_of(42)));
	/*
	 * Few, big reads of the live spans: pointer, header, descriptors
	 * and infos 36..42, the text ring from its tail (index 160) to its
	 * head (past the end, to index 112): two reads.
	 */
	CHECK(f.mem.reads == 6);
	CHECK(log->reads == 6);
	CHECK(log->bytes_read == 8 + 88 + 7 * 24 + 7 * 88 + 96 + 112);
	char buf[12];
	printk_caller_string(log->records[1].caller_id, buf);
	CHECK_STR(buf, "C1");
	printk_caller_string(log->records[3].caller_id, buf);
	CHECK_STR(buf, "T321");
out:
	printk_log_destroy(log);
	unmap_all(&f.mem);
}

TEST(lockless_ids_wrapping_the_index)
{
	/* ids 44..50: indexes 12..15 then 0..2 */
	struct fake_prb f;
	fake_standard_at(&f, 8);
	struct printk_symbols syms = prb_syms();
	struct printk_log *log = NULL;
	take_error(read_log(&f.mem, &syms, layout_6_1, &log));
	CHECK(err_code == 0);
	if (log) {
		check_standard(log, 8);
		/* descriptors and infos in two reads each */
		CHECK(log->reads == 8);
	}
	printk_log_destroy(log);
	unmap_all(&f.mem);
}

TEST(lockless_text_outside_the_live_span)
{
	struct fake_prb f;
	fake_standard(&f);
	/* the text tail moved past 37's block: its text is not trusted */
	put(f.rb + 72, 5 * 256 + 160 + 24 + 32, 8);
	struct printk_symbols syms = prb_syms();
	struct printk_log *log = NULL;
	take_error(read_log(&f.mem, &syms, layout_6_1, &log));
	CHECK(err_code == 0);
	if (log) {
		show_warnings(log);
		CHECK(has_warning(log, "skipped 1 record: text unreadable (first: descriptor id 37: text block outside"));
		CHECK(log->nr_records == 4);
	}
	printk_log_destroy(log);
	unmap_all(&f.mem);

	/* a kernel without the lpos members: the whole ring is read */
	fake_standard(&f);
	char *table = strdup(layout_6_1);
	char *line = strstr(table, "printk_ringbuffer.text_data_ring.head_lpos");
	memcpy(line + strlen("printk_ringbuffer.text_data_ring."), "head_lpoz", 9);
	take_error(read_log(&f.mem, &syms, table, &log));
	free(table);
	CHECK(err_code == 0);
	if (log) {
		check_standard(log, 0);
		CHECK(log->bytes_read == 8 + 88 + 7 * 24 + 7 * 88 + 256);
	}
	printk_log_destroy(log);
	unmap_all(&f.mem);
}

TEST(lockless_prints_caller_with_config_printk_caller)
{
	struct fake_prb f;
	fake_standard(&f);
	struct printk_symbols syms = prb_syms();
	char table[sizeof(layout_6_1) + 64];
	snprintf(table, sizeof(table), "%sfn:print_caller@%" PRIx64 " 0 0\n",
		 layout_6_1, (uint64_t)VPRINTK_EMIT_SYM);
	struct printk_log *log = NULL;
	take_error(read_log(&f.mem, &syms, table, &log));
	CHECK(err_code == 0);
	CHECK(log && log->prints_caller);
	printk_log_destroy(log);
	unmap_all(&f.mem);
}

TEST(lockless_ids_spanning_more_than_the_ring)
{
	struct fake_prb f;
	fake_standard(&f);
	put(f.rb + 24, 36 + 1000, 8);	/* head_id */
	struct printk_symbols syms = prb_syms();
	struct printk_log *log = NULL;
	take_error(read_log(&f.mem, &syms, layout_6_1, &log));
	CHECK(err_code == 0);
	if (log) {
		show_warnings(log);
		CHECK(has_warning(log, "span more than"));
		CHECK(has_warning(log, "holds another id"));
		/* what could be read was kept */
		CHECK(log->nr_records == 5);
	}
	printk_log_destroy(log);
	unmap_all(&f.mem);
}

TEST(lockless_corrupt_descriptors_are_skipped)
{
	struct fake_prb f;
	fake_standard(&f);
	uint64_t mask = 15;
	/* 37: state_var holds another id */
	put(f.descs + 24 * (37 & mask), (uint64_t)FINALIZED << 62 | (37 + 16), 8);
	/* 38: text positions in no possible relation */
	put(f.descs + 24 * (38 & mask) + 8, 8 * 1000, 8);
	/* 40: text_len past its block */
	put(f.infos + 88 * (40 & mask) + 16, 60000, 2);
	/* 41: its block holds another id */
	uint64_t begin41;
	memcpy(&begin41, f.descs + 24 * (41 & mask) + 8, 8);
	put(f.data + begin41 % 256, 999, 8);
	struct printk_symbols syms = prb_syms();
	struct printk_log *log = NULL;
	take_error(read_log(&f.mem, &syms, layout_6_1, &log));
	CHECK(err_code == 0);
	if (log) {
		show_warnings(log);
		CHECK(has_warning(log, "skipped 1 record: descriptor between tail and head holds another id (first: descriptor id 37"));
		/* 38 and 41; the first reason is named */
		CHECK(has_warning(log, "skipped 2 records: text unreadable (first: descriptor id 38: text block positions out of range)"));
		CHECK(has_warning(log, "text_len past the block"));
		CHECK(log->nr_records == 2);	/* 39 and 40 */
		const struct printk_record *r = find_seq(log, seq_of(40));
		CHECK(r != NULL);
		/* cut to the block: 56 bytes less the 8-byte id */
		CHECK(r && r->text_len == 48);
		CHECK(r && !memcmp(r->text, "a record that wraps", 19));
	}
	printk_log_destroy(log);
	unmap_all(&f.mem);
}

TEST(lockless_bad_seq_is_skipped)
{
	struct fake_prb f;
	fake_standard(&f);
	put(f.infos + 88 * (38 & 15), 5, 8);	/* not on index 6 */
	struct printk_symbols syms = prb_syms();
	struct printk_log *log = NULL;
	take_error(read_log(&f.mem, &syms, layout_6_1, &log));
	CHECK(err_code == 0);
	if (log) {
		show_warnings(log);
		CHECK(has_warning(log, "sequence number"));
		CHECK(log->nr_records == 4);
	}
	printk_log_destroy(log);
	unmap_all(&f.mem);
}

TEST(lockless_absurd_header_is_an_error)
{
	static const struct {
		unsigned int offset, size;
		uint64_t value;
		const char *says;
	} cases[] = {
		{ 0, 4, 63, "count_bits 63" },
		{ 0, 4, 0, "count_bits 0" },
		{ 48, 4, 40, "size_bits 40" },
		{ 48, 4, 29, "too big" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_prb f;
		fake_standard(&f);
		put(f.rb + cases[i].offset, cases[i].value, cases[i].size);
		if (cases[i].offset == 48)
			put(f.rb, 27, 4);	/* with many descriptors */
		struct printk_symbols syms = prb_syms();
		struct printk_log *log = NULL;
		take_error(read_log(&f.mem, &syms, layout_6_1, &log));
		CHECK(err_code == LKDB_ERROR_INVALID);
		CHECK(strstr(err_message, cases[i].says) != NULL);
		CHECK(log == NULL);
		/* nothing big was even tried */
		CHECK(f.mem.largest_read <= 88);
		unmap_all(&f.mem);
	}
}

/* A level wider than the kernel's "u8 level:3" is a layout lkdb refuses. */
TEST(level_wider_than_three_bits_is_refused)
{
	char layout[sizeof(layout_6_1) + 16];
	snprintf(layout, sizeof(layout), "%s", layout_6_1);
	char *level = strstr(layout, "printk_info.level 19 1 157 3\n");
	CHECK(level != NULL);
	if (!level)
		return;
	level[strlen("printk_info.level 19 1 157 ")] = '8';
	level[strlen("printk_info.level 19 1 15")] = '2';
	struct fake_prb f;
	fake_standard(&f);
	struct printk_symbols syms = prb_syms();
	struct printk_log *log = NULL;
	take_error(read_log(&f.mem, &syms, layout, &log));
	CHECK(err_code == LKDB_ERROR_INVALID);
	CHECK(strstr(err_message, "printk_info.level: unexpected bit field layout (8 bits"));
	CHECK(log == NULL);
	unmap_all(&f.mem);
}

TEST(lockless_unreadable_memory_is_an_error)
{
	struct fake_prb f;
	fake_standard(&f);
	f.mem.regions[4].addr = 0x1000;	/* the text ring is gone */
	struct printk_symbols syms = prb_syms();
	struct printk_log *log = NULL;
	take_error(read_log(&f.mem, &syms, layout_6_1, &log));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "text ring") != NULL);
	CHECK(log == NULL);
	unmap_all(&f.mem);
}

TEST(missing_layout_or_symbols_is_not_found)
{
	struct fake_prb f;
	fake_standard(&f);
	struct printk_symbols syms = prb_syms();
	struct printk_log *log = NULL;
	/* no printk_info.seq in the table */
	char *table = strdup(layout_6_1);
	char *line = strstr(table, "printk_info.seq");
	memcpy(line, "printk_info.sex", 15);
	take_error(read_log(&f.mem, &syms, table, &log));
	free(table);
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(strstr(err_message, "printk_info") && strstr(err_message, "seq"));
	CHECK(log == NULL);
	struct printk_symbols none = { 0 };
	take_error(read_log(&f.mem, &none, layout_6_1, &log));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(strstr(err_message, "prb") != NULL);
	unmap_all(&f.mem);
}

TEST(boot_time)
{
	struct fake_memory m = { 0 };
	unsigned char *tk = map(&m, TK_CORE_SYM + KASLR, 288);
	put(tk + 152, 1700000000000000000ULL, 8);	/* offs_real */
	put(tk + 160, 5000000000ULL, 8);		/* offs_boot */
	struct ktypes *t = NULL;
	take_error(ktypes_create_from_table(layout_6_1, &t));
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct printk_symbols syms = prb_syms();
	int64_t boot = 0;
	take_error(printk_boot_time(&reader, &syms, KASLR, t, &boot));
	CHECK(err_code == 0);
	CHECK(boot == 1700000000000000000LL - 5000000000LL);
	CHECK(m.reads == 1);
	syms.tk_core = 0;
	take_error(printk_boot_time(&reader, &syms, KASLR, t, &boot));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	ktypes_destroy(t);
	unmap_all(&m);
}

/* ---- 3.5 - 5.9: log_buf ---- */

#define LOG_BUF_SYM 0xffffffff82c00000ULL
#define LOG_BUF_ADDR 0xffff888000500000ULL

static const char legacy_layout[] =
	"printk_log 0 16\n"
	"printk_log.ts_nsec 0 8\n"
	"printk_log.len 8 2\n"
	"printk_log.text_len 10 2\n"
	"printk_log.dict_len 12 2\n"
	"printk_log.facility 14 1\n"
	"printk_log.flags 15 1 120 5\n"
	"printk_log.level 15 1 125 3\n"
	"printk_log.caller_id -\n";

/* With CONFIG_PRINTK_CALLER (5.1 - 5.9). */
static const char legacy_caller_layout[] =
	"printk_log 0 24\n"
	"printk_log.ts_nsec 0 8\n"
	"printk_log.len 8 2\n"
	"printk_log.text_len 10 2\n"
	"printk_log.dict_len 12 2\n"
	"printk_log.facility 14 1\n"
	"printk_log.flags 15 1 120 5\n"
	"printk_log.level 15 1 125 3\n"
	"printk_log.caller_id 16 4\n";

struct fake_legacy {
	struct fake_memory mem;
	unsigned char *buf, *first_idx, *next_idx, *first_seq, *next_seq;
	unsigned int hdr;
	uint64_t idx;
};

static struct printk_symbols legacy_syms(void)
{
	struct printk_symbols s = { 0 };
	s.log_buf = LOG_BUF_SYM;
	s.log_buf_len = LOG_BUF_SYM + 8;
	s.log_first_idx = LOG_BUF_SYM + 12;
	s.log_next_idx = LOG_BUF_SYM + 16;
	s.log_first_seq = LOG_BUF_SYM + 24;
	s.log_next_seq = LOG_BUF_SYM + 32;
	return s;
}

/* log_store(): a record, or a zero-length wrap marker and then one. */
static void legacy_store(struct fake_legacy *f, const char *text, int level,
			 uint64_t ts, uint32_t caller)
{
	size_t len = strlen(text);
	uint64_t size = (f->hdr + len + 7) & ~7ULL;
	if (f->idx + size + f->hdr > 256) {
		memset(f->buf + f->idx, 0, f->hdr);
		f->idx = 0;
	}
	unsigned char *p = f->buf + f->idx;
	put(p, ts, 8);
	put(p + 8, size, 2);
	put(p + 10, len, 2);
	put(p + 15, (uint64_t)level << 5 | 2, 1);
	if (f->hdr > 16)
		put(p + 16, caller, 4);
	memcpy(p + f->hdr, text, len);
	f->idx += size;
}

static void fake_legacy_init(struct fake_legacy *f, unsigned int hdr)
{
	memset(f, 0, sizeof(*f));
	f->hdr = hdr;
	unsigned char *vars = map(&f->mem, LOG_BUF_SYM + KASLR, 40);
	f->buf = map(&f->mem, LOG_BUF_ADDR, 256);
	put(vars, LOG_BUF_ADDR, 8);
	put(vars + 8, 256, 4);
	f->first_idx = vars + 12;
	f->next_idx = vars + 16;
	f->first_seq = vars + 24;
	f->next_seq = vars + 32;
	f->idx = 160;
	put(f->first_idx, 160, 4);
	put(f->first_seq, 7, 8);
	legacy_store(f, "first", 6, 100, 1);
	legacy_store(f, "second\nline", 4, 200, 0x80000000);
	legacy_store(f, "third, after the wrap marker!", 3, 300, 42);
	put(f->next_idx, f->idx, 4);
	put(f->next_seq, 10, 8);
}

TEST(legacy_log_buf)
{
	struct fake_legacy f;
	fake_legacy_init(&f, 16);
	CHECK(f.idx < 160);	/* the third record wrapped */
	struct printk_symbols syms = legacy_syms();
	struct printk_log *log = NULL;
	take_error(read_log(&f.mem, &syms, legacy_layout, &log));
	CHECK(err_code == 0);
	if (log) {
		show_warnings(log);
		CHECK(log->format == PRINTK_FORMAT_LEGACY);
		CHECK(log->nr_warnings == 0);
		CHECK(!log->has_caller_id && !log->prints_caller);
		CHECK(log->nr_records == 3);
		static const char *const texts[] = {
			"first", "second\nline", "third, after the wrap marker!"
		};
		static const int levels[] = { 6, 4, 3 };
		for (size_t i = 0; i < log->nr_records && i < 3; i++) {
			CHECK(log->records[i].seq == 7 + i);
			CHECK(log->records[i].ts_nsec == 100 * (i + 1));
			CHECK(log->records[i].level == levels[i]);
			CHECK_STR(log->records[i].text, texts[i]);
		}
		/* six variables and the buffer */
		CHECK(log->reads == 7);
	}
	printk_log_destroy(log);
	unmap_all(&f.mem);
}

TEST(legacy_with_caller_id)
{
	struct fake_legacy f;
	fake_legacy_init(&f, 24);
	struct printk_symbols syms = legacy_syms();
	struct printk_log *log = NULL;
	take_error(read_log(&f.mem, &syms, legacy_caller_layout, &log));
	CHECK(err_code == 0);
	if (log) {
		show_warnings(log);
		CHECK(log->has_caller_id && log->prints_caller);
		CHECK(log->nr_records == 3);
		CHECK(log->nr_records == 3 &&
		      log->records[1].caller_id == 0x80000000 &&
		      log->records[2].caller_id == 42);
	}
	printk_log_destroy(log);
	unmap_all(&f.mem);
}

TEST(legacy_corrupt)
{
	struct fake_legacy f;
	struct printk_symbols syms = legacy_syms();
	struct printk_log *log = NULL;

	/* a record length past the buffer: stop, keep the first record */
	fake_legacy_init(&f, 16);
	put(f.buf + 160 + 24 + 8, 5000, 2);
	take_error(read_log(&f.mem, &syms, legacy_layout, &log));
	CHECK(err_code == 0);
	if (log) {
		show_warnings(log);
		CHECK(log->nr_records == 1);
		CHECK(has_warning(log, "length out of range"));
	}
	printk_log_destroy(log);
	unmap_all(&f.mem);

	/* next_seq far away: the walk ends on the wrap markers */
	fake_legacy_init(&f, 16);
	put(f.next_seq, 1000000, 8);
	take_error(read_log(&f.mem, &syms, legacy_layout, &log));
	CHECK(err_code == 0);
	if (log) {
		show_warnings(log);
		CHECK(log->nr_warnings == 1);
		CHECK(log->nr_records >= 3 && log->nr_records <= 256 / 16 + 1);
	}
	printk_log_destroy(log);
	unmap_all(&f.mem);

	/* first index outside the buffer */
	fake_legacy_init(&f, 16);
	put(f.first_idx, 4096, 4);
	take_error(read_log(&f.mem, &syms, legacy_layout, &log));
	CHECK(err_code == LKDB_ERROR_INVALID);
	CHECK(log == NULL);
	unmap_all(&f.mem);
}

int main(void)
{
	RUN(lockless_ring);
	RUN(lockless_ids_wrapping_the_index);
	RUN(lockless_text_outside_the_live_span);
	RUN(lockless_prints_caller_with_config_printk_caller);
	RUN(lockless_ids_spanning_more_than_the_ring);
	RUN(lockless_corrupt_descriptors_are_skipped);
	RUN(lockless_bad_seq_is_skipped);
	RUN(lockless_absurd_header_is_an_error);
	RUN(level_wider_than_three_bits_is_refused);
	RUN(lockless_unreadable_memory_is_an_error);
	RUN(missing_layout_or_symbols_is_not_found);
	RUN(boot_time);
	RUN(legacy_log_buf);
	RUN(legacy_with_caller_id);
	RUN(legacy_corrupt);
	return tap_done();
}
