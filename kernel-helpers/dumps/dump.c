// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/dumps/dump.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel-helpers/dumps/flattened.h"
#include "common/printable.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/memory/xlat.h"

/* Enough of a file's start for every check of its header. */
#define HEAD_SIZE 4096

/*
 * struct disk_dump_header (makedumpfile's diskdump_mod.h) on a 64-bit
 * target: signature[8], int header_version, struct new_utsname (six
 * char[65]), struct timeval (8-aligned), then the ints below.
 */
#define DISKDUMP_UTS_FIELD	65
#define DISKDUMP_UTS_SYSNAME	12
#define DISKDUMP_UTS_MACHINE \
	(DISKDUMP_UTS_SYSNAME + 4 * DISKDUMP_UTS_FIELD)
#define DISKDUMP_BLOCK_SIZE	428
#define DISKDUMP_SUB_HDR_SIZE	432
#define DISKDUMP_BITMAP_BLOCKS	436
#define DISKDUMP_HEADER_END	464

/* A program header count beyond this is corruption, not a machine. */
#define MAX_PHDRS (1u << 20)

/* struct new_utsname: release is the third char[65]. */
#define UTS_RELEASE_OFFSET (2 * 65)

#define NO_VMCOREINFO_HINT \
	"(QEMU: start the guest with -device vmcoreinfo and have its kernel load qemu_fw_cfg)"

struct vmcoreinfo_entry {
	const char *key, *value;	/* into lkdb_dump.vmcoreinfo_raw */
};

/* Room for a libkdumpfile message put right (kdump_message()). */
#define KDUMP_MESSAGE_SIZE 512

struct lkdb_dump {
	char *path;
	int fd;			/* what libkdumpfile reads */
	enum dump_format format;
	kdump_ctx_t *ctx;
	char *vmcoreinfo_raw;	/* split into keys and values in place */
	struct vmcoreinfo_entry *vmcoreinfo;
	size_t nr_vmcoreinfo;
	uint64_t kaslr_offset;
	unsigned int nr_cpus;
	/* libkdumpfile's translation of kernel virtual addresses */
	struct kernel_xlat *xlat;
	uint64_t page_size;
	/*
	 * kdump-compressed: which pages the file holds (libkdumpfile's page
	 * map), asked before reading, NULL for other formats.
	 */
	kdump_bmp_t *pagemap;
	/* This dump's reassembly is in LKDB_DUMP_REASSEMBLED_ENV. */
	bool published;
};

enum dump_format dump_detect_format(const void *buf, size_t len)
{
	if (len >= SELFMAG && memcmp(buf, ELFMAG, SELFMAG) == 0)
		return DUMP_FORMAT_ELF;
	if (len >= 8 && memcmp(buf, "KDUMP   ", 8) == 0)
		return DUMP_FORMAT_KDUMP;
	if (len >= 8 && memcmp(buf, "DISKDUMP", 8) == 0)
		return DUMP_FORMAT_DISKDUMP;
	if (flattened_has_signature(buf, len))
		return DUMP_FORMAT_FLATTENED;
	return DUMP_FORMAT_UNKNOWN;
}

const char *dump_format_string(enum dump_format format)
{
	switch (format) {
	case DUMP_FORMAT_ELF:		return "ELF";
	case DUMP_FORMAT_KDUMP:		return "kdump-compressed";
	case DUMP_FORMAT_DISKDUMP:	return "diskdump";
	case DUMP_FORMAT_FLATTENED:	return "flattened";
	case DUMP_FORMAT_UNKNOWN:	break;
	}
	return "unknown";
}

/* pread until len bytes or the end of the file. */
static struct lkdb_error *pread_full(const char *path, int fd, void *buf,
				     size_t len, uint64_t offset,
				     size_t *got_ret)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got,
				  (off_t)(offset + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return lkdb_error_errno(errno, "%s: reading at 0x%" PRIx64,
						path, offset + got);
		if (!n)
			break;
		got += (size_t)n;
	}
	*got_ret = got;
	return NULL;
}

/*
 * Open path and read its start.  A directory, anything but a regular file
 * or block device, an empty file and an unknown header are errors.
 */
static struct lkdb_error *open_and_probe(const char *path, int *fd_ret,
					 uint64_t *size_ret,
					 unsigned char *head,
					 size_t *head_len_ret,
					 enum dump_format *format_ret)
{
	struct lkdb_error *err;
	struct stat st;
	uint64_t size;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lkdb_error_errno(errno, "%s", path);
	if (fstat(fd, &st) < 0) {
		err = lkdb_error_errno(errno, "%s", path);
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"%s: is a directory, not a dump", path);
		goto fail;
	}
	if (S_ISREG(st.st_mode)) {
		size = (uint64_t)st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(fd, 0, SEEK_END);

		if (end < 0) {
			err = lkdb_error_errno(errno, "%s", path);
			goto fail;
		}
		size = (uint64_t)end;
	} else {
		err = lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: not a regular file or block device, not a dump",
			path);
		goto fail;
	}
	err = pread_full(path, fd, head, HEAD_SIZE, 0, head_len_ret);
	if (err)
		goto fail;
	if (!*head_len_ret) {
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"%s: empty file, not a dump", path);
		goto fail;
	}
	*format_ret = dump_detect_format(head, *head_len_ret);
	if (*format_ret == DUMP_FORMAT_UNKNOWN) {
		err = lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: not a dump: unknown header (expected ELF, KDUMP, DISKDUMP or makedumpfile)",
			path);
		goto fail;
	}
	*fd_ret = fd;
	*size_ret = size;
	return NULL;
