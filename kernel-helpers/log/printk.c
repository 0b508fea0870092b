// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/log/printk.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/vmlinux.h"

/*
 * One read per chunk: through gdb each read is a round trip and costs
 * ~0.2 ms per KiB, so the live spans of the descriptor, info and text
 * arrays are read in big pieces, never record by record (6.1's default
 * buffer is ~580 KiB in all: 4096 descriptors, 4096 infos, 128 KiB text).
 */
#define READ_CHUNK (256 * 1024)
/* Refuse to read more than this: a header this big is corrupt. */
#define READ_LIMIT (1ULL << 30)

/* kernel/printk/printk_ringbuffer.h: the 2 state bits atop state_var. */
enum desc_state {
	DESC_RESERVED = 0,
	DESC_COMMITTED = 1,
	DESC_FINALIZED = 2,
	DESC_REUSABLE = 3,
};
/* Data-less blocks: odd lpos values (FAILED_LPOS 0x1, NO_LPOS 0x3). */
#define NO_LPOS 0x3

void printk_symbols_lookup(const struct vmlinux *vm,
			   struct printk_symbols *ret)
{
	static const struct {
		const char *name;
		size_t offset;
	} names[] = {
#define SYM(n) { #n, offsetof(struct printk_symbols, n) }
		SYM(prb), SYM(log_buf), SYM(log_buf_len), SYM(log_first_idx),
		SYM(log_next_idx), SYM(log_first_seq), SYM(log_next_seq),
		SYM(vprintk_emit), SYM(tk_core),
#undef SYM
	};
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t addr = 0;
		struct lkdb_error *err = vmlinux_symbol(vm, names[i].name,
							&addr, NULL);
		if (err)
			addr = 0;
		lkdb_error_destroy(err);
		memcpy((char *)ret + names[i].offset, &addr, sizeof(addr));
	}
}

void printk_caller_string(uint32_t caller_id, char buf[12])
{
	snprintf(buf, 12, "%c%" PRIu32,
		 caller_id & PRINTK_CALLER_CPU ? 'C' : 'T',
		 caller_id & ~PRINTK_CALLER_CPU);
}

void printk_log_destroy(struct printk_log *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->nr_records; i++)
		free(log->records[i].text);
	free(log->records);
	lkdb_warnings_free(log->warnings, log->nr_warnings);
	free(log);
}

static struct lkdb_error *warn(struct printk_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct lkdb_error *warn(struct printk_log *log, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct lkdb_error *err = lkdb_warning_vappend(&log->warnings,
						      &log->nr_warnings, fmt,
						      ap);
	va_end(ap);
	return err;
}

static struct lkdb_error *add_record(struct printk_log *log, size_t *cap,
				     const struct printk_record *r,
				     const char *text)
{
	if (log->nr_records == *cap) {
		size_t ncap = *cap ? 2 * *cap : 256;
		struct printk_record *grown =
			realloc(log->records, ncap * sizeof(*grown));
		if (!grown)
			return &lkdb_error_oom;
		log->records = grown;
		*cap = ncap;
	}
	struct printk_record *n = &log->records[log->nr_records];
	*n = *r;
	n->text = malloc(r->text_len + 1);
	if (!n->text)
		return &lkdb_error_oom;
	memcpy(n->text, text, r->text_len);
	n->text[r->text_len] = '\0';
	log->nr_records++;
	return NULL;
}

/* Read a span in big chunks; what names it in errors. */
static struct lkdb_error *read_span(const struct kernel_memory_reader *mem,
				    struct printk_log *log, uint64_t addr,
				    void *buf, uint64_t len, const char *what)
{
	for (uint64_t done = 0; done < len;) {
		size_t n = len - done < READ_CHUNK ? len - done : READ_CHUNK;
		struct lkdb_error *err = mem->read(mem->context, addr + done,
						   (char *)buf + done, n);
		log->reads++;
		if (err)
			return lkdb_error_prefix(err, "reading %s (%" PRIu64 " bytes at 0x%" PRIx64 ")",
						 what, len, addr);
		log->bytes_read += n;
		done += n;
	}
	return NULL;
}

/* ---- layouts ---- */

struct bits {
	uint64_t offset, size;	/* in bits */
};

static uint64_t get_bits(const unsigned char *p, struct bits b)
{
	uint64_t v = 0;
	uint64_t first = b.offset / 8, last = (b.offset + b.size - 1) / 8;
	for (uint64_t i = last + 1; i-- > first;)
		v = v << 8 | p[i];
	v >>= b.offset % 8;
	return b.size >= 64 ? v : v & ((1ULL << b.size) - 1);
}

/*
 * A member that must fit a struct of struct_size bytes and be a whole
 * integer; a layout that breaks this is not what this code knows.
 */
static struct lkdb_error *bitfield(struct ktypes *types, const char *type,
				   const char *path, uint64_t struct_size,
				   struct bits *ret)
{
	struct lkdb_error *err = ktypes_bitfield(types, type, path,
						 &ret->offset, &ret->size);
	if (err)
		return err;
	if (!ret->size || ret->size > 8 || ret->offset + ret->size > 8 * struct_size)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s.%s: unexpected bit field layout (bit %" PRIu64 ", %" PRIu64 " bits)",
					 type, path, ret->offset, ret->size);
	return NULL;
}


