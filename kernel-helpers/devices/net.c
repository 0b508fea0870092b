// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel-helpers/devices/net.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/printable.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/core/listwalk.h"

static struct lkdb_error *warn(struct kernel_netdevs *d, const char *what,
			       struct lkdb_error *err)
{
	struct lkdb_error *e = lkdb_warning_append(&d->warnings, &d->nr_warnings,
						   "%s: %s", what, err->message);
	lkdb_error_destroy(err);
	return e;
}

static struct lkdb_error *push(char ***list, size_t *nr, const char *s)
{
	char **p = realloc(*list, (*nr + 1) * sizeof(*p));
	if (!p)
		return &lkdb_error_oom;
	*list = p;
	if (!(p[*nr] = strdup(s)))
		return &lkdb_error_oom;
	(*nr)++;
	return NULL;
}

struct net_layout {
	uint64_t nsproxy, net_ns, dev_base_head, dev_list, name;
	uint64_t ip_ptr, ip6_ptr, ifa_list, ifa_next, ifa_address;
	uint64_t addr_list, if_list, ifa6_addr;
};

static struct lkdb_error *layout(struct ktypes *t, struct net_layout *l)
{
	struct lkdb_error *err;
	if ((err = ktypes_member(t, "task_struct", "nsproxy", &l->nsproxy, NULL)) ||
	    (err = ktypes_member(t, "nsproxy", "net_ns", &l->net_ns, NULL)) ||
	    (err = ktypes_member(t, "net", "dev_base_head", &l->dev_base_head, NULL)) ||
	    (err = ktypes_member(t, "net_device", "dev_list", &l->dev_list, NULL)) ||
	    (err = ktypes_member(t, "net_device", "name", &l->name, NULL)) ||
	    (err = ktypes_member(t, "net_device", "ip_ptr", &l->ip_ptr, NULL)) ||
	    (err = ktypes_member(t, "in_device", "ifa_list", &l->ifa_list, NULL)) ||
	    (err = ktypes_member(t, "in_ifaddr", "ifa_next", &l->ifa_next, NULL)) ||
	    (err = ktypes_member(t, "in_ifaddr", "ifa_address", &l->ifa_address, NULL)))
		return err;
	/* Without CONFIG_IPV6 a device has no ip6_ptr: IPv4 only. */
	l->ip6_ptr = UINT64_MAX;
	if (ktypes_has_member(t, "net_device", "ip6_ptr") &&
	    ((err = ktypes_member(t, "net_device", "ip6_ptr", &l->ip6_ptr, NULL)) ||
	     (err = ktypes_member(t, "inet6_dev", "addr_list", &l->addr_list, NULL)) ||
	     (err = ktypes_member(t, "inet6_ifaddr", "if_list", &l->if_list, NULL)) ||
	     (err = ktypes_member(t, "inet6_ifaddr", "addr", &l->ifa6_addr, NULL))))
		return err;
	return NULL;
}

static struct lkdb_error *read_ipv4(struct kernel *k, const struct net_layout *l,
				    struct kernel_netdev *n, struct kernel_netdevs *d)
{
	uint64_t in_dev, ifa;
	struct lkdb_error *err = kernel_read_uint(k, n->dev + l->ip_ptr, 8, &in_dev);
	if (!err && in_dev)
		err = kernel_read_uint(k, in_dev + l->ifa_list, 8, &ifa);
	if (err)
		return warn(d, n->name, err);
	if (!in_dev || !ifa)
		return NULL;
	struct list_walk w;
	err = kernel_list_walk(kernel_memory(k), ifa, l->ifa_next, LIST_NEXT_STRUCT,
			       0, KERNEL_NETDEV_ADDRS_MAX, &w);
	if (err == &lkdb_error_oom)
		return err;
	if (err && (err = warn(d, n->name, err))) {
		list_walk_deinit(&w);
		return err;
	}
	for (size_t i = 0; i < w.nr && !err; i++) {
		uint8_t a[4];
		char s[INET_ADDRSTRLEN];
		struct lkdb_error *e = kernel_memory(k)->read(kernel_memory(k)->context,
							      w.entries[i] + l->ifa_address,
							      a, 4);
		if (e) {
			err = warn(d, n->name, e);
			break;
		}
		inet_ntop(AF_INET, a, s, sizeof(s));
		err = push(&n->ipv4, &n->nr_ipv4, s);
	}
	list_walk_deinit(&w);
	return err;
}

