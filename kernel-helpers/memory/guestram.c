// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/memory/guestram.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel-helpers/memory/xlat.h"

/* ---- the monitor's text ---- */

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The next line of *p (without its \r\n) into line; false at the end. */
static bool next_line(const char **p, char *line, size_t size)
{
	if (!**p)
		return false;
	const char *end = strchr(*p, '\n');
	size_t n = end ? (size_t)(end - *p) : strlen(*p);
	size_t copy = n < size - 1 ? n : size - 1;
	memcpy(line, *p, copy);
	while (copy && line[copy - 1] == '\r')
		copy--;
	line[copy] = '\0';
	*p += n + (end ? 1 : 0);
	return true;
}

void guest_ram_parse_memdev(const char *text, struct guest_ram_backend *ret,
			    size_t max, size_t *n_ret)
{
	static const char header[] = "memory backend: ";
	size_t n = 0;
	char line[512];
	struct guest_ram_backend *cur = NULL;
	const char *p = text ? text : "";
	while (next_line(&p, line, sizeof(line))) {
		const char *l = skip_blanks(line);
		if (!strncmp(l, header, sizeof(header) - 1)) {
			cur = n < max ? &ret[n] : NULL;
			n++;
			if (cur) {
				memset(cur, 0, sizeof(*cur));
				snprintf(cur->id, sizeof(cur->id), "%s",
					 l + sizeof(header) - 1);
			}
		} else if (cur && !strncmp(l, "size:", 5)) {
			cur->size = strtoull(skip_blanks(l + 5), NULL, 10);
		} else if (cur && !strncmp(l, "share:", 6)) {
			cur->share = !strcmp(skip_blanks(l + 6), "true");
		}
	}
	*n_ret = n;
}

char *guest_ram_parse_qom_string(const char *text)
{
	const char *p = skip_blanks(text ? text : "");
	if (*p != '"')
		return NULL;
	p++;
	char *out = malloc(strlen(p) + 1), *o = out;
	if (!out)
		return NULL;
	for (; *p && *p != '"'; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		p++;
		switch (*p) {
		case '"': case '\\': case '/': *o++ = *p; break;
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		default:
			/* \uXXXX and the rest: not in a path we can open. */
			free(out);
			return NULL;
		}
	}
	if (*p != '"') {
		free(out);
		return NULL;
	}
	*o = '\0';
	return out;
}

static int range_cmp(const void *a, const void *b)
{
	const struct guest_ram_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * "  0000000000100000-000000001fffffff (prio 0, ram): NAME @0000000000100000"
 * (the end is inclusive; no @ means offset 0 in the region).
 */
static bool parse_flat_range(const char *line, const char *region,
			     struct guest_ram_range *ret)
{
	char *end;
	const char *p = skip_blanks(line);
	errno = 0;
	uint64_t start = strtoull(p, &end, 16);
	if (end == p || *end != '-' || errno)
		return false;
	p = end + 1;
	uint64_t last = strtoull(p, &end, 16);
	if (end == p || errno || last < start)
		return false;
	p = end;
	const char *kind = strstr(p, ", ");
	const char *colon = strstr(p, "): ");
	if (!kind || !colon || kind > colon)
		return false;
	kind += 2;
	if (strncmp(kind, "ram", 3) && strncmp(kind, "rom", 3))
		return false;
	p = colon + 3;
	size_t len = strlen(region);
	if (strncmp(p, region, len) || (p[len] && p[len] != ' '))
		return false;
	p += len;
	uint64_t offset = 0;
	const char *at = strstr(p, " @");
	if (at) {
		offset = strtoull(at + 2, &end, 16);
		if (end == at + 2)
			return false;
	}
	ret->start = start;
	ret->end = last + 1;
	ret->offset = offset;
	return ret->end > start;
}

/*
 * The region's ranges in the first flat view that has any and, when
 * memory_only, renders the CPUs' "memory" address space.  *n_ret 0: none.
 */
static struct lkdb_error *view_ranges(const char *text, const char *region,
				      bool memory_only,
				      struct guest_ram_range **ranges_ret,
				      size_t *n_ret)
{
	struct guest_ram_range *ranges = NULL;
	size_t n = 0, cap = 0;
	bool is_memory = false;
	const char *p = text ? text : "";
	char line[512];
	while (next_line(&p, line, sizeof(line))) {
		if (!strncmp(line, "FlatView #", 10)) {
			if (n)
				break;	/* the previous view had them */
			is_memory = false;
			continue;
		}
		if (!strncmp(skip_blanks(line), "AS \"memory\"", 11))
			is_memory = true;
		struct guest_ram_range r;
		if ((memory_only && !is_memory) ||
		    !parse_flat_range(line, region, &r))
			continue;
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			void *nr = realloc(ranges, ncap * sizeof(*ranges));
			if (!nr) {
				free(ranges);
				return &lkdb_error_oom;
			}
			ranges = nr;
			cap = ncap;
		}
		ranges[n++] = r;
	}
	*ranges_ret = ranges;
	*n_ret = n;
	return NULL;
}

