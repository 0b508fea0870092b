// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the module list walk (kernel-helpers/symbols/modules.c), each
 * module's section attributes, and a module's ORC table as bt reads it
 * (kernel-helpers/x86_64/unwind.c), over a fake kernel: memory, layout and
 * symbols from the input (tests/unit/walker_input.h).  Seeds: the fake
 * kernels of tests/unit/test_modules.c and test_unwind.c.  Besides
 * crashes, leaks and undefined behaviour it aborts when a promise is
 * broken: at most KMODULES_MAX modules and KMODULE_SECTIONS_MAX sections
 * each, names are strings, a bounded number of reads.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/symbols/modules.h"
#include "kernel-helpers/x86_64/unwind.h"
#include "walker_input.h"

#define READS_FIXED 64

static void check_list(const struct kmodule_list *list, unsigned int reads)
{
	if (list->nr_modules > KMODULES_MAX)
		abort();
	/* the head, then one read per struct module */
	if (reads > READS_FIXED + list->nr_modules + list->nr_warnings)
		abort();
	for (size_t i = 0; i < list->nr_modules; i++) {
		if (!memchr(list->modules[i].name, '\0',
			    sizeof(list->modules[i].name)))
			abort();
	}
	walker_check_warnings(list->warnings, list->nr_warnings);
}

static void sections(const struct kernel_memory_reader *reader,
		     struct ktypes *types, struct kmodule *m,
		     struct fake_memory *memory)
{
	unsigned int reads = 0, before = memory->reads;
	struct lkdb_error *err = kmodule_read_sections(reader, types, m,
						       &reads);
	if (err) {
		/* sections are dropped on an error */
		walker_check_error(err, m->nr_sections ? (void *)m : m->sections);
		return;
	}
	if (m->nr_sections > KMODULE_SECTIONS_MAX ||
	    reads != memory->reads - before ||
	    reads > READS_FIXED + 2 * m->nr_sections)
		abort();
	for (size_t i = 0; i < m->nr_sections; i++) {
		if (!m->sections[i].name)
			abort();
	}
}

static void modules(const struct kernel_memory_reader *reader,
		    struct ktypes *types, struct walker_input *in)
{
	struct kmodule_list *list = NULL;
	struct lkdb_error *err = kmodules_read(reader,
					       in->values[WALKER_MODULES_HEAD],
					       in->values[WALKER_MODULES_KASLR],
					       types, &list);
	if (err) {
		walker_check_error(err, list);
		return;
	}
	check_list(list, in->memory.reads);
	for (size_t i = 0; i < list->nr_modules; i++)
		sections(reader, types, &list->modules[i], &in->memory);
	kmodule_list_destroy(list);
}

static void orc(const struct kernel_memory_reader *reader,
		struct ktypes *types, const uint64_t *values)
{
	struct unwinder *u = NULL;
	struct lkdb_error *err = unwinder_create_empty(&unwind_orc_format_v1,
						       &u);
	if (!err)
		err = unwinder_add_module(u, reader, types, "fuzzed",
					  values[WALKER_MODULES_ORC_MODULE],
					  values[WALKER_MODULES_ORC_START],
					  values[WALKER_MODULES_ORC_END]);
	if (err)
		walker_check_error(err, NULL);
	unwinder_destroy(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walker_input in;
	struct ktypes *types;
	struct kernel_memory_reader reader;

	if (walker_input_start(data, size, &in, &types, &reader)) {
		if (in.values[WALKER_MODULES_HEAD])
			modules(&reader, types, &in);
		if (in.values[WALKER_MODULES_ORC_MODULE])
			orc(&reader, types, in.values);
	}
	walker_input_finish(&in, types);
	return 0;
}
