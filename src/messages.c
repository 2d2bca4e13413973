/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The message table (src/messages.h).  Sources: RULES (section in each comment). */
#include "config.h"

#include <string.h>

#include "macro.h"
#include "messages.h"

#define S(id, prog, pat, since, until, causes, meaning) \
	{ id, MSG_SERVER, prog, pat, since, until, STAGE_NONE, causes, meaning }
#define C(id, stage, pat, causes, meaning) { id, MSG_CLIENT, "ssh", pat, 0, 0, stage, causes, meaning }

const struct msg_row msg_table[] = {
	/* ---- sshd and sshd-session, what they log (server side) ---- */
	/* §1.5-1.8 StrictModes, §1.10 opening the keys file */
	S("authkeys-dir-modes", "sshd", "Authentication refused: bad ownership or modes for directory *", 0, 0,
	  "home-perms key-dir-perms key-path-system-dir", "StrictModes refused a directory on the way to the keys file"),
	S("authkeys-file-modes", "sshd", "Authentication refused: bad ownership or modes for file *", 0, 0,
	  "authorized-keys-perms", "StrictModes refused the authorized keys file itself"),
	S("authkeys-open-denied", "sshd", "Could not open user '*' authorized keys '*': Permission denied", 0, 0,
	  "key-dir-perms authorized-keys-perms home-perms selinux-label-wrong selinux-homedirs-stale selinux-boolean-home apparmor-no-rule "
	  "apparmor-deny-rule",
	  "sshd, as the user, could not open the keys file"),
	S("authkeys-not-regular", "sshd", "authorized keys '*' is not a regular file", 0, 0,
	  "authorized-keys-not-regular", "the keys file is a directory, FIFO or device"),
	S("authkeys-rsa-small", "sshd", "refusing RSA key: Invalid key length", 0, 0, "authorized-keys-rsa-too-small",
	  "an RSA key in authorized_keys is below RequiredRSASize"),
	S("authkeys-type-not-accepted", "sshd", "key type * not in PubkeyAcceptedAlgorithms", 0, 0,
	  "authorized-keys-unsupported-type", "the key's algorithm is not accepted (ssh-rsa with SHA-1 since 8.8)"),
	/* §2 host keys */
	S("hostkey-bad-perms", "sshd", "Unable to load host key \"*\": bad permissions", 0, 0, "hostkey-mode hostkey-owner",
	  "a host key is readable by others, so sshd will not use it"),
	S("hostkey-unprotected", "sshd", "UNPROTECTED PRIVATE KEY FILE!", 0, 0, "hostkey-mode",
	  "a host key's mode is too open"),
	S("hostkey-too-open", "sshd", "Permissions 0* for '*' are too open.", 0, 0, "hostkey-mode",
	  "a host key's mode is too open"),
	S("hostkey-libcrypto", "sshd", "Unable to load host key \"*\": error in libcrypto", 0, 0,
	  "hostkey-corrupt hostkey-empty", "a host key cannot be parsed"),
	S("hostkey-invalid-format", "sshd", "Unable to load host key \"*\": invalid format", 0, 0,
	  "hostkey-corrupt hostkey-empty", "a host key cannot be parsed"),
	S("hostkey-unloadable", "sshd", "Unable to load host key: *", 0, 0,
	  "hostkey-missing selinux-label-wrong hostkey-not-regular", "a configured host key is missing or unreadable"),
	S("hostkey-none", "sshd", "no hostkeys available -- exiting", 0, 0,
	  "hostkey-missing hostkey-mode hostkey-corrupt hostkey-empty hostkey-rsa-too-small selinux-label-wrong "
	  "hostkey-owner hostkey-hardlinked hostkey-not-regular",
	  "no host key could be used: sshd exits"),
	S("hostkey-pub-mismatch", "sshd", "Public key for * does not match private key", 0, 0, "hostkey-pub-mismatch",
	  "a host key's .pub belongs to another key"),
	/* §3 configuration */
	S("config-bad-option", "sshd", "Bad configuration option: *", 0, 0, "config-bad-option sshd-opts-bad",
	  "sshd_config names a keyword this sshd does not know"),
	S("config-bad-options-total", "sshd", "terminating, * bad configuration options", 0, 0,
	  "config-bad-option config-bad-value config-missing-argument config-invalid-quotes config-not-allowed-in-match "
	  "config-trailing-comment config-include-loop sshd-opts-bad",
	  "sshd refused its configuration and exits"),
	S("config-not-in-match", "sshd", "is not allowed within a Match block", 0, 0, "config-not-allowed-in-match",
	  "a keyword that may not appear inside Match"),
	S("config-missing-argument", "sshd", "missing argument.", 0, 0, "config-missing-argument",
	  "a keyword without its value"),
	S("config-invalid-quotes", "sshd", "invalid quotes", 0, 0, "config-invalid-quotes", "unbalanced quotes"),
	S("config-include-depth", "sshd", "Too many recursive configuration includes", 0, 0, "config-include-loop",
	  "Include files include each other"),
	S("config-garbage", "sshd", "garbage at end of line", 0, 0, "config-trailing-comment config-bad-value",
	  "something after a keyword's value (a trailing comment?)"),
	S("config-bad-port", "sshd", "Badly formatted port number", 0, 0, "listen-port-invalid config-bad-value",
	  "Port is not a number"),
	S("config-bad-addr", "sshd", "bad addr or host", 0, 0, "listen-address-invalid listen-family-mismatch listen-unresolvable",
	  "ListenAddress is not an address of the AddressFamily"),
	S("listening-loopback", "sshd", "Server listening on 127.0.0.1 port", 0, 0, "listen-loopback-only",
	  "sshd listens on the loopback address only"),
	S("listening-loopback6", "sshd", "Server listening on ::1 port", 0, 0, "listen-loopback-only",
	  "sshd listens on the loopback address only"),
	S("config-bad-addr-port", "sshd", "bad address:port usage", 0, 0, "listen-address-invalid listen-port-invalid",
	  "ListenAddress is no ADDRESS:PORT sshd can read"),
	S("config-bad-listen-port", "sshd", "bad port number", 0, 0, "listen-port-invalid listen-address-invalid",
	  "the port of a ListenAddress is not a number"),
	/* §1 RevokedKeys */
	S("revoked-keys-error", "sshd", "in revoked keys file *", 0, 0, "revoked-keys-unreadable",
	  "sshd could not read RevokedKeys, so it refuses every key"),
	/* §3.6-3.7 binding */
	S("bind-failed", "sshd", "Bind to port * on * failed: *", 0, 0,
	  "listen-cannot-bind listen-address-unknown listen-port-selinux", "sshd could not bind a ListenAddress"),
	S("bind-none", "sshd", "Cannot bind any address.", 0, 0,
	  "listen-cannot-bind listen-address-unknown listen-family-mismatch listen-port-selinux listen-loopback-only",
	  "sshd bound nothing and exits"),
	/* §4 privilege separation */
	S("privsep-dir-missing", "sshd", "Missing privilege separation directory: *", 0, 0,
	  "privsep-dir-missing privsep-dir-not-provided run-no-room", "/run/sshd does not exist: sshd exits"),
	S("privsep-dir-perms", "sshd", "must be owned by root and not group or world-writable.", 0, 0,
	  "privsep-dir-perms", "the privilege separation directory has the wrong owner or mode"),
	S("privsep-user-missing", "sshd", "Privilege separation user * does not exist", 0, 0, "privsep-user-missing",
	  "the sshd account is missing"),
	S("sshd-session-missing", "sshd", "/sshd-session does not exist or is not executable", 908, 0,
	  "sshd-session-missing", "sshd cannot run its per-connection program"),
	S("sshd-auth-missing", "sshd", "/sshd-auth does not exist or is not executable", 1000, 0, "sshd-auth-missing",
	  "sshd-session cannot run its authentication program"),
	/* §9.6 the program is there and executable, and exec() still fails: a MAC policy (seen on Debian 13
	 * with its own sshd AppArmor profile: "fatal: rexec of /usr/lib/openssh/sshd-session failed") */
	S("sshd-helper-exec-denied", "sshd", "exec of */sshd-* failed: Permission denied", 908, 0, "apparmor-no-rule",
	  "sshd could not run its per-connection program: a MAC policy forbids it"),
	/* §6 accounts */
	S("user-locked", "sshd", "User * not allowed because account is locked", 0, 0, "account-locked",
	  "the account's password field is locked and UsePAM is off"),
	S("user-shell-missing", "sshd", "User * not allowed because shell * does not exist", 0, 0, "shell-invalid",
	  "the account's shell does not exist"),
	S("user-shell-not-exec", "sshd", "User * not allowed because shell * is not executable", 0, 0, "shell-invalid",
	  "the account's shell cannot be run"),
	S("user-not-in-allowusers", "sshd", "not allowed because not listed in AllowUsers", 0, 0, "user-not-allowed",
	  "AllowUsers does not name the account"),
	S("user-in-denyusers", "sshd", "not allowed because listed in DenyUsers", 0, 0, "user-not-allowed",
	  "DenyUsers names the account"),
	S("user-not-in-allowgroups", "sshd", "none of user's groups are listed in AllowGroups", 0, 0, "user-not-allowed",
	  "AllowGroups names none of the account's groups"),
	S("user-in-denygroups", "sshd", "a group is listed in DenyGroups", 0, 0, "user-not-allowed",
	  "DenyGroups names one of the account's groups"),
	S("account-expired", "sshd", "Account * has expired", 0, 0, "account-expired", "the account's expiry date is past"),
	S("root-refused", "sshd", "ROOT LOGIN REFUSED FROM *", 0, 0, "root-login-refused",
	  "PermitRootLogin refuses root"),
	S("pam-account-denied", "sshd", "Access denied for user * by PAM account configuration", 0, 0,
	  "pam-access-denied pam-listfile-denied pam-succeed-if-denied pam-tally-locked account-expired nologin-file",
	  "a PAM account module said no (pam_nologin with /etc/nologin, pam_access, ...)"),
	S("pam-dlopen", "sshd", "PAM unable to dlopen", 0, 0, "pam-module-missing", "a PAM module named in the stack is missing"),
	S("pam-open-session", "sshd", "pam_open_session(): System error", 0, 0, "pam-limits-session",
	  "a PAM session module failed (pam_limits?)"),
	S("too-many-open-files", "sshd", "monitor_openfds: socketpair: Too many open files", 0, 0, "pam-limits-session",
	  "pam_limits left the session too few file descriptors"),
	S("too-many-logins", "sshd", "too many logins for '*'", 0, 0, "pam-limits-session",
	  "pam_limits maxlogins was reached"),
	/* §6.6 penalties and MaxStartups (runtime state: a restart clears it) */
	S("maxstartups", "sshd", "past MaxStartups", 0, 0, "!MaxStartups_throttling:_too_many_unauthenticated_connections;_"
	  "a_restart_of_sshd_clears_it", "sshd dropped a connection under MaxStartups"),
	S("penalty", "sshd", "drop connection #* from [*]:* on [*]:* penalty:", 908, 0,
	  "!PerSourcePenalties:_this_address_failed_too_often;_a_restart_of_sshd_clears_it",
	  "sshd 9.8+ refused this source for a while after failed logins"),
	/* §7 TCP wrappers: libwrap logs to syslog itself */
	S("tcpwrap-refused", "sshd", "refused connect from *", 0, 0, "tcp-wrappers-deny tcp-wrappers-fail2ban fail2ban-hostsdeny",
	  "TCP wrappers (hosts.deny) refused the client"),
	/* §10 fail2ban */
	S("fail2ban-ban", "fail2ban", "NOTICE  [*] Ban *", 0, 0, "fail2ban-banned fail2ban-permanent-ban fail2ban-bans",
	  "fail2ban banned an address"),
	S("fail2ban-restore", "fail2ban", "NOTICE  [*] Restore Ban *", 0, 0, "fail2ban-banned fail2ban-permanent-ban fail2ban-bans",
	  "fail2ban restored a ban from its database at start"),
	/* §9 SELinux: the kernel's audit record */
	S("avc-sshd", "audit", "avc:  denied  * scontext=*:sshd_t:*", 0, 0,
	  "selinux-label-wrong selinux-homedirs-stale selinux-boolean-home listen-port-selinux",
	  "SELinux denied sshd (sshd_t) an access"),
	S("apparmor-denied-sshd", "kernel", "apparmor=\"DENIED\" * profile=\"*sshd*\"", 0, 0,
	  "apparmor-no-rule apparmor-deny-rule", "AppArmor denied sshd's profile an access"),

	/* ---- what the client prints (RULES §5, §12.3), most specific first ---- */
	C("client-reset-banner", STAGE_BANNER, "kex_exchange_identification: read: Connection reset by peer",
	  "tcp-wrappers-deny fail2ban-hostsdeny tcp-wrappers-fail2ban sshd-session-missing hostkey-missing hostkey-corrupt "
	  "hostkey-mode privsep-dir-missing sshd-auth-missing",
	  "the server accepted the TCP connection and closed it before its banner"),
	C("client-closed-banner", STAGE_BANNER, "kex_exchange_identification: Connection closed by remote host",
	  "!MaxStartups_or_PerSourcePenalties_(runtime:_a_restart_of_sshd_clears_them) tcp-wrappers-deny "
	  "sshd-session-missing apparmor-no-rule hostkey-missing",
	  "the server closed the connection before its banner"),
	C("client-banner-timeout", STAGE_BANNER, "Connection timed out during banner exchange",
	  "tcp-wrappers-deny !a_server_too_busy_to_answer", "no banner came in time"),
	C("client-refused", STAGE_TCP, "Connection refused",
	  "ssh-unit-not-enabled ssh-unit-masked sshd-not-to-be-run config-bad-option config-bad-value "
	  "config-missing-argument hostkey-missing hostkey-mode hostkey-corrupt privsep-dir-missing run-no-room "
	  "privsep-user-missing listen-port-invalid listen-loopback-only listen-family-mismatch ssh-socket-port-mismatch sshd-binary-missing "
	  "firewall-nftables-blocks firewall-iptables-blocks firewall-ufw-blocks firewalld-blocks fail2ban-banned "
	  "fail2ban-permanent-ban fail2ban-bans",
	  "nothing listens on that port (sshd did not start, or listens elsewhere), or a firewall rejects"),
	C("client-timeout", STAGE_TCP, "Connection timed out",
	  "firewall-nftables-blocks firewall-iptables-blocks firewall-ufw-blocks firewalld-blocks fail2ban-banned "
	  "fail2ban-permanent-ban fail2ban-bans listen-address-unknown !a_cloud_security_group_or_network_ACL_outside_the_machine",
	  "no answer at all: a firewall drops the connection, or the machine is unreachable"),
	C("client-no-route", STAGE_TCP, "No route to host",
	  "firewalld-blocks firewall-nftables-blocks firewall-iptables-blocks !the_machine_is_down_or_its_network_is_not_up",
	  "a firewall rejects with host-prohibited, or nothing answers for the address"),
	C("client-reset", STAGE_BANNER, "Connection reset by ",
	  "tcp-wrappers-deny fail2ban-hostsdeny sshd-session-missing hostkey-missing", "the server hung up"),
	C("client-closed-after-auth", STAGE_AUTH, "Connection closed by * port *",
	  "pam-access-denied pam-listfile-denied pam-succeed-if-denied account-expired nologin-file pam-tally-locked "
	  "account-locked !MaxStartups_or_PerSourcePenalties_(runtime:_a_restart_of_sshd_clears_them) tcp-wrappers-deny",
	  "the server closed the connection (after a key was accepted: an account or PAM rule refused the login)"),
	C("client-closed", STAGE_BANNER, "Connection closed by remote host",
	  "!MaxStartups_or_PerSourcePenalties_(runtime:_a_restart_of_sshd_clears_them) nologin-file pam-limits-session",
	  "the server closed the connection"),
	C("client-too-many-auth", STAGE_AUTH, "Too many authentication failures",
	  "!the_client_offers_too_many_keys_(ssh_-o_IdentitiesOnly=yes_-i_KEY) authorized-keys-perms key-dir-perms "
	  "home-perms", "the client offered more keys than MaxAuthTries allows, none accepted"),
	C("client-pubkey-denied", STAGE_AUTH, "Permission denied (publickey",
	  "home-perms key-dir-perms authorized-keys-perms selinux-label-wrong selinux-homedirs-stale selinux-boolean-home apparmor-no-rule "
	  "apparmor-deny-rule authorized-keys-bom "
	  "authorized-keys-split-key authorized-keys-paste-damage authorized-keys-mangled-line authorized-keys-bad-options "
	  "authorized-keys-type-mismatch authorized-keys-unsupported-type authorized-keys-rsa-too-small "
	  "authorized-keys-tilde key-path-user-symlink authorized-keys-not-regular user-not-allowed root-login-refused "
	  "pubkey-auth-disabled auth-methods-no-pubkey account-locked shell-invalid account-expired pam-access-denied "
	  "pam-listfile-denied pam-succeed-if-denied pam-tally-locked revoked-keys-unreadable "
	  "!the_key_the_client_offers_is_not_in_authorized_keys",
	  "no key the client offered was accepted"),
	C("client-no-mutual-sig", STAGE_AUTH, "no mutual signature supported",
	  "client-rsa-sha1 authorized-keys-unsupported-type", "the client's RSA key can only sign with SHA-1, which the server refuses"),
	C("client-unprotected-key", STAGE_AUTH, "UNPROTECTED PRIVATE KEY FILE!", "client-key-perms",
	  "the client's private key is readable by others, so ssh will not use it"),
	C("client-bad-config-perms", STAGE_NONE, "Bad owner or permissions on", "client-config-perms client-config-owner",
	  "ssh refuses a ~/.ssh/config others can write"),
	C("client-host-key-changed", STAGE_KEX, "REMOTE HOST IDENTIFICATION HAS CHANGED", "client-known-host hostkey-missing",
	  "the server's host key differs from the one known_hosts remembers (new keys after a reinstall or a repair)"),
	C("client-host-key-verify", STAGE_KEX, "Host key verification failed", "client-known-host",
	  "the server's host key is unknown or changed, and ssh will not accept it"),
	C("client-no-host-key-type", STAGE_KEX, "no matching host key type found",
	  "hostkey-missing hostkey-rsa-weak !the_client_is_much_older_or_newer_than_the_server",
	  "client and server share no host key algorithm"),
	C("client-no-kex", STAGE_KEX, "no matching key exchange method found",
	  "!the_client_is_much_older_or_newer_than_the_server_(KexAlgorithms)", "client and server share no key exchange"),
	C("client-nologin-shell", STAGE_SESSION, "This account is currently not available", "shell-nologin",
	  "the account's shell is nologin"),
	C("client-not-allowed-time", STAGE_SESSION, "Not allowed at this time", "pam-access-denied !pam_time",
	  "a PAM time rule refuses the login now"),
	C("client-too-many-logins", STAGE_SESSION, "There were too many logins for", "pam-limits-session",
	  "pam_limits maxlogins"),
	C("client-broken-pipe", STAGE_SESSION, "client_loop: send disconnect: Broken pipe", "pam-limits-session",
	  "the session ended at once (pam_limits nofile?)"),
	C("client-password-change", STAGE_SESSION, "Password change required but no TTY available",
	  "password-change-required", "the password has expired and must be changed"),
};