fail:
	close(fd);
	return err;
}

struct lkdb_error *dump_probe_format(const char *path,
				     enum dump_format *format_ret)
{
	unsigned char head[HEAD_SIZE];
	struct lkdb_error *err;
	uint64_t size;
	size_t len;
	int fd;

	err = open_and_probe(path, &fd, &size, head, &len, format_ret);
	if (err)
		return err;
	close(fd);
	return NULL;
}

static const char *segment_type_name(uint32_t type)
{
	return type == PT_NOTE ? "PT_NOTE" : "PT_LOAD";
}

/*
 * An ELF dump: a 64-bit little-endian x86_64 core file whose PT_LOAD and
 * PT_NOTE segments all lie within the file (a truncated copy does not).
 */
static struct lkdb_error *check_elf(const char *path, int fd, uint64_t size,
				    const unsigned char *head, size_t len)
{
	struct lkdb_error *err = NULL;
	Elf64_Phdr *phdrs = NULL;
	unsigned int nr_loads = 0;
	uint64_t phnum;
	Elf64_Ehdr eh;
	size_t got;

	if (len < EI_NIDENT || len < sizeof(eh))
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: truncated: ELF header has %zu of %zu bytes",
			path, len, sizeof(eh));
	if (head[EI_CLASS] != ELFCLASS64 || head[EI_DATA] != ELFDATA2LSB)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: not a 64-bit little-endian ELF file; lkdb reads x86_64 dumps only",
			path);
	memcpy(&eh, head, sizeof(eh));
	if (eh.e_type == ET_EXEC || eh.e_type == ET_DYN)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: an ELF executable, not a core dump (the vmlinux given as the dump?)",
			path);
	if (eh.e_type != ET_CORE)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: not a core dump (ELF type %u)", path, eh.e_type);
	if (eh.e_machine != EM_X86_64)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: a core dump of ELF machine %u; lkdb reads x86_64 dumps only",
			path, eh.e_machine);
	if (eh.e_phentsize != sizeof(Elf64_Phdr))
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: corrupt ELF header: program header size %u, expected %zu",
			path, eh.e_phentsize, sizeof(Elf64_Phdr));

	phnum = eh.e_phnum;
	if (phnum == PN_XNUM) {
		/* The real count is in section header 0's sh_info. */
		Elf64_Shdr sh;

		if (eh.e_shoff > size || size - eh.e_shoff < sizeof(sh))
			return lkdb_error_create(LKDB_ERROR_INVALID,
				"%s: truncated: section header 0 at 0x%" PRIx64 " is past the end of the file (%" PRIu64 " bytes)",
				path, (uint64_t)eh.e_shoff, size);
		err = pread_full(path, fd, &sh, sizeof(sh), eh.e_shoff, &got);
		if (err)
			return err;
		if (got < sizeof(sh))
			return lkdb_error_create(LKDB_ERROR_INVALID,
				"%s: truncated: section header 0 is incomplete",
				path);
		phnum = sh.sh_info;
	}
	if (!phnum)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: core dump without program headers", path);
	if (phnum > MAX_PHDRS)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: corrupt ELF header: %" PRIu64 " program headers",
			path, phnum);
	if (eh.e_phoff > size ||
	    (size - eh.e_phoff) / sizeof(Elf64_Phdr) < phnum)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: truncated: %" PRIu64 " program headers at 0x%" PRIx64 " do not fit in the file (%" PRIu64 " bytes)",
			path, phnum, (uint64_t)eh.e_phoff, size);
	phdrs = calloc(phnum, sizeof(*phdrs));
	if (!phdrs)
		return &lkdb_error_oom;
	err = pread_full(path, fd, phdrs, phnum * sizeof(*phdrs), eh.e_phoff,
			 &got);
	if (err)
		goto out;
	if (got < phnum * sizeof(*phdrs)) {
		err = lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: truncated: program headers are incomplete", path);
		goto out;
	}
	for (uint64_t i = 0; i < phnum; i++) {
		const Elf64_Phdr *ph = &phdrs[i];

		if (ph->p_type != PT_LOAD && ph->p_type != PT_NOTE)
			continue;
		if (ph->p_type == PT_LOAD)
			nr_loads++;
		if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset) {
			err = lkdb_error_create(LKDB_ERROR_INVALID,
				"%s: truncated: %s segment %" PRIu64 " (file bytes 0x%" PRIx64 "-0x%" PRIx64 ") goes past the end of the file (%" PRIu64 " bytes)",
				path, segment_type_name(ph->p_type), i,
				(uint64_t)ph->p_offset,
				(uint64_t)ph->p_offset + ph->p_filesz, size);
			goto out;
		}
	}
	if (!nr_loads)
		err = lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: core dump without PT_LOAD segments (no memory)",
			path);
