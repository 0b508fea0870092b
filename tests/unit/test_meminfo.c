// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/memory/meminfo.c (kmem -i) and slab.c
 * (kmem -s) over a stand-in
 * kernel: this test's own executable is the "vmlinux".  Its globals carry
 * the kernel's symbol names, its -g DWARF the kernel's type and enumerator
 * names (in an order of our own, so the stat indexes must come from the
 * DWARF), and the memory reader reads this process, with the executable's
 * load bias as the "KASLR offset".
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/memory/meminfo.h"
#include "kernel-helpers/memory/slab.h"
#include "tap.h"

/* ---- the stand-in kernel ---- */

enum zone_stat_item {
	NR_ZONE_LRU_BASE_X,
	NR_ZONE_ACTIVE_X,
	NR_FREE_PAGES,
	NR_VM_ZONE_STAT_ITEMS
};
enum node_stat_item {
	NR_SLAB_UNRECLAIMABLE_B,
	NR_SWAPCACHE,
	NR_FILE_PAGES,
	NR_SLAB_RECLAIMABLE_B,
	NR_VM_NODE_STAT_ITEMS
};

struct list_head {
	struct list_head *next, *prev;
};
struct address_space {
	void *host;
	unsigned long nrpages;
};
struct inode {
	long i_mode_etc[3];
	struct address_space *i_mapping;
	struct list_head i_sb_list;
};
struct super_block {
	long s_flags;
	struct list_head s_inodes;
};
struct hstate {
	int next_nid;
	unsigned int order;
	unsigned long nr_huge_pages;
	unsigned long free_huge_pages;
};
struct percpu_counter {
	long lock;
	long long count;
	int *counters;
};

/*
 * The stand-in kernel's variables are read by their symbols' sizes: ASan
 * (the CI's clang build) would pad them with redzones that the sizes
 * then include, so they are left uninstrumented.
 */
#if defined(__clang__)
#define KVAR __attribute__((no_sanitize("address")))
#else
#define KVAR
#endif

/* What makes an ELF file a kernel image for vmlinux_open(). */
KVAR const char linux_banner[] =
	"Linux version 6.1.0-test (lkdb@test) #1 SMP PREEMPT_DYNAMIC\n";
KVAR long _totalram_pages;
KVAR long vm_zone_stat[NR_VM_ZONE_STAT_ITEMS];
KVAR long vm_node_stat[NR_VM_NODE_STAT_ITEMS];
KVAR struct super_block *blockdev_superblock;
KVAR struct hstate hstates[2];
KVAR unsigned int hugetlb_max_hstate;
KVAR long total_swap_pages;
KVAR long nr_swap_pages;
KVAR unsigned long sysctl_overcommit_kbytes;
KVAR int sysctl_overcommit_ratio;
KVAR struct percpu_counter vm_committed_as;
KVAR unsigned long __per_cpu_offset[2];
KVAR unsigned long __cpu_possible_mask[1];
KVAR unsigned long __cpu_online_mask[1];
KVAR unsigned int nr_cpu_ids;

/* SLUB, as 6.1 lays it out (the members kmem -s reads). */
struct kmem_cache_order_objects {
	unsigned int x;
};
struct kmem_cache {
	void *cpu_slab;
	unsigned int size, object_size;
	struct kmem_cache_order_objects oo;
	const char *name;
	struct list_head list;
	struct kmem_cache_node *node[2];
};
struct kmem_cache_node {
	long list_lock;
	unsigned long nr_partial;
	struct list_head partial;
	long nr_slabs, total_objects;
	struct list_head full;
};
struct slab {
	unsigned long __page_flags;
	struct list_head slab_list;
	void *slab_cache;
	void *freelist;
	unsigned inuse : 16;
	unsigned objects : 15;
	unsigned frozen : 1;
};

KVAR struct list_head slab_caches;
KVAR unsigned int nr_node_ids;
static struct kmem_cache caches[2];
static struct kmem_cache_node nodes[2];
static struct slab slabs[3];
/* Names as the kernel keeps them; read whole (64 bytes), as lkdb does. */
static char name64[64] = "kmalloc-64", name_dentry[64] = "dentry";

static struct super_block bdev_sb;
static struct inode inodes[3];
static struct address_space mappings[3];
static int deltas[2];

