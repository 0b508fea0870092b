// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/symbols/modules.c over byte buffers: the modules
 * list with 6.1's x86_64 layout (as ktypes reads it from Debian's vmlinux),
 * 6.4+'s mem[], the pre-4.5 module_core, section attributes before and
 * after 6.14, and corrupt lists (a cycle, a bad pointer, an unreadable
 * module), which must give warnings and the modules read so far.  And a
 * module's symbols sized as the kernel's kallsyms sizes them (modsyms.h);
 * what the kernel keeps to tell a module's build (srcversion, build id),
 * module object files identified and checked against it (modfiles.h) with
 * the stand-in objects built from modfile_fixture.c.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/symbols/modfiles.h"
#include "kernel-helpers/symbols/modsyms.h"
#include "kernel-helpers/symbols/modules.h"
#include "tap.h"

/* ---- a fake kernel: regions of memory at kernel addresses ---- */

#include "fake_memory.h"
#include "walker_input.h"

static bool has_warning(const struct kmodule_list *list, const char *part)
{
	for (size_t i = 0; list && i < list->nr_warnings; i++) {
		if (strstr(list->warnings[i], part))
			return true;
	}
	return false;
}

static void show_warnings(const struct kmodule_list *list)
{
	for (size_t i = 0; list && i < list->nr_warnings; i++)
		printf("#   warning: %s\n", list->warnings[i]);
}

#define KASLR 0x1e000000ULL
#define MODULES_SYM 0xffffffff82b1c150ULL
#define HEAD (MODULES_SYM + KASLR)
#define MOD_A 0xffffffffc0489040ULL
#define MOD_B 0xffffffffc047b2c0ULL
#define MOD_C 0xffffffffc0473200ULL

/* kernel 6.1, x86_64 (as ktypes reads them from Debian's vmlinux) */
static const char layout_6_1[] =
	"module 0 896\n"
	"module.state 0 4\n"
	"module.list 8 16\n"
	"module.list.next 8 8\n"
	"module.name 24 56\n"
	"module.mem -\n"
	"module.core_layout.base 320 8\n"
	"module.core_layout.size 328 4\n"
	"module.core_layout.text_size 332 4\n"
	"module.data_layout.size -\n"
	"module.init_layout.base 400 8\n"
	"module.init_layout.size 408 4\n"
	"module.sect_attrs 584 8\n"
	"module.refcnt 856 4\n"
	"module_sect_attrs 0 48\n"
	"module_sect_attrs.nsections 40 4\n"
	"module_sect_attr 0 72\n"
	"module_sect_attr.battr.attr.name 0 8\n"
	"module_sect_attr.address 64 8\n";

/* Made up, with 6.4+'s shape: mem[7] of struct module_memory. */
static const char layout_6_4[] =
	"module 0 512\n"
	"module.state 0 4\n"
	"module.list 8 16\n"
	"module.list.next 8 8\n"
	"module.name 24 56\n"
	"module.mem 96 224\n"
	"module.refcnt 400 4\n"
	"module_memory 0 32\n"
	"module_memory.base 0 8\n"
	"module_memory.size 8 4\n";

/* Made up, before 4.5: module_core and sizes of its own. */
static const char layout_4_4[] =
	"module 0 512\n"
	"module.state 0 4\n"
	"module.list 8 16\n"
	"module.list.next 8 8\n"
	"module.name 24 56\n"
	"module.module_core 100 8\n"
	"module.core_size 108 4\n"
	"module.core_text_size 112 4\n"
	"module.init_size 116 4\n"
	"module.module_init 120 8\n";

/* Made up, 6.14+: attrs[] of bin_attribute, counted by grp.bin_attrs. */
static const char layout_6_14_sections[] =
	"module_sect_attrs 0 40\n"
	"module_sect_attrs.grp.bin_attrs 32 8\n"
	"bin_attribute 0 64\n"
	"bin_attribute.attr.name 0 8\n"
	"bin_attribute.private 48 8\n";

struct fake_module {
	uint64_t addr;
	const char *name;
	uint64_t base;
	uint32_t size, text_size;
	int32_t refcnt;
	uint32_t state;
	uint64_t sect_attrs;
};

/* A 6.1 struct module at addr, next in list after it. */
static void put_module_6_1(struct fake_memory *m, const struct fake_module *f,
			   uint64_t next)
{
	unsigned char *p = map(m, f->addr, 896);
	put(p + 0, f->state, 4);
	put(p + 8, next, 8);
	memcpy(p + 24, f->name, strlen(f->name));
	put(p + 320, f->base, 8);
	put(p + 328, f->size, 4);
	put(p + 332, f->text_size, 4);
	put(p + 584, f->sect_attrs, 8);
	put(p + 856, f->refcnt, 4);
}

