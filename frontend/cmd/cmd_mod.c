// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mod: loaded kernel modules, as crash's mod: the list read from the
 * target's memory (kernel-helpers/symbols/modules.c), and gdb symbols for them
 * (-s, -S): the module's .ko found on a search path and added with
 * add-symbol-file at the section addresses the kernel reports.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frontend/core/commands.h"
#include "common/clock.h"
#include "mi/mi_command.h"
#include "common/json.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/symbols/modfiles.h"
#include "kernel-helpers/symbols/modules.h"
#include "kernel-helpers/core/vmlinux.h"
#include "frontend/terminal/output.h"

/* Symbols this lkdb loaded into gdb, so that the list can show them. */
struct loaded_module {
	uint64_t addr;		/* struct module */
	uint64_t text;		/* the .text address given to gdb */
	char *file;		/* as found (the compressed file, if it was) */
	/* gdb was given init sections, which go once init has run */
	bool init;
};
static struct loaded_module *loaded;
static size_t nr_loaded;

static const struct loaded_module *find_loaded(const struct kmodule *m)
{
	for (size_t i = 0; i < nr_loaded; i++) {
		if (loaded[i].addr == m->addr)
			return &loaded[i];
	}
	return NULL;
}

const char *cmd_mod_loaded_file(uint64_t module_addr)
{
	for (size_t i = 0; i < nr_loaded; i++) {
		if (loaded[i].addr == module_addr)
			return loaded[i].file;
	}
	return NULL;
}

/* ---- gdb ---- */

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

static struct lkdb_error *gdb_console(struct lkdb_session *s, const char *cmd)
{
	struct lkdb_error *err = lkdb_session_need_gdb(s);
	if (err)
		return err;
	return gdb_driver_console_ok(s->gdb, GDB_CALL_QUIET, 120000, cmd, NULL,
				     NULL);
}

/*
 * file (shown as shown) must be m's object, built for this kernel and, where
 * the kernel keeps something to tell builds apart, the same build.
 */
