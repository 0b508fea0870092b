// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/target/gdb_target.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void read_args(uint64_t addr, size_t len, char addr_s[32],
		      char len_s[32])
{
	snprintf(addr_s, 32, "0x%" PRIx64, addr);
	snprintf(len_s, 32, "%zu", len);
}

/* The bytes of a -data-read-memory-bytes answer: all of them, or FAULT. */
static struct lkdb_error *read_result(const struct gdb_call_result *r,
				      uint64_t addr, void *buf, size_t len)
{
	if (r->record->result_class != MI_CLASS_DONE) {
		const char *msg = gdb_result_error_message(r->record);
		char at[32];
		snprintf(at, sizeof(at), "0x%" PRIx64, addr);
		/* "Cannot access memory at address 0x...": the address once */
		if (msg && lkdb_message_names(msg, at))
			return lkdb_error_create(LKDB_ERROR_FAULT,
						 "%s (reading %zu bytes)", msg,
						 len);
		return lkdb_error_create(LKDB_ERROR_FAULT,
					 "cannot read %zu bytes at %s: %s", len,
					 at, msg ? msg : "error");
	}
	/* memory=[{begin=,offset=,end=,contents=}...]: need all of it. */
	const struct mi_value *memory = mi_value_find(r->record->results,
						      "memory");
	size_t got = 0;
	for (const struct mi_value *block = memory ? memory->children : NULL;
	     block; block = block->next) {
		const char *offset = mi_value_string(block->children,
						     "offset");
		const char *contents = mi_value_string(block->children,
						       "contents");
		if (!offset || !contents)
			continue;
		unsigned long long off = strtoull(offset, NULL, 0);
		size_t n = strlen(contents) / 2;
		if (off > len || n > len - off)
			continue;
		unsigned char *out = (unsigned char *)buf + off;
		for (size_t i = 0; i < n; i++) {
			int hi = hex_digit(contents[2 * i]);
			int lo = hex_digit(contents[2 * i + 1]);
			if (hi < 0 || lo < 0) {
				n = i;
				break;
			}
			out[i] = (unsigned char)(hi << 4 | lo);
		}
		if (off == got)
			got += n;
	}
	if (got < len)
		return lkdb_error_create(LKDB_ERROR_FAULT,
					 "cannot read %zu bytes at 0x%" PRIx64 ": only %zu readable",
					 len, addr, got);
	return NULL;
}

/* One read costs a round trip to the stub (~250 us): callers read spans. */
struct lkdb_error *gdb_target_read(struct gdb_driver *gdb, uint64_t addr,
				   void *buf, size_t len)
{
	char addr_s[32], len_s[32];
	read_args(addr, len, addr_s, len_s);
	const char *argv[] = { addr_s, len_s };
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_call(gdb, 0, 30000,
						 "-data-read-memory-bytes",
						 argv, 2, &r);
	if (err)
		return err;
	err = read_result(&r, addr, buf, len);
	gdb_call_result_deinit(&r);
	return err;
}

/*
 * Every read sent before the first answer is awaited: gdb and the stub
 * work through them back to back, and lkdb waits once.
 */
static struct lkdb_error *read_batch_cb(void *context,
					struct kernel_read_request *reqs,
					size_t n)
{
	struct gdb_driver *gdb = context;
	unsigned long long *tokens = calloc(n ? n : 1, sizeof(*tokens));
	if (!tokens)
		return &lkdb_error_oom;
	struct lkdb_error *fatal = NULL;
	size_t sent = 0;
	for (; sent < n; sent++) {
		char addr_s[32], len_s[32];
		read_args(reqs[sent].addr, reqs[sent].len, addr_s, len_s);
		const char *argv[] = { addr_s, len_s };
		fatal = gdb_driver_send(gdb, "-data-read-memory-bytes", argv,
					2, &tokens[sent]);
		if (fatal)
			break;
	}
	for (size_t i = 0; i < n; i++) {
		reqs[i].err = NULL;
		if (i >= sent || fatal) {
			/* Collect what was sent; the rest shares the error. */
			if (i < sent) {
				struct gdb_call_result r;
				struct lkdb_error *e = gdb_driver_collect(
					gdb, 0, 30000, tokens[i], &r);
				if (!e)
					gdb_call_result_deinit(&r);
				lkdb_error_destroy(e);
			}
			reqs[i].err = lkdb_error_create(fatal->code, "%s",
							fatal->message);
			continue;
		}
		struct gdb_call_result r;
		struct lkdb_error *e = gdb_driver_collect(gdb, 0, 30000,
							  tokens[i], &r);
		if (e) {
			fatal = e;
			reqs[i].err = lkdb_error_create(e->code, "%s",
							e->message);
			continue;
		}
		reqs[i].err = read_result(&r, reqs[i].addr, reqs[i].buf,
					  reqs[i].len);
		gdb_call_result_deinit(&r);
	}
	free(tokens);
	return fatal;
}