static const struct fake_module mods_6_1[] = {
	{ MOD_A, "crashme", 0xffffffffc0487000ULL, 16384, 4096, 1, 0, 0 },
	{ MOD_B, "qemu_fw_cfg", 0xffffffffc0478000ULL, 20480, 4096, 1, 0, 0 },
	{ MOD_C, "fat", 0xffffffffc0461000ULL, 90112, 49152, 2, 0, 0 },
};

static struct lkdb_error *read_with(struct fake_memory *m, const char *table,
				    struct kmodule_list **ret)
{
	struct ktypes *t;
	struct lkdb_error *err = ktypes_create_from_table(table, &t);
	if (err)
		return err;
	struct kernel_memory_reader reader = { m, fake_read, NULL };
	uint64_t values[WALKER_MODULES_VALUES] = {
		[WALKER_MODULES_KASLR] = KASLR,
		[WALKER_MODULES_HEAD] = MODULES_SYM,
	};
	if (!walker_seed_save(tap_current_name, 0, table, values,
			      WALKER_MODULES_VALUES, m))
		printf("# cannot save a fuzz seed\n");
	err = kmodules_read(&reader, MODULES_SYM, KASLR, t, ret);
	ktypes_destroy(t);
	return err;
}

/* head -> A -> B -> C -> head, 6.1 layout. */
static void build_6_1(struct fake_memory *m)
{
	put(map(m, HEAD, 16), MOD_A + 8, 8);
	put_module_6_1(m, &mods_6_1[0], MOD_B + 8);
	put_module_6_1(m, &mods_6_1[1], MOD_C + 8);
	put_module_6_1(m, &mods_6_1[2], HEAD);
}

TEST(list_6_1)
{
	struct fake_memory m = { 0 };
	build_6_1(&m);
	struct kmodule_list *list = NULL;
	take_error(read_with(&m, layout_6_1, &list));
	CHECK(err_code == 0);
	show_warnings(list);
	CHECK(list && list->nr_modules == 3 && list->nr_warnings == 0);
	if (list && list->nr_modules == 3) {
		CHECK(list->layout == KMODULE_LAYOUT_LAYOUT);
		for (size_t i = 0; i < 3; i++) {
			const struct kmodule *k = &list->modules[i];
			CHECK(k->addr == mods_6_1[i].addr);
			CHECK_STR(k->name, mods_6_1[i].name);
			CHECK(k->text_base == mods_6_1[i].base);
			CHECK(k->core_size == mods_6_1[i].size);
			CHECK(k->text_size == mods_6_1[i].text_size);
			CHECK(k->refcount == mods_6_1[i].refcnt - 1);
			CHECK(k->state == KMODULE_LIVE);
			CHECK(k->init_size == 0);
			/* live: its init memory is freed, the core is all */
			CHECK(k->nr_regions == 1);
			CHECK(kmodule_region_at(k, k->text_base) != NULL);
			CHECK(kmodule_region_at(k, k->text_base +
						   k->core_size - 1) != NULL);
			CHECK(!kmodule_region_at(k, k->text_base + k->core_size));
			CHECK(!kmodule_region_at(k, k->text_base - 1));
		}
		/* the head, then each struct module in one read */
		CHECK(list->reads == 4 && m.reads == 4);
		CHECK(m.largest_read == 896);
	}
	kmodule_list_destroy(list);
	unmap_all(&m);
}

TEST(empty_list)
{
	struct fake_memory m = { 0 };
	put(map(&m, HEAD, 16), HEAD, 8);
	struct kmodule_list *list = NULL;
	take_error(read_with(&m, layout_6_1, &list));
	CHECK(err_code == 0);
	CHECK(list && list->nr_modules == 0 && list->nr_warnings == 0);
	kmodule_list_destroy(list);
	unmap_all(&m);
}

