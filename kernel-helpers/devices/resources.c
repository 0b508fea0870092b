// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/devices/resources.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/addrset.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"

/* struct resource's members lkdb reads; span: bytes read for a node. */
struct res_layout {
	uint64_t start, end, name, child, sibling;
	uint64_t span;
};

struct walk {
	struct kernel *k;
	struct res_layout l;
	struct kernel_resources *r;
	size_t cap;
	struct addr_set seen;
	bool full;
	struct lkdb_error *oom;
};

static void warn(struct walk *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void warn(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct lkdb_error *err = lkdb_warning_vappend(&w->r->warnings,
						      &w->r->nr_warnings, fmt, ap);
	va_end(ap);
	if (err)
		w->oom = err;
}

static struct lkdb_error *get_layout(struct kernel *k, struct res_layout *l)
{
	struct ktypes *t;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err ||
	    (err = ktypes_member(t, "resource", "start", &l->start, NULL)) ||
	    (err = ktypes_member(t, "resource", "end", &l->end, NULL)) ||
	    (err = ktypes_member(t, "resource", "name", &l->name, NULL)) ||
	    (err = ktypes_member(t, "resource", "child", &l->child, NULL)) ||
	    (err = ktypes_member(t, "resource", "sibling", &l->sibling, NULL)))
		return err;
	uint64_t last = l->start;
	const uint64_t offs[] = { l->end, l->name, l->child, l->sibling };
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		if (offs[i] > last)
			last = offs[i];
	l->span = last + 8;
	return NULL;
}

static uint64_t word(const uint8_t *buf, uint64_t off)
{
	uint64_t v;
	memcpy(&v, buf + off, sizeof(v));
	return v;
}

/* Append the node at entry; false when the chain ends here. */
static bool add(struct walk *w, uint64_t entry, unsigned int depth,
		uint64_t *child_ret, uint64_t *sibling_ret)
{
	if (w->r->nr >= KERNEL_RESOURCES_MAX) {
		if (!w->full)
			warn(w, "more than %d resources: the rest are not read",
			     KERNEL_RESOURCES_MAX);
		w->full = true;
		return false;
	}
	int added = addr_set_add(&w->seen, entry);
	if (added < 0) {
		w->oom = &lkdb_error_oom;
		return false;
	}
	if (!added) {
		warn(w, "resource 0x%" PRIx64 " met again (a loop): its chain ends there",
		     entry);
		return false;
	}
	uint8_t buf[256];
	if (w->l.span > sizeof(buf)) {
		warn(w, "struct resource is larger than lkdb reads (%" PRIu64 " bytes)",
		     w->l.span);
		return false;
	}
	struct lkdb_error *err = w->k->memory.read(w->k->memory.context, entry,
						   buf, w->l.span);
	if (err) {
		warn(w, "resource 0x%" PRIx64 ": %s: its chain ends there",
		     entry, err->message);
		lkdb_error_destroy(err);
		return false;
	}
	if (w->r->nr == w->cap) {
		size_t n = w->cap ? 2 * w->cap : 64;
		void *grown = realloc(w->r->res, n * sizeof(*w->r->res));
		if (!grown) {
			w->oom = &lkdb_error_oom;
			return false;
		}
		w->r->res = grown;
		w->cap = n;
	}
	struct kernel_resource *o = &w->r->res[w->r->nr++];
	memset(o, 0, sizeof(*o));
	o->resource = entry;
	o->start = word(buf, w->l.start);
	o->end = word(buf, w->l.end);
	o->depth = depth;
	uint64_t name = word(buf, w->l.name);
	err = name ? kernel_read_string(w->k, name, o->name, sizeof(o->name)) :
		     NULL;
	if (!name || err) {
		lkdb_error_destroy(err);
		snprintf(o->name, sizeof(o->name), "(unknown)");
	}
	*child_ret = word(buf, w->l.child);
	*sibling_ret = word(buf, w->l.sibling);
	return true;
}

/* The chain of siblings from entry, each node's children after it. */
static void walk(struct walk *w, uint64_t entry, unsigned int depth)
{
	while (entry && !w->oom) {
		uint64_t child, sibling;
		if (!add(w, entry, depth, &child, &sibling))
			return;
		if (child && child != entry) {
			if (depth + 1 >= KERNEL_RESOURCE_DEPTH_MAX)
				warn(w, "resource 0x%" PRIx64 ": more than %d levels deep: its children are not read",
				     entry, KERNEL_RESOURCE_DEPTH_MAX);
			else
				walk(w, child, depth + 1);
		}
		entry = sibling;
	}
}

struct lkdb_error *kernel_read_resources(struct kernel *k, uint64_t root,
					 struct kernel_resources *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct walk w = { .k = k, .r = ret };
	struct lkdb_error *err = get_layout(k, &w.l);
	if (err)
		return err;
	uint8_t probe[8];
	err = k->memory.read(k->memory.context, root, probe, sizeof(probe));
	if (err)
		return lkdb_error_prefix(err, "resource 0x%" PRIx64, root);
	/* The root's own siblings are not its tree's. */
	uint64_t child, sibling;
	if (add(&w, root, 0, &child, &sibling) && child && child != root)
		walk(&w, child, 1);
	addr_set_deinit(&w.seen);
	if (w.oom) {
		kernel_resources_deinit(ret);
		return w.oom;
	}
	return NULL;
}

void kernel_resources_deinit(struct kernel_resources *r)
{
	free(r->res);
	lkdb_warnings_free(r->warnings, r->nr_warnings);
	memset(r, 0, sizeof(*r));
}
