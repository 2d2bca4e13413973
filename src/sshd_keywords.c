/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "macro.h"
#include "sshd_keywords.h"

#define G KW_GLOBAL
#define A KW_ALL

/*
 * From servconf.c keywords[] (flags SSHCFG_GLOBAL / SSHCFG_ALL), with the
 * versions of RULES §3.9; keywords without a version are older than 7.0.
 * Keywords compiled out of some builds (GSSAPI, Kerberos) are accepted:
 * an unsupported one only logs "Unsupported option".
 */
static const struct sshd_keyword keywords[] = {
	{ "AcceptEnv", A | KW_MULTI, 0, 0, 0, 0, KA_ANY },
	{ "AddressFamily", G, 0, 0, 0, 0, KA_FAMILY },
	{ "AFSTokenPassing", G, 0, 0, 0, 0, KA_ANY },
	{ "AllowAgentForwarding", A, 0, 0, 0, 0, KA_FLAG },
	{ "AllowGroups", A | KW_MULTI, 0, 0, 0, 0, KA_ANY },
	{ "AllowStreamLocalForwarding", A, 0, 0, 0, 0, KA_ANY },
	{ "AllowTcpForwarding", A, 0, 0, 0, 0, KA_ANY },
	{ "AllowUsers", A | KW_MULTI, 0, 0, 0, 0, KA_ANY },
	{ "AuthenticationMethods", A, 0, 0, 0, 0, KA_ANY },
	{ "AuthorizedKeysCommand", A, 0, 0, 0, 0, KA_ANY },
	{ "AuthorizedKeysCommandUser", A, 0, 0, 0, 0, KA_ANY },
	{ "AuthorizedKeysFile", A, 0, 0, 0, 0, KA_ANY },
	{ "AuthorizedKeysFile2", A | KW_DEPRECATED, 0, 0, 0, 0, KA_ANY },
	{ "AuthorizedPrincipalsCommand", A, 0, 0, 0, 0, KA_ANY },
	{ "AuthorizedPrincipalsCommandUser", A, 0, 0, 0, 0, KA_ANY },
	{ "AuthorizedPrincipalsFile", A, 0, 0, 0, 0, KA_ANY },
	{ "Banner", A, 0, 0, 0, 0, KA_ANY },
	{ "CASignatureAlgorithms", A, 0, 0, 0, 0, KA_ANY },
	{ "ChallengeResponseAuthentication", A, 0, 0, 0, 0, KA_FLAG },
	{ "ChannelTimeout", A, 9, 2, 0, 0, KA_ANY },
	{ "CheckMail", G | KW_DEPRECATED, 0, 0, 0, 0, KA_ANY },
	{ "ChrootDirectory", A, 0, 0, 0, 0, KA_ANY },
	{ "Ciphers", G, 0, 0, 0, 0, KA_ANY },
	{ "ClientAliveCountMax", A, 0, 0, 0, 0, KA_INT },
	{ "ClientAliveInterval", A, 0, 0, 0, 0, KA_TIME },
	{ "Compression", G, 0, 0, 0, 0, KA_ANY },
	{ "DebianBanner", G | KW_DEBIAN, 0, 0, 0, 0, KA_FLAG },
	{ "DenyGroups", A | KW_MULTI, 0, 0, 0, 0, KA_ANY },
	{ "DenyUsers", A | KW_MULTI, 0, 0, 0, 0, KA_ANY },
	{ "DisableForwarding", A, 0, 0, 0, 0, KA_FLAG },
	{ "DSAAuthentication", G, 0, 0, 0, 0, KA_FLAG },
	{ "ExposeAuthInfo", A, 0, 0, 0, 0, KA_FLAG },
	{ "FingerprintHash", G, 0, 0, 0, 0, KA_ANY },
	{ "ForceCommand", A, 0, 0, 0, 0, KA_ANY },
	{ "GatewayPorts", A, 0, 0, 0, 0, KA_ANY },
	{ "GSSAPIAuthentication", A, 0, 0, 0, 0, KA_FLAG },
	{ "GSSAPICleanupCredentials", G, 0, 0, 0, 0, KA_FLAG },
	/* Debian's gsskex patch (RULES §3.9: fatal on upstream builds). */
	{ "GSSAPIKexAlgorithms", G | KW_DEBIAN, 0, 0, 0, 0, KA_ANY },
	{ "GSSAPIKeyExchange", G | KW_DEBIAN, 0, 0, 0, 0, KA_FLAG },
	{ "GSSAPIStoreCredentialsOnRekey", G | KW_DEBIAN, 0, 0, 0, 0, KA_FLAG },
	{ "GSSAPIStrictAcceptorCheck", G, 0, 0, 0, 0, KA_FLAG },
	{ "HostbasedAcceptedAlgorithms", A, 8, 5, 0, 0, KA_ANY },
	{ "HostbasedAcceptedKeyTypes", A, 0, 0, 0, 0, KA_ANY },
	{ "HostbasedAuthentication", A, 0, 0, 0, 0, KA_FLAG },
	{ "HostbasedUsesNameFromPacketOnly", A, 0, 0, 0, 0, KA_FLAG },
	{ "HostCertificate", G | KW_MULTI, 0, 0, 0, 0, KA_ANY },
	{ "HostDSAKey", G | KW_MULTI, 0, 0, 0, 0, KA_ANY },
	{ "HostKey", G | KW_MULTI, 0, 0, 0, 0, KA_ANY },
	{ "HostKeyAgent", G, 0, 0, 0, 0, KA_ANY },
	{ "HostKeyAlgorithms", G, 0, 0, 0, 0, KA_ANY },
	{ "IgnoreRhosts", A, 0, 0, 0, 0, KA_ANY },
	{ "IgnoreUserKnownHosts", G, 0, 0, 0, 0, KA_FLAG },
	{ "Include", A, 8, 2, 0, 0, KA_ANY },
	{ "IPQoS", A, 0, 0, 0, 0, KA_ANY },
	{ "KbdInteractiveAuthentication", A, 0, 0, 0, 0, KA_FLAG },
	{ "KeepAlive", G, 0, 0, 0, 0, KA_FLAG },
	{ "KerberosAuthentication", A, 0, 0, 0, 0, KA_FLAG },
	{ "KerberosGetAFSToken", G, 0, 0, 0, 0, KA_FLAG },
	{ "KerberosOrLocalPasswd", G, 0, 0, 0, 0, KA_FLAG },
	{ "KerberosTgtPassing", G, 0, 0, 0, 0, KA_ANY },
	{ "KerberosTicketCleanup", G, 0, 0, 0, 0, KA_FLAG },
	{ "KexAlgorithms", G, 0, 0, 0, 0, KA_ANY },
	{ "KeyRegenerationInterval", G | KW_DEPRECATED, 0, 0, 0, 0, KA_ANY },
	{ "ListenAddress", G | KW_MULTI, 0, 0, 0, 0, KA_ANY },
	{ "LoginGraceTime", G, 0, 0, 0, 0, KA_TIME },
	{ "LogLevel", A, 0, 0, 0, 0, KA_ANY },
	{ "LogVerbose", A, 8, 5, 0, 0, KA_ANY },
	{ "MACs", G, 0, 0, 0, 0, KA_ANY },
	{ "Match", A, 0, 0, 0, 0, KA_ANY },
	{ "MaxAuthTries", A, 0, 0, 0, 0, KA_INT },
	{ "MaxSessions", A, 0, 0, 0, 0, KA_INT },
	{ "MaxStartups", G, 0, 0, 0, 0, KA_ANY },
	{ "ModuliFile", G, 8, 6, 0, 0, KA_ANY },
	{ "PAMAuthenticationViaKbdInt", G | KW_DEPRECATED, 0, 0, 10, 4, KA_ANY },
	{ "PasswordAuthentication", A, 0, 0, 0, 0, KA_FLAG },
	{ "PermitEmptyPasswords", A, 0, 0, 0, 0, KA_FLAG },
	{ "PermitListen", A, 0, 0, 0, 0, KA_ANY },
	{ "PermitOpen", A, 0, 0, 0, 0, KA_ANY },
	{ "PermitRootLogin", A, 0, 0, 0, 0, KA_ROOT },
	{ "PermitTTY", A, 0, 0, 0, 0, KA_FLAG },
	{ "PermitTunnel", A, 0, 0, 0, 0, KA_ANY },
	{ "PermitUserEnvironment", G, 0, 0, 0, 0, KA_ANY },
	{ "PermitUserRC", A, 0, 0, 0, 0, KA_FLAG },
	{ "PerSourceMaxStartups", G, 8, 5, 0, 0, KA_ANY },
	{ "PerSourceNetBlockSize", G, 8, 5, 0, 0, KA_ANY },
	{ "PerSourcePenalties", G, 9, 8, 0, 0, KA_ANY },
	{ "PerSourcePenaltyExemptList", G, 9, 8, 0, 0, KA_ANY },
	{ "PidFile", G, 0, 0, 0, 0, KA_ANY },
	{ "Port", G | KW_MULTI, 0, 0, 0, 0, KA_PORT },
	{ "PrintLastLog", G, 0, 0, 0, 0, KA_FLAG },
	{ "PrintMotd", G, 0, 0, 0, 0, KA_FLAG },
	{ "Protocol", G | KW_IGNORED, 0, 0, 0, 0, KA_ANY },
	{ "PubkeyAcceptedAlgorithms", A, 8, 5, 0, 0, KA_ANY },
	{ "PubkeyAcceptedKeyTypes", A, 0, 0, 0, 0, KA_ANY },
	{ "PubkeyAuthentication", A, 0, 0, 0, 0, KA_FLAG },
	{ "PubkeyAuthOptions", A, 8, 2, 0, 0, KA_ANY },
	{ "RDomain", A, 0, 0, 0, 0, KA_ANY },
	{ "RefuseConnection", A, 9, 9, 0, 0, KA_FLAG },
	{ "RekeyLimit", A, 0, 0, 0, 0, KA_ANY },
	{ "RequiredRSASize", A, 9, 1, 0, 0, KA_INT },
	{ "ReverseMappingCheck", G | KW_DEPRECATED, 0, 0, 0, 0, KA_ANY },
	{ "RevokedKeys", A, 0, 0, 0, 0, KA_ANY },
	{ "RhostsAuthentication", G | KW_DEPRECATED, 0, 0, 0, 0, KA_ANY },
	{ "RhostsRSAAuthentication", A | KW_DEPRECATED, 0, 0, 0, 0, KA_ANY },
	{ "RSAAuthentication", A | KW_DEPRECATED, 0, 0, 0, 0, KA_ANY },
	{ "SecurityKeyProvider", G, 8, 2, 0, 0, KA_ANY },
	{ "ServerKeyBits", G | KW_DEPRECATED, 0, 0, 0, 0, KA_ANY },
	{ "SetEnv", A, 0, 0, 0, 0, KA_ANY },
	{ "SkeyAuthentication", A, 0, 0, 0, 0, KA_FLAG },
	{ "SshdAuthPath", G, 10, 0, 0, 0, KA_ANY },
	{ "SshdSessionPath", G, 9, 8, 0, 0, KA_ANY },
	{ "StreamLocalBindMask", A, 0, 0, 0, 0, KA_ANY },
	{ "StreamLocalBindUnlink", A, 0, 0, 0, 0, KA_FLAG },
	{ "StrictModes", G, 0, 0, 0, 0, KA_FLAG },
	{ "Subsystem", G | KW_MULTI, 0, 0, 0, 0, KA_ANY },
	{ "SyslogFacility", G, 0, 0, 0, 0, KA_ANY },
	{ "TCPKeepAlive", G, 0, 0, 0, 0, KA_FLAG },
	{ "TrustedUserCAKeys", A, 0, 0, 0, 0, KA_ANY },
	{ "UnusedConnectionTimeout", A, 9, 2, 0, 0, KA_ANY },
	{ "UseDNS", G, 0, 0, 0, 0, KA_FLAG },
	{ "UseLogin", G | KW_DEPRECATED, 0, 0, 0, 0, KA_ANY },
	{ "UsePAM", G, 0, 0, 0, 0, KA_FLAG },
	{ "UsePrivilegeSeparation", G | KW_DEPRECATED, 0, 0, 0, 0, KA_ANY },
	{ "VerifyReverseMapping", G | KW_DEPRECATED, 0, 0, 0, 0, KA_ANY },
	{ "VersionAddendum", G, 0, 0, 0, 0, KA_ANY },
	{ "X11DisplayOffset", A, 0, 0, 0, 0, KA_INT },
	{ "X11Forwarding", A, 0, 0, 0, 0, KA_FLAG },
	{ "X11UseLocalhost", A, 0, 0, 0, 0, KA_FLAG },
	{ "XAuthLocation", G, 0, 0, 0, 0, KA_ANY },
};

