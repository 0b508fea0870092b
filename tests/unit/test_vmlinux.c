// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/core/vmlinux.c.
 *
 * Built with -DVMLINUX_FIXTURE this file is instead a stand-in vmlinux: an
 * x86_64 ELF with the symbols vmlinux_open() requires (meson builds it
 * once as is and once stripped and passes both paths to the test).
 *
 * With LKDB_TEST_VMLINUX=/path/to/vmlinux the real kernel is checked too.
 */
#define FIXTURE_BANNER \
	"Linux version 9.9.9-lkdbtest (test@host) (gcc) #1 SMP PREEMPT_DYNAMIC\n"

#ifdef VMLINUX_FIXTURE

/* _text is defined at link time and _end by ld's default script */
const char linux_banner[] = FIXTURE_BANNER;
/* readable bytes other than a banner */
const char fixture_rodata[256] = "not a banner";
/* in .bss, which has no contents in the file */
char fixture_bss[4096];

/* gcc's clone of a function, named as gcc names it (panic_site_symbol) */
void fixture_oom_clone(void) __asm__("oom_kill_process.constprop.0");
void fixture_oom_clone(void)
{
}

int main(void)
{
	fixture_oom_clone();
	return fixture_bss[0];
}

#else

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/decode/panic.h"

static const char *fixture_path, *stripped_path, *real_path;

/* Error message (or "") and code, then destroy the error. */
static int err_code;
static char err_message[1024];

static void take_error(struct lkdb_error *err)
{
	err_code = err ? (int)err->code : 0;
	snprintf(err_message, sizeof(err_message), "%s",
		 err ? err->message : "");
	lkdb_error_destroy(err);
}

static int is_hex(const char *s, size_t len)
{
	if (!s || strlen(s) != len)
		return 0;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s) || isupper((unsigned char)*s))
			return 0;
	return 1;
}

/* Write len bytes to a new temporary file; returns its malloc'd path. */
static char *temp_file(const void *data, size_t len)
{
	char *path = strdup("/tmp/lkdb-test-vmlinux-XXXXXX");
	int fd = path ? mkstemp(path) : -1;
	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		perror("temp file");
		exit(99);
	}
	close(fd);
	return path;
}

static void *slurp(const char *path, size_t *len_ret)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(99);
	}
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	rewind(f);
	char *buf = malloc(len);
	if (!buf || fread(buf, 1, len, f) != (size_t)len) {
		perror(path);
		exit(99);
	}
	fclose(f);
	*len_ret = len;
	return buf;
}

TEST(open_fixture)
{
	struct vmlinux *vm = NULL;
	take_error(vmlinux_open(fixture_path, &vm));
	CHECK_STR(err_message, "");
	if (!vm)
		return;
	CHECK_STR(vmlinux_path(vm), fixture_path);
	CHECK_STR(vmlinux_banner(vm), FIXTURE_BANNER);
	CHECK_STR(vmlinux_release(vm), "9.9.9-lkdbtest");
	/* linked with --build-id=sha1 */
	CHECK(is_hex(vmlinux_build_id(vm), 40));
	vmlinux_destroy(vm);
}

TEST(symbol)
{
	struct vmlinux *vm = NULL;
	take_error(vmlinux_open(fixture_path, &vm));
	if (!vm) {
		CHECK(0);
		return;
	}
	uint64_t addr = 0, size = 0, bss = 0;
	CHECK(!vmlinux_symbol(vm, "linux_banner", &addr, &size));
	CHECK(addr != 0);
	CHECK(size == sizeof(FIXTURE_BANNER));
	CHECK(!vmlinux_symbol(vm, "fixture_bss", &bss, NULL));
	CHECK(bss != 0 && bss != addr);

	take_error(vmlinux_symbol(vm, "no_such_symbol", &addr, &size));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(strstr(err_message, "\"no_such_symbol\"") != NULL);
	CHECK(strstr(err_message, fixture_path) == err_message);
	vmlinux_destroy(vm);
}