out:
	free(phdrs);
	return err;
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * A kdump-compressed (or diskdump) file of an x86_64 machine whose header,
 * sub-header and bitmaps fit in the file.  *preset_arch_ret tells whether
 * libkdumpfile must be told the architecture: QEMU fills in only
 * utsname.machine, which libkdumpfile 0.5.1 then ignores, and without an
 * architecture it skips the PRSTATUS notes and cannot translate addresses.
 */
static struct lkdb_error *check_kdump(const char *path, uint64_t size,
				      const unsigned char *head, size_t len,
				      bool *preset_arch_ret)
{
	char machine[DISKDUMP_UTS_FIELD + 1], sysname[DISKDUMP_UTS_FIELD + 1];
	uint32_t block_size, sub_hdr_size, bitmap_blocks;
	uint64_t need;

	if (len < DISKDUMP_HEADER_END)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: truncated: kdump header has %zu of %d bytes",
			path, len, DISKDUMP_HEADER_END);
	memcpy(machine, head + DISKDUMP_UTS_MACHINE, DISKDUMP_UTS_FIELD);
	machine[DISKDUMP_UTS_FIELD] = '\0';
	memcpy(sysname, head + DISKDUMP_UTS_SYSNAME, DISKDUMP_UTS_FIELD);
	sysname[DISKDUMP_UTS_FIELD] = '\0';
	if (machine[0] && strcmp(machine, "x86_64") != 0) {
		/* Keep the message one printable line. */
		lkdb_printable(machine, machine, DISKDUMP_UTS_FIELD, "");
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: a dump of a \"%s\" machine; lkdb reads x86_64 dumps only",
			path, machine);
	}
	*preset_arch_ret = !sysname[0];

	block_size = get_le32(head + DISKDUMP_BLOCK_SIZE);
	sub_hdr_size = get_le32(head + DISKDUMP_SUB_HDR_SIZE);
	bitmap_blocks = get_le32(head + DISKDUMP_BITMAP_BLOCKS);
	if (block_size < 1024 || block_size > (1u << 20) ||
	    (block_size & (block_size - 1)) || sub_hdr_size > INT32_MAX ||
	    bitmap_blocks > INT32_MAX)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: corrupt kdump header: block size %" PRIu32 ", %" PRIu32 " sub-header and %" PRIu32 " bitmap blocks",
			path, block_size, sub_hdr_size, bitmap_blocks);
	need = (1 + (uint64_t)sub_hdr_size + bitmap_blocks) * block_size;
	if (need > size)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: truncated: its headers and bitmaps take %" PRIu64 " bytes but the file has %" PRIu64,
			path, need, size);
	return NULL;
}

/*
 * libkdumpfile's message for the last error (status's text if none), with
 * its misspelt "Decompresion" (0.5.1) put right; in buf when changed.
 */
static const char *kdump_message(kdump_ctx_t *ctx, kdump_status status,
				 char buf[KDUMP_MESSAGE_SIZE])
{
	static const char typo[] = "Decompresion";
	const char *msg = kdump_get_err(ctx);

	if (!msg)
		msg = kdump_strerror(status);
	const char *at = strstr(msg, typo);
	if (!at)
		return msg;
	snprintf(buf, KDUMP_MESSAGE_SIZE, "%.*sDecompression%s",
		 (int)(at - msg), msg, at + strlen(typo));
	return buf;
}

static struct lkdb_error *kdump_failed(const struct lkdb_dump *dump,
				       kdump_status status, const char *what)
{
	char buf[KDUMP_MESSAGE_SIZE];
	const char *msg = kdump_message(dump->ctx, status, buf);
	if (status == KDUMP_ERR_SYSTEM && errno)
		return lkdb_error_errno(errno, "%s: %s: %s", dump->path, what,
					msg);
	return lkdb_error_create(LKDB_ERROR_INVALID, "%s: %s: %s",
				 dump->path, what, msg);
}

/* Split "KEY=VALUE\n" lines in place; lines without '=' are skipped. */
static struct lkdb_error *parse_vmcoreinfo(struct lkdb_dump *dump)
{
	size_t n = 1, cap;
	char *line;

