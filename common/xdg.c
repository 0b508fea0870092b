// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/xdg.h"

#include <stdio.h>
#include <stdlib.h>

char *xdg_path(const char *variable, const char *home_fallback,
	       const char *rest)
{
	const char *dir = getenv(variable);
	const char *home = getenv("HOME");
	char *path = NULL;
	int n;
	if (dir && dir[0] == '/')
		n = asprintf(&path, "%s/%s", dir, rest);
	else if (home && home[0] == '/')
		n = asprintf(&path, "%s/%s/%s", home, home_fallback, rest);
	else
		return NULL;
	return n < 0 ? NULL : path;
}

char *xdg_cache_path(const char *rest)
{
	return xdg_path("XDG_CACHE_HOME", ".cache", rest);
}
