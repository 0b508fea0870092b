/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-user directories by the XDG Base Directory rules: $VARIABLE when it
 * is an absolute path, else $HOME/FALLBACK when HOME is absolute, else
 * none (relative values are ignored, as the rules say).  Nothing is
 * created here.
 */
#ifndef LKDB_XDG_H
#define LKDB_XDG_H

/*
 * "DIR/rest" for the directory of variable ("XDG_CACHE_HOME") or
 * home_fallback (".cache" under $HOME); malloc'd.  NULL when neither is
 * set to an absolute path (the caller keeps no file) or on OOM.
 */
char *xdg_path(const char *variable, const char *home_fallback,
	       const char *rest);

/* xdg_path("XDG_CACHE_HOME", ".cache", rest). */
char *xdg_cache_path(const char *rest);

#endif
