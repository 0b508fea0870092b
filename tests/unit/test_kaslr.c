// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/memory/kaslr.c against fake kernel memory.
 *
 * argv[1] is the stand-in vmlinux built from test_vmlinux.c; with
 * LKDB_TEST_VMLINUX=/path/to/vmlinux the real kernel is probed too, in
 * memory made from its own file contents.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "kernel-helpers/memory/kaslr.h"
#include "tap.h"
#include "kernel-helpers/core/vmlinux.h"

/* Debian 6.1.0-56-amd64's link-time layout */
#define IMAGE_START	0xffffffff81000000ull
#define IMAGE_END	0xffffffff84430000ull
#define BANNER_ADDR	0xffffffff82161900ull
#define ALIGN		0x200000ull
/* (0xffffffffc0000000 - IMAGE_END) rounded down to ALIGN */
#define TOP_OFFSET	0x3ba00000ull
#define NR_CANDIDATES	(1 + TOP_OFFSET / ALIGN)
#define PREFIX		14	/* strlen("Linux version ") */

static const char banner_56[] =
	"Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)\n";
static const char banner_55[] =
	"Linux version 6.1.0-55-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.190-1 (2026-09-01)\n";
static const char zeros[sizeof(banner_56)];

/* Sparse fake memory: reads outside its regions fault. */
struct fake_memory {
	struct {
		uint64_t addr;
		const void *bytes;
		size_t len;
	} regions[8];
	size_t nr_regions;
	enum lkdb_error_code fail;	/* nonzero: every read fails so */
	unsigned int reads;
};

static void map(struct fake_memory *mem, uint64_t addr, const void *bytes,
		size_t len)
{
	mem->regions[mem->nr_regions].addr = addr;
	mem->regions[mem->nr_regions].bytes = bytes;
	mem->regions[mem->nr_regions].len = len;
	mem->nr_regions++;
}

static struct lkdb_error *fake_read(void *context, uint64_t addr, void *buf,
				    size_t len)
{
	struct fake_memory *mem = context;
	mem->reads++;
	if (mem->fail)
		return lkdb_error_create(mem->fail, "fake failure");
	for (size_t i = 0; i < mem->nr_regions; i++) {
		uint64_t start = mem->regions[i].addr;
		size_t size = mem->regions[i].len;
		if (addr >= start && addr - start <= size &&
		    len <= size - (addr - start)) {
			memcpy(buf, (const char *)mem->regions[i].bytes +
			       (addr - start), len);
			return NULL;
		}
	}
	return lkdb_error_create(LKDB_ERROR_FAULT,
				 "Cannot access memory at address 0x%" PRIx64,
				 addr);
}

static int err_code;
static char err_message[1024];
static struct kaslr_stats stats;

/* kaslr_probe() for banner_56 in the Debian layout; error in err_*. */
static uint64_t probe(struct fake_memory *mem)
{
	struct kernel_memory_reader reader = { mem, fake_read, NULL };
	uint64_t offset = ~0ull;
	struct lkdb_error *err = kaslr_probe(banner_56, sizeof(banner_56),
					     BANNER_ADDR, IMAGE_START,
					     IMAGE_END, &kaslr_layout_x86_64,
					     &reader, &offset, &stats);
	err_code = err ? (int)err->code : 0;
	snprintf(err_message, sizeof(err_message), "%s",
		 err ? err->message : "");
	lkdb_error_destroy(err);
	return offset;
}

TEST(layout_x86_64)
{
	CHECK(kaslr_layout_x86_64.region_start == 0xffffffff80000000ull);
	CHECK(kaslr_layout_x86_64.region_end == 0xffffffffc0000000ull);
	CHECK(kaslr_layout_x86_64.align == ALIGN);
}

