// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/devices/devs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/printable.h"
#include "kernel-helpers/core/addrset.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/listwalk.h"
#include "kernel-helpers/core/trees.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/memory/percpu.h"

#define MINORBITS 20
#define BLOCK_INODES_MAX (1u << 20)

static struct lkdb_error *warn(char ***w, size_t *nr, struct lkdb_error *err)
{
	if (err == &lkdb_error_oom)
		return err;
	struct lkdb_error *e = lkdb_warning_append(w, nr, "%s", err->message);
	lkdb_error_destroy(err);
	return e;
}

static struct lkdb_error *read_bytes(struct kernel *k, uint64_t addr,
				     void *buf, size_t len)
{
	return kernel_memory(k)->read(kernel_memory(k)->context, addr, buf, len);
}

/* A fixed char array read at addr, ended and made printable. */
static struct lkdb_error *read_name(struct kernel *k, uint64_t addr,
				    size_t len, char *buf, size_t size)
{
	if (len >= size)
		len = size - 1;
	struct lkdb_error *err = read_bytes(k, addr, buf, len);
	if (err)
		return err;
	buf[len] = '\0';
	lkdb_printable(buf, buf, size, "");
	return NULL;
}

/* The pointers of the array variable name (its whole length). */
static struct lkdb_error *read_pointer_array(struct kernel *k,
					     struct ktypes *t,
					     const char *name, const char *why,
					     uint64_t **ret, size_t *nr_ret)
{
	uint64_t sym, off, size;
	struct lkdb_error *err;
	if ((err = kernel_need_symbol(k, name, why, &sym)) ||
	    (err = ktypes_var_member(t, name, NULL, &off, &size)))
		return err;
	if (!size || size % 8 || size > 8 * 4096)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: an array of %" PRIu64 " bytes", name, size);
	uint64_t *p = malloc(size);
	if (!p)
		return &lkdb_error_oom;
	if ((err = read_bytes(k, sym + k->kaslr_offset, p, size))) {
		free(p);
		return lkdb_error_prefix(err, "reading %s at 0x%" PRIx64, name,
					 sym + k->kaslr_offset);
	}
	*ret = p;
	*nr_ret = size / 8;
	return NULL;
}

struct chr_layout {
	uint64_t next, major, baseminor, name, name_size, cdev;
	uint64_t cdev_ops;
	uint64_t probes, probe_next, probe_dev, probe_data;
};

static struct lkdb_error *chr_layout(struct ktypes *t, struct chr_layout *l)
{
	struct lkdb_error *err;
	if ((err = ktypes_member(t, "char_device_struct", "next", &l->next, NULL)) ||
	    (err = ktypes_member(t, "char_device_struct", "major", &l->major, NULL)) ||
	    (err = ktypes_member(t, "char_device_struct", "baseminor",
				 &l->baseminor, NULL)) ||
	    (err = ktypes_member(t, "char_device_struct", "name", &l->name,
				 &l->name_size)) ||
	    (err = ktypes_member(t, "char_device_struct", "cdev", &l->cdev, NULL)) ||
	    (err = ktypes_member(t, "cdev", "ops", &l->cdev_ops, NULL)) ||
	    (err = ktypes_member(t, "kobj_map", "probes", &l->probes, NULL)) ||
	    (err = ktypes_member(t, "probe", "next", &l->probe_next, NULL)) ||
	    (err = ktypes_member(t, "probe", "dev", &l->probe_dev, NULL)) ||
	    (err = ktypes_member(t, "probe", "data", &l->probe_data, NULL)))
		return err;
	/* A char array since 2.6.x (crash also reads the older pointer). */
	if (l->name_size < 2 || l->name_size > 256)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "char_device_struct.name is %" PRIu64 " bytes, not an array",
					 l->name_size);
	return NULL;
}

/*
 * The cdev registered for (major, minor) in cdev_map, as crash's
 * search_cdev_map_probes: the probe of that dev_t in the chain of
 * probes[major % 255]; its data is the cdev.  0 if none.
 */
static uint64_t probe_cdev(struct kernel *k, const struct chr_layout *l,
			   uint64_t cdev_map, unsigned int major,
			   unsigned int minor, uint64_t *ops)
{
	uint64_t p = 0, dev, data;
	*ops = 0;
	if (!cdev_map)
		return 0;
	struct lkdb_error *err = kernel_read_uint(k, cdev_map + l->probes + 8 * (major % 255),
						  8, &p);
	for (unsigned int n = 0; !err && p && n < KERNEL_DEVS_CHAIN_MAX; n++) {
		if ((err = kernel_read_uint(k, p + l->probe_dev, 4, &dev)))
			break;
		if (dev >> MINORBITS == major &&
		    (dev & ((1u << MINORBITS) - 1)) == minor) {
			if ((err = kernel_read_uint(k, p + l->probe_data, 8, &data)) ||
			    !data ||
			    (err = kernel_read_uint(k, data + l->cdev_ops, 8, ops)))
				break;
			return data;
		}
		err = kernel_read_uint(k, p + l->probe_next, 8, &p);
	}
	lkdb_error_destroy(err);
	*ops = 0;
	return 0;
}

