// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/symbols/modfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel-helpers/symbols/modules.h"
#include "common/run.h"
#include "common/tempfiles.h"
#include "kernel-helpers/core/vmlinux.h"

/* ---- the search path ---- */

void modfiles_path_deinit(struct modfiles_path *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->dirs[i]);
	free(p->dirs);
	p->dirs = NULL;
	p->n = 0;
}

struct lkdb_error *modfiles_path_add(struct modfiles_path *p, const char *dir,
				     bool *added_ret)
{
	struct stat st;
	if (added_ret)
		*added_ret = false;
	char *real = realpath(dir, NULL);
	if (!real)
		return NULL;
	if (stat(real, &st) || !S_ISDIR(st.st_mode)) {
		free(real);
		return NULL;
	}
	for (size_t i = 0; i < p->n; i++) {
		if (!strcmp(p->dirs[i], real)) {
			free(real);
			return NULL;
		}
	}
	char **grown = realloc(p->dirs, (p->n + 1) * sizeof(*grown));
	if (!grown) {
		free(real);
		return &lkdb_error_oom;
	}
	p->dirs = grown;
	p->dirs[p->n++] = real;
	if (added_ret)
		*added_ret = true;
	return NULL;
}

static bool add_dir(struct modfiles_path *p, const char *dir)
{
	return !modfiles_path_add(p, dir, NULL);
}

