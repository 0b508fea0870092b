// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/symbols/symbolize.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * "a//./b/../c" -> "a/c".  A leading '/' stays, and so do the leading ".."
 * of a relative path ("../x" cannot be resolved without the file system);
 * ".." at the root is dropped.  "" and "." give ".".
 */
static char *normalize_path(const char *path)
{
	size_t len = strlen(path);
	char *out = malloc(len + 2);
	if (!out)
		return NULL;
	size_t n = 0;
	bool absolute = path[0] == '/';
	if (absolute)
		out[n++] = '/';
	const size_t base = n;	/* where the components start */
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = strchrnul(p, '/');
		size_t clen = end - p;
		if (clen == 1 && p[0] == '.') {
			p = end;
			continue;
		}
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			size_t last = n;	/* start of the last component */
			while (last > base && out[last - 1] != '/')
				last--;
			bool last_is_dotdot = n - last == 2 && out[last] == '.' &&
					      out[last + 1] == '.';
			if (n > base && !last_is_dotdot) {
				n = last > base ? last - 1 : base;
				p = end;
				continue;
			}
			if (absolute) {
				p = end;
				continue;
			}
		}
		if (n > base)
			out[n++] = '/';
		memcpy(out + n, p, clen);
		n += clen;
		p = end;
	}
	if (n == 0)
		out[n++] = '.';
	out[n] = '\0';
	return out;
}

char *symbolize_clean_path(const char *path, const char *comp_dir,
			   enum symbolize_paths paths)
{
	char *joined = NULL;
	if (comp_dir && !*comp_dir)
		comp_dir = NULL;
	/*
	 * Relative to comp_dir; but a relative comp_dir may be on the front
	 * already (addr2line shows Debian's names that way).
	 */
	size_t dlen = comp_dir ? strlen(comp_dir) : 0;
	bool prefixed = comp_dir && comp_dir[0] != '/' &&
			!strncmp(path, comp_dir, dlen) && path[dlen] == '/';
	if (path[0] != '/' && comp_dir && !prefixed &&
	    asprintf(&joined, "%s/%s", comp_dir, path) < 0)
		return NULL;
	char *full = normalize_path(joined ? joined : path);
	free(joined);
	char *dir = comp_dir ? normalize_path(comp_dir) : NULL;
	if (!full || (comp_dir && !dir)) {
		free(full);
		free(dir);
		return NULL;
	}
	size_t cut = 0;
	if (paths == SYMBOLIZE_PATHS_KERNEL_TREE && dir && strcmp(dir, ".") &&
	    strcmp(dir, "/")) {
		dlen = strlen(dir);
		if (!strncmp(full, dir, dlen) && full[dlen] == '/') {
			cut = dlen + 1;
		} else if (full[0] == '/' && dir[0] == '/') {
			/* the common leading directories, if more than "/" */
			for (size_t i = 1; full[i] && full[i] == dir[i]; i++) {
				if (full[i] == '/')
					cut = i + 1;
			}
		}
	}
	free(dir);
	if (cut)
		memmove(full, full + cut, strlen(full + cut) + 1);
	return full;
}

void symbolize_frames_free(struct symbolize_frame *frames, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(frames[i].function);
		free(frames[i].file);
	}
	free(frames);
}

void symbolize_result_deinit(struct symbolize_result *r)
{
	symbolize_frames_free(r->frames, r->nr_frames);
	r->frames = NULL;
	r->nr_frames = 0;
}

struct frame_list {
	struct symbolize_frame *frames;
	size_t nr, cap;
};

