// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/core/ktypes.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/xdg.h"

/* v2: enumerators of unsigned enums as unsigned (v1 sign-extended them). */
#define CACHE_HEADER "# lkdb ktypes v2"
/* Longest name a table line may hold; kernel paths are far shorter. */
#define NAME_MAX_LEN 512
/* A struct nests anonymous structs/unions a few levels deep at most. */
#define ANON_DEPTH_MAX 8

/* One answer: found (with its layout) or known absent. */
struct answer {
	char *name;
	bool found;
	bool bitfield;
	uint64_t offset, size;
	uint64_t bit_offset, bit_size;	/* bit fields only */
};

enum index_kind { KIND_TYPE, KIND_VAR, KIND_ENUM };

/* A top-level DIE's name; empty slot: name NULL. */
struct index_slot {
	const char *name;	/* in libdw's mapping of .debug_str */
	uint32_t hash;
	uint8_t kind;
	uint8_t rank;		/* types: 2 struct/union, 1 typedef */
	Dwarf_Off off;
};

struct ktypes {
	char *vmlinux_path;	/* NULL: a table only */
	char *cache_path;	/* NULL: no cache file */
	struct answer *answers;
	size_t nr_answers, cap_answers;
	bool dirty;		/* answers the cache file lacks */

	/* DWARF, opened on the first lookup the table cannot answer. */
	int fd;
	Elf *elf;
	Dwarf *dw;
	char *dwarf_error;	/* why the DWARF could not be opened */
	enum lkdb_error_code dwarf_error_code;
	Dwarf_CU *cursor;	/* last unit walked; NULL: none yet */
	bool walked_all;
	/* Enumerators are indexed by a walk of their own (enum_lookup). */
	Dwarf_CU *enum_cursor;
	bool enum_walked_all;
	struct index_slot *index;
	size_t index_mask, index_used;

	struct ktypes_stats stats;
};

static struct lkdb_error *dwarf_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static struct lkdb_error *dwarf_error(const char *fmt, ...)
{
	char *what = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&what, fmt, ap);
	va_end(ap);
	if (n < 0)
		return &lkdb_error_oom;
	struct lkdb_error *err = lkdb_error_create(LKDB_ERROR_ELF, "%s: %s",
						   what, dwarf_errmsg(-1));
	free(what);
	return err;
}

/* ---- answers ---- */

static struct answer *answer_find(struct ktypes *t, const char *name)
{
	for (size_t i = 0; i < t->nr_answers; i++) {
		if (!strcmp(t->answers[i].name, name))
			return &t->answers[i];
	}
	return NULL;
}

/* The recorded answer for key, counted in the stats; NULL if none yet. */
static struct answer *lookup_answer(struct ktypes *t, const char *key)
{
	t->stats.lookups++;
	struct answer *a = answer_find(t, key);
	if (a)
		t->stats.cached++;
	return a;
}

/* Add (or replace) an answer; a copy of *a with name duplicated. */
static struct lkdb_error *answer_add(struct ktypes *t, const char *name,
				     const struct answer *a)
{
	struct answer *old = answer_find(t, name);
	if (old) {
		char *keep = old->name;
		*old = *a;
		old->name = keep;
		return NULL;
	}
	if (t->nr_answers == t->cap_answers) {
		size_t cap = t->cap_answers ? 2 * t->cap_answers : 32;
		struct answer *grown = realloc(t->answers,
					       cap * sizeof(*grown));
		if (!grown)
			return &lkdb_error_oom;
		t->answers = grown;
		t->cap_answers = cap;
	}
	struct answer *n = &t->answers[t->nr_answers];
	*n = *a;
	n->name = strdup(name);
	if (!n->name)
		return &lkdb_error_oom;
	t->nr_answers++;
	return NULL;
}

static bool valid_name(const char *s, size_t len)
{
	if (!len || len > NAME_MAX_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (c <= ' ' || c == 0x7f)
			return false;
	}
	return true;
}

/* Parse one table line ("NAME OFF SIZE [BITOFF BITSIZE]" or "NAME -"). */
static bool parse_line(const char *line, char *name, struct answer *a)
{
	memset(a, 0, sizeof(*a));
	const char *sp = strchr(line, ' ');
	if (!sp || !valid_name(line, sp - line))
		return false;
	memcpy(name, line, sp - line);
	name[sp - line] = '\0';
	const char *p = sp + 1;
	if (!strcmp(p, "-"))
		return true;
	uint64_t v[4];
	int n = 0;
	while (n < 4) {
		char *end;
		if (*p < '0' || *p > '9')
			return false;
		errno = 0;
		v[n++] = strtoull(p, &end, 10);
		if (errno)
			return false;
		p = end;
		if (!*p)
			break;
		if (*p != ' ')
			return false;
		p++;
	}
	if (*p || (n != 2 && n != 4))
		return false;
	a->found = true;
	a->offset = v[0];
	a->size = v[1];
	if (n == 4) {
		a->bitfield = true;
		a->bit_offset = v[2];
		a->bit_size = v[3];
		if (a->bit_size == 0 || a->bit_size > 64)
			return false;
	}
	return true;
}

