/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A task's memory map: the VMAs of an mm_struct, in address order, with
 * their flags and files, as /proc/PID/maps lists them.
 *
 * Where they are, found by member: mm_struct.mm_mt, a maple tree keyed by
 * address (since 6.1, commit d4af56c5c7c6 "mm: start tracking VMAs with
 * maple tree"; core/mapletree.h), else the list at mm_struct.mmap
 * through vm_area_struct.vm_next (before 6.1).
 */
#ifndef LKDB_VMA_H
#define LKDB_VMA_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

/* vm_flags bits /proc/PID/maps shows (include/linux/mm.h). */
#define KERNEL_VM_READ 0x1ULL
#define KERNEL_VM_WRITE 0x2ULL
#define KERNEL_VM_EXEC 0x4ULL
#define KERNEL_VM_SHARED 0x8ULL

struct kernel_vma {
	uint64_t vma;		/* the vm_area_struct */
	uint64_t start, end, flags, pgoff;
	uint64_t file;		/* struct file, 0: anonymous */
	char *path;		/* the file's path, NULL if none */
};

struct kernel_vmas {
	struct kernel_vma *vmas;
	size_t nr;
	char **warnings;
	size_t nr_warnings;
};

/* The VMAs of the mm_struct at mm. */
struct lkdb_error *kernel_read_vmas(struct kernel *k, uint64_t mm,
				    struct kernel_vmas *ret);
void kernel_vmas_deinit(struct kernel_vmas *v);

/*
 * The path of swap file or device number type (swap_info[type]->swap_file),
 * into buf; NOT_FOUND when type is not a swap file in use (nr_swapfiles),
 * as a migration or other special entry's type is not.
 */
struct lkdb_error *kernel_swap_file(struct kernel *k, unsigned int type,
				    char *buf, size_t size);

#endif
