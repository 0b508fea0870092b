// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Guest RAM read from QEMU's backend file: the monitor's text as QEMU 7.2
 * prints it (info memdev, qom-get, info mtree -f), guest physical ranges
 * at file offsets (RAM split around a hole), the x86_64 page walk over a
 * hand-made file through libaddrxlat (xlat.h; 4 KiB, 2 MiB and 1 GiB pages,
 * 4 and 5 levels, reads across pages, entries not present at the bottom
 * and the top, non-canonical addresses, a table outside RAM), translations
 * and table pages kept until a flush, and the reader that hands what the file cannot answer to
 * gdb (here a fake) with each request's own answer.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake_memory.h"
#include "kernel-helpers/memory/guestram.h"
#include "tap.h"

static const char memdev_text[] =
	"memory backend: lkdb-ram\r\n"
	"  size:  536870912\r\n"
	"  merge: true\r\n"
	"  dump: true\r\n"
	"  prealloc: false\r\n"
	"  share: true\r\n"
	"  reserve: true\r\n"
	"  policy: default\r\n"
	"  host nodes: \r\n"
	"\r\n"
	"memory backend: private\r\n"
	"  size:  1048576\r\n"
	"  share: false\r\n";

TEST(memdev_lists_backends_with_size_and_share)
{
	struct guest_ram_backend b[4];
	size_t n = 99;
	guest_ram_parse_memdev(memdev_text, b, 4, &n);
	CHECK(n == 2);
	CHECK_STR(b[0].id, "lkdb-ram");
	CHECK(b[0].size == 536870912);
	CHECK(b[0].share);
	CHECK_STR(b[1].id, "private");
	CHECK(b[1].size == 1048576);
	CHECK(!b[1].share);
	/* Room for one: counted, not written past. */
	guest_ram_parse_memdev(memdev_text, b, 1, &n);
	CHECK(n == 2);
	guest_ram_parse_memdev("", b, 4, &n);
	CHECK(n == 0);
	guest_ram_parse_memdev(NULL, b, 4, &n);
	CHECK(n == 0);
}

TEST(qom_get_string_unquoted_and_errors_refused)
{
	char *s = guest_ram_parse_qom_string("\"/dev/shm/lkdb-test-ram\"\r\n");
	CHECK_STR(s, "/dev/shm/lkdb-test-ram");
	free(s);
	s = guest_ram_parse_qom_string("\"/tmp/a\\\"b\\\\c\"\r\n");
	CHECK_STR(s, "/tmp/a\"b\\c");
	free(s);
	CHECK(!guest_ram_parse_qom_string(
		"Error: Property 'memory-backend-memfd.mem-path' not found\r\n"));
	CHECK(!guest_ram_parse_qom_string("\"unterminated\r\n"));
	CHECK(!guest_ram_parse_qom_string("\"\\u00e9\""));
	CHECK(!guest_ram_parse_qom_string(NULL));
}

/* QEMU 7.2's info mtree -f for -m 512 with -machine memory-backend (cut). */
static const char mtree_text[] =
	"FlatView #0\r\n"
	" AS \"cpu-smm-1\", root: memory\r\n"
	" Root memory region: memory\r\n"
	"  0000000000000000-00000000000c2fff (prio 0, ram): lkdb-ram\r\n"
	"  0000000000100000-000000000fffffff (prio 0, ram): lkdb-ram @0000000000100000\r\n"
	"\r\n"
	"FlatView #2\r\n"
	" AS \"memory\", root: system\r\n"
	" AS \"cpu-memory-0\", root: system\r\n"
	" Root memory region: system\r\n"
	"  0000000000000000-00000000000c2fff (prio 0, ram): lkdb-ram\r\n"
	"  00000000000c3000-00000000000e7fff (prio 0, rom): lkdb-ram @00000000000c3000\r\n"
	"  00000000000e8000-00000000000effff (prio 0, ram): lkdb-ram @00000000000e8000\r\n"
	"  00000000000f0000-00000000000fffff (prio 0, rom): lkdb-ram @00000000000f0000\r\n"
	"  0000000000100000-000000001fffffff (prio 0, ram): lkdb-ram @0000000000100000\r\n"
	"  00000000fec00000-00000000fec00fff (prio 0, i/o): ioapic\r\n"
	"  00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios\r\n"
	"\r\n"
	"FlatView #3\r\n"
	" AS \"I/O\", root: io\r\n"
	" Root memory region: io\r\n";

