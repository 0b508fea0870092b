// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/devices/irqs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/printable.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/mapletree.h"
#include "kernel-helpers/core/trees.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/memory/percpu.h"

struct irq_layout {
	uint64_t action, desc_name, chip, kstat;	/* in irq_desc */
	uint64_t chip_name;				/* in irq_chip */
	uint64_t act_name, act_next;			/* in irqaction */
	uint64_t cnt;				/* in the per-CPU count */
	uint64_t desc_size;
};

static void warn(struct kernel_irqs *r, struct lkdb_error *err)
{
	lkdb_error_destroy(lkdb_warning_append(&r->warnings, &r->nr_warnings,
					       "%s", err->message));
	lkdb_error_destroy(err);
}

static struct lkdb_error *get_layout(struct ktypes *t, struct irq_layout *l)
{
	struct lkdb_error *err;
	if ((err = ktypes_member(t, "irq_desc", "action", &l->action, NULL)) ||
	    (err = ktypes_member(t, "irq_desc", "name", &l->desc_name, NULL)) ||
	    (err = ktypes_member(t, "irq_desc", "irq_data.chip", &l->chip,
				 NULL)) ||
	    (err = ktypes_member(t, "irq_desc", "kstat_irqs", &l->kstat,
				 NULL)) ||
	    (err = ktypes_size(t, "irq_desc", &l->desc_size)) ||
	    (err = ktypes_member(t, "irq_chip", "name", &l->chip_name, NULL)) ||
	    (err = ktypes_member(t, "irqaction", "name", &l->act_name, NULL)) ||
	    (err = ktypes_member(t, "irqaction", "next", &l->act_next, NULL)))
		return err;
	l->cnt = 0;
	/* 6.10+: struct irqstat { cnt; ... } per CPU, an unsigned int before. */
	if (ktypes_has_member(t, "irqstat", "cnt"))
		err = ktypes_member(t, "irqstat", "cnt", &l->cnt, NULL);
	return err;
}

/* The NUL-terminated string the pointer at addr points to, printable. */
static void pointed_name(struct kernel *k, uint64_t addr, char *buf,
			 size_t size)
{
	uint64_t p = 0;
	struct lkdb_error *err = kernel_read_uint(k, addr, 8, &p);
	buf[0] = '\0';
	if (!err && p)
		err = kernel_read_string(k, p, buf, size);
	if (err)
		buf[0] = '\0';
	lkdb_error_destroy(err);
	lkdb_printable(buf, buf, size, "\"");
}