/* Load table text; what names the source in errors. */
static struct lkdb_error *load_table(struct ktypes *t, const char *text,
				     const char *what)
{
	char name[NAME_MAX_LEN + 1];
	unsigned int lineno = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		char *line = strndup(p, len);
		if (!line)
			return &lkdb_error_oom;
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		struct lkdb_error *err = NULL;
		struct answer a;
		if (!line[0] || line[0] == '#') {
			/* comment or blank */
		} else if (!parse_line(line, name, &a)) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"%s line %u: malformed type entry \"%.80s\"",
						what, lineno, line);
		} else {
			err = answer_add(t, name, &a);
		}
		free(line);
		if (err)
			return err;
		p = nl ? nl + 1 : p + len;
	}
	return NULL;
}

static struct ktypes *ktypes_alloc(void)
{
	struct ktypes *t = calloc(1, sizeof(*t));
	if (t)
		t->fd = -1;
	return t;
}

struct lkdb_error *ktypes_create_from_table(const char *table,
					    struct ktypes **ret)
{
	struct ktypes *t = ktypes_alloc();
	if (!t)
		return &lkdb_error_oom;
	struct lkdb_error *err = load_table(t, table, "type table");
	if (err) {
		ktypes_destroy(t);
		return err;
	}
	*ret = t;
	return NULL;
}

static char *cache_file_path(const char *build_id)
{
	char *rest = NULL;
	if (asprintf(&rest, "lkdb/types/%s", build_id) < 0)
		return NULL;
	char *path = xdg_cache_path(rest);
	free(rest);
	return path;
}

/* Read the cache file; a missing, unreadable or stale one is ignored. */
static void load_cache(struct ktypes *t)
{
	FILE *f = fopen(t->cache_path, "r");
	if (!f)
		return;
	char *text = NULL;
	size_t cap = 0, len = 0;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (len + n + 1 > cap) {
			size_t ncap = cap ? 2 * cap : sizeof(buf) * 4;
			while (ncap < len + n + 1)
				ncap *= 2;
			char *grown = realloc(text, ncap);
			if (!grown) {
				free(text);
				fclose(f);
				return;
			}
			text = grown;
			cap = ncap;
		}
		memcpy(text + len, buf, n);
		len += n;
	}
	fclose(f);
	if (!text)
		return;
	text[len] = '\0';
	size_t hlen = strlen(CACHE_HEADER);
	if (strncmp(text, CACHE_HEADER, hlen) ||
	    (text[hlen] != '\n' && text[hlen] != ' ')) {
		free(text);
		return;
	}
	struct lkdb_error *err = load_table(t, text, t->cache_path);
	free(text);
	if (err) {
		/* A damaged cache: forget it all, it is rebuilt from DWARF. */
		lkdb_error_destroy(err);
		for (size_t i = 0; i < t->nr_answers; i++)
			free(t->answers[i].name);
		t->nr_answers = 0;
		t->dirty = true;
	}
}

struct lkdb_error *ktypes_open(const char *vmlinux_path, const char *build_id,
			       struct ktypes **ret)
{
	struct ktypes *t = ktypes_alloc();
	if (!t)
		return &lkdb_error_oom;
	t->vmlinux_path = strdup(vmlinux_path);
	if (!t->vmlinux_path) {
		ktypes_destroy(t);
		return &lkdb_error_oom;
	}
	/* A build id is hex; anything else would make a strange path. */
	if (build_id && *build_id &&
	    strspn(build_id, "0123456789abcdef") == strlen(build_id)) {
		t->cache_path = cache_file_path(build_id);
		if (t->cache_path)
			load_cache(t);
	}
	*ret = t;
	return NULL;
}

static int mkdir_parents(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return -1;
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
			free(copy);
			return -1;
		}
		*p = '/';
	}
	free(copy);
	return 0;
}

static int answer_cmp(const void *a, const void *b)
{
	return strcmp(((const struct answer *)a)->name,
		      ((const struct answer *)b)->name);
}

struct lkdb_error *ktypes_save(struct ktypes *t)
{
	if (!t->dirty || !t->cache_path)
		return NULL;
	if (mkdir_parents(t->cache_path) < 0)
		return lkdb_error_errno(errno, "cannot create the directory of %s",
					t->cache_path);
	char *tmp;
	if (asprintf(&tmp, "%s.XXXXXX", t->cache_path) < 0)
		return &lkdb_error_oom;
	int fd = mkstemp(tmp);
	if (fd < 0) {
		struct lkdb_error *err = lkdb_error_errno(errno, "cannot create %s",
							  tmp);
		free(tmp);
		return err;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		struct lkdb_error *err = lkdb_error_errno(errno, "cannot write %s",
							  tmp);
		close(fd);
		unlink(tmp);
		free(tmp);
		return err;
	}
	/* Sorted: the same answers give the same file. */
	qsort(t->answers, t->nr_answers, sizeof(*t->answers), answer_cmp);
	fprintf(f, "%s\n", CACHE_HEADER);
	for (size_t i = 0; i < t->nr_answers; i++) {
		const struct answer *a = &t->answers[i];
		if (!a->found)
			fprintf(f, "%s -\n", a->name);
		else if (a->bitfield)
			fprintf(f, "%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
				a->name, a->offset, a->size, a->bit_offset,
				a->bit_size);
		else
			fprintf(f, "%s %" PRIu64 " %" PRIu64 "\n", a->name,
				a->offset, a->size);
	}
	int failed = ferror(f);
	if (fclose(f) != 0)
		failed = 1;
	if (failed || rename(tmp, t->cache_path) < 0) {
		struct lkdb_error *err = lkdb_error_errno(errno, "cannot write %s",
							  t->cache_path);
		unlink(tmp);
		free(tmp);
		return err;
	}
	free(tmp);
	t->dirty = false;
	return NULL;
}