	for (const char *c = dump->vmcoreinfo_raw; *c; c++)
		n += *c == '\n';
	cap = n;
	dump->vmcoreinfo = calloc(cap, sizeof(*dump->vmcoreinfo));
	if (!dump->vmcoreinfo)
		return &lkdb_error_oom;
	line = dump->vmcoreinfo_raw;
	while (line && *line) {
		char *next = strchr(line, '\n');
		char *eq;

		if (next)
			*next++ = '\0';
		eq = strchr(line, '=');
		if (eq && eq != line && dump->nr_vmcoreinfo < cap) {
			*eq = '\0';
			dump->vmcoreinfo[dump->nr_vmcoreinfo].key = line;
			dump->vmcoreinfo[dump->nr_vmcoreinfo].value = eq + 1;
			dump->nr_vmcoreinfo++;
		}
		line = next;
	}
	return NULL;
}

const char *dump_vmcoreinfo(const struct lkdb_dump *dump, const char *key)
{
	/* The first of repeated keys, as the kernel wrote them. */
	for (size_t i = 0; i < dump->nr_vmcoreinfo; i++) {
		if (strcmp(dump->vmcoreinfo[i].key, key) == 0)
			return dump->vmcoreinfo[i].value;
	}
	return NULL;
}

static bool parse_hex(const char *s, uint64_t *ret)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*ret = strtoull(s, &end, 16);
	return !errno && !*end && *s != '-';
}

static struct lkdb_error *read_vmcoreinfo(struct lkdb_dump *dump)
{
	const char *offset;
	kdump_status status;
	struct lkdb_error *err;

	status = kdump_vmcoreinfo_raw(dump->ctx, &dump->vmcoreinfo_raw);
	if (status == KDUMP_ERR_NODATA || status == KDUMP_ERR_NOKEY ||
	    (status == KDUMP_OK && !*dump->vmcoreinfo_raw))
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: no VMCOREINFO in this dump " NO_VMCOREINFO_HINT,
			dump->path);
	if (status != KDUMP_OK)
		return kdump_failed(dump, status, "reading VMCOREINFO");
	err = parse_vmcoreinfo(dump);
	if (err)
		return err;
	if (!dump_vmcoreinfo(dump, "OSRELEASE"))
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: VMCOREINFO without OSRELEASE", dump->path);
	offset = dump_vmcoreinfo(dump, "KERNELOFFSET");
	if (offset && !parse_hex(offset, &dump->kaslr_offset))
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: VMCOREINFO has a bad KERNELOFFSET \"%s\"",
			dump->path, offset);
	return NULL;
}

/* A kdump_read() failure at addr (kernel virtual or physical). */
static struct lkdb_error *read_failed(struct lkdb_dump *dump,
				      kdump_status status, bool phys,
				      uint64_t addr)
{
	const char *space = phys ? "physical address" : "address";
	char buf[KDUMP_MESSAGE_SIZE];
	const char *msg = kdump_message(dump->ctx, status, buf);
	switch (status) {
	case KDUMP_ERR_NODATA:
		return lkdb_error_create(LKDB_ERROR_FAULT,
			"%s 0x%" PRIx64 ": page not in the dump (filtered?)",
			space, addr);
	case KDUMP_ERR_ADDRXLAT:
		return lkdb_error_create(LKDB_ERROR_FAULT,
			"%s 0x%" PRIx64 ": not mapped in the dump's page tables (%s)",
			space, addr, msg);
	case KDUMP_ERR_SYSTEM:
		return lkdb_error_errno(errno ? errno : EIO,
			"%s: reading %s 0x%" PRIx64 " (%s)", dump->path, space,
			addr, msg);
	default:
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: reading %s 0x%" PRIx64 ": %s (truncated or corrupt dump?)",
			dump->path, space, addr, msg);
	}
}

static bool wraps(uint64_t addr, size_t len)
{
	return len && addr + (len - 1) < addr;
}

/*
 * Whether the dump holds the page at paddr.  A page a filtered dump left
 * out is never asked of libkdumpfile: 0.5.1, after many reads of such
 * pages, wrote through a NULL pointer (seen searching a makedumpfile -d 31
 * dump).  Without a page map: yes, and libkdumpfile says.
 */
static bool has_page(struct lkdb_dump *dump, uint64_t paddr)
{
	if (!dump->pagemap || !dump->page_size)
		return true;
	kdump_addr_t want = paddr / dump->page_size, idx = want;
	return kdump_bmp_find_set(dump->pagemap, &idx) == KDUMP_OK &&
	       idx == want;
}

/* The first address of [addr, addr + len) at physical pa.. that is not there. */
static bool range_missing(struct lkdb_dump *dump, uint64_t paddr, size_t len,
			  uint64_t *missing_ret)
{
	if (!dump->pagemap)
		return false;
	uint64_t page = dump->page_size;
	for (uint64_t at = paddr & ~(page - 1); at < paddr + len; at += page) {
		if (!has_page(dump, at)) {
			*missing_ret = at < paddr ? paddr : at;
			return true;
		}
	}
	return false;
}

