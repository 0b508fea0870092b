// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/symbols/modsyms.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define ELF64_SYM_SIZE 24
#define NAME_MAX_LEN 256

enum { STT_NOTYPE_ = 0, STT_OBJECT_ = 1, STT_FUNC_ = 2 };

static uint64_t get_le(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static int compare_syms(const void *a, const void *b)
{
	const struct modsym *x = a, *y = b;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	/* Sized symbols first among equals. */
	return (x->size == 0) - (y->size == 0);
}

void modsyms_destroy(struct modsyms *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nr; i++)
		free(m->syms[i].name);
	free(m->syms);
	free(m);
}

static struct lkdb_error *read_member(const struct kernel_memory_reader *mem,
				      struct ktypes *types, const char *type,
				      const char *member, uint64_t base,
				      uint64_t *ret)
{
	uint64_t off, size;
	struct lkdb_error *err = ktypes_member(types, type, member, &off,
					       &size);
	if (err)
		return err;
	if (size != 4 && size != 8)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s.%s has an unexpected size %" PRIu64,
					 type, member, size);
	unsigned char b[8];
	err = mem->read(mem->context, base + off, b, size);
	if (err)
		return err;
	*ret = get_le(b, size);
	return NULL;
}

/* Read the NUL-terminated name at addr (at most NAME_MAX_LEN - 1 bytes). */
static char *read_name(const struct kernel_memory_reader *mem, uint64_t addr)
{
	char buf[NAME_MAX_LEN];
	size_t len = sizeof(buf) - 1;
	struct lkdb_error *err;
	/* Shorter reads near the end of a mapping. */
	while ((err = mem->read(mem->context, addr, buf, len)) != NULL) {
		lkdb_error_destroy(err);
		if (len <= 16)
			return NULL;
		len /= 2;
	}
	buf[len] = '\0';
	return strdup(buf);
}

struct lkdb_error *modsyms_read(const struct kernel_memory_reader *mem,
				struct ktypes *types, const char *module_name,
				uint64_t module_addr, struct modsyms **ret)
{
	uint64_t kallsyms, symtab, num, strtab;
	struct lkdb_error *err = read_member(mem, types, "module", "kallsyms",
					     module_addr, &kallsyms);
	if (!err && !kallsyms)
		err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					"it has no symbol table");
	if (!err)
		err = read_member(mem, types, "mod_kallsyms", "symtab",
				  kallsyms, &symtab);
	if (!err)
		err = read_member(mem, types, "mod_kallsyms", "num_symtab",
				  kallsyms, &num);
	if (!err)
		err = read_member(mem, types, "mod_kallsyms", "strtab",
				  kallsyms, &strtab);
	if (!err && num > MODSYMS_MAX)
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"implausible symbol count %" PRIu64,
					num);
	if (err)
		return lkdb_error_prefix(err, "module %s's symbols",
					 module_name);
	struct modsyms *m = calloc(1, sizeof(*m));
	unsigned char *raw = malloc(num ? num * ELF64_SYM_SIZE : 1);
	if (m)
		m->syms = calloc(num ? num : 1, sizeof(*m->syms));
	if (!m || !raw || !m->syms) {
		free(raw);
		modsyms_destroy(m);
		return &lkdb_error_oom;
	}
	if (num)
		err = mem->read(mem->context, symtab, raw, num * ELF64_SYM_SIZE);
	if (err) {
		free(raw);
		modsyms_destroy(m);
		return lkdb_error_prefix(err, "module %s's symbols",
					 module_name);
	}
	for (uint64_t i = 0; i < num; i++) {
		const unsigned char *s = raw + i * ELF64_SYM_SIZE;
		uint32_t st_name = (uint32_t)get_le(s, 4);
		unsigned int st_type = s[4] & 0xf, st_bind = s[4] >> 4;
		uint16_t shndx = (uint16_t)get_le(s + 6, 2);
		uint64_t value = get_le(s + 8, 8), size = get_le(s + 16, 8);
		if (!value || !st_name || shndx == 0 ||
		    (st_type != STT_FUNC_ && st_type != STT_OBJECT_ &&
		     st_type != STT_NOTYPE_))
			continue;
		char *name = read_name(mem, strtab + st_name);
		if (!name || !name[0]) {
			free(name);
			continue;
		}
		struct modsym *sym = &m->syms[m->nr++];
		sym->name = name;
		sym->value = value;
		sym->size = size;
		char t = st_type == STT_OBJECT_ ? 'd' : 't';
		sym->type = st_bind == 1 ? (char)(t - 'a' + 'A') : t;
	}
	free(raw);
	qsort(m->syms, m->nr, sizeof(*m->syms), compare_syms);
	*ret = m;
	return NULL;
}

const struct modsym *modsyms_lookup(const struct modsyms *m, uint64_t addr)
{
	size_t lo = 0, hi = m->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->syms[mid].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Candidates at or below addr, nearest first. */
	for (size_t i = lo; i-- > 0;) {
		const struct modsym *s = &m->syms[i];
		if (s->size ? addr < s->value + s->size :
			      (i + 1 == m->nr || addr < m->syms[i + 1].value))
			return s;
		if (s->value < addr && s->size)
			return NULL;
	}
	return NULL;
}

uint64_t modsyms_kallsyms_size(const struct modsyms *m,
			       const struct modsym *sym, uint64_t text_end)
{
	/* the first symbol above sym's value */
	size_t lo = 0, hi = m->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->syms[mid].value <= sym->value)
			lo = mid + 1;
		else
			hi = mid;
	}
	uint64_t next = lo < m->nr ? m->syms[lo].value : UINT64_MAX;
	if (text_end > sym->value && text_end < next)
		next = text_end;
	return next == UINT64_MAX ? sym->size : next - sym->value;
}

const struct modsym *modsyms_find(const struct modsyms *m, const char *name)
{
	for (size_t i = 0; i < m->nr; i++) {
		if (!strcmp(m->syms[i].name, name))
			return &m->syms[i];
	}
	return NULL;
}
