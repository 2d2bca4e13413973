/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One libFuzzer target for the parsers that read what people and programs
 * wrote on the target: the first byte picks the parser, the rest is its
 * input.  Built and run by tests/fuzz/run.sh (clang, ASan, UBSan); every
 * parser must return, never crash, leak or read out of bounds.
 */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "authkeys.h"
#include "known_hosts.h"
#include "netconf.h"
#include "pam.h"
#include "pam_counters.h"
#include "pam_modules.h"
#include "listen_addr.h"
#include "client_config.h"
#include "sshd_config.h"
#include "accounts.h"
#include "sshmatch.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned which = data[0] % 13;
	const char *d = (const char *) data + 1;
	size_t n = size - 1;
	char *s = malloc(n + 1);
	memcpy(s, d, n);
	s[n] = 0;
	switch (which) {
	case 0: { struct authkeys_line l; (void) authkeys_parse_line(d, n, &l); break; }
	case 1: { char *r = NULL; unsigned dmg; if (authkeys_repair_paste(d, n, &r, &dmg) == 1) free(r); break; }
	case 2: { char *r = NULL, *rep = NULL; const char *why; if (authkeys_normalize_pasted(d, n, &r, &rep, &why) >= 0) { free(r); free(rep); } break; }
	case 3: { struct buf out = {0}; struct known_hosts_result res = {0}; (void) known_hosts_forget(d, n, "host.example", &out, &res); buf_done(&out); known_hosts_result_done(&res); break; }
	case 4: { struct netconf nc = {0}; struct ifupdown_include *inc = NULL; size_t ni = 0;
		if (netconf_parse_ifupdown(&nc, "f", d, n, &inc, &ni) >= 0) ifupdown_includes_free(inc, ni);
		(void) netconf_parse_netplan(&nc, "f", d, n); (void) netconf_parse_nmconnection(&nc, "f", d, n);
		(void) netconf_parse_networkd(&nc, "f", d, n); (void) netconf_parse_ifcfg(&nc, "f", d, n);
		(void) netconf_parse_wireguard(&nc, "f", d, n); (void) netconf_parse_keepalived(&nc, "f", d, n);
		netconf_done(&nc); break; }
	case 5: { struct client_config_bad_option *v = NULL; size_t k = 0; if (client_config_bad_options(s, &v, &k) == 0) client_config_bad_options_free(v, k); break; }
	case 6: { char **argv = NULL; if (sshd_config_split_line(d, n, &argv, NULL) == 0) strv_free(argv); break; }
	case 7: { struct acct_file f = {0}; if (acct_file_parse(ACCT_PASSWD, d, n, &f) == 0) acct_file_done(&f);
		char *c = malloc(n ? n : 1); memcpy(c, d, n); if (acct_file_parse_take(ACCT_GROUP, c, n, &f) == 0) acct_file_done(&f); break; }
	case 8: { char *nl = strchr(s, '\n'); if (nl) { *nl = 0; (void) sshmatch_pattern(s, nl + 1); (void) sshmatch_list(s, nl + 1, true); (void) sshmatch_addr_list(s, nl + 1); (void) sshmatch_user(s, "h", "10.0.0.1", nl + 1); } break; }
	case 9: { struct ip_addr a; char *scope = NULL; if (ip_parse_numeric(s, &a, &scope) == 0) free(scope); (void) ip_parse_cidr(d, n, &a); (void) services_lookup(d, n, "ssh", "tcp"); (void) listen_port_parse(s, d, n); break; }
	case 10: { unsigned line; (void) sysctl_value(d, n, "net.ipv4.ip_nonlocal_bind", &line); break; }
	case 12: {
		static const char pw[] = "alice:x:1000:1000::/home/alice:/bin/bash\n", gr[] = "wheel:x:10:alice\n";
		struct accounts a = {0};
		struct pam_eval e = {0};
		int act[_PAMR_MAX];
		uint64_t latest;
		if (acct_file_parse(ACCT_PASSWD, pw, sizeof(pw) - 1, &a.passwd) == 0 &&
		    acct_file_parse(ACCT_GROUP, gr, sizeof(gr) - 1, &a.group) == 0) {
			struct pam_subject w = { .a = &a, .pw = accounts_user_by_name(&a, "alice"), .matched = n & 1,
						 .addr = n & 2 ? "192.0.2.20" : NULL, .hostname = "h" };
			(void) pam_access_text("f", d, n, NULL, NULL, n & 4, &w, &e);
			pam_eval_done(&e);
		}
		accounts_done(&a);
		(void) pam_parse_control(s, true, act);
		(void) faillock_failures(d, n, 900, &latest);
		break; }
	case 11: { unsigned char *blob = NULL; size_t bl; if (authkeys_base64_decode(d, n, &blob, &bl) == 0) { const struct authkeys_type *t; unsigned bits; (void) authkeys_check_blob(blob, bl, &t, &bits); free(blob); } break; }
	}
	free(s);
	return 0;
}