struct lkdb_error *dump_read_phys(struct lkdb_dump *dump, uint64_t paddr,
				  void *buf, size_t len)
{
	uint64_t missing;
	kdump_status status;
	size_t done = len;

	if (!len)
		return NULL;
	if (wraps(paddr, len))
		return lkdb_error_create(LKDB_ERROR_FAULT,
			"physical address 0x%" PRIx64 ": %zu bytes from there wrap around the address space",
			paddr, len);
	if (range_missing(dump, paddr, len, &missing))
		return read_failed(dump, KDUMP_ERR_NODATA, true, missing);
	errno = 0;
	status = kdump_read(dump->ctx, KDUMP_KPHYSADDR, paddr, buf, &done);
	if (status == KDUMP_OK)
		return NULL;
	/* done bytes were read: name the first one that was not. */
	return read_failed(dump, status, true,
			   paddr + (done < len ? done : 0));
}

/*
 * Kernel virtual addresses are translated here, page by page, through the
 * dump's page tables (xlat.h: libaddrxlat, set up from VMCOREINFO), and the
 * physical pages read.  kdump_read(KDUMP_KVADDR) would first look for the
 * address in the ELF PT_LOADs' p_vaddr, which QEMU sets to the physical
 * address: low "virtual" addresses would read physical memory.
 */
struct lkdb_error *dump_read(struct lkdb_dump *dump, uint64_t addr,
			     void *buf, size_t len)
{
	size_t done = 0;

	if (!len)
		return NULL;
	if (wraps(addr, len))
		return lkdb_error_create(LKDB_ERROR_FAULT,
			"address 0x%" PRIx64 ": %zu bytes from there wrap around the address space",
			addr, len);
	while (done < len) {
		uint64_t va = addr + done;
		uint64_t in_page = dump->page_size -
				   (va & (dump->page_size - 1));
		size_t n = in_page < len - done ? (size_t)in_page : len - done;
		uint64_t pa;
		kdump_status status;
		size_t got = n;
		struct lkdb_error *err = kernel_xlat_vtop(dump->xlat, va, &pa);

		if (err)
			return err;
		if (!has_page(dump, pa))
			return read_failed(dump, KDUMP_ERR_NODATA, false, va);
		errno = 0;
		status = kdump_read(dump->ctx, KDUMP_KPHYSADDR, pa,
				    (char *)buf + done, &got);
		if (status != KDUMP_OK)
			return read_failed(dump, status, false,
					   va + (got < n ? got : 0));
		done += n;
	}
	return NULL;
}

/*
 * kdump-compressed: page data is written in PFN order, so a truncated file
 * (a copy that ran out of disk) lacks the last page.  Reading it costs one
 * page; finding it a walk over the runs of the dump's page bitmap.
 */
static struct lkdb_error *check_last_page(struct lkdb_dump *dump)
{
	kdump_addr_t idx = 0, last = 0;
	kdump_num_t page_size;
	bool any = false;
	kdump_attr_t attr;
	kdump_status status;
	size_t len = 1;
	char byte, buf[KDUMP_MESSAGE_SIZE];

	attr.type = KDUMP_BITMAP;
	if (kdump_get_typed_attr(dump->ctx, KDUMP_ATTR_FILE_PAGEMAP, &attr) !=
	    KDUMP_OK ||
	    kdump_get_number_attr(dump->ctx, KDUMP_ATTR_PAGE_SIZE,
				  &page_size) != KDUMP_OK)
		return NULL;
	while (kdump_bmp_find_set(attr.val.bitmap, &idx) == KDUMP_OK) {
		if (kdump_bmp_find_clear(attr.val.bitmap, &idx) != KDUMP_OK ||
		    !idx)
			return NULL;
		last = idx - 1;
		any = true;
	}
	if (!any)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: the dump holds no pages", dump->path);
	errno = 0;
	status = kdump_read(dump->ctx, KDUMP_MACHPHYSADDR, last * page_size,
			    &byte, &len);
	if (status == KDUMP_OK || status == KDUMP_ERR_NODATA)
		return NULL;
	return lkdb_error_create(LKDB_ERROR_INVALID,
		"%s: truncated or corrupt: its last page (physical 0x%" PRIx64 ") cannot be read: %s",
		dump->path, (uint64_t)(last * page_size),
		kdump_message(dump->ctx, status, buf));
}

/*
 * Read init_uts_ns's release through the page tables: fails early and
 * clearly when VMCOREINFO does not give libkdumpfile what it needs to
 * translate, instead of on every read later.  Not compared with
 * OSRELEASE: a corrupted kernel's dump must still open.
 */
static struct lkdb_error *check_translation(struct lkdb_dump *dump)
{
	const char *sym = dump_vmcoreinfo(dump, "SYMBOL(init_uts_ns)");
	const char *off = dump_vmcoreinfo(dump, "OFFSET(uts_namespace.name)");
	uint64_t addr, name_offset = 0;
	struct lkdb_error *err;
	char release[65];

	if (!parse_hex(sym, &addr))
		return NULL;
	if (off) {
		char *end;

		errno = 0;
		name_offset = strtoull(off, &end, 10);
		if (errno || *end)
			return NULL;
	}
	err = dump_read(dump, addr + name_offset + UTS_RELEASE_OFFSET,
			release, sizeof(release));
	if (err)
		return lkdb_error_prefix(err,
			"%s: cannot read the kernel's init_uts_ns through the dump's page tables",
			dump->path);
	return NULL;
}