/* The per-record fields printk_info (5.10+) and printk_log (older) share. */
struct record_layout {
	uint64_t size;
	struct ktypes_field seq;		/* printk_info only */
	struct ktypes_field ts_nsec, text_len, facility, caller_id;
	struct bits flags, level;
	bool has_caller_id;
};

static struct lkdb_error *record_layout(struct ktypes *types, const char *type,
					struct record_layout *l)
{
	memset(l, 0, sizeof(*l));
	struct lkdb_error *err = ktypes_size_within(types, type, 4096, &l->size);
	if (!err)
		err = ktypes_field(types, type, "ts_nsec", l->size, &l->ts_nsec);
	if (!err)
		err = ktypes_field(types, type, "text_len", l->size, &l->text_len);
	if (!err)
		err = ktypes_field(types, type, "facility", l->size, &l->facility);
	if (!err)
		err = bitfield(types, type, "flags", l->size, &l->flags);
	if (!err)
		err = bitfield(types, type, "level", l->size, &l->level);
	/* A log level is 0..7 (KERN_EMERG..KERN_DEBUG): "u8 level:3". */
	if (!err && l->level.size > 3)
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"%s.level: unexpected bit field layout (%" PRIu64 " bits, expected at most 3)",
					type, l->level.size);
	if (err)
		return err;
	/*
	 * printk_log has caller_id only with CONFIG_PRINTK_CALLER (commit
	 * 15ff2069cb7f "printk: Add caller information to printk() output.",
	 * 5.1); printk_info always has it.
	 */
	err = ktypes_field(types, type, "caller_id", l->size, &l->caller_id);
	if (err && err->code == LKDB_ERROR_NOT_FOUND) {
		lkdb_error_destroy(err);
		return NULL;
	}
	if (!err)
		l->has_caller_id = true;
	return err;
}

static void decode_record(const struct record_layout *l,
			  const unsigned char *p, struct printk_record *r)
{
	r->ts_nsec = ktypes_field_get(p, l->ts_nsec);
	r->facility = ktypes_field_get(p, l->facility);
	r->flags = get_bits(p, l->flags);
	r->level = get_bits(p, l->level);
	r->caller_id = l->has_caller_id ? ktypes_field_get(p, l->caller_id) : 0;
}

/* ---- 5.10+: the lockless ring buffer ---- */

struct prb_layout {
	uint64_t rb_size;
	struct ktypes_field count_bits, descs, infos, head_id, tail_id;
	struct ktypes_field size_bits, data;
	/* The text ring's live span; absent: read it whole. */
	bool has_lpos;
	struct ktypes_field head_lpos, tail_lpos;
	uint64_t desc_size;
	struct ktypes_field state_var, begin, next;
	struct record_layout info;
};