const size_t msg_table_size = ELEMENTSOF(msg_table);

/* '*' matches any run of bytes; the pattern may start anywhere in s. */
static bool glob_at(const char *p, const char *s, const char *end)
{
	while (*p) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (!*p)
				return true;
			for (const char *t = s; t < end; t++)
				if (*t == *p && glob_at(p, t, end))
					return true;
			return false;
		}
		if (s >= end || *s != *p)
			return false;
		p++, s++;
	}
	return true;
}

bool msg_match(const struct msg_row *row, const char *line, size_t len)
{
	const char *end = line + len;
	const char *lit = row->pattern;
	size_t n = strcspn(lit, "*");

	if (n == 0)
		return glob_at(lit, line, end);
	/* each place the pattern's first literal run occurs, then the rest from there */
	for (const char *s = line; s + n <= end; s++) {
		if (!(s = memmem(s, (size_t) (end - s), lit, n)))
			return false;
		if (glob_at(lit, s, end))
			return true;
	}
	return false;
}

const struct msg_row *msg_find(enum msg_side side, unsigned ver, const char *line, size_t len)
{
	for (size_t i = 0; i < msg_table_size; i++) {
		const struct msg_row *r = &msg_table[i];
		if (r->side != side || (ver && r->since && ver < r->since) || (ver && r->until && ver > r->until))
			continue;
		if (msg_match(r, line, len))
			return r;
	}
	return NULL;
}

bool msg_has_cause(const struct msg_row *row, const char *id)
{
	size_t n = strlen(id);
	for (const char *c = row->causes; (c = strstr(c, id)); c += n)
		if ((c == row->causes || c[-1] == ' ') && (c[n] == ' ' || c[n] == '\0'))
			return true;
	return false;
}

const char *msg_stage_name(enum msg_stage s)
{
	switch (s) {
	case STAGE_TCP:
		return "before a TCP connection was made";
	case STAGE_BANNER:
		return "after the TCP connection, before the server's banner";
	case STAGE_KEX:
		return "during key exchange";
	case STAGE_AUTH:
		return "during authentication";
	case STAGE_SESSION:
		return "after authentication, when the session starts";
	default:
		return "at a point the message does not tell";
	}
}
