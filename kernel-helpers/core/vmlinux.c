// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/core/vmlinux.h"

#include <ctype.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BANNER_PREFIX "Linux version "
/* init/version.c's linux_banner is one line of about 200 bytes. */
#define BANNER_MAX 4096

/* An allocated section, i.e. one with a link-time address. */
struct vmlinux_section {
	uint64_t addr, size;
	uint64_t offset;	/* in the file; unused for NOBITS */
	bool nobits;
	const char *name;
};

/* One slot of the open-addressing symbol index; sym 0 (STN_UNDEF) = empty. */
struct symbol_slot {
	uint32_t sym;
	uint32_t hash;
};

/*
 * One symbol of the address-sorted array: sorted by address, then best
 * first (rank), then by symbol table index.
 */
struct addr_entry {
	uint64_t addr;
	uint32_t sym;
	uint32_t rank;
};

/* A compilation unit's address range, for files without .debug_aranges. */
struct unit_range {
	uint64_t start, end;
	uint64_t die_offset;
};

struct vmlinux {
	char *path;
	int fd;
	Elf *elf;
	struct vmlinux_section *sections;
	size_t nr_sections;
	/*
	 * .symtab and .strtab as libelf hands them out: the mapping itself
	 * when no byte swapping is needed.
	 */
	const Elf64_Sym *syms;
	size_t nr_syms;
	const char *strtab;
	size_t strtab_size;
	struct symbol_slot *index;
	size_t index_mask;
	uint64_t text_start, text_end;
	char *banner;
	char *release;
	char *build_id;
	/* Built on first use by vmlinux_symbol_near(). */
	struct addr_entry *by_addr;
	size_t nr_by_addr;
	bool has_debug_info;	/* a .debug_info section */
	/* Opened on first use by vmlinux_dwarf(). */
	Dwarf *dwarf;
	bool dwarf_tried;
	/* vmlinux_dwarf_unit(): aranges, else units' ranges (built once) */
	bool aranges_checked, have_aranges;
	struct unit_range *unit_ranges;
	size_t nr_unit_ranges;
};

static const char *machine_name(unsigned int machine)
{
	switch (machine) {
	case EM_386:		return "i386";
	case EM_ARM:		return "ARM";
	case EM_AARCH64:	return "AArch64";
	case EM_PPC:		return "PowerPC";
	case EM_PPC64:		return "PowerPC64";
	case EM_S390:		return "s390";
	case EM_MIPS:		return "MIPS";
	case EM_RISCV:		return "RISC-V";
	case EM_LOONGARCH:	return "LoongArch";
	case EM_SPARCV9:	return "SPARC64";
	default:		return NULL;
	}
}

/* FNV-1a: cheap and good enough for ~130k kernel symbol names. */
static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u;
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

static const char *sym_name(const struct vmlinux *vm, const Elf64_Sym *sym)
{
	/* open() checked that .strtab ends in a NUL */
	return sym->st_name < vm->strtab_size ? vm->strtab + sym->st_name : "";
}

/* The slot holding name, or the empty slot where it would go. */
static struct symbol_slot *index_slot(const struct vmlinux *vm,
				      const char *name, uint32_t hash)
{
	for (size_t i = hash & vm->index_mask;; i = (i + 1) & vm->index_mask) {
		struct symbol_slot *slot = &vm->index[i];
		if (!slot->sym || (slot->hash == hash &&
				   strcmp(sym_name(vm, &vm->syms[slot->sym]),
					  name) == 0))
			return slot;
	}
}

static struct lkdb_error *build_index(struct vmlinux *vm)
{
	size_t size = 1;
	/* at most half full keeps linear probing short */
	while (size < 2 * vm->nr_syms)
		size <<= 1;
	vm->index = calloc(size, sizeof(*vm->index));
	if (!vm->index)
		return &lkdb_error_oom;
	vm->index_mask = size - 1;

