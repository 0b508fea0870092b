// SPDX-License-Identifier: GPL-2.0-or-later
/* dev: the character and block device majors, and -p the PCI devices. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/printable.h"
#include "frontend/core/commands.h"
#include "frontend/kernel/module_names.h"
#include "frontend/terminal/output.h"
#include "frontend/terminal/terminal.h"
#include "kernel-helpers/devices/devs.h"
#include "kernel-helpers/devices/resources.h"

/* One major as crash prints it: MAJOR NAME CDEV/GENDISK OPERATIONS. */
static void print_major(struct module_names *mn, unsigned int major,
			const char *name, uint64_t object, uint64_t ops)
{
	char sym[256];
	printf(" %3u      %-13s ", major, name[0] ? name : "(unknown)");
	if (!ops) {
		putchar(' ');
		lkdb_print_centered(stdout, 16, "(none)", false);
		putchar('\n');
		return;
	}
	printf(" %16" PRIx64 "  ", object);
	module_names_symstr(mn, ops, sym, sizeof(sym));
	if (sym[0])
		puts(sym);
	else
		printf("%" PRIx64 "\n", ops);
}

static void json_major(struct module_names *mn, unsigned int major,
		       const char *name, const char *what, uint64_t object,
		       uint64_t ops, bool first)
{
	char sym[256];
	printf("%s{\"major\": %u, \"name\": ", first ? "" : ",\n  ", major);
	json_write_string(stdout, name);
	printf(", \"%s\": ", what);
	if (ops)
		json_write_address(stdout, object);
	else
		fputs("null", stdout);
	fputs(", \"operations\": ", stdout);
	if (ops)
		json_write_address(stdout, ops);
	else
		fputs("null", stdout);
	fputs(", \"operations_name\": ", stdout);
	module_names_symstr(mn, ops, sym, sizeof(sym));
	if (sym[0])
		json_write_string(stdout, sym);
	else
		fputs("null", stdout);
	putchar('}');
}

static struct lkdb_error *show_majors(struct lkdb_command_context *ctx)
{
	struct kernel_devs d;
	struct lkdb_error *err = kernel_read_devs(ctx->kernel, &d);
	if (err)
		return err;
	for (size_t i = 0; i < d.nr_warnings; i++)
		lkdb_warn("dev", "%s", d.warnings[i]);
	fflush(stderr);
	struct module_names *mn = NULL;
	struct lkdb_error *e = module_names_create(ctx->session, "dev", &mn);
	if (e)
		mn = NULL;	/* operations shown as addresses only */
	lkdb_error_destroy(e);
	if (ctx->json) {
		fputs("{\"chrdevs\": [", stdout);
		for (size_t i = 0; i < d.nr_chr; i++)
			json_major(mn, d.chr[i].major, d.chr[i].name, "cdev",
				   d.chr[i].cdev, d.chr[i].ops, !i);
		fputs("],\n \"blkdevs\": [", stdout);
		for (size_t i = 0; i < d.nr_blk; i++)
			json_major(mn, d.blk[i].major, d.blk[i].name, "gendisk",
				   d.blk[i].gendisk, d.blk[i].ops, !i);
		puts("]}");
	} else {
		fputs("CHRDEV    NAME           ", stdout);
		lkdb_print_centered(stdout, 16, "CDEV", false);
		printf("  %-16s\n", "OPERATIONS");
		for (size_t i = 0; i < d.nr_chr && !lkdb_interrupted; i++)
			print_major(mn, d.chr[i].major, d.chr[i].name,
				    d.chr[i].cdev, d.chr[i].ops);
		fputs("\nBLKDEV    NAME           ", stdout);
		lkdb_print_centered(stdout, 16, "GENDISK", true);
		printf("  %-16s\n", "OPERATIONS");
		for (size_t i = 0; i < d.nr_blk && !lkdb_interrupted; i++)
			print_major(mn, d.blk[i].major, d.blk[i].name,
				    d.blk[i].gendisk, d.blk[i].ops);
	}
	fflush(stdout);
	module_names_destroy(mn);
	kernel_devs_deinit(&d);
	return lkdb_interrupted ? lkdb_error_interrupted() : NULL;
}

