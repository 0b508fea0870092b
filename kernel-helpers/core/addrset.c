// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/core/addrset.h"

#include <stdlib.h>

static size_t slot_of(uint64_t a, size_t cap)
{
	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdULL;
	a ^= a >> 33;
	return a & (cap - 1);
}

bool addr_set_has(const struct addr_set *s, uint64_t addr)
{
	if (!s->cap || !addr)
		return false;
	for (size_t j = slot_of(addr, s->cap);; j = (j + 1) & (s->cap - 1)) {
		if (s->slots[j] == addr)
			return true;
		if (!s->slots[j])
			return false;
	}
}

static int grow(struct addr_set *s)
{
	size_t ncap = s->cap ? 2 * s->cap : 64;
	uint64_t *slots = calloc(ncap, sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->slots[i])
			continue;
		size_t j = slot_of(s->slots[i], ncap);
		while (slots[j])
			j = (j + 1) & (ncap - 1);
		slots[j] = s->slots[i];
	}
	free(s->slots);
	s->slots = slots;
	s->cap = ncap;
	return 0;
}

int addr_set_add(struct addr_set *s, uint64_t addr)
{
	if (2 * (s->n + 1) > s->cap && grow(s))
		return -1;
	size_t j = slot_of(addr, s->cap);
	while (s->slots[j]) {
		if (s->slots[j] == addr)
			return 0;
		j = (j + 1) & (s->cap - 1);
	}
	s->slots[j] = addr;
	s->n++;
	return 1;
}

void addr_set_deinit(struct addr_set *s)
{
	free(s->slots);
	s->slots = NULL;
	s->cap = s->n = 0;
}
