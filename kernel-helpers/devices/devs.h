/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device majors and PCI devices as crash's dev shows them.
 *
 * Character majors: the hash chrdevs[CHRDEV_MAJOR_HASH_SIZE] of struct
 * char_device_struct (next, major, baseminor, name[64], cdev), in hash
 * order and each chain in its order (/proc/devices has the same entries,
 * sorted).  A major's operations are its cdev's ops; a region registered
 * without a cdev (register_chrdev_region + cdev_add elsewhere: /dev/vc/0)
 * finds its cdev, as crash does, in cdev_map's probes for its major and
 * base minor (struct kobj_map, struct probe: dev, data the cdev).
 *
 * Block majors: the hash major_names[BLKDEV_MAJOR_HASH_SIZE] of struct
 * blk_major_name (next, major, name[16]) and a gendisk of that major with
 * its fops: the first one found through the block devices' inodes
 * (blockdev_superblock->s_inodes, each inode inside a struct bdev_inode
 * after its struct block_device, whose bd_disk is the gendisk), which is
 * where they are since 5.11 removed the bdev_map ("block: switch gendisk
 * lookup to a simple xarray"); a kernel without blockdev_superblock is
 * not read (an error naming it).
 *
 * PCI: the root buses (pci_root_buses, struct pci_bus by node), each
 * bus's bridge device (self), devices (devices, struct pci_dev by
 * bus_list) and child buses (children), depth first as crash's dev -p.
 *
 * Walks are bounded and cycle-checked; what cannot be read is a warning
 * naming the address, the rest kept.
 */
#ifndef LKDB_DEVS_H
#define LKDB_DEVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

#define KERNEL_DEVS_CHAIN_MAX 4096
#define KERNEL_PCI_BUSES_MAX 1024
#define KERNEL_PCI_DEVS_MAX 65536

struct kernel_chrdev {
	unsigned int major, baseminor;
	char name[64];
	uint64_t cdev;		/* 0: none found */
	uint64_t ops;		/* its struct file_operations; 0: none */
};

struct kernel_blkdev {
	unsigned int major;
	char name[17];
	uint64_t gendisk;	/* 0: no disk of this major */
	uint64_t ops;		/* the gendisk's fops */
};

struct kernel_devs {
	struct kernel_chrdev *chr;
	size_t nr_chr;
	struct kernel_blkdev *blk;
	size_t nr_blk;
	char **warnings;
	size_t nr_warnings;
};

struct lkdb_error *kernel_read_devs(struct kernel *k, struct kernel_devs *ret);
void kernel_devs_deinit(struct kernel_devs *d);

struct kernel_pci_dev {
	uint64_t dev;		/* struct pci_dev */
	char name[32];		/* its device's name: "0000:00:01.0" */
	uint32_t class;		/* pci_dev.class: class, subclass, prog-if */
	uint16_t vendor, device;
	uint8_t hdr_type;
	uint16_t pcie_flags;	/* pcie_flags_reg (0: not PCI Express) */
};

struct kernel_pci_bus {
	uint64_t bus;		/* struct pci_bus */
	uint64_t parent;	/* 0 for a root bus */
	bool root;
	char name[32];		/* its device's name: "0000:00" */
	bool has_self;
	struct kernel_pci_dev self;	/* the bridge to it */
	struct kernel_pci_dev *devs;
	size_t nr_devs;
};

struct kernel_pci {
	struct kernel_pci_bus *buses;	/* depth first, root buses in order */
	size_t nr_buses;
	bool has_pcie_flags;		/* pci_dev has pcie_flags_reg */
	char **warnings;
	size_t nr_warnings;
};

struct lkdb_error *kernel_read_pci(struct kernel *k, struct kernel_pci *ret);
void kernel_pci_deinit(struct kernel_pci *p);

/*
 * Disk I/O in flight as crash's dev -d: each whole disk of block_class
 * (its devices of type disk_type; "ram" and "loop" disks left out, as
 * crash does) with its gendisk, name, request queue and the requests in
 * flight, reads and writes (ASYNC and SYNC on kernels with BLK_RW_SYNC).
 * A blk-mq queue's are counted as the kernel's blk_mq_in_flight_rw():
 * every busy tag of every hardware context (request_queue.hctx_table, an
 * XArray since 5.19's "blk-mq: use an xarray instead of a pointer array
 * for the hctxs"; queue_hw_ctx[nr_hw_queues] before) whose request is
 * this queue's and MQ_RQ_IN_FLIGHT; a bio-based disk's are the per-CPU
 * in_flight[2] of its part0's bd_stats.  block_class's devices are in its
 * subsys_private, class.p until 6.4 removed it ("driver core: class:
 * remove subsystem private pointer from struct class"), since then found
 * in class_kset's list by its class.
 */
struct kernel_diskio {
	unsigned int major;
	uint64_t gendisk, queue;
	char name[33];
	uint64_t count[2];	/* read, write (async, sync) */
	bool mq;
	bool has_drv;		/* request_queue.in_flight (not blk-mq) */
	uint64_t drv;
};

struct kernel_diskios {
	struct kernel_diskio *disks;
	size_t nr;
	bool sync_names;	/* ASYNC/SYNC, not READ/WRITE */
	bool drv_column;	/* request_queue has in_flight */
	char **warnings;
	size_t nr_warnings;
};

struct lkdb_error *kernel_read_diskio(struct kernel *k,
				      struct kernel_diskios *ret);
void kernel_diskios_deinit(struct kernel_diskios *d);

#endif