struct lkdb_error *guest_ram_parse_mtree(const char *text, const char *region,
					 struct guest_ram_range **ranges_ret,
					 size_t *n_ret)
{
	/*
	 * The view the CPUs' "memory" address space renders, else (a QEMU
	 * that names it otherwise) the first that has the region at all.
	 */
	struct guest_ram_range *ranges = NULL;
	size_t n = 0;
	struct lkdb_error *err = view_ranges(text, region, true, &ranges, &n);
	if (!err && !n) {
		free(ranges);
		err = view_ranges(text, region, false, &ranges, &n);
	}
	if (err)
		return err;
	if (!n) {
		free(ranges);
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "QEMU's memory map has no RAM of \"%s\"",
					 region);
	}
	qsort(ranges, n, sizeof(*ranges), range_cmp);
	size_t k = 0;
	for (size_t i = 1; i < n; i++) {
		struct guest_ram_range *last = &ranges[k];
		if (ranges[i].start == last->end &&
		    ranges[i].offset == last->offset + (last->end - last->start))
			last->end = ranges[i].end;
		else
			ranges[++k] = ranges[i];
	}
	*ranges_ret = ranges;
	*n_ret = k + 1;
	return NULL;
}

/*
 * A -m size as QEMU reads it: a number, MiB unless a suffix (B, K, M, G, T)
 * says otherwise, alone or as size=; other keys (slots=, maxmem=) beside
 * it.  0 when lkdb cannot tell (a fraction, a typo QEMU will refuse).
 */
uint64_t guest_ram_parse_qemu_size(const char *value)
{
	const char *p = value;
	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char part[64];
		if (len >= sizeof(part))
			return 0;
		memcpy(part, p, len);
		part[len] = '\0';
		const char *num = part;
		if (!strncmp(part, "size=", 5))
			num = part + 5;
		else if (strchr(part, '='))
			num = NULL;
		if (num) {
			char *rest;
			errno = 0;
			unsigned long long v = strtoull(num, &rest, 10);
			if (errno || rest == num || num[0] == '-')
				return 0;
			unsigned shift = 20;
			switch (*rest) {
			case '\0': break;
			case 'b': case 'B': shift = 0; rest++; break;
			case 'k': case 'K': shift = 10; rest++; break;
			case 'm': case 'M': shift = 20; rest++; break;
			case 'g': case 'G': shift = 30; rest++; break;
			case 't': case 'T': shift = 40; rest++; break;
			default: return 0;
			}
			if (*rest || v == 0 || v > (UINT64_MAX >> shift))
				return 0;
			return (uint64_t)v << shift;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/* ---- the file ---- */

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)

/*
 * Copied mode: pieces of CHUNK bytes, aligned in guest physical memory,
 * each copied whole on its first read in an epoch (a stop) and kept until
 * the guest runs again; at most COPY_CACHE_MAX bytes kept in all.
 */
/*
 * 128 KiB: QEMU's pmemsave costs ~0.1 ms a call and ~1 ms a MiB into a
 * tmpfs; ps on 5000 tasks of a 1 GB guest took 0.21-0.27 s with 128 KiB,
 * 0.29-0.35 s with 256 KiB, 0.36-0.41 s with 64 KiB, 0.54-0.58 s with
 * 1 MiB.
 */
#define CHUNK_SHIFT GUEST_RAM_COPY_SHIFT
#define CHUNK (1ull << CHUNK_SHIFT)
#define COPY_CACHE_MAX (512ull << 20)

struct copied_chunk {
	unsigned char *data;	/* CHUNK bytes, or NULL */
	uint64_t epoch;		/* valid while it is the guest_ram's epoch */
};

struct guest_ram {
	int fd;			/* the shared file; -1 when copied */
	struct guest_ram_copier copier;
	struct copied_chunk *chunks;	/* by paddr >> CHUNK_SHIFT */
	size_t nr_chunks;
	size_t chunks_kept;
	uint64_t epoch;
	char *name;
	struct guest_ram_range *ranges;
	size_t nr_ranges;
	size_t last_range;
	struct kernel_xlat *xlat;	/* NULL until guest_ram_set_paging() */
	struct kernel_memory_reader fallback;
	struct guest_ram_stats stats;
	uint64_t (*guard)(void *context);
	void *guard_context;
	uint64_t generation;
};

/* A guest_ram with name and ranges, neither file nor copier yet. */
static struct guest_ram *create(const char *name,
				const struct guest_ram_range *ranges, size_t n)
{
	struct guest_ram *g = calloc(1, sizeof(*g));
	if (g) {
		g->fd = -1;
		g->name = strdup(name);
		g->ranges = malloc((n ? n : 1) * sizeof(*ranges));
	}
	if (!g || !g->name || !g->ranges) {
		if (g) {
			free(g->name);
			free(g->ranges);
		}
		free(g);
		return NULL;
	}
	memcpy(g->ranges, ranges, n * sizeof(*ranges));
	g->nr_ranges = n;
	return g;
}

struct lkdb_error *guest_ram_open(int fd, const char *name,
				  const struct guest_ram_range *ranges,
				  size_t n, struct guest_ram **ret)
{
	struct stat st;
	if (fstat(fd, &st)) {
		int e = errno;
		close(fd);
		return lkdb_error_errno(e, "%s", name);
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t len = ranges[i].end - ranges[i].start;
		if (ranges[i].offset > (uint64_t)st.st_size ||
		    len > (uint64_t)st.st_size - ranges[i].offset) {
			close(fd);
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "%s: guest RAM 0x%" PRIx64 "-0x%" PRIx64 " would be at offset 0x%" PRIx64 ", past the file's end (%lld bytes)",
						 name, ranges[i].start,
						 ranges[i].end - 1,
						 ranges[i].offset,
						 (long long)st.st_size);
		}
	}
	struct guest_ram *g = create(name, ranges, n);
	if (!g) {
		close(fd);
		return &lkdb_error_oom;
	}
	g->fd = fd;
	*ret = g;
	return NULL;
}

