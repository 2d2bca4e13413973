#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# as-root.sh COMMAND [ARG...]: run COMMAND as root: itself when we are root
# (a fresh Debian, a container or a rescue shell may have no sudo: "sudo:
# command not found"), else through sudo.  For the README's commands, which
# a newcomer types either way.
set -eu
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 16; }
if [ "$(id -u)" -eq 0 ]; then
	exec "$@"
fi
if command -v sudo > /dev/null 2>&1; then
	exec sudo "$@"
fi
echo "as-root: '$1' needs root: run it as root (su -), or install sudo first" >&2
exit 1
