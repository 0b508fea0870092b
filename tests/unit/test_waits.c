// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/tasks/waits.c over fake memory: two tasks
 * in an ABBA mutex deadlock (each one's mutex_waiter on its own stack,
 * linked into the other's mutex), a task waiting for a completion
 * (swait_queue), an rwsem held by readers; then damage: a wait list of
 * waiters only (no head: it must end, nothing found), one with two nodes
 * that are no waiters (which is the head? none named), a waiter whose list
 * points at unmapped memory, a stack size out of range, a stack at the
 * very end of memory (read within it) and one past it (an error; both
 * were once a read past the buffer and a search of the whole address
 * space).  A folio's lock (the wait_page_queue on the stack names the
 * folio), an rt_mutex (through pi_blocked_on), and a wait queue's entries
 * as waitq lists them, a list that loops and a head that cannot be read.
 * And the blocking functions' kinds by name.  With LKDB_FUZZ_SEED_DIR
 * each fake kernel is saved as a seed of tests/fuzz/fuzz_waits.c.
 */
#include <inttypes.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/tasks/waits.h"
#include "tap.h"
#include "walker_input.h"

static const char table[] =
	"task_struct 0 4096\n"
	"task_struct.stack 16 8\n"
	"task_struct.pi_blocked_on 24 8\n"
	"mutex 0 32\n"
	"mutex.owner 0 8\n"
	"mutex.wait_list 16 16\n"
	"mutex_waiter 0 32\n"
	"mutex_waiter.list 0 16\n"
	"mutex_waiter.task 16 8\n"
	"rw_semaphore 0 40\n"
	"rw_semaphore.owner 8 8\n"
	"rw_semaphore.wait_list 24 16\n"
	"rwsem_waiter 0 40\n"
	"rwsem_waiter.list 0 16\n"
	"rwsem_waiter.task 16 8\n"
	"swait_queue 0 24\n"
	"swait_queue.task 0 8\n"
	"swait_queue.task_list 8 16\n"
	"completion 0 32\n"
	"completion.wait.task_list 8 16\n"
	"wait_queue_head 0 24\n"
	"wait_queue_head.head 8 16\n"
	"wait_queue_entry 0 40\n"
	"wait_queue_entry.flags 0 4\n"
	"wait_queue_entry.private 8 8\n"
	"wait_queue_entry.func 16 8\n"
	"wait_queue_entry.entry 24 16\n"
	"wait_page_queue 0 56\n"
	"wait_page_queue.folio 0 8\n"
	"wait_page_queue.bit_nr 8 4\n"
	"wait_page_queue.wait 16 40\n"
	"rt_mutex_waiter 0 64\n"
	"rt_mutex_waiter.lock 40 8\n"
	"rt_mutex_base 0 32\n"
	"rt_mutex_base.owner 24 8\n";

#define STACK_SIZE 0x4000ULL
#define T(n) (0xffff888000100000ULL + (n) * 0x1000)	/* task_structs */
#define S(n) (0xffffc90000000000ULL + (n) * 0x8000)	/* their stacks */
#define DATA 0xffffffffc0001000ULL			/* locks */
#define MA (DATA + 0x00)
#define MB (DATA + 0x40)
#define COMP (DATA + 0x80)
#define RWSEM (DATA + 0xc0)
#define WQ (DATA + 0x140)		/* a wait_queue_head */
#define RTM (DATA + 0x180)		/* an rt_mutex_base */
#define OTHER_ENTRY (S(2) + 0x400)	/* T2's wait_queue_entry */
#define FOLIO 0xffffea0000123440ULL
#define WAKE_FUNC 0xffffffff81234560ULL	/* a wait entry's func */
#define POLL_FUNC 0xffffffff81234980ULL
#define WAITER(n) (S(n) + 0x200)	/* each task's waiter */
#define SP(n) (S(n) + 0x100)		/* and its saved stack pointer */

static struct fake_memory m;
static struct kernel k;

static void task(int n)
{
	put(map(&m, T(n), 4096) + 16, S(n), 8);
	map(&m, S(n), STACK_SIZE);
}

/* Waiter w (list at +0, task at +16) alone on the list head at head. */
static void link_alone(uint64_t w, uint64_t head, uint64_t t)
{
	put(at(&m, w), head, 8);
	put(at(&m, w + 8), head, 8);
	put(at(&m, w + 16), t, 8);
	put(at(&m, head), w, 8);
	put(at(&m, head + 8), w, 8);
}