static struct lkdb_error *prb_layout(struct ktypes *types,
				     struct prb_layout *l)
{
	static const char rb[] = "printk_ringbuffer";
	struct lkdb_error *err = ktypes_size_within(types, rb, 4096, &l->rb_size);
	if (!err)
		err = ktypes_field(types, rb, "desc_ring.count_bits", l->rb_size,
			     &l->count_bits);
	if (!err)
		err = ktypes_field(types, rb, "desc_ring.descs", l->rb_size,
			     &l->descs);
	if (!err)
		err = ktypes_field(types, rb, "desc_ring.infos", l->rb_size,
			     &l->infos);
	if (!err)
		err = ktypes_field(types, rb, "desc_ring.head_id", l->rb_size,
			     &l->head_id);
	if (!err)
		err = ktypes_field(types, rb, "desc_ring.tail_id", l->rb_size,
			     &l->tail_id);
	if (!err)
		err = ktypes_field(types, rb, "text_data_ring.size_bits", l->rb_size,
			     &l->size_bits);
	if (!err)
		err = ktypes_field(types, rb, "text_data_ring.data", l->rb_size,
			     &l->data);
	if (!err) {
		err = ktypes_field(types, rb, "text_data_ring.head_lpos", l->rb_size,
			     &l->head_lpos);
		if (!err)
			err = ktypes_field(types, rb, "text_data_ring.tail_lpos",
				     l->rb_size, &l->tail_lpos);
		l->has_lpos = !err;
		if (err && err->code == LKDB_ERROR_NOT_FOUND) {
			lkdb_error_destroy(err);
			err = NULL;
		}
	}
	if (!err)
		err = ktypes_size_within(types, "prb_desc", 4096, &l->desc_size);
	if (!err)
		err = ktypes_field(types, "prb_desc", "state_var", l->desc_size,
			     &l->state_var);
	if (!err)
		err = ktypes_field(types, "prb_desc", "text_blk_lpos.begin",
			     l->desc_size, &l->begin);
	if (!err)
		err = ktypes_field(types, "prb_desc", "text_blk_lpos.next",
			     l->desc_size, &l->next);
	if (!err)
		err = record_layout(types, "printk_info", &l->info);
	if (!err)
		err = ktypes_field(types, "printk_info", "seq", l->info.size,
			     &l->info.seq);
	if (!err && (l->state_var.size < 4 || l->begin.size != l->state_var.size ||
		     l->next.size != l->state_var.size ||
		     l->head_id.size != l->state_var.size ||
		     l->tail_id.size != l->state_var.size))
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"printk ring buffer: ids and positions are not all one long wide");
	return err;
}

/* What the ring holds, read whole. */
struct prb_image {
	uint64_t count;			/* descriptors */
	uint64_t data_size;		/* bytes of the text data ring */
	unsigned char *descs, *infos, *data;
	/* What of data was read: data_n bytes from index data_first on. */
	uint64_t data_first, data_n;
	uint64_t lmask;			/* an unsigned long's bits */
	uint64_t id_mask;		/* state_var's id bits */
	unsigned int state_shift;
	uint64_t id_size;		/* sizeof(unsigned long): block ids */
};

/*
 * The text of a data block per get_data() in printk_ringbuffer.c: a block
 * [begin, next) in logical positions holds an unsigned long id then the
 * text; one that would cross the end of the ring is stored whole at its
 * start, with begin in the previous wrap.  NULL (and *why set) if the
 * positions do not describe a block.
 */