static struct lkdb_error *check_module_file(struct lkdb_session *s,
					    const struct kernel_memory_reader *mem,
					    struct ktypes *types,
					    const struct kmodule *m,
					    const char *file, const char *shown)
{
	uint64_t name_off = 0;
	struct lkdb_error *err = ktypes_member(types, "module", "name",
					       &name_off, NULL);
	if (err)
		name_off = 0;
	lkdb_error_destroy(err);
	struct modfile_identity id;
	err = modfiles_identify(file, shown, name_off, &id);
	if (err)
		return err;
	char *srcversion = NULL, *build_id = NULL;
	err = kmodule_read_identity(mem, types, m, &srcversion, &build_id);
	if (!err) {
		struct modfile_expect expect = {
			.name = m->name,
			.release = kernel_release(&s->kernel),
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
 * add-symbol-file FILE TEXT -s SECTION ADDR ... with every section the
 * kernel reports; shown is the file as found (remembered for the list).
 */
static struct lkdb_error *load_module_symbols(struct lkdb_session *s,
					      struct kmodule *m,
					      const char *shown)
{
	const struct kernel_memory_reader *mem = kernel_memory(&s->kernel);
	struct ktypes *types;
	struct lkdb_error *err = kernel_types(&s->kernel, &types);
	if (err)
		return err;
	if (access(shown, R_OK))
		return lkdb_error_errno(errno, "cannot read %s", shown);
	err = kmodule_read_sections(mem, types, m, NULL);
	if (err && err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	lkdb_error_destroy(err);
	err = NULL;
	char *file = NULL;
	if (modfiles_compressed(shown)) {
		const char *copy;
		err = modfiles_decompress(shown, m->name, &copy);
		if (err)
			return err;
		file = strdup(copy);
	} else {
		file = strdup(shown);
	}
	if (file && (err = check_module_file(s, mem, types, m, file, shown))) {
		free(file);
		return err;
	}
	char *quoted = file ? gdb_cli_quote(file) : NULL;
	free(file);
	if (!quoted)
		return &lkdb_error_oom;

	uint64_t text = kmodule_section_address(m, ".text");
	if (!text)
		text = m->text_base;
	size_t cap = strlen(quoted) + 64 + m->nr_sections * 64;
	for (size_t i = 0; i < m->nr_sections; i++)
		cap += strlen(m->sections[i].name);
	char *cmd = malloc(cap);
	if (!cmd) {
		free(quoted);
		return &lkdb_error_oom;
	}
	size_t n = snprintf(cmd, cap, "add-symbol-file %s 0x%" PRIx64, quoted,
			    text);
	free(quoted);
	bool init = false;
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
		init |= held->init;
		n += snprintf(cmd + n, cap - n, " -s %s 0x%" PRIx64, sec->name,
			      sec->address);
	}

	/* Loaded before: replace it, not add a second copy. */
	for (size_t i = 0; i < nr_loaded; i++) {
		if (loaded[i].addr != m->addr)
			continue;
		char rm[64];
		snprintf(rm, sizeof(rm), "remove-symbol-file -a 0x%" PRIx64,
			 loaded[i].text);
		lkdb_error_destroy(gdb_console(s, rm));
		free(loaded[i].file);
		loaded[i] = loaded[--nr_loaded];
		break;
	}
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
	free(cmd);
	if (err)
		return lkdb_error_prefix(err, "add-symbol-file %s", shown);
	struct loaded_module *grown = realloc(loaded,
					      (nr_loaded + 1) * sizeof(*grown));
	char *copy = strdup(shown);
	if (!grown || !copy) {
		free(copy);
		if (grown)
			loaded = grown;
		return &lkdb_error_oom;
	}
	loaded = grown;
	loaded[nr_loaded++] = (struct loaded_module){ m->addr, text, copy,
						      init };
	return NULL;
}

/* ---- output ---- */

static int name_width(struct kmodule *const *mods, size_t n)
{
	int w = 4;
	for (size_t i = 0; i < n; i++) {
		int len = strlen(mods[i]->name);
		if (len > w)
			w = len;
	}
	return w;
}

/* crash's columns. */
static void print_header(int w)
{
	printf("     MODULE       %-*s        BASE          SIZE  OBJECT FILE\n",
	       w, "NAME");
}

static void print_module(const struct kmodule *m, int w)
{
	const struct loaded_module *l = find_loaded(m);
	printf("%016" PRIx64 "  %-*s  %016" PRIx64 "  %6" PRIu64 "  %s\n",
	       m->addr, w, m->name, m->text_base, m->core_size,
	       l ? l->file : "(not loaded)");
}

static void print_json(struct kmodule *const *mods, size_t n)
{
	fputs("[", stdout);
	for (size_t i = 0; i < n; i++) {
		const struct kmodule *m = mods[i];
		const struct loaded_module *l = find_loaded(m);
		printf("%s{\"module\": \"0x%" PRIx64 "\", \"name\": ",
		       i ? ",\n " : "", m->addr);
		json_write_string(stdout, m->name);
		printf(", \"base\": \"0x%" PRIx64 "\", \"size\": %" PRIu64 ", \"text_size\": %" PRIu64 ", \"init_size\": %" PRIu64 ", \"state\": ",
		       m->text_base, m->core_size, m->text_size, m->init_size);
		json_write_string(stdout, kmodule_state_name(m->state));
		if (m->refcount >= 0)
			printf(", \"refcount\": %ld", m->refcount);
		else
			fputs(", \"refcount\": null", stdout);
		fputs(", \"object_file\": ", stdout);
		if (l)
			json_write_string(stdout, l->file);
		else
			fputs("null", stdout);
		fputs("}", stdout);
	}
	fputs("]\n", stdout);
}

static int compare_base(const void *a, const void *b)
{
	const struct kmodule *x = *(struct kmodule *const *)a;
	const struct kmodule *y = *(struct kmodule *const *)b;
	return x->text_base < y->text_base ? -1 : x->text_base > y->text_base;
}

/* In crash's order: by base address (its load_modules[] sort). */
static void print_list(struct lkdb_command_context *ctx,
		       struct kmodule **mods, size_t n)
{
	qsort(mods, n, sizeof(*mods), compare_base);
	if (ctx->json) {
		print_json(mods, n);
	} else {
		int w = name_width(mods, n);
		print_header(w);
		for (size_t i = 0; i < n; i++)
			print_module(mods[i], w);
	}
	fflush(stdout);
}

/* ---- the command ---- */

enum mod_action { MOD_LIST, MOD_ONE, MOD_ALL };

static struct lkdb_error *mod_run(struct lkdb_command_context *ctx,
				  enum mod_action action, const char *args[2],
				  int nargs, bool stats, bool quiet,
				  uint64_t quiet_addr, char **name_ret);

struct lkdb_error *mod_load_symbols_at(struct lkdb_session *s, uint64_t addr,
				       char **name_ret)
{
	struct lkdb_command_context ctx = { .session = s };
	const char *args[2] = { NULL, NULL };
	*name_ret = NULL;
	return mod_run(&ctx, MOD_ONE, args, 1, false, true, addr, name_ret);
}

struct lkdb_error *mod_load_all_symbols_quiet(struct lkdb_session *s)
{
	struct lkdb_command_context ctx = { .session = s };
	const char *args[2] = { NULL, NULL };
	return mod_run(&ctx, MOD_ALL, args, 0, false, true, 0, NULL);
}

struct lkdb_error *mod_refresh_symbols(struct lkdb_session *s)
{
	bool any = false;
	for (size_t i = 0; i < nr_loaded && !any; i++)
		any = loaded[i].init;
	if (!any)
		return NULL;
	struct kmodule_list *list = NULL;
	struct lkdb_error *err = kernel_read_modules(lkdb_session_kernel(s),
						     &list);
	for (size_t i = 0; !err && i < list->nr_modules; i++) {
		struct kmodule *m = &list->modules[i];
		const struct loaded_module *l = find_loaded(m);
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
		err = load_module_symbols(s, m, file);
		if (err)
			err = lkdb_error_prefix(err, "module %s, its init done",
						m->name);
		free(file);
	}
	kmodule_list_destroy(list);
	return err;
}

struct lkdb_error *mod_forget_symbols(struct lkdb_session *s,
				      uint64_t module_addr)
{
	for (size_t i = 0; i < nr_loaded; i++) {
		if (loaded[i].addr != module_addr)
			continue;
		char rm[64];
		snprintf(rm, sizeof(rm), "remove-symbol-file -a 0x%" PRIx64,
			 loaded[i].text);
		struct lkdb_error *err = gdb_console(s, rm);
		free(loaded[i].file);
		loaded[i] = loaded[--nr_loaded];
		return err;
	}
	return NULL;
}

static struct lkdb_error *cmd_mod(struct lkdb_command_context *ctx)
{
	enum mod_action action = MOD_LIST;
	const char *args[2] = { NULL, NULL };
	int nargs = 0;
	bool stats = false;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (!strcmp(a, "-s") || !strcmp(a, "-S")) {
			if (action != MOD_LIST)
				return lkdb_usage_error(ctx, "one of -s and -S");
			action = a[1] == 's' ? MOD_ONE : MOD_ALL;
		} else if (!strcmp(a, "--stats")) {
			stats = true;
		} else if (a[0] == '-' && a[1]) {
			return lkdb_usage_error(ctx, "unknown option %s", a);
		} else if (nargs < 2) {
			args[nargs++] = a;
		} else {
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"",
						a);
		}
	}
	if ((action == MOD_LIST && nargs) || (action == MOD_ONE && !nargs) ||
	    (action == MOD_ALL && nargs > 1))
		return lkdb_usage(ctx);
	return mod_run(ctx, action, args, nargs, stats, false, 0, NULL);
}

/*
 * The work of mod, mod -s and mod -S.  quiet: nothing printed for what got
 * loaded, and for -S no complaint about modules without a file.  With
 * quiet_addr (mod -s only, args unused), the module whose core text holds
 * that address: its name goes to *name_ret.
 */
static struct lkdb_error *mod_run(struct lkdb_command_context *ctx,
				  enum mod_action action, const char *args[2],
				  int nargs, bool stats, bool quiet,
				  uint64_t quiet_addr, char **name_ret)
{
	struct lkdb_session *s = ctx->session;
	double t0 = lkdb_now_seconds();
	struct kernel *k = lkdb_session_kernel(s);
	struct kmodule_list *list = NULL;
	struct lkdb_error *err = kernel_read_modules(k, &list);
	if (err)
		return err;
	double t1 = lkdb_now_seconds();
	for (size_t i = 0; i < list->nr_warnings; i++)
		lkdb_warn("mod", "%s", list->warnings[i]);
	fflush(stderr);

	struct kmodule **mods = calloc(list->nr_modules ? list->nr_modules : 1,
				       sizeof(*mods));
	char **files = calloc(list->nr_modules ? list->nr_modules : 1,
			      sizeof(*files));
	struct modfiles_path path = { 0 };
	size_t n = 0;
	if (!mods || !files) {
		err = &lkdb_error_oom;
		goto out;
	}
	if (action == MOD_LIST) {
		for (size_t i = 0; i < list->nr_modules; i++)
			mods[n++] = &list->modules[i];
		print_list(ctx, mods, n);
		goto out;
	}

	if (quiet_addr) {
		for (size_t i = 0; i < list->nr_modules && !n; i++) {
			const struct kmodule *m = &list->modules[i];
			if (quiet_addr >= m->text_base &&
			    quiet_addr - m->text_base < m->text_size)
				mods[n++] = &list->modules[i];
		}
		if (!n) {
			err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
						"0x%" PRIx64 " is in no module's text",
						quiet_addr);
			goto out;
		}
		*name_ret = strdup(mods[0]->name);
		if (!*name_ret) {
			err = &lkdb_error_oom;
			goto out;
		}
		/* Loaded already: nothing to do. */
		if (find_loaded(mods[0]))
			goto out;
		args[0] = *name_ret;
	} else if (action == MOD_ONE) {
		for (size_t i = 0; i < list->nr_modules && !n; i++) {
			if (kmodule_name_equal(list->modules[i].name, args[0]))
				mods[n++] = &list->modules[i];
		}
		if (!n) {
			err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
						"%s: no such module loaded",
						args[0]);
			goto out;
		}
		if (nargs == 2) {
			files[0] = strdup(args[1]);
			if (!files[0]) {
				err = &lkdb_error_oom;
				goto out;
			}
			if (access(files[0], R_OK)) {
				err = lkdb_error_errno(errno, "cannot read %s",
						       files[0]);
				goto out;
			}
		}
	} else {
		for (size_t i = 0; i < list->nr_modules; i++) {
			if (list->modules[i].state != KMODULE_UNFORMED)
				mods[n++] = &list->modules[i];
		}
	}

	if (action == MOD_ALL && nargs == 1) {
		err = modfiles_path_add(&path, args[0], NULL);
		if (err)
			goto out;
		if (!path.n) {
			err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
						"%s: not a directory", args[0]);
			goto out;
		}
	} else if (!files[0]) {
		/* --module-path DIR comes before the default path. */
		if (s->options && s->options->module_path)
			err = modfiles_path_add(&path, s->options->module_path,
						NULL);
		if (!err)
			err = modfiles_default_path(&path,
						    vmlinux_path(s->kernel.vmlinux),
						    kernel_release(&s->kernel));
		if (err)
			goto out;
	}
	if (path.n) {
		const char **names = calloc(n ? n : 1, sizeof(*names));
		if (!names) {
			err = &lkdb_error_oom;
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			names[i] = mods[i]->name;
		err = modfiles_find(&path, names, n, files);
		free(names);
		if (err)
			goto out;
	}
	if (action == MOD_ONE && !files[0]) {
		size_t len = 0;
		for (size_t i = 0; i < path.n; i++)
			len += strlen(path.dirs[i]) + 1;
		char *dirs = calloc(1, len + 1);
		for (size_t i = 0; dirs && i < path.n; i++) {
			strcat(dirs, i ? ":" : "");
			strcat(dirs, path.dirs[i]);
		}
		err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					"%s: no object file found in %s (give FILE, or set LKDB_MODULE_PATH)",
					args[0], dirs && *dirs ? dirs : "(no module directory)");
		free(dirs);
		goto out;
	}

	/* Load those found; list what got loaded. */
	size_t nloaded = 0, nfailed = 0;
	struct kmodule **done = calloc(n ? n : 1, sizeof(*done));
	if (!done) {
		err = &lkdb_error_oom;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (!files[i])
			continue;
		struct lkdb_error *e = load_module_symbols(s, mods[i],
							   files[i]);
		if (!e) {
			done[nloaded++] = mods[i];
			continue;
		}
		if (action == MOD_ONE) {
			err = e;
			break;
		}
		fprintf(stderr, "lkdb: mod: %s: %s\n", mods[i]->name,
			e->message);
		lkdb_error_destroy(e);
		nfailed++;
	}
	if (nloaded && !quiet)
		print_list(ctx, done, nloaded);
	free(done);
	if (action == MOD_ALL && !quiet) {
		size_t missing = 0;
		for (size_t i = 0; i < n; i++)
			missing += !files[i];
		if (missing) {
			fprintf(stderr, "lkdb: mod: no object file for %zu module%s:",
				missing, missing == 1 ? "" : "s");
			for (size_t i = 0; i < n; i++) {
				if (!files[i])
					fprintf(stderr, " %s", mods[i]->name);
			}
			fputs("\n", stderr);
		}
		if (!nloaded && !err)
			err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
						"no module symbols loaded (%zu modules, %zu failed)",
						n, nfailed);
	}