static void build(void)
{
	unmap_all(&m);
	for (int n = 1; n <= 6; n++)
		task(n);
	map(&m, DATA, 0x1000);
	/* T1 holds A and waits for B; T2 holds B (a flag bit set) and waits for A. */
	put(at(&m, MA), T(1), 8);
	put(at(&m, MB), T(2) | 1, 8);
	link_alone(WAITER(1), MB + 16, T(1));
	link_alone(WAITER(2), MA + 16, T(2));
	/* T3 waits for a completion: struct swait_queue {task, task_list}. */
	put(at(&m, WAITER(3)), T(3), 8);
	put(at(&m, WAITER(3) + 8), COMP + 8, 8);
	put(at(&m, WAITER(3) + 16), COMP + 8, 8);
	put(at(&m, COMP + 8), WAITER(3) + 8, 8);
	put(at(&m, COMP + 16), WAITER(3) + 8, 8);
	/* T4 wants the rwsem, which readers hold (RWSEM_READER_OWNED, T1 last). */
	put(at(&m, RWSEM + 8), T(1) | 1, 8);
	link_alone(WAITER(4), RWSEM + 24, T(4));
	/*
	 * T5 waits for a folio's lock: a wait_page_queue {folio, bit_nr,
	 * wait} on its stack, wait (private T5, func, entry) on the queue WQ
	 * after T2's entry (on its own stack: a waiter too).
	 */
	uint64_t wpq = WAITER(5), e5 = wpq + 16 + 24;
	put(at(&m, wpq), FOLIO, 8);
	put(at(&m, wpq + 16 + 8), T(5), 8);
	put(at(&m, wpq + 16 + 16), WAKE_FUNC, 8);
	put(at(&m, OTHER_ENTRY + 8), T(2), 8);
	put(at(&m, OTHER_ENTRY + 16), POLL_FUNC, 8);
	put(at(&m, WQ + 8), OTHER_ENTRY + 24, 8);
	put(at(&m, OTHER_ENTRY + 24), e5, 8);
	put(at(&m, e5), WQ + 8, 8);
	put(at(&m, WQ + 16), e5, 8);
	put(at(&m, e5 + 8), OTHER_ENTRY + 24, 8);
	put(at(&m, OTHER_ENTRY + 32), WQ + 8, 8);
	/* T6 blocks on an rt_mutex that T1 owns (RT_MUTEX_HAS_WAITERS set). */
	put(at(&m, T(6) + 24), WAITER(6), 8);
	put(at(&m, WAITER(6) + 40), RTM, 8);
	put(at(&m, RTM + 24), T(1) | 1, 8);
}

/* With LKDB_FUZZ_SEED_DIR: the fake kernel as a seed of fuzz_waits. */
static void save_seed(int n, enum kernel_wait_kind kind)
{
	uint64_t values[WALKER_WAITS_VALUES] = {
		[WALKER_WAITS_TASK] = T(n), [WALKER_WAITS_STACK] = S(n),
		[WALKER_WAITS_STACK_SIZE] = STACK_SIZE,
		[WALKER_WAITS_SP] = SP(n), [WALKER_WAITS_KIND] = kind,
		[WALKER_WAITS_QUEUE] = WQ,
	};
	if (!walker_seed_save(tap_current_name, 0, table, values,
			      WALKER_WAITS_VALUES, &m))
		printf("# cannot save a fuzz seed\n");
}

static struct kernel_wait wait_of(int n, enum kernel_wait_kind kind)
{
	struct kernel_wait w;
	save_seed(n, kind);
	take_error(kernel_read_wait_on_stack(&k, T(n), S(n), STACK_SIZE, SP(n),
					     kind, &w));
	return w;
}

TEST(abba_mutexes_each_waiter_found_with_its_lock_and_owner)
{
	build();
	struct kernel_wait a = wait_of(1, KERNEL_WAIT_MUTEX);
	CHECK(err_code == 0);
	CHECK(a.object == MB && a.owner == T(2) && !a.readers);
	struct kernel_wait b = wait_of(2, KERNEL_WAIT_MUTEX);
	CHECK(b.object == MA && b.owner == T(1));
}

TEST(completion_found_without_an_owner)
{
	build();
	struct kernel_wait c = wait_of(3, KERNEL_WAIT_COMPLETION);
	CHECK(err_code == 0);
	CHECK(c.object == COMP && c.owner == 0);
	/* The same stack asked for a mutex: no mutex_waiter there. */
	struct kernel_wait none = wait_of(3, KERNEL_WAIT_MUTEX);
	CHECK(err_code == 0 && none.object == 0);
}

TEST(rwsem_held_by_readers_names_the_last_one)
{
	build();
	struct kernel_wait r = wait_of(4, KERNEL_WAIT_RWSEM_WRITE);
	CHECK(err_code == 0);
	CHECK(r.object == RWSEM && r.readers && r.owner == T(1));
}