static struct lkdb_error *read_ipv6(struct kernel *k, const struct net_layout *l,
				    struct kernel_netdev *n, struct kernel_netdevs *d)
{
	uint64_t in6;
	if (l->ip6_ptr == UINT64_MAX)
		return NULL;
	struct lkdb_error *err = kernel_read_uint(k, n->dev + l->ip6_ptr, 8, &in6);
	if (err)
		return warn(d, n->name, err);
	if (!in6)
		return NULL;
	struct list_walk w;
	err = kernel_list_walk(kernel_memory(k), in6 + l->addr_list, l->if_list,
			       LIST_HEAD, 0, KERNEL_NETDEV_ADDRS_MAX, &w);
	if (err == &lkdb_error_oom)
		return err;
	if (err && (err = warn(d, n->name, err))) {
		list_walk_deinit(&w);
		return err;
	}
	for (size_t i = 0; i < w.nr && !err; i++) {
		uint8_t a[16];
		char s[INET6_ADDRSTRLEN];
		struct lkdb_error *e = kernel_memory(k)->read(kernel_memory(k)->context,
							      w.entries[i] + l->ifa6_addr,
							      a, 16);
		if (e) {
			err = warn(d, n->name, e);
			break;
		}
		inet_ntop(AF_INET6, a, s, sizeof(s));
		err = push(&n->ipv6, &n->nr_ipv6, s);
	}
	list_walk_deinit(&w);
	return err;
}

struct lkdb_error *kernel_read_netdevs(struct kernel *k, uint64_t task,
				       struct kernel_netdevs *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct ktypes *t;
	struct net_layout l;
	uint64_t nsproxy, net;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = layout(t, &l)))
		return err;
	if ((err = kernel_read_uint(k, task + l.nsproxy, 8, &nsproxy)) ||
	    (err = kernel_read_uint(k, nsproxy + l.net_ns, 8, &net)))
		return lkdb_error_prefix(err, "the network namespace of task 0x%" PRIx64,
					 task);
	struct list_walk w;
	err = kernel_list_walk(kernel_memory(k), net + l.dev_base_head, l.dev_list,
			       LIST_HEAD, 0, KERNEL_NETDEVS_MAX, &w);
	if (err == &lkdb_error_oom)
		return err;
	if (err && (err = warn(ret, "the device list", err))) {
		list_walk_deinit(&w);
		return err;
	}
	ret->devs = calloc(w.nr ? w.nr : 1, sizeof(*ret->devs));
	if (!ret->devs)
		err = &lkdb_error_oom;
	for (size_t i = 0; i < w.nr && !err; i++) {
		struct kernel_netdev *n = &ret->devs[ret->nr++];
		n->dev = w.entries[i];
		struct lkdb_error *e = kernel_memory(k)->read(kernel_memory(k)->context,
							      n->dev + l.name, n->name, 16);
		if (e) {
			err = warn(ret, "net_device", e);
			ret->nr--;
			continue;
		}
		n->name[16] = '\0';
		lkdb_printable(n->name, n->name, 16, "");
		if (!(err = read_ipv4(k, &l, n, ret)))
			err = read_ipv6(k, &l, n, ret);
	}
	list_walk_deinit(&w);
	if (err)
		kernel_netdevs_deinit(ret);
	return err;
}

void kernel_netdevs_deinit(struct kernel_netdevs *d)
{
	for (size_t i = 0; i < d->nr; i++) {
		lkdb_warnings_free(d->devs[i].ipv4, d->devs[i].nr_ipv4);
		lkdb_warnings_free(d->devs[i].ipv6, d->devs[i].nr_ipv6);
	}
	free(d->devs);
	lkdb_warnings_free(d->warnings, d->nr_warnings);
	memset(d, 0, sizeof(*d));
}

