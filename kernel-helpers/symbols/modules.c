// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/symbols/modules.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/addrset.h"
#include "kernel-helpers/core/kernel.h"
#include "common/printable.h"
#include "kernel-helpers/core/vmlinux.h"

/* sizeof(struct module) is ~1.3 KiB on 6.1; more is not a struct module. */
#define MODULE_STRUCT_MAX (64 * 1024)
#define SECT_NAME_MAX 256

const char *kmodule_state_name(unsigned int state)
{
	switch (state) {
	case KMODULE_LIVE:
		return "Live";
	case KMODULE_COMING:
		return "Loading";
	case KMODULE_GOING:
		return "Unloading";
	case KMODULE_UNFORMED:
		return "Unformed";
	default:
		return "?";
	}
}

bool kmodule_name_equal(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

uint64_t kmodule_section_address(const struct kmodule *m, const char *name)
{
	for (size_t i = 0; i < m->nr_sections; i++) {
		if (m->sections[i].name && !strcmp(m->sections[i].name, name))
			return m->sections[i].address;
	}
	return 0;
}

void kmodule_sections_free(struct kmodule *m)
{
	for (size_t i = 0; i < m->nr_sections; i++)
		free(m->sections[i].name);
	free(m->sections);
	m->sections = NULL;
	m->nr_sections = 0;
}

void kmodule_list_destroy(struct kmodule_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->nr_modules; i++)
		kmodule_sections_free(&list->modules[i]);
	free(list->modules);
	lkdb_warnings_free(list->warnings, list->nr_warnings);
	free(list);
}

