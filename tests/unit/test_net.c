// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel-helpers/devices/net.c over fake memory: a task's
 * network namespace with three devices on dev_base_head (lo with 127.0.0.1
 * and ::1, eth0 with two IPv4 and two IPv6 addresses, one whose name has
 * a control byte and no addresses), each found in list order with its
 * addresses as text; sockets behind files (a listening TCP one, an
 * established IPv6 one, a UNIX one) with family, type, state, addresses
 * and ports, and a file that is no socket.  Then damage: an ifa list
 * that loops, a device list that leads to unmapped memory, an in_device
 * that cannot be read, each a warning line with the rest kept; a task or
 * a socket that cannot be read, one error.  With LKDB_FUZZ_SEED_DIR each
 * fake kernel is saved as a seed of tests/fuzz/fuzz_net.c.
 */
#include <inttypes.h>
#include <string.h>

#include "fake_memory.h"
#include "kernel-helpers/core/kernel.h"
#include "kernel-helpers/core/ktypes.h"
#include "kernel-helpers/devices/net.h"
#include "tap.h"
#include "walker_input.h"

static const char table[] =
	"task_struct 0 4096\n"
	"task_struct.nsproxy 8 8\n"
	"nsproxy 0 64\n"
	"nsproxy.net_ns 16 8\n"
	"net 0 256\n"
	"net.dev_base_head 32 16\n"
	"net_device 0 256\n"
	"net_device.name 0 16\n"
	"net_device.dev_list 16 16\n"
	"net_device.ip_ptr 48 8\n"
	"net_device.ip6_ptr 56 8\n"
	"in_device 0 64\n"
	"in_device.ifa_list 8 8\n"
	"in_ifaddr 0 64\n"
	"in_ifaddr.ifa_next 0 8\n"
	"in_ifaddr.ifa_address 16 4\n"
	"inet6_dev 0 64\n"
	"inet6_dev.addr_list 16 16\n"
	"inet6_ifaddr 0 64\n"
	"inet6_ifaddr.addr 0 16\n"
	"inet6_ifaddr.if_list 32 16\n"
	"file 0 256\n"
	"file.f_inode 32 8\n"
	"inode 0 512\n"
	"inode.i_mode 0 2\n"
	"socket_alloc 0 576\n"
	"socket_alloc.vfs_inode 64 512\n"
	"socket 0 64\n"
	"socket.sk 24 8\n"
	"sock 0 768\n"
	"sock.__sk_common.skc_daddr 0 4\n"
	"sock.__sk_common.skc_rcv_saddr 4 4\n"
	"sock.__sk_common.skc_dport 12 2\n"
	"sock.__sk_common.skc_family 16 2\n"
	"sock.__sk_common.skc_state 18 1\n"
	"sock.__sk_common.skc_v6_daddr 56 16\n"
	"sock.__sk_common.skc_v6_rcv_saddr 72 16\n"
	"sock.sk_type 128 2\n"
	"inet_sock 0 768\n"
	"inet_sock.inet_sport 160 2\n";

#define TASK 0xffff888001000000ULL
#define NSPROXY 0xffff888001001000ULL
#define NET 0xffff888001002000ULL
#define DEV(n) (0xffff888002000000ULL + (n) * 0x1000ULL)
#define IN_DEV(n) (DEV(n) + 0x100)
#define IFA(n, i) (DEV(n) + 0x200 + (i) * 0x40ULL)
#define IN6_DEV(n) (DEV(n) + 0x400)
#define IFA6(n, i) (DEV(n) + 0x500 + (i) * 0x40ULL)
#define FILE(n) (0xffff888003000000ULL + (n) * 0x1000ULL)
#define SA(n) (FILE(n) + 0x100)		/* its socket_alloc */
#define INODE(n) (SA(n) + 64)		/* vfs_inode */
#define SK(n) (0xffff888004000000ULL + (n) * 0x1000ULL)
#define UNMAPPED 0xffff888099000000ULL

static struct fake_memory m;
static struct kernel k = { .arch = &kernel_arch_x86_64 };

