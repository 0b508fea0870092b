/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON string output, the one writer every --json path uses, and the one
 * UTF-8 validator behind it.
 *
 * Strings from the kernel (comm, log text, module names) are bytes, not
 * text: what is not valid UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF, no truncated sequence, no lone
 * continuation byte) is written as U+FFFD, one for each maximal subpart
 * of an ill-formed sequence, as Unicode's "substitution of maximal
 * subparts" (Unicode 15, section 3.9) and Python's and browsers'
 * decoders do; so a reader sees that bytes were replaced, and how many
 * runs.  Output is ASCII except for valid UTF-8, which is kept as is:
 * '"' and '\\' are escaped, \b \f \n \r \t by name, the other control
 * bytes, DEL and NUL as \u00XX, U+FFFD as \ufffd.
 */
#ifndef LKDB_JSON_H
#define LKDB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The UTF-8 sequence at s (n >= 1 bytes left): true with *len_ret its
 * length (1-4) if it is one valid character, false with *len_ret the
 * length of its maximal ill-formed subpart (1-3), to be replaced by one
 * U+FFFD.
 */
bool utf8_next(const unsigned char *s, size_t n, size_t *len_ret);

/* The NUL-terminated s as a JSON string literal. */
void json_write_string(FILE *out, const char *s);
/* len bytes of any content (NULs too) as a JSON string literal. */
void json_write_bytes(FILE *out, const char *s, size_t len);

/*
 * An address (or any value meant as hex: flags, page-table entries) as
 * every --json output writes it: a string, "0x" and lowercase hex digits
 * without leading zeros ("0xffffffff81000000"), so that no reader loses
 * the top bits to a double.
 */
void json_write_address(FILE *out, uint64_t addr);

#endif