void ktypes_destroy(struct ktypes *t)
{
	if (!t)
		return;
	/* The cache only saves time: a failure to write it is no failure. */
	lkdb_error_destroy(ktypes_save(t));
	for (size_t i = 0; i < t->nr_answers; i++)
		free(t->answers[i].name);
	free(t->answers);
	if (t->dw)
		dwarf_end(t->dw);
	if (t->elf)
		elf_end(t->elf);
	if (t->fd >= 0)
		close(t->fd);
	free(t->index);
	free(t->dwarf_error);
	free(t->cache_path);
	free(t->vmlinux_path);
	free(t);
}

void ktypes_get_stats(const struct ktypes *t, struct ktypes_stats *ret)
{
	*ret = t->stats;
}

/* ---- DWARF ---- */

static bool has_section(Elf *elf, const char *name)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return false;
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn;
	     scn = elf_nextscn(elf, scn)) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr))
			continue;
		const char *n = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (n && !strcmp(n, name) && shdr.sh_type != SHT_NOBITS &&
		    shdr.sh_size)
			return true;
	}
	return false;
}

static struct lkdb_error *open_dwarf(struct ktypes *t)
{
	if (t->dw)
		return NULL;
	if (!t->vmlinux_path)
		return NULL;	/* a table only: callers check t->dw */
	if (t->dwarf_error)
		return lkdb_error_create(t->dwarf_error_code, "%s",
					 t->dwarf_error);
	double t0 = lkdb_now_seconds();
	struct lkdb_error *err = NULL;
	t->fd = open(t->vmlinux_path, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0) {
		err = lkdb_error_errno(errno, "cannot open %s", t->vmlinux_path);
	} else {
		elf_version(EV_CURRENT);
		t->elf = elf_begin(t->fd, ELF_C_READ_MMAP, NULL);
		if (!t->elf)
			err = lkdb_error_libelf("cannot read %s as ELF",
						t->vmlinux_path);
		else if (!has_section(t->elf, ".debug_info"))
			err = lkdb_error_create(LKDB_ERROR_ELF,
						"%s has no DWARF debug info (type layouts need the debug vmlinux, e.g. Debian's linux-image-*-dbg)",
						t->vmlinux_path);
		else if (!(t->dw = dwarf_begin_elf(t->elf, DWARF_C_READ, NULL)))
			err = dwarf_error("cannot read the DWARF of %s",
					  t->vmlinux_path);
	}
	if (err) {
		/* Remembered: every later lookup fails the same way, fast. */
		t->dwarf_error = strdup(err->message);
		t->dwarf_error_code = err->code;
		if (t->elf)
			elf_end(t->elf);
		t->elf = NULL;
		if (t->fd >= 0)
			close(t->fd);
		t->fd = -1;
		return err;
	}
	t->stats.dwarf_opened = true;
	t->stats.dwarf_seconds += lkdb_now_seconds() - t0;
	return NULL;
}