static bool add_frame(struct frame_list *list, const char *function,
		      const char *file, const char *comp_dir,
		      enum symbolize_paths paths, int line)
{
	if (list->nr == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 4;
		struct symbolize_frame *grown =
			realloc(list->frames, cap * sizeof(*grown));
		if (!grown)
			return false;
		list->frames = grown;
		list->cap = cap;
	}
	struct symbolize_frame *f = &list->frames[list->nr];
	f->function = function ? strdup(function) : NULL;
	f->file = file ? symbolize_clean_path(file, comp_dir, paths) : NULL;
	f->line = line > 0 ? (unsigned int)line : 0;
	if ((function && !f->function) || (file && !f->file)) {
		free(f->function);
		free(f->file);
		return false;
	}
	list->nr++;
	return true;
}

/* An inlined_subroutine's DW_AT_call_file, or NULL. */
static const char *call_file(Dwarf_Die *cudie, Dwarf_Die *die,
			     Dwarf_Files **files, size_t *nr_files)
{
	Dwarf_Attribute attr;
	Dwarf_Word index;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &attr), &index))
		return NULL;
	if (!*files && dwarf_getsrcfiles(cudie, files, nr_files))
		return NULL;
	return index < *nr_files ? dwarf_filesrc(*files, index, NULL, NULL) :
	       NULL;
}

static bool is_scope(int tag)
{
	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
	       tag == DW_TAG_lexical_block;
}

/*
 * The chain of concrete scopes (subprogram, lexical blocks, inlined
 * subroutines) from the unit down to the innermost one holding pc; *path_ret
 * is malloc'd, outermost first.  Unlike dwarf_getscopes(), which continues
 * from an inlined instance into its abstract origin's scopes, this keeps
 * to the code that is really there: each inlined instance's parent is its
 * caller.  Siblings are skipped with DW_AT_sibling: only the DIEs along the
 * way and their siblings are read.  false on OOM only.
 */