	for (size_t i = 1; i < vm->nr_syms; i++) {
		const Elf64_Sym *sym = &vm->syms[i];
		int type = ELF64_ST_TYPE(sym->st_info);
		if (sym->st_shndx == SHN_UNDEF || type == STT_SECTION ||
		    type == STT_FILE)
			continue;
		const char *name = sym_name(vm, sym);
		if (!*name)
			continue;
		uint32_t hash = name_hash(name);
		struct symbol_slot *slot = index_slot(vm, name, hash);
		if (!slot->sym ||
		    (ELF64_ST_BIND(vm->syms[slot->sym].st_info) == STB_LOCAL &&
		     ELF64_ST_BIND(sym->st_info) != STB_LOCAL)) {
			slot->sym = i;
			slot->hash = hash;
		}
	}
	return NULL;
}

struct lkdb_error *vmlinux_symbol(const struct vmlinux *vm, const char *name,
				  uint64_t *addr_ret, uint64_t *size_ret)
{
	const struct symbol_slot *slot = index_slot(vm, name, name_hash(name));
	if (!slot->sym)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "%s: no symbol \"%s\"", vm->path,
					 name);
	*addr_ret = vm->syms[slot->sym].st_value;
	if (size_ret)
		*size_ret = vm->syms[slot->sym].st_size;
	return NULL;
}

static const struct vmlinux_section *find_section(const struct vmlinux *vm,
						  uint64_t addr)
{
	for (size_t i = 0; i < vm->nr_sections; i++) {
		const struct vmlinux_section *s = &vm->sections[i];
		if (addr >= s->addr && addr - s->addr < s->size)
			return s;
	}
	return NULL;
}

struct lkdb_error *vmlinux_read(const struct vmlinux *vm, uint64_t link_addr,
				void *buf, size_t len)
{
	uint64_t addr = link_addr;
	unsigned char *out = buf;

	while (len) {
		const struct vmlinux_section *s = find_section(vm, addr);
		if (!s)
			return lkdb_error_create(LKDB_ERROR_FAULT,
						 "%s: no file contents at address 0x%" PRIx64 " (in no section)",
						 vm->path, addr);
		if (s->nobits)
			return lkdb_error_create(LKDB_ERROR_FAULT,
						 "%s: no file contents at address 0x%" PRIx64 " (in NOBITS section %s)",
						 vm->path, addr, s->name);
		uint64_t avail = s->size - (addr - s->addr);
		size_t n = len < avail ? len : avail;
		off_t pos = s->offset + (addr - s->addr);
		while (n) {
			ssize_t got = pread(vm->fd, out, n, pos);
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				return lkdb_error_errno(errno, "%s: read", vm->path);
			if (got == 0)
				return lkdb_error_create(LKDB_ERROR_FAULT,
							 "%s: unexpected end of file at address 0x%" PRIx64 " (truncated?)",
							 vm->path, addr);
			out += got;
			pos += got;
			addr += got;
			len -= got;
			n -= got;
		}
	}
	return NULL;
}

