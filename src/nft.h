/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nftables rulesets as `nft -f` loads them (RULES §8.3): Debian's
 * /etc/nftables.conf, EL's /etc/sysconfig/nftables.conf and the files they
 * include (globs, relative names from /etc as nft's default include path,
 * at most 16 deep as nft allows), and what every base chain on the input
 * hook (and filter chains on prerouting) of every ip, ip6 and inet table
 * does to a new TCP connection to sshd (src/fwcommon.h).  A packet must be
 * accepted by every one of them: an accept ends only its own chain.
 *
 * Judged: "flush ruleset", table/chain/set blocks and the add/insert/
 * create/delete/flush commands, define and $variables, chain policies,
 * rules in order with tcp/th dport (values, ranges, anonymous and named
 * sets, comparisons), meta l4proto/nfproto/pkttype, ip/ip6 saddr (numeric,
 * sets), ip protocol / ip6 nexthdr, ct state, iif/iifname (lo never
 * matches; any other name is assumed to be the main interface), fib daddr
 * type local, counter/log/comment, verdict maps on ct state, dport and
 * l4proto, accept/drop/reject/jump/goto/return/continue.  Anything else on
 * the way (limit, a match on the destination address, meta mark, queue)
 * gives FW_UNKNOWN with its file and line: the kernel probe decides then.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "fwcommon.h"

struct nft_ruleset;

/*
 * Load path and its includes.  Returns 0 with *ret (nft_ruleset_free()),
 * -EBADMSG when nft would refuse the ruleset or it holds something this
 * parser does not know how to read (then *ret_why says what, with file and
 * line: "include loop: ...", "a NUL byte", "line 3: unknown statement
 * 'foo'"; caller frees), -ENOENT when path is missing, another -errno from
 * the reader, or -ENOMEM.
 */
int nft_load(const struct fw_reader *rd, const char *path, struct nft_ruleset **ret, char **ret_why);
void nft_ruleset_free(struct nft_ruleset *rs);

/* The files read, in order (path first); owned by rs. */
char *const *nft_files(const struct nft_ruleset *rs);

/* What the ruleset does to packet p: the first base chain that does not accept it decides. */
void nft_eval(const struct nft_ruleset *rs, const struct fw_packet *p, struct fw_answer *ret);

/*
 * The policy line of the first base chain on the input hook that sees
 * family and drops by policy (for a verdict the kernel gives and the
 * static view does not: neighbour discovery dropped).  Returns true with
 * *ret_file (owned by rs) and *ret_line, false when there is none.
 */
bool nft_policy_drop(const struct nft_ruleset *rs, int family, const char **ret_file, unsigned *ret_line);

/*
 * The smallest change for p: "tcp dport P accept" (with "ip saddr FROM" or
 * "ip6 saddr FROM" for --from) as the first rule of the first base chain
 * that does not accept it, in the file that declares the chain.  Returns 0
 * with *ret_path (the file, owned by rs) and its new text (caller frees),
 * 1 when every chain accepts p, -ENOTSUP when the chain has no place for a
 * rule this can find (a chain written on one line), or -ENOMEM.  The caller
 * loads again with the new text and calls again until 1: each call
 * opens one chain.
 */
int nft_plan_accept(const struct nft_ruleset *rs, const struct fw_packet *p, const char **ret_path, char **ret_data,
		    size_t *ret_len);
