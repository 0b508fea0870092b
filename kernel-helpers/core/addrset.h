/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A set of kernel addresses, for the walkers' cycle detection: every list
 * or tree walk over kernel memory notes the nodes it has been to, and a
 * node met twice ends the walk with a warning instead of a loop.  Open
 * addressing; address 0 cannot be a member (no walk visits it).
 */
#ifndef LKDB_ADDRSET_H
#define LKDB_ADDRSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct addr_set {
	uint64_t *slots;
	size_t cap, n;
};

/* 1 if addr was added, 0 if it was there already, -1 out of memory. */
int addr_set_add(struct addr_set *s, uint64_t addr);
bool addr_set_has(const struct addr_set *s, uint64_t addr);
/* Frees the slots; the set is empty and usable again. */
void addr_set_deinit(struct addr_set *s);

#endif
