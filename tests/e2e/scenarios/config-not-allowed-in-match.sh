# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# config-not-allowed-in-match: a global-only keyword (Port) put inside a
# Match block at the end of sshd_config.  Fatal at startup (RULES §3.5):
#   sshd log: Directive 'Port' is not allowed within a Match block
#   user sees: ssh: connect to host ... port 22: Connection refused
EXPECT_LOG="is not allowed within a Match block"

break_root() {
	printf 'Match User bob\n\tPort 2222\n' >> "$1/etc/ssh/sshd_config"
}
