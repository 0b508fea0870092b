// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/tasks/timers.c over a fake kernel: the
 * stand-in vmlinux timers-fixture (argv[1]) gives the symbols (jiffies,
 * timer_bases, hrtimer_bases, the per-CPU ones, all absolute), fake memory
 * the rest.  Two CPUs, each with its timer_bases (BASE_STD and BASE_DEF;
 * BASE_LOCAL, BASE_GLOBAL and BASE_DEF when the variable holds three, as
 * 6.9+) with timer_lists in wheel buckets, and its hrtimer_bases with
 * four clock bases, each an rbtree of hrtimers: every timer found with
 * its expiry and function, in the order read (wheel) or expiry order
 * (hrtimers), KASLR moving the variables but not the per-CPU offsets.
 * Then damage: a bucket that loops and a timer in two buckets, an
 * unmapped timer, an unreadable base, a bucket of more than
 * KERNEL_TIMERS_MAX timers, an hrtimer tree with a cycle, an unmapped
 * hrtimer, a clock base of more than KERNEL_TIMERS_MAX hrtimers (which
 * once were all kept, past timers.h's bound), each one warning line,
 * the rest kept; a kernel whose CPUs or jiffies cannot be read, one error,
 * and so is a layout with a timer_base or clock base of 0 bytes (once a
 * division by zero).
 * With LKDB_FUZZ_SEED_DIR each fake kernel is saved as a seed of
 * tests/fuzz/fuzz_timers.c.
 */
#include <inttypes.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/tasks/timers.h"
#include "tap.h"
#include "walker_input.h"

/* %u: the size of the variable timer_bases (its number of bases). */
static const char table_format[] =
	"timer_base 0 576\n"
	"timer_base.vectors 64 512\n"
	"var:timer_bases 0 %u\n"
	"timer_list 0 40\n"
	"timer_list.entry 0 16\n"
	"timer_list.expires 16 8\n"
	"timer_list.function 24 8\n"
	"hrtimer_cpu_base 0 320\n"
	"hrtimer_cpu_base.clock_base 64 256\n"
	"hrtimer_clock_base 0 64\n"
	"hrtimer_clock_base.active 24 16\n"
	"hrtimer_clock_base.get_time 40 8\n"
	"hrtimer_clock_base.offset 48 8\n"
	"timerqueue_head.rb_root.rb_root.rb_node 0 8\n"
	"timerqueue_node.node 0 24\n"
	"hrtimer 0 64\n"
	"hrtimer.node 0 32\n"
	"hrtimer.node.expires 24 8\n"
	"hrtimer._softexpires 32 8\n"
	"hrtimer.function 40 8\n"
	"rb_node 0 24\n"
	"rb_node.rb_right 8 8\n"
	"rb_node.rb_left 16 8\n";

#define BASE_SIZE 576ULL
#define CLOCK_SIZE 64ULL
#define NR_CLOCKS 4
#define PCPU0 0xffff88807fa00000ULL
#define PCPU1 0xffff88807fc00000ULL
#define TL(n) (0xffff888004000000ULL + (n) * 0x40ULL)	/* timer_lists */
#define HR(n) (0xffff888005000000ULL + (n) * 0x40ULL)	/* hrtimers */
#define FN(n) (0xffffffff81000000ULL + (n) * 0x100ULL)	/* their functions */
#define GET_TIME(i) (0xffffffff81200000ULL + (i) * 0x10ULL)
#define JIFFIES 4294937296ULL
#define REALTIME_OFFSET 1700000000000000000LL
#define UNMAPPED 0xffff888099000000ULL
#define HUGE 0xffff888040000000ULL	/* a big region of timers */

static struct fake_memory m;
static struct kernel k;
static char table[2048];
/* The fixture's symbols. */
static uint64_t sym_jiffies, sym_offsets, sym_nr_cpu_ids, sym_possible,
	sym_online, sym_timer_bases, sym_hrtimer_bases;

static uint64_t pcpu(int cpu)
{
	return cpu ? PCPU1 : PCPU0;
}

/* The timer_base index i of cpu, and its bucket j. */
static uint64_t wheel_base(int cpu, unsigned int i)
{
	return pcpu(cpu) + sym_timer_bases + i * BASE_SIZE;
}

static uint64_t clock_base(int cpu, unsigned int i)
{
	return pcpu(cpu) + sym_hrtimer_bases + 64 + i * CLOCK_SIZE;
}

static void bucket(int cpu, unsigned int base, unsigned int j, uint64_t node)
{
	put(at(&m, wheel_base(cpu, base) + 64 + 8 * j), node, 8);
}

/* timer_list n, followed in its bucket by next (its entry at 0). */
static void timer(unsigned int n, uint64_t next)
{
	put(at(&m, TL(n)), next, 8);
	put(at(&m, TL(n) + 16), JIFFIES + n * 100, 8);
	put(at(&m, TL(n) + 24), FN(n), 8);
}

/* hrtimer n with its rb_node's children. */
static void hrtimer(unsigned int n, uint64_t left, uint64_t right)
{
	put(at(&m, HR(n) + 8), right, 8);
	put(at(&m, HR(n) + 16), left, 8);
	put(at(&m, HR(n) + 24), n * 1000000ULL, 8);
	put(at(&m, HR(n) + 32), n * 1000000ULL - 50000, 8);
	put(at(&m, HR(n) + 40), FN(0x40 + n), 8);
}

/*
 * Two CPUs with nr_bases wheel bases each.  CPU 0: base 0's bucket 3
 * TL1 then TL2, its bucket 10 TL3, base 1's bucket 0 TL4; CPU 1: base
 * 1's bucket 63 TL5 (base 0 empty).  hrtimers: CPU 0's clock 0 a tree of
 * HR2 (HR1 left, HR3 right), its clock 1 HR4 (with the realtime offset);
 * CPU 1's clock 0 HR5.  The variables moved by kaslr.
 */
static void build(unsigned int nr_bases, uint64_t kaslr)
{
	unmap_all(&m);
	snprintf(table, sizeof(table), table_format,
		 (unsigned int)(nr_bases * BASE_SIZE));
	ktypes_destroy(k.types);
	k.types = NULL;
	take_error(ktypes_create_from_table(table, &k.types));
	k.kaslr_offset = kaslr;
	put(map(&m, sym_jiffies + kaslr, 8), JIFFIES, 8);
	unsigned char *o = map(&m, sym_offsets + kaslr, 16);
	put(o, PCPU0, 8);
	put(o + 8, PCPU1, 8);
	put(map(&m, sym_nr_cpu_ids + kaslr, 4), 2, 4);
	put(map(&m, sym_possible + kaslr, 8), 3, 8);
	put(map(&m, sym_online + kaslr, 8), 3, 8);
	for (int cpu = 0; cpu < 2; cpu++) {
		map(&m, pcpu(cpu) + sym_timer_bases, 3 * BASE_SIZE);
		map(&m, pcpu(cpu) + sym_hrtimer_bases, 320);
		for (unsigned int i = 0; i < NR_CLOCKS; i++)
			put(at(&m, clock_base(cpu, i) + 40), GET_TIME(i), 8);
	}
	map(&m, TL(0), 0x1000);
	map(&m, HR(0), 0x1000);
	bucket(0, 0, 3, TL(1));
	timer(1, TL(2));
	timer(2, 0);
	bucket(0, 0, 10, TL(3));
	timer(3, 0);
	bucket(0, 1, 0, TL(4));
	timer(4, 0);
	bucket(1, 1, 63, TL(5));
	timer(5, 0);
	put(at(&m, clock_base(0, 0) + 24), HR(2), 8);
	hrtimer(2, HR(1), HR(3));
	hrtimer(1, 0, 0);
	hrtimer(3, 0, 0);
	put(at(&m, clock_base(0, 1) + 24), HR(4), 8);
	put(at(&m, clock_base(0, 1) + 48), (uint64_t)REALTIME_OFFSET, 8);
	hrtimer(4, 0, 0);
	put(at(&m, clock_base(1, 0) + 24), HR(5), 8);
	hrtimer(5, 0, 0);
}

/* With LKDB_FUZZ_SEED_DIR: the fake kernel as a seed of fuzz_timers. */
static void save_seed(void)
{
	uint64_t values[WALKER_TIMERS_VALUES] = {
		[WALKER_TIMERS_KASLR] = k.kaslr_offset,
	};
	if (!walker_seed_save(tap_current_name, 0, table, values,
			      WALKER_TIMERS_VALUES, &m))
		printf("# cannot save a fuzz seed\n");
}

static void wheel(struct kernel_timers *t, bool seed)
{
	if (seed)
		save_seed();
	take_error(kernel_read_timer_wheel(&k, t));
}

static void hrtimers(struct kernel_timers *t, bool seed)
{
	if (seed)
		save_seed();
	take_error(kernel_read_hrtimers(&k, t));
}

static void show_warnings(const struct kernel_timers *t)
{
	for (size_t i = 0; i < t->nr_warnings; i++)
		printf("# %s\n", t->warnings[i]);
}

/* Base b is of cpu, index i, at addr, with exactly the timers listed. */
static bool base_is(const struct kernel_timers *t, size_t b, unsigned int cpu,
		    unsigned int i, uint64_t addr, const char *name,
		    size_t nr, const uint64_t *timers)
{
	if (b >= t->nr)
		return false;
	const struct kernel_timer_base *x = &t->bases[b];
	if (x->cpu != cpu || x->index != i || x->addr != addr || x->nr != nr ||
	    (name ? !x->name || strcmp(x->name, name) : x->name != NULL))
		return false;
	for (size_t j = 0; j < nr; j++)
		if (x->timers[j].addr != timers[j] || x->timers[j].seq != j)
			return false;
	return true;
}

TEST(wheel_buckets_of_every_cpu_and_base_as_read)
{
	struct kernel_timers t;
	build(2, 0);
	wheel(&t, true);
	CHECK(err_code == 0 && t.nr_warnings == 0 && t.jiffies == JIFFIES);
	CHECK(t.nr == 4);
	uint64_t std0[] = { TL(1), TL(2), TL(3) }, def0[] = { TL(4) },
		 def1[] = { TL(5) };
	CHECK(base_is(&t, 0, 0, 0, wheel_base(0, 0), "BASE_STD", 3, std0));
	CHECK(base_is(&t, 1, 0, 1, wheel_base(0, 1), "BASE_DEF", 1, def0));
	CHECK(base_is(&t, 2, 1, 0, wheel_base(1, 0), "BASE_STD", 0, NULL));
	CHECK(base_is(&t, 3, 1, 1, wheel_base(1, 1), "BASE_DEF", 1, def1));
	if (t.nr == 4 && t.bases[0].nr == 3) {
		const struct kernel_timer *x = t.bases[0].timers;
		CHECK(x[0].expires == JIFFIES + 100 && x[0].function == FN(1));
		CHECK(x[1].expires == JIFFIES + 200 && x[1].function == FN(2));
		CHECK(x[2].expires == JIFFIES + 300 && x[2].function == FN(3));
		CHECK(t.bases[3].timers[0].expires == JIFFIES + 500 &&
		      t.bases[3].timers[0].function == FN(5));
	}
	kernel_timers_deinit(&t);
}

TEST(three_bases_are_named_as_6_9_names_them)
{
	struct kernel_timers t;
	build(3, 0);
	bucket(0, 2, 5, TL(6));
	timer(6, 0);
	wheel(&t, true);
	CHECK(err_code == 0 && t.nr_warnings == 0 && t.nr == 6);
	uint64_t local0[] = { TL(1), TL(2), TL(3) }, global0[] = { TL(4) },
		 def0[] = { TL(6) }, global1[] = { TL(5) };
	CHECK(base_is(&t, 0, 0, 0, wheel_base(0, 0), "BASE_LOCAL", 3, local0));
	CHECK(base_is(&t, 1, 0, 1, wheel_base(0, 1), "BASE_GLOBAL", 1, global0));
	CHECK(base_is(&t, 2, 0, 2, wheel_base(0, 2), "BASE_DEF", 1, def0));
	CHECK(base_is(&t, 4, 1, 1, wheel_base(1, 1), "BASE_GLOBAL", 1, global1));
	kernel_timers_deinit(&t);
}

TEST(kaslr_moves_the_variables_not_the_per_cpu_offsets)
{
	struct kernel_timers t;
	build(2, 0x1e000000);
	wheel(&t, true);
	CHECK(err_code == 0 && t.nr == 4 && t.jiffies == JIFFIES &&
	      t.nr_warnings == 0);
	CHECK(t.nr == 4 && t.bases[0].addr == wheel_base(0, 0) &&
	      t.bases[0].nr == 3);
	kernel_timers_deinit(&t);
	hrtimers(&t, false);
	CHECK(err_code == 0 && t.nr == 2 * NR_CLOCKS && t.nr_warnings == 0);
	kernel_timers_deinit(&t);
}

TEST(hrtimers_of_every_clock_base_in_expiry_order)
{
	struct kernel_timers t;
	build(2, 0);
	hrtimers(&t, true);
	CHECK(err_code == 0 && t.nr_warnings == 0 && t.jiffies == JIFFIES);
	CHECK(t.nr == 2 * NR_CLOCKS);
	uint64_t c0[] = { HR(1), HR(2), HR(3) }, c1[] = { HR(4) },
		 c10[] = { HR(5) };
	CHECK(base_is(&t, 0, 0, 0, clock_base(0, 0), NULL, 3, c0));
	CHECK(base_is(&t, 1, 0, 1, clock_base(0, 1), NULL, 1, c1));
	CHECK(base_is(&t, 2, 0, 2, clock_base(0, 2), NULL, 0, NULL));
	CHECK(base_is(&t, 3, 0, 3, clock_base(0, 3), NULL, 0, NULL));
	CHECK(base_is(&t, 4, 1, 0, clock_base(1, 0), NULL, 1, c10));
	if (t.nr == 2 * NR_CLOCKS && t.bases[0].nr == 3) {
		for (unsigned int i = 0; i < NR_CLOCKS; i++)
			CHECK(t.bases[i].get_time == GET_TIME(i));
		const struct kernel_timer *x = t.bases[0].timers;
		CHECK(x[0].expires == 1000000 && x[0].softexpires == 950000 &&
		      x[0].function == FN(0x41));
		CHECK(x[1].expires == 2000000 && x[2].expires == 3000000 &&
		      x[2].function == FN(0x43));
		CHECK(t.bases[0].offset == 0 &&
		      t.bases[1].offset == REALTIME_OFFSET);
	}
	kernel_timers_deinit(&t);
	uint64_t base;
	take_error(kernel_hrtimer_cpu_base(&k, 1, &base));
	CHECK(err_code == 0 && base == PCPU1 + sym_hrtimer_bases);
	take_error(kernel_hrtimer_cpu_base(&k, 2, &base));
	CHECK(err_code == LKDB_ERROR_INVALID);
}

TEST(a_bucket_that_loops_and_a_timer_in_two_buckets_are_warnings)
{
	struct kernel_timers t;
	build(2, 0);
	timer(2, TL(1));		/* bucket 3: TL1, TL2, TL1 ... */
	bucket(0, 0, 11, TL(3));	/* TL3 in buckets 10 and 11 */
	wheel(&t, true);
	show_warnings(&t);
	CHECK(err_code == 0 && t.nr == 4 && t.nr_warnings == 2);
	uint64_t std0[] = { TL(1), TL(2), TL(3) };
	CHECK(base_is(&t, 0, 0, 0, wheel_base(0, 0), "BASE_STD", 3, std0));
	for (size_t i = 0; i < t.nr_warnings; i++)
		CHECK(strstr(t.warnings[i], "seen twice") &&
		      !strchr(t.warnings[i], '\n'));
	kernel_timers_deinit(&t);
}

TEST(an_unmapped_timer_and_an_unreadable_base_are_warnings)
{
	struct kernel_timers t;
	build(2, 0);
	bucket(0, 0, 10, UNMAPPED);
	put(at(&m, sym_offsets + 8), UNMAPPED, 8);	/* CPU 1's area */
	wheel(&t, true);
	show_warnings(&t);
	CHECK(err_code == 0 && t.nr == 4 && t.nr_warnings == 3);
	uint64_t std0[] = { TL(1), TL(2) }, def0[] = { TL(4) };
	CHECK(base_is(&t, 0, 0, 0, wheel_base(0, 0), "BASE_STD", 2, std0));
	CHECK(base_is(&t, 1, 0, 1, wheel_base(0, 1), "BASE_DEF", 1, def0));
	CHECK(t.nr == 4 && t.bases[2].nr == 0 && t.bases[3].nr == 0);
	if (t.nr_warnings == 3)
		CHECK(strstr(t.warnings[0], "timer_list 0xffff888099000000") &&
		      strstr(t.warnings[1], "timer_base") &&
		      strstr(t.warnings[2], "timer_base"));
	kernel_timers_deinit(&t);
}

TEST(a_bucket_of_too_many_timers_stops_at_the_bound)
{
	struct kernel_timers t;
	build(2, 0);
	/* KERNEL_TIMERS_MAX + 1 timer_lists of 40 bytes in one bucket. */
	size_t n = KERNEL_TIMERS_MAX + 1;
	unsigned char *p = map(&m, HUGE, n * 40);
	for (size_t i = 0; i + 1 < n; i++)
		put(p + i * 40, HUGE + (i + 1) * 40, 8);
	bucket(1, 0, 7, HUGE);
	wheel(&t, false);
	show_warnings(&t);
	CHECK(err_code == 0 && t.nr == 4 && t.nr_warnings == 1);
	CHECK(t.nr == 4 && t.bases[2].nr == KERNEL_TIMERS_MAX &&
	      t.bases[2].timers[KERNEL_TIMERS_MAX - 1].addr ==
		      HUGE + (KERNEL_TIMERS_MAX - 1) * 40ULL);
	if (t.nr_warnings == 1)
		CHECK(strstr(t.warnings[0], "too many timers"));
	kernel_timers_deinit(&t);
}

TEST(an_hrtimer_tree_with_a_cycle_or_an_unmapped_node_keeps_the_rest)
{
	struct kernel_timers t;
	build(2, 0);
	put(at(&m, HR(3) + 16), HR(2), 8);	/* HR3's left: the root */
	hrtimers(&t, true);
	show_warnings(&t);
	uint64_t c0[] = { HR(1), HR(2), HR(3) };
	CHECK(err_code == 0 && t.nr == 2 * NR_CLOCKS && t.nr_warnings == 1);
	CHECK(base_is(&t, 0, 0, 0, clock_base(0, 0), NULL, 3, c0));
	if (t.nr_warnings == 1)
		CHECK(strstr(t.warnings[0], "twice"));
	kernel_timers_deinit(&t);
	build(2, 0);
	put(at(&m, HR(2) + 8), UNMAPPED, 8);	/* HR2's right */
	hrtimers(&t, true);
	show_warnings(&t);
	CHECK(err_code == 0 && t.nr == 2 * NR_CLOCKS && t.nr_warnings == 1);
	CHECK(base_is(&t, 0, 0, 0, clock_base(0, 0), NULL, 2, c0));
	kernel_timers_deinit(&t);
}

/* A balanced tree of the n hrtimers from HUGE, 64 bytes each. */
static uint64_t balanced(size_t lo, size_t hi)
{
	if (lo >= hi)
		return 0;
	size_t mid = lo + (hi - lo) / 2;
	uint64_t node = HUGE + mid * 64;
	put(at(&m, node + 16), balanced(lo, mid), 8);
	put(at(&m, node + 8), balanced(mid + 1, hi), 8);
	put(at(&m, node + 24), mid, 8);
	return node;
}

TEST(a_clock_base_of_too_many_hrtimers_stops_at_the_bound)
{
	struct kernel_timers t;
	build(2, 0);
	size_t n = KERNEL_TIMERS_MAX + 1;
	map(&m, HUGE, n * 64);
	put(at(&m, clock_base(1, 2) + 24), balanced(0, n), 8);
	hrtimers(&t, false);
	show_warnings(&t);
	CHECK(err_code == 0 && t.nr == 2 * NR_CLOCKS && t.nr_warnings == 1);
	CHECK(t.nr == 2 * NR_CLOCKS &&
	      t.bases[NR_CLOCKS + 2].nr == KERNEL_TIMERS_MAX &&
	      t.bases[NR_CLOCKS + 2].timers[KERNEL_TIMERS_MAX - 1].expires ==
		      KERNEL_TIMERS_MAX - 1);
	if (t.nr_warnings == 1)
		CHECK(strstr(t.warnings[0], "too many timers"));
	kernel_timers_deinit(&t);
}

TEST(unreadable_cpus_or_jiffies_are_one_error)
{
	struct kernel_timers t;
	build(2, 0);
	put(at(&m, sym_nr_cpu_ids), 0, 4);
	wheel(&t, true);
	CHECK(err_code == LKDB_ERROR_INVALID && !t.bases && t.nr == 0 &&
	      !strchr(err_message, '\n'));
	hrtimers(&t, false);
	CHECK(err_code == LKDB_ERROR_INVALID && !t.bases && t.nr == 0);
	build(2, 0);
	put(at(&m, sym_jiffies), 0, 8);
	m.regions[0].addr = UNMAPPED;		/* jiffies' region moved away */
	wheel(&t, true);
	CHECK(err_code == LKDB_ERROR_FAULT && !t.bases &&
	      !strchr(err_message, '\n'));
	hrtimers(&t, false);
	CHECK(err_code == LKDB_ERROR_FAULT && !t.bases);
}

/* The table with line from replaced by to. */
static void replace_in_table(const char *from, const char *to)
{
	char copy[sizeof(table)];
	char *p = strstr(table, from);
	if (!p)
		return;
	snprintf(copy, sizeof(copy), "%.*s%s%s", (int)(p - table), table, to,
		 p + strlen(from));
	snprintf(table, sizeof(table), "%s", copy);
	ktypes_destroy(k.types);
	k.types = NULL;
	take_error(ktypes_create_from_table(table, &k.types));
}

TEST(bases_of_0_bytes_are_one_error)
{
	struct kernel_timers t;
	build(2, 0);
	replace_in_table("timer_base 0 576\n", "timer_base 0 0\n");
	wheel(&t, true);
	CHECK(err_code == LKDB_ERROR_INVALID && !t.bases &&
	      !strchr(err_message, '\n'));
	build(2, 0);
	replace_in_table("hrtimer_clock_base 0 64\n", "hrtimer_clock_base 0 0\n");
	hrtimers(&t, true);
	CHECK(err_code == LKDB_ERROR_INVALID && !t.bases &&
	      strstr(err_message, "clock_base"));
	/* More bases than any kernel has: the same error. */
	build(2, 0);
	replace_in_table("hrtimer_clock_base 0 64\n", "hrtimer_clock_base 0 8\n");
	hrtimers(&t, false);
	CHECK(err_code == LKDB_ERROR_INVALID && !t.bases);
}

static bool symbol(const char *name, uint64_t *ret)
{
	take_error(vmlinux_symbol(k.vmlinux, name, ret, NULL));
	return err_code == 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		printf("Bail out! usage: test-timers TIMERS-FIXTURE\n");
		return 1;
	}
	take_error(kernel_open(&k, argv[1], &kernel_arch_x86_64));
	if (err_code || !symbol("jiffies", &sym_jiffies) ||
	    !symbol("__per_cpu_offset", &sym_offsets) ||
	    !symbol("nr_cpu_ids", &sym_nr_cpu_ids) ||
	    !symbol("__cpu_possible_mask", &sym_possible) ||
	    !symbol("__cpu_online_mask", &sym_online) ||
	    !symbol("timer_bases", &sym_timer_bases) ||
	    !symbol("hrtimer_bases", &sym_hrtimer_bases)) {
		printf("Bail out! the stand-in vmlinux %s\n", argv[1]);
		return 1;
	}
	k.memory = (struct kernel_memory_reader){ &m, fake_read, NULL };
	RUN(wheel_buckets_of_every_cpu_and_base_as_read);
	RUN(three_bases_are_named_as_6_9_names_them);
	RUN(kaslr_moves_the_variables_not_the_per_cpu_offsets);
	RUN(hrtimers_of_every_clock_base_in_expiry_order);
	RUN(a_bucket_that_loops_and_a_timer_in_two_buckets_are_warnings);
	RUN(an_unmapped_timer_and_an_unreadable_base_are_warnings);
	RUN(a_bucket_of_too_many_timers_stops_at_the_bound);
	RUN(an_hrtimer_tree_with_a_cycle_or_an_unmapped_node_keeps_the_rest);
	RUN(a_clock_base_of_too_many_hrtimers_stops_at_the_bound);
	RUN(unreadable_cpus_or_jiffies_are_one_error);
	RUN(bases_of_0_bytes_are_one_error);
	int status = tap_done();
	unmap_all(&m);
	ktypes_destroy(k.types);
	k.types = NULL;
	kernel_close(&k);
	return status;
}