static const uint8_t v4_lo[4] = { 127, 0, 0, 1 };
static const uint8_t v4_a[4] = { 10, 0, 2, 15 };
static const uint8_t v4_b[4] = { 192, 168, 1, 7 };
static const uint8_t v6_lo[16] = { [15] = 1 };
static const uint8_t v6_link[16] = { 0xfe, 0x80, [8] = 0x50, 0x54, 0x00, 0xff,
				     0xfe, 0x12, 0x34, 0x56 };
static const uint8_t v6_doc[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

/* list_head at node linked to next and prev. */
static void link(uint64_t node, uint64_t next, uint64_t prev)
{
	put(at(&m, node), next, 8);
	put(at(&m, node + 8), prev, 8);
}

/* Device n named name with nr4 IPv4 and nr6 IPv6 addresses (0: none). */
static void device(unsigned int n, const char *name, unsigned int nr4,
		   const uint8_t *const *v4, unsigned int nr6,
		   const uint8_t *const *v6)
{
	unsigned char *d = map(&m, DEV(n), 0x1000);
	memcpy(d, name, strlen(name));
	if (nr4) {
		put(d + 48, IN_DEV(n), 8);
		put(at(&m, IN_DEV(n) + 8), IFA(n, 0), 8);
		for (unsigned int i = 0; i < nr4; i++) {
			put(at(&m, IFA(n, i)), i + 1 < nr4 ? IFA(n, i + 1) : 0, 8);
			memcpy(at(&m, IFA(n, i) + 16), v4[i], 4);
		}
	}
	if (nr6) {
		uint64_t head = IN6_DEV(n) + 16;
		put(d + 56, IN6_DEV(n), 8);
		for (unsigned int i = 0; i < nr6; i++) {
			memcpy(at(&m, IFA6(n, i)), v6[i], 16);
			link(IFA6(n, i) + 32,
			     i + 1 < nr6 ? IFA6(n, i + 1) + 32 : head,
			     i ? IFA6(n, i - 1) + 32 : head);
		}
		link(head, IFA6(n, 0) + 32, IFA6(n, nr6 - 1) + 32);
	}
}

/* A socket file n: its sock's family, type, state and addresses. */
static void sock_file(unsigned int n, unsigned int family, unsigned int type,
		      unsigned int state, const uint8_t *local,
		      const uint8_t *remote, uint16_t lport, uint16_t rport)
{
	map(&m, FILE(n), 0x1000);
	put(at(&m, FILE(n) + 32), INODE(n), 8);
	put(at(&m, INODE(n)), 0140777, 2);
	put(at(&m, SA(n) + 24), SK(n), 8);
	unsigned char *s = map(&m, SK(n), 768);
	put(s + 16, family, 2);
	put(s + 18, state, 1);
	put(s + 128, type, 2);
	size_t len = family == 10 ? 16 : 4;
	if (local)
		memcpy(s + (family == 10 ? 72 : 4), local, len);
	if (remote)
		memcpy(s + (family == 10 ? 56 : 0), remote, len);
	/* Ports in network byte order. */
	s[160] = (unsigned char)(lport >> 8);
	s[161] = (unsigned char)lport;
	s[12] = (unsigned char)(rport >> 8);
	s[13] = (unsigned char)rport;
}

/*
 * The namespace: lo, eth0, "bad\1name"; files 1-3 sockets (TCP on
 * 10.0.2.15:22 listening, TCP [::1]:8080 to [::1]:45678 established,
 * UNIX), file 4 a regular file.
 */
static void build(void)
{
	unmap_all(&m);
	put(map(&m, TASK, 4096) + 8, NSPROXY, 8);
	put(map(&m, NSPROXY, 64) + 16, NET, 8);
	map(&m, NET, 256);
	const uint8_t *lo4[] = { v4_lo }, *lo6[] = { v6_lo };
	const uint8_t *eth4[] = { v4_a, v4_b }, *eth6[] = { v6_link, v6_doc };
	device(1, "lo", 1, lo4, 1, lo6);
	device(2, "eth0", 2, eth4, 2, eth6);
	device(3, "bad\001name", 0, NULL, 0, NULL);
	uint64_t head = NET + 32;
	link(head, DEV(1) + 16, DEV(3) + 16);
	link(DEV(1) + 16, DEV(2) + 16, head);
	link(DEV(2) + 16, DEV(3) + 16, DEV(1) + 16);
	link(DEV(3) + 16, head, DEV(2) + 16);
	sock_file(1, 2, 1, 10, v4_a, NULL, 22, 0);
	sock_file(2, 10, 1, 1, v6_lo, v6_lo, 8080, 45678);
	sock_file(3, 1, 1, 1, NULL, NULL, 0, 0);
	map(&m, FILE(4), 0x1000);
	put(at(&m, FILE(4) + 32), FILE(4) + 0x200, 8);
	put(at(&m, FILE(4) + 0x200), 0100644, 2);
}

/* With LKDB_FUZZ_SEED_DIR: the fake kernel as a seed of fuzz_net. */
static void save_seed(uint64_t task, uint64_t file)
{
	uint64_t values[WALKER_NET_VALUES] = {
		[WALKER_NET_TASK] = task, [WALKER_NET_FILE] = file,
	};
	if (!walker_seed_save(tap_current_name, 0, table, values,
			      WALKER_NET_VALUES, &m))
		printf("# cannot save a fuzz seed\n");
}

static void netdevs(uint64_t task, struct kernel_netdevs *d)
{
	save_seed(task, FILE(1));
	take_error(kernel_read_netdevs(&k, task, d));
	for (size_t i = 0; i < d->nr_warnings; i++)
		printf("# %s\n", d->warnings[i]);
}

static void socket_of(uint64_t file, struct kernel_socket *s, bool *is)
{
	save_seed(TASK, file);
	take_error(kernel_read_socket(&k, file, s, is));
}

/* "a b c" of a device's addresses. */
static const char *joined(char **list, size_t nr)
{
	static char buf[256];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < nr && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
				      i ? " " : "", list[i]);
	return buf;
}