/* crash's TYPE: the PCI Express port type, " [BRIDGE]" for a bridge. */
static void pci_type(const struct kernel_pci *p, const struct kernel_pci_dev *d,
		     char *buf, size_t size)
{
	static const char *const types[16] = {
		[0x0] = "ENDPOINT", [0x1] = "LEG_END", [0x4] = "ROOT_PORT",
		[0x5] = "UPSTREAM", [0x6] = "DOWNSTREAM", [0x7] = "PCI_BRIDGE",
		[0x8] = "PCIE_BRIDGE", [0x9] = "RC_END", [0xa] = "RC_EC",
	};
	const char *t = p->has_pcie_flags ? types[(d->pcie_flags & 0xf0) >> 4] : NULL;
	/* PCI_HEADER_TYPE_BRIDGE, PCI_HEADER_TYPE_CARDBUS */
	bool bridge = d->hdr_type == 1 || d->hdr_type == 2;
	snprintf(buf, size, "%s%s", t ? t : "", bridge ? " [BRIDGE]" : "");
}

static void print_pci_dev(const struct kernel_pci *p,
			  const struct kernel_pci_dev *d)
{
	char s[64];
	printf("  %-16" PRIx64 " ", d->dev);
	lkdb_print_centered(stdout, 12, d->name, false);
	snprintf(s, sizeof(s), "%04x", d->class >> 8);
	putchar(' ');
	lkdb_print_centered(stdout, 6, s, false);
	snprintf(s, sizeof(s), "%x:%x", d->vendor, d->device);
	putchar(' ');
	lkdb_print_centered(stdout, 9, s, false);
	pci_type(p, d, s, sizeof(s));
	putchar(' ');
	lkdb_print_centered(stdout, 10, s, false);
	putchar('\n');
}

static void print_pci_bus(const struct kernel_pci *p,
			  const struct kernel_pci_bus *b)
{
	if (b->root) {
		lkdb_print_centered(stdout, 16, "ROOT BUS", false);
		putchar(' ');
		lkdb_print_centered(stdout, 7, "BUSNAME", false);
		printf("\n%-16" PRIx64 " ", b->bus);
		lkdb_print_centered(stdout, 7, b->name, false);
		putchar('\n');
	} else {
		fputs("  ", stdout);
		lkdb_print_centered(stdout, 16, "PCI BUS", false);
		putchar(' ');
		lkdb_print_centered(stdout, 16, "PARENT BUS", false);
		printf("\n  %-16" PRIx64 " %-16" PRIx64 "\n", b->bus, b->parent);
	}
	fputs("  ", stdout);
	lkdb_print_centered(stdout, 16, "PCI DEV", false);
	putchar(' ');
	lkdb_print_centered(stdout, 12, "DO:BU:SL.FN", false);
	putchar(' ');
	lkdb_print_centered(stdout, 6, "CLASS", false);
	putchar(' ');
	lkdb_print_centered(stdout, 9, "PCI_ID", false);
	if (p->has_pcie_flags) {
		putchar(' ');
		lkdb_print_centered(stdout, 10, "TYPE", false);
	}
	putchar('\n');
	if (b->has_self)
		print_pci_dev(p, &b->self);
	for (size_t i = 0; i < b->nr_devs; i++)
		print_pci_dev(p, &b->devs[i]);
	if (!b->root)
		putchar('\n');
}

static void json_pci_dev(const struct kernel_pci *p,
			 const struct kernel_pci_dev *d)
{
	char t[64];
	fputs("{\"pci_dev\": ", stdout);
	json_write_address(stdout, d->dev);
	fputs(", \"name\": ", stdout);
	json_write_string(stdout, d->name);
	fputs(", \"class\": ", stdout);
	json_write_address(stdout, d->class >> 8);
	fputs(", \"vendor\": ", stdout);
	json_write_address(stdout, d->vendor);
	fputs(", \"device\": ", stdout);
	json_write_address(stdout, d->device);
	fputs(", \"type\": ", stdout);
	pci_type(p, d, t, sizeof(t));
	json_write_string(stdout, t);
	putchar('}');
}

