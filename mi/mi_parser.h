/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Push parser for the GDB/MI3 output stream.  Feed it bytes in any chunking
 * with mi_parser_push(); each complete line ('\n' or "\r\n" terminated)
 * becomes one struct mi_output handed to the callback, which takes ownership.
 * A line that is not valid MI becomes an MI_OUTPUT_PARSE_ERROR record and
 * parsing goes on with the next line.  Lines of any length are accepted.
 */
#ifndef LKDB_MI_PARSER_H
#define LKDB_MI_PARSER_H

#include <stddef.h>

#include "common/error.h"
#include "mi/mi_output.h"

struct mi_parser;

struct mi_parser_callbacks {
	void *context;
	/* Called once per non-empty line; the callee owns out.  It must not
	 * push into or destroy the parser. */
	void (*output)(void *context, struct mi_output *out);
};

struct lkdb_error *mi_parser_create(const struct mi_parser_callbacks *cb,
				    struct mi_parser **ret);
void mi_parser_destroy(struct mi_parser *parser);
/*
 * Only fails on out-of-memory.  The rest of data is then lost and the parser
 * resumes after the next newline of later pushes.  An unfinished last line is
 * dropped by mi_parser_destroy().
 */
struct lkdb_error *mi_parser_push(struct mi_parser *parser, const char *data,
				  size_t len);
/*
 * Parse one complete line (no newline) into a record without the push
 * machinery.  Never returns a NULL record except on out-of-memory.  An empty
 * line gives a parse error record (mi_parser_push() skips empty lines).
 */
struct lkdb_error *mi_parse_line(const char *line, size_t len,
				 struct mi_output **ret);

#endif