TEST(devices_in_list_order_with_their_addresses)
{
	struct kernel_netdevs d;
	build();
	netdevs(TASK, &d);
	CHECK(err_code == 0 && d.nr == 3 && d.nr_warnings == 0);
	if (d.nr == 3) {
		CHECK(d.devs[0].dev == DEV(1) && d.devs[1].dev == DEV(2) &&
		      d.devs[2].dev == DEV(3));
		CHECK_STR(d.devs[0].name, "lo");
		CHECK_STR(joined(d.devs[0].ipv4, d.devs[0].nr_ipv4), "127.0.0.1");
		CHECK_STR(joined(d.devs[0].ipv6, d.devs[0].nr_ipv6), "::1");
		CHECK_STR(d.devs[1].name, "eth0");
		CHECK_STR(joined(d.devs[1].ipv4, d.devs[1].nr_ipv4),
			  "10.0.2.15 192.168.1.7");
		CHECK_STR(joined(d.devs[1].ipv6, d.devs[1].nr_ipv6),
			  "fe80::5054:ff:fe12:3456 2001:db8::1");
		/* A control byte in a name is shown as '?'. */
		CHECK_STR(d.devs[2].name, "bad?name");
		CHECK(d.devs[2].nr_ipv4 == 0 && d.devs[2].nr_ipv6 == 0);
	}
	kernel_netdevs_deinit(&d);
}

TEST(sockets_family_type_state_addresses_and_ports)
{
	struct kernel_socket s;
	bool is;
	build();
	socket_of(FILE(1), &s, &is);
	CHECK(err_code == 0 && is && s.socket == SA(1) && s.sock == SK(1));
	CHECK(s.family == 2 && s.type == 1 && s.state == 10);
	CHECK(!memcmp(s.local, v4_a, 4) && s.local_port == 22 &&
	      s.remote_port == 0 && !memcmp(s.remote, (uint8_t[4]){ 0 }, 4));
	socket_of(FILE(2), &s, &is);
	CHECK(err_code == 0 && is && s.family == 10 && s.state == 1);
	CHECK(!memcmp(s.local, v6_lo, 16) && !memcmp(s.remote, v6_lo, 16) &&
	      s.local_port == 8080 && s.remote_port == 45678);
	/* A UNIX socket: no addresses read. */
	socket_of(FILE(3), &s, &is);
	CHECK(err_code == 0 && is && s.family == 1 && s.sock == SK(3) &&
	      s.local_port == 0 && !memcmp(s.local, (uint8_t[16]){ 0 }, 16));
	socket_of(FILE(4), &s, &is);
	CHECK(err_code == 0 && !is && s.sock == 0);
}

