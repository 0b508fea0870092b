// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/memory/slabwalk.c over a fake SLUB cache
 * laid out as 6.1 has it (struct slab, kmem_cache_cpu.slab and .partial):
 * two CPUs, CPU 0 with its own slab (two objects on its freelist) and a
 * per-CPU partial slab, a node with a partial slab; counted as SLUB
 * counts them and each object free or allocated.  Then the hardened
 * freelist encoding, SLAB_RED_ZONE's left pad, the full list of a cache
 * with SLAB_STORE_USER, and damage: a freelist that loops, one pointing
 * outside its slab, a partial list that loops, a slab that is not a
 * struct page; each a warning naming it, the rest kept.
 */
#include <inttypes.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/memory/nodes.h"
#include "kernel-helpers/memory/percpu.h"
#include "kernel-helpers/memory/slabwalk.h"
#include "tap.h"
#include "walker_input.h"

static const char table[] =
	"kmem_cache 0 256\n"
	"kmem_cache.cpu_slab 0 8\n"
	"kmem_cache.flags 8 4\n"
	"kmem_cache.size 16 4\n"
	"kmem_cache.object_size 20 4\n"
	"kmem_cache.offset 24 4\n"
	"kmem_cache.name 32 8\n"
	"kmem_cache.random 40 8\n"
	"kmem_cache.red_left_pad 48 4\n"
	"kmem_cache.node 64 64\n"
	"kmem_cache_cpu 0 32\n"
	"kmem_cache_cpu.freelist 0 8\n"
	"kmem_cache_cpu.slab 16 8\n"
	"kmem_cache_cpu.partial 24 8\n"
	"kmem_cache_node 0 64\n"
	"kmem_cache_node.nr_partial 8 8\n"
	"kmem_cache_node.partial 16 16\n"
	"kmem_cache_node.nr_slabs 32 8\n"
	"kmem_cache_node.full 40 16\n"
	"slab 0 64\n"
	"slab.slab_list 8 16\n"
	"slab.next 8 8\n"
	"slab.slab_cache 24 8\n"
	"slab.freelist 32 8\n"
	"slab.inuse 40 2 320 16\n"
	"slab.objects 40 4 336 15\n"
	"page 0 64\n"
	"enum:_SLAB_RED_ZONE -\n"
	"enum:_SLAB_STORE_USER -\n";

#define DM 0xffff888000000000ULL	/* direct map */
#define PA 0xffffea0000000000ULL	/* page array */
#define CACHE 0xffff888000100000ULL
#define NODE0 0xffff888000200000ULL
#define CPU0 0xffff888010000000ULL	/* per-CPU offsets */
#define CPU1 0xffff888010100000ULL
#define PCPU 0x1000ULL			/* kmem_cache.cpu_slab */
#define SLAB(pfn) (PA + (pfn) * 64)
#define MEM(pfn) (DM + (pfn) * 4096)
#define OBJ(pfn, i) (MEM(pfn) + (i) * 64)
#define STORE_USER 0x10000
#define RED_ZONE 0x400

static struct fake_memory m;
static struct kernel k = { .arch = &kernel_arch_x86_64 };
static uint64_t random_key;

static bool setup(void)
{
	take_error(ktypes_create_from_table(table, &k.types));
	k.memory = (struct kernel_memory_reader){ &m, fake_read, NULL };
	return err_code == 0;
}

static uint64_t values[WALKER_SLAB_VALUES] = {
	[WALKER_SLAB_CACHE] = CACHE, [WALKER_SLAB_DIRECT_MAP] = DM,
	[WALKER_SLAB_PAGE_ARRAY] = PA, [WALKER_SLAB_CPU0] = CPU0,
	[WALKER_SLAB_CPU1] = CPU1, [WALKER_SLAB_MODE] = 3,
	[WALKER_SLAB_NODE_PAGES] = 0x100,
};

/*
 * The free pointer stored at an object (offset 0), as SLUB stores it with
 * kmem_cache.random (CONFIG_SLAB_FREELIST_HARDENED, as the table has).
 */
static void link_free(uint64_t obj, uint64_t next)
{
	put(at(&m, obj), next ^ random_key ^ __builtin_bswap64(obj), 8);
}

static void slab(uint64_t pfn, uint64_t freelist, unsigned int inuse,
		 uint64_t next)
{
	unsigned char *p = at(&m, SLAB(pfn));
	put(p + 8, next, 8);
	put(p + 24, CACHE, 8);
	put(p + 32, freelist, 8);
	put(p + 40, inuse | 4u << 16, 4);	/* inuse, objects 4 */
}

