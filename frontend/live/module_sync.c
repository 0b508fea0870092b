// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/live/module_sync.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/target/breakpoints.h"
#include "frontend/target/gdb_target.h"
#include "frontend/kernel/module_symbols.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/symbols/modules.h"
#include "kernel-helpers/core/vmlinux.h"

#define MI_TIMEOUT_MS 10000

struct module_sync {
	int load_bp;	/* on do_init_module; -1 if none */
	int free_bp;	/* on free_module; -1 if none */
	uint64_t load_addr, free_addr;	/* run-time */
};

/*
 * Software breakpoints: QEMU's TCG stub keeps them out of guest memory,
 * and under KVM the four debug registers stay for the panic stops.
 */
struct lkdb_error *module_sync_arm(struct lkdb_session *s, bool load_loaded)
{
	if (s->module_sync)
		return NULL;
	uint64_t load, unload;
	struct lkdb_error *err = vmlinux_symbol(s->kernel.vmlinux, "do_init_module",
						&load, NULL);
	if (!err)
		err = vmlinux_symbol(s->kernel.vmlinux, "free_module", &unload, NULL);
	if (err) {
		/* A kernel without modules, or one these names do not fit. */
		lkdb_note(s, "warning: module symbols will not follow insmod/rmmod: %s",
			  err->message);
		lkdb_error_destroy(err);
		return NULL;
	}
	struct module_sync *m = calloc(1, sizeof(*m));
	if (!m)
		return &lkdb_error_oom;
	m->load_bp = m->free_bp = -1;
	s->module_sync = m;
	if (load_loaded) {
		/* No module with a file is not a reason to stop. */
		lkdb_error_destroy(module_symbols_load_all_quiet(s));
	}
	m->load_addr = load + s->kernel.kaslr_offset;
	m->free_addr = unload + s->kernel.kaslr_offset;
	err = breakpoint_insert(s->gdb, m->load_addr, BREAK_SILENT,
				&m->load_bp);
	if (!err)
		err = breakpoint_insert(s->gdb, m->free_addr, BREAK_SILENT,
					&m->free_bp);
	if (err)
		return lkdb_error_prefix(err, "module symbol breakpoints");
	return NULL;
}

void module_sync_disarm(struct lkdb_session *s)
{
	struct module_sync *m = s->module_sync;
	if (!m)
		return;
	if (s->gdb && s->attached && gdb_driver_alive(s->gdb) &&
	    !gdb_driver_target_running(s->gdb)) {
		breakpoint_delete(s->gdb, m->load_bp);
		breakpoint_delete(s->gdb, m->free_bp);
	}
	free(m);
	s->module_sync = NULL;
}

/* A register of the selected thread (gdb selects the one that stopped). */

/* A new module: load its symbols (its text base from the module list). */
static void module_coming(struct lkdb_session *s, uint64_t mod)
{
	struct kmodule_list *list = NULL;
	struct lkdb_error *err = kernel_read_modules(lkdb_session_kernel(s),
						     &list);
	uint64_t text = 0;
	for (size_t i = 0; !err && i < list->nr_modules; i++) {
		if (list->modules[i].addr == mod)
			text = list->modules[i].text_base;
	}
	kmodule_list_destroy(list);
	char *name = NULL;
	if (!err && !text)
		err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					"struct module 0x%" PRIx64 " is not on the module list",
					mod);
	if (!err)
		err = module_symbols_load_at(s, text, &name);
	if (err)
		lkdb_note(s, "module %s inserted; its symbols are not loaded: %s",
			  name ? name : "?", err->message);
	else
		lkdb_note(s, "module %s inserted: symbols loaded", name);
	free(name);
	lkdb_error_destroy(err);
}

bool module_sync_on_stop(struct lkdb_session *s,
			 const struct mi_output *stopped)
{
	struct module_sync *m = s->module_sync;
	if (!m || !stopped)
		return false;
	/*
	 * Any stop: a module whose init has run since lost its init
	 * memory, perhaps to the module now coming.
	 */
	struct lkdb_error *err = module_symbols_refresh(s);
	if (err) {
		lkdb_note(s, "module symbols: %s", err->message);
		lkdb_error_destroy(err);
	}
	const int numbers[] = { m->load_bp, m->free_bp };
	const uint64_t addrs[] = { m->load_addr, m->free_addr };
	int which = breakpoint_stop_index(s->gdb, stopped, numbers, addrs, 2);
	bool load = which == 0, unload = which == 1;
	if (!load && !unload)
		return false;
	uint64_t mod = 0;
	err = gdb_target_value(s->gdb, "$rdi", &mod);
	if (!err && load)
		module_coming(s, mod);
	else if (!err)
		err = module_symbols_forget(s, mod);
	if (err) {
		lkdb_note(s, "module symbols: %s", err->message);
		lkdb_error_destroy(err);
	}
	return true;
}