out:
	if (stats && !err) {
		fprintf(stderr, "lkdb: mod: %zu modules read in %.1f ms: %u reads, %.1f KiB; total %.1f ms\n",
			list->nr_modules, (t1 - t0) * 1000, list->reads,
			list->bytes_read / 1024.0, (lkdb_now_seconds() - t0) * 1000);
	}
	for (size_t i = 0; files && i < (list ? list->nr_modules : 0); i++)
		free(files[i]);
	free(files);
	free(mods);
	modfiles_path_deinit(&path);
	kmodule_list_destroy(list);
	return err;
}

const struct lkdb_command lkdb_command_mod = {
	.name = "mod",
	.handler = cmd_mod,
	.summary = "loaded kernel modules; load their symbols into gdb",
	.usage = "mod [--json] | mod -s MODULE [FILE] | mod -S [DIR]\n"
		 "Without options, list the loaded modules as crash does (by base\n"
		 "address), read from the target's memory: the struct module's\n"
		 "address, NAME, BASE (its core text, as /proc/modules), SIZE (core\n"
		 "text and data), OBJECT FILE\n"
		 "(the file whose symbols lkdb loaded, else \"(not loaded)\").\n"
		 "  -s MODULE [FILE]  load MODULE's symbols into gdb from FILE, by\n"
		 "           default the MODULE.ko found on the search path ('-' and\n"
		 "           '_' match; .ko.debug, .ko, .ko.zst, .ko.xz, .ko.gz), at the\n"
		 "           section addresses the kernel has (/sys/module/M/sections).\n"
		 "           The file must be MODULE's object: a .ko (ELF relocatable\n"
		 "           with a struct module) named MODULE, built for this kernel\n"
		 "           (vermagic), and the loaded build where the kernel keeps\n"
		 "           something to tell (srcversion, build id); else refused\n"
		 "  -S [DIR]  the same for every loaded module found in DIR (default:\n"
		 "           the search path)\n"
		 "Search path, first match wins: $LKDB_MODULE_PATH (':'-separated),\n"
		 "PREFIX/usr/lib/debug/lib/modules/RELEASE and PREFIX/lib/modules/RELEASE\n"
		 "for a vmlinux in PREFIX/usr/lib/debug/boot or PREFIX/boot, the\n"
		 "vmlinux's directory if it is a build tree, then\n"
		 "/usr/lib/debug/lib/modules/RELEASE and /lib/modules/RELEASE.\n"
		 "  --json  an array of {module, name, base (hex strings), size,\n"
		 "          text_size, init_size, state, refcount, object_file (null\n"
		 "          if not loaded)}\n"
		 "  --stats  reads and time taken, on stderr",
	.man = ".BR mod \" [\" \\-\\-json \"] | \" \"mod \\-s\" \" \\fINAME\\fR [\\fIFILE\\fR] | \" \"mod \\-S\" \" [\\fIDIR\\fR]\"\n"
	       "Loaded modules in crash's order, by base address (address, name, base,\n"
	       "size, object file); \\-s loads one\n"
	       "module's symbols into gdb at its section addresses (the file must be that\n"
	       "module's .ko, built for this kernel, and the loaded build where the kernel\n"
	       "keeps its srcversion or build id), \\-S all that are found\n"
	       "(search path: $LKDB_MODULE_PATH, the debug and module trees next to the\n"
	       "vmlinux, /usr/lib/debug/lib/modules and /lib/modules).\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
};
