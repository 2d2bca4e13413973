#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench-scan.sh [USERS]: build a fake root with USERS accounts (default
# 10000), each with ~/.ssh/authorized_keys, every 50th one broken, then
# measure in one run:
#   - a full `sshfix --dry-run` scan,
#   - `find` stat-ing the same homes, ~/.ssh dirs and key files,
#   - their ratio (the target is <= 2), and sshfix's peak RSS (target < 8 MiB).
# Figures are printed, never asserted: this machine is shared and noisy.
# Each timing is the best of 5 runs, after a warm-up, so the page cache is hot.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
SSHFIX=${SSHFIX:-$(dirname "$here")/sshfix}
users=${1:-10000}
[ "$(id -u)" = 0 ] || { echo "bench-scan.sh: needs root (to own files as users)" >&2; exit 1; }
[ -x "$SSHFIX" ] || { echo "bench-scan.sh: no sshfix at $SSHFIX" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-scan.sh: needs GNU time (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d /tmp/sshfix-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
. "$(dirname "$here")/tests/lib.sh"
mkroot "$root"

python3 - "$root" "$users" <<'PY'
import base64, os, struct, sys
root, n = sys.argv[1], int(sys.argv[2])
pw = open(f"{root}/etc/passwd", "a"); gr = open(f"{root}/etc/group", "a"); sh = open(f"{root}/etc/shadow", "a")
for i in range(n):
    name, uid = f"user{i:05d}", 2000 + i
    home = f"{root}/home/{name}"
    pw.write(f"{name}:x:{uid}:{uid}::/home/{name}:/bin/bash\n")
    gr.write(f"{name}:x:{uid}:\n")
    sh.write(f"{name}:!:19700:0:99999:7:::\n")
    os.makedirs(f"{home}/.ssh")
    with open(f"{home}/.ssh/authorized_keys", "w") as f:
        # A well-formed ed25519 public key (string type, string 32 bytes), as a real file has.
        blob = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + i.to_bytes(32, "big")
        f.write(f"ssh-ed25519 {base64.b64encode(blob).decode()} {name}@host\n")
    for p, m in ((home, 0o755), (f"{home}/.ssh", 0o700), (f"{home}/.ssh/authorized_keys", 0o600)):
        os.chown(p, uid, uid); os.chmod(p, m)
    if i % 50 == 0:   # every 50th user broken in one of three ways
        kind = (i // 50) % 3
        if kind == 0: os.chmod(home, 0o777)
        elif kind == 1: os.chmod(f"{home}/.ssh", 0o777)
        else: os.chown(f"{home}/.ssh/authorized_keys", 0, 0)
PY

# The dynamic build and, when `make static` has run, the static one that
# ships for rescue systems and initramfs (no dynamic loader, smaller RSS).
static=$(dirname "$SSHFIX")/sshfix-static
for bin in "$SSHFIX" $([ -x "$static" ] && [ -z "${SSHFIX_ONLY:-}" ] && echo "$static"); do
echo "== $(basename "$bin")"
python3 - "$bin" "$root" <<'PY'
import json, os, subprocess, sys, time
sshfix, root = sys.argv[1], sys.argv[2]

def best(cmd, runs=5):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # warm-up
    t = []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t.append(time.perf_counter() - t0)
    return min(t), p.returncode

scan, rc = best([sshfix, "--root", root, "--dry-run"])
# find stats every path sshfix must look at: homes, ~/.ssh, keys files, /etc/ssh.
find, _ = best(["find", f"{root}/home", f"{root}/etc/ssh", "-maxdepth", "3", "-printf", "%m %U %G %n\n"])
# Peak RSS from GNU time: the kernel's count for sshfix alone (a Python
# child would be charged with the interpreter it was forked from).
t = subprocess.run(["/usr/bin/time", "-f", "%M", sshfix, "--root", root, "--dry-run"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
rss_kib = int(t.stderr.strip().splitlines()[-1])
out = subprocess.run([sshfix, "--root", root, "--json"], capture_output=True, text=True).stdout
problems = len(json.loads(out)["problems"])
print(f"users: {sum(1 for _ in open(root + '/etc/passwd'))} accounts, problems found: {problems} (exit {rc})")
print(f"sshfix --dry-run full scan: {scan * 1000:.1f} ms (best of 5)")
print(f"find stat of the same paths: {find * 1000:.1f} ms (best of 5)")
print(f"ratio sshfix/find: {scan / find:.2f} (target <= 2)")
print(f"sshfix peak RSS: {rss_kib / 1024:.2f} MiB (target < 8 MiB)")
PY
done
