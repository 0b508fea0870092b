// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/core/ktypes.c: layouts read from this test's own
 * DWARF (it is built with -g) checked against the compiler's offsetof and
 * sizeof, the answer cache, tables, and absent names.
 *
 * With LKDB_TEST_VMLINUX=/path/to/vmlinux the kernel's printk types are
 * looked up too, cold and cached, and the times shown.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kernel-helpers/core/ktypes.h"
#include "tap.h"

/* Types for the DWARF: kept by the globals below. */
struct kt_inner {
	int a;
	union {
		long u_long;
		char u_chars[3];
	};
	struct {
		short s1;
		short s2;
	};
};

typedef struct kt_inner kt_inner_t;

struct kt_outer {
	char c;
	struct kt_inner in;
	unsigned int f5 : 5;
	unsigned int f3 : 3;
	unsigned int f12 : 12;
	unsigned long long big;
	const kt_inner_t td;
	char arr[13];
};

typedef struct {
	int x;
	struct kt_outer o;
} kt_anon_t;

enum kt_colour { KT_RED = 3, KT_GREEN, KT_BELOW = -5 };
enum kt_colour kt_global_colour;
/* An unsigned enum with a value above 127: DW_FORM_data1, not signed. */
enum kt_type { KT_TYPE_HIGH = 0xf5 };
enum kt_type kt_global_type;

struct kt_outer kt_global_outer;
kt_anon_t kt_global_anon_typedef;
struct {
	long pad;
	struct kt_outer o;
} kt_global_anon;

static const char *self_path;
static char tmp_cache[] = "/tmp/lkdb-ktypes-test.XXXXXX";

static int err_code;
static char err_message[1024];

static void take_error(struct lkdb_error *err)
{
	err_code = err ? (int)err->code : 0;
	snprintf(err_message, sizeof(err_message), "%s",
		 err ? err->message : "");
	lkdb_error_destroy(err);
}

/* The bit offset of a bit field, by setting all its bits. */
static uint64_t f3_bit_offset(void)
{
	struct kt_outer o;
	memset(&o, 0, sizeof(o));
	o.f3 = 7;
	const unsigned char *p = (const unsigned char *)&o;
	for (uint64_t bit = 0; bit < 8 * sizeof(o); bit++) {
		if (p[bit / 8] >> (bit % 8) & 1)
			return bit;
	}
	return UINT64_MAX;
}

static void check_member(struct ktypes *t, const char *type, const char *path,
			 uint64_t offset, uint64_t size)
{
	uint64_t o = 0, s = 0;
	take_error(ktypes_member(t, type, path, &o, &s));
	if (err_code)
		printf("#   %s.%s: %s\n", type, path, err_message);
	CHECK(err_code == 0);
	if (o != offset || s != size)
		printf("#   %s.%s: got offset %" PRIu64 " size %" PRIu64 ", want %" PRIu64 " %" PRIu64 "\n",
		       type, path, o, s, offset, size);
	CHECK(o == offset);
	CHECK(s == size);
}

