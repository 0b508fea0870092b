// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/decode/decode.h"

#include <elfutils/libdwfl.h>
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <libiberty/demangle.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel-helpers/symbols/modfiles.h"
#include "kernel-helpers/core/vmlinux.h"

/* A function symbol of a module, at its address in libdwfl's layout. */
struct modsym {
	const char *name;	/* libelf's string table */
	uint64_t addr, size;
	uint64_t extent;	/* to the next symbol or the section's end */
};

/* One module's object file, opened on its first frame. */
struct modobj {
	char *name;		/* as in the log */
	char *file;		/* as found; NULL when none was */
	Dwfl *dwfl;
	Dwfl_Module *mod;
	struct modsym *syms;
	size_t nr_syms;
	/* built in the kernel's tree: its paths are the tree's */
	bool in_tree;
};

struct decoder {
	struct vmlinux *vm;	/* NULL without a vmlinux */
	bool exact_addresses;
	struct modfiles_path path;
	struct modobj *mods;
	size_t nr_mods;
	char **warnings;
	size_t nr_warnings;
};

char *decode_demangle(const char *name)
{
	if (strncmp(name, "_Z", 2) && strncmp(name, "_R", 2))
		return NULL;
	/*
	 * DMGL_AUTO tries Rust (legacy names overlap with C++'s) then C++;
	 * without DMGL_VERBOSE a legacy name's hash is left out.
	 */
	return cplus_demangle(name, DMGL_AUTO | DMGL_PARAMS | DMGL_ANSI);
}

struct lkdb_error *decoder_create(const struct decoder_options *options,
				  struct decoder **ret)
{
	struct decoder *d = calloc(1, sizeof(*d));
	if (!d)
		return &lkdb_error_oom;
	d->exact_addresses = options->exact_addresses;
	struct lkdb_error *err = NULL;
	for (size_t i = 0; i < options->nr_module_dirs && !err; i++) {
		const char *dir = options->module_dirs[i];
		struct stat st;
		if (stat(dir, &st)) {
			err = lkdb_error_errno(errno, "module directory %s", dir);
		} else if (!S_ISDIR(st.st_mode)) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
						"module directory %s: not a directory",
						dir);
		} else if (access(dir, R_OK | X_OK)) {
			err = lkdb_error_errno(errno, "module directory %s",
					       dir);
		} else {
			err = modfiles_path_add(&d->path, dir, NULL);
		}
	}
	if (!err && options->vmlinux) {
		err = vmlinux_open(options->vmlinux, &d->vm);
		if (!err && !options->nr_module_dirs)
			err = modfiles_default_path(&d->path, options->vmlinux,
						    vmlinux_release(d->vm));
	}
	if (err) {
		decoder_destroy(d);
		return err;
	}
	*ret = d;
	return NULL;
}

void decoder_destroy(struct decoder *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nr_mods; i++) {
		free(d->mods[i].name);
		free(d->mods[i].file);
		free(d->mods[i].syms);
		if (d->mods[i].dwfl)
			dwfl_end(d->mods[i].dwfl);
	}
	free(d->mods);
	modfiles_path_deinit(&d->path);
	lkdb_warnings_free(d->warnings, d->nr_warnings);
	vmlinux_destroy(d->vm);
	free(d);
}

void decoder_take_warnings(struct decoder *d, char ***warnings_ret,
			   size_t *nr_ret)
{
	*warnings_ret = d->warnings;
	*nr_ret = d->nr_warnings;
	d->warnings = NULL;
	d->nr_warnings = 0;
}

void decode_result_deinit(struct decode_result *r)
{
	free(r->demangled);
	symbolize_frames_free(r->frames, r->nr_frames);
	free(r->note);
	memset(r, 0, sizeof(*r));
}

/* ---- modules ---- */

