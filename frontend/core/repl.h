/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef LKDB_REPL_H
#define LKDB_REPL_H

#include <stdio.h>

#include "frontend/core/session.h"

/* The libedit prompt until quit or EOF.  Returns the number of failures. */
int lkdb_repl(struct lkdb_session *s);
/* -c and -x items in order; stops at quit.  Returns failures. */
int lkdb_run_script(struct lkdb_session *s);
/* One command per line from in (a non-terminal stdin).  Returns failures. */
int lkdb_run_stream(struct lkdb_session *s, FILE *in, const char *name);

#endif
