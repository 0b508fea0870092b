/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A loaded module's own symbol table, read from its struct module in
 * memory (mod->kallsyms: what /proc/kallsyms shows for it), so a module
 * address gets a name without the module's file: "crashme_write+0x15
 * [crashme]".  Kernels since 4.5 keep it behind mod->kallsyms (commit
 * 8244062ef1e5 "modules: fix longstanding /proc/kallsyms vs module
 * insertion race."); older ones are not supported.
 */
#ifndef LKDB_MODSYMS_H
#define LKDB_MODSYMS_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/target.h"

/* A table larger than this is taken for corruption. */
#define MODSYMS_MAX 1000000

struct modsym {
	char *name;
	uint64_t value;		/* run-time address */
	uint64_t size;
	char type;		/* 't', 'T', 'd', ... as /proc/kallsyms */
};

struct modsyms {
	struct modsym *syms;	/* by value */
	size_t nr;
};

/*
 * Read the symbols of the struct module at module_addr (functions and
 * objects with an address; names up to 255 bytes).  Errors name the
 * module.
 */
struct lkdb_error *modsyms_read(const struct kernel_memory_reader *mem,
				struct ktypes *types, const char *module_name,
				uint64_t module_addr, struct modsyms **ret);
/* Accepts NULL. */
void modsyms_destroy(struct modsyms *m);

/*
 * The symbol at or below addr that contains it (addr < value + size, or
 * a symbol without size below the next one); NULL if none.
 */
const struct modsym *modsyms_lookup(const struct modsyms *m, uint64_t addr);
/*
 * sym's size as the kernel's kallsyms gives it for a module
 * (find_kallsyms_symbol()), which %pS prints: up to the next symbol above
 * it, or to text_end (the end of the module text that holds it) when that
 * comes first; text_end 0: no such bound.  st_size when nothing is above.
 */
uint64_t modsyms_kallsyms_size(const struct modsyms *m,
			       const struct modsym *sym, uint64_t text_end);
/* A symbol by name, NULL if none (the first of duplicates). */
const struct modsym *modsyms_find(const struct modsyms *m, const char *name);

#endif
