/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel memory read through gdb (-data-read-memory-bytes): the live target. */
#ifndef LKDB_GDB_TARGET_H
#define LKDB_GDB_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "mi/gdb_driver.h"
#include "kernel-helpers/memory/kaslr.h"

/* A reader whose context is the driver; valid as long as the driver. */
void gdb_target_memory_reader(struct gdb_driver *gdb,
			      struct kernel_memory_reader *ret);
struct lkdb_error *gdb_target_read(struct gdb_driver *gdb, uint64_t addr,
				   void *buf, size_t len);

/*
 * The value of a gdb expression that is a number or an address ($pc,
 * $rdi, a symbol): "(void (*)()) 0xffffffff81149360 <do_init_module>" or
 * "42".
 */
struct lkdb_error *gdb_target_value(struct gdb_driver *gdb, const char *expr,
				    uint64_t *ret);
/*
 * The registers of thread thread_num (a vCPU over QEMU's stub; orig_rax is
 * not among them: UINT64_MAX): its innermost frame's, whichever frame of
 * it gdb has selected.
 */
struct lkdb_error *gdb_target_thread_regs(struct gdb_driver *gdb,
					  int thread_num,
					  struct x86_64_regs *ret);

#endif
