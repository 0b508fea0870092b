// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/kernel/module_names.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/kernel/module_symbols.h"
#include "kernel-helpers/decode/decode.h"
#include "kernel-helpers/log/logparse.h"
#include "kernel-helpers/symbols/symbolize.h"
#include "kernel-helpers/core/vmlinux.h"
#include "frontend/terminal/output.h"

struct module_entry {
	const struct kmodule *m;
	struct modsyms *syms;	/* read on first use */
	bool failed;
};

struct module_names {
	struct lkdb_session *s;
	const char *cmd;
	struct ktypes *types;
	struct kernel_memory_reader mem;
	struct kmodule_list *list;
	struct module_entry *entries;
	size_t nr;
};

void module_names_destroy(struct module_names *mn)
{
	if (!mn)
		return;
	for (size_t i = 0; i < mn->nr; i++)
		modsyms_destroy(mn->entries[i].syms);
	free(mn->entries);
	kmodule_list_destroy(mn->list);
	free(mn);
}

struct lkdb_error *module_names_create(struct lkdb_session *s,
				       const char *cmd,
				       struct module_names **ret)
{
	struct module_names *mn = calloc(1, sizeof(*mn));
	if (!mn)
		return &lkdb_error_oom;
	mn->s = s;
	mn->cmd = cmd;
	struct lkdb_error *err = kernel_types(&s->kernel, &mn->types);
	if (err) {
		module_names_destroy(mn);
		return err;
	}
	struct kernel *k = lkdb_session_kernel(s);
	mn->mem = *kernel_memory(k);
	if (!kernel_has_modules(k)) {
		/* A kernel built without modules. */
		*ret = mn;
		return NULL;
	}
	err = kernel_read_modules(k, &mn->list);
	if (err) {
		/* Without modules, vmlinux addresses still get names. */
		if (err == &lkdb_error_oom) {
			module_names_destroy(mn);
			return err;
		}
		/* Ctrl-C ends the command: no warning of its own for it. */
		if (err->code != LKDB_ERROR_INTERRUPTED)
			lkdb_warn(cmd, "modules: %s", err->message);
		lkdb_error_destroy(err);
		*ret = mn;
		return NULL;
	}
	for (size_t i = 0; i < mn->list->nr_warnings; i++)
		lkdb_warn(cmd, "%s",
			mn->list->warnings[i]);
	size_t n = mn->list->nr_modules;
	mn->entries = calloc(n ? n : 1, sizeof(*mn->entries));
	if (!mn->entries) {
		module_names_destroy(mn);
		return &lkdb_error_oom;
	}
	for (size_t i = 0; i < n; i++)
		mn->entries[mn->nr++].m = &mn->list->modules[i];
	*ret = mn;
	return NULL;
}

const struct kmodule_list *module_names_list(const struct module_names *mn)
{
	return mn->list;
}

const struct kmodule *module_names_module_at(struct module_names *mn,
					     uint64_t addr)
{
	for (size_t i = 0; i < mn->nr; i++) {
		const struct kmodule *m = mn->entries[i].m;
		if (addr >= m->text_base && addr - m->text_base < m->core_size)
			return m;
	}
	/*
	 * Init code (a module being inserted) is apart from the core: a
	 * module whose symbols hold addr (its table has the init symbols
	 * until init is done).
	 */
	if (addr < SYMBOLIZE_MODULES_START)
		return NULL;
	for (size_t i = 0; i < mn->nr; i++) {
		const struct kmodule *m = mn->entries[i].m;
		if (!m->init_size)
			continue;
		const struct modsym *sym = module_names_symbol(mn, m, addr);
		if (sym && sym->size)
			return m;
	}
	return NULL;
}

static struct module_entry *entry_of(struct module_names *mn,
				     const struct kmodule *m)
{
	for (size_t i = 0; i < mn->nr; i++) {
		struct module_entry *e = &mn->entries[i];
		if (e->m != m)
			continue;
		if (!e->syms && !e->failed) {
			struct lkdb_error *err = modsyms_read(&mn->mem,
							      mn->types,
							      m->name, m->addr,
							      &e->syms);
			if (err) {
				lkdb_warn(mn->cmd, "%s", err->message);
				lkdb_error_destroy(err);
				e->failed = true;
			}
		}
		return e;
	}
	return NULL;
}

const struct modsym *module_names_symbol(struct module_names *mn,
					 const struct kmodule *m,
					 uint64_t addr)
{
	struct module_entry *e = entry_of(mn, m);
	return e && e->syms ? modsyms_lookup(e->syms, addr) : NULL;
}

uint64_t module_names_symbol_size(struct module_names *mn,
				  const struct kmodule *m,
				  const struct modsym *sym)
{
	struct module_entry *e = entry_of(mn, m);
	bool core_text = sym->value >= m->text_base &&
			 sym->value - m->text_base < m->text_size;
	return e && e->syms ?
		modsyms_kallsyms_size(e->syms, sym,
				      core_text ? m->text_base + m->text_size :
						  0) :
		sym->size;
}

