/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A vmlinux ELF file opened for the few facts lkdb needs without gdb:
 * symbol addresses, file bytes at link-time addresses, the linux_banner,
 * the kernel release and the GNU build id.
 *
 * The file is mmapped and only the section headers, .symtab/.strtab and
 * .notes are touched at open; DWARF is not loaded (vmlinux_dwarf() opens it
 * on demand), so opening Debian's ~600 MB -dbg vmlinux takes milliseconds.
 * x86_64 only.
 *
 * All addresses are link-time (unrelocated) virtual addresses; add the
 * KASLR offset (kaslr.h) to get run-time addresses.
 */
#ifndef LKDB_VMLINUX_H
#define LKDB_VMLINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct vmlinux;
struct Dwarf;		/* elfutils/libdw.h's Dwarf */

/*
 * Open the vmlinux at path.  Fails with a one-line error naming the file
 * when it does not exist, is not an ELF file, is not x86_64, has no symbol
 * table (a stripped vmlinux), or is not a Linux kernel (no linux_banner).
 */
struct lkdb_error *vmlinux_open(const char *path, struct vmlinux **ret);
/* Accepts NULL. */
void vmlinux_destroy(struct vmlinux *vm);

const char *vmlinux_path(const struct vmlinux *vm);

/*
 * Look up a symbol of .symtab by name (LKDB_ERROR_NOT_FOUND naming it if
 * absent).  When a name is defined more than once, a global or weak
 * definition wins over local ones, else the first in the table is used.
 * size_ret may be NULL.
 */
struct lkdb_error *vmlinux_symbol(const struct vmlinux *vm, const char *name,
				  uint64_t *addr_ret, uint64_t *size_ret);

/*
 * Copy len bytes of the file's contents at link-time address link_addr into
 * buf.  Any allocated section with contents in the file counts (PROGBITS,
 * NOTE, ...), and the range may span adjacent sections.  LKDB_ERROR_FAULT if
 * some byte is in no such section, e.g. in .bss (NOBITS).  x86_64 links
 * .data..percpu at 0, so small addresses read the per-cpu template.
 */
struct lkdb_error *vmlinux_read(const struct vmlinux *vm, uint64_t link_addr,
				void *buf, size_t len);

/*
 * The linux_banner string exactly as in the file, trailing newline kept
 * ("Linux version 6.1.0-56-amd64 (...) #1 SMP ... (2026-11-16)\n"): that is
 * what the running kernel holds, so it can be compared byte for byte.
 */
/*
 * An allocated section's link address and size; LKDB_ERROR_NOT_FOUND naming
 * the section if the file has none (or it is empty).
 */
struct lkdb_error *vmlinux_section(const struct vmlinux *vm, const char *name,
				   uint64_t *addr_ret, uint64_t *size_ret);
const char *vmlinux_banner(const struct vmlinux *vm);
/* The word after "Linux version " in the banner, e.g. "6.1.0-56-amd64". */
const char *vmlinux_release(const struct vmlinux *vm);
/* Lowercase hex of the NT_GNU_BUILD_ID note, or NULL if there is none. */
const char *vmlinux_build_id(const struct vmlinux *vm);
/*
 * The same of any ELF file (a module's too): *hex_ret malloc'd, or NULL
 * when the file has no such note (the kernel's .notes also holds Xen notes
 * of the same type: only the GNU one counts).  path names it in errors.
 */
struct Elf;
struct lkdb_error *elf_build_id(struct Elf *elf, const char *path,
				char **hex_ret);
/* The link-time kernel image [_text, _end). */
void vmlinux_text_range(const struct vmlinux *vm, uint64_t *start_ret,
			uint64_t *end_ret);