/* Record the allocated sections and find .symtab (left NULL if none). */
static struct lkdb_error *load_sections(struct vmlinux *vm, off_t file_size,
					Elf_Scn **symtab_ret)
{
	size_t shnum, shstrndx;
	if (elf_getshdrnum(vm->elf, &shnum) ||
	    elf_getshdrstrndx(vm->elf, &shstrndx))
		return lkdb_error_libelf("%s", vm->path);
	vm->sections = calloc(shnum ? shnum : 1, sizeof(*vm->sections));
	if (!vm->sections)
		return &lkdb_error_oom;

	for (Elf_Scn *scn = elf_nextscn(vm->elf, NULL); scn;
	     scn = elf_nextscn(vm->elf, scn)) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr))
			return lkdb_error_libelf("%s", vm->path);
		if (shdr.sh_type == SHT_SYMTAB)
			*symtab_ret = scn;
		const char *name = elf_strptr(vm->elf, shstrndx, shdr.sh_name);
		if (name && (!strcmp(name, ".debug_info") ||
			     !strcmp(name, ".zdebug_info")))
			vm->has_debug_info = true;
		if (!(shdr.sh_flags & SHF_ALLOC) || !shdr.sh_size)
			continue;
		struct vmlinux_section *s = &vm->sections[vm->nr_sections++];
		s->addr = shdr.sh_addr;
		s->size = shdr.sh_size;
		s->offset = shdr.sh_offset;
		s->nobits = shdr.sh_type == SHT_NOBITS;
		s->name = name ? name : "?";
		if (!s->nobits && (shdr.sh_offset > (uint64_t)file_size ||
				   shdr.sh_size > file_size - shdr.sh_offset))
			return lkdb_error_create(LKDB_ERROR_ELF,
						 "%s: section %s extends past the end of the file (truncated?)",
						 vm->path, s->name);
	}
	return NULL;
}

static struct lkdb_error *load_symtab(struct vmlinux *vm, Elf_Scn *symtab)
{
	GElf_Shdr shdr, strshdr;
	Elf_Scn *strscn;
	if (!gelf_getshdr(symtab, &shdr) ||
	    !(strscn = elf_getscn(vm->elf, shdr.sh_link)) ||
	    !gelf_getshdr(strscn, &strshdr))
		return lkdb_error_libelf("%s: .symtab", vm->path);
	/*
	 * From a cold page cache, faulting the ~6 MB of both tables in page
	 * by page is slow; ask for all of it at once.
	 */
	posix_fadvise(vm->fd, shdr.sh_offset, shdr.sh_size,
		      POSIX_FADV_WILLNEED);
	posix_fadvise(vm->fd, strshdr.sh_offset, strshdr.sh_size,
		      POSIX_FADV_WILLNEED);

	Elf_Data *syms = elf_getdata(symtab, NULL);
	Elf_Data *strs = elf_getdata(strscn, NULL);
	if (!syms || !strs)
		return lkdb_error_libelf("%s: .symtab", vm->path);
	if (!strs->d_size || ((const char *)strs->d_buf)[strs->d_size - 1])
		return lkdb_error_create(LKDB_ERROR_ELF,
					 "%s: corrupt symbol string table",
					 vm->path);
	vm->syms = syms->d_buf;
	vm->nr_syms = syms->d_size / sizeof(Elf64_Sym);
	vm->strtab = strs->d_buf;
	vm->strtab_size = strs->d_size;
	return build_index(vm);
}

static struct lkdb_error *load_banner(struct vmlinux *vm)
{
	uint64_t addr, size;
	struct lkdb_error *err = vmlinux_symbol(vm, "linux_banner", &addr,
						&size);
	if (err) {
		/* "no symbol" says less than this */
		lkdb_error_destroy(err);
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: not a Linux kernel image (no linux_banner symbol)",
					 vm->path);
	}
	if (!size || size > BANNER_MAX)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: linux_banner has an unexpected size of %" PRIu64 " bytes",
					 vm->path, size);
	vm->banner = malloc(size);
	if (!vm->banner)
		return &lkdb_error_oom;
	err = vmlinux_read(vm, addr, vm->banner, size);
	if (err && err->code == LKDB_ERROR_FAULT) {
		/* objcopy --only-keep-debug turns sections into NOBITS */
		lkdb_error_destroy(err);
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: linux_banner has no contents in the file (a debug-info-only file?)",
					 vm->path);
	}
	if (err)
		return err;
	if (strnlen(vm->banner, size) == size ||
	    strncmp(vm->banner, BANNER_PREFIX, strlen(BANNER_PREFIX)) != 0)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: linux_banner is not a \"" BANNER_PREFIX "...\" string",
					 vm->path);

	const char *release = vm->banner + strlen(BANNER_PREFIX);
	vm->release = strndup(release, strcspn(release, " \n"));
	return vm->release ? NULL : &lkdb_error_oom;
}