static const unsigned char *block_text(const struct prb_image *im,
				       uint64_t begin, uint64_t next,
				       uint64_t *len_ret, uint64_t *id_ret,
				       const char **why)
{
	uint64_t mask = im->data_size - 1;
	uint64_t begin_wrap = begin / im->data_size & im->lmask;
	uint64_t next_wrap = next / im->data_size & im->lmask;
	uint64_t bi = begin & mask, ni = next & mask;
	uint64_t start, len;
	if ((begin & 1) && (next & 1)) {
		/* data-less: an empty text, or the text could not be stored */
		if (begin == NO_LPOS && next == NO_LPOS) {
			*len_ret = 0;
			*id_ret = 0;
			return im->data;
		}
		*why = "data-less record whose text was lost";
		return NULL;
	}
	if (begin_wrap == next_wrap && bi < ni) {
		start = bi;
		len = ni - bi;
	} else if (((begin_wrap + 1) & im->lmask) == next_wrap && ni == 0) {
		/* ends exactly at the end of the ring (not wrapped) */
		start = bi;
		len = im->data_size - bi;
	} else if (((begin_wrap + 1) & im->lmask) == next_wrap) {
		/* wrapped: stored at the start of the ring */
		start = 0;
		len = ni;
	} else {
		*why = "text block positions out of range";
		return NULL;
	}
	if (begin % im->id_size || next % im->id_size) {
		*why = "unaligned text block";
		return NULL;
	}
	if (len < im->id_size) {
		*why = "text block shorter than its id";
		return NULL;
	}
	uint64_t from = (start - im->data_first) & mask;
	uint64_t to = (start + len - 1 - im->data_first) & mask;
	if (from >= im->data_n || to >= im->data_n || to < from) {
		*why = "text block outside the text ring's tail..head";
		return NULL;
	}
	struct ktypes_field id = { 0, im->id_size };
	*id_ret = ktypes_field_get(im->data + start, id);
	*len_ret = len - im->id_size;
	return im->data + start + im->id_size;
}

/* Problems counted during the walk: one warning each at the end. */
struct walk_trouble {
	unsigned int count;
	uint64_t first_id;
	const char *first_why;
};

static void trouble(struct walk_trouble *t, uint64_t id, const char *why)
{
	if (!t->count++) {
		t->first_id = id;
		t->first_why = why;
	}
}

static struct lkdb_error *report_trouble(struct printk_log *log,
					 const struct walk_trouble *t,
					 const char *what)
{
	if (!t->count)
		return NULL;
	return warn(log, "skipped %u record%s: %s (first: descriptor id %" PRIu64 ": %s)",
		    t->count, t->count == 1 ? "" : "s", what, t->first_id,
		    t->first_why);
}

/* The walk itself: walk descriptors from tail_id on. */
static struct lkdb_error *prb_walk(const struct prb_layout *l,
				   const struct prb_image *im,
				   uint64_t tail_id, uint64_t walk,
				   struct printk_log *log)
{
	struct lkdb_error *err = NULL;
	size_t cap = 0;
	struct walk_trouble misses = { 0 }, bad = { 0 }, lost = { 0 };
	unsigned int truncated = 0;
	uint64_t last_seq = 0;
	for (uint64_t i = 0; i < walk; i++) {
		uint64_t id = (tail_id + i) & im->id_mask;
		uint64_t idx = id & (im->count - 1);
		const unsigned char *d = im->descs + idx * l->desc_size;
		uint64_t sv = ktypes_field_get(d, l->state_var) & im->lmask;
		unsigned int state = sv >> im->state_shift;
		if ((sv & im->id_mask) != id) {
			/* recycled, or never reserved under this id */
			trouble(&misses, id, "holds another id");
			continue;
		}
		/* Reserved: being written.  Reusable: its text is gone. */
		if (state != DESC_COMMITTED && state != DESC_FINALIZED)
			continue;
		const unsigned char *info = im->infos + idx * l->info.size;
		struct printk_record r = { 0 };
		r.seq = ktypes_field_get(info, l->info.seq);
		/* prb_reserve() keeps seq and id on one index. */
		if ((r.seq & (im->count - 1)) != idx) {
			trouble(&bad, id, "sequence number not on its index");
			continue;
		}
		if (log->nr_records && r.seq <= last_seq) {
			trouble(&bad, id, "sequence number out of order");
			continue;
		}
		decode_record(&l->info, info, &r);
		uint64_t text_len = ktypes_field_get(info, l->info.text_len);
		uint64_t data_len, block_id;
		const char *why = NULL;
		const unsigned char *text = block_text(
			im, ktypes_field_get(d, l->begin) & im->lmask,
			ktypes_field_get(d, l->next) & im->lmask, &data_len, &block_id, &why);
		if (!text) {
			trouble(&lost, id, why);
			continue;
		}
		if (data_len && block_id != id) {
			trouble(&lost, id, "text block belongs to another record");
			continue;
		}
		if (text_len > data_len) {
			/* copy_data() refuses these; keep what the block holds */
			truncated++;
			text_len = data_len;
		}
		r.text_len = text_len;
		err = add_record(log, &cap, &r, (const char *)text);
		if (err)
			return err;
		last_seq = r.seq;
	}
	if (!err)
		err = report_trouble(log, &misses,
				     "descriptor between tail and head holds another id");
	if (!err)
		err = report_trouble(log, &bad, "bad sequence number");
	if (!err)
		err = report_trouble(log, &lost, "text unreadable");
	if (!err && truncated)
		err = warn(log, "cut the text of %u record%s to its text block (text_len past the block)",
			   truncated, truncated == 1 ? "" : "s");
	return err;
}

