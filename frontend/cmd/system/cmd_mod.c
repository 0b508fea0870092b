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

#include "common/clock.h"
#include "common/json.h"
#include "frontend/core/commands.h"
#include "frontend/kernel/module_symbols.h"
#include "kernel-helpers/symbols/modfiles.h"
#include "kernel-helpers/symbols/modules.h"

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

static void print_module(struct lkdb_session *s, const struct kmodule *m,
			 int w)
{
	const char *file = module_symbols_file(s, m->addr);
	printf("%016" PRIx64 "  %-*s  %016" PRIx64 "  %6" PRIu64 "  %s\n",
	       m->addr, w, m->name, m->text_base, m->core_size,
	       file ? file : "(not loaded)");
}

static void print_json(struct lkdb_session *s, struct kmodule *const *mods,
		       size_t n)
{
	fputs("[", stdout);
	for (size_t i = 0; i < n; i++) {
		const struct kmodule *m = mods[i];
		const char *file = module_symbols_file(s, m->addr);
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
		if (file)
			json_write_string(stdout, file);
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
		print_json(ctx->session, mods, n);
	} else {
		int w = name_width(mods, n);
		print_header(w);
		for (size_t i = 0; i < n; i++)
			print_module(ctx->session, mods[i], w);
	}
	fflush(stdout);
}

/* ---- the command ---- */

enum mod_action { MOD_LIST, MOD_ONE, MOD_ALL };

/*
 * mod -s NAME [FILE]: mods_ret[0] is the module named, files_ret[0] the
 * file given or found on the search path.
 */
static struct lkdb_error *choose_one(struct lkdb_session *s,
				     struct kmodule_list *list,
				     const char *args[2], int nargs,
				     struct kmodule **mods_ret,
				     char **files_ret)
{
	for (size_t i = 0; i < list->nr_modules && !mods_ret[0]; i++) {
		if (kmodule_name_equal(list->modules[i].name, args[0]))
			mods_ret[0] = &list->modules[i];
	}
	if (!mods_ret[0])
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "%s: no such module loaded", args[0]);
	if (nargs == 2) {
		if (!(files_ret[0] = strdup(args[1])))
			return &lkdb_error_oom;
		if (access(files_ret[0], R_OK))
			return lkdb_error_errno(errno, "cannot read %s",
						files_ret[0]);
		return NULL;
	}
	struct modfiles_path path = { 0 };
	const char *name = mods_ret[0]->name;
	struct lkdb_error *err = module_symbols_path(s, &path);
	if (!err && path.n)
		err = modfiles_find(&path, &name, 1, files_ret);
	if (!err && !files_ret[0])
		err = module_symbols_not_found(args[0], &path);
	modfiles_path_deinit(&path);
	return err;
}

/*
 * mod -S [DIR]: every module that is more than being formed, with its file
 * in DIR or on the search path (NULL: none found).
 */
static struct lkdb_error *choose_all(struct lkdb_session *s,
				     struct kmodule_list *list,
				     const char *dir, struct kmodule **mods,
				     char **files, size_t *n_ret)
{
	size_t n = 0;
	for (size_t i = 0; i < list->nr_modules; i++) {
		if (list->modules[i].state != KMODULE_UNFORMED)
			mods[n++] = &list->modules[i];
	}
	*n_ret = n;
	struct modfiles_path path = { 0 };
	struct lkdb_error *err;
	if (dir) {
		err = modfiles_path_add(&path, dir, NULL);
		if (!err && !path.n)
			err = lkdb_error_create(LKDB_ERROR_NOT_FOUND,
						"%s: not a directory", dir);
	} else {
		err = module_symbols_path(s, &path);
	}
	const char **names = calloc(n ? n : 1, sizeof(*names));
	if (!err && !names)
		err = &lkdb_error_oom;
	for (size_t i = 0; !err && i < n; i++)
		names[i] = mods[i]->name;
	if (!err && path.n)
		err = modfiles_find(&path, names, n, files);
	free(names);
	modfiles_path_deinit(&path);
	return err;
}