/*
 * A flattened dump is reassembled once per session, not once per process:
 * lkdb's own copy is named in the environment, which gdb hands down to
 * the lkdb-dump-server it starts, as
 *
 *	DUMP-IDENTITY COPY-DEV:COPY-INO /proc/PID/fd/FD
 *
 * where DUMP-IDENTITY is the flattened file's device, inode, size and
 * modification time.  A process opening the same, unchanged file reopens
 * the unlinked copy through /proc (it lives while lkdb holds it) after
 * checking that the descriptor is still that copy; anything else (another
 * dump, a changed one, lkdb gone, no /proc) reassembles as before.
 */
static bool file_identity(int fd, char *buf, size_t size)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return false;
	int n = snprintf(buf, size, "%ju:%ju:%jd:%jd.%09ld",
			 (uintmax_t)st.st_dev, (uintmax_t)st.st_ino,
			 (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec,
			 st.st_mtim.tv_nsec);
	return n > 0 && (size_t)n < size;
}

/* The published copy of the flattened file open as flat_fd, or -1. */
static int reuse_reassembled(int flat_fd, uint64_t *size_ret)
{
	const char *value = getenv(LKDB_DUMP_REASSEMBLED_ENV);
	char identity[128], want[128], path[64];
	uintmax_t dev, ino;
	struct stat st;
	if (!value || !file_identity(flat_fd, identity, sizeof(identity)) ||
	    sscanf(value, "%127s %ju:%ju %63s", want, &dev, &ino, path) != 4 ||
	    strcmp(want, identity) != 0 || strncmp(path, "/proc/", 6) != 0)
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uintmax_t)st.st_dev != dev || (uintmax_t)st.st_ino != ino) {
		close(fd);
		return -1;
	}
	*size_ret = (uint64_t)st.st_size;
	return fd;
}

/* Name dump's copy (dump->fd) of the flattened file flat_fd to children. */
static void publish_reassembled(struct lkdb_dump *dump, int flat_fd)
{
	char identity[128], *value;
	struct stat st;
	if (!file_identity(flat_fd, identity, sizeof(identity)) ||
	    fstat(dump->fd, &st) < 0 ||
	    asprintf(&value, "%s %ju:%ju /proc/%ld/fd/%d", identity,
		     (uintmax_t)st.st_dev, (uintmax_t)st.st_ino,
		     (long)getpid(), dump->fd) < 0)
		return;
	dump->published = setenv(LKDB_DUMP_REASSEMBLED_ENV, value, 1) == 0;
	free(value);
}

/*
 * A flattened dump: its kdump-compressed reassembly (reused when this file
 * was reassembled before) becomes dump->fd, fd is closed; head, len and
 * format are those of the reassembled file.
 */
static struct lkdb_error *open_flattened(struct lkdb_dump *dump,
					 const char *path, int fd,
					 uint64_t *size, unsigned char *head,
					 size_t *len, enum dump_format *format)
{
	struct flattened_stats stats;
	int kdump_fd = reuse_reassembled(fd, size);
	bool reused = kdump_fd >= 0;
	struct lkdb_error *err;
	if (!reused) {
		err = flattened_reassemble_tmpfile(path, fd,
				FLATTENED_DEFAULT_MAX_SIZE, &kdump_fd, &stats);
		if (err)
			return err;
		*size = stats.size;
	}
	dump->fd = kdump_fd;
	if (!reused)
		publish_reassembled(dump, fd);
	close(fd);
	err = pread_full(path, kdump_fd, head, HEAD_SIZE, 0, len);
	if (err)
		return err;
	*format = dump_detect_format(head, *len);
	if (*format != DUMP_FORMAT_KDUMP && *format != DUMP_FORMAT_DISKDUMP)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: flattened, but what it holds is not a kdump-compressed dump (unknown header)",
			path);
	return NULL;
}

/* libkdumpfile opens dump->fd: a Linux x86_64 dump, else an error. */
static struct lkdb_error *open_kdumpfile(struct lkdb_dump *dump,
					 bool preset_arch)
{
	kdump_status status;
	const char *arch;
	dump->ctx = kdump_new();
	if (!dump->ctx)
		return &lkdb_error_oom;
	/* Both must be known before the file is opened. */
	status = kdump_set_string_attr(dump->ctx, KDUMP_ATTR_OSTYPE, "linux");
	if (status == KDUMP_OK && preset_arch)
		status = kdump_set_string_attr(dump->ctx, KDUMP_ATTR_ARCH_NAME,
					       KDUMP_ARCH_X86_64);
	if (status != KDUMP_OK)
		return kdump_failed(dump, status, "libkdumpfile set-up");
	errno = 0;
	status = kdump_open_fd(dump->ctx, dump->fd);
	if (status != KDUMP_OK)
		return kdump_failed(dump, status, "libkdumpfile cannot open it");
	if (kdump_get_string_attr(dump->ctx, KDUMP_ATTR_ARCH_NAME, &arch) !=
	    KDUMP_OK || strcmp(arch, KDUMP_ARCH_X86_64) != 0)
		return lkdb_error_create(LKDB_ERROR_INVALID,
			"%s: not an x86_64 dump; lkdb reads x86_64 dumps only",
			dump->path);
	return NULL;
}

