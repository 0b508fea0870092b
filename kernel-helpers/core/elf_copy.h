/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A vmlinux whose debug sections gdb can map instead of reading.
 *
 * An x86_64 kernel built with relocation info for KASLR (CONFIG_X86_NEED_RELOCS:
 * the linker's --emit-relocs) keeps relocation sections for its DWARF too:
 * Debian's 6.1 vmlinux has 170 MB of .debug_info and 270 MB of
 * .rela.debug_*.  BFD marks a section with relocations SEC_RELOC, and gdb
 * then reads such a section whole with read() (to relocate it, which it
 * does not do for an executable anyway) where it would map it: on the first
 * symbol lookup of a session gdb copies some 225 MB, the better part of a
 * second.  A copy of the file in which those relocation sections are
 * SHT_NOBITS (their bytes left out as a hole; every other byte and offset
 * the same, so the same build-id and the same contents for every reader)
 * lets gdb map them.  Made once per build, kept in a cache directory.
 */
#ifndef LKDB_ELF_COPY_H
#define LKDB_ELF_COPY_H

#include "common/error.h"

/*
 * The copy of the ELF file path (build build_id) without the relocation
 * sections of its non-allocated sections, in dir as BUILD_ID.vmlinux: made
 * there when it is not (or is not that copy), the three most recently
 * used copies kept.  *copy_ret (malloc'd) is NULL when path has no such
 * sections (nothing to gain) or is not a little-endian ELF64 file.
 */
struct lkdb_error *elf_copy_without_debug_relocs(const char *path,
						 const char *build_id,
						 const char *dir,
						 char **copy_ret);

#endif