static struct lkdb_error *read_chrdevs(struct kernel *k, struct ktypes *t,
				       struct kernel_devs *r)
{
	struct chr_layout l;
	uint64_t *heads, cdev_map = 0, sym;
	size_t nr_heads;
	struct lkdb_error *err;
	if ((err = chr_layout(t, &l)) ||
	    (err = read_pointer_array(k, t, "chrdevs", "character devices",
				      &heads, &nr_heads)))
		return err;
	/* Optional: only for the cdevs of regions registered without one. */
	err = vmlinux_symbol(k->vmlinux, "cdev_map", &sym, NULL);
	bool have_map = !err;
	lkdb_error_destroy(err);
	err = NULL;
	if (have_map &&
	    (err = kernel_read_uint(k, sym + k->kaslr_offset, 8, &cdev_map)))
		err = warn(&r->warnings, &r->nr_warnings,
			   lkdb_error_prefix(err, "reading cdev_map"));
	struct addr_set seen = { 0 };
	size_t cap = 0;
	for (size_t i = 0; !err && i < nr_heads; i++) {
		uint64_t cd = heads[i];
		for (unsigned int n = 0; !err && cd; n++) {
			if (n == KERNEL_DEVS_CHAIN_MAX || addr_set_add(&seen, cd) != 1) {
				err = warn(&r->warnings, &r->nr_warnings,
					   lkdb_error_create(LKDB_ERROR_INVALID,
							     "chrdevs[%zu]: the chain loops at char_device_struct 0x%" PRIx64,
							     i, cd));
				break;
			}
			uint64_t next, major, minor, cdev, ops = 0;
			struct lkdb_error *e;
			if ((e = kernel_read_uint(k, cd + l.next, 8, &next)) ||
			    (e = kernel_read_uint(k, cd + l.major, 4, &major)) ||
			    (e = kernel_read_uint(k, cd + l.baseminor, 4, &minor)) ||
			    (e = kernel_read_uint(k, cd + l.cdev, 8, &cdev))) {
				err = warn(&r->warnings, &r->nr_warnings,
					   lkdb_error_prefix(e, "chrdevs[%zu]: char_device_struct 0x%" PRIx64,
							     i, cd));
				break;
			}
			if (r->nr_chr == cap) {
				size_t nc = cap ? 2 * cap : 64;
				struct kernel_chrdev *p = realloc(r->chr, nc * sizeof(*p));
				if (!p) {
					err = &lkdb_error_oom;
					break;
				}
				r->chr = p;
				cap = nc;
			}
			struct kernel_chrdev *c = &r->chr[r->nr_chr];
			memset(c, 0, sizeof(*c));
			c->major = (unsigned int)major;
			c->baseminor = (unsigned int)minor;
			if ((e = read_name(k, cd + l.name, l.name_size, c->name,
					   sizeof(c->name)))) {
				err = warn(&r->warnings, &r->nr_warnings,
					   lkdb_error_prefix(e, "char_device_struct 0x%" PRIx64 "'s name",
							     cd));
				break;
			}
			r->nr_chr++;
			if (cdev && (e = kernel_read_uint(k, cdev + l.cdev_ops, 8, &ops))) {
				err = warn(&r->warnings, &r->nr_warnings,
					   lkdb_error_prefix(e, "major %u: cdev 0x%" PRIx64,
							     c->major, cdev));
				ops = 0;
			}
			c->cdev = cdev;
			c->ops = ops;
			if (!ops)
				c->cdev = probe_cdev(k, &l, cdev_map, c->major,
						     c->baseminor, &c->ops);
			cd = next;
		}
	}
	addr_set_deinit(&seen);
	free(heads);
	return err;
}

struct blk_layout {
	uint64_t next, major, name, name_size;
	uint64_t s_inodes, i_sb_list, vfs_inode, bd_disk;
	uint64_t disk_major, disk_fops;
};

static struct lkdb_error *blk_layout(struct ktypes *t, struct blk_layout *l)
{
	struct lkdb_error *err;
	if ((err = ktypes_member(t, "blk_major_name", "next", &l->next, NULL)) ||
	    (err = ktypes_member(t, "blk_major_name", "major", &l->major, NULL)) ||
	    (err = ktypes_member(t, "blk_major_name", "name", &l->name,
				 &l->name_size)) ||
	    (err = ktypes_member(t, "super_block", "s_inodes", &l->s_inodes, NULL)) ||
	    (err = ktypes_member(t, "inode", "i_sb_list", &l->i_sb_list, NULL)) ||
	    (err = ktypes_member(t, "block_device", "bd_disk", &l->bd_disk, NULL)) ||
	    (err = ktypes_member(t, "gendisk", "major", &l->disk_major, NULL)) ||
	    (err = ktypes_member(t, "gendisk", "fops", &l->disk_fops, NULL)))
		return err;
	/* block/bdev.c: struct bdev_inode { struct block_device bdev; struct inode vfs_inode; } */
	if (ktypes_has_member(t, "bdev_inode", "vfs_inode"))
		return ktypes_member(t, "bdev_inode", "vfs_inode", &l->vfs_inode, NULL);
	return ktypes_size(t, "block_device", &l->vfs_inode);
}

struct disk {
	uint64_t gendisk, ops;
	unsigned int major;
};