const struct sshd_keyword *sshd_keyword_lookup(const char *s)
{
	for (size_t i = 0; i < ELEMENTSOF(keywords); i++)
		if (strcasecmp(keywords[i].name, s) == 0)
			return &keywords[i];
	return NULL;
}

static bool version_before(int major, int minor, int vmaj, int vmin)
{
	return major < vmaj || (major == vmaj && minor < vmin);
}

bool sshd_keyword_supported(const struct sshd_keyword *kw, int major, int minor, bool debian, const char **ret_why)
{
	if ((kw->flags & KW_DEBIAN) && !debian) {
		*ret_why = "only Debian and Ubuntu builds of sshd know it";
		return false;
	}
	if (major < 0)
		return true;	/* unknown version: trust the newest table */
	if (version_before(major, minor, kw->since_major, kw->since_minor)) {
		*ret_why = "it is newer than the target's sshd";
		return false;
	}
	if ((kw->until_major || kw->until_minor) && !version_before(major, minor, kw->until_major, kw->until_minor)) {
		*ret_why = "the target's sshd no longer has it";
		return false;
	}
	return true;
}

/*
 * sshd's convtime(): digits with optional s/m/h/d/w suffixes, repeated; a
 * total past INT_MAX seconds is "invalid time value" too (D12: 24856d).
 */