TEST(mtree_ranges_of_the_cpus_view_merged)
{
	struct guest_ram_range *r = NULL;
	size_t n = 0;
	take_error(guest_ram_parse_mtree(mtree_text, "lkdb-ram", &r, &n));
	CHECK(err_code == 0);
	/* Five contiguous pieces (RAM and the BIOS's read-only shadow). */
	CHECK(n == 1);
	if (n == 1) {
		CHECK(r[0].start == 0);
		CHECK(r[0].end == 0x20000000);
		CHECK(r[0].offset == 0);
	}
	free(r);
	/* pc.bios is ROM, but not the backend asked for; ioapic is i/o. */
	take_error(guest_ram_parse_mtree(mtree_text, "pc.bios", &r, &n));
	CHECK(err_code == 0 && n == 1 && r[0].start == 0xfffc0000);
	free(r);
	take_error(guest_ram_parse_mtree(mtree_text, "ioapic", &r, &n));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	take_error(guest_ram_parse_mtree(mtree_text, "lkdb", &r, &n));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(strstr(err_message, "\"lkdb\""));
	take_error(guest_ram_parse_mtree("", "lkdb-ram", &r, &n));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
}

TEST(mtree_ram_split_around_the_pci_hole)
{
	/* -m 4G on pc: 3 GiB below the hole, the rest from 4 GiB. */
	static const char text[] =
		"FlatView #1\n"
		" AS \"memory\", root: system\n"
		"  0000000000100000-00000000bfffffff (prio 0, ram): ram @0000000000100000 KVM\n"
		"  0000000000000000-000000000009ffff (prio 0, ram): ram\n"
		"  0000000100000000-000000013fffffff (prio 0, ram): ram @00000000c0000000\n"
		"  00000000000a0000-00000000000bffff (prio 1, i/o): vga-lowmem\n";
	struct guest_ram_range *r = NULL;
	size_t n = 0;
	take_error(guest_ram_parse_mtree(text, "ram", &r, &n));
	CHECK(err_code == 0);
	CHECK(n == 3);
	if (n == 3) {
		CHECK(r[0].start == 0 && r[0].end == 0xa0000 &&
		      r[0].offset == 0);
		CHECK(r[1].start == 0x100000 && r[1].end == 0xc0000000 &&
		      r[1].offset == 0x100000);
		CHECK(r[2].start == 0x100000000ull &&
		      r[2].end == 0x140000000ull &&
		      r[2].offset == 0xc0000000ull);
	}
	free(r);
}

TEST(mtree_without_a_memory_view_uses_the_first_with_the_region)
{
	static const char text[] =
		"FlatView #0\n"
		" AS \"other\", root: x\n"
		"  0000000000000000-0000000000000fff (prio 0, i/o): dev\n"
		"FlatView #1\n"
		" AS \"cpu\", root: y\n"
		"  0000000000000000-0000000000ffffff (prio 0, ram): ram\n"
		"FlatView #2\n"
		" AS \"cpu2\", root: y\n"
		"  0000000000000000-0000000000000fff (prio 0, ram): ram\n";
	struct guest_ram_range *r = NULL;
	size_t n = 0;
	take_error(guest_ram_parse_mtree(text, "ram", &r, &n));
	CHECK(err_code == 0 && n == 1 && r[0].end == 0x1000000);
	free(r);
}

TEST(qemu_m_sizes_as_qemu_reads_them)
{
	CHECK(guest_ram_parse_qemu_size("512") == 512ull << 20);
	CHECK(guest_ram_parse_qemu_size("512M") == 512ull << 20);
	CHECK(guest_ram_parse_qemu_size("2G") == 2ull << 30);
	CHECK(guest_ram_parse_qemu_size("2g") == 2ull << 30);
	CHECK(guest_ram_parse_qemu_size("1048576k") == 1ull << 30);
	CHECK(guest_ram_parse_qemu_size("size=1G,slots=2,maxmem=8G") ==
	      1ull << 30);
	CHECK(guest_ram_parse_qemu_size("slots=2,size=3G") == 3ull << 30);
	CHECK(guest_ram_parse_qemu_size("1024,maxmem=4G") == 1ull << 30);
	CHECK(guest_ram_parse_qemu_size("1.5G") == 0);
	CHECK(guest_ram_parse_qemu_size("12X") == 0);
	CHECK(guest_ram_parse_qemu_size("-1") == 0);
	CHECK(guest_ram_parse_qemu_size("0") == 0);
	CHECK(guest_ram_parse_qemu_size("") == 0);
	CHECK(guest_ram_parse_qemu_size("99999999999999T") == 0);
}