static struct lkdb_error *load_text_range(struct vmlinux *vm)
{
	struct lkdb_error *err = vmlinux_symbol(vm, "_text", &vm->text_start,
						NULL);
	if (!err)
		err = vmlinux_symbol(vm, "_end", &vm->text_end, NULL);
	bool found = !err;
	lkdb_error_destroy(err);
	if (!found || vm->text_start >= vm->text_end)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: no valid _text/_end symbols",
					 vm->path);
	return NULL;
}

struct lkdb_error *elf_build_id(Elf *elf, const char *path, char **hex_ret)
{
	*hex_ret = NULL;
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn;
	     scn = elf_nextscn(elf, scn)) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data)
			return lkdb_error_libelf("%s: notes", path);
		GElf_Nhdr nhdr;
		size_t pos = 0, name_pos, desc_pos;
		while ((pos = gelf_getnote(data, pos, &nhdr, &name_pos,
					   &desc_pos)) > 0) {
			const char *note_name = (const char *)data->d_buf + name_pos;
			if (nhdr.n_type != NT_GNU_BUILD_ID ||
			    nhdr.n_namesz != sizeof(ELF_NOTE_GNU) ||
			    memcmp(note_name, ELF_NOTE_GNU, sizeof(ELF_NOTE_GNU)) ||
			    !nhdr.n_descsz)
				continue;
			const unsigned char *desc = (const unsigned char *)data->d_buf + desc_pos;
			char *hex = malloc(2 * nhdr.n_descsz + 1);
			if (!hex)
				return &lkdb_error_oom;
			for (size_t i = 0; i < nhdr.n_descsz; i++)
				sprintf(hex + 2 * i, "%02x", desc[i]);
			*hex_ret = hex;
			return NULL;
		}
	}
	return NULL;
}

static struct lkdb_error *check_header(struct vmlinux *vm, off_t file_size)
{
	if (elf_kind(vm->elf) != ELF_K_ELF)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: not an ELF file", vm->path);
	GElf_Ehdr ehdr;
	if (!gelf_getehdr(vm->elf, &ehdr))
		return lkdb_error_libelf("%s", vm->path);
	if (ehdr.e_machine != EM_X86_64) {
		const char *name = machine_name(ehdr.e_machine);
		if (name)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "%s: not an x86_64 ELF file (machine: %s)",
						 vm->path, name);
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: not an x86_64 ELF file (machine: %u)",
					 vm->path, ehdr.e_machine);
	}
	/* EM_X86_64 with ELFCLASS32 is x32 user space, never a kernel */
	if (gelf_getclass(vm->elf) != ELFCLASS64)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: not a 64-bit ELF file", vm->path);
	/*
	 * The section headers come last: a cut-off copy would otherwise look
	 * like a stripped file.
	 */
	uint64_t size = file_size;
	if (ehdr.e_shoff > size ||
	    (uint64_t)ehdr.e_shnum * ehdr.e_shentsize > size - ehdr.e_shoff)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: truncated ELF file (%" PRIu64 " bytes, section headers end at %" PRIu64 ")",
					 vm->path, size,
					 ehdr.e_shoff + (uint64_t)ehdr.e_shnum * ehdr.e_shentsize);
	return NULL;
}

struct lkdb_error *vmlinux_open(const char *path, struct vmlinux **ret)
{
	struct vmlinux *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return &lkdb_error_oom;
	vm->fd = -1;
	struct lkdb_error *err = NULL;
	if (!(vm->path = strdup(path))) {
		err = &lkdb_error_oom;
		goto fail;
	}

	vm->fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (vm->fd < 0 || fstat(vm->fd, &st) < 0) {
		err = lkdb_error_errno(errno, "%s", path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"%s: not a regular file", path);
		goto fail;
	}