/* Ranges sorted and apart (what guest_ram_parse_mtree gives, merged). */
static bool ranges_sorted(const struct guest_ram_range *ranges, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ranges[i].start >= ranges[i].end)
			return false;
		if (i && ranges[i].start < ranges[i - 1].end)
			return false;
	}
	return true;
}

struct lkdb_error *guest_ram_open_copied(const char *name,
					 const struct guest_ram_range *ranges,
					 size_t n,
					 const struct guest_ram_copier *copier,
					 struct guest_ram **ret)
{
	if (!n || !ranges_sorted(ranges, n)) {
		if (copier->release)
			copier->release(copier->context);
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: the guest's RAM ranges are %s",
					 name, n ? "not sorted and apart" : "empty");
	}
	uint64_t top = ranges[n - 1].end;
	size_t nr_chunks = (size_t)((top - 1) >> CHUNK_SHIFT) + 1;
	struct guest_ram *g = create(name, ranges, n);
	if (g) {
		g->chunks = calloc(nr_chunks, sizeof(*g->chunks));
		if (!g->chunks) {
			guest_ram_destroy(g);
			g = NULL;
		}
	}
	if (!g) {
		if (copier->release)
			copier->release(copier->context);
		return &lkdb_error_oom;
	}
	g->nr_chunks = nr_chunks;
	g->copier = *copier;
	/* Epoch 0 marks a chunk never copied. */
	g->epoch = 1;
	*ret = g;
	return NULL;
}

void guest_ram_destroy(struct guest_ram *g)
{
	if (!g)
		return;
	if (g->fd >= 0)
		close(g->fd);
	if (g->copier.release)
		g->copier.release(g->copier.context);
	for (size_t i = 0; g->chunks && i < g->nr_chunks; i++)
		free(g->chunks[i].data);
	free(g->chunks);
	kernel_xlat_destroy(g->xlat);
	free(g->name);
	free(g->ranges);
	free(g);
}

const char *guest_ram_name(const struct guest_ram *g)
{
	return g->name;
}

static const struct guest_ram_range *find_range(struct guest_ram *g,
						uint64_t paddr)
{
	const struct guest_ram_range *r = &g->ranges[g->last_range];
	if (g->nr_ranges && paddr >= r->start && paddr < r->end)
		return r;
	for (size_t i = 0; i < g->nr_ranges; i++) {
		if (paddr >= g->ranges[i].start && paddr < g->ranges[i].end) {
			g->last_range = i;
			return &g->ranges[i];
		}
	}
	return NULL;
}

