// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/devices/resources.c over fake memory: a
 * resource tree read depth first (a node, its children, its next
 * sibling) with each node's depth, range and name, a node without a name
 * as crash's "(unknown)", a node that is its own child shown once; then
 * damage: a sibling chain that loops, a sibling in unmapped memory and a
 * chain deeper than the bound, each a warning with the rest kept; a root
 * that cannot be read, one error.
 */
#include <inttypes.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/devices/resources.h"
#include "tap.h"

/* struct resource as on x86_64 since 4.6 (desc added). */
static const char table[] =
	"resource 0 64\n"
	"resource.start 0 8\n"
	"resource.end 8 8\n"
	"resource.name 16 8\n"
	"resource.flags 24 8\n"
	"resource.desc 32 8\n"
	"resource.parent 40 8\n"
	"resource.sibling 48 8\n"
	"resource.child 56 8\n";

#define RES(n) (0xffff888001000000ULL + (n) * 0x100ULL)
#define NAMES 0xffff888002000000ULL
#define UNMAPPED 0xffff888099000000ULL

static struct fake_memory m;
static struct kernel k = { .arch = &kernel_arch_x86_64 };
static size_t names_used;

/* Resource n: [start, end], name (NULL: none), sibling and child. */
static void res(unsigned int n, uint64_t start, uint64_t end, const char *name,
		uint64_t sibling, uint64_t child)
{
	unsigned char *r = map(&m, RES(n), 64);
	put(r, start, 8);
	put(r + 8, end, 8);
	if (name) {
		memcpy(at(&m, NAMES + names_used), name, strlen(name) + 1);
		put(r + 16, NAMES + names_used, 8);
		names_used += strlen(name) + 1;
	}
	put(r + 48, sibling, 8);
	put(r + 56, child, 8);
}

static void reset(void)
{
	unmap_all(&m);
	names_used = 0;
	map(&m, NAMES, 4096);
}

static void read_tree(uint64_t root, struct kernel_resources *r)
{
	take_error(kernel_read_resources(&k, root, r));
	for (size_t i = 0; i < r->nr_warnings; i++)
		printf("# %s\n", r->warnings[i]);
}

static bool node(const struct kernel_resources *r, size_t i, unsigned int n,
		 unsigned int depth, uint64_t start, uint64_t end,
		 const char *name)
{
	if (i >= r->nr)
		return false;
	const struct kernel_resource *e = &r->res[i];
	return e->resource == RES(n) && e->depth == depth &&
	       e->start == start && e->end == end && !strcmp(e->name, name);
}

TEST(depth_first_with_depths_ranges_and_names)
{
	reset();
	res(0, 0, 0xffff, "PCI IO", 0, RES(1));
	res(1, 0, 0xcf7, "PCI Bus 0000:00", RES(4), RES(2));
	res(2, 0, 0x1f, "dma1", RES(3), 0);
	res(3, 0x20, 0x21, NULL, 0, RES(3));	/* its own child */
	res(4, 0xd00, 0xffff, "PCI Bus 0000:00", 0, 0);
	struct kernel_resources r;
	read_tree(RES(0), &r);
	CHECK(err_code == 0);
	CHECK(r.nr == 5 && r.nr_warnings == 0);
	CHECK(node(&r, 0, 0, 0, 0, 0xffff, "PCI IO"));
	CHECK(node(&r, 1, 1, 1, 0, 0xcf7, "PCI Bus 0000:00"));
	CHECK(node(&r, 2, 2, 2, 0, 0x1f, "dma1"));
	CHECK(node(&r, 3, 3, 2, 0x20, 0x21, "(unknown)"));
	CHECK(node(&r, 4, 4, 1, 0xd00, 0xffff, "PCI Bus 0000:00"));
	kernel_resources_deinit(&r);
}

TEST(the_roots_own_siblings_are_not_its_tree)
{
	reset();
	res(0, 0, 0xffff, "PCI IO", RES(5), RES(1));
	res(1, 0, 0xf, "a", 0, 0);
	res(5, 0, 0xffffffff, "PCI mem", 0, 0);
	struct kernel_resources r;
	read_tree(RES(0), &r);
	CHECK(err_code == 0 && r.nr == 2 && r.nr_warnings == 0);
	kernel_resources_deinit(&r);
}

TEST(a_sibling_chain_that_loops_is_a_warning_and_the_nodes_are_kept)
{
	reset();
	res(0, 0, 0xffff, "PCI IO", 0, RES(1));
	res(1, 0, 0xf, "a", RES(2), 0);
	res(2, 0x10, 0x1f, "b", RES(1), 0);
	struct kernel_resources r;
	read_tree(RES(0), &r);
	CHECK(err_code == 0 && r.nr == 3);
	CHECK(r.nr_warnings == 1 && strstr(r.warnings[0], "met again") &&
	      strstr(r.warnings[0], "0xffff888001000100"));
	kernel_resources_deinit(&r);
}

TEST(an_unmapped_sibling_is_a_warning_and_the_rest_is_kept)
{
	reset();
	res(0, 0, 0xffff, "PCI IO", 0, RES(1));
	res(1, 0, 0xf, "a", UNMAPPED, RES(2));
	res(2, 0, 0x7, "a0", 0, 0);
	struct kernel_resources r;
	read_tree(RES(0), &r);
	CHECK(err_code == 0 && r.nr == 3);
	CHECK(node(&r, 2, 2, 2, 0, 7, "a0"));
	CHECK(r.nr_warnings == 1 && strstr(r.warnings[0], "0xffff888099000000"));
	kernel_resources_deinit(&r);
}

TEST(a_chain_deeper_than_the_bound_stops_there_with_a_warning)
{
	reset();
	unsigned int n = KERNEL_RESOURCE_DEPTH_MAX + 8;
	for (unsigned int i = 0; i < n; i++)
		res(i, i, 0xffff, "deep", 0, i + 1 < n ? RES(i + 1) : 0);
	struct kernel_resources r;
	read_tree(RES(0), &r);
	CHECK(err_code == 0 && r.nr == KERNEL_RESOURCE_DEPTH_MAX);
	CHECK(r.nr_warnings == 1 && strstr(r.warnings[0], "levels deep"));
	kernel_resources_deinit(&r);
}

TEST(an_unreadable_root_is_one_error)
{
	reset();
	struct kernel_resources r;
	read_tree(UNMAPPED, &r);
	CHECK(err_code == LKDB_ERROR_FAULT && strstr(err_message, "0xffff888099000000"));
	CHECK(r.nr == 0 && r.res == NULL && r.nr_warnings == 0);
}

int main(void)
{
	take_error(ktypes_create_from_table(table, &k.types));
	if (err_code) {
		printf("Bail out! the type table\n");
		return 1;
	}
	k.memory = (struct kernel_memory_reader){ &m, fake_read, NULL };
	RUN(depth_first_with_depths_ranges_and_names);
	RUN(the_roots_own_siblings_are_not_its_tree);
	RUN(a_sibling_chain_that_loops_is_a_warning_and_the_nodes_are_kept);
	RUN(an_unmapped_sibling_is_a_warning_and_the_rest_is_kept);
	RUN(a_chain_deeper_than_the_bound_stops_there_with_a_warning);
	RUN(an_unreadable_root_is_one_error);
	int status = tap_done();
	unmap_all(&m);
	ktypes_destroy(k.types);
	return status;
}