/* The gendisks of the block devices' inodes, in s_inodes' order. */
static struct lkdb_error *read_disks(struct kernel *k,
				     const struct blk_layout *l,
				     struct kernel_devs *r, struct disk **ret,
				     size_t *nr_ret)
{
	uint64_t sym, sb;
	struct lkdb_error *err;
	*ret = NULL;
	*nr_ret = 0;
	if ((err = kernel_need_symbol(k, "blockdev_superblock",
				      "block devices (built without CONFIG_BLOCK?)", &sym)))
		return err;
	if ((err = kernel_read_uint(k, sym + k->kaslr_offset, 8, &sb)))
		return lkdb_error_prefix(err, "reading blockdev_superblock");
	if (!sb)
		return NULL;
	struct list_walk w;
	err = kernel_list_walk(kernel_memory(k), sb + l->s_inodes, l->i_sb_list,
			       LIST_HEAD, 0, BLOCK_INODES_MAX, &w);
	if (err)
		err = warn(&r->warnings, &r->nr_warnings,
			   lkdb_error_prefix(err, "blockdev_superblock 0x%" PRIx64 "'s inodes",
					     sb));
	struct disk *d = calloc(w.nr ? w.nr : 1, sizeof(*d));
	if (!d && !err)
		err = &lkdb_error_oom;
	size_t nr = 0;
	for (size_t i = 0; !err && i < w.nr; i++) {
		uint64_t bdev = w.entries[i] - l->vfs_inode, disk, major, ops;
		struct lkdb_error *e;
		if ((e = kernel_read_uint(k, bdev + l->bd_disk, 8, &disk)))
			goto bad;
		if (!disk)
			continue;
		if ((e = kernel_read_uint(k, disk + l->disk_major, 4, &major)) ||
		    (e = kernel_read_uint(k, disk + l->disk_fops, 8, &ops)))
			goto bad;
		d[nr++] = (struct disk){ disk, ops, (unsigned int)major };
		continue;
bad:
		err = warn(&r->warnings, &r->nr_warnings,
			   lkdb_error_prefix(e, "block_device 0x%" PRIx64, bdev));
	}
	list_walk_deinit(&w);
	if (err) {
		free(d);
		return err;
	}
	*ret = d;
	*nr_ret = nr;
	return NULL;
}

static struct lkdb_error *read_blkdevs(struct kernel *k, struct ktypes *t,
				       struct kernel_devs *r)
{
	struct blk_layout l;
	uint64_t *heads;
	size_t nr_heads, nr_disks, cap = 0;
	struct disk *disks;
	struct lkdb_error *err;
	if ((err = blk_layout(t, &l)) ||
	    (err = read_pointer_array(k, t, "major_names", "block devices",
				      &heads, &nr_heads)))
		return err;
	if ((err = read_disks(k, &l, r, &disks, &nr_disks))) {
		free(heads);
		return err;
	}
	struct addr_set seen = { 0 };
	for (size_t i = 0; !err && i < nr_heads; i++) {
		uint64_t bm = heads[i];
		for (unsigned int n = 0; !err && bm; n++) {
			if (n == KERNEL_DEVS_CHAIN_MAX || addr_set_add(&seen, bm) != 1) {
				err = warn(&r->warnings, &r->nr_warnings,
					   lkdb_error_create(LKDB_ERROR_INVALID,
							     "major_names[%zu]: the chain loops at blk_major_name 0x%" PRIx64,
							     i, bm));
				break;
			}
			uint64_t next, major;
			struct lkdb_error *e;
			if (r->nr_blk == cap) {
				size_t nc = cap ? 2 * cap : 32;
				struct kernel_blkdev *p = realloc(r->blk, nc * sizeof(*p));
				if (!p) {
					err = &lkdb_error_oom;
					break;
				}
				r->blk = p;
				cap = nc;
			}
			struct kernel_blkdev *b = &r->blk[r->nr_blk];
			memset(b, 0, sizeof(*b));
			if ((e = kernel_read_uint(k, bm + l.next, 8, &next)) ||
			    (e = kernel_read_uint(k, bm + l.major, 4, &major)) ||
			    (e = read_name(k, bm + l.name, l.name_size, b->name,
					   sizeof(b->name)))) {
				err = warn(&r->warnings, &r->nr_warnings,
					   lkdb_error_prefix(e, "major_names[%zu]: blk_major_name 0x%" PRIx64,
							     i, bm));
				break;
			}
			b->major = (unsigned int)major;
			for (size_t j = 0; j < nr_disks; j++)
				if (disks[j].major == b->major && disks[j].ops) {
					b->gendisk = disks[j].gendisk;
					b->ops = disks[j].ops;
					break;
				}
			r->nr_blk++;
			bm = next;
		}
	}
	addr_set_deinit(&seen);
	free(disks);
	free(heads);
	return err;
}

struct lkdb_error *kernel_read_devs(struct kernel *k, struct kernel_devs *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct lkdb_error *err = kernel_types(k, &t);
	if (!err)
		err = read_chrdevs(k, t, ret);
	if (!err)
		err = read_blkdevs(k, t, ret);
	if (err)
		kernel_devs_deinit(ret);
	return err;
}

void kernel_devs_deinit(struct kernel_devs *d)
{
	free(d->chr);
	free(d->blk);
	lkdb_warnings_free(d->warnings, d->nr_warnings);
	memset(d, 0, sizeof(*d));
}

struct pci_layout {
	uint64_t bus_node, bus_devices, bus_children, bus_self, bus_parent;
	uint64_t bus_dev, dev_kobj, kobj_name;
	uint64_t pdev_bus_list, pdev_dev, vendor, device, class, hdr_type;
	uint64_t pcie_flags;
	bool has_pcie_flags;
};

