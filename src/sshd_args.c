/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sshd_args.h"
#include "sshd_config.h"
#include "sshd_keywords.h"

/* sshd's getopt() string (sshd.c) with the newest letters (V, G); Debian 12's 9.2 has all but G. */
#define SSHD_OPTSTRING "C:E:b:c:f:g:h:k:o:p:u:46DGQRTdeiqrtV"

void sshd_bin_done(struct sshd_bin *b)
{
	free(b->data);
	*b = (struct sshd_bin) {0};
}

int sshd_bin_knows(struct target *t, struct sshd_bin *b, const char *keyword)
{
	static const char *const core[] = { "permitrootlogin", "pubkeyauthentication", "authorizedkeysfile" };
	_cleanup_free_ char *needle = NULL;
	size_t n = strlen(keyword);

	if (!b->loaded) {
		b->loaded = true;
		if (!t->facts.sshd_path || target_read_file(t, t->facts.sshd_path, 64u << 20, &b->data, &b->len) < 0)
			b->data = NULL;
		for (size_t i = 0; b->data && i < ELEMENTSOF(core); i++)
			if (!memmem(b->data, b->len, core[i], strlen(core[i]) + 1)) {
				free(b->data);
				b->data = NULL;
			}
	}
	if (!b->data || !(needle = malloc(n + 1)))
		return -1;
	for (size_t i = 0; i < n; i++)
		needle[i] = (char) tolower((unsigned char) keyword[i]);
	needle[n] = '\0';
	return memmem(b->data, b->len, needle, n + 1) != NULL;
}

/* Append "what" to the list of refused flags. */
static void refuse(struct buf *b, const char *fmt, ...) _printf_(2, 3);
static void refuse(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->len)
		buf_puts(b, "; ");
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* sshd's -o: one configuration line, "command-line line 0" (RULES §3.8). */
static void check_dash_o(struct target *t, struct sshd_bin *bin, const char *arg, struct buf *bad)
{
	const struct target_facts *tf = &t->facts;
	_cleanup_free_ char *e = escape_display_trunc(arg, 100), *kw = NULL;
	_cleanup_strv_free_ char **args = NULL;
	const char *why = NULL, *p = arg;
	size_t n;

	p += strspn(p, " \t");
	n = strcspn(p, " \t=");
	kw = strndup(p, n);
	if (!kw || !e)
		return;
	p += n;
	p += strspn(p, " \t");
	if (*p == '=')
		p++;
	const struct sshd_keyword *k = sshd_keyword_lookup(kw);
	int known = sshd_bin_knows(t, bin, kw);
	if (known == 0 || (known < 0 && !k)) {
		refuse(bad, "-o \"%s\": not a keyword sshd knows", e);
		return;
	}
	if (!k)
		return;	/* a keyword of this build that sshfix's table does not describe */
	if (known < 0 && !sshd_keyword_supported(k, tf->sshd_major, tf->sshd_minor, tf->sshd_debian_patches, &why)) {
		refuse(bad, "-o \"%s\": %s", e, why ? why : "not supported");
		return;
	}
	if (sshd_config_split_line(p, strlen(p), &args, NULL) < 0) {
		refuse(bad, "-o \"%s\": invalid quotes", e);
		return;
	}
	if (!args[0]) {
		refuse(bad, "-o \"%s\": no value", e);
		return;
	}
	const char *vbad = sshd_keyword_check_value(k, args[0]);
	if (vbad)
		refuse(bad, "-o \"%s\": the value %s", e, vbad);
}

void sshd_args_check(struct target *t, struct sshd_bin *bin, char *const *argv, struct buf *bad)
{
	bool options = true;

	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		_cleanup_free_ char *ea = escape_display_trunc(a, 100);

		if (options && streq(a, "--")) {
			options = false;
			continue;
		}
		if (!options || a[0] != '-' || a[1] == '\0') {
			refuse(bad, "\"%s\": an extra argument", ea ? ea : "?");
			continue;
		}
		for (size_t k = 1; a[k]; k++) {
			char c = a[k];
			const char *o = isalnum((unsigned char) c) ? strchr(SSHD_OPTSTRING, c) : NULL;
			if (!o) {
				refuse(bad, "-%c: not an sshd option", isprint((unsigned char) c) ? c : '?');
				continue;
			}
			if (o[1] != ':') {
				if (strchr("tTGV", c))
					refuse(bad, "-%c: makes sshd print something and exit instead of serving", c);
				else if (c == 'i')
					refuse(bad, "-i: makes sshd serve one inetd connection on its standard input");
				else if (c == 'R')
					refuse(bad, "-R: sshd's internal re-exec flag, fatal when given by hand");
				continue;
			}
			const char *arg = a[k + 1] ? a + k + 1 : argv[i + 1];
			if (!arg) {
				refuse(bad, "-%c: needs an argument", c);
				break;
			}
			if (!a[k + 1])
				i++;
			_cleanup_free_ char *ev = escape_display_trunc(arg, 100);
			struct stat st;
			switch (c) {
			case 'p':
				if (sshd_keyword_check_value(sshd_keyword_lookup("Port"), arg))
					refuse(bad, "-p %s: not a port number (1-65535)", ev ? ev : "?");
				break;
			case 'f': {
				_cleanup_free_ char *abs = arg[0] == '/' ? strdup(arg) : path_join("/", arg);
				if (abs && (target_stat(t, abs, &st) < 0 || !S_ISREG(st.st_mode)))
					refuse(bad, "-f %s: no such configuration file", ev ? ev : "?");
				break;
			}
			case 'o':
				check_dash_o(t, bin, arg, bad);
				break;
			case 'g':
				if (sshd_keyword_check_value(sshd_keyword_lookup("LoginGraceTime"), arg))
					refuse(bad, "-g %s: not a time", ev ? ev : "?");
				break;
			case 'u': {
				unsigned long long u;
				if (parse_uint(arg, 10, 65, &u) < 0)
					refuse(bad, "-u %s: not a length 0-65", ev ? ev : "?");
				break;
			}
			default:
				break;
			}
			break;	/* the rest of this word was the argument */
		}
	}
}