TEST(a_list_of_waiters_only_ends_and_finds_nothing)
{
	build();
	/* T1's and T2's waiters on one ring with no head: each other's. */
	put(at(&m, WAITER(1)), WAITER(2), 8);
	put(at(&m, WAITER(1) + 8), WAITER(2), 8);
	put(at(&m, WAITER(2)), WAITER(1), 8);
	put(at(&m, WAITER(2) + 8), WAITER(1), 8);
	struct kernel_wait w = wait_of(1, KERNEL_WAIT_MUTEX);
	CHECK(err_code == 0 && w.object == 0);
}

TEST(a_ring_with_two_nodes_that_are_no_waiters_names_no_object)
{
	build();
	/* B's wait list: head, T1's waiter, a foreign entry (as epoll's). */
	uint64_t other = DATA + 0x200;
	put(at(&m, WAITER(1)), other, 8);
	put(at(&m, other + 8), WAITER(1), 8);
	put(at(&m, other), MB + 16, 8);
	put(at(&m, MB + 16 + 8), other, 8);
	struct kernel_wait w = wait_of(1, KERNEL_WAIT_MUTEX);
	CHECK(err_code == 0 && w.object == 0);
}

TEST(a_waiter_pointing_at_unmapped_memory_is_no_waiter)
{
	build();
	put(at(&m, WAITER(1)), 0xdead000000000100ULL, 8);
	put(at(&m, WAITER(1) + 8), 0xdead000000000122ULL, 8);
	struct kernel_wait w = wait_of(1, KERNEL_WAIT_MUTEX);
	CHECK(err_code == 0 && w.object == 0);
}

TEST(a_stack_size_out_of_range_is_an_error)
{
	build();
	struct kernel_wait w;
	take_error(kernel_read_wait_on_stack(&k, T(1), S(1), 0, SP(1),
					     KERNEL_WAIT_MUTEX, &w));
	CHECK(err_code == LKDB_ERROR_INVALID);
	take_error(kernel_read_wait_on_stack(&k, T(1), S(1), 1ULL << 40, SP(1),
					     KERNEL_WAIT_MUTEX, &w));
	CHECK(err_code == LKDB_ERROR_INVALID);
}

TEST(a_stack_at_the_end_of_memory_is_read_within_it_one_past_is_an_error)
{
	build();
	/* [stack, stack + 8) ends at the address space's last byte. */
	uint64_t top = UINT64_MAX - 8;
	memset(map(&m, top, 9), 0x11, 9);
	uint64_t values[WALKER_WAITS_VALUES] = {
		[WALKER_WAITS_TASK] = T(1), [WALKER_WAITS_STACK] = top,
		[WALKER_WAITS_STACK_SIZE] = 8, [WALKER_WAITS_KIND] = KERNEL_WAIT_MUTEX,
		[WALKER_WAITS_QUEUE] = WQ,
	};
	walker_seed_save(tap_current_name, 0, table, values, WALKER_WAITS_VALUES,
			 &m);
	struct kernel_wait w;
	take_error(kernel_read_wait_on_stack(&k, T(1), top, 8, 0,
					     KERNEL_WAIT_MUTEX, &w));
	CHECK(err_code == 0 && w.object == 0);
	/* A stack whose end wraps around to address 0. */
	values[WALKER_WAITS_STACK] = top + 1;
	values[WALKER_WAITS_STACK_SIZE] = STACK_SIZE;
	walker_seed_save(tap_current_name, 0, table, values, WALKER_WAITS_VALUES,
			 &m);
	take_error(kernel_read_wait_on_stack(&k, T(1), top + 1, STACK_SIZE, 0,
					     KERNEL_WAIT_MUTEX, &w));
	CHECK(err_code == LKDB_ERROR_INVALID && w.object == 0 &&
	      strstr(err_message, "past the end of memory"));
}

TEST(folio_lock_names_the_folio)
{
	build();
	struct kernel_wait f = wait_of(5, KERNEL_WAIT_FOLIO);
	CHECK(err_code == 0);
	CHECK(f.kind == KERNEL_WAIT_FOLIO && f.object == FOLIO && f.owner == 0);
}

TEST(rt_mutex_found_through_pi_blocked_on_with_its_owner)
{
	build();
	struct kernel_wait r = wait_of(6, KERNEL_WAIT_RT_MUTEX);
	CHECK(err_code == 0);
	CHECK(r.object == RTM && r.owner == T(1) && !r.readers);
	/* Not blocked on one: nothing. */
	struct kernel_wait none = wait_of(2, KERNEL_WAIT_RT_MUTEX);
	CHECK(err_code == 0 && none.object == 0);
}

static struct kernel_waitqueue queue_of(uint64_t head)
{
	struct kernel_waitqueue q;
	save_seed(5, KERNEL_WAIT_QUEUE);
	take_error(kernel_read_waitqueue(&k, head, &q));
	return q;
}

