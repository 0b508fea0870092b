// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/symbols/symbolize.c and vmlinux_symbol_near().
 *
 * Built with -DSYMBOLIZE_FIXTURE this file is instead a stand-in vmlinux
 * (non-PIE, so _text is well above 0): a function with an always-inlined
 * one, placed by #line at fixed lines of fixed files, data of every nm type
 * and aliases.  meson builds it with -g and with -g0.
 *
 * With LKDB_TEST_VMLINUX=/path/to/vmlinux the real kernel is checked against
 * golden data made from it at test time by addr2line, llvm-symbolizer and
 * nm (tests/unit/sym-golden.sh, the third argument).
 */
#ifdef SYMBOLIZE_FIXTURE

const char linux_banner[] =
	"Linux version 9.9.9-symtest (test@host) (gcc) #1 SMP PREEMPT_DYNAMIC\n";
int fixture_table[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };
static int fixture_local_data[4] = { 1, 2, 3, 4 };
const int fixture_rodata[4] = { 7, 7, 7, 7 };
int fixture_bss[16];
static int fixture_local_bss[16];
__attribute__((weak)) int fixture_weak_data = 1;

__attribute__((weak, noinline)) int fixture_weak_function(int x)
{
	return x + fixture_local_data[x & 3];
}

#line 100 "include/linux/fixture.h"
static inline __attribute__((always_inline)) int fixture_twice(int x)
{
	return fixture_table[x & 7] * 2 + fixture_local_bss[x & 15]++;
}

#line 200 "kernel/fixture.c"
__attribute__((noinline)) int fixture_function(int x)
{
	int y = x + fixture_local_data[(x >> 3) & 3];
	y += fixture_twice(y);
	return y * fixture_rodata[x & 3];
}

/* the same address under a weak and a local name: the global one wins */
extern int fixture_weak_alias(int)
	__attribute__((weak, alias("fixture_function")));
static int fixture_local_alias(int)
	__attribute__((alias("fixture_function"), used));

static __attribute__((noinline, used)) int fixture_static_function(int x)
{
	return fixture_function(x) + 1;
}

/*
 * Code laid out byte by byte, as the kernel's cold sections are: a
 * function whose last instruction calls a function that does not return,
 * with the next function right after it (do_exit.cold then
 * make_task_dead.cold: the return address is the next one's first byte),
 * and a function padded to its next symbol (kernel_init's 0x122 bytes of
 * code in 0x130, as kallsyms sizes it).
 */
__asm__(".text\n"
	".balign 64\n"
	"fixture_noreturn:\n"
	"	ud2\n"
	".balign 64\n"
	"fixture_split.cold:\n"
	"	movl $1, %edi\n"			/* 5 bytes */
	"	call fixture_noreturn\n"		/* 5 bytes: ends at +0xa */
	".type fixture_split.cold, @function\n"
	".size fixture_split.cold, . - fixture_split.cold\n"
	"fixture_after.cold:\n"
	"	call fixture_noreturn\n"
	"	ud2\n"
	".type fixture_after.cold, @function\n"
	".size fixture_after.cold, . - fixture_after.cold\n"
	".balign 64\n"
	".globl fixture_padded\n"
	"fixture_padded:\n"
	"	call fixture_noreturn\n"		/* 5 bytes, padded to 0x40 */
	".type fixture_padded, @function\n"
	".size fixture_padded, . - fixture_padded\n"
	".balign 64, 0xcc\n"
	"fixture_layout_end:\n"
	"	ret\n");

int main(int argc, char **argv)
{
	(void)argv;
	fixture_local_data[argc & 3] = argc;	/* else it would be read-only */
	return fixture_static_function(argc) + fixture_weak_function(argc) +
	       fixture_bss[argc & 15] + fixture_weak_data;
}

#else

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel-helpers/symbols/symbolize.h"
#include "tap.h"
#include "kernel-helpers/core/vmlinux.h"

static const char *fixture_path, *nodwarf_path, *golden_script, *real_path;

static int err_code;
static char err_message[1024];

