/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables-save files (RULES §8.1, §8.2): Debian's iptables-persistent
 * /etc/iptables/rules.v4 and rules.v6, EL's /etc/sysconfig/iptables and
 * ip6tables, as iptables-restore loads them -- and what their rules do to
 * a new TCP connection to sshd (src/fwcommon.h).
 *
 * Judged: the chains a packet for the machine crosses, in hook order
 * (raw PREROUTING, mangle PREROUTING, mangle INPUT, filter INPUT): chain
 * policies, rules in order, -p, -s/-d (numeric), -i (lo never matches; any
 * other name is assumed to be the main interface, conservatively), --dport
 * and -m multiport --dports/--ports, --syn, -m state/conntrack NEW,
 * -m addrtype --dst-type LOCAL, -m comment, -j ACCEPT/DROP/REJECT/RETURN,
 * jumps (-j) and gotos (-g) to user chains, and non-terminating targets
 * (LOG, NFLOG, MARK, ...), and -m recent as at boot, when its lists are
 * empty (--rcheck and --update never match a first connection: ufw's
 * "limit" rules), and -m rt (a SYN carries no routing header).  Anything else a rule on the way depends on
 * (ipset, limit, a target it does not know) makes the answer
 * FW_UNKNOWN with the line: the kernel probe decides then.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "fwcommon.h"

struct ipt_ruleset;

/*
 * Parse an iptables-save file.  Returns 0 with *ret (ipt_ruleset_free()),
 * -EBADMSG when it is no such file (a NUL byte, a line iptables-restore
 * refuses: then *ret_line and *ret_why say which; the boot loads nothing
 * of it), or -ENOMEM.  file is kept for the answers.
 */
int ipt_parse(const char *file, const char *data, size_t len, struct ipt_ruleset **ret, unsigned *ret_line,
	      const char **ret_why);
void ipt_ruleset_free(struct ipt_ruleset *rs);

/*
 * Read one more iptables-save text into *rs (a new ruleset when *rs is
 * NULL), as "iptables-restore -n" loads it over what is there: a table
 * already read is kept, its chains too, rules are appended (ufw-init loads
 * its before.rules, after.rules and user.rules so).  Each rule and policy
 * keeps the file it came from; line_offset is added to every line number
 * (a text made up for a line of another file).  Returns 0, -EBADMSG with
 * *ret_line and *ret_why (*rs keeps what was read before), or -ENOMEM.
 */
int ipt_parse_more(struct ipt_ruleset **rs, const char *file, const char *data, size_t len, int line_offset,
		   unsigned *ret_line, const char **ret_why);

/* What the ruleset does to packet p.  *ret is filled; the base chain that decided is in ret->what. */
void ipt_eval(const struct ipt_ruleset *rs, const struct fw_packet *p, struct fw_answer *ret);

/*
 * The smallest change that lets p through: the file's text with one rule
 * "-A CHAIN [-s FROM] -p tcp -m tcp --dport PORT -j ACCEPT" inserted
 * before the rule of the base chain that drops it (or, when the policy
 * drops it, after the chain's last rule).  FW_UNKNOWN answers are planned
 * the same way, before the rule that could not be judged.  Returns 0 with
 * a new text (caller frees), 1 when p already passes, -ENOTSUP when no
 * rule can be placed (a table without COMMIT), -ENOMEM.
 */
int ipt_plan_accept(const struct ipt_ruleset *rs, const char *data, size_t len, const struct fw_packet *p,
		    char **ret_data, size_t *ret_len);
