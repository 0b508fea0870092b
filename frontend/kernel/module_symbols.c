// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/kernel/module_symbols.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/vmlinux.h"
#include "frontend/terminal/output.h"
#include "mi/mi_command.h"

/* Symbols this session gave gdb, so that mod's list can show them. */
struct loaded_module {
	uint64_t addr;		/* struct module */
	uint64_t text;		/* the .text address given to gdb */
	char *file;		/* as found (the compressed file, if it was) */
	/* gdb was given init sections, which go once init has run */
	bool init;
};

struct module_symbols {
	struct loaded_module *loaded;
	size_t n;
};

static void table_destroy(struct module_symbols *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->loaded[i].file);
	free(t->loaded);
	free(t);
}

/* The session's table, made on first use; NULL when out of memory. */
static struct module_symbols *table(struct lkdb_session *s)
{
	if (!s->module_symbols) {
		s->module_symbols = calloc(1, sizeof(*s->module_symbols));
		s->module_symbols_destroy = table_destroy;
	}
	return s->module_symbols;
}

static struct loaded_module *find_loaded(struct lkdb_session *s,
					 uint64_t module_addr)
{
	struct module_symbols *t = s->module_symbols;
	for (size_t i = 0; t && i < t->n; i++) {
		if (t->loaded[i].addr == module_addr)
			return &t->loaded[i];
	}
	return NULL;
}

const char *module_symbols_file(struct lkdb_session *s, uint64_t module_addr)
{
	const struct loaded_module *l = find_loaded(s, module_addr);
	return l ? l->file : NULL;
}

static struct lkdb_error *gdb_console(struct lkdb_session *s, const char *cmd)
{
	struct lkdb_error *err = lkdb_session_need_gdb(s);
	if (err)
		return err;
	return gdb_driver_console_ok(s->gdb, GDB_CALL_QUIET, 120000, cmd, NULL,
				     NULL);
}

/* The key of a module's add-symbol-file in the session's gdb state. */
static void state_key(char *key, size_t size, uint64_t module_addr)
{
	snprintf(key, size, "module 0x%" PRIx64, module_addr);
}

/* Take the entry out of the table and its symbols out of gdb. */
static struct lkdb_error *unload(struct lkdb_session *s, struct loaded_module *l)
{
	struct module_symbols *t = s->module_symbols;
	char rm[64];
	snprintf(rm, sizeof(rm), "remove-symbol-file -a 0x%" PRIx64, l->text);
	struct lkdb_error *err = gdb_console(s, rm);
	char key[32];
	state_key(key, sizeof(key), l->addr);
	lkdb_error_destroy(lkdb_session_gdb_state(s, key, NULL, 0));
	free(l->file);
	*l = t->loaded[--t->n];
	return err;
}

struct lkdb_error *module_symbols_path(struct lkdb_session *s,
				       struct modfiles_path *path)
{
	struct lkdb_error *err = NULL;
	if (s->options && s->options->module_path)
		err = modfiles_path_add(path, s->options->module_path, NULL);
	if (!err)
		err = modfiles_default_path(path,
					    vmlinux_path(s->kernel.vmlinux),
					    kernel_release(&s->kernel));
	return err;
}

struct lkdb_error *module_symbols_not_found(const char *module,
					    const struct modfiles_path *path)
{
	size_t len = 0;
	for (size_t i = 0; i < path->n; i++)
		len += strlen(path->dirs[i]) + 1;
	char *dirs = calloc(1, len + 1);
	for (size_t i = 0; dirs && i < path->n; i++) {
		strcat(dirs, i ? ":" : "");
		strcat(dirs, path->dirs[i]);
	}
	struct lkdb_error *err = lkdb_error_create(
		LKDB_ERROR_NOT_FOUND,
		"%s: no object file found in %s (give FILE, or set LKDB_MODULE_PATH)",
		module, dirs && *dirs ? dirs : "(no module directory)");
	free(dirs);
	return err;
}

/* A section name gdb can take as one word (kernel memory is not trusted). */
static bool plain_section_name(const char *name)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("._$-", *p)))
			return false;
	}
	return true;
}

/*
 * file (shown as found) must be m's object, built for this kernel and,
 * where the kernel keeps something to tell builds apart, the same build.
 */
static struct lkdb_error *check_module_file(struct kernel *k,
					    const struct kmodule *m,
					    const char *file, const char *shown)
{
	struct ktypes *types;
	struct lkdb_error *err = kernel_types(k, &types);
	if (err)
		return err;
	uint64_t name_off = 0;
	err = ktypes_member(types, "module", "name", &name_off, NULL);
	if (err)
		name_off = 0;
	lkdb_error_destroy(err);
	struct modfile_identity id;
	err = modfiles_identify(file, shown, name_off, &id);
	if (err)
		return err;
	char *srcversion = NULL, *build_id = NULL;
	err = kmodule_read_identity(kernel_memory(k), types, m, &srcversion,
				    &build_id);
	if (!err) {
		struct modfile_expect expect = {
			.name = m->name,
			.release = kernel_release(k),
			.srcversion = srcversion,
			.build_id = build_id,
		};
		err = modfiles_check(&id, shown, &expect);
	}
	free(srcversion);
	free(build_id);
	modfile_identity_deinit(&id);
	return err;
}

