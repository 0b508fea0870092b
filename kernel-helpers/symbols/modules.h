/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loaded kernel modules: the `modules` list of struct module, read from any
 * target through a kernel_memory_reader with layouts from ktypes.h, so a
 * byte buffer can stand in for a kernel.
 *
 * Each struct module is read whole (one read of sizeof(struct module)) and
 * decoded with the kernel's own offsets.  Kernel differences are told by
 * member:
 *  - 6.4+: mem[MOD_TEXT .. MOD_INIT_RODATA] of struct module_memory (commit
 *    ac3b43283923 "module: replace module_layout with module_memory");
 *  - 4.5 - 6.3: core_layout/init_layout of struct module_layout (commit
 *    7523e4dc5057 "module: use a structure to encapsulate layout."), plus
 *    data_layout where the architecture has one (6.2+, not x86);
 *  - older: module_core/core_size and module_init/init_size.
 * Section addresses (/sys/module/NAME/sections) come from sect_attrs:
 *  - up to 6.13: struct module_sect_attrs { grp; nsections; attrs[] } of
 *    struct module_sect_attr { battr (5.8+, commit ed66f991bb19 "module:
 *    Refactor section attr into bin attribute") or mattr + name; address };
 *  - 6.14+: attrs[] are bare struct bin_attribute, the address in
 *    .private, counted by the NULL-terminated grp.bin_attrs (commit
 *    d8959b947a8d "module: sysfs: Drop member
 *    'module_sect_attrs::nsections'" and its series).
 *
 * The walk is bounded and detects cycles: a corrupt list gives a warning
 * and the modules read so far, never an endless loop.
 */
#ifndef LKDB_MODULES_H
#define LKDB_MODULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/target.h"

struct kernel;

/* The walk gives up after this many modules (a corrupt list). */
#define KMODULES_MAX 65536
/* ... and a module after this many sections. */
#define KMODULE_SECTIONS_MAX 65536

/* enum module_state. */
enum kmodule_state {
	KMODULE_LIVE = 0,
	KMODULE_COMING = 1,
	KMODULE_GOING = 2,
	KMODULE_UNFORMED = 3,
};

enum kmodule_layout {
	KMODULE_LAYOUT_MEMORY,	/* 6.4+ mem[] */
	KMODULE_LAYOUT_LAYOUT,	/* 4.5 - 6.3 core_layout */
	KMODULE_LAYOUT_LEGACY,	/* module_core / core_size */
};

struct kmodule_section {
	char *name;
	uint64_t address;
};

/* One allocation of a module's memory as the kernel has it now. */
struct kmodule_region {
	uint64_t base, size;
	/* init code or data: freed once the module's init has run */
	bool init;
};
/* 6.4+: text, data, rodata, ro_after_init and their init fellows. */
#define KMODULE_REGIONS_MAX 8

struct kmodule {
	uint64_t addr;		/* the struct module */
	char name[65];		/* NUL-terminated (MODULE_NAME_LEN is 56) */
	uint64_t text_base;	/* core text: what /proc/modules shows */
	uint64_t text_size;
	/* Core parts (text, data, rodata, ro_after_init) together. */
	uint64_t core_size;
	/* Init parts (0 once the module's init has run). */
	uint64_t init_size;
	/*
	 * Where the module is now: its core and, until its init has run and
	 * the kernel freed it, its init memory.  Section addresses
	 * (sect_attrs) keep naming the init sections after that.
	 */
	struct kmodule_region regions[KMODULE_REGIONS_MAX];
	unsigned int nr_regions;
	unsigned int state;	/* enum kmodule_state */
	/* refcnt - 1 as /proc/modules shows it; -1 if unknown. */
	long refcount;
	uint64_t sect_attrs;	/* struct module_sect_attrs *, 0 if none */
	/* Filled by kmodule_read_sections(). */
	struct kmodule_section *sections;
	size_t nr_sections;
};

struct kmodule_list {
	enum kmodule_layout layout;
	struct kmodule *modules;	/* in list order (newest first) */
	size_t nr_modules;
	char **warnings;
	size_t nr_warnings;
	unsigned int reads;
	uint64_t bytes_read;
};

/*
 * Walk the list at `modules` (link-time modules_sym plus kaslr_offset).
 * Errors: NOT_FOUND for types this code does not know, the reader's errors
 * for the list head; trouble further down is a warning in the list.
 */
struct lkdb_error *kmodules_read(const struct kernel_memory_reader *mem,
				 uint64_t modules_sym, uint64_t kaslr_offset,
				 struct ktypes *types,
				 struct kmodule_list **ret);
/* Accepts NULL. */
void kmodule_list_destroy(struct kmodule_list *list);

/*
 * Read a module's section names and addresses from its sect_attrs (one
 * read of the array, a small read per name).  NOT_FOUND if the module has
 * none (no CONFIG_KALLSYMS / CONFIG_SYSFS).  Replaces earlier results.
 * reads_ret (may be NULL) is incremented per read.
 */
/* Free what kmodule_read_sections() filled in (the module stays). */
void kmodule_sections_free(struct kmodule *m);
struct lkdb_error *kmodule_read_sections(const struct kernel_memory_reader *mem,
					 struct ktypes *types,
					 struct kmodule *m,
					 unsigned int *reads_ret);

/* The region of the module's memory now that holds addr, or NULL. */
const struct kmodule_region *kmodule_region_at(const struct kmodule *m,
					       uint64_t addr);

/* A section's address by name, or 0. */
uint64_t kmodule_section_address(const struct kmodule *m, const char *name);

/*
 * What the kernel keeps that tells one build of module m from another:
 * mod->srcversion (a string, set when the module's modinfo has one:
 * CONFIG_MODULE_SRCVERSION_ALL or MODULE_VERSION), and mod->build_id (5.14+
 * with CONFIG_STACKTRACE_BUILD_ID, commit 9294523e3768 "module: add printk
 * formats to add module build ID to stacktraces"), each detected by member.
 * *srcversion_ret and *build_id_ret (lowercase hex) are malloc'd, NULL when
 * the kernel has none for m.  Errors name the module.
 */
struct lkdb_error *kmodule_read_identity(const struct kernel_memory_reader *mem,
					 struct ktypes *types,
					 const struct kmodule *m,
					 char **srcversion_ret,
					 char **build_id_ret);

/* "Live", "Loading", "Unloading", "Unformed" as /proc/modules shows. */
const char *kmodule_state_name(unsigned int state);

/* Module names compare with '-' and '_' the same, as modprobe does. */
bool kmodule_name_equal(const char *a, const char *b);

/* Whether the kernel k has loadable modules (its modules list). */
bool kernel_has_modules(const struct kernel *k);
/*
 * kmodules_read() of the kernel k; LKDB_ERROR_NOT_FOUND naming the vmlinux
 * if it has no modules list.
 */
struct lkdb_error *kernel_read_modules(struct kernel *k,
				       struct kmodule_list **ret);

#endif