/*
 * Read elements [first, first + n) of a ring of count elements of size
 * bytes at addr (wrapping past the end to the start) into buf, each at its
 * own offset: one or two big reads.
 */
static struct lkdb_error *read_ring(const struct kernel_memory_reader *mem,
				    struct printk_log *log, uint64_t addr,
				    uint64_t size, uint64_t count,
				    uint64_t first, uint64_t n,
				    unsigned char *buf, const char *what)
{
	uint64_t run = n < count - first ? n : count - first;
	struct lkdb_error *err = read_span(mem, log, addr + first * size,
					   buf + first * size, run * size,
					   what);
	if (!err && n > run)
		err = read_span(mem, log, addr, buf, (n - run) * size, what);
	return err;
}

static struct lkdb_error *read_lockless(const struct kernel_memory_reader *mem,
					const struct printk_symbols *syms,
					uint64_t kaslr_offset,
					struct ktypes *types,
					struct printk_log *log)
{
	struct prb_layout l;
	struct lkdb_error *err = prb_layout(types, &l);
	if (err)
		return lkdb_error_prefix(err, "printk ring buffer layout");
	uint64_t prb = 0;
	unsigned char ptr[8];
	struct ktypes_field ptr_field = { 0, l.descs.size };
	err = read_span(mem, log, syms->prb + kaslr_offset, ptr,
			l.descs.size, "the prb pointer");
	if (err)
		return err;
	prb = ktypes_field_get(ptr, ptr_field);
	unsigned char *rb = malloc(l.rb_size);
	if (!rb)
		return &lkdb_error_oom;
	err = read_span(mem, log, prb, rb, l.rb_size,
			"struct printk_ringbuffer");
	if (err) {
		free(rb);
		return err;
	}
	struct prb_image im = { 0 };
	uint64_t count_bits = ktypes_field_get(rb, l.count_bits);
	uint64_t size_bits = ktypes_field_get(rb, l.size_bits);
	uint64_t descs = ktypes_field_get(rb, l.descs), infos = ktypes_field_get(rb, l.infos);
	uint64_t data = ktypes_field_get(rb, l.data);
	uint64_t head_id = ktypes_field_get(rb, l.head_id), tail_id = ktypes_field_get(rb, l.tail_id);
	uint64_t head_lpos = l.has_lpos ? ktypes_field_get(rb, l.head_lpos) : 0;
	uint64_t tail_lpos = l.has_lpos ? ktypes_field_get(rb, l.tail_lpos) : 0;
	free(rb);