/* A --stop-on site renamed by gcc (oom_kill_process.constprop.0) is found. */
TEST(site_function_found_under_its_clone_name)
{
	struct vmlinux *vm = NULL;
	take_error(vmlinux_open(fixture_path, &vm));
	if (!vm) {
		CHECK(0);
		return;
	}
	uint64_t addr = 0, clone = 0;
	char found[64];
	CHECK(!vmlinux_symbol(vm, "oom_kill_process.constprop.0", &clone, NULL));
	take_error(panic_site_symbol(vm, "oom_kill_process", &addr, found,
				     sizeof(found)));
	CHECK(err_code == 0 && addr == clone && addr != 0);
	CHECK(!strcmp(found, "oom_kill_process.constprop.0"));
	/* the plain name first */
	take_error(panic_site_symbol(vm, "linux_banner", &addr, found,
				     sizeof(found)));
	CHECK(err_code == 0 && !strcmp(found, "linux_banner"));
	take_error(panic_site_symbol(vm, "sched_show_task", &addr, found,
				     sizeof(found)));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND &&
	      strstr(err_message, "\"sched_show_task\""));
	vmlinux_destroy(vm);
}

TEST(read)
{
	struct vmlinux *vm = NULL;
	take_error(vmlinux_open(fixture_path, &vm));
	if (!vm) {
		CHECK(0);
		return;
	}
	uint64_t addr, bss;
	char buf[sizeof(FIXTURE_BANNER)];
	CHECK(!vmlinux_symbol(vm, "linux_banner", &addr, NULL));
	CHECK(!vmlinux_symbol(vm, "fixture_bss", &bss, NULL));

	memset(buf, 0x55, sizeof(buf));
	take_error(vmlinux_read(vm, addr, buf, sizeof(buf)));
	CHECK(err_code == 0);
	CHECK(memcmp(buf, FIXTURE_BANNER, sizeof(buf)) == 0);

	/* an inner slice */
	take_error(vmlinux_read(vm, addr + 6, buf, 7));
	CHECK(err_code == 0 && memcmp(buf, "version", 7) == 0);
	take_error(vmlinux_read(vm, addr, buf, 0));
	CHECK(err_code == 0);

	take_error(vmlinux_read(vm, bss, buf, 4));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "NOBITS section .bss") != NULL);

	take_error(vmlinux_read(vm, 0xdead00000000, buf, 4));
	CHECK(err_code == LKDB_ERROR_FAULT);
	CHECK(strstr(err_message, "0xdead00000000") != NULL);
	vmlinux_destroy(vm);
}

TEST(text_range)
{
	struct vmlinux *vm = NULL;
	take_error(vmlinux_open(fixture_path, &vm));
	if (!vm) {
		CHECK(0);
		return;
	}
	uint64_t start, end, text, banner;
	vmlinux_text_range(vm, &start, &end);
	CHECK(!vmlinux_symbol(vm, "_text", &text, NULL));
	CHECK(!vmlinux_symbol(vm, "linux_banner", &banner, NULL));
	CHECK(start == text);
	CHECK(start < end);
	CHECK(banner >= start && banner < end);
	vmlinux_destroy(vm);
}

TEST(section_lookup)
{
	struct vmlinux *vm = NULL;
	take_error(vmlinux_open(fixture_path, &vm));
	if (!vm) {
		CHECK(0);
		return;
	}
	uint64_t addr = 0, size = 0, banner;
	CHECK(!vmlinux_section(vm, ".rodata", &addr, &size));
	CHECK(!vmlinux_symbol(vm, "linux_banner", &banner, NULL));
	CHECK(banner >= addr && banner < addr + size);
	struct lkdb_error *err = vmlinux_section(vm, ".no-such-section",
						 &addr, NULL);
	CHECK(err && err->code == LKDB_ERROR_NOT_FOUND);
	CHECK(err && strstr(err->message, ".no-such-section"));
	lkdb_error_destroy(err);
	vmlinux_destroy(vm);
}

/* vmlinux_open(path) must fail with code and exactly "path: message". */
static void check_open_fails(const char *path, int code, const char *message)
{
	struct vmlinux *vm = NULL;
	char expected[1024];
	snprintf(expected, sizeof(expected), "%s: %s", path, message);
	take_error(vmlinux_open(path, &vm));
	CHECK(vm == NULL);
	CHECK(err_code == code);
	CHECK_STR(err_message, expected);
}

TEST(error_not_found)
{
	check_open_fails("/nonexistent/vmlinux", LKDB_ERROR_OS,
			 "No such file or directory");
	check_open_fails("/", LKDB_ERROR_INVALID, "not a regular file");
}

TEST(error_not_elf)
{
	static const char text[] = "this is not an ELF file\n";
	char *path = temp_file(text, sizeof(text) - 1);
	check_open_fails(path, LKDB_ERROR_INVALID, "not an ELF file");
	unlink(path);
	free(path);

	path = temp_file("", 0);
	check_open_fails(path, LKDB_ERROR_INVALID, "not an ELF file");
	unlink(path);
	free(path);
}