	elf_version(EV_CURRENT);
	/* mmap: only the pages of headers, .symtab and .strtab get read */
	vm->elf = elf_begin(vm->fd, ELF_C_READ_MMAP, NULL);
	if (!vm->elf) {
		err = lkdb_error_libelf("%s", path);
		goto fail;
	}
	Elf_Scn *symtab = NULL;
	if ((err = check_header(vm, st.st_size)) ||
	    (err = load_sections(vm, st.st_size, &symtab)))
		goto fail;
	if (!symtab) {
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"%s: no symbol table (stripped vmlinux? use the -dbg package's /usr/lib/debug/boot/vmlinux-*)",
					path);
		goto fail;
	}
	if ((err = load_symtab(vm, symtab)) || (err = load_banner(vm)) ||
	    (err = load_text_range(vm)) || (err = elf_build_id(vm->elf, vm->path, &vm->build_id)))
		goto fail;
	*ret = vm;
	return NULL;

fail:
	vmlinux_destroy(vm);
	return err;
}

void vmlinux_destroy(struct vmlinux *vm)
{
	if (!vm)
		return;
	free(vm->build_id);
	free(vm->release);
	free(vm->banner);
	free(vm->index);
	free(vm->by_addr);
	free(vm->unit_ranges);
	if (vm->dwarf)
		dwarf_end(vm->dwarf);
	free(vm->sections);
	elf_end(vm->elf);
	if (vm->fd >= 0)
		close(vm->fd);
	free(vm->path);
	free(vm);
}

const char *vmlinux_path(const struct vmlinux *vm)
{
	return vm->path;
}

const char *vmlinux_banner(const struct vmlinux *vm)
{
	return vm->banner;
}

const char *vmlinux_release(const struct vmlinux *vm)
{
	return vm->release;
}

const char *vmlinux_build_id(const struct vmlinux *vm)
{
	return vm->build_id;
}

void vmlinux_text_range(const struct vmlinux *vm, uint64_t *start_ret,
			uint64_t *end_ret)
{
	*start_ret = vm->text_start;
	*end_ret = vm->text_end;
}

struct lkdb_error *vmlinux_section(const struct vmlinux *vm, const char *name,
				   uint64_t *addr_ret, uint64_t *size_ret)
{
	for (size_t i = 0; i < vm->nr_sections; i++) {
		if (!strcmp(vm->sections[i].name, name)) {
			*addr_ret = vm->sections[i].addr;
			if (size_ret)
				*size_ret = vm->sections[i].size;
			return NULL;
		}
	}
	return lkdb_error_create(LKDB_ERROR_NOT_FOUND, "%s: no section %s",
				 vm->path, name);
}

/* The symbol's section header; false for SHN_ABS, SHN_COMMON and the like. */
static bool symbol_section(const struct vmlinux *vm, const Elf64_Sym *sym,
			   GElf_Shdr *shdr)
{
	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx >= SHN_LORESERVE)
		return false;
	Elf_Scn *scn = elf_getscn(vm->elf, sym->st_shndx);
	return scn && gelf_getshdr(scn, shdr);
}

/* nm(1)'s letter for a defined symbol. */
static char symbol_type(const struct vmlinux *vm, const Elf64_Sym *sym)
{
	int bind = ELF64_ST_BIND(sym->st_info);
	int type = ELF64_ST_TYPE(sym->st_info);
	if (bind == STB_WEAK)
		return type == STT_OBJECT ? 'V' : 'W';
	char c;
	GElf_Shdr shdr;
	if (sym->st_shndx == SHN_ABS)
		c = 'a';
	else if (sym->st_shndx == SHN_COMMON)
		c = 'c';
	else if (!symbol_section(vm, sym, &shdr))
		c = '?';
	else if (!(shdr.sh_flags & SHF_ALLOC))
		c = 'n';
	else if (shdr.sh_type == SHT_NOBITS)
		c = 'b';
	else if (shdr.sh_flags & SHF_EXECINSTR)
		c = 't';
	else if (shdr.sh_flags & SHF_WRITE)
		c = 'd';
	else
		c = 'r';
	if (bind == STB_GNU_UNIQUE)
		return 'u';
	return bind == STB_GLOBAL ? (char)toupper((unsigned char)c) : c;
}