static struct lkdb_error *read_cb(void *context, uint64_t addr, void *buf,
				  size_t len)
{
	return gdb_target_read(context, addr, buf, len);
}

void gdb_target_memory_reader(struct gdb_driver *gdb,
			      struct kernel_memory_reader *ret)
{
	ret->context = gdb;
	ret->read = read_cb;
	ret->read_batch = read_batch_cb;
}

/* gdb's x86_64 register names and where they go. */
static uint64_t *reg_slot(struct x86_64_regs *r, const char *name)
{
	static const struct {
		const char *name;
		size_t offset;
	} map[] = {
#define REG(gdb_name, field) { gdb_name, offsetof(struct x86_64_regs, field) }
		REG("rax", rax), REG("rbx", rbx), REG("rcx", rcx),
		REG("rdx", rdx), REG("rsi", rsi), REG("rdi", rdi),
		REG("rbp", rbp), REG("rsp", rsp), REG("r8", r8),
		REG("r9", r9), REG("r10", r10), REG("r11", r11),
		REG("r12", r12), REG("r13", r13), REG("r14", r14),
		REG("r15", r15), REG("rip", rip), REG("eflags", eflags),
		REG("cs", cs), REG("ss", ss), REG("ds", ds), REG("es", es),
		REG("fs", fs), REG("gs", gs), REG("fs_base", fs_base),
		REG("gs_base", gs_base),
#undef REG
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!strcmp(map[i].name, name))
			return (uint64_t *)((char *)r + map[i].offset);
	}
	return NULL;
}

struct lkdb_error *gdb_target_thread_regs(struct gdb_driver *gdb,
					  int thread_num,
					  struct x86_64_regs *ret)
{
	struct gdb_call_result names, values;
	struct lkdb_error *err = gdb_driver_call_ok(gdb, 0, 30000,
						    "-data-list-register-names",
						    NULL, 0, &names);
	if (err)
		return err;
	char thread[32];
	snprintf(thread, sizeof(thread), "%d", thread_num);
	/* Not the selected frame's: a stop selects the culprit's frame. */
	const char *argv[] = { "--thread", thread, "--frame", "0", "x" };
	err = gdb_driver_call_ok(gdb, 0, 30000, "-data-list-register-values",
				 argv, 5, &values);
	if (err) {
		gdb_call_result_deinit(&names);
		return err;
	}
	memset(ret, 0, sizeof(*ret));
	ret->orig_rax = UINT64_MAX;	/* the stub does not have it */
	const struct mi_value *list = mi_value_find(names.record->results,
						    "register-names");
	size_t nr_names = 0;
	for (const struct mi_value *v = list ? list->children : NULL; v;
	     v = v->next)
		nr_names++;
	unsigned int found = 0;
	const struct mi_value *vals = mi_value_find(values.record->results,
						    "register-values");
	for (const struct mi_value *v = vals ? vals->children : NULL; v;
	     v = v->next) {
		const char *number = mi_value_string(v->children, "number");
		const char *value = mi_value_string(v->children, "value");
		if (!number || !value)
			continue;
		unsigned long n = strtoul(number, NULL, 10);
		const struct mi_value *name = list ? list->children : NULL;
		for (unsigned long i = 0; name && i < n; i++)
			name = name->next;
		if (!name || name->kind != MI_VALUE_CONST || !name->cstring ||
		    n >= nr_names)
			continue;
		uint64_t *slot = reg_slot(ret, name->cstring);
		if (slot) {
			*slot = strtoull(value, NULL, 16);
			found++;
		}
	}
	if (found < 18)
		err = lkdb_error_create(LKDB_ERROR_GDB,
					"gdb gave %u of thread %d's registers",
					found, thread_num);
	gdb_call_result_deinit(&names);
	gdb_call_result_deinit(&values);
	return err;
}

struct lkdb_error *gdb_target_value(struct gdb_driver *gdb, const char *expr,
				    uint64_t *ret)
{
	const char *argv[] = { expr };
	struct gdb_call_result r;
	struct lkdb_error *err = gdb_driver_call_ok(gdb, GDB_CALL_QUIET,
						    30000,
						    "-data-evaluate-expression",
						    argv, 1, &r);
	if (err)
		return err;
	const char *v = mi_value_string(r.record->results, "value");
	const char *hex = v ? strstr(v, "0x") : NULL;
	if (hex)
		*ret = strtoull(hex, NULL, 16);
	else if (v)
		*ret = strtoull(v, NULL, 10);
	else
		err = lkdb_error_create(LKDB_ERROR_GDB, "no value for %s", expr);
	gdb_call_result_deinit(&r);
	return err;
}
