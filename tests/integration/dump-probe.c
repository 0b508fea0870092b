// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-probe DUMP [VMLINUX]: open a vmcore with kernel-helpers/dumps/dump.h and
 * print what dump_formats.sh checks, one "key: value" line each:
 *
 *   format, osrelease, build-id, kerneloffset, nr_cpus,
 *   cpuN.rip / cpuN.rsp / cpuN.stack (8 bytes read at rsp: a task or IRQ
 *     stack, i.e. vmalloc space),
 *   phys-absent (reading physical memory past the dump's end: the error)
 * and with VMLINUX:
 *   vmlinux (ok, or the mismatch error), banner (linux_banner read at its
 *   symbol + KERNELOFFSET, without the newline), banner-matches (yes/no),
 *   modules (names on the kernel's module list: module space),
 *   time-first-read (seconds for the banner read)
 * and time-open (seconds for dump_open).  A failed dump_open prints
 * "dump-probe: <error>" on stderr and exits 1; a failed read prints
 * "error: <message>" as the value.
 *
 * dump-probe --reassemble FLAT OUT: write the flattened dump FLAT
 * reassembled to OUT (to compare with `makedumpfile -R`).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel-helpers/dumps/dump.h"
#include "kernel-helpers/dumps/flattened.h"
#include "kernel-helpers/core/vmlinux.h"

/* struct module on x86_64 (6.1): enum state, list_head list, char name[56] */
#define MODULE_LIST_OFFSET 8
#define MODULE_NAME_OFFSET 24
#define MODULE_NAME_LEN 56
#define MAX_MODULES 512

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_error(const char *key, struct lkdb_error *err)
{
	printf("%s: error: %s\n", key, err->message);
	lkdb_error_destroy(err);
}

static void print_cpus(struct lkdb_dump *dump)
{
	unsigned int n = dump_nr_cpus(dump);

	printf("nr_cpus: %u\n", n);
	for (unsigned int cpu = 0; cpu < n; cpu++) {
		struct x86_64_regs regs;
		struct lkdb_error *err = dump_cpu_regs(dump, cpu, &regs);
		char key[32];
		uint64_t word;

		if (err) {
			snprintf(key, sizeof(key), "cpu%u", cpu);
			print_error(key, err);
			continue;
		}
		printf("cpu%u.rip: 0x%016" PRIx64 "\n", cpu, regs.rip);
		printf("cpu%u.rsp: 0x%016" PRIx64 "\n", cpu, regs.rsp);
		snprintf(key, sizeof(key), "cpu%u.stack", cpu);
		err = dump_read(dump, regs.rsp, &word, sizeof(word));
		if (err)
			print_error(key, err);
		else
			printf("%s: ok 0x%016" PRIx64 "\n", key, word);
	}
}

static void print_banner(struct lkdb_dump *dump, const struct vmlinux *vm)
{
	const char *want = vmlinux_banner(vm);
	size_t len = strlen(want);
	uint64_t addr;
	struct lkdb_error *err;
	double t0;
	char *buf;

	err = vmlinux_symbol(vm, "linux_banner", &addr, NULL);
	if (err) {
		print_error("banner", err);
		return;
	}
	buf = calloc(1, len + 1);
	if (!buf) {
		printf("banner: error: out of memory\n");
		return;
	}
	t0 = now();
	err = dump_read(dump, addr + dump_kaslr_offset(dump), buf, len);
	printf("time-first-read: %.6f\n", now() - t0);
	if (err) {
		print_error("banner", err);
	} else {
		printf("banner: %.*s\n", (int)strcspn(buf, "\n"), buf);
		printf("banner-matches: %s\n",
		       memcmp(buf, want, len) == 0 ? "yes" : "no");
	}
	free(buf);
}

static void print_modules(struct lkdb_dump *dump, const struct vmlinux *vm)
{
	uint64_t head, next;
	struct lkdb_error *err;
	unsigned int n = 0;

	err = vmlinux_symbol(vm, "modules", &head, NULL);
	if (err) {
		print_error("modules", err);
		return;
	}
	head += dump_kaslr_offset(dump);
	err = dump_read(dump, head, &next, sizeof(next));
	printf("modules:");
	while (!err && next != head && n++ < MAX_MODULES) {
		char name[MODULE_NAME_LEN + 1] = { 0 };
		uint64_t mod = next - MODULE_LIST_OFFSET;

		err = dump_read(dump, mod + MODULE_NAME_OFFSET, name,
				MODULE_NAME_LEN);
		if (!err) {
			printf(" %s", name);
			err = dump_read(dump, next, &next, sizeof(next));
		}
	}
	printf("\n");
	if (err)
		print_error("modules-walk", err);
}

static int reassemble(const char *in_path, const char *out_path)
{
	struct flattened_stats stats;
	struct lkdb_error *err;
	int in, out;

	in = open(in_path, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		fprintf(stderr, "dump-probe: %s: %s\n", in_path, strerror(errno));
		return 1;
	}
	out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		fprintf(stderr, "dump-probe: %s: %s\n", out_path,
			strerror(errno));
		close(in);
		return 1;
	}
	err = flattened_reassemble_fd(in_path, in, out,
				      FLATTENED_DEFAULT_MAX_SIZE, &stats);
	close(in);
	if (close(out) < 0 && !err)
		err = lkdb_error_errno(errno, "%s", out_path);
	if (err) {
		fprintf(stderr, "dump-probe: %s\n", err->message);
		lkdb_error_destroy(err);
		return 1;
	}
	printf("records: %" PRIu64 "\nsize: %" PRIu64 "\n", stats.records,
	       stats.size);
	return 0;
}

int main(int argc, char **argv)
{
	struct vmlinux *vm = NULL;
	struct lkdb_dump *dump;
	struct lkdb_error *err;
	const char *s;
	uint64_t phys_end;
	char byte;
	double t0;

	if (argc == 4 && strcmp(argv[1], "--reassemble") == 0)
		return reassemble(argv[2], argv[3]);
	if (argc < 2 || argc > 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: %s DUMP [VMLINUX]\n"
				"       %s --reassemble FLAT OUT\n",
			argv[0], argv[0]);
		return 2;
	}
	t0 = now();
	err = dump_open(argv[1], &dump);
	if (err) {
		fprintf(stderr, "dump-probe: %s\n", err->message);
		lkdb_error_destroy(err);
		return 1;
	}
	printf("time-open: %.6f\n", now() - t0);
	printf("format: %s\n", dump_format_name(dump));
	printf("osrelease: %s\n", dump_vmcoreinfo(dump, "OSRELEASE"));
	s = dump_vmcoreinfo(dump, "BUILD-ID");
	printf("build-id: %s\n", s ? s : "(none)");
	printf("kerneloffset: 0x%" PRIx64 "\n", dump_kaslr_offset(dump));
	print_cpus(dump);

	/* Far past any guest's RAM (and below MAX_PHYSMEM_BITS). */
	phys_end = UINT64_C(1) << 45;
	err = dump_read_phys(dump, phys_end, &byte, 1);
	if (err)
		print_error("phys-absent", err);
	else
		printf("phys-absent: unexpectedly readable\n");

	if (argc == 3) {
		err = vmlinux_open(argv[2], &vm);
		if (err) {
			fprintf(stderr, "dump-probe: %s\n", err->message);
			lkdb_error_destroy(err);
			dump_destroy(dump);
			return 1;
		}
		err = dump_check_vmlinux(dump, vm);
		if (err)
			print_error("vmlinux", err);
		else
			printf("vmlinux: ok\n");
		print_banner(dump, vm);
		print_modules(dump, vm);
		vmlinux_destroy(vm);
	}
	dump_destroy(dump);
	return 0;
}