TEST(offset_zero)
{
	struct fake_memory mem = { 0 };
	map(&mem, BANNER_ADDR, banner_56, sizeof(banner_56));
	CHECK(probe(&mem) == 0);
	CHECK(err_code == 0);
	/* prefix, then the rest: the whole banner exactly once */
	CHECK(stats.candidates == 1);
	CHECK(stats.reads == 2 && mem.reads == 2);
	CHECK(stats.failed_reads == 0);
	CHECK(stats.bytes == sizeof(banner_56));
}

TEST(offset_random)
{
	struct fake_memory mem = { 0 };
	uint64_t offset = 123 * ALIGN;
	map(&mem, BANNER_ADDR + offset, banner_56, sizeof(banner_56));
	CHECK(probe(&mem) == offset);
	CHECK(err_code == 0);
	/* 123 faulting prefix reads, then prefix and rest at the match */
	CHECK(stats.candidates == 124);
	CHECK(stats.reads == 125 && mem.reads == 125);
	CHECK(stats.failed_reads == 123);
	CHECK(stats.bytes == 124 * PREFIX + sizeof(banner_56) - PREFIX);
}

TEST(offset_top)
{
	struct fake_memory mem = { 0 };
	map(&mem, BANNER_ADDR + TOP_OFFSET, banner_56, sizeof(banner_56));
	CHECK(probe(&mem) == TOP_OFFSET);
	CHECK(err_code == 0);
	CHECK(stats.candidates == NR_CANDIDATES);
}

TEST(past_top_not_tried)
{
	struct fake_memory mem = { 0 };
	/* the image would end past 0xffffffffc0000000 there */
	map(&mem, BANNER_ADDR + TOP_OFFSET + ALIGN, banner_56,
	    sizeof(banner_56));
	map(&mem, BANNER_ADDR + 5 * ALIGN, zeros, sizeof(zeros));
	probe(&mem);
	CHECK(err_code == LKDB_ERROR_MISMATCH);
	CHECK(stats.candidates == NR_CANDIDATES);
	CHECK(stats.reads == NR_CANDIDATES);
}

TEST(prefix_only_on_other_data)
{
	struct fake_memory mem = { 0 };
	uint64_t offset = 40 * ALIGN;
	/* mapped non-banner bytes at three earlier candidates */
	map(&mem, BANNER_ADDR, zeros, sizeof(zeros));
	map(&mem, BANNER_ADDR + ALIGN, banner_56 + 1, sizeof(banner_56) - 1);
	map(&mem, BANNER_ADDR + 2 * ALIGN, zeros, sizeof(zeros));
	map(&mem, BANNER_ADDR + offset, banner_56, sizeof(banner_56));
	CHECK(probe(&mem) == offset);
	CHECK(err_code == 0);
	CHECK(stats.reads == 41 + 1);
	CHECK(stats.failed_reads == 41 - 3 - 1);
	CHECK(stats.bytes == 41 * PREFIX + sizeof(banner_56) - PREFIX);
}

TEST(mismatch)
{
	struct fake_memory mem = { 0 };
	map(&mem, BANNER_ADDR + 7 * ALIGN, banner_55, sizeof(banner_55));
	/* where the other build sits: what --force goes on with */
	CHECK(probe(&mem) == 7 * ALIGN);
	CHECK(err_code == LKDB_ERROR_MISMATCH);
	CHECK_STR(err_message,
		  "vmlinux is \"Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)\""
		  " but the running kernel is \"Linux version 6.1.0-55-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.190-1 (2026-09-01)\""
		  " (at offset 0xe00000)");
	/* every candidate's prefix plus one full read where it matched */
	CHECK(stats.reads == NR_CANDIDATES + 1);
}

TEST(mismatch_then_match)
{
	struct fake_memory mem = { 0 };
	map(&mem, BANNER_ADDR + 7 * ALIGN, banner_55, sizeof(banner_55));
	map(&mem, BANNER_ADDR + 9 * ALIGN, banner_56, sizeof(banner_56));
	CHECK(probe(&mem) == 9 * ALIGN);
	CHECK(err_code == 0);
}