struct lkdb_error *kernel_read_socket(struct kernel *k, uint64_t file,
				      struct kernel_socket *ret,
				      bool *is_socket)
{
	memset(ret, 0, sizeof(*ret));
	*is_socket = false;
	struct ktypes *t;
	uint64_t f_inode, i_mode, vfs_inode, sk, family, state, type, rcv, daddr,
		dport, sport, v6rcv, v6d, inode, mode, v;
	struct lkdb_error *err = kernel_types(k, &t);
	if (err || (err = ktypes_member(t, "file", "f_inode", &f_inode, NULL)) ||
	    (err = ktypes_member(t, "inode", "i_mode", &i_mode, NULL)) ||
	    (err = ktypes_member(t, "socket_alloc", "vfs_inode", &vfs_inode, NULL)) ||
	    (err = ktypes_member(t, "socket", "sk", &sk, NULL)) ||
	    (err = ktypes_member(t, "sock", "__sk_common.skc_family", &family, NULL)) ||
	    (err = ktypes_member(t, "sock", "__sk_common.skc_state", &state, NULL)) ||
	    (err = ktypes_member(t, "sock", "sk_type", &type, NULL)) ||
	    (err = ktypes_member(t, "sock", "__sk_common.skc_rcv_saddr", &rcv, NULL)) ||
	    (err = ktypes_member(t, "sock", "__sk_common.skc_daddr", &daddr, NULL)) ||
	    (err = ktypes_member(t, "sock", "__sk_common.skc_dport", &dport, NULL)) ||
	    (err = ktypes_member(t, "inet_sock", "inet_sport", &sport, NULL)))
		return err;
	if ((err = kernel_read_uint(k, file + f_inode, 8, &inode)) ||
	    (err = kernel_read_uint(k, inode + i_mode, 2, &mode)))
		return lkdb_error_prefix(err, "file 0x%" PRIx64, file);
	if ((mode & 0170000) != 0140000)
		return NULL;
	*is_socket = true;
	ret->socket = inode - vfs_inode;
	const struct kernel_memory_reader *m = kernel_memory(k);
	if ((err = kernel_read_uint(k, ret->socket + sk, 8, &ret->sock)))
		return lkdb_error_prefix(err, "socket 0x%" PRIx64, ret->socket);
	if (!ret->sock)
		return NULL;
	if ((err = kernel_read_uint(k, ret->sock + family, 2, &v)))
		return lkdb_error_prefix(err, "sock 0x%" PRIx64, ret->sock);
	ret->family = (unsigned int)v;
	if (!(err = kernel_read_uint(k, ret->sock + state, 1, &v)))
		ret->state = (unsigned int)v;
	if (!err && !(err = kernel_read_uint(k, ret->sock + type, 2, &v)))
		ret->type = (unsigned int)v;
	if (err)
		return lkdb_error_prefix(err, "sock 0x%" PRIx64, ret->sock);
	if (ret->family != 2 && ret->family != 10)	/* AF_INET, AF_INET6 */
		return NULL;
	uint16_t p[2];
	bool v6 = ret->family == 10 &&
		  ktypes_has_member(t, "sock", "__sk_common.skc_v6_rcv_saddr");
	if (v6 && ((err = ktypes_member(t, "sock", "__sk_common.skc_v6_rcv_saddr", &v6rcv, NULL)) ||
		   (err = ktypes_member(t, "sock", "__sk_common.skc_v6_daddr", &v6d, NULL))))
		return err;
	if ((err = m->read(m->context, ret->sock + (v6 ? v6rcv : rcv), ret->local, v6 ? 16 : 4)) ||
	    (err = m->read(m->context, ret->sock + (v6 ? v6d : daddr), ret->remote, v6 ? 16 : 4)) ||
	    (err = m->read(m->context, ret->sock + sport, &p[0], 2)) ||
	    (err = m->read(m->context, ret->sock + dport, &p[1], 2)))
		return lkdb_error_prefix(err, "sock 0x%" PRIx64, ret->sock);
	ret->local_port = ntohs(p[0]);
	ret->remote_port = ntohs(p[1]);
	return NULL;
}
