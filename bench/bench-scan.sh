#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench-scan.sh [USERS]: a full scan of a real root, timed and measured.
#
# The root is a copy of the real-login tier's cached Debian 12 root
# (tests/e2e/build-root.sh: debootstrap, built once), so the target's own
# sshd runs in sshfix's sandbox as it would on a real machine.  USERS
# accounts (default 10000) are added, each with ~/.ssh/authorized_keys
# holding one well-formed ed25519 key; every 50th home is 0777 (refused by
# StrictModes).  The copy lives under /var/tmp and is removed at the end:
# the cache is never written.
#
# Printed, from one run (best of 5 each, after a warm-up, page cache hot),
# for the dynamic binary ($SSHFIX, default ./sshfix) and the static one
# ($SSHFIX_STATIC, default ./sshfix-static from `make static`, if built):
#   - the wall time of `sshfix --root ROOT --dry-run`, of find stat-ing the
#     same paths (homes, ~/.ssh, keys files, /etc/ssh; run in turns with
#     the scan), and their ratio (goal <= 1.5);
#   - the peak RSS of sshfix itself, VmHWM of the sshfix process (goal
#     <= 8 MiB), and beside it the peak of each program it ran in the
#     sandbox (the target's sshd, ssh-keygen) with its number of runs:
#     bench/peak-rss.c traces the tree, where GNU time's %M would report
#     the largest of them all;
#   - the number of sandboxed sshd runs; the stripped size (goal for the
#     static binary <= 1 MiB).
# With $SSHFIX_BASE (say, a copy of the binary before a change), that one is
# measured too, on the same root in the same run, and labelled "baseline":
# old and new figures side by side, from the same machine's same minutes.
# Figures are printed, never asserted: this machine is shared and noisy.
# Needs root (a copy of a root owned by many users, the sandbox); exit 77
# with the reason when it cannot run here.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
SSHFIX=${SSHFIX:-$top/sshfix}
STATIC=${SSHFIX_STATIC:-$(dirname "$SSHFIX")/sshfix-static}
BASE=${SSHFIX_BASE:-}
users=${1:-10000}

skip() {
	echo "SKIP: bench-scan.sh: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root (files owned by 10,000 users, and sshfix's sandbox)"
[ -x "$SSHFIX" ] || skip "no sshfix binary at $SSHFIX (run make, or set SSHFIX)"
if [ -n "$BASE" ] && ! [ -x "$BASE" ]; then
	echo "bench-scan.sh: SSHFIX_BASE=$BASE is not an executable" >&2
	exit 2
fi
for c in python3 find strip "${CC:-cc}"; do
	command -v "$c" > /dev/null || skip "'$c' is not installed"
done
case $users in '' | *[!0-9]*) echo "bench-scan.sh: USERS must be a number" >&2; exit 2 ;; esac

rc=0
img=$("$top/tests/e2e/build-root.sh") || rc=$?
case $rc in
0) ;;
77) skip "the Debian root of the real-login tier cannot be built here (see build-root's message)" ;;
*) echo "bench-scan.sh: building the Debian root failed (exit $rc)" >&2; exit 99 ;;
esac

work=$(mktemp -d /var/tmp/sshfix-bench.XXXXXX)
trap 'rm -rf --one-file-system "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
root=$work/root
cp -a "$img/rootfs" "$root"
"${CC:-cc}" -O2 -o "$work/peak-rss" "$here/peak-rss.c"

python3 - "$root" "$users" <<'PY'
import base64, os, struct, sys
root, n = sys.argv[1], int(sys.argv[2])
pw = open(f"{root}/etc/passwd", "a"); gr = open(f"{root}/etc/group", "a"); sh = open(f"{root}/etc/shadow", "a")
os.makedirs(f"{root}/home", exist_ok=True)
for i in range(n):
    name, uid = f"user{i:05d}", 20000 + i
    home = f"{root}/home/{name}"
    pw.write(f"{name}:x:{uid}:{uid}::/home/{name}:/bin/bash\n")
    gr.write(f"{name}:x:{uid}:\n")
    sh.write(f"{name}:!:19700:0:99999:7:::\n")
    os.makedirs(f"{home}/.ssh")
    with open(f"{home}/.ssh/authorized_keys", "w") as f:
        # A well-formed ed25519 public key: string "ssh-ed25519", string of 32 bytes.
        blob = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + i.to_bytes(32, "big")
        f.write(f"ssh-ed25519 {base64.b64encode(blob).decode()} {name}@laptop\n")
    for p, m in ((home, 0o755), (f"{home}/.ssh", 0o700), (f"{home}/.ssh/authorized_keys", 0o600)):
        os.chown(p, uid, uid)
        os.chmod(p, m)
    if i % 50 == 0:
        os.chmod(home, 0o777)    # StrictModes refuses the keys