/* Drop kept chunks: those of past epochs, or all when that is not enough. */
static void trim_chunks(struct guest_ram *g)
{
	for (int pass = 0; pass < 2 && g->chunks_kept * CHUNK >= COPY_CACHE_MAX;
	     pass++) {
		for (size_t i = 0; i < g->nr_chunks; i++) {
			struct copied_chunk *c = &g->chunks[i];
			if (c->data && (pass || c->epoch != g->epoch)) {
				free(c->data);
				c->data = NULL;
				c->epoch = 0;
				g->chunks_kept--;
			}
		}
	}
}

/*
 * Chunk i as of this epoch, copied when it is not: the parts of it that
 * are guest RAM, the rest zero (never read: reads stop at a range's end).
 */
static struct lkdb_error *chunk_data(struct guest_ram *g, size_t i,
				     const unsigned char **data_ret)
{
	struct copied_chunk *c = &g->chunks[i];
	if (c->data && c->epoch == g->epoch) {
		*data_ret = c->data;
		return NULL;
	}
	if (!c->data) {
		trim_chunks(g);
		c->data = malloc(CHUNK);
		if (!c->data)
			return &lkdb_error_oom;
		g->chunks_kept++;
	}
	c->epoch = 0;
	uint64_t start = (uint64_t)i << CHUNK_SHIFT, end = start + CHUNK;
	memset(c->data, 0, CHUNK);
	for (size_t k = 0; k < g->nr_ranges; k++) {
		const struct guest_ram_range *r = &g->ranges[k];
		uint64_t from = r->start > start ? r->start : start;
		uint64_t to = r->end < end ? r->end : end;
		if (from >= to)
			continue;
		struct lkdb_error *err = g->copier.copy(g->copier.context, from,
							 c->data + (from - start),
							 (size_t)(to - from));
		if (err)
			return err;
		g->stats.copies++;
	}
	c->epoch = g->epoch;
	*data_ret = c->data;
	return NULL;
}

/* The range holding paddr and how much of len lies in it; FAULT outside. */
static struct lkdb_error *in_range(struct guest_ram *g, uint64_t paddr,
				   size_t len,
				   const struct guest_ram_range **range_ret,
				   size_t *len_ret)
{
	const struct guest_ram_range *r = find_range(g, paddr);
	if (!r)
		return lkdb_error_create(LKDB_ERROR_FAULT,
					 "physical address 0x%" PRIx64 " is not guest RAM",
					 paddr);
	uint64_t avail = r->end - paddr;
	*range_ret = r;
	*len_ret = len < avail ? len : (size_t)avail;
	return NULL;
}

static struct lkdb_error *read_copied(struct guest_ram *g, uint64_t paddr,
				      void *buf, size_t len)
{
	unsigned char *out = buf;
	while (len) {
		const struct guest_ram_range *r = NULL;
		size_t piece = 0;
		struct lkdb_error *err = in_range(g, paddr, len, &r, &piece);
		if (err)
			return err;
		size_t in_chunk = (size_t)(CHUNK - (paddr & (CHUNK - 1)));
		if (in_chunk < piece)
			piece = in_chunk;
		const unsigned char *data;
		err = chunk_data(g, (size_t)(paddr >> CHUNK_SHIFT), &data);
		if (err)
			return lkdb_error_prefix(err, "%s: physical 0x%" PRIx64,
						 g->name, paddr);
		memcpy(out, data + (paddr & (CHUNK - 1)), piece);
		out += piece;
		paddr += piece;
		len -= piece;
	}
	return NULL;
}

struct lkdb_error *guest_ram_read_phys(struct guest_ram *g, uint64_t paddr,
				       void *buf, size_t len)
{
	if (g->chunks)
		return read_copied(g, paddr, buf, len);
	unsigned char *out = buf;
	while (len) {
		const struct guest_ram_range *r = NULL;
		size_t chunk = 0;
		struct lkdb_error *err = in_range(g, paddr, len, &r, &chunk);
		if (err)
			return err;
		ssize_t got = pread(g->fd, out, chunk,
				    (off_t)(r->offset + (paddr - r->start)));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return lkdb_error_create(LKDB_ERROR_FAULT,
						 "%s: cannot read physical 0x%" PRIx64 ": %s",
						 g->name, paddr,
						 got < 0 ? strerror(errno) : "the file ends there");
		out += got;
		paddr += (uint64_t)got;
		len -= (size_t)got;
	}
	return NULL;
}

static struct lkdb_error *read_phys(void *context, uint64_t paddr, void *buf,
				    size_t len)
{
	return guest_ram_read_phys(context, paddr, buf, len);
}

