// SPDX-License-Identifier: GPL-2.0-or-later
#include "module_sync.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "breakpoints.h"
#include "commands.h"
#include "ktypes.h"
#include "modules.h"
#include "vmlinux.h"

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
	struct lkdb_error *err = vmlinux_symbol(s->vmlinux, "do_init_module",
						&load, NULL);
	if (!err)
		err = vmlinux_symbol(s->vmlinux, "free_module", &unload, NULL);
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
		lkdb_error_destroy(mod_load_all_symbols_quiet(s));
	}
	m->load_addr = load + s->kaslr_offset;
	m->free_addr = unload + s->kaslr_offset;
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
static struct lkdb_error *register_value(struct lkdb_session *s,
					 const char *expr, uint64_t *ret)
{
	const char *argv[] = { expr };
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_call_ok(s->gdb, GDB_CALL_QUIET,
						    MI_TIMEOUT_MS,
						    "-data-evaluate-expression",
						    argv, 1, &r);
	if (err)
		return err;
	/* "(void (*)()) 0xffffffff81149360 <do_init_module>" or a number */
	const char *v = mi_value_string(r.record->results, "value");
	const char *hex = v ? strstr(v, "0x") : NULL;
	if (hex)
		*ret = strtoull(hex, NULL, 16);
	else if (v)
		*ret = strtoull(v, NULL, 10);
	else
		err = lkdb_error_create(LKDB_ERROR_GDB, "no value for %s", expr);
	gdb_call_result_deinit(&r);
	return err;
}

/* A new module: load its symbols (its text base from the module list). */
static void module_coming(struct lkdb_session *s, uint64_t mod)
{
	struct ktypes *types;
	uint64_t modules_sym;
	struct kmodule_list *list = NULL;
	struct lkdb_error *err = lkdb_session_types(s, &types);
	if (!err)
		err = vmlinux_symbol(s->vmlinux, "modules", &modules_sym, NULL);
	if (!err) {
		struct kernel_memory_reader mem;
		lkdb_session_memory(s, &mem);
		err = kmodules_read(&mem, modules_sym, s->kaslr_offset, types,
				    &list);
	}
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
		err = mod_load_symbols_at(s, text, &name);
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
	 * A silent breakpoint's stop after a CLI continue comes as a bare
	 * *stopped (no reason, no bkptno): tell it by where the CPU is.
	 */
	const char *reason = mi_value_string(stopped->results, "reason");
	const char *bkptno = mi_value_string(stopped->results, "bkptno");
	bool load, unload;
	if (reason && bkptno && !strcmp(reason, "breakpoint-hit")) {
		int n = atoi(bkptno);
		load = n == m->load_bp;
		unload = n == m->free_bp;
	} else if (!reason) {
		uint64_t pc;
		struct lkdb_error *err = register_value(s, "$pc", &pc);
		if (err) {
			lkdb_error_destroy(err);
			return false;
		}
		load = pc == m->load_addr;
		unload = pc == m->free_addr;
	} else {
		return false;
	}
	if (!load && !unload)
		return false;
	uint64_t mod = 0;
	struct lkdb_error *err = register_value(s, "$rdi", &mod);
	if (!err && load)
		module_coming(s, mod);
	else if (!err)
		err = mod_forget_symbols(s, mod);
	if (err) {
		lkdb_note(s, "module symbols: %s", err->message);
		lkdb_error_destroy(err);
	}
	return true;
}