static struct lkdb_error *warn(struct kmodule_list *list, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct lkdb_error *warn(struct kmodule_list *list, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct lkdb_error *err = lkdb_warning_vappend(&list->warnings,
						      &list->nr_warnings, fmt,
						      ap);
	va_end(ap);
	return err;
}

/* ---- layouts ---- */

/* include/linux/module.h: enum mod_mem_type (6.4+). */
enum {
	MOD_TEXT,
	MOD_DATA,
	MOD_RODATA,
	MOD_RO_AFTER_INIT,
	MOD_INIT_TEXT,
	MOD_INIT_DATA,
	MOD_INIT_RODATA,
	MOD_MEM_TYPES,
};

struct module_layout {
	enum kmodule_layout kind;
	uint64_t size;
	struct ktypes_field list_next, name, state, refcnt, sect_attrs;
	bool has_refcnt, has_sect_attrs;
	/* MEMORY: mem[] */
	uint64_t mem_offset, mem_stride;
	unsigned int mem_count;
	struct ktypes_field mem_base, mem_size;	/* within struct module_memory */
	/* LAYOUT and LEGACY */
	struct ktypes_field core_base, core_size, text_size, init_size;
	struct ktypes_field init_base;
	struct ktypes_field data_base, data_size;	/* LAYOUT: data_layout */
	bool has_data_layout;
};

static struct lkdb_error *module_layout(struct ktypes *types,
					struct module_layout *l)
{
	memset(l, 0, sizeof(*l));
	struct lkdb_error *err = ktypes_size_within(types, "module", MODULE_STRUCT_MAX,
					     &l->size);
	if (!err)
		err = ktypes_field(types, "module", "list.next", l->size,
			     &l->list_next);
	if (!err)
		err = ktypes_member(types, "module", "name", &l->name.offset,
				    &l->name.size);
	if (err)
		return err;
	if (!l->name.size || l->name.offset + l->name.size > l->size)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "module.name: unexpected layout");
	err = ktypes_field(types, "module", "state", l->size, &l->state);
	if (!err)
		err = ktypes_field_optional(types, "module", "refcnt", l->size,
				      &l->refcnt, &l->has_refcnt);
	if (!err)
		err = ktypes_field_optional(types, "module", "sect_attrs", l->size,
				      &l->sect_attrs, &l->has_sect_attrs);
	if (err)
		return err;

	/* 6.4+ (ac3b43283923): struct module_memory mem[MOD_MEM_NUM_TYPES]. */
	uint64_t mem_size = 0;
	err = ktypes_member(types, "module", "mem", &l->mem_offset, &mem_size);
	if (!err) {
		l->kind = KMODULE_LAYOUT_MEMORY;
		err = ktypes_size_within(types, "module_memory", 4096, &l->mem_stride);
		if (!err)
			err = ktypes_field(types, "module_memory", "base",
				     l->mem_stride, &l->mem_base);
		if (!err)
			err = ktypes_field(types, "module_memory", "size",
				     l->mem_stride, &l->mem_size);
		if (err)
			return err;
		l->mem_count = mem_size / l->mem_stride;
		if (l->mem_count < MOD_INIT_TEXT ||
		    l->mem_offset + mem_size > l->size)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "module.mem: unexpected layout (%" PRIu64 " bytes of %" PRIu64 "-byte module_memory)",
						 mem_size, l->mem_stride);
		if (l->mem_count > MOD_MEM_TYPES)
			l->mem_count = MOD_MEM_TYPES;
		return NULL;
	}
	if (err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	lkdb_error_destroy(err);

	/* 4.5 - 6.3 (7523e4dc5057): struct module_layout core_layout. */
	bool present;
	err = ktypes_field_optional(types, "module", "core_layout.base", l->size,
			      &l->core_base, &present);
	if (err)
		return err;
	if (present) {
		l->kind = KMODULE_LAYOUT_LAYOUT;
		err = ktypes_field(types, "module", "core_layout.size", l->size,
			     &l->core_size);
		if (!err)
			err = ktypes_field(types, "module", "core_layout.text_size",
				     l->size, &l->text_size);
		if (!err)
			err = ktypes_field(types, "module", "init_layout.size",
				     l->size, &l->init_size);
		if (!err)
			err = ktypes_field(types, "module", "init_layout.base",
				     l->size, &l->init_base);
		/*
		 * CONFIG_ARCH_WANTS_MODULES_DATA_IN_VMALLOC (6.2, "module:
		 * Add CONFIG_ARCH_WANTS_MODULES_DATA_IN_VMALLOC"; not x86):
		 * data apart from the core, counted with it.
		 */
		if (!err)
			err = ktypes_field_optional(types, "module",
					      "data_layout.size", l->size,
					      &l->data_size,
					      &l->has_data_layout);
		if (!err && l->has_data_layout)
			err = ktypes_field(types, "module", "data_layout.base",
				     l->size, &l->data_base);
		return err;
	}

	/* Before 4.5. */
	l->kind = KMODULE_LAYOUT_LEGACY;
	err = ktypes_field(types, "module", "module_core", l->size, &l->core_base);
	if (!err)
		err = ktypes_field(types, "module", "core_size", l->size,
			     &l->core_size);
	if (!err)
		err = ktypes_field(types, "module", "core_text_size", l->size,
			     &l->text_size);
	if (!err)
		err = ktypes_field(types, "module", "init_size", l->size,
			     &l->init_size);
	if (!err)
		err = ktypes_field(types, "module", "module_init", l->size,
			     &l->init_base);
	if (err && err->code == LKDB_ERROR_NOT_FOUND)
		return lkdb_error_prefix(err, "struct module has none of mem, core_layout, module_core");
	return err;
}

/*
 * Module and section names are printable ASCII without spaces (module
 * names come from file names, section names from ELF).  Other bytes mean
 * corrupt memory; they become '?', so that a name never ends a message's
 * line, drives the terminal or splits a gdb command.  Returns whether a
 * byte was replaced.
 */
static bool printable_name(char *s)
{
	return lkdb_printable(s, s, SIZE_MAX, " ");
}

/*
 * A region of memory the module has now; the kernel empties a freed one
 * (do_init_module() sets init_layout's or mem[MOD_INIT_*]'s base and size
 * to 0 once init has run).
 */
static void add_region(struct kmodule *m, uint64_t base, uint64_t size,
		       bool init)
{
	if (!base || !size || m->nr_regions == KMODULE_REGIONS_MAX)
		return;
	m->regions[m->nr_regions++] =
		(struct kmodule_region){ base, size, init };
}

