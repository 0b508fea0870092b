/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Symbolization without gdb: a kernel address to symbol+offset/size and
 * source file:line (with the chain of inlined functions, like
 * addr2line -i), and a symbol name to its address.
 *
 * Symbols come from .symtab (vmlinux_symbol_near()); source lines from
 * the DWARF through libdw: .debug_aranges finds the compilation unit
 * (vmlinux_dwarf_unit()), then only that unit's line table and the DIEs on
 * the way to the address are read, so the first lookup in a 600 MB
 * distribution vmlinux costs milliseconds, not gdb's seconds.
 *
 * Addresses in and out are RUN-TIME addresses: the KASLR offset given is
 * subtracted before looking up and added to the addresses returned, except
 * for per-CPU symbols (x86_64 links .data..percpu at 0; KASLR does not move
 * those offsets) and absolute symbols.  x86_64 only, like vmlinux.h.
 */
#ifndef LKDB_SYMBOLIZE_H
#define LKDB_SYMBOLIZE_H

#include <elfutils/libdw.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/core/vmlinux.h"

/*
 * x86_64: the kernel image lives in [__START_KERNEL_map, +KERNEL_IMAGE_SIZE)
 * and modules above it up to MODULES_END; KERNEL_IMAGE_SIZE is 1 GiB with
 * KASLR (RANDOMIZE_BASE), 512 MiB without, so the module area starts at
 * 0xffffffffc0000000 or 0xffffffffa0000000.
 */
#define SYMBOLIZE_IMAGE_START 0xffffffff80000000ull
#define SYMBOLIZE_IMAGE_END 0xffffffffc0000000ull	/* with KASLR */
#define SYMBOLIZE_MODULES_START 0xffffffffa0000000ull	/* without KASLR */
#define SYMBOLIZE_MODULES_END 0xfffffffffeffffffull	/* inclusive */

/*
 * One source location.  An address's frames go innermost first: frames[0]
 * is the line the address is on, in function frames[0].function; when
 * that function was inlined, frames[1] is the call site in its caller,
 * and so on; the last frame is in the out-of-line function.  This is
 * addr2line -f -i's list.
 */
struct symbolize_frame {
	char *function;		/* DWARF name; NULL if unknown */
	/*
	 * Relative to the kernel source tree when the build directory can be
	 * told (symbolize_clean_path()), e.g. "kernel/panic.c"; NULL if
	 * unknown.
	 */
	char *file;
	unsigned int line;	/* 0 if unknown */
};

struct symbolize_result {
	uint64_t address;	/* run-time address looked up (or of the name) */
	/* name, type, percpu; .addr is the RUN-TIME address of the symbol */
	struct vmlinux_symbol_info symbol;
	uint64_t offset;	/* address - symbol.addr */
	/*
	 * The symbol's size as kallsyms has it, which the kernel prints as
	 * func+off/SIZE (%pS, %pB): the distance to the next symbol (or the
	 * end of its section), padding included; not st_size.
	 */
	uint64_t size;
	struct symbolize_frame *frames;	/* innermost first; may be NULL */
	size_t nr_frames;	/* 0: no line information */
};

/*
 * Symbolize the run-time address addr of a kernel running with kaslr_offset
 * (0 without a target).  The address must be in the kernel image [_text,
 * _end) once the offset is taken off; else LKDB_ERROR_NOT_FOUND with
 * "0x...: not a kernel text or data address", plus a hint: " (modules are
 * not loaded yet)" in the module area; a link-time address given while
 * the offset is not 0; an image address looked up with offset 0 (an
 * oops' address without its target) may have been moved by KASLR.  No line information (no DWARF, data
 * addresses, code without debug info) is not an error: nr_frames is 0.
 * Release the result with symbolize_result_deinit().
 */
struct lkdb_error *symbolize_address(struct vmlinux *vm, uint64_t kaslr_offset,
				     uint64_t addr,
				     struct symbolize_result *ret);

