// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The entry code's call frame information for gdb, decoded by binutils'
 * readelf (argv[1]): an empty .text, a CIE marking signal frames ("S"),
 * and per range an FDE at its link-time addresses whose rules read every
 * register from the struct pt_regs where ORC says it is -- at rsp, from
 * rbp, through a pointer -- or, for an iret frame, the five registers it
 * has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel-helpers/x86_64/entry_cfi.h"
#include "tap.h"

static const char *readelf;
static char *decoded;	/* readelf -S -wf of the image */

#define BIAS 0x10000000ull

static char *run_readelf(const char *path)
{
	char *cmd;
	if (asprintf(&cmd, "'%s' -S -wf '%s'", readelf, path) < 0)
		return NULL;
	FILE *p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	char buf[4096];
	size_t n;
	while (out && (n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, out);
	if (out)
		fclose(out);
	if (pclose(p) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The lines of FDE number `index` (0-based), or NULL. */
static char *fde(int index)
{
	const char *p = decoded;
	for (int i = 0; p && i <= index; i++) {
		p = strstr(p, " FDE cie=");
		if (p && i < index)
			p++;
	}
	if (!p)
		return NULL;
	const char *end = strstr(p + 1, " FDE cie=");
	size_t len = end ? (size_t)(end - p) : strlen(p);
	return strndup(p, len);
}

TEST(image_decodes)
{
	struct unwind_regs_range r[] = {
		{ 0xffffffff91000100ull, 0xffffffff91000120ull,
		  UNWIND_REGS_AT_SP, 0, false },
		{ 0xffffffff91000120ull, 0xffffffff91000130ull,
		  UNWIND_REGS_AT_BP, -40, true },
		{ 0xffffffff91000200ull, 0xffffffff91000210ull,
		  UNWIND_REGS_AT_SP_INDIRECT, 8, false },
		{ 0xffffffff91000210ull, 0xffffffff91000218ull,
		  UNWIND_REGS_AT_BP_INDIRECT, -16, false },
	};
	void *image = NULL;
	size_t size = 0;
	struct lkdb_error *err = entry_cfi_image(r, 4, BIAS, &image, &size);
	CHECK(!err);
	lkdb_error_destroy(err);
	char path[] = "/tmp/lkdb-test-entry-cfi.XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0 || !image)
		return;
	CHECK(write(fd, image, size) == (ssize_t)size);
	close(fd);
	free(image);
	decoded = run_readelf(path);
	unlink(path);
	CHECK(decoded != NULL);
	if (decoded)
		printf("%s", "# readelf decoded the image\n");
}

/* gdb relocates by the text section; empty, it maps no address here. */
TEST(text_section_is_empty)
{
	CHECK(decoded && strstr(decoded, "  [ 1] .text             NOBITS           0000000000000000"));
	CHECK(decoded && strstr(decoded, "       0000000000000000  0000000000000000  AX "));
}

TEST(cie_marks_signal_frames)
{
	CHECK(decoded && strstr(decoded, "Augmentation:          \"S\"\n"));
	CHECK(decoded && strstr(decoded, "Return address column: 16\n"));
}

TEST(full_pt_regs_at_rsp)
{
	char *f = fde(0);
	CHECK(f && strstr(f, "pc=ffffffff81000100..ffffffff81000120\n"));
	CHECK(f && strstr(f, "DW_CFA_def_cfa_expression (DW_OP_breg7 (rsp): 0; DW_OP_plus_uconst: 152; DW_OP_deref)\n"));
	CHECK(f && strstr(f, "DW_CFA_val_expression: r7 (rsp) (DW_OP_breg7 (rsp): 0; DW_OP_plus_uconst: 152; DW_OP_deref)\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r15 (r15) (DW_OP_breg7 (rsp): 0)\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r6 (rbp) (DW_OP_breg7 (rsp): 0; DW_OP_plus_uconst: 32)\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r0 (rax) (DW_OP_breg7 (rsp): 0; DW_OP_plus_uconst: 80)\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r5 (rdi) (DW_OP_breg7 (rsp): 0; DW_OP_plus_uconst: 112)\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r16 (rip) (DW_OP_breg7 (rsp): 0; DW_OP_plus_uconst: 128)\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r51 (cs) (DW_OP_breg7 (rsp): 0; DW_OP_plus_uconst: 136)\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r49 (rflags) (DW_OP_breg7 (rsp): 0; DW_OP_plus_uconst: 144)\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r52 (ss) (DW_OP_breg7 (rsp): 0; DW_OP_plus_uconst: 160)\n"));
	/* 15 general registers, rip, cs, rflags, ss; orig_ax is none */
	int n = 0;
	for (const char *p = f; p && (p = strstr(p, "DW_CFA_expression:")); p++)
		n++;
	CHECK(n == 19);
	free(f);
}

TEST(iret_frame_from_rbp_has_five_registers)
{
	char *f = fde(1);
	CHECK(f && strstr(f, "pc=ffffffff81000120..ffffffff81000130\n"));
	CHECK(f && strstr(f, "DW_CFA_def_cfa_expression (DW_OP_breg6 (rbp): -40; DW_OP_plus_uconst: 24; DW_OP_deref)\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r16 (rip) (DW_OP_breg6 (rbp): -40)\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r51 (cs) (DW_OP_breg6 (rbp): -40; DW_OP_plus_uconst: 8)\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r49 (rflags) (DW_OP_breg6 (rbp): -40; DW_OP_plus_uconst: 16)\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r52 (ss) (DW_OP_breg6 (rbp): -40; DW_OP_plus_uconst: 32)\n"));
	CHECK(f && !strstr(f, "r15"));
	CHECK(f && !strstr(f, "(rax)"));
	free(f);
}

TEST(registers_through_a_pointer)
{
	char *f = fde(2);
	CHECK(f && strstr(f, "pc=ffffffff81000200..ffffffff81000210\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r16 (rip) (DW_OP_breg7 (rsp): 0; DW_OP_deref; DW_OP_consts: 8; DW_OP_plus; DW_OP_plus_uconst: 128)\n"));
	free(f);
	f = fde(3);
	CHECK(f && strstr(f, "pc=ffffffff81000210..ffffffff81000218\n"));
	CHECK(f && strstr(f, "DW_CFA_expression: r16 (rip) (DW_OP_breg6 (rbp): -16; DW_OP_deref; DW_OP_plus_uconst: 128)\n"));
	free(f);
	CHECK(fde(4) == NULL);
}

TEST(no_ranges_is_an_error)
{
	void *image = (void *)1;
	size_t size = 1;
	struct lkdb_error *err = entry_cfi_image(NULL, 0, 0, &image, &size);
	CHECK(err && err->code == LKDB_ERROR_NOT_FOUND);
	CHECK(err && strstr(err->message, "struct pt_regs"));
	CHECK(image == NULL && size == 0);
	lkdb_error_destroy(err);
}

int main(int argc, char **argv)
{
	readelf = argc > 1 ? argv[1] : "readelf";
	RUN(image_decodes);
	RUN(text_section_is_empty);
	RUN(cie_marks_signal_frames);
	RUN(full_pt_regs_at_rsp);
	RUN(iret_frame_from_rbp_has_five_registers);
	RUN(registers_through_a_pointer);
	RUN(no_ranges_is_an_error);
	free(decoded);
	return tap_done();
}