PY

bins=("$SSHFIX")
[ -x "$STATIC" ] && [ -f "$STATIC" ] && bins+=("$STATIC")
[ -n "$BASE" ] && bins+=("$BASE")
export SSHFIX_BASE=$BASE
python3 - "$root" "$work" "$users" "${bins[@]}" <<'PY'
import json, os, subprocess, sys, time
root, work, users, bins = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
RUNS = 5

def timed(cmd):
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - t0, rc

def best_pair(a, b):
    """Best of RUNS for each of two commands, run in turns (a noisy machine drifts alike for both)."""
    timed(a), timed(b)  # warm-up
    ta, tb, rc = [], [], None
    for _ in range(RUNS):
        ta.append(timed(a)[0])
        t, rc = timed(b)
        tb.append(t)
    return min(ta), min(tb), rc

def peak(cmd):
    """sshfix's own VmHWM and each program's, best of RUNS, from bench/peak-rss."""
    self_kib, progs = [], {}
    for _ in range(RUNS):
        subprocess.run([f"{work}/peak-rss", f"{work}/peak.out"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        for line in open(f"{work}/peak.out").read().splitlines():
            w = line.split()
            if w[0] == "self":
                self_kib.append(int(w[1]))
            elif w[0] == "prog":
                progs.setdefault(w[1], []).append((int(w[2]), int(w[3])))
    return min(self_kib), {k: (min(h for h, _ in v), max(c for _, c in v)) for k, v in progs.items()}

def stripped(path):
    out = f"{work}/stripped"
    subprocess.run(["strip", "-o", out, path], check=True)
    size = os.path.getsize(out)
    os.unlink(out)
    return size

mib = lambda kib: kib / 1024
BASE = os.environ.get("SSHFIX_BASE") or None
label = lambda b: f"baseline {b}" if b == BASE else os.path.basename(b)
find = ["find", f"{root}/home", f"{root}/etc/ssh", "-maxdepth", "3", "-printf", "%m %U %G %n\n"]
facts = json.loads(subprocess.run([bins[0], "--root", root, "--json"], capture_output=True, text=True).stdout)
target = facts.get("target", {})
print(f"root: a copy of {target.get('os_pretty_name')} with {(target.get('sshd') or {}).get('version')}, "
      f"{users} more users with authorized keys, every 50th home 0777")
for b in bins:
    find_s, scan_s, rc = best_pair(find, [b, "--root", root, "--dry-run"])
    own, progs = peak([b, "--root", root, "--dry-run"])
    problems = len(json.loads(subprocess.run([b, "--root", root, "--json"], capture_output=True,
                                             text=True).stdout)["problems"])
    kind = "baseline" if b == BASE else "static" if b != bins[0] else "dynamic"
    ran = [(n, h, c) for n, (h, c) in sorted(progs.items()) if n != os.path.basename(b)[:15]]
    print(f"== {label(b)} ({kind}): {stripped(b)} bytes stripped"
          + (" (goal <= 1 MiB = 1048576)" if kind == "static" else ""))
    print(f"  --dry-run full scan: {scan_s * 1000:.1f} ms (best of {RUNS}), exit {rc}, {problems} problems")
    print(f"  find stat-ing the same paths: {find_s * 1000:.1f} ms (best of {RUNS}, in turns with the scan)")
    print(f"  ratio dry-run / find: {scan_s / find_s:.2f} (goal <= 1.5)")
    print(f"  peak RSS of sshfix itself (VmHWM): {mib(own):.2f} MiB (best of {RUNS}; goal <= 8 MiB)")
    print("  peak RSS of what it ran in the sandbox: "
          + ", ".join(f"{n} {mib(h):.2f} MiB ({c} run{'s' if c != 1 else ''})" for n, h, c in ran))
    print(f"  sandboxed sshd runs: {progs.get('sshd', (0, 0))[1]}")
PY

# The logs (issue 14): a 100 MB auth.log and a 100 MB audit.log on the same
# root, scanned with --only logs; each file is read from its end, at most
# 1 MiB, so the time and memory must not grow with the file.
python3 - "$root" "$work" "${bins[@]}" <<'PY'
import os, subprocess, sys, time
root, work, bins = sys.argv[1], sys.argv[2], sys.argv[3:]
RUNS = 3
BASE = os.environ.get("SSHFIX_BASE") or None
label = lambda b: f"baseline {b}" if b == BASE else os.path.basename(b)
def run_best(cmd):
    best_t, best_kib = None, None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run([f"{work}/peak-rss", f"{work}/peak.out"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        t = time.perf_counter() - t0
        kib = [int(l.split()[1]) for l in open(f"{work}/peak.out") if l.startswith("self ")][0]
        best_t = t if best_t is None else min(best_t, t)
        best_kib = kib if best_kib is None else min(best_kib, kib)
    return best_t, best_kib
os.makedirs(f"{root}/var/log/audit", exist_ok=True)
cmd = lambda b: [b, "--root", root, "--dry-run", "--only", "logs"]
small = {b: run_best(cmd(b)) for b in bins}
line = "2026-12-06T10:00:%02d.000000+00:00 host sshd[%d]: Accepted publickey for user%05d from 192.0.2.20 port 50000 ssh2\n"
avc = ("type=AVC msg=audit(1700000000.%03d:%d): avc:  denied  { read } for pid=812 comm=\"sshd\" name=\"authorized_keys\" "
       "scontext=system_u:system_r:sshd_t:s0-s0:c0.c1023 tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0\n")
for path, fmt in ((f"{root}/var/log/auth.log", line), (f"{root}/var/log/audit/audit.log", avc)):
    with open(path, "w") as f:
        f.write("2026-12-06T09:00:00.000000+00:00 host sshd[700]: Server listening on 0.0.0.0 port 22.\n")
        i = 0
        while f.tell() < 100 * 1024 * 1024:
            f.write("".join(fmt % (j % 60, 1000 + j, j % 10000) if fmt is line else fmt % (j % 1000, j) for j in range(i, i + 10000)))
            i += 10000
sizes = ", ".join(f"{os.path.basename(p)} {os.path.getsize(p) / 1048576:.0f} MiB"
                  for p in (f"{root}/var/log/auth.log", f"{root}/var/log/audit/audit.log"))
print(f"== logs: {sizes} (each read from its end, at most 1 MiB)")
for b in bins:
    t, kib = run_best(cmd(b))
    t0, kib0 = small[b]
    print(f"  {label(b)}: --only logs {t * 1000:.0f} ms, VmHWM {kib / 1024:.2f} MiB "
          f"(without the big logs: {t0 * 1000:.0f} ms, {kib0 / 1024:.2f} MiB; best of {RUNS})")

# A 100 MB systemd journal beside them (systemd-journal-remote makes it from
# an export stream): read by the target's own journalctl in the sandbox,
# then, with that journalctl moved away, by sshfix's own reader of the file
# format.  The peak of journalctl is its own line of peak-rss.
remote = "/lib/systemd/systemd-journal-remote"
if not os.access(remote, os.X_OK):
    print("== journal: not measured: systemd-journal-remote is not installed (apt-get install systemd-journal-remote)")
    sys.exit(0)
mid = open(f"{root}/etc/machine-id").read().strip() or "0" * 32
jdir = f"{root}/var/log/journal/{mid}"
os.makedirs(jdir, exist_ok=True)
export = f"{work}/export"
with open(export, "w") as f:
    i = 0
    while f.tell() < 100 * 1024 * 1024:
        f.write("".join(f"__REALTIME_TIMESTAMP={1765000000000000 + j * 1000}\n__MONOTONIC_TIMESTAMP={j + 1}\n"
                        f"_BOOT_ID={mid}\n_HOSTNAME=host\n_COMM={'sshd' if j % 3 else 'cron'}\n_PID={1000 + j % 30000}\n"
                        f"MESSAGE=Accepted publickey for user{j % 10000:05d} from 192.0.2.20 port {j % 60000} ssh2\n\n"
                        for j in range(i, i + 10000)))
        i += 10000
subprocess.run([remote, "-o", f"{jdir}/system.journal", export], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
               check=True)
os.unlink(export)
jsize = sum(os.path.getsize(os.path.join(jdir, n)) for n in os.listdir(jdir))
def others():
    w = [l.split() for l in open(f"{work}/peak.out")]
    return ", ".join(f"{x[1]} {int(x[2]) / 1024:.2f} MiB" for x in w if x[0] == "prog")
jc = f"{root}/usr/bin/journalctl"
for how in ("the target's journalctl", "sshfix's own reader"):
    if how != "the target's journalctl":
        os.rename(jc, jc + ".away")
    for b in bins:
        t, kib = run_best(cmd(b))
        other = others()
        print(f"== journal {jsize / 1048576:.0f} MiB ({i} entries), {how}: {label(b)} --only logs "
              f"{t * 1000:.0f} ms, VmHWM {kib / 1024:.2f} MiB{' (' + other + ')' if other else ''}; best of {RUNS}")
os.rename(jc + ".away", jc)
PY