/*
 * CPU 0: slab 0x10 (its freelist: objects 1 and 3; the slab's own: none),
 * partial slab 0x11 (object 2 free).  CPU 1: nothing.  Node 0: nr_slabs 3,
 * partial slab 0x12 (objects 0, 1, 3 free).
 */
static void build(uint32_t flags)
{
	memset(&m, 0, sizeof(m));
	unsigned char *c = map(&m, CACHE, 256);
	put(c + 0, PCPU, 8);
	put(c + 8, flags, 4);
	put(c + 16, 64, 4);
	put(c + 20, 56, 4);
	put(c + 32, CACHE + 0x200, 8);
	put(c + 40, random_key, 8);
	put(c + 48, flags & RED_ZONE ? 8 : 0, 4);
	put(c + 64, NODE0, 8);
	map(&m, CACHE + 0x200, 0xe00);	/* to the page's end, as a string is read */
	memcpy(at(&m, CACHE + 0x200), "test-64", 8);
	unsigned char *c0 = map(&m, CPU0 + PCPU, 32), *c1 = map(&m, CPU1 + PCPU, 32);
	(void)c1;
	uint64_t pad = flags & RED_ZONE ? 8 : 0;
	put(c0 + 0, OBJ(0x10, 1) + pad, 8);
	put(c0 + 16, SLAB(0x10), 8);
	put(c0 + 24, SLAB(0x11), 8);
	map(&m, SLAB(0x10), 3 * 64);
	for (uint64_t pfn = 0x10; pfn <= 0x12; pfn++)
		map(&m, MEM(pfn), 4096);
	slab(0x10, 0, 4, 0);
	link_free(OBJ(0x10, 1) + pad, OBJ(0x10, 3) + pad);
	link_free(OBJ(0x10, 3) + pad, 0);
	slab(0x11, OBJ(0x11, 2) + pad, 3, 0);
	link_free(OBJ(0x11, 2) + pad, 0);
	unsigned char *n = map(&m, NODE0, 64);
	put(n + 8, 1, 8);
	put(n + 16, SLAB(0x12) + 8, 8);		/* partial: slab 0x12 */
	put(n + 24, SLAB(0x12) + 8, 8);
	put(n + 32, 3, 8);
	put(n + 40, NODE0 + 40, 8);		/* full: empty */
	put(n + 48, NODE0 + 40, 8);
	slab(0x12, OBJ(0x12, 0) + pad, 1, NODE0 + 16);
	put(at(&m, SLAB(0x12)) + 16, NODE0 + 16, 8);
	link_free(OBJ(0x12, 0) + pad, OBJ(0x12, 1) + pad);
	link_free(OBJ(0x12, 1) + pad, OBJ(0x12, 3) + pad);
	link_free(OBJ(0x12, 3) + pad, 0);
}

/* With LKDB_FUZZ_SEED_DIR: the fake cache as a seed of fuzz_slabwalk. */
static void walk(struct kernel_slab_walk *w)
{
	struct walker_slab_env e;
	if (!walker_seed_save(tap_current_name, 0, table, values,
			      WALKER_SLAB_VALUES, &m))
		printf("# cannot save a fuzz seed\n");
	walker_slab_env(values, &e);
	take_error(kernel_slab_walk_in(&k, &e.env, CACHE, w));
}

/* "allocated/total free-slots" of a slab, free slots as a bit string. */
static const char *show(const struct kernel_slab *s)
{
	static char buf[64];
	int n = snprintf(buf, sizeof(buf), "%u/%u ", s->inuse, s->objects);
	for (uint32_t i = 0; s->free && i < s->objects && n < 60; i++)
		buf[n++] = s->free[i] ? 'F' : 'A';
	buf[n] = '\0';
	return buf;
}

static void check_walk(const struct kernel_slab_walk *w)
{
	CHECK(w->nr_cpus == 2 && w->nr_nodes == 1 && w->size == 64);
	if (w->nr_cpus != 2 || w->nr_nodes != 1)
		return;
	const struct kernel_slab_cpu *c0 = &w->cpus[0], *c1 = &w->cpus[1];
	CHECK(c0->kmem_cache_cpu == CPU0 + PCPU && c0->has_slab &&
	      c0->slab.slab == SLAB(0x10) && c0->slab.memory == MEM(0x10) &&
	      c0->slab.cpu == 0 && c0->slab.node == 0);
	CHECK_STR(show(&c0->slab), "2/4 AFAF");
	CHECK(c0->nr_partial == 1 && c0->partial[0].slab == SLAB(0x11));
	if (c0->nr_partial == 1)
		CHECK_STR(show(&c0->partial[0]), "3/4 AAFA");
	CHECK(c1->kmem_cache_cpu == CPU1 + PCPU && !c1->has_slab &&
	      c1->nr_partial == 0);
	const struct kernel_slab_node *n = &w->nodes[0];
	CHECK(n->addr == NODE0 && n->nr_slabs == 3 && n->nr_partial == 1 &&
	      n->per_cpu == 1 && n->nr_partial_slabs == 1);
	if (n->nr_partial_slabs == 1) {
		CHECK(n->partial[0].slab == SLAB(0x12) && !n->partial[0].free);
		CHECK_STR(show(&n->partial[0]), "1/4 ");
	}
}