static bool valid_time(const char *v)
{
	static const char units[] = "sSmMhHdDwW";
	static const unsigned long long secs[] = { 1, 1, 60, 60, 3600, 3600, 86400, 86400, 604800, 604800 };
	unsigned long long total = 0;

	if (!*v)
		return false;
	for (const char *p = v; *p;) {
		unsigned long long n = 0;
		const char *u;

		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9') {
			n = n * 10 + (unsigned) (*p++ - '0');
			if (n > INT_MAX)
				return false;
		}
		if (*p && (u = strchr(units, *p))) {
			n *= secs[u - units];
			p++;
		}
		total += n;
		if (total > INT_MAX)
			return false;
	}
	return true;
}

/*
 * OpenBSD's strtonum() in base 10, which sshd's a2port() and atoi_err()
 * use: strtoll() takes leading white space and a sign (D12: "Port +22").
 */
static bool sshd_number(const char *v, long long min, long long max)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	return end != v && *end == '\0' && errno == 0 && n >= min && n <= max;
}

const char *sshd_keyword_check_value(const struct sshd_keyword *kw, const char *v)
{
	switch (kw->arg) {
	case KA_ANY:
		return NULL;
	case KA_FLAG:
		return strcasecmp(v, "yes") == 0 || strcasecmp(v, "no") == 0 ? NULL : "must be yes or no";
	case KA_PORT:
		/* a2port(): 1-65535, else a service name from the target's
		 * /etc/services, which we cannot see: "Port https" works (D12)
		 * and must not be commented out.  A name starts with a letter. */
		if (sshd_number(v, 1, 65535) || isalpha((unsigned char) v[0]))
			return NULL;
		return "is not a port number (1-65535)";
	case KA_INT:
		return sshd_number(v, 0, INT_MAX) ? NULL : "is not a number";
	case KA_ROOT:
		return strcasecmp(v, "yes") == 0 || strcasecmp(v, "no") == 0 || strcasecmp(v, "prohibit-password") == 0 ||
				       strcasecmp(v, "without-password") == 0 ||
				       strcasecmp(v, "forced-commands-only") == 0
			       ? NULL
			       : "must be yes, prohibit-password, forced-commands-only or no";
	case KA_FAMILY:
		return strcasecmp(v, "any") == 0 || strcasecmp(v, "inet") == 0 || strcasecmp(v, "inet6") == 0
			       ? NULL
			       : "must be any, inet or inet6";
	case KA_TIME:
		return valid_time(v) ? NULL : "is not a time (e.g. 30, 2m, 1h)";
	}
	return NULL;
}

/* Levenshtein distance, case-insensitive, capped: keywords are short. */
static unsigned distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[64];

	if (la >= ELEMENTSOF(row) || lb >= ELEMENTSOF(row))
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned) j;
	for (size_t i = 1; i <= la; i++) {
		unsigned prev = row[0], cur;
		row[0] = (unsigned) i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned sub = prev + (strncasecmp(a + i - 1, b + j - 1, 1) != 0);
			cur = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
			if (sub < cur)
				cur = sub;
			prev = row[j];
			row[j] = cur;
		}
	}
	return row[lb];
}

const char *sshd_keyword_suggest(const char *s)
{
	const char *best = NULL;
	unsigned best_d = 3;

	for (size_t i = 0; i < ELEMENTSOF(keywords); i++) {
		unsigned d = distance(s, keywords[i].name);
		if (d < best_d) {
			best_d = d;
			best = keywords[i].name;
		}
	}
	return best;
}