/* Returns whether the name had to be made printable. */
static bool decode_module(const struct module_layout *l,
			  const unsigned char *p, uint64_t addr,
			  struct kmodule *m)
{
	memset(m, 0, sizeof(*m));
	m->addr = addr;
	size_t n = l->name.size < sizeof(m->name) - 1 ?
		l->name.size : sizeof(m->name) - 1;
	memcpy(m->name, p + l->name.offset, n);
	m->name[n] = '\0';
	bool replaced = printable_name(m->name);
	m->state = ktypes_field_get(p, l->state);
	m->refcount = l->has_refcnt ?
		(long)(int32_t)ktypes_field_get(p, l->refcnt) - 1 : -1;
	if (l->has_sect_attrs)
		m->sect_attrs = ktypes_field_get(p, l->sect_attrs);
	if (l->kind == KMODULE_LAYOUT_MEMORY) {
		for (unsigned int i = 0; i < l->mem_count; i++) {
			const unsigned char *mm = p + l->mem_offset +
						  i * l->mem_stride;
			uint64_t base = ktypes_field_get(mm, l->mem_base);
			uint64_t size = ktypes_field_get(mm, l->mem_size);
			if (i == MOD_TEXT) {
				m->text_base = base;
				m->text_size = size;
			}
			if (i < MOD_INIT_TEXT)
				m->core_size += size;
			else
				m->init_size += size;
			add_region(m, base, size, i >= MOD_INIT_TEXT);
		}
		return replaced;
	}
	m->text_base = ktypes_field_get(p, l->core_base);
	m->text_size = ktypes_field_get(p, l->text_size);
	m->core_size = ktypes_field_get(p, l->core_size);
	add_region(m, m->text_base, m->core_size, false);
	if (l->has_data_layout) {
		uint64_t size = ktypes_field_get(p, l->data_size);
		m->core_size += size;
		add_region(m, ktypes_field_get(p, l->data_base), size, false);
	}
	m->init_size = ktypes_field_get(p, l->init_size);
	add_region(m, ktypes_field_get(p, l->init_base), m->init_size, true);
	return replaced;
}

const struct kmodule_region *kmodule_region_at(const struct kmodule *m,
					       uint64_t addr)
{
	for (unsigned int i = 0; i < m->nr_regions; i++) {
		const struct kmodule_region *r = &m->regions[i];
		if (addr >= r->base && addr - r->base < r->size)
			return r;
	}
	return NULL;
}

struct lkdb_error *kmodules_read(const struct kernel_memory_reader *mem,
				 uint64_t modules_sym, uint64_t kaslr_offset,
				 struct ktypes *types,
				 struct kmodule_list **ret)
{
	*ret = NULL;
	if (!modules_sym)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no symbol modules (a kernel without CONFIG_MODULES?)");
	struct module_layout l;
	struct lkdb_error *err = module_layout(types, &l);
	if (err)
		return err;
	uint64_t list_offset;
	err = ktypes_member(types, "module", "list", &list_offset, NULL);
	if (err)
		return err;

	struct kmodule_list *list = calloc(1, sizeof(*list));
	unsigned char *buf = malloc(l.size);
	struct addr_set seen = { 0 };
	if (!list || !buf) {
		free(list);
		free(buf);
		return &lkdb_error_oom;
	}
	list->layout = l.kind;
	size_t cap = 0;

	uint64_t head = modules_sym + kaslr_offset, next;
	unsigned char raw[8];
	err = mem->read(mem->context, head, raw, sizeof(raw));
	list->reads++;
	if (err) {
		err = lkdb_error_prefix(err, "reading the modules list head at 0x%" PRIx64,
					head);
		goto fail;
	}
	list->bytes_read += sizeof(raw);
	next = ktypes_field_get(raw, (struct ktypes_field){ 0, 8 });

