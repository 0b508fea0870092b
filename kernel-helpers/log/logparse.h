/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Recognizing the lines of a kernel console log (dmesg, a serial console,
 * vmcore-dmesg.txt) that name code: stack trace frames in every form the
 * kernel has printed, the RIP line of a register dump, the Code: line and
 * the <IRQ>/<TASK> stack markers.  Pure text: no symbols, no allocation;
 * positions are byte offsets into the line given, so a caller can rebuild
 * the line with one part replaced and keep every other byte.
 *
 * Forms recognized after an optional prefix (syslog "... kernel: ",
 * "[    4.357603]" timestamps, "[T969]"/"[  C1]" caller ids):
 *   func+0x15/0x40 [module buildid]    4.x and later, %pB / %pS
 *   ? func+0x15/0x40                   an unreliable frame
 *   [<ffffffff81234567>] ? func+0x15/0x40   before 4.14 (and arm64's)
 *   [<ffffffff81234567>] 0xffffffff81234567 an address with no symbol
 *   RIP: 0010:func+0x15/0x40 [module]  the faulting instruction
 *   RIP: func+0x15/0x40 RSP: ffff...   the 4.x summary after a trace
 *   pc : func+0x15/0x40  lr : ...      arm64 (pc/lr exact, as RIP)
 *   Code: 48 89 e5 <c6> 04 25 ...      bytes around the faulting one
 *   <IRQ> </IRQ> <TASK> </TASK> <NMI> <#DF> ...  stack markers
 * A frame line cut at the console width ("func+0x]", "[he]") is still a
 * frame, marked truncated.
 */
#ifndef LKDB_LOGPARSE_H
#define LKDB_LOGPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum logline_kind {
	LOGLINE_OTHER,		/* none of the below: pass it through */
	LOGLINE_FRAME,		/* a stack trace entry: a return address */
	LOGLINE_RIP,		/* RIP:/pc:/lr: an exact address */
	LOGLINE_CODE,		/* Code: bytes */
	LOGLINE_MARKER,		/* <IRQ>, </TASK>, ... */
};

/* [start, start + len) of the line; len 0 when absent. */
struct logline_span {
	size_t start, len;
};

struct logline {
	enum logline_kind kind;
	/* "[    4.357603]" including brackets, and the "T969" of [T969] */
	struct logline_span timestamp, caller;
	/*
	 * Where the kernel's own text starts: after the prefix (syslog,
	 * timestamp, caller id) and the spaces that follow it.
	 */
	size_t body;
	/*
	 * The part a decoder replaces: "func+0x15/0x40" (with a RIP line's
	 * "0010:" left out); for an address-only frame the address.
	 */
	struct logline_span symbol;
	struct logline_span func;	/* "func" */
	struct logline_span module;	/* "crashme" of "[crashme]"; or 0 */
	struct logline_span build_id;	/* of "[crashme 1a2b...]"; or 0 */
	uint64_t offset, size;
	bool has_offset, has_size;	/* false when cut off */
	bool has_address;		/* [<addr>] or a bare address given */
	uint64_t address;
	bool unreliable;		/* "? " */
	bool truncated;			/* cut at the console width */
	/* LOGLINE_CODE: the bytes after "Code: "; LOGLINE_MARKER: "IRQ" */
	struct logline_span text;
};

/*
 * Classify one line of len bytes (no newline needed; a trailing "\r\n" or
 * "\n" is ignored).  Any bytes are accepted, NULs and invalid UTF-8
 * included; never reads past len.
 */
void logline_parse(const char *line, size_t len, struct logline *ret);

/*
 * The bytes of a Code: line: up to max bytes into bytes_ret; *nr_ret how
 * many; *marked_ret the index of the "<xx>" (or "(xx)") byte, or -1.
 * Parsing stops at the first token that is not a byte ("...", a cut
 * token); false if there is no byte at all.
 */
bool logline_code_bytes(const char *text, size_t len, uint8_t *bytes_ret,
			size_t max, size_t *nr_ret, long *marked_ret);

/*
 * Whether a line can be the rest of a Code: line wrapped at the console
 * width (no prefix; only hex digits, spaces, <, >, (, ) and dots).
 */
bool logline_code_continuation(const char *line, size_t len);

#endif