TEST(mismatch_garbled)
{
	static const char running[] = "Linux version \x01\x7f"
				      "abcdefghijklmnopqrstuvwxyz0123456789";
	char memory[sizeof(banner_56)];
	memset(memory, 'x', sizeof(memory));
	memcpy(memory, running, sizeof(running) - 1);
	struct fake_memory mem = { 0 };
	map(&mem, BANNER_ADDR, memory, sizeof(memory));
	probe(&mem);
	CHECK(err_code == LKDB_ERROR_MISMATCH);
	/* no newline or NUL within the banner's length: cut, unprintables */
	CHECK(strstr(err_message, "running kernel is \"Linux version ??abc") !=
	      NULL);
	CHECK(strstr(err_message, "xxx...\" (at offset 0x0)") != NULL);
}

TEST(absent)
{
	struct fake_memory mem = { 0 };
	map(&mem, BANNER_ADDR + 3 * ALIGN, zeros, sizeof(zeros));
	probe(&mem);
	CHECK(err_code == LKDB_ERROR_MISMATCH);
	CHECK_STR(err_message,
		  "linux_banner of vmlinux (Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16))"
		  " not found in the running kernel at any KASLR offset: the vmlinux does not match the running kernel");
	CHECK(stats.reads == NR_CANDIDATES);
	CHECK(stats.bytes == NR_CANDIDATES * PREFIX);
}

TEST(reader_always_faults)
{
	struct fake_memory mem = { .fail = LKDB_ERROR_FAULT };
	probe(&mem);
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "no candidate KASLR offset was readable") !=
	      NULL);
	CHECK(strstr(err_message, "(478 tried)") != NULL);
	CHECK(stats.failed_reads == NR_CANDIDATES);
}

TEST(reader_other_error_aborts)
{
	struct fake_memory mem = { .fail = LKDB_ERROR_TARGET_LOST };
	probe(&mem);
	CHECK(err_code == LKDB_ERROR_TARGET_LOST);
	CHECK_STR(err_message,
		  "KASLR probe: reading 0xffffffff82161900: fake failure");
	CHECK(stats.reads == 1);
}

TEST(only_zero_when_image_outside_region)
{
	struct fake_memory mem = { 0 };
	struct kernel_memory_reader reader = { &mem, fake_read, NULL };
	struct kaslr_layout layout = { 0x1000000, 0x2000000, 0x1000 };
	uint64_t offset;
	struct lkdb_error *err = kaslr_probe("Linux", 5, 0x3000000, 0x3000000,
					     0x3001000, &layout, &reader,
					     &offset, &stats);
	CHECK(err && err->code == LKDB_ERROR_FAULT);
	CHECK(stats.candidates == 1 && mem.reads == 1);
	lkdb_error_destroy(err);
}

TEST(small_layout_candidates)
{
	/*
	 * image [0x1000, 0x3000) in [0x800, 0x8000), align 0x1000:
	 * offsets 0, 0x1000, ..., 0x5000
	 */
	struct fake_memory mem = { 0 };
	struct kernel_memory_reader reader = { &mem, fake_read, NULL };
	struct kaslr_layout layout = { 0x800, 0x8000, 0x1000 };
	uint64_t offset;
	map(&mem, 0x1100 + 0x5000, "Linux!", 6);
	struct lkdb_error *err = kaslr_probe("Linux!", 6, 0x1100, 0x1000,
					     0x3000, &layout, &reader, &offset,
					     &stats);
	CHECK(!err && offset == 0x5000);
	CHECK(stats.candidates == 6);
	/* a 6-byte banner is read whole as the prefix */
	CHECK(stats.reads == 6 && stats.bytes == 36);
	lkdb_error_destroy(err);

	/* region_start above the image: 0 first, then from 0x2000 on */
	layout.region_start = 0x2800;
	mem.nr_regions = 0;
	mem.reads = 0;
	err = kaslr_probe("Linux!", 6, 0x1100, 0x1000, 0x3000, &layout,
			  &reader, &offset, &stats);
	CHECK(err && err->code == LKDB_ERROR_FAULT);
	CHECK(stats.candidates == 1 + 4);
	lkdb_error_destroy(err);
}