static uint32_t name_hash(const char *name, enum index_kind kind)
{
	uint32_t h = 2166136261u ^ kind;
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

static struct index_slot *index_slot(struct ktypes *t, const char *name,
				     enum index_kind kind, uint32_t hash)
{
	for (size_t i = hash & t->index_mask;; i = (i + 1) & t->index_mask) {
		struct index_slot *s = &t->index[i];
		if (!s->name || (s->hash == hash && s->kind == kind &&
				 !strcmp(s->name, name)))
			return s;
	}
}

static struct lkdb_error *index_grow(struct ktypes *t)
{
	size_t size = t->index ? 2 * (t->index_mask + 1) : 4096;
	struct index_slot *old = t->index;
	size_t old_size = old ? t->index_mask + 1 : 0;
	t->index = calloc(size, sizeof(*t->index));
	if (!t->index) {
		t->index = old;
		return &lkdb_error_oom;
	}
	t->index_mask = size - 1;
	for (size_t i = 0; i < old_size; i++) {
		if (old[i].name)
			*index_slot(t, old[i].name, old[i].kind,
				    old[i].hash) = old[i];
	}
	free(old);
	return NULL;
}

static struct lkdb_error *index_add(struct ktypes *t, const char *name,
				    enum index_kind kind, uint8_t rank,
				    Dwarf_Off off)
{
	if (!t->index || 2 * (t->index_used + 1) > t->index_mask + 1) {
		struct lkdb_error *err = index_grow(t);
		if (err)
			return err;
	}
	uint32_t hash = name_hash(name, kind);
	struct index_slot *s = index_slot(t, name, kind, hash);
	if (!s->name) {
		*s = (struct index_slot){ name, hash, kind, rank, off };
		t->index_used++;
	} else if (rank > s->rank) {
		s->rank = rank;
		s->off = off;
	}
	return NULL;
}

static struct index_slot *index_find(struct ktypes *t, const char *name,
				     enum index_kind kind)
{
	if (!t->index)
		return NULL;
	struct index_slot *s = index_slot(t, name, kind,
					  name_hash(name, kind));
	return s->name ? s : NULL;
}

/*
 * Step *cursor to the next unit; *die_ret its first top-level DIE.
 * *more_ret false when there is none (then *walked_all is set) or the
 * unit is empty.
 */
static struct lkdb_error *next_unit(struct ktypes *t, Dwarf_CU **cursor,
				    bool *walked_all, Dwarf_Die *die_ret,
				    bool *more_ret)
{
	Dwarf_CU *next;
	Dwarf_Die cudie;
	*more_ret = false;
	int r = dwarf_get_units(t->dw, *cursor, &next, NULL, NULL, &cudie,
				NULL);
	if (r > 0) {
		*walked_all = true;
		return NULL;
	}
	if (r < 0)
		return dwarf_error("reading the DWARF units of %s",
				   t->vmlinux_path);
	*cursor = next;
	t->stats.units_scanned++;
	*more_ret = dwarf_child(&cudie, die_ret) == 0;
	return NULL;
}

/* Index the named top-level types and variables of the next unit. */
static struct lkdb_error *walk_one_unit(struct ktypes *t)
{
	Dwarf_Die die;
	bool more;
	struct lkdb_error *err = next_unit(t, &t->cursor, &t->walked_all, &die,
					   &more);
	if (err || !more)
		return err;
	do {
		t->stats.dies_scanned++;
		int tag = dwarf_tag(&die);
		enum index_kind kind;
		uint8_t rank;
		switch (tag) {
		case DW_TAG_structure_type:
		case DW_TAG_union_type:
			kind = KIND_TYPE;
			rank = 2;
			break;
		case DW_TAG_typedef:
			kind = KIND_TYPE;
			rank = 1;
			break;
		case DW_TAG_variable:
			kind = KIND_VAR;
			rank = 1;
			break;
		default:
			continue;
		}
		if (dwarf_hasattr(&die, DW_AT_declaration))
			continue;
		const char *name = dwarf_diename(&die);
		if (!name)
			continue;
		err = index_add(t, name, kind, rank,
						   dwarf_dieoffset(&die));
		if (err)
			return err;
	} while (dwarf_siblingof(&die, &die) == 0);
	return NULL;
}

/*
 * The DIE of a top-level name, walking further units until it is indexed
 * (a struct found in the unit where it is first defined wins over a
 * typedef met earlier).  *found_ret false if no unit has it.
 */
static struct lkdb_error *lookup_die(struct ktypes *t, const char *name,
				     enum index_kind kind, Dwarf_Die *die_ret,
				     bool *found_ret)
{
	double t0 = lkdb_now_seconds();
	struct lkdb_error *err = NULL;
	struct index_slot *s;
	for (;;) {
		/*
		 * The first unit that has the name settles it: a typedef and
		 * a struct of one name ("typedef struct foo foo") are the
		 * same layout, and walking on for a struct that may follow
		 * would cost a walk of every unit for each typedef.
		 */
		s = index_find(t, name, kind);
		if (s || t->walked_all)
			break;
		err = walk_one_unit(t);
		if (err)
			break;
	}
	t->stats.dwarf_seconds += lkdb_now_seconds() - t0;
	if (err)
		return err;
	*found_ret = false;
	if (!s)
		return NULL;
	if (!dwarf_offdie(t->dw, s->off, die_ret))
		return dwarf_error("reading the DIE of %s in %s", name,
				   t->vmlinux_path);
	*found_ret = true;
	return NULL;
}

/*
 * Strip typedefs and qualifiers; a struct or union only declared here is
 * replaced by its definition from another unit.
 */
static struct lkdb_error *peel_type(struct ktypes *t, Dwarf_Die *die)
{
	for (int depth = 0; depth < 64; depth++) {
		int tag = dwarf_tag(die);
		if (tag == DW_TAG_typedef || tag == DW_TAG_const_type ||
		    tag == DW_TAG_volatile_type ||
		    tag == DW_TAG_restrict_type || tag == DW_TAG_atomic_type) {
			Dwarf_Attribute attr;
			if (!dwarf_attr_integrate(die, DW_AT_type, &attr) ||
			    !dwarf_formref_die(&attr, die))
				return lkdb_error_create(LKDB_ERROR_INVALID,
							 "a void typedef has no layout");
			continue;
		}
		if ((tag == DW_TAG_structure_type ||
		     tag == DW_TAG_union_type) &&
		    dwarf_hasattr(die, DW_AT_declaration)) {
			const char *name = dwarf_diename(die);
			bool found = false;
			Dwarf_Die def;
			if (name) {
				struct lkdb_error *err = lookup_die(
					t, name, KIND_TYPE, &def, &found);
				if (err)
					return err;
			}
			if (!found)
				return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
							 "struct %s is declared but never defined",
							 name ? name : "(anonymous)");
			*die = def;
			continue;
		}
		return NULL;
	}
	return lkdb_error_create(LKDB_ERROR_INVALID, "typedef loop in DWARF");
}

static bool member_type(Dwarf_Die *member, Dwarf_Die *type_ret)
{
	Dwarf_Attribute attr;
	return dwarf_attr_integrate(member, DW_AT_type, &attr) &&
	       dwarf_formref_die(&attr, type_ret);
}

struct member_info {
	uint64_t bit_offset;	/* from the start of the outermost type */
	uint64_t bit_size;	/* 0: not a bit field */
	Dwarf_Die type;
};

static bool member_location(Dwarf_Die *member, uint64_t *ret)
{
	Dwarf_Attribute attr;
	Dwarf_Word w;
	if (!dwarf_attr_integrate(member, DW_AT_data_member_location, &attr)) {
		*ret = 0;	/* union members */
		return true;
	}
	/* A location expression instead of a constant: not from C. */
	if (dwarf_formudata(&attr, &w) != 0)
		return false;
	*ret = w;
	return true;
}

