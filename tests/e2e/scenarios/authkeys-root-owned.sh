# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# authkeys-root-owned: authorized_keys owned by root with mode 0600, e.g.
# written by `sudo tee ~alice/.ssh/authorized_keys` or a provisioning script
# running as root.  sshd opens the file as the user (RULES §1.5), who cannot
# read it:
#   sshd log: Could not open user 'alice' authorized keys '/home/alice/.ssh/authorized_keys': Permission denied
#   user sees: alice@host: Permission denied (publickey).
EXPECT_LOG="Could not open user 'alice' authorized keys '/home/alice/.ssh/authorized_keys': Permission denied"

break_root() {
	chown 0:0 "$1/home/alice/.ssh/authorized_keys"
	chmod 0600 "$1/home/alice/.ssh/authorized_keys"
}
