// SPDX-License-Identifier: GPL-2.0-or-later
/* irq: the interrupt descriptors and actions, and -s their counts. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/printable.h"
#include "frontend/core/commands.h"
#include "frontend/terminal/output.h"
#include "frontend/terminal/terminal.h"
#include "kernel-helpers/devices/irqs.h"
#include "kernel-helpers/memory/percpu.h"

static void center_hex(int width, uint64_t v)
{
	char s[24];
	if (v)
		snprintf(s, sizeof(s), "%" PRIx64, v);
	else
		snprintf(s, sizeof(s), "(unused)");
	lkdb_print_centered(stdout, width, s, false);
}

/* crash's irq: every IRQ, its descriptor, actions and their names. */
static void print_irq(const struct kernel_irq *q)
{
	char n[16];
	snprintf(n, sizeof(n), "%u", q->irq);
	lkdb_print_centered(stdout, 4, n, true);
	fputs("  ", stdout);
	center_hex(16, q->desc);
	fputs("  ", stdout);
	if (!q->nr_actions) {
		center_hex(16, 0);
		fputs("  \n", stdout);
		return;
	}
	for (size_t a = 0; a < q->nr_actions; a++) {
		if (a)
			printf("\n%24s", "");
		center_hex(16, q->actions[a].action);
		printf("  \"%s\"", q->actions[a].name);
	}
	putchar('\n');
}

/* irq -s: /proc/interrupts' lines for the IRQs with actions. */
static void print_counts(const struct kernel_irqs *r,
			 const struct kernel_irq *q)
{
	printf("%3u: ", q->irq);
	for (unsigned int c = 0; c < r->nr_cpus; c++)
		if (r->possible[c])
			printf("%10" PRIu64 " ", q->counts ? q->counts[c] : 0);
	printf("%8s", q->chip);
	if (q->handler[0])
		printf("-%-8s", q->handler);
	putchar(' ');
	for (size_t a = 0; a < q->nr_actions; a++)
		printf("%s%s", a ? "," : "", q->actions[a].name);
	putchar('\n');
}

static void irq_json(const struct kernel_irqs *r, const struct kernel_irq *q,
		     bool counts, bool first)
{
	printf("%s{\"irq\": %u, \"irq_desc\": ", first ? "" : ",\n ", q->irq);
	if (q->desc)
		json_write_address(stdout, q->desc);
	else
		fputs("null", stdout);
	fputs(", \"chip\": ", stdout);
	json_write_string(stdout, q->chip);
	fputs(", \"handler\": ", stdout);
	json_write_string(stdout, q->handler);
	fputs(", \"actions\": [", stdout);
	for (size_t a = 0; a < q->nr_actions; a++) {
		fputs(a ? ", {\"irqaction\": " : "{\"irqaction\": ", stdout);
		json_write_address(stdout, q->actions[a].action);
		fputs(", \"name\": ", stdout);
		json_write_string(stdout, q->actions[a].name);
		putchar('}');
	}
	putchar(']');
	if (counts) {
		fputs(", \"counts\": [", stdout);
		bool c0 = true;
		for (unsigned int c = 0; c < r->nr_cpus; c++) {
			if (!r->possible[c])
				continue;
			printf("%s%" PRIu64, c0 ? "" : ", ",
			       q->counts ? q->counts[c] : 0);
			c0 = false;
		}
		putchar(']');
	}
	putchar('}');
}

/* irq -a, as crash's: each IRQ with actions, their names, its CPU list. */
static bool print_affinity(struct lkdb_command_context *ctx,
			   const struct kernel_irqs *r, const struct kernel_irq *q,
			   bool first)
{
	bool *mask = calloc(r->nr_cpus ? r->nr_cpus : 1, sizeof(*mask));
	char names[256] = "", cpus[256] = "";
	if (!mask)
		return false;
	struct lkdb_error *err = kernel_irq_affinity(ctx->kernel, q->desc, mask, r->nr_cpus);
	if (err) {
		lkdb_warn("irq", "IRQ %u: %s", q->irq, err->message);
		lkdb_error_destroy(err);
		free(mask);
		return false;
	}
	for (size_t a = 0; a < q->nr_actions; a++) {
		size_t n = strlen(names);
		snprintf(names + n, sizeof(names) - n, "%s%s", n ? "," : "",
			 q->actions[a].name);
	}
	percpu_format_cpulist(mask, r->nr_cpus, cpus, sizeof(cpus));
	if (ctx->json) {
		printf("%s{\"irq\": %u, \"names\": ", first ? "" : ",\n ", q->irq);
		json_write_string(stdout, names);
		fputs(", \"affinity\": [", stdout);
		bool any = false;
		for (unsigned int c = 0; c < r->nr_cpus; c++)
			if (mask[c]) {
				printf("%s%u", any ? ", " : "", c);
				any = true;
			}
		fputs("]}", stdout);
	} else {
		printf("%3u %-20s %s\n", q->irq, names, cpus);
	}
	free(mask);
	return true;
}