/*
 * Find member name among struct/union die's members, looking into
 * anonymous struct/union members too; base_bits is die's bit offset.
 */
static int find_member(struct ktypes *t, Dwarf_Die *die, const char *name,
		       uint64_t base_bits, int depth, struct member_info *ret,
		       struct lkdb_error **err_ret)
{
	Dwarf_Die child;
	if (dwarf_child(die, &child) != 0)
		return 0;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		const char *mname = dwarf_diename(&child);
		if (mname && strcmp(mname, name))
			continue;
		uint64_t loc;
		if (!member_location(&child, &loc))
			continue;
		Dwarf_Die type;
		if (!member_type(&child, &type))
			continue;
		if (!mname) {
			/* anonymous struct or union */
			if (depth >= ANON_DEPTH_MAX)
				continue;
			Dwarf_Die inner = type;
			struct lkdb_error *err = peel_type(t, &inner);
			if (err) {
				*err_ret = err;
				return -1;
			}
			int tag = dwarf_tag(&inner);
			if (tag != DW_TAG_structure_type &&
			    tag != DW_TAG_union_type)
				continue;
			int r = find_member(t, &inner, name,
					    base_bits + 8 * loc, depth + 1,
					    ret, err_ret);
			if (r)
				return r;
			continue;
		}
		Dwarf_Attribute attr;
		Dwarf_Word bit_size = 0, w;
		if (dwarf_attr_integrate(&child, DW_AT_bit_size, &attr) &&
		    dwarf_formudata(&attr, &bit_size) == 0 && bit_size) {
			if (dwarf_attr_integrate(&child, DW_AT_data_bit_offset,
						 &attr) &&
			    dwarf_formudata(&attr, &w) == 0) {
				/* DWARF 4+: from the start of the struct */
				ret->bit_offset = base_bits + w;
			} else if (dwarf_attr_integrate(&child, DW_AT_bit_offset,
							&attr) &&
				   dwarf_formudata(&attr, &w) == 0) {
				/*
				 * DWARF 2/3: from the most significant bit of
				 * a storage unit of DW_AT_byte_size bytes at
				 * the member location (little-endian here).
				 */
				Dwarf_Word unit = 0;
				if (!dwarf_attr_integrate(&child,
							  DW_AT_byte_size,
							  &attr) ||
				    dwarf_formudata(&attr, &unit) != 0) {
					Dwarf_Word sz;
					Dwarf_Die tt = type;
					if (dwarf_aggregate_size(&tt, &sz) == 0)
						unit = sz;
				}
				if (8 * unit < w + bit_size)
					continue;
				ret->bit_offset = base_bits + 8 * loc +
						  8 * unit - w - bit_size;
			} else {
				ret->bit_offset = base_bits + 8 * loc;
			}
			ret->bit_size = bit_size;
		} else {
			ret->bit_offset = base_bits + 8 * loc;
			ret->bit_size = 0;
		}
		ret->type = type;
		return 1;
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

static struct lkdb_error *type_size(struct ktypes *t, Dwarf_Die *type,
				    const char *what, uint64_t *ret)
{
	Dwarf_Word size;
	Dwarf_Die die = *type;
	struct lkdb_error *err = peel_type(t, &die);
	if (err)
		return err;
	if (dwarf_aggregate_size(&die, &size) != 0)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s has no size in the DWARF", what);
	*ret = size;
	return NULL;
}

/*
 * Compute the answer for path (may be "") in the type at die (not yet
 * peeled); a missing member gives found false, errors are other failures.
 */
static struct lkdb_error *resolve_path(struct ktypes *t, Dwarf_Die *die,
				       const char *owner, const char *path,
				       struct answer *a)
{
	memset(a, 0, sizeof(*a));
	Dwarf_Die type = *die;
	uint64_t bits = 0, bit_size = 0;
	char *copy = strdup(path ? path : "");
	if (!copy)
		return &lkdb_error_oom;
	struct lkdb_error *err = NULL;
	char *save = NULL;
	for (char *part = strtok_r(copy, ".", &save); part;
	     part = strtok_r(NULL, ".", &save)) {
		if (bit_size) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"%s.%s: a bit field has no members",
						owner, path);
			goto out;
		}
		err = peel_type(t, &type);
		if (err)
			goto out;
		int tag = dwarf_tag(&type);
		if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"%s.%s: \"%s\" is inside something that is not a struct or union",
						owner, path, part);
			goto out;
		}
		struct member_info m;
		int r = find_member(t, &type, part, bits, 0, &m, &err);
		if (r < 0)
			goto out;
		if (r == 0)
			goto out;	/* absent: a->found stays false */
		bits = m.bit_offset;
		bit_size = m.bit_size;
		type = m.type;
	}
	if (bit_size) {
		a->bitfield = true;
		a->bit_offset = bits;
		a->bit_size = bit_size;
		a->offset = bits / 8;
		a->size = (bits % 8 + bit_size + 7) / 8;
	} else {
		if (bits % 8) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"%s.%s is not byte-aligned",
						owner, path);
			goto out;
		}
		a->offset = bits / 8;
		err = type_size(t, &type, owner, &a->size);
		if (err)
			goto out;
	}
	a->found = true;
out:
	free(copy);
	return err;
}

/* ---- lookups ---- */

