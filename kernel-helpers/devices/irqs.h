/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interrupt descriptors as crash's irq and /proc/interrupts show them:
 * for each IRQ below nr_irqs its struct irq_desc (or none), its actions
 * (struct irqaction, linked by next: shared IRQs have several) with their
 * names, its chip's name (irq_data.chip->name), the flow handler's name
 * (irq_desc.name: "edge", "fasteoi") and with counts how often it fired
 * on each CPU (irq_desc.kstat_irqs, per CPU).
 *
 * Where the descriptors are, found by symbol and type: the maple tree
 * sparse_irqs since 6.5 ("genirq: Use a maple tree for interrupt
 * descriptor management"), the radix tree irq_desc_tree before (an XArray
 * since 4.20), the array irq_desc[] without CONFIG_SPARSE_IRQ.  A per-CPU
 * count is an unsigned int, the cnt of struct irqstat since 6.10
 * ("genirq: Use struct irqstat for per-CPU interrupt statistics").  Walks
 * are bounded; what cannot be read is a warning naming the IRQ.
 */
#ifndef LKDB_IRQS_H
#define LKDB_IRQS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

#define KERNEL_IRQS_MAX (1u << 20)
#define KERNEL_IRQ_ACTIONS_MAX 64

struct kernel_irq_action {
	uint64_t action;	/* struct irqaction */
	char name[64];
};

struct kernel_irq {
	unsigned int irq;
	uint64_t desc;		/* 0: no descriptor */
	struct kernel_irq_action *actions;
	size_t nr_actions;
	char chip[32], handler[32];
	uint64_t *counts;	/* [nr_cpus], with counts */
};

struct kernel_irqs {
	struct kernel_irq *irqs;	/* 0 .. nr_irqs - 1 */
	size_t nr;
	unsigned int nr_cpus;		/* nr_cpu_ids: counts' length */
	bool *possible;			/* [nr_cpus]: the columns */
	char **warnings;
	size_t nr_warnings;
};

struct lkdb_error *kernel_read_irqs(struct kernel *k, bool counts,
				    struct kernel_irqs *ret);
void kernel_irqs_deinit(struct kernel_irqs *irqs);

/*
 * The CPUs the IRQ whose descriptor is at desc may run on (its
 * irq_common_data.affinity; irq_data.affinity before 4.3): mask[i] for
 * i < n.  The member is a cpumask_var_t, a pointer when the kernel has
 * alloc_cpumask_var_node (CONFIG_CPUMASK_OFFSTACK), else the mask itself.
 */
struct lkdb_error *kernel_irq_affinity(struct kernel *k, uint64_t desc,
				       bool *mask, unsigned int n);

#endif