static struct lkdb_error *pci_layout(struct ktypes *t, struct pci_layout *l)
{
	struct lkdb_error *err;
	if ((err = ktypes_member(t, "pci_bus", "node", &l->bus_node, NULL)) ||
	    (err = ktypes_member(t, "pci_bus", "devices", &l->bus_devices, NULL)) ||
	    (err = ktypes_member(t, "pci_bus", "children", &l->bus_children, NULL)) ||
	    (err = ktypes_member(t, "pci_bus", "self", &l->bus_self, NULL)) ||
	    (err = ktypes_member(t, "pci_bus", "parent", &l->bus_parent, NULL)) ||
	    (err = ktypes_member(t, "pci_bus", "dev", &l->bus_dev, NULL)) ||
	    (err = ktypes_member(t, "device", "kobj", &l->dev_kobj, NULL)) ||
	    (err = ktypes_member(t, "kobject", "name", &l->kobj_name, NULL)) ||
	    (err = ktypes_member(t, "pci_dev", "bus_list", &l->pdev_bus_list, NULL)) ||
	    (err = ktypes_member(t, "pci_dev", "dev", &l->pdev_dev, NULL)) ||
	    (err = ktypes_member(t, "pci_dev", "vendor", &l->vendor, NULL)) ||
	    (err = ktypes_member(t, "pci_dev", "device", &l->device, NULL)) ||
	    (err = ktypes_member(t, "pci_dev", "class", &l->class, NULL)) ||
	    (err = ktypes_member(t, "pci_dev", "hdr_type", &l->hdr_type, NULL)))
		return err;
	/* 3.7's "PCI: Add pcie_flags_reg to cache PCIe capabilities register". */
	l->has_pcie_flags = ktypes_has_member(t, "pci_dev", "pcie_flags_reg");
	if (l->has_pcie_flags)
		err = ktypes_member(t, "pci_dev", "pcie_flags_reg", &l->pcie_flags, NULL);
	return err;
}

/* The name of the struct device at dev (its kobject's). */
static struct lkdb_error *device_name(struct kernel *k,
				      const struct pci_layout *l, uint64_t dev,
				      char *buf, size_t size)
{
	uint64_t p;
	struct lkdb_error *err = kernel_read_uint(k, dev + l->dev_kobj + l->kobj_name,
						  8, &p);
	buf[0] = '\0';
	if (!err && p)
		err = kernel_read_string(k, p, buf, size);
	if (err)
		return err;
	lkdb_printable(buf, buf, size, "");
	return NULL;
}

static struct lkdb_error *read_pci_dev(struct kernel *k,
				       const struct pci_layout *l, uint64_t dev,
				       struct kernel_pci_dev *d)
{
	uint64_t vendor, device, class, hdr, flags = 0;
	struct lkdb_error *err;
	memset(d, 0, sizeof(*d));
	d->dev = dev;
	if ((err = device_name(k, l, dev + l->pdev_dev, d->name, sizeof(d->name))) ||
	    (err = kernel_read_uint(k, dev + l->vendor, 2, &vendor)) ||
	    (err = kernel_read_uint(k, dev + l->device, 2, &device)) ||
	    (err = kernel_read_uint(k, dev + l->class, 4, &class)) ||
	    (err = kernel_read_uint(k, dev + l->hdr_type, 1, &hdr)) ||
	    (l->has_pcie_flags &&
	     (err = kernel_read_uint(k, dev + l->pcie_flags, 2, &flags))))
		return lkdb_error_prefix(err, "pci_dev 0x%" PRIx64, dev);
	d->vendor = (uint16_t)vendor;
	d->device = (uint16_t)device;
	d->class = (uint32_t)class;
	d->hdr_type = (uint8_t)hdr;
	d->pcie_flags = (uint16_t)flags;
	return NULL;
}

static struct lkdb_error *add_bus(struct kernel *k, const struct pci_layout *l,
				  struct kernel_pci *r, struct addr_set *seen,
				  uint64_t bus, bool root, unsigned int depth)
{
	struct lkdb_error *err;
	if (r->nr_buses == KERNEL_PCI_BUSES_MAX || depth > 256 ||
	    addr_set_add(seen, bus) != 1)
		return warn(&r->warnings, &r->nr_warnings,
			    lkdb_error_create(LKDB_ERROR_INVALID,
					      "pci_bus 0x%" PRIx64 ": seen before, or more than %u buses",
					      bus, KERNEL_PCI_BUSES_MAX));
	if (!r->buses &&
	    !(r->buses = calloc(KERNEL_PCI_BUSES_MAX, sizeof(*r->buses))))
		return &lkdb_error_oom;
	struct kernel_pci_bus *b = &r->buses[r->nr_buses];
	memset(b, 0, sizeof(*b));
	b->bus = bus;
	b->root = root;
	uint64_t self;
	if ((err = kernel_read_uint(k, bus + l->bus_parent, 8, &b->parent)) ||
	    (err = kernel_read_uint(k, bus + l->bus_self, 8, &self)) ||
	    (err = device_name(k, l, bus + l->bus_dev, b->name, sizeof(b->name))))
		return warn(&r->warnings, &r->nr_warnings,
			    lkdb_error_prefix(err, "pci_bus 0x%" PRIx64, bus));
	r->nr_buses++;
	if (self) {
		if ((err = read_pci_dev(k, l, self, &b->self)))
			err = warn(&r->warnings, &r->nr_warnings, err);
		else
			b->has_self = true;
		if (err)
			return err;
	}
	struct list_walk w;
	err = kernel_list_walk(kernel_memory(k), bus + l->bus_devices, l->pdev_bus_list,
			       LIST_HEAD, 0, KERNEL_PCI_DEVS_MAX, &w);
	if (err && (err = warn(&r->warnings, &r->nr_warnings,
			       lkdb_error_prefix(err, "pci_bus 0x%" PRIx64 "'s devices", bus)))) {
		list_walk_deinit(&w);
		return err;
	}
	if (w.nr && !(b->devs = calloc(w.nr, sizeof(*b->devs))))
		err = &lkdb_error_oom;
	for (size_t i = 0; !err && i < w.nr; i++) {
		struct lkdb_error *e = read_pci_dev(k, l, w.entries[i],
						    &b->devs[b->nr_devs]);
		if (e)
			err = warn(&r->warnings, &r->nr_warnings, e);
		else
			b->nr_devs++;
	}
	list_walk_deinit(&w);
	if (err)
		return err;
	err = kernel_list_walk(kernel_memory(k), bus + l->bus_children, l->bus_node,
			       LIST_HEAD, 0, KERNEL_PCI_BUSES_MAX, &w);
	if (err && (err = warn(&r->warnings, &r->nr_warnings,
			       lkdb_error_prefix(err, "pci_bus 0x%" PRIx64 "'s children", bus)))) {
		list_walk_deinit(&w);
		return err;
	}
	for (size_t i = 0; !err && i < w.nr; i++)
		err = add_bus(k, l, r, seen, w.entries[i], false, depth + 1);
	list_walk_deinit(&w);
	return err;
}