static const char *source_name(const struct ktypes *t)
{
	return t->vmlinux_path ? t->vmlinux_path : "the type table";
}

static struct lkdb_error *not_found(struct ktypes *t, enum index_kind kind,
				    const char *owner, const char *member)
{
	const char *kindname = kind == KIND_VAR ? "variable" : "type";
	if (!member || !*member)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no %s %s in %s", kindname, owner,
					 source_name(t));
	/* Say whether the type itself is missing. */
	char *owner_key;
	if (asprintf(&owner_key, "%s%s", kind == KIND_VAR ? "var:" : "",
		     owner) < 0)
		return &lkdb_error_oom;
	struct answer *a = answer_find(t, owner_key);
	free(owner_key);
	if (a && !a->found)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no %s %s (for member %s) in %s",
					 kindname, owner, member,
					 source_name(t));
	return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
				 "%s %s has no member %s (%s)", kindname,
				 owner, member, source_name(t));
}

static struct lkdb_error *record(struct ktypes *t, const char *key,
				 const struct answer *a)
{
	struct lkdb_error *err = answer_add(t, key, a);
	if (!err)
		t->dirty = true;
	return err;
}

/*
 * The answer for kind/owner/member, from the table or computed from the
 * DWARF (and then recorded).  *ret points into the table.
 */
static struct lkdb_error *answer_get(struct ktypes *t, enum index_kind kind,
				     const char *owner, const char *member,
				     const struct answer **ret)
{
	if (!owner || !*owner)
		return lkdb_error_create(LKDB_ERROR_INVALID, "empty type name");
	const char *prefix = kind == KIND_VAR ? "var:" : "";
	char *key, *owner_key;
	if (asprintf(&key, "%s%s%s%s", prefix, owner, member && *member ? "." : "",
		     member ? member : "") < 0)
		return &lkdb_error_oom;
	if (asprintf(&owner_key, "%s%s", prefix, owner) < 0) {
		free(key);
		return &lkdb_error_oom;
	}
	struct lkdb_error *err = NULL;
	struct answer *a = lookup_answer(t, key);
	if (a) {
		*ret = a;
		goto out;
	}
	if (!t->vmlinux_path) {
		static const struct answer absent = { 0 };
		*ret = &absent;
		goto out;
	}
	err = open_dwarf(t);
	if (err)
		goto out;
	Dwarf_Die die;
	bool found;
	err = lookup_die(t, owner, kind, &die, &found);
	if (err)
		goto out;
	struct answer computed = { 0 };
	struct answer whole = { 0 };
	if (found) {
		Dwarf_Die type = die;
		if (kind == KIND_VAR && !member_type(&die, &type)) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"variable %s has no type in the DWARF",
						owner);
			goto out;
		}
		/* The owner's own size, so that "absent" can say which. */
		err = resolve_path(t, &type, owner, "", &whole);
		if (!err && member && *member)
			err = resolve_path(t, &type, owner, member, &computed);
		else
			computed = whole;
		if (err)
			goto out;
	}
	if (!answer_find(t, owner_key))
		err = record(t, owner_key, &whole);
	if (!err)
		err = record(t, key, &computed);
	if (!err)
		*ret = answer_find(t, key);
out:
	free(owner_key);
	free(key);
	return err;
}

struct lkdb_error *ktypes_size(struct ktypes *t, const char *type,
			       uint64_t *size_ret)
{
	const struct answer *a;
	struct lkdb_error *err = answer_get(t, KIND_TYPE, type, NULL, &a);
	if (err)
		return err;
	if (!a->found)
		return not_found(t, KIND_TYPE, type, NULL);
	*size_ret = a->size;
	return NULL;
}

struct lkdb_error *ktypes_member(struct ktypes *t, const char *type,
				 const char *member, uint64_t *offset_ret,
				 uint64_t *size_ret)
{
	if (!member || !*member)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "ktypes_member(%s): no member given",
					 type);
	const struct answer *a;
	struct lkdb_error *err = answer_get(t, KIND_TYPE, type, member, &a);
	if (err)
		return err;
	if (!a->found)
		return not_found(t, KIND_TYPE, type, member);
	*offset_ret = a->offset;
	if (size_ret)
		*size_ret = a->size;
	return NULL;
}

struct lkdb_error *ktypes_bitfield(struct ktypes *t, const char *type,
				   const char *member, uint64_t *bit_offset_ret,
				   uint64_t *bit_size_ret)
{
	if (!member || !*member)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "ktypes_bitfield(%s): no member given",
					 type);
	const struct answer *a;
	struct lkdb_error *err = answer_get(t, KIND_TYPE, type, member, &a);
	if (err)
		return err;
	if (!a->found)
		return not_found(t, KIND_TYPE, type, member);
	if (a->bitfield) {
		*bit_offset_ret = a->bit_offset;
		*bit_size_ret = a->bit_size;
	} else {
		*bit_offset_ret = 8 * a->offset;
		*bit_size_ret = 8 * a->size;
	}
	return NULL;
}

struct lkdb_error *ktypes_var_member(struct ktypes *t, const char *variable,
				     const char *member, uint64_t *offset_ret,
				     uint64_t *size_ret)
{
	const struct answer *a;
	struct lkdb_error *err = answer_get(t, KIND_VAR, variable, member, &a);
	if (err)
		return err;
	if (!a->found)
		return not_found(t, KIND_VAR, variable, member);
	*offset_ret = a->offset;
	if (size_ret)
		*size_ret = a->size;
	return NULL;
}