	unsigned int long_bits = 8 * l.state_var.size;
	im.lmask = long_bits == 64 ? UINT64_MAX : (1ULL << long_bits) - 1;
	im.state_shift = long_bits - 2;
	im.id_mask = im.lmask & ~(3ULL << im.state_shift);
	im.id_size = l.state_var.size;
	/*
	 * The kernel's limits: log_buf_len up to 2 GiB (LOG_BUF_LEN_MAX),
	 * one descriptor per 32 bytes of text (PRB_AVGBITS).
	 */
	if (count_bits < 1 || count_bits > 27 || size_bits < 4 ||
	    size_bits > 31)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "printk ring buffer at 0x%" PRIx64 " is corrupt: count_bits %" PRIu64 ", size_bits %" PRIu64,
					 prb, count_bits, size_bits);
	im.count = 1ULL << count_bits;
	im.data_size = 1ULL << size_bits;
	uint64_t total = im.count * (l.desc_size + l.info.size) + im.data_size;
	if (total > READ_LIMIT)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "printk ring buffer at 0x%" PRIx64 " claims %" PRIu64 " descriptors and %" PRIu64 " bytes of text: too big to read",
					 prb, im.count, im.data_size);
	log->capacity = im.count;
	tail_id &= im.id_mask;
	head_id &= im.id_mask;
	uint64_t walk = ((head_id - tail_id) & im.id_mask) + 1;
	if (walk > im.count) {
		err = warn(log, "descriptor ids from tail %" PRIu64 " to head %" PRIu64 " span more than the ring's %" PRIu64 " descriptors (corrupt ring?): read %" PRIu64 " from the tail",
			   tail_id, head_id, im.count, im.count);
		if (err)
			return err;
		walk = im.count;
	}
	/*
	 * Only the live part: descriptors tail..head, and the text ring from
	 * its tail to its head, where every live record's text is (the
	 * kernel frees text only behind descriptors it made reusable).  A
	 * few hundred KiB when the ring is full, much less after a boot.
	 */
	uint64_t lpos_span = (head_lpos - tail_lpos) & im.lmask;
	im.data_first = 0;
	im.data_n = im.data_size;
	if (l.has_lpos && lpos_span <= im.data_size) {
		im.data_first = tail_lpos & (im.data_size - 1);
		im.data_n = lpos_span;
	}
	im.descs = malloc(im.count * l.desc_size);
	im.infos = malloc(im.count * l.info.size);
	im.data = malloc(im.data_size);
	if (!im.descs || !im.infos || !im.data) {
		err = &lkdb_error_oom;
		goto out;
	}
	uint64_t first = tail_id & (im.count - 1);
	err = read_ring(mem, log, descs, l.desc_size, im.count, first, walk,
			im.descs, "the printk descriptors");
	if (!err)
		err = read_ring(mem, log, infos, l.info.size, im.count, first,
				walk, im.infos, "the printk infos");
	if (!err)
		err = read_ring(mem, log, data, 1, im.data_size, im.data_first,
				im.data_n, im.data, "the printk text ring");
	if (!err)
		err = prb_walk(&l, &im, tail_id, walk, log);
out:
	free(im.descs);
	free(im.infos);
	free(im.data);
	return err;
}

/* ---- 3.5 - 5.9: struct printk_log records in log_buf ---- */

static struct lkdb_error *read_u64(const struct kernel_memory_reader *mem,
				   struct printk_log *log, uint64_t addr,
				   unsigned int size, const char *what,
				   uint64_t *ret)
{
	unsigned char buf[8];
	struct lkdb_error *err = read_span(mem, log, addr, buf, size, what);
	if (err)
		return err;
	struct ktypes_field f = { 0, size };
	*ret = ktypes_field_get(buf, f);
	return NULL;
}

