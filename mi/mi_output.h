/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GDB/MI output records as parsed values.  One struct mi_output per line gdb
 * printed.  Everything hanging off a record is owned by it and freed by
 * mi_output_destroy().
 */
#ifndef LKDB_MI_OUTPUT_H
#define LKDB_MI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

enum mi_value_kind {
	MI_VALUE_CONST,	/* a c-string: cstring is set */
	MI_VALUE_TUPLE,	/* {...}: children are results (all named) */
	MI_VALUE_LIST,	/* [...]: children are values (unnamed) or results */
};

/*
 * A value, or a result when name is set ("name=value").  Children form a
 * singly linked list through next, in the order gdb printed them.
 */
struct mi_value {
	enum mi_value_kind kind;
	char *name;		/* variable name, NULL for an unnamed value */
	char *cstring;		/* unescaped text, MI_VALUE_CONST only; an
				 * octal \000 escape ends it early */
	struct mi_value *children;
	struct mi_value *next;
};

enum mi_output_kind {
	MI_OUTPUT_RESULT,	/* ^done ^running ^connected ^error ^exit */
	MI_OUTPUT_EXEC_ASYNC,	/* *stopped, *running */
	MI_OUTPUT_STATUS_ASYNC,	/* +download ... */
	MI_OUTPUT_NOTIFY_ASYNC,	/* =thread-created, =library-loaded ... */
	MI_OUTPUT_CONSOLE,	/* ~"..." */
	MI_OUTPUT_TARGET,	/* @"..." */
	MI_OUTPUT_LOG,		/* &"..." */
	MI_OUTPUT_PROMPT,	/* (gdb) */
	MI_OUTPUT_PARSE_ERROR,	/* a line that is not valid MI */
};

enum mi_result_class {
	MI_CLASS_NONE,		/* not a result record */
	MI_CLASS_DONE,
	MI_CLASS_RUNNING,
	MI_CLASS_CONNECTED,
	MI_CLASS_ERROR,
	MI_CLASS_EXIT,
};

struct mi_output {
	enum mi_output_kind kind;
	bool has_token;
	unsigned long long token;
	/*
	 * RESULT: result_class is set and async_class holds its text
	 * ("done", ...).  *_ASYNC: async_class is the class ("stopped").
	 */
	enum mi_result_class result_class;
	char *async_class;
	/* RESULT and *_ASYNC: the results after the class, may be NULL. */
	struct mi_value *results;
	/* CONSOLE, TARGET, LOG: the unescaped stream text (may hold '\0'
	 * bytes from octal escapes: text_len is the length). */
	char *text;
	size_t text_len;
	/* PARSE_ERROR: the offending token, its 1-based column, and a
	 * description of what was expected.  has_token and token stay set
	 * when the line began with a valid token, so a caller waiting for
	 * that token's result can fail it instead of waiting forever. */
	char *error_token;
	size_t error_column;
	char *error_message;
	/* Every kind: the raw line as received, without the newline. */
	char *line;
};

/* Both accept NULL.  mi_value_destroy() frees value, everything below it
 * and every sibling after it: pass the head of a list to free the list. */
void mi_output_destroy(struct mi_output *out);
void mi_value_destroy(struct mi_value *value);

/*
 * The child of a tuple or list named name, or NULL.  first is the head of the
 * sibling list to search: value->children, or out->results for a record.
 */
const struct mi_value *mi_value_find(const struct mi_value *first,
				     const char *name);
/* The cstring of the const child named name, or NULL. */
const char *mi_value_string(const struct mi_value *first, const char *name);

/*
 * Deep comparison (for tests and the fuzzer): every field, the raw line and
 * whole sibling lists.  Either side may be NULL.
 */
/* Whether out is an async record of this kind and class ("stopped"). */
bool mi_output_is(const struct mi_output *out, enum mi_output_kind kind,
		  const char *async_class);
bool mi_value_equal(const struct mi_value *a, const struct mi_value *b);
bool mi_output_equal(const struct mi_output *a, const struct mi_output *b);

#endif