static struct lkdb_error *cmd_irq(struct lkdb_command_context *ctx)
{
	bool counts = false, affinity = false;
	unsigned long only[64];
	size_t nr_only = 0;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		char *end;
		if (!strcmp(a, "-s")) {
			counts = true;
			continue;
		}
		if (!strcmp(a, "-a")) {
			affinity = true;
			continue;
		}
		if (a[0] == '-')
			return lkdb_usage_error(ctx, "unknown option %s (lkdb's irq has -s and -a so far)",
						a);
		unsigned long v = strtoul(a, &end, 10);
		if (!*a || *end)
			return lkdb_usage_error(ctx, "\"%s\" is not an IRQ number", a);
		if (nr_only == sizeof(only) / sizeof(only[0]))
			return lkdb_usage_error(ctx, "at most 64 IRQs");
		only[nr_only++] = v;
	}
	if (counts && affinity)
		return lkdb_usage_error(ctx, "-s or -a, not both");
	struct kernel_irqs r;
	/* -a needs the CPU ids the counts come with. */
	struct lkdb_error *err = kernel_read_irqs(ctx->kernel, counts || affinity, &r);
	if (err)
		return err;
	for (size_t i = 0; i < r.nr_warnings; i++)
		lkdb_warn("irq", "%s", r.warnings[i]);
	fflush(stderr);
	for (size_t i = 0; i < nr_only; i++)
		if (only[i] >= r.nr) {
			size_t nr = r.nr;
			kernel_irqs_deinit(&r);
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "IRQ %lu: the kernel has %zu (nr_irqs)",
						 only[i], nr);
		}
	if (ctx->json) {
		putchar('[');
	} else if (affinity) {
		puts("IRQ NAME                 AFFINITY");
	} else if (counts) {
		fputs("     ", stdout);
		for (unsigned int c = 0; c < r.nr_cpus; c++) {
			char cpu[16];
			snprintf(cpu, sizeof(cpu), "CPU%u", c);
			if (r.possible[c])
				printf("%10s ", cpu);
		}
		putchar('\n');
	} else {
		fputs(" IRQ  ", stdout);
		lkdb_print_centered(stdout, 16, "IRQ_DESC/_DATA", false);
		fputs("  ", stdout);
		lkdb_print_centered(stdout, 16, "IRQACTION", false);
		puts("  NAME");
	}
	size_t shown = 0;
	for (size_t i = 0; i < r.nr && !lkdb_interrupted; i++) {
		const struct kernel_irq *q = &r.irqs[i];
		bool wanted = !nr_only;
		for (size_t j = 0; j < nr_only && !wanted; j++)
			wanted = only[j] == q->irq;
		if (!wanted || ((counts || affinity) && !q->nr_actions))
			continue;
		if (affinity) {
			/* A line not printed (a warning instead) is not counted. */
			if (!print_affinity(ctx, &r, q, !shown))
				continue;
		} else if (ctx->json)
			irq_json(&r, q, counts, !shown);
		else if (counts)
			print_counts(&r, q);
		else
			print_irq(q);
		shown++;
	}
	if (ctx->json)
		puts("]");
	fflush(stdout);
	kernel_irqs_deinit(&r);
	return NULL;
}

const struct lkdb_command lkdb_command_irq = {
	.name = "irq",
	.handler = cmd_irq,
	.summary = "the interrupts: descriptors, actions and counts, as crash's irq",
	.usage = "irq [-s|-a] [IRQ...] [--json]\n"
		 "Each IRQ below nr_irqs (or the IRQs given) as crash's irq shows it:\n"
		 "its struct irq_desc, each struct irqaction and its NAME, \"(unused)\"\n"
		 "where there is none.  The descriptors are found in the maple tree\n"
		 "sparse_irqs (6.5+), the radix tree irq_desc_tree before, or the\n"
		 "irq_desc array.\n"
		 "  -s      as /proc/interrupts: the IRQs with actions, how often each\n"
		 "          fired on each CPU, the chip and flow handler (IO-APIC-edge),\n"
		 "          the actions' names\n"
		 "  -a      each IRQ with actions: their NAMEs and the CPUs it may run\n"
		 "          on (its affinity: /proc/irq/N/smp_affinity_list), as crash's\n"
		 "          irq -a\n"
		 "  --json  an array of {irq, irq_desc (null: none), chip, handler,\n"
		 "          actions: [{irqaction, name}], counts: [per CPU] (-s)}; with -a\n"
		 "          {irq, names, affinity: [CPU...]}",
	.man = ".BR irq \" [\" \\-s | \\-a \"] [\"\n"
	       ".IR IRQ \" ...]\"\n"
	       "The interrupt descriptors and their actions as crash's irq; \\-s: how often\n"
	       "each fired on each CPU, with its chip and handler, as /proc/interrupts;\n"
	       "\\-a: the CPUs each may run on.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = lkdb_complete_nothing,
};