TEST(invalid_arguments)
{
	struct fake_memory mem = { 0 };
	struct kernel_memory_reader reader = { &mem, fake_read, NULL };
	uint64_t offset;
	/* banner outside the image */
	struct lkdb_error *err = kaslr_probe(banner_56, sizeof(banner_56),
					     IMAGE_END, IMAGE_START, IMAGE_END,
					     &kaslr_layout_x86_64, &reader,
					     &offset, &stats);
	CHECK(err && err->code == LKDB_ERROR_INVALID);
	CHECK(mem.reads == 0);
	lkdb_error_destroy(err);
}

/* Kernel memory made of a vmlinux's file contents moved by shift. */
struct shifted_vmlinux {
	const struct vmlinux *vm;
	uint64_t shift;
	uint64_t start, end;	/* link-time image */
	unsigned int reads;
};

static struct lkdb_error *shifted_read(void *context, uint64_t addr,
				       void *buf, size_t len)
{
	struct shifted_vmlinux *mem = context;
	mem->reads++;
	uint64_t link = addr - mem->shift;
	if (addr < mem->shift || link < mem->start || link >= mem->end ||
	    len > mem->end - link)
		return lkdb_error_create(LKDB_ERROR_FAULT,
					 "Cannot access memory at address 0x%" PRIx64,
					 addr);
	return vmlinux_read(mem->vm, link, buf, len);
}

static const char *fixture_path, *real_path;

TEST(fixture_find_and_check)
{
	struct vmlinux *vm = NULL;
	struct lkdb_error *err = vmlinux_open(fixture_path, &vm);
	CHECK(!err);
	lkdb_error_destroy(err);
	if (!vm)
		return;
	struct shifted_vmlinux mem = { .vm = vm };
	struct kernel_memory_reader reader = { &mem, shifted_read, NULL };
	vmlinux_text_range(vm, &mem.start, &mem.end);

	/* offset 0 is tried first */
	uint64_t offset = ~0ull;
	err = kaslr_find_offset(vm, &reader, &offset, &stats);
	CHECK(!err && offset == 0);
	CHECK(stats.candidates == 1 && stats.reads == 2);
	lkdb_error_destroy(err);

	CHECK(!kaslr_check_offset(vm, &reader, 0));

	mem.shift = 0x200000;
	err = kaslr_check_offset(vm, &reader, 0x200000);
	CHECK(!err);
	lkdb_error_destroy(err);

	/* unmapped there */
	err = kaslr_check_offset(vm, &reader, 0x400000);
	CHECK(err && err->code == LKDB_ERROR_MISMATCH);
	CHECK(err && strstr(err->message, "KASLR offset 0x400000: linux_banner not readable at 0x") == err->message);
	lkdb_error_destroy(err);

	/* mapped, but something else there */
	uint64_t banner, other;
	CHECK(!vmlinux_symbol(vm, "linux_banner", &banner, NULL));
	CHECK(!vmlinux_symbol(vm, "fixture_rodata", &other, NULL));
	err = kaslr_check_offset(vm, &reader, other - banner + mem.shift);
	CHECK(err && err->code == LKDB_ERROR_MISMATCH);
	CHECK(err && strstr(err->message, "no linux_banner at 0x") != NULL);
	lkdb_error_destroy(err);
	vmlinux_destroy(vm);
}