/* irq_to_desc for every IRQ: descs[irq], 0 where there is none. */
static struct lkdb_error *find_descs(struct kernel *k, struct ktypes *t,
				     const struct irq_layout *l,
				     struct kernel_irqs *r, uint64_t *descs,
				     size_t nr)
{
	uint64_t sym;
	struct lkdb_error *err = kernel_need_symbol(k, "sparse_irqs",
						    "interrupts", &sym);
	if (!err && ktypes_has_member(t, "maple_tree", "ma_root")) {
		/* 6.5+: a maple tree by IRQ number. */
		struct maple_entries m;
		if ((err = maple_tree_read(k, sym + k->kaslr_offset, &m)))
			return lkdb_error_prefix(err, "sparse_irqs");
		for (size_t i = 0; i < m.nr_warnings; i++)
			warn(r, lkdb_error_create(LKDB_ERROR_INVALID,
						  "sparse_irqs: %s", m.warnings[i]));
		for (size_t i = 0; i < m.nr; i++)
			for (uint64_t irq = m.entries[i].first;
			     irq <= m.entries[i].last && irq < nr; irq++)
				descs[irq] = m.entries[i].value;
		maple_entries_deinit(&m);
		return NULL;
	}
	if (err && err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	lkdb_error_destroy(err);
	err = kernel_need_symbol(k, "irq_desc_tree", "interrupts", &sym);
	if (!err) {
		struct tree_entries te;
		if ((err = kernel_xarray_walk(k, sym + k->kaslr_offset, false,
					      &te)))
			return lkdb_error_prefix(err, "irq_desc_tree");
		for (size_t i = 0; i < te.nr_warnings; i++)
			warn(r, lkdb_error_create(LKDB_ERROR_INVALID,
						  "irq_desc_tree: %s", te.warnings[i]));
		for (size_t i = 0; i < te.nr; i++)
			if (te.entries[i].index < nr)
				descs[te.entries[i].index] = te.entries[i].entry;
		tree_entries_deinit(&te);
		return NULL;
	}
	if (err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	lkdb_error_destroy(err);
	/* Without CONFIG_SPARSE_IRQ: the array irq_desc[NR_IRQS]. */
	uint64_t size;
	if ((err = kernel_need_symbol(k, "irq_desc",
				      "interrupts (none of sparse_irqs, irq_desc_tree, irq_desc)",
				      &sym)) ||
	    (err = ktypes_var_member(t, "irq_desc", NULL, NULL, &size)))
		return err;
	for (size_t i = 0; i < nr && (i + 1) * l->desc_size <= size; i++)
		descs[i] = sym + k->kaslr_offset + i * l->desc_size;
	return NULL;
}

static struct lkdb_error *read_irq(struct kernel *k,
				   const struct irq_layout *l,
				   const struct percpu_cpus *cpus,
				   struct kernel_irq *q)
{
	uint64_t action, chip, kstat;
	struct lkdb_error *err;
	if ((err = kernel_read_uint(k, q->desc + l->action, 8, &action)) ||
	    (err = kernel_read_uint(k, q->desc + l->chip, 8, &chip)))
		return lkdb_error_prefix(err, "IRQ %u's irq_desc 0x%" PRIx64,
					 q->irq, q->desc);
	pointed_name(k, q->desc + l->desc_name, q->handler, sizeof(q->handler));
	if (chip)
		pointed_name(k, chip + l->chip_name, q->chip, sizeof(q->chip));
	while (action && q->nr_actions < KERNEL_IRQ_ACTIONS_MAX) {
		if (!q->actions &&
		    !(q->actions = calloc(KERNEL_IRQ_ACTIONS_MAX,
					  sizeof(*q->actions))))
			return &lkdb_error_oom;
		struct kernel_irq_action *a = &q->actions[q->nr_actions++];
		a->action = action;
		pointed_name(k, action + l->act_name, a->name, sizeof(a->name));
		if ((err = kernel_read_uint(k, action + l->act_next, 8, &action)))
			return lkdb_error_prefix(err, "IRQ %u's irqaction 0x%" PRIx64,
						 q->irq, a->action);
	}
	if (action)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "IRQ %u has more than %u actions (a loop?): the first shown",
					 q->irq, KERNEL_IRQ_ACTIONS_MAX);
	if (!cpus)
		return NULL;
	if ((err = kernel_read_uint(k, q->desc + l->kstat, 8, &kstat)))
		return lkdb_error_prefix(err, "IRQ %u's counts", q->irq);
	if (!(q->counts = calloc(cpus->nr_cpu_ids, 8)))
		return &lkdb_error_oom;
	for (unsigned int cpu = 0; kstat && cpu < cpus->nr_cpu_ids; cpu++) {
		uint64_t at;
		if (!cpus->possible[cpu] ||
		    percpu_address(cpus, cpu, kstat, &at))
			continue;
		if ((err = kernel_read_uint(k, at + l->cnt, 4, &q->counts[cpu])))
			return lkdb_error_prefix(err, "IRQ %u's count on CPU %u",
						 q->irq, cpu);
	}
	return NULL;
}

struct lkdb_error *kernel_read_irqs(struct kernel *k, bool counts,
				    struct kernel_irqs *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct irq_layout l;
	uint64_t nr_irqs;
	struct percpu_cpus *cpus = NULL;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = get_layout(t, &l)) ||
	    (err = kernel_read_variable_uint(k, "nr_irqs", "interrupts", 0, 4,
					     &nr_irqs)))
		return err;
	if (!nr_irqs || nr_irqs > KERNEL_IRQS_MAX)
		return lkdb_error_create(LKDB_ERROR_INVALID, "nr_irqs is %" PRIu64,
					 nr_irqs);
	if (counts && (err = kernel_read_cpus(k, &cpus)))
		return err;
	uint64_t *descs = calloc(nr_irqs, sizeof(*descs));
	ret->irqs = calloc(nr_irqs, sizeof(*ret->irqs));
	if (!descs || !ret->irqs)
		err = &lkdb_error_oom;
	if (!err)
		err = find_descs(k, t, &l, ret, descs, nr_irqs);
	for (size_t i = 0; !err && i < nr_irqs; i++) {
		struct kernel_irq *q = &ret->irqs[ret->nr++];
		q->irq = (unsigned int)i;
		q->desc = descs[i];
		if (!q->desc)
			continue;
		struct lkdb_error *e = read_irq(k, &l, cpus, q);
		if (e == &lkdb_error_oom)
			err = e;
		else if (e)
			warn(ret, e);
	}
	if (!err && cpus) {
		ret->nr_cpus = cpus->nr_cpu_ids;
		ret->possible = calloc(cpus->nr_cpu_ids, sizeof(*ret->possible));
		if (!ret->possible)
			err = &lkdb_error_oom;
		for (unsigned int c = 0; !err && c < cpus->nr_cpu_ids; c++)
			ret->possible[c] = cpus->possible[c];
	}
	free(descs);
	percpu_cpus_destroy(cpus);
	if (err)
		kernel_irqs_deinit(ret);
	return err;
}