struct lkdb_error *guest_ram_set_paging(struct guest_ram *g, uint64_t root,
					unsigned levels)
{
	kernel_xlat_destroy(g->xlat);
	g->xlat = NULL;
	return kernel_xlat_x86_64(root, levels, read_phys, g,
				  "the guest's page tables", &g->xlat);
}

void guest_ram_flush(struct guest_ram *g)
{
	if (g->xlat)
		kernel_xlat_flush(g->xlat);
	g->epoch++;
}

struct lkdb_error *guest_ram_vtop(struct guest_ram *g, uint64_t vaddr,
				  uint64_t *paddr_ret)
{
	if (!g->xlat)
		return lkdb_error_create(LKDB_ERROR_FAULT,
					 "no page tables for 0x%" PRIx64, vaddr);
	return kernel_xlat_vtop(g->xlat, vaddr, paddr_ret);
}

struct lkdb_error *guest_ram_read(struct guest_ram *g, uint64_t vaddr,
				  void *buf, size_t len)
{
	unsigned char *out = buf;
	while (len) {
		size_t in_page = PAGE_SIZE - (vaddr & (PAGE_SIZE - 1));
		size_t chunk = len < in_page ? len : in_page;
		uint64_t paddr;
		struct lkdb_error *err = guest_ram_vtop(g, vaddr, &paddr);
		if (!err)
			err = guest_ram_read_phys(g, paddr, out, chunk);
		if (err)
			return err;
		out += chunk;
		vaddr += chunk;
		len -= chunk;
	}
	return NULL;
}

void guest_ram_set_guard(struct guest_ram *g,
			 uint64_t (*guard)(void *context), void *context)
{
	g->guard = guard;
	g->guard_context = context;
	g->generation = guard ? guard(context) : 0;
}

/* May the file be read now?  Drops translations the guest may have changed. */
static bool usable(struct guest_ram *g)
{
	if (!g->guard)
		return true;
	uint64_t now = g->guard(g->guard_context);
	if (now == GUEST_RAM_RUNNING)
		return false;
	if (now != g->generation) {
		guest_ram_flush(g);
		g->generation = now;
	}
	return true;
}

static struct lkdb_error *reader_read(void *context, uint64_t addr, void *buf,
				      size_t len)
{
	struct guest_ram *g = context;
	if (!usable(g)) {
		g->stats.fallback++;
		return g->fallback.read(g->fallback.context, addr, buf, len);
	}
	struct lkdb_error *err = guest_ram_read(g, addr, buf, len);
	if (!err) {
		g->stats.direct++;
		return NULL;
	}
	lkdb_error_destroy(err);
	g->stats.fallback++;
	return g->fallback.read(g->fallback.context, addr, buf, len);
}

static struct lkdb_error *reader_read_batch(void *context,
					    struct kernel_read_request *reqs,
					    size_t n)
{
	struct guest_ram *g = context;
	if (!usable(g)) {
		g->stats.fallback += n;
		return kernel_read_batch(&g->fallback, reqs, n);
	}
	size_t missed = 0;
	for (size_t i = 0; i < n; i++) {
		reqs[i].err = guest_ram_read(g, reqs[i].addr, reqs[i].buf,
					     reqs[i].len);
		if (reqs[i].err)
			missed++;
		else
			g->stats.direct++;
	}
	if (!missed)
		return NULL;
	struct kernel_read_request *rest = calloc(missed, sizeof(*rest));
	size_t *index = calloc(missed, sizeof(*index));
	if (!rest || !index) {
		free(rest);
		free(index);
		for (size_t i = 0; i < n; i++)
			if (reqs[i].err) {
				lkdb_error_destroy(reqs[i].err);
				reqs[i].err = &lkdb_error_oom;
			}
		return &lkdb_error_oom;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!reqs[i].err)
			continue;
		lkdb_error_destroy(reqs[i].err);
		reqs[i].err = NULL;
		rest[k].addr = reqs[i].addr;
		rest[k].buf = reqs[i].buf;
		rest[k].len = reqs[i].len;
		index[k++] = i;
	}
	g->stats.fallback += missed;
	struct lkdb_error *fatal = kernel_read_batch(&g->fallback, rest, missed);
	for (k = 0; k < missed; k++)
		reqs[index[k]].err = rest[k].err;
	free(rest);
	free(index);
	return fatal;
}

void guest_ram_reader(struct guest_ram *g,
		      const struct kernel_memory_reader *fallback,
		      struct kernel_memory_reader *ret)
{
	g->fallback = *fallback;
	ret->context = g;
	ret->read = reader_read;
	ret->read_batch = reader_read_batch;
}

void guest_ram_stats(const struct guest_ram *g, struct guest_ram_stats *ret)
{
	*ret = g->stats;
}