TEST(check_offset_other_banner)
{
	struct vmlinux *vm = NULL;
	struct lkdb_error *err = vmlinux_open(fixture_path, &vm);
	lkdb_error_destroy(err);
	if (!vm) {
		CHECK(0);
		return;
	}
	uint64_t addr;
	CHECK(!vmlinux_symbol(vm, "linux_banner", &addr, NULL));
	struct fake_memory mem = { 0 };
	struct kernel_memory_reader reader = { &mem, fake_read, NULL };
	map(&mem, addr + 0x1000, banner_55, sizeof(banner_55));
	err = kaslr_check_offset(vm, &reader, 0x1000);
	CHECK(err && err->code == LKDB_ERROR_MISMATCH);
	CHECK(err && strstr(err->message, "\" but the running kernel is \"Linux version 6.1.0-55-amd64 ") != NULL);
	CHECK(mem.reads == 1);
	lkdb_error_destroy(err);
	vmlinux_destroy(vm);
}

TEST(real_vmlinux)
{
	struct vmlinux *vm = NULL;
	struct lkdb_error *err = vmlinux_open(real_path, &vm);
	CHECK(!err);
	lkdb_error_destroy(err);
	if (!vm)
		return;
	struct shifted_vmlinux mem = { .vm = vm, .shift = 0x1c400000 };
	struct kernel_memory_reader reader = { &mem, shifted_read, NULL };
	vmlinux_text_range(vm, &mem.start, &mem.end);

	uint64_t offset = 0;
	err = kaslr_find_offset(vm, &reader, &offset, &stats);
	CHECK(!err && offset == 0x1c400000);
	lkdb_error_destroy(err);
	printf("# probe: %u candidates, %u reads (%u failed), %zu bytes\n",
	       stats.candidates, stats.reads, stats.failed_reads,
	       stats.bytes);
	CHECK(!kaslr_check_offset(vm, &reader, 0x1c400000));
	vmlinux_destroy(vm);
}

/*
 * The candidate list that lkdb puts entry breakpoints on for a guest that
 * has not started its kernel: the same offsets the probe tries.
 */
TEST(candidates_cover_the_region_in_probe_order)
{
	uint64_t *off = NULL;
	size_t n = 0;
	/* A 32 MiB image at the x86_64 link address. */
	struct lkdb_error *err = kaslr_candidates(0xffffffff81000000ull,
						  0xffffffff83000000ull,
						  &kaslr_layout_x86_64, &off,
						  &n);
	CHECK(err == NULL);
	/* 0, then 2 MiB steps while the end stays below 0xffffffffc0000000. */
	CHECK(n == 1 + 0x3d000000ull / 0x200000);
	CHECK(n && off[0] == 0);
	CHECK(n > 1 && off[1] == 0x200000);
	CHECK(n && off[n - 1] == 0x3d000000ull);
	free(off);
	err = kaslr_candidates(5, 5, &kaslr_layout_x86_64, &off, &n);
	CHECK(err && err->code == LKDB_ERROR_INVALID);
	lkdb_error_destroy(err);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURE\n", argv[0]);
		return 99;
	}
	fixture_path = argv[1];

	RUN(layout_x86_64);
	RUN(offset_zero);
	RUN(offset_random);
	RUN(offset_top);
	RUN(past_top_not_tried);
	RUN(prefix_only_on_other_data);
	RUN(mismatch);
	RUN(mismatch_then_match);
	RUN(mismatch_garbled);
	RUN(absent);
	RUN(reader_always_faults);
	RUN(reader_other_error_aborts);
	RUN(only_zero_when_image_outside_region);
	RUN(small_layout_candidates);
	RUN(candidates_cover_the_region_in_probe_order);
	RUN(invalid_arguments);
	RUN(fixture_find_and_check);
	RUN(check_offset_other_banner);

	real_path = getenv("LKDB_TEST_VMLINUX");
	RUN_IF(real_path && *real_path, real_vmlinux,
	       "LKDB_TEST_VMLINUX not set");
	return tap_done();
}
