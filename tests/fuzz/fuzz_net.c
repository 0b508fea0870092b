// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for network devices and sockets (kernel_read_netdevs and
 * kernel_read_socket, kernel-helpers/devices/net.c, as net and net -s
 * use them) over a fake kernel: memory and layout from the input
 * (tests/unit/walker_input.h), the task and the file its values.  Seeds:
 * the fake kernels of tests/unit/test_net.c.  Besides crashes, leaks,
 * undefined behaviour and hangs it aborts when a promise is broken: at
 * most KERNEL_NETDEVS_MAX devices, a name NUL-terminated and printable,
 * at most KERNEL_NETDEV_ADDRS_MAX addresses of each family a device, each
 * an address as inet_pton reads it; a file that is no socket nothing
 * else, a socket of another family no addresses, an IPv4 one four bytes;
 * no devices besides an error, warnings and errors one line each.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/devices/net.h"
#include "walker_input.h"

static void check_addrs(char *const *list, size_t nr, int family)
{
	unsigned char a[16];
	if (nr > KERNEL_NETDEV_ADDRS_MAX || (nr && !list))
		abort();
	for (size_t i = 0; i < nr; i++)
		if (!list[i] || inet_pton(family, list[i], a) != 1)
			abort();
}

static void check_devs(const struct kernel_netdevs *d)
{
	if (d->nr > KERNEL_NETDEVS_MAX || !d->devs)
		abort();
	for (size_t i = 0; i < d->nr; i++) {
		const struct kernel_netdev *n = &d->devs[i];
		size_t len = strnlen(n->name, sizeof(n->name));
		if (len == sizeof(n->name))
			abort();
		for (size_t c = 0; c < len; c++)
			if (n->name[c] < 0x20 || n->name[c] > 0x7e)
				abort();
		check_addrs(n->ipv4, n->nr_ipv4, AF_INET);
		check_addrs(n->ipv6, n->nr_ipv6, AF_INET6);
	}
	walker_check_warnings(d->warnings, d->nr_warnings);
}

static bool zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void check_socket(const struct kernel_socket *s, bool is_socket)
{
	if (!is_socket && !zero(s, sizeof(*s)))
		abort();
	if (s->family != 2 && s->family != 10 &&
	    (!zero(s->local, 16) || !zero(s->remote, 16) || s->local_port ||
	     s->remote_port))
		abort();
	if (s->family == 2 && (!zero(s->local + 4, 12) || !zero(s->remote + 4, 12)))
		abort();
	if (!s->sock && (s->family || s->type || s->state))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walker_input in;
	struct kernel k = { .arch = &kernel_arch_x86_64 };
	if (walker_input_start(data, size, &in, &k.types, &k.memory)) {
		struct kernel_netdevs d;
		struct lkdb_error *err = kernel_read_netdevs(
			&k, in.values[WALKER_NET_TASK], &d);
		if (err) {
			walker_check_error(err, d.devs);
		} else {
			check_devs(&d);
			kernel_netdevs_deinit(&d);
		}
		struct kernel_socket s;
		bool is_socket;
		err = kernel_read_socket(&k, in.values[WALKER_NET_FILE], &s,
					 &is_socket);
		if (err)
			walker_check_error(err, NULL);
		else
			check_socket(&s, is_socket);
	}
	walker_input_finish(&in, k.types);
	return 0;
}