TEST(wait_queue_entries_in_list_order)
{
	build();
	struct kernel_waitqueue q = queue_of(WQ);
	CHECK(err_code == 0 && q.nr == 2 && q.nr_warnings == 0);
	if (q.nr == 2) {
		CHECK(q.entries[0].entry == OTHER_ENTRY &&
		      q.entries[0].private == T(2) &&
		      q.entries[0].func == POLL_FUNC);
		CHECK(q.entries[1].entry == WAITER(5) + 16 &&
		      q.entries[1].private == T(5) &&
		      q.entries[1].func == WAKE_FUNC);
	}
	kernel_waitqueue_deinit(&q);
	/* An empty queue: its head points at itself. */
	put(at(&m, WQ + 8), WQ + 8, 8);
	put(at(&m, WQ + 16), WQ + 8, 8);
	q = queue_of(WQ);
	CHECK(err_code == 0 && q.nr == 0 && q.nr_warnings == 0);
	kernel_waitqueue_deinit(&q);
}

TEST(a_wait_queue_that_loops_ends_with_a_warning_and_keeps_its_entries)
{
	build();
	/* The second entry leads back to the first, never to the head. */
	put(at(&m, WAITER(5) + 16 + 24), OTHER_ENTRY + 24, 8);
	struct kernel_waitqueue q = queue_of(WQ);
	CHECK(err_code == 0 && q.nr == 2 && q.nr_warnings == 1);
	if (q.nr_warnings == 1) {
		printf("# %s\n", q.warnings[0]);
		CHECK(strstr(q.warnings[0], "loops") &&
		      !strchr(q.warnings[0], '\n'));
	}
	kernel_waitqueue_deinit(&q);
	/* An entry pointing at unmapped memory: kept up to there. */
	build();
	put(at(&m, WAITER(5) + 16 + 24), 0xdead000000000100ULL, 8);
	q = queue_of(WQ);
	CHECK(err_code == 0 && q.nr == 2 && q.nr_warnings == 1);
	kernel_waitqueue_deinit(&q);
}

TEST(a_wait_queue_head_that_cannot_be_read_is_an_error)
{
	build();
	struct kernel_waitqueue q = queue_of(0xffff888077700000ULL);
	CHECK(err_code == LKDB_ERROR_FAULT && q.nr == 0 && !q.entries);
	CHECK(!strchr(err_message, '\n'));
	kernel_waitqueue_deinit(&q);
}

TEST(blocking_functions_by_name)
{
	CHECK(kernel_wait_kind_of("__mutex_lock.constprop.0") == KERNEL_WAIT_MUTEX);
	CHECK(kernel_wait_kind_of("rwsem_down_read_slowpath") == KERNEL_WAIT_RWSEM_READ);
	CHECK(kernel_wait_kind_of("down_write") == KERNEL_WAIT_RWSEM_WRITE);
	CHECK(kernel_wait_kind_of("__wait_for_common") == KERNEL_WAIT_COMPLETION);
	CHECK(kernel_wait_kind_of("folio_wait_bit_common") == KERNEL_WAIT_FOLIO);
	CHECK(kernel_wait_kind_of("msleep") == KERNEL_WAIT_SLEEP);
	CHECK(kernel_wait_kind_of("mutex_lock_interruptible_x") == KERNEL_WAIT_NONE);
	CHECK(kernel_wait_kind_of("schedule") == KERNEL_WAIT_NONE);
	CHECK(kernel_wait_is_scheduler("schedule") && kernel_wait_is_scheduler("__schedule"));
	CHECK(!kernel_wait_is_scheduler("schedule_tail_x"));
}

int main(void)
{
	k.arch = &kernel_arch_x86_64;
	take_error(ktypes_create_from_table(table, &k.types));
	if (err_code) {
		printf("Bail out! the type table\n");
		return 1;
	}
	k.memory = (struct kernel_memory_reader){ &m, fake_read, NULL };
	RUN(abba_mutexes_each_waiter_found_with_its_lock_and_owner);
	RUN(completion_found_without_an_owner);
	RUN(rwsem_held_by_readers_names_the_last_one);
	RUN(a_list_of_waiters_only_ends_and_finds_nothing);
	RUN(a_ring_with_two_nodes_that_are_no_waiters_names_no_object);
	RUN(a_waiter_pointing_at_unmapped_memory_is_no_waiter);
	RUN(a_stack_size_out_of_range_is_an_error);
	RUN(a_stack_at_the_end_of_memory_is_read_within_it_one_past_is_an_error);
	RUN(folio_lock_names_the_folio);
	RUN(rt_mutex_found_through_pi_blocked_on_with_its_owner);
	RUN(wait_queue_entries_in_list_order);
	RUN(a_wait_queue_that_loops_ends_with_a_warning_and_keeps_its_entries);
	RUN(a_wait_queue_head_that_cannot_be_read_is_an_error);
	RUN(blocking_functions_by_name);
	int status = tap_done();
	unmap_all(&m);
	ktypes_destroy(k.types);
	return status;
}