TEST(cyclic_list_stops_with_warning)
{
	struct fake_memory m = { 0 };
	/* head -> A -> B -> C -> B -> ...: never back to the head */
	put(map(&m, HEAD, 16), MOD_A + 8, 8);
	put_module_6_1(&m, &mods_6_1[0], MOD_B + 8);
	put_module_6_1(&m, &mods_6_1[1], MOD_C + 8);
	put_module_6_1(&m, &mods_6_1[2], MOD_B + 8);
	struct kmodule_list *list = NULL;
	take_error(read_with(&m, layout_6_1, &list));
	CHECK(err_code == 0);
	show_warnings(list);
	CHECK(list && list->nr_modules == 3);
	CHECK(has_warning(list, "loops back to 0xffffffffc047b2c0 after 3 modules"));
	CHECK(m.reads == 4);
	kmodule_list_destroy(list);
	unmap_all(&m);

	/* a module pointing at itself */
	put(map(&m, HEAD, 16), MOD_A + 8, 8);
	put_module_6_1(&m, &mods_6_1[0], MOD_A + 8);
	take_error(read_with(&m, layout_6_1, &list));
	CHECK(err_code == 0);
	CHECK(list && list->nr_modules == 1);
	CHECK(has_warning(list, "loops back"));
	kmodule_list_destroy(list);
	unmap_all(&m);
}

TEST(bad_pointers_stop_with_warning)
{
	struct fake_memory m = { 0 };
	/* B's next is NULL */
	put(map(&m, HEAD, 16), MOD_A + 8, 8);
	put_module_6_1(&m, &mods_6_1[0], MOD_B + 8);
	put_module_6_1(&m, &mods_6_1[1], 0);
	struct kmodule_list *list = NULL;
	take_error(read_with(&m, layout_6_1, &list));
	CHECK(err_code == 0);
	show_warnings(list);
	CHECK(list && list->nr_modules == 2);
	CHECK(has_warning(list, "bad list pointer 0x0 after 2 modules"));
	kmodule_list_destroy(list);
	unmap_all(&m);

	/* B's next points to unmapped memory */
	put(map(&m, HEAD, 16), MOD_A + 8, 8);
	put_module_6_1(&m, &mods_6_1[0], MOD_B + 8);
	put_module_6_1(&m, &mods_6_1[1], 0xffffffffc0900008ULL);
	take_error(read_with(&m, layout_6_1, &list));
	CHECK(err_code == 0);
	show_warnings(list);
	CHECK(list && list->nr_modules == 2);
	CHECK(has_warning(list, "cannot read struct module at 0xffffffffc0900000"));
	kmodule_list_destroy(list);
	unmap_all(&m);

	/* an unreadable head is an error naming it */
	take_error(read_with(&m, layout_6_1, &list));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "modules list head at 0xffffffffa0b1c150"));
	CHECK(!list);
	unmap_all(&m);
}

TEST(unknown_layout_is_not_found)
{
	struct fake_memory m = { 0 };
	put(map(&m, HEAD, 16), HEAD, 8);
	struct kmodule_list *list = NULL;
	take_error(read_with(&m, "module 0 896\nmodule.state 0 4\n"
			     "module.list 8 16\nmodule.list.next 8 8\n"
			     "module.name 24 56\n", &list));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(strstr(err_message, "none of mem, core_layout, module_core"));
	CHECK(!list);
	struct ktypes *t;
	take_error(ktypes_create_from_table(layout_6_1, &t));
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	take_error(kmodules_read(&reader, 0, KASLR, t, &list));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(strstr(err_message, "no symbol modules"));
	ktypes_destroy(t);
	unmap_all(&m);
}

TEST(mem_layout_6_4)
{
	struct fake_memory m = { 0 };
	put(map(&m, HEAD, 16), MOD_A + 8, 8);
	unsigned char *p = map(&m, MOD_A, 512);
	put(p + 8, HEAD, 8);
	memcpy(p + 24, "virtio_blk", 10);
	/* text, data, rodata, ro_after_init, init text/data/rodata */
	const uint64_t sizes[7] = { 8192, 4096, 4096, 4096, 0, 0, 0 };
	for (int i = 0; i < 7; i++) {
		put(p + 96 + 32 * i, 0xffffffffc0600000ULL + 0x10000 * i, 8);
		put(p + 96 + 32 * i + 8, sizes[i], 4);
	}
	put(p + 400, 3, 4);
	struct kmodule_list *list = NULL;
	take_error(read_with(&m, layout_6_4, &list));
	CHECK(err_code == 0);
	CHECK(list && list->nr_modules == 1);
	if (list && list->nr_modules == 1) {
		const struct kmodule *k = &list->modules[0];
		CHECK(list->layout == KMODULE_LAYOUT_MEMORY);
		CHECK_STR(k->name, "virtio_blk");
		CHECK(k->text_base == 0xffffffffc0600000ULL);
		CHECK(k->text_size == 8192);
		CHECK(k->core_size == 8192 + 3 * 4096);
		CHECK(k->init_size == 0);
		/* the four core allocations; the freed init ones are empty */
		CHECK(k->nr_regions == 4);
		CHECK(kmodule_region_at(k, 0xffffffffc0610000ULL + 4095) != NULL);
		CHECK(!kmodule_region_at(k, 0xffffffffc0610000ULL + 4096));
		CHECK(!kmodule_region_at(k, 0xffffffffc0640000ULL));
		CHECK(k->refcount == 2);
		CHECK(k->sect_attrs == 0);
	}
	kmodule_list_destroy(list);
	unmap_all(&m);
}