/* Fill the stand-in with the figures the tests expect. */
static void build(void)
{
	_totalram_pages = 250000;
	memset(vm_zone_stat, 0, sizeof(vm_zone_stat));
	vm_zone_stat[NR_ZONE_ACTIVE_X] = 777;
	vm_zone_stat[NR_FREE_PAGES] = 200000;
	vm_node_stat[NR_FILE_PAGES] = 9000;
	vm_node_stat[NR_SWAPCACHE] = 100;
	vm_node_stat[NR_SLAB_RECLAIMABLE_B] = 3000;
	vm_node_stat[NR_SLAB_UNRECLAIMABLE_B] = 1500;
	/* Three block device inodes of 10, 20 and 30 page-cache pages. */
	blockdev_superblock = &bdev_sb;
	struct list_head *prev = &bdev_sb.s_inodes;
	for (int i = 0; i < 3; i++) {
		mappings[i].nrpages = 10 * (i + 1);
		inodes[i].i_mapping = &mappings[i];
		prev->next = &inodes[i].i_sb_list;
		inodes[i].i_sb_list.prev = prev;
		prev = &inodes[i].i_sb_list;
	}
	prev->next = &bdev_sb.s_inodes;
	bdev_sb.s_inodes.prev = prev;
	/* 2 MiB pages (order 9): 4 of them, 1 free; the 1 GiB size unused. */
	hugetlb_max_hstate = 2;
	hstates[0] = (struct hstate){ 0, 9, 4, 1 };
	hstates[1] = (struct hstate){ 0, 18, 0, 0 };
	total_swap_pages = 5000;
	nr_swap_pages = 4000;
	sysctl_overcommit_kbytes = 0;
	sysctl_overcommit_ratio = 50;
	/* Per-CPU deltas not yet folded into the count: +40 and -15. */
	vm_committed_as.count = 1000;
	deltas[0] = 40;
	deltas[1] = -15;
	__per_cpu_offset[0] = 0;
	__per_cpu_offset[1] = sizeof(int);
	vm_committed_as.counters = &deltas[0];
	__cpu_possible_mask[0] = __cpu_online_mask[0] = 3;
	nr_cpu_ids = 2;
}

static void list_add_tail(struct list_head *e, struct list_head *head)
{
	struct list_head *last = head->prev ? head->prev : head;
	e->next = head;
	e->prev = last;
	last->next = e;
	head->prev = e;
}

static void list_init(struct list_head *head)
{
	head->next = head->prev = head;
}

/*
 * Two caches on slab_caches, one node each: kmalloc-64 (64 objects of 64
 * bytes a 4 KiB slab) with 5 slabs, 320 objects, two of them partial
 * (10 and 60 in use); dentry (order 1: 42 a slab) with 1 slab, none
 * partial.
 */
static void build_slabs(void)
{
	memset(caches, 0, sizeof(caches));
	memset(nodes, 0, sizeof(nodes));
	memset(slabs, 0, sizeof(slabs));
	list_init(&slab_caches);
	nr_node_ids = 1;
	const char *const names[] = { name64, name_dentry };
	static const struct kmem_cache_order_objects oo[] = { { 64 }, { 1u << 16 | 42 } };
	for (int i = 0; i < 2; i++) {
		caches[i].name = names[i];
		caches[i].object_size = i ? 192 : 64;
		caches[i].size = i ? 192 : 64;
		caches[i].oo = oo[i];
		caches[i].node[0] = &nodes[i];
		list_init(&nodes[i].partial);
		list_add_tail(&caches[i].list, &slab_caches);
	}
	nodes[0].nr_slabs = 5;
	nodes[0].total_objects = 320;
	for (int i = 0; i < 2; i++) {
		slabs[i].objects = 64;
		slabs[i].inuse = i ? 60 : 10;
		list_add_tail(&slabs[i].slab_list, &nodes[0].partial);
	}
	nodes[1].nr_slabs = 1;
	nodes[1].total_objects = 42;
}

/* The process's memory, where the stand-in's objects are. */
struct region {
	const void *p;
	size_t len;
};

#define REGION(x) { &(x), sizeof(x) }
static const struct region regions[] = {
	REGION(_totalram_pages), REGION(vm_zone_stat), REGION(vm_node_stat),
	REGION(blockdev_superblock), REGION(hstates),
	REGION(hugetlb_max_hstate), REGION(total_swap_pages),
	REGION(nr_swap_pages), REGION(sysctl_overcommit_kbytes),
	REGION(sysctl_overcommit_ratio), REGION(vm_committed_as),
	REGION(__per_cpu_offset), REGION(__cpu_possible_mask),
	REGION(__cpu_online_mask), REGION(nr_cpu_ids), REGION(bdev_sb),
	REGION(inodes), REGION(mappings), REGION(deltas),
	REGION(slab_caches), REGION(nr_node_ids), REGION(caches),
	REGION(nodes), REGION(slabs), REGION(name64), REGION(name_dentry),
};