static struct lkdb_error *read_legacy(const struct kernel_memory_reader *mem,
				      const struct printk_symbols *syms,
				      uint64_t kaslr_offset,
				      struct ktypes *types,
				      struct printk_log *log)
{
	struct record_layout l;
	struct ktypes_field len_f;
	struct lkdb_error *err = record_layout(types, "printk_log", &l);
	if (!err)
		err = ktypes_field(types, "printk_log", "len", l.size, &len_f);
	if (err)
		return lkdb_error_prefix(err, "printk log_buf layout");
	log->has_caller_id = l.has_caller_id;
	log->prints_caller = l.has_caller_id;
	/*
	 * kernel/printk/printk.c: char *log_buf, u32 log_buf_len,
	 * log_first_idx, log_next_idx, u64 log_first_seq, log_next_seq.
	 */
	uint64_t buf_addr, buf_len, first_idx, next_idx = 0, first_seq,
		 next_seq;
	err = read_u64(mem, log, syms->log_buf + kaslr_offset, 8, "log_buf",
		       &buf_addr);
	if (!err)
		err = read_u64(mem, log, syms->log_buf_len + kaslr_offset, 4,
			       "log_buf_len", &buf_len);
	if (!err)
		err = read_u64(mem, log, syms->log_first_idx + kaslr_offset, 4,
			       "log_first_idx", &first_idx);
	if (!err && syms->log_next_idx)
		err = read_u64(mem, log, syms->log_next_idx + kaslr_offset, 4,
			       "log_next_idx", &next_idx);
	if (!err)
		err = read_u64(mem, log, syms->log_first_seq + kaslr_offset, 8,
			       "log_first_seq", &first_seq);
	if (!err)
		err = read_u64(mem, log, syms->log_next_seq + kaslr_offset, 8,
			       "log_next_seq", &next_seq);
	if (err)
		return err;
	if (buf_len < l.size || buf_len > (1ULL << 31) || first_idx >= buf_len)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "printk log_buf is corrupt: log_buf_len %" PRIu64 ", log_first_idx %" PRIu64,
					 buf_len, first_idx);
	log->capacity = buf_len;
	unsigned char *buf = malloc(buf_len);
	if (!buf)
		return &lkdb_error_oom;
	err = read_span(mem, log, buf_addr, buf, buf_len, "log_buf");
	if (err) {
		free(buf);
		return err;
	}
	size_t cap = 0;
	uint64_t idx = first_idx, seq = first_seq;
	/* Each record takes at least a header: a bound on the walk. */
	uint64_t max_records = buf_len / l.size + 1;
	bool wrapped = false;
	const char *stop = NULL;
	while (seq != next_seq) {
		if (log->nr_records >= max_records) {
			stop = "more records than log_buf can hold";
			break;
		}
		if (idx > buf_len - l.size) {
			stop = "record header past the end of log_buf";
			break;
		}
		const unsigned char *p = buf + idx;
		uint64_t len = ktypes_field_get(p, len_f);
		if (len == 0) {
			/* a zero length marks the wrap to the start */
			if (wrapped) {
				stop = "wrapped twice";
				break;
			}
			wrapped = true;
			idx = 0;
			continue;
		}
		struct printk_record r = { 0 };
		decode_record(&l, p, &r);
		r.seq = seq;
		r.text_len = ktypes_field_get(p, l.text_len);
		if (len < l.size || len > buf_len - idx ||
		    r.text_len > len - l.size) {
			stop = "record length out of range";
			break;
		}
		err = add_record(log, &cap, &r, (const char *)p + l.size);
		if (err)
			break;
		idx += len;
		seq++;
	}
	free(buf);
	if (err)
		return err;
	if (stop)
		return warn(log, "log_buf walk stopped at seq %" PRIu64 ", index %" PRIu64 ": %s (corrupt buffer?); showing the %zu records before",
			    seq, idx, stop, log->nr_records);
	if (syms->log_next_idx && idx != next_idx)
		return warn(log, "log_buf walk ended at index %" PRIu64 ", log_next_idx is %" PRIu64,
			    idx, next_idx);
	return NULL;
}

