// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/printable.h"

#include <string.h>

bool lkdb_printable(char *out, const char *s, size_t max, const char *also)
{
	bool replaced = false;
	size_t i = 0;
	for (; i < max && s[i]; i++) {
		unsigned char c = s[i];
		bool bad = c < 0x20 || c >= 0x7f || strchr(also, c);
		out[i] = bad ? '?' : (char)c;
		replaced |= bad;
	}
	out[i] = '\0';
	return replaced;
}

void lkdb_print_centered(FILE *out, int width, const char *s, bool rjust)
{
	int len = (int)strlen(s), extra = width > len ? width - len : 0;
	int left = extra / 2 + (extra % 2 && rjust);
	fprintf(out, "%*s%s%*s", left, "", s, extra - left, "");
}

char *lkdb_break_at_space(char *s, size_t over)
{
	size_t len = strlen(s);
	for (size_t at = len ? len - 1 : 0; at > 0; at--) {
		if (s[at] == ' ' && len - 1 - at >= over) {
			s[at] = '\0';
			return s + at + 1;
		}
	}
	return NULL;
}