struct lkdb_error *kernel_read_pci(struct kernel *k, struct kernel_pci *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct pci_layout l;
	uint64_t sym;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = pci_layout(t, &l)) ||
	    (err = kernel_need_symbol(k, "pci_root_buses", "PCI (built without CONFIG_PCI?)",
				      &sym)))
		return err;
	ret->has_pcie_flags = l.has_pcie_flags;
	struct list_walk w;
	err = kernel_list_walk(kernel_memory(k), sym + k->kaslr_offset, l.bus_node,
			       LIST_HEAD, 0, KERNEL_PCI_BUSES_MAX, &w);
	if (err)
		err = warn(&ret->warnings, &ret->nr_warnings,
			   lkdb_error_prefix(err, "pci_root_buses"));
	struct addr_set seen = { 0 };
	for (size_t i = 0; !err && i < w.nr; i++)
		err = add_bus(k, &l, ret, &seen, w.entries[i], true, 0);
	addr_set_deinit(&seen);
	list_walk_deinit(&w);
	if (err)
		kernel_pci_deinit(ret);
	return err;
}

void kernel_pci_deinit(struct kernel_pci *p)
{
	for (size_t i = 0; p->buses && i < p->nr_buses; i++)
		free(p->buses[i].devs);
	free(p->buses);
	lkdb_warnings_free(p->warnings, p->nr_warnings);
	memset(p, 0, sizeof(*p));
}

struct disk_layout {
	uint64_t class_p, sp_klist_devices, sp_subsys_kobj, sp_class;
	uint64_t kset_list, kobj_entry, klist_k_list, knode_n_klist, knode_n_node;
	uint64_t dp_knode_class, dp_device, dev_type, bd_device, bd_disk;
	uint64_t disk_name, disk_name_size, disk_queue, disk_major, disk_part0;
	uint64_t bd_stats, stats_in_flight;
	uint64_t q_mq_ops, q_hctx_table, q_hw_ctx, q_nr_hw, q_in_flight, q_in_flight_size;
	uint64_t hctx_tags, tags_nr_reserved, tags_bitmap, tags_breserved, tags_rqs;
	uint64_t tags_bitmap_size, sbq_sb, sb_depth, sb_shift, sb_map_nr, sb_map;
	uint64_t word_size, word_word, word_cleared;
	uint64_t rq_q, rq_cmd_flags, rq_state;
	bool has_class_p, has_hctx_table, has_cleared, has_q_in_flight;
};

