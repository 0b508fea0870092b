// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timer: the timer wheel's timers per CPU and base, or (-r) the hrtimers
 * per CPU and clock, as crash's timer prints them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/printable.h"
#include "frontend/core/commands.h"
#include "frontend/kernel/module_names.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/tasks/tasks.h"
#include "kernel-helpers/tasks/timers.h"

static int digits(const char *fmt, uint64_t v)
{
	char b[32];
	return snprintf(b, sizeof(b), fmt, v);
}

/* Stable: the order read (bucket, then list) among equal expiries. */
static int by_expires(const void *a, const void *b)
{
	const struct kernel_timer *x = a, *y = b;
	if (x->expires != y->expires)
		return x->expires < y->expires ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void json_timer(struct module_names *mn, const struct kernel_timer *t,
		       bool hr, int64_t tte, bool first)
{
	char name[256];
	module_names_symstr(mn, t->function, name, sizeof(name));
	fputs(first ? "" : ", ", stdout);
	fputs("{\"timer\": ", stdout);
	json_write_address(stdout, t->addr);
	printf(", \"expires\": %" PRIu64, t->expires);
	if (hr)
		printf(", \"softexpires\": %" PRIu64, t->softexpires);
	printf(", \"tte\": %" PRId64 ", \"function\": ", tte);
	json_write_address(stdout, t->function);
	fputs(", \"symbol\": ", stdout);
	if (name[0])
		json_write_string(stdout, name);
	else
		fputs("null", stdout);
	putchar('}');
}

static void print_wheel(struct module_names *mn, struct kernel_timers *t, bool json)
{
	char buf[256];
	int flen = digits("%" PRIu64, t->jiffies);
	if (flen < 7)
		flen = 7;
	if (json)
		printf("{\"jiffies\": %" PRIu64 ", \"bases\": [", t->jiffies);
	else
		printf("%-*s\n%*" PRIu64 "\n\n", flen, "JIFFIES", flen, t->jiffies);
	for (size_t i = 0; i < t->nr && !lkdb_interrupted; i++) {
		struct kernel_timer_base *b = &t->bases[i];
		qsort(b->timers, b->nr, sizeof(*b->timers), by_expires);
		if (json) {
			printf("%s{\"cpu\": %u, \"base\": \"%s\", \"address\": ", i ? ",\n " : "",
			       b->cpu, b->name);
			json_write_address(stdout, b->addr);
			fputs(", \"timers\": [", stdout);
			for (size_t j = 0; j < b->nr; j++)
				json_timer(mn, &b->timers[j], false,
					   (int64_t)(b->timers[j].expires - t->jiffies), !j);
			fputs("]}", stdout);
			continue;
		}
		if (i && b->cpu != t->bases[i - 1].cpu)
			putchar('\n');
		printf("TIMER_BASES[%u][%s]: %" PRIx64 "\n", b->cpu, b->name, b->addr);
		uint64_t highest = 0;
		for (size_t j = 0; j < b->nr; j++) {
			int64_t tte = (int64_t)(b->timers[j].expires - t->jiffies);
			uint64_t a = tte < 0 ? (uint64_t)-tte : (uint64_t)tte;
			if (a > highest)
				highest = a;
		}
		/* +1 for a "-" sign, as crash counts it. */
		int tlen = digits("%" PRIu64, highest) + 1;
		if (tlen < 3)
			tlen = 3;
		printf("  %-*s     %-*s     TIMER_LIST     FUNCTION\n", flen, "EXPIRES",
		       tlen, "TTE");
		for (size_t j = 0; j < b->nr; j++) {
			const struct kernel_timer *tm = &b->timers[j];
			module_names_symstr(mn, tm->function, buf, sizeof(buf));
			printf("  %*" PRIu64 "  %*" PRId64 "  ", flen, tm->expires, tlen,
			       (int64_t)(tm->expires - t->jiffies));
			char addr[24];
			snprintf(addr, sizeof(addr), "%16" PRIx64, tm->addr);
			lkdb_print_centered(stdout, 16, addr, false);
			printf("  %16" PRIx64 "  <%s>\n", tm->function, buf);
		}
		if (!b->nr)
			puts("  (none)");
	}
	if (json)
		puts("]}");
}

static void print_hrtimers(struct kernel *k, struct module_names *mn,
			   struct kernel_timers *t, uint64_t now_base, bool json)
{
	char buf[256], num[32];
	if (json)
		putchar('[');
	for (size_t i = 0; i < t->nr && !lkdb_interrupted; i++) {
		struct kernel_timer_base *b = &t->bases[i];
		/* crash's now: jiffies since boot in ns, plus the clock's offset. */
		uint64_t now = now_base + (uint64_t)b->offset;
		module_names_symstr(mn, b->get_time, buf, sizeof(buf));
		if (json) {
			printf("%s{\"cpu\": %u, \"clock\": %u, \"address\": ", i ? ",\n " : "",
			       b->cpu, b->index);
			json_write_address(stdout, b->addr);
			fputs(", \"get_time\": ", stdout);
			json_write_string(stdout, buf);
			printf(", \"now\": %" PRIu64 ", \"timers\": [", now);
			for (size_t j = 0; j < b->nr; j++)
				json_timer(mn, &b->timers[j], true,
					   (int64_t)(b->timers[j].expires - now), !j);
			fputs("]}", stdout);
			continue;
		}
		bool first_clock = !i || b->cpu != t->bases[i - 1].cpu;
		if (first_clock) {
			uint64_t cpu_base = 0;
			struct lkdb_error *e = kernel_hrtimer_cpu_base(k, b->cpu, &cpu_base);
			lkdb_error_destroy(e);
			printf("%sCPU: %u  HRTIMER_CPU_BASE: %" PRIx64 "\n", i ? "\n" : "",
			       b->cpu, cpu_base);
		} else {
			putchar('\n');
		}
		printf("  CLOCK: %u  HRTIMER_CLOCK_BASE: %" PRIx64 "  [%s]\n", b->index,
		       b->addr, buf);
		if (!b->nr) {
			puts("  (empty)");
			continue;
		}
		/* Column widths from the last timer, as crash takes them. */
		const struct kernel_timer *last = &b->timers[b->nr - 1];
		int elen = digits("%" PRIu64, last->expires);
		int slen = digits("%" PRIu64, last->softexpires);
		int tlen = snprintf(num, sizeof(num), "%" PRId64, (int64_t)(last->expires - now));
		if (elen < 7)
			elen = 7;
		if (slen < 11)
			slen = 11;
		fputs("  ", stdout);
		lkdb_print_centered(stdout, slen, "CURRENT", true);
		snprintf(num, sizeof(num), "%" PRIu64, now);
		fputs("\n  ", stdout);
		lkdb_print_centered(stdout, slen, num, true);
		fputs("\n  ", stdout);
		lkdb_print_centered(stdout, slen, "SOFTEXPIRES", true);
		fputs("  ", stdout);
		lkdb_print_centered(stdout, elen, "EXPIRES", true);
		fputs("  ", stdout);
		lkdb_print_centered(stdout, tlen, "TTE", true);
		fputs("  ", stdout);
		lkdb_print_centered(stdout, 16, "HRTIMER", false);
		fputs("  ", stdout);
		lkdb_print_centered(stdout, 16, "FUNCTION", false);
		putchar('\n');
		for (size_t j = 0; j < b->nr; j++) {
			const struct kernel_timer *tm = &b->timers[j];
			fputs("  ", stdout);
			snprintf(num, sizeof(num), "%" PRIu64, tm->softexpires);
			lkdb_print_centered(stdout, slen, num, true);
			fputs("  ", stdout);
			snprintf(num, sizeof(num), "%" PRIu64, tm->expires);
			lkdb_print_centered(stdout, elen, num, true);
			module_names_symstr(mn, tm->function, buf, sizeof(buf));
			printf("  %*" PRId64 "  %" PRIx64 "  %" PRIx64 "  <%s>\n", tlen,
			       (int64_t)(tm->expires - now), tm->addr, tm->function, buf);
		}
	}
	if (json)
		puts("]");
}

static struct lkdb_error *cmd_timer(struct lkdb_command_context *ctx)
{
	bool hr = false;
	for (int i = 1; i < ctx->argc; i++) {
		if (!strcmp(ctx->argv[i], "-r"))
			hr = true;
		else
			return lkdb_usage_error(ctx, "unexpected argument \"%s\"", ctx->argv[i]);
	}
	struct kernel_timers t;
	struct lkdb_error *err = hr ? kernel_read_hrtimers(ctx->kernel, &t) :
				      kernel_read_timer_wheel(ctx->kernel, &t);
	if (err)
		return err;
	uint64_t jiffies = 0;
	unsigned int hz = 0;
	if (hr && (err = kernel_jiffies_since_boot(ctx->kernel, &jiffies, &hz))) {
		kernel_timers_deinit(&t);
		return err;
	}
	for (size_t i = 0; i < t.nr_warnings; i++)
		lkdb_warn("timer", "%s", t.warnings[i]);
	fflush(stderr);
	struct module_names *mn = NULL;
	struct lkdb_error *e = module_names_create(ctx->session, "timer", &mn);
	if (e)
		mn = NULL;	/* functions shown as addresses only */
	lkdb_error_destroy(e);
	if (hr)
		print_hrtimers(ctx->kernel, mn, &t, jiffies * (1000000000 / hz), ctx->json);
	else
		print_wheel(mn, &t, ctx->json);
	fflush(stdout);
	module_names_destroy(mn);
	kernel_timers_deinit(&t);
	return lkdb_interrupted ? lkdb_error_interrupted() : NULL;
}

const struct lkdb_command lkdb_command_timer = {
	.name = "timer",
	.handler = cmd_timer,
	.summary = "the timer wheel or (-r) the hrtimers of each CPU, as crash's timer",
	.usage = "timer [-r] [--json]\n"
		 "JIFFIES, then each CPU's timer bases (TIMER_BASES[CPU][BASE_STD] ...) and\n"
		 "their timers sorted by expiry: EXPIRES (jiffies), TTE (jiffies to go;\n"
		 "negative: overdue), the struct timer_list and its FUNCTION, as crash's\n"
		 "timer prints them.\n"
		 "  -r      each CPU's hrtimers (HRTIMER_CPU_BASE), clock by clock\n"
		 "          (HRTIMER_CLOCK_BASE and its get_time function): CURRENT (the\n"
		 "          clock now, from jiffies as crash computes it), SOFTEXPIRES,\n"
		 "          EXPIRES, TTE (ns), the struct hrtimer and its FUNCTION, in\n"
		 "          expiry order\n"
		 "  --json  {jiffies, bases: [{cpu, base, address, timers: [{timer,\n"
		 "          expires, tte, function, symbol}]}]}; with -r an array of {cpu,\n"
		 "          clock, address, get_time, now, timers: [{timer, expires,\n"
		 "          softexpires, tte, function, symbol}]}",
	.man = ".BR timer \" [\" \\-r ]\n"
	       "The timer wheel's timers of each CPU and base, or with \\-r the hrtimers of\n"
	       "each CPU and clock, as crash's timer.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = lkdb_complete_nothing,
};
