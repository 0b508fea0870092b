// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net: the network devices and their addresses, or (-s) a task's sockets,
 * as crash's net shows them.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/printable.h"
#include "frontend/core/commands.h"
#include "frontend/kernel/task_lookup.h"
#include "frontend/terminal/output.h"
#include "kernel-helpers/devices/net.h"
#include "kernel-helpers/fs/files.h"

#define NET_TASKS_MAX 64

/* crash's names of the address families (AF_*) it knows. */
static const char *const families[] = {
	[0] = "UNSPEC", [1] = "UNIX", [2] = "INET", [3] = "AX25", [4] = "IPX",
	[5] = "APPLETALK", [6] = "NETROM", [7] = "BRIDGE", [8] = "ATMPVC",
	[9] = "X25", [10] = "INET6", [11] = "ROSE", [12] = "DECnet",
	[13] = "NETBEUI", [14] = "SECURITY/KEY", [16] = "NETLINK/ROUTE",
	[17] = "PACKET", [18] = "ASH", [19] = "ECONET", [20] = "ATMSVC",
	[22] = "SNA", [23] = "IRDA", [24] = "PPPOX",
};
/* SOCK_* types; crash pads DGRAM. */
static const char *const types[] = {
	[1] = "STREAM", [2] = "DGRAM ", [3] = "RAW", [4] = "RDM", [5] = "SEQPACKET",
	[10] = "PACKET",
};
/* TCP states (include/net/tcp_states.h), for --json. */
static const char *const states[] = {
	[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV", [4] = "FIN_WAIT1",
	[5] = "FIN_WAIT2", [6] = "TIME_WAIT", [7] = "CLOSE", [8] = "CLOSE_WAIT",
	[9] = "LAST_ACK", [10] = "LISTEN", [11] = "CLOSING", [12] = "NEW_SYN_RECV",
};

static const char *name_of(const char *const *names, size_t n, unsigned int v)
{
	return v < n && names[v] ? names[v] : NULL;
}

static void address(const struct kernel_socket *s, const uint8_t *a, char *buf,
		    size_t size)
{
	inet_ntop(s->family == 10 ? AF_INET6 : AF_INET, a, buf, (socklen_t)size);
}

/* crash's "x:x:x:x:x:x:x:x-PORT" of an IPv6 address (no :: shortening). */
static int ipv6_port(const uint8_t *a, unsigned int port, char *buf, size_t size)
{
	return snprintf(buf, size, "%x:%x:%x:%x:%x:%x:%x:%x-%u", a[0] << 8 | a[1],
			a[2] << 8 | a[3], a[4] << 8 | a[5], a[6] << 8 | a[7],
			a[8] << 8 | a[9], a[10] << 8 | a[11], a[12] << 8 | a[13],
			a[14] << 8 | a[15], port);
}

/* crash's FAMILY:TYPE and address columns of a socket. */
static void print_socket_info(const struct kernel_socket *s)
{
	const char *f = name_of(families, sizeof(families) / sizeof(*families), s->family);
	const char *t = name_of(types, sizeof(types) / sizeof(*types), s->type);
	if (f)
		printf("%s:", f);
	else
		printf("%u:", s->family);
	if (t)
		printf("%s ", t);
	else
		printf("%u ", s->type);
	if (s->family == 2) {
		char l[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];
		address(s, s->local, l, sizeof(l));
		address(s, s->remote, r, sizeof(r));
		printf(" %s-%u %s-%u", l, s->local_port, r, s->remote_port);
	} else if (s->family == 10) {
		char l[64], r[64];
		int len = ipv6_port(s->local, s->local_port, l, sizeof(l));
		ipv6_port(s->remote, s->remote_port, r, sizeof(r));
		printf("%12s ", l);
		lkdb_print_centered(stdout, len, r, false);
	}
	putchar('\n');
}

static void socket_json(const struct kernel_socket *s, unsigned int fd, bool first)
{
	printf("%s{\"fd\": %u, \"socket\": ", first ? "" : ", ", fd);
	json_write_address(stdout, s->socket);
	fputs(", \"sock\": ", stdout);
	json_write_address(stdout, s->sock);
	const char *f = name_of(families, sizeof(families) / sizeof(*families), s->family);
	const char *t = name_of(types, sizeof(types) / sizeof(*types), s->type);
	char tb[16];
	snprintf(tb, sizeof(tb), "%s", t ? t : "");
	tb[strcspn(tb, " ")] = '\0';
	printf(", \"family\": %u, \"family_name\": ", s->family);
	if (f)
		json_write_string(stdout, f);
	else
		fputs("null", stdout);
	printf(", \"type\": %u, \"type_name\": ", s->type);
	if (t)
		json_write_string(stdout, tb);
	else
		fputs("null", stdout);
	if (s->family == 2 || s->family == 10) {
		char l[64], r[64];
		address(s, s->local, l, sizeof(l));
		address(s, s->remote, r, sizeof(r));
		const char *st = s->type == 1 ?
			name_of(states, sizeof(states) / sizeof(*states), s->state) : NULL;
		printf(", \"state\": %u, \"state_name\": ", s->state);
		if (st)
			json_write_string(stdout, st);
		else
			fputs("null", stdout);
		fputs(", \"local\": ", stdout);
		json_write_string(stdout, l);
		printf(", \"local_port\": %u, \"remote\": ", s->local_port);
		json_write_string(stdout, r);
		printf(", \"remote_port\": %u", s->remote_port);
	}
	putchar('}');
}

/* net -s: each socket among the task's open files. */
static struct lkdb_error *task_sockets(struct lkdb_command_context *ctx,
				       const struct task_info *t, bool first)
{
	struct kernel_files f;
	struct lkdb_error *err = kernel_read_files(ctx->kernel, t->task, &f);
	if (err)
		return err;
	for (size_t w = 0; w < f.nr_warnings; w++)
		lkdb_warn("net", "%s", f.warnings[w]);
	fflush(stderr);
	if (ctx->json) {
		printf("%s{\"pid\": %" PRId32 ", \"task\": ", first ? "" : ",\n ", t->pid);
		json_write_address(stdout, t->task);
		fputs(", \"sockets\": [", stdout);
	} else {
		if (!first)
			putchar('\n');
		task_lookup_print_header(stdout, t);
	}
	size_t found = 0;
	for (size_t i = 0; i < f.nr && !lkdb_interrupted; i++) {
		struct kernel_socket s;
		bool is_socket;
		struct lkdb_error *e = kernel_read_socket(ctx->kernel, f.files[i].file, &s,
							  &is_socket);
		if (e) {
			lkdb_warn("net", "PID %" PRId32 " fd %u: %s", t->pid, f.files[i].fd,
				  e->message);
			lkdb_error_destroy(e);
			continue;
		}
		if (!is_socket)
			continue;
		if (ctx->json) {
			socket_json(&s, f.files[i].fd, !found);
		} else {
			if (!found)
				puts("FD      SOCKET            SOCK       FAMILY:TYPE SOURCE-PORT DESTINATION-PORT");
			printf("%2u %16" PRIx64 " %16" PRIx64 " ", f.files[i].fd, s.socket, s.sock);
			print_socket_info(&s);
		}
		found++;
	}
	if (ctx->json)
		fputs("]}", stdout);
	else if (!found)
		puts("No open sockets.");
	kernel_files_deinit(&f);
	return NULL;
}

static struct lkdb_error *devices(struct lkdb_command_context *ctx,
				  const struct task_info *t)
{
	struct kernel_netdevs d;
	struct lkdb_error *err = kernel_read_netdevs(ctx->kernel, t->task, &d);
	if (err)
		return err;
	for (size_t i = 0; i < d.nr_warnings; i++)
		lkdb_warn("net", "%s", d.warnings[i]);
	fflush(stderr);
	if (ctx->json) {
		putchar('[');
	} else {
		lkdb_print_centered(stdout, 16, "NET_DEVICE", false);
		puts("  NAME   IP ADDRESS(ES)");
	}
	for (size_t i = 0; i < d.nr; i++) {
		const struct kernel_netdev *n = &d.devs[i];
		if (ctx->json) {
			printf("%s{\"net_device\": ", i ? ",\n " : "");
			json_write_address(stdout, n->dev);
			fputs(", \"name\": ", stdout);
			json_write_string(stdout, n->name);
			fputs(", \"ipv4\": [", stdout);
			for (size_t a = 0; a < n->nr_ipv4; a++) {
				fputs(a ? ", " : "", stdout);
				json_write_string(stdout, n->ipv4[a]);
			}
			fputs("], \"ipv6\": [", stdout);
			for (size_t a = 0; a < n->nr_ipv6; a++) {
				fputs(a ? ", " : "", stdout);
				json_write_string(stdout, n->ipv6[a]);
			}
			fputs("]}", stdout);
			continue;
		}
		printf("%16" PRIx64 "  %-6s ", n->dev, n->name);
		size_t shown = 0;
		for (size_t a = 0; a < n->nr_ipv4; a++)
			printf("%s%s", shown++ ? ", " : "", n->ipv4[a]);
		for (size_t a = 0; a < n->nr_ipv6; a++)
			printf("%s%s", shown++ ? ", " : "", n->ipv6[a]);
		putchar('\n');
	}
	if (ctx->json)
		puts("]");
	kernel_netdevs_deinit(&d);
	return NULL;
}

static struct lkdb_error *cmd_net(struct lkdb_command_context *ctx)
{
	bool sockets = false, ns = false;
	const char *args[NET_TASKS_MAX];
	int nargs = 0;
	for (int i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		if (!strcmp(a, "-s"))
			sockets = true;
		else if (!strcmp(a, "-n"))
			ns = true;
		else if (a[0] == '-')
			return lkdb_usage_error(ctx, "unknown option %s (lkdb's net has -s and -n so far)", a);
		else if (nargs == NET_TASKS_MAX)
			return lkdb_usage_error(ctx, "at most 64 tasks");
		else
			args[nargs++] = a;
	}
	if (sockets && ns)
		return lkdb_usage_error(ctx, "-s or -n, not both");
	if (nargs && !sockets && !ns)
		return lkdb_usage_error(ctx, "a task goes with -s or -n");
	if (ns && nargs > 1)
		return lkdb_usage_error(ctx, "-n takes one task");
	/* The devices of the idle task's namespace (init_net), as crash. */
	const char *idle = "0";
	if (!sockets && !ns) {
		args[0] = idle;
		nargs = 1;
	}
	struct task_list *tasks = NULL;
	const struct task_info *chosen[NET_TASKS_MAX];
	int n;
	struct lkdb_error *err = task_lookup_args(ctx->session, "net", args, nargs,
						  &tasks, chosen, &n);
	if (!err && !sockets) {
		err = devices(ctx, chosen[0]);
	} else if (!err) {
		if (ctx->json)
			putchar('[');
		for (int i = 0; i < n && !err && !lkdb_interrupted; i++)
			err = task_sockets(ctx, chosen[i], !i);
		if (ctx->json)
			puts("]");
	}
	fflush(stdout);
	task_lookup_release(ctx->session, tasks);
	return err;
}

const struct lkdb_command lkdb_command_net = {
	.name = "net",
	.handler = cmd_net,
	.summary = "network devices and their addresses, or a task's sockets, as crash's net",
	.usage = "net [-n [PID|TASK]] | net -s [PID|TASK...] [--json]\n"
		 "The network devices of the initial namespace (-n: of the task's, the\n"
		 "context task's without one) as crash's net lists them: NET_DEVICE, NAME\n"
		 "and the IPv4 then IPv6 ADDRESS(ES).\n"
		 "  -s      the sockets among the context task's (or each given task's)\n"
		 "          open files: FD, struct SOCKET and SOCK, FAMILY:TYPE, and for\n"
		 "          INET and INET6 the local and remote address and port\n"
		 "  --json  an array of {net_device, name, ipv4: [..], ipv6: [..]}; with -s\n"
		 "          of {pid, task, sockets: [{fd, socket, sock, family,\n"
		 "          family_name, type, type_name, and for INET/INET6: state,\n"
		 "          state_name (TCP), local, local_port, remote, remote_port}]}",
	.man = ".BR net \" [\" \\-n\n"
	       ".RI [ PID | TASK ]]\n"
	       ".RB \"| net \\-s\" \" [\"\n"
	       ".IR PID | TASK \" ...]\"\n"
	       "The network devices and their IPv4 and IPv6 addresses, or \\-s a task's\n"
	       "sockets with family, type, local and remote address and port, as crash's net.\n",
	.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	.complete = task_lookup_complete_pids,
};