TEST(legacy_layout)
{
	struct fake_memory m = { 0 };
	put(map(&m, HEAD, 16), MOD_A + 8, 8);
	unsigned char *p = map(&m, MOD_A, 512);
	put(p + 0, KMODULE_COMING, 4);
	put(p + 8, HEAD, 8);
	/* a name filling all of name[]: no NUL in the struct */
	memset(p + 24, 'x', 56);
	put(p + 100, 0xffffffffa0000000ULL, 8);
	put(p + 108, 12345, 4);
	put(p + 112, 4000, 4);
	put(p + 116, 777, 4);
	put(p + 120, 0xffffffffa0100000ULL, 8);
	struct kmodule_list *list = NULL;
	take_error(read_with(&m, layout_4_4, &list));
	CHECK(err_code == 0);
	CHECK(list && list->nr_modules == 1);
	if (list && list->nr_modules == 1) {
		const struct kmodule *k = &list->modules[0];
		CHECK(list->layout == KMODULE_LAYOUT_LEGACY);
		CHECK(strlen(k->name) == 56);
		CHECK(k->text_base == 0xffffffffa0000000ULL);
		CHECK(k->core_size == 12345 && k->text_size == 4000);
		CHECK(k->init_size == 777);
		/* coming: its init code is there too, until init has run */
		CHECK(k->nr_regions == 2);
		CHECK(kmodule_region_at(k, 0xffffffffa0100000ULL + 776) != NULL);
		CHECK(!kmodule_region_at(k, 0xffffffffa0100000ULL + 777));
		CHECK(k->regions[1].init && !k->regions[0].init);
		CHECK(k->refcount == -1);
		CHECK_STR(kmodule_state_name(k->state), "Loading");
	}
	kmodule_list_destroy(list);
	unmap_all(&m);
}

#define SECT_ATTRS 0xffff888004a3c000ULL
#define NAMES 0xffff888004a3d000ULL

static const char *const sect_names[] = {
	".text", ".data", ".bss", ".rodata.str1.1",
	/* at the very end of a page: read up to it, then on */
	".gnu.linkonce.this_module",
};
#define NR_SECTS 5

/* Names in their own memory; the last ends 3 bytes into the next page. */
static uint64_t put_names(struct fake_memory *m, uint64_t *addrs)
{
	unsigned char *p = map(m, NAMES, 4096);
	uint64_t a = NAMES;
	for (int i = 0; i < NR_SECTS - 1; i++) {
		memcpy(p + (a - NAMES), sect_names[i], strlen(sect_names[i]) + 1);
		addrs[i] = a;
		a += 32;
	}
	const char *last = sect_names[NR_SECTS - 1];
	size_t len = strlen(last) + 1;
	uint64_t last_addr = NAMES + 4096 - (len - 3);
	memcpy(p + (last_addr - NAMES), last, len - 3);
	unsigned char *q = map(m, NAMES + 4096, 4096);
	memcpy(q, last + len - 3, 3);
	addrs[NR_SECTS - 1] = last_addr;
	return last_addr;
}

static void check_sections(const struct kmodule *k)
{
	CHECK(k->nr_sections == NR_SECTS);
	for (size_t i = 0; i < k->nr_sections && i < NR_SECTS; i++) {
		CHECK_STR(k->sections[i].name, sect_names[i]);
		CHECK(k->sections[i].address == 0xffffffffc0487000ULL + 0x1000 * i);
	}
	CHECK(kmodule_section_address(k, ".bss") == 0xffffffffc0489000ULL);
	CHECK(kmodule_section_address(k, ".nope") == 0);
}

