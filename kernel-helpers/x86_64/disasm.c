// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/x86_64/disasm.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

void disasm_free(struct disasm_insn *insns, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		free(insns[i].text);
	free(insns);
}

/*
 * One objdump line "  2a:\tc6 04 25 00 00 00 00 01 \tmovb   $0x1,0x0":
 * false for the headers.
 */
static bool parse_line(char *line, size_t *offset_ret, size_t *len_ret,
		       char **text_ret)
{
	char *end;
	while (*line == ' ')
		line++;
	unsigned long offset = strtoul(line, &end, 16);
	if (end == line || end[0] != ':' || end[1] != '\t')
		return false;
	char *bytes = end + 2;
	char *tab = strchr(bytes, '\t');
	if (!tab)
		return false;
	size_t len = 0;
	for (char *p = bytes; p < tab; p++) {
		if (p[0] != ' ' && p[1] && p[1] != ' ' && p[1] != '\t') {
			len++;
			p++;
		}
	}
	char *text = tab + 1;
	text[strcspn(text, "\n")] = '\0';
	/* trailing blanks and objdump's "# comment" noise stay as printed */
	*offset_ret = offset;
	*len_ret = len;
	*text_ret = text;
	return true;
}

/* objdump of file from start: the instructions, offsets from byte 0. */
static struct lkdb_error *run_objdump(const char *file, size_t start,
				      struct disasm_insn **insns_ret,
				      size_t *nr_ret)
{
	char start_arg[64];
	snprintf(start_arg, sizeof(start_arg), "--start-address=%zu", start);
	char *argv[] = { "objdump", "-D", "-b", "binary", "-m", "i386:x86-64",
			 "--insn-width=16", start_arg, (char *)file, NULL };
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC))
		return lkdb_error_errno(errno, "pipe");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, "objdump", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc) {
		close(pipefd[0]);
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "cannot run objdump (install binutils): %s",
					 strerror(rc));
	}
	FILE *in = fdopen(pipefd[0], "r");
	struct disasm_insn *insns = NULL;
	size_t nr = 0;
	bool oom = !in;
	char *line = NULL;
	size_t cap = 0;
	while (in && getline(&line, &cap, in) > 0) {
		size_t offset, len;
		char *text;
		if (oom || !parse_line(line, &offset, &len, &text))
			continue;
		struct disasm_insn *grown = realloc(insns,
						    (nr + 1) * sizeof(*grown));
		char *copy = strdup(text);
		if (!grown || !copy) {
			free(copy);
			if (grown)
				insns = grown;
			oom = true;
			continue;
		}
		insns = grown;
		insns[nr++] = (struct disasm_insn){ offset, len, copy, false };
	}
	free(line);
	if (in)
		fclose(in);
	else
		close(pipefd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (oom) {
		disasm_free(insns, nr);
		return &lkdb_error_oom;
	}
	*insns_ret = insns;
	*nr_ret = nr;
	return NULL;
}

/* Whether the listing has an instruction at marked and no (bad) before. */
static bool lands_on(const struct disasm_insn *insns, size_t nr, long marked)
{
	for (size_t i = 0; i < nr; i++) {
		if ((long)insns[i].offset == marked)
			return true;
		if ((long)insns[i].offset > marked ||
		    strstr(insns[i].text, "(bad)"))
			return false;
	}
	return false;
}

struct lkdb_error *disasm_code(const uint8_t *bytes, size_t n, long marked,
			       struct disasm_insn **insns_ret, size_t *nr_ret)
{
	*insns_ret = NULL;
	*nr_ret = 0;
	const char *tmp = getenv("TMPDIR");
	char *file;
	if (asprintf(&file, "%s/lkdb-code.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
		return &lkdb_error_oom;
	int fd = mkstemp(file);
	if (fd < 0) {
		struct lkdb_error *err = lkdb_error_errno(errno,
			"cannot create a temporary file %s", file);
		free(file);
		return err;
	}
	struct lkdb_error *err = NULL;
	if (write(fd, bytes, n) != (ssize_t)n)
		err = lkdb_error_errno(errno, "writing %s", file);
	close(fd);
	struct disasm_insn *insns = NULL;
	size_t nr = 0;
	/* x86 instructions are at most 15 bytes: one of 15 starts aligns */
	size_t last_start = marked > 0 ? (size_t)marked : 0;
	if (last_start > 14)
		last_start = 14;
	bool landed = false;
	for (size_t start = 0; !err && start <= last_start && !landed; start++) {
		disasm_free(insns, nr);
		insns = NULL;
		nr = 0;
		err = run_objdump(file, start, &insns, &nr);
		landed = marked < 0 || lands_on(insns, nr, marked);
	}
	if (!err && !landed) {
		/* no start fits (not code?): show it from the first byte */
		disasm_free(insns, nr);
		insns = NULL;
		nr = 0;
		err = run_objdump(file, 0, &insns, &nr);
	}
	unlink(file);
	free(file);
	if (err) {
		disasm_free(insns, nr);
		return err;
	}
	for (size_t i = 0; i < nr; i++)
		insns[i].faulting = (long)insns[i].offset == marked;
	*insns_ret = insns;
	*nr_ret = nr;
	return NULL;
}
