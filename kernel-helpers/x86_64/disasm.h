/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bytes of an oops' Code: line disassembled, as the kernel's
 * scripts/decodecode does it: binutils' objdump on a temporary file,
 * starting at the first byte from which the instructions fall exactly on
 * the faulting byte (the Code: line starts mid-instruction as often as
 * not).  x86_64 only.
 */
#ifndef LKDB_DISASM_H
#define LKDB_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct disasm_insn {
	size_t offset;		/* of its first byte in the Code: bytes */
	size_t len;
	char *text;		/* objdump's, e.g. "movb   $0x1,0x0" */
	bool faulting;		/* starts at the marked byte */
};

/*
 * Disassemble n bytes whose marked-th is the faulting one (-1: none
 * marked).  LKDB_ERROR_NOT_FOUND when objdump cannot be run (binutils
 * missing).  Free the result with disasm_free().
 */
struct lkdb_error *disasm_code(const uint8_t *bytes, size_t n, long marked,
			       struct disasm_insn **insns_ret, size_t *nr_ret);
void disasm_free(struct disasm_insn *insns, size_t nr);

#endif