static struct lkdb_error *show_pci(struct lkdb_command_context *ctx)
{
	struct kernel_pci p;
	struct lkdb_error *err = kernel_read_pci(ctx->kernel, &p);
	if (err)
		return err;
	for (size_t i = 0; i < p.nr_warnings; i++)
		lkdb_warn("dev", "%s", p.warnings[i]);
	fflush(stderr);
	if (!p.nr_buses && !ctx->json) {
		kernel_pci_deinit(&p);
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no PCI devices found on this system (pci_root_buses is empty)");
	}
	if (ctx->json)
		putchar('[');
	for (size_t i = 0; i < p.nr_buses && !lkdb_interrupted; i++) {
		const struct kernel_pci_bus *b = &p.buses[i];
		if (!ctx->json) {
			/* A root bus's subtree ends with an empty line. */
			if (b->root && i)
				putchar('\n');
			print_pci_bus(&p, b);
			continue;
		}
		fputs(i ? ",\n {\"bus\": " : "{\"bus\": ", stdout);
		json_write_address(stdout, b->bus);
		fputs(", \"name\": ", stdout);
		json_write_string(stdout, b->name);
		printf(", \"root\": %s, \"parent\": ", b->root ? "true" : "false");
		if (b->parent)
			json_write_address(stdout, b->parent);
		else
			fputs("null", stdout);
		fputs(", \"self\": ", stdout);
		if (b->has_self)
			json_pci_dev(&p, &b->self);
		else
			fputs("null", stdout);
		fputs(", \"devices\": [", stdout);
		for (size_t j = 0; j < b->nr_devs; j++) {
			fputs(j ? ",\n   " : "", stdout);
			json_pci_dev(&p, &b->devs[j]);
		}
		fputs("]}", stdout);
	}
	puts(ctx->json ? "]" : "");
	fflush(stdout);
	kernel_pci_deinit(&p);
	return lkdb_interrupted ? lkdb_error_interrupted() : NULL;
}

/* dev -d, -D (nonzero only): crash's columns, its MINSPACE of one. */
static struct lkdb_error *show_diskio(struct lkdb_command_context *ctx,
				      bool nonzero)
{
	struct kernel_diskios r;
	struct lkdb_error *err = kernel_read_diskio(ctx->kernel, &r);
	if (err)
		return err;
	for (size_t i = 0; i < r.nr_warnings; i++)
		lkdb_warn("dev", "%s", r.warnings[i]);
	fflush(stderr);
	const char *c0 = r.sync_names ? "ASYNC" : "READ";
	const char *c1 = r.sync_names ? "SYNC" : "WRITE";
	if (ctx->json)
		putchar('[');
	else
		printf("MAJOR %-18s NAME       %-18s TOTAL %5s %5s %s\n", "GENDISK",
		       "REQUEST_QUEUE", c0, c1, r.drv_column ? "  DRV" : "");
	bool first = true;
	for (size_t i = 0; i < r.nr && !lkdb_interrupted; i++) {
		const struct kernel_diskio *d = &r.disks[i];
		uint64_t total = d->count[0] + d->count[1];
		if (nonzero && !total)
			continue;
		if (!ctx->json) {
			printf("%5u %-16" PRIx64 "   %-10s %-16" PRIx64 "   %5" PRIu64
			       " %5" PRIu64 " %5" PRIu64 " ",
			       d->major, d->gendisk, d->name, d->queue, total,
			       d->count[0], d->count[1]);
			if (!r.drv_column)
				putchar('\n');
			else if (d->mq)
				puts("N/A(MQ)");
			else
				printf("%5" PRIu64 "\n", d->drv);
			continue;
		}
		printf("%s{\"major\": %u, \"gendisk\": ", first ? "" : ",\n ", d->major);
		json_write_address(stdout, d->gendisk);
		fputs(", \"name\": ", stdout);
		json_write_string(stdout, d->name);
		fputs(", \"request_queue\": ", stdout);
		json_write_address(stdout, d->queue);
		printf(", \"total\": %" PRIu64 ", \"%s\": %" PRIu64 ", \"%s\": %" PRIu64,
		       total, r.sync_names ? "async" : "read", d->count[0],
		       r.sync_names ? "sync" : "write", d->count[1]);
		if (r.drv_column && !d->mq)
			printf(", \"drv\": %" PRIu64, d->drv);
		putchar('}');
		first = false;
	}
	if (ctx->json)
		puts("]");
	fflush(stdout);
	kernel_diskios_deinit(&r);
	return lkdb_interrupted ? lkdb_error_interrupted() : NULL;
}