/*
 * "add-symbol-file FILE TEXT -s SECTION ADDR ..." with every section of m
 * that lies where the kernel says now (m's sections read); *init_ret:
 * whether an init section is among them.  NULL when out of memory.
 */
static char *add_symbol_file_command(const struct kmodule *m,
				     const char *file, uint64_t text,
				     bool *init_ret)
{
	char *quoted = gdb_cli_quote(file);
	if (!quoted)
		return NULL;
	size_t cap = strlen(quoted) + 64 + m->nr_sections * 64;
	for (size_t i = 0; i < m->nr_sections; i++)
		cap += strlen(m->sections[i].name);
	char *cmd = malloc(cap);
	if (!cmd) {
		free(quoted);
		return NULL;
	}
	size_t n = snprintf(cmd, cap, "add-symbol-file %s 0x%" PRIx64, quoted,
			    text);
	free(quoted);
	*init_ret = false;
	for (size_t i = 0; i < m->nr_sections; i++) {
		const struct kmodule_section *sec = &m->sections[i];
		if (!strcmp(sec->name, ".text") ||
		    !plain_section_name(sec->name))
			continue;
		/*
		 * Only what lies there now: the kernel keeps an init
		 * section's address after freeing its memory, where the
		 * next module's code may land.
		 */
		const struct kmodule_region *held = kmodule_region_at(
			m, sec->address);
		if (!held)
			continue;
		*init_ret |= held->init;
		n += snprintf(cmd + n, cap - n, " -s %s 0x%" PRIx64, sec->name,
			      sec->address);
	}
	return cmd;
}

struct lkdb_error *module_symbols_load(struct lkdb_session *s,
				       struct kmodule *m, const char *shown)
{
	struct kernel *k = lkdb_session_kernel(s);
	struct ktypes *types;
	struct lkdb_error *err = kernel_types(k, &types);
	if (err)
		return err;
	if (access(shown, R_OK))
		return lkdb_error_errno(errno, "cannot read %s", shown);
	err = kmodule_read_sections(kernel_memory(k), types, m, NULL);
	if (err && err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	lkdb_error_destroy(err);
	const char *file = shown;
	if (modfiles_compressed(shown)) {
		err = modfiles_decompress(shown, m->name, &file);
		if (err)
			return err;
	}
	err = check_module_file(k, m, file, shown);
	if (err)
		return err;

	uint64_t text = kmodule_section_address(m, ".text");
	if (!text)
		text = m->text_base;
	bool init = false;
	char *cmd = add_symbol_file_command(m, file, text, &init);
	struct module_symbols *t = table(s);
	char *copy = strdup(shown);
	struct loaded_module *grown = t ? realloc(t->loaded, (t->n + 1) *
						  sizeof(*grown)) : NULL;
	if (grown)
		t->loaded = grown;
	if (!cmd || !copy || !grown) {
		free(cmd);
		free(copy);
		return &lkdb_error_oom;
	}

	/* Loaded before: replace it, not add a second copy. */
	struct loaded_module *before = find_loaded(s, m->addr);
	if (before)
		lkdb_error_destroy(unload(s, before));
	/*
	 * gdb's index cache keys a file by its build-id, but the index of a
	 * relocatable object holds the addresses of the layout it was made
	 * with: read for a module loaded elsewhere (another boot, KASLR) it
	 * finds no line for code outside .text (.text.unlikely, .init.text).
	 */
	bool index_cache = s->options && !s->options->no_index_cache;
	if (index_cache)
		lkdb_error_destroy(gdb_console(s, "set index-cache enabled off"));
	err = gdb_console(s, cmd);
	if (index_cache)
		lkdb_error_destroy(gdb_console(s, "set index-cache enabled on"));
	if (!err) {
		/* A new gdb gets them the same way (lkdb_session_gdb_state). */
		const char *cmds[] = { "set index-cache enabled off", cmd,
				       "set index-cache enabled on" };
		char key[32];
		state_key(key, sizeof(key), m->addr);
		lkdb_error_destroy(lkdb_session_gdb_state(
			s, key, index_cache ? cmds : cmds + 1,
			index_cache ? 3 : 1));
	}
	free(cmd);
	if (err) {
		free(copy);
		return lkdb_error_prefix(err, "add-symbol-file %s", shown);
	}
	t->loaded[t->n++] = (struct loaded_module){ m->addr, text, copy, init };
	return NULL;
}

struct lkdb_error *module_symbols_read_modules(struct lkdb_session *s,
					       struct kmodule_list **ret)
{
	struct lkdb_error *err = kernel_read_modules(lkdb_session_kernel(s),
						     ret);
	if (err)
		return err;
	for (size_t i = 0; i < (*ret)->nr_warnings; i++)
		lkdb_warn("mod", "%s", (*ret)->warnings[i]);
	fflush(stderr);
	return NULL;
}

struct lkdb_error *module_symbols_load_module(struct lkdb_session *s,
					      const struct kmodule *module)
{
	struct modfiles_path path = { 0 };
	char *file = NULL;
	struct lkdb_error *err = NULL;
	/* Its sections are read into a copy: module stays as it is. */
	struct kmodule copy = *module, *m = &copy;
	copy.sections = NULL;
	copy.nr_sections = 0;
	if (!find_loaded(s, m->addr)) {
		const char *name = m->name;
		err = module_symbols_path(s, &path);
		if (!err && path.n)
			err = modfiles_find(&path, &name, 1, &file);
		if (!err && !file)
			err = module_symbols_not_found(m->name, &path);
		if (!err)
			err = module_symbols_load(s, m, file);
	}
	free(file);
	modfiles_path_deinit(&path);
	kmodule_sections_free(&copy);
	return err;
}

struct lkdb_error *module_symbols_load_at(struct lkdb_session *s,
					  uint64_t addr, char **name_ret)
{
	*name_ret = NULL;
	struct kmodule_list *list = NULL;
	struct lkdb_error *err = module_symbols_read_modules(s, &list);
	if (err)
		return err;
	struct kmodule *m = NULL;
	for (size_t i = 0; i < list->nr_modules && !m; i++) {
		struct kmodule *c = &list->modules[i];
		if (addr >= c->text_base && addr - c->text_base < c->text_size)
			m = c;
	}
	if (!m)
		err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					"0x%" PRIx64 " is in no module's text",
					addr);
	else if (!(*name_ret = strdup(m->name)))
		err = &lkdb_error_oom;
	else
		err = module_symbols_load_module(s, m);
	kmodule_list_destroy(list);
	return err;
}

