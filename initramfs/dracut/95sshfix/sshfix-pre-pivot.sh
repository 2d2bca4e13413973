#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut pre-pivot hook (priority 90): with rd.sshfix=dry-run or
# rd.sshfix=apply (plus ,yes or ,yes=ID+ID for the consent of --yes, see
# sshfix-boot.sh), run sshfix against the real root at $NEWROOT before
# switch-root.  Pre-pivot is the last hook with $NEWROOT fully mounted
# (a separate /usr included) and the target's init not yet started.
#
# dracut sources this file into its own shell, so it must not exit, must
# not leave variables behind and must not change shell options; the work,
# and the rules (never stop the boot, a time limit, remount read-write
# only for apply and back afterwards), are in /lib/sshfix/sshfix-boot.sh.
#
# Everything goes to stderr: under systemd, dracut-pre-pivot.service sends
# stdout to the journal only and stderr to the journal and the console
# (without systemd both are the console), and dracut's own warn() does the
# same.

# shellcheck disable=SC3043 # local: every shell an initramfs uses has it
sshfix_dracut_hook() {
    local value limit
    value=$(getarg rd.sshfix=) || return 0
    limit=$(getarg rd.sshfix.timeout=)
    if [ -r /lib/sshfix/sshfix-boot.sh ]; then
        . /lib/sshfix/sshfix-boot.sh
        sshfix_boot "$value" "${NEWROOT:-/sysroot}" "$limit" /sbin/sshfix rd.sshfix >&2
    else
        echo "sshfix: /lib/sshfix/sshfix-boot.sh is missing from this initramfs; nothing done" >&2
    fi
    return 0
}
sshfix_dracut_hook
unset -f sshfix_dracut_hook