TEST(sections_6_1)
{
	struct fake_memory m = { 0 };
	struct fake_module f = mods_6_1[0];
	f.sect_attrs = SECT_ATTRS;
	put(map(&m, HEAD, 16), MOD_A + 8, 8);
	put_module_6_1(&m, &f, HEAD);
	uint64_t names[NR_SECTS];
	put_names(&m, names);
	unsigned char *p = map(&m, SECT_ATTRS, 48 + 72 * NR_SECTS);
	put(p + 40, NR_SECTS, 4);
	for (int i = 0; i < NR_SECTS; i++) {
		put(p + 48 + 72 * i, names[i], 8);
		put(p + 48 + 72 * i + 64, 0xffffffffc0487000ULL + 0x1000 * i, 8);
	}
	struct kmodule_list *list = NULL;
	take_error(read_with(&m, layout_6_1, &list));
	CHECK(err_code == 0);
	CHECK(list && list->nr_modules == 1);
	if (list && list->nr_modules == 1) {
		struct kmodule *k = &list->modules[0];
		CHECK(k->sect_attrs == SECT_ATTRS);
		struct ktypes *t;
		take_error(ktypes_create_from_table(layout_6_1, &t));
		struct kernel_memory_reader reader = { &m, fake_read, NULL };
		unsigned int reads = 0;
		m.reads = 0;
		take_error(kmodule_read_sections(&reader, t, k, &reads));
		CHECK(err_code == 0);
		check_sections(k);
		/* nsections, the array, a name each (the last in two) */
		CHECK(reads == 2 + NR_SECTS + 1 && m.reads == reads);
		/* again: replaces, does not add */
		take_error(kmodule_read_sections(&reader, t, k, NULL));
		CHECK(k->nr_sections == NR_SECTS);

		/* an absurd count is refused, not allocated */
		put(p + 40, 0xffffffff, 4);
		take_error(kmodule_read_sections(&reader, t, k, NULL));
		CHECK(err_code == LKDB_ERROR_INVALID);
		CHECK(strstr(err_message, "too many"));
		CHECK(k->nr_sections == 0);
		/* an unreadable name is an error naming the module */
		put(p + 40, NR_SECTS, 4);
		put(p + 48 + 72 * 2, 0xdead000000000000ULL, 8);
		take_error(kmodule_read_sections(&reader, t, k, NULL));
		CHECK(err_code == LKDB_ERROR_FAULT);
		CHECK(strstr(err_message, "module crashme: name of section 2"));
		CHECK(k->nr_sections == 0 && !k->sections);
		/* no sect_attrs */
		k->sect_attrs = 0;
		take_error(kmodule_read_sections(&reader, t, k, NULL));
		CHECK(err_code == LKDB_ERROR_NOT_FOUND);
		ktypes_destroy(t);
	}
	kmodule_list_destroy(list);
	unmap_all(&m);
}

TEST(sections_6_14)
{
	struct fake_memory m = { 0 };
	uint64_t names[NR_SECTS];
	put_names(&m, names);
	unsigned char *p = map(&m, SECT_ATTRS, 40 + 64 * NR_SECTS);
	/* grp.bin_attrs: pointers to attrs[i], then NULL */
	const uint64_t ptrs = SECT_ATTRS + 0x8000;
	unsigned char *q = map(&m, ptrs, 8 * 64);
	put(p + 32, ptrs, 8);
	for (int i = 0; i < NR_SECTS; i++) {
		put(q + 8 * i, SECT_ATTRS + 40 + 64 * i, 8);
		put(p + 40 + 64 * i, names[i], 8);
		put(p + 40 + 64 * i + 48, 0xffffffffc0487000ULL + 0x1000 * i, 8);
	}
	struct kmodule k = { .addr = MOD_A, .name = "crashme",
			     .sect_attrs = SECT_ATTRS };
	struct ktypes *t;
	take_error(ktypes_create_from_table(layout_6_14_sections, &t));
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	take_error(kmodule_read_sections(&reader, t, &k, NULL));
	CHECK(err_code == 0);
	check_sections(&k);
	for (size_t i = 0; i < k.nr_sections; i++)
		free(k.sections[i].name);
	free(k.sections);
	ktypes_destroy(t);
	unmap_all(&m);
}