	while (next != head) {
		if (list->nr_modules >= KMODULES_MAX) {
			err = warn(list, "more than %d modules: list walk stopped",
				   KMODULES_MAX);
			break;
		}
		if (!next || next < list_offset) {
			err = warn(list, "bad list pointer 0x%" PRIx64 " after %zu modules: list walk stopped",
				   next, list->nr_modules);
			break;
		}
		int added = addr_set_add(&seen, next);
		if (added < 0) {
			err = &lkdb_error_oom;
			break;
		}
		if (!added) {
			err = warn(list, "the modules list loops back to 0x%" PRIx64 " after %zu modules: list walk stopped",
				   next - list_offset, list->nr_modules);
			break;
		}
		uint64_t addr = next - list_offset;
		struct lkdb_error *e = mem->read(mem->context, addr, buf,
						 l.size);
		list->reads++;
		if (e) {
			err = warn(list, "cannot read struct module at 0x%" PRIx64 " (%s): list walk stopped",
				   addr, e->message);
			lkdb_error_destroy(e);
			break;
		}
		list->bytes_read += l.size;
		if (list->nr_modules == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct kmodule *grown = realloc(list->modules,
							ncap * sizeof(*grown));
			if (!grown) {
				err = &lkdb_error_oom;
				break;
			}
			list->modules = grown;
			cap = ncap;
		}
		struct kmodule *m = &list->modules[list->nr_modules++];
		if (decode_module(&l, buf, addr, m)) {
			err = warn(list, "struct module at 0x%" PRIx64 ": its name has bytes that are not printable (shown as '?'): \"%s\"",
				   addr, m->name);
			if (err)
				break;
		}
		next = ktypes_field_get(buf, l.list_next);
	}
	if (err)
		goto fail;
	free(buf);
	addr_set_deinit(&seen);
	*ret = list;
	return NULL;
fail:
	free(buf);
	addr_set_deinit(&seen);
	kmodule_list_destroy(list);
	return err;
}

/* ---- sections ---- */

static struct lkdb_error *counted_read(const struct kernel_memory_reader *mem,
				       uint64_t addr, void *buf, size_t len,
				       unsigned int *reads)
{
	if (reads)
		(*reads)++;
	return mem->read(mem->context, addr, buf, len);
}

/*
 * A section's name: a NUL-terminated string of at most SECT_NAME_MAX - 1
 * bytes, made printable: one read up to the end of the page (names are
 * small kmalloc'd strings), more only if it goes on.
 */
static struct lkdb_error *read_string(const struct kernel_memory_reader *mem,
				      uint64_t addr, unsigned int *reads,
				      char **ret)
{
	char buf[SECT_NAME_MAX];
	size_t have = 0;
	while (have < sizeof(buf) - 1) {
		uint64_t a = addr + have;
		size_t n = 4096 - (a & 4095);
		if (n > 64)
			n = 64;
		if (n > sizeof(buf) - 1 - have)
			n = sizeof(buf) - 1 - have;
		struct lkdb_error *err = counted_read(mem, a, buf + have, n,
						      reads);
		if (err)
			return err;
		void *nul = memchr(buf + have, '\0', n);
		have += n;
		if (nul)
			break;
	}
	buf[have < sizeof(buf) ? have : sizeof(buf) - 1] = '\0';
	printable_name(buf);
	*ret = strdup(buf);
	return *ret ? NULL : &lkdb_error_oom;
}

struct sect_layout {
	bool bare;			/* 6.14+: attrs[] of bin_attribute */
	uint64_t attrs_offset, stride;
	struct ktypes_field nsections;		/* up to 6.13 */
	struct ktypes_field bin_attrs;		/* 6.14+: grp.bin_attrs */
	struct ktypes_field name, address;	/* within one attrs[] element */
};