/* Load those found; list what got loaded.  -s: a failure is the error. */
static struct lkdb_error *load_chosen(struct lkdb_command_context *ctx,
				      enum mod_action action,
				      struct kmodule **mods, char **files,
				      size_t n)
{
	struct lkdb_error *err = NULL;
	size_t nloaded = 0, nfailed = 0;
	struct kmodule **done = calloc(n ? n : 1, sizeof(*done));
	if (!done)
		return &lkdb_error_oom;
	for (size_t i = 0; i < n; i++) {
		if (!files[i])
			continue;
		struct lkdb_error *e = module_symbols_load(ctx->session,
							   mods[i], files[i]);
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
	if (nloaded)
		print_list(ctx, done, nloaded);
	free(done);
	if (action != MOD_ALL)
		return err;
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
	return err;
}

/* The work of mod, mod -s and mod -S, on the module list read now. */
static struct lkdb_error *mod_run(struct lkdb_command_context *ctx,
				  enum mod_action action, const char *args[2],
				  int nargs, bool stats)
{
	struct lkdb_session *s = ctx->session;
	double t0 = lkdb_now_seconds();
	struct kmodule_list *list = NULL;
	struct lkdb_error *err = module_symbols_read_modules(s, &list);
	if (err)
		return err;
	double t1 = lkdb_now_seconds();

	size_t cap = list->nr_modules ? list->nr_modules : 1, n = 0;
	struct kmodule **mods = calloc(cap, sizeof(*mods));
	char **files = calloc(cap, sizeof(*files));
	if (!mods || !files) {
		err = &lkdb_error_oom;
	} else if (action == MOD_LIST) {
		for (size_t i = 0; i < list->nr_modules; i++)
			mods[n++] = &list->modules[i];
		print_list(ctx, mods, n);
	} else {
		if (action == MOD_ONE) {
			err = choose_one(s, list, args, nargs, mods, files);
			n = 1;
		} else {
			err = choose_all(s, list, nargs ? args[0] : NULL, mods,
					 files, &n);
		}
		if (!err)
			err = load_chosen(ctx, action, mods, files, n);
	}
	if (stats && !err) {
		fprintf(stderr, "lkdb: mod: %zu modules read in %.1f ms: %u reads, %.1f KiB; total %.1f ms\n",
			list->nr_modules, (t1 - t0) * 1000, list->reads,
			list->bytes_read / 1024.0, (lkdb_now_seconds() - t0) * 1000);
	}
	for (size_t i = 0; files && i < list->nr_modules; i++)
		free(files[i]);
	free(files);
	free(mods);
	kmodule_list_destroy(list);
	return err;
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
	return mod_run(ctx, action, args, nargs, stats);
}

/* After -s, a loaded module's name; nothing else. */
static bool complete_mod(const struct lkdb_command_context *ctx,
			 const char *text, void (*add)(const char *word))
{
	const char *prev = ctx->argv[ctx->argc - 1];
	if (strcmp(prev, "-s") || !ctx->kernel)
		return true;
	struct kmodule_list *list = NULL;
	struct lkdb_error *err = kernel_read_modules(ctx->kernel, &list);
	if (err) {
		lkdb_error_destroy(err);
		return true;
	}
	for (size_t i = 0; i < list->nr_modules; i++)
		if (!strncmp(list->modules[i].name, text, strlen(text)))
			add(list->modules[i].name);
	kmodule_list_destroy(list);
	return true;
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
		 "/usr/lib/debug/lib/modules/RELEASE and /lib/modules/RELEASE, and\n"
		 "last the current directory if a module was built there (make M=:\n"
		 "it has a modules.order).\n"
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
	       "vmlinux, /usr/lib/debug/lib/modules, /lib/modules, and the current\n"
	       "directory when an out-of-tree module was built there: it has a\n"
	       "modules.order).\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = complete_mod,
};