TEST(an_ifa_list_that_loops_is_a_warning_and_its_addresses_are_kept)
{
	struct kernel_netdevs d;
	build();
	put(at(&m, IFA(2, 1)), IFA(2, 1), 8);	/* the second leads to itself */
	netdevs(TASK, &d);
	CHECK(err_code == 0 && d.nr == 3 && d.nr_warnings == 1);
	if (d.nr == 3)
		CHECK_STR(joined(d.devs[1].ipv4, d.devs[1].nr_ipv4),
			  "10.0.2.15 192.168.1.7");
	if (d.nr_warnings == 1)
		CHECK(!strncmp(d.warnings[0], "eth0: ", 6) &&
		      strstr(d.warnings[0], "loops"));
	kernel_netdevs_deinit(&d);
	/* And an IPv6 list that loops without coming back to its head. */
	build();
	put(at(&m, IFA6(2, 1) + 32), IFA6(2, 0) + 32, 8);
	netdevs(TASK, &d);
	CHECK(err_code == 0 && d.nr == 3 && d.nr_warnings == 1 &&
	      d.devs[1].nr_ipv6 == 2);
	kernel_netdevs_deinit(&d);
}

TEST(an_unmapped_device_or_in_device_is_a_warning_and_the_rest_is_kept)
{
	struct kernel_netdevs d;
	build();
	put(at(&m, DEV(1) + 16), UNMAPPED + 16, 8);	/* lo's next */
	netdevs(TASK, &d);
	CHECK(err_code == 0 && d.nr == 1 && d.nr_warnings == 2);
	if (d.nr == 1)
		CHECK_STR(d.devs[0].name, "lo");
	if (d.nr_warnings == 2)
		CHECK(strstr(d.warnings[0], "the device list") &&
		      strstr(d.warnings[1], "net_device"));
	kernel_netdevs_deinit(&d);
	build();
	put(at(&m, DEV(2) + 48), UNMAPPED, 8);		/* eth0's in_device */
	netdevs(TASK, &d);
	CHECK(err_code == 0 && d.nr == 3 && d.nr_warnings == 1);
	if (d.nr == 3)
		CHECK(d.devs[1].nr_ipv4 == 0 && d.devs[1].nr_ipv6 == 2 &&
		      d.devs[2].dev == DEV(3));
	kernel_netdevs_deinit(&d);
}

TEST(an_unreadable_task_or_socket_is_one_error)
{
	struct kernel_netdevs d;
	struct kernel_socket s;
	bool is;
	build();
	netdevs(UNMAPPED, &d);
	CHECK(err_code == LKDB_ERROR_FAULT && d.nr == 0 && !d.devs &&
	      strstr(err_message, "network namespace") &&
	      !strchr(err_message, '\n'));
	socket_of(UNMAPPED, &s, &is);
	CHECK(err_code == LKDB_ERROR_FAULT && !is);
	put(at(&m, SA(1) + 24), UNMAPPED, 8);		/* its sock */
	socket_of(FILE(1), &s, &is);
	CHECK(err_code == LKDB_ERROR_FAULT && is &&
	      strstr(err_message, "sock 0xffff888099000000"));
}

int main(void)
{
	take_error(ktypes_create_from_table(table, &k.types));
	if (err_code) {
		printf("Bail out! the type table\n");
		return 1;
	}
	k.memory = (struct kernel_memory_reader){ &m, fake_read, NULL };
	RUN(devices_in_list_order_with_their_addresses);
	RUN(sockets_family_type_state_addresses_and_ports);
	RUN(an_ifa_list_that_loops_is_a_warning_and_its_addresses_are_kept);
	RUN(an_unmapped_device_or_in_device_is_a_warning_and_the_rest_is_kept);
	RUN(an_unreadable_task_or_socket_is_one_error);
	int status = tap_done();
	unmap_all(&m);
	ktypes_destroy(k.types);
	return status;
}