TEST(error_wrong_machine)
{
	size_t len;
	unsigned char *elf = slurp(fixture_path, &len);
	/* e_machine is the little-endian half-word at offset 18; 183 = AArch64 */
	elf[18] = 183;
	elf[19] = 0;
	char *path = temp_file(elf, len);
	check_open_fails(path, LKDB_ERROR_INVALID,
			 "not an x86_64 ELF file (machine: AArch64)");
	elf[18] = 0x34;
	elf[19] = 0x12;
	unlink(path);
	free(path);
	path = temp_file(elf, len);
	check_open_fails(path, LKDB_ERROR_INVALID,
			 "not an x86_64 ELF file (machine: 4660)");
	unlink(path);
	free(path);
	free(elf);
}

TEST(error_truncated)
{
	size_t len;
	char *elf = slurp(fixture_path, &len);
	char *path = temp_file(elf, len - 1);
	char expected[1024];
	snprintf(expected, sizeof(expected),
		 "%s: truncated ELF file (%zu bytes, section headers end at %zu)",
		 path, len - 1, len);
	struct vmlinux *vm = NULL;
	take_error(vmlinux_open(path, &vm));
	CHECK(vm == NULL && err_code == LKDB_ERROR_INVALID);
	/* ld puts the section headers at the very end */
	CHECK_STR(err_message, expected);
	unlink(path);
	free(path);
	free(elf);
}

TEST(error_stripped)
{
	check_open_fails(stripped_path, LKDB_ERROR_INVALID,
			 "no symbol table (stripped vmlinux? use the -dbg package's /usr/lib/debug/boot/vmlinux-*)");
}

TEST(error_not_kernel)
{
	/* this test program has symbols but no linux_banner */
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(n > 0);
	if (n <= 0)
		return;
	self[n] = '\0';
	check_open_fails(self, LKDB_ERROR_INVALID,
			 "not a Linux kernel image (no linux_banner symbol)");
}

TEST(real_vmlinux)
{
	const char *path = real_path;
	struct timespec t0, t1;
	struct vmlinux *vm = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	take_error(vmlinux_open(path, &vm));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK_STR(err_message, "");
	if (!vm)
		return;
	double ms = (t1.tv_sec - t0.tv_sec) * 1e3 +
		    (t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("# vmlinux_open(%s): %.1f ms\n", path, ms);

	const char *release = vmlinux_release(vm);
	const char *banner = vmlinux_banner(vm);
	CHECK(strncmp(release, "6.", 2) == 0);
	CHECK(strncmp(banner, "Linux version ", 14) == 0);
	CHECK(strncmp(banner + 14, release, strlen(release)) == 0);
	CHECK(banner[strlen(banner) - 1] == '\n');
	CHECK(is_hex(vmlinux_build_id(vm), 40));
	printf("# release %s, build id %s\n", release,
	       vmlinux_build_id(vm) ? vmlinux_build_id(vm) : "(none)");

	/* x86_64: the image is linked in [__START_KERNEL_map, +1 GiB) */
	uint64_t start, end, addr, size;
	vmlinux_text_range(vm, &start, &end);
	printf("# _text 0x%" PRIx64 " _end 0x%" PRIx64 "\n", start, end);
	CHECK(start >= 0xffffffff80000000 && start < end &&
	      end <= 0xffffffffc0000000);
	CHECK(!vmlinux_symbol(vm, "init_task", &addr, &size));
	CHECK(addr >= start && addr < end && size > 0);
	vmlinux_destroy(vm);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s FIXTURE STRIPPED-FIXTURE\n",
			argv[0]);
		return 99;
	}
	fixture_path = argv[1];
	stripped_path = argv[2];

	RUN(open_fixture);
	RUN(symbol);
	RUN(site_function_found_under_its_clone_name);
	RUN(read);
	RUN(text_range);
	RUN(section_lookup);
	RUN(error_not_found);
	RUN(error_not_elf);
	RUN(error_wrong_machine);
	RUN(error_truncated);
	RUN(error_stripped);
	RUN(error_not_kernel);

	real_path = getenv("LKDB_TEST_VMLINUX");
	RUN_IF(real_path && *real_path, real_vmlinux,
	       "LKDB_TEST_VMLINUX not set");
	return tap_done();
}

#endif