static void check_all_layouts(struct ktypes *t)
{
	uint64_t size = 0;
	take_error(ktypes_size(t, "kt_outer", &size));
	CHECK(err_code == 0);
	CHECK(size == sizeof(struct kt_outer));
	take_error(ktypes_size(t, "kt_inner_t", &size));
	CHECK(err_code == 0);
	CHECK(size == sizeof(kt_inner_t));

	check_member(t, "kt_outer", "c", offsetof(struct kt_outer, c), 1);
	check_member(t, "kt_outer", "in", offsetof(struct kt_outer, in),
		     sizeof(struct kt_inner));
	/* nested, and through anonymous unions and structs */
	check_member(t, "kt_outer", "in.u_long",
		     offsetof(struct kt_outer, in.u_long), sizeof(long));
	check_member(t, "kt_outer", "in.u_chars",
		     offsetof(struct kt_outer, in.u_chars), 3);
	check_member(t, "kt_outer", "in.s2",
		     offsetof(struct kt_outer, in.s2), sizeof(short));
	/* through a const typedef */
	check_member(t, "kt_outer", "td.s1",
		     offsetof(struct kt_outer, td.s1), sizeof(short));
	check_member(t, "kt_outer", "big", offsetof(struct kt_outer, big), 8);
	check_member(t, "kt_outer", "arr", offsetof(struct kt_outer, arr), 13);

	/* bit fields */
	uint64_t bit = 0, bits = 0;
	uint64_t want = f3_bit_offset();
	take_error(ktypes_bitfield(t, "kt_outer", "f3", &bit, &bits));
	CHECK(err_code == 0);
	CHECK(bit == want);
	CHECK(bits == 3);
	uint64_t o = 0, s = 0;
	take_error(ktypes_member(t, "kt_outer", "f3", &o, &s));
	CHECK(err_code == 0);
	CHECK(o == want / 8);
	CHECK(s == (want % 8 + 3 + 7) / 8);
	take_error(ktypes_bitfield(t, "kt_outer", "big", &bit, &bits));
	CHECK(err_code == 0);
	CHECK(bit == 8 * offsetof(struct kt_outer, big));
	CHECK(bits == 64);

	/* a typedef of an anonymous struct, and anonymous-typed variables */
	check_member(t, "kt_anon_t", "o.big",
		     offsetof(kt_anon_t, o.big), 8);
	take_error(ktypes_var_member(t, "kt_global_anon", "o.in.s2", &o, &s));
	CHECK(err_code == 0);
	CHECK(o == offsetof(__typeof__(kt_global_anon), o.in.s2));
	CHECK(s == sizeof(short));
	take_error(ktypes_var_member(t, "kt_global_anon", NULL, &o, &s));
	CHECK(err_code == 0);
	CHECK(o == 0 && s == sizeof(kt_global_anon));

	/* enumerators, negative ones too */
	int64_t v = 0;
	take_error(ktypes_enumerator(t, "KT_GREEN", &v));
	CHECK(err_code == 0 && v == KT_GREEN);
	take_error(ktypes_enumerator(t, "KT_BELOW", &v));
	CHECK(err_code == 0 && v == KT_BELOW);
	take_error(ktypes_enumerator(t, "KT_TYPE_HIGH", &v));
	CHECK(err_code == 0 && v == 0xf5);
	take_error(ktypes_enumerator(t, "KT_NO_SUCH", &v));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(strstr(err_message, "enumerator KT_NO_SUCH") != NULL);


	/* absent names: NOT_FOUND naming them */
	take_error(ktypes_member(t, "kt_outer", "nosuch", &o, &s));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(strstr(err_message, "kt_outer") && strstr(err_message, "nosuch"));
	take_error(ktypes_member(t, "kt_outer", "in.nosuch", &o, &s));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(!ktypes_has_member(t, "kt_outer", "in.nosuch"));
	CHECK(ktypes_has_member(t, "kt_outer", "in.a"));
	take_error(ktypes_size(t, "kt_no_such_struct", &size));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(strstr(err_message, "kt_no_such_struct") != NULL);
	take_error(ktypes_var_member(t, "kt_no_such_var", "x", &o, &s));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(strstr(err_message, "kt_no_such_var") != NULL);
}

TEST(own_dwarf_matches_compiler_layout)
{
	struct ktypes *t = NULL;
	take_error(ktypes_open(self_path, NULL, &t));
	CHECK(err_code == 0);
	if (!t)
		return;
	check_all_layouts(t);
	struct ktypes_stats st;
	ktypes_get_stats(t, &st);
	CHECK(st.dwarf_opened);
	/* an enum's enumerators in order, from one on (kmem -V's names) */
	char **names = NULL;
	int64_t *values = NULL;
	size_t n = 0;
	take_error(ktypes_enumerators_from(t, "KT_RED", 8, &names, &values, &n));
	CHECK(err_code == 0 && n == 3);
	CHECK(n == 3 && !strcmp(names[0], "KT_RED") && values[0] == KT_RED &&
	      !strcmp(names[1], "KT_GREEN") && values[1] == KT_GREEN &&
	      !strcmp(names[2], "KT_BELOW") && values[2] == KT_BELOW);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(values);
	take_error(ktypes_enumerators_from(t, "KT_GREEN", 1, &names, &values, &n));
	CHECK(err_code == 0 && n == 1 && !strcmp(names[0], "KT_GREEN"));
	if (!err_code) {
		free(names[0]);
		free(names);
		free(values);
	}
	take_error(ktypes_enumerators_from(t, "KT_NO_SUCH", 8, &names, &values, &n));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND && n == 0 && !names);

	/* a member of a scalar: an error, not an answer */
	uint64_t o, s;
	take_error(ktypes_member(t, "kt_outer", "big.x", &o, &s));
	CHECK(err_code == LKDB_ERROR_INVALID);
	CHECK(strstr(err_message, "big.x") != NULL);
	ktypes_destroy(t);
}

