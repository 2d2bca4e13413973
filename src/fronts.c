/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What serves a loopback-only sshd from outside, as the target configures
 * it (for the listen check's loopback-only judgement, RULES §3.6): a tor
 * onion service (HiddenServicePort in /etc/tor/torrc and torrc.d), sslh
 * (--ssh in /etc/default/sslh, an "ssh" protocol in sslh.cfg) or stunnel
 * (connect = in the .conf files of /etc/stunnel) forwarding to one of sshd's ports on
 * a loopback address.  Moved here from fixes/listen.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fronts.h"
#include "listen_addr.h"
#include "util.h"

/*
 * "127.0.0.1:22", "[::1]:22", "localhost:22", "22": the port when the host
 * part is loopback or absent, else -1.
 */
static int loopback_target_port(const char *s, size_t n)
{
	_cleanup_free_ char *buf = strndup(s, n), *host = NULL;
	const char *colon;

	if (!buf || n == 0)
		return -1;
	colon = strrchr(buf, ':');
	if (!colon)
		return listen_port_parse(buf, NULL, 0);
	size_t hl = (size_t) (colon - buf);
	if (hl >= 2 && buf[0] == '[' && buf[hl - 1] == ']')
		host = strndup(buf + 1, hl - 2);
	else
		host = strndup(buf, hl);
	if (!host)
		return -1;
	struct ip_addr a;
	bool lo = strcasecmp(host, "localhost") == 0 || (ip_parse_numeric(host, &a, NULL) > 0 && ip_is_loopback(&a));
	if (!lo)
		return -1;
	return listen_port_parse(colon + 1, NULL, 0);
}

static bool port_in(const int *ports, size_t n, int p)
{
	for (size_t i = 0; i < n; i++)
		if (ports[i] == p)
			return true;
	return false;
}

int fronts_find(struct target *tg, const int *ports, size_t n_ports, char **ret_what)
{
	_cleanup_strv_free_ char **tor = NULL, **stunnel = NULL;
	int r;

	*ret_what = NULL;
	/* tor: HiddenServicePort VIRTPORT [TARGET] (TARGET defaults to VIRTPORT on 127.0.0.1). */
	r = target_glob(tg, "/etc/tor/torrc.d/*", &tor);
	if (r < 0)
		return r;
	r = strv_push(&tor, strdup("/etc/tor/torrc"));
	if (r < 0)
		return r;
	for (size_t i = 0; tor[i]; i++) {
		_cleanup_free_ char *t = NULL;
		size_t len = 0;
		r = target_read_file_optional(tg, tor[i], CONFIG_MAX, &t, &len);
		if (r < 0)
			return r;
		for (char *l = t, *next; l && *l; l = next) {
			next = strchr(l, '\n');
			if (next)
				*next++ = '\0';
			char *w[3] = {0};
			char *save = NULL;
			w[0] = strtok_r(l, " \t\r", &save);
			w[1] = w[0] ? strtok_r(NULL, " \t\r", &save) : NULL;
			w[2] = w[1] ? strtok_r(NULL, " \t\r", &save) : NULL;
			if (!w[1] || strcasecmp(w[0], "HiddenServicePort") != 0)
				continue;
			const char *target = w[2] && w[2][0] != '#' ? w[2] : w[1];
			int p = loopback_target_port(target, strlen(target));
			if (p > 0 && port_in(ports, n_ports, p))
				return asprintf(ret_what, "a tor onion service (%s: HiddenServicePort %s)", tor[i], w[1]) < 0
					       ? -ENOMEM
					       : 0;
		}
	}

	/* sslh: --ssh HOST:PORT in /etc/default/sslh, or an "ssh" protocol in sslh.cfg. */
	static const char *const sslh[] = { "/etc/default/sslh", "/etc/sslh.cfg", "/etc/sslh/sslh.cfg" };
	for (size_t i = 0; i < ELEMENTSOF(sslh); i++) {
		_cleanup_free_ char *t = NULL;
		size_t len = 0;
		r = target_read_file_optional(tg, sslh[i], CONFIG_MAX, &t, &len);
		if (r < 0)
			return r;
		for (char *l = t, *next; l && *l; l = next) {
			next = strchr(l, '\n');
			if (next)
				*next++ = '\0';
			char *hash = strchr(l, '#');
			if (hash)
				*hash = '\0';
			char *o = strstr(l, "--ssh");
			int p = -1;
			if (o) {
				o += 5;
				o += strspn(o, " =");
				p = loopback_target_port(o, strcspn(o, " \t\"'"));
			} else if (strstr(l, "\"ssh\"") && strstr(l, "port:")) {
				/* sslh.cfg: { name: "ssh"; host: "localhost"; port: "22"; } on one line */
				_cleanup_free_ char *hp = NULL;
				const char *h = strstr(l, "host:"), *q = strstr(l, "port:") + 5;
				size_t hl = 0, pl;
				if (h) {
					h += 5;
					h += strspn(h, " \t\"");
					hl = strcspn(h, "\";} \t");
				}
				q += strspn(q, " \t\"");
				pl = strcspn(q, "\";} \t");
				if (asprintf(&hp, "%.*s%s%.*s", (int) hl, h ? h : "", h ? ":" : "", (int) pl, q) < 0)
					return -ENOMEM;
				p = loopback_target_port(hp, strlen(hp));
			}
			if (p > 0 && port_in(ports, n_ports, p))
				return asprintf(ret_what, "sslh (%s)", sslh[i]) < 0 ? -ENOMEM : 0;
		}
	}

	/* stunnel: connect = [HOST:]PORT */
	r = target_glob(tg, "/etc/stunnel/*.conf", &stunnel);
	if (r < 0)
		return r;
	for (size_t i = 0; stunnel[i]; i++) {
		_cleanup_free_ char *t = NULL;
		size_t len = 0;
		r = target_read_file_optional(tg, stunnel[i], CONFIG_MAX, &t, &len);
		if (r < 0)
			return r;
		for (char *l = t, *next; l && *l; l = next) {
			next = strchr(l, '\n');
			if (next)
				*next++ = '\0';
			l += strspn(l, " \t");
			if (strncmp(l, "connect", 7) != 0)
				continue;
			char *v = l + 7;
			v += strspn(v, " \t");
			if (*v != '=')
				continue;
			v++;
			v += strspn(v, " \t");
			int p = loopback_target_port(v, strcspn(v, " \t\r;#"));
			if (p > 0 && port_in(ports, n_ports, p))
				return asprintf(ret_what, "stunnel (%s)", stunnel[i]) < 0 ? -ENOMEM : 0;
		}
	}
	return 0;
}
