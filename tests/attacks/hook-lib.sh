# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by a case's `hook`, the program sshfix runs as
# SSHFIX_TEST_HOOK=hook STAGE PATH: STAGE "examine" (at apply or undo
# time, before the journal looks at PATH again) or "change" (after it
# verified the object and holds it open, just before it changes it); PATH
# is inside the target.  The environment has ROOT, O and ATTACK_DIR.
#
# hook_at STAGE PATH: true once, for the first call with that stage and
# path (every call is logged to $O/hook.log).
# hook_swapped: the swap is done; keep the manifest as it left the tree.
set -u
printf '%s %s\n' "$1" "$2" >> "$O/hook.log"
hook_at() {
	[ "$1" = "$HOOK_STAGE" ] && [ "$2" = "$HOOK_PATH" ] && [ ! -e "$O/hook.done" ] || return 1
	: > "$O/hook.done"
}
hook_swapped() {
	"$ATTACK_DIR/manifest.sh" "$ROOT" > "$O/m-swapped"
	printf 'swapped at %s %s\n' "$HOOK_STAGE" "$HOOK_PATH" >> "$O/hook.log"
}
HOOK_STAGE=$1 HOOK_PATH=$2