/* Corrupt names: one line, nothing for the terminal, no gdb argument split. */
TEST(unprintable_names_become_question_marks)
{
	struct fake_memory m = { 0 };
	struct fake_module f = mods_6_1[0];
	f.name = "bad\n\x1b[31m\xff name";
	f.sect_attrs = SECT_ATTRS;
	put(map(&m, HEAD, 16), MOD_A + 8, 8);
	put_module_6_1(&m, &f, HEAD);
	unsigned char *names = map(&m, NAMES, 64);
	memcpy(names, ".te\nxt -o 1", 12);
	unsigned char *p = map(&m, SECT_ATTRS, 48 + 72);
	put(p + 40, 1, 4);
	put(p + 48, NAMES, 8);
	put(p + 48 + 64, 0xffffffffc0487000ULL, 8);
	struct kmodule_list *list = NULL;
	take_error(read_with(&m, layout_6_1, &list));
	CHECK(err_code == 0);
	show_warnings(list);
	CHECK(list && list->nr_modules == 1);
	if (list && list->nr_modules == 1) {
		CHECK_STR(list->modules[0].name, "bad??[31m??name");
		CHECK(list->nr_warnings == 1 &&
		      !strchr(list->warnings[0], '\n') &&
		      has_warning(list, "struct module at 0xffffffffc0489040: its name has bytes that are not printable"));
		struct ktypes *t;
		take_error(ktypes_create_from_table(layout_6_1, &t));
		struct kernel_memory_reader reader = { &m, fake_read, NULL };
		take_error(kmodule_read_sections(&reader, t,
						 &list->modules[0], NULL));
		CHECK(err_code == 0 && list->modules[0].nr_sections == 1);
		if (list->modules[0].nr_sections == 1)
			CHECK_STR(list->modules[0].sections[0].name,
				  ".te?xt?-o?1");
		ktypes_destroy(t);
	}
	kmodule_list_destroy(list);
	unmap_all(&m);
}

TEST(name_equal)
{
	CHECK(kmodule_name_equal("snd_hda_intel", "snd-hda-intel"));
	CHECK(kmodule_name_equal("a-b_c", "a_b-c"));
	CHECK(!kmodule_name_equal("fat", "vfat"));
	CHECK(!kmodule_name_equal("fat", "fa"));
	CHECK(!kmodule_name_equal("fa", "fat"));
}

/*
 * crashme.ko's layout: functions padded to 16 bytes; kallsyms sizes go to
 * the next symbol, the last function's to the end of the core text.
 */
TEST(modsyms_kallsyms_size)
{
	struct modsym syms[] = {
		{ "crashme_lookup", 0xffffffffc0234000, 0x19, 't' },
		{ "crashme_write", 0xffffffffc0234020, 0xe8, 't' },
		{ "crashme_show", 0xffffffffc0234120, 0x1f, 't' },
		{ "__this_module", 0xffffffffc0236040, 0x380, 'D' },
	};
	struct modsyms m = { syms, 4 };
	const uint64_t text_end = 0xffffffffc0234000 + 0x1000;
	CHECK(modsyms_kallsyms_size(&m, &syms[0], text_end) == 0x20);
	CHECK(modsyms_kallsyms_size(&m, &syms[1], text_end) == 0x100);
	/* the last in the text: to its end, not to the data after it */
	CHECK(modsyms_kallsyms_size(&m, &syms[2], text_end) == 0xee0);
	CHECK(modsyms_kallsyms_size(&m, &syms[2], 0) == 0x1f20);
	/* nothing above: st_size */
	CHECK(modsyms_kallsyms_size(&m, &syms[3], 0) == 0x380);
	/* a symbol found by address has the size its neighbours give */
	const struct modsym *s = modsyms_lookup(&m, 0xffffffffc0234020 + 0x15);
	CHECK(s == &syms[1]);
}

/* The struct module members that tell one build from another. */
TEST(module_identity_from_the_kernel)
{
	static const char layout[] =
		"module 0 896\n"
		"module.name 24 56\n"
		"module.srcversion 344 8\n"
		"module.build_id 760 20\n";
	const uint64_t srcversion_at = 0xffff888003a1c0c0ULL;
	struct fake_memory m = { 0 };
	unsigned char *p = map(&m, MOD_A, 896);
	put(p + 344, srcversion_at, 8);
	static const unsigned char id[20] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23,
		0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x01, 0x02, 0x03,
	};
	memcpy(p + 760, id, sizeof(id));
	strcpy((char *)map(&m, srcversion_at, 64), "0123456789ABCDEF0123456");
	struct ktypes *t = NULL;
	take_error(ktypes_create_from_table(layout, &t));
	struct kernel_memory_reader reader = { &m, fake_read, NULL };
	struct kmodule k = { .addr = MOD_A, .name = "crashme" };
	char *srcversion = NULL, *build_id = NULL;
	take_error(kmodule_read_identity(&reader, t, &k, &srcversion,
					 &build_id));
	CHECK(err_code == 0);
	CHECK_STR(srcversion, "0123456789ABCDEF0123456");
	CHECK_STR(build_id, "0123456789abcdef0123456789abcdef00010203");
	free(srcversion);
	free(build_id);
	/* none set: NULL, no error */
	put(p + 344, 0, 8);
	memset(p + 760, 0, 20);
	take_error(kmodule_read_identity(&reader, t, &k, &srcversion,
					 &build_id));
	CHECK(err_code == 0 && !srcversion && !build_id);
	/* an unreadable string: an error naming the module */
	put(p + 344, 0xffff888009000000ULL, 8);
	take_error(kmodule_read_identity(&reader, t, &k, &srcversion,
					 &build_id));
	CHECK(err_code == LKDB_ERROR_FAULT && !srcversion && !build_id);
	CHECK(strstr(err_message, "module crashme: srcversion") != NULL);
	ktypes_destroy(t);
	/* a kernel without those members (6.1 as Debian builds it) */
	take_error(ktypes_create_from_table(layout_6_1, &t));
	take_error(kmodule_read_identity(&reader, t, &k, &srcversion,
					 &build_id));
	CHECK(err_code == 0 && !srcversion && !build_id);
	ktypes_destroy(t);
	unmap_all(&m);
}