struct lkdb_error *printk_read_log(const struct kernel_memory_reader *mem,
				   const struct printk_symbols *syms,
				   uint64_t kaslr_offset, struct ktypes *types,
				   struct printk_log **ret)
{
	struct printk_log *log = calloc(1, sizeof(*log));
	if (!log)
		return &lkdb_error_oom;
	struct lkdb_error *err;
	if (syms->prb) {
		log->format = PRINTK_FORMAT_LOCKLESS;
		log->has_caller_id = true;
		/*
		 * The kernel always records caller_id but prints it only
		 * with CONFIG_PRINTK_CALLER, which compiles print_caller()
		 * into kernel/printk/printk.c.
		 */
		bool prints = false;
		if (syms->vprintk_emit) {
			lkdb_error_destroy(ktypes_unit_has_function(
				types, syms->vprintk_emit, "print_caller",
				&prints));
		}
		log->prints_caller = prints;
		err = read_lockless(mem, syms, kaslr_offset, types, log);
	} else if (syms->log_first_idx && syms->log_buf && syms->log_buf_len &&
		   syms->log_first_seq && syms->log_next_seq) {
		log->format = PRINTK_FORMAT_LEGACY;
		err = read_legacy(mem, syms, kaslr_offset, types, log);
	} else {
		err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					"the kernel has neither the printk ring buffer (prb) nor log_buf/log_first_idx");
	}
	if (err) {
		printk_log_destroy(log);
		return err;
	}
	*ret = log;
	return NULL;
}

struct lkdb_error *printk_boot_time(const struct kernel_memory_reader *mem,
				    const struct printk_symbols *syms,
				    uint64_t kaslr_offset,
				    struct ktypes *types, int64_t *boot_ns_ret)
{
	if (!syms->tk_core)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no tk_core symbol (the timekeeper)");
	struct ktypes_field real, boot;
	struct lkdb_error *err = ktypes_var_member(
		types, "tk_core", "timekeeper.offs_real", &real.offset,
		&real.size);
	if (!err)
		err = ktypes_var_member(types, "tk_core", "timekeeper.offs_boot",
					&boot.offset, &boot.size);
	if (err)
		return err;
	if (real.size != 8 || boot.size != 8)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "tk_core.timekeeper.offs_real/offs_boot are not 64-bit ktime_t");
	/* One read for both. */
	uint64_t lo = real.offset < boot.offset ? real.offset : boot.offset;
	uint64_t hi = real.offset < boot.offset ? boot.offset : real.offset;
	if (hi - lo > 4096)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "tk_core.timekeeper: unexpected layout");
	unsigned char buf[4096 + 8];
	struct printk_log scratch = { 0 };
	err = read_span(mem, &scratch, syms->tk_core + kaslr_offset + lo, buf,
			hi - lo + 8, "tk_core.timekeeper");
	if (err)
		return err;
	real.offset -= lo;
	boot.offset -= lo;
	int64_t offs_real = (int64_t)ktypes_field_get(buf, real);
	int64_t offs_boot = (int64_t)ktypes_field_get(buf, boot);
	if (__builtin_sub_overflow(offs_real, offs_boot, boot_ns_ret))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "tk_core.timekeeper: offs_real %" PRId64 " and offs_boot %" PRId64 " make no time",
					 offs_real, offs_boot);
	return NULL;
}

struct lkdb_error *kernel_read_log(struct kernel *k, struct printk_log **ret)
{
	struct ktypes *types;
	struct lkdb_error *err = kernel_types(k, &types);
	if (err)
		return err;
	struct printk_symbols syms;
	printk_symbols_lookup(k->vmlinux, &syms);
	return printk_read_log(kernel_memory(k), &syms, k->kaslr_offset,
			       types, ret);
}

struct lkdb_error *kernel_log_boot_time(struct kernel *k,
					int64_t *boot_ns_ret)
{
	struct ktypes *types;
	struct lkdb_error *err = kernel_types(k, &types);
	if (err)
		return err;
	struct printk_symbols syms;
	printk_symbols_lookup(k->vmlinux, &syms);
	return printk_boot_time(kernel_memory(k), &syms, k->kaslr_offset,
				types, boot_ns_ret);
}