static struct lkdb_error *disk_layout(struct ktypes *t, struct disk_layout *l)
{
	struct lkdb_error *err;
	if ((err = ktypes_member(t, "subsys_private", "klist_devices",
				 &l->sp_klist_devices, NULL)) ||
	    (err = ktypes_member(t, "subsys_private", "subsys.kobj",
				 &l->sp_subsys_kobj, NULL)) ||
	    (err = ktypes_member(t, "klist", "k_list", &l->klist_k_list, NULL)) ||
	    (err = ktypes_member(t, "klist_node", "n_klist", &l->knode_n_klist, NULL)) ||
	    (err = ktypes_member(t, "klist_node", "n_node", &l->knode_n_node, NULL)) ||
	    (err = ktypes_member(t, "device_private", "knode_class",
				 &l->dp_knode_class, NULL)) ||
	    (err = ktypes_member(t, "device_private", "device", &l->dp_device, NULL)) ||
	    (err = ktypes_member(t, "device", "type", &l->dev_type, NULL)) ||
	    (err = ktypes_member(t, "block_device", "bd_device", &l->bd_device, NULL)) ||
	    (err = ktypes_member(t, "block_device", "bd_disk", &l->bd_disk, NULL)) ||
	    (err = ktypes_member(t, "block_device", "bd_stats", &l->bd_stats, NULL)) ||
	    (err = ktypes_member(t, "disk_stats", "in_flight", &l->stats_in_flight, NULL)) ||
	    (err = ktypes_member(t, "gendisk", "disk_name", &l->disk_name,
				 &l->disk_name_size)) ||
	    (err = ktypes_member(t, "gendisk", "queue", &l->disk_queue, NULL)) ||
	    (err = ktypes_member(t, "gendisk", "major", &l->disk_major, NULL)) ||
	    (err = ktypes_member(t, "gendisk", "part0", &l->disk_part0, NULL)) ||
	    (err = ktypes_member(t, "request_queue", "mq_ops", &l->q_mq_ops, NULL)) ||
	    (err = ktypes_member(t, "blk_mq_hw_ctx", "tags", &l->hctx_tags, NULL)) ||
	    (err = ktypes_member(t, "blk_mq_tags", "nr_reserved_tags",
				 &l->tags_nr_reserved, NULL)) ||
	    (err = ktypes_member(t, "blk_mq_tags", "bitmap_tags", &l->tags_bitmap,
				 &l->tags_bitmap_size)) ||
	    (err = ktypes_member(t, "blk_mq_tags", "breserved_tags",
				 &l->tags_breserved, NULL)) ||
	    (err = ktypes_member(t, "blk_mq_tags", "rqs", &l->tags_rqs, NULL)) ||
	    (err = ktypes_member(t, "sbitmap_queue", "sb", &l->sbq_sb, NULL)) ||
	    (err = ktypes_member(t, "sbitmap", "depth", &l->sb_depth, NULL)) ||
	    (err = ktypes_member(t, "sbitmap", "shift", &l->sb_shift, NULL)) ||
	    (err = ktypes_member(t, "sbitmap", "map_nr", &l->sb_map_nr, NULL)) ||
	    (err = ktypes_member(t, "sbitmap", "map", &l->sb_map, NULL)) ||
	    (err = ktypes_size(t, "sbitmap_word", &l->word_size)) ||
	    (err = ktypes_member(t, "sbitmap_word", "word", &l->word_word, NULL)) ||
	    (err = ktypes_member(t, "request", "q", &l->rq_q, NULL)) ||
	    (err = ktypes_member(t, "request", "cmd_flags", &l->rq_cmd_flags, NULL)) ||
	    (err = ktypes_member(t, "request", "state", &l->rq_state, NULL)))
		return err;
	/* 6.4 took struct class's p away: class_kset's list has them. */
	l->has_class_p = ktypes_has_member(t, "class", "p");
	if (l->has_class_p)
		err = ktypes_member(t, "class", "p", &l->class_p, NULL);
	else if (!(err = ktypes_member(t, "subsys_private", "class", &l->sp_class, NULL)) &&
		 !(err = ktypes_member(t, "kset", "list", &l->kset_list, NULL)))
		err = ktypes_member(t, "kobject", "entry", &l->kobj_entry, NULL);
	if (err)
		return err;
	l->has_hctx_table = ktypes_has_member(t, "request_queue", "hctx_table");
	if (l->has_hctx_table)
		err = ktypes_member(t, "request_queue", "hctx_table", &l->q_hctx_table, NULL);
	else if (!(err = ktypes_member(t, "request_queue", "queue_hw_ctx", &l->q_hw_ctx, NULL)))
		err = ktypes_member(t, "request_queue", "nr_hw_queues", &l->q_nr_hw, NULL);
	if (err)
		return err;
	/* 4.18+: a word's cleared bits are free, not busy. */
	l->has_cleared = ktypes_has_member(t, "sbitmap_word", "cleared");
	if (l->has_cleared &&
	    (err = ktypes_member(t, "sbitmap_word", "cleared", &l->word_cleared, NULL)))
		return err;
	l->has_q_in_flight = ktypes_has_member(t, "request_queue", "in_flight");
	if (l->has_q_in_flight)
		err = ktypes_member(t, "request_queue", "in_flight", &l->q_in_flight,
				    &l->q_in_flight_size);
	return err;
}

/* block_class's subsys_private: class.p, or class_kset's entry for it. */
static struct lkdb_error *block_class_private(struct kernel *k,
					      const struct disk_layout *l,
					      uint64_t *ret)
{
	uint64_t sym, kset;
	struct lkdb_error *err = kernel_need_symbol(k, "block_class", "block devices", &sym);
	if (err)
		return err;
	uint64_t block_class = sym + k->kaslr_offset;
	if (l->has_class_p) {
		if ((err = kernel_read_uint(k, block_class + l->class_p, 8, ret)))
			return lkdb_error_prefix(err, "reading block_class.p");
		return NULL;
	}
	if ((err = kernel_need_symbol(k, "class_kset", "the device classes", &sym)))
		return err;
	if ((err = kernel_read_uint(k, sym + k->kaslr_offset, 8, &kset)))
		return lkdb_error_prefix(err, "reading class_kset");
	struct list_walk w;
	err = kernel_list_walk(kernel_memory(k), kset + l->kset_list, l->kobj_entry,
			       LIST_HEAD, 0, 4096, &w);
	for (size_t i = 0; !err && i < w.nr; i++) {
		uint64_t sp = w.entries[i] - l->sp_subsys_kobj, class;
		if ((err = kernel_read_uint(k, sp + l->sp_class, 8, &class)))
			break;
		if (class == block_class) {
			*ret = sp;
			list_walk_deinit(&w);
			return NULL;
		}
	}
	list_walk_deinit(&w);
	if (err)
		return lkdb_error_prefix(err, "class_kset 0x%" PRIx64 "'s classes", kset);
	return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
				 "block_class is not in class_kset 0x%" PRIx64 "'s list", kset);
}

struct busy_count {
	uint64_t queue;
	uint64_t count[2];
};