void module_names_symstr(struct module_names *mn, uint64_t addr, char *buf,
			 size_t size)
{
	struct code_name n;
	buf[0] = '\0';
	if (!mn || !addr)
		return;
	module_names_name(mn, addr, false, &n);
	if (!n.function)
		return;
	if (n.offset)
		snprintf(buf, size, "%s+%" PRIu64, n.function, n.offset);
	else
		snprintf(buf, size, "%s", n.function);
}

void module_names_name(struct module_names *mn, uint64_t addr,
		       bool return_address, struct code_name *ret)
{
	memset(ret, 0, sizeof(*ret));
	uint64_t look = return_address ? addr - 1 : addr;
	const struct kmodule *m = module_names_module_at(mn, look);
	if (m) {
		ret->module = m->name;
		const struct modsym *sym = module_names_symbol(mn, m, look);
		if (sym) {
			ret->function = sym->name;
			ret->offset = addr - sym->value;
			ret->size = module_names_symbol_size(mn, m, sym);
		}
		return;
	}
	struct symbolize_result r;
	struct lkdb_error *err = symbolize_symbol(mn->s->kernel.vmlinux,
						  mn->s->kernel.kaslr_offset,
						  addr, return_address, &r);
	if (err) {
		lkdb_error_destroy(err);
		return;
	}
	/* the name is the vmlinux's string table's */
	ret->function = r.symbol.name;
	ret->offset = r.offset;
	ret->size = r.size;
	symbolize_result_deinit(&r);
}

char *code_name_format(const struct code_name *n, uint64_t addr)
{
	if (n->function)
		return symbolize_format(n->function, n->offset, n->size,
					n->module);
	char *s;
	if (asprintf(&s, "0x%" PRIx64 "%s%s%s", addr, n->module ? " [" : "",
		     n->module ? n->module : "", n->module ? "]" : "") < 0)
		return NULL;
	return s;
}

const struct modsym *module_names_find(struct module_names *mn,
				       const char *name,
				       const struct kmodule **module_ret)
{
	for (size_t i = 0; i < mn->nr; i++) {
		struct module_entry *e = entry_of(mn, mn->entries[i].m);
		const struct modsym *sym = e && e->syms ?
						   modsyms_find(e->syms, name) :
						   NULL;
		if (sym) {
			*module_ret = e->m;
			return sym;
		}
	}
	return NULL;
}

void module_names_source(struct lkdb_session *s, const struct kmodule *m,
			 const char *function, uint64_t offset, uint64_t size,
			 bool exact, struct symbolize_frame **frames_ret,
			 size_t *nr_ret, char **object_ret)
{
	*frames_ret = NULL;
	*nr_ret = 0;
	if (object_ret)
		*object_ret = NULL;
	/* The decoder takes what a log shows: function+off/size [module]. */
	char *line = symbolize_format(function, offset, size, m->name);
	if (!line)
		return;
	const char *file = module_symbols_file(s, m->addr);
	char *dir = NULL;
	if (file) {
		dir = strdup(file);
		char *slash = dir ? strrchr(dir, '/') : NULL;
		if (slash && slash != dir)
			*slash = '\0';
		else if (dir)
			strcpy(dir, slash ? "/" : ".");
	}
	const char *dirs[] = { dir };
	struct decoder_options o = {
		.vmlinux = vmlinux_path(s->kernel.vmlinux),
		.module_dirs = dir ? dirs : NULL,
		.nr_module_dirs = dir ? 1 : 0,
		.exact_addresses = exact,
	};
	struct decoder *d = NULL;
	struct lkdb_error *err = decoder_create(&o, &d);
	struct logline l;
	logline_parse(line, strlen(line), &l);
	struct decode_result r;
	memset(&r, 0, sizeof(r));
	if (!err && l.kind == LOGLINE_FRAME)
		err = decoder_frame(d, line, &l, &r);
	if (!err && r.nr_frames) {
		*frames_ret = r.frames;
		*nr_ret = r.nr_frames;
		if (object_ret && r.object)
			*object_ret = strdup(r.object);
		r.frames = NULL;
		r.nr_frames = 0;
	}
	lkdb_error_destroy(err);
	decode_result_deinit(&r);
	/* No object file is the absence of a line, not worth a warning. */
	if (d) {
		char **warnings;
		size_t nr;
		decoder_take_warnings(d, &warnings, &nr);
		lkdb_warnings_free(warnings, nr);
	}
	decoder_destroy(d);
	free(dir);
	free(line);
}

void module_names_lines(struct module_names *mn, uint64_t addr, bool exact,
			struct symbolize_frame **frames_ret, size_t *nr_ret)
{
	*frames_ret = NULL;
	*nr_ret = 0;
	uint64_t pc = exact ? addr : addr - 1;
	const struct kmodule *m = module_names_module_at(mn, pc);
	if (m) {
		/* the decoder checks the size against the .ko's st_size */
		const struct modsym *sym = module_names_symbol(mn, m, pc);
		if (sym)
			module_names_source(mn->s, m, sym->name,
					    addr - sym->value, sym->size, exact,
					    frames_ret, nr_ret, NULL);
		return;
	}
	struct lkdb_error *err = symbolize_source(mn->s->kernel.vmlinux,
						  pc - mn->s->kernel.kaslr_offset,
						  frames_ret, nr_ret);
	lkdb_error_destroy(err);
}