/* A symbol of .symtab as vmlinux_symbol_info() and _near() describe it. */
struct vmlinux_symbol_info {
	const char *name;	/* valid until vmlinux_destroy() */
	uint64_t addr;		/* link-time */
	uint64_t size;		/* st_size: 0 for labels (asm, linker script) */
	/*
	 * nm(1)'s letter, as in System.map and /proc/kallsyms: T t (text),
	 * D d (data), R r (read-only), B b (bss), W V (weak function,
	 * object), A a (absolute); upper case for global symbols.
	 */
	char type;
	/*
	 * In .data..percpu linked at 0 (x86_64 SMP): addr is an offset from
	 * each CPU's per-CPU base, which KASLR does not move.
	 */
	bool percpu;
};

/* vmlinux_symbol() with all the above; same choice among duplicates. */
struct lkdb_error *vmlinux_symbol_info(const struct vmlinux *vm,
				       const char *name,
				       struct vmlinux_symbol_info *ret);

/*
 * The definition of name whose size is size, for names defined more than
 * once (static functions of several files): size is compared with
 * st_size and with the distance to the next symbol (kallsyms' size, which
 * the kernel prints as func+off/SIZE).  When none has that size,
 * vmlinux_symbol_info()'s choice with *sized_ret false.
 * LKDB_ERROR_NOT_FOUND if there is no such symbol.
 */
struct lkdb_error *vmlinux_symbol_sized(struct vmlinux *vm, const char *name,
					uint64_t size,
					struct vmlinux_symbol_info *ret,
					bool *sized_ret);

/*
 * The symbol at link_addr or the nearest one below it, among functions,
 * objects and labels (STT_NOTYPE) in allocated sections; section, file and
 * absolute symbols, local labels (.L*) and mapping symbols ($x, $d) are
 * left out.  Of several symbols at one address, a function or object wins
 * over a label, then global over weak over local, then a sized one, then
 * the first in .symtab.  *next_ret (may be NULL) is the address of the
 * next symbol above, or the end of the symbol's section if that comes
 * first: the extent of a label with no size.  LKDB_ERROR_NOT_FOUND if no
 * symbol is at or below link_addr.
 *
 * The first call sorts the symbol table by address (~130k symbols in a
 * distribution kernel: a few ms); not thread-safe.
 */
struct lkdb_error *vmlinux_symbol_near(struct vmlinux *vm, uint64_t link_addr,
				       struct vmlinux_symbol_info *ret,
				       uint64_t *next_ret);
/*
 * As vmlinux_symbol_near(), but of several symbols at one address the one
 * crash names a value by (value_search(): its table sorted by address then
 * name, the symbol before the first one above): the greatest name, e.g.
 * __x64_sys_rt_sigreturn over its aliases __ia32_sys_rt_sigreturn and
 * __do_sys_rt_sigreturn.
 */
struct lkdb_error *vmlinux_symbol_near_as_crash(struct vmlinux *vm,
						uint64_t link_addr,
						struct vmlinux_symbol_info *ret);

/*
 * Whether the file has DWARF (a .debug_info section), told by its section
 * headers alone: opening the DWARF decompresses compressed sections.
 */
bool vmlinux_has_dwarf(const struct vmlinux *vm);
/*
 * libdw's handle on the file's DWARF, opened on the first call and kept
 * until vmlinux_destroy().  Opening reads only section headers (the file
 * is mmapped); units are parsed when looked at.  LKDB_ERROR_NOT_FOUND if
 * the file has no DWARF (asked again, the answer is the same).
 */
struct lkdb_error *vmlinux_dwarf(struct vmlinux *vm, struct Dwarf **ret);

/*
 * The DIE offset (for dwarf_offdie()) of the compilation unit whose code
 * covers link_addr: found through .debug_aranges (GCC), or when the file
 * has none (clang does not emit them by default) through every unit's
 * ranges, gathered on the first call (one DIE read per unit).
 * LKDB_ERROR_NOT_FOUND if no unit covers it (data, code without debug
 * information) or the file has no DWARF.
 */
struct lkdb_error *vmlinux_dwarf_unit(struct vmlinux *vm, uint64_t link_addr,
				      uint64_t *die_offset_ret);

#endif