TEST(cache_answers_without_dwarf)
{
	CHECK(mkdtemp(tmp_cache) != NULL);
	setenv("XDG_CACHE_HOME", tmp_cache, 1);
	struct ktypes *t = NULL;
	take_error(ktypes_open(self_path, "00ff00ff", &t));
	CHECK(err_code == 0);
	if (!t)
		return;
	check_all_layouts(t);
	ktypes_destroy(t);	/* writes the cache */

	char path[512];
	snprintf(path, sizeof(path), "%s/lkdb/types/00ff00ff", tmp_cache);
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	char line[256];
	bool header = false, absent = false, bits = false;
	while (f && fgets(line, sizeof(line), f)) {
		header |= !strcmp(line, "# lkdb ktypes v2\n");
		absent |= !strcmp(line, "kt_outer.nosuch -\n");
		bits |= !strncmp(line, "kt_outer.f3 ", 12) &&
			strlen(line) > 12 && strchr(line + 12, ' ') &&
			strchr(strchr(line + 12, ' ') + 1, ' ');
	}
	if (f)
		fclose(f);
	CHECK(header);
	CHECK(absent);
	CHECK(bits);

	/* Same answers, DWARF never opened: point at a file without it. */
	t = NULL;
	take_error(ktypes_open("/nonexistent/vmlinux", "00ff00ff", &t));
	CHECK(err_code == 0);
	if (!t)
		return;
	check_all_layouts(t);
	struct ktypes_stats st;
	ktypes_get_stats(t, &st);
	CHECK(!st.dwarf_opened);
	CHECK(st.lookups > 0 && st.cached == st.lookups);
	/* something not cached now needs the (missing) DWARF */
	uint64_t size;
	take_error(ktypes_size(t, "kt_inner", &size));
	if (err_code != LKDB_ERROR_OS)
		printf("#   %d %s\n", err_code, err_message);
	CHECK(err_code == LKDB_ERROR_OS);
	CHECK(strstr(err_message, "/nonexistent/vmlinux") != NULL);
	/* the failure is remembered, code and all */
	take_error(ktypes_size(t, "kt_inner", &size));
	CHECK(err_code == LKDB_ERROR_OS);
	ktypes_destroy(t);

	/* a damaged cache is ignored and rewritten */
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("# lkdb ktypes v2\nkt_outer.c zero one\n", f);
		fclose(f);
	}
	take_error(ktypes_open(self_path, "00ff00ff", &t));
	CHECK(err_code == 0);
	if (t) {
		check_member(t, "kt_outer", "c",
			     offsetof(struct kt_outer, c), 1);
		ktypes_destroy(t);
	}
	unlink(path);
	snprintf(path, sizeof(path), "%s/lkdb/types", tmp_cache);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/lkdb", tmp_cache);
	rmdir(path);
	rmdir(tmp_cache);
}

TEST(table)
{
	struct ktypes *t = NULL;
	take_error(ktypes_create_from_table(
		"# a comment\n"
		"s 0 16\n"
		"s.a 0 8\n"
		"s.b.c 8 2\n"
		"s.bits 10 1 83 3\n"
		"s.gone -\n"
		"var:v.x 4 4\n"
		"fn:f@ffffffff81000000 0 0\n",
		&t));
	CHECK(err_code == 0);
	if (!t)
		return;
	uint64_t o = 0, s = 0;
	take_error(ktypes_member(t, "s", "b.c", &o, &s));
	CHECK(err_code == 0 && o == 8 && s == 2);
	take_error(ktypes_bitfield(t, "s", "bits", &o, &s));
	CHECK(err_code == 0 && o == 83 && s == 3);
	take_error(ktypes_bitfield(t, "s", "a", &o, &s));
	CHECK(err_code == 0 && o == 0 && s == 64);
	take_error(ktypes_size(t, "s", &s));
	CHECK(err_code == 0 && s == 16);
	take_error(ktypes_member(t, "s", "gone", &o, &s));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK(strstr(err_message, "gone") != NULL);
	take_error(ktypes_member(t, "s", "unlisted", &o, &s));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	take_error(ktypes_var_member(t, "v", "x", &o, &s));
	CHECK(err_code == 0 && o == 4 && s == 4);
	bool has = false;
	take_error(ktypes_unit_has_function(t, 0xffffffff81000000, "f", &has));
	CHECK(err_code == 0 && has);
	take_error(ktypes_unit_has_function(t, 0xffffffff81000000, "g", &has));
	CHECK(err_code == 0 && !has);
	/* A renamed member: the first name the type has, and which. */
	struct ktypes_field f;
	unsigned int which = 9;
	static const char *const renamed[] = { "gone", "b.c", "a", NULL };
	take_error(ktypes_field_variant(t, "s", renamed, 16, &f, &which));
	CHECK(err_code == 0 && which == 1 && f.offset == 8 && f.size == 2);
	static const char *const newest[] = { "a", "b.c", NULL };
	take_error(ktypes_field_variant(t, "s", newest, 16, &f, &which));
	CHECK(err_code == 0 && which == 0 && f.offset == 0 && f.size == 8);
	static const char *const none[] = { "gone", "unlisted", NULL };
	take_error(ktypes_field_variant(t, "s", none, 16, &f, &which));
	CHECK(err_code == LKDB_ERROR_NOT_FOUND);
	CHECK_STR(err_message, "struct s has none of gone, unlisted");
	/* A name that is there with a bad layout is that error, not a miss. */
	take_error(ktypes_field_variant(t, "s", renamed, 4, &f, &which));
	CHECK(err_code == LKDB_ERROR_INVALID);
	ktypes_destroy(t);

	static const char *const bad[] = {
		"s 0\n", "s x 1\n", "s 1 2 3\n", "s 0 8 1 0\n", "s 0 8 1 65\n",
		"s -1 2\n", "s 1 2 \n", " s 1 2\n",
		"s 99999999999999999999999 1\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = NULL;
		take_error(ktypes_create_from_table(bad[i], &t));
		CHECK(err_code == LKDB_ERROR_INVALID);
		CHECK(strstr(err_message, "line 1") != NULL);
		CHECK(t == NULL);
	}
}