/* The busy tags of one sbitmap: their requests of the queue in flight. */
static struct lkdb_error *count_busy(struct kernel *k, const struct disk_layout *l,
				     uint64_t tags, uint64_t sb, uint64_t first,
				     struct busy_count *c)
{
	uint64_t depth, shift, map_nr, map, rqs;
	struct lkdb_error *err;
	if ((err = kernel_read_uint(k, sb + l->sb_depth, 4, &depth)) ||
	    (err = kernel_read_uint(k, sb + l->sb_shift, 4, &shift)) ||
	    (err = kernel_read_uint(k, sb + l->sb_map_nr, 4, &map_nr)) ||
	    (err = kernel_read_uint(k, sb + l->sb_map, 8, &map)) ||
	    (err = kernel_read_uint(k, tags + l->tags_rqs, 8, &rqs)))
		return lkdb_error_prefix(err, "sbitmap 0x%" PRIx64, sb);
	if (shift > 6 || map_nr > 65536 || depth > (map_nr << shift))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "sbitmap 0x%" PRIx64 ": depth %" PRIu64 ", shift %" PRIu64 ", map_nr %" PRIu64,
					 sb, depth, shift, map_nr);
	for (uint64_t i = 0; i < map_nr && (i << shift) < depth; i++) {
		uint64_t word, cleared = 0, at = map + i * l->word_size;
		if ((err = kernel_read_uint(k, at + l->word_word, 8, &word)) ||
		    (l->has_cleared &&
		     (err = kernel_read_uint(k, at + l->word_cleared, 8, &cleared))))
			return lkdb_error_prefix(err, "sbitmap_word 0x%" PRIx64, at);
		word &= ~cleared;
		uint64_t bits = depth - (i << shift);
		if (bits > (1u << shift))
			bits = 1u << shift;
		for (uint64_t b = 0; b < bits; b++) {
			if (!(word >> b & 1))
				continue;
			uint64_t tag = (i << shift) + b + first, rq, q, flags, state;
			if ((err = kernel_read_uint(k, rqs + 8 * tag, 8, &rq)))
				return lkdb_error_prefix(err, "blk_mq_tags 0x%" PRIx64 ".rqs[%" PRIu64 "]",
							 tags, tag);
			if (rq < 0xffff800000000000ull)
				continue;
			if ((err = kernel_read_uint(k, rq + l->rq_q, 8, &q)) ||
			    (err = kernel_read_uint(k, rq + l->rq_cmd_flags, 4, &flags)) ||
			    (err = kernel_read_uint(k, rq + l->rq_state, 4, &state)))
				return lkdb_error_prefix(err, "request 0x%" PRIx64, rq);
			/* MQ_RQ_IN_FLIGHT; op_is_write(): REQ_OP_MASK's low bit */
			if (q == c->queue && state == 1)
				c->count[(flags & 0xff) & 1]++;
		}
	}
	return NULL;
}

/* blk_mq_in_flight_rw() of queue q: every hardware context's busy tags. */
static struct lkdb_error *mq_in_flight(struct kernel *k, const struct disk_layout *l,
				       uint64_t q, uint64_t count[2])
{
	struct busy_count c = { .queue = q };
	uint64_t *hctx = NULL;
	size_t nr = 0;
	struct lkdb_error *err = NULL;
	if (l->has_hctx_table) {
		struct tree_entries te;
		if ((err = kernel_xarray_walk(k, q + l->q_hctx_table, false, &te)))
			return lkdb_error_prefix(err, "request_queue 0x%" PRIx64 "'s hctx_table", q);
		if (te.nr && !(hctx = calloc(te.nr, 8)))
			err = &lkdb_error_oom;
		for (size_t i = 0; !err && i < te.nr; i++)
			hctx[nr++] = te.entries[i].entry;
		tree_entries_deinit(&te);
	} else {
		uint64_t n, array;
		if ((err = kernel_read_uint(k, q + l->q_nr_hw, 4, &n)) ||
		    (err = kernel_read_uint(k, q + l->q_hw_ctx, 8, &array)))
			return lkdb_error_prefix(err, "request_queue 0x%" PRIx64, q);
		if (n > 4096)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "request_queue 0x%" PRIx64 ": %" PRIu64 " hardware queues",
						 q, n);
		if (n && !(hctx = calloc(n, 8)))
			return &lkdb_error_oom;
		for (; !err && nr < n; nr++)
			err = kernel_read_uint(k, array + 8 * nr, 8, &hctx[nr]);
	}
	for (size_t i = 0; !err && i < nr; i++) {
		uint64_t tags, reserved, sb;
		if ((err = kernel_read_uint(k, hctx[i] + l->hctx_tags, 8, &tags)) ||
		    (err = kernel_read_uint(k, tags + l->tags_nr_reserved, 4, &reserved))) {
			err = lkdb_error_prefix(err, "blk_mq_hw_ctx 0x%" PRIx64, hctx[i]);
			break;
		}
		/* A pointer to the sbitmap_queue from 5.10 to 5.15, else embedded. */
		for (int pass = reserved ? 0 : 1; !err && pass < 2; pass++) {
			sb = tags + (pass ? l->tags_bitmap : l->tags_breserved);
			if (l->tags_bitmap_size == 8 && (err = kernel_read_uint(k, sb, 8, &sb)))
				break;
			err = count_busy(k, l, tags, sb + l->sbq_sb, pass ? reserved : 0, &c);
		}
	}
	free(hctx);
	count[0] = c.count[0];
	count[1] = c.count[1];
	return err;
}

/* A bio-based disk's: part0's per-CPU disk_stats.in_flight[2]. */
static struct lkdb_error *bio_in_flight(struct kernel *k, const struct disk_layout *l,
					const struct percpu_cpus *cpus, uint64_t disk,
					uint64_t count[2])
{
	uint64_t part0, stats;
	struct lkdb_error *err;
	if ((err = kernel_read_uint(k, disk + l->disk_part0, 8, &part0)) ||
	    (err = kernel_read_uint(k, part0 + l->bd_stats, 8, &stats)))
		return lkdb_error_prefix(err, "gendisk 0x%" PRIx64 "'s part0", disk);
	for (unsigned int cpu = 0; stats && cpu < cpus->nr_cpu_ids; cpu++) {
		uint64_t at, v[2];
		if (!cpus->possible[cpu] || percpu_address(cpus, cpu, stats, &at))
			continue;
		if ((err = kernel_read_uint(k, at + l->stats_in_flight, 8, &v[0])) ||
		    (err = kernel_read_uint(k, at + l->stats_in_flight + 8, 8, &v[1])))
			return lkdb_error_prefix(err, "gendisk 0x%" PRIx64 "'s disk_stats on CPU %u",
						 disk, cpu);
		count[0] += v[0];
		count[1] += v[1];
	}
	return NULL;
}