static const char *module_fixture, *noname_fixture, *other_fixture,
	*vmlinux_fixture;

/* Module objects: a .ko is an ET_REL with a struct module and modinfo. */
TEST(module_files_identified_and_checked)
{
	struct modfile_identity id, other;
	take_error(modfiles_identify(module_fixture, "stub.ko", 24, &id));
	CHECK_STR(err_message, "");
	CHECK_STR(id.name, "lkdbt_stub");
	CHECK_STR(id.vermagic,
		  "9.9.9-lkdbtest SMP preempt mod_unload modversions ");
	CHECK_STR(id.srcversion, "0123456789ABCDEF0123456");
	CHECK_STR(id.build_id, "0123456789abcdef0123456789abcdef00010203");
	take_error(modfiles_identify(other_fixture, "other.ko", 24, &other));
	CHECK(err_code == 0);

	/* what the kernel has: the same build passes */
	struct modfile_expect e = {
		.name = "lkdbt-stub",	/* '-' is '_' */
		.release = "9.9.9-lkdbtest",
		.srcversion = "0123456789ABCDEF0123456",
		/* the kernel's array is zero-padded past a shorter id */
		.build_id = "0123456789abcdef0123456789abcdef00010203",
	};
	take_error(modfiles_check(&id, "stub.ko", &e));
	CHECK_STR(err_message, "");
	/* another build: srcversion first, then the build id */
	take_error(modfiles_check(&other, "other.ko", &e));
	CHECK(err_code == LKDB_ERROR_INVALID);
	CHECK_STR(err_message, "other.ko is another build of lkdbt_stub: srcversion FEDCBA9876543210FEDCBA9, the loaded module's 0123456789ABCDEF0123456");
	e.srcversion = NULL;
	take_error(modfiles_check(&other, "other.ko", &e));
	CHECK_STR(err_message, "other.ko is another build of lkdbt_stub: build id fedcba9876543210fedcba987654321000010203, the loaded module's 0123456789abcdef0123456789abcdef00010203");
	/* nothing to compare but name and release: another build passes */
	e.build_id = NULL;
	take_error(modfiles_check(&other, "other.ko", &e));
	CHECK(err_code == 0);
	/* another module, another kernel */
	e.name = "crashme";
	take_error(modfiles_check(&id, "stub.ko", &e));
	CHECK_STR(err_message, "stub.ko is module lkdbt_stub, not crashme");
	e.name = "lkdbt_stub";
	e.release = "6.1.0-57-amd64";
	take_error(modfiles_check(&id, "stub.ko", &e));
	CHECK_STR(err_message, "stub.ko was built for Linux 9.9.9-lkdbtest, the kernel is 6.1.0-57-amd64");
	e.release = "9.9.9";	/* a prefix of the release is not it */
	take_error(modfiles_check(&id, "stub.ko", &e));
	CHECK(err_code == LKDB_ERROR_INVALID);
	modfile_identity_deinit(&id);
	modfile_identity_deinit(&other);

	/* no name= in modinfo: the struct module's name */
	take_error(modfiles_identify(noname_fixture, "old.ko", 24, &id));
	CHECK(err_code == 0);
	CHECK_STR(id.name, "lkdbt_stub");
	modfile_identity_deinit(&id);
	take_error(modfiles_identify(noname_fixture, "old.ko", 0, &id));
	CHECK_STR(err_message, "old.ko: a module object without a name (no modinfo name=)");

	/* not module objects */
	take_error(modfiles_identify(vmlinux_fixture, "vmlinux", 24, &id));
	CHECK(err_code == LKDB_ERROR_INVALID);
	CHECK(!strncmp(err_message, "vmlinux: not a module object (ELF type ", 39));
	take_error(modfiles_identify("/proc/self/status", "status", 24, &id));
	CHECK_STR(err_message, "status: not a module object (not an ELF file)");
	take_error(modfiles_identify("/nonexistent.ko", "/nonexistent.ko", 24,
				     &id));
	CHECK(err_code != 0 && strstr(err_message, "/nonexistent.ko"));
}

