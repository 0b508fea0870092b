// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/kernel/address_arg.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/kernel/module_names.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/core/vmlinux.h"
#include "kernel-helpers/symbols/symbolize.h"

struct module_names *address_arg_modules(struct address_arg_context *c)
{
	struct lkdb_session *s = c->s;
	if (c->modules || c->modules_failed || (!s->dump && !s->attached))
		return c->modules;
	struct lkdb_error *err = module_names_create(s, c->cmd, &c->modules);
	if (err) {
		lkdb_warn(c->cmd, "modules: %s", err->message);
		lkdb_error_destroy(err);
		c->modules_failed = true;
	}
	return c->modules;
}

void address_arg_deinit(struct address_arg_context *c)
{
	module_names_destroy(c->modules);
	c->modules = NULL;
}

bool address_arg_number(const char *s, bool hex_default, uint64_t *ret)
{
	int base = hex_default ? 16 : 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}

bool address_arg_all_hex(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isxdigit((unsigned char)*s))
			return false;
	}
	return true;
}

struct lkdb_error *address_arg_offset(char *word, const char *arg,
				      bool *minus_ret, uint64_t *delta_ret)
{
	char *op = strpbrk(word, "+-");
	*minus_ret = op && *op == '-';
	*delta_ret = 0;
	if (!op)
		return NULL;
	if (!address_arg_number(op + 1, false, delta_ret))
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "%s: bad offset \"%s\" (a number: 0x for hex)",
					 arg, op + 1);
	*op = '\0';
	return NULL;
}

/* A symbol's run-time address: the vmlinux's, else a loaded module's. */
static struct lkdb_error *symbol_address(struct address_arg_context *c,
					 const char *name, uint64_t *ret)
{
	struct kernel *k = &c->s->kernel;
	struct vmlinux_symbol_info info;
	struct lkdb_error *err = vmlinux_symbol_info(k->vmlinux, name, &info);
	if (!err) {
		/* A per-CPU symbol is an offset, which KASLR does not move. */
		*ret = info.percpu ? info.addr : info.addr + k->kaslr_offset;
		return NULL;
	}
	if (err->code != LKDB_ERROR_NOT_FOUND)
		return err;
	struct module_names *mn = address_arg_modules(c);
	const struct kmodule *m;
	const struct modsym *sym = mn ? module_names_find(mn, name, &m) : NULL;
	lkdb_error_destroy(err);
	if (!sym)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no symbol \"%s\" in %s%s", name,
					 vmlinux_path(k->vmlinux),
					 mn ? " or a loaded module" : "");
	*ret = sym->value;
	return NULL;
}

struct lkdb_error *address_arg_parse(struct address_arg_context *c,
				     const char *arg, uint64_t *ret)
{
	char *word = strdup(arg);
	if (!word)
		return &lkdb_error_oom;
	uint64_t delta = 0, addr = 0;
	bool minus;
	struct lkdb_error *err = address_arg_offset(word, arg, &minus, &delta);
	if (err)
		goto out;
	bool is_address = !strncmp(word, "0x", 2) || !strncmp(word, "0X", 2);
	if (!*word) {
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"%s: expected an address or a symbol name",
					arg);
	} else if (is_address || address_arg_all_hex(word)) {
		/* Hex digits that a symbol is named by are that symbol. */
		if (is_address || (err = symbol_address(c, word, &addr))) {
			lkdb_error_destroy(err);
			err = NULL;
			if (!address_arg_number(word, true, &addr))
				err = lkdb_error_create(LKDB_ERROR_INVALID,
							"%s: bad address", arg);
		}
	} else {
		err = symbol_address(c, word, &addr);
	}
	if (!err)
		*ret = minus ? addr - delta : addr + delta;
out:
	free(word);
	return err;
}

bool address_arg_word_name(struct address_arg_context *c, uint64_t value,
			   char *buf, size_t size)
{
	struct kernel *k = &c->s->kernel;
	if (!c->image_known) {
		uint64_t text, end;
		struct lkdb_error *e = vmlinux_symbol(k->vmlinux, "_text", &text, NULL);
		if (!e)
			e = vmlinux_symbol(k->vmlinux, "_end", &end, NULL);
		if (!e) {
			c->image_start = text + k->kaslr_offset;
			c->image_end = end + k->kaslr_offset;
		}
		lkdb_error_destroy(e);
		c->image_known = true;
	}
	const char *name = NULL;
	uint64_t base = 0;
	if (value >= c->image_start && value < c->image_end) {
		struct vmlinux_symbol_info info;
		struct lkdb_error *err = vmlinux_symbol_near_as_crash(
			k->vmlinux, value - k->kaslr_offset, &info);
		if (!err) {
			name = info.name;
			base = info.addr + k->kaslr_offset;
		}
		lkdb_error_destroy(err);
	} else if (value >= SYMBOLIZE_MODULES_START) {
		struct module_names *mn = address_arg_modules(c);
		const struct kmodule *m = mn ? module_names_module_at(mn, value) :
					       NULL;
		const struct modsym *sym = m ? module_names_symbol(mn, m, value) :
					       NULL;
		if (sym) {
			name = sym->name;
			base = sym->value;
		}
	}
	if (!name)
		return false;
	if (value == base)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%s+%" PRIu64, name, value - base);
	return true;
}