struct lkdb_error *module_symbols_load_all_quiet(struct lkdb_session *s)
{
	struct kmodule_list *list = NULL;
	struct lkdb_error *err = module_symbols_read_modules(s, &list);
	if (err)
		return err;
	size_t n = list->nr_modules;
	const char **names = calloc(n ? n : 1, sizeof(*names));
	char **files = calloc(n ? n : 1, sizeof(*files));
	struct modfiles_path path = { 0 };
	if (!names || !files)
		err = &lkdb_error_oom;
	for (size_t i = 0; !err && i < n; i++)
		names[i] = list->modules[i].name;
	if (!err)
		err = module_symbols_path(s, &path);
	if (!err && path.n)
		err = modfiles_find(&path, names, n, files);
	for (size_t i = 0; !err && i < n; i++) {
		struct kmodule *m = &list->modules[i];
		if (!files[i] || m->state == KMODULE_UNFORMED)
			continue;
		struct lkdb_error *e = module_symbols_load(s, m, files[i]);
		if (e)
			fprintf(stderr, "lkdb: mod: %s: %s\n", m->name,
				e->message);
		lkdb_error_destroy(e);
	}
	for (size_t i = 0; files && i < n; i++)
		free(files[i]);
	free(files);
	free(names);
	modfiles_path_deinit(&path);
	kmodule_list_destroy(list);
	return err;
}

struct lkdb_error *module_symbols_refresh(struct lkdb_session *s)
{
	struct module_symbols *t = s->module_symbols;
	bool any = false;
	for (size_t i = 0; t && i < t->n && !any; i++)
		any = t->loaded[i].init;
	if (!any)
		return NULL;
	struct kmodule_list *list = NULL;
	struct lkdb_error *err = kernel_read_modules(lkdb_session_kernel(s),
						     &list);
	for (size_t i = 0; !err && i < list->nr_modules; i++) {
		struct kmodule *m = &list->modules[i];
		const struct loaded_module *l = find_loaded(s, m->addr);
		if (!l || !l->init)
			continue;
		bool init_left = false;
		for (unsigned int r = 0; r < m->nr_regions; r++)
			init_left |= m->regions[r].init;
		if (init_left)
			continue;
		/* Replaces the entry l points to. */
		char *file = strdup(l->file);
		if (!file) {
			err = &lkdb_error_oom;
			break;
		}
		err = module_symbols_load(s, m, file);
		if (err)
			err = lkdb_error_prefix(err, "module %s, its init done",
						m->name);
		free(file);
	}
	kmodule_list_destroy(list);
	return err;
}

struct lkdb_error *module_symbols_forget(struct lkdb_session *s,
					 uint64_t module_addr)
{
	struct loaded_module *l = find_loaded(s, module_addr);
	return l ? unload(s, l) : NULL;
}
