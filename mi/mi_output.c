// SPDX-License-Identifier: GPL-2.0-or-later
#include "mi/mi_output.h"

#include <stdlib.h>
#include <string.h>

/*
 * Siblings are walked in a loop, children by recursion: a list may hold
 * millions of elements, but the parser caps nesting, so the recursion depth
 * is bounded.
 */
void mi_value_destroy(struct mi_value *value)
{
	while (value) {
		struct mi_value *next = value->next;

		mi_value_destroy(value->children);
		free(value->name);
		free(value->cstring);
		free(value);
		value = next;
	}
}

void mi_output_destroy(struct mi_output *out)
{
	if (!out)
		return;
	free(out->async_class);
	mi_value_destroy(out->results);
	free(out->text);
	free(out->error_token);
	free(out->error_message);
	free(out->line);
	free(out);
}

const struct mi_value *mi_value_find(const struct mi_value *first,
				     const char *name)
{
	for (const struct mi_value *v = first; v; v = v->next) {
		if (v->name && strcmp(v->name, name) == 0)
			return v;
	}
	return NULL;
}

const char *mi_value_string(const struct mi_value *first, const char *name)
{
	const struct mi_value *v = mi_value_find(first, name);

	return v && v->kind == MI_VALUE_CONST ? v->cstring : NULL;
}

static bool str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool mi_value_equal(const struct mi_value *a, const struct mi_value *b)
{
	for (; a && b; a = a->next, b = b->next) {
		if (a->kind != b->kind || !str_equal(a->name, b->name) ||
		    !str_equal(a->cstring, b->cstring) ||
		    !mi_value_equal(a->children, b->children))
			return false;
	}
	return a == b;
}

bool mi_output_equal(const struct mi_output *a, const struct mi_output *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->has_token != b->has_token ||
	    a->token != b->token || a->result_class != b->result_class ||
	    a->text_len != b->text_len || a->error_column != b->error_column)
		return false;
	if (!a->text != !b->text ||
	    (a->text && memcmp(a->text, b->text, a->text_len) != 0))
		return false;
	return str_equal(a->async_class, b->async_class) &&
	       str_equal(a->error_token, b->error_token) &&
	       str_equal(a->error_message, b->error_message) &&
	       str_equal(a->line, b->line) &&
	       mi_value_equal(a->results, b->results);
}

bool mi_output_is(const struct mi_output *out, enum mi_output_kind kind,
		  const char *async_class)
{
	return out && out->kind == kind && out->async_class &&
	       !strcmp(out->async_class, async_class);
}