/* The page size, the page map, the address translation, the CPUs. */
static struct lkdb_error *read_dump_facts(struct lkdb_dump *dump,
					  enum dump_format format)
{
	kdump_num_t nr_cpus, page_size;
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	kdump_status status = kdump_get_number_attr(dump->ctx,
						    KDUMP_ATTR_PAGE_SIZE,
						    &page_size);
	if (status != KDUMP_OK || !page_size ||
	    (page_size & (page_size - 1)))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: no valid page size", dump->path);
	dump->page_size = page_size;
	if (format != DUMP_FORMAT_ELF) {
		kdump_attr_t attr;
		attr.type = KDUMP_BITMAP;
		if (kdump_get_typed_attr(dump->ctx, KDUMP_ATTR_FILE_PAGEMAP,
					 &attr) == KDUMP_OK) {
			dump->pagemap = attr.val.bitmap;
			kdump_bmp_incref(dump->pagemap);
		}
	}
	status = kdump_get_addrxlat(dump->ctx, &axctx, &axsys);
	if (status != KDUMP_OK)
		return kdump_failed(dump, status,
				    "cannot set up address translation");
	struct lkdb_error *err = kernel_xlat_wrap(axctx, axsys,
						  "the dump's page tables",
						  &dump->xlat);
	addrxlat_ctx_decref(axctx);
	addrxlat_sys_decref(axsys);
	if (err)
		return err;
	if (kdump_get_number_attr(dump->ctx, KDUMP_ATTR_NUM_CPUS, &nr_cpus) ==
	    KDUMP_OK)
		dump->nr_cpus = nr_cpus > UINT32_MAX ? UINT32_MAX :
				(unsigned int)nr_cpus;
	return NULL;
}

struct lkdb_error *dump_open(const char *path, struct lkdb_dump **ret)
{
	unsigned char head[HEAD_SIZE];
	enum dump_format format;
	bool preset_arch = false;
	uint64_t size;
	size_t len;
	int fd;
	struct lkdb_error *err = open_and_probe(path, &fd, &size, head, &len,
						&format);
	if (err)
		return err;
	struct lkdb_dump *dump = calloc(1, sizeof(*dump));
	if (!dump || !(dump->path = strdup(path))) {
		free(dump);
		close(fd);
		return &lkdb_error_oom;
	}
	dump->fd = fd;
	dump->format = format;
	if (format == DUMP_FORMAT_FLATTENED)
		err = open_flattened(dump, path, fd, &size, head, &len,
				     &format);
	if (!err && format == DUMP_FORMAT_ELF)
		err = check_elf(path, dump->fd, size, head, len);
	else if (!err)
		err = check_kdump(path, size, head, len, &preset_arch);
	if (!err)
		err = open_kdumpfile(dump, preset_arch);
	if (!err && format != DUMP_FORMAT_ELF)
		err = check_last_page(dump);
	if (!err)
		err = read_vmcoreinfo(dump);
	if (!err)
		err = read_dump_facts(dump, format);
	if (!err)
		err = check_translation(dump);
	if (err) {
		dump_destroy(dump);
		return err;
	}
	*ret = dump;
	return NULL;
}

/* See dump_destroy(): contexts libkdumpfile cannot free safely. */
#define KEPT_CONTEXTS_MAX 16
static kdump_ctx_t *kept_contexts[KEPT_CONTEXTS_MAX] __attribute__((used));
static unsigned int nkept_contexts;

void dump_destroy(struct lkdb_dump *dump)
{
	if (!dump)
		return;
	kernel_xlat_destroy(dump->xlat);
	if (dump->pagemap)
		kdump_bmp_decref(dump->pagemap);
	if (dump->ctx && dump->format == DUMP_FORMAT_ELF) {
		kdump_free(dump->ctx);
	} else if (dump->ctx) {
		/*
		 * libkdumpfile 0.5.1's kdump_free() uses freed memory for every
		 * diskdump-format context (reported upstream with drgn, issue
		 * #280): with glibc's MALLOC_PERTURB_ it crashes.  A dump is
		 * opened once per session, so its context is kept instead,
		 * reachable from here so leak checkers see no leak.
		 */
		kept_contexts[nkept_contexts++ % KEPT_CONTEXTS_MAX] = dump->ctx;
	}
	if (dump->published)
		unsetenv(LKDB_DUMP_REASSEMBLED_ENV);
	if (dump->fd >= 0)
		close(dump->fd);
	free(dump->vmcoreinfo);
	free(dump->vmcoreinfo_raw);
	free(dump->path);
	free(dump);
}