static struct lkdb_error *read_diskio(struct kernel *k, const struct disk_layout *l,
				      const struct percpu_cpus *cpus, uint64_t disk,
				      struct kernel_diskio *d)
{
	uint64_t major, mq_ops;
	struct lkdb_error *err;
	d->gendisk = disk;
	if ((err = read_name(k, disk + l->disk_name, l->disk_name_size, d->name,
			     sizeof(d->name))) ||
	    (err = kernel_read_uint(k, disk + l->disk_queue, 8, &d->queue)) ||
	    (err = kernel_read_uint(k, disk + l->disk_major, 4, &major)) ||
	    (err = kernel_read_uint(k, d->queue + l->q_mq_ops, 8, &mq_ops)))
		return lkdb_error_prefix(err, "gendisk 0x%" PRIx64, disk);
	d->major = (unsigned int)major;
	d->mq = mq_ops != 0;
	if (d->mq)
		return mq_in_flight(k, l, d->queue, d->count);
	if (l->has_q_in_flight) {
		uint64_t a = 0, b = 0;
		if ((err = kernel_read_uint(k, d->queue + l->q_in_flight, 4, &a)) ||
		    (l->q_in_flight_size >= 8 &&
		     (err = kernel_read_uint(k, d->queue + l->q_in_flight + 4, 4, &b))))
			return lkdb_error_prefix(err, "request_queue 0x%" PRIx64, d->queue);
		d->has_drv = true;
		d->drv = a + b;
	}
	return bio_in_flight(k, l, cpus, disk, d->count);
}

struct lkdb_error *kernel_read_diskio(struct kernel *k, struct kernel_diskios *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct disk_layout l;
	uint64_t sp, disk_type;
	struct percpu_cpus *cpus = NULL;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = disk_layout(t, &l)) ||
	    (err = kernel_need_symbol(k, "disk_type", "block devices", &disk_type)) ||
	    (err = block_class_private(k, &l, &sp)) ||
	    (err = kernel_read_cpus(k, &cpus)))
		return err;
	disk_type += k->kaslr_offset;
	int64_t v;
	/* BLK_RW_ASYNC/SYNC: until 5.18's "block: remove BLK_RW_ASYNC and BLK_RW_SYNC" */
	struct lkdb_error *e = ktypes_enumerator(t, "BLK_RW_SYNC", &v);
	ret->sync_names = !e;
	lkdb_error_destroy(e);
	ret->drv_column = l.has_q_in_flight;
	/* The klist's nodes; a dead one (n_klist's low bit) is left out. */
	struct list_walk w;
	uint64_t head = sp + l.sp_klist_devices + l.klist_k_list;
	err = kernel_list_walk(kernel_memory(k), head, l.knode_n_node, LIST_HEAD, 0,
			       1u << 20, &w);
	if (err)
		err = warn(&ret->warnings, &ret->nr_warnings,
			   lkdb_error_prefix(err, "block_class's devices at 0x%" PRIx64, head));
	size_t cap = 0;
	for (size_t i = 0; !err && i < w.nr; i++) {
		uint64_t node = w.entries[i], klist, dev, type, disk;
		uint64_t dp = node - l.dp_knode_class;
		if ((e = kernel_read_uint(k, node + l.knode_n_klist, 8, &klist)) ||
		    (e = kernel_read_uint(k, dp + l.dp_device, 8, &dev)) ||
		    (!(klist & 1) && (e = kernel_read_uint(k, dev + l.dev_type, 8, &type)))) {
			err = warn(&ret->warnings, &ret->nr_warnings,
				   lkdb_error_prefix(e, "device_private 0x%" PRIx64, dp));
			continue;
		}
		if (klist & 1 || type != disk_type)
			continue;
		if ((e = kernel_read_uint(k, dev - l.bd_device + l.bd_disk, 8, &disk))) {
			err = warn(&ret->warnings, &ret->nr_warnings,
				   lkdb_error_prefix(e, "device 0x%" PRIx64 "'s block_device", dev));
			continue;
		}
		if (ret->nr == cap) {
			size_t nc = cap ? 2 * cap : 16;
			struct kernel_diskio *p = realloc(ret->disks, nc * sizeof(*p));
			if (!p) {
				err = &lkdb_error_oom;
				break;
			}
			ret->disks = p;
			cap = nc;
		}
		struct kernel_diskio *d = &ret->disks[ret->nr];
		memset(d, 0, sizeof(*d));
		if ((e = read_diskio(k, &l, cpus, disk, d))) {
			err = warn(&ret->warnings, &ret->nr_warnings, e);
			continue;
		}
		if (!strncmp(d->name, "ram", 3) || !strncmp(d->name, "loop", 4))
			continue;
		ret->nr++;
	}
	list_walk_deinit(&w);
	percpu_cpus_destroy(cpus);
	if (err)
		kernel_diskios_deinit(ret);
	return err;
}

void kernel_diskios_deinit(struct kernel_diskios *d)
{
	free(d->disks);
	lkdb_warnings_free(d->warnings, d->nr_warnings);
	memset(d, 0, sizeof(*d));
}
