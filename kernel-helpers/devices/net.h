/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network devices and sockets as crash's net shows them, from kernel
 * memory.
 *
 * Devices: the task's network namespace (task->nsproxy->net_ns; init_net
 * for the idle task) has them on dev_base_head, linked by
 * net_device.dev_list; a device's IPv4 addresses are its in_device's
 * ifa_list (struct in_ifaddr, ifa_address, linked by ifa_next), its IPv6
 * ones its inet6_dev's addr_list (struct inet6_ifaddr, addr, linked by
 * if_list).  Each walk bounded, loops warned.
 *
 * Sockets: a file whose inode is a socket (S_IFSOCK) is the vfs_inode of
 * a struct socket_alloc, whose socket's sk is the struct sock: family,
 * state and the addresses are in its sock_common (skc_family, skc_state,
 * skc_rcv_saddr, skc_daddr, skc_dport, skc_v6_rcv_saddr, skc_v6_daddr),
 * the type in sk_type, the local port in inet_sock.inet_sport.
 */
#ifndef LKDB_NET_H
#define LKDB_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct kernel;

#define KERNEL_NETDEVS_MAX 65536
#define KERNEL_NETDEV_ADDRS_MAX 4096

struct kernel_netdev {
	uint64_t dev;		/* struct net_device */
	char name[17];
	char **ipv4, **ipv6;	/* "127.0.0.1", "::1" */
	size_t nr_ipv4, nr_ipv6;
};

struct kernel_netdevs {
	struct kernel_netdev *devs;
	size_t nr;
	char **warnings;
	size_t nr_warnings;
};

/* The network devices of task's namespace. */
struct lkdb_error *kernel_read_netdevs(struct kernel *k, uint64_t task,
				       struct kernel_netdevs *ret);
void kernel_netdevs_deinit(struct kernel_netdevs *d);

struct kernel_socket {
	uint64_t socket, sock;		/* struct socket, struct sock */
	unsigned int family, type, state;
	/* Network byte order as the kernel keeps them. */
	uint8_t local[16], remote[16];	/* IPv4: the first 4 bytes */
	uint16_t local_port, remote_port;	/* host order */
};

/*
 * The socket behind the struct file at file; *is_socket false (and no
 * error) when the file is not a socket.
 */
struct lkdb_error *kernel_read_socket(struct kernel *k, uint64_t file,
				      struct kernel_socket *ret,
				      bool *is_socket);

#endif
