/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Call frame information (DWARF .debug_frame) for the kernel's entry code,
 * made from its ORC data, in a small ELF file gdb loads beside the vmlinux
 * (add-symbol-file FILE -o KASLR_OFFSET).
 *
 * The kernel's entry stubs (interrupts, exceptions, system calls) have no
 * DWARF CFI of their own, so gdb's backtrace ends in them: from an oops'
 * __die it never reaches the function that faulted.  ORC knows where
 * their struct pt_regs is (unwind.h: unwinder_regs_ranges()); this turns
 * each such range into an FDE whose rules read every register from that
 * pt_regs.  The CIE's augmentation is "S" (a signal frame), so gdb makes
 * these frames SIGTRAMP frames and looks the interrupted frame's pc up as
 * it is, not one byte back as for a return address: the faulting line,
 * its block and its locals are the right ones.  (gdb 13's Python
 * unwinders cannot do that: their frames are always normal frames.)
 *
 * x86_64 only.  Pure: no gdb, no target.
 */
#ifndef LKDB_ENTRY_CFI_H
#define LKDB_ENTRY_CFI_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/x86_64/unwind.h"

/*
 * The ELF image (ET_EXEC, x86_64): an empty .text (gdb wants one to
 * relocate by) and a .debug_frame with one FDE per range.  Addresses in it
 * are the ranges' minus link_bias (pass the KASLR offset, and load the
 * file with -o that offset).  *image_ret is malloc'd, *size_ret its
 * length.  LKDB_ERROR_NOT_FOUND when there are no ranges.
 */
struct lkdb_error *entry_cfi_image(const struct unwind_regs_range *ranges,
				   size_t nr, uint64_t link_bias,
				   void **image_ret, size_t *size_ret);

#endif