/* Record an error's code and message (or 0 and ""), then destroy it. */
static void take_error(struct lkdb_error *err)
{
	err_code = err ? (int)err->code : 0;
	snprintf(err_message, sizeof(err_message), "%s",
		 err ? err->message : "");
	lkdb_error_destroy(err);
}

static struct vmlinux *open_or_die(const char *path)
{
	struct vmlinux *vm = NULL;
	take_error(vmlinux_open(path, &vm));
	if (!vm) {
		printf("Bail out! %s: %s\n", path, err_message);
		exit(1);
	}
	return vm;
}

static uint64_t symbol_addr(struct vmlinux *vm, const char *name,
			    uint64_t *size_ret)
{
	uint64_t addr = 0, size = 0;
	take_error(vmlinux_symbol(vm, name, &addr, &size));
	CHECK_STR(err_message, "");
	if (size_ret)
		*size_ret = size;
	return addr;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 +
	       (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* "function file:line" of a frame, as the golden file writes them */
static void frame_text(const struct symbolize_frame *f, char *buf,
		       size_t size)
{
	snprintf(buf, size, "%s %s:%u", f->function ? f->function : "??",
		 f->file ? f->file : "??", f->line);
}

TEST(clean_path)
{
	static const struct {
		const char *path, *comp_dir, *expected;
	} cases[] = {
		/* Debian: C units have a relative build directory... */
		{ "debian/build/build_amd64_none_amd64/fs/proc/inode.c",
		  "debian/build/build_amd64_none_amd64", "fs/proc/inode.c" },
		{ "fs/proc/inode.c", "debian/build/build_amd64_none_amd64",
		  "fs/proc/inode.c" },
		/* ...assembly units the absolute one, files in the tree */
		{ "/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S",
		  "/build/reproducible-path/linux-6.1.192/debian/build/build_amd64_none_amd64",
		  "arch/x86/entry/entry_64.S" },
		{ "/build/r/linux/arch/x86/kernel/../../x86/xen/xen-head.S",
		  "/build/r/linux/debian/build/b", "arch/x86/xen/xen-head.S" },
		{ "drivers/base/regmap/./trace.h", "d",
		  "drivers/base/regmap/trace.h" },
		/* an O= build beside the sources, a plain build */
		{ "../linux/kernel/panic.c", "/home/u/build",
		  "linux/kernel/panic.c" },
		{ "../include/linux/fs.h", "/home/u/linux/build",
		  "include/linux/fs.h" },
		{ "/home/u/linux/kernel/panic.c", "/home/u/linux",
		  "kernel/panic.c" },
		{ "kernel/panic.c", "/home/u/linux", "kernel/panic.c" },
		/* outside the tree: left alone */
		{ "/usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h",
		  "/home/u/linux",
		  "/usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h" },
		{ "/usr/include/stdio.h", "/", "/usr/include/stdio.h" },
		/* no compilation directory */
		{ "kernel/panic.c", NULL, "kernel/panic.c" },
		{ "kernel/panic.c", "", "kernel/panic.c" },
		{ "./a/./b//c", NULL, "a/b/c" },
		{ "../../x/../y", NULL, "../../y" },
		{ "/../x", NULL, "/x" },
		{ "a/..", NULL, "." },
		{ "/", NULL, "/" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = symbolize_clean_path(cases[i].path,
						 cases[i].comp_dir,
						 SYMBOLIZE_PATHS_KERNEL_TREE);
		CHECK_STR(got, cases[i].expected);
		free(got);
	}
}

/*
 * An out-of-tree module's files, whole: what the path shares with the
 * kernel's build directory says nothing about where the module's source
 * tree starts ("mod-gcc/lkdbt.c" was all that was left).
 */
TEST(clean_path_whole)
{
	static const struct {
		const char *path, *comp_dir, *expected;
	} cases[] = {
		{ "/home/u/mod-gcc/lkdbt.c", "/home/u/linux/build",
		  "/home/u/mod-gcc/lkdbt.c" },
		{ "/home/u/linux/build/../mod/./x.c", "/home/u/linux/build",
		  "/home/u/linux/mod/x.c" },
		/* relative: joined to the compilation directory */
		{ "../mod/x.c", "/home/u/linux/build", "/home/u/linux/mod/x.c" },
		{ "/usr/src/m/m.c", NULL, "/usr/src/m/m.c" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = symbolize_clean_path(cases[i].path,
						 cases[i].comp_dir,
						 SYMBOLIZE_PATHS_WHOLE);
		CHECK_STR(got, cases[i].expected);
		free(got);
	}
}

TEST(type_letters)
{
	struct vmlinux *vm = open_or_die(fixture_path);
	static const struct {
		const char *name;
		char type;
	} cases[] = {
		{ "fixture_function", 'T' },
		{ "fixture_static_function", 't' },
		{ "fixture_weak_function", 'W' },
		{ "fixture_table", 'D' },
		{ "fixture_local_data", 'd' },
		{ "fixture_rodata", 'R' },
		{ "linux_banner", 'R' },
		{ "fixture_bss", 'B' },
		{ "fixture_local_bss", 'b' },
		{ "fixture_weak_data", 'V' },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmlinux_symbol_info info = { 0 };
		take_error(vmlinux_symbol_info(vm, cases[i].name, &info));
		CHECK_STR(err_message, "");
		if (info.type != cases[i].type)
			printf("#   %s: type %c, expected %c\n", cases[i].name,
			       info.type, cases[i].type);
		CHECK(info.type == cases[i].type);
		CHECK_STR(info.name, cases[i].name);
		CHECK(!info.percpu);
	}
	vmlinux_destroy(vm);
}

TEST(nearest_symbol)
{
	struct vmlinux *vm = open_or_die(fixture_path);
	uint64_t size, fn = symbol_addr(vm, "fixture_function", &size);
	uint64_t table = symbol_addr(vm, "fixture_table", NULL);
	CHECK(size > 8);
	struct vmlinux_symbol_info info = { 0 };
	uint64_t next = 0;
	/* at the start, inside, at the last byte */
	uint64_t probes[] = { fn, fn + 1, fn + size - 1 };
	for (size_t i = 0; i < 3; i++) {
		take_error(vmlinux_symbol_near(vm, probes[i], &info, &next));
		CHECK_STR(err_message, "");
		/* not the weak or the local alias */
		CHECK_STR(info.name, "fixture_function");
		CHECK(info.addr == fn && info.size == size);
		CHECK(info.type == 'T');
		CHECK(next >= fn + size);
	}
	take_error(vmlinux_symbol_near(vm, table + 12, &info, NULL));
	CHECK_STR(info.name, "fixture_table");
	CHECK(info.addr == table && info.type == 'D');
	/* below every symbol */
	take_error(vmlinux_symbol_near(vm, 0, &info, NULL));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(strstr(err_message, "0x0") != NULL);
	vmlinux_destroy(vm);
}

TEST(nearest_symbol_as_crash_names_it)
{
	struct vmlinux *vm = open_or_die(fixture_path);
	uint64_t size, fn = symbol_addr(vm, "fixture_function", &size);
	struct vmlinux_symbol_info info = { 0 };
	/*
	 * fixture_function, fixture_local_alias and fixture_weak_alias share
	 * an address: crash takes the greatest name, kallsyms' rules the
	 * global function.
	 */
	uint64_t probes[] = { fn, fn + 1, fn + size - 1 };
	for (size_t i = 0; i < 3; i++) {
		take_error(vmlinux_symbol_near_as_crash(vm, probes[i], &info));
		CHECK_STR(err_message, "");
		CHECK_STR(info.name, "fixture_weak_alias");
		CHECK(info.addr == fn);
		take_error(vmlinux_symbol_near(vm, probes[i], &info, NULL));
		CHECK_STR(info.name, "fixture_function");
	}
	/* One symbol at an address: the same either way. */
	uint64_t table = symbol_addr(vm, "fixture_table", NULL);
	take_error(vmlinux_symbol_near_as_crash(vm, table + 12, &info));
	CHECK_STR(info.name, "fixture_table");
	take_error(vmlinux_symbol_near_as_crash(vm, 0, &info));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	vmlinux_destroy(vm);
}

/* The frames of every byte of fixture_function, with and without DWARF. */
TEST(source_lines_and_inlining)
{
	struct vmlinux *vm = open_or_die(fixture_path);
	uint64_t size, fn = symbol_addr(vm, "fixture_function", &size);
	bool inlined_seen = false, all_in_function = true;
	for (uint64_t a = fn; a < fn + size; a++) {
		struct symbolize_frame *frames = NULL;
		size_t n = 0;
		take_error(symbolize_source(vm, a, &frames, &n));
		CHECK(err_code == 0);
		char text[512] = "";
		/* the outermost frame is always the function itself */
		if (n)
			frame_text(&frames[n - 1], text, sizeof(text));
		if (!n || strncmp(text, "fixture_function kernel/fixture.c:",
				  strlen("fixture_function kernel/fixture.c:")) ||
		    frames[n - 1].line < 200 || frames[n - 1].line > 205) {
			printf("#   0x%" PRIx64 ": outermost frame \"%s\"\n",
			       a, text);
			all_in_function = false;
		}
		if (n == 2) {
			char inner[512];
			frame_text(&frames[0], inner, sizeof(inner));
			CHECK_STR(inner, "fixture_twice include/linux/fixture.h:102");
			CHECK_STR(text, "fixture_function kernel/fixture.c:203");
			inlined_seen = true;
		}
		CHECK(n <= 2);
		symbolize_frames_free(frames, n);
	}
	CHECK(all_in_function);
	CHECK(inlined_seen);

	/* no DWARF: symbols still, no lines, no error */
	struct vmlinux *bare = open_or_die(nodwarf_path);
	uint64_t bare_fn = symbol_addr(bare, "fixture_function", NULL);
	struct symbolize_result r;
	take_error(symbolize_address(bare, 0, bare_fn + 2, &r));
	CHECK_STR(err_message, "");
	CHECK_STR(r.symbol.name, "fixture_function");
	CHECK(r.offset == 2 && r.nr_frames == 0 && r.frames == NULL);
	symbolize_result_deinit(&r);
	take_error(symbolize_name(bare, 0, "fixture_function", &r));
	CHECK(err_code == 0 && r.nr_frames == 0);
	symbolize_result_deinit(&r);
	vmlinux_destroy(bare);
	vmlinux_destroy(vm);
}

/*
 * size is kallsyms' for the symbol at sym: the last byte of it is still
 * that symbol's, the next byte another symbol's (or outside the section).
 */
static bool kallsyms_extent(struct vmlinux *vm, uint64_t sym, uint64_t size)
{
	struct vmlinux_symbol_info in = { 0 }, past = { 0 };
	uint64_t next = 0;
	struct lkdb_error *a = vmlinux_symbol_near(vm, sym + size - 1, &in,
						   &next);
	struct lkdb_error *b = vmlinux_symbol_near(vm, sym + size, &past,
						   NULL);
	bool ok = !a && !b && in.addr == sym && next == sym + size &&
		  past.addr != sym;
	lkdb_error_destroy(a);
	lkdb_error_destroy(b);
	return ok;
}

TEST(address_and_name)
{
	struct vmlinux *vm = open_or_die(fixture_path);
	uint64_t size, fn = symbol_addr(vm, "fixture_function", &size);
	uint64_t table = symbol_addr(vm, "fixture_table", NULL);
	struct symbolize_result r;

	take_error(symbolize_address(vm, 0, fn + 5, &r));
	CHECK_STR(err_message, "");
	CHECK(r.address == fn + 5 && r.symbol.addr == fn);
	CHECK_STR(r.symbol.name, "fixture_function");
	CHECK(r.symbol.type == 'T' && r.offset == 5 && r.size >= size);
	CHECK(kallsyms_extent(vm, fn, r.size));
	CHECK(r.nr_frames >= 1);
	symbolize_result_deinit(&r);
	CHECK(r.frames == NULL && r.nr_frames == 0);

	/* data: symbol+offset, no line */
	take_error(symbolize_address(vm, 0, table + 12, &r));
	CHECK_STR(r.symbol.name, "fixture_table");
	CHECK(r.offset == 12 && r.size >= sizeof(int) * 8);
	CHECK(kallsyms_extent(vm, table, r.size));
	CHECK(r.symbol.type == 'D' && r.nr_frames == 0);
	symbolize_result_deinit(&r);

	/* a name: its address, size, and the line the function starts at */
	take_error(symbolize_name(vm, 0, "fixture_function", &r));
	CHECK_STR(err_message, "");
	CHECK(r.address == fn && r.offset == 0 && r.size >= size);
	CHECK(kallsyms_extent(vm, fn, r.size));
	CHECK(r.nr_frames == 1);
	if (r.nr_frames == 1) {
		CHECK_STR(r.frames[0].function, "fixture_function");
		CHECK_STR(r.frames[0].file, "kernel/fixture.c");
		/* no prologue at -O2: the first statement's line */
		CHECK(r.frames[0].line >= 200 && r.frames[0].line <= 202);
	}
	symbolize_result_deinit(&r);
	take_error(symbolize_name(vm, 0, "fixture_rodata", &r));
	CHECK(err_code == 0 && r.symbol.type == 'R' && r.nr_frames == 0);
	CHECK(r.size >= 4 * sizeof(int));
	CHECK(kallsyms_extent(vm, r.address, r.size));
	symbolize_result_deinit(&r);

	take_error(symbolize_name(vm, 0, "no_such_symbol_xyz", &r));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK_STR(err_message, "no_such_symbol_xyz: no such symbol");
	vmlinux_destroy(vm);
}

/*
 * The asm layout of the fixture: sizes to the next symbol, and return
 * addresses named by the call before them (%pB), also at a function's end.
 */
TEST(kallsyms_sizes_and_return_addresses)
{
	struct vmlinux *vm = open_or_die(fixture_path);
	uint64_t split = symbol_addr(vm, "fixture_split.cold", NULL);
	uint64_t after = symbol_addr(vm, "fixture_after.cold", NULL);
	uint64_t padded = symbol_addr(vm, "fixture_padded", NULL);
	uint64_t end = symbol_addr(vm, "fixture_layout_end", NULL);
	CHECK(after == split + 0xa && end == padded + 0x40);
	struct symbolize_result r;
	char *text;

	/* where the CPU is: padding belongs to the function before it */
	take_error(symbolize_address(vm, 0, padded + 5, &r));
	CHECK_STR(err_message, "");
	text = symbolize_format(r.symbol.name, r.offset, r.size, NULL);
	CHECK_STR(text, "fixture_padded+0x5/0x40");
	free(text);
	symbolize_result_deinit(&r);
	/* the byte after a call that ends its function is the next one's */
	take_error(symbolize_address(vm, 0, split + 0xa, &r));
	text = symbolize_format(r.symbol.name, r.offset, r.size, NULL);
	CHECK_STR(text, "fixture_after.cold+0x0/0x36");
	free(text);
	symbolize_result_deinit(&r);

	/* a return address: the call's function, as %pB */
	take_error(symbolize_return_address(vm, 0, split + 0xa, &r));
	CHECK_STR(err_message, "");
	CHECK(r.address == split + 0xa && r.symbol.addr == split);
	text = symbolize_format(r.symbol.name, r.offset, r.size, NULL);
	CHECK_STR(text, "fixture_split.cold+0xa/0xa");
	free(text);
	symbolize_result_deinit(&r);
	take_error(symbolize_return_address(vm, 0, padded + 5, &r));
	text = symbolize_format(r.symbol.name, r.offset, r.size, NULL);
	CHECK_STR(text, "fixture_padded+0x5/0x40");
	free(text);
	symbolize_result_deinit(&r);
	/* moved by KASLR: the same names, the run-time addresses */
	const uint64_t kaslr = 0x200000;
	take_error(symbolize_return_address(vm, kaslr, split + 0xa + kaslr,
					    &r));
	CHECK_STR(err_message, "");
	CHECK(r.address == split + 0xa + kaslr &&
	      r.symbol.addr == split + kaslr && r.offset == 0xa &&
	      r.size == 0xa);
	CHECK_STR(r.symbol.name, "fixture_split.cold");
	symbolize_result_deinit(&r);

	/* a name: kallsyms' size too */
	take_error(symbolize_name(vm, 0, "fixture_padded", &r));
	CHECK(err_code == 0 && r.offset == 0 && r.size == 0x40);
	symbolize_result_deinit(&r);

	/* the format, with a module */
	text = symbolize_format("crashme_write", 0x15, 0x40, "crashme");
	CHECK_STR(text, "crashme_write+0x15/0x40 [crashme]");
	free(text);
	vmlinux_destroy(vm);
}

TEST(outside_the_image)
{
	struct vmlinux *vm = open_or_die(fixture_path);
	uint64_t start, end;
	vmlinux_text_range(vm, &start, &end);
	CHECK(start > 0x1234);	/* linked -no-pie */
	struct symbolize_result r;
	take_error(symbolize_address(vm, 0, 0x1234, &r));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK_STR(err_message, "0x1234: not a kernel text or data address");
	take_error(symbolize_address(vm, 0, end, &r));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	take_error(symbolize_address(vm, 0, 0xffffffffc0001000, &r));
	CHECK_STR(err_message,
		  "0xffffffffc0001000: not a kernel text or data address (modules are not loaded yet)");
	/* below it: the image with KASLR, the modules without */
	take_error(symbolize_address(vm, 0, 0xffffffffb0001000, &r));
	CHECK_STR(err_message,
		  "0xffffffffb0001000: not a kernel text or data address (modules are not loaded yet; or moved by KASLR? the offset in use is 0)");
	take_error(symbolize_address(vm, 0x30000000, 0xffffffffb0001000, &r));
	CHECK_STR(err_message,
		  "0xffffffffb0001000: not a kernel text or data address");
	take_error(symbolize_address(vm, 0, 0xffffffff9fffffff, &r));
	CHECK_STR(err_message,
		  "0xffffffff9fffffff: not a kernel text or data address (moved by KASLR? the offset in use is 0)");
	take_error(symbolize_address(vm, 0, 0xffff888000001000, &r));
	CHECK_STR(err_message,
		  "0xffff888000001000: not a kernel text or data address");
	take_error(symbolize_address(vm, 0, UINT64_MAX, &r));
	CHECK_STR(err_message,
		  "0xffffffffffffffff: not a kernel text or data address");
	vmlinux_destroy(vm);
}

TEST(kaslr_offset)
{
	struct vmlinux *vm = open_or_die(fixture_path);
	const uint64_t offset = 0x3c000000;
	uint64_t fn = symbol_addr(vm, "fixture_function", NULL);
	struct symbolize_result plain, moved;
	take_error(symbolize_address(vm, 0, fn + 7, &plain));
	take_error(symbolize_address(vm, offset, fn + offset + 7, &moved));
	CHECK_STR(err_message, "");
	CHECK_STR(moved.symbol.name, plain.symbol.name);
	CHECK(moved.address == fn + offset + 7);
	CHECK(moved.symbol.addr == fn + offset && moved.offset == 7);
	CHECK(moved.nr_frames == plain.nr_frames);
	for (size_t i = 0; i < moved.nr_frames && i < plain.nr_frames; i++) {
		CHECK_STR(moved.frames[i].file, plain.frames[i].file);
		CHECK(moved.frames[i].line == plain.frames[i].line);
	}
	symbolize_result_deinit(&plain);
	symbolize_result_deinit(&moved);
	/* the link address itself is no longer the kernel's */
	take_error(symbolize_address(vm, offset, fn, &moved));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	char expected[256];
	snprintf(expected, sizeof(expected),
		 "0x%" PRIx64 ": not a kernel text or data address (a link-time address? the KASLR offset is 0x3c000000)",
		 fn);
	CHECK_STR(err_message, expected);
	take_error(symbolize_name(vm, offset, "fixture_table", &moved));
	CHECK(moved.address == symbol_addr(vm, "fixture_table", NULL) + offset);
	symbolize_result_deinit(&moved);
	vmlinux_destroy(vm);
}

/* ---- the real vmlinux against golden data made from it ---- */

/*
 * The golden data for VMLINUX, written by golden_script into a temporary
 * file: its path, or NULL with the reason as a TAP comment.
 */
static char *make_golden(const char *vmlinux)
{
	const char *tmpdir = getenv("TMPDIR");
	char *path;
	if (asprintf(&path, "%s/lkdb-sym-golden.XXXXXX",
		     tmpdir && *tmpdir ? tmpdir : "/tmp") < 0)
		return NULL;
	int fd = mkstemp(path);
	if (fd < 0) {
		printf("# mkstemp %s: %s\n", path, strerror(errno));
		free(path);
		return NULL;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd, STDOUT_FILENO);
		execlp("bash", "bash", golden_script, vmlinux, (char *)NULL);
		fprintf(stderr, "cannot run bash: %s\n", strerror(errno));
		_exit(127);
	}
	close(fd);
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		printf("# bash %s %s failed (its stderr has why)\n",
		       golden_script, vmlinux);
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

static void check_golden_address(struct vmlinux *vm, uint64_t addr,
				 const char *expected_sym,
				 char frames[][1100], size_t nr)
{
	struct symbolize_result r;
	take_error(symbolize_address(vm, 0, addr, &r));
	CHECK_STR(err_message, "");
	if (err_code)
		return;
	char sym[512];
	snprintf(sym, sizeof(sym), "%s+0x%" PRIx64, r.symbol.name, r.offset);
	CHECK_STR(sym, expected_sym);
	bool same = r.nr_frames == nr;
	for (size_t i = 0; same && i < nr; i++) {
		char text[512];
		frame_text(&r.frames[i], text, sizeof(text));
		same = !strcmp(text, frames[i]);
	}
	if (!same) {
		printf("#   0x%" PRIx64 " %s: frames differ; expected:\n",
		       addr, expected_sym);
		for (size_t i = 0; i < nr; i++)
			printf("#     %s\n", frames[i]);
		printf("#   got:\n");
		for (size_t i = 0; i < r.nr_frames; i++) {
			char text[512];
			frame_text(&r.frames[i], text, sizeof(text));
			printf("#     %s\n", text);
		}
	}
	CHECK(same);
	symbolize_result_deinit(&r);
}

static void check_golden_name(struct vmlinux *vm, const char *name,
			      uint64_t addr, char type)
{
	struct symbolize_result r;
	take_error(symbolize_name(vm, 0, name, &r));
	CHECK_STR(err_message, "");
	if (err_code)
		return;
	if (r.address != addr || r.symbol.type != type)
		printf("#   %s: 0x%" PRIx64 " (%c), expected 0x%" PRIx64 " (%c)\n",
		       name, r.address, r.symbol.type, addr, type);
	CHECK(r.address == addr && r.symbol.type == type);
	/* a function's line is where it starts: the same as its address's */
	if (r.nr_frames) {
		struct symbolize_result at;
		take_error(symbolize_address(vm, 0, addr, &at));
		CHECK(at.nr_frames >= 1);
		if (at.nr_frames >= 1) {
			CHECK_STR(r.frames[0].file, at.frames[0].file);
			CHECK(r.frames[0].line == at.frames[0].line);
		}
		symbolize_result_deinit(&at);
	}
	symbolize_result_deinit(&r);
}

TEST(real_vmlinux_golden)
{
	char *golden = make_golden(real_path);
	CHECK(golden != NULL);
	if (!golden)
		return;
	FILE *f = fopen(golden, "r");
	CHECK(f != NULL);
	unlink(golden);
	free(golden);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct vmlinux *vm = open_or_die(real_path);
	double open_ms = ms_since(&t0);

	/* the first lookup pays for sorting symbols and opening DWARF */
	uint64_t panic_addr = symbol_addr(vm, "panic", NULL);
	struct symbolize_result r;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	take_error(symbolize_address(vm, 0, panic_addr + 0x20, &r));
	double first_ms = ms_since(&t0);
	CHECK_STR(err_message, "");
	symbolize_result_deinit(&r);
	printf("# vmlinux_open %.1f ms; first sym lookup %.1f ms\n", open_ms,
	       first_ms);

	char line[1024], frames[16][1100], sym[512] = "";
	uint64_t addr = 0;
	size_t nr = 0;
	int addrs = 0, names = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char name[512], fn[512], loc[512], id[128];
		uint64_t a;
		char type;
		if (sscanf(line, "build-id %127s", id) == 1) {
			/* the tools read the same file */
			CHECK_STR(id, vmlinux_build_id(vm));
			continue;
		}
		if (sscanf(line, "  frame %511s %511s", fn, loc) == 2) {
			if (nr < 16)
				snprintf(frames[nr++], sizeof(frames[0]),
					 "%s %s", fn, loc);
			continue;
		}
		if (*sym) {
			check_golden_address(vm, addr, sym, frames, nr);
			*sym = '\0';
		}
		if (sscanf(line, "addr %" SCNx64 " %511s", &a, name) == 2) {
			addr = a;
			snprintf(sym, sizeof(sym), "%s", name);
			nr = 0;
			addrs++;
		} else if (sscanf(line, "name %511s %" SCNx64 " %c", name,
				  &a, &type) == 3) {
			check_golden_name(vm, name, a, type);
			names++;
		}
	}
	if (*sym)
		check_golden_address(vm, addr, sym, frames, nr);
	double all_ms = ms_since(&t0);
	if (f)
		fclose(f);
	printf("# %d addresses, %d names in %.1f ms (%.2f ms each)\n",
	       addrs, names, all_ms,
	       addrs + names ? all_ms / (addrs + names) : 0);
	CHECK(addrs >= 20 && names >= 10);

	/* with a KASLR offset: image symbols move, per-CPU ones do not */
	const uint64_t offset = 0x2c000000;
	take_error(symbolize_address(vm, offset, panic_addr + offset + 0x20,
				     &r));
	CHECK_STR(err_message, "");
	CHECK_STR(r.symbol.name, "panic");
	CHECK(r.offset == 0x20 && r.symbol.addr == panic_addr + offset);
	symbolize_result_deinit(&r);
	uint64_t percpu = symbol_addr(vm, "current_task", NULL);
	take_error(symbolize_name(vm, offset, "current_task", &r));
	CHECK(r.symbol.percpu && r.address == percpu && percpu < 0x100000);
	symbolize_result_deinit(&r);
	/* a per-CPU offset is not an address */
	take_error(symbolize_address(vm, 0, percpu, &r));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);

	vmlinux_destroy(vm);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s FIXTURE NO-DWARF-FIXTURE SYM-GOLDEN.SH\n",
			argv[0]);
		return 99;
	}
	fixture_path = argv[1];
	nodwarf_path = argv[2];
	golden_script = argv[3];

	RUN(clean_path);
	RUN(clean_path_whole);
	RUN(type_letters);
	RUN(nearest_symbol);
	RUN(nearest_symbol_as_crash_names_it);
	RUN(source_lines_and_inlining);
	RUN(address_and_name);
	RUN(kallsyms_sizes_and_return_addresses);
	RUN(outside_the_image);
	RUN(kaslr_offset);

	real_path = getenv("LKDB_TEST_VMLINUX");
	RUN_IF(real_path && *real_path, real_vmlinux_golden,
	       "LKDB_TEST_VMLINUX not set");
	return tap_done();
}

#endif