static struct lkdb_error *sect_layout(struct ktypes *types,
				      struct sect_layout *l)
{
	memset(l, 0, sizeof(*l));
	uint64_t size;
	struct lkdb_error *err = ktypes_size_within(types, "module_sect_attrs",
					     1 << 20, &size);
	if (err)
		return err;
	/*
	 * attrs[] is a flexible array, which has no size in the DWARF (ktypes
	 * cannot give it, nor cache the failure); it starts at the struct's
	 * size: its elements hold pointers, as aligned as the struct itself.
	 */
	l->attrs_offset = size;
	bool present;
	err = ktypes_field_optional(types, "module_sect_attrs", "nsections", size,
			      &l->nsections, &present);
	if (err)
		return err;
	if (present) {
		err = ktypes_size_within(types, "module_sect_attr", 4096, &l->stride);
		if (!err)
			err = ktypes_field(types, "module_sect_attr", "address",
				     l->stride, &l->address);
		if (err)
			return err;
		/* 5.8+ (ed66f991bb19): battr; before: a name of its own. */
		err = ktypes_field_optional(types, "module_sect_attr",
				      "battr.attr.name", l->stride, &l->name,
				      &present);
		if (!err && !present)
			err = ktypes_field(types, "module_sect_attr", "name",
				     l->stride, &l->name);
		return err;
	}
	/* 6.14+ (d8959b947a8d and its series). */
	l->bare = true;
	err = ktypes_field(types, "module_sect_attrs", "grp.bin_attrs", size,
		     &l->bin_attrs);
	if (!err)
		err = ktypes_size_within(types, "bin_attribute", 4096, &l->stride);
	if (!err)
		err = ktypes_field(types, "bin_attribute", "attr.name", l->stride,
			     &l->name);
	if (!err)
		err = ktypes_field(types, "bin_attribute", "private", l->stride,
			     &l->address);
	return err;
}

struct lkdb_error *kmodule_read_sections(const struct kernel_memory_reader *mem,
					 struct ktypes *types,
					 struct kmodule *m,
					 unsigned int *reads_ret)
{
	kmodule_sections_free(m);
	if (!m->sect_attrs)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "module %s has no section attributes (sect_attrs)",
					 m->name);
	struct sect_layout l;
	struct lkdb_error *err = sect_layout(types, &l);
	if (err)
		return lkdb_error_prefix(err, "module sections");

	uint64_t count = 0;
	if (!l.bare) {
		unsigned char raw[8];
		err = counted_read(mem, m->sect_attrs + l.nsections.offset, raw,
				   l.nsections.size, reads_ret);
		if (err)
			goto read_fail;
		count = ktypes_field_get(raw, (struct ktypes_field){ 0, l.nsections.size });
	} else {
		/* Count the NULL-terminated grp.bin_attrs, a chunk at a time. */
		unsigned char raw[8];
		err = counted_read(mem, m->sect_attrs + l.bin_attrs.offset, raw,
				   8, reads_ret);
		if (err)
			goto read_fail;
		uint64_t array = ktypes_field_get(raw, (struct ktypes_field){ 0, 8 });
		unsigned char chunk[64 * 8];
		bool end = !array;
		while (!end && count < KMODULE_SECTIONS_MAX) {
			err = counted_read(mem, array + 8 * count, chunk,
					   sizeof(chunk), reads_ret);
			if (err)
				goto read_fail;
			for (size_t i = 0; i < sizeof(chunk) / 8; i++) {
				if (!ktypes_field_get(chunk, (struct ktypes_field){ 8 * i, 8 })) {
					end = true;
					break;
				}
				count++;
			}
		}
	}
	if (count >= KMODULE_SECTIONS_MAX)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "module %s: %" PRIu64 " sections is too many (corrupt sect_attrs at 0x%" PRIx64 ")",
					 m->name, count, m->sect_attrs);
	if (!count)
		return NULL;
	unsigned char *buf = malloc(count * l.stride);
	struct kmodule_section *sections = calloc(count, sizeof(*sections));
	if (!buf || !sections) {
		free(buf);
		free(sections);
		return &lkdb_error_oom;
	}
	err = counted_read(mem, m->sect_attrs + l.attrs_offset, buf,
			   count * l.stride, reads_ret);
	if (err) {
		free(buf);
		free(sections);
		goto read_fail;
	}
	m->sections = sections;
	for (uint64_t i = 0; i < count; i++) {
		const unsigned char *e = buf + i * l.stride;
		uint64_t name = ktypes_field_get(e, l.name);
		sections[i].address = ktypes_field_get(e, l.address);
		err = read_string(mem, name, reads_ret, &sections[i].name);
		if (err) {
			err = lkdb_error_prefix(err, "module %s: name of section %" PRIu64 " at 0x%" PRIx64,
						m->name, i, name);
			break;
		}
		m->nr_sections++;
	}
	free(buf);
	if (err)
		kmodule_sections_free(m);
	return err;