const char *dump_path(const struct lkdb_dump *dump)
{
	return dump->path;
}

enum dump_format dump_format(const struct lkdb_dump *dump)
{
	return dump->format;
}

const char *dump_format_name(const struct lkdb_dump *dump)
{
	return dump_format_string(dump->format);
}

uint64_t dump_kaslr_offset(const struct lkdb_dump *dump)
{
	return dump->kaslr_offset;
}

struct lkdb_error *dump_check_vmlinux(const struct lkdb_dump *dump,
				      const struct vmlinux *vm)
{
	const char *dump_id = dump_vmcoreinfo(dump, "BUILD-ID");
	const char *vm_id = vmlinux_build_id(vm);
	const char *dump_release, *vm_release;

	if (dump_id && *dump_id) {
		if (vm_id && strcasecmp(dump_id, vm_id) == 0)
			return NULL;
		return lkdb_error_create(LKDB_ERROR_MISMATCH,
			"%s does not match the dump %s: build-id %s, the dumped kernel's %s",
			vmlinux_path(vm), dump->path,
			vm_id ? vm_id : "(none)", dump_id);
	}
	dump_release = dump_vmcoreinfo(dump, "OSRELEASE");
	vm_release = vmlinux_release(vm);
	if (dump_release && vm_release && strcmp(dump_release, vm_release) == 0)
		return NULL;
	return lkdb_error_create(LKDB_ERROR_MISMATCH,
		"%s does not match the dump %s: release %s, the dumped kernel's %s",
		vmlinux_path(vm), dump->path, vm_release ? vm_release : "(none)",
		dump_release ? dump_release : "(none)");
}

unsigned int dump_nr_cpus(const struct lkdb_dump *dump)
{
	return dump->nr_cpus;
}

struct lkdb_error *dump_cpu_regs(struct lkdb_dump *dump, unsigned int cpu,
				 struct x86_64_regs *ret)
{
	static const struct {
		const char *name;
		size_t offset;
	} regs[] = {
#define REG(field, name) { name, offsetof(struct x86_64_regs, field) }
		REG(r15, "r15"), REG(r14, "r14"), REG(r13, "r13"),
		REG(r12, "r12"), REG(rbp, "rbp"), REG(rbx, "rbx"),
		REG(r11, "r11"), REG(r10, "r10"), REG(r9, "r9"),
		REG(r8, "r8"), REG(rax, "rax"), REG(rcx, "rcx"),
		REG(rdx, "rdx"), REG(rsi, "rsi"), REG(rdi, "rdi"),
		REG(orig_rax, "orig_rax"), REG(rip, "rip"), REG(cs, "cs"),
		REG(eflags, "rflags"), REG(rsp, "rsp"), REG(ss, "ss"),
		REG(fs_base, "fs_base"), REG(gs_base, "gs_base"),
		REG(ds, "ds"), REG(es, "es"), REG(fs, "fs"), REG(gs, "gs"),
#undef REG
	};
	struct x86_64_regs r = { 0 };
	char key[64];

	if (cpu >= dump->nr_cpus)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
			"%s: no registers of CPU %u in the dump (it has %u)",
			dump->path, cpu, dump->nr_cpus);
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		kdump_num_t value;
		kdump_status status;

		snprintf(key, sizeof(key), "cpu.%u.reg.%s", cpu, regs[i].name);
		status = kdump_get_number_attr(dump->ctx, key, &value);
		if (status == KDUMP_OK) {
			uint64_t v = value;

			memcpy((char *)&r + regs[i].offset, &v, sizeof(v));
		} else if (!strcmp(regs[i].name, "rip") ||
			   !strcmp(regs[i].name, "rsp")) {
			/* Others may be missing; without these, nothing. */
			char buf[KDUMP_MESSAGE_SIZE];

			return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
				"%s: no %s of CPU %u in the dump (%s)",
				dump->path, regs[i].name, cpu,
				kdump_message(dump->ctx, status, buf));
		}
	}
	*ret = r;
	return NULL;
}

static struct lkdb_error *target_memory_read(void *context, uint64_t addr,
					     void *buf, size_t len)
{
	return dump_read(context, addr, buf, len);
}

static unsigned int target_nr_cpus(void *context)
{
	return dump_nr_cpus(context);
}

static struct lkdb_error *target_cpu_regs(void *context, unsigned int cpu,
					  struct x86_64_regs *ret)
{
	return dump_cpu_regs(context, cpu, ret);
}

void dump_target(struct lkdb_dump *dump, struct lkdb_target *ret)
{
	ret->memory.context = dump;
	ret->memory.read = target_memory_read;
	/* In-process: reads cost no round trip, one at a time will do. */
	ret->memory.read_batch = NULL;
	ret->context = dump;
	ret->nr_cpus = target_nr_cpus;
	ret->cpu_regs = target_cpu_regs;
}