/*
 * One resource tree as crash's dev -i: a centered header, then each node
 * "RESOURCE  START-END  NAME", the range 4 hex digits wide when the root
 * ends at or below 0xffff, else 8; a name that would pass column 80 is
 * broken at a space onto a line of its own under the first.
 */
static void print_resources(const struct kernel_resources *r, bool first)
{
	int size = r->nr && r->res[0].end > 0xffff ? 8 : 4;
	int wrap = 16 + 2 + (size * 2 + 1) + 2;
	if (!first)
		putchar('\n');
	lkdb_print_centered(stdout, 16, "RESOURCE", false);
	fputs("  ", stdout);
	lkdb_print_centered(stdout, size * 2 + 1, "RANGE", false);
	fputs("  NAME\n", stdout);
	for (size_t i = 0; i < r->nr && !lkdb_interrupted; i++) {
		const struct kernel_resource *e = &r->res[i];
		char name[KERNEL_RESOURCE_NAME_MAX];
		lkdb_printable(name, e->name, sizeof(name) - 1, "");
		printf("%8" PRIx64 "  %0*" PRIx64 "-%0*" PRIx64, e->resource, size,
		       e->start, size, e->end);
		size_t len = strlen(name);
		char *rest = wrap + len > 80 ?
			lkdb_break_at_space(name, wrap + len - 80) : NULL;
		printf("  %s\n", name);
		if (rest)
			printf("%*s%s\n", wrap, "", rest);
	}
}

static void json_resources(const char *key, const struct kernel_resources *r)
{
	printf("\"%s\": [", key);
	for (size_t i = 0; i < r->nr; i++) {
		const struct kernel_resource *e = &r->res[i];
		fputs(i ? ",\n  {\"resource\": " : "\n  {\"resource\": ", stdout);
		json_write_address(stdout, e->resource);
		fputs(", \"start\": ", stdout);
		json_write_address(stdout, e->start);
		fputs(", \"end\": ", stdout);
		json_write_address(stdout, e->end);
		printf(", \"depth\": %u, \"name\": ", e->depth);
		json_write_string(stdout, e->name);
		putchar('}');
	}
	putchar(']');
}

/* dev -i: the I/O port and I/O memory trees, as crash's. */
static struct lkdb_error *show_resources(struct lkdb_command_context *ctx)
{
	static const char *const roots[] = { "ioport_resource", "iomem_resource" };
	static const char *const keys[] = { "ioport", "iomem" };
	struct kernel_resources trees[2] = { 0 };
	struct lkdb_error *err = NULL;
	for (int i = 0; i < 2 && !err; i++) {
		uint64_t root;
		err = kernel_need_symbol(ctx->kernel, roots[i], "dev -i", &root);
		if (!err &&
		    (err = kernel_read_resources(ctx->kernel,
						 root + ctx->kernel->kaslr_offset,
						 &trees[i])))
			err = lkdb_error_prefix(err, "%s", roots[i]);
		for (size_t w = 0; !err && w < trees[i].nr_warnings; w++)
			lkdb_warn("dev", "%s: %s", roots[i], trees[i].warnings[w]);
	}
	fflush(stderr);
	if (!err) {
		if (ctx->json)
			putchar('{');
		for (int i = 0; i < 2; i++) {
			if (ctx->json) {
				fputs(i ? ",\n " : "", stdout);
				json_resources(keys[i], &trees[i]);
			} else {
				print_resources(&trees[i], i == 0);
			}
		}
		if (ctx->json)
			puts("}");
	}
	fflush(stdout);
	kernel_resources_deinit(&trees[0]);
	kernel_resources_deinit(&trees[1]);
	if (!err && lkdb_interrupted)
		err = lkdb_error_interrupted();
	return err;
}