static bool add_dirf(struct modfiles_path *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool add_dirf(struct modfiles_path *p, const char *fmt, ...)
{
	va_list ap;
	char *dir;
	va_start(ap, fmt);
	int n = vasprintf(&dir, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	bool ok = add_dir(p, dir);
	free(dir);
	return ok;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

struct lkdb_error *modfiles_default_path(struct modfiles_path *p,
					 const char *vmlinux_path,
					 const char *rel)
{
	bool ok = true;
	const char *env = getenv("LKDB_MODULE_PATH");
	if (env && *env) {
		char *copy = strdup(env), *save = NULL;
		if (!copy)
			return &lkdb_error_oom;
		for (char *d = strtok_r(copy, ":", &save); d && ok;
		     d = strtok_r(NULL, ":", &save))
			ok = add_dir(p, d);
		free(copy);
	}
	char *dir = vmlinux_path ? realpath(vmlinux_path, NULL) : NULL;
	if (dir) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		char *order;
		if (ok && asprintf(&order, "%s/modules.order", dir) >= 0) {
			if (access(order, R_OK) == 0)
				ok = add_dir(p, dir);
			free(order);
		}
		const char *tails[] = { "/usr/lib/debug/boot", "/boot" };
		for (size_t i = 0; i < 2 && ok && rel; i++) {
			if (!ends_with(dir, tails[i]))
				continue;
			dir[strlen(dir) - strlen(tails[i])] = '\0';
			ok = add_dirf(p, "%s/usr/lib/debug/lib/modules/%s", dir,
				      rel) &&
			     add_dirf(p, "%s/lib/modules/%s", dir, rel);
			break;
		}
		free(dir);
	}
	if (ok && rel)
		ok = add_dirf(p, "/usr/lib/debug/lib/modules/%s", rel) &&
		     add_dirf(p, "/lib/modules/%s", rel);
	/*
	 * Last, the current directory when a module build left its
	 * modules.order there (make M=DIR modules): the developer's own
	 * out-of-tree modules, as lx-symbols looks where gdb was started;
	 * last, so that a build there never hides the kernel's own modules.
	 */
	if (ok && access("modules.order", R_OK) == 0) {
		char *cwd = realpath(".", NULL);
		if (cwd)
			ok = add_dir(p, cwd);
		free(cwd);
	}
	return ok ? NULL : &lkdb_error_oom;
}

/* ---- finding object files ---- */

static const char *const suffixes[] = {
	/* best first */
	".ko.debug", ".ko", ".ko.zst", ".ko.xz", ".ko.gz",
};
#define NR_SUFFIXES (sizeof(suffixes) / sizeof(suffixes[0]))

/* The suffix index of a module file name, or -1; *stem_len its name. */
static int module_file_suffix(const char *base, size_t *stem_len)
{
	for (size_t i = 0; i < NR_SUFFIXES; i++) {
		if (ends_with(base, suffixes[i])) {
			*stem_len = strlen(base) - strlen(suffixes[i]);
			return *stem_len ? (int)i : -1;
		}
	}
	return -1;
}

static bool stem_matches(const char *stem, size_t len, const char *name)
{
	for (size_t i = 0; i < len; i++, name++) {
		char x = stem[i] == '-' ? '_' : stem[i];
		char y = *name == '-' ? '_' : *name;
		if (!y || x != y)
			return false;
	}
	return !*name;
}

/* One walk of a directory tree finds files for all wanted modules. */
struct finder {
	const char *const *wanted;
	size_t n;
	char **found;		/* per wanted module, in this directory */
	int *rank;		/* suffix index of found */
	bool oom;
};
/* nftw() has no context argument. */
static struct finder *current_finder;

static int find_visit(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	struct finder *f = current_finder;
	if (type != FTW_F)
		return 0;
	size_t len;
	int rank = module_file_suffix(path + ftw->base, &len);
	if (rank < 0)
		return 0;
	for (size_t i = 0; i < f->n; i++) {
		if (f->found[i] && f->rank[i] <= rank)
			continue;
		if (!stem_matches(path + ftw->base, len, f->wanted[i]))
			continue;
		char *copy = strdup(path);
		if (!copy) {
			f->oom = true;
			return 1;
		}
		free(f->found[i]);
		f->found[i] = copy;
		f->rank[i] = rank;
	}
	return 0;
}

struct lkdb_error *modfiles_find(const struct modfiles_path *path,
				 const char *const *names, size_t n,
				 char **files_ret)
{
	struct finder f = { names, n, NULL, NULL, false };
	f.found = calloc(n ? n : 1, sizeof(*f.found));
	f.rank = calloc(n ? n : 1, sizeof(*f.rank));
	if (!f.found || !f.rank) {
		free(f.found);
		free(f.rank);
		return &lkdb_error_oom;
	}
	for (size_t d = 0; d < path->n && !f.oom; d++) {
		size_t missing = 0;
		for (size_t i = 0; i < n; i++)
			missing += !files_ret[i];
		if (!missing)
			break;
		current_finder = &f;
		nftw(path->dirs[d], find_visit, 32, FTW_PHYS);
		current_finder = NULL;
		for (size_t i = 0; i < n; i++) {
			if (!files_ret[i])
				files_ret[i] = f.found[i];
			else
				free(f.found[i]);
			f.found[i] = NULL;
		}
	}
	free(f.found);
	free(f.rank);
	return f.oom ? &lkdb_error_oom : NULL;
}

/* ---- decompression ---- */

bool modfiles_compressed(const char *file)
{
	return ends_with(file, ".zst") || ends_with(file, ".xz") ||
	       ends_with(file, ".gz");
}

struct lkdb_error *modfiles_decompress(const char *file, const char *name,
				       const char **ret)
{
	const char *tool = ends_with(file, ".zst") ? "zstd" :
			   ends_with(file, ".xz") ? "xz" : "gzip";
	/* Decompressed copies live until the process exits. */
	static unsigned int nr_copies;
	char *copy_name;
	if (asprintf(&copy_name, "%s.%u.ko", name, nr_copies++) < 0)
		return &lkdb_error_oom;
	int fd;
	const char *out;
	struct lkdb_error *err = lkdb_temp_file(copy_name, &fd, &out);
	free(copy_name);
	if (err)
		return err;
	char *argv[] = { (char *)tool, (char *)"-dc", (char *)file, NULL };
	err = lkdb_run(argv, fd);
	close(fd);
	if (err)
		return lkdb_error_prefix(err, "decompressing %s", file);
	*ret = out;
	return NULL;
}

/* A "key=value" of .modinfo's NUL-separated strings, copied to buf. */
static void modinfo_value(const char *info, size_t len, const char *key,
			  char *buf, size_t size)
{
	size_t klen = strlen(key);
	buf[0] = '\0';
	for (size_t i = 0; i < len;) {
		const char *s = info + i;
		size_t n = strnlen(s, len - i);
		if (n > klen && !memcmp(s, key, klen) && s[klen] == '=') {
			size_t v = n - klen - 1;
			if (v >= size)
				v = size - 1;
			memcpy(buf, s + klen + 1, v);
			buf[v] = '\0';
			return;
		}
		i += n + 1;
	}
}

static const char *elf_type_name(unsigned int type)
{
	switch (type) {
	case ET_EXEC:	return "an executable (a vmlinux?)";
	case ET_DYN:	return "a shared object or PIE";
	case ET_CORE:	return "a core dump";
	default:	return "not a relocatable object";
	}
}

/* The contents of elf's PROGBITS section `wanted`, NULL if none. */
static Elf_Data *section_data(Elf *elf, size_t shstrndx, const char *wanted)
{
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn;
	     scn = elf_nextscn(elf, scn)) {
		GElf_Shdr shdr;
		const char *name;
		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_PROGBITS &&
		    (name = elf_strptr(elf, shstrndx, shdr.sh_name)) &&
		    !strcmp(name, wanted))
			return elf_getdata(scn, NULL);
	}
	return NULL;
}