TEST(cpu_slabs_partials_and_nodes_counted_as_slub_counts_them)
{
	struct kernel_slab_walk w;
	build(0);
	walk(&w);
	CHECK(err_code == 0 && w.nr_warnings == 0 && w.red_left_pad == 0);
	check_walk(&w);
	CHECK(!w.nodes[0].full_tracked && w.nodes[0].nr_full == 0);
	kernel_slab_walk_deinit(&w);
	unmap_all(&m);
}

TEST(hardened_freelists_are_decoded)
{
	struct kernel_slab_walk w;
	random_key = 0x5a5a1234deadbeefULL;
	build(0);
	walk(&w);
	CHECK(err_code == 0 && w.nr_warnings == 0);
	check_walk(&w);
	kernel_slab_walk_deinit(&w);
	unmap_all(&m);
	random_key = 0;
}

TEST(red_zone_pad_and_tracked_full_list)
{
	struct kernel_slab_walk w;
	build(RED_ZONE | STORE_USER);
	/* The full list: slab 0x10 stands in (a slab on two lists is fine here). */
	put(at(&m, NODE0) + 40, SLAB(0x10) + 8, 8);
	put(at(&m, NODE0) + 48, SLAB(0x10) + 8, 8);
	put(at(&m, SLAB(0x10)) + 8, NODE0 + 40, 8);
	walk(&w);
	CHECK(err_code == 0 && w.nr_warnings == 0 && w.red_left_pad == 8);
	CHECK_STR(show(&w.cpus[0].slab), "2/4 AFAF");
	CHECK(w.nodes[0].full_tracked && w.nodes[0].nr_full == 1 &&
	      w.nodes[0].full[0].slab == SLAB(0x10));
	kernel_slab_walk_deinit(&w);
	unmap_all(&m);
}

TEST(damaged_freelists_and_lists_are_warnings_and_the_rest_is_kept)
{
	struct kernel_slab_walk w;
	build(0);
	link_free(OBJ(0x10, 3), OBJ(0x10, 1));		/* CPU 0's loops */
	link_free(OBJ(0x11, 2), DM + 0x123456);		/* outside its slab */
	put(at(&m, SLAB(0x12)) + 8, SLAB(0x12) + 8, 8);	/* partial list loops */
	walk(&w);
	CHECK(err_code == 0 && w.nr_warnings == 3);
	for (size_t i = 0; i < w.nr_warnings; i++)
		printf("# %s\n", w.warnings[i]);
	CHECK(w.nr_warnings == 3 && strstr(w.warnings[0], "test-64") &&
	      strstr(w.warnings[0], "twice") &&
	      strstr(w.warnings[1], "is outside the slab") &&
	      strstr(w.warnings[2], "node 0's partial list"));
	CHECK(w.cpus[0].has_slab && w.cpus[0].slab.objects == 4 &&
	      w.nodes[0].nr_slabs == 3 && w.nodes[0].nr_partial_slabs >= 1);
	kernel_slab_walk_deinit(&w);
	unmap_all(&m);
	/* A CPU's slab that is not a struct page: named, the walk goes on. */
	build(0);
	put(at(&m, CPU0 + PCPU) + 16, PA + 3, 8);
	walk(&w);
	CHECK(err_code == 0 && w.nr_warnings == 1 &&
	      strstr(w.warnings[0], "not a struct page") &&
	      w.nr_nodes == 1 && w.nodes[0].nr_partial_slabs == 1);
	kernel_slab_walk_deinit(&w);
	unmap_all(&m);
}

int main(void)
{
	if (!setup()) {
		printf("Bail out! the type table\n");
		return 1;
	}
	RUN(cpu_slabs_partials_and_nodes_counted_as_slub_counts_them);
	RUN(hardened_freelists_are_decoded);
	RUN(red_zone_pad_and_tracked_full_list);
	RUN(damaged_freelists_and_lists_are_warnings_and_the_rest_is_kept);
	int status = tap_done();
	ktypes_destroy(k.types);
	return status;
}