/* x86_64 SMP links .data..percpu at 0: its symbols are per-CPU offsets. */
static bool symbol_percpu(const struct vmlinux *vm, const Elf64_Sym *sym)
{
	GElf_Shdr shdr;
	size_t shstrndx;
	if (!symbol_section(vm, sym, &shdr) || shdr.sh_addr != 0 ||
	    !(shdr.sh_flags & SHF_ALLOC) ||
	    elf_getshdrstrndx(vm->elf, &shstrndx))
		return false;
	const char *name = elf_strptr(vm->elf, shstrndx, shdr.sh_name);
	return name && !strcmp(name, ".data..percpu");
}

static void fill_info(const struct vmlinux *vm, uint32_t index,
		      struct vmlinux_symbol_info *ret)
{
	const Elf64_Sym *sym = &vm->syms[index];
	ret->name = sym_name(vm, sym);
	ret->addr = sym->st_value;
	ret->size = sym->st_size;
	ret->type = symbol_type(vm, sym);
	ret->percpu = symbol_percpu(vm, sym);
}

struct lkdb_error *vmlinux_symbol_info(const struct vmlinux *vm,
				       const char *name,
				       struct vmlinux_symbol_info *ret)
{
	const struct symbol_slot *slot = index_slot(vm, name, name_hash(name));
	if (!slot->sym)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "%s: no symbol \"%s\"", vm->path,
					 name);
	fill_info(vm, slot->sym, ret);
	return NULL;
}

/* Whether symbol i has size: its own or kallsyms' (to the next symbol). */
static bool symbol_has_size(struct vmlinux *vm, size_t i, uint64_t size)
{
	const Elf64_Sym *sym = &vm->syms[i];
	if (sym->st_size == size)
		return true;
	struct vmlinux_symbol_info at;
	uint64_t next;
	struct lkdb_error *err = vmlinux_symbol_near(vm, sym->st_value, &at,
						     &next);
	if (err) {
		lkdb_error_destroy(err);
		return false;
	}
	return next - sym->st_value == size;
}

struct lkdb_error *vmlinux_symbol_sized(struct vmlinux *vm, const char *name,
					uint64_t size,
					struct vmlinux_symbol_info *ret,
					bool *sized_ret)
{
	const struct symbol_slot *slot = index_slot(vm, name, name_hash(name));
	*sized_ret = false;
	if (!slot->sym)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "%s: no symbol \"%s\"", vm->path,
					 name);
	size_t found = slot->sym;
	if (symbol_has_size(vm, found, size)) {
		*sized_ret = true;
	} else {
		/* the rare duplicate: one pass over the table */
		for (size_t i = 1; i < vm->nr_syms; i++) {
			if (i != slot->sym &&
			    !strcmp(sym_name(vm, &vm->syms[i]), name) &&
			    symbol_has_size(vm, i, size)) {
				found = i;
				*sized_ret = true;
				break;
			}
		}
	}
	fill_info(vm, found, ret);
	return NULL;
}

/*
 * Symbols that name an address: functions, objects and labels in an
 * allocated section, but not the assembler's and linker's noise: local
 * labels (.L*), ARM/RISC-V mapping symbols ($x, $d, ...) and empty names.
 * Returns the rank among symbols at the same address (higher is better),
 * or 0 to leave the symbol out.
 */
