#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-test.sh TEST: automake's LOG_COMPILER for tests without an extension.
# A tree case is a directory (tests/cases/<name>, one automake test each,
# so make -jN runs them side by side); anything else is a unit test
# program, run as it is.
if [ -d "$1" ]; then
	exec "$(dirname "$0")/run-cases.sh" "$1"
fi
exec "$@"