static struct lkdb_error *cmd_dev(struct lkdb_command_context *ctx)
{
	char mode = 0;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (!strcmp(a, "-p") || !strcmp(a, "-d") || !strcmp(a, "-D") ||
		    !strcmp(a, "-i")) {
			if (mode && mode != a[1])
				return lkdb_usage_error(ctx, "one of -i, -p, -d, -D");
			mode = a[1];
			continue;
		}
		if (!strcmp(a, "-V") || !strcmp(a, "-v"))
			return lkdb_usage_error(ctx, "%s is not done (lkdb's dev has -i, -p, -d and -D so far)",
						a);
		if (a[0] == '-')
			return lkdb_usage_error(ctx, "unknown option %s (lkdb's dev has -i, -p, -d and -D so far)",
						a);
		return lkdb_usage_error(ctx, "unexpected argument \"%s\"", a);
	}
	if (mode == 'p')
		return show_pci(ctx);
	if (mode == 'i')
		return show_resources(ctx);
	if (mode)
		return show_diskio(ctx, mode == 'D');
	return show_majors(ctx);
}

const struct lkdb_command lkdb_command_dev = {
	.name = "dev",
	.handler = cmd_dev,
	.summary = "the device majors and PCI devices, as crash's dev",
	.usage = "dev [-i|-p|-d|-D] [--json]\n"
		 "The character device majors (chrdevs[]: each struct\n"
		 "char_device_struct, its cdev and the cdev's file_operations named by\n"
		 "symbol; a region registered without a cdev finds it in cdev_map, as\n"
		 "crash does) and the block device majors (major_names[]: each struct\n"
		 "blk_major_name, a gendisk of that major and its fops, found through\n"
		 "the block devices' inodes), in the kernel's hash order, as crash's dev;\n"
		 "\"(none)\" where no operations are found.  /proc/devices lists the\n"
		 "same majors and names, sorted.\n"
		 "  -i      the I/O port and I/O memory resource trees (ioport_resource,\n"
		 "          iomem_resource) as crash's dev -i: each struct resource,\n"
		 "          depth first, with its range and name (/proc/ioports and\n"
		 "          /proc/iomem show the same, indented)\n"
		 "  -p      the PCI buses and devices as crash's dev -p: each root bus,\n"
		 "          its bridge (self) and devices, then its child buses, depth\n"
		 "          first: struct pci_dev, DO:BU:SL.FN, CLASS (class >> 8),\n"
		 "          vendor:device, the PCI Express port TYPE, [BRIDGE]\n"
		 "  -d      disk I/O in flight as crash's dev -d: each disk of block_class\n"
		 "          (\"ram\" and \"loop\" left out) with its gendisk, NAME,\n"
		 "          REQUEST_QUEUE and requests in flight, TOTAL and READ/WRITE\n"
		 "          (ASYNC/SYNC on kernels with BLK_RW_SYNC): a blk-mq queue's\n"
		 "          busy tags whose request is in flight, as the kernel's\n"
		 "          /sys/block/DISK/inflight; a bio-based disk's per-CPU in_flight\n"
		 "  -D      as -d, the disks with requests in flight only\n"
		 "  --json  {chrdevs: [{major, name, cdev, operations, operations_name}],\n"
		 "          blkdevs: [{major, name, gendisk, operations,\n"
		 "          operations_name}]}, null where the text has (none); with -p\n"
		 "          an array of buses {bus, name, root, parent (null: none), self\n"
		 "          (null: none), devices: [{pci_dev, name, class, vendor, device\n"
		 "          (hex strings), type}]}; with -d or -D an array of {major,\n"
		 "          gendisk, name, request_queue, total, read, write (async, sync)};\n"
		 "          with -i {ioport: [...], iomem: [...]} of {resource, start, end,\n"
		 "          depth (0: the root), name}\n"
		 "crash's -V and -v (device dumps in the vmcore) are not done.",
	.man = ".BR dev \" [\" \\-i | \\-p | \\-d | \\-D ]\n"
	       "The character and block device majors with their cdev or gendisk and\n"
	       "operations, as crash's dev; \\-p: the PCI buses and devices (bus:slot.fn,\n"
	       "class, vendor and device); \\-d: the requests each disk has in flight\n"
	       "(\\-D: the disks with some); \\-i: the I/O port and memory resource trees.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = lkdb_complete_nothing,
};
