// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/json.h"

#include <inttypes.h>
#include <string.h>

bool utf8_next(const unsigned char *s, size_t n, size_t *len_ret)
{
	/* Unicode 15 table 3-7: the lead byte sets the second byte's range. */
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;
	if (s[0] < 0x80) {
		*len_ret = 1;
		return true;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong below U+0800 */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates U+D800..U+DFFF */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		/* a continuation byte, C0/C1 (always overlong), F5..FF */
		*len_ret = 1;
		return false;
	}
	for (size_t i = 1; i < len; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*len_ret = i;
			return false;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	*len_ret = len;
	return true;
}

void json_write_bytes(FILE *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	fputc('"', out);
	while (p < end) {
		size_t n;
		if (!utf8_next(p, end - p, &n)) {
			fputs("\\ufffd", out);
		} else if (n > 1) {
			fwrite(p, 1, n, out);
		} else {
			switch (*p) {
			case '"': fputs("\\\"", out); break;
			case '\\': fputs("\\\\", out); break;
			case '\b': fputs("\\b", out); break;
			case '\f': fputs("\\f", out); break;
			case '\n': fputs("\\n", out); break;
			case '\r': fputs("\\r", out); break;
			case '\t': fputs("\\t", out); break;
			default:
				if (*p < 0x20 || *p == 0x7f)
					fprintf(out, "\\u%04x", *p);
				else
					fputc(*p, out);
			}
		}
		p += n;
	}
	fputc('"', out);
}

void json_write_string(FILE *out, const char *s)
{
	json_write_bytes(out, s, strlen(s));
}

void json_write_address(FILE *out, uint64_t addr)
{
	fprintf(out, "\"0x%" PRIx64 "\"", addr);
}