static uint32_t address_rank(const struct vmlinux *vm, const Elf64_Sym *sym)
{
	int type = ELF64_ST_TYPE(sym->st_info);
	int bind = ELF64_ST_BIND(sym->st_info);
	if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
		return 0;
	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx >= SHN_LORESERVE)
		return 0;
	const char *name = sym_name(vm, sym);
	if (!*name || *name == '$' || !strncmp(name, ".L", 2))
		return 0;
	uint32_t rank = 1;
	if (type != STT_NOTYPE)
		rank += 8;		/* a function or object over a label */
	if (bind == STB_GLOBAL)
		rank += 4;		/* global over weak over local */
	else if (bind == STB_WEAK)
		rank += 2;
	if (sym->st_size)
		rank += 1;
	return rank;
}

static int compare_addr_entries(const void *a, const void *b)
{
	const struct addr_entry *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	return x->sym < y->sym ? -1 : x->sym > y->sym;
}

static struct lkdb_error *build_by_addr(struct vmlinux *vm)
{
	struct addr_entry *entries = malloc((vm->nr_syms ? vm->nr_syms : 1) *
					    sizeof(*entries));
	if (!entries)
		return &lkdb_error_oom;
	/* which sections are allocated, by index */
	size_t shnum;
	bool *alloc = NULL;
	if (elf_getshdrnum(vm->elf, &shnum) == 0)
		alloc = calloc(shnum ? shnum : 1, sizeof(*alloc));
	if (!alloc) {
		free(entries);
		return &lkdb_error_oom;
	}
	for (size_t i = 1; i < shnum; i++) {
		GElf_Shdr shdr;
		Elf_Scn *scn = elf_getscn(vm->elf, i);
		alloc[i] = scn && gelf_getshdr(scn, &shdr) &&
			   (shdr.sh_flags & SHF_ALLOC);
	}
	size_t n = 0;
	for (size_t i = 1; i < vm->nr_syms; i++) {
		const Elf64_Sym *sym = &vm->syms[i];
		if (sym->st_shndx >= shnum || !alloc[sym->st_shndx])
			continue;
		uint32_t rank = address_rank(vm, sym);
		if (rank)
			entries[n++] = (struct addr_entry){ sym->st_value, i,
							     rank };
	}
	free(alloc);
	qsort(entries, n, sizeof(*entries), compare_addr_entries);
	vm->by_addr = entries;
	vm->nr_by_addr = n;
	return NULL;
}

static struct lkdb_error *symbol_near(struct vmlinux *vm, uint64_t link_addr,
				      bool last_name,
				      struct vmlinux_symbol_info *ret,
				      uint64_t *next_ret)
{
	if (!vm->by_addr) {
		struct lkdb_error *err = build_by_addr(vm);
		if (err)
			return err;
	}
	/* the first entry above link_addr */
	size_t lo = 0, hi = vm->nr_by_addr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (vm->by_addr[mid].addr <= link_addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "%s: no symbol at or below address 0x%" PRIx64,
					 vm->path, link_addr);
	size_t next = lo, best = lo - 1, last = lo - 1;
	/* the best of the symbols at that address comes first */
	while (best > 0 && vm->by_addr[best - 1].addr == vm->by_addr[best].addr)
		best--;
	if (last_name) {
		/* crash's pick: the greatest name of them */
		for (size_t i = best + 1; i <= last; i++)
			if (strcmp(sym_name(vm, &vm->syms[vm->by_addr[i].sym]),
				   sym_name(vm, &vm->syms[vm->by_addr[best].sym])) > 0)
				best = i;
	}
	const struct addr_entry *e = &vm->by_addr[best];
	fill_info(vm, e->sym, ret);
	if (next_ret) {
		/* the next symbol, but not past the end of the section */
		uint64_t end = UINT64_MAX;
		GElf_Shdr shdr;
		if (symbol_section(vm, &vm->syms[e->sym], &shdr))
			end = shdr.sh_addr + shdr.sh_size;
		if (next < vm->nr_by_addr && vm->by_addr[next].addr < end)
			end = vm->by_addr[next].addr;
		*next_ret = end;
	}
	return NULL;
}

