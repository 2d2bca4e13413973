#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen-docs.py [--check] [--sshfix PATH] [--srcdir DIR]: make the README's
check table and the man page's PROBLEMS section from the problem tables.

The tables in fixes/*.c are the truth: `sshfix --list-checks --json` prints
them in the report's order (fixes/families.def).  Between its markers

  README.md      <!-- BEGIN checks ... -->  ...  <!-- END checks -->
  man/sshfix.8   .\\" BEGIN problems ...    ...  .\\" END problems

this script writes one table row per check family (its id, its problems by
flag, its RULES.md sections) and one .SS per family with a .TP entry per
problem (its id, severity and flag).  What people wrote is kept: the README
row's "what" cell, the text under a family's .SS and under each problem's
heading, matched by id.  A new family or problem gets its summary or its
explanation from the table as a first text to edit; the text of a family or
problem that no longer exists is printed on stderr and dropped.

Without --check it rewrites the files that differ (in the source tree) and
says which.  With --check it writes nothing, prints the difference and exits
1 when the files are not what it would write (tests/problem-coverage.sh runs
it so), 0 when they are.  The output depends on nothing but the tables and
the files: the same input always gives the same bytes.
"""
import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import textwrap

FLAGS = ("safe-auto", "needs-confirm", "report-only")
# A flag written at the end of a problem's text, as the page said it before
# the headings carried it: the heading says it now, and only the heading.
TRAILING_FLAG = re.compile(r"\s*\((safe-auto|report-only|needs-confirm|report only|needs confirmation)\)\s*$")

MAN = "man/sshfix.8"
MAN_BEGIN = ('.\\" BEGIN problems: made by tools/gen-docs.py from the problem tables.',
             '.\\" Edit the text under a heading; the .SS and .TP headings, their order,',
             '.\\" severities and flags are rewritten (and a trailing "(flag)" removed).')
MAN_END = '.\\" END problems'
README = "README.md"
README_BEGIN = ("<!-- BEGIN checks: made by tools/gen-docs.py from the problem tables. "
                "Edit the \"what\" column; the rows' order and the other columns are rewritten. -->")
README_END = "<!-- END checks -->"
README_HEAD = ("| check | what | problems | rules |", "|---|---|---|---|")


class Fail(Exception):
    pass


def warn(msg):
    print("gen-docs: " + msg, file=sys.stderr)


def load_checks(sshfix):
    try:
        out = subprocess.run([sshfix, "--list-checks", "--json"], check=True,
                             stdout=subprocess.PIPE).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise Fail("%s --list-checks --json failed: %s" % (sshfix, e))
    checks = json.loads(out.decode("utf-8"))["checks"]
    if not checks:
        raise Fail("%s --list-checks --json listed no checks" % sshfix)
    return checks


def between(lines, begin, end, name):
    """The index of the first line of begin and of the end line, each exactly once."""
    starts = [i for i, l in enumerate(lines) if l.startswith(begin[0].split(":")[0])]
    ends = [i for i, l in enumerate(lines) if l == end]
    if len(starts) != 1 or len(ends) != 1 or starts[0] > ends[0]:
        raise Fail("%s: needs one %r ... %r block" % (name, begin[0], end))
    return starts[0], ends[0]


# ---- roff ----

def roff_unescape(s):
    return s.replace("\\-", "-").replace("\\&", "").strip('"')


def roff_escape(s):
    """Plain text as roff: backslashes shown, minus signs, not hyphens."""
    return s.replace("\\", "\\e").replace("-", "\\-")


def roff_text(text):
    """A first text for a new entry: escaped, wrapped, no line a request."""
    out = []
    for l in textwrap.wrap(roff_escape(text), 78, break_long_words=False, break_on_hyphens=False):
        out.append("\\&" + l if l[0] in ".'" else l)
    return out


MAN_HEADING = re.compile(r'^\.BR (\S+) " \(" (\S+) ", " (\S+) \)$')


def man_heading(p):
    return ['.TP', '.BR %s " (" %s ", " %s )' % (roff_escape(p["id"]), p["severity"], roff_escape(p["flag"]))]


def parse_man(block, known):
    """Family id -> its text, problem id -> its text, from the lines between the markers."""
    fams, probs = {}, {}
    cur = None
    i = 0
    while i < len(block):
        l = block[i]
        if l.startswith(".SS "):
            name = roff_unescape(l[4:].strip())
            if name in fams:
                raise Fail("%s: two sections .SS %s" % (MAN, name))
            cur = fams[name] = []
            i += 1
            continue
        if l == ".TP" and i + 1 < len(block):
            m = MAN_HEADING.match(block[i + 1])
            pid = roff_unescape(m.group(1)) if m else None
            if not m and block[i + 1].startswith(".B ") and roff_unescape(block[i + 1][3:].strip()) in known:
                pid = roff_unescape(block[i + 1][3:].strip())  # a heading written by hand
            if pid:
                if pid in probs:
                    raise Fail("%s: two entries for %s" % (MAN, pid))
                cur = probs[pid] = []
                i += 2
                continue
        if cur is None:
            if l.strip() and not l.startswith('.\\"'):
                raise Fail("%s: text before the first .SS of the problems: %r" % (MAN, l))
        else:
            cur.append(l)
        i += 1
    return fams, probs


def strip_flag(text):
    text = list(text)
    for j in range(len(text) - 1, -1, -1):
        if text[j].startswith('.\\"') or not text[j].strip():
            continue
        s = TRAILING_FLAG.sub("", text[j])
        if s != text[j]:
            if s.strip():
                text[j] = s
            else:
                del text[j]
        break
    return text


def gen_man(lines, checks):
    b, e = between(lines, MAN_BEGIN, MAN_END, MAN)
    known = {p["id"] for c in checks for p in c["problems"]}
    fams, probs = parse_man(lines[b + 1:e], known)
    out = list(MAN_BEGIN)
    for c in checks:
        out.append(".SS " + roff_escape(c["id"]))
        text = fams.pop(c["id"], None)
        if text is None:
            s = c["summary"]
            text = roff_text(s[:1].upper() + s[1:] + ".")
        out += text
        for p in c["problems"]:
            out += man_heading(p)
            text = probs.pop(p["id"], None)
            out += strip_flag(text) if text is not None else roff_text(p["explanation"])
    for name, text in list(fams.items()) + list(probs.items()):
        if any(l.strip() for l in text):
            warn("%s: dropped the text of %s, which the tables no longer have "
                 "(a renamed id? move it by hand):\n\t%s" % (MAN, name, "\n\t".join(text)))
    out.append(MAN_END)
    return lines[:b] + out + lines[e + 1:]


# ---- markdown ----

ROW = re.compile(r"^\| `([a-z0-9-]+)` \| (.*) \|$")


def md_cells(row):
    """The cells of a table row; a | inside a cell is written \\|."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip()[1:-1])]


def gen_readme(lines, checks):
    b, e = between(lines, (README_BEGIN,), README_END, README)
    what = {}
    for l in lines[b + 1:e]:
        if not ROW.match(l):
            continue
        cells = md_cells(l)
        if len(cells) < 3:
            raise Fail("%s: a row of the check table with fewer than 3 cells: %r" % (README, l))
        fam = cells[0].strip("`")
        if fam in what:
            raise Fail("%s: two rows for %s" % (README, fam))
        what[fam] = cells[1]
    out = [README_BEGIN, *README_HEAD]
    for c in checks:
        cell = what.pop(c["id"], None)
        if cell is None:
            cell = c["summary"].replace("|", "\\|")
        groups = []
        for flag in FLAGS:
            ids = ["`%s`" % p["id"] for p in c["problems"] if p["flag"] == flag]
            if ids:
                groups.append("%s: %s" % (flag, ", ".join(ids)))
        out.append("| `%s` | %s | %s | %s |" % (c["id"], cell, "; ".join(groups), c["rules"].replace("|", "\\|")))
    for fam, cell in what.items():
        warn("%s: dropped the row of %s, which the tables no longer have "
             "(a renamed id? move it by hand):\n\t%s" % (README, fam, cell))
    out.append(README_END)
    return lines[:b] + out + lines[e + 1:]


def shown(path):
    """A path to print: relative to here when under here, else absolute."""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else os.path.abspath(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file differs")
    ap.add_argument("--sshfix", help="the sshfix to ask (default: $SSHFIX, else sshfix in the current directory)")
    ap.add_argument("--srcdir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."),
                    help="the source tree (default: this script's)")
    a = ap.parse_args()
    sshfix = a.sshfix or os.environ.get("SSHFIX") or "./sshfix"
    try:
        checks = load_checks(sshfix)
        differ = []
        for name, gen in ((README, gen_readme), (MAN, gen_man)):
            path = os.path.join(a.srcdir, name)
            with open(path, encoding="utf-8") as f:
                old = f.read().split("\n")
            new = gen(old, checks)
            if new == old:
                continue
            differ.append(name)
            if a.check:
                sys.stdout.writelines(l + "\n" for l in list(difflib.unified_diff(
                    old, new, "a/" + name, "b/" + name, lineterm=""))[:60])
            else:
                with open(path + ".tmp", "w", encoding="utf-8") as f:
                    f.write("\n".join(new))
                os.rename(path + ".tmp", path)
                print("gen-docs: rewrote %s" % name)
    except (Fail, OSError, ValueError, KeyError) as e:
        warn(str(e))
        return 2
    if a.check and differ:
        print("FAIL: %s %s not what the problem tables make; to rewrite, run\n"
              "\tpython3 %s --sshfix %s\nand commit the result"
              % (" and ".join(differ), "is" if len(differ) == 1 else "are",
                 shown(os.path.join(a.srcdir, "tools", "gen-docs.py")), shown(sshfix)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