static bool in_tree(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	bool yes = elf && modfiles_in_tree(elf);
	elf_end(elf);
	close(fd);
	return yes;
}

/* modpost's intree=Y tells a module built in the kernel's tree. */
TEST(module_built_in_tree)
{
	CHECK(!in_tree(module_fixture));
	CHECK(in_tree(other_fixture));
}

/*
 * A kernel without CONFIG_MODULES (the stand-in vmlinux has no modules
 * symbol): mod's one clear error comes from the kernel handle.
 */
TEST(kernel_without_modules_says_so)
{
	struct kernel k;
	take_error(kernel_open(&k, vmlinux_fixture, &kernel_arch_x86_64));
	CHECK(err_code == 0);
	if (err_code)
		return;
	CHECK(!kernel_has_modules(&k));
	char want[1024];
	snprintf(want, sizeof(want),
		 "this kernel has no modules (built without CONFIG_MODULES?): %s has no such symbol",
		 vmlinux_fixture);
	struct kmodule_list *list = NULL;
	take_error(kernel_read_modules(&k, &list));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK_STR(err_message, want);
	CHECK(!list);
	/* A symbol it has: its link address, as the vmlinux has it. */
	uint64_t addr = 0, want_addr = 1;
	take_error(kernel_need_symbol(&k, "linux_banner", "any kernel",
				      &addr));
	CHECK(err_code == 0);
	take_error(vmlinux_symbol(k.vmlinux, "linux_banner", &want_addr,
				  NULL));
	CHECK(addr == want_addr);
	kernel_close(&k);
}

/*
 * The default search path has the current directory when an out-of-tree
 * module was built there (make M=DIR leaves modules.order), after the
 * kernel's trees; without modules.order it is not walked.
 */
TEST(default_path_has_a_module_build_directory)
{
	char tmpl[] = "/tmp/lkdb-modpath-XXXXXX";
	char *dir = mkdtemp(tmpl);
	CHECK(dir != NULL);
	if (!dir)
		return;
	char *old = getcwd(NULL, 0);
	bool moved = old && chdir(dir) == 0;
	CHECK(moved);
	if (!moved) {
		rmdir(dir);
		free(old);
		return;
	}
	char *real = realpath(".", NULL);
	unsetenv("LKDB_MODULE_PATH");
	struct modfiles_path p = { 0 };
	take_error(modfiles_default_path(&p, NULL, "6.1.0-lkdb"));
	CHECK(err_code == 0);
	for (size_t i = 0; i < p.n; i++)
		CHECK(strcmp(p.dirs[i], real) != 0);
	modfiles_path_deinit(&p);
	int fd = open("modules.order", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	take_error(modfiles_default_path(&p, NULL, "6.1.0-lkdb"));
	CHECK(err_code == 0 && p.n >= 1 && !strcmp(p.dirs[p.n - 1], real));
	modfiles_path_deinit(&p);
	unlink("modules.order");
	CHECK(chdir(old) == 0);
	rmdir(dir);
	free(real);
	free(old);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s MODULE NO-NAME-MODULE OTHER-BUILD-MODULE VMLINUX\n",
			argv[0]);
		return 99;
	}
	module_fixture = argv[1];
	noname_fixture = argv[2];
	other_fixture = argv[3];
	vmlinux_fixture = argv[4];
	RUN(list_6_1);
	RUN(empty_list);
	RUN(cyclic_list_stops_with_warning);
	RUN(bad_pointers_stop_with_warning);
	RUN(unknown_layout_is_not_found);
	RUN(mem_layout_6_4);
	RUN(legacy_layout);
	RUN(sections_6_1);
	RUN(sections_6_14);
	RUN(unprintable_names_become_question_marks);
	RUN(name_equal);
	RUN(modsyms_kallsyms_size);
	RUN(module_identity_from_the_kernel);
	RUN(module_files_identified_and_checked);
	RUN(module_built_in_tree);
	RUN(kernel_without_modules_says_so);
	RUN(default_path_has_a_module_build_directory);
	return tap_done();
}