static bool concrete_path(Dwarf_Die *cudie, Dwarf_Addr pc,
			  Dwarf_Die **path_ret, int *depth_ret)
{
	Dwarf_Die *path = NULL;
	int depth = 0, cap = 0;
	Dwarf_Die parent = *cudie, child;
	for (;;) {
		bool found = false;
		if (dwarf_child(&parent, &child) != 0)
			break;
		do {
			if (is_scope(dwarf_tag(&child)) &&
			    dwarf_haspc(&child, pc) > 0) {
				found = true;
				break;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
		if (!found)
			break;
		if (depth == cap) {
			cap = cap ? 2 * cap : 8;
			Dwarf_Die *grown = realloc(path, cap * sizeof(*grown));
			if (!grown) {
				*path_ret = path;
				return false;
			}
			path = grown;
		}
		path[depth++] = child;
		parent = child;
	}
	*path_ret = path;
	*depth_ret = depth;
	return true;
}

struct lkdb_error *symbolize_source_unit(Dwarf_Die *cudie, uint64_t addr,
					 enum symbolize_paths paths,
					 struct symbolize_frame **frames_ret,
					 size_t *nr_ret)
{
	*frames_ret = NULL;
	*nr_ret = 0;
	Dwarf_Attribute attr;
	const char *comp_dir = dwarf_formstring(dwarf_attr(cudie,
							   DW_AT_comp_dir,
							   &attr));
	/* only this unit's line table is read */
	const char *file = NULL;
	int line = 0;
	Dwarf_Line *row = dwarf_getsrc_die(cudie, addr);
	if (row) {
		file = dwarf_linesrc(row, NULL, NULL);
		if (dwarf_lineno(row, &line))
			line = 0;
	}

	struct frame_list list = { 0 };
	bool ok = true;
	Dwarf_Die *path = NULL;
	int depth = 0;
	if (!concrete_path(cudie, addr, &path, &depth)) {
		free(path);
		return &lkdb_error_oom;
	}
	Dwarf_Files *files = NULL;
	size_t nr_files = 0;
	/* innermost first: each inlined instance, then the function */
	for (int i = depth - 1; ok && i >= 0; i--) {
		int tag = dwarf_tag(&path[i]);
		if (tag != DW_TAG_inlined_subroutine &&
		    tag != DW_TAG_subprogram)
			continue;
		/* an inlined or out-of-line instance names its origin */
		const char *name = dwarf_formstring(
			dwarf_attr_integrate(&path[i], DW_AT_name, &attr));
		ok = add_frame(&list, name, file, comp_dir, paths, line);
		if (tag == DW_TAG_subprogram)
			break;
		/* the caller's frame is at the call site */
		Dwarf_Word call_line;
		file = call_file(cudie, &path[i], &files, &nr_files);
		if (dwarf_formudata(dwarf_attr(&path[i], DW_AT_call_line,
					       &attr), &call_line))
			call_line = 0;
		line = call_line <= INT32_MAX ? (int)call_line : 0;
	}
	free(path);
	/* a line but no function DIE (assembly) */
	if (ok && !list.nr && file)
		ok = add_frame(&list, NULL, file, comp_dir, paths, line);
	if (!ok) {
		symbolize_frames_free(list.frames, list.nr);
		return &lkdb_error_oom;
	}
	*frames_ret = list.frames;
	*nr_ret = list.nr;
	return NULL;
}

struct lkdb_error *symbolize_source(struct vmlinux *vm, uint64_t link_addr,
				    struct symbolize_frame **frames_ret,
				    size_t *nr_ret)
{
	*frames_ret = NULL;
	*nr_ret = 0;
	Dwarf *dwarf;
	uint64_t unit;
	struct lkdb_error *err = vmlinux_dwarf_unit(vm, link_addr, &unit);
	if (!err)
		err = vmlinux_dwarf(vm, &dwarf);
	if (err && err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	/* no unit for data, code without DWARF, a file without DWARF */
	Dwarf_Die cudie;
	if (err || !dwarf_offdie(dwarf, unit, &cudie)) {
		lkdb_error_destroy(err);
		return NULL;
	}
	return symbolize_source_unit(&cudie, link_addr,
				     SYMBOLIZE_PATHS_KERNEL_TREE, frames_ret,
				     nr_ret);
}

/* Per-CPU offsets and absolute values are not moved by KASLR. */
static bool moves_with_kaslr(const struct vmlinux_symbol_info *sym)
{
	return !sym->percpu && sym->type != 'A' && sym->type != 'a';
}

/*
 * The result's source frames; code without a DWARF function (assembly) is
 * in the function the symbol table names.
 */
static struct lkdb_error *source_frames(struct vmlinux *vm, uint64_t link_addr,
					struct symbolize_result *r)
{
	struct lkdb_error *err = symbolize_source(vm, link_addr, &r->frames,
						  &r->nr_frames);
	if (err)
		return err;
	if (r->nr_frames == 1 && !r->frames[0].function &&
	    !(r->frames[0].function = strdup(r->symbol.name))) {
		symbolize_result_deinit(r);
		return &lkdb_error_oom;
	}
	return NULL;
}

/*
 * Why an address outside the image may have been given.  The module area
 * starts at the end of the image region, 1 GiB above __START_KERNEL_map
 * with KASLR (a non-zero offset says it is on), 512 MiB without.
 */
static void outside_hint(uint64_t addr, uint64_t kaslr_offset,
			 uint64_t start, uint64_t end, char *buf, size_t size)
{
	bool image_region = addr >= SYMBOLIZE_IMAGE_START &&
			    addr < SYMBOLIZE_IMAGE_END;
	buf[0] = '\0';
	if (addr >= SYMBOLIZE_IMAGE_END && addr <= SYMBOLIZE_MODULES_END)
		snprintf(buf, size, " (modules are not loaded yet)");
	else if (kaslr_offset && addr >= start && addr < end)
		snprintf(buf, size,
			 " (a link-time address? the KASLR offset is 0x%" PRIx64 ")",
			 kaslr_offset);
	else if (!kaslr_offset && addr >= SYMBOLIZE_MODULES_START &&
		 image_region)
		snprintf(buf, size,
			 " (modules are not loaded yet; or moved by KASLR? the offset in use is 0)");
	else if (!kaslr_offset && image_region)
		/* an oops' address looked up without its target */
		snprintf(buf, size, " (moved by KASLR? the offset in use is 0)");
}

/*
 * addr's symbol, size and source as found at look (addr, or addr - 1 for a
 * return address), the offset from addr.
 */
static struct lkdb_error *symbolize_at(struct vmlinux *vm,
				       uint64_t kaslr_offset, uint64_t addr,
				       uint64_t look, bool lines,
				       struct symbolize_result *ret)
{
	memset(ret, 0, sizeof(*ret));
	uint64_t start, end;
	vmlinux_text_range(vm, &start, &end);
	uint64_t link_addr = look - kaslr_offset;
	if (link_addr < start || link_addr >= end) {
		char hint[96];
		outside_hint(addr, kaslr_offset, start, end, hint,
			     sizeof(hint));
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "0x%" PRIx64 ": not a kernel text or data address%s",
					 addr, hint);
	}
	uint64_t next;
	struct lkdb_error *err = vmlinux_symbol_near(vm, link_addr,
						     &ret->symbol, &next);
	if (err)
		return err;
	ret->address = addr;
	ret->offset = addr - kaslr_offset - ret->symbol.addr;
	/* kallsyms' size: up to the next symbol, padding included */
	ret->size = next - ret->symbol.addr;
	ret->symbol.addr += kaslr_offset;	/* in the image: it moves */
	return lines ? source_frames(vm, link_addr, ret) : NULL;
}

struct lkdb_error *symbolize_address(struct vmlinux *vm, uint64_t kaslr_offset,
				     uint64_t addr,
				     struct symbolize_result *ret)
{
	return symbolize_at(vm, kaslr_offset, addr, addr, true, ret);
}

struct lkdb_error *symbolize_return_address(struct vmlinux *vm,
					    uint64_t kaslr_offset,
					    uint64_t addr,
					    struct symbolize_result *ret)
{
	return symbolize_at(vm, kaslr_offset, addr, addr - 1, true, ret);
}

struct lkdb_error *symbolize_symbol(struct vmlinux *vm, uint64_t kaslr_offset,
				    uint64_t addr, bool return_address,
				    struct symbolize_result *ret)
{
	return symbolize_at(vm, kaslr_offset, addr,
			    return_address ? addr - 1 : addr, false, ret);
}

char *symbolize_format(const char *name, uint64_t offset,
		       uint64_t symbol_size, const char *module)
{
	char *s;
	if (asprintf(&s, "%s+0x%" PRIx64 "/0x%" PRIx64 "%s%s%s", name, offset,
		     symbol_size, module ? " [" : "", module ? module : "",
		     module ? "]" : "") < 0)
		return NULL;
	return s;
}

struct lkdb_error *symbolize_name(struct vmlinux *vm, uint64_t kaslr_offset,
				  const char *name,
				  struct symbolize_result *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct lkdb_error *err = vmlinux_symbol_info(vm, name, &ret->symbol);
	if (err && err->code == LKDB_ERROR_NOT_FOUND) {
		lkdb_error_destroy(err);
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "%s: no such symbol", name);
	}
	if (err)
		return err;
	uint64_t link_addr = ret->symbol.addr;
	if (!moves_with_kaslr(&ret->symbol)) {
		/* not code: no source line either */
		ret->address = link_addr;
		ret->size = ret->symbol.size;
		return NULL;
	}
	/* kallsyms' size, as for an address */
	struct vmlinux_symbol_info at;
	uint64_t next;
	err = vmlinux_symbol_near(vm, link_addr, &at, &next);
	if (err)
		return err;
	ret->size = next - link_addr;
	ret->symbol.addr += kaslr_offset;
	ret->address = ret->symbol.addr;
	return source_frames(vm, link_addr, ret);
}