void kernel_irqs_deinit(struct kernel_irqs *irqs)
{
	for (size_t i = 0; irqs->irqs && i < irqs->nr; i++) {
		free(irqs->irqs[i].actions);
		free(irqs->irqs[i].counts);
	}
	free(irqs->irqs);
	free(irqs->possible);
	lkdb_warnings_free(irqs->warnings, irqs->nr_warnings);
	memset(irqs, 0, sizeof(*irqs));
}

struct lkdb_error *kernel_irq_affinity(struct kernel *k, uint64_t desc,
				       bool *mask, unsigned int n)
{
	struct ktypes *t;
	uint64_t off, at, link;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err)
		return err;
	/* 4.3's commit 9df872faa7e1 "genirq: Move field 'affinity' from irq_data into irq_common_data". */
	if (ktypes_has_member(t, "irq_desc", "irq_common_data.affinity"))
		err = ktypes_member(t, "irq_desc", "irq_common_data.affinity", &off, NULL);
	else
		err = ktypes_member(t, "irq_desc", "irq_data.affinity", &off, NULL);
	if (err)
		return err;
	at = desc + off;
	err = vmlinux_symbol(k->vmlinux, "alloc_cpumask_var_node", &link, NULL);
	bool pointer = !err;
	lkdb_error_destroy(err);
	if (pointer && (err = kernel_read_uint(k, at, 8, &at)))
		return lkdb_error_prefix(err, "irq_desc 0x%" PRIx64 "'s affinity", desc);
	size_t words = (n + 63) / 64;
	uint64_t *bits = calloc(words ? words : 1, 8);
	if (!bits)
		return &lkdb_error_oom;
	err = kernel_memory(k)->read(kernel_memory(k)->context, at, bits, words * 8);
	for (unsigned int i = 0; !err && i < n; i++)
		mask[i] = bits[i / 64] >> (i % 64) & 1;
	free(bits);
	return err ? lkdb_error_prefix(err, "irq_desc 0x%" PRIx64 "'s affinity", desc) : NULL;
}