/*
 * A return address as the kernel's %pB prints it: the symbol, size and
 * source line of addr - 1 (the call, which is the last instruction of its
 * function when the callee does not return: a return address may be the
 * next function's first byte), the offset taken from addr, so that
 * "do_exit.cold+0x15/0x15" names the call that ends do_exit.cold.
 * Otherwise as symbolize_address().
 */
struct lkdb_error *symbolize_return_address(struct vmlinux *vm,
					    uint64_t kaslr_offset,
					    uint64_t addr,
					    struct symbolize_result *ret);
/*
 * The symbol, offset and size only (nr_frames 0): as symbolize_address(),
 * or symbolize_return_address() when return_address, without reading the
 * DWARF lines — a backtrace names each frame this way and reads lines
 * only for bt -l.
 */
struct lkdb_error *symbolize_symbol(struct vmlinux *vm, uint64_t kaslr_offset,
				    uint64_t addr, bool return_address,
				    struct symbolize_result *ret);

/*
 * "name+0xOFFSET/0xSIZE", with " [module]" after it when module is not
 * NULL: a code address as the kernel's %pS/%pB print it.  Every place lkdb
 * shows symbol+offset/size writes it through this.  malloc'd; NULL on OOM.
 */
char *symbolize_format(const char *name, uint64_t offset,
		       uint64_t symbol_size, const char *module);

/*
 * Look up a symbol by name (vmlinux_symbol_info()'s choice among
 * duplicates): address is its run-time address; offset is 0 and size
 * kallsyms' (st_size for per-CPU and absolute symbols).  For a function, frames are the source line of its entry, where
 * it is defined.  LKDB_ERROR_NOT_FOUND naming the symbol if there is none.
 */
struct lkdb_error *symbolize_name(struct vmlinux *vm, uint64_t kaslr_offset,
				  const char *name,
				  struct symbolize_result *ret);

/*
 * Only the source frames of a LINK-TIME address (see struct
 * symbolize_frame); *nr_ret 0 when there is no line information.  Errors
 * only for running out of memory.  Free with symbolize_frames_free().
 */
struct lkdb_error *symbolize_source(struct vmlinux *vm, uint64_t link_addr,
				    struct symbolize_frame **frames_ret,
				    size_t *nr_ret);
void symbolize_frames_free(struct symbolize_frame *frames, size_t nr);

/* How file names are shown (symbolize_clean_path()). */
enum symbolize_paths {
	/* the kernel's own files: relative to its source tree */
	SYMBOLIZE_PATHS_KERNEL_TREE,
	/*
	 * whole: the files of an out-of-tree module are not in the kernel's
	 * tree, and what it shares with the build directory's path says
	 * nothing about them
	 */
	SYMBOLIZE_PATHS_WHOLE,
};

/*
 * symbolize_source() within one compilation unit of any DWARF (a
 * module's, say): addr is in that DWARF's address space.  Errors only for
 * running out of memory.
 */
struct lkdb_error *symbolize_source_unit(Dwarf_Die *cudie,
					 uint64_t addr,
					 enum symbolize_paths paths,
					 struct symbolize_frame **frames_ret,
					 size_t *nr_ret);

/* Frees what symbolize_address()/_name() allocated; accepts a zeroed one. */
void symbolize_result_deinit(struct symbolize_result *r);

/*
 * A DWARF file name: joined to comp_dir (may be NULL) when relative
 * (unless a relative comp_dir is on its front already) and normalized
 * ("a/./b/../c" -> "a/c").  SYMBOLIZE_PATHS_KERNEL_TREE then makes it
 * relative to the kernel source tree: the compilation directory is taken
 * off the front, or when both are absolute their common leading
 * directories (an O= build directory inside the source tree: Debian's
 * /build/reproducible-path/linux-6.1.192/debian/build/build_amd64_none_amd64
 * and /build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S give
 * arch/x86/entry/entry_64.S); SYMBOLIZE_PATHS_WHOLE leaves it whole.
 * Returns a malloc'd string, NULL on OOM.
 */
char *symbolize_clean_path(const char *path, const char *comp_dir,
			   enum symbolize_paths paths);

#endif