static unsigned long reads;

static struct lkdb_error *read_self(void *context, uint64_t addr, void *buf,
				    size_t len)
{
	(void)context;
	reads++;
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		uintptr_t start = (uintptr_t)regions[i].p;
		if (addr >= start && len <= regions[i].len &&
		    addr - start <= regions[i].len - len) {
			memcpy(buf, (const void *)(uintptr_t)addr, len);
			return NULL;
		}
	}
	return lkdb_error_create(LKDB_ERROR_FAULT,
				 "address 0x%" PRIx64 ": not mapped", addr);
}

static const char *self_path;

static int err_code;
static char err_message[1024];

static void take_error(struct lkdb_error *err)
{
	err_code = err ? (int)err->code : 0;
	snprintf(err_message, sizeof(err_message), "%s",
		 err ? err->message : "");
	lkdb_error_destroy(err);
}

static bool open_self(struct kernel *k)
{
	take_error(kernel_open(k, self_path, &kernel_arch_x86_64));
	if (err_code)
		printf("# %s\n", err_message);
	CHECK(err_code == 0);
	if (err_code)
		return false;
	uint64_t link;
	take_error(vmlinux_symbol(k->vmlinux, "_totalram_pages", &link, NULL));
	CHECK(err_code == 0);
	k->kaslr_offset = (uintptr_t)&_totalram_pages - link;
	k->memory.read = read_self;
	return err_code == 0;
}

/* The meminfo of the stand-in as it is now. */
static bool read_meminfo(struct kernel_meminfo *m)
{
	struct kernel k;
	if (!open_self(&k))
		return false;
	take_error(kernel_read_meminfo(&k, m));
	CHECK(err_code == 0);
	kernel_close(&k);
	for (size_t i = 0; i < m->nr_warnings; i++)
		printf("# warning: %s\n", m->warnings[i]);
	return err_code == 0;
}

static bool warned(const struct kernel_meminfo *m, const char *a,
		   const char *b)
{
	for (size_t i = 0; i < m->nr_warnings; i++) {
		if (strstr(m->warnings[i], a) && (!b || strstr(m->warnings[i], b)))
			return true;
	}
	return false;
}

TEST(figures_are_computed_as_proc_meminfo_computes_them)
{
	build();
	struct kernel_meminfo m;
	if (!read_meminfo(&m))
		return;
	CHECK(m.page_size == 4096);
	CHECK(m.nr_warnings == 0);
	CHECK(m.have_total && m.total == 250000);
	/* NR_FREE_PAGES is index 2 here, not the real kernel's 0. */
	CHECK(m.have_free && m.free == 200000);
	CHECK(m.have_buffers && m.buffers == 60);
	/* Cached: file pages less the swap cache and the buffers. */
	CHECK(m.have_cached && m.cached == 9000 - 100 - 60);
	CHECK(m.have_slab && m.slab == 4500);
	CHECK(m.have_huge && m.huge_total == 4 * 512 && m.huge_free == 512);
	CHECK(m.have_swap && m.swap_total == 5000 && m.swap_free == 4000);
	/* (total - huge) * ratio / 100 + swap */
	CHECK(m.have_commit &&
	      m.commit_limit == (250000 - 2048) * 50 / 100 + 5000);
	CHECK(m.committed == 1000 + 40 - 15);
	kernel_meminfo_deinit(&m);
}

TEST(overcommit_kbytes_and_negative_counters)
{
	build();
	sysctl_overcommit_kbytes = 400000;
	vm_zone_stat[NR_FREE_PAGES] = -12;
	vm_committed_as.count = 10;
	deltas[1] = -100;
	struct kernel_meminfo m;
	if (!read_meminfo(&m))
		return;
	CHECK(m.have_free && m.free == 0);
	CHECK(m.have_commit && m.commit_limit == 400000 / 4 + 5000);
	CHECK(m.committed == 0);
	kernel_meminfo_deinit(&m);
}

