/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoding the frames of a kernel log (logparse.h) to source lines,
 * offline: func+off/size is looked up by name in the vmlinux's symbol
 * table, or for "[module]" frames in the module's object file found on a
 * search path (modfiles.h), and the address's line with its chain of
 * inlined calls comes from the DWARF (symbolize.h), as addr2line -i would
 * give it.  Names mangled by Rust (legacy and v0) and C++ are demangled
 * with libiberty.
 *
 * A frame whose size in the log is not the symbol's size in the file is
 * not decoded but noted: the file is not the kernel that printed the log.
 * Return addresses (trace entries, not RIP lines) are looked up one byte
 * back, so the line is that of the call, unless exact addresses are asked
 * for (as decode_stacktrace.sh of Linux 6.1 does).
 */
#ifndef LKDB_DECODE_H
#define LKDB_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kernel-helpers/log/logparse.h"
#include "kernel-helpers/symbols/symbolize.h"

struct decoder;

struct decoder_options {
	/* NULL: no symbols, frames are only demangled */
	const char *vmlinux;
	/* directories searched for modules; none: modfiles' default path */
	const char *const *module_dirs;
	size_t nr_module_dirs;
	/* look up return addresses as printed, not one byte back */
	bool exact_addresses;
};

/*
 * Open the vmlinux (one-line errors name it: missing, not ELF, no symbol
 * table) and check the module directories (a missing or unreadable one is
 * an error naming it).  Destroy with decoder_destroy() (accepts NULL).
 */
struct lkdb_error *decoder_create(const struct decoder_options *options,
				  struct decoder **ret);
void decoder_destroy(struct decoder *d);

struct decode_result {
	/* the demangled function name; NULL when it was not mangled */
	char *demangled;
	/* source frames, innermost first; nr_frames 0 when not resolved */
	struct symbolize_frame *frames;
	size_t nr_frames;
	/* the address looked up, in the object file's address space */
	bool resolved;
	uint64_t address;
	/* the file the frame was resolved in (owned by the decoder) */
	const char *object;
	/* why the frame was not resolved, for the user; NULL if it was */
	char *note;
};

/*
 * Decode the frame or RIP line l of line (LOGLINE_FRAME or LOGLINE_RIP;
 * other kinds give an empty result).  Problems of the frame are the
 * result's note; errors only for running out of memory.  Release with
 * decode_result_deinit().
 */
struct lkdb_error *decoder_frame(struct decoder *d, const char *line,
				 const struct logline *l,
				 struct decode_result *ret);
void decode_result_deinit(struct decode_result *r);

/*
 * Warnings gathered while decoding (a module with no object file, once
 * per module), in order; taken by the caller: *warnings_ret is to be freed
 * with lkdb_warnings_free().
 */
void decoder_take_warnings(struct decoder *d, char ***warnings_ret,
			   size_t *nr_ret);

/*
 * name demangled (Rust legacy _ZN...17h<hash>E without the hash, Rust v0
 * _R..., C++ _Z...), malloc'd; NULL when it is not a mangled name or
 * cannot be demangled (a name cut short).
 */
char *decode_demangle(const char *name);

#endif