/* ---- a RAM file with page tables ---- */

#define FILE_SIZE (8u << 20)
#define HIGH_GPA 0x100000000ull	/* the file's second half is at 4 GiB */
#define PML4 0x1000ull
#define PDPT_K 0x2000ull	/* for 0xffffffff8..., index 510 */
#define PD_K 0x3000ull
#define PT_K 0x4000ull
#define PDPT_D 0x5000ull	/* for the direct map 0xffff888... */
#define PD_D 0x6000ull
#define PML5 0x7000ull
#define TEXT 0xffffffff81000000ull
#define DIRECT 0xffff888000000000ull
#define P 0x1ull
#define RW 0x2ull
#define PS 0x80ull
#define NX (1ull << 63)

static unsigned char *ram;	/* the file's bytes, mapped shared */
static int ram_fd = -1;

static unsigned char *phys(uint64_t gpa)
{
	return gpa >= HIGH_GPA ? ram + (FILE_SIZE / 2) + (gpa - HIGH_GPA) :
				 ram + gpa;
}

static void pte(uint64_t table, unsigned index, uint64_t value)
{
	put(phys(table + 8 * index), value, 8);
}

static const struct guest_ram_range ranges[] = {
	{ 0, FILE_SIZE / 2, 0 },
	{ HIGH_GPA, HIGH_GPA + FILE_SIZE / 2, FILE_SIZE / 2 },
};

static void build_ram(void)
{
	ram_fd = memfd_create("test-guest-ram", MFD_CLOEXEC);
	if (ram_fd < 0 || ftruncate(ram_fd, FILE_SIZE))
		abort();
	ram = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   ram_fd, 0);
	if (ram == MAP_FAILED)
		abort();
	/* TEXT: 4 KiB pages; PT 0 -> 0x10000, PT 1 -> 0x30000 (apart). */
	pte(PML4, 511, PDPT_K | P | RW);
	pte(PDPT_K, 510, PD_K | P | RW);
	pte(PD_K, 8, PT_K | P | RW);
	pte(PT_K, 0, 0x10000 | P | NX);
	pte(PT_K, 1, 0x30000 | P);
	pte(PT_K, 2, 0x50000);	/* not present */
	memcpy(phys(0x10000), "hello from the kernel image", 28);
	memset(phys(0x30000), 0xab, 0x1000);
	/* DIRECT: a 2 MiB page at +2 MiB -> 0x200000; a 1 GiB page at
	 * +1 GiB -> 4 GiB (only its first 4 MiB are in the file). */
	pte(PML4, 273, PDPT_D | P | RW);
	pte(PDPT_D, 0, PD_D | P | RW);
	pte(PD_D, 1, 0x200000 | P | RW | PS | NX);
	pte(PDPT_D, 1, HIGH_GPA | P | RW | PS);
	memcpy(phys(0x200000 + 0x1234), "two megs", 9);
	memcpy(phys(HIGH_GPA + 0x5678), "one gig", 8);
	/* 5 levels: the top entry 511 leads to the same PML4. */
	pte(PML5, 511, PML4 | P | RW);
}

static struct guest_ram *open_ram(void)
{
	struct guest_ram *g = NULL;
	int fd = dup(ram_fd);
	take_error(guest_ram_open(fd, "test-ram", ranges, 2, &g));
	if (g)
		take_error(guest_ram_set_paging(g, PML4, 4));
	return g;
}