read_fail:
	return lkdb_error_prefix(err, "module %s: reading sect_attrs at 0x%" PRIx64,
				 m->name, m->sect_attrs);
}

/* A member some kernels lack: *present false then, other errors returned. */
static struct lkdb_error *optional_member(struct ktypes *types,
					  const char *member, uint64_t *off,
					  uint64_t *size, bool *present)
{
	struct lkdb_error *err = ktypes_member(types, "module", member, off,
					       size);
	*present = !err;
	if (err && err->code == LKDB_ERROR_NOT_FOUND) {
		lkdb_error_destroy(err);
		err = NULL;
	}
	return err;
}

static struct lkdb_error *read_srcversion(const struct kernel_memory_reader *mem,
					  struct ktypes *types,
					  const struct kmodule *m, char **ret)
{
	uint64_t off, size;
	bool present;
	struct lkdb_error *err = optional_member(types, "srcversion", &off,
						 &size, &present);
	if (err || !present)
		return err;
	if (size != 8)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "module.srcversion has %" PRIu64 " bytes",
					 size);
	unsigned char raw[8];
	err = mem->read(mem->context, m->addr + off, raw, 8);
	uint64_t str = err ? 0 : ktypes_field_get(raw, (struct ktypes_field){ 0, 8 });
	if (str)
		err = read_string(mem, str, NULL, ret);
	return err ? lkdb_error_prefix(err, "module %s: srcversion", m->name) :
		     NULL;
}

static struct lkdb_error *read_build_id(const struct kernel_memory_reader *mem,
					struct ktypes *types,
					const struct kmodule *m, char **ret)
{
	uint64_t off, size;
	bool present;
	struct lkdb_error *err = optional_member(types, "build_id", &off,
						 &size, &present);
	if (err || !present)
		return err;
	unsigned char id[64];
	if (!size || size > sizeof(id))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "module.build_id has %" PRIu64 " bytes",
					 size);
	err = mem->read(mem->context, m->addr + off, id, size);
	if (err)
		return lkdb_error_prefix(err, "module %s: build_id", m->name);
	/* All zero: the module had no build id note. */
	bool any = false;
	for (uint64_t i = 0; i < size; i++)
		any |= id[i] != 0;
	if (!any)
		return NULL;
	char *hex = malloc(2 * size + 1);
	if (!hex)
		return &lkdb_error_oom;
	for (uint64_t i = 0; i < size; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	*ret = hex;
	return NULL;
}

struct lkdb_error *kmodule_read_identity(const struct kernel_memory_reader *mem,
					 struct ktypes *types,
					 const struct kmodule *m,
					 char **srcversion_ret,
					 char **build_id_ret)
{
	*srcversion_ret = *build_id_ret = NULL;
	struct lkdb_error *err = read_srcversion(mem, types, m,
						 srcversion_ret);
	if (!err)
		err = read_build_id(mem, types, m, build_id_ret);
	if (err) {
		free(*srcversion_ret);
		*srcversion_ret = NULL;
	}
	return err;
}

/* The list head of loaded modules is in module/main.c, CONFIG_MODULES. */
#define NO_MODULES "built without CONFIG_MODULES?"

bool kernel_has_modules(const struct kernel *k)
{
	uint64_t modules_sym;
	struct lkdb_error *err = kernel_need_symbol(k, "modules", NO_MODULES,
						    &modules_sym);
	lkdb_error_destroy(err);
	return !err;
}

struct lkdb_error *kernel_read_modules(struct kernel *k,
				       struct kmodule_list **ret)
{
	struct ktypes *types;
	struct lkdb_error *err = kernel_types(k, &types);
	if (err)
		return err;
	uint64_t modules_sym = 0;
	err = kernel_need_symbol(k, "modules", NO_MODULES, &modules_sym);
	if (err)
		return err;
	return kmodules_read(kernel_memory(k), modules_sym, k->kaslr_offset,
			     types, ret);
}