bool modfiles_in_tree(Elf *elf)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx))
		return false;
	Elf_Data *modinfo = section_data(elf, shstrndx, ".modinfo");
	char value[8];
	if (!modinfo || !modinfo->d_buf)
		return false;
	modinfo_value(modinfo->d_buf, modinfo->d_size, "intree", value,
		      sizeof(value));
	return !strcmp(value, "Y");
}

static struct lkdb_error *identify(Elf *elf, const char *path,
				   uint64_t name_offset,
				   struct modfile_identity *ret)
{
	GElf_Ehdr ehdr;
	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: not a module object (not an ELF file)",
					 path);
	if (ehdr.e_type != ET_REL)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: not a module object (ELF type %u: %s)",
					 path, ehdr.e_type,
					 elf_type_name(ehdr.e_type));
	if (ehdr.e_machine != EM_X86_64)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: not an x86_64 module (ELF machine %u)",
					 path, ehdr.e_machine);
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx))
		return lkdb_error_libelf("%s", path);
	Elf_Data *modinfo = section_data(elf, shstrndx, ".modinfo");
	Elf_Data *this_module = section_data(elf, shstrndx,
					     ".gnu.linkonce.this_module");
	if (!this_module)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: not a module object (no .gnu.linkonce.this_module: an object file, not a .ko)",
					 path);
	if (modinfo && modinfo->d_buf) {
		modinfo_value(modinfo->d_buf, modinfo->d_size, "name",
			      ret->name, sizeof(ret->name));
		modinfo_value(modinfo->d_buf, modinfo->d_size, "vermagic",
			      ret->vermagic, sizeof(ret->vermagic));
		modinfo_value(modinfo->d_buf, modinfo->d_size, "srcversion",
			      ret->srcversion, sizeof(ret->srcversion));
	}
	/* Kernels before modinfo's name=: the struct module's own. */
	if (!ret->name[0] && name_offset && this_module->d_buf &&
	    name_offset < this_module->d_size) {
		size_t n = strnlen((const char *)this_module->d_buf +
					   name_offset,
				   this_module->d_size - name_offset);
		if (n >= sizeof(ret->name))
			n = sizeof(ret->name) - 1;
		memcpy(ret->name, (const char *)this_module->d_buf + name_offset,
		       n);
		ret->name[n] = '\0';
	}
	if (!ret->name[0])
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: a module object without a name (no modinfo name=)",
					 path);
	return elf_build_id(elf, path, &ret->build_id);
}

struct lkdb_error *modfiles_identify(const char *path, const char *shown,
				     uint64_t this_module_name_offset,
				     struct modfile_identity *ret)
{
	memset(ret, 0, sizeof(*ret));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lkdb_error_errno(errno, "cannot open %s", shown);
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	struct lkdb_error *err;
	if (!elf)
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"%s: not a module object (not an ELF file)",
					shown);
	else
		err = identify(elf, shown, this_module_name_offset, ret);
	elf_end(elf);
	close(fd);
	if (err)
		modfile_identity_deinit(ret);
	return err;
}

void modfile_identity_deinit(struct modfile_identity *id)
{
	free(id->build_id);
	id->build_id = NULL;
}

/* The kernel's build id is BUILD_ID_SIZE_MAX bytes, zero-padded. */
static bool same_build_id(const char *kernel, const char *file)
{
	size_t n = strlen(file);
	if (!n || strncmp(kernel, file, n))
		return false;
	for (const char *p = kernel + n; *p; p++) {
		if (*p != '0')
			return false;
	}
	return true;
}

struct lkdb_error *modfiles_check(const struct modfile_identity *id,
				  const char *shown,
				  const struct modfile_expect *expect)
{
	size_t vlen = strcspn(id->vermagic, " ");
	if (expect->name && !kmodule_name_equal(id->name, expect->name))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s is module %s, not %s", shown,
					 id->name, expect->name);
	if (expect->release && vlen &&
	    (strlen(expect->release) != vlen ||
	     strncmp(id->vermagic, expect->release, vlen)))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s was built for Linux %.*s, the kernel is %s",
					 shown, (int)vlen, id->vermagic,
					 expect->release);
	if (expect->srcversion && strcmp(expect->srcversion, id->srcversion))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s is another build of %s: srcversion %s, the loaded module's %s",
					 shown, id->name,
					 id->srcversion[0] ? id->srcversion :
							     "(none)",
					 expect->srcversion);
	if (expect->build_id &&
	    !(id->build_id && same_build_id(expect->build_id, id->build_id)))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s is another build of %s: build id %s, the loaded module's %s",
					 shown, id->name,
					 id->build_id ? id->build_id : "(none)",
					 expect->build_id);
	return NULL;
}
