#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut module "sshfix": put sshfix into the initramfs as /sbin/sshfix and a
# pre-pivot hook that runs it against $NEWROOT when the kernel command line
# says rd.sshfix=dry-run or rd.sshfix=apply, optionally with ,yes or
# ,yes=ID+ID (rd.sshfix.timeout=SECONDS changes the time limit, default 120).
#
# Which binary: $SSHFIX_BINARY if set (tests, or a build tree), else the
# first of sshfix-static, then sshfix, in the directory sshfix was installed
# to and then /usr/local/sbin, /usr/sbin, /sbin.  The static build is
# preferred: it carries no libraries and no NSS; inst_binary copies the
# libraries a dynamic one needs.

# Replaced by `make install` with the configured sbindir.
sshfix_installed_sbindir="@sbindir@"

sshfix_find_binary() {
    local dir name
    if [[ $SSHFIX_BINARY ]]; then
        if [[ -f $SSHFIX_BINARY && -x $SSHFIX_BINARY ]]; then
            echo "$SSHFIX_BINARY"
            return 0
        fi
        dwarn "sshfix: SSHFIX_BINARY=$SSHFIX_BINARY is not an executable file, looking for an installed one"
    fi
    for name in sshfix-static sshfix; do
        for dir in "$sshfix_installed_sbindir" /usr/local/sbin /usr/sbin /sbin; do
            [[ $dir == @* ]] && continue # not substituted: the source tree
            if [[ -f $dir/$name && -x $dir/$name ]]; then
                echo "$dir/$name"
                return 0
            fi
        done
    done
    return 1
}

# called by dracut
# Included by default wherever sshfix is installed: the module does nothing
# unless rd.sshfix= is given, and a rescue tool is only useful if it is
# already in the initramfs on the day logins break.  Without a binary it
# cannot work, so it is refused even when asked for with --add.
check() {
    sshfix_find_binary > /dev/null || return 1
    return 0
}

# called by dracut
# Nothing beyond base, which every initramfs has: the hook needs only a
# shell, mount and /proc.  A separate /usr is mounted before pre-pivot 90
# (usrmount's hook is pre-pivot 50; under systemd, initrd-fs.target).
depends() {
    return 0
}

# called by dracut
install() {
    local bin
    if ! bin=$(sshfix_find_binary); then
        derror "sshfix: no sshfix binary found"
        return 1
    fi
    inst_binary "$bin" /sbin/sshfix || return 1
    # timeout bounds the run (the hook has a fallback without it); date
    # stamps the log; sync flushes it.
    inst_multiple -o timeout date sync
    # shellcheck disable=SC2154 # $moddir: set by dracut
    inst_simple "$moddir/sshfix-boot.sh" /lib/sshfix/sshfix-boot.sh
    inst_hook pre-pivot 90 "$moddir/sshfix-pre-pivot.sh"
}
