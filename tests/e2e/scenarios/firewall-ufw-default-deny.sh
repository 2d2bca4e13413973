# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_REPORT
# firewall-ufw-default-deny: "ufw --force enable" with ufw's defaults
# (DEFAULT_INPUT_POLICY="DROP") and no rule for ssh -- the classic lockout
# the ufw docs warn about (RULES §8.4).  ufw.service runs the target's own
# /lib/ufw/ufw-init at every boot (the oracle runs it).
#   sshd log: nothing (the SYN is dropped)
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection timed out
# sshfix judges what ufw-init loads statically and by the kernel (ufw-init
# in a private namespace) and adds what "ufw insert 1 allow 22/tcp" writes
# to /etc/ufw/user.rules and user6.rules; ufw stays enabled, its default
# policy unchanged; --undo puts both files back.
EXPECT_REPORT='firewall-ufw-blocks: /etc/default/ufw line '

break_root() {
	unshare --net chroot "$1" ufw --force enable
}