/* A list that loops without coming back to its head ends, with a warning. */
TEST(looping_block_device_list_is_bounded)
{
	build();
	inodes[2].i_sb_list.next = &inodes[1].i_sb_list;
	struct kernel_meminfo m;
	reads = 0;
	if (!read_meminfo(&m))
		return;
	CHECK(!m.have_buffers && !m.have_cached);
	CHECK(warned(&m, "BUFFERS", "loops back to inode"));
	CHECK(warned(&m, "CACHED", "needs BUFFERS"));
	/* The rest is still there. */
	CHECK(m.have_total && m.have_free && m.have_slab && m.have_commit);
	CHECK(reads < 100);
	kernel_meminfo_deinit(&m);
}

TEST(unreadable_inode_names_it)
{
	build();
	inodes[1].i_mapping = (struct address_space *)(uintptr_t)0x10;
	struct kernel_meminfo m;
	if (!read_meminfo(&m))
		return;
	char inode[64];
	snprintf(inode, sizeof(inode), "block device inode 0x%" PRIxPTR,
		 (uintptr_t)&inodes[1]);
	CHECK(warned(&m, "BUFFERS", inode));
	CHECK(warned(&m, "BUFFERS", "(i_mapping 0x10): address 0x18"));
	CHECK(m.have_free && m.have_slab);
	kernel_meminfo_deinit(&m);
}

TEST(damaged_hstate_count_drops_huge_and_commit)
{
	build();
	hugetlb_max_hstate = 1000;
	struct kernel_meminfo m;
	if (!read_meminfo(&m))
		return;
	CHECK(!m.have_huge && !m.have_commit);
	CHECK(warned(&m, "HUGE", "hugetlb_max_hstate is 1000"));
	CHECK(warned(&m, "COMMIT", "needs HUGE"));
	CHECK(m.have_swap && m.have_cached);
	kernel_meminfo_deinit(&m);
}

TEST(slab_caches_counted_as_proc_slabinfo_counts_them)
{
	build();
	build_slabs();
	struct kernel k;
	if (!open_self(&k))
		return;
	struct kernel_slab_caches c;
	take_error(kernel_read_slab_caches(&k, &c));
	CHECK(err_code == 0);
	if (!err_code) {
		CHECK(c.nr == 2 && c.nr_warnings == 0);
		const struct kernel_slab_cache *a = &c.caches[0], *b = &c.caches[1];
		CHECK_STR(a->name, "kmalloc-64");
		CHECK(a->counted && a->slabs == 5 && a->objects == 320);
		/* free: the partial slabs' 54 + 4 */
		CHECK(a->free == 58 && a->objects_per_slab == 64 && a->order == 0);
		CHECK_STR(b->name, "dentry");
		CHECK(b->counted && b->slabs == 1 && b->objects == 42 && b->free == 0);
		CHECK(b->objects_per_slab == 42 && b->order == 1);
		CHECK(a->addr == (uintptr_t)&caches[0]);
		kernel_slab_caches_deinit(&c);
	}
	kernel_close(&k);
}

/* A partial list that loops: that cache is not counted, the other is. */
TEST(looping_partial_list_spoils_only_its_cache)
{
	build();
	build_slabs();
	slabs[1].slab_list.next = &slabs[0].slab_list;
	struct kernel k;
	if (!open_self(&k))
		return;
	struct kernel_slab_caches c;
	take_error(kernel_read_slab_caches(&k, &c));
	CHECK(err_code == 0);
	if (!err_code) {
		CHECK(c.nr == 2 && !c.caches[0].counted && c.caches[1].counted);
		CHECK(c.nr_warnings == 1 &&
		      strstr(c.warnings[0], "slab cache kmalloc-64") &&
		      strstr(c.warnings[0], "list loops back"));
		kernel_slab_caches_deinit(&c);
	}
	kernel_close(&k);
}

int main(int argc, char **argv)
{
	(void)argc;
	self_path = argv[0];
	char cache[] = "/tmp/lkdb-meminfo-test.XXXXXX";
	if (!mkdtemp(cache))
		return 99;
	setenv("XDG_CACHE_HOME", cache, 1);
	RUN(figures_are_computed_as_proc_meminfo_computes_them);
	RUN(overcommit_kbytes_and_negative_counters);
	RUN(looping_block_device_list_is_bounded);
	RUN(unreadable_inode_names_it);
	RUN(damaged_hstate_count_drops_huge_and_commit);
	RUN(slab_caches_counted_as_proc_slabinfo_counts_them);
	RUN(looping_partial_list_spoils_only_its_cache);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", cache);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", cache);
	return tap_done();
}
