# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_REPORT
# firewalld-rich-rule-drop: firewalld with its stock public zone (which has
# the ssh service), plus a rich rule someone added to drop ssh:
#   firewall-cmd --permanent --add-rich-rule='rule service name="ssh" drop'
# firewalld puts drop/reject rich rules in the zone's deny chain, before
# the allow chain that holds its services (RULES §8.5), so the service does
# not help.
#   sshd log: nothing (the SYN is dropped)
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection timed out
# sshfix adds a rich rule accepting port 22 with priority -1, which
# firewalld puts before the deny chain; the dropping rule stays.
EXPECT_REPORT="firewalld-blocks: /etc/firewalld/zones/public.xml line 8: drops new ssh connections (port 22 over IPv4"

break_root() {
	e2e_install_firewalld "$1"
	cat > "$1/etc/firewalld/zones/public.xml" <<-'X'
	<?xml version="1.0" encoding="utf-8"?>
	<zone>
	  <short>Public</short>
	  <description>For use in public areas.</description>
	  <service name="ssh"/>
	  <service name="dhcpv6-client"/>
	  <forward/>
	  <rule>
	    <service name="ssh"/>
	    <drop/>
	  </rule>
	</zone>
	X
}
