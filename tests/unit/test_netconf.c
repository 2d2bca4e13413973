/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/netconf.c: each network configuration format sshfix reads offline,
 * with the layouts the distributions write (Debian's ifupdown, Ubuntu's
 * netplan from cloud-init, NetworkManager keyfiles, networkd, EL and SUSE
 * ifcfg, wg-quick, keepalived, sysctl.d), the interface each address goes
 * on, garbage for every parser; and src/addresses.c, which loads them from a
 * scratch root as the boot would (layered directories, includes, enabled
 * units, NetworkManager's default DHCP, cloud-init, ip_nonlocal_bind).
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addresses.h"
#include "netconf.h"
#include "target.h"
#include "testlib.h"
#include "util.h"

#define FUZZ_SEED 0x7e57c0ffee5eedull
#define FUZZ_RUNS 3000

/* Does nc hold this address?  With where, also check its location text. */
static bool has(const struct netconf *nc, const char *addr, const char *where)
{
	struct ip_addr a;

	ck_assert_msg(ip_parse_cidr(addr, strlen(addr), &a), "test address %s", addr);
	const struct netconf_addr *x = netconf_find(nc, &a);
	if (x && where)
		ck_assert_msg(strstr(x->where, where), "%s: where \"%s\", want \"%s\"", addr, x->where, where);
	return x != NULL;
}

static bool dynamic(const struct netconf *nc, const char *what)
{
	for (size_t i = 0; nc->dynamic && nc->dynamic[i]; i++)
		if (strstr(nc->dynamic[i], what))
			return true;
	return false;
}

START_TEST(ifupdown_static_dhcp_and_includes)
{
	const char t[] = "# The loopback network interface\n"
			 "auto lo\n"
			 "iface lo inet loopback\n"
			 "\n"
			 "source /etc/network/interfaces.d/*\n"
			 "source-directory more.d\n"
			 "auto eth0\n"
			 "iface eth0 inet static\n"
			 "    address 192.0.2.10/24\n"
			 "    gateway 192.0.2.1\n"
			 "    up ip addr add 198.51.100.7/32 dev eth0 \\\n"
			 "       label eth0:1\n"
			 "    post-up /sbin/ip -4 address add local 198.51.100.8 dev eth0\n"
			 "    pre-up ifconfig eth0:2 203.0.113.9 netmask 255.255.255.0\n"
			 "iface eth0 inet6 static\n"
			 "    address 2001:db8::10/64\n"
			 "iface eth1 inet dhcp\n"
			 "mapping eth2\n"
			 "    address 10.10.10.10\n"
			 "iface br0 inet manual\n";
	struct netconf nc = {0};
	struct ifupdown_include *inc = NULL;
	size_t n_inc = 0;

	ck_assert_int_eq(netconf_parse_ifupdown(&nc, "/etc/network/interfaces", t, sizeof(t) - 1, &inc, &n_inc), 0);
	ck_assert(has(&nc, "192.0.2.10", "/etc/network/interfaces line 9 (address)"));
	ck_assert(has(&nc, "198.51.100.7", "line 11 (up command)"));
	ck_assert(has(&nc, "198.51.100.8", NULL));
	ck_assert(has(&nc, "203.0.113.9", NULL));
	ck_assert(has(&nc, "2001:db8::10", NULL));
	ck_assert(!has(&nc, "192.0.2.1", NULL));	/* a gateway is not ours */
	ck_assert(!has(&nc, "10.10.10.10", NULL));	/* not inside an iface stanza */
	ck_assert(dynamic(&nc, "line 17: iface eth1 inet dhcp"));
	ck_assert_int_eq(strv_length(nc.dynamic), 1);	/* manual is not dynamic */
	ck_assert_int_eq(n_inc, 2);
	ck_assert_str_eq(inc[0].pattern, "/etc/network/interfaces.d/*");
	ck_assert(!inc[0].directory);
	ck_assert_str_eq(inc[1].pattern, "more.d");
	ck_assert(inc[1].directory);
	ifupdown_includes_free(inc, n_inc);
	netconf_done(&nc);

	ck_assert(ifupdown_run_parts_name("50-cloud-init"));
	ck_assert(!ifupdown_run_parts_name("eth0.cfg"));
	ck_assert(!ifupdown_run_parts_name(""));
}
END_TEST

START_TEST(netplan_lists_and_dhcp)
{
	const char t[] = "# This file is generated from information provided by the datasource.\n"
			 "network:\n"
			 "  version: 2\n"
			 "  ethernets:\n"
			 "    eth0:\n"
			 "      addresses:\n"
			 "      - 192.0.2.10/24   # compact sequence\n"
			 "      - \"2001:db8::10/64\"\n"
			 "      - 198.51.100.5/24:\n"
			 "          lifetime: 0\n"
			 "          label: \"eth0:1\"\n"
			 "      nameservers:\n"
			 "        addresses: [9.9.9.9, \"8.8.8.8\"]\n"
			 "        search: [example.org]\n"
			 "      routes:\n"
			 "        - to: default\n"
			 "          via: 192.0.2.1\n"
			 "    eth1:\n"
			 "      addresses: [ 203.0.113.4/24, '203.0.113.5/24' ]\n"
			 "      dhcp4: false\n"
			 "    eth2:\n"
			 "      dhcp4: yes\n"
			 "  bonds:\n"
			 "    bond0:\n"
			 "      addresses:\n"
			 "        - 10.0.0.1/8\n"
			 "      nameservers:\n"
			 "        addresses:\n"
			 "          - 1.1.1.1\n";
	struct netconf nc = {0};

	ck_assert_int_eq(netconf_parse_netplan(&nc, "/etc/netplan/50-cloud-init.yaml", t, sizeof(t) - 1), 0);
	ck_assert(has(&nc, "192.0.2.10", "line 7"));
	ck_assert(has(&nc, "2001:db8::10", NULL));
	ck_assert(has(&nc, "198.51.100.5", NULL));
	ck_assert(has(&nc, "203.0.113.4", NULL));
	ck_assert(has(&nc, "203.0.113.5", NULL));
	ck_assert(has(&nc, "10.0.0.1", NULL));
	ck_assert(!has(&nc, "9.9.9.9", NULL));
	ck_assert(!has(&nc, "8.8.8.8", NULL));
	ck_assert(!has(&nc, "1.1.1.1", NULL));
	ck_assert(!has(&nc, "192.0.2.1", NULL));
	ck_assert(dynamic(&nc, "line 22: dhcp4: true"));
	ck_assert_int_eq(strv_length(nc.dynamic), 1);
	netconf_done(&nc);

	/* Ubuntu cloud-init's DHCP-only file */
	const char u[] = "network:\n    ethernets:\n        ens3:\n            dhcp4: true\n            match:\n"
			 "                macaddress: fa:16:3e:00:00:01\n            set-name: ens3\n    version: 2\n";
	ck_assert_int_eq(netconf_parse_netplan(&nc, "/etc/netplan/50-cloud-init.yaml", u, sizeof(u) - 1), 0);
	ck_assert_int_eq(nc.n_addrs, 0);
	ck_assert(dynamic(&nc, "dhcp4"));
	netconf_done(&nc);
}
END_TEST

START_TEST(nmconnection_methods)
{
	const char manual[] = "[connection]\nid=eth0\ntype=ethernet\ninterface-name=eth0\n\n"
			      "[ipv4]\naddress1=192.0.2.10/24,192.0.2.1\naddress2=192.0.2.11/24\n"
			      "addresses=198.51.100.1/24;198.51.100.2/24;\ndns=9.9.9.9;\nmethod=manual\n\n"
			      "[ipv6]\naddr-gen-mode=stable-privacy\naddress1=2001:db8::10/64\nmethod=manual\n";
	const char legacy[] = "[ipv4]\naddresses1=10.1.1.5;24;10.1.1.1;\nmethod=manual\n";
	const char autom[] = "[connection]\nid=Wired\ntype=ethernet\n[ipv4]\nmethod=auto\naddress1=10.9.9.9/24\n";
	const char none[] = "[connection]\nid=Wired\ntype=ethernet\n";
	const char port[] = "[connection]\nid=eth1\ntype=ethernet\nmaster=br0\nslave-type=bridge\n";
	struct netconf nc = {0};

	ck_assert_int_eq(netconf_parse_nmconnection(&nc, "eth0.nmconnection", manual, sizeof(manual) - 1), 0);
	ck_assert(has(&nc, "192.0.2.10", "line 7 (keyfile address)"));
	ck_assert(has(&nc, "192.0.2.11", NULL));
	ck_assert(has(&nc, "198.51.100.1", NULL));
	ck_assert(has(&nc, "198.51.100.2", NULL));
	ck_assert(has(&nc, "2001:db8::10", NULL));
	ck_assert(!has(&nc, "192.0.2.1", NULL));
	ck_assert(!has(&nc, "9.9.9.9", NULL));
	ck_assert_ptr_null(nc.dynamic);
	ck_assert_int_eq(netconf_parse_nmconnection(&nc, "old.nmconnection", legacy, sizeof(legacy) - 1), 0);
	ck_assert(has(&nc, "10.1.1.5", NULL));
	ck_assert(!has(&nc, "10.1.1.1", NULL));
	netconf_done(&nc);

	ck_assert_int_eq(netconf_parse_nmconnection(&nc, "w.nmconnection", autom, sizeof(autom) - 1), 0);
	ck_assert(dynamic(&nc, "w.nmconnection line 5: [ipv4] method=auto"));
	ck_assert(has(&nc, "10.9.9.9", NULL));
	netconf_done(&nc);
	ck_assert_int_eq(netconf_parse_nmconnection(&nc, "n.nmconnection", none, sizeof(none) - 1), 0);
	ck_assert(dynamic(&nc, "n.nmconnection: no [ipv4] method"));
	netconf_done(&nc);
	ck_assert_int_eq(netconf_parse_nmconnection(&nc, "p.nmconnection", port, sizeof(port) - 1), 0);
	ck_assert_ptr_null(nc.dynamic);
	ck_assert_int_eq(nc.n_addrs, 0);
	netconf_done(&nc);
}
END_TEST

START_TEST(networkd_files)
{
	const char st[] = "[Match]\nName=eth0\n\n[Network]\nAddress=192.0.2.10/24\nAddress=2001:db8::10/64\n"
			  "Gateway=192.0.2.1\nDNS=9.9.9.9\n\n[Address]\nAddress=198.51.100.9/32\n";
	const char dhcp[] = "[Match]\nName=en*\n[Network]\nDHCP=ipv4\n";
	const char dhcp6[] = "[Match]\nName=en*\n[Network]\nDHCP=ipv6\n";
	const char host0[] = "[Match]\nVirtualization=container\nName=host0\n\n[Network]\nDHCP=yes\n";
	const char pool[] = "[Network]\nAddress=0.0.0.0/24\n";
	struct netconf nc = {0};

	ck_assert_int_eq(netconf_parse_networkd(&nc, "10-eth0.network", st, sizeof(st) - 1), 0);
	ck_assert(has(&nc, "192.0.2.10", "line 5 (Address=)"));
	ck_assert(has(&nc, "2001:db8::10", NULL));
	ck_assert(has(&nc, "198.51.100.9", NULL));
	ck_assert(!has(&nc, "192.0.2.1", NULL));
	ck_assert_ptr_null(nc.dynamic);
	ck_assert_int_eq(netconf_parse_networkd(&nc, "dhcp6.network", dhcp6, sizeof(dhcp6) - 1), 0);
	ck_assert_ptr_null(nc.dynamic);
	ck_assert_int_eq(netconf_parse_networkd(&nc, "dhcp.network", dhcp, sizeof(dhcp) - 1), 0);
	ck_assert(dynamic(&nc, "dhcp.network line 4: DHCP=yes"));
	netconf_done(&nc);
	ck_assert_int_eq(netconf_parse_networkd(&nc, "80-container-host0.network", host0, sizeof(host0) - 1), 1);
	ck_assert_ptr_null(nc.dynamic);
	ck_assert_int_eq(netconf_parse_networkd(&nc, "pool.network", pool, sizeof(pool) - 1), 0);
	ck_assert(dynamic(&nc, "pool"));
	netconf_done(&nc);
}
END_TEST

START_TEST(ifcfg_el_and_suse)
{
	const char el[] = "TYPE=Ethernet\nBOOTPROTO=none\nNAME=eth0\nDEVICE=eth0\nONBOOT=yes\n"
			  "IPADDR=192.0.2.10\nPREFIX=24\nIPADDR1=\"192.0.2.11\"\nGATEWAY=192.0.2.1\n"
			  "IPV6ADDR=2001:db8::10/64\nIPV6ADDR_SECONDARIES=\"2001:db8::11/64 2001:db8::12/64\"\n"
			  "IPADDR=192.0.2.20\n";
	const char suse[] = "BOOTPROTO='static'\nSTARTMODE='auto'\nIPADDR='10.0.0.5/24'\nIPADDR_1='10.0.0.6/24'\n";
	const char dhcp[] = "DEVICE=eth1\nBOOTPROTO=dhcp\nONBOOT=yes\n";
	const char off[] = "DEVICE=eth2\nBOOTPROTO=dhcp\nIPADDR=172.16.0.1\nONBOOT=no\n";
	const char suse_off[] = "BOOTPROTO='dhcp'\nSTARTMODE='manual'\n";
	struct netconf nc = {0};

	ck_assert_int_eq(netconf_parse_ifcfg(&nc, "ifcfg-eth0", el, sizeof(el) - 1), 0);
	ck_assert(!has(&nc, "192.0.2.10", NULL));	/* the later IPADDR= wins, as in the shell */
	ck_assert(has(&nc, "192.0.2.20", "line 12 (IPADDR)"));
	ck_assert(has(&nc, "192.0.2.11", NULL));
	ck_assert(has(&nc, "2001:db8::10", NULL));
	ck_assert(has(&nc, "2001:db8::12", NULL));
	ck_assert(!has(&nc, "192.0.2.1", NULL));
	ck_assert_ptr_null(nc.dynamic);
	ck_assert_int_eq(netconf_parse_ifcfg(&nc, "ifcfg-eth0", suse, sizeof(suse) - 1), 0);
	ck_assert(has(&nc, "10.0.0.5", NULL));
	ck_assert(has(&nc, "10.0.0.6", NULL));
	ck_assert_int_eq(netconf_parse_ifcfg(&nc, "ifcfg-eth2", off, sizeof(off) - 1), 0);
	ck_assert(!has(&nc, "172.16.0.1", NULL));
	ck_assert_int_eq(netconf_parse_ifcfg(&nc, "ifcfg-eth3", suse_off, sizeof(suse_off) - 1), 0);
	ck_assert_ptr_null(nc.dynamic);
	ck_assert_int_eq(netconf_parse_ifcfg(&nc, "ifcfg-eth1", dhcp, sizeof(dhcp) - 1), 0);
	ck_assert(dynamic(&nc, "ifcfg-eth1 line 2: BOOTPROTO=dhcp"));
	netconf_done(&nc);
}
END_TEST

START_TEST(wireguard_keepalived_sysctl)
{
	const char wg[] = "[Interface]\nPrivateKey = x\nAddress = 10.8.0.1/24, fd00::1/64 # vpn\nListenPort = 51820\n"
			  "[Peer]\nAllowedIPs = 10.8.0.2/32\nEndpoint = 198.51.100.1:51820\n";
	const char ka[] = "! Configuration File for keepalived\nvrrp_instance VI_1 {\n    state MASTER\n"
			  "    virtual_router_id 51\n    virtual_ipaddress {\n        192.0.2.100/24 dev eth0\n"
			  "        192.0.2.101\n    }\n    unicast_peer {\n        192.0.2.3\n    }\n}\n"
			  "vrrp_instance VI_2 {\n    virtual_ipaddress { 198.51.100.50 }\n}\n";
	const char sc[] = "# comment\nnet.ipv4.ip_nonlocal_bind = 1\n; x\n-net/ipv4/ip_nonlocal_bind=0\n"
			  "net.ipv4.ip_nonlocal_bind=2\nnet.ipv6.ip_nonlocal_bind = yes\n";
	struct netconf nc = {0};
	unsigned line = 0;

	ck_assert_int_eq(netconf_parse_wireguard(&nc, "wg0.conf", wg, sizeof(wg) - 1), 0);
	ck_assert(has(&nc, "10.8.0.1", "line 3 (wg-quick Address)"));
	ck_assert(has(&nc, "fd00::1", NULL));
	ck_assert(!has(&nc, "10.8.0.2", NULL));
	ck_assert_int_eq(netconf_parse_keepalived(&nc, "keepalived.conf", ka, sizeof(ka) - 1), 0);
	ck_assert(has(&nc, "192.0.2.100", NULL));
	ck_assert(has(&nc, "192.0.2.101", "line 7"));
	ck_assert(has(&nc, "198.51.100.50", NULL));
	ck_assert(!has(&nc, "192.0.2.3", NULL));
	netconf_done(&nc);

	ck_assert_int_eq(sysctl_value(sc, sizeof(sc) - 1, "net.ipv4.ip_nonlocal_bind", &line), 1);
	ck_assert_int_eq(line, 5);
	ck_assert_int_eq(sysctl_value(sc, 73, "net.ipv4.ip_nonlocal_bind", NULL), 0);
	ck_assert_int_eq(sysctl_value(sc, sizeof(sc) - 1, "net.ipv6.ip_nonlocal_bind", NULL), -1);
	ck_assert_int_eq(sysctl_value(sc, sizeof(sc) - 1, "net/ipv4/ip_nonlocal_bind", NULL), 1);
	ck_assert_int_eq(sysctl_value(NULL, 0, "x", NULL), -1);
}
END_TEST

static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Binary garbage, NUL bytes, unbalanced quotes and brackets, deep indentation: no parser may fail or crash. */
START_TEST(netconf_garbage)
{
	static const char *const bits[] = {
		"address ", "iface x inet dhcp\n", "addresses:", "\n  - ", "[ipv4]\n", "method=auto\n",
		"address1=", "DHCP=yes\n", "[Network]\n", "BOOTPROTO=dhcp\n", "IPADDR=", "virtual_ipaddress {",
		"}", "\"", "'", "\\\n", "\0", "192.0.2.1/24", "::1", "#", ":", "[", "]", "=", "\t",
		"                                                                ", "\xff\xfe", "\n",
	};
	rng_state = FUZZ_SEED;
	for (int run = 0; run < FUZZ_RUNS; run++) {
		struct buf b = {0};
		int parts = (int) (rng() % 60);
		for (int i = 0; i < parts; i++) {
			const char *p = bits[rng() % ELEMENTSOF(bits)];
			buf_append(&b, p, *p ? strlen(p) : 1);
		}
		ck_assert(buf_ok(&b));
		const char *t = b.data ? b.data : "";
		struct netconf nc = {0};
		struct ifupdown_include *inc = NULL;
		size_t n_inc = 0;
		ck_assert_int_eq(netconf_parse_ifupdown(&nc, "f", t, b.len, &inc, &n_inc), 0);
		ifupdown_includes_free(inc, n_inc);
		ck_assert_int_eq(netconf_parse_netplan(&nc, "f", t, b.len), 0);
		ck_assert_int_eq(netconf_parse_nmconnection(&nc, "f", t, b.len), 0);
		ck_assert_int_ge(netconf_parse_networkd(&nc, "f", t, b.len), 0);
		ck_assert_int_eq(netconf_parse_ifcfg(&nc, "f", t, b.len), 0);
		ck_assert_int_eq(netconf_parse_wireguard(&nc, "f", t, b.len), 0);
		ck_assert_int_eq(netconf_parse_keepalived(&nc, "f", t, b.len), 0);
		(void) sysctl_value(t, b.len, "net.ipv4.ip_nonlocal_bind", NULL);
		for (size_t i = 0; i < nc.n_addrs; i++)
			ck_assert(nc.addrs[i].addr.family == AF_INET || nc.addrs[i].addr.family == AF_INET6);
		netconf_done(&nc);
		buf_done(&b);
	}
}
END_TEST

START_TEST(netconf_huge_line)
{
	size_t n = 8u << 20;
	char *big = malloc(n);
	struct netconf nc = {0};

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', n);
	memcpy(big, "addresses: [", 12);
	ck_assert_int_eq(netconf_parse_netplan(&nc, "f", big, n), 0);
	memcpy(big, "address 1", 9);
	memset(big + 9, '\\', n - 9);	/* one logical line of continuations */
	ck_assert_int_eq(netconf_parse_ifupdown(&nc, "f", big, n, NULL, NULL), 0);
	ck_assert_int_eq(nc.n_addrs, 0);
	netconf_done(&nc);
	free(big);
}
END_TEST

/* The interface nc puts addr on ("" when unknown). */
static const char *ifname_of(const struct netconf *nc, const char *addr)
{
	struct ip_addr a;

	ck_assert(ip_parse_cidr(addr, strlen(addr), &a));
	const struct netconf_addr *x = netconf_find(nc, &a);
	ck_assert_msg(x != NULL, "%s missing", addr);
	return x->ifname ? x->ifname : "";
}

START_TEST(netconf_interface_names)
{
	struct netconf nc = {0};
	static const char ifup[] = "iface eth0 inet static\n address 192.0.2.1/24\n up ip addr add 192.0.2.2/32 dev eth0\n";
	static const char plan[] = "network:\n  ethernets:\n    ens3:\n      addresses:\n        - 192.0.2.3/24\n"
				   "  bonds:\n    bond0:\n      interfaces: [ens4]\n      addresses: [192.0.2.4/24]\n"
				   "      nameservers:\n        addresses: [192.0.2.53]\n";
	static const char nm[] = "[connection]\nid=Wired\ninterface-name=enp1s0\n[ipv4]\nmethod=manual\naddress1=192.0.2.5/24\n";
	static const char nd[] = "[Match]\nName=en* eth*\n[Network]\nAddress=192.0.2.6/24\n";
	static const char ifcfg[] = "BOOTPROTO=none\nIPADDR=192.0.2.7\n";
	static const char ifcfg_dev[] = "DEVICE=eth9\nIPADDR=192.0.2.8\n";
	static const char wg[] = "[Interface]\nAddress = 10.9.0.1/24\n";
	static const char ka[] = "vrrp_instance VI_1 {\n  interface eth2\n  virtual_ipaddress {\n    192.0.2.9/24\n"
				 "    192.0.2.10/24 dev eth3 label eth3:1\n  }\n}\n";

	ck_assert_int_eq(netconf_parse_ifupdown(&nc, "/etc/network/interfaces", ifup, sizeof(ifup) - 1, NULL, NULL), 0);
	ck_assert_int_eq(netconf_parse_netplan(&nc, "/etc/netplan/50.yaml", plan, sizeof(plan) - 1), 0);
	ck_assert_int_eq(netconf_parse_nmconnection(&nc, "/etc/NetworkManager/system-connections/w.nmconnection", nm,
						    sizeof(nm) - 1),
			 0);
	ck_assert_int_eq(netconf_parse_networkd(&nc, "/etc/systemd/network/10.network", nd, sizeof(nd) - 1), 0);
	ck_assert_int_eq(netconf_parse_ifcfg(&nc, "/etc/sysconfig/network-scripts/ifcfg-eth1", ifcfg, sizeof(ifcfg) - 1), 0);
	ck_assert_int_eq(netconf_parse_ifcfg(&nc, "/etc/sysconfig/network-scripts/ifcfg-x", ifcfg_dev, sizeof(ifcfg_dev) - 1),
			 0);
	ck_assert_int_eq(netconf_parse_wireguard(&nc, "/etc/wireguard/wg0.conf", wg, sizeof(wg) - 1), 0);
	ck_assert_int_eq(netconf_parse_keepalived(&nc, "/etc/keepalived/keepalived.conf", ka, sizeof(ka) - 1), 0);

	ck_assert_str_eq(ifname_of(&nc, "192.0.2.1"), "eth0");
	ck_assert_str_eq(ifname_of(&nc, "192.0.2.2"), "eth0");
	ck_assert_str_eq(ifname_of(&nc, "192.0.2.3"), "ens3");
	ck_assert_str_eq(ifname_of(&nc, "192.0.2.4"), "bond0");
	ck_assert(!has(&nc, "192.0.2.53", NULL));
	ck_assert_str_eq(ifname_of(&nc, "192.0.2.5"), "enp1s0");
	ck_assert_str_eq(ifname_of(&nc, "192.0.2.6"), "en*");
	ck_assert_str_eq(ifname_of(&nc, "192.0.2.7"), "eth1");
	ck_assert_str_eq(ifname_of(&nc, "192.0.2.8"), "eth9");
	ck_assert_str_eq(ifname_of(&nc, "10.9.0.1"), "wg0");
	ck_assert_str_eq(ifname_of(&nc, "192.0.2.9"), "eth2");
	ck_assert_str_eq(ifname_of(&nc, "192.0.2.10"), "eth3");
	netconf_done(&nc);
}
END_TEST

START_TEST(addresses_load_boot)
{
	_cleanup_free_ char *root = tl_mkdtemp();
	struct target *t = NULL;
	struct addresses *as = NULL;
	struct ip_addr a;
	const struct netconf_addr *conf = NULL;
	static const char *const dirs[] = { "etc", "etc/network", "etc/network/interfaces.d", "etc/netplan", "run",
					    "run/netplan", "usr", "usr/sbin", "etc/systemd", "etc/systemd/system",
					    "etc/systemd/system/multi-user.target.wants", "etc/systemd/network",
					    "usr/lib", "usr/lib/systemd", "usr/lib/systemd/network", "etc/sysctl.d",
					    "etc/NetworkManager", "etc/NetworkManager/conf.d" };

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		tl_mkdir(root, dirs[i], 0755);
	tl_write(root, "etc/network/interfaces", "source /etc/network/interfaces.d/*\n", 0644);
	tl_write(root, "etc/network/interfaces.d/eth0", "iface eth0 inet static\n  address 192.0.2.10/24\n", 0644);
	/* /run/netplan hides /etc/netplan's file of the same name */
	tl_write(root, "etc/netplan/50-cloud-init.yaml",
		 "network:\n  ethernets:\n    ens3:\n      addresses: [198.51.100.1/24]\n", 0644);
	tl_write(root, "run/netplan/50-cloud-init.yaml",
		 "network:\n  ethernets:\n    ens3:\n      addresses: [198.51.100.2/24]\n", 0644);
	/* networkd counts only when enabled; /etc's empty file masks /usr/lib's */
	tl_write(root, "usr/lib/systemd/network/80-dhcp.network", "[Network]\nDHCP=yes\n", 0644);
	tl_write(root, "etc/systemd/network/80-dhcp.network", "", 0644);
	tl_write(root, "usr/lib/systemd/network/90-static.network", "[Match]\nName=eth1\n[Network]\nAddress=203.0.113.5/24\n",
		 0644);
	/* NetworkManager installed, without a profile of its own */
	tl_write(root, "usr/sbin/NetworkManager", "\177ELF", 0755);
	tl_write(root, "etc/sysctl.d/90-vip.conf", "net.ipv4.ip_nonlocal_bind = 1\n", 0644);
	ck_assert_int_eq(target_new(root, &t), 0);

	ck_assert_int_eq(addresses_load(t, &as), 0);
	ck_assert(!as->live);
	ck_assert(ip_parse_cidr("192.0.2.10", 10, &a));
	ck_assert_int_eq(addresses_find(as, &a, &conf, NULL), ADDR_CONFIGURED);
	ck_assert_str_eq(conf->ifname, "eth0");
	ck_assert_ptr_nonnull(strstr(conf->where, "/etc/network/interfaces.d/eth0 line 2"));
	ck_assert(ip_parse_cidr("198.51.100.2", 12, &a));
	ck_assert_int_eq(addresses_find(as, &a, NULL, NULL), ADDR_CONFIGURED);
	ck_assert(ip_parse_cidr("198.51.100.1", 12, &a));
	ck_assert_int_eq(addresses_find(as, &a, NULL, NULL), ADDR_NONE);
	ck_assert(ip_parse_cidr("203.0.113.5", 11, &a));
	ck_assert_int_eq(addresses_find(as, &a, NULL, NULL), ADDR_NONE);	/* networkd is not enabled */
	ck_assert(ip_parse_cidr("::ffff:127.0.0.2", 16, &a));
	ck_assert_int_eq(addresses_find(as, &a, NULL, NULL), ADDR_LOOPBACK);
	/* other files configure addresses: NetworkManager's default DHCP connection is not assumed */
	ck_assert(!dynamic(&as->conf, "NetworkManager uses DHCP on every wired device"));
	ck_assert_int_eq(as->nonlocal4, 1);
	ck_assert_str_eq(as->nonlocal4_where, "/etc/sysctl.d/90-vip.conf line 1 (net.ipv4.ip_nonlocal_bind = 1)");
	ck_assert_int_eq(as->nonlocal6, -1);
	addresses_free(as);

	/* Enabled networkd: its files count, the masked one does not. */
	tl_symlink(root, "etc/systemd/system/multi-user.target.wants/systemd-networkd.service",
		   "/usr/lib/systemd/system/systemd-networkd.service");
	ck_assert_int_eq(addresses_load(t, &as), 0);
	ck_assert(ip_parse_cidr("203.0.113.5", 11, &a));
	ck_assert_int_eq(addresses_find(as, &a, &conf, NULL), ADDR_CONFIGURED);
	ck_assert_str_eq(conf->ifname, "eth1");
	ck_assert(!dynamic(&as->conf, "DHCP=yes"));
	addresses_free(as);

	/* Nothing but NetworkManager without a profile: DHCP on every wired device. */
	{
		_cleanup_free_ char *d = tl_path(root, "etc/network");
		_cleanup_free_ char *n1 = tl_path(root, "etc/netplan"), *n2 = tl_path(root, "run/netplan");
		tl_rmtree(d);
		tl_rmtree(n1);
		tl_rmtree(n2);
	}
	{
		_cleanup_free_ char *w = tl_path(root, "etc/systemd/system/multi-user.target.wants/systemd-networkd.service");
		ck_assert_int_eq(unlink(w), 0);
	}
	ck_assert_int_eq(addresses_load(t, &as), 0);
	ck_assert(dynamic(&as->conf, "NetworkManager uses DHCP on every wired device"));
	addresses_free(as);

	/* The running system: its interfaces, with their names (loopback at least). */
	struct target *self = NULL;
	ck_assert_int_eq(target_new("/", &self), 0);
	ck_assert_int_eq(addresses_load(self, &as), 0);
	ck_assert(as->live);
	bool lo = false;
	for (size_t i = 0; i < as->n_live; i++)
		lo |= as->live_addrs[i].ifname && streq(as->live_addrs[i].ifname, "lo");
	ck_assert(lo || as->n_live == 0);
	addresses_free(as);
	target_free(self);

	target_free(t);
	tl_rmtree(root);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("netconf");
	TCase *tc = tcase_create("netconf");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, ifupdown_static_dhcp_and_includes);
	tcase_add_test(tc, netplan_lists_and_dhcp);
	tcase_add_test(tc, nmconnection_methods);
	tcase_add_test(tc, networkd_files);
	tcase_add_test(tc, ifcfg_el_and_suse);
	tcase_add_test(tc, wireguard_keepalived_sysctl);
	tcase_add_test(tc, netconf_garbage);
	tcase_add_test(tc, netconf_huge_line);
	tcase_add_test(tc, netconf_interface_names);
	tcase_add_test(tc, addresses_load_boot);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