bool ktypes_has_member(struct ktypes *t, const char *type, const char *member)
{
	uint64_t offset;
	struct lkdb_error *err = ktypes_member(t, type, member, &offset, NULL);
	lkdb_error_destroy(err);
	return !err;
}

struct lkdb_error *ktypes_unit_has_function(struct ktypes *t, uint64_t addr,
					    const char *name, bool *ret)
{
	char *key;
	if (asprintf(&key, "fn:%s@%" PRIx64, name, addr) < 0)
		return &lkdb_error_oom;
	struct lkdb_error *err = NULL;
	struct answer *a = lookup_answer(t, key);
	if (a) {
		*ret = a->found;
		goto out;
	}
	if (!t->vmlinux_path) {
		*ret = false;
		goto out;
	}
	err = open_dwarf(t);
	if (err)
		goto out;
	double t0 = lkdb_now_seconds();
	Dwarf_Die cudie, die;
	if (!dwarf_addrdie(t->dw, addr, &cudie)) {
		err = dwarf_error("no DWARF unit covers address 0x%" PRIx64 " in %s",
				  addr, t->vmlinux_path);
		goto out;
	}
	bool found = false;
	if (dwarf_child(&cudie, &die) == 0) {
		do {
			if (dwarf_tag(&die) != DW_TAG_subprogram)
				continue;
			const char *n = dwarf_diename(&die);
			if (n && !strcmp(n, name)) {
				found = true;
				break;
			}
		} while (dwarf_siblingof(&die, &die) == 0);
	}
	t->stats.dwarf_seconds += lkdb_now_seconds() - t0;
	struct answer answer = { .found = found };
	err = record(t, key, &answer);
	if (!err)
		*ret = found;
out:
	free(key);
	return err;
}

/*
 * An enum's signedness, for its enumerators' data1..data8 values (whose
 * meaning DWARF leaves to the type): ENUM_SIGNED when its underlying type
 * is a signed base type, else ENUM_UNSIGNED (6.12's enum pagetype holds
 * 0xf5, which read as signed would be -11).  The index's rank keeps it.
 */
#define ENUM_SIGNED 1
#define ENUM_UNSIGNED 2
static uint8_t enum_signedness(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Die type;
	Dwarf_Word enc;
	for (int i = 0; i < 8 && dwarf_attr(die, DW_AT_type, &attr) &&
			dwarf_formref_die(&attr, &type); i++) {
		if (dwarf_tag(&type) == DW_TAG_base_type) {
			if (dwarf_attr(&type, DW_AT_encoding, &attr) &&
			    dwarf_formudata(&attr, &enc) == 0 &&
			    (enc == DW_ATE_signed || enc == DW_ATE_signed_char))
				return ENUM_SIGNED;
			return ENUM_UNSIGNED;
		}
		*die = type;
	}
	return ENUM_UNSIGNED;
}

/*
 * Index the enumerators of the next unit's top-level enumeration types.
 * A walk separate from walk_one_unit's: enumerators are children of their
 * type, some ten times the top-level DIEs, and most lookups never need
 * them; the ones lkdb reads (mmzone.h's stat items, ...) are in headers
 * that the first units include.
 */
static struct lkdb_error *walk_one_unit_enums(struct ktypes *t)
{
	Dwarf_Die die, child;
	bool more;
	struct lkdb_error *err = next_unit(t, &t->enum_cursor,
					   &t->enum_walked_all, &die, &more);
	if (err || !more)
		return err;
	do {
		t->stats.dies_scanned++;
		if (dwarf_tag(&die) != DW_TAG_enumeration_type ||
		    dwarf_child(&die, &child) != 0)
			continue;
		uint8_t sign = enum_signedness(&die);
		do {
			const char *name = dwarf_diename(&child);
			if (dwarf_tag(&child) != DW_TAG_enumerator || !name)
				continue;
			err = index_add(t, name, KIND_ENUM, sign,
					dwarf_dieoffset(&child));
			if (err)
				return err;
		} while (dwarf_siblingof(&child, &child) == 0);
	} while (dwarf_siblingof(&die, &die) == 0);
	return NULL;
}

struct lkdb_error *ktypes_enumerator(struct ktypes *t, const char *name,
				     int64_t *value_ret)
{
	char *key;
	if (asprintf(&key, "enum:%s", name) < 0)
		return &lkdb_error_oom;
	struct lkdb_error *err = NULL;
	struct answer *a = lookup_answer(t, key);
	if (a)
		goto answer;
	if (!t->vmlinux_path)
		goto answer;
	if ((err = open_dwarf(t)))
		goto out;
	double t0 = lkdb_now_seconds();
	struct index_slot *s;
	while (!(s = index_find(t, name, KIND_ENUM)) && !t->enum_walked_all &&
	       !(err = walk_one_unit_enums(t)))
		;
	t->stats.dwarf_seconds += lkdb_now_seconds() - t0;
	if (err)
		goto out;
	struct answer computed = { 0 };
	Dwarf_Die die;
	Dwarf_Attribute attr;
	Dwarf_Sword value;
	if (s) {
		Dwarf_Word uvalue;
		bool is_signed = s->rank == ENUM_SIGNED ||
				 (dwarf_offdie(t->dw, s->off, &die) &&
				  dwarf_attr(&die, DW_AT_const_value, &attr) &&
				  dwarf_whatform(&attr) == DW_FORM_sdata);
		if (!dwarf_offdie(t->dw, s->off, &die) ||
		    !dwarf_attr(&die, DW_AT_const_value, &attr) ||
		    (is_signed ? dwarf_formsdata(&attr, &value) :
				 dwarf_formudata(&attr, &uvalue)) != 0) {
			err = dwarf_error("reading the value of enumerator %s in %s",
					  name, t->vmlinux_path);
			goto out;
		}
		computed.found = true;
		computed.offset = is_signed ? (uint64_t)value : (uint64_t)uvalue;
	}
	if ((err = record(t, key, &computed)))
		goto out;
	a = answer_find(t, key);
answer:
	if (!a || !a->found)
		err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					"no enumerator %s in %s", name,
					source_name(t));
	else
		*value_ret = (int64_t)a->offset;