TEST(physical_reads_follow_the_ranges)
{
	struct guest_ram *g = open_ram();
	CHECK(g);
	if (!g)
		return;
	char buf[16];
	take_error(guest_ram_read_phys(g, HIGH_GPA + 0x5678, buf, 8));
	CHECK(err_code == 0 && !strcmp(buf, "one gig"));
	/* The hole between the ranges is not RAM. */
	take_error(guest_ram_read_phys(g, FILE_SIZE / 2, buf, 8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "0x400000 is not guest RAM"));
	/* Nor is a read running off the end of the low range. */
	take_error(guest_ram_read_phys(g, FILE_SIZE / 2 - 4, buf, 8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	guest_ram_destroy(g);
}

TEST(page_walk_4k_2m_1g_and_across_pages)
{
	struct guest_ram *g = open_ram();
	CHECK(g);
	if (!g)
		return;
	char buf[32];
	uint64_t pa = 0;
	take_error(guest_ram_read(g, TEXT, buf, 28));
	CHECK(err_code == 0 && !strcmp(buf, "hello from the kernel image"));
	take_error(guest_ram_vtop(g, TEXT + 0x1008, &pa));
	CHECK(err_code == 0 && pa == 0x30008);
	take_error(guest_ram_vtop(g, DIRECT + 0x200000 + 0x1234, &pa));
	CHECK(err_code == 0 && pa == 0x201234);
	take_error(guest_ram_read(g, DIRECT + 0x200000 + 0x1234, buf, 9));
	CHECK(err_code == 0 && !strcmp(buf, "two megs"));
	take_error(guest_ram_read(g, DIRECT + 0x40000000 + 0x5678, buf, 8));
	CHECK(err_code == 0 && !strcmp(buf, "one gig"));
	/* Across the 4 KiB boundary into a page somewhere else. */
	unsigned char two[16];
	memset(phys(0x10ff8), 0x11, 8);
	take_error(guest_ram_read(g, TEXT + 0xff8, two, 16));
	CHECK(err_code == 0 && two[0] == 0x11 && two[7] == 0x11 &&
	      two[8] == 0xab && two[15] == 0xab);
	guest_ram_destroy(g);
}

TEST(unmapped_and_non_canonical_addresses_are_faults)
{
	struct guest_ram *g = open_ram();
	CHECK(g);
	if (!g)
		return;
	char buf[8];
	take_error(guest_ram_read(g, TEXT + 0x2000, buf, 8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "0xffffffff81002000: not mapped"));
	/* Not present higher up: PML4 entry 300 is empty. */
	take_error(guest_ram_read(g, 0xffff960000000000ull, buf, 8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "0xffff960000000000: not mapped"));
	/* A read that starts mapped and runs into the hole fails whole. */
	take_error(guest_ram_read(g, TEXT + 0x1ffc, buf, 8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	take_error(guest_ram_read(g, 0x0000800000000000ull, buf, 8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "0x800000000000: cannot translate"));
	take_error(guest_ram_read(g, DIRECT + 0x80000000ull, buf, 8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	/* The 1 GiB page maps beyond the file's RAM: not guest RAM. */
	take_error(guest_ram_read(g, DIRECT + 0x40000000 + (8u << 20), buf,
				  8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "not guest RAM"));
	guest_ram_destroy(g);
}

TEST(five_levels_walk_one_more_table)
{
	struct guest_ram *g = open_ram();
	CHECK(g);
	if (!g)
		return;
	take_error(guest_ram_set_paging(g, PML5, 5));
	CHECK(err_code == 0);
	char buf[32];
	take_error(guest_ram_read(g, TEXT, buf, 28));
	CHECK(err_code == 0 && !strcmp(buf, "hello from the kernel image"));
	/* 2 MiB and 1 GiB pages under the fifth level. */
	uint64_t pa = 0;
	take_error(guest_ram_vtop(g, DIRECT + 0x200000 + 0x1234, &pa));
	CHECK(err_code == 0 && pa == 0x201234);
	take_error(guest_ram_read(g, DIRECT + 0x40000000 + 0x5678, buf, 8));
	CHECK(err_code == 0 && !strcmp(buf, "one gig"));
	/* Canonical with 57 bits (not with 48), PML5 entry 256 empty. */
	take_error(guest_ram_read(g, 0xff00000000000000ull, buf, 8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "0xff00000000000000: not mapped"));
	/* Bits 63..57 clear, bit 56 set: not canonical with 57 bits. */
	take_error(guest_ram_read(g, 0x0100000000000000ull, buf, 8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "0x100000000000000: cannot translate"));
	guest_ram_destroy(g);
}

TEST(a_page_table_outside_ram_is_a_fault)
{
	struct guest_ram *g = open_ram();
	CHECK(g);
	if (!g)
		return;
	/* PML4 entry 400 names a table in the hole between the ranges. */
	pte(PML4, 400, (FILE_SIZE / 2 + 0x1000) | P | RW);
	char buf[8];
	take_error(guest_ram_read(g, 0xffffc80000000000ull, buf, 8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "0xffffc80000000000: cannot translate"));
	pte(PML4, 400, 0);
	guest_ram_destroy(g);
}

TEST(no_paging_no_virtual_reads)
{
	struct guest_ram *g = NULL;
	take_error(guest_ram_open(dup(ram_fd), "test-ram", ranges, 2, &g));
	CHECK(g);
	if (!g)
		return;
	char buf[8];
	take_error(guest_ram_read(g, TEXT, buf, 8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "no page tables"));
	guest_ram_flush(g);	/* nothing to forget */
	guest_ram_destroy(g);
}

TEST(translations_are_kept_until_a_flush)
{
	struct guest_ram *g = open_ram();
	CHECK(g);
	if (!g)
		return;
	uint8_t b = 0;
	memset(phys(0x60000), 0xcd, 0x1000);
	take_error(guest_ram_read(g, TEXT + 0x1000, &b, 1));
	CHECK(err_code == 0 && b == 0xab);
	/* The guest changes the mapping (as it may while it runs). */
	pte(PT_K, 1, 0x60000 | P);
	take_error(guest_ram_read(g, TEXT + 0x1000, &b, 1));
	CHECK(err_code == 0 && b == 0xab);
	guest_ram_flush(g);
	take_error(guest_ram_read(g, TEXT + 0x1000, &b, 1));
	CHECK(err_code == 0 && b == 0xcd);
	pte(PT_K, 1, 0x30000 | P);
	/* A table higher up changes: the page-table pages read are dropped. */
	take_error(guest_ram_read(g, DIRECT + 0x200000 + 0x1234, &b, 1));
	CHECK(err_code == 0 && b == 't');
	pte(PD_D, 1, 0);
	guest_ram_flush(g);
	take_error(guest_ram_read(g, DIRECT + 0x200000 + 0x1234, &b, 1));
	CHECK(err_code == LKDB_ERROR_FAULT);
	pte(PD_D, 1, 0x200000 | P | RW | PS | NX);
	guest_ram_destroy(g);
}

TEST(reader_hands_what_the_file_cannot_answer_to_the_fallback)
{
	struct guest_ram *g = open_ram();
	CHECK(g);
	if (!g)
		return;
	struct fake_memory gdb = { 0 };
	/* Device memory gdb can read and the file does not have. */
	memcpy(map(&gdb, 0xffffc90000000000ull, 16), "from gdb", 9);
	struct kernel_memory_reader fallback = { &gdb, fake_read,
						 fake_read_batch };
	struct kernel_memory_reader r;
	guest_ram_reader(g, &fallback, &r);
	char a[32], b[16], c[16], d[16];
	take_error(r.read(r.context, TEXT, a, 28));
	CHECK(err_code == 0 && !strcmp(a, "hello from the kernel image"));
	CHECK(gdb.reads == 0);
	take_error(r.read(r.context, 0xffffc90000000000ull, b, 9));
	CHECK(err_code == 0 && !strcmp(b, "from gdb"));
	CHECK(gdb.reads == 1);
	/* A batch: each request gets its own answer, in its own buffer. */
	struct kernel_read_request reqs[] = {
		{ 0xffffc90000000000ull, c, 9, NULL },
		{ DIRECT + 0x200000 + 0x1234, d, 9, NULL },
		{ TEXT + 0x2000, a, 8, NULL },	/* nobody has it */
	};
	fake_batches = 0;
	take_error(kernel_read_batch(&r, reqs, 3));
	CHECK(err_code == 0);
	CHECK(!reqs[0].err && !strcmp(c, "from gdb"));
	CHECK(!reqs[1].err && !strcmp(d, "two megs"));
	CHECK(reqs[2].err && reqs[2].err->code == LKDB_ERROR_FAULT);
	/* The two misses went to gdb together. */
	CHECK(fake_batches == 1);
	CHECK(gdb.reads == 3);
	for (int i = 0; i < 3; i++)
		lkdb_error_destroy(reqs[i].err);
	struct guest_ram_stats st;
	guest_ram_stats(g, &st);
	CHECK(st.direct == 2 && st.fallback == 3);
	unmap_all(&gdb);
	guest_ram_destroy(g);
}

static uint64_t guard_value;
static uint64_t guard(void *context)
{
	(void)context;
	return guard_value;
}

TEST(guard_sends_reads_to_gdb_while_the_guest_runs_and_flushes_after)
{
	struct guest_ram *g = open_ram();
	CHECK(g);
	if (!g)
		return;
	struct fake_memory gdb = { 0 };
	memset(map(&gdb, TEXT + 0x1000, 16), 0x77, 16);
	struct kernel_memory_reader fallback = { &gdb, fake_read,
						 fake_read_batch };
	struct kernel_memory_reader r;
	guest_ram_reader(g, &fallback, &r);
	guard_value = 1;
	guest_ram_set_guard(g, guard, NULL);
	memset(phys(0x60000), 0xcd, 0x1000);
	uint8_t b = 0;
	take_error(r.read(r.context, TEXT + 0x1000, &b, 1));
	CHECK(err_code == 0 && b == 0xab && gdb.reads == 0);
	/* The guest runs: gdb answers (here its fake), the file is left. */
	guard_value = GUEST_RAM_RUNNING;
	take_error(r.read(r.context, TEXT + 0x1000, &b, 1));
	CHECK(err_code == 0 && b == 0x77 && gdb.reads == 1);
	struct kernel_read_request req = { TEXT + 0x1000, &b, 1, NULL };
	take_error(kernel_read_batch(&r, &req, 1));
	CHECK(!req.err && b == 0x77 && gdb.reads == 2);
	/* It remapped the page meanwhile and stopped: the new mapping. */
	pte(PT_K, 1, 0x60000 | P);
	guard_value = 2;
	take_error(r.read(r.context, TEXT + 0x1000, &b, 1));
	CHECK(err_code == 0 && b == 0xcd && gdb.reads == 2);
	pte(PT_K, 1, 0x30000 | P);
	unmap_all(&gdb);
	guest_ram_destroy(g);
}

TEST(a_file_shorter_than_the_ranges_is_refused)
{
	int fd = memfd_create("short", MFD_CLOEXEC);
	CHECK(fd >= 0 && !ftruncate(fd, 4096));
	struct guest_ram *g = NULL;
	take_error(guest_ram_open(fd, "/dev/shm/short-ram", ranges, 2, &g));
	CHECK(err_code == LKDB_ERROR_INVALID);
	CHECK(strstr(err_message, "/dev/shm/short-ram"));
	CHECK(strstr(err_message, "past the file's end"));
	CHECK(!g);
}

TEST(a_read_past_a_shrunken_file_is_a_fault_not_a_crash)
{
	/* The file may shrink under lkdb (QEMU gone, file replaced). */
	int fd = memfd_create("shrinks", MFD_CLOEXEC);
	CHECK(fd >= 0 && !ftruncate(fd, FILE_SIZE));
	struct guest_ram *g = NULL;
	take_error(guest_ram_open(fd, "shrinks", ranges, 1, &g));
	CHECK(g);
	if (!g)
		return;
	CHECK(!ftruncate(fd, 4096));
	char buf[8];
	take_error(guest_ram_read_phys(g, 0x100000, buf, 8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "shrinks: cannot read physical 0x100000"));
	guest_ram_destroy(g);
}

/* ---- copied mode: the same RAM through a copier ---- */

struct fake_copier {
	unsigned calls;
	uint64_t last_paddr;
	size_t last_len;
	bool fail;
	bool released;
};

static struct lkdb_error *fake_copy(void *context, uint64_t paddr, void *buf,
				    size_t len)
{
	struct fake_copier *c = context;
	c->calls++;
	c->last_paddr = paddr;
	c->last_len = len;
	if (c->fail)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "QEMU did not write the file");
	/* Each call must lie in one range. */
	bool inside = false;
	for (size_t i = 0; i < 2; i++)
		inside |= paddr >= ranges[i].start &&
			  paddr + len <= ranges[i].end;
	if (!inside)
		abort();
	memcpy(buf, phys(paddr), len);
	return NULL;
}

static void fake_release(void *context)
{
	((struct fake_copier *)context)->released = true;
}

static struct guest_ram *open_copied(struct fake_copier *c)
{
	struct guest_ram *g = NULL;
	struct guest_ram_copier copier = { fake_copy, fake_release, c };
	take_error(guest_ram_open_copied("copied-ram", ranges, 2, &copier, &g));
	if (g)
		take_error(guest_ram_set_paging(g, PML4, 4));
	return g;
}

TEST(copied_reads_are_the_ram_and_each_piece_is_copied_once_a_stop)
{
	struct fake_copier c = { 0 };
	memset(phys(0x1ffff8), 0x21, 8);
	memset(phys(0x200000), 0x22, 8);
	struct guest_ram *g = open_copied(&c);
	CHECK(g);
	if (!g)
		return;
	char buf[32];
	take_error(guest_ram_read(g, TEXT, buf, 28));
	CHECK(err_code == 0 && !strcmp(buf, "hello from the kernel image"));
	/* The page tables and the text share the first piece: one copy. */
	CHECK(c.calls == 1 && c.last_paddr == 0 &&
	      c.last_len == GUEST_RAM_COPY_PIECE);
	take_error(guest_ram_read(g, DIRECT + 0x200000 + 0x1234, buf, 9));
	CHECK(err_code == 0 && !strcmp(buf, "two megs"));
	take_error(guest_ram_read(g, DIRECT + 0x40000000 + 0x5678, buf, 8));
	CHECK(err_code == 0 && !strcmp(buf, "one gig"));
	CHECK(c.calls == 3 && c.last_paddr == HIGH_GPA);
	take_error(guest_ram_read(g, TEXT, buf, 28));
	CHECK(err_code == 0 && c.calls == 3);
	/* Across a piece's end: two pieces (the second kept), in order. */
	unsigned char two[16];
	take_error(guest_ram_read_phys(g, 0x1ffff8, two, 16));
	CHECK(err_code == 0 && two[7] == 0x21 && two[8] == 0x22);
	CHECK(c.calls == 4 && c.last_paddr == 0x200000 - GUEST_RAM_COPY_PIECE);
	/* The guest ran: what it changed is read anew, once. */
	memcpy(phys(0x10000), "changed while it ran", 21);
	take_error(guest_ram_read(g, TEXT, buf, 21));
	CHECK(err_code == 0 && !strcmp(buf, "hello from the kernel image"));
	guest_ram_flush(g);
	take_error(guest_ram_read(g, TEXT, buf, 21));
	CHECK(err_code == 0 && !strcmp(buf, "changed while it ran"));
	CHECK(c.calls == 5);
	memcpy(phys(0x10000), "hello from the kernel image", 28);
	struct guest_ram_stats st;
	guest_ram_stats(g, &st);
	CHECK(st.copies == 5);
	/* Outside the ranges: a fault, nothing copied. */
	take_error(guest_ram_read_phys(g, FILE_SIZE / 2, buf, 8));
	CHECK(err_code == LKDB_ERROR_FAULT && c.calls == 5);
	CHECK(strstr(err_message, "0x400000 is not guest RAM"));
	guest_ram_destroy(g);
	CHECK(c.released);
}

TEST(a_piece_across_a_range_end_copies_only_ram)
{
	/* Ranges that end and start inside one piece (as the BIOS hole). */
	const uint64_t p = GUEST_RAM_COPY_PIECE;
	const struct guest_ram_range holed[] = {
		{ 0, p + p / 4, 0 },
		{ 2 * p - 0x1000, FILE_SIZE / 2, 0 },
	};
	struct fake_copier c = { 0 };
	struct guest_ram_copier copier = { fake_copy, fake_release, &c };
	struct guest_ram *g = NULL;
	take_error(guest_ram_open_copied("holed", holed, 2, &copier, &g));
	CHECK(err_code == 0 && g);
	if (!g)
		return;
	memset(phys(p + p / 4 - 8), 0x31, 8);
	memset(phys(2 * p - 0x1000), 0x32, 8);
	unsigned char b[8];
	take_error(guest_ram_read_phys(g, p + p / 4 - 8, b, 8));
	CHECK(err_code == 0 && b[0] == 0x31);
	take_error(guest_ram_read_phys(g, 2 * p - 0x1000, b, 8));
	CHECK(err_code == 0 && b[0] == 0x32);
	/* The piece is the two parts that are RAM, both copied at once. */
	CHECK(c.calls == 2 && c.last_paddr == 2 * p - 0x1000 &&
	      c.last_len == 0x1000);
	take_error(guest_ram_read_phys(g, p + p / 4, b, 8));
	CHECK(err_code == LKDB_ERROR_FAULT && c.calls == 2);
	take_error(guest_ram_read_phys(g, p + p / 4 - 4, b, 8));
	CHECK(err_code == LKDB_ERROR_FAULT);
	guest_ram_destroy(g);
}

TEST(a_copier_that_fails_fails_the_read_and_the_reader_falls_back)
{
	struct fake_copier c = { .fail = true };
	struct guest_ram *g = NULL;
	struct guest_ram_copier copier = { fake_copy, fake_release, &c };
	take_error(guest_ram_open_copied("copied-ram", ranges, 2, &copier, &g));
	CHECK(g);
	if (!g)
		return;
	char buf[16];
	take_error(guest_ram_read_phys(g, 0x10000, buf, 8));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(strstr(err_message, "copied-ram: physical 0x10000"));
	CHECK(strstr(err_message, "QEMU did not write the file"));
	struct fake_memory gdb = { 0 };
	memcpy(map(&gdb, TEXT, 16), "from gdb", 9);
	struct kernel_memory_reader fallback = { &gdb, fake_read,
						 fake_read_batch };
	struct kernel_memory_reader r;
	guest_ram_reader(g, &fallback, &r);
	take_error(guest_ram_set_paging(g, PML4, 4));
	take_error(r.read(r.context, TEXT, buf, 9));
	CHECK(err_code == 0 && !strcmp(buf, "from gdb") && gdb.reads == 1);
	/* The copier works again (QEMU could write): the RAM answers. */
	c.fail = false;
	guest_ram_flush(g);
	take_error(r.read(r.context, TEXT, buf, 6));
	CHECK(err_code == 0 && !memcmp(buf, "hello ", 6) && gdb.reads == 1);
	unmap_all(&gdb);
	guest_ram_destroy(g);
}

TEST(copied_ranges_empty_or_out_of_order_are_refused)
{
	struct fake_copier c = { 0 };
	struct guest_ram_copier copier = { fake_copy, fake_release, &c };
	struct guest_ram *g = NULL;
	take_error(guest_ram_open_copied("none", ranges, 0, &copier, &g));
	CHECK(err_code == LKDB_ERROR_INVALID && !g && c.released);
	CHECK(strstr(err_message, "none: the guest's RAM ranges are empty"));
	static const struct guest_ram_range swapped[] = {
		{ HIGH_GPA, HIGH_GPA + 4096, 0 },
		{ 0, 4096, 0 },
	};
	c.released = false;
	take_error(guest_ram_open_copied("swapped", swapped, 2, &copier, &g));
	CHECK(err_code == LKDB_ERROR_INVALID && !g && c.released);
	CHECK(strstr(err_message, "not sorted and apart"));
}

int main(void)
{
	build_ram();
	RUN(memdev_lists_backends_with_size_and_share);
	RUN(qom_get_string_unquoted_and_errors_refused);
	RUN(mtree_ranges_of_the_cpus_view_merged);
	RUN(mtree_ram_split_around_the_pci_hole);
	RUN(mtree_without_a_memory_view_uses_the_first_with_the_region);
	RUN(qemu_m_sizes_as_qemu_reads_them);
	RUN(physical_reads_follow_the_ranges);
	RUN(page_walk_4k_2m_1g_and_across_pages);
	RUN(unmapped_and_non_canonical_addresses_are_faults);
	RUN(five_levels_walk_one_more_table);
	RUN(a_page_table_outside_ram_is_a_fault);
	RUN(no_paging_no_virtual_reads);
	RUN(translations_are_kept_until_a_flush);
	RUN(reader_hands_what_the_file_cannot_answer_to_the_fallback);
	RUN(guard_sends_reads_to_gdb_while_the_guest_runs_and_flushes_after);
	RUN(a_file_shorter_than_the_ranges_is_refused);
	RUN(a_read_past_a_shrunken_file_is_a_fault_not_a_crash);
	RUN(copied_reads_are_the_ram_and_each_piece_is_copied_once_a_stop);
	RUN(a_piece_across_a_range_end_copies_only_ram);
	RUN(a_copier_that_fails_fails_the_read_and_the_reader_falls_back);
	RUN(copied_ranges_empty_or_out_of_order_are_refused);
	return tap_done();
}