/* The module's own file carries its DWARF: no separate debug file. */
static int no_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			Dwarf_Addr base, const char *file_name,
			const char *debuglink_file, GElf_Word debuglink_crc,
			char **debuginfo_file_name)
{
	(void)mod, (void)userdata, (void)modname, (void)base, (void)file_name;
	(void)debuglink_file, (void)debuglink_crc, (void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = no_debuginfo,
	/* lays the sections of an ET_REL file out and relocates its DWARF */
	.section_address = dwfl_offline_section_address,
};

static int compare_modsym(const void *a, const void *b)
{
	const struct modsym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * The functions of the module with their extents: sorted by address, each
 * extends to the next symbol of its section or the section's end, as the
 * kernel's module kallsyms measures them.
 */
static struct lkdb_error *read_modsyms(struct modobj *m)
{
	int n = dwfl_module_getsymtab(m->mod);
	if (n <= 0)
		return NULL;
	struct modsym *syms = calloc(n, sizeof(*syms));
	uint64_t *section_end = calloc(n, sizeof(*section_end));
	GElf_Word *shndx_of = calloc(n, sizeof(*shndx_of));
	if (!syms || !section_end || !shndx_of) {
		free(syms);
		free(section_end);
		free(shndx_of);
		return &lkdb_error_oom;
	}
	size_t nr = 0;
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		GElf_Word shndx;
		Elf *elf;
		Dwarf_Addr bias;
		const char *name = dwfl_module_getsym_info(m->mod, i, &sym,
							   &addr, &shndx, &elf,
							   &bias);
		int type = name ? GELF_ST_TYPE(sym.st_info) : -1;
		if (!name || !*name || shndx == SHN_UNDEF ||
		    shndx >= SHN_LORESERVE ||
		    (type != STT_FUNC && type != STT_NOTYPE))
			continue;
		GElf_Shdr shdr;
		Elf_Scn *scn = elf_getscn(elf, shndx);
		if (!scn || !gelf_getshdr(scn, &shdr) ||
		    !(shdr.sh_flags & SHF_EXECINSTR))
			continue;
		syms[nr] = (struct modsym){ name, addr, sym.st_size, 0 };
		section_end[nr] = addr - sym.st_value + shdr.sh_size;
		shndx_of[nr] = shndx;
		nr++;
	}
	/* extents: sort a copy of the indices would do; n is small */
	for (size_t i = 0; i < nr; i++) {
		uint64_t end = section_end[i];
		for (size_t j = 0; j < nr; j++) {
			if (shndx_of[j] == shndx_of[i] &&
			    syms[j].addr > syms[i].addr && syms[j].addr < end)
				end = syms[j].addr;
		}
		syms[i].extent = end - syms[i].addr;
	}
	free(section_end);
	free(shndx_of);
	qsort(syms, nr, sizeof(*syms), compare_modsym);
	m->syms = syms;
	m->nr_syms = nr;
	return NULL;
}

static struct lkdb_error *open_module(struct decoder *d, struct modobj *m)
{
	const char *names[1] = { m->name };
	char *files[1] = { NULL };
	struct lkdb_error *err = modfiles_find(&d->path, names, 1, files);
	if (err)
		return err;
	m->file = files[0];
	if (!m->file && !d->vm && !d->path.n)
		return NULL;	/* only demangling: nothing was asked */
	if (!m->file) {
		return lkdb_warning_append(&d->warnings, &d->nr_warnings,
					   "module %s: no object file found%s",
					   m->name,
					   d->path.n ? " on the module path" :
					   " (no module directory: give --modules DIR)");
	}
	const char *file = m->file;
	if (modfiles_compressed(file)) {
		err = modfiles_decompress(m->file, m->name, &file);
		if (err) {
			char *msg = err->message;
			struct lkdb_error *w = lkdb_warning_append(
				&d->warnings, &d->nr_warnings, "module %s: %s",
				m->name, msg ? msg : "cannot decompress");
			lkdb_error_destroy(err);
			free(m->file);
			m->file = NULL;
			return w;
		}
	}
	m->dwfl = dwfl_begin(&offline_callbacks);
	if (!m->dwfl)
		return &lkdb_error_oom;
	dwfl_report_begin(m->dwfl);
	m->mod = dwfl_report_offline(m->dwfl, m->name, file, -1);
	dwfl_report_end(m->dwfl, NULL, NULL);
	if (!m->mod) {
		struct lkdb_error *w = lkdb_warning_append(
			&d->warnings, &d->nr_warnings,
			"module %s: %s: %s", m->name, m->file,
			dwfl_errmsg(-1));
		free(m->file);
		m->file = NULL;
		return w;
	}
	Dwarf_Addr bias;
	Elf *elf = dwfl_module_getelf(m->mod, &bias);
	m->in_tree = elf && modfiles_in_tree(elf);
	return read_modsyms(m);
}

/* The module named name (opened on first use); NULL when it has no file. */
static struct lkdb_error *find_module(struct decoder *d, const char *name,
				      struct modobj **ret)
{
	*ret = NULL;
	for (size_t i = 0; i < d->nr_mods; i++) {
		if (!strcmp(d->mods[i].name, name)) {
			*ret = d->mods[i].file ? &d->mods[i] : NULL;
			return NULL;
		}
	}
	struct modobj *grown = realloc(d->mods,
				       (d->nr_mods + 1) * sizeof(*grown));
	if (!grown)
		return &lkdb_error_oom;
	d->mods = grown;
	struct modobj *m = &d->mods[d->nr_mods];
	memset(m, 0, sizeof(*m));
	if (!(m->name = strdup(name)))
		return &lkdb_error_oom;
	d->nr_mods++;
	struct lkdb_error *err = open_module(d, m);
	if (err)
		return err;
	*ret = m->file ? m : NULL;
	return NULL;
}

/* ---- frames ---- */

static struct lkdb_error *set_note(struct decode_result *r, const char *fmt,
				   ...) __attribute__((format(printf, 2, 3)));
static struct lkdb_error *set_note(struct decode_result *r, const char *fmt,
				   ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&r->note, fmt, ap);
	va_end(ap);
	if (n < 0) {
		r->note = NULL;
		return &lkdb_error_oom;
	}
	return NULL;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static struct lkdb_error *module_frame(struct decoder *d, const char *func,
				       const char *module,
				       const struct logline *l,
				       uint64_t back,
				       struct decode_result *r)
{
	struct modobj *m;
	struct lkdb_error *err = find_module(d, module, &m);
	if (err || !m)
		return err;
	const struct modsym *best = NULL;
	for (size_t i = 0; i < m->nr_syms; i++) {
		const struct modsym *s = &m->syms[i];
		if (strcmp(s->name, func))
			continue;
		if (!best)
			best = s;
		if (!l->has_size || s->size == l->size ||
		    s->extent == l->size) {
			best = s;
			break;
		}
	}
	if (!best)
		return set_note(r, "no symbol %s in %s", func,
				base_name(m->file));
	if (l->has_size && best->size != l->size && best->extent != l->size)
		return set_note(r, "%s is 0x%" PRIx64 " bytes in %s, 0x%" PRIx64 " in the log: not the module that ran?",
				func, best->extent, base_name(m->file),
				l->size);
	uint64_t addr = best->addr + l->offset - back;
	Dwarf_Addr bias;
	Dwarf_Die *cu = dwfl_module_addrdie(m->mod, addr, &bias);
	r->resolved = true;
	r->address = addr;
	r->object = m->file;
	if (!cu)
		return NULL;
	return symbolize_source_unit(cu, addr - bias,
				     m->in_tree ? SYMBOLIZE_PATHS_KERNEL_TREE :
						  SYMBOLIZE_PATHS_WHOLE,
				     &r->frames,
				     &r->nr_frames);
}

static struct lkdb_error *vmlinux_frame(struct decoder *d, const char *func,
					const struct logline *l, uint64_t back,
					struct decode_result *r)
{
	struct vmlinux_symbol_info sym;
	bool sized;
	struct lkdb_error *err = vmlinux_symbol_sized(d->vm, func, l->size,
						      &sym, &sized);
	if (err && err->code == LKDB_ERROR_NOT_FOUND) {
		lkdb_error_destroy(err);
		return set_note(r, "no symbol %s in %s", func,
				base_name(vmlinux_path(d->vm)));
	}
	if (err)
		return err;
	if (l->has_size && !sized) {
		struct vmlinux_symbol_info at;
		uint64_t next;
		uint64_t size = sym.size;
		err = vmlinux_symbol_near(d->vm, sym.addr, &at, &next);
		if (!err)
			size = next - sym.addr;
		lkdb_error_destroy(err);
		return set_note(r, "%s is 0x%" PRIx64 " bytes in %s, 0x%" PRIx64 " in the log: not the kernel that ran?",
				func, size, base_name(vmlinux_path(d->vm)),
				l->size);
	}
	uint64_t addr = sym.addr + l->offset - back;
	r->resolved = true;
	r->address = addr;
	r->object = vmlinux_path(d->vm);
	return symbolize_source(d->vm, addr, &r->frames, &r->nr_frames);
}

struct lkdb_error *decoder_frame(struct decoder *d, const char *line,
				 const struct logline *l,
				 struct decode_result *ret)
{
	memset(ret, 0, sizeof(*ret));
	if ((l->kind != LOGLINE_FRAME && l->kind != LOGLINE_RIP) ||
	    !l->func.len)
		return NULL;
	char *func = strndup(line + l->func.start, l->func.len);
	char *module = l->module.len ?
		       strndup(line + l->module.start, l->module.len) : NULL;
	if (!func || (l->module.len && !module)) {
		free(func);
		free(module);
		return &lkdb_error_oom;
	}
	struct lkdb_error *err = NULL;
	ret->demangled = decode_demangle(func);
	/*
	 * A trace entry is a return address: the call is the byte before
	 * (an entry at offset 0 is a function's start, not a return).
	 */
	uint64_t back = l->kind == LOGLINE_FRAME && !d->exact_addresses &&
			l->offset ? 1 : 0;
	if (!l->has_offset) {
		/* cut at the console width: nothing to look up */
	} else if (module && !l->truncated) {
		err = module_frame(d, func, module, l, back, ret);
	} else if (!module && d->vm) {
		err = vmlinux_frame(d, func, l, back, ret);
	}
	free(func);
	free(module);
	if (err)
		decode_result_deinit(ret);
	return err;
}