struct lkdb_error *vmlinux_symbol_near(struct vmlinux *vm, uint64_t link_addr,
				       struct vmlinux_symbol_info *ret,
				       uint64_t *next_ret)
{
	return symbol_near(vm, link_addr, false, ret, next_ret);
}

struct lkdb_error *vmlinux_symbol_near_as_crash(struct vmlinux *vm,
						uint64_t link_addr,
						struct vmlinux_symbol_info *ret)
{
	return symbol_near(vm, link_addr, true, ret, NULL);
}

bool vmlinux_has_dwarf(const struct vmlinux *vm)
{
	return vm->has_debug_info;
}

struct lkdb_error *vmlinux_dwarf(struct vmlinux *vm, struct Dwarf **ret)
{
	if (!vm->dwarf_tried) {
		vm->dwarf_tried = true;
		/* reads only the section headers: the sections are mmapped */
		vm->dwarf = dwarf_begin_elf(vm->elf, DWARF_C_READ, NULL);
	}
	if (!vm->dwarf)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "%s: no DWARF debugging information",
					 vm->path);
	*ret = vm->dwarf;
	return NULL;
}

static int compare_unit_ranges(const void *a, const void *b)
{
	const struct unit_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Every unit's DW_AT_ranges or low/high_pc: one DIE per unit is read. */
static struct lkdb_error *build_unit_ranges(struct vmlinux *vm)
{
	size_t cap = 0, n = 0;
	struct unit_range *ranges = NULL;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	uint8_t unit_type;
	while (dwarf_get_units(vm->dwarf, cu, &cu, NULL, &unit_type, &cudie,
			       NULL) == 0) {
		if (unit_type != DW_UT_compile && unit_type != DW_UT_partial)
			continue;
		Dwarf_Addr base, start, end;
		for (ptrdiff_t it = 0;
		     (it = dwarf_ranges(&cudie, it, &base, &start, &end)) > 0;) {
			if (start >= end)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				struct unit_range *grown =
					realloc(ranges, cap * sizeof(*grown));
				if (!grown) {
					free(ranges);
					return &lkdb_error_oom;
				}
				ranges = grown;
			}
			ranges[n++] = (struct unit_range){
				start, end, dwarf_dieoffset(&cudie) };
		}
	}
	qsort(ranges, n, sizeof(*ranges), compare_unit_ranges);
	vm->unit_ranges = ranges;
	vm->nr_unit_ranges = n;
	return NULL;
}

struct lkdb_error *vmlinux_dwarf_unit(struct vmlinux *vm, uint64_t link_addr,
				      uint64_t *die_offset_ret)
{
	Dwarf *dwarf;
	struct lkdb_error *err = vmlinux_dwarf(vm, &dwarf);
	if (err)
		return err;
	if (!vm->aranges_checked) {
		Dwarf_Aranges *aranges;
		size_t n = 0;
		vm->aranges_checked = true;
		vm->have_aranges = dwarf_getaranges(dwarf, &aranges, &n) == 0 &&
				   n > 0;
		if (!vm->have_aranges && (err = build_unit_ranges(vm))) {
			vm->aranges_checked = false;
			return err;
		}
	}
	if (vm->have_aranges) {
		Dwarf_Die cudie;
		if (dwarf_addrdie(dwarf, link_addr, &cudie)) {
			*die_offset_ret = dwarf_dieoffset(&cudie);
			return NULL;
		}
	} else {
		/* the last range starting at or below link_addr */
		size_t lo = 0, hi = vm->nr_unit_ranges;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (vm->unit_ranges[mid].start <= link_addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo && link_addr < vm->unit_ranges[lo - 1].end) {
			*die_offset_ret = vm->unit_ranges[lo - 1].die_offset;
			return NULL;
		}
	}
	return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
				 "%s: no DWARF unit covers address 0x%" PRIx64,
				 vm->path, link_addr);
}