TEST(no_dwarf_is_an_elf_error)
{
	/* a file with no .debug_info: an ELF error naming it, not a crash */
	struct ktypes *t = NULL;
	take_error(ktypes_open("/proc/self/cmdline", NULL, &t));
	CHECK(err_code == 0);
	if (!t)
		return;
	uint64_t s;
	take_error(ktypes_size(t, "x", &s));
	CHECK(err_code == LKDB_ERROR_ELF);
	CHECK(strstr(err_message, "/proc/self/cmdline") != NULL);
	/* the failure is remembered */
	take_error(ktypes_size(t, "y", &s));
	CHECK(err_code == LKDB_ERROR_ELF);
	ktypes_destroy(t);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *const printk_members[][2] = {
	{ "printk_ringbuffer", "desc_ring.count_bits" },
	{ "printk_ringbuffer", "desc_ring.descs" },
	{ "printk_ringbuffer", "text_data_ring.data" },
	{ "prb_desc", "text_blk_lpos.next" },
	{ "printk_info", "seq" },
	{ "printk_info", "caller_id" },
};

static const char *real_path;

TEST(real_vmlinux_printk_types)
{
	const char *vmlinux = real_path;
	char dir[] = "/tmp/lkdb-ktypes-real.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	setenv("XDG_CACHE_HOME", dir, 1);
	double times[2];
	for (int round = 0; round < 2; round++) {
		struct ktypes *t = NULL;
		double t0 = now();
		take_error(ktypes_open(vmlinux, "0123abcd", &t));
		CHECK(err_code == 0);
		if (!t)
			return;
		uint64_t o, s, bit, bits;
		for (size_t i = 0; i < sizeof(printk_members) /
				       sizeof(printk_members[0]); i++) {
			take_error(ktypes_member(t, printk_members[i][0],
						 printk_members[i][1], &o, &s));
			CHECK(err_code == 0);
		}
		take_error(ktypes_member(t, "printk_info", "seq", &o, &s));
		CHECK(err_code == 0 && o == 0 && s == 8);
		take_error(ktypes_bitfield(t, "printk_info", "level", &bit,
					   &bits));
		CHECK(err_code == 0 && bits == 3);
		take_error(ktypes_size(t, "prb_desc", &s));
		CHECK(err_code == 0 && s == 24);
		times[round] = now() - t0;
		struct ktypes_stats st;
		ktypes_get_stats(t, &st);
		printf("# %s: %.3f s, %u lookups, %u cached, DWARF %s, %u units, %lu DIEs\n",
		       round ? "cached" : "cold", times[round], st.lookups,
		       st.cached, st.dwarf_opened ? "opened" : "not opened",
		       st.units_scanned, st.dies_scanned);
		CHECK(round == 0 || !st.dwarf_opened);
		ktypes_destroy(t);
	}
	char path[512];
	snprintf(path, sizeof(path), "%s/lkdb/types/0123abcd", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lkdb/types", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/lkdb", dir);
	rmdir(path);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* keep the types in this file's DWARF */
	kt_global_outer.c = 1;
	kt_global_anon.pad = 2;
	kt_global_anon_typedef.x = 3;
	self_path = "/proc/self/exe";
	RUN(own_dwarf_matches_compiler_layout);
	RUN(cache_answers_without_dwarf);
	RUN(table);
	RUN(no_dwarf_is_an_elf_error);
	real_path = getenv("LKDB_TEST_VMLINUX");
	RUN_IF(real_path && *real_path, real_vmlinux_printk_types,
	       "LKDB_TEST_VMLINUX not set");
	return tap_done();
}
