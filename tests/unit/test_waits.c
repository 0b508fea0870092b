// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/tasks/waits.c over fake memory: two tasks
 * in an ABBA mutex deadlock (each one's mutex_waiter on its own stack,
 * linked into the other's mutex), a task waiting for a completion
 * (swait_queue), an rwsem held by readers; then damage: a wait list of
 * waiters only (no head: it must end, nothing found), one with two nodes
 * that are no waiters (which is the head? none named), a waiter whose list
 * points at unmapped memory, a stack size out of range.  And the blocking
 * functions' kinds by name.
 */
#include <inttypes.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/tasks/waits.h"
#include "tap.h"

static const char table[] =
	"task_struct 0 4096\n"
	"task_struct.stack 16 8\n"
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
	"completion.wait.task_list 8 16\n";

#define STACK_SIZE 0x4000ULL
#define T(n) (0xffff888000100000ULL + (n) * 0x1000)	/* task_structs */
#define S(n) (0xffffc90000000000ULL + (n) * 0x8000)	/* their stacks */
#define DATA 0xffffffffc0001000ULL			/* locks */
#define MA (DATA + 0x00)
#define MB (DATA + 0x40)
#define COMP (DATA + 0x80)
#define RWSEM (DATA + 0xc0)
#define WAITER(n) (S(n) + 0x3f00)	/* each task's waiter */
#define SP(n) (S(n) + 0x3e00)		/* and its saved stack pointer */

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
	for (int n = 1; n <= 4; n++)
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
}

static struct kernel_wait wait_of(int n, enum kernel_wait_kind kind)
{
	struct kernel_wait w;
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
	RUN(blocking_functions_by_name);
	int status = tap_done();
	unmap_all(&m);
	ktypes_destroy(k.types);
	return status;
}
