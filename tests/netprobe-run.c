/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netprobe-run: run the kernel probe (src/netprobe.h) by hand and print
 * what it found.  For developers of the firewall families; not installed.
 *
 *   tests/netprobe-run [-r ROOT] [-f FROM] [-i IFNAME] [-t MS] [-k]
 *                      [-P TARGETPATH=LOCALFILE]... -p [6/]PORT... \
 *                      -- PROGRAM ARG... [-- PROGRAM ARG...]
 *
 * -r the target root (default /), -f the client address (--from), -i the
 * server's interface name, -t the answer timeout in ms, -k keep going past
 * a failed loader (as boot does), -P show LOCALFILE's bytes to the loaders
 * as TARGETPATH (a planned file), -p a port (6/22 for IPv6).  Each "--"
 * starts a loader, run in order.  Exit status: 0 every port accepted,
 * 1 some port not accepted, 2 the probe could not answer, 3 usage.
 *
 *   sudo tests/netprobe-run -r /mnt -p 22 -p 6/22 -- /usr/sbin/nft -f /etc/nftables.conf
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netprobe.h"
#include "target.h"
#include "util.h"

#define MAX_ITEMS 64

static int usage(void)
{
	fprintf(stderr, "usage: netprobe-run [-r ROOT] [-f FROM] [-i IFNAME] [-t MS] [-k] [-P PATH=FILE]... "
			"-p [6/]PORT... -- PROGRAM ARG... [-- PROGRAM ARG...]\n");
	return 3;
}

int main(int argc, char **argv)
{
	const char *root = "/";
	struct netprobe_request req = {0};
	struct netprobe_port ports[MAX_ITEMS];
	struct netprobe_loader loaders[MAX_ITEMS];
	struct sandbox_file planned[MAX_ITEMS];
	char *planned_data[MAX_ITEMS] = {0};
	size_t np = 0, nl = 0, nf = 0;
	struct netprobe_result res;
	struct target *t = NULL;
	unsigned long long v;
	int o, r, status = 0;

	while ((o = getopt(argc, argv, "r:f:i:t:kP:p:")) != -1) {
		switch (o) {
		case 'r':
			root = optarg;
			break;
		case 'f':
			req.from = optarg;
			break;
		case 'i':
			req.ifname = optarg;
			break;
		case 't':
			if (parse_uint(optarg, 10, 600000, &v) < 0)
				return usage();
			req.timeout_ms = (unsigned) v;
			break;
		case 'k':
			req.keep_going = true;
			break;
		case 'P': {
			char *eq = strchr(optarg, '=');
			size_t len;
			FILE *f;
			if (!eq || nf == MAX_ITEMS)
				return usage();
			*eq = '\0';
			f = fopen(eq + 1, "re");
			if (!f) {
				fprintf(stderr, "netprobe-run: %s: %s\n", eq + 1, strerror(errno));
				return 3;
			}
			r = read_all(fileno(f), CONFIG_MAX, &planned_data[nf], &len);
			fclose(f);
			if (r < 0) {
				fprintf(stderr, "netprobe-run: %s: %s\n", eq + 1, strerror(-r));
				return 3;
			}
			planned[nf] = (struct sandbox_file) { .path = optarg, .data = planned_data[nf], .len = len };
			nf++;
			break;
		}
		case 'p': {
			int fam = AF_INET;
			const char *s = optarg;
			if (startswith(s, "6/"))
				fam = AF_INET6, s += 2;
			else if (startswith(s, "4/"))
				s += 2;
			if (np == MAX_ITEMS || parse_uint(s, 10, 65535, &v) < 0 || v == 0)
				return usage();
			ports[np++] = (struct netprobe_port) { .family = fam, .port = (uint16_t) v };
			break;
		}
		default:
			return usage();
		}
	}
	/* getopt stopped after the first "--": loaders are split at the others. */
	for (int i = optind; i < argc && nl < MAX_ITEMS;) {
		loaders[nl++].argv = (const char *const *) &argv[i];
		while (i < argc && !streq(argv[i], "--"))
			i++;
		if (i < argc)
			argv[i++] = NULL;
	}
	if (np == 0 || nl == 0)
		return usage();
	req.ports = ports;
	req.n_ports = np;
	req.loaders = loaders;
	req.n_loaders = nl;
	req.planned = planned;
	req.n_planned = nf;

	r = target_new(root, &t);
	if (r < 0) {
		fprintf(stderr, "netprobe-run: %s: %s\n", root, strerror(-r));
		return 3;
	}
	r = netprobe_run(t, &req, &res);
	target_free(t);
	for (size_t i = 0; i < nf; i++)
		free(planned_data[i]);
	if (r < 0) {
		fprintf(stderr, "netprobe-run: bad request: %s\n", strerror(-r));
		return 3;
	}
	for (size_t i = 0; i < res.n_loaders; i++) {
		const struct netprobe_loader_result *l = &res.loaders[i];
		struct buf b = {0};
		if (!l->ran) {
			printf("loader %zu: not run\n", i + 1);
			continue;
		}
		escape_text(&b, l->output, strlen(l->output));
		printf("loader %zu: exit %d%s, %u ms%s%s", i + 1, l->exit_status, l->timed_out ? " (timed out)" : "",
		       l->elapsed_ms, b.len ? ", said:\n" : "\n", b.len ? b.data : "");
		if (b.len && b.data[b.len - 1] != '\n')
			putchar('\n');
		buf_done(&b);
	}
	if (res.error != NETPROBE_OK) {
		struct buf b = {0};
		escape_text(&b, res.message, strlen(res.message));
		printf("probe: error: %s\n", b.data);
		buf_done(&b);
		status = 2;
	}
	for (size_t i = 0; i < res.n_ports; i++) {
		const struct netprobe_port_result *p = &res.ports[i];
		printf("%s port %u from %s to %s: %s", p->family == AF_INET6 ? "IPv6" : "IPv4", p->port, p->from, p->to,
		       netprobe_verdict_name(p->verdict));
		if (p->verdict == NETPROBE_REJECTED)
			printf(" (%s, %s)", netprobe_reject_name(p->family, p->icmp_type, p->icmp_code),
			       strerror(p->error));
		if (p->verdict == NETPROBE_ERROR)
			printf(" (%s%s%s)", p->why ? p->why : "?", p->error ? ": " : "", p->error ? strerror(p->error) : "");
		if (p->verdict != NETPROBE_ERROR)
			printf(" after %u.%03u ms", p->elapsed_us / 1000, p->elapsed_us % 1000);
		if (p->no_neighbour)
			printf(" (no %s answer: the rules drop it)", p->family == AF_INET6 ? "neighbour discovery" : "ARP");
		putchar('\n');
		if (p->verdict != NETPROBE_ACCEPTED && status == 0)
			status = p->verdict == NETPROBE_ERROR ? 2 : 1;
	}
	printf("time: set-up %u ms, loaders %u ms, answers %u ms, total %u ms; nf_tables %s\n", res.setup_ms,
	       res.loaders_ms, res.probe_ms, res.total_ms, res.nf_tables ? "yes" : "no");
	netprobe_result_done(&res);
	return status;
}