out:
	free(key);
	return err;
}

struct lkdb_error *ktypes_enumerators_from(struct ktypes *t, const char *first,
					   size_t max, char ***names_ret,
					   int64_t **values_ret, size_t *n_ret)
{
	*names_ret = NULL;
	*values_ret = NULL;
	*n_ret = 0;
	if (!t->vmlinux_path)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no enumerator list without the vmlinux's DWARF (%s)",
					 source_name(t));
	struct lkdb_error *err = open_dwarf(t);
	if (err)
		return err;
	double t0 = lkdb_now_seconds();
	struct index_slot *s;
	while (!(s = index_find(t, first, KIND_ENUM)) && !t->enum_walked_all &&
	       !(err = walk_one_unit_enums(t)))
		;
	t->stats.dwarf_seconds += lkdb_now_seconds() - t0;
	if (err)
		return err;
	Dwarf_Die die;
	if (!s || !dwarf_offdie(t->dw, s->off, &die))
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no enumerator %s in %s", first,
					 source_name(t));
	char **names = calloc(max, sizeof(*names));
	int64_t *values = calloc(max, sizeof(*values));
	size_t n = 0;
	if (!names || !values)
		err = &lkdb_error_oom;
	do {
		Dwarf_Attribute attr;
		Dwarf_Sword v;
		const char *name = dwarf_diename(&die);
		if (dwarf_tag(&die) != DW_TAG_enumerator || !name)
			continue;
		if (!dwarf_attr(&die, DW_AT_const_value, &attr) ||
		    dwarf_formsdata(&attr, &v) != 0) {
			err = dwarf_error("reading the value of enumerator %s in %s",
					  name, t->vmlinux_path);
			break;
		}
		if (!(names[n] = strdup(name))) {
			err = &lkdb_error_oom;
			break;
		}
		values[n++] = v;
	} while (!err && n < max && dwarf_siblingof(&die, &die) == 0);
	if (err) {
		for (size_t i = 0; names && i < n; i++)
			free(names[i]);
		free(names);
		free(values);
		return err;
	}
	*names_ret = names;
	*values_ret = values;
	*n_ret = n;
	return NULL;
}

struct lkdb_error *ktypes_field(struct ktypes *t, const char *type,
				const char *path, uint64_t struct_size,
				struct ktypes_field *ret)
{
	struct lkdb_error *err = ktypes_member(t, type, path, &ret->offset,
					       &ret->size);
	if (err)
		return err;
	if ((ret->size != 1 && ret->size != 2 && ret->size != 4 &&
	     ret->size != 8) || ret->offset > struct_size ||
	    ret->size > struct_size - ret->offset)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s.%s: unexpected layout (offset %" PRIu64 ", size %" PRIu64 " in %" PRIu64 " bytes)",
					 type, path, ret->offset, ret->size,
					 struct_size);
	return NULL;
}

struct lkdb_error *ktypes_field_optional(struct ktypes *t, const char *type,
					 const char *path, uint64_t struct_size,
					 struct ktypes_field *ret, bool *present)
{
	struct lkdb_error *err = ktypes_field(t, type, path, struct_size, ret);
	*present = !err;
	if (err && err->code == LKDB_ERROR_NOT_FOUND) {
		lkdb_error_destroy(err);
		return NULL;
	}
	return err;
}

struct lkdb_error *ktypes_field_variant(struct ktypes *t, const char *type,
					const char *const *paths,
					uint64_t struct_size,
					struct ktypes_field *ret,
					unsigned int *which_ret)
{
	size_t len = 0;
	for (unsigned int i = 0; paths[i]; i++) {
		bool present;
		struct lkdb_error *err = ktypes_field_optional(
			t, type, paths[i], struct_size, ret, &present);
		if (err || present) {
			*which_ret = i;
			return err;
		}
		len += strlen(paths[i]) + 2;
	}
	char *names = calloc(1, len + 1);
	for (unsigned int i = 0; names && paths[i]; i++) {
		strcat(names, i ? ", " : "");
		strcat(names, paths[i]);
	}
	struct lkdb_error *err = lkdb_error_create(
		LKDB_ERROR_NOT_FOUND, "struct %s has none of %s", type,
		names ? names : "the members looked for");
	free(names);
	return err;
}

struct lkdb_error *ktypes_size_within(struct ktypes *t, const char *type,
				      uint64_t max, uint64_t *size_ret)
{
	struct lkdb_error *err = ktypes_size(t, type, size_ret);
	if (err)
		return err;
	if (*size_ret == 0 || *size_ret > max)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "struct %s: unexpected size %" PRIu64,
					 type, *size_ret);
	return NULL;
}
