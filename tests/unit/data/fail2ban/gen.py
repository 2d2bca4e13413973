# SPDX-License-Identifier: GPL-2.0-or-later
# gen.py OUTDIR: the fail2ban database fixtures of test_fail2ban, made by
# fail2ban's own Fail2BanDb (run with the cached e2e root's python3, where
# fail2ban 1.0.2 is installed) and by Python's sqlite3 for the odd cases,
# with FIXTURE.rows: the rows an independent reading expects (SELECT ...
# ORDER BY rowid), in f2b_bans_format()'s form, at NOW.
import os, socket, sqlite3, sys

NOW = 1700000000
out = sys.argv[1]
SCHEMA = ("CREATE TABLE bips(ip TEXT NOT NULL, jail TEXT NOT NULL, timeofban INTEGER NOT NULL, "
          "bantime INTEGER NOT NULL, bancount INTEGER NOT NULL default 1, data JSON, "
          "PRIMARY KEY(ip, jail), FOREIGN KEY(jail) REFERENCES jails(name))")


def fail2ban_dbs():
    from fail2ban.server.database import Fail2BanDb
    from fail2ban.server.ticket import BanTicket

    class Actions:
        def __init__(self, b): self.b = b
        def getBanTime(self): return self.b

    class Jail:
        def __init__(self, name, b): self.name, self.actions = name, Actions(b)

    def ban(db, jail, ip, t, bt, matches=None):
        tk = BanTicket(ip, t, matches)
        tk.setBanTime(bt)
        db.addBan(jail, tk)

    p = os.path.join(out, "real.sqlite3")
    db = Fail2BanDb(p)
    sshd, recidive, apache = Jail("sshd", 600), Jail("recidive", 604800), Jail("apache-auth", 600)
    for j in (sshd, recidive, apache):
        db.addJail(j)
    ban(db, sshd, "192.0.2.20", NOW - 60, 600)
    ban(db, sshd, "198.51.100.7", NOW - 86400 * 30, -1)
    ban(db, recidive, "203.0.113.5", NOW - 3600, 604800)
    ban(db, sshd, "2001:db8::5", NOW - 10, 3600,
        ["Nov 14 22:13:%02d host sshd[1]: Failed password for invalid user %s" % (i, "x" * 700) for i in range(10)])
    ban(db, sshd, "192.0.2.99", NOW - 7200, 600)
    ban(db, apache, "192.0.2.20", NOW - 5, 600)
    db.close()

    # What a healthy fail2ban leaves: its tables and the sshd jail, no ban.
    db = Fail2BanDb(os.path.join(out, "empty.sqlite3"))
    db.addJail(sshd)
    db.close()

    p = os.path.join(out, "many.sqlite3")
    db = Fail2BanDb(p)
    db.addJail(sshd)
    for i in range(3000):
        ban(db, sshd, "10.0.%d.%d" % (i // 250, i % 250 + 1), NOW - i, 600 if i % 7 else -1)
    db.close()


def odd_db():
    p = os.path.join(out, "odd.sqlite3")
    c = sqlite3.connect(p)
    c.execute("PRAGMA page_size = 512")
    c.execute(SCHEMA)
    rows = [
        ("192.0.2.20", "sshd", NOW - 0.5, 600, 1, None),          # REAL time: rounded down
        ("192.0.2.21", "sshd", "abc", 600, 1, None),             # not a number: bad
        (b"192.0.2.22", "sshd", NOW, 600, 2, None),              # BLOB address
        ("host.example", "sshd", NOW, 600, 1, None),             # not an address: bad
        ("192.0.2.23", "sshd", NOW, 600, "many", None),          # a count that is not a number
        ("192.0.2.24", "sshd", NOW, 2 ** 62, 1, None),           # huge ban time
        ("192.0.2.25", "sshd", NOW - 10, -2, 1, None),           # upgraded database
        ("192.0.2.26", "sshd", NOW - 10, 0, 1, None),            # bantime 0: expired
        ("192.0.2.27", "sshd", NOW, 600, 1, "d" * 3000),         # an overflow chain of 512-byte pages
        ("192.0.2.28", "jail\x01name", NOW, 600, 1, None),       # a control byte in the jail: bad
    ]
    for i in range(600):
        rows.append(("198.51.100.%d" % (i % 250 + 1), "j%d" % i, NOW - 100 + i % 300, 150, 1, "x" * (i % 40)))
    c.executemany("INSERT INTO bips VALUES (?, ?, ?, ?, ?, ?)", rows)
    c.commit()
    c.close()
    # The same columns in another order, and no bancount column.
    p = os.path.join(out, "reordered.sqlite3")
    c = sqlite3.connect(p)
    c.execute('CREATE TABLE "bips"(data JSON, "jail" TEXT, [timeofban] INTEGER, bantime INTEGER, `ip` TEXT, '
              "CONSTRAINT pk PRIMARY KEY (ip, jail))")
    c.execute("INSERT INTO bips VALUES (NULL, 'sshd', ?, -1, '192.0.2.20')", (NOW - 5,))
    c.commit()
    c.close()


def rows(path):
    c = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    c.text_factory = bytes
    cols = [r[1].decode() for r in c.execute("PRAGMA table_info(bips)")]
    cnt = "bancount" if "bancount" in cols else "1"
    lines, x, b = [], 0, 0

    def num(v):
        if type(v) is int:
            return v
        if type(v) is float and abs(v) < 2 ** 62:
            return int(v // 1)
        return None

    def addr(v):
        try:
            s = v.decode()
            if len(s) >= 64 or "\0" in s:
                return None
            for f in (socket.AF_INET, socket.AF_INET6):
                try:
                    socket.inet_pton(f, s)
                    return s
                except OSError:
                    pass
        except UnicodeDecodeError:
            pass
        return None

    for ip, jail, t, bt, n in c.execute("SELECT ip, jail, timeofban, bantime, %s FROM bips ORDER BY rowid" % cnt):
        t, bt = num(t), num(bt)
        if type(ip) is not bytes or type(jail) is not bytes or t is None or bt is None:
            b += 1
        elif bt >= 0 and t + bt <= NOW:
            x += 1
        elif addr(ip) is None or not 0 < len(jail) <= 128 or any(ch < 0x20 or ch > 0x7e for ch in jail):
            b += 1
        else:
            lines.append("%s %s %d %d %d\n" % (addr(ip), jail.decode(), t, bt, num(n) or 0))
    lines.append("expired %d bad %d\n" % (x, b))
    with open(path[:-len(".sqlite3")] + ".rows", "w") as f:
        f.write("".join(lines))


fail2ban_dbs()
odd_db()
for name in ("real", "empty", "many", "odd", "reordered"):
    rows(os.path.join(out, name + ".sqlite3"))
